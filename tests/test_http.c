/*
 * test_http.c - the HTTP dissector: Basic, Bearer, Digest (john hdaa line),
 * proxy auth, NTLM hand-off (through a recording stand-in for ntlmssp.c),
 * urlencoded / multipart / chunked / query-string form logins, pipelining,
 * response framing that keeps requests and responses in step, and input
 * that only looks like credentials.
 */
#include <stdlib.h>
#include <string.h>

#include "dissector_run.h"
#include "codec.h"
#include "ntlm_vectors.h"
#include "ntlmssp.h"
#include "unit.h"

extern const struct dissector http_dissector;
static struct dctx ctx;

/* ---- Authorization schemes ----------------------------------------------- */

/* RFC 7617's example: Aladdin / open sesame. */
static const struct dr_step basic_ok[] = {
	C("GET /admin/ HTTP/1.1\r\nHost: router.lan\r\n"
	  "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"),
	S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
};

static void
test_basic_success(void)
{
	DR_SCRIPT(&ctx, &http_dissector, 80, basic_ok, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "http", "basic", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "Aladdin", "open sesame");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "host"),
	    "router.lan");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "path"),
	    "/admin/");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_basic_bytewise(void)
{
	DR_SCRIPT(&ctx, &http_dissector, 80, basic_ok, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "http", "basic", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "Aladdin", "open sesame");
}

static void
test_pipelined_basic_and_bearer(void)
{
	/* Three requests before any response: a wrong Basic password, a
	 * request without credentials, a Bearer token.  The first response
	 * is chunked and holds a fake status line; the second is a HEAD-less
	 * 304. */
	static const struct dr_step s[] = {
		C("GET /a HTTP/1.1\r\nAuthorization: basic "
		  "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"
		  "GET /b HTTP/1.1\r\n\r\n"
		  "GET /c HTTP/1.1\r\nauthorization: Bearer eyJhbGciOi.x.y\r\n"
		  "\r\n"),
		S("HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n"
		  "\r\n17\r\nHTTP/1.1 200 OK\r\n\r\nfake\r\n0\r\n\r\n"),
		S("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"),
		S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
	};

	DR_SCRIPT(&ctx, &http_dissector, 80, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "http", "basic", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "Aladdin", "open sesame");
	DR_EXPECT(&ctx, 1, "http", "bearer", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, NULL, "eyJhbGciOi.x.y");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_digest(void)
{
	/* John the Ripper's hdaa test vector as a request. */
	static const struct dr_step s[] = {
		C("GET / HTTP/1.1\r\nAuthorization: Digest username=\"user\", "
		  "realm=\"myrealm\", nonce=\"8c12bd8f728afe56d45a0ce846b70e5a\""
		  ", uri=\"/\", response=\"679066476e67b5c7c4e88f04be567f8b\", "
		  "qop=auth, nc=00000001, cnonce=\"4b61913cec32e2c9\"\r\n\r\n"),
		S("HTTP/1.0 200 OK\r\n\r\nbody until close HTTP/1.1 401"),
	};

	DR_SCRIPT(&ctx, &http_dissector, 80, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "http", "digest", CRED_WEAK, CRED_OUTCOME_SUCCESS,
	    "user", NULL);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].domain, "myrealm");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack,
	    "$response$679066476e67b5c7c4e88f04be567f8b$user$myrealm$GET$/$"
	    "8c12bd8f728afe56d45a0ce846b70e5a$00000001$4b61913cec32e2c9$auth");
}

