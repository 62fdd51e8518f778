/*
 * test_http — the HTTP client against real sockets on 127.0.0.1.
 *
 * Every test starts its own hostile raw server (support/rawserver.c) on an
 * ephemeral port; the server listens before its thread starts, so no test
 * sleeps to wait for it. Timeouts in tests are 1 s so the failure paths stay
 * fast. Timing assertions are lower bounds (a wait that must have happened),
 * except where "promptly" is the contract, and then the bound is far below
 * the timeout the transfer would otherwise have hit.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "http.h"
#include "support/rawserver.h"

#define MIB ((size_t)1 << 20)

static void suite_init(void)
{
    cr_assert_eq(spp_http_global_init(NULL), SPP_OK);
}

static void suite_fini(void)
{
    spp_http_global_cleanup();
}

TestSuite(http, .init = suite_init, .fini = suite_fini);

/* ---- helpers ------------------------------------------------------------------- */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct rawserver *start(enum rawserver_mode mode)
{
    struct rawserver_config cfg = {.mode = mode, .drip_ms = 200};
    struct rawserver *s = rawserver_start(&cfg);
    cr_assert_not_null(s);
    return s;
}

static struct rawserver *start_script(const char *const *responses, size_t n, bool close_after)
{
    struct rawserver_config cfg = {.mode = RAWSERVER_SCRIPT,
                                   .responses = responses,
                                   .response_count = n,
                                   .close_after_response = close_after};
    struct rawserver *s = rawserver_start(&cfg);
    cr_assert_not_null(s);
    return s;
}

static struct spp_http_client *client(long timeout_ms, size_t max_body)
{
    struct spp_http_options o;
    struct spp_http_client *c = NULL;
    struct spp_err e;
    spp_http_options_init(&o);
    o.timeout_ms = timeout_ms;
    o.connect_timeout_ms = timeout_ms;
    o.max_body = max_body;
    cr_assert_eq(spp_http_new(&o, &c, &e), SPP_OK, "%s", e.msg);
    return c;
}

static void url_of(char *buf, size_t cap, unsigned short port, const char *path)
{
    snprintf(buf, cap, "http://127.0.0.1:%u%s", (unsigned)port, path);
}

/* One GET of path on port; the response goes to *r. */
static void get(struct spp_http_client *c, unsigned short port, const char *path,
                struct spp_http_response *r)
{
    char url[128];
    struct spp_err e;
    url_of(url, sizeof(url), port, path);
    struct spp_http_request q = {.method = "GET", .url = url};
    cr_assert_eq(spp_http_send(c, &q, r, &e), SPP_OK, "%s", e.msg);
}

/* ---- normal responses -------------------------------------------------------------- */

