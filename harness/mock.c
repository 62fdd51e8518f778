/*
 * mock — the embedded Tickets API server (see mock.h for the contract).
 *
 * How a request goes: libmicrohttpd calls handle() first with the headers
 * only. Routing, method, auth, ticket id, X-Api-Version and a too-large
 * Content-Length are decided there (route()); the body is then read to its
 * end in every case (kept up to SPP_MOCK_MAX_BODY, discarded beyond it or
 * when the answer is already decided) so the answer is never lost to a TCP
 * reset. On the last call a decided answer is sent; otherwise the body is
 * parsed with spp_json_parse, validated field by field against
 * SaveTicketRequest plus the server rules, applied to the ticket tree under
 * m->lock, and answered from a deep copy taken under that lock.
 * Faults act at fixed points of that path, each only for its API version when
 * it names one.
 *
 * Threads: MHD's pool calls handle() concurrently. Everything mutable (the
 * ticket, the last update time, the UUID generator, the replay cursor) is
 * behind m->lock; the rest of struct spp_mock is written once before the
 * daemon starts. A delay fault waits on a condition variable that
 * spp_mock_stop signals, so stopping never waits out a long delay.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "mock_int.h"

#define NORDERS    3
#define NEMPLOYEES 4
/* Nesting of a request body: SaveTicketRequest is two levels deep; 64 leaves room to say why. */
#define REQ_MAX_DEPTH 64
/* Idle connections are closed after this many seconds. */
#define CONN_TIMEOUT_S 30u

struct spp_mock {
    struct MHD_Daemon *d;
    unsigned port;
    char url[64];
    char *token;
    size_t token_len;
    char *ticket_id;
    struct spp_mock_fault faults[SPP_MOCK_MAX_FAULTS];
    size_t nfaults;
    struct spp_json *orders[NORDERS];       /* immutable after start */
    struct spp_json *employees[NEMPLOYEES]; /* immutable after start */
    struct spp_mock_recording *recs;        /* immutable after start */
    size_t nrecs;

    pthread_mutex_t lock; /* guards the four members below */
    struct spp_json *state;
    time_t last_update;
    uint64_t rng;
    size_t replay_next;

    pthread_mutex_t stop_lock;
    pthread_cond_t stop_cond;
    bool stopping;
    bool sync_ready;
};

/* Per request, owned by MHD's con_cls slot and freed in completed(). */
struct req {
    char *body;
    size_t len;
    size_t cap;
    size_t seen; /* upload bytes received, kept or not */
    bool too_big;
    const char *version; /* the version served (request form) */
    /* An answer decided from the headers alone, sent once the body has been read. */
    unsigned verdict;
    const char *verdict_msg;
    const char *verdict_field;
    const char *verdict_allow;
};

/*
 * A body is read to its end even when the answer is already known (401, 404,
 * 405, 413...): closing a socket with unread data makes the kernel send a
 * reset that can destroy the answer in flight. Past this many bytes the
 * client is abusive and the answer goes out at once.
 */
#define DISCARD_MAX ((size_t)64 * 1024 * 1024)

enum field { F_STATUS, F_EMPLOYEES, F_TAGS, F_ORDER, F_METADATA, F_SUBJECT, F_COUNT };
static const char *const field_names[F_COUNT] = {"status", "employees", "tags",
                                                 "order",  "metadata",  "subject"};

static const struct spp_mock_fault *fault_on(const struct spp_mock *m, const struct req *r,
                                             enum spp_mock_fault_kind kind)
{
    for (size_t i = 0; i < m->nfaults; i++) {
        const struct spp_mock_fault *f = &m->faults[i];
        if (f->kind == kind && (!f->version[0] || (r && strcmp(f->version, r->version) == 0)))
            return f;
    }
    return NULL;
}

static bool field_fault(const struct spp_mock *m, const struct req *r,
                        enum spp_mock_fault_kind kind, enum field fld)
{
    for (size_t i = 0; i < m->nfaults; i++) {
        const struct spp_mock_fault *f = &m->faults[i];
        if (f->kind == kind && (!f->version[0] || strcmp(f->version, r->version) == 0) &&
            strcmp(f->arg, field_names[fld]) == 0)
            return true;
    }
    return false;
}

/* ---- random -------------------------------------------------------------------------------- */

static enum spp_code urandom(void *buf, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return SPP_EIO;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return SPP_EIO;
        }
        got += (size_t)n;
    }
    close(fd);
    return SPP_OK;
}

enum spp_code spp_mock_random_token(char *buf, size_t cap, struct spp_err *err)
{
    unsigned char raw[32];
    if (!buf || cap < 2 * sizeof(raw) + 1)
        return spp_err_set(err, SPP_EINVAL, "spp_mock_random_token: buffer too small");
    if (urandom(raw, sizeof(raw)) != SPP_OK)
        return spp_err_set(err, SPP_EIO, "cannot read /dev/urandom");
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(buf + 2 * i, 3, "%02x", raw[i]);
    return SPP_OK;
}

