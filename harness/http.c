/*
 * http — libcurl multi driver: send, time, cap, retry, redact (see http.h).
 *
 * Design. A client holds one CURLM (its connection cache gives keep-alive
 * reuse across calls) and a fixed pool of `concurrency` transfer records
 * (struct xfer), each with its own easy handle, error buffer and the response
 * being built. spp_http_send is spp_http_send_many with one request.
 *
 * send_many runs a small event loop over "slots" (one per request):
 *   PENDING -> RUNNING -> DONE, or RUNNING -> WAITING -> RUNNING for a retry.
 * Each turn it (1) honours the cancel flag, (2) starts due slots on free
 * transfer records, in order, no faster than the rate allows (a token every
 * 1/rate seconds, kept in the client so the rate holds across calls; retries
 * due now go first), (3) lets curl work, (4) collects finished transfers and
 * classifies them, and (5) waits in curl_multi_poll for socket activity or
 * until the next rate token, retry or the 100 ms cancel-check tick.
 *
 * Bounds are enforced twice where curl alone cannot: CURLOPT_MAXFILESIZE_LARGE
 * rejects a declared Content-Length over max_body before any byte arrives,
 * and the write callback cuts a chunked or close-delimited body at max_body
 * (returning a short count aborts the transfer). The header callback counts
 * every header byte and line of the attempt (interim 1xx responses included,
 * so a flood of them is caught too) and aborts past the caps.
 */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "headers.h"

/* The library target does not get the project version from CMake yet; keep in step. */
#ifndef SPP_VERSION
#define SPP_VERSION "0.1.0"
#endif
#define DEFAULT_USER_AGENT "spp-harness/" SPP_VERSION

/* Longest accepted method token; real methods are short, fuzzed ones need not be long. */
#define METHOD_MAX 32
/* The cancel flag is looked at least this often (the contract in http.h). */
#define CANCEL_TICK_MS 100
/* Upper bound for max_body: the body lives in one allocation of max_body + 1 bytes. */
#define MAX_BODY_CEILING ((size_t)1 << 30)
/* First body allocation; doubled as the body grows, up to max_body + 1. */
#define BODY_INITIAL_CAP ((size_t)4096)

static const char *const result_names[] = {
#define SPP_X_HTTP_NAME(name, msg) #name,
    SPP_HTTP_RESULT_LIST(SPP_X_HTTP_NAME)
#undef SPP_X_HTTP_NAME
};

static const char *const result_msgs[] = {
#define SPP_X_HTTP_MSG(name, msg) msg,
    SPP_HTTP_RESULT_LIST(SPP_X_HTTP_MSG)
#undef SPP_X_HTTP_MSG
};

const char *spp_http_result_name(enum spp_http_result r)
{
    return (unsigned)r < SPP_HTTP_RESULT_COUNT ? result_names[r] : "SPP_HTTP_UNKNOWN";
}

const char *spp_http_result_message(enum spp_http_result r)
{
    return (unsigned)r < SPP_HTTP_RESULT_COUNT ? result_msgs[r] : "unknown result";
}

struct xfer {
    struct spp_http_client *c;
    CURL *easy;
    bool busy;
    size_t slot;             /* index of the request this record runs */
    struct curl_slist *hdrs; /* request headers of this attempt; wiped when freed */
    char errbuf[CURL_ERROR_SIZE];
    struct spp_http_response r; /* being built */
    size_t body_cap;
    size_t headers_cap;
    size_t header_bytes;
    size_t header_lines;
    bool over_body;
    bool over_headers;
    bool headers_done; /* the blank line after the last status line has been seen */
    bool oom;
};

struct spp_http_client {
    struct spp_http_options o;
    char *user_agent;
    CURLM *multi;
    struct xfer *x;        /* o.concurrency records */
    int64_t next_start_us; /* monotonic time of the next rate token */
};

enum slot_state { SLOT_PENDING, SLOT_RUNNING, SLOT_WAITING, SLOT_DONE };

