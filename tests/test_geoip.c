/*
 * test_geoip.c - GeoIP/ASN lookups on small City and ASN databases that
 * tests/make_mmdb.pl builds at run time (Debian libmaxmind-db-writer-perl),
 * scope classification without a database, the errors for missing,
 * corrupt and wrong-type files, and the endpoint JSON.
 *
 * Lookup cases print SKIP and pass only if perl cannot load
 * MaxMind::DB::Writer::Tree (apt-get install libmaxmind-db-writer-perl).
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geoip.h"
#include "json.h"
#include "tmpdir.h"
#include "unit.h"

static char dbdir[256];
static int have_dbs = -1;

static void
cleanup(void)
{
	tmpdir_remove(dbdir);
}

/* Builds the databases once; 1 if they are there. */
static int
dbs(void)
{
	const char *src = getenv("top_srcdir");
	char cmd[1024];

	if (have_dbs >= 0)
		return have_dbs;
	have_dbs = 0;
	if (system("perl -MMaxMind::DB::Writer::Tree -e1 2>/dev/null") != 0) {
		printf("\n  SKIP: perl MaxMind::DB::Writer::Tree not found "
		    "(apt-get install libmaxmind-db-writer-perl) ");
		return 0;
	}
	CU_ASSERT_FATAL(tmpdir_make(dbdir, sizeof(dbdir), "mmdb") == 0);
	atexit(cleanup);
	snprintf(cmd, sizeof(cmd), "perl %s/tests/make_mmdb.pl %s",
	    src ? src : ".", dbdir);
	CU_ASSERT_FATAL(system(cmd) == 0);
	have_dbs = 1;
	return 1;
}

static struct geoip *
open_dbs(const char *a, const char *b, char *err, size_t errlen)
{
	char pa[300], pb[300];
	const char *paths[2] = { pa, pb };

	snprintf(pa, sizeof(pa), "%s/%s", dbdir, a);
	snprintf(pb, sizeof(pb), "%s/%s", dbdir, b ? b : "");
	return geoip_open(paths, b ? 2 : 1, err, errlen);
}

static void
look(const struct geoip *g, const char *ip, struct geo_info *gi)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, ip, a) == 1)
		geoip_lookup(g, AF_INET, a, gi);
	else {
		CU_ASSERT_FATAL(inet_pton(AF_INET6, ip, a) == 1);
		geoip_lookup(g, AF_INET6, a, gi);
	}
}

static const char *
json_of(const struct geo_info *gi, char *buf, size_t cap)
{
	struct jbuf j;

	jb_init(&j, buf, cap);
	geo_info_json(&j, gi);
	CU_ASSERT(jb_finish(&j) > 0);
	return buf;
}

