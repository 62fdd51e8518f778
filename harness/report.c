/*
 * report — collecting outcomes and writing report.json (see report.h).
 *
 * Growable arrays of plain structs; groups and drift are found by linear
 * search, which is fine for the tens to hundreds of distinct keys a run has
 * (a run with more distinct failing locations than that has bigger problems
 * than the speed of its report).
 */
#include "report.h"

#include "compliance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct failure {
    enum spp_check_id check;
    char *message, *method, *path, *case_path;
    char *instance, *keyword, *absolute;
    long status;
    bool known;
};

struct group {
    char *key;
    enum spp_check_id check;
    char *instance, *absolute, *message;
    size_t count;
    bool known;
    char *examples[SPP_REPORT_GROUP_EXAMPLES];
    size_t nexamples;
};

struct drift {
    char *location;
    size_t count;
};

struct vsection {
    char *requested, *reported, *contract_file, *contract_version;
    bool default_contract;
    size_t passed[SPP_CHECK_COUNT], failed[SPP_CHECK_COUNT], known[SPP_CHECK_COUNT];
    char *notes[SPP_CHECK_COUNT];
    struct failure *failures;
    size_t nfailures, capfailures, dropped;
    struct group *groups;
    size_t ngroups, capgroups;
    struct drift *drift;
    size_t ndrift, capdrift;
    struct group *last_group;
    struct spp_compliance *compliance; /* NULL: not recorded */
};

struct known {
    char *version; /* NULL: any */
    char *key;
};

