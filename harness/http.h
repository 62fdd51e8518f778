/*
 * http — the HTTP client of libspp: libcurl behind one door.
 *
 * Only http.c includes <curl/curl.h>. A client (struct spp_http_client) owns
 * one curl multi handle (and with it a connection cache, so consecutive
 * requests to the same origin reuse a kept-alive connection) and a pool of
 * `concurrency` easy handles. spp_http_send runs one request;
 * spp_http_send_many runs a batch with up to `concurrency` transfers at once.
 * Both block the calling thread; a client is used by one thread at a time.
 *
 * Politeness and bounds, on every transfer: a total timeout, a connect
 * timeout, a low-speed cut-off (fewer than SPP_HTTP_LOW_SPEED_BYTES bytes per
 * second for half the total timeout, at least 1 s, aborts as a TIMEOUT), a body
 * cap (Content-Length over it fails up front; a body without length is cut
 * off as it streams in), header count and byte caps, http/https only, no
 * redirects followed (a 3xx is reported as it is), no HTTP/0.9, no content
 * decoding (no Accept-Encoding is sent, so no decompression bomb), no
 * "Expect: 100-continue", TLS verified unless `insecure`, a request rate, and
 * retries of 429/503 only when the server says when (Retry-After).
 *
 * Transport failures are results, not errors: a timeout or a reset is what a
 * contract check wants to report, so spp_http_send returns SPP_OK with
 * resp->result telling what happened. Errors (enum spp_code) are for invalid
 * arguments, out of memory, a curl that cannot be set up, and cancellation.
 *
 * Secrets: request headers (Authorization included) live in a curl list for
 * the duration of one transfer and are wiped before it is freed; nothing the
 * module returns or keeps contains them. No verbose output or debug callback
 * is ever installed, and the library never prints.
 *
 * curl_global_init is not called here (it is not thread-safe and belongs to
 * the program): main and the tests call spp_http_global_init once.
 */
#ifndef SPP_HTTP_H
#define SPP_HTTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Defaults, each with its reason. */
#define SPP_HTTP_DEFAULT_TIMEOUT_MS         10000L /* an API call slower than 10 s is a finding */
#define SPP_HTTP_DEFAULT_CONNECT_TIMEOUT_MS 5000L  /* a TCP+TLS handshake that slow is one too */
#define SPP_HTTP_DEFAULT_MAX_BODY           ((size_t)8 << 20) /* a ticket with messages is kilobytes */
#define SPP_HTTP_DEFAULT_MAX_HEADER_BYTES   ((size_t)64 << 10) /* curl's own cap is 100 KB */
#define SPP_HTTP_DEFAULT_MAX_HEADERS        ((size_t)100)
#define SPP_HTTP_DEFAULT_MAX_RETRIES        3u
#define SPP_HTTP_DEFAULT_MAX_RETRY_WAIT_MS  30000L
/* Hard ceilings that options cannot exceed (they size allocations). */
#define SPP_HTTP_MAX_CONCURRENCY 64u
#define SPP_HTTP_LOW_SPEED_BYTES 10L
/* Size of the fixed message buffer of a response. */
#define SPP_HTTP_MESSAGE_MAX 256

struct spp_http_options {
    long timeout_ms;         /* total per attempt, > 0 */
    long connect_timeout_ms; /* > 0 */
    size_t max_body;         /* bytes kept of a body, > 0; more is truncated + TOO_LARGE */
    size_t max_header_bytes; /* all header lines of one attempt together, > 0 */
    size_t max_headers;      /* header lines of one attempt, > 0 */
    bool insecure;           /* true: skip TLS peer and host verification */
    double rate;             /* transfer starts per second (retries included); 0: unlimited */
    unsigned concurrency;    /* transfers at once in send_many, 1..SPP_HTTP_MAX_CONCURRENCY */
    unsigned max_retries;    /* retries of a 429/503 that carries Retry-After */
    long max_retry_wait_ms;  /* a Retry-After longer than this is not waited for */
    const char *user_agent;  /* copied by spp_http_new; NULL: "spp-harness/<version>" */
};

/* Fills *o with the defaults above (rate 0, concurrency 1, TLS verified). */
void spp_http_options_init(struct spp_http_options *o);

struct spp_http_request {
    const char *method;         /* "GET", "PUT", ...: a token; "HEAD" asks for no body */
    const char *url;            /* http:// or https:// only */
    const char *const *headers; /* "Name: value" lines, no CR/LF; may be NULL if count 0 */
    size_t header_count;
    const char *body; /* NULL: no body; otherwise body_len bytes (may be 0) are sent */
    size_t body_len;
};

