/*
 * community_id.h - Community ID flow hashing, version 1
 * (https://github.com/corelight/community-id-spec), so findings join with
 * Zeek and Suricata logs.
 *
 * Endpoints are ordered as the spec says (smaller address first, ports
 * break ties); ICMP and ICMPv6 type/code pairs are mapped to their
 * request/response counterparts ("one-way" types keep their own order).
 * Output is "1:" followed by base64 of SHA-1, NUL-terminated.
 */
#ifndef EDGEWARD_COMMUNITY_ID_H
#define EDGEWARD_COMMUNITY_ID_H

#include <stdint.h>

#define COMMUNITY_ID_LEN	32	/* "1:" + 28 base64 chars + NUL, rounded */

/*
 * family: 4 or 6; saddr/daddr: 4 or 16 bytes in network order;
 * proto: IP protocol number; sport/dport: host order (for ICMP/ICMPv6 the
 * type and code).  Returns 0, or -1 for an unsupported family.
 */
int	community_id_v1(uint16_t seed, int family, const uint8_t *saddr,
	    const uint8_t *daddr, uint8_t proto, uint16_t sport, uint16_t dport,
	    char out[COMMUNITY_ID_LEN]);
/*
 * Maps an ICMP (proto 1) or ICMPv6 (58) type/code in *sport and *dport to
 * the port pair.  Returns 1 when the type is one-way (ports stay type and
 * code, order fixed), 0 when it has a counterpart (*dport becomes that
 * type), so a request and its reply give the same pair, swapped.  The flow
 * table keys ICMP flows the same way.
 */
int	community_id_icmp_ports(uint8_t proto, uint16_t *sport,
	    uint16_t *dport);

#endif
