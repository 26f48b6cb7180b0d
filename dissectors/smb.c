/*
 * smb.c - SMB1/SMB2 session setup authentication (TCP 445 direct, 139
 * NetBIOS session service).
 *
 * Spec: RFC 1002 4.3 (NBSS framing; direct TCP per [MS-SMB2] 2.1 uses the
 * same 4-byte header), [MS-CIFS] 2.2.4.52/2.2.4.53 (SMB_COM_SESSION_SETUP_
 * ANDX, WordCount 13 with passwords and 12 with a security blob) and
 * 2.2.4.52.2 (NEGOTIATE response SecurityMode), [MS-SMB] 2.2.4.6,
 * [MS-SMB2] 2.2.1 (header), 2.2.5/2.2.6 (SESSION_SETUP request/response),
 * [MS-ERREF] 2.3 (NTSTATUS values).
 *
 * A fact: NTLMSSP found in a session setup security blob (raw or inside
 * SPNEGO) goes to ntlmssp with carrier "smb"; the CHALLENGE comes from the
 * response that asked for more processing; the final response's status
 * settles it (STATUS_SUCCESS success, logon failure, wrong password,
 * disabled/expired/locked account or access denied failure, otherwise
 * unknown).  SMB1 without extended security: when the server's NEGOTIATE
 * response says passwords are not encrypted, or (no NEGOTIATE seen) the
 * case-insensitive password is present, not 24 bytes and there is no
 * case-sensitive one, the password is plaintext: CRED_CLEARTEXT with the
 * account and domain; 24-byte LM/NTLM responses become an NTLMv1 (or v2)
 * fact with the challenge from the NEGOTIATE response.  Deliberately not a
 * fact: Kerberos blobs (no NTLMSSP), encrypted SMB3 transform messages,
 * everything after authentication but the following (skipped by length,
 * never buffered).
 * File facts (capture files on the wire): SMB2 WRITE requests and READ
 * responses at file offset 0, with the first bytes of the data and the
 * name the CREATE gave that FileId (smb2_file()).
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"
#include "ntlmssp.h"
#include "textproto.h"
#include "utf16.h"

#define SMB_MAX_MESSAGE		(64u * 1024)	/* larger ones are skipped */
#define SMB_LARGE_PEEK		512	/* ... after a look at their start */
#define SMB_NBSS_SESSION	0x00

#define SMB1_HEADER_LEN		32
#define SMB1_COM_NEGOTIATE	0x72
#define SMB1_COM_SESSION_SETUP	0x73
#define SMB1_FLAGS_REPLY	0x80
#define SMB1_FLAGS2_UNICODE	0x8000
#define SMB1_FLAGS2_EXT_SEC	0x0800
#define SMB1_SECMODE_ENCRYPT	0x02

#define SMB2_HEADER_LEN		64
#define SMB2_SESSION_SETUP	0x0001
#define SMB2_CREATE		0x0005
#define SMB2_READ		0x0008
#define SMB2_WRITE		0x0009
#define SMB2_FLAGS_RESPONSE	0x00000001u
#define SMB2_MAX_CHAIN		8

#define STATUS_SUCCESS			0x00000000u
#define STATUS_MORE_PROCESSING		0xc0000016u
#define STATUS_ACCESS_DENIED		0xc0000022u
#define STATUS_WRONG_PASSWORD		0xc000006au
#define STATUS_LOGON_FAILURE		0xc000006du
#define STATUS_ACCOUNT_RESTRICTION	0xc000006eu
#define STATUS_PASSWORD_EXPIRED		0xc0000071u
#define STATUS_ACCOUNT_DISABLED		0xc0000072u
#define STATUS_ACCOUNT_LOCKED_OUT	0xc0000234u

#define SMB_FIELD_MAX		256

/* An SMB1 plaintext login waiting for its response. */
struct smb_plain {
	int		used;
	uint8_t		user[SMB_FIELD_MAX];
	size_t		user_len;
	uint8_t		domain[SMB_FIELD_MAX];
	size_t		domain_len;
	uint8_t		password[SMB_FIELD_MAX];
	size_t		password_len;
};

/*
 * SMB2 files (capture files on the wire): a CREATE's name until its
 * response gives the FileId, the names of open FileIds, and READs of
 * offset 0 until their responses carry the data.  Small round-robin
 * tables: a lost entry only loses a name or one file's start.
 */
