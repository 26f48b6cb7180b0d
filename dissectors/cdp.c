/*
 * cdp.c - Cisco Discovery Protocol frames (version 1 and 2): what a Cisco
 * (and many another vendor's) router, switch, phone or firewall announces
 * to its neighbours every 60 seconds.  No public standard; the layout
 * follows Cisco's "CDP" documentation as Wireshark's packet-cdp.c and
 * tcpdump's print-cdp.c describe it.
 *
 * A link-layer dissector (DISSECTOR_L2): an IEEE 802.3 frame (length, not
 * EtherType) to 01:00:0c:cc:cc:cc with LLC AA-AA-03 and SNAP OUI 00000c,
 * protocol 0x2000.  Then version (1 or 2), TTL, checksum and TLVs of a
 * 16-bit type and a 16-bit length that counts its own 4 bytes.
 *
 * Fact: one device fact per frame (proto "cdp", no flow) with the sender's
 * MAC, the first IPv4 address of the Addresses (2) or Management Addresses
 * (0x16) TLV, and the attributes cdp_device_id (1), cdp_port (3),
 * cdp_caps (4, as a list: "router,switch"), cdp_software (5) and
 * cdp_platform (6).
 * Not a fact: frames with a TLV that overruns the frame (weird
 * cdp_malformed), other SNAP protocols (VTP, DTP, PAgP).
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"

#define CDP_PID		0x2000
#define CDP_CAPS_MAX	128

enum cdp_tlv {
	CDP_DEVICE_ID = 1, CDP_ADDRESSES, CDP_PORT_ID, CDP_CAPS, CDP_SOFTWARE,
	CDP_PLATFORM, CDP_MGMT_ADDRESSES = 0x16
};

/* The text TLVs reported as they are, by type. */
static const char *const cdp_text_attrs[] = {
	[CDP_DEVICE_ID] = "cdp_device_id",
	[CDP_PORT_ID] = "cdp_port",
	[CDP_SOFTWARE] = "cdp_software",
	[CDP_PLATFORM] = "cdp_platform",
};

static const char *const cdp_cap_names[] = {
	"router", "trans_bridge", "source_route_bridge", "switch", "host",
	"igmp", "repeater", "phone", "remote", "cvta", "two_port_mac_relay"
};

/* The CDP header's first byte after Ethernet 802.3 + LLC/SNAP, or error. */
static struct cursor
cdp_pdu(const uint8_t *frame, size_t len)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c };
	struct cursor c;
	const uint8_t *llc;
	uint16_t l;

	cur_init(&c, frame, len);
	cur_skip(&c, 12);
	l = cur_be16(&c);
	llc = cur_take(&c, 6);
	if (l > 1500 || llc == NULL || memcmp(llc, snap, 6) != 0 ||
	    cur_be16(&c) != CDP_PID)
		c.err = 1;
	return c;
}

static int
cdp_probe(const uint8_t *data, size_t len, int dir)
{
	struct cursor c = cdp_pdu(data, len);
	uint8_t v = cur_peek(&c, 0);

	(void)dir;
	return cur_ok(&c) && cur_has(&c, 4) && (v == 1 || v == 2);
}

/* Addresses: count, then (type, length, protocol, address length, addr). */
static void
cdp_addresses(struct device_fact *d, struct cursor *v)
{
	uint32_t n = cur_be32(v), i;
	uint8_t ptype, plen;
	const uint8_t *proto;
	uint16_t alen;

	for (i = 0; i < n && i < 16 && cur_ok(v) && d->family == 0; i++) {
		ptype = cur_u8(v);
		plen = cur_u8(v);
		proto = cur_take(v, plen);
		alen = cur_be16(v);
		if (!cur_has(v, alen))
			return;
		/* NLPID (type 1) 0xcc is IPv4. */
		if (ptype == 1 && plen == 1 && proto[0] == 0xcc && alen == 4) {
			d->family = 4;
			cur_copy(v, d->addr, 4);
		} else {
			cur_skip(v, alen);
		}
	}
}

static size_t
cdp_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct cursor c = cdp_pdu(data, len), v;
	struct device_fact d;
	struct fact f;
	char caps[CDP_CAPS_MAX];
	uint16_t type, tl;
	uint32_t bits;

	(void)state;
	(void)dir;
	memset(&d, 0, sizeof(d));
	d.proto = "cdp";
	if (!cur_ok(&c) || len < 12) {	/* parse() may come without probe() */
		dctx_weird(ctx, "cdp_malformed");
		return len;
	}
	d.has_mac = 1;
	memcpy(d.mac, data + 6, 6);
	cur_skip(&c, 4);		/* version, ttl, checksum */
	while (cur_ok(&c) && cur_has(&c, 4)) {
		type = cur_be16(&c);
		tl = cur_be16(&c);
		if (tl < 4) {
			c.err = 1;
			break;
		}
		v = cur_sub(&c, tl - 4u);
		if (!cur_ok(&v))
			break;
		switch (type) {
		case CDP_DEVICE_ID:
		case CDP_PORT_ID:
		case CDP_SOFTWARE:
		case CDP_PLATFORM:
			device_fact_attr(&d, cdp_text_attrs[type], cur_ptr(&v),
			    cur_left(&v));
			break;
		case CDP_CAPS:
			bits = cur_be32(&v);
			if (cur_ok(&v))
				device_fact_attr(&d, "cdp_caps",
				    (const uint8_t *)caps,
				    device_caps_text(bits, cdp_cap_names,
				    sizeof(cdp_cap_names) /
				    sizeof(cdp_cap_names[0]), caps,
				    sizeof(caps)));
			break;
		case CDP_ADDRESSES:
		case CDP_MGMT_ADDRESSES:
			cdp_addresses(&d, &v);
			break;
		}
	}
	if (!cur_ok(&c)) {
		dctx_weird(ctx, "cdp_malformed");
		return len;
	}
	memset(&f, 0, sizeof(f));
	f.type = FACT_DEVICE;
	f.source = "cdp";
	f.u.device = &d;
	dctx_fact(ctx, &f);
	return len;
}

const struct dissector cdp_dissector = {
	.name = "cdp",
	.description = "CDP frames (device facts: device id, platform, "
	    "software, capabilities, address)",
	.transport = DISSECTOR_L2,
	.probe = cdp_probe,
	.parse = cdp_parse,
};
