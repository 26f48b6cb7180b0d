/*
 * spool.h - an on-disk, append-only, bounded queue of opaque records, used
 * by the Redis sink to keep findings while Redis is unreachable, slow or
 * refuses them, and to replay them in order later (also after a restart).
 *
 * Layout: a directory holding segment files named <16 hex digits>.seg,
 * replayed in name order.  A segment starts with the 8-byte magic
 * "EWSPOOL1"; each record is a 12-byte header (0xE5, flags, 2 zero bytes,
 * payload length and CRC-32 of the payload, both little-endian) followed by
 * the payload.  A record is never rewritten; "acknowledged" is one flag bit
 * set in place, and a segment whose records are all acknowledged is deleted.
 * A torn record at the end of a segment (a crash mid-write) is cut off at
 * open; a record that fails its checksum ends its segment and is counted.
 *
 * Durability: records reach the page cache at once (they survive the
 * process) and are fdatasync()ed when a segment is closed; power loss may
 * lose the newest records.  One process at a time: the directory is locked.
 */
#ifndef EDGEWARD_SPOOL_H
#define EDGEWARD_SPOOL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define SPOOL_MAX_RECORD	(1024 * 1024)	/* payload bytes */
#define SPOOL_MAX_SEGMENTS	1024

/* Record flags (the second header byte). */
#define SPOOL_F_ACKED		0x01	/* delivered: skipped on replay */
#define SPOOL_F_UNCERTAIN	0x02	/* was in flight when the link broke */

/* spool_append() and spool_next() results besides 0/1. */
#define SPOOL_ERR		(-1)	/* I/O error; errno is set */
#define SPOOL_FULL		(-2)	/* would pass max_bytes */
#define SPOOL_CORRUPT		(-3)	/* a record failed its checksum */

struct spool;

/* Where one record lives; valid until the record is acknowledged. */
struct spool_ref {
	uint64_t	seg;
	uint64_t	off;
};

struct spool_stats {
	uint64_t	pending;	/* records not yet acknowledged */
	uint64_t	bytes;		/* on disk, headers and acked included */
	uint64_t	recovered;	/* pending records found at open */
	uint64_t	corrupt;	/* records dropped as corrupt */
};

/*
 * Makes dir fit for user (uid, gid), whom a root process is about to drop
 * to, before spool_open creates it as root: a missing directory is created
 * 0700 for the user; one an earlier run created for root (root's, 0700,
 * only spool files) is given to the user with its files; any other must
 * already be writable by the user, and every parent searchable (nothing
 * is changed otherwise).  fix 0 (--check-config) only checks.  Not root,
 * or uid 0: nothing to do.  -1 with errbuf set: one line saying what to
 * change.
 */
int		 spool_dir_for_user(const char *dir, const char *user, uid_t uid,
		    gid_t gid, int fix, char *errbuf, size_t errlen);
/*
 * Opens (creating the directory, mode 0700, if missing) and scans the
 * spool.  max_bytes bounds the total size of all segments.  Returns NULL
 * and fills errbuf on failure.  The caller owns the handle.
 */
struct spool	*spool_open(const char *dir, uint64_t max_bytes,
		    char *errbuf, size_t errlen);
/* Syncs and closes; pending records stay on disk for the next open. */
void		 spool_close(struct spool *sp);

/* Appends one record; 0, SPOOL_FULL or SPOOL_ERR.  ref may be NULL. */
int		 spool_append(struct spool *sp, const void *data, size_t len,
		    uint8_t flags, struct spool_ref *ref);

/*
 * The read cursor.  spool_rewind() moves it to the oldest pending record,
 * spool_seek_end() past the newest.  spool_next() copies the next pending
 * record at or after the cursor into buf (cap bytes) and advances: 1 got
 * one, 0 none left, SPOOL_ERR, or SPOOL_CORRUPT (the record was dropped and
 * counted; call again).
 */
void		 spool_rewind(struct spool *sp);
void		 spool_seek_end(struct spool *sp);
int		 spool_next(struct spool *sp, void *buf, size_t cap,
		    size_t *len, uint8_t *flags, struct spool_ref *ref);
/* Reads the record at ref (any state); 1, or SPOOL_ERR/SPOOL_CORRUPT. */
int		 spool_read(struct spool *sp, const struct spool_ref *ref,
		    void *buf, size_t cap, size_t *len, uint8_t *flags);

/*
 * Acknowledges a record (it will never be replayed); deletes segments that
 * no longer hold a pending record.  0, or SPOOL_ERR.
 */
int		 spool_ack(struct spool *sp, const struct spool_ref *ref);
/* Replaces the flags other than SPOOL_F_ACKED of a pending record. */
int		 spool_set_flags(struct spool *sp, const struct spool_ref *ref,
		    uint8_t flags);

uint64_t	 spool_pending(const struct spool *sp);
void		 spool_get_stats(const struct spool *sp, struct spool_stats *out);

/* CRC-32 (IEEE 802.3, as in zlib/PNG) of len bytes. */
uint32_t	 spool_crc32(const void *data, size_t len);

#endif