#define SMB_FILES		8
#define SMB_NAME_MAX		128
#define SMB_FILE_HEAD		64

struct smb_file {
	uint64_t	key;		/* MessageId (pending) or FileId */
	uint8_t		used;
	uint8_t		reported;	/* its start was a file fact */
	uint8_t		name_len;
	uint8_t		name[SMB_NAME_MAX];	/* UTF-8 */
};

struct smb_files {
	struct smb_file	creates[SMB_FILES];	/* by MessageId */
	struct smb_file	open[SMB_FILES];	/* by FileId (volatile half) */
	struct smb_file	reads[SMB_FILES];	/* by MessageId: a FileId */
	uint64_t	read_fid[SMB_FILES];
	unsigned	next_create, next_open, next_read;
};

struct smb_state {
	size_t			skip[2];	/* bytes of a large message */
	struct smb_files	files;
	int			negotiate_seen;
	int			passwords_encrypted;
	uint8_t			challenge[8];
	int			have_challenge;
	struct smb_plain	plain;
	struct ntlmssp_state	ntlm;
	struct ntlmssp_pending	ntlm_pend;
};

static const uint16_t smb_ports[] = { 445, 139, 0 };

static enum cred_outcome
smb_outcome(uint32_t status)
{
	switch (status) {
	case STATUS_SUCCESS:
		return CRED_OUTCOME_SUCCESS;
	case STATUS_ACCESS_DENIED:
	case STATUS_WRONG_PASSWORD:
	case STATUS_LOGON_FAILURE:
	case STATUS_ACCOUNT_RESTRICTION:
	case STATUS_PASSWORD_EXPIRED:
	case STATUS_ACCOUNT_DISABLED:
	case STATUS_ACCOUNT_LOCKED_OUT:
		return CRED_OUTCOME_FAILURE;
	default:
		return CRED_OUTCOME_UNKNOWN;
	}
}

static void
smb_plain_flush(struct dctx *ctx, struct smb_plain *p, enum cred_outcome o)
{
	struct cred_fact f;

	if (!p->used)
		return;
	p->used = 0;
	cred_fact_init(&f, "smb", "SMB1 plaintext password", CRED_CLEARTEXT);
	f.outcome = o;
	f.user = p->user;
	f.user_len = p->user_len;
	f.domain = p->domain;
	f.domain_len = p->domain_len;
	f.secret = p->password;
	f.secret_len = p->password_len;
	dctx_credential(ctx, &f);
}

static void
smb_settle(struct dctx *ctx, struct smb_state *st, uint32_t status)
{
	enum cred_outcome o = smb_outcome(status);

	ntlmssp_settle(ctx, &st->ntlm_pend, o);
	smb_plain_flush(ctx, &st->plain, o);
}

static void
smb_blob(struct dctx *ctx, struct smb_state *st, const uint8_t *blob,
    size_t len)
{
	long at = ntlmssp_find(blob, len);

	if (at >= 0)
		ntlmssp_feed_pending(ctx, &st->ntlm, &st->ntlm_pend, "smb",
		    blob + at, len - (size_t)at);
}

/*
 * Reads a NUL-terminated string (UTF-16LE when unicode) into out, UTF-8;
 * returns 0 if it runs past the buffer.
 */
static int
smb_string(struct cursor *c, int unicode, uint8_t *out, size_t *outlen)
{
	size_t n = 0, left = cur_left(c);
	const uint8_t *p = cur_ptr(c);

	if (unicode) {
		while (n + 1 < left && (p[n] | p[n + 1]) != 0)
			n += 2;
		if (n + 1 >= left)
			return 0;
		*outlen = utf16le_to_utf8(p, n, out, SMB_FIELD_MAX);
		cur_skip(c, n + 2);
	} else {
		while (n < left && p[n] != 0)
			n++;
		if (n >= left)
			return 0;
		*outlen = n < SMB_FIELD_MAX ? n : SMB_FIELD_MAX;
		memcpy(out, p, *outlen);
		cur_skip(c, n + 1);
	}
	return 1;
}

/* SMB1 session setup, WordCount 13: passwords in the clear or LM/NTLM. */
static void
smb1_setup_passwords(struct dctx *ctx, struct smb_state *st,
    struct cursor *c, int unicode)
{
	struct smb_plain *p = &st->plain;
	struct ntlmssp_pending *np = &st->ntlm_pend;
	uint16_t oem_len, uni_len, bytes;
	const uint8_t *oem, *uni;
	size_t data_off;
	int plaintext;
	struct cursor b;

