/*
 * test_edge_dissectors.c - the dissectors of edge devices and packet
 * capture: device facts from SSH identification strings (ssh_banner), LLDP
 * and CDP frames; file facts from TFTP; rpcap logins and capture starts;
 * with their negatives (pre-banner lines, overlong lines, frames cut
 * short, other EtherTypes and SNAP protocols, malformed requests).
 */
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector ssh_banner_dissector;
extern const struct dissector lldp_dissector;
extern const struct dissector cdp_dissector;
extern const struct dissector tftp_dissector;
extern const struct dissector rpcap_dissector;

static struct dctx ctx;
static uint8_t state[4096];

static void
setup(uint16_t port)
{
	fake_dctx_reset(&ctx, port);
	CU_ASSERT_FATAL(rpcap_dissector.state_size <= sizeof(state));
	CU_ASSERT_FATAL(tftp_dissector.state_size <= sizeof(state));
	CU_ASSERT_FATAL(ssh_banner_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

/* ---- ssh_banner ---------------------------------------------------------- */

static void
test_ssh_both_banners(void)
{
	const struct fake_device *d;

	setup(22);
	/* The server's banner in two segments, then the client's. */
	fake_feeds(&ctx, &ssh_banner_dissector, state, DIR_TO_CLIENT,
	    "SSH-2.0-Cis");
	CU_ASSERT_EQUAL(ctx.ndevices, 0);
	fake_feeds(&ctx, &ssh_banner_dissector, state, DIR_TO_CLIENT,
	    "co-1.25\r\n\0\0\0\x14\x08");
	CU_ASSERT_EQUAL_FATAL(ctx.ndevices, 1);
	d = &ctx.devices[0];
	CU_ASSERT_STRING_EQUAL(d->proto, "ssh");
	CU_ASSERT_EQUAL(d->from_server, 1);
	CU_ASSERT_STRING_EQUAL(fake_device_attr(d, "ssh_banner"),
	    "SSH-2.0-Cisco-1.25");
	CU_ASSERT(!ctx.done);
	fake_feeds(&ctx, &ssh_banner_dissector, state, DIR_TO_SERVER,
	    "SSH-2.0-OpenSSH_9.2p1 Debian-2\n");
	CU_ASSERT_EQUAL_FATAL(ctx.ndevices, 2);
	CU_ASSERT_EQUAL(ctx.devices[1].from_server, 0);
	CU_ASSERT_STRING_EQUAL(fake_device_attr(&ctx.devices[1], "ssh_banner"),
	    "SSH-2.0-OpenSSH_9.2p1 Debian-2");
	CU_ASSERT(ctx.done);		/* the binary protocol follows */
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_ssh_pre_banner_lines(void)
{
	setup(22);
	fake_feeds(&ctx, &ssh_banner_dissector, state, DIR_TO_CLIENT,
	    "Unauthorised access prohibited\r\nSSH-1.99-Cisco-1.25\r\n");
	CU_ASSERT_EQUAL_FATAL(ctx.ndevices, 1);
	CU_ASSERT_STRING_EQUAL(fake_device_attr(&ctx.devices[0], "ssh_banner"),
	    "SSH-1.99-Cisco-1.25");
}

static void
test_ssh_negatives(void)
{
	char longline[400];

	/* A client may not talk before its identification. */
	setup(22);
	fake_feeds(&ctx, &ssh_banner_dissector, state, DIR_TO_SERVER,
	    "GET / HTTP/1.0\r\n");
	CU_ASSERT_EQUAL(ctx.ndevices, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ssh_banner_missing"), 1);
	/* A line of 300 bytes without LF: never a banner. */
	setup(22);
	memset(longline, 'A', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, "SSH-2.0-", 8);
	fake_feeds(&ctx, &ssh_banner_dissector, state, DIR_TO_CLIENT,
	    longline);
	CU_ASSERT_EQUAL(ctx.ndevices, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ssh_banner_too_long"), 1);
	/* The probe is strict. */
	CU_ASSERT(ssh_banner_dissector.probe((const uint8_t *)"SSH-2.0-x\r\n",
	    11, 1));
	CU_ASSERT(!ssh_banner_dissector.probe((const uint8_t *)"SSH-3.0-x\r\n",
	    11, 1));
	CU_ASSERT(!ssh_banner_dissector.probe((const uint8_t *)"SSH-2.0",
	    7, 1));
}

/* ---- LLDP ---------------------------------------------------------------- */

/* An LLDPDU from 00:1b:54:aa:00:02 (802.1AB 8.5). */
static const uint8_t lldp_frame[] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e,	/* nearest bridge */
	0x00, 0x1b, 0x54, 0xaa, 0x00, 0x02,	/* source MAC */
	0x88, 0xcc,				/* LLDP */
	0x02, 0x07, 0x04, 0x00, 0x1b, 0x54, 0xaa, 0x00, 0x02, /* chassis */
	0x04, 0x04, 0x05, 'g', 'e', '0',	/* port id */
	0x06, 0x02, 0x00, 0x78,			/* TTL 120 */
	0x0a, 0x03, 's', 'w', '1',		/* system name */
	0x0c, 0x05, 'J', 'u', 'n', 'o', 's',	/* system description */
	0x0e, 0x04, 0x00, 0x14, 0x00, 0x14,	/* caps: bridge, router */
	0x10, 0x0c, 0x05, 0x01, 198, 51, 100, 2, /* mgmt address IPv4 */
	0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00,				/* end */
};

static void
test_lldp(void)
{
	const struct fake_device *d;
	static const uint8_t ip[4] = { 198, 51, 100, 2 };

	setup(0);
	CU_ASSERT(lldp_dissector.probe(lldp_frame, sizeof(lldp_frame), 0));
	fake_feed(&ctx, &lldp_dissector, state, 0, lldp_frame,
	    sizeof(lldp_frame));
	CU_ASSERT_EQUAL_FATAL(ctx.ndevices, 1);
	d = &ctx.devices[0];
	CU_ASSERT_STRING_EQUAL(d->proto, "lldp");
	CU_ASSERT(d->has_mac);
	CU_ASSERT_EQUAL(d->mac[5], 0x02);
	CU_ASSERT_EQUAL(d->family, 4);
	CU_ASSERT(memcmp(d->addr, ip, 4) == 0);
	CU_ASSERT_STRING_EQUAL(fake_device_attr(d, "lldp_sysname"), "sw1");
	CU_ASSERT_STRING_EQUAL(fake_device_attr(d, "lldp_sysdescr"), "Junos");
	CU_ASSERT_STRING_EQUAL(fake_device_attr(d, "lldp_caps"),
	    "bridge,router");
}

static void
test_lldp_negatives(void)
{
	uint8_t f[sizeof(lldp_frame)];
	size_t n;

	/*
	 * Every truncation: never a crash; a fact only when the cut falls
	 * between two whole TLVs after the mandatory three (33 bytes), and
	 * then with whole values only.
	 */
	for (n = 0; n < sizeof(lldp_frame) - 2; n++) {
		setup(0);
		if (lldp_dissector.probe(lldp_frame, n, 0))
			fake_feed(&ctx, &lldp_dissector, state, 0, lldp_frame, n);
		CU_ASSERT(ctx.ndevices == 0 || n >= 33);
		if (ctx.ndevices == 1 && fake_device_attr(&ctx.devices[0],
		    "lldp_sysdescr") != NULL)
			CU_ASSERT_STRING_EQUAL(fake_device_attr(&ctx.devices[0],
			    "lldp_sysdescr"), "Junos");
	}
	/* Another EtherType (STP's LLC frame to the same group). */
	memcpy(f, lldp_frame, sizeof(f));
	f[12] = 0x00;
	f[13] = 0x26;
	CU_ASSERT(!lldp_dissector.probe(f, sizeof(f), 0));
	/* The mandatory TLVs out of order. */
	memcpy(f, lldp_frame, sizeof(f));
	f[14] = 0x04;			/* a port id first */
	setup(0);
	CU_ASSERT(!lldp_dissector.probe(f, sizeof(f), 0));
}

/* ---- CDP ----------------------------------------------------------------- */

static const uint8_t cdp_frame[] = {
	0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc,	/* CDP multicast */
	0x00, 0x1b, 0x54, 0xaa, 0x00, 0x09,	/* source MAC */
	0x00, 0x3a,				/* 802.3 length 58 */
	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, /* LLC SNAP CDP */
	0x02, 0xb4, 0x00, 0x00,			/* v2, ttl 180, checksum */
	0x00, 0x01, 0x00, 0x07, 's', 'w', '2',	/* device id */
	0x00, 0x02, 0x00, 0x11, 0x00, 0x00, 0x00, 0x01, /* addresses: 1 */
	0x01, 0x01, 0xcc, 0x00, 0x04, 198, 51, 100, 9,
	0x00, 0x04, 0x00, 0x08, 0x00, 0x00, 0x00, 0x29, /* router,switch,igmp */
	0x00, 0x06, 0x00, 0x08, 'C', '2', '9', '6',	/* platform */
};

static void
test_cdp(void)
{
	const struct fake_device *d;
	static const uint8_t ip[4] = { 198, 51, 100, 9 };

	setup(0);
	CU_ASSERT(cdp_dissector.probe(cdp_frame, sizeof(cdp_frame), 0));
	CU_ASSERT(!lldp_dissector.probe(cdp_frame, sizeof(cdp_frame), 0));
	fake_feed(&ctx, &cdp_dissector, state, 0, cdp_frame, sizeof(cdp_frame));
	CU_ASSERT_EQUAL_FATAL(ctx.ndevices, 1);
	d = &ctx.devices[0];
	CU_ASSERT_STRING_EQUAL(d->proto, "cdp");
	CU_ASSERT_EQUAL(d->family, 4);
	CU_ASSERT(memcmp(d->addr, ip, 4) == 0);
	CU_ASSERT_STRING_EQUAL(fake_device_attr(d, "cdp_device_id"), "sw2");
	CU_ASSERT_STRING_EQUAL(fake_device_attr(d, "cdp_platform"), "C296");
	CU_ASSERT_STRING_EQUAL(fake_device_attr(d, "cdp_caps"),
	    "router,switch,igmp");
}

static void
test_cdp_negatives(void)
{
	uint8_t f[sizeof(cdp_frame)];
	size_t n;

	for (n = 0; n < sizeof(cdp_frame) - 1; n++) {
		setup(0);
		if (cdp_dissector.probe(cdp_frame, n, 0))
			fake_feed(&ctx, &cdp_dissector, state, 0, cdp_frame, n);
		CU_ASSERT(ctx.ndevices == 0 || n >= 26);
	}
	/* parse() without probe() (the fuzzer's way): a short frame. */
	setup(0);
	fake_feed(&ctx, &cdp_dissector, state, 0, cdp_frame, 3);
	CU_ASSERT_EQUAL(ctx.ndevices, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "cdp_malformed"), 1);
	/* VTP (SNAP protocol 0x2003) is not CDP. */
	memcpy(f, cdp_frame, sizeof(f));
	f[21] = 0x03;
	CU_ASSERT(!cdp_dissector.probe(f, sizeof(f), 0));
	/* A TLV length below its own header. */
	memcpy(f, cdp_frame, sizeof(f));
	f[29] = 0x02;
	setup(0);
	fake_feed(&ctx, &cdp_dissector, state, 0, f, sizeof(f));
	CU_ASSERT_EQUAL(ctx.ndevices, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "cdp_malformed"), 1);
}

/* ---- TFTP ---------------------------------------------------------------- */

static void
test_tftp(void)
{
	static const uint8_t wrq[] = "\0\002running.pcap\0octet";
	static const uint8_t bad[] = "\0\001name-without-mode";
	static const uint8_t data1[] = { 0, 3, 0, 1, 0xd4, 0xc3, 0xb2, 0xa1,
	    2, 0 };
	static const uint8_t data2[] = { 0, 3, 0, 2, 0xd4, 0xc3, 0xb2, 0xa1 };

	setup(69);
	CU_ASSERT(!tftp_dissector.probe(wrq, sizeof(wrq), 0));
	fake_feed(&ctx, &tftp_dissector, state, DIR_TO_SERVER, wrq,
	    sizeof(wrq));
	CU_ASSERT_EQUAL_FATAL(ctx.nfiles, 1);
	CU_ASSERT_STRING_EQUAL(ctx.files[0].proto, "tftp");
	CU_ASSERT_STRING_EQUAL(ctx.files[0].name, "running.pcap");
	CU_ASSERT_EQUAL(ctx.files[0].upload, 1);
	CU_ASSERT_EQUAL(ctx.files[0].head_len, 0);
	fake_feed(&ctx, &tftp_dissector, state, DIR_TO_SERVER, bad,
	    sizeof(bad) - 1);
	CU_ASSERT_EQUAL(ctx.nfiles, 1);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "tftp_malformed"), 1);

	/* The data flow: block 1 once (not its retransmission, not block 2). */
	setup(0);
	CU_ASSERT(tftp_dissector.probe(data1, sizeof(data1), 1));
	CU_ASSERT(!tftp_dissector.probe(data2, sizeof(data2), 1));
	fake_feed(&ctx, &tftp_dissector, state, DIR_TO_CLIENT, data1,
	    sizeof(data1));
	fake_feed(&ctx, &tftp_dissector, state, DIR_TO_CLIENT, data1,
	    sizeof(data1));
	fake_feed(&ctx, &tftp_dissector, state, DIR_TO_CLIENT, data2,
	    sizeof(data2));
	CU_ASSERT_EQUAL_FATAL(ctx.nfiles, 1);
	CU_ASSERT_EQUAL(ctx.files[0].upload, 0);
	CU_ASSERT_EQUAL(ctx.files[0].head_len, 6);
	CU_ASSERT_EQUAL(ctx.files[0].head[0], 0xd4);
}

