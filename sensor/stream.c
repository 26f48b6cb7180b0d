/*
 * stream.c - TCP reassembly (RFC 9293 sequence space); see stream.h for the
 * delivery and overlap policy.
 */
#include <stdlib.h>
#include <string.h>

#include "stream.h"

struct seg {
	struct seg	*next;
	uint32_t	 seq;
	uint32_t	 len;
	uint8_t		 data[];
};

struct sdir {
	uint32_t	 next_seq;
	uint8_t		 init;
	uint8_t		 stopped;
	uint64_t	 delivered;
	struct seg	*ooo;		/* sorted by seq, non-overlapping */
	size_t		 ooo_bytes;
};

struct stream {
	struct sdir	d[2];
};

/* Modular sequence comparison: a - b as a signed distance. */
static int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

size_t
stream_size(void)
{
	return sizeof(struct stream);
}

struct stream *
stream_new(void)
{
	return calloc(1, sizeof(struct stream));
}

static void
free_ooo(struct sdir *d, const struct stream_opts *o, void *arg)
{
	struct seg *s, *n;

	for (s = d->ooo; s != NULL; s = n) {
		n = s->next;
		if (o != NULL && o->release != NULL)
			o->release(arg, sizeof(*s) + s->len);
		free(s);
	}
	d->ooo = NULL;
	d->ooo_bytes = 0;
}

void
stream_free(struct stream *s, const struct stream_opts *o, void *arg)
{
	if (s == NULL)
		return;
	free_ooo(&s->d[0], o, arg);
	free_ooo(&s->d[1], o, arg);
	free(s);
}

int
stream_active(const struct stream *s, int dir)
{
	return !s->d[dir].stopped;
}

void
stream_stop(struct stream *s)
{
	s->d[0].stopped = s->d[1].stopped = 1;
}

static void
deliver(struct sdir *d, const struct stream_opts *o, void *arg,
    struct stream_stats *st, int dir, const uint8_t *data, size_t len)
{
	if (d->stopped || len == 0)
		return;
	if (d->delivered + len > o->depth) {
		len = (size_t)(o->depth - d->delivered);
		st->depth_reached++;
		d->stopped = 1;
	}
	d->delivered += len;
	st->bytes_delivered += len;
	if (len > 0)
		o->deliver(arg, dir, data, len);
}

/* Delivers buffered segments that have become in order. */
static void
drain(struct sdir *d, const struct stream_opts *o, void *arg,
    struct stream_stats *st, int dir)
{
	struct seg *s;
	int32_t skip;

	while ((s = d->ooo) != NULL && seq_diff(s->seq, d->next_seq) <= 0) {
		d->ooo = s->next;
		d->ooo_bytes -= s->len;
		skip = seq_diff(d->next_seq, s->seq);
		if ((uint32_t)skip < s->len) {
			deliver(d, o, arg, st, dir, s->data + skip,
			    s->len - (uint32_t)skip);
			d->next_seq = s->seq + s->len;
		}
		if (o->release != NULL)
			o->release(arg, sizeof(*s) + s->len);
		free(s);
	}
}

/*
 * Delivers an in-order segment (seq == next_seq).  Where it runs into data
 * buffered ahead of it, the buffered bytes were first and win: they are
 * compared (overlap, mismatch), delivered instead, and the segment goes on
 * after them.
 */
static void
deliver_in_order(struct sdir *d, const struct stream_opts *o, void *arg,
    struct stream_stats *st, int dir, uint32_t seq, const uint8_t *data,
    size_t len)
{
	struct seg *s;
	uint32_t piece;

	while (len > 0) {
		s = d->ooo;	/* buffered data always lies beyond next_seq */
		piece = (uint32_t)len;
		if (s != NULL && (uint32_t)seq_diff(s->seq, seq) < piece)
			piece = (uint32_t)seq_diff(s->seq, seq);
		deliver(d, o, arg, st, dir, data, piece);
		seq += piece;
		data += piece;
		len -= piece;
		d->next_seq = seq;
		if (len == 0)
			break;
		/* s starts at seq: its bytes win over ours. */
		piece = len < s->len ? (uint32_t)len : s->len;
		st->overlaps++;
		if (memcmp(s->data, data, piece))
			st->overlap_mismatch++;
		seq += piece;
		data += piece;
		len -= piece;
		d->ooo = s->next;
		d->ooo_bytes -= s->len;
		deliver(d, o, arg, st, dir, s->data, s->len);
		d->next_seq = s->seq + s->len;
		if (o->release != NULL)
			o->release(arg, sizeof(*s) + s->len);
		free(s);
	}
}