	cur_skip(c, 4 + 2 + 2 + 2 + 4);	/* AndX, MaxBuffer, MaxMpx, Vc, Key */
	oem_len = cur_le16(c);
	uni_len = cur_le16(c);
	cur_skip(c, 4 + 4);		/* Reserved, Capabilities */
	bytes = cur_le16(c);
	data_off = c->off;	/* c starts at the SMB header */
	b = cur_sub(c, bytes);
	oem = cur_take(&b, oem_len);
	uni = cur_take(&b, uni_len);
	if (!cur_ok(c) || !cur_ok(&b)) {
		dctx_weird(ctx, "smb_malformed");
		return;
	}
	/* Unicode strings are 2-aligned from the SMB header start. */
	if (unicode && ((data_off + b.off) & 1))
		cur_skip(&b, 1);
	ntlmssp_settle(ctx, np, CRED_OUTCOME_UNKNOWN);
	smb_plain_flush(ctx, p, CRED_OUTCOME_UNKNOWN);
	memset(p, 0, sizeof(*p));
	if (!smb_string(&b, unicode, p->user, &p->user_len) ||
	    !smb_string(&b, unicode, p->domain, &p->domain_len)) {
		dctx_weird(ctx, "smb_malformed");
		return;
	}
	if (st->negotiate_seen)
		plaintext = !st->passwords_encrypted;
	else
		plaintext = oem_len > 0 && oem_len != 24 && uni_len == 0;
	if (plaintext) {
		if (uni_len > 0) {
			p->password_len = utf16le_to_utf8(uni, uni_len,
			    p->password, SMB_FIELD_MAX);
		} else {
			p->password_len = oem_len < SMB_FIELD_MAX ? oem_len :
			    SMB_FIELD_MAX;
			memcpy(p->password, oem, p->password_len);
		}
		while (p->password_len > 0 &&
		    p->password[p->password_len - 1] == 0)
			p->password_len--;
		if (p->password_len > 0)
			p->used = 1;
		return;
	}
	/* LM/NTLM challenge-response without NTLMSSP framing. */
	if (uni_len != 24 && uni_len < 16 + 28)
		return;	/* null session or unusual: nothing to report */
	if (uni_len > NTLMSSP_NT_MAX || oem_len > sizeof(np->lm))
		return;
	memset(np, 0, sizeof(*np));
	np->used = 1;
	np->carrier = "smb";
	np->have_challenge = st->have_challenge;
	memcpy(np->challenge, st->challenge, sizeof(np->challenge));
	memcpy(np->user, p->user, p->user_len);
	np->user_len = p->user_len;
	memcpy(np->domain, p->domain, p->domain_len);
	np->domain_len = p->domain_len;
	np->lm_len = oem_len;
	memcpy(np->lm, oem, oem_len);
	np->nt_len = uni_len;
	memcpy(np->nt, uni, uni_len);
}

static void
smb1_message(struct dctx *ctx, struct smb_state *st, int dir,
    struct cursor *c)
{
	uint8_t cmd, flags, wc, mode, clen;
	uint16_t flags2, blob_len, bytes;
	uint32_t status;
	const uint8_t *blob;

