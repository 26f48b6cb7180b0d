/*
 * geoip.c - GeoIP/ASN enrichment with libmaxminddb (MaxMind DB format,
 * https://maxmind.github.io/MaxMind-DB/), plus address scope classification
 * that needs no database: RFC 1918/6598/4193 private, loopback, link-local,
 * multicast, and the unspecified/documentation/benchmark/reserved blocks of
 * the IANA special-purpose registries (RFC 6890) for IPv4 and IPv6.
 *
 * Only public addresses are looked up; an IPv4-mapped IPv6 address is
 * treated as its IPv4 address.  Strings from the database are cut at a
 * UTF-8 character boundary to fit struct geo_info.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <maxminddb.h>

#include "addrset.h"
#include "geoip.h"
#include "json.h"

#define GEOIP_MAX_DB	4

enum geo_db_kind { GEO_DB_CITY, GEO_DB_ASN };

struct geoip {
	MMDB_s		 db[GEOIP_MAX_DB];
	enum geo_db_kind kind[GEOIP_MAX_DB];
	size_t		 ndb;
};

/* value-to-name map for the JSON "scope" field */
static const char *const scope_names[] = {
	[GEO_PUBLIC] = "public",
	[GEO_PRIVATE] = "private",
	[GEO_LOOPBACK] = "loopback",
	[GEO_LINK_LOCAL] = "link_local",
	[GEO_MULTICAST] = "multicast",
	[GEO_RESERVED] = "reserved",
};

struct v4_block {
	uint32_t	net;
	unsigned	bits;
	enum geo_scope	scope;
};

/* Checked in order; the first match wins. */
static const struct v4_block v4_blocks[] = {
	{ 0x00000000, 8, GEO_RESERVED },	/* "this network" */
	{ 0x0a000000, 8, GEO_PRIVATE },		/* RFC 1918 */
	{ 0x64400000, 10, GEO_PRIVATE },	/* RFC 6598 shared (CGN) */
	{ 0x7f000000, 8, GEO_LOOPBACK },
	{ 0xa9fe0000, 16, GEO_LINK_LOCAL },
	{ 0xac100000, 12, GEO_PRIVATE },	/* RFC 1918 */
	{ 0xc0000000, 24, GEO_RESERVED },	/* IETF protocol assignments */
	{ 0xc0000200, 24, GEO_RESERVED },	/* TEST-NET-1 */
	{ 0xc0a80000, 16, GEO_PRIVATE },	/* RFC 1918 */
	{ 0xc6120000, 15, GEO_RESERVED },	/* benchmarking */
	{ 0xc6336400, 24, GEO_RESERVED },	/* TEST-NET-2 */
	{ 0xcb007100, 24, GEO_RESERVED },	/* TEST-NET-3 */
	{ 0xe0000000, 4, GEO_MULTICAST },
	{ 0xf0000000, 4, GEO_RESERVED },	/* future use, broadcast */
};

static enum geo_scope
scope_v4(const uint8_t *a)
{
	uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];
	size_t i;

	for (i = 0; i < sizeof(v4_blocks) / sizeof(v4_blocks[0]); i++) {
		uint32_t mask = 0xffffffffu << (32 - v4_blocks[i].bits);

		if ((v & mask) == v4_blocks[i].net)
			return v4_blocks[i].scope;
	}
	return GEO_PUBLIC;
}

static enum geo_scope
scope_v6(const uint8_t *a)
{
	static const uint8_t zero[15];

	if (memcmp(a, zero, 15) == 0)
		return a[15] == 1 ? GEO_LOOPBACK : GEO_RESERVED;   /* ::1, :: */
	if (a[0] == 0xff)
		return GEO_MULTICAST;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return GEO_LINK_LOCAL;				/* fe80::/10 */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return GEO_PRIVATE;		/* fec0::/10 old site-local */
	if ((a[0] & 0xfe) == 0xfc)
		return GEO_PRIVATE;				/* fc00::/7 */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
		return GEO_RESERVED;			/* 2001:db8::/32 doc */
	if (a[0] == 0x01 && memcmp(a + 1, zero, 7) == 0)
		return GEO_RESERVED;			/* 100::/64 discard */
	if (memcmp(a, zero, 12) == 0)
		return GEO_RESERVED;		/* ::/96 IPv4-compatible */
	return GEO_PUBLIC;
}

