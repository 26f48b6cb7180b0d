/*
 * addrset.h - immutable sets of IPv4/IPv6 addresses and CIDR blocks, each
 * entry with a small tag (the device role of an edge-device inventory),
 * and sets of address pairs (site-to-site tunnel endpoints).
 *
 * Life cycle: built once from text (a configuration value or a signature
 * file) in the control thread, at start or on SIGHUP; read by any number
 * of threads at once without locks (a lookup only reads: no caches, no
 * counters); freed by one call when no reader is left.
 *
 * Entry syntax (one entry of a list; see sigfile.h for separators, '#'
 * comments and @FILE includes):
 *   ADDR            one host: 192.0.2.1, 2001:db8::1 (a /32 or /128)
 *   ADDR/LEN        a block: 192.0.2.0/24, 2001:db8::/32, 0.0.0.0/0
 *   ...=NAME        a tag, in sets built with a name table: 10.0.0.1=vpn
 * Decisions:
 *   - Host bits set (10.0.0.1/24) are an error that names the network
 *     (10.0.0.0/24): an interface address written with its mask would
 *     otherwise silently put its whole subnet in the set.
 *   - IPv4 addresses are only the dotted quad (no "10.1", no leading
 *     zeros, as inet_pton(3)); IPv6 without zone ids.
 *   - An IPv4-mapped IPv6 entry (::ffff:192.0.2.0/120, length >= 96) is the
 *     IPv4 entry (192.0.2.0/24), and a lookup of an IPv4-mapped address
 *     looks up the IPv4 address: a mapped address is an IPv4 host.  The
 *     families are otherwise separate: ::/0 does not hold IPv4 addresses.
 *   - Overlapping entries: the most specific prefix decides the tag
 *     (10.0.0.0/8=router and 10.1.2.3=firewall: 10.1.2.3 is a firewall,
 *     10.1.2.4 a router).  The same prefix twice with the same tag is
 *     accepted; with different tags it is an error.
 *   - At most ADDRSET_MAX_ENTRIES entries (repeats counted).
 * At build time the prefixes are flattened into disjoint sorted ranges
 * (at most two per entry); a lookup is a binary search over them:
 * O(log n), IPv4 on 32-bit keys, IPv6 on 128-bit keys.
 *
 * Pair sets (addrpairs): entries "A<>B", A and B addresses or blocks of
 * one family, allow a tunnel between any address of A and any of B in
 * either direction; a plain entry "A" allows any tunnel with an endpoint
 * in A.  Blanks around "<>" are allowed.  At most ADDRPAIRS_MAX_ENTRIES;
 * a match scans the entries of the family (a site-to-site list is short):
 * linear, a few nanoseconds an entry.
 */
#ifndef EDGEWARD_ADDRSET_H
#define EDGEWARD_ADDRSET_H

#include <stddef.h>
#include <stdint.h>

#define ADDRSET_MAX_ENTRIES	262144
#define ADDRSET_MAX_TAGS	255
#define ADDRPAIRS_MAX_ENTRIES	4096

struct addrset;
struct addrset_builder;
struct addrpairs;

/*
 * A caller's tag names: tag value i is names[i] (NULL-terminated list,
 * at most ADDRSET_MAX_TAGS names, compared ignoring ASCII case).  An entry
 * without "=NAME" gets def.  noun names the tag in errors ("role").
 */
struct addrset_tags {
	const char		*noun;
	const char *const	*names;
	unsigned		 def;
};

/*
 * Builds a set from a list (sigfile.h syntax).  tags NULL: entries take no
 * "=NAME" and every tag is 0.  Returns the set, owned by the caller (free
 * with addrset_free), or NULL with err: "'ENTRY': reason", with
 * "FILE:LINE: " before it for an entry of an included file.  An empty or
 * NULL text gives an empty set.
 */
struct addrset	*addrset_build(const char *text, const struct addrset_tags *tags,
		    char *err, size_t errlen);

/*
 * For loaders that read entries one by one (a signature file's fields).
 * tags is kept by pointer until finish.  add: one entry as in a list
 * ("ADDR[/LEN][=NAME]"); add_tagged: "ADDR[/LEN]" with a tag value given
 * (< the number of names, or <= ADDRSET_MAX_TAGS without names); both
 * return 0 or -1 with the reason in err.  finish consumes the builder
 * (also on error) and returns the set or NULL with err.  builder_free drops
 * an unfinished builder.
 */
struct addrset_builder *addrset_builder_new(const struct addrset_tags *tags);
int		 addrset_builder_add(struct addrset_builder *b, const char *entry,
		    char *err, size_t errlen);
int		 addrset_builder_add_tagged(struct addrset_builder *b,
		    const char *cidr, unsigned tag, char *err, size_t errlen);
struct addrset	*addrset_builder_finish(struct addrset_builder *b, char *err,
		    size_t errlen);
void		 addrset_builder_free(struct addrset_builder *b);

/*
 * The tag of the most specific entry holding addr, or -1 when none does
 * (or s is NULL).  family is 4 or AF_INET (addr: 4 bytes, network order),
 * 6 or AF_INET6 (16 bytes), as struct flow_key carries it.
 */
int		 addrset_lookup(const struct addrset *s, int family,
		    const uint8_t *addr);
/* The same for an IPv4 address in host byte order. */
int		 addrset_lookup4(const struct addrset *s, uint32_t addr);
/* Distinct entries, and the disjoint ranges they were flattened into. */
size_t		 addrset_entries(const struct addrset *s);
size_t		 addrset_ranges(const struct addrset *s);
void		 addrset_free(struct addrset *s);

/*
 * Builds a pair set from a list (entries "A<>B" or "A"; no tags).  Returns
 * it (free with addrpairs_free) or NULL with err as addrset_build.
 */
struct addrpairs *addrpairs_build(const char *text, char *err, size_t errlen);
/*
 * 1 if an entry allows a tunnel between x and y (either direction), else
 * 0 (also for p NULL or x and y of different families).  family as for
 * addrset_lookup; both addresses of that family.
 */
int		 addrpairs_match(const struct addrpairs *p, int family,
		    const uint8_t *x, const uint8_t *y);
size_t		 addrpairs_entries(const struct addrpairs *p);
void		 addrpairs_free(struct addrpairs *p);

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d): an IPv4 address. */
int	addr_is_v4_mapped(const uint8_t *a);

#endif