struct slot {
    enum slot_state st;
    unsigned retries;
    int64_t retry_at_us;
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- global ----------------------------------------------------------------- */

enum spp_code spp_http_global_init(struct spp_err *err)
{
    CURLcode cc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (cc != CURLE_OK)
        return spp_err_set(err, SPP_ENET, "curl_global_init: %s", curl_easy_strerror(cc));
    return SPP_OK;
}

void spp_http_global_cleanup(void)
{
    curl_global_cleanup();
}

/* ---- options, responses -------------------------------------------------------- */

void spp_http_options_init(struct spp_http_options *o)
{
    memset(o, 0, sizeof(*o));
    o->timeout_ms = SPP_HTTP_DEFAULT_TIMEOUT_MS;
    o->connect_timeout_ms = SPP_HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
    o->max_body = SPP_HTTP_DEFAULT_MAX_BODY;
    o->max_header_bytes = SPP_HTTP_DEFAULT_MAX_HEADER_BYTES;
    o->max_headers = SPP_HTTP_DEFAULT_MAX_HEADERS;
    o->insecure = false;
    o->rate = 0;
    o->concurrency = 1;
    o->max_retries = SPP_HTTP_DEFAULT_MAX_RETRIES;
    o->max_retry_wait_ms = SPP_HTTP_DEFAULT_MAX_RETRY_WAIT_MS;
    o->user_agent = NULL;
}

void spp_http_response_free(struct spp_http_response *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->header_count; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

const char *spp_http_header_get(const struct spp_http_response *r, const char *name)
{
    if (!r || !name)
        return NULL;
    size_t nl = strlen(name);
    for (size_t i = 0; i < r->header_count; i++)
        if (spp_headers_ieq(r->headers[i].name, strlen(r->headers[i].name), name, nl))
            return r->headers[i].value;
    return NULL;
}

/* Drops the stored headers (a new status line starts a new response). */
static void drop_headers(struct xfer *x)
{
    for (size_t i = 0; i < x->r.header_count; i++) {
        free(x->r.headers[i].name);
        free(x->r.headers[i].value);
    }
    x->r.header_count = 0;
    x->r.bad_header_lines = 0;
}

/* ---- curl callbacks -------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    struct spp_http_response *r = &x->r;
    size_t n = size * nmemb; /* curl documents size as always 1 */
    size_t max = x->c->o.max_body;
    size_t room = max - r->body_len;
    size_t take = n < room ? n : room;
    if (take > 0) {
        size_t need = r->body_len + take + 1;
        if (need > x->body_cap) {
            size_t cap = x->body_cap ? x->body_cap : BODY_INITIAL_CAP;
            while (cap < need)
                cap *= 2; /* cannot overflow: need <= MAX_BODY_CEILING + 1 */
            if (cap > max + 1)
                cap = max + 1;
            char *nb = realloc(r->body, cap);
            if (!nb) {
                x->oom = true;
                return 0;
            }
            r->body = nb;
            x->body_cap = cap;
        }
        memcpy(r->body + r->body_len, p, take);
        r->body_len += take;
        r->body[r->body_len] = '\0';
    }
    if (take < n) {
        x->over_body = true;
        r->truncated = true;
        return 0; /* a short count makes curl abort with CURLE_WRITE_ERROR */
    }
    return n;
}

static char *dup_span(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static size_t on_header(char *p, size_t size, size_t nitems, void *ud)
{
    struct xfer *x = ud;
    const struct spp_http_options *o = &x->c->o;
    size_t n = size * nitems;
    x->header_bytes += n;
    if (x->header_bytes > o->max_header_bytes) {
        x->over_headers = true;
        return 0;
    }
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        int st;
        drop_headers(x);
        x->headers_done = false;
        if (spp_headers_parse_status(p, n, &st, NULL) == SPP_OK)
            x->r.status = st;
        return n;
    }
    if ((n == 2 && p[0] == '\r' && p[1] == '\n') || (n == 1 && p[0] == '\n')) {
        x->headers_done = true; /* end of a header block (or of the trailers) */
        return n;
    }
    if (++x->header_lines > o->max_headers) {
        x->over_headers = true;
        return 0;
    }
    struct spp_header_field f;
    if (spp_headers_split_line(p, n, o->max_header_bytes, &f, NULL) != SPP_OK) {
        x->r.bad_header_lines++;
        return n;
    }
    if (x->r.header_count == x->headers_cap) {
        /* header_lines <= max_headers bounds this array. */
        size_t cap = x->headers_cap ? x->headers_cap * 2 : 16;
        if (cap > o->max_headers)
            cap = o->max_headers;
        struct spp_http_header *nh = realloc(x->r.headers, cap * sizeof(*nh));
        if (!nh) {
            x->oom = true;
            return 0;
        }
        x->r.headers = nh;
        x->headers_cap = cap;
    }
    char *name = dup_span(f.name, f.name_len);
    char *value = dup_span(f.value, f.value_len);
    if (!name || !value) {
        free(name);
        free(value);
        x->oom = true;
        return 0;
    }
    x->r.headers[x->r.header_count].name = name;
    x->r.headers[x->r.header_count].value = value;
    x->r.header_count++;
    return n;
}

/* ---- client ------------------------------------------------------------------------ */

static enum spp_code check_options(const struct spp_http_options *o, struct spp_err *err)
{
    if (o->timeout_ms <= 0 || o->connect_timeout_ms <= 0)
        return spp_err_set(err, SPP_EINVAL, "timeouts must be positive");
    if (o->max_body == 0 || o->max_body > MAX_BODY_CEILING)
        return spp_err_set(err, SPP_EINVAL, "max_body must be within 1..%zu", MAX_BODY_CEILING);
    if (o->max_header_bytes == 0 || o->max_headers == 0 || o->max_headers > SIZE_MAX / 64)
        return spp_err_set(err, SPP_EINVAL, "header limits must be positive");
    if (!(o->rate >= 0 && o->rate <= 1e6)) /* also rejects NaN */
        return spp_err_set(err, SPP_EINVAL, "rate must be within 0..1e6 per second");
    if (o->concurrency == 0 || o->concurrency > SPP_HTTP_MAX_CONCURRENCY)
        return spp_err_set(err, SPP_EINVAL, "concurrency must be within 1..%u",
                           SPP_HTTP_MAX_CONCURRENCY);
    if (o->max_retry_wait_ms < 0)
        return spp_err_set(err, SPP_EINVAL, "max_retry_wait_ms must not be negative");
    if (o->user_agent && strpbrk(o->user_agent, "\r\n"))
        return spp_err_set(err, SPP_EINVAL, "user_agent holds CR or LF");
    return SPP_OK;
}

enum spp_code spp_http_new(const struct spp_http_options *opts, struct spp_http_client **out,
                           struct spp_err *err)
{
    struct spp_http_options d;
    struct spp_http_client *c = NULL;
    enum spp_code rc;
    if (!out)
        return spp_err_set(err, SPP_EINVAL, "spp_http_new: out is NULL");
    if (!opts) {
        spp_http_options_init(&d);
        opts = &d;
    }
    if ((rc = check_options(opts, err)) != SPP_OK)
        return rc;
    c = calloc(1, sizeof(*c));
    if (!c)
        return spp_err_set(err, SPP_ENOMEM, "out of memory creating the HTTP client");
    c->o = *opts;
    c->user_agent = strdup(opts->user_agent ? opts->user_agent : DEFAULT_USER_AGENT);
    c->o.user_agent = c->user_agent;
    c->x = calloc(opts->concurrency, sizeof(*c->x));
    if (!c->user_agent || !c->x) {
        rc = spp_err_set(err, SPP_ENOMEM, "out of memory creating the HTTP client");
        goto out;
    }
    c->multi = curl_multi_init();
    if (!c->multi) {
        rc = spp_err_set(err, SPP_ENET, "curl_multi_init failed (was curl initialised?)");
        goto out;
    }
    /* Idle connections kept for reuse: one per concurrent transfer is enough. */
    if (curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)opts->concurrency) != CURLM_OK) {
        rc = spp_err_set(err, SPP_ENET, "curl_multi_setopt failed");
        goto out;
    }
    for (unsigned i = 0; i < opts->concurrency; i++) {
        c->x[i].c = c;
        c->x[i].easy = curl_easy_init();
        if (!c->x[i].easy) {
            rc = spp_err_set(err, SPP_ENET, "curl_easy_init failed");
            goto out;
        }
    }
    *out = c;
    c = NULL;
    rc = SPP_OK;
