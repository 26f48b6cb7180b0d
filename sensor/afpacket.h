/*
 * afpacket.h - live capture on Linux with AF_PACKET (TPACKET_V3 rings)
 * and PACKET_FANOUT: one socket per worker and interface, each worker
 * thread reading its own ring and running the packet path itself, with
 * no reader thread between the kernel and the workers.
 *
 * The detectors need every packet between two (inner) addresses on one
 * worker.  The fanout program (afpacket_fanout = pair) is a classic BPF
 * program that hashes the outermost IP address pair symmetrically, the
 * same hash afpacket_owner() computes on a decoded packet's innermost
 * pair; so a packet lands on its owner unless encapsulation (a tunnel, a
 * VLAN stack or MPLS the kernel did not strip) hides its inner pair.  The
 * thread that decodes such a packet hands it to its owner through an SPSC
 * ring (the owner's worker->in[sender]), a counted drop when that ring is
 * full.  afpacket_fanout = hash uses the kernel's flow hash (addresses and
 * ports) instead, with the same hand-off: kept to measure the difference.
 *
 * libpcap (capture.c) stays the path for files, for interfaces that are
 * not Ethernet-like (or "any"), and when capture_method = pcap.
 */
#ifndef EDGEWARD_AFPACKET_H
#define EDGEWARD_AFPACKET_H

#include <stddef.h>
#include <stdint.h>

struct capture;
struct config;

/*
 * Decides whether live capture on c->ifaces uses AF_PACKET and if so opens
 * every socket (in thread order, which is the fanout order), attaches the
 * capture filter and joins the fanout groups.  Returns 1 when it did (c->afp
 * is set, c->st has one entry per thread), 0 when libpcap is to be used, or
 * -1 with errbuf set.  Threads and hand-off rings come with afpacket_run.
 */
int	afpacket_open(struct capture *c, char *errbuf, size_t errlen);
/*
 * Runs one capture thread per worker (c->workers must be set and their
 * in[] hand-off rings allocated, one per worker) until stop; each ends its
 * worker's flows.  Returns 0 or -1 with errbuf set.
 */
int	afpacket_run(struct capture *c, char *errbuf, size_t errlen);
void	afpacket_close(struct capture *c);
/* Bytes of each hand-off ring between two threads (ring_mb split). */
size_t	afpacket_handoff_ring_bytes(const struct config *cfg);
/*
 * The thread (0..n-1) that owns an address pair: the fanout program's hash
 * ("pair"), symmetric in a and b.  family 4 or 6.
 */
unsigned afpacket_owner(int family, const uint8_t *a, const uint8_t *b,
	    unsigned n);

#endif