static void
test_proxy_basic(void)
{
	static const struct dr_step s[] = {
		C("CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n"
		  "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"
		  "\r\n"),
		S("HTTP/1.1 407 Proxy Authentication Required\r\n"
		  "Content-Length: 0\r\n\r\n"),
		C("CONNECT example.org:443 HTTP/1.1\r\n"
		  "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"
		  "\r\n"),
		S("HTTP/1.1 200 Connection established\r\n\r\n"),
		C("\x16\x03\x01\x02\x00"),	/* TLS from here on */
	};

	DR_SCRIPT(&ctx, &http_dissector, 3128, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "http", "proxy basic", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "Aladdin", "open sesame");
	DR_EXPECT(&ctx, 1, "http", "proxy basic", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "Aladdin", "open sesame");
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	/* Each CONNECT is a proxy fact with the proxy's answer. */
	CU_ASSERT_EQUAL_FATAL(ctx.nproxy, 2);
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].method, "CONNECT");
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].host, "example.org");
	CU_ASSERT_EQUAL(ctx.proxy[0].port, 443);
	CU_ASSERT_EQUAL(ctx.proxy[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_EQUAL(ctx.proxy[1].outcome, CRED_OUTCOME_SUCCESS);
}

static void
test_connect_targets(void)
{
	static const struct dr_step v6[] = {
		C("CONNECT [2001:db8::22]:22 HTTP/1.1\r\n\r\n"),
		S("HTTP/1.1 200 OK\r\n\r\n"),
		C("SSH-2.0-OpenSSH_9.2\r\n"),
	};
	static const struct dr_step noport[] = {
		C("CONNECT host.example HTTP/1.1\r\n\r\n"),
		S("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
	};

	DR_SCRIPT(&ctx, &http_dissector, 3128, v6, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nproxy, 1);
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].host, "2001:db8::22");
	CU_ASSERT_EQUAL(ctx.proxy[0].port, 22);
	CU_ASSERT_EQUAL(ctx.proxy[0].outcome, CRED_OUTCOME_SUCCESS);
	DR_SCRIPT(&ctx, &http_dissector, 3128, noport, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nproxy, 1);
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].host, "host.example");
	CU_ASSERT_EQUAL(ctx.proxy[0].port, 0);
	CU_ASSERT_EQUAL(ctx.proxy[0].outcome, CRED_OUTCOME_FAILURE);
}

static void
test_websocket_upgrade(void)
{
	static const struct dr_step chisel[] = {
		C("GET / HTTP/1.1\r\nHost: relay.example.net\r\n"
		  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
		  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		  "Sec-WebSocket-Protocol: chisel-v3\r\n"
		  "Sec-WebSocket-Version: 13\r\n\r\n"),
		S("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
		  "Connection: Upgrade\r\nSec-WebSocket-Protocol: chisel-v3\r\n"
		  "\r\n"),
	};
	static const struct dr_step refused[] = {
		C("GET /chat HTTP/1.1\r\nHost: a.example\r\n"
		  "Upgrade: websocket\r\n\r\n"),
		S("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
	};

	DR_SCRIPT(&ctx, &http_dissector, 80, chisel, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nproxy, 1);
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].method, "websocket");
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].host, "relay.example.net");
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].path, "/");
	CU_ASSERT_STRING_EQUAL(ctx.proxy[0].subprotocol, "chisel-v3");
	CU_ASSERT(ctx.done);
	DR_SCRIPT(&ctx, &http_dissector, 80, refused, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nproxy, 0);
}

/*
 * One NTLM exchange over HTTP: NEGOTIATE, CHALLENGE in WWW-Authenticate,
 * AUTHENTICATE, then the status that settles it.
 */
static void *fst;	/* the dissector's per-flow state for manual feeds */

static void
new_flow(void)
{
	free(fst);
	fst = calloc(1, http_dissector.state_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fst);
	fake_dctx_reset(&ctx, 80);
}

static void
ntlm_exchange(const char *final_status)
{
	char chal[128], auth[256], buf[512];

	CU_ASSERT_FATAL(base64_encode(challenge, sizeof(challenge), chal,
	    sizeof(chal)) > 0);
	CU_ASSERT_FATAL(base64_encode(auth_v2, sizeof(auth_v2), auth,
	    sizeof(auth)) > 0);
	new_flow();
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER,
	    "GET / HTTP/1.1\r\nAuthorization: NTLM TlRMTVNTUAABAAAAB4IIog=="
	    "\r\n\r\n");
	snprintf(buf, sizeof(buf), "HTTP/1.1 401 Unauthorized\r\n"
	    "WWW-Authenticate: NTLM %s\r\nContent-Length: 0\r\n\r\n", chal);
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_CLIENT, buf);
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nAuthorization: Negotiate "
	    "%s\r\n\r\n", auth);
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER, buf);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);		/* waits for the status */
	snprintf(buf, sizeof(buf), "HTTP/1.1 %s\r\nContent-Length: 0\r\n\r\n",
	    final_status);
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_CLIENT, buf);
}

