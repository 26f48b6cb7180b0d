/*
 * geoip.h - GeoIP/ASN enrichment from MaxMind-format databases
 * (GeoLite2/DB-IP City or Country, and ASN).
 *
 * The handle is opened once at start-up and is read-only afterwards, so all
 * workers share it without locks (libmaxminddb lookups are thread-safe on an
 * opened MMDB_s).  Private, loopback, link-local, multicast and documentation
 * addresses are classified, not looked up.
 */
#ifndef EDGEWARD_GEOIP_H
#define EDGEWARD_GEOIP_H

#include <stddef.h>
#include <stdint.h>

struct jbuf;
struct geoip;

enum geo_scope {
	GEO_PUBLIC = 0,
	GEO_PRIVATE,		/* RFC 1918, RFC 4193 ULA, RFC 6598 CGN */
	GEO_LOOPBACK,
	GEO_LINK_LOCAL,
	GEO_MULTICAST,
	GEO_RESERVED		/* unspecified, documentation, broadcast ... */
};

struct geo_info {
	enum geo_scope	scope;
	int		found;		/* a database had a record */
	char		country_iso[3];
	char		country[48];
	char		city[48];
	uint32_t	asn;		/* 0: unknown */
	char		as_org[96];
};

/*
 * Opens every database in paths (City/Country and ASN layouts are told apart
 * by their metadata).  Returns NULL and fills errbuf (what is wrong and what
 * to do) if one is missing or corrupt.  The caller owns the handle.
 */
struct geoip	*geoip_open(const char *const *paths, size_t npaths,
		    char *errbuf, size_t errlen);
void		 geoip_close(struct geoip *g);
/*
 * Classifies and, for public addresses, looks up.  g may be NULL.  family
 * is AF_INET or AF_INET6, or 4 or 6 as struct flow_key and struct pkt
 * carry it.
 */
void		 geoip_lookup(const struct geoip *g, int family,
		    const uint8_t *addr, struct geo_info *out);
/* Writes one endpoint's object: {"scope":..,"country_iso":..,...}. */
void		 geo_info_json(struct jbuf *j, const struct geo_info *gi);

#endif