out:
    spp_http_free(c);
    return rc;
}

void spp_http_free(struct spp_http_client *c)
{
    if (!c)
        return;
    if (c->x) {
        for (unsigned i = 0; i < c->o.concurrency; i++)
            if (c->x[i].easy)
                curl_easy_cleanup(c->x[i].easy);
        free(c->x);
    }
    if (c->multi)
        curl_multi_cleanup(c->multi);
    free(c->user_agent);
    free(c);
}

/* ---- one attempt ------------------------------------------------------------------------ */

/* Overwrites every request header line (the Authorization value among them) before freeing. */
static void wipe_slist(struct curl_slist *l)
{
    for (struct curl_slist *p = l; p; p = p->next) {
        volatile char *s = p->data;
        while (*s)
            *s++ = '\0';
    }
    curl_slist_free_all(l);
}

static bool header_named(const char *line, const char *name)
{
    const char *colon = strchr(line, ':');
    return colon && spp_headers_ieq(line, (size_t)(colon - line), name, strlen(name));
}

static bool starts_with_ci(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strlen(s) >= n && spp_headers_ieq(s, n, prefix, n);
}

static enum spp_code validate_request(const struct spp_http_request *q, size_t idx,
                                      struct spp_err *err)
{
    enum spp_code rc = SPP_OK;
    size_t ml = q->method ? strlen(q->method) : 0;
    if (ml == 0 || ml > METHOD_MAX) {
        rc = spp_err_set(err, SPP_EINVAL, "request %zu: method must be 1..%d bytes", idx,
                         METHOD_MAX);
        goto out;
    }
    for (size_t i = 0; i < ml; i++) {
        unsigned char ch = (unsigned char)q->method[i];
        if (ch <= 0x20 || ch >= 0x7f) {
            rc = spp_err_set(err, SPP_EINVAL, "request %zu: method is not a token", idx);
            goto out;
        }
    }
    if (!q->url || !(starts_with_ci(q->url, "http://") || starts_with_ci(q->url, "https://"))) {
        rc = spp_err_set(err, SPP_EINVAL, "request %zu: URL must be http:// or https://", idx);
        goto out;
    }
    for (const char *u = q->url; *u; u++) {
        if ((unsigned char)*u <= 0x20 || *u == 0x7f) {
            rc = spp_err_set(err, SPP_EINVAL, "request %zu: control byte or space in URL", idx);
            goto out;
        }
    }
    if (q->header_count > 0 && !q->headers) {
        rc = spp_err_set(err, SPP_EINVAL, "request %zu: headers is NULL", idx);
        goto out;
    }
    for (size_t i = 0; i < q->header_count; i++) {
        if (!q->headers[i] || q->headers[i][0] == '\0' || strpbrk(q->headers[i], "\r\n")) {
            rc = spp_err_set(err, SPP_EINVAL, "request %zu: header %zu is empty or holds CR/LF",
                             idx, i);
            goto out;
        }
    }
    if (!q->body && q->body_len > 0)
        rc = spp_err_set(err, SPP_EINVAL, "request %zu: body is NULL but body_len is not 0", idx);
out:
    if (rc != SPP_OK && err)
        err->offset = idx;
    return rc;
}