/* ---- rpcap --------------------------------------------------------------- */

static void
test_rpcap(void)
{
	/* AUTH_REQ password "ew" / "pw1", then AUTH_REPLY. */
	static const uint8_t auth[] = { 0, 8, 0, 0, 0, 0, 0, 13,
	    0, 1, 0, 0, 0, 2, 0, 3, 'e', 'w', 'p', 'w', '1' };
	static const uint8_t auth_ok[] = { 0, 0x88, 0, 0, 0, 0, 0, 0 };
	static const uint8_t err[] = { 0, 1, 0, 0, 0, 0, 0, 2, 'n', 'o' };
	static const uint8_t start[] = { 0, 4, 0, 0, 0, 0, 0, 0 };
	static const uint8_t start_ok[] = { 0, 0x84, 0, 0, 0, 0, 0, 0 };
	/* A PACKET message whose payload looks like an AUTH_REQ header. */
	static const uint8_t pkt[] = { 0, 7, 0, 0, 0, 0, 0, 8,
	    0, 8, 0, 0, 0, 0, 0, 0 };

	setup(2002);
	CU_ASSERT(rpcap_dissector.probe(auth, sizeof(auth), 0));
	CU_ASSERT(!rpcap_dissector.probe(auth, sizeof(auth) - 1, 0));
	fake_feed(&ctx, &rpcap_dissector, state, DIR_TO_SERVER, auth, 10);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);		/* split request */
	fake_feed(&ctx, &rpcap_dissector, state, DIR_TO_SERVER, auth + 10,
	    sizeof(auth) - 10);
	fake_feed(&ctx, &rpcap_dissector, state, DIR_TO_CLIENT, auth_ok,
	    sizeof(auth_ok));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].proto, "rpcap");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "ew");
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 3);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
	/* The capture starts when rpcapd answers STARTCAP; a packet's bytes
	 * are skipped, never read as a message. */
	fake_feed(&ctx, &rpcap_dissector, state, DIR_TO_SERVER, start,
	    sizeof(start));
	CU_ASSERT_EQUAL(ctx.nmirrors, 0);
	fake_feed(&ctx, &rpcap_dissector, state, DIR_TO_CLIENT, start_ok,
	    sizeof(start_ok));
	fake_feed(&ctx, &rpcap_dissector, state, DIR_TO_CLIENT, pkt,
	    sizeof(pkt));
	CU_ASSERT_EQUAL(ctx.nmirrors, 1);
	CU_ASSERT_EQUAL(ctx.mirror_exporter_is_client, 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);

	/* A refused login. */
	setup(2002);
	fake_feed(&ctx, &rpcap_dissector, state, DIR_TO_SERVER, auth,
	    sizeof(auth));
	fake_feed(&ctx, &rpcap_dissector, state, DIR_TO_CLIENT, err,
	    sizeof(err));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	/* Garbage after it stops the flow. */
	fake_feeds(&ctx, &rpcap_dissector, state, DIR_TO_SERVER,
	    "GET / HTTP/1.1\r\n\r\n");
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "rpcap_malformed"), 1);
}

UNIT_MAIN("edge_dissectors",
    { "tftp: request and first block", test_tftp },
    { "rpcap: logins, capture start", test_rpcap },
    { "ssh: both banners, split", test_ssh_both_banners },
    { "ssh: lines before the server's banner", test_ssh_pre_banner_lines },
    { "ssh: client text, overlong line, probe", test_ssh_negatives },
    { "lldp: a switch's frame", test_lldp },
    { "lldp: truncations, other frames", test_lldp_negatives },
    { "cdp: a switch's frame", test_cdp },
    { "cdp: truncations, VTP, bad TLV", test_cdp_negatives })
