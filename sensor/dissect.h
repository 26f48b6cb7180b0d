/*
 * dissect.h - the dissector plumbing of a worker: choosing a dissector for
 * a flow (by server port on its first packet, else by probe on the first
 * payload in each direction), feeding it UDP datagrams or reassembled TCP
 * data through the pending buffer (pending.h), and the dissector context
 * (struct dctx, dissector.h) through which it reports facts.
 */
#ifndef EDGEWARD_DISSECT_H
#define EDGEWARD_DISSECT_H

struct worker;
struct flow;
struct pkt;

/* One packet of a TCP or UDP flow (p->l4_ok). */
void	dissect_packet(struct worker *w, struct flow *f, const struct pkt *p,
	    int dir);
/*
 * A link-local control frame (decode_link_control()): offered to the
 * DISSECTOR_L2 dissectors, without a flow.
 */
void	dissect_frame(struct worker *w, const uint8_t *frame, uint32_t len);
/*
 * A TCP flow closed (FIN both ways, or RST): no more data can come, so
 * the dissector has its last word and its state, stream and pending
 * buffers go now rather than when the flow times out.
 */
void	dissect_flow_closed(struct worker *w, struct flow *f);
/* Flow end: the dissector flushes what it still holds; memory is freed. */
void	dissect_flow_end(struct worker *w, struct flow *f);

#endif
