/*
 * engine — running a check (see engine.h).
 *
 * The judges report outcomes through a sink whose callback lands here: each
 * outcome goes to the report, and a failure that is new evidence for its
 * group is saved as a case file (request without the token, the answer, the
 * check and its message) that `spp-harness replay` can re-send.
 */
#include "engine.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "http.h"
#include "map.h"
#include "mutate.h"
#include "plan.h"
#include "rng.h"
#include "sha256.h"

/* Bodies of saved cases are cut here: evidence, not an archive. */
#define CASE_BODY_MAX ((size_t)256 * 1024)
/* Mutated bodies stay small enough for any server's request limit. */
#define MUTATED_MAX_BYTES ((size_t)64 * 1024)
#define URL_MAX           2048
#define HEADER_MAX        512
/* Schema failures remembered per answer to keep the stateful checks quiet where the schema
 * already spoke; past this many every stateful failure of that answer is held back. */
#define SCHEMA_MARKS_MAX 32

/* Where response_schema_conformance failed in the answer being judged. */
struct schema_mark {
    char *instance; /* instanceLocation (owned) */
    bool required;  /* a "required" failure: a member of instance is missing */
};

/*
 * What the drift walk needs of one contract schema, worked out once per run: the
 * "properties" an object instance meets (after "$ref" and the anyOf/oneOf branch), hashed,
 * and the "items" an array meets. Every answer walks the same few hundred schemas, and
 * resolving "$ref" strings and scanning property lists per member cost more than the rest.
 */
struct drift_prop {
    const char *name;
    uint32_t hash;
    const struct spp_json *schema;
};

struct drift_entry {
    const struct spp_json *props; /* NULL: a free-form object */
    const struct spp_json *items;
    struct drift_prop *tab; /* props hashed (mask + 1 slots); NULL if props is NULL */
    size_t mask;
};

struct spp_drift_memo {
    struct spp_map entries; /* schema address -> struct drift_entry (owned) */
};

struct run {
    const struct spp_engine_config *cfg;
    struct spp_report *report;
    struct spp_http_client *http;
    size_t v;
    const struct spp_engine_version *ver;
    struct spp_judge_config judge;
    const struct spp_schema_node *request_node;
    struct spp_json *state;    /* the ticket as last seen (owned) */
    struct spp_json *original; /* the ticket as first seen (owned) */
    const struct spp_json *original_status_map;
    bool state_dirty;
    bool any_answer;
    size_t sent, total, failures, case_seq;
    time_t version_started;
    char url[URL_MAX], unknown_url[URL_MAX];
    char auth_ok[HEADER_MAX], auth_wrong[HEADER_MAX], version_header[HEADER_MAX];
    /* the exchange being judged, for case files */
    const struct spp_case *cur_case;
    const struct spp_http_response *cur_resp;
    const char *cur_url;
    const struct spp_json *cur_after; /* the parsed 200 body, while the stateful checks run */
    struct schema_mark marks[SCHEMA_MARKS_MAX];
    size_t nmarks;
    bool marks_overflow;
    struct spp_drift_memo drift; /* the contract schemas' drift entries, for every answer */
};

/* ---- requests ------------------------------------------------------------ */

static void url_for(char *out, size_t cap, const char *base, const char *ticket)
{
    size_t o = (size_t)snprintf(out, cap, "%s/api/tickets/", base);
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)ticket; *p && o + 4 < cap; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o < cap ? o : cap - 1] = '\0';
}

struct req_buf {
    const char *headers[6];
    struct spp_http_request req;
};

static void build_request(const struct run *r, const struct spp_case *c, struct req_buf *b)
{
    size_t n = 0;
    b->headers[n++] = "Content-Type: application/json";
    b->headers[n++] = "Accept: application/json";
    switch (c->auth) {
    case SPP_AUTH_TOKEN:
        b->headers[n++] = r->auth_ok;
        break;
    case SPP_AUTH_NONE:
        break;
    case SPP_AUTH_MALFORMED:
        b->headers[n++] = "Authorization: Bearer";
        break;
    case SPP_AUTH_WRONG_SCHEME:
        b->headers[n++] = "Authorization: Basic c3BwLWhhcm5lc3M6d3Jvbmc=";
        break;
    case SPP_AUTH_WRONG_TOKEN:
        b->headers[n++] = r->auth_wrong;
        break;
    }
    if (r->ver->requested)
        b->headers[n++] = r->version_header;
    b->req.method = "PUT";
    b->req.url = c->unknown_ticket ? r->unknown_url : r->url;
    b->req.headers = b->headers;
    b->req.header_count = n;
    b->req.body = c->body;
    b->req.body_len = c->body_len;
}

/* ---- evidence ------------------------------------------------------------ */

static void put_str(struct spp_json *o, const char *k, const char *v)
{
    spp_json_set(o, k, v ? spp_json_new_string(v) : spp_json_new_null());
}