static void
test_ntlm_success(void)
{
	ntlm_exchange("302 Found");
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].proto, "http");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "NTLMv2");
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_WEAK);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "bob");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].domain, "DOM");
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_SUCCESS);
	fake_end(&ctx, &http_dissector, fst);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);		/* settled once */
}

static void
test_ntlm_failure(void)
{
	ntlm_exchange("401 Unauthorized");
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
}

static void
test_ntlm_flow_ends(void)
{
	char auth[256], buf[512];

	CU_ASSERT_FATAL(base64_encode(auth_v2, sizeof(auth_v2), auth,
	    sizeof(auth)) > 0);
	new_flow();
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nAuthorization: NTLM "
	    "%s\r\n\r\n", auth);
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER, buf);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	fake_end(&ctx, &http_dissector, fst);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
}

/* ---- forms ---------------------------------------------------------------- */

static void
test_form_urlencoded(void)
{
	/* Percent and plus decoding; a 200 leaves the outcome unknown, a
	 * 401 on the second attempt is a failure. */
	static const char body[] =
	    "username=alice%40example.com&password=p%40ss+word&submit=Login";
	static const struct dr_step s[] = {
		C("POST /login HTTP/1.1\r\nHost: app\r\nContent-Type: "
		  "application/x-www-form-urlencoded; charset=UTF-8\r\n"
		  "Content-Length: 62\r\n\r\n"),
		C(body),
		S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
		C("POST /login HTTP/1.1\r\nContent-Type: "
		  "application/x-www-form-urlencoded\r\nContent-Length: 23\r\n"
		  "\r\nuser[login]=bob&pwd=x&a"),
		S("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"),
	};

	CU_ASSERT_EQUAL(strlen(body), 62);
	DR_SCRIPT(&ctx, &http_dissector, 80, s, DR_BYTES);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "http", "form", CRED_CLEARTEXT,
	    CRED_OUTCOME_UNKNOWN, "alice@example.com", "p@ss word");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "path"),
	    "/login");
	DR_EXPECT(&ctx, 1, "http", "form", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "bob", "x");
}

