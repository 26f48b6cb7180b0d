/*
 * policy.h - turns facts (from dissectors and nDPI) into findings: kind,
 * severity, confidence and ATT&CK ids.  Dissectors never decide these.
 */
#ifndef EDGEWARD_POLICY_H
#define EDGEWARD_POLICY_H

struct worker;
struct flow;
struct cred_fact;
struct ndpi_flow_struct;

void	policy_credential(struct worker *w, struct flow *f,
	    const struct cred_fact *c);
/* Called once per flow when nDPI's detection is final. */
void	policy_ndpi(struct worker *w, struct flow *f,
	    struct ndpi_flow_struct *nf);

#endif