/* Copies a database string, cutting at a UTF-8 character boundary. */
static void
copy_utf8(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
get_str(MMDB_entry_s *e, char *dst, size_t cap, const char *const *path)
{
	MMDB_entry_data_s d;

	if (MMDB_aget_value(e, &d, path) == MMDB_SUCCESS && d.has_data &&
	    d.type == MMDB_DATA_TYPE_UTF8_STRING && dst[0] == '\0')
		copy_utf8(dst, cap, d.utf8_string, d.data_size);
}

static void
fill_city(MMDB_entry_s *e, struct geo_info *out)
{
	static const char *const iso[] = { "country", "iso_code", NULL };
	static const char *const cname[] = { "country", "names", "en", NULL };
	static const char *const city[] = { "city", "names", "en", NULL };

	if (out->country_iso[0] == '\0') {
		char tmp[8] = "";

		get_str(e, tmp, sizeof(tmp), iso);
		if (strlen(tmp) == 2)
			memcpy(out->country_iso, tmp, 3);
	}
	get_str(e, out->country, sizeof(out->country), cname);
	get_str(e, out->city, sizeof(out->city), city);
}

static void
fill_asn(MMDB_entry_s *e, struct geo_info *out)
{
	static const char *const num[] = { "autonomous_system_number", NULL };
	static const char *const org[] = { "autonomous_system_organization",
	    NULL };
	MMDB_entry_data_s d;

	if (out->asn == 0 && MMDB_aget_value(e, &d, num) == MMDB_SUCCESS &&
	    d.has_data) {
		if (d.type == MMDB_DATA_TYPE_UINT32)
			out->asn = d.uint32;
		else if (d.type == MMDB_DATA_TYPE_UINT16)
			out->asn = d.uint16;
		else if (d.type == MMDB_DATA_TYPE_UINT64 &&
		    d.uint64 <= 0xffffffffu)
			out->asn = (uint32_t)d.uint64;
	}
	get_str(e, out->as_org, sizeof(out->as_org), org);
}

static int
kind_of(const char *type, enum geo_db_kind *kind)
{
	if (type == NULL)
		return -1;
	if (strstr(type, "ASN") != NULL || strstr(type, "ISP") != NULL) {
		*kind = GEO_DB_ASN;
		return 0;
	}
	if (strstr(type, "City") != NULL || strstr(type, "Country") != NULL) {
		*kind = GEO_DB_CITY;
		return 0;
	}
	return -1;
}

struct geoip *
geoip_open(const char *const *paths, size_t npaths, char *errbuf,
    size_t errlen)
{
	struct geoip *g;
	size_t i;
	int r;

	if (npaths > GEOIP_MAX_DB) {
		snprintf(errbuf, errlen, "GeoIP: at most %d databases (one "
		    "City or Country, one ASN)", GEOIP_MAX_DB);
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL) {
		snprintf(errbuf, errlen, "GeoIP: out of memory");
		return NULL;
	}
	for (i = 0; i < npaths; i++) {
		const char *p = paths[i];

		errno = 0;
		r = MMDB_open(p, MMDB_MODE_MMAP, &g->db[g->ndb]);
		if (r == MMDB_FILE_OPEN_ERROR || r == MMDB_IO_ERROR) {
			snprintf(errbuf, errlen, "GeoIP database %s cannot be "
			    "read (%s); install it or fix the geoip path in "
			    "the configuration", p,
			    errno ? strerror(errno) : MMDB_strerror(r));
			goto fail;
		}
		if (r != MMDB_SUCCESS) {
			snprintf(errbuf, errlen, "GeoIP database %s is not a "
			    "valid MaxMind DB (%s); replace it with a fresh "
			    "copy", p, MMDB_strerror(r));
			goto fail;
		}
		if (kind_of(g->db[g->ndb].metadata.database_type,
		    &g->kind[g->ndb]) != 0) {
			snprintf(errbuf, errlen, "GeoIP database %s has type "
			    "\"%.40s\"; expected a City, Country or ASN "
			    "database", p,
			    g->db[g->ndb].metadata.database_type ?
			    g->db[g->ndb].metadata.database_type : "");
			MMDB_close(&g->db[g->ndb]);
			goto fail;
		}
		g->ndb++;
	}
	return g;
fail:
	geoip_close(g);
	return NULL;
}

void
geoip_close(struct geoip *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->ndb; i++)
		MMDB_close(&g->db[i]);
	free(g);
}

void
geoip_lookup(const struct geoip *g, int family, const uint8_t *addr,
    struct geo_info *out)
{
	struct sockaddr_storage ss;
	const uint8_t *v4 = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&ss, 0, sizeof(ss));
	/* The decoder's flows say 4 and 6. */
	if (family == 4)
		family = AF_INET;
	else if (family == 6)
		family = AF_INET6;
	if (family == AF_INET)
		v4 = addr;
	else if (family == AF_INET6 && addr_is_v4_mapped(addr))
		v4 = addr + 12;
	else if (family != AF_INET6) {
		out->scope = GEO_RESERVED;
		return;
	}
	out->scope = v4 ? scope_v4(v4) : scope_v6(addr);
	if (out->scope != GEO_PUBLIC || g == NULL)
		return;
	if (v4 != NULL) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, v4, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr, 16);
	}
	for (i = 0; i < g->ndb; i++) {
		MMDB_lookup_result_s res;
		int err = 0;

		/* libmaxminddb takes a non-const handle but does not write. */
		res = MMDB_lookup_sockaddr((MMDB_s *)(uintptr_t)&g->db[i],
		    (const struct sockaddr *)&ss, &err);
		if (err != MMDB_SUCCESS || !res.found_entry)
			continue;
		out->found = 1;
		if (g->kind[i] == GEO_DB_CITY)
			fill_city(&res.entry, out);
		else
			fill_asn(&res.entry, out);
	}
}

void
geo_info_json(struct jbuf *j, const struct geo_info *gi)
{
	unsigned sc = (unsigned)gi->scope;

	jb_obj_open(j);
	jb_kstr(j, "scope", sc < sizeof(scope_names) / sizeof(scope_names[0]) ?
	    scope_names[sc] : "reserved");
	if (gi->country_iso[0] != '\0')
		jb_kstr(j, "country_iso", gi->country_iso);
	if (gi->country[0] != '\0')
		jb_kstr(j, "country", gi->country);
	if (gi->city[0] != '\0')
		jb_kstr(j, "city", gi->city);
	if (gi->asn != 0)
		jb_kuint(j, "asn", gi->asn);
	if (gi->as_org[0] != '\0')
		jb_kstr(j, "as_org", gi->as_org);
	jb_obj_close(j);
}
