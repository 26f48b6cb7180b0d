/*
 * filemagic.h - which known format a content starts with, from a table of
 * magic numbers in a signature file (signatures/capture_magics.txt:
 * capture files).  Only a content's start is ever compared: callers pass
 * the first bytes of a stream, a body or a file part, never its middle.
 *
 * Table format (sigfile.h syntax), one format a line:
 *   FORMAT TOKEN...     (at most FILEMAGIC_TOKS tokens, all must hold)
 *     HEX[@OFFSET]      these bytes (1-16) at OFFSET (default 0, <= 4096)
 *     name:GLOB         the transfer's name matches (glob.h)
 *     gzname:GLOB       the name a gzip header stores (RFC 1952 FNAME,
 *                       after FEXTRA) matches
 * The first token is bytes; the first line that holds names the format.
 *
 * Life cycle as every signature table: loaded in the control thread,
 * immutable, read by any number of workers, freed by one call.
 */
#ifndef EDGEWARD_FILEMAGIC_H
#define EDGEWARD_FILEMAGIC_H

#include <stddef.h>
#include <stdint.h>

#define FILEMAGIC_TOKS		4
#define FILEMAGIC_FORMAT	16	/* bytes of a format name, with NUL */

struct filemagic;

/*
 * Reads <dir>/<name>.  Returns the table (free with filemagic_free) or
 * NULL with err "FILE:LINE: reason".
 */
struct filemagic *filemagic_load(const char *dir, const char *name,
		    char *err, size_t errlen);
void		 filemagic_free(struct filemagic *m);
/*
 * The format of the content starting with head[0..n) (name, may be NULL:
 * the transfer's name), or NULL.  The string is the table's.
 */
const char	*filemagic_match(const struct filemagic *m, const uint8_t *head,
		    size_t n, const uint8_t *name, size_t nlen);
/* The name a gzip member header stores, or NULL (len set). */
const uint8_t	*filemagic_gzip_name(const uint8_t *h, size_t n, size_t *len);

#endif