static void
test_form_multipart(void)
{
	/* A file part named "password" is skipped; the real field is not. */
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"password\"; "
	    "filename=\"p.txt\"\r\nContent-Type: text/plain\r\n\r\n"
	    "filepw\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"email\"\r\n\r\n"
	    "carol@example.org\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"passwd\"\r\n\r\n"
	    "multi\r\npart\r\n"
	    "--XyZ--\r\n";
	char req[1024];
	struct dr_step s[] = {
		C(req),
		S("HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n"
		  "\r\n"),
	};

	snprintf(req, sizeof(req), "POST /up HTTP/1.1\r\nContent-Type: "
	    "multipart/form-data; boundary=\"XyZ\"\r\nContent-Length: %zu\r\n"
	    "\r\n%s", strlen(body), body);
	DR_SCRIPT(&ctx, &http_dissector, 8080, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	DR_EXPECT(&ctx, 0, "http", "form", CRED_CLEARTEXT,
	    CRED_OUTCOME_UNKNOWN, "carol@example.org", "multi\r\npart");
}

static void
test_form_chunked_and_query(void)
{
	/* A chunked form body split over chunks and segments, then a GET
	 * with the login in its query string. */
	static const struct dr_step s[] = {
		C("POST /l HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
		  "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
		  "7\r\nlogin=d\r\n"),
		C("b;ext=1\r\nave&pass=ab\r\n2\r\ncd\r\n0\r\nX-T: 1\r\n\r\n"),
		S("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
		C("GET /cgi?uname=erin&pw=q%26r#frag HTTP/1.1\r\n\r\n"),
		S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
	};

	DR_SCRIPT(&ctx, &http_dissector, 80, s, DR_WHOLE);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "http", "form", CRED_CLEARTEXT,
	    CRED_OUTCOME_FAILURE, "dave", "abcd");
	DR_EXPECT(&ctx, 1, "http", "query", CRED_CLEARTEXT,
	    CRED_OUTCOME_UNKNOWN, "erin", "q&r");
}

static void
test_form_over_cap(void)
{
	/* 20000-byte form: the password in the first 16 KiB is found, the
	 * rest is skipped and counted; the next request still parses. */
	static char req[21000];
	static const struct dr_step tail[] = {
		C("GET /next HTTP/1.1\r\nAuthorization: Basic "
		  "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"),
		S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
		  "HTTP/1.1 204 No Content\r\n\r\n"),
	};
	void *st = dr_state(&http_dissector);
	size_t h;

	h = (size_t)snprintf(req, sizeof(req), "POST /x HTTP/1.1\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 20000\r\n\r\npassword=big&pad=");
	memset(req + h, 'a', 20000 - 17);
	h += 20000 - 17;
	dr_run(&ctx, &http_dissector, st, 80, NULL, 0, DR_WHOLE);
	fake_feed(&ctx, &http_dissector, st, DIR_TO_SERVER, req, h);
	fake_feed(&ctx, &http_dissector, st, DIR_TO_SERVER, tail[0].data,
	    strlen(tail[0].data));
	fake_feed(&ctx, &http_dissector, st, DIR_TO_CLIENT, tail[1].data,
	    strlen(tail[1].data));
	dr_end(&ctx, &http_dissector, st);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	DR_EXPECT(&ctx, 0, "http", "form", CRED_CLEARTEXT,
	    CRED_OUTCOME_UNKNOWN, NULL, "big");
	DR_EXPECT(&ctx, 1, "http", "basic", CRED_CLEARTEXT,
	    CRED_OUTCOME_SUCCESS, "Aladdin", "open sesame");
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "http_body_over_inspect_cap"),
	    1);
}

/* ---- negative and malformed ---------------------------------------------- */

static void
test_lookalikes(void)
{
	/* Auth headers inside bodies, JSON with "password", a form field
	 * with an empty password, a header named X-Authorization. */
	static const struct dr_step s[] = {
		C("POST /api HTTP/1.1\r\nContent-Type: text/plain\r\n"
		  "Content-Length: 57\r\n\r\n"
		  "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"
		  "x=1\r\n"),
		C("POST /j HTTP/1.1\r\nContent-Type: application/json\r\n"
		  "Content-Length: 16\r\n\r\n{\"password\":\"x\"}"),
		C("POST /f HTTP/1.1\r\nContent-Type: "
		  "application/x-www-form-urlencoded\r\nContent-Length: 19\r\n"
		  "\r\nuser=a&password=&x="),
		C("GET /?passwordless=1&passwordx=2 HTTP/1.1\r\n"
		  "X-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"),
		S("HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n"
		  "HTTP/1.1 200 OK\r\nAuthorization: Basic QWxhZGRpbjpv\r\n\r\n"),
	};

	DR_SCRIPT(&ctx, &http_dissector, 80, s, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	CU_ASSERT(!ctx.done);
}

static void
test_malformed(void)
{
	static const struct dr_step bad_basic[] = {
		C("GET / HTTP/1.1\r\nAuthorization: Basic bm9jb2xvbg==\r\n\r\n"),
		C("GET / HTTP/1.1\r\nAuthorization: Basic %%%\r\n\r\n"),
		C("GET / HTTP/1.1\r\nAuthorization: Digest username=\"x\r\n\r\n"),
	};
	static const struct dr_step bad_line[] = {
		C("GET /\x01 HTTP/1.1\r\n\r\n"),
		C("GET / HTTP/1.1\r\nAuthorization: Basic "
		  "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"),
	};
	static const struct dr_step two_lengths[] = {
		C("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
		  "\r\n"),
	};
	static const struct dr_step bad_chunk[] = {
		C("GET / HTTP/1.1\r\n\r\n"),
		S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
	};

	DR_SCRIPT(&ctx, &http_dissector, 80, bad_basic, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "http_basic_malformed"), 2);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "http_digest_malformed"), 1);
	DR_SCRIPT(&ctx, &http_dissector, 80, bad_line, DR_WHOLE);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "http_bad_request_line"), 1);
	CU_ASSERT(ctx.done);
	DR_SCRIPT(&ctx, &http_dissector, 80, two_lengths, DR_WHOLE);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "http_bad_header"), 1);
	DR_SCRIPT(&ctx, &http_dissector, 80, bad_chunk, DR_WHOLE);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "http_bad_chunk"), 1);
}