struct spp_report {
    char *secret;
    size_t secret_len;
    char *tool_version, *base_url, *ticket;
    bool embedded_mock;
    uint64_t seed;
    char *contract_file, *contract_version, *contract_sha;
    bool enabled[SPP_CHECK_COUNT];
    struct known *known;
    size_t nknown;
    struct vsection *versions;
    size_t nversions;
    time_t started, finished;
    size_t requests;
    enum spp_restore restored;
    char *restore_message, *fatal;
    bool interrupted;
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct spp_report *spp_report_new(const char *secret)
{
    struct spp_report *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    if (secret && *secret) {
        r->secret = strdup(secret);
        r->secret_len = strlen(secret);
    }
    r->started = time(NULL);
    for (int i = 0; i < SPP_CHECK_COUNT; i++)
        r->enabled[i] = spp_check_default_enabled((enum spp_check_id)i);
    return r;
}

static void free_failure(struct failure *f)
{
    free(f->message);
    free(f->method);
    free(f->path);
    free(f->case_path);
    free(f->instance);
    free(f->keyword);
    free(f->absolute);
}

void spp_report_free(struct spp_report *r)
{
    if (!r)
        return;
    for (size_t v = 0; v < r->nversions; v++) {
        struct vsection *s = &r->versions[v];
        for (size_t i = 0; i < s->nfailures; i++)
            free_failure(&s->failures[i]);
        for (size_t i = 0; i < s->ngroups; i++) {
            free(s->groups[i].key);
            free(s->groups[i].instance);
            free(s->groups[i].absolute);
            free(s->groups[i].message);
            for (size_t k = 0; k < s->groups[i].nexamples; k++)
                free(s->groups[i].examples[k]);
        }
        for (size_t i = 0; i < s->ndrift; i++)
            free(s->drift[i].location);
        for (int i = 0; i < SPP_CHECK_COUNT; i++)
            free(s->notes[i]);
        free(s->failures);
        free(s->groups);
        free(s->drift);
        spp_compliance_free(s->compliance);
        free(s->requested);
        free(s->reported);
        free(s->contract_file);
        free(s->contract_version);
    }
    for (size_t i = 0; i < r->nknown; i++) {
        free(r->known[i].version);
        free(r->known[i].key);
    }
    if (r->secret)
        memset(r->secret, 0, r->secret_len);
    free(r->secret);
    free(r->known);
    free(r->versions);
    free(r->tool_version);
    free(r->base_url);
    free(r->ticket);
    free(r->contract_file);
    free(r->contract_version);
    free(r->contract_sha);
    free(r->restore_message);
    free(r->fatal);
    free(r);
}

char *spp_report_redact(const struct spp_report *r, const char *s, size_t len, size_t *out_len)
{
    if (!s)
        return NULL;
    size_t mlen = strlen(SPP_REDACTED);
    size_t hits = 0;
    if (r && r->secret_len)
        for (size_t i = 0; i + r->secret_len <= len; i++)
            if (memcmp(s + i, r->secret, r->secret_len) == 0) {
                hits++;
                i += r->secret_len - 1;
            }
    size_t extra = hits && mlen > r->secret_len ? hits * (mlen - r->secret_len) : 0;
    char *out = malloc(len + extra + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (hits && i + r->secret_len <= len && memcmp(s + i, r->secret, r->secret_len) == 0) {
            memcpy(out + o, SPP_REDACTED, mlen);
            o += mlen;
            i += r->secret_len;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 when it is not one. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        return 0; /* overlong or a surrogate */
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))
        return 0;
    return len;
}

char *spp_report_utf8(const char *s, size_t len, size_t *out_len)
{
    /* Worst case every byte becomes the 3 bytes of U+FFFD. */
    if (!s || len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(p + i, len - i);
        if (n) {
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

/* A string as the report keeps it: the secret redacted, valid UTF-8. */
static char *clean(const struct spp_report *r, const char *s)
{
    if (!s)
        return NULL;
    size_t len = 0;
    char *red = spp_report_redact(r, s, strlen(s), &len);
    char *out = red ? spp_report_utf8(red, len, NULL) : NULL;
    free(red);
    return out;
}

void spp_report_set_run(struct spp_report *r, const char *tool_version, uint64_t seed,
                        const char *base_url, bool embedded_mock, const char *ticket)
{
    free(r->tool_version);
    free(r->base_url);
    free(r->ticket);
    r->tool_version = dup_or_null(tool_version);
    r->base_url = clean(r, base_url);
    r->ticket = clean(r, ticket);
    r->seed = seed;
    r->embedded_mock = embedded_mock;
}

void spp_report_set_contract(struct spp_report *r, const char *file, const char *version,
                             const char *sha256)
{
    free(r->contract_file);
    free(r->contract_version);
    free(r->contract_sha);
    r->contract_file = dup_or_null(file);
    r->contract_version = dup_or_null(version);
    r->contract_sha = dup_or_null(sha256);
}

void spp_report_set_enabled(struct spp_report *r, const bool enabled[SPP_CHECK_COUNT])
{
    memcpy(r->enabled, enabled, sizeof(r->enabled));
}

static const char *version_label(const struct vsection *s)
{
    return s->requested ? s->requested : "default";
}

enum spp_code spp_report_load_known(struct spp_report *r, const char *path, struct spp_err *err)
{
    struct spp_json_doc *doc = NULL;
    enum spp_code rc = spp_json_parse_file(path, NULL, &doc, err);
    if (rc != SPP_OK)
        return rc;
    const struct spp_json *root = spp_json_doc_root(doc);
    const struct spp_json *list = spp_json_get(root, "known_failures");
    if (spp_json_kind(list) != SPP_JSON_ARRAY) {
        spp_json_doc_free(doc);
        spp_err_where(err, path);
        return spp_err_set(err, SPP_EINVAL,
                           "%s: expected {\"known_failures\": [{\"key\": ..., \"version\": ...}]}",
                           path);
    }
    size_t n = spp_json_count(list), i = 0;
    struct known *k = calloc(n ? n : 1, sizeof(*k));
    if (!k) {
        spp_json_doc_free(doc);
        return spp_err_set(err, SPP_ENOMEM, "out of memory reading %s", path);
    }
    for (const struct spp_json *e = spp_json_first(list); e; e = spp_json_next(e), i++) {
        const char *key = spp_json_string(spp_json_get(e, "key"), NULL);
        const struct spp_json *ver = spp_json_get(e, "version");
        if (!key || (ver && spp_json_kind(ver) != SPP_JSON_STRING)) {
            for (size_t j = 0; j < i; j++) {
                free(k[j].key);
                free(k[j].version);
            }
            free(k);
            spp_json_doc_free(doc);
            spp_err_where(err, path);
            return spp_err_set(err, SPP_EINVAL,
                               "%s: known_failures[%zu] needs a string \"key\" (and an optional "
                               "string \"version\")",
                               path, i);
        }
        k[i].key = strdup(key);
        const char *vs = spp_json_string(ver, NULL);
        k[i].version = vs && strcmp(vs, "*") != 0 ? strdup(vs) : NULL;
    }
    spp_json_doc_free(doc);
    r->known = k;
    r->nknown = n;
    return SPP_OK;
}

size_t spp_report_begin_version(struct spp_report *r, const char *requested,
                                const char *contract_file, const char *contract_version,
                                bool default_contract)
{
    struct vsection *nv = realloc(r->versions, (r->nversions + 1) * sizeof(*nv));
    if (!nv)
        return r->nversions ? r->nversions - 1 : 0; /* degrade: merge into the last section */
    r->versions = nv;
    struct vsection *s = &r->versions[r->nversions];
    memset(s, 0, sizeof(*s));
    s->requested = dup_or_null(requested);
    s->contract_file = dup_or_null(contract_file);
    s->contract_version = dup_or_null(contract_version);
    s->default_contract = default_contract;
    return r->nversions++;
}

void spp_report_set_reported_version(struct spp_report *r, size_t v, const char *reported)
{
    if (v >= r->nversions || !reported)
        return;
    free(r->versions[v].reported);
    r->versions[v].reported = clean(r, reported);
}

void spp_report_note(struct spp_report *r, size_t v, enum spp_check_id id, const char *note)
{
    if (v >= r->nversions)
        return;
    free(r->versions[v].notes[id]);
    r->versions[v].notes[id] = dup_or_null(note);
}

void spp_report_generalize(const char *pointer, char *out, size_t cap)
{
    size_t o = 0;
    const char *p = pointer ? pointer : "";
    while (*p && o + 1 < cap) {
        if (*p == '/') {
            out[o++] = *p++;
            const char *q = p;
            while (*q >= '0' && *q <= '9')
                q++;
            if (q > p && (*q == '/' || *q == '\0')) {
                if (o + 1 < cap)
                    out[o++] = '*';
                p = q;
            }
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
}

static bool is_known(const struct spp_report *r, const struct vsection *s, const char *key)
{
    for (size_t i = 0; i < r->nknown; i++)
        if (strcmp(r->known[i].key, key) == 0 &&
            (!r->known[i].version || strcmp(r->known[i].version, version_label(s)) == 0))
            return true;
    return false;
}

static struct group *find_group(struct vsection *s, const char *key)
{
    for (size_t i = 0; i < s->ngroups; i++)
        if (strcmp(s->groups[i].key, key) == 0)
            return &s->groups[i];
    return NULL;
}

bool spp_report_outcome(struct spp_report *r, size_t v, enum spp_check_id id, bool passed,
                        const char *message, const struct spp_check_location *loc,
                        const struct spp_report_exchange *ex)
{
    if (v >= r->nversions || (unsigned)id >= SPP_CHECK_COUNT)
        return false;
    struct vsection *s = &r->versions[v];
    s->last_group = NULL;
    if (passed) {
        s->passed[id]++;
        return false;
    }
    char inst[SPP_JSON_POINTER_MAX * 2];
    spp_report_generalize(loc && loc->instance_location ? loc->instance_location : "", inst,
                          sizeof(inst));
    /* The key is made of the cleaned parts, so what the report shows is what matches. */
    char *cinst = clean(r, inst);
    char *cabs =
        clean(r, loc && loc->absolute_keyword_location ? loc->absolute_keyword_location : "");
    size_t klen = cinst && cabs ? strlen(spp_check_name(id)) + strlen(cinst) + strlen(cabs) + 3 : 0;
    char *key = klen ? malloc(klen) : NULL;
    if (!key) {
        free(cinst);
        free(cabs);
        return false;
    }
    snprintf(key, klen, "%s|%s|%s", spp_check_name(id), cinst, cabs);
    bool known = is_known(r, s, key);
    if (id == SPP_CHECK_RESPONSE_SCHEMA && loc)
        spp_compliance_violation(s->compliance, loc->absolute_keyword_location, message, key);
    if (known)
        s->known[id]++;
    else
        s->failed[id]++;

    struct group *g = find_group(s, key);
    if (!g) {
        if (s->ngroups == s->capgroups) {
            size_t ncap = s->capgroups ? s->capgroups * 2 : 16;
            struct group *ng = realloc(s->groups, ncap * sizeof(*ng));
            if (!ng) {
                free(key);
                free(cinst);
                free(cabs);
                return false;
            }
            s->groups = ng;
            s->capgroups = ncap;
        }
        g = &s->groups[s->ngroups++];
        memset(g, 0, sizeof(*g));
        g->key = key;
        g->check = id;
        g->instance = cinst;
        g->absolute = cabs;
        g->message = clean(r, message);
        g->known = known;
    } else {
        free(key);
        free(cinst);
        free(cabs);
    }
    g->count++;
    s->last_group = g;

    if (s->nfailures >= SPP_REPORT_MAX_FAILURES) {
        s->dropped++;
    } else {
        if (s->nfailures == s->capfailures) {
            size_t ncap = s->capfailures ? s->capfailures * 2 : 32;
            struct failure *nf = realloc(s->failures, ncap * sizeof(*nf));
            if (!nf) {
                s->dropped++;
                return g->nexamples < SPP_REPORT_GROUP_EXAMPLES;
            }
            s->failures = nf;
            s->capfailures = ncap;
        }
        struct failure *f = &s->failures[s->nfailures++];
        memset(f, 0, sizeof(*f));
        f->check = id;
        f->known = known;
        f->message = clean(r, message);
        f->method = clean(r, ex ? ex->method : NULL);
        f->path = clean(r, ex ? ex->path : NULL);
        f->status = ex ? ex->status : 0;
        f->case_path = clean(r, ex ? ex->case_path : NULL);
        if (loc) {
            f->instance = clean(r, loc->instance_location);
            f->keyword = clean(r, loc->keyword_location);
            f->absolute = clean(r, loc->absolute_keyword_location);
        }
    }
    return g->nexamples < SPP_REPORT_GROUP_EXAMPLES;
}

void spp_report_attach_case(struct spp_report *r, size_t v, const char *case_path)
{
    if (v >= r->nversions || !case_path)
        return;
    struct vsection *s = &r->versions[v];
    if (s->nfailures && !s->failures[s->nfailures - 1].case_path)
        s->failures[s->nfailures - 1].case_path = strdup(case_path);
    struct group *g = s->last_group;
    if (g && g->nexamples < SPP_REPORT_GROUP_EXAMPLES)
        g->examples[g->nexamples++] = strdup(case_path);
}

void spp_report_drift(struct spp_report *r, size_t v, const char *instance_location)
{
    if (v >= r->nversions)
        return;
    struct vsection *s = &r->versions[v];
    char loc[SPP_JSON_POINTER_MAX * 2];
    spp_report_generalize(instance_location, loc, sizeof(loc));
    char *cloc = clean(r, loc);
    if (!cloc)
        return;
    for (size_t i = 0; i < s->ndrift; i++)
        if (strcmp(s->drift[i].location, cloc) == 0) {
            s->drift[i].count++;
            free(cloc);
            return;
        }
    if (s->ndrift == s->capdrift) {
        size_t ncap = s->capdrift ? s->capdrift * 2 : 16;
        struct drift *nd = realloc(s->drift, ncap * sizeof(*nd));
        if (!nd) {
            free(cloc);
            return;
        }
        s->drift = nd;
        s->capdrift = ncap;
    }
    s->drift[s->ndrift].location = cloc;
    s->drift[s->ndrift].count = 1;
    s->ndrift++;
}

void spp_report_finish(struct spp_report *r, size_t requests, enum spp_restore restored,
                       const char *restore_message, bool interrupted, const char *fatal)
{
    r->finished = time(NULL);
    r->requests = requests;
    r->restored = restored;
    free(r->restore_message);
    free(r->fatal);
    r->restore_message = clean(r, restore_message);
    r->fatal = clean(r, fatal);
    r->interrupted = interrupted;
}

size_t spp_report_failure_count(const struct spp_report *r, size_t *known)
{
    size_t failed = 0, k = 0;
    for (size_t v = 0; v < r->nversions; v++)
        for (int i = 0; i < SPP_CHECK_COUNT; i++) {
            failed += r->versions[v].failed[i];
            k += r->versions[v].known[i];
        }
    if (known)
        *known = k;
    return failed;
}

bool spp_report_failed(const struct spp_report *r)
{
    return spp_report_failure_count(r, NULL) > 0;
}

/* ---- JSON ---------------------------------------------------------------- */

static void put_str(struct spp_json *o, const char *k, const char *v)
{
    spp_json_set(o, k, v ? spp_json_new_string(v) : spp_json_new_null());
}

static void put_num(struct spp_json *o, const char *k, double v)
{
    spp_json_set(o, k, spp_json_new_number(v));
}

static void put_time(struct spp_json *o, const char *k, time_t t)
{
    char buf[32];
    struct tm tm;
    if (t && gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
        put_str(o, k, buf);
    else
        put_str(o, k, NULL);
}

static struct spp_json *version_json(const struct spp_report *r, const struct vsection *s)
{
    struct spp_json *o = spp_json_new_object();
    put_str(o, "requested", s->requested);
    put_str(o, "reported", s->reported);
    struct spp_json *c = spp_json_new_object();
    put_str(c, "file", s->contract_file);
    put_str(c, "version", s->contract_version);
    spp_json_set(c, "default", spp_json_new_bool(s->default_contract));
    spp_json_set(o, "contract", c);

    struct spp_json *checks = spp_json_new_array();
    for (int i = 0; i < SPP_CHECK_COUNT; i++) {
        struct spp_json *ck = spp_json_new_object();
        put_str(ck, "name", spp_check_name((enum spp_check_id)i));
        spp_json_set(ck, "enabled", spp_json_new_bool(r->enabled[i]));
        put_num(ck, "passed", (double)s->passed[i]);
        put_num(ck, "failed", (double)s->failed[i]);
        put_num(ck, "known", (double)s->known[i]);
        if (s->notes[i])
            put_str(ck, "note", s->notes[i]);
        spp_json_append(checks, ck);
    }
    spp_json_set(o, "checks", checks);

    struct spp_json *fails = spp_json_new_array();
    for (size_t i = 0; i < s->nfailures; i++) {
        const struct failure *f = &s->failures[i];
        struct spp_json *fo = spp_json_new_object();
        put_str(fo, "check", spp_check_name(f->check));
        put_str(fo, "method", f->method);
        put_str(fo, "path", f->path);
        put_num(fo, "status", (double)f->status);
        put_str(fo, "message", f->message);
        put_str(fo, "case", f->case_path);
        spp_json_set(fo, "known", spp_json_new_bool(f->known));
        if (f->instance) {
            put_str(fo, "instanceLocation", f->instance);
            put_str(fo, "keywordLocation", f->keyword);
            put_str(fo, "absoluteKeywordLocation", f->absolute);
        }
        spp_json_append(fails, fo);
    }
    spp_json_set(o, "failures", fails);
    put_num(o, "failures_dropped", (double)s->dropped);

    struct spp_json *groups = spp_json_new_array();
    for (size_t i = 0; i < s->ngroups; i++) {
        const struct group *g = &s->groups[i];
        struct spp_json *go = spp_json_new_object();
        put_str(go, "key", g->key);
        put_str(go, "check", spp_check_name(g->check));
        put_str(go, "instanceLocation", g->instance);
        put_str(go, "absoluteKeywordLocation", g->absolute);
        put_str(go, "message", g->message);
        put_num(go, "count", (double)g->count);
        spp_json_set(go, "known", spp_json_new_bool(g->known));
        struct spp_json *ex = spp_json_new_array();
        for (size_t k = 0; k < g->nexamples; k++)
            spp_json_append(ex, spp_json_new_string(g->examples[k]));
        spp_json_set(go, "examples", ex);
        spp_json_append(groups, go);
    }
    spp_json_set(o, "groups", groups);

    struct spp_json *drift = spp_json_new_array();
    for (size_t i = 0; i < s->ndrift; i++) {
        struct spp_json *d = spp_json_new_object();
        put_str(d, "instanceLocation", s->drift[i].location);
        put_num(d, "count", (double)s->drift[i].count);
        spp_json_append(drift, d);
    }
    spp_json_set(o, "drift", drift);
    if (s->compliance)
        spp_json_set(o, "compliance", spp_compliance_to_json(s->compliance));
    return o;
}

struct spp_json *spp_report_to_json(const struct spp_report *r)
{
    struct spp_json *o = spp_json_new_object();
    if (!o)
        return NULL;
    put_num(o, "format_version", SPP_REPORT_FORMAT_VERSION);
    struct spp_json *tool = spp_json_new_object();
    put_str(tool, "name", "spp-harness");
    put_str(tool, "version", r->tool_version);
    spp_json_set(o, "tool", tool);
    struct spp_json *c = spp_json_new_object();
    put_str(c, "file", r->contract_file);
    put_str(c, "version", r->contract_version);
    put_str(c, "sha256", r->contract_sha);
    spp_json_set(o, "contract", c);
    struct spp_json *t = spp_json_new_object();
    put_str(t, "base_url", r->base_url);
    spp_json_set(t, "embedded_mock", spp_json_new_bool(r->embedded_mock));
    put_str(t, "ticket", r->ticket);
    spp_json_set(o, "target", t);
    /* The seed as a string: a 64-bit value does not survive a double. */
    char seed[32];
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)r->seed);
    put_str(o, "seed", seed);
    put_time(o, "started_at", r->started);
    put_time(o, "finished_at", r->finished);
    put_num(o, "requests", (double)r->requests);
    const char *restored = r->restored == SPP_RESTORE_OK       ? "yes"
                           : r->restored == SPP_RESTORE_FAILED ? "no"
                                                               : "not_attempted";
    put_str(o, "restored", restored);
    put_str(o, "restore_message", r->restore_message);
    spp_json_set(o, "interrupted", spp_json_new_bool(r->interrupted));
    put_str(o, "fatal", r->fatal);
    size_t known = 0, failed = spp_report_failure_count(r, &known);
    put_str(o, "verdict", r->fatal || r->interrupted ? "incomplete" : failed ? "fail" : "pass");
    put_num(o, "failed", (double)failed);
    put_num(o, "known_failed", (double)known);
    struct spp_json *vs = spp_json_new_array();
    for (size_t v = 0; v < r->nversions; v++)
        spp_json_append(vs, version_json(r, &r->versions[v]));
    spp_json_set(o, "versions", vs);
    return o;
}

enum spp_code spp_mkdirs(const char *dir, struct spp_err *err)
{
    char buf[4096];
    int w = snprintf(buf, sizeof(buf), "%s", dir);
    if (w < 0 || (size_t)w >= sizeof(buf))
        return spp_err_set(err, SPP_EINVAL, "folder name too long: %.64s...", dir);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                spp_err_where(err, buf);
                return spp_err_set(err, SPP_EIO, "cannot create folder %s: %s", buf,
                                   strerror(errno));
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
    return SPP_OK;
}

enum spp_code spp_write_file(const char *path, const char *data, size_t len, struct spp_err *err)
{
    char tmp[4096];
    int w = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (w < 0 || (size_t)w >= sizeof(tmp))
        return spp_err_set(err, SPP_EINVAL, "file name too long");
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        spp_err_where(err, path);
        return spp_err_set(err, SPP_EIO, "cannot write %s: %s", path, strerror(errno));
    }
    bool ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        spp_err_where(err, path);
        return spp_err_set(err, SPP_EIO, "cannot write %s", path);
    }
    return SPP_OK;
}

enum spp_code spp_report_write(const struct spp_report *r, const char *dir, struct spp_err *err)
{
    enum spp_code rc = spp_mkdirs(dir, err);
    if (rc != SPP_OK)
        return rc;
    struct spp_json *j = spp_report_to_json(r);
    size_t len = 0;
    char *text = j ? spp_json_print(j, true, &len) : NULL;
    spp_json_free(j);
    if (!text)
        return spp_err_set(err, SPP_ENOMEM, "out of memory writing the report");
    char path[4096];
    snprintf(path, sizeof(path), "%s/report.json", dir);
    rc = spp_write_file(path, text, len, err);
    free(text);
    return rc;
}

void spp_report_compliance_init(struct spp_report *r, size_t v, const struct spp_json *contract_doc)
{
    if (v >= r->nversions || r->versions[v].compliance)
        return;
    r->versions[v].compliance = spp_compliance_new(contract_doc, "TicketResource");
}

void spp_report_evaluated(struct spp_report *r, size_t v, const char *const *locations, size_t n)
{
    if (v < r->nversions)
        spp_compliance_evaluated(r->versions[v].compliance, locations, n);
}

void spp_report_check_counts(const struct spp_report *r, size_t v, enum spp_check_id id,
                             size_t *passed, size_t *failed, size_t *known)
{
    bool ok = v < r->nversions && (unsigned)id < SPP_CHECK_COUNT;
    if (passed)
        *passed = ok ? r->versions[v].passed[id] : 0;
    if (failed)
        *failed = ok ? r->versions[v].failed[id] : 0;
    if (known)
        *known = ok ? r->versions[v].known[id] : 0;
}

const char *spp_report_first_failure(const struct spp_report *r, size_t v, enum spp_check_id id)
{
    if (v >= r->nversions)
        return NULL;
    for (size_t i = 0; i < r->versions[v].nfailures; i++)
        if (r->versions[v].failures[i].check == id)
            return r->versions[v].failures[i].message;
    return NULL;
}