Test(http, returns_status_headers_and_body_of_a_normal_200)
{
    static const char *const resp[] = {
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        "X-Api-Version:   20231214  \r\n"
        "X-Api-Identifier: efc995d2-bfdb-3bc9-80a3-e828bb9c83c2\r\n"
        "X-Bad: a\x01z\r\n"
        "Content-Length: 8\r\n"
        "\r\n"
        "{\"id\":1}",
    };
    struct rawserver *s = start_script(resp, 1, false);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/api/tickets/E4A269FC", &r);
    cr_assert_eq(r.result, SPP_HTTP_OK, "%s: %s", spp_http_result_name(r.result), r.message);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.body_len, 8);
    cr_assert_str_eq(r.body, "{\"id\":1}");
    cr_assert_not(r.truncated);
    cr_assert_eq(r.retries, 0);
    cr_assert_geq(r.elapsed_ms, 0);
    cr_assert_str_eq(spp_http_header_get(&r, "x-api-version"), "20231214");
    cr_assert_str_eq(spp_http_header_get(&r, "CONTENT-TYPE"), "application/json; charset=utf-8");
    cr_assert_null(spp_http_header_get(&r, "X-Missing"));
    cr_assert_null(spp_http_header_get(&r, "X-Bad"), "a header with a control byte is stored");
    cr_assert_eq(r.bad_header_lines, 1);
    cr_assert_eq(r.header_count, 4);
    spp_http_response_free(&r);
    cr_assert_eq(r.body, NULL);
    spp_http_response_free(&r); /* freeing twice is harmless: free zeroes */
    spp_http_response_free(NULL);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, reuses_one_connection_for_consecutive_requests)
{
    static const char *const resp[] = {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"};
    struct rawserver *s = start_script(resp, 1, false);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r1, r2;
    get(c, rawserver_port(s), "/a", &r1);
    get(c, rawserver_port(s), "/b", &r2);
    cr_assert_eq(r1.status, 200);
    cr_assert_eq(r2.status, 200);
    cr_assert_eq(rawserver_requests(s), 2);
    cr_assert_eq(rawserver_connections(s), 1, "keep-alive connection was not reused");
    spp_http_response_free(&r1);
    spp_http_response_free(&r2);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, sends_method_body_headers_and_user_agent_without_expect_or_form_type)
{
    struct rawserver *s = start(RAWSERVER_ECHO_REQUEST);
    struct spp_http_client *c = client(1000, MIB);
    char url[128];
    url_of(url, sizeof(url), rawserver_port(s), "/api/tickets/E4A269FC");
    static const char *const hdrs[] = {"Authorization: Bearer 123", "X-Api-Version: 2024-03-05"};
    static const char body[] = "{\"subject\":\"x\"}";
    struct spp_http_request q = {.method = "PUT",
                                 .url = url,
                                 .headers = hdrs,
                                 .header_count = 2,
                                 .body = body,
                                 .body_len = sizeof(body) - 1};
    struct spp_http_response r;
    cr_assert_eq(spp_http_send(c, &q, &r, NULL), SPP_OK);
    cr_assert_eq(r.result, SPP_HTTP_OK, "%s", r.message);
    cr_assert(strncmp(r.body, "PUT /api/tickets/E4A269FC HTTP/1.1\r\n", 36) == 0, "%s", r.body);
    cr_assert_not_null(strstr(r.body, "\r\nAuthorization: Bearer 123\r\n"));
    cr_assert_not_null(strstr(r.body, "\r\nX-Api-Version: 2024-03-05\r\n"));
    cr_assert_not_null(strstr(r.body, "\r\nUser-Agent: spp-harness/"));
    cr_assert_not_null(strstr(r.body, "\r\nContent-Length: 15\r\n"));
    cr_assert_null(strstr(r.body, "Expect:"));
    cr_assert_null(strstr(r.body, "x-www-form-urlencoded"));
    cr_assert_not_null(strstr(r.body, "\r\n\r\n{\"subject\":\"x\"}"));
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, reports_a_redirect_as_it_is_without_following_it)
{
    static const char *const resp[] = {
        "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"};
    struct rawserver *s = start_script(resp, 1, false);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_OK);
    cr_assert_eq(r.status, 302);
    cr_assert_str_eq(spp_http_header_get(&r, "Location"), "/elsewhere");
    cr_assert_eq(rawserver_requests(s), 1);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

/* ---- transport failures --------------------------------------------------------------- */

Test(http, reports_connect_quickly_when_the_port_is_closed)
{
    unsigned short port = rawserver_closed_port();
    cr_assert_neq(port, 0);
    struct spp_http_client *c = client(5000, MIB);
    struct spp_http_response r;
    get(c, port, "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_CONNECT, "%s: %s", spp_http_result_name(r.result), r.message);
    cr_assert_eq(r.status, 0);
    cr_assert_lt(r.elapsed_ms, 5000, "a refusal waited for the connect timeout");
    cr_assert_neq(r.message[0], '\0');
    spp_http_response_free(&r);
    spp_http_free(c);
}

Test(http, times_out_when_the_server_never_answers)
{
    struct rawserver *s = start(RAWSERVER_SILENT);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    int64_t t0 = mono_ms();
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_TIMEOUT, "%s: %s", spp_http_result_name(r.result), r.message);
    cr_assert_geq(mono_ms() - t0, 900);
    cr_assert_eq(r.status, 0);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, cuts_off_a_server_that_drips_one_byte_every_200_ms)
{
    struct rawserver *s = start(RAWSERVER_DRIP);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_TIMEOUT, "%s: %s", spp_http_result_name(r.result), r.message);
    cr_assert_eq(r.status, 200);
    cr_assert_lt(r.body_len, 20, "%zu bytes in 1 s at 5 bytes/s", r.body_len);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, reports_reset_when_the_connection_is_reset_mid_body)
{
    struct rawserver *s = start(RAWSERVER_RESET_MID_BODY);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_RESET, "%s: %s", spp_http_result_name(r.result), r.message);
    cr_assert_lt(r.body_len, 1000);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, reports_reset_when_the_server_closes_without_answering)
{
    static const char *const resp[] = {""};
    struct rawserver *s = start_script(resp, 1, true);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_RESET, "%s: %s", spp_http_result_name(r.result), r.message);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, reports_malformed_for_a_bad_status_line)
{
    static const char *const resp[] = {"HTTP/1.1 abc Nonsense\r\nContent-Length: 0\r\n\r\n"};
    struct rawserver *s = start_script(resp, 1, true);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_MALFORMED, "%s: %s", spp_http_result_name(r.result), r.message);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, reports_malformed_for_a_reply_that_is_not_http)
{
    static const char *const resp[] = {"SSH-2.0-OpenSSH_9.2\r\n\r\n"};
    struct rawserver *s = start_script(resp, 1, true);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_MALFORMED, "%s: %s", spp_http_result_name(r.result), r.message);
    cr_assert_eq(r.status, 0);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