static void
test_probe(void)
{
	static const char get[] = "GET /index.html HTTP/1.1\r\nHost: x\r\n";
	static const char notreq[] = "GET me a coffee\r\n";

	CU_ASSERT(http_dissector.probe((const uint8_t *)get, strlen(get),
	    DIR_TO_SERVER));
	CU_ASSERT(!http_dissector.probe((const uint8_t *)notreq,
	    strlen(notreq), DIR_TO_SERVER));
}

/* Device CLI commands in API requests: PAN-OS XML API, RouterOS REST. */
static void
test_cli_api(void)
{
	new_flow();
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER,
	    "GET /api/?type=op&cmd=%3Cdebug%3E%3Cdataplane%3E%3Cpacket-diag%3E"
	    "%3Cset%3E%3Ccapture%3E%3Con%2F%3E%3C%2Fcapture%3E%3C%2Fset%3E"
	    "%3C%2Fpacket-diag%3E%3C%2Fdataplane%3E%3C%2Fdebug%3E&key=K "
	    "HTTP/1.1\r\nHost: fw\r\n\r\n");
	CU_ASSERT_EQUAL_FATAL(ctx.ncommands, 1);
	CU_ASSERT_STRING_EQUAL(ctx.commands[0].line,
	    "debug dataplane packet-diag set capture on");
	CU_ASSERT_STRING_EQUAL(ctx.commands[0].proto, "http");
	/* a value between tags is a word of the command */
	new_flow();
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER,
	    "GET /api/?cmd=<show><interface>ethernet1/1</interface></show>"
	    "&type=op HTTP/1.1\r\nHost: fw\r\n\r\n");
	CU_ASSERT_EQUAL_FATAL(ctx.ncommands, 1);
	CU_ASSERT_STRING_EQUAL(ctx.commands[0].line,
	    "show interface ethernet1/1");
	new_flow();
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER,
	    "POST /rest/tool/sniffer/start HTTP/1.1\r\nHost: mt\r\n"
	    "Content-Length: 0\r\n\r\n");
	CU_ASSERT_EQUAL_FATAL(ctx.ncommands, 1);
	CU_ASSERT_STRING_EQUAL(ctx.commands[0].line, "/tool sniffer start");
	/* not a command: other API types, other paths, no cmd */
	new_flow();
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER,
	    "GET /api/?type=config&action=get&xpath=/config HTTP/1.1\r\n"
	    "\r\nGET /index.html?cmd=x HTTP/1.1\r\n\r\n"
	    "GET /api/?type=op HTTP/1.1\r\n\r\n");
	CU_ASSERT_EQUAL(ctx.ncommands, 0);
}

/* Feeds one POST with a JSON body (Content-Length, or chunked in two). */
static void
post_json(const char *path, const char *body, int chunked)
{
	char req[2048];
	size_t half = strlen(body) / 2;

	if (chunked)
		snprintf(req, sizeof(req), "POST %s HTTP/1.1\r\nHost: sw\r\n"
		    "Authorization: Basic YWRtaW46YWRtaW4=\r\n"
		    "Content-Type: application/json-rpc\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%.*s\r\n"
		    "%zx\r\n%s\r\n0\r\n\r\n", path, half, (int)half, body,
		    strlen(body) - half, body + half);
	else
		snprintf(req, sizeof(req), "POST %s HTTP/1.1\r\nHost: sw\r\n"
		    "Authorization: Basic YWRtaW46YWRtaW4=\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: %zu\r\n\r\n%s", path, strlen(body), body);
	new_flow();
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER, req);
}