/* The request header list of one attempt; NULL on out of memory. An empty list is
 * impossible: "Expect:" or the caller's Expect is always there. */
static struct curl_slist *build_headers(const struct spp_http_request *q)
{
    struct curl_slist *l = NULL, *t;
    bool has_ct = false, has_expect = false;
    for (size_t i = 0; i < q->header_count; i++) {
        has_ct = has_ct || header_named(q->headers[i], "Content-Type");
        has_expect = has_expect || header_named(q->headers[i], "Expect");
        if (!(t = curl_slist_append(l, q->headers[i])))
            goto fail;
        l = t;
    }
    /* An empty "Name:" removes a header curl would add by itself. */
    if (!has_expect) {
        if (!(t = curl_slist_append(l, "Expect:")))
            goto fail;
        l = t;
    }
    if (q->body && !has_ct) {
        /* Otherwise curl labels the body application/x-www-form-urlencoded. */
        if (!(t = curl_slist_append(l, "Content-Type:")))
            goto fail;
        l = t;
    }
    return l;
fail:
    wipe_slist(l);
    return NULL;
}

#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (cc == CURLE_OK)                                                                        \
            cc = curl_easy_setopt(e, opt, val);                                                    \
    } while (0)

static CURLcode setup_easy(struct xfer *x, const struct spp_http_request *q)
{
    const struct spp_http_options *o = &x->c->o;
    CURL *e = x->easy;
    CURLcode cc = CURLE_OK;
    long low_speed_s = o->timeout_ms / 2000;
    if (low_speed_s < 1)
        low_speed_s = 1;
    curl_easy_reset(e);
    SET(CURLOPT_URL, q->url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_HTTP09_ALLOWED, 0L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_VERBOSE, 0L);
    SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    SET(CURLOPT_LOW_SPEED_LIMIT, SPP_HTTP_LOW_SPEED_BYTES);
    SET(CURLOPT_LOW_SPEED_TIME, low_speed_s);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
    SET(CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
    SET(CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
    SET(CURLOPT_USERAGENT, x->c->user_agent);
    SET(CURLOPT_HTTPHEADER, x->hdrs);
    SET(CURLOPT_ERRORBUFFER, x->errbuf);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, (void *)x);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, (void *)x);
    SET(CURLOPT_CUSTOMREQUEST, q->method);
    if (q->body) {
        /* POSTFIELDS does not copy: the caller's body outlives the call. */
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
        SET(CURLOPT_POSTFIELDS, q->body);
    } else if (strcmp(q->method, "HEAD") == 0) {
        SET(CURLOPT_NOBODY, 1L);
    } else {
        SET(CURLOPT_HTTPGET, 1L);
    }
    return cc;
}

