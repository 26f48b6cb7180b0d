/*
 * spool.c - bounded on-disk record queue; see spool.h for the file format
 * and the durability promise.
 *
 * All bookkeeping (segment sizes, pending counts) is rebuilt by scanning at
 * open, so the files are the only truth and no index can go stale.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"

#define SEG_MAGIC	"EWSPOOL1"
#define SEG_HDR		8
#define REC_MAGIC	0xe5
#define REC_HDR		12
#define SEG_NAME_LEN	(16 + 4)	/* hex digits + ".seg" */

struct seg {
	uint64_t	seq;
	int		fd;
	uint64_t	size;
	uint64_t	pending;
};

struct spool {
	char		dir[PATH_MAX - SEG_NAME_LEN - 2];
	int		lockfd;
	uint64_t	max_bytes;
	uint64_t	seg_max;
	struct seg	*segs;		/* ascending seq */
	size_t		nsegs;
	uint64_t	next_seq;
	uint64_t	bytes;
	uint64_t	pending;
	uint64_t	cur_seq;	/* read cursor */
	uint64_t	cur_off;
	uint64_t	recovered;
	uint64_t	corrupt;
};

/* Nibble-wise CRC-32, reflected polynomial 0xEDB88320. */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
	0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c
};

uint32_t
spool_crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t c = 0xffffffffu;

	while (len--) {
		c ^= *p++;
		c = (c >> 4) ^ crc_nibble[c & 15];
		c = (c >> 4) ^ crc_nibble[c & 15];
	}
	return c ^ 0xffffffffu;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
seg_path(const struct spool *sp, uint64_t seq, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%016llx.seg", sp->dir, (unsigned long long)seq);
}

static struct seg *
seg_find(struct spool *sp, uint64_t seq)
{
	size_t i;

	for (i = 0; i < sp->nsegs; i++)
		if (sp->segs[i].seq == seq)
			return &sp->segs[i];
	return NULL;
}

