/*
 * fuzz_rmm.c - libFuzzer target for the RMM detector's structural checks
 * (detectors/rmm.c: tls, http, rfb, rfb-tight, rdp, teamviewer, rustdesk
 * over TCP and UDP), the code that reads payload bytes.
 *
 * Input: one payload.  Every check sees it as the first, second and third
 * payload of each direction, as a TCP and as a UDP payload.  rmm.c is
 * included for its static functions; the detector context it would call
 * is stubbed (the checks never reach it).
 *
 * Build: ./configure --enable-fuzzing CC=clang && make fuzz/fuzz_rmm
 * Run:   ./fuzz/fuzz_rmm -max_total_time=300 [corpus-dir]
 */
#include "../detectors/rmm.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the context rmm.c links against, never used by the checks ---------- */
const struct flow *det_flow(const struct detctx *c) { (void)c; return NULL; }
const void *det_tables(const struct detctx *c) { (void)c; return NULL; }
uint64_t det_now_us(const struct detctx *c) { (void)c; return 0; }
void det_count(struct detctx *c, const char *n) { (void)c; (void)n; }
void det_flow_packets(struct detctx *c, int on) { (void)c; (void)on; }
void det_mem_release(struct detctx *c, size_t n) { (void)c; (void)n; }
int det_mem_charge(struct detctx *c, size_t n) { (void)c; (void)n; return -1; }
void det_observe(struct detctx *c, uint16_t t, const void *d, size_t n,
    uint64_t o) { (void)c; (void)t; (void)d; (void)n; (void)o; }
void format_addr(int f, const uint8_t *a, char out[48]) { (void)f; (void)a;
    out[0] = '\0'; }
const uint8_t *flow_server_addr(const struct flow *f) { (void)f; return NULL; }
uint16_t flow_server_port(const struct flow *f) { (void)f; return 0; }

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t check;
	unsigned k;
	int dir, tcp;

	for (check = CHK_TLS; check <= CHK_RUSTDESK; check++)
		for (dir = 0; dir < 2; dir++)
			for (k = 0; k < 3; k++)
				for (tcp = 0; tcp < 2; tcp++)
					(void)check_verdict(check, dir, k, data,
					    size, tcp);
	return 0;
}