#undef SET

static enum spp_code start_xfer(struct xfer *x, size_t slot, const struct spp_http_request *q,
                                struct spp_err *err)
{
    memset(&x->r, 0, sizeof(x->r));
    x->body_cap = x->headers_cap = x->header_bytes = x->header_lines = 0;
    x->over_body = x->over_headers = x->headers_done = x->oom = false;
    x->errbuf[0] = '\0';
    x->hdrs = build_headers(q);
    if (!x->hdrs)
        return spp_err_set(err, SPP_ENOMEM, "out of memory building request %zu", slot);
    CURLcode cc = setup_easy(x, q);
    if (cc != CURLE_OK) {
        wipe_slist(x->hdrs);
        x->hdrs = NULL;
        return spp_err_set(err, SPP_ENET, "request %zu: curl refused an option: %s", slot,
                           curl_easy_strerror(cc));
    }
    CURLMcode mc = curl_multi_add_handle(x->c->multi, x->easy);
    if (mc != CURLM_OK) {
        wipe_slist(x->hdrs);
        x->hdrs = NULL;
        return spp_err_set(err, SPP_ENET, "request %zu: %s", slot, curl_multi_strerror(mc));
    }
    x->busy = true;
    x->slot = slot;
    return SPP_OK;
}

/* Takes a record out of the multi handle and frees its per-attempt resources. */
static void release_xfer(struct xfer *x)
{
    curl_multi_remove_handle(x->c->multi, x->easy);
    wipe_slist(x->hdrs);
    x->hdrs = NULL;
    x->busy = false;
}

/* True when curl gave up on a header line over its own cap (CURL_MAX_HTTP_HEADER, 100 KB):
 * curl 7.88 says CURLE_OUT_OF_MEMORY, curl >= 8.6 CURLE_TOO_LARGE; either way the
 * header block was still open. */
static bool curl_header_cap(const struct xfer *x, CURLcode res)
{
    if (x->headers_done)
        return false;
#if LIBCURL_VERSION_NUM >= 0x080600
    if (res == CURLE_TOO_LARGE)
        return true;
#endif
    return res == CURLE_OUT_OF_MEMORY;
}

static enum spp_http_result classify(const struct xfer *x, CURLcode res)
{
    if (x->oom)
        return SPP_HTTP_OTHER;
    if (x->over_headers || curl_header_cap(x, res))
        return SPP_HTTP_HEADER_FLOOD;
    if (x->over_body)
        return SPP_HTTP_TOO_LARGE;
    switch (res) {
    case CURLE_OK:
        return SPP_HTTP_OK;
    case CURLE_COULDNT_CONNECT:
        return SPP_HTTP_CONNECT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return SPP_HTTP_DNS;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        return SPP_HTTP_TLS;
    case CURLE_OPERATION_TIMEDOUT:
        return SPP_HTTP_TIMEOUT;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
        return SPP_HTTP_RESET;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_BAD_CONTENT_ENCODING:
        return SPP_HTTP_MALFORMED;
    case CURLE_FILESIZE_EXCEEDED:
        return SPP_HTTP_TOO_LARGE;
    default:
        return SPP_HTTP_OTHER;
    }
}