static void
test_scopes_without_db(void)
{
	static const struct {
		const char	*ip;
		enum geo_scope	 scope;
	} cases[] = {
		{ "10.1.2.3", GEO_PRIVATE }, { "172.16.0.1", GEO_PRIVATE },
		{ "172.31.255.255", GEO_PRIVATE }, { "172.32.0.1", GEO_PUBLIC },
		{ "192.168.1.1", GEO_PRIVATE }, { "100.64.0.1", GEO_PRIVATE },
		{ "100.128.0.1", GEO_PUBLIC }, { "127.0.0.1", GEO_LOOPBACK },
		{ "169.254.1.1", GEO_LINK_LOCAL }, { "224.0.0.1", GEO_MULTICAST },
		{ "239.255.255.250", GEO_MULTICAST },
		{ "255.255.255.255", GEO_RESERVED }, { "240.0.0.1", GEO_RESERVED },
		{ "0.0.0.0", GEO_RESERVED }, { "192.0.2.1", GEO_RESERVED },
		{ "198.51.100.7", GEO_RESERVED }, { "203.0.113.9", GEO_RESERVED },
		{ "198.18.0.1", GEO_RESERVED }, { "8.8.8.8", GEO_PUBLIC },
		{ "::1", GEO_LOOPBACK }, { "::", GEO_RESERVED },
		{ "fe80::1", GEO_LINK_LOCAL }, { "febf::1", GEO_LINK_LOCAL },
		{ "fd12:3456::1", GEO_PRIVATE }, { "fc00::1", GEO_PRIVATE },
		{ "ff02::1", GEO_MULTICAST }, { "2001:db8::1", GEO_RESERVED },
		{ "100::1", GEO_RESERVED }, { "::ffff:10.0.0.1", GEO_PRIVATE },
		{ "::ffff:127.0.0.1", GEO_LOOPBACK },
		{ "::ffff:81.2.69.142", GEO_PUBLIC },
		{ "2001:4860::8888", GEO_PUBLIC }, { "2a00:1450::1", GEO_PUBLIC },
	};
	struct geo_info gi;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		look(NULL, cases[i].ip, &gi);
		if (gi.scope != cases[i].scope)
			fprintf(stderr, "%s: scope %d, want %d\n", cases[i].ip,
			    gi.scope, cases[i].scope);
		CU_ASSERT_EQUAL(gi.scope, cases[i].scope);
		CU_ASSERT_EQUAL(gi.found, 0);
	}
	geoip_lookup(NULL, 12345, (const uint8_t *)"xxxx", &gi);
	CU_ASSERT_EQUAL(gi.scope, GEO_RESERVED);
}

static void
test_lookups(void)
{
	struct geo_info gi;
	struct geoip *g;
	char err[256];

	if (!dbs())
		return;
	g = open_dbs("city.mmdb", "asn.mmdb", err, sizeof(err));
	CU_ASSERT_FATAL(g != NULL);
	look(g, "81.2.69.142", &gi);
	CU_ASSERT_EQUAL(gi.scope, GEO_PUBLIC);
	CU_ASSERT(gi.found);
	CU_ASSERT_STRING_EQUAL(gi.country_iso, "GB");
	CU_ASSERT_STRING_EQUAL(gi.country, "United Kingdom");
	CU_ASSERT_STRING_EQUAL(gi.city, "London");
	CU_ASSERT_EQUAL(gi.asn, 12345);
	CU_ASSERT_STRING_EQUAL(gi.as_org, "Example Org");

	look(g, "::ffff:81.2.69.1", &gi);		/* mapped: same */
	CU_ASSERT_STRING_EQUAL(gi.city, "London");
	CU_ASSERT_EQUAL(gi.asn, 12345);

	look(g, "2001:4860:4860::8888", &gi);
	CU_ASSERT_STRING_EQUAL(gi.country_iso, "US");
	CU_ASSERT_STRING_EQUAL(gi.city, "");
	CU_ASSERT_EQUAL(gi.asn, 15169);
	CU_ASSERT_STRING_EQUAL(gi.as_org, "Example v6 Org");

	look(g, "8.8.8.8", &gi);			/* not in the test DB */
	CU_ASSERT_EQUAL(gi.found, 0);
	CU_ASSERT_EQUAL(gi.scope, GEO_PUBLIC);
	CU_ASSERT_EQUAL(gi.asn, 0);

	look(g, "10.0.0.1", &gi);		/* private: never looked up */
	CU_ASSERT_EQUAL(gi.found, 0);
	CU_ASSERT_EQUAL(gi.scope, GEO_PRIVATE);

	/* 30 x U+00DC (60 bytes) cut to whole characters */
	look(g, "89.160.20.5", &gi);
	CU_ASSERT_EQUAL(strlen(gi.city), 46);
	CU_ASSERT_EQUAL((unsigned char)gi.city[44], 0xc3);
	CU_ASSERT_EQUAL(gi.asn, 0);
	geoip_close(g);

	/* one database alone works too */
	g = open_dbs("asn.mmdb", NULL, err, sizeof(err));
	CU_ASSERT_FATAL(g != NULL);
	look(g, "81.2.69.142", &gi);
	CU_ASSERT_EQUAL(gi.asn, 12345);
	CU_ASSERT_STRING_EQUAL(gi.country_iso, "");
	geoip_close(g);
}