/* Full pread: 0 when all n bytes were read, -1 otherwise. */
static int
read_at(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

static void
seg_remove(struct spool *sp, size_t i)
{
	char path[PATH_MAX];

	seg_path(sp, sp->segs[i].seq, path, sizeof(path));
	close(sp->segs[i].fd);
	unlink(path);
	sp->bytes -= sp->segs[i].size;
	memmove(&sp->segs[i], &sp->segs[i + 1],
	    (sp->nsegs - i - 1) * sizeof(sp->segs[0]));
	sp->nsegs--;
}

/*
 * Scans one segment: counts pending records, cuts a torn or corrupt tail.
 * Returns 0, or -1 if the file is not a segment at all.
 */
static int
seg_scan(struct spool *sp, struct seg *sg)
{
	uint8_t hdr[REC_HDR], *payload;
	struct stat st;
	uint64_t off = SEG_HDR;
	uint32_t len;

	if (fstat(sg->fd, &st) != 0 || (uint64_t)st.st_size < SEG_HDR ||
	    read_at(sg->fd, hdr, SEG_HDR, 0) != 0 ||
	    memcmp(hdr, SEG_MAGIC, SEG_HDR) != 0)
		return -1;
	payload = malloc(SPOOL_MAX_RECORD);
	if (payload == NULL)
		return -1;
	sg->size = (uint64_t)st.st_size;
	sg->pending = 0;
	while (off < sg->size) {
		if (sg->size - off < REC_HDR ||
		    read_at(sg->fd, hdr, REC_HDR, off) != 0)
			break;				/* torn header */
		len = get_le32(hdr + 4);
		if (hdr[0] != REC_MAGIC || len > SPOOL_MAX_RECORD) {
			sp->corrupt++;
			break;
		}
		if (sg->size - off - REC_HDR < len)
			break;				/* torn payload */
		if (read_at(sg->fd, payload, len, off + REC_HDR) != 0 ||
		    spool_crc32(payload, len) != get_le32(hdr + 8)) {
			sp->corrupt++;
			break;
		}
		if (!(hdr[1] & SPOOL_F_ACKED))
			sg->pending++;
		off += REC_HDR + len;
	}
	free(payload);
	if (off < sg->size) {
		/* Cut what cannot be trusted so appends start clean. */
		if (ftruncate(sg->fd, (off_t)off) == 0)
			sg->size = off;
	}
	return 0;
}

static int
name_to_seq(const char *name, uint64_t *seq)
{
	uint64_t v = 0;
	size_t i;

	if (strlen(name) != SEG_NAME_LEN || strcmp(name + 16, ".seg") != 0)
		return -1;
	for (i = 0; i < 16; i++) {
		char c = name[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*seq = v;
	return 0;
}

static int
seg_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Reads the directory into sp->segs (unsorted, unscanned). */
static int
spool_list(struct spool *sp, char *errbuf, size_t errlen)
{
	char path[PATH_MAX];
	struct dirent *de;
	uint64_t seq;
	DIR *d;

	d = opendir(sp->dir);
	if (d == NULL) {
		snprintf(errbuf, errlen, "spool %s: cannot read directory: %s",
		    sp->dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (name_to_seq(de->d_name, &seq) != 0)
			continue;
		if (sp->nsegs == SPOOL_MAX_SEGMENTS) {
			snprintf(errbuf, errlen, "spool %s: more than %d "
			    "segment files; remove old ones or raise the "
			    "limit", sp->dir, SPOOL_MAX_SEGMENTS);
			closedir(d);
			return -1;
		}
		seg_path(sp, seq, path, sizeof(path));
		sp->segs[sp->nsegs].seq = seq;
		sp->segs[sp->nsegs].fd = open(path, O_RDWR | O_CLOEXEC);
		if (sp->segs[sp->nsegs].fd < 0) {
			snprintf(errbuf, errlen, "spool %s: cannot open %s: %s",
			    sp->dir, de->d_name, strerror(errno));
			closedir(d);
			return -1;
		}
		sp->nsegs++;
	}
	closedir(d);
	return 0;
}

/* Scans every segment; a file that is not one is renamed *.corrupt. */
static void
spool_scan(struct spool *sp)
{
	char path[PATH_MAX], bad[PATH_MAX + 16];
	size_t i = 0;

	qsort(sp->segs, sp->nsegs, sizeof(sp->segs[0]), seg_cmp);
	while (i < sp->nsegs) {
		struct seg *sg = &sp->segs[i];

		if (seg_scan(sp, sg) != 0) {
			seg_path(sp, sg->seq, path, sizeof(path));
			snprintf(bad, sizeof(bad), "%s.corrupt", path);
			close(sg->fd);
			rename(path, bad);
			sp->corrupt++;
			memmove(sg, sg + 1, (sp->nsegs - i - 1) * sizeof(*sg));
			sp->nsegs--;
			continue;
		}
		sp->bytes += sg->size;
		sp->pending += sg->pending;
		i++;
	}
	/* Fully acknowledged segments are garbage; so is an empty spool. */
	i = 0;
	while (i < sp->nsegs) {
		if (sp->segs[i].pending == 0 &&
		    (sp->pending == 0 || i + 1 < sp->nsegs))
			seg_remove(sp, i);
		else
			i++;
	}
	sp->next_seq = sp->nsegs ? sp->segs[sp->nsegs - 1].seq + 1 : 1;
}

/* ---- the directory and the user edgeward drops to (issue 13) ----------- */

/*
 * Whether uid/gid has access(2) mode to path: a child process takes that
 * identity and asks, so search permission on every parent and ACLs count
 * as they will after the drop.  Root only; 1 yes, 0 no, -1 the child
 * could not run.
 */
static int
user_access(const char *path, int mode, uid_t uid, gid_t gid)
{
	pid_t pid;
	int st;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
			_exit(2);
		_exit(access(path, mode) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 2)
		return -1;
	return WEXITSTATUS(st) == 0;
}

/*
 * A directory an earlier run created as root (spool_open's mkdir before
 * the privilege drop): owned by root, mode 0700, holding nothing but the
 * lock and segment files.  Anything else is the administrator's and is
 * never changed.
 */
static int
made_by_root_run(const char *dir, const struct stat *sb)
{
	struct dirent *de;
	uint64_t seq;
	DIR *d;
	int ours = 1;

	if (sb->st_uid != 0 || (sb->st_mode & 07777) != 0700 ||
	    (d = opendir(dir)) == NULL)
		return 0;
	while (ours && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    strcmp(de->d_name, "lock") != 0 &&
		    name_to_seq(de->d_name, &seq) != 0)
			ours = 0;
	closedir(d);
	return ours;
}

/* Gives the directory and its spool files to uid/gid. */
static int
chown_spool(const char *dir, uid_t uid, gid_t gid)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (chown(dir, uid, gid) != 0 || (d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lchown(path, uid, gid) != 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
spool_dir_for_user(const char *dir, const char *user, uid_t uid, gid_t gid,
    int fix, char *errbuf, size_t errlen)
{
	char parent[PATH_MAX], *slash;
	struct stat sb;
	int w, make = 0;	/* 1 create it, 2 give it to the user */

	if (geteuid() != 0 || uid == 0)
		return 0;		/* no drop: spool_open says what fails */
	if (stat(dir, &sb) != 0) {
		if (errno != ENOENT) {
			snprintf(errbuf, errlen, "spool_dir %s: %s", dir,
			    strerror(errno));
			return -1;
		}
		make = 1;
	} else if (!S_ISDIR(sb.st_mode)) {
		snprintf(errbuf, errlen, "spool_dir %s is not a directory", dir);
		return -1;
	} else if (sb.st_uid != uid && made_by_root_run(dir, &sb))
		make = 2;
	/* What the user needs: the way to the directory, then to write it;
	 * nothing is changed before the way is known to be open. */
	snprintf(parent, sizeof(parent), "%s", dir);
	if ((slash = strrchr(parent, '/')) == NULL)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	w = user_access(parent, X_OK, uid, gid);
	if (w == 1 && make == 1 && fix &&
	    (mkdir(dir, 0700) != 0 || chown(dir, uid, gid) != 0)) {
		snprintf(errbuf, errlen, "spool_dir %s: cannot create it for "
		    "user %s: %s (create it: install -d -o %s -m 700 %s)", dir,
		    user, strerror(errno), user, dir);
		(void)rmdir(dir);
		return -1;
	}
	if (w == 1 && make == 2 && fix && chown_spool(dir, uid, gid) != 0) {
		snprintf(errbuf, errlen, "spool_dir %s: cannot give it to user "
		    "%s: %s (chown -R %s %s)", dir, user, strerror(errno), user,
		    dir);
		return -1;
	}
	if (w == 1 && (make == 0 || fix))
		w = user_access(dir, W_OK | X_OK, uid, gid);
	if (w < 0) {
		snprintf(errbuf, errlen, "spool_dir %s: cannot check it for user "
		    "%s: %s", dir, user, strerror(errno));
		return -1;
	}
	if (w == 0) {
		snprintf(errbuf, errlen, "spool_dir %s is not writable by user "
		    "%s, whom edgeward runs as after start, so every spooled "
		    "finding would be lost (give %s the directory and search "
		    "permission on its parents, or set another spool_dir)", dir,
		    user, user);
		return -1;
	}
	return 0;
}

struct spool *
spool_open(const char *dir, uint64_t max_bytes, char *errbuf, size_t errlen)
{
	char path[PATH_MAX];
	struct spool *sp;

	if (dir == NULL || *dir == '\0') {
		snprintf(errbuf, errlen, "spool: no directory given");
		return NULL;
	}
	sp = calloc(1, sizeof(*sp));
	if (sp == NULL) {
		snprintf(errbuf, errlen, "spool: out of memory");
		return NULL;
	}
	sp->lockfd = -1;
	if (strlen(dir) >= sizeof(sp->dir)) {
		snprintf(errbuf, errlen, "spool: directory name too long");
		goto fail;
	}
	strcpy(sp->dir, dir);
	sp->max_bytes = max_bytes;
	/* About eight segments per spool so acknowledged space is freed. */
	sp->seg_max = max_bytes / 8;
	if (sp->seg_max < 64 * 1024)
		sp->seg_max = 64 * 1024;
	if (sp->seg_max > 16 * 1024 * 1024)
		sp->seg_max = 16 * 1024 * 1024;
	sp->segs = calloc(SPOOL_MAX_SEGMENTS, sizeof(sp->segs[0]));
	if (sp->segs == NULL) {
		snprintf(errbuf, errlen, "spool: out of memory");
		goto fail;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(errbuf, errlen, "spool %s: cannot create directory: "
		    "%s", dir, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/lock", dir);
	sp->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (sp->lockfd < 0) {
		snprintf(errbuf, errlen, "spool %s: cannot open lock file: %s "
		    "(is the directory writable by the sensor user?)", dir,
		    strerror(errno));
		goto fail;
	}
	if (flock(sp->lockfd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(errbuf, errlen, "spool %s: in use by another process; "
		    "give each sensor its own spool directory", dir);
		goto fail;
	}
	if (spool_list(sp, errbuf, errlen) != 0)
		goto fail;
	spool_scan(sp);
	sp->recovered = sp->pending;
	spool_rewind(sp);
	return sp;
fail:
	spool_close(sp);
	return NULL;
}

void
spool_close(struct spool *sp)
{
	size_t i;

	if (sp == NULL)
		return;
	for (i = 0; i < sp->nsegs; i++) {
		fdatasync(sp->segs[i].fd);
		close(sp->segs[i].fd);
	}
	if (sp->lockfd >= 0)
		close(sp->lockfd);
	free(sp->segs);
	free(sp);
}

/* Opens a fresh segment at the end. */
static struct seg *
seg_create(struct spool *sp)
{
	char path[PATH_MAX];
	struct seg *sg;
	int fd;

	if (sp->nsegs == SPOOL_MAX_SEGMENTS) {
		errno = ENOSPC;
		return NULL;
	}
	seg_path(sp, sp->next_seq, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	if (pwrite(fd, SEG_MAGIC, SEG_HDR, 0) != SEG_HDR) {
		close(fd);
		unlink(path);
		errno = EIO;
		return NULL;
	}
	if (sp->nsegs > 0)
		fdatasync(sp->segs[sp->nsegs - 1].fd);
	sg = &sp->segs[sp->nsegs++];
	sg->seq = sp->next_seq++;
	sg->fd = fd;
	sg->size = SEG_HDR;
	sg->pending = 0;
	sp->bytes += SEG_HDR;
	return sg;
}

int
spool_append(struct spool *sp, const void *data, size_t len, uint8_t flags,
    struct spool_ref *ref)
{
	uint8_t hdr[REC_HDR];
	struct iovec iov[2];
	struct seg *sg;
	uint64_t need = REC_HDR + (uint64_t)len;
	ssize_t w;

	if (len > SPOOL_MAX_RECORD) {
		errno = EMSGSIZE;
		return SPOOL_ERR;
	}
	sg = sp->nsegs ? &sp->segs[sp->nsegs - 1] : NULL;
	if (sg == NULL || (sg->size + need > sp->seg_max && sg->size > SEG_HDR))
		need += SEG_HDR;
	if (sp->bytes + need > sp->max_bytes)
		return SPOOL_FULL;
	if (need > REC_HDR + (uint64_t)len && (sg = seg_create(sp)) == NULL)
		return SPOOL_ERR;
	hdr[0] = REC_MAGIC;
	hdr[1] = flags & ~SPOOL_F_ACKED;
	hdr[2] = hdr[3] = 0;
	put_le32(hdr + 4, (uint32_t)len);
	put_le32(hdr + 8, spool_crc32(data, len));
	iov[0].iov_base = hdr;
	iov[0].iov_len = REC_HDR;
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	w = pwritev(sg->fd, iov, 2, (off_t)sg->size);
	if (w != (ssize_t)(REC_HDR + len)) {
		/* Never leave half a record behind. */
		if (ftruncate(sg->fd, (off_t)sg->size) != 0)
			(void)0;
		if (w >= 0)
			errno = ENOSPC;
		return SPOOL_ERR;
	}
	if (ref != NULL) {
		ref->seg = sg->seq;
		ref->off = sg->size;
	}
	sg->size += REC_HDR + len;
	sg->pending++;
	sp->bytes += REC_HDR + len;
	sp->pending++;
	return 0;
}

void
spool_rewind(struct spool *sp)
{
	sp->cur_seq = sp->nsegs ? sp->segs[0].seq : sp->next_seq;
	sp->cur_off = SEG_HDR;
}

void
spool_seek_end(struct spool *sp)
{
	if (sp->nsegs) {
		sp->cur_seq = sp->segs[sp->nsegs - 1].seq;
		sp->cur_off = sp->segs[sp->nsegs - 1].size;
	} else {
		sp->cur_seq = sp->next_seq;
		sp->cur_off = SEG_HDR;
	}
}

/* Header and payload of the record at (sg, off); 1 or an error. */
static int
rec_load(struct seg *sg, uint64_t off, void *buf, size_t cap, size_t *len,
    uint8_t *flags)
{
	uint8_t hdr[REC_HDR];
	uint32_t n;

	if (off + REC_HDR > sg->size || read_at(sg->fd, hdr, REC_HDR, off) != 0)
		return SPOOL_ERR;
	n = get_le32(hdr + 4);
	if (hdr[0] != REC_MAGIC || n > SPOOL_MAX_RECORD ||
	    sg->size - off - REC_HDR < n)
		return SPOOL_CORRUPT;
	*flags = hdr[1];
	*len = n;
	if (buf == NULL)
		return 1;
	if (n > cap) {
		errno = EMSGSIZE;
		return SPOOL_ERR;
	}
	if (read_at(sg->fd, buf, n, off + REC_HDR) != 0)
		return SPOOL_ERR;
	if (spool_crc32(buf, n) != get_le32(hdr + 8))
		return SPOOL_CORRUPT;
	return 1;
}

/*
 * Unreadable framing at off (the disk changed under us): the rest of the
 * segment cannot be trusted.  Counts its pending records as corrupt and
 * truncates, so later appends are not hidden behind garbage.
 */
static void
seg_cut(struct spool *sp, struct seg *sg, uint64_t off)
{
	uint64_t o = SEG_HDR, before = 0, lost;
	size_t n;
	uint8_t f;

	while (o < off && rec_load(sg, o, NULL, 0, &n, &f) == 1) {
		if (!(f & SPOOL_F_ACKED))
			before++;
		o += REC_HDR + n;
	}
	lost = sg->pending > before ? sg->pending - before : 0;
	sg->pending -= lost;
	sp->pending -= lost;
	sp->corrupt += lost;
	if (ftruncate(sg->fd, (off_t)off) == 0) {
		sp->bytes -= sg->size - off;
		sg->size = off;
	}
}

/* The segment holding the cursor, moving the cursor over exhausted ones. */
static struct seg *
cursor_seg(struct spool *sp)
{
	size_t i;

	for (i = 0; i < sp->nsegs; i++) {
		struct seg *sg = &sp->segs[i];

		if (sg->seq < sp->cur_seq)
			continue;
		if (sg->seq > sp->cur_seq) {
			sp->cur_seq = sg->seq;
			sp->cur_off = SEG_HDR;
		}
		if (sp->cur_off < sg->size)
			return sg;
		if (i + 1 == sp->nsegs)
			return NULL;
		sp->cur_seq = sp->segs[i + 1].seq;
		sp->cur_off = SEG_HDR;
	}
	return NULL;
}

int
spool_next(struct spool *sp, void *buf, size_t cap, size_t *len,
    uint8_t *flags, struct spool_ref *ref)
{
	struct spool_ref here;
	struct seg *sg;
	size_t n;
	uint8_t f;
	int r;

	while ((sg = cursor_seg(sp)) != NULL) {
		here.seg = sg->seq;
		here.off = sp->cur_off;
		r = rec_load(sg, sp->cur_off, NULL, 0, &n, &f);
		if (r == SPOOL_ERR)
			return SPOOL_ERR;
		if (r == SPOOL_CORRUPT) {
			seg_cut(sp, sg, sp->cur_off);
			return SPOOL_CORRUPT;
		}
		sp->cur_off += REC_HDR + n;
		if (f & SPOOL_F_ACKED)
			continue;
		r = rec_load(sg, here.off, buf, cap, &n, &f);
		if (r == SPOOL_CORRUPT) {
			sp->corrupt++;
			spool_ack(sp, &here);
			return SPOOL_CORRUPT;
		}
		if (r != 1)
			return r;
		*len = n;
		*flags = f;
		if (ref != NULL)
			*ref = here;
		return 1;
	}
	return 0;
}

int
spool_read(struct spool *sp, const struct spool_ref *ref, void *buf,
    size_t cap, size_t *len, uint8_t *flags)
{
	struct seg *sg = seg_find(sp, ref->seg);

	if (sg == NULL) {
		errno = ENOENT;
		return SPOOL_ERR;
	}
	return rec_load(sg, ref->off, buf, cap, len, flags);
}

static int
flags_write(struct seg *sg, uint64_t off, uint8_t flags)
{
	return pwrite(sg->fd, &flags, 1, (off_t)(off + 1)) == 1 ? 0 : SPOOL_ERR;
}

int
spool_ack(struct spool *sp, const struct spool_ref *ref)
{
	struct seg *sg = seg_find(sp, ref->seg);
	size_t len, i;
	uint8_t f;

	if (sg == NULL || rec_load(sg, ref->off, NULL, 0, &len, &f) != 1)
		return SPOOL_ERR;
	if (f & SPOOL_F_ACKED)
		return 0;
	if (flags_write(sg, ref->off, f | SPOOL_F_ACKED) != 0)
		return SPOOL_ERR;
	sg->pending--;
	sp->pending--;
	if (sp->pending == 0) {
		/* Empty: start over so the directory does not keep garbage. */
		while (sp->nsegs > 0)
			seg_remove(sp, sp->nsegs - 1);
		spool_rewind(sp);
		return 0;
	}
	i = (size_t)(sg - sp->segs);
	if (sg->pending == 0 && i + 1 < sp->nsegs)
		seg_remove(sp, i);
	return 0;
}

int
spool_set_flags(struct spool *sp, const struct spool_ref *ref, uint8_t flags)
{
	struct seg *sg = seg_find(sp, ref->seg);
	size_t len;
	uint8_t f;

	if (sg == NULL || rec_load(sg, ref->off, NULL, 0, &len, &f) != 1)
		return SPOOL_ERR;
	if (f & SPOOL_F_ACKED)
		return 0;
	return flags_write(sg, ref->off, flags & ~SPOOL_F_ACKED);
}

uint64_t
spool_pending(const struct spool *sp)
{
	return sp->pending;
}

void
spool_get_stats(const struct spool *sp, struct spool_stats *out)
{
	out->pending = sp->pending;
	out->bytes = sp->bytes;
	out->recovered = sp->recovered;
	out->corrupt = sp->corrupt;
}