/* Completes x->r from a finished transfer; false only when out of memory. */
static bool finish_xfer(struct xfer *x, CURLcode res)
{
    struct spp_http_response *r = &x->r;
    const struct spp_http_options *o = &x->c->o;
    long code = 0;
    curl_off_t t = 0;
    r->result = classify(x, res);
    if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code > 0 &&
        code < 1000)
        r->status = (int)code;
    if (curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK)
        r->elapsed_ms = (int64_t)(t / 1000);
    if (r->result == SPP_HTTP_TOO_LARGE)
        r->truncated = true;
    if (x->oom)
        snprintf(r->message, sizeof(r->message), "out of memory receiving the response");
    else if (x->over_headers)
        snprintf(r->message, sizeof(r->message),
                 "response headers over the limit (%zu lines, %zu bytes)", o->max_headers,
                 o->max_header_bytes);
    else if (r->result == SPP_HTTP_HEADER_FLOOD)
        snprintf(r->message, sizeof(r->message), "a response header line over curl's cap (%d)",
                 CURL_MAX_HTTP_HEADER);
    else if (r->result == SPP_HTTP_TOO_LARGE)
        snprintf(r->message, sizeof(r->message), "body over max_body (%zu bytes)", o->max_body);
    else if (res != CURLE_OK)
        snprintf(r->message, sizeof(r->message), "%s",
                 x->errbuf[0] ? x->errbuf : curl_easy_strerror(res));
    release_xfer(x);
    if (!r->body) {
        r->body = calloc(1, 1);
        if (!r->body) {
            r->result = SPP_HTTP_OTHER;
            return false;
        }
    }
    return !x->oom;
}

/* The wait before retrying r, in µs, or -1 when r is not to be retried. */
static int64_t retry_wait_us(const struct spp_http_client *c, const struct spp_http_response *r,
                             unsigned retries)
{
    if (r->result != SPP_HTTP_OK || (r->status != 429 && r->status != 503) ||
        retries >= c->o.max_retries)
        return -1;
    const char *v = spp_http_header_get(r, "Retry-After");
    uint32_t s;
    if (!v || spp_headers_parse_retry_after(v, strlen(v), time(NULL), &s, NULL) != SPP_OK)
        return -1;
    /* Polite: never earlier than advised; a wait over the bound is not made at all. */
    if ((int64_t)s * 1000 > (int64_t)c->o.max_retry_wait_ms)
        return -1;
    return (int64_t)s * 1000000;
}

/* ---- the loop ------------------------------------------------------------------------------ */

static struct xfer *free_xfer(struct spp_http_client *c)
{
    for (unsigned i = 0; i < c->o.concurrency; i++)
        if (!c->x[i].busy)
            return &c->x[i];
    return NULL;
}

static struct xfer *xfer_of(struct spp_http_client *c, CURL *e)
{
    for (unsigned i = 0; i < c->o.concurrency; i++)
        if (c->x[i].busy && c->x[i].easy == e)
            return &c->x[i];
    return NULL;
}

/* The slot to start next at time now, or n when none is due: due retries first, then
 * pending slots in order. *wake_us gets the earliest future retry time (or is kept). */
static size_t next_due(const struct slot *s, size_t n, size_t next_pending, int64_t now,
                       size_t waiting, int64_t *wake_us)
{
    if (waiting > 0) {
        for (size_t i = 0; i < n; i++) {
            if (s[i].st != SLOT_WAITING)
                continue;
            if (s[i].retry_at_us <= now)
                return i;
            if (s[i].retry_at_us < *wake_us)
                *wake_us = s[i].retry_at_us;
        }
    }
    return next_pending < n ? next_pending : n;
}