/* What happened to a request on the wire. NOT_SENT is 0, so a zeroed response is "not sent". */
#define SPP_HTTP_RESULT_LIST(X)                                                                    \
    X(SPP_HTTP_NOT_SENT, "not sent")                                                               \
    X(SPP_HTTP_OK, "a complete response was received")                                             \
    X(SPP_HTTP_CONNECT, "connection refused or host unreachable")                                  \
    X(SPP_HTTP_DNS, "host name not resolved")                                                      \
    X(SPP_HTTP_TLS, "TLS handshake or certificate failure")                                        \
    X(SPP_HTTP_TIMEOUT, "timed out (total, connect or low-speed limit)")                           \
    X(SPP_HTTP_RESET, "connection reset or closed before the response was complete")               \
    X(SPP_HTTP_MALFORMED, "malformed or unsupported HTTP response")                                \
    X(SPP_HTTP_TOO_LARGE, "body larger than max_body")                                             \
    X(SPP_HTTP_HEADER_FLOOD, "response headers over max_headers or max_header_bytes")              \
    X(SPP_HTTP_OTHER, "other transfer failure")

enum spp_http_result {
#define SPP_X_HTTP_ENUM(name, msg) name,
    SPP_HTTP_RESULT_LIST(SPP_X_HTTP_ENUM)
#undef SPP_X_HTTP_ENUM
        SPP_HTTP_RESULT_COUNT
};

/* Constant name ("SPP_HTTP_TIMEOUT") and description of a result; never NULL. */
const char *spp_http_result_name(enum spp_http_result r);
const char *spp_http_result_message(enum spp_http_result r);

struct spp_http_header {
    char *name;  /* owned, NUL-terminated, as the server spelled it */
    char *value; /* owned, NUL-terminated, OWS-trimmed; never holds control bytes */
};

/*
 * A response, owned by the caller and released with spp_http_response_free.
 * headers are those of the final response (interim 1xx ones are dropped);
 * lines that are not valid field lines (obs-fold, control bytes, no colon) are
 * not stored but counted in bad_header_lines, so a check can report them.
 */
struct spp_http_response {
    enum spp_http_result result;
    int status; /* the final status code, 0 when none arrived */
    struct spp_http_header *headers;
    size_t header_count;
    char *body;      /* owned; NUL-terminated for convenience; NULL only when NOT_SENT */
    size_t body_len; /* exact, <= max_body; the body may itself contain NUL bytes */
    bool truncated;  /* the body went over max_body: cut there, transfer aborted */
    size_t bad_header_lines;
    int64_t elapsed_ms; /* duration of the final attempt */
    unsigned retries;   /* attempts made after the first one (429/503 + Retry-After) */
    char message[SPP_HTTP_MESSAGE_MAX]; /* curl's or our explanation; "" when OK */
};

/* Frees what r owns and zeroes it (so it reads NOT_SENT); r may be NULL. */
void spp_http_response_free(struct spp_http_response *r);

/*
 * The value of the first header named name (ASCII case-insensitive), or NULL.
 * The pointer is borrowed from r and lives until spp_http_response_free.
 */
const char *spp_http_header_get(const struct spp_http_response *r, const char *name);

struct spp_http_client;

/* curl_global_init / curl_global_cleanup, once per program, before any thread exists. */
enum spp_code spp_http_global_init(struct spp_err *err);
void spp_http_global_cleanup(void);

/*
 * Creates a client with a copy of *opts (NULL: defaults). SPP_EINVAL when an
 * option is out of range, SPP_ENOMEM, SPP_ENET when curl cannot be set up.
 * *out is written only on success; free with spp_http_free.
 */
enum spp_code spp_http_new(const struct spp_http_options *opts, struct spp_http_client **out,
                           struct spp_err *err);

/* Closes the client's connections and frees it; c may be NULL. */
void spp_http_free(struct spp_http_client *c);

/*
 * Sends one request and waits for the outcome (keep-alive connections are
 * reused across calls on the same client). Returns SPP_OK when *resp
 * describes the outcome (check resp->result: a timeout is SPP_OK with
 * SPP_HTTP_TIMEOUT). SPP_EINVAL for a bad request (empty method, scheme other
 * than http/https, CR or LF in a header line), SPP_ENOMEM.
 * Unlike most out-parameters, *resp is initialised on every return (zeroed,
 * NOT_SENT, on error) so the caller may always pass it to
 * spp_http_response_free.
 */
enum spp_code spp_http_send(struct spp_http_client *c, const struct spp_http_request *req,
                            struct spp_http_response *resp, struct spp_err *err);

/*
 * Sends reqs[0..n) with up to opts.concurrency transfers at once, starting them
 * in order no faster than opts.rate, retrying 429/503 as described above; the
 * outcome of reqs[i] lands in resps[i]. cancel may be NULL; otherwise it is
 * checked at least every 100 ms and, once non-zero, every unfinished transfer
 * is aborted and the function returns SPP_EINTR with the unfinished responses
 * NOT_SENT (finished ones keep their outcome). Every request is validated
 * before anything is sent (SPP_EINVAL names the index in err->offset).
 * resps[0..n) are initialised on every return and must all be freed.
 */
enum spp_code spp_http_send_many(struct spp_http_client *c, const struct spp_http_request *reqs,
                                 size_t n, struct spp_http_response *resps,
                                 volatile sig_atomic_t *cancel, struct spp_err *err);

#endif
