/*
 * lldp.c - Link Layer Discovery Protocol frames (IEEE 802.1AB-2016 clause
 * 8): what a switch, router, access point or appliance says about itself
 * to its neighbours every 30 seconds.
 *
 * A link-layer dissector (DISSECTOR_L2): the engine hands it Ethernet
 * frames to the IEEE reserved groups (decode_link_control()); probe()
 * takes those of EtherType 0x88cc, after at most two VLAN tags.  The LLDPDU
 * is a chain of TLVs, each a 7-bit type and a 9-bit length; the mandatory
 * Chassis ID, Port ID and TTL come first and End (type 0) closes it.
 *
 * Fact: one device fact per LLDPDU (proto "lldp", no flow) with the
 * sender's MAC, the first IPv4 or IPv6 Management Address, and the
 * attributes lldp_sysname (System Name, type 5), lldp_sysdescr (System
 * Description, 6), lldp_portdescr (Port Description, 4) and lldp_caps (the
 * enabled System Capabilities, 7, as a comma-separated list: "bridge,
 * router").  Which of these make an edge device is policy
 * (signatures/edge_fingerprints.txt).
 * Not a fact: a frame whose TLV chain overruns it or lacks the mandatory
 * first three (weird lldp_malformed); organisationally specific TLVs.
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"

#define ETH_LLDP	0x88cc
#define LLDP_CAPS_MAX	128

enum lldp_tlv {
	LLDP_END = 0, LLDP_CHASSIS, LLDP_PORT, LLDP_TTL, LLDP_PORT_DESC,
	LLDP_SYS_NAME, LLDP_SYS_DESC, LLDP_CAPS, LLDP_MGMT_ADDR
};

/* The text TLVs reported as they are, by type. */
static const char *const lldp_text_attrs[] = {
	[LLDP_PORT_DESC] = "lldp_portdescr",
	[LLDP_SYS_NAME] = "lldp_sysname",
	[LLDP_SYS_DESC] = "lldp_sysdescr",
};

/* System Capabilities bits (802.1AB 8.5.8.1), bit 0 first. */
static const char *const lldp_cap_names[] = {
	"other", "repeater", "bridge", "wlan_ap", "router", "telephone",
	"docsis", "station", "cvlan", "svlan", "tpmr"
};

/* The LLDPDU after the Ethernet header and VLAN tags, or an error. */
static struct cursor
lldp_pdu(const uint8_t *frame, size_t len)
{
	struct cursor c;
	uint16_t type;
	int tags = 0;

	cur_init(&c, frame, len);
	cur_skip(&c, 12);
	type = cur_be16(&c);
	while ((type == 0x8100 || type == 0x88a8) && tags++ < 2) {
		cur_skip(&c, 2);
		type = cur_be16(&c);
	}
	if (type != ETH_LLDP)
		c.err = 1;
	return c;
}

static int
lldp_probe(const uint8_t *data, size_t len, int dir)
{
	struct cursor c = lldp_pdu(data, len);

	(void)dir;
	/* The first TLV must be a Chassis ID. */
	return cur_ok(&c) && cur_has(&c, 2) && (cur_peek(&c, 0) >> 1) ==
	    LLDP_CHASSIS;
}

/* Management Address TLV: length, subtype (IANA family), address ... */
static void
lldp_mgmt(struct device_fact *d, struct cursor *v)
{
	uint8_t alen = cur_u8(v), sub;

	if (d->family != 0 || alen < 2)
		return;
	sub = cur_u8(v);
	if (sub == 1 && alen == 5 && cur_has(v, 4)) {
		d->family = 4;
		cur_copy(v, d->addr, 4);
	} else if (sub == 2 && alen == 17 && cur_has(v, 16)) {
		d->family = 6;
		cur_copy(v, d->addr, 16);
	}
}

static size_t
lldp_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct cursor c = lldp_pdu(data, len), v;
	struct device_fact d;
	struct fact f;
	char caps[LLDP_CAPS_MAX];
	uint16_t h, enabled;
	unsigned type, n = 0;

	(void)state;
	(void)dir;
	memset(&d, 0, sizeof(d));
	d.proto = "lldp";
	d.has_mac = len >= 12;
	if (d.has_mac)
		memcpy(d.mac, data + 6, 6);
	while (cur_has(&c, 2)) {
		h = cur_be16(&c);
		type = h >> 9;
		v = cur_sub(&c, h & 0x1ff);
		if (!cur_ok(&v))
			break;
		/* Chassis ID, Port ID, TTL: mandatory, in that order. */
		if (n < 3 && type != n + 1)
			break;
		n++;
		if (type == LLDP_END)
			break;
		switch (type) {
		case LLDP_PORT_DESC:
		case LLDP_SYS_NAME:
		case LLDP_SYS_DESC:
			device_fact_attr(&d, lldp_text_attrs[type], cur_ptr(&v),
			    cur_left(&v));
			break;
		case LLDP_CAPS:
			(void)cur_be16(&v);
			enabled = cur_be16(&v);
			if (cur_ok(&v))
				device_fact_attr(&d, "lldp_caps",
				    (const uint8_t *)caps,
				    device_caps_text(enabled, lldp_cap_names,
				    sizeof(lldp_cap_names) /
				    sizeof(lldp_cap_names[0]), caps,
				    sizeof(caps)));
			break;
		case LLDP_MGMT_ADDR:
			lldp_mgmt(&d, &v);
			break;
		}
	}
	if (n < 3 || !cur_ok(&c)) {
		dctx_weird(ctx, "lldp_malformed");
		return len;
	}
	memset(&f, 0, sizeof(f));
	f.type = FACT_DEVICE;
	f.source = "lldp";
	f.u.device = &d;
	dctx_fact(ctx, &f);
	return len;
}

const struct dissector lldp_dissector = {
	.name = "lldp",
	.description = "LLDP frames (device facts: system name, description, "
	    "capabilities, management address)",
	.transport = DISSECTOR_L2,
	.probe = lldp_probe,
	.parse = lldp_parse,
};