static char *base64(const char *s, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((len + 2) / 3 * 4 + 1); /* len is capped at CASE_BODY_MAX */
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < len ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/*
 * A string of untrusted bytes into a case file: redacted, capped at
 * CASE_BODY_MAX, and readable JSON text — the string stops at the first NUL
 * (cJSON strings are C strings; "<k>_truncated_at" says where) and invalid
 * UTF-8 becomes U+FFFD. Whenever that string is not the exact bytes,
 * "<k>_base64" carries them (redacted, capped), so a replay can re-send them.
 */
static void put_text(const struct run *r, struct spp_json *o, const char *k, const char *s,
                     size_t len)
{
    if (!s) {
        put_str(o, k, NULL);
        return;
    }
    size_t keep = len > CASE_BODY_MAX ? CASE_BODY_MAX : len;
    size_t nul = strnlen(s, keep);
    size_t rlen = 0, ulen = 0;
    char *red = spp_report_redact(r->report, s, nul, &rlen);
    char *text = red ? spp_report_utf8(red, rlen, &ulen) : NULL;
    put_str(o, k, text ? text : "");
    char key[64];
    bool exact = text && nul == len && ulen == rlen && memcmp(text, red, rlen) == 0;
    if (nul < len) {
        snprintf(key, sizeof(key), "%s_truncated_at", k);
        spp_json_set(o, key, spp_json_new_number((double)nul));
    }
    if (!exact) {
        size_t blen = 0;
        char *bytes = spp_report_redact(r->report, s, keep, &blen);
        char *b64 = bytes ? base64(bytes, blen) : NULL;
        if (b64) {
            snprintf(key, sizeof(key), "%s_base64", k);
            put_str(o, key, b64);
        }
        free(b64);
        free(bytes);
    }
    free(text);
    free(red);
}

/* A NUL-terminated string of untrusted origin: redacted, valid UTF-8. */
static void put_clean(const struct run *r, struct spp_json *o, const char *k, const char *s)
{
    char *red = s ? spp_report_redact(r->report, s, strlen(s), NULL) : NULL;
    char *text = red ? spp_report_utf8(red, strlen(red), NULL) : NULL;
    put_str(o, k, s ? (text ? text : "") : NULL);
    free(text);
    free(red);
}

/* Header names and values of an answer, redacted and valid UTF-8. */
static struct spp_json *headers_json(const struct run *r, const struct spp_http_response *resp)
{
    struct spp_json *h = spp_json_new_object();
    for (size_t i = 0; h && i < resp->header_count; i++) {
        char *red = spp_report_redact(r->report, resp->headers[i].value,
                                      strlen(resp->headers[i].value), NULL);
        char *value = red ? spp_report_utf8(red, strlen(red), NULL) : NULL;
        char *name = spp_report_utf8(resp->headers[i].name, strlen(resp->headers[i].name), NULL);
        if (name)
            spp_json_set(h, name, spp_json_new_string(value ? value : ""));
        free(name);
        free(value);
        free(red);
    }
    return h;
}

static const char *expect_name(enum spp_case_expect e)
{
    switch (e) {
    case SPP_EXPECT_REJECT:
        return "reject";
    case SPP_EXPECT_AUTH:
        return "auth";
    case SPP_EXPECT_NOT_FOUND:
        return "not_found";
    case SPP_EXPECT_NONE:
        break;
    }
    return "none";
}

static char *save_case(struct run *r, enum spp_check_id id, const char *message,
                       const struct spp_check_location *loc)
{
    const struct spp_case *c = r->cur_case;
    const struct spp_http_response *resp = r->cur_resp;
    struct spp_json *o = spp_json_new_object();
    if (!o || !c)
        return spp_json_free(o), NULL;
    spp_json_set(o, "format_version", spp_json_new_number(1));
    put_str(o, "check", spp_check_name(id));
    put_text(r, o, "message", message, message ? strlen(message) : 0);
    put_clean(r, o, "label", c->label); /* a mutation label may quote odd bytes */
    put_str(o, "expect", expect_name(c->expect));
    spp_json_set(o, "schema_valid_body", spp_json_new_bool(c->schema_valid));
    spp_json_set(o, "stateful", spp_json_new_bool(c->stateful));
    spp_json_set(o, "may_normalise", spp_json_new_bool(c->may_normalise));
    put_str(o, "api_version", r->ver->requested);
    if (loc && loc->instance_location) {
        /* A location may hold a hostile answer's key: redacted and valid UTF-8 like the rest. */
        put_clean(r, o, "instanceLocation", loc->instance_location);
        put_clean(r, o, "keywordLocation", loc->keyword_location);
        put_clean(r, o, "absoluteKeywordLocation", loc->absolute_keyword_location);
    }
    struct spp_json *req = spp_json_new_object();
    put_str(req, "method", "PUT");
    put_text(r, req, "ticket", c->unknown_ticket ? "(unknown)" : r->cfg->ticket,
             strlen(c->unknown_ticket ? "(unknown)" : r->cfg->ticket));
    spp_json_set(req, "unknown_ticket", spp_json_new_bool(c->unknown_ticket));
    put_str(req, "auth", spp_auth_mode_name(c->auth));
    put_text(r, req, "body", c->body, c->body_len);
    spp_json_set(o, "request", req);
    struct spp_json *rs = spp_json_new_object();
    if (resp) {
        spp_json_set(rs, "status", spp_json_new_number(resp->status));
        put_str(rs, "transport", spp_http_result_name(resp->result));
        spp_json_set(rs, "headers", headers_json(r, resp));
        put_text(r, rs, "body", resp->body, resp->body_len);
        spp_json_set(rs, "elapsed_ms", spp_json_new_number((double)resp->elapsed_ms));
    }
    spp_json_set(o, "response", rs);

    char dir[URL_MAX], name[128], path[URL_MAX + 160];
    snprintf(dir, sizeof(dir), "%s/cases", r->cfg->report_dir);
    snprintf(name, sizeof(name), "cases/v%zu-%04zu-%s.json", r->v, ++r->case_seq,
             spp_check_name(id));
    snprintf(path, sizeof(path), "%s/%s", r->cfg->report_dir, name);
    size_t len = 0;
    char *text = spp_json_print(o, true, &len);
    spp_json_free(o);
    if (!text || spp_mkdirs(dir, NULL) != SPP_OK ||
        spp_write_file(path, text, len, NULL) != SPP_OK) {
        free(text);
        return NULL;
    }
    free(text);
    return strdup(name);
}

static void mark_schema_failure(struct run *r, const struct spp_check_location *loc);

static void on_outcome(void *ud, enum spp_check_id id, bool passed, const char *message,
                       const struct spp_check_location *loc)
{
    struct run *r = ud;
    char path[URL_MAX];
    const char *p = r->cur_url ? r->cur_url : r->url;
    const char *slash = strstr(p, "/api/");
    snprintf(path, sizeof(path), "%s", slash ? slash : p);
    struct spp_report_exchange ex = {"PUT", path, r->cur_resp ? r->cur_resp->status : 0, NULL};
    bool evidence = spp_report_outcome(r->report, r->v, id, passed, message, loc, &ex);
    if (!passed)
        r->failures++;
    if (!passed && id == SPP_CHECK_RESPONSE_SCHEMA)
        mark_schema_failure(r, loc);
    if (evidence && r->cfg->report_dir) {
        char *cp = save_case(r, id, message, loc);
        if (cp)
            spp_report_attach_case(r->report, r->v, cp);
        free(cp);
    }
}

/* ---- one defect, one check ---------------------------------------------- */

/*
 * A planted defect that breaks the schema of a field (dropped, retyped) would
 * also make update_applied or omitted_fields_unchanged fail on that field:
 * one defect, two findings, and the second one says less. So the schema
 * failures of an answer are remembered, and a stateful failure they explain
 * is not recorded (its passes still are). "Explains" means: the two instance
 * locations are the same or one lies inside the other, segment by segment;
 * for a "required" failure at Q, the stateful location must lie under a
 * member of Q that is absent from the answer (a required failure at the root
 * says nothing about the members that are there).
 */
static void marks_clear(struct run *r)
{
    for (size_t i = 0; i < r->nmarks; i++)
        free(r->marks[i].instance);
    r->nmarks = 0;
    r->marks_overflow = false;
}

static void mark_schema_failure(struct run *r, const struct spp_check_location *loc)
{
    const char *inst = loc && loc->instance_location ? loc->instance_location : "";
    const char *kw = loc && loc->keyword_location ? loc->keyword_location : "";
    size_t kl = strlen(kw);
    char *copy = r->nmarks < SCHEMA_MARKS_MAX ? strdup(inst) : NULL;
    if (!copy) {
        r->marks_overflow = true;
        return;
    }
    r->marks[r->nmarks].instance = copy;
    r->marks[r->nmarks].required = kl >= 9 && strcmp(kw + kl - 9, "/required") == 0;
    r->nmarks++;
}

/* a is b or an ancestor of b, JSON Pointer segment by segment ("" is everyone's ancestor). */
static bool pointer_within(const char *a, const char *b)
{
    size_t n = strlen(a);
    return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

static bool schema_explains(const struct run *r, const char *p)
{
    if (r->marks_overflow)
        return true;
    for (size_t i = 0; i < r->nmarks; i++) {
        const char *q = r->marks[i].instance;
        if (!r->marks[i].required) {
            if (pointer_within(q, p) || pointer_within(p, q))
                return true;
            continue;
        }
        if (pointer_within(p, q))
            return true; /* a judged value holds the incomplete object */
        size_t n = strlen(q);
        if (!pointer_within(q, p) || p[n] == '\0')
            continue;
        /* p runs through the member right under q: is that member absent? */
        char member[SPP_JSON_POINTER_MAX * 2];
        const char *end = strchr(p + n + 1, '/');
        size_t mlen = end ? (size_t)(end - p) : strlen(p);
        if (mlen >= sizeof(member))
            return true;
        memcpy(member, p, mlen);
        member[mlen] = '\0';
        if (!spp_json_pointer(r->cur_after, member))
            return true;
    }
    return false;
}

static void on_outcome(void *ud, enum spp_check_id id, bool passed, const char *message,
                       const struct spp_check_location *loc);

/* The sink of the stateful checks: failures the schema already explains are held back. */
static void on_stateful_outcome(void *ud, enum spp_check_id id, bool passed, const char *message,
                                const struct spp_check_location *loc)
{
    struct run *r = ud;
    if (!passed && schema_explains(r, loc && loc->instance_location ? loc->instance_location : ""))
        return;
    on_outcome(ud, id, passed, message, loc);
}

static void save_corpus(const struct run *r, const struct spp_http_response *resp)
{
    if (!r->cfg->save_corpus || !resp->body || resp->result != SPP_HTTP_OK)
        return;
    char hex[SPP_SHA256_HEX_LEN + 1], path[URL_MAX + 100];
    spp_sha256_hex(resp->body, resp->body_len, hex);
    snprintf(path, sizeof(path), "%s/%s.json", r->cfg->save_corpus, hex);
    if (access(path, F_OK) == 0)
        return;
    size_t blen = 0;
    char *body = spp_report_redact(r->report, resp->body, resp->body_len, &blen);
    if (!body || spp_mkdirs(r->cfg->save_corpus, NULL) != SPP_OK) {
        free(body);
        return;
    }
    spp_write_file(path, body, blen, NULL);
    free(body);
    struct spp_json *meta = spp_json_new_object();
    spp_json_set(meta, "status", spp_json_new_number(resp->status));
    spp_json_set(meta, "headers", headers_json(r, resp));
    size_t len = 0;
    char *text = spp_json_print(meta, true, &len);
    spp_json_free(meta);
    snprintf(path, sizeof(path), "%s/%s.meta.json", r->cfg->save_corpus, hex);
    if (text)
        spp_write_file(path, text, len, NULL);
    free(text);
}

/* ---- drift --------------------------------------------------------------- */

static const struct spp_json *deref(const struct spp_json *doc, const struct spp_json *schema)
{
    for (int hops = 0; hops < 16; hops++) {
        const char *ref = spp_json_string(spp_json_get(schema, "$ref"), NULL);
        if (!ref || ref[0] != '#')
            return schema;
        const struct spp_json *t = spp_json_pointer(doc, ref + 1);
        if (!t)
            return schema;
        schema = t;
    }
    return schema;
}

/* Picks the branch of an anyOf/oneOf that describes this kind of instance. */
static const struct spp_json *branch_for(const struct spp_json *doc, const struct spp_json *schema,
                                         enum spp_json_kind kind)
{
    const struct spp_json *alts = spp_json_get(schema, "anyOf");
    if (!alts)
        alts = spp_json_get(schema, "oneOf");
    for (const struct spp_json *a = spp_json_first(alts); a; a = spp_json_next(a)) {
        const struct spp_json *t = deref(doc, a);
        if ((kind == SPP_JSON_OBJECT && spp_json_get(t, "properties")) ||
            (kind == SPP_JSON_ARRAY && spp_json_get(t, "items")))
            return t;
    }
    return schema;
}

static bool drift_entry_fill(const struct spp_json *doc, const struct spp_json *schema,
                             struct drift_entry *d)
{
    const struct spp_json *s = deref(doc, schema);
    *d = (struct drift_entry){.props =
                                  spp_json_get(branch_for(doc, s, SPP_JSON_OBJECT), "properties"),
                              .items = spp_json_get(branch_for(doc, s, SPP_JSON_ARRAY), "items")};
    size_t n = spp_json_count(d->props), cap = 4;
    if (!d->props)
        return true;
    while (cap < 2 * n)
        cap *= 2;
    if (!(d->tab = calloc(cap, sizeof(*d->tab))))
        return false;
    d->mask = cap - 1;
    for (const struct spp_json *m = spp_json_first(d->props); m; m = spp_json_next(m)) {
        const char *name = spp_json_key(m);
        uint32_t h = spp_hash_str(name);
        size_t at = h & d->mask;
        while (d->tab[at].name && strcmp(d->tab[at].name, name) != 0)
            at = (at + 1) & d->mask;
        if (!d->tab[at].name) /* the first of duplicate names, as spp_json_get finds it */
            d->tab[at] = (struct drift_prop){name, h, m};
    }
    return true;
}

/* The memo's entry of schema, made on first use; NULL when out of memory. */
static const struct drift_entry *
drift_entry(struct spp_drift_memo *memo, const struct spp_json *doc, const struct spp_json *schema)
{
    struct drift_entry *d = spp_map_get(&memo->entries, &schema, sizeof(schema));
    if (d)
        return d;
    if (!(d = malloc(sizeof(*d))))
        return NULL;
    if (!drift_entry_fill(doc, schema, d) ||
        !spp_map_put(&memo->entries, &schema, sizeof(schema), d)) {
        free(d->tab);
        free(d);
        return NULL;
    }
    return d;
}

static void drift_memo_free(struct spp_drift_memo *memo)
{
    for (size_t i = 0; i < memo->entries.cap; i++) {
        struct drift_entry *d = memo->entries.e[i].val;
        if (memo->entries.e[i].key && d) {
            free(d->tab);
            free(d);
        }
    }
    spp_map_free(&memo->entries);
}

static const struct spp_json *drift_prop(const struct drift_entry *d, const char *name)
{
    uint32_t h = spp_hash_str(name);
    for (size_t at = h & d->mask; d->tab[at].name; at = (at + 1) & d->mask)
        if (d->tab[at].hash == h && strcmp(d->tab[at].name, name) == 0)
            return d->tab[at].schema;
    return NULL;
}

/* False when out of memory (what was found so far is recorded). */
static bool drift_walk(struct spp_drift_memo *memo, const struct spp_json *doc,
                       const struct spp_json *schema, const struct spp_json *inst,
                       struct spp_report *rep, size_t v, char *ptr, size_t cap, size_t depth)
{
    if (!schema || depth > 64)
        return true;
    const struct drift_entry *d = drift_entry(memo, doc, schema); /* stable: heap entries */
    if (!d)
        return false;
    size_t keep = strlen(ptr);
    bool ok = true;
    if (spp_json_kind(inst) == SPP_JSON_OBJECT) {
        if (!d->props)
            return true; /* a free-form object: everything in it is documented as "object" */
        for (const struct spp_json *m = spp_json_first(inst); m && ok; m = spp_json_next(m)) {
            spp_json_pointer_push(ptr, cap, spp_json_key(m));
            const struct spp_json *ps = drift_prop(d, spp_json_key(m));
            if (!ps)
                spp_report_drift(rep, v, ptr);
            else
                ok = drift_walk(memo, doc, ps, m, rep, v, ptr, cap, depth + 1);
            ptr[keep] = '\0';
        }
    } else if (spp_json_kind(inst) == SPP_JSON_ARRAY && d->items) {
        size_t i = 0;
        for (const struct spp_json *e = spp_json_first(inst); e && ok; e = spp_json_next(e)) {
            spp_json_pointer_push_index(ptr, cap, i++);
            ok = drift_walk(memo, doc, d->items, e, rep, v, ptr, cap, depth + 1);
            ptr[keep] = '\0';
        }
    }
    return ok;
}

static bool drift_with(struct spp_drift_memo *memo, const struct spp_json *contract_doc,
                       const struct spp_json *schema, const struct spp_json *instance,
                       struct spp_report *report, size_t v)
{
    char ptr[SPP_JSON_POINTER_MAX * 2] = "";
    return drift_walk(memo, contract_doc, schema, instance, report, v, ptr, sizeof(ptr), 0);
}

bool spp_engine_drift(const struct spp_json *contract_doc, const struct spp_json *schema,
                      const struct spp_json *instance, struct spp_report *report, size_t v)
{
    struct spp_drift_memo memo = {0};
    bool ok = drift_with(&memo, contract_doc, schema, instance, report, v);
    drift_memo_free(&memo);
    return ok;
}

/* ---- judging one answer -------------------------------------------------- */

static void on_evaluated(void *ud, const char *const *locations, size_t n)
{
    struct run *r = ud;
    spp_report_evaluated(r->report, r->v, locations, n);
}

static bool retry_exhausted(const struct spp_http_response *resp)
{
    return (resp->status == 429 || resp->status == 503) &&
           spp_http_header_get(resp, "Retry-After") != NULL;
}

static void judge(struct run *r, const struct spp_case *c, const char *url,
                  const struct spp_http_response *resp, bool adopt_only)
{
    r->sent++;
    r->total++;
    if (resp->result == SPP_HTTP_OK || resp->status)
        r->any_answer = true;
    save_corpus(r, resp);
    if (resp->result == SPP_HTTP_OK && retry_exhausted(resp))
        return; /* the server asked us to come back later: politeness, not a failure */
    char tmsg[SPP_HTTP_MESSAGE_MAX + 128];
    snprintf(tmsg, sizeof(tmsg), "%s%s%s%s", spp_http_result_message(resp->result),
             resp->truncated ? " (body over --max-body)" : "", resp->message[0] ? ": " : "",
             resp->message);
    struct spp_exchange ex = {
        .expect = c->expect,
        .schema_valid_body = c->schema_valid,
        .transport_ok = resp->result == SPP_HTTP_OK && !resp->truncated,
        .transport_message = tmsg,
        .status = resp->status,
        .content_type = spp_http_header_get(resp, "Content-Type"),
        .api_identifier = spp_http_header_get(resp, "X-Api-Identifier"),
        .api_version = spp_http_header_get(resp, "X-Api-Version"),
        .body = resp->body,
        .body_len = resp->body_len,
        .elapsed_ms = (double)resp->elapsed_ms,
    };
    if (ex.api_version)
        spp_report_set_reported_version(r->report, r->v, ex.api_version);
    r->cur_case = c;
    r->cur_resp = resp;
    r->cur_url = url;
    struct spp_check_sink sink = {r, on_outcome, on_evaluated};
    struct spp_check_sink stateful_sink = {r, on_stateful_outcome, NULL};
    struct spp_json_doc *body = NULL;
    marks_clear(r);
    spp_judge_exchange(&r->judge, &ex, &sink, &body);
    const struct spp_json *after = spp_json_doc_root(body);
    r->cur_after = after;
    if (after && spp_json_kind(after) == SPP_JSON_OBJECT) {
        /* Best effort, like the report's own drift records: out of memory drops locations. */
        (void)drift_with(&r->drift, spp_contract_doc(r->ver->contract),
                         spp_json_pointer(spp_contract_doc(r->ver->contract),
                                          "/components/schemas/TicketResource"),
                         after, r->report, r->v);
        bool ours = c->auth == SPP_AUTH_TOKEN && !c->unknown_ticket;
        if (c->stateful && !adopt_only && r->state && !r->state_dirty) {
            struct spp_json_doc *sent = NULL;
            if (c->body && spp_json_parse(c->body, c->body_len, NULL, &sent, NULL) == SPP_OK) {
                if (!c->may_normalise)
                    spp_judge_update_applied(&r->judge, spp_json_doc_root(sent), after,
                                             r->cfg->status_map, &stateful_sink);
                spp_judge_omitted_unchanged(&r->judge, spp_json_doc_root(sent), r->state, after,
                                            r->cfg->volatile_names, &stateful_sink);
            }
            spp_json_doc_free(sent);
        }
        if (ours && (c->stateful || adopt_only)) {
            /* The answer becomes the state: taken from its document, not copied. */
            if (!r->original)
                r->original = spp_json_clone(after);
            spp_json_free(r->state);
            r->state = spp_json_doc_take_root(body);
            r->state_dirty = false;
        } else if (ours) {
            r->state_dirty = true; /* a stateless case changed the ticket: re-read it */
        }
    }
    marks_clear(r);
    r->cur_after = NULL;
    spp_json_doc_free(body);
    r->cur_case = NULL;
    r->cur_resp = NULL;
    if (r->cfg->progress)
        r->cfg->progress(r->cfg->progress_ud, r->ver->requested ? r->ver->requested : "default",
                         r->total, r->failures, c->label);
}

/* ---- budget -------------------------------------------------------------- */

static bool cancelled(const struct run *r)
{
    return r->cfg->cancel && *r->cfg->cancel;
}

static bool budget_left(const struct run *r)
{
    if (cancelled(r) || r->sent >= r->cfg->max_requests)
        return false;
    return !(r->cfg->duration_s > 0 &&
             difftime(time(NULL), r->version_started) >= r->cfg->duration_s);
}

static size_t budget_count(const struct run *r)
{
    return r->cfg->max_requests > r->sent ? r->cfg->max_requests - r->sent : 0;
}

static void send_one(struct run *r, const struct spp_case *c, bool adopt_only)
{
    struct req_buf b;
    build_request(r, c, &b);
    struct spp_http_response resp;
    spp_http_send(r->http, &b.req, &resp, NULL);
    if (resp.result != SPP_HTTP_NOT_SENT)
        judge(r, c, b.req.url, &resp, adopt_only);
    spp_http_response_free(&resp);
}

/* An unjudged-for-state empty update that re-reads the ticket. */
static void refresh(struct run *r)
{
    char body[] = "{}";
    struct spp_case empty = {.label = "refresh: empty update",
                             .expect = SPP_EXPECT_NONE,
                             .auth = SPP_AUTH_TOKEN,
                             .schema_valid = true,
                             .body = body,
                             .body_len = 2};
    if (budget_left(r))
        send_one(r, &empty, true);
}

static void send_batch(struct run *r, const struct spp_case *const *cases, size_t n)
{
    if (n == 0)
        return;
    struct req_buf *bufs = calloc(n, sizeof(*bufs));
    struct spp_http_request *reqs = calloc(n, sizeof(*reqs));
    struct spp_http_response *resps = calloc(n, sizeof(*resps));
    if (bufs && reqs && resps) {
        for (size_t i = 0; i < n; i++) {
            build_request(r, cases[i], &bufs[i]);
            reqs[i] = bufs[i].req;
            reqs[i].headers = bufs[i].headers; /* the copy must point at its own array */
        }
        spp_http_send_many(r->http, reqs, n, resps, r->cfg->cancel, NULL);
        for (size_t i = 0; i < n; i++) {
            if (resps[i].result != SPP_HTTP_NOT_SENT)
                judge(r, cases[i], reqs[i].url, &resps[i], false);
            spp_http_response_free(&resps[i]);
        }
    }
    free(bufs);
    free(reqs);
    free(resps);
}

/* Valid bodies of the plan, mutated; the validator says what each one expects. */
static void run_mutated(struct run *r, const struct spp_plan *plan, struct spp_rng *rng)
{
    const struct spp_case *templates[64];
    size_t nt = 0;
    for (size_t i = 0; i < plan->count && nt < 64; i++)
        if (plan->cases[i].stateful && plan->cases[i].body)
            templates[nt++] = &plan->cases[i];
    if (nt == 0)
        return;
    struct spp_mutate_options mo = {0};
    mo.max_string = 1024;
    mo.max_array = 256;
    mo.max_out = MUTATED_MAX_BYTES;
    size_t batch_size = r->cfg->concurrency > 1 ? (size_t)r->cfg->concurrency * 4 : 1;
    struct spp_case *batch = calloc(batch_size, sizeof(*batch));
    const struct spp_case **ptrs = calloc(batch_size, sizeof(*ptrs));
    size_t serial = 0;
    while (batch && ptrs && budget_left(r)) {
        size_t n = budget_count(r) < batch_size ? budget_count(r) : batch_size;
        size_t made = 0;
        for (size_t i = 0; i < n; i++) {
            const struct spp_case *t = templates[spp_rng_below(rng, nt)];
            struct spp_case *c = &batch[made];
            memset(c, 0, sizeof(*c));
            struct spp_mutate_result res;
            char *out = NULL;
            size_t len = 0;
            if (spp_mutate_bytes(t->body, t->body_len, spp_rng_next(rng), MUTATED_MAX_BYTES, &mo,
                                 &out, &len, &res, NULL) != SPP_OK)
                continue;
            c->body = out;
            c->body_len = len;
            c->auth = SPP_AUTH_TOKEN;
            snprintf(c->label, sizeof(c->label), "mutated #%zu: %.100s", ++serial, res.what);
            struct spp_json_doc *doc = NULL;
            size_t nissues = 0;
            if (spp_json_parse(out, len, NULL, &doc, NULL) != SPP_OK) {
                c->expect = SPP_EXPECT_REJECT; /* not JSON at all */
            } else if (spp_json_doc_issues(doc, &nissues, NULL), nissues > 0) {
                c->expect = SPP_EXPECT_NONE; /* duplicate keys and the like: no verdict */
                c->schema_valid = false;
            } else if (spp_schema_is_valid(spp_contract_schemas(r->ver->contract), r->request_node,
                                           spp_json_doc_root(doc))) {
                c->expect = SPP_EXPECT_NONE;
                c->schema_valid = true;
            } else {
                c->expect = SPP_EXPECT_REJECT;
            }
            spp_json_doc_free(doc);
            ptrs[made++] = c;
        }
        if (made == 0)
            break;
        send_batch(r, ptrs, made);
        for (size_t i = 0; i < made; i++)
            free(batch[i].body);
    }
    free(batch);
    free(ptrs);
}

static void run_version(struct run *r, uint64_t seed)
{
    r->version_started = time(NULL);
    r->sent = 0;
    spp_json_free(r->state);
    r->state = NULL;
    r->state_dirty = false;
    snprintf(r->version_header, sizeof(r->version_header), "X-Api-Version: %s",
             r->ver->requested ? r->ver->requested : "");
    /* static: the judge config keeps pointing at it after this function returns. */
    static const long documented[] = {200, 400, 401, 404};
    r->judge.documented = documented;
    r->judge.ndocumented = 4;

    /* The baseline: an empty update, which also records the ticket before any change. */
    refresh(r);
    if (!r->any_answer)
        return;
    struct spp_plan plan;
    if (spp_plan_build(r->state, r->cfg->status_map, seed, &plan, NULL) != SPP_OK)
        return;
    /* Stateful cases in order, one at a time. */
    for (size_t i = 0; i < plan.count && budget_left(r); i++) {
        if (!plan.cases[i].stateful)
            continue;
        if (r->state_dirty)
            refresh(r);
        if (budget_left(r))
            send_one(r, &plan.cases[i], false);
    }
    /* Stateless cases, concurrently. */
    const struct spp_case **ptrs = calloc(plan.count ? plan.count : 1, sizeof(*ptrs));
    size_t n = 0;
    for (size_t i = 0; ptrs && i < plan.count; i++)
        if (!plan.cases[i].stateful)
            ptrs[n++] = &plan.cases[i];
    for (size_t i = 0; ptrs && i < n && budget_left(r);) {
        size_t chunk = (size_t)r->cfg->concurrency * 4;
        if (chunk > n - i)
            chunk = n - i;
        if (chunk > budget_count(r))
            chunk = budget_count(r);
        send_batch(r, ptrs + i, chunk);
        i += chunk;
    }
    free(ptrs);
    if (r->state_dirty)
        refresh(r);
    struct spp_rng rng;
    spp_rng_seed(&rng, seed ^ 0x9e3779b97f4a7c15ull);
    run_mutated(r, &plan, &rng);
    spp_plan_free(&plan);
}

static bool restore(struct run *r, char *msg, size_t cap)
{
    char *body = NULL;
    size_t len = 0;
    if (spp_plan_restore_body(r->original, r->cfg->status_map, &body, &len) != SPP_OK) {
        snprintf(msg, cap, "could not build the restoring update");
        return false;
    }
    struct spp_case c = {.label = "restore", .auth = SPP_AUTH_TOKEN, .body = body, .body_len = len};
    struct req_buf b;
    build_request(r, &c, &b);
    struct spp_http_response resp;
    spp_http_send(r->http, &b.req, &resp, NULL);
    bool ok = resp.result == SPP_HTTP_OK && resp.status == 200;
    if (ok)
        snprintf(msg, cap, "subject, tags, employees, order%s put back (metadata cannot be)",
                 r->cfg->status_map ? ", status" : "");
    else
        snprintf(msg, cap, "the restoring update got %s (HTTP %d)",
                 spp_http_result_message(resp.result), resp.status);
    spp_http_response_free(&resp);
    free(body);
    r->total++;
    return ok;
}

/* The client, URLs and auth headers of a run; nothing is sent. */
static enum spp_code run_setup(struct run *r, const struct spp_engine_config *cfg,
                               struct spp_report *report, struct spp_err *err)
{
    memset(r, 0, sizeof(*r));
    r->cfg = cfg;
    r->report = report;
    struct spp_http_options ho;
    spp_http_options_init(&ho);
    ho.timeout_ms = cfg->timeout_ms;
    if (ho.connect_timeout_ms > cfg->timeout_ms)
        ho.connect_timeout_ms = cfg->timeout_ms;
    ho.max_body = cfg->max_body;
    ho.insecure = cfg->insecure;
    ho.rate = cfg->rate;
    ho.concurrency = cfg->concurrency;
    enum spp_code rc = spp_http_new(&ho, &r->http, err);
    if (rc != SPP_OK)
        return rc;
    url_for(r->url, sizeof(r->url), cfg->base_url, cfg->ticket);
    char unknown[64];
    snprintf(unknown, sizeof(unknown), "SPPNOTFOUND%016llx", (unsigned long long)cfg->seed);
    url_for(r->unknown_url, sizeof(r->unknown_url), cfg->base_url, unknown);
    snprintf(r->auth_ok, sizeof(r->auth_ok), "Authorization: Bearer %s",
             cfg->token ? cfg->token : "");
    snprintf(r->auth_wrong, sizeof(r->auth_wrong), "Authorization: Bearer spp-wrong-%016llx",
             (unsigned long long)(cfg->seed * 0x2545F4914F6CDD1Dull));
    return SPP_OK;
}

/* Opens the report section of version i and readies the judges for its contract. */
static enum spp_code begin_version(struct run *r, size_t i, struct spp_err *err)
{
    const struct spp_engine_config *cfg = r->cfg;
    r->ver = &cfg->versions[i];
    r->v =
        spp_report_begin_version(r->report, r->ver->requested, spp_contract_path(r->ver->contract),
                                 spp_contract_version(r->ver->contract), r->ver->default_contract);
    spp_report_compliance_init(r->report, r->v, spp_contract_doc(r->ver->contract));
    if (!cfg->status_map)
        spp_report_note(r->report, r->v, SPP_CHECK_UPDATE_APPLIED,
                        "status not judged: no --status-map");
    memcpy(r->judge.enabled, cfg->enabled, sizeof(r->judge.enabled));
    r->judge.max_response_ms = cfg->max_response_ms;
    r->judge.schema = spp_contract_schemas(r->ver->contract);
    if (spp_contract_schema(r->ver->contract, "TicketResource", &r->judge.ticket_node, err) !=
            SPP_OK ||
        spp_contract_schema(r->ver->contract, "SaveTicketRequest", &r->request_node, err) != SPP_OK)
        return err ? err->code : SPP_ECONTRACT;
    return SPP_OK;
}

/* Puts the ticket back (when it was seen), closes the report and frees the run. */
static void run_finish(struct run *r, enum spp_engine_outcome outcome, size_t *requests)
{
    char msg[256] = "";
    enum spp_restore restored = SPP_RESTORE_NOT_ATTEMPTED;
    if (r->original && r->ver)
        restored = restore(r, msg, sizeof(msg)) ? SPP_RESTORE_OK : SPP_RESTORE_FAILED;
    spp_report_finish(r->report, r->total, restored, msg[0] ? msg : NULL,
                      outcome == SPP_ENGINE_INTERRUPTED, NULL);
    *requests = r->total;
    spp_json_free(r->state);
    spp_json_free(r->original);
    spp_http_free(r->http);
    drift_memo_free(&r->drift);
}

enum spp_code spp_engine_run(const struct spp_engine_config *cfg, struct spp_report *report,
                             enum spp_engine_outcome *outcome, size_t *requests,
                             struct spp_err *err)
{
    struct run r;
    enum spp_code rc = run_setup(&r, cfg, report, err);
    if (rc != SPP_OK)
        return rc;
    *outcome = SPP_ENGINE_DONE;
    for (size_t i = 0; i < cfg->nversions && !cancelled(&r); i++) {
        if ((rc = begin_version(&r, i, err)) != SPP_OK)
            break;
        run_version(&r, cfg->seed);
        if (!r.any_answer) {
            *outcome = SPP_ENGINE_UNREACHABLE;
            break;
        }
        /* Every version starts from the ticket as first seen, so versions compare. */
        char msg[256];
        if (i + 1 < cfg->nversions && r.original && !cancelled(&r))
            restore(&r, msg, sizeof(msg));
    }
    if (cancelled(&r) && *outcome == SPP_ENGINE_DONE)
        *outcome = SPP_ENGINE_INTERRUPTED;
    run_finish(&r, *outcome, requests);
    return rc;
}

enum spp_code spp_engine_replay(const struct spp_engine_config *cfg, const struct spp_case *c,
                                struct spp_report *report, enum spp_engine_outcome *outcome,
                                size_t *requests, struct spp_err *err)
{
    struct run r;
    enum spp_code rc = run_setup(&r, cfg, report, err);
    if (rc != SPP_OK)
        return rc;
    *outcome = SPP_ENGINE_DONE;
    if ((rc = begin_version(&r, 0, err)) == SPP_OK) {
        /* A stateful case is judged against the ticket as it is now: read it first. */
        if (c->stateful)
            refresh(&r);
        if (!c->stateful || r.any_answer)
            send_one(&r, c, false);
        if (!r.any_answer)
            *outcome = SPP_ENGINE_UNREACHABLE;
    }
    run_finish(&r, *outcome, requests);
    return rc;
}