enum spp_code spp_mock_start_embedded(const char *ticket_id, uint64_t seed, char *token, size_t cap,
                                      struct spp_mock **out, struct spp_json_doc **status_map,
                                      struct spp_err *err)
{
    enum spp_code rc = spp_mock_random_token(token, cap, err);
    if (rc != SPP_OK)
        return rc;
    struct spp_mock_opts mo = {.token = token, .ticket_id = ticket_id, .seed = seed};
    rc = spp_mock_start(&mo, out, err);
    if (rc != SPP_OK) {
        char msg[sizeof(err->msg)];
        snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
        return spp_err_set(err, rc, "cannot start the embedded mock: %s", msg);
    }
    if (status_map) {
        char *text = spp_mock_status_map_json();
        if (text)
            (void)spp_json_parse(text, strlen(text), NULL, status_map, NULL);
        free(text);
    }
    return SPP_OK;
}

static uint64_t next_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A random RFC 4122 version 4 UUID, lower-case, into buf (37 bytes). */
static void make_uuid(struct spp_mock *m, char buf[37])
{
    unsigned char b[16];
    pthread_mutex_lock(&m->lock);
    uint64_t a = next_rng(&m->rng), c = next_rng(&m->rng);
    pthread_mutex_unlock(&m->lock);
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(a >> (8 * i));
        b[8 + i] = (unsigned char)(c >> (8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* ---- answering ----------------------------------------------------------------------------- */

static void wait_delay(struct spp_mock *m, const struct req *r)
{
    const struct spp_mock_fault *f = fault_on(m, r, SPP_MOCK_FAULT_DELAY);
    if (!f || f->num <= 0)
        return;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += f->num / 1000;
    until.tv_nsec += (f->num % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->stop_lock);
    while (!m->stopping) {
        if (pthread_cond_timedwait(&m->stop_cond, &m->stop_lock, &until) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&m->stop_lock);
}

/* The compact response form of a version: 2024-03-05 → 20240305. */
static void compact_version(const char *v, char out[SPP_MOCK_VERSION_MAX])
{
    size_t n = 0;
    for (; *v && n + 1 < SPP_MOCK_VERSION_MAX; v++)
        if (*v != '-')
            out[n++] = *v;
    out[n] = '\0';
}

enum answer_kind { PLAIN, TICKET };

struct close_ctx {
    char *body;
    size_t half;
};

static ssize_t close_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct close_ctx *cc = cls;
    if (pos >= cc->half)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = cc->half - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, cc->body + pos, n);
    return (ssize_t)n;
}

static void close_free(void *cls)
{
    struct close_ctx *cc = cls;
    if (cc)
        free(cc->body);
    free(cc);
}

/*
 * Queues an answer; takes body (malloc'd, may be NULL for an empty one).
 * TICKET answers get the header and transport faults.
 */
static enum MHD_Result send_answer(struct spp_mock *m, struct MHD_Connection *c,
                                   const struct req *r, unsigned status, char *body, size_t len,
                                   enum answer_kind kind, const char *allow)
{
    wait_delay(m, r);
    struct MHD_Response *resp = NULL;
    bool ticket = kind == TICKET;
    if (ticket && body && fault_on(m, r, SPP_MOCK_FAULT_BODY_TRUNCATED))
        len /= 2;
    if (ticket && body && fault_on(m, r, SPP_MOCK_FAULT_CLOSE_MID_BODY)) {
        struct close_ctx *cc = malloc(sizeof(*cc));
        if (!cc) {
            free(body);
            return MHD_NO;
        }
        cc->body = body;
        cc->half = len / 2;
        resp = MHD_create_response_from_callback(len, 4096, close_reader, cc, close_free);
        if (!resp)
            close_free(cc);
    } else {
        resp =
            MHD_create_response_from_buffer(len, body ? body : (char *)(uintptr_t) "",
                                            body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!resp)
            free(body);
    }
    if (!resp)
        return MHD_NO;
    const struct spp_mock_fault *ct = ticket ? fault_on(m, r, SPP_MOCK_FAULT_CONTENT_TYPE) : NULL;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ct ? ct->arg : "application/json");
    bool no_id = false, no_ver = false;
    for (size_t i = 0; ticket && i < m->nfaults; i++) {
        const struct spp_mock_fault *f = &m->faults[i];
        if (f->kind != SPP_MOCK_FAULT_NO_HEADER ||
            (f->version[0] && strcmp(f->version, r->version) != 0))
            continue;
        if (strcmp(f->arg, "X-Api-Identifier") == 0)
            no_id = true;
        else
            no_ver = true;
    }
    if (!no_id) {
        char uuid[37];
        make_uuid(m, uuid);
        MHD_add_response_header(resp, "X-Api-Identifier", uuid);
    }
    if (!no_ver) {
        char v[SPP_MOCK_VERSION_MAX];
        compact_version(r->version, v);
        MHD_add_response_header(resp, "X-Api-Version", v);
    }
    if (allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    enum MHD_Result ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/*
 * Laravel's error shape: {"message": message, "errors": {key[i]: [msg[i]], ...}}
 * ("errors" only when n > 0). Returns the printed body or NULL on allocation failure.
 */
static char *error_body(const char *message, const char *const *keys, const char *const *msgs,
                        size_t n, size_t *len)
{
    struct spp_json *o = spp_json_new_object();
    struct spp_json *errs = n ? spp_json_new_object() : NULL;
    bool ok =
        o && (!n || errs) && spp_json_set(o, "message", spp_json_new_string(message)) == SPP_OK;
    for (size_t i = 0; ok && i < n; i++) {
        struct spp_json *arr = spp_json_new_array();
        /* append and set take their value in every case; only arr is ours when append fails. */
        if (spp_json_append(arr, spp_json_new_string(msgs[i])) != SPP_OK) {
            spp_json_free(arr);
            ok = false;
        } else {
            ok = spp_json_set(errs, keys[i], arr) == SPP_OK;
        }
    }
    if (ok && errs) {
        ok = spp_json_set(o, "errors", errs) == SPP_OK;
        errs = NULL;
    }
    char *text = ok ? spp_json_print(o, false, len) : NULL;
    spp_json_free(errs);
    spp_json_free(o);
    return text;
}

static enum MHD_Result send_message(struct spp_mock *m, struct MHD_Connection *c,
                                    const struct req *r, unsigned status, const char *msg,
                                    const char *field, const char *allow)
{
    size_t len = 0;
    char *body = error_body(msg, &field, &msg, field ? 1 : 0, &len);
    if (!body)
        return MHD_NO;
    return send_answer(m, c, r, status, body, len, PLAIN, allow);
}

/* ---- validation ---------------------------------------------------------------------------- */

#define MAX_ERRORS F_COUNT

struct verr {
    char key[32];
    char msg[128];
};

struct update {
    bool present[F_COUNT]; /* the member is in the request (valid or not) */
    bool valid[F_COUNT];   /* ... and passed validation */
    size_t status_idx;
    size_t order_idx;
    size_t emp_idx[SPP_MOCK_MAX_ITEMS];
    size_t nemp;
    const struct spp_json *tags;
    const struct spp_json *metadata;
    const char *subject;
    struct verr errs[MAX_ERRORS];
    size_t nerrs;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
add_err(struct update *u, const char *key, const char *fmt, ...)
{
    if (u->nerrs >= MAX_ERRORS)
        return;
    struct verr *e = &u->errs[u->nerrs++];
    snprintf(e->key, sizeof(e->key), "%s", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
}

static size_t code_points(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* An array of strings of at most SPP_MOCK_MAX_STRING code points each. */
static bool check_strings(struct update *u, const char *name, const struct spp_json *v)
{
    char key[32];
    if (spp_json_kind(v) != SPP_JSON_ARRAY) {
        add_err(u, name, "The %s must be an array.", name);
        return false;
    }
    if (spp_json_count(v) > SPP_MOCK_MAX_ITEMS) {
        add_err(u, name, "The %s may not have more than 100 items.", name);
        return false;
    }
    size_t i = 0;
    for (const struct spp_json *e = spp_json_first(v); e; e = spp_json_next(e), i++) {
        snprintf(key, sizeof(key), "%s.%zu", name, i);
        size_t len = 0;
        const char *s = spp_json_string(e, &len);
        if (!s) {
            add_err(u, key, "The %s must be a string.", key);
            return false;
        }
        if (code_points(s, len) > SPP_MOCK_MAX_STRING) {
            add_err(u, key, "The %s may not be greater than 255 characters.", key);
            return false;
        }
    }
    return true;
}

static void validate(const struct spp_json *body, struct update *u)
{
    const struct spp_json *v;
    size_t n = 0;
    if ((v = spp_json_get(body, "status")) != NULL) {
        u->present[F_STATUS] = true;
        const struct spp_mock_status *st = spp_mock_statuses(&n);
        if (!spp_json_is_integer(v)) {
            add_err(u, "status", "The %s must be an integer.", "status");
        } else {
            for (size_t i = 0; i < n; i++)
                if (spp_json_number(v) == (double)st[i].id) {
                    u->status_idx = i;
                    u->valid[F_STATUS] = true;
                }
            if (!u->valid[F_STATUS])
                add_err(u, "status", "The selected %s is invalid.", "status");
        }
    }
    if ((v = spp_json_get(body, "employees")) != NULL) {
        u->present[F_EMPLOYEES] = true;
        const long *ids = spp_mock_employee_ids(&n);
        bool ok = true;
        if (spp_json_kind(v) != SPP_JSON_ARRAY) {
            add_err(u, "employees", "The %s must be an array.", "employees");
            ok = false;
        } else if (spp_json_count(v) > SPP_MOCK_MAX_ITEMS) {
            add_err(u, "employees", "The %s may not have more than 100 items.", "employees");
            ok = false;
        }
        size_t i = 0;
        for (const struct spp_json *e = ok ? spp_json_first(v) : NULL; e && ok;
             e = spp_json_next(e), i++) {
            char key[32];
            snprintf(key, sizeof(key), "employees.%zu", i);
            if (!spp_json_is_integer(e)) {
                add_err(u, key, "The %s must be an integer.", key);
                ok = false;
                break;
            }
            bool known = false;
            for (size_t j = 0; j < n; j++)
                if (spp_json_number(e) == (double)ids[j]) {
                    u->emp_idx[u->nemp++] = j;
                    known = true;
                    break;
                }
            if (!known) {
                add_err(u, key, "The selected %s is invalid.", key);
                ok = false;
            }
        }
        u->valid[F_EMPLOYEES] = ok;
    }
    if ((v = spp_json_get(body, "tags")) != NULL) {
        u->present[F_TAGS] = true;
        u->valid[F_TAGS] = check_strings(u, "tags", v);
        u->tags = v;
    }
    if ((v = spp_json_get(body, "metadata")) != NULL) {
        u->present[F_METADATA] = true;
        u->valid[F_METADATA] = check_strings(u, "metadata", v);
        u->metadata = v;
    }
    if ((v = spp_json_get(body, "order")) != NULL) {
        u->present[F_ORDER] = true;
        size_t len = 0;
        const char *s = spp_json_string(v, &len);
        const long *ids = spp_mock_order_ids(&n);
        if (!s) {
            add_err(u, "order", "The %s must be a string.", "order");
        } else {
            for (size_t i = 0; i < n; i++) {
                char dec[24];
                snprintf(dec, sizeof(dec), "%ld", ids[i]);
                if (strcmp(s, dec) == 0) {
                    u->order_idx = i;
                    u->valid[F_ORDER] = true;
                }
            }
            if (!u->valid[F_ORDER])
                add_err(u, "order", "The selected %s is invalid.", "order");
        }
    }
    if ((v = spp_json_get(body, "subject")) != NULL) {
        u->present[F_SUBJECT] = true;
        size_t len = 0;
        const char *s = spp_json_string(v, &len);
        if (!s)
            add_err(u, "subject", "The %s must be a string.", "subject");
        else if (code_points(s, len) > SPP_MOCK_MAX_STRING)
            add_err(u, "subject", "The %s may not be greater than 255 characters.", "subject");
        else {
            u->valid[F_SUBJECT] = true;
            u->subject = s;
        }
    }
}

/* error-500:FIELD — the boundary values a sloppy server trips over. */
static bool is_boundary(const struct spp_json *v)
{
    size_t len = 0;
    const char *s;
    switch (spp_json_kind(v)) {
    case SPP_JSON_STRING:
        s = spp_json_string(v, &len);
        return len == 0 || code_points(s, len) > SPP_MOCK_MAX_STRING;
    case SPP_JSON_NUMBER:
        return spp_json_number(v) <= 0 || spp_json_number(v) >= 2147483648.0;
    case SPP_JSON_ARRAY:
        if (spp_json_count(v) == 0)
            return true;
        for (const struct spp_json *e = spp_json_first(v); e; e = spp_json_next(e))
            if (is_boundary(e))
                return true;
        return false;
    default:
        return false;
    }
}

/* ---- applying ------------------------------------------------------------------------------ */

static bool set(struct spp_json *o, const char *k, struct spp_json *v)
{
    return spp_json_set(o, k, v) == SPP_OK;
}

static struct spp_json *metadata_object(const struct spp_json *arr)
{
    struct spp_json *o = spp_json_new_object();
    size_t i = 0;
    for (const struct spp_json *e = spp_json_first(arr); o && e; e = spp_json_next(e), i++) {
        char key[24];
        snprintf(key, sizeof(key), "%zu", i);
        const char *s = spp_json_string(e, NULL);
        if (!set(o, key, spp_json_new_string(s ? s : ""))) {
            spp_json_free(o);
            return NULL;
        }
    }
    return o;
}

/* Applies u to the ticket; the caller holds m->lock. False on allocation failure. */
static bool apply_update_locked(struct spp_mock *m, const struct req *r, const struct update *u)
{
    bool apply[F_COUNT], reset[F_COUNT];
    for (int f = 0; f < F_COUNT; f++) {
        apply[f] = u->valid[f] && !field_fault(m, r, SPP_MOCK_FAULT_NO_UPDATE, (enum field)f);
        reset[f] = !u->present[f] && field_fault(m, r, SPP_MOCK_FAULT_RESET_OMITTED, (enum field)f);
    }
    size_t n = 0;
    const struct spp_mock_status *st = spp_mock_statuses(&n);
    const long *order_ids = spp_mock_order_ids(&n);
    bool ok = true;
    struct spp_json *s = m->state;
    if (apply[F_SUBJECT] || reset[F_SUBJECT])
        ok = ok && set(s, "subject", spp_json_new_string(reset[F_SUBJECT] ? "" : u->subject));
    if (apply[F_STATUS] || reset[F_STATUS])
        ok = ok &&
             set(s, "status", spp_json_new_string(reset[F_STATUS] ? "" : st[u->status_idx].name));
    if (apply[F_TAGS] || reset[F_TAGS])
        ok = ok && set(s, "tags", reset[F_TAGS] ? spp_json_new_array() : spp_json_clone(u->tags));
    if (apply[F_METADATA] || reset[F_METADATA])
        ok = ok && set(s, "metadata",
                       reset[F_METADATA] ? spp_json_new_object() : metadata_object(u->metadata));
    if (apply[F_EMPLOYEES] || reset[F_EMPLOYEES]) {
        struct spp_json *arr = spp_json_new_array();
        for (size_t i = 0; arr && apply[F_EMPLOYEES] && i < u->nemp; i++)
            if (spp_json_append(arr, spp_json_clone(m->employees[u->emp_idx[i]])) != SPP_OK) {
                spp_json_free(arr);
                arr = NULL;
            }
        ok = ok && set(s, "employees", arr);
    }
    if (apply[F_ORDER]) {
        ok = ok && set(s, "order_id", spp_json_new_number((double)order_ids[u->order_idx]));
        ok = ok && set(s, "order", spp_json_clone(m->orders[u->order_idx]));
    } else if (reset[F_ORDER]) {
        ok = ok && set(s, "order_id", spp_json_new_number(0));
    }
    /* updated_at strictly increases, even for two updates within one second. */
    time_t now = time(NULL);
    if (now <= m->last_update)
        now = m->last_update + 1;
    m->last_update = now;
    char date[SPP_MOCK_DATE_MAX];
    spp_mock_format_time(now, date);
    return ok && set(s, "updated_at", spp_json_new_string(date));
}

/* Whether an answer to r goes through a body fault, which rewrites the tree. */
static bool body_faults(const struct spp_mock *m, const struct req *r)
{
    for (size_t i = 0; i < m->nfaults; i++) {
        const struct spp_mock_fault *f = &m->faults[i];
        if ((!f->version[0] || strcmp(f->version, r->version) == 0) &&
            spp_mock_fault_is_body(f->kind))
            return true;
    }
    return false;
}

/* The 200 body from a tree: the ticket, its nested copy (whose own `ticket` is null), then
 * the body faults. Takes snap. */
static char *ticket_body(struct spp_mock *m, const struct req *r, struct spp_json *snap,
                         size_t *len)
{
    char *out = NULL;
    struct spp_json *nested = spp_json_clone(snap);
    if (!nested || !set(nested, "ticket", spp_json_new_null())) {
        spp_json_free(nested);
        goto out;
    }
    if (!set(snap, "ticket", nested))
        goto out;
    for (size_t i = 0; i < m->nfaults; i++) {
        const struct spp_mock_fault *f = &m->faults[i];
        if (f->version[0] && strcmp(f->version, r->version) != 0)
            continue;
        if (spp_mock_fault_apply_body(f, &snap) != SPP_OK)
            goto out;
    }
    out = spp_json_print(snap, false, len);
out:
    spp_json_free(snap);
    return out;
}

/*
 * The same bytes from the printed ticket t ("{...}" without a "ticket" member, which
 * ticket_body's set appends last): t + "ticket": (t + "ticket": null). Printing once and
 * splicing spares the two deep copies and the second print of the common path. Takes t.
 */
static char *ticket_body_text(char *t, size_t n, size_t *len)
{
    char *out = NULL;
    if (!t || n < 2 || t[0] != '{' || t[n - 1] != '}')
        goto out;
    static const char key[] = "\"ticket\":", null_end[] = "null}}";
    size_t head = n - 1, sep = n > 2 ? 1 : 0;
    size_t total =
        head + sep + (sizeof(key) - 1) + head + sep + (sizeof(key) - 1) + (sizeof(null_end) - 1);
    out = malloc(total + 1);
    if (!out)
        goto out;
    char *p = out;
    for (int copy = 0; copy < 2; copy++) {
        memcpy(p, t, head);
        p += head;
        if (sep)
            *p++ = ',';
        memcpy(p, key, sizeof(key) - 1);
        p += sizeof(key) - 1;
    }
    memcpy(p, null_end, sizeof(null_end));
    *len = total;
out:
    free(t);
    return out;
}

/* Applies u and prints the 200 body; NULL on allocation failure. */
static char *update_and_answer(struct spp_mock *m, const struct req *r, const struct update *u,
                               size_t *len)
{
    bool tree = body_faults(m, r);
    struct spp_json *snap = NULL;
    char *text = NULL;
    size_t n = 0;
    pthread_mutex_lock(&m->lock);
    bool ok = apply_update_locked(m, r, u);
    if (ok && (tree || spp_json_get(m->state, "ticket")))
        snap = spp_json_clone(m->state);
    else if (ok)
        text = spp_json_print(m->state, false, &n);
    pthread_mutex_unlock(&m->lock);
    if (snap)
        return ticket_body(m, r, snap, len);
    return ticket_body_text(text, n, len);
}

/* ---- the request path ---------------------------------------------------------------------- */

/* Constant-time in the contents of both; the time depends only on the expected length. */
static bool token_ok(const struct spp_mock *m, const char *given)
{
    size_t glen = strlen(given);
    unsigned diff = (unsigned)(glen != m->token_len);
    for (size_t i = 0; i < m->token_len; i++)
        diff |= (unsigned)((unsigned char)m->token[i] ^ (i < glen ? (unsigned char)given[i] : 0u));
    return diff == 0;
}

static bool authorized(const struct spp_mock *m, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return false;
    h += 7;
    while (*h == ' ')
        h++;
    return token_ok(m, h);
}

static enum MHD_Result replay(struct spp_mock *m, struct MHD_Connection *c, const struct req *r)
{
    pthread_mutex_lock(&m->lock);
    const struct spp_mock_recording *rec = &m->recs[m->replay_next];
    m->replay_next = (m->replay_next + 1) % m->nrecs;
    pthread_mutex_unlock(&m->lock);
    wait_delay(m, r);
    /* Recordings are immutable for the life of the mock, so MHD may borrow the bytes. */
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        rec->len, (void *)(uintptr_t)rec->body, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    for (size_t i = 0; i < rec->nheaders; i++)
        MHD_add_response_header(resp, rec->headers[i].name, rec->headers[i].value);
    enum MHD_Result ret = MHD_queue_response(c, rec->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result finish(struct spp_mock *m, struct MHD_Connection *c, struct req *r)
{
    if (m->nrecs)
        return replay(m, c, r);
    bool lenient = fault_on(m, r, SPP_MOCK_FAULT_ACCEPT_INVALID) != NULL;
    struct spp_json_doc *doc = NULL;
    struct spp_json *empty = NULL;
    const struct spp_json *body = NULL;
    enum MHD_Result ret = MHD_NO;
    char msg[256];
    struct update *u = calloc(1, sizeof(*u));
    if (!u)
        return MHD_NO;
    if (r->len == 0) {
        /* An empty PUT changes nothing (Laravel reads it as no input). */
    } else {
        struct spp_err e;
        struct spp_json_limits lim = {.max_bytes = SPP_MOCK_MAX_BODY, .max_depth = REQ_MAX_DEPTH};
        enum spp_code rc = spp_json_parse(r->body, r->len, &lim, &doc, &e);
        if (rc != SPP_OK && !lenient) {
            snprintf(msg, sizeof(msg), "The request body is not valid JSON: %.200s.", e.msg);
            ret = send_message(m, c, r, MHD_HTTP_BAD_REQUEST, msg, "body", NULL);
            goto out;
        }
        size_t nissues = 0;
        const struct spp_json_issue *is = doc ? spp_json_doc_issues(doc, &nissues, NULL) : NULL;
        if (nissues && !lenient) {
            snprintf(msg, sizeof(msg), "The request body is not acceptable JSON: %s at '%.128s'.",
                     spp_json_issue_message(is[0].kind), is[0].pointer);
            ret = send_message(m, c, r, MHD_HTTP_BAD_REQUEST, msg, "body", NULL);
            goto out;
        }
        /* Lenient (accept-invalid) still applies nothing from a body that breaks the JSON
         * policy: invalid UTF-8 or a cut string echoed back would be a second defect. */
        body = nissues ? NULL : spp_json_doc_root(doc);
        if (doc && !nissues && spp_json_kind(body) != SPP_JSON_OBJECT && !lenient) {
            ret = send_message(m, c, r, MHD_HTTP_BAD_REQUEST,
                               "The request body must be a JSON object.", "body", NULL);
            goto out;
        }
    }
    if (spp_json_kind(body) != SPP_JSON_OBJECT) {
        empty = spp_json_new_object();
        if (!empty)
            goto out;
        body = empty;
    }
    for (int f = 0; f < F_COUNT; f++) {
        const struct spp_json *v = spp_json_get(body, field_names[f]);
        if (v && field_fault(m, r, SPP_MOCK_FAULT_ERROR_500, (enum field)f) && is_boundary(v)) {
            ret = send_message(m, c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server Error", NULL, NULL);
            goto out;
        }
    }
    validate(body, u);
    if (u->nerrs && !lenient) {
        /* Laravel's shape: the first message (plus a count), every field under "errors". */
        const char *keys[MAX_ERRORS], *msgs[MAX_ERRORS];
        for (size_t i = 0; i < u->nerrs; i++) {
            keys[i] = u->errs[i].key;
            msgs[i] = u->errs[i].msg;
        }
        if (u->nerrs > 1)
            snprintf(msg, sizeof(msg), "%s (and %zu more error%s)", u->errs[0].msg, u->nerrs - 1,
                     u->nerrs > 2 ? "s" : "");
        else
            snprintf(msg, sizeof(msg), "%s", u->errs[0].msg);
        size_t len = 0;
        char *text = error_body(msg, keys, msgs, u->nerrs, &len);
        if (text)
            ret = send_answer(m, c, r, MHD_HTTP_BAD_REQUEST, text, len, PLAIN, NULL);
        goto out;
    }
    const struct spp_mock_fault *sf = fault_on(m, r, SPP_MOCK_FAULT_STATUS);
    if (sf) {
        snprintf(msg, sizeof(msg), "Status %ld (planted fault).", sf->num);
        ret = send_message(m, c, r, (unsigned)sf->num, msg, NULL, NULL);
        goto out;
    }
    size_t len = 0;
    char *text = update_and_answer(m, r, u, &len);
    if (text)
        ret = send_answer(m, c, r, MHD_HTTP_OK, text, len, TICKET, NULL);
out:
    free(u);
    spp_json_free(empty);
    spp_json_doc_free(doc);
    return ret;
}

#define TICKETS_PREFIX "/api/tickets/"

static enum MHD_Result send_verdict(struct spp_mock *m, struct MHD_Connection *c,
                                    const struct req *r)
{
    return send_message(m, c, r, r->verdict, r->verdict_msg, r->verdict_field, r->verdict_allow);
}

static void decide(struct req *r, unsigned status, const char *msg, const char *field,
                   const char *allow)
{
    r->verdict = status;
    r->verdict_msg = msg;
    r->verdict_field = field;
    r->verdict_allow = allow;
}

#define TOO_LARGE_MSG "The request body is larger than 1 MiB."

/* Decides from the request line and headers alone; r->verdict stays 0 when the body matters. */
static void route(const struct spp_mock *m, struct MHD_Connection *c, const char *url,
                  const char *method, struct req *r)
{
    const char *vh = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Api-Version");
    const char *served = vh ? spp_mock_version_canonical(vh) : NULL;
    r->version = served ? served : spp_mock_versions(NULL)[0];

    size_t plen = strlen(TICKETS_PREFIX);
    const char *id = strncmp(url, TICKETS_PREFIX, plen) == 0 ? url + plen : NULL;
    if (!id || !*id || strchr(id, '/'))
        decide(r, MHD_HTTP_NOT_FOUND, "Not Found.", NULL, NULL);
    else if (strcmp(method, MHD_HTTP_METHOD_PUT) != 0)
        decide(r, MHD_HTTP_METHOD_NOT_ALLOWED,
               "The method is not supported for this route. Supported methods: PUT.", NULL, "PUT");
    else if (!fault_on(m, r, SPP_MOCK_FAULT_IGNORE_AUTH) && !authorized(m, c))
        decide(r, MHD_HTTP_UNAUTHORIZED, "Unauthenticated.", NULL, NULL);
    else if (strcmp(id, m->ticket_id) != 0 && !fault_on(m, r, SPP_MOCK_FAULT_FOUND_UNKNOWN))
        decide(r, MHD_HTTP_NOT_FOUND, "No query results for model [Ticket].", NULL, NULL);
    else if (vh && !served)
        decide(r, MHD_HTTP_BAD_REQUEST,
               "Unsupported X-Api-Version; supported versions: 2024-03-05, 2023-12-14.",
               "X-Api-Version", NULL);
    if (r->verdict)
        return;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(cl, &end, 10);
        if (errno == ERANGE || v > SPP_MOCK_MAX_BODY)
            r->too_big = true;
    }
}

/* Keeps upload bytes up to SPP_MOCK_MAX_BODY; false on allocation failure. */
static bool keep(struct req *r, const char *data, size_t n)
{
    if (r->verdict || r->too_big)
        return true;
    if (n > SPP_MOCK_MAX_BODY - r->len) {
        r->too_big = true;
        free(r->body);
        r->body = NULL;
        r->len = r->cap = 0;
        return true;
    }
    if (r->len + n > r->cap) {
        size_t ncap = r->cap ? r->cap : 4096;
        while (ncap < r->len + n)
            ncap *= 2;
        if (ncap > SPP_MOCK_MAX_BODY)
            ncap = SPP_MOCK_MAX_BODY;
        char *nb = realloc(r->body, ncap);
        if (!nb)
            return false;
        r->body = nb;
        r->cap = ncap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    return true;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    struct spp_mock *m = cls;
    struct req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof(*r));
        if (!r)
            return MHD_NO;
        *con_cls = r;
        route(m, c, url, method, r);
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        r->seen = n > DISCARD_MAX - r->seen ? DISCARD_MAX : r->seen + n;
        if (!keep(r, upload, n))
            return MHD_NO;
        if (r->seen >= DISCARD_MAX) {
            if (!r->verdict)
                decide(r, MHD_HTTP_CONTENT_TOO_LARGE, TOO_LARGE_MSG, "body", NULL);
            return send_verdict(m, c, r);
        }
        return MHD_YES;
    }
    if (!r->verdict && r->too_big)
        decide(r, MHD_HTTP_CONTENT_TOO_LARGE, TOO_LARGE_MSG, "body", NULL);
    if (r->verdict)
        return send_verdict(m, c, r);
    return finish(m, c, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct req *r = *con_cls;
    if (r)
        free(r->body);
    free(r);
    *con_cls = NULL;
}

/* ---- life cycle ---------------------------------------------------------------------------- */

unsigned spp_mock_port(const struct spp_mock *m)
{
    return m ? m->port : 0;
}

const char *spp_mock_url(const struct spp_mock *m)
{
    return m ? m->url : NULL;
}

void spp_mock_stop(struct spp_mock *m)
{
    if (!m)
        return;
    if (m->sync_ready) {
        pthread_mutex_lock(&m->stop_lock);
        m->stopping = true;
        pthread_cond_broadcast(&m->stop_cond);
        pthread_mutex_unlock(&m->stop_lock);
    }
    if (m->d)
        MHD_stop_daemon(m->d);
    if (m->sync_ready) {
        pthread_mutex_destroy(&m->lock);
        pthread_mutex_destroy(&m->stop_lock);
        pthread_cond_destroy(&m->stop_cond);
    }
    for (size_t i = 0; i < NORDERS; i++)
        spp_json_free(m->orders[i]);
    for (size_t i = 0; i < NEMPLOYEES; i++)
        spp_json_free(m->employees[i]);
    spp_json_free(m->state);
    spp_mock_replay_free(m->recs, m->nrecs);
    if (m->token) {
        /* Do not leave the secret in freed memory. */
        volatile char *p = m->token;
        for (size_t i = 0; i < m->token_len; i++)
            p[i] = 0;
    }
    free(m->token);
    free(m->ticket_id);
    free(m);
}

static enum spp_code listen_socket(const struct spp_mock_opts *o, int *out, struct spp_err *err)
{
    const char *host = o->host && *o->host ? o->host : "127.0.0.1";
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o->port);
    const char *lit = strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
    if (o->port > 65535 || inet_pton(AF_INET, lit, &sa.sin_addr) != 1)
        return spp_err_set(err, SPP_EINVAL,
                           "cannot listen on %.64s:%u: not an IPv4 address and port", host,
                           o->port);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return spp_err_set(err, SPP_EIO, "cannot create a socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        close(fd);
        return spp_err_set(err, SPP_EIO, "cannot listen on %.64s:%u: %s", host, o->port,
                           strerror(e));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
        close(fd);
        return spp_err_set(err, SPP_EIO, "cannot make the listening socket non-blocking");
    }
    *out = fd;
    return SPP_OK;
}

enum spp_code spp_mock_start(const struct spp_mock_opts *opts, struct spp_mock **out,
                             struct spp_err *err)
{
    if (!opts || !out)
        return spp_err_set(err, SPP_EINVAL, "spp_mock_start: NULL argument");
    if (!opts->token || !*opts->token)
        return spp_err_set(err, SPP_EINVAL, "the mock needs a non-empty token");
    if (opts->nfaults > SPP_MOCK_MAX_FAULTS || (opts->nfaults && !opts->faults))
        return spp_err_set(err, SPP_EINVAL, "at most %d faults", SPP_MOCK_MAX_FAULTS);
    enum spp_code rc = SPP_OK;
    int fd = -1;
    struct spp_mock *m = calloc(1, sizeof(*m));
    if (!m)
        return spp_err_set(err, SPP_ENOMEM, "out of memory");
    m->token_len = strlen(opts->token);
    m->token = strdup(opts->token);
    m->ticket_id =
        strdup(opts->ticket_id && *opts->ticket_id ? opts->ticket_id : SPP_MOCK_DEFAULT_TICKET);
    if (!m->token || !m->ticket_id) {
        rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < opts->nfaults; i++)
        m->faults[i] = opts->faults[i];
    m->nfaults = opts->nfaults;
    if (urandom(&m->rng, sizeof(m->rng)) != SPP_OK) {
        rc = spp_err_set(err, SPP_EIO, "cannot read /dev/urandom");
        goto out;
    }
    if (opts->replay_dir) {
        rc = spp_mock_replay_load(opts->replay_dir, &m->recs, &m->nrecs, err);
        if (rc != SPP_OK)
            goto out;
    }
    m->last_update = time(NULL);
    m->state = spp_mock_data_ticket(opts->seed, m->last_update);
    for (size_t i = 0; i < NORDERS; i++)
        m->orders[i] = spp_mock_data_order(opts->seed, i);
    for (size_t i = 0; i < NEMPLOYEES; i++)
        m->employees[i] = spp_mock_data_employee(i);
    bool built = m->state != NULL;
    for (size_t i = 0; i < NORDERS; i++)
        built = built && m->orders[i];
    for (size_t i = 0; i < NEMPLOYEES; i++)
        built = built && m->employees[i];
    if (!built) {
        rc = spp_err_set(err, SPP_ENOMEM, "out of memory building the ticket");
        goto out;
    }

    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&m->lock, NULL);
    pthread_mutex_init(&m->stop_lock, NULL);
    pthread_cond_init(&m->stop_cond, &ca);
    pthread_condattr_destroy(&ca);
    m->sync_ready = true;

    rc = listen_socket(opts, &fd, err);
    if (rc != SPP_OK)
        goto out;
    unsigned threads = opts->threads ? opts->threads : SPP_MOCK_DEFAULT_THREADS;
    m->d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, handle, m,
                         MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd, MHD_OPTION_THREAD_POOL_SIZE,
                         threads, MHD_OPTION_NOTIFY_COMPLETED, completed, (void *)m,
                         MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S, MHD_OPTION_END);
    if (!m->d) {
        /* MHD owns the socket only once it started; close it unless it already did. */
        if (fcntl(fd, F_GETFD) != -1)
            close(fd);
        rc = spp_err_set(err, SPP_EIO, "libmicrohttpd could not start the server");
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_BIND_PORT);
    m->port = info ? info->port : 0;
    const char *host = opts->host && *opts->host ? opts->host : "127.0.0.1";
    snprintf(m->url, sizeof(m->url), "http://%s:%u",
             strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, m->port);
    *out = m;
    m = NULL;
out:
    spp_mock_stop(m);
    return rc;
}