/* ---- limits ------------------------------------------------------------------------------- */

Test(http, refuses_a_50_mib_body_over_max_body)
{
    struct rawserver_config cfg = {.mode = RAWSERVER_BIG_BODY, .big_body_bytes = 50 * MIB};
    struct rawserver *s = rawserver_start(&cfg);
    cr_assert_not_null(s);
    struct spp_http_client *c = client(5000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_TOO_LARGE, "%s: %s", spp_http_result_name(r.result), r.message);
    cr_assert(r.truncated);
    cr_assert_leq(r.body_len, MIB);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

static long max_rss_kib(void)
{
    struct rusage ru;
    cr_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

Test(http, cuts_an_endless_chunked_body_at_max_body_with_bounded_memory)
{
    struct rawserver *s = start(RAWSERVER_ENDLESS_CHUNKED);
    struct spp_http_client *c = client(5000, MIB);
    struct spp_http_response r;
    long rss0 = max_rss_kib();
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_TOO_LARGE, "%s: %s", spp_http_result_name(r.result), r.message);
    cr_assert(r.truncated);
    cr_assert_eq(r.body_len, MIB, "the body is kept up to the cap exactly");
    cr_assert_eq(r.body[MIB], '\0');
    cr_assert_eq(r.body[MIB - 1], 'a');
    /* Unbounded, 5 s of loopback would buffer gigabytes; 48 MiB leaves room for ASan. */
    cr_assert_lt(max_rss_kib() - rss0, 48 * 1024L, "peak RSS grew by %ld KiB",
                 max_rss_kib() - rss0);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, keeps_a_body_exactly_at_max_body)
{
    static const char *const resp[] = {"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd"};
    struct rawserver *s = start_script(resp, 1, false);
    struct spp_http_client *c = client(1000, 4);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_OK, "%s", r.message);
    cr_assert_not(r.truncated);
    cr_assert_str_eq(r.body, "abcd");
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, reports_header_flood_past_max_headers)
{
    struct rawserver *s = start(RAWSERVER_HEADER_FLOOD);
    struct spp_http_client *c = client(2000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_HEADER_FLOOD, "%s: %s", spp_http_result_name(r.result),
                 r.message);
    cr_assert_leq(r.header_count, SPP_HTTP_DEFAULT_MAX_HEADERS);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, reports_header_flood_past_max_header_bytes)
{
    /* 8 lines of ~10 KB each: under the line count, over 64 KiB. */
    static char big[8 * 10100 + 128];
    size_t n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 8; i++) {
        n += (size_t)snprintf(big + n, sizeof(big) - n, "X-Big-%d: ", i);
        memset(big + n, 'v', 10000);
        n += 10000;
        n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
    }
    snprintf(big + n, sizeof(big) - n, "Content-Length: 0\r\n\r\n");
    const char *const resp[] = {big};
    struct rawserver *s = start_script(resp, 1, false);
    struct spp_http_client *c = client(2000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_HEADER_FLOOD, "%s: %s", spp_http_result_name(r.result),
                 r.message);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

/* ---- retries ---------------------------------------------------------------------------- */

Test(http, retries_a_429_after_its_retry_after_and_returns_the_final_200)
{
    static const char *const resp[] = {
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    };
    struct rawserver *s = start_script(resp, 2, false);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    int64_t t0 = mono_ms();
    get(c, rawserver_port(s), "/", &r);
    cr_assert_geq(mono_ms() - t0, 1000, "the advised second was not waited for");
    cr_assert_eq(r.result, SPP_HTTP_OK, "%s", r.message);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.retries, 1);
    cr_assert_str_eq(r.body, "ok");
    cr_assert_eq(rawserver_requests(s), 2);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, returns_a_503_without_retry_after_as_it_is)
{
    static const char *const resp[] = {
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    };
    struct rawserver *s = start_script(resp, 2, false);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.status, 503);
    cr_assert_eq(r.retries, 0);
    cr_assert_str_eq(r.body, "down");
    cr_assert_eq(rawserver_requests(s), 1);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, does_not_wait_for_a_retry_after_beyond_max_retry_wait)
{
    static const char *const resp[] = {
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    };
    struct rawserver *s = start_script(resp, 2, false);
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.status, 429);
    cr_assert_eq(r.retries, 0);
    cr_assert_str_eq(spp_http_header_get(&r, "Retry-After"), "3600");
    cr_assert_eq(rawserver_requests(s), 1);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, stops_retrying_after_max_retries)
{
    static const char *const resp[] = {
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n"};
    struct rawserver *s = start_script(resp, 1, false);
    struct spp_http_options o;
    struct spp_http_client *c = NULL;
    spp_http_options_init(&o);
    o.timeout_ms = 1000;
    o.max_retries = 2;
    cr_assert_eq(spp_http_new(&o, &c, NULL), SPP_OK);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.status, 503);
    cr_assert_eq(r.retries, 2);
    cr_assert_eq(rawserver_requests(s), 3);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}