	cur_skip(c, 4);
	cmd = cur_u8(c);
	status = cur_le32(c);
	flags = cur_u8(c);
	flags2 = cur_le16(c);
	cur_skip(c, 2 + 8 + 2 + 2 + 2 + 2 + 2);
	wc = cur_u8(c);
	if (!cur_ok(c)) {
		dctx_weird(ctx, "smb_malformed");
		return;
	}
	if (cmd == SMB1_COM_NEGOTIATE && (flags & SMB1_FLAGS_REPLY) &&
	    wc == 17) {
		(void)cur_le16(c);	/* DialectIndex */
		mode = cur_u8(c);
		cur_skip(c, 2 + 2 + 4 + 4 + 4 + 4 + 8 + 2);
		clen = cur_u8(c);
		bytes = cur_le16(c);
		if (!cur_ok(c))
			return;
		st->negotiate_seen = 1;
		st->passwords_encrypted = (mode & SMB1_SECMODE_ENCRYPT) != 0;
		if (clen == 8 && bytes >= 8 && !(flags2 & SMB1_FLAGS2_EXT_SEC)) {
			cur_copy(c, st->challenge, 8);
			st->have_challenge = cur_ok(c);
		}
		return;
	}
	if (cmd != SMB1_COM_SESSION_SETUP)
		return;
	if (flags & SMB1_FLAGS_REPLY) {
		if (dir != DIR_TO_CLIENT)
			return;
		if (status == STATUS_MORE_PROCESSING && wc == 4) {
			cur_skip(c, 4 + 2);	/* AndX, Action */
			blob_len = cur_le16(c);
			(void)cur_le16(c);	/* ByteCount */
			blob = cur_take(c, blob_len);
			if (blob != NULL)
				smb_blob(ctx, st, blob, blob_len);
			return;
		}
		smb_settle(ctx, st, status);
		return;
	}
	if (dir != DIR_TO_SERVER)
		return;
	if (wc == 12) {
		cur_skip(c, 4 + 2 + 2 + 2 + 4);
		blob_len = cur_le16(c);
		cur_skip(c, 4 + 4);
		bytes = cur_le16(c);
		blob = cur_take(c, blob_len);
		if (blob == NULL || bytes < blob_len) {
			dctx_weird(ctx, "smb_malformed");
			return;
		}
		smb_blob(ctx, st, blob, blob_len);
	} else if (wc == 13) {
		smb1_setup_passwords(ctx, st, c,
		    (flags2 & SMB1_FLAGS2_UNICODE) != 0);
	} else if (wc == 10) {
		/* pre-NT LM 2.1 form: no account fields worth trusting */
		dctx_weird(ctx, "smb1_old_session_setup");
	}
}

static struct smb_file *
smb_file_find(struct smb_file *t, uint64_t key)
{
	unsigned i;

	for (i = 0; i < SMB_FILES; i++)
		if (t[i].used && t[i].key == key)
			return &t[i];
	return NULL;
}

static struct smb_file *
smb_file_new(struct smb_file *t, unsigned *next, uint64_t key)
{
	struct smb_file *f = &t[(*next)++ % SMB_FILES];

	memset(f, 0, sizeof(*f));
	f->used = 1;
	f->key = key;
	return f;
}

static void
smb_file_fact(struct dctx *ctx, struct smb_file *f, int upload,
    const uint8_t *head, size_t n)
{
	if (f->reported || n == 0)
		return;
	f->reported = 1;
	tp_file_head(ctx, "smb", upload, f->name, f->name_len, head,
	    n < SMB_FILE_HEAD ? n : SMB_FILE_HEAD, -1);
}

/*
 * [MS-SMB2] 2.2.13/2.2.14 CREATE (name; FileId in the response),
 * 2.2.21 WRITE and 2.2.19/2.2.20 READ at offset 0: the start of a file
 * (its first bytes) as a file fact with the CREATE's name.  h: the header,
 * c: the body; the message may be cut short (a large WRITE is looked at
 * through its first bytes only).
 */
static void
smb2_file(struct dctx *ctx, struct smb_state *st, int dir, uint16_t cmd,
    int resp, uint32_t status, uint64_t mid, const struct cursor *h,
    struct cursor c)
{
	struct smb_files *fs = &st->files;
	struct smb_file *f;
	uint16_t off, nlen;
	uint32_t dlen;
	uint64_t foff, fid;
	uint8_t doff;