/* Inserts [seq, seq+len) into the ooo list, keeping bytes already there. */
static void
buffer_ooo(struct sdir *d, const struct stream_opts *o, void *arg,
    struct stream_stats *st, uint32_t seq, const uint8_t *data, size_t len)
{
	struct seg **pp = &d->ooo, *s, *n;
	uint32_t piece, skip;

	while (len > 0) {
		/* Skip segments entirely before seq. */
		while ((s = *pp) != NULL &&
		    seq_diff(s->seq + s->len, seq) <= 0)
			pp = &s->next;
		if (s != NULL && seq_diff(s->seq, seq) <= 0) {
			/* seq falls inside s: those bytes exist already. */
			skip = (uint32_t)seq_diff(s->seq + s->len, seq);
			if (skip > len)
				skip = (uint32_t)len;
			st->overlaps++;
			if (memcmp(s->data + seq_diff(seq, s->seq), data, skip))
				st->overlap_mismatch++;
			seq += skip;
			data += skip;
			len -= skip;
			pp = &s->next;
			continue;
		}
		piece = (uint32_t)len;
		if (s != NULL && (uint32_t)seq_diff(s->seq, seq) < piece)
			piece = (uint32_t)seq_diff(s->seq, seq);
		if (d->ooo_bytes + piece > o->ooo_max ||
		    (o->charge != NULL && o->charge(arg, sizeof(*n) + piece) < 0)) {
			st->ooo_limit++;
			st->gaps++;
			d->stopped = 1;
			free_ooo(d, o, arg);
			return;
		}
		if ((n = malloc(sizeof(*n) + piece)) == NULL) {
			if (o->release != NULL)
				o->release(arg, sizeof(*n) + piece);
			st->gaps++;
			d->stopped = 1;
			free_ooo(d, o, arg);
			return;
		}
		n->seq = seq;
		n->len = piece;
		memcpy(n->data, data, piece);
		n->next = s;
		*pp = n;
		pp = &n->next;
		d->ooo_bytes += piece;
		st->ooo_buffered++;
		seq += piece;
		data += piece;
		len -= piece;
	}
}

void
stream_segment(struct stream *s, const struct stream_opts *o, void *arg,
    struct stream_stats *st, int dir, uint32_t seq, uint8_t flags,
    const uint8_t *data, size_t len)
{
	struct sdir *d = &s->d[dir];
	int32_t rel;

	if (d->stopped)
		return;
	if (flags & 0x02) {		/* SYN consumes one sequence number */
		/* Only the first SYN sets the start: a retransmitted one must
		 * not rewind the stream over delivered bytes. */
		if (!d->init) {
			d->next_seq = seq + 1;
			d->init = 1;
		}
		seq += 1;
	}
	if (len == 0)
		return;
	st->segments++;
	if (!d->init) {			/* picked up mid-stream */
		d->next_seq = seq;
		d->init = 1;
	}
	rel = seq_diff(seq, d->next_seq);
	if (rel < 0) {
		if ((int64_t)rel + (int64_t)len <= 0) {
			st->retransmissions++;
			return;
		}
		st->overlaps++;
		data += (uint32_t)-rel;
		len -= (uint32_t)-rel;
		seq = d->next_seq;
		rel = 0;
	}
	if (rel == 0) {
		deliver_in_order(d, o, arg, st, dir, seq, data, len);
		drain(d, o, arg, st, dir);
		return;
	}
	buffer_ooo(d, o, arg, st, seq, data, len);
}

void
stream_start(struct stream *s, int dir, uint32_t next_seq)
{
	s->d[dir].next_seq = next_seq;
	s->d[dir].init = 1;
}

void
stream_finish(struct stream *s, struct stream_stats *st)
{
	int i;

	for (i = 0; i < 2; i++)
		if (s->d[i].ooo != NULL && !s->d[i].stopped)
			st->gaps++;
}