/* Device CLI commands in JSON bodies: Cisco NX-API, Arista eAPI. */
static void
test_cli_json(void)
{
	post_json("/ins", "{\"ins_api\": {\"version\": \"1.0\", \"type\": "
	    "\"cli_show\", \"chunk\": \"0\", \"sid\": \"1\", \"input\": "
	    "\"show version ;ethanalyzer local interface inband write "
	    "bootflash:c.pcap\", \"output_format\": \"json\"}}", 0);
	CU_ASSERT_EQUAL_FATAL(ctx.ncommands, 2);
	CU_ASSERT_STRING_EQUAL(ctx.commands[0].line, "show version");
	CU_ASSERT_STRING_EQUAL(ctx.commands[1].line,
	    "ethanalyzer local interface inband write bootflash:c.pcap");
	/* NX-API JSON-RPC, an escaped quote and a \u escape */
	post_json("/ins", "[{\"jsonrpc\":\"2.0\",\"method\":\"cli\","
	    "\"params\":{\"cmd\":\"show run | i \\\"host\\u0041\\\"\","
	    "\"version\":1},\"id\":1}]", 1);
	CU_ASSERT_EQUAL_FATAL(ctx.ncommands, 1);
	CU_ASSERT_STRING_EQUAL(ctx.commands[0].line, "show run | i \"hostA\"");
	/* eAPI: cmds strings and objects' cmd; never an object's input */
	post_json("/command-api", "{\"jsonrpc\": \"2.0\", \"method\": "
	    "\"runCmds\", \"params\": {\"version\": 1, \"cmds\": "
	    "[{\"cmd\": \"enable\", \"input\": \"s3cret\"}, \"bash timeout "
	    "10 tcpdump -i et1 -w /mnt/flash/x.pcap\"], \"format\": "
	    "\"json\"}, \"id\": \"1\"}", 1);
	CU_ASSERT_EQUAL_FATAL(ctx.ncommands, 2);
	CU_ASSERT_STRING_EQUAL(ctx.commands[0].line, "enable");
	CU_ASSERT_STRING_EQUAL(ctx.commands[1].line,
	    "bash timeout 10 tcpdump -i et1 -w /mnt/flash/x.pcap");
	/* not commands: other paths, eAPI's other strings, GET */
	post_json("/api/v1/ins", "{\"input\": \"tcpdump -i any\"}", 0);
	CU_ASSERT_EQUAL(ctx.ncommands, 0);
	post_json("/command-api", "{\"method\": \"runCmds\", \"id\": "
	    "\"tcpdump\", \"params\": {\"format\": \"text\", \"input\": "
	    "\"x\"}}", 0);
	CU_ASSERT_EQUAL(ctx.ncommands, 0);
	new_flow();
	fake_feeds(&ctx, &http_dissector, fst, DIR_TO_SERVER,
	    "GET /ins HTTP/1.1\r\nHost: sw\r\n\r\n");
	CU_ASSERT_EQUAL(ctx.ncommands, 0);
}

UNIT_MAIN("http",
    { "device CLI commands in API requests", test_cli_api },
    { "device CLI commands in JSON bodies", test_cli_json },
    { "Basic success", test_basic_success },
    { "Basic byte by byte", test_basic_bytewise },
    { "pipelined Basic and Bearer", test_pipelined_basic_and_bearer },
    { "Digest hdaa line", test_digest },
    { "proxy Basic and CONNECT", test_proxy_basic },
    { "CONNECT targets: IPv6, no port, refused", test_connect_targets },
    { "WebSocket upgrade (chisel)", test_websocket_upgrade },
    { "NTLM success settled by the status", test_ntlm_success },
    { "NTLM failure (401)", test_ntlm_failure },
    { "NTLM pending at flow end", test_ntlm_flow_ends },
    { "urlencoded forms", test_form_urlencoded },
    { "multipart form", test_form_multipart },
    { "chunked form and query string", test_form_chunked_and_query },
    { "form over the inspection cap", test_form_over_cap },
    { "look-alikes", test_lookalikes },
    { "malformed", test_malformed },
    { "probe", test_probe })