enum spp_code spp_http_send_many(struct spp_http_client *c, const struct spp_http_request *reqs,
                                 size_t n, struct spp_http_response *resps,
                                 volatile sig_atomic_t *cancel, struct spp_err *err)
{
    enum spp_code rc = SPP_OK;
    struct slot *slots = NULL;
    size_t done = 0, next_pending = 0, waiting = 0;
    bool oom = false;
    int64_t interval_us = 0;

    if (!resps && n > 0)
        return spp_err_set(err, SPP_EINVAL, "resps is NULL");
    for (size_t i = 0; i < n; i++)
        memset(&resps[i], 0, sizeof(resps[i]));
    if (!c || (!reqs && n > 0))
        return spp_err_set(err, SPP_EINVAL, "client or requests are NULL");
    for (size_t i = 0; i < n; i++)
        if ((rc = validate_request(&reqs[i], i, err)) != SPP_OK)
            return rc;
    if (n == 0)
        return SPP_OK;
    slots = calloc(n, sizeof(*slots));
    if (!slots)
        return spp_err_set(err, SPP_ENOMEM, "out of memory for %zu requests", n);
    if (c->o.rate > 0)
        interval_us = (int64_t)(1e6 / c->o.rate);

    for (;;) {
        if (cancel && *cancel) {
            rc =
                spp_err_set(err, SPP_EINTR, "cancelled with %zu of %zu requests finished", done, n);
            goto out;
        }
        int64_t now = now_us(), wake = INT64_MAX; /* the wake-up is computed after curl ran */
        struct xfer *x;
        while ((x = free_xfer(c)) != NULL) {
            size_t i = next_due(slots, n, next_pending, now, waiting, &wake);
            if (i == n || (interval_us > 0 && now < c->next_start_us))
                break;
            if ((rc = start_xfer(x, i, &reqs[i], err)) != SPP_OK)
                goto out;
            if (slots[i].st == SLOT_WAITING)
                waiting--;
            else
                next_pending++;
            slots[i].st = SLOT_RUNNING;
            if (interval_us > 0)
                c->next_start_us = (c->next_start_us > now ? c->next_start_us : now) + interval_us;
        }

        int running = 0;
        CURLMcode mc = curl_multi_perform(c->multi, &running);
        if (mc != CURLM_OK) {
            rc = spp_err_set(err, SPP_ENET, "curl_multi_perform: %s", curl_multi_strerror(mc));
            goto out;
        }
        CURLMsg *m;
        int queued;
        while ((m = curl_multi_info_read(c->multi, &queued)) != NULL) {
            if (m->msg != CURLMSG_DONE || !(x = xfer_of(c, m->easy_handle)))
                continue;
            CURLcode res = m->data.result; /* m is invalid once the handle is removed */
            struct slot *s = &slots[x->slot];
            if (!finish_xfer(x, res))
                oom = true;
            int64_t wait = retry_wait_us(c, &x->r, s->retries);
            if (wait >= 0) {
                spp_http_response_free(&x->r);
                s->st = SLOT_WAITING;
                s->retries++;
                s->retry_at_us = now_us() + wait;
                waiting++;
                continue;
            }
            resps[x->slot] = x->r;
            resps[x->slot].retries = s->retries;
            memset(&x->r, 0, sizeof(x->r));
            s->st = SLOT_DONE;
            done++;
        }
        if (done == n)
            break;

        /* Recompute the wake-up against the state after this turn. */
        now = now_us();
        wake = now + (int64_t)CANCEL_TICK_MS * 1000;
        if (free_xfer(c)) {
            size_t i = next_due(slots, n, next_pending, now, waiting, &wake);
            if (i < n) {
                if (interval_us > 0 && now < c->next_start_us)
                    wake = c->next_start_us < wake ? c->next_start_us : wake;
                else
                    continue; /* something can start right now */
            }
        }
        int64_t ms = (wake - now + 999) / 1000;
        if (ms < 0)
            ms = 0;
        if (ms > CANCEL_TICK_MS)
            ms = CANCEL_TICK_MS;
        mc = curl_multi_poll(c->multi, NULL, 0, (int)ms, NULL);
        if (mc != CURLM_OK) {
            rc = spp_err_set(err, SPP_ENET, "curl_multi_poll: %s", curl_multi_strerror(mc));
            goto out;
        }
    }
out:
    for (unsigned k = 0; k < c->o.concurrency; k++) {
        if (c->x[k].busy) {
            release_xfer(&c->x[k]);
            spp_http_response_free(&c->x[k].r);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (slots[i].st != SLOT_DONE) {
            spp_http_response_free(&resps[i]);
            snprintf(resps[i].message, sizeof(resps[i].message), "not sent: %s",
                     rc == SPP_EINTR ? "cancelled" : spp_strerror(rc));
        }
    }
    free(slots);
    if (rc == SPP_OK && oom)
        rc = spp_err_set(err, SPP_ENOMEM, "out of memory receiving a response");
    return rc;
}

enum spp_code spp_http_send(struct spp_http_client *c, const struct spp_http_request *req,
                            struct spp_http_response *resp, struct spp_err *err)
{
    if (!resp)
        return spp_err_set(err, SPP_EINVAL, "resp is NULL");
    if (!req) {
        memset(resp, 0, sizeof(*resp));
        return spp_err_set(err, SPP_EINVAL, "req is NULL");
    }
    return spp_http_send_many(c, req, 1, resp, NULL, err);
}