	if (cmd == SMB2_CREATE && !resp && dir == DIR_TO_SERVER) {
		cur_skip(&c, 44);
		off = cur_le16(&c);
		nlen = cur_le16(&c);
		if (!cur_ok(&c) || off > cur_left(h) || cur_left(h) - off < nlen)
			return;
		f = smb_file_new(fs->creates, &fs->next_create, mid);
		f->name_len = (uint8_t)utf16le_to_utf8(cur_ptr(h) + off, nlen,
		    f->name, sizeof(f->name));
	} else if (cmd == SMB2_CREATE && resp && dir == DIR_TO_CLIENT) {
		if ((f = smb_file_find(fs->creates, mid)) == NULL)
			return;
		f->used = 0;
		cur_skip(&c, 64 + 8);	/* to FileId's volatile half */
		fid = (uint64_t)cur_le32(&c);
		fid |= (uint64_t)cur_le32(&c) << 32;
		if (!cur_ok(&c) || status != STATUS_SUCCESS)
			return;
		memcpy(smb_file_new(fs->open, &fs->next_open, fid), f,
		    sizeof(*f));
		fs->open[(fs->next_open - 1) % SMB_FILES].key = fid;
		fs->open[(fs->next_open - 1) % SMB_FILES].used = 1;
	} else if (cmd == SMB2_WRITE && !resp && dir == DIR_TO_SERVER) {
		cur_skip(&c, 2);
		off = cur_le16(&c);
		dlen = cur_le32(&c);
		foff = (uint64_t)cur_le32(&c);
		foff |= (uint64_t)cur_le32(&c) << 32;
		cur_skip(&c, 8);
		fid = (uint64_t)cur_le32(&c);
		fid |= (uint64_t)cur_le32(&c) << 32;
		if (!cur_ok(&c) || foff != 0 || dlen == 0 ||
		    off >= cur_left(h) ||
		    (f = smb_file_find(fs->open, fid)) == NULL)
			return;
		smb_file_fact(ctx, f, 1, cur_ptr(h) + off,
		    dlen < cur_left(h) - off ? dlen : cur_left(h) - off);
	} else if (cmd == SMB2_READ && !resp && dir == DIR_TO_SERVER) {
		cur_skip(&c, 4 + 4);
		foff = (uint64_t)cur_le32(&c);
		foff |= (uint64_t)cur_le32(&c) << 32;
		cur_skip(&c, 8);
		fid = (uint64_t)cur_le32(&c);
		fid |= (uint64_t)cur_le32(&c) << 32;
		if (!cur_ok(&c) || foff != 0 ||
		    smb_file_find(fs->open, fid) == NULL)
			return;
		fs->read_fid[fs->next_read % SMB_FILES] = fid;
		(void)smb_file_new(fs->reads, &fs->next_read, mid);
	} else if (cmd == SMB2_READ && resp && dir == DIR_TO_CLIENT) {
		if ((f = smb_file_find(fs->reads, mid)) == NULL)
			return;
		f->used = 0;
		fid = fs->read_fid[(size_t)(f - fs->reads)];
		cur_skip(&c, 2);
		doff = cur_u8(&c);
		cur_skip(&c, 1);
		dlen = cur_le32(&c);
		if (!cur_ok(&c) || status != STATUS_SUCCESS ||
		    doff >= cur_left(h) ||
		    (f = smb_file_find(fs->open, fid)) == NULL)
			return;
		smb_file_fact(ctx, f, 0, cur_ptr(h) + doff,
		    dlen < cur_left(h) - doff ? dlen : cur_left(h) - doff);
	}
}

static void
smb2_message(struct dctx *ctx, struct smb_state *st, int dir,
    struct cursor *msg)
{
	struct cursor c, h;
	uint32_t status, flags, next;
	uint64_t mid;
	uint16_t cmd, off, blen;
	unsigned hops;

	c = *msg;
	for (hops = 0; hops < SMB2_MAX_CHAIN; hops++) {
		h = c;			/* offsets are from this header */
		cur_skip(&c, 4 + 2 + 2);
		status = cur_le32(&c);
		cmd = cur_le16(&c);
		cur_skip(&c, 2);
		flags = cur_le32(&c);
		next = cur_le32(&c);
		mid = (uint64_t)cur_le32(&c);
		mid |= (uint64_t)cur_le32(&c) << 32;
		cur_skip(&c, SMB2_HEADER_LEN - 32);
		if (!cur_ok(&c)) {
			dctx_weird(ctx, "smb_malformed");
			return;
		}
		if (cmd == SMB2_CREATE || cmd == SMB2_READ ||
		    cmd == SMB2_WRITE)
			smb2_file(ctx, st, dir, cmd,
			    (flags & SMB2_FLAGS_RESPONSE) != 0, status, mid, &h,
			    c);
		if (cmd == SMB2_SESSION_SETUP) {
			int resp = (flags & SMB2_FLAGS_RESPONSE) != 0;

			if (resp) {
				cur_skip(&c, 2 + 2);	/* size, flags */
			} else
				cur_skip(&c, 2 + 1 + 1 + 4 + 4);
			off = cur_le16(&c);
			blen = cur_le16(&c);
			if (!cur_ok(&c) || off > cur_left(&h) ||
			    cur_left(&h) - off < blen) {
				dctx_weird(ctx, "smb_malformed");
				return;
			}
			if (resp && dir == DIR_TO_CLIENT) {
				if (status == STATUS_MORE_PROCESSING ||
				    status == STATUS_SUCCESS)
					smb_blob(ctx, st, cur_ptr(&h) + off,
					    blen);
				if (status != STATUS_MORE_PROCESSING)
					smb_settle(ctx, st, status);
			} else if (!resp && dir == DIR_TO_SERVER)
				smb_blob(ctx, st, cur_ptr(&h) + off, blen);
		}
		if (next == 0 || next > cur_left(&h))
			return;
		c = h;
		cur_skip(&c, next);
	}
}