/* ---- batches ------------------------------------------------------------------------------- */

#define BATCH 20

struct batch {
    char urls[BATCH][128];
    char paths[BATCH][32];
    struct spp_http_request reqs[BATCH];
    struct spp_http_response resps[BATCH];
};

static void batch_init(struct batch *b, unsigned short port)
{
    memset(b, 0, sizeof(*b));
    for (size_t i = 0; i < BATCH; i++) {
        snprintf(b->paths[i], sizeof(b->paths[i]), "/item/%zu", i);
        url_of(b->urls[i], sizeof(b->urls[i]), port, b->paths[i]);
        b->reqs[i].method = "GET";
        b->reqs[i].url = b->urls[i];
    }
}

static void batch_free(struct batch *b)
{
    for (size_t i = 0; i < BATCH; i++)
        spp_http_response_free(&b->resps[i]);
}

static struct spp_http_client *client_opts(unsigned concurrency, double rate, long timeout_ms)
{
    struct spp_http_options o;
    struct spp_http_client *c = NULL;
    spp_http_options_init(&o);
    o.concurrency = concurrency;
    o.rate = rate;
    o.timeout_ms = timeout_ms;
    cr_assert_eq(spp_http_new(&o, &c, NULL), SPP_OK);
    return c;
}

Test(http, send_many_answers_every_request_in_its_own_slot)
{
    static struct batch b;
    struct rawserver *s = start(RAWSERVER_ECHO_PATH);
    struct spp_http_client *c = client_opts(4, 0, 2000);
    batch_init(&b, rawserver_port(s));
    struct spp_err e;
    cr_assert_eq(spp_http_send_many(c, b.reqs, BATCH, b.resps, NULL, &e), SPP_OK, "%s", e.msg);
    for (size_t i = 0; i < BATCH; i++) {
        cr_assert_eq(b.resps[i].result, SPP_HTTP_OK, "slot %zu: %s", i, b.resps[i].message);
        cr_assert_str_eq(b.resps[i].body, b.paths[i], "slot %zu", i);
    }
    cr_assert_eq(rawserver_requests(s), BATCH);
    cr_assert_leq(rawserver_connections(s), 4, "more connections than the concurrency");
    batch_free(&b);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, send_many_stops_promptly_with_eintr_when_cancelled)
{
    static struct batch b;
    volatile sig_atomic_t cancel = 0;
    /* The server raises the flag as soon as it has read a request: no timer involved. */
    struct rawserver_config cfg = {.mode = RAWSERVER_SILENT, .request_flag = &cancel};
    struct rawserver *s = rawserver_start(&cfg);
    cr_assert_not_null(s);
    struct spp_http_client *c = client_opts(2, 0, 10000);
    batch_init(&b, rawserver_port(s));
    struct spp_err e;
    int64_t t0 = mono_ms();
    cr_assert_eq(spp_http_send_many(c, b.reqs, BATCH, b.resps, &cancel, &e), SPP_EINTR);
    /* Without cancellation this batch would take 10 rounds of the 10 s timeout. */
    cr_assert_lt(mono_ms() - t0, 5000);
    cr_assert_eq(e.code, SPP_EINTR);
    for (size_t i = 0; i < BATCH; i++) {
        cr_assert_eq(b.resps[i].result, SPP_HTTP_NOT_SENT, "slot %zu", i);
        cr_assert_null(b.resps[i].body);
    }
    cr_assert_leq(rawserver_requests(s), 2);
    batch_free(&b);
    spp_http_free(c);
    rawserver_stop(s);
}