static void
test_open_errors(void)
{
	const char *none[] = { "/nonexistent/GeoLite2-City.mmdb" };
	struct geoip *g;
	char err[256], path[300], cmd[700];
	FILE *f;

	g = geoip_open(none, 1, err, sizeof(err));
	CU_ASSERT(g == NULL);
	CU_ASSERT(strstr(err, "/nonexistent/GeoLite2-City.mmdb") != NULL);
	CU_ASSERT(strstr(err, "cannot be read") != NULL);
	CU_ASSERT(strchr(err, '\n') == NULL);
	if (!dbs())
		return;

	snprintf(path, sizeof(path), "%s/garbage.mmdb", dbdir);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs("this is not a MaxMind database\n", f);
	fclose(f);
	g = open_dbs("city.mmdb", "garbage.mmdb", err, sizeof(err));
	CU_ASSERT(g == NULL);
	CU_ASSERT(strstr(err, "garbage.mmdb is not a valid MaxMind DB") !=
	    NULL);

	/* a download cut short */
	snprintf(cmd, sizeof(cmd), "head -c 700 %s/city.mmdb > %s/cut.mmdb",
	    dbdir, dbdir);
	CU_ASSERT_FATAL(system(cmd) == 0);
	g = open_dbs("cut.mmdb", NULL, err, sizeof(err));
	CU_ASSERT(g == NULL);
	CU_ASSERT(strstr(err, "cut.mmdb") != NULL);

	g = open_dbs("other.mmdb", NULL, err, sizeof(err));
	CU_ASSERT(g == NULL);
	CU_ASSERT(strstr(err, "Edgeward-Test-Other") != NULL);
	CU_ASSERT(strstr(err, "expected a City, Country or ASN") != NULL);
}

static void
test_json(void)
{
	struct geo_info gi;
	struct geoip *g;
	char buf[512], err[256];

	look(NULL, "192.168.0.1", &gi);
	CU_ASSERT_STRING_EQUAL(json_of(&gi, buf, sizeof(buf)),
	    "{\"scope\":\"private\"}");
	look(NULL, "ff02::fb", &gi);
	CU_ASSERT_STRING_EQUAL(json_of(&gi, buf, sizeof(buf)),
	    "{\"scope\":\"multicast\"}");
	look(NULL, "fe80::1", &gi);
	CU_ASSERT_STRING_EQUAL(json_of(&gi, buf, sizeof(buf)),
	    "{\"scope\":\"link_local\"}");
	if (!dbs())
		return;
	g = open_dbs("asn.mmdb", "city.mmdb", err, sizeof(err));
	CU_ASSERT_FATAL(g != NULL);
	look(g, "81.2.69.142", &gi);
	CU_ASSERT_STRING_EQUAL(json_of(&gi, buf, sizeof(buf)),
	    "{\"scope\":\"public\",\"country_iso\":\"GB\",\"country\":"
	    "\"United Kingdom\",\"city\":\"London\",\"asn\":12345,"
	    "\"as_org\":\"Example Org\"}");
	look(g, "2001:4860::1", &gi);
	CU_ASSERT_STRING_EQUAL(json_of(&gi, buf, sizeof(buf)),
	    "{\"scope\":\"public\",\"country_iso\":\"US\",\"country\":"
	    "\"United States\",\"asn\":15169,\"as_org\":\"Example v6 Org\"}");
	look(g, "8.8.4.4", &gi);
	CU_ASSERT_STRING_EQUAL(json_of(&gi, buf, sizeof(buf)),
	    "{\"scope\":\"public\"}");
	geoip_close(g);
}

UNIT_MAIN("geoip",
    { "scopes without a database", test_scopes_without_db },
    { "City and ASN lookups", test_lookups },
    { "missing, corrupt and wrong-type files", test_open_errors },
    { "endpoint JSON", test_json })