static size_t
smb_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct smb_state *st = state;
	struct cursor c, msg;
	size_t used = 0, n;
	uint32_t mlen;
	uint8_t type;

	cur_init(&c, data, len);
	while (cur_left(&c) > 0) {
		if (st->skip[dir] > 0) {
			n = cur_left(&c) < st->skip[dir] ? cur_left(&c) :
			    st->skip[dir];
			cur_skip(&c, n);
			st->skip[dir] -= n;
			used = c.off;
			continue;
		}
		if (cur_left(&c) < 4)
			break;
		type = cur_peek(&c, 0);
		mlen = (uint32_t)cur_peek(&c, 1) << 16 |
		    (uint32_t)cur_peek(&c, 2) << 8 | cur_peek(&c, 3);
		if (type != SMB_NBSS_SESSION || mlen > SMB_MAX_MESSAGE) {
			if (type != SMB_NBSS_SESSION && type < 0x81) {
				dctx_weird(ctx, "smb_bad_nbss");
				dctx_done(ctx);
				return len;
			}
			/*
			 * NBSS control or a large message: skipped; an SMB2
			 * one (a large WRITE or READ answer) is first looked
			 * at through its start, for a file's first bytes.
			 */
			if (type == SMB_NBSS_SESSION) {
				if (cur_left(&c) - 4 < SMB_LARGE_PEEK)
					break;	/* wait for its start */
				cur_skip(&c, 4);
				msg = cur_sub(&c, SMB_LARGE_PEEK);
				if (cur_peek(&msg, 0) == 0xfe &&
				    cur_peek(&msg, 1) == 'S')
					smb2_message(ctx, st, dir, &msg);
				st->skip[dir] = mlen - SMB_LARGE_PEEK;
			} else {
				cur_skip(&c, 4);
				st->skip[dir] = mlen;
			}
			used = c.off;
			continue;
		}
		if (cur_left(&c) - 4 < mlen)
			break;
		cur_skip(&c, 4);
		msg = cur_sub(&c, mlen);
		if (cur_peek(&msg, 1) == 'S' && cur_peek(&msg, 2) == 'M' &&
		    cur_peek(&msg, 3) == 'B') {
			if (cur_peek(&msg, 0) == 0xff)
				smb1_message(ctx, st, dir, &msg);
			else if (cur_peek(&msg, 0) == 0xfe)
				smb2_message(ctx, st, dir, &msg);
			/* 0xfd: SMB3 transform (encrypted) */
		} else if (mlen > 0)
			dctx_weird(ctx, "smb_bad_protocol");
		used = c.off;
	}
	return used;
}

static int
smb_probe(const uint8_t *data, size_t len, int dir)
{
	if (len < 8 || data[0] != SMB_NBSS_SESSION)
		return 0;
	return (data[4] == 0xff || data[4] == 0xfe) && data[5] == 'S' &&
	    data[6] == 'M' && data[7] == 'B';
}

static void
smb_free(struct dctx *ctx, void *state)
{
	struct smb_state *st = state;

	ntlmssp_settle(ctx, &st->ntlm_pend, CRED_OUTCOME_UNKNOWN);
	smb_plain_flush(ctx, &st->plain, CRED_OUTCOME_UNKNOWN);
}

const struct dissector smb_dissector = {
	.name = "smb",
	.description = "SMB1/SMB2 session setup: NTLM and plaintext logins",
	.transport = DISSECTOR_TCP,
	.ports = smb_ports,
	.probe = smb_probe,
	.parse = smb_parse,
	.state_size = sizeof(struct smb_state),
	.free = smb_free,
	.max_pending = SMB_MAX_MESSAGE + 4,
};