Test(http, send_many_honours_the_rate)
{
    static struct batch b;
    struct rawserver *s = start(RAWSERVER_ECHO_PATH);
    struct spp_http_client *c = client_opts(4, 20.0, 2000);
    batch_init(&b, rawserver_port(s));
    int64_t t0 = mono_ms();
    cr_assert_eq(spp_http_send_many(c, b.reqs, 10, b.resps, NULL, NULL), SPP_OK);
    /* 10 starts at 20/s: the 10th may not start before 9 intervals of 50 ms. */
    cr_assert_geq(mono_ms() - t0, 450);
    for (size_t i = 0; i < 10; i++)
        cr_assert_str_eq(b.resps[i].body, b.paths[i]);
    batch_free(&b);
    spp_http_free(c);
    rawserver_stop(s);
}

/* ---- argument checks ----------------------------------------------------------------------- */

Test(http, rejects_bad_requests_before_sending_anything)
{
    struct spp_http_client *c = client(1000, MIB);
    struct spp_http_response r;
    struct spp_err e;
    static const char *const crlf[] = {"X-Evil: a\r\nInjected: b"};
    struct spp_http_request bad[] = {
        {.method = "GET", .url = "ftp://127.0.0.1/"},
        {.method = "GET", .url = "file:///etc/passwd"},
        {.method = "GET", .url = NULL},
        {.method = "", .url = "http://127.0.0.1/"},
        {.method = "G T", .url = "http://127.0.0.1/"},
        {.method = "GET", .url = "http://127.0.0.1/a b"},
        {.method = "GET", .url = "http://127.0.0.1/", .headers = crlf, .header_count = 1},
        {.method = "PUT", .url = "http://127.0.0.1/", .body = NULL, .body_len = 3},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&r, 0xa5, sizeof(r));
        cr_expect_eq(spp_http_send(c, &bad[i], &r, &e), SPP_EINVAL, "request %zu accepted", i);
        cr_expect_eq(r.result, SPP_HTTP_NOT_SENT);
        cr_expect_null(r.body);
    }
    spp_http_free(c);
}

Test(http, rejects_out_of_range_options)
{
    struct spp_http_options o;
    struct spp_http_client *c = (struct spp_http_client *)&o; /* must stay untouched */
    spp_http_options_init(&o);
    o.concurrency = 0;
    cr_assert_eq(spp_http_new(&o, &c, NULL), SPP_EINVAL);
    spp_http_options_init(&o);
    o.max_body = 0;
    cr_assert_eq(spp_http_new(&o, &c, NULL), SPP_EINVAL);
    spp_http_options_init(&o);
    o.rate = -1;
    cr_assert_eq(spp_http_new(&o, &c, NULL), SPP_EINVAL);
    spp_http_options_init(&o);
    o.timeout_ms = 0;
    cr_assert_eq(spp_http_new(&o, &c, NULL), SPP_EINVAL);
    cr_assert_eq((void *)c, (void *)&o);
    cr_assert_eq(spp_http_new(NULL, &c, NULL), SPP_OK, "defaults are valid");
    spp_http_free(c);
    spp_http_free(NULL);
}

Test(http, names_every_result)
{
    for (int i = 0; i < SPP_HTTP_RESULT_COUNT; i++)
        cr_assert_eq(strncmp(spp_http_result_name((enum spp_http_result)i), "SPP_HTTP_", 9), 0);
    cr_assert_str_eq(spp_http_result_name(SPP_HTTP_TIMEOUT), "SPP_HTTP_TIMEOUT");
    cr_assert_str_eq(spp_http_result_name((enum spp_http_result)99), "SPP_HTTP_UNKNOWN");
}

Test(http, reports_header_flood_for_one_line_over_curls_own_cap)
{
    /* One 200 KB line: curl refuses it itself (its cap is 100 KB) before the callback
     * sees it, even when max_header_bytes would allow it. */
    static char big[200 * 1024 + 128];
    size_t n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\nX-Huge: ");
    memset(big + n, 'v', 200 * 1024);
    n += 200 * 1024;
    snprintf(big + n, sizeof(big) - n, "\r\nContent-Length: 0\r\n\r\n");
    const char *const resp[] = {big};
    struct rawserver *s = start_script(resp, 1, false);
    struct spp_http_options o;
    struct spp_http_client *c = NULL;
    spp_http_options_init(&o);
    o.timeout_ms = 2000;
    o.max_header_bytes = 4 * MIB;
    cr_assert_eq(spp_http_new(&o, &c, NULL), SPP_OK);
    struct spp_http_response r;
    get(c, rawserver_port(s), "/", &r);
    cr_assert_eq(r.result, SPP_HTTP_HEADER_FLOOD, "%s: %s", spp_http_result_name(r.result),
                 r.message);
    spp_http_response_free(&r);
    spp_http_free(c);
    rawserver_stop(s);
}
