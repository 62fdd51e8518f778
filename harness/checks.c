/*
 * checks — the registry of named checks and the judges (see checks.h).
 *
 * The judges read parsed JSON through json.h and validate through schema.h;
 * they keep no state: the engine passes in what came before (the ticket as
 * last seen) and what was sent.
 */
#include "checks.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "headers.h"

static const char *const check_names[] = {
#define SPP_X_CHECK(id, name, def, desc) name,
    SPP_CHECK_LIST(SPP_X_CHECK)
#undef SPP_X_CHECK
};
static const char *const check_descs[] = {
#define SPP_X_CHECK(id, name, def, desc) desc,
    SPP_CHECK_LIST(SPP_X_CHECK)
#undef SPP_X_CHECK
};
static const bool check_defaults[] = {
#define SPP_X_CHECK(id, name, def, desc) def,
    SPP_CHECK_LIST(SPP_X_CHECK)
#undef SPP_X_CHECK
};

const char *spp_check_name(enum spp_check_id id)
{
    return (unsigned)id < SPP_CHECK_COUNT ? check_names[id] : "unknown";
}

const char *spp_check_description(enum spp_check_id id)
{
    return (unsigned)id < SPP_CHECK_COUNT ? check_descs[id] : "";
}

bool spp_check_default_enabled(enum spp_check_id id)
{
    return (unsigned)id < SPP_CHECK_COUNT && check_defaults[id];
}

bool spp_check_lookup(const char *name, enum spp_check_id *out)
{
    for (int i = 0; i < SPP_CHECK_COUNT; i++)
        if (strcmp(check_names[i], name) == 0) {
            *out = (enum spp_check_id)i;
            return true;
        }
    return false;
}

static void emit(const struct spp_judge_config *cfg, const struct spp_check_sink *sink,
                 enum spp_check_id id, bool passed, const char *msg,
                 const struct spp_check_location *loc)
{
    if (cfg->enabled[id])
        sink->outcome(sink->ud, id, passed, msg, loc);
}

static void emit_at(const struct spp_judge_config *cfg, const struct spp_check_sink *sink,
                    enum spp_check_id id, const char *pointer, const char *msg)
{
    struct spp_check_location loc = {pointer, "", ""};
    emit(cfg, sink, id, false, msg, &loc);
}

/* ---- stateless ------------------------------------------------------------ */

static bool documented(const struct spp_judge_config *cfg, long status)
{
    for (size_t i = 0; i < cfg->ndocumented; i++)
        if (cfg->documented[i] == status)
            return true;
    return false;
}

/* The documented response form of X-Api-Version: a valid date written yyyymmdd. */
static bool is_compact_version(const char *v)
{
    uint32_t date;
    enum spp_api_version_form form;
    return spp_headers_parse_api_version(v, strlen(v), &date, &form, NULL) == SPP_OK &&
           form == SPP_API_VERSION_COMPACT;
}

static void judge_headers(const struct spp_judge_config *cfg, const struct spp_exchange *ex,
                          const struct spp_check_sink *sink)
{
    char msg[256];
    if (!ex->api_identifier) {
        emit(cfg, sink, SPP_CHECK_RESPONSE_HEADERS, false, "X-Api-Identifier header missing", NULL);
    } else if (!spp_format_is_uuid(ex->api_identifier, strlen(ex->api_identifier))) {
        snprintf(msg, sizeof(msg), "X-Api-Identifier \"%.64s\" is not a UUID", ex->api_identifier);
        emit(cfg, sink, SPP_CHECK_RESPONSE_HEADERS, false, msg, NULL);
    } else if (!ex->api_version) {
        emit(cfg, sink, SPP_CHECK_RESPONSE_HEADERS, false, "X-Api-Version header missing", NULL);
    } else if (!is_compact_version(ex->api_version)) {
        snprintf(msg, sizeof(msg), "X-Api-Version \"%.64s\" is not a yyyymmdd date",
                 ex->api_version);
        emit(cfg, sink, SPP_CHECK_RESPONSE_HEADERS, false, msg, NULL);
    } else {
        emit(cfg, sink, SPP_CHECK_RESPONSE_HEADERS, true, NULL, NULL);
    }
}

static void judge_schema(const struct spp_judge_config *cfg, const struct spp_exchange *ex,
                         const struct spp_check_sink *sink, struct spp_json_doc **body_out)
{
    struct spp_err err;
    struct spp_json_doc *doc = NULL;
    char msg[SPP_ERR_MSG_MAX + 64];
    if (spp_json_parse(ex->body ? ex->body : "", ex->body_len, NULL, &doc, &err) != SPP_OK) {
        snprintf(msg, sizeof(msg), "the 200 body is not whole JSON: %s", err.msg);
        emit(cfg, sink, SPP_CHECK_RESPONSE_SCHEMA, false, msg, NULL);
        return;
    }
    bool ok = true;
    size_t nissues = 0;
    const struct spp_json_issue *issues = spp_json_doc_issues(doc, &nissues, NULL);
    for (size_t i = 0; i < nissues; i++) {
        snprintf(msg, sizeof(msg), "JSON policy: %s", spp_json_issue_message(issues[i].kind));
        emit_at(cfg, sink, SPP_CHECK_RESPONSE_SCHEMA, issues[i].pointer, msg);
        ok = false;
    }
    struct spp_schema_result res;
    enum spp_code rc =
        spp_schema_validate(cfg->schema, cfg->ticket_node, spp_json_doc_root(doc), &res);
    for (size_t i = 0; i < res.count; i++) {
        const struct spp_schema_error *e = &res.errors[i];
        struct spp_check_location loc = {e->instance_location, e->keyword_location,
                                         e->absolute_keyword_location};
        emit(cfg, sink, SPP_CHECK_RESPONSE_SCHEMA, false, e->message, &loc);
        ok = false;
    }
    if (res.dropped) {
        snprintf(msg, sizeof(msg), "%zu more schema errors in this body not listed", res.dropped);
        emit(cfg, sink, SPP_CHECK_RESPONSE_SCHEMA, false, msg, NULL);
    }
    if (rc != SPP_OK && ok) {
        emit(cfg, sink, SPP_CHECK_RESPONSE_SCHEMA, false, "the validator could not finish", NULL);
        ok = false;
    }
    if (sink->evaluated && res.n_evaluated_schemas)
        sink->evaluated(sink->ud, res.evaluated_schemas, res.n_evaluated_schemas);
    spp_schema_result_free(&res);
    if (ok)
        emit(cfg, sink, SPP_CHECK_RESPONSE_SCHEMA, true, NULL, NULL);
    *body_out = doc;
}

void spp_judge_exchange(const struct spp_judge_config *cfg, const struct spp_exchange *ex,
                        const struct spp_check_sink *sink, struct spp_json_doc **body_out)
{
    char msg[256];
    *body_out = NULL;
    if (!ex->transport_ok) {
        emit(cfg, sink, SPP_CHECK_TRANSPORT, false,
             ex->transport_message ? ex->transport_message : "no complete answer", NULL);
        return;
    }
    emit(cfg, sink, SPP_CHECK_TRANSPORT, true, NULL, NULL);
    if (ex->status >= 500) {
        snprintf(msg, sizeof(msg), "server error HTTP %ld", ex->status);
        emit(cfg, sink, SPP_CHECK_NOT_A_SERVER_ERROR, false, msg, NULL);
        return;
    }
    emit(cfg, sink, SPP_CHECK_NOT_A_SERVER_ERROR, true, NULL, NULL);
    if (documented(cfg, ex->status)) {
        emit(cfg, sink, SPP_CHECK_STATUS_CODE, true, NULL, NULL);
    } else {
        snprintf(msg, sizeof(msg), "HTTP %ld is not a status the contract documents", ex->status);
        emit(cfg, sink, SPP_CHECK_STATUS_CODE, false, msg, NULL);
    }
    if (ex->elapsed_ms > cfg->max_response_ms) {
        snprintf(msg, sizeof(msg), "answered in %.0f ms, more than %.0f ms", ex->elapsed_ms,
                 cfg->max_response_ms);
        emit(cfg, sink, SPP_CHECK_MAX_RESPONSE_TIME, false, msg, NULL);
    } else {
        emit(cfg, sink, SPP_CHECK_MAX_RESPONSE_TIME, true, NULL, NULL);
    }
    switch (ex->expect) {
    case SPP_EXPECT_REJECT:
        if (ex->status >= 400 && ex->status < 500) {
            emit(cfg, sink, SPP_CHECK_NEGATIVE_DATA, true, NULL, NULL);
        } else {
            snprintf(msg, sizeof(msg), "a body that breaks SaveTicketRequest got HTTP %ld, not 4xx",
                     ex->status);
            emit(cfg, sink, SPP_CHECK_NEGATIVE_DATA, false, msg, NULL);
        }
        break;
    case SPP_EXPECT_AUTH:
        if (ex->status == 401) {
            emit(cfg, sink, SPP_CHECK_IGNORED_AUTH, true, NULL, NULL);
        } else {
            snprintf(msg, sizeof(msg), "bad credentials got HTTP %ld, not 401", ex->status);
            emit(cfg, sink, SPP_CHECK_IGNORED_AUTH, false, msg, NULL);
        }
        break;
    case SPP_EXPECT_NOT_FOUND:
        if (ex->status == 404) {
            emit(cfg, sink, SPP_CHECK_NOT_FOUND, true, NULL, NULL);
        } else {
            snprintf(msg, sizeof(msg), "an unknown ticket got HTTP %ld, not 404", ex->status);
            emit(cfg, sink, SPP_CHECK_NOT_FOUND, false, msg, NULL);
        }
        break;
    case SPP_EXPECT_NONE:
        if (ex->schema_valid_body) {
            if (ex->status >= 200 && ex->status < 300) {
                emit(cfg, sink, SPP_CHECK_POSITIVE_DATA, true, NULL, NULL);
            } else {
                snprintf(msg, sizeof(msg), "a schema-valid body got HTTP %ld, not 2xx", ex->status);
                emit(cfg, sink, SPP_CHECK_POSITIVE_DATA, false, msg, NULL);
            }
        }
        break;
    }
    if (ex->status != 200)
        return;
    if (ex->content_type && spp_headers_is_json(ex->content_type, strlen(ex->content_type))) {
        emit(cfg, sink, SPP_CHECK_CONTENT_TYPE, true, NULL, NULL);
    } else {
        snprintf(msg, sizeof(msg), "Content-Type is %s%.100s%s, not application/json",
                 ex->content_type ? "\"" : "", ex->content_type ? ex->content_type : "absent",
                 ex->content_type ? "\"" : "");
        emit(cfg, sink, SPP_CHECK_CONTENT_TYPE, false, msg, NULL);
    }
    judge_headers(cfg, ex, sink);
    judge_schema(cfg, ex, sink, body_out);
}

/* ---- stateful ------------------------------------------------------------- */

/* Both arrays hold the same strings (or numbers), as sets. Small arrays: quadratic is fine. */
static bool same_set(const struct spp_json *a, const struct spp_json *b)
{
    if (spp_json_kind(a) != SPP_JSON_ARRAY || spp_json_kind(b) != SPP_JSON_ARRAY)
        return false;
    for (int pass = 0; pass < 2; pass++) {
        const struct spp_json *x = pass ? b : a, *y = pass ? a : b;
        for (const struct spp_json *e = spp_json_first(x); e; e = spp_json_next(e)) {
            bool found = false;
            for (const struct spp_json *f = spp_json_first(y); f && !found; f = spp_json_next(f))
                found = spp_json_equal(e, f);
            if (!found)
                return false;
        }
    }
    return true;
}

static struct spp_json *employee_ids(const struct spp_json *employees)
{
    struct spp_json *ids = spp_json_new_array();
    for (const struct spp_json *e = spp_json_first(employees); e && ids; e = spp_json_next(e)) {
        const struct spp_json *id = spp_json_get(e, "id");
        spp_json_append(ids, id ? spp_json_clone(id) : spp_json_new_null());
    }
    return ids;
}

static bool is_decimal(const char *s)
{
    if (!s || !*s || strlen(s) > 15) /* beyond 15 digits a double may not hold it exactly */
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

static void judge_fields(const struct spp_judge_config *cfg, const struct spp_json *sent,
                         const struct spp_json *obj, const char *prefix,
                         const struct spp_json *status_map, const struct spp_check_sink *sink)
{
    char ptr[SPP_JSON_POINTER_MAX];
    char msg[256];
    for (const struct spp_json *f = spp_json_first(sent); f; f = spp_json_next(f)) {
        const char *name = spp_json_key(f);
        const struct spp_json *got = NULL;
        bool ok;
        snprintf(ptr, sizeof(ptr), "%s/%s", prefix, name);
        if (strcmp(name, "subject") == 0) {
            got = spp_json_get(obj, "subject");
            ok = spp_json_equal(got, f);
        } else if (strcmp(name, "tags") == 0) {
            got = spp_json_get(obj, "tags");
            ok = same_set(got, f);
        } else if (strcmp(name, "employees") == 0) {
            struct spp_json *ids = employee_ids(spp_json_get(obj, "employees"));
            ok = same_set(ids, f);
            spp_json_free(ids);
        } else if (strcmp(name, "order") == 0) {
            const char *s = spp_json_string(f, NULL);
            if (!is_decimal(s))
                continue; /* only a decimal order id maps onto order_id */
            snprintf(ptr, sizeof(ptr), "%s/order_id", prefix);
            got = spp_json_get(obj, "order_id");
            ok = spp_json_kind(got) == SPP_JSON_NUMBER && spp_json_number(got) == strtod(s, NULL);
        } else if (strcmp(name, "status") == 0) {
            if (!status_map || spp_json_kind(f) != SPP_JSON_NUMBER)
                continue; /* not judged without --status-map (the report says so) */
            char id[32];
            snprintf(id, sizeof(id), "%.0f", spp_json_number(f));
            const struct spp_json *want = spp_json_get(status_map, id);
            if (!want)
                continue;
            got = spp_json_get(obj, "status");
            ok = spp_json_equal(got, want);
        } else {
            continue; /* metadata and unknown fields: not judged */
        }
        if (ok) {
            emit(cfg, sink, SPP_CHECK_UPDATE_APPLIED, true, NULL, NULL);
        } else {
            snprintf(msg, sizeof(msg), "sent \"%s\" but the response does not reflect it", name);
            emit_at(cfg, sink, SPP_CHECK_UPDATE_APPLIED, ptr, msg);
        }
    }
}

void spp_judge_update_applied(const struct spp_judge_config *cfg, const struct spp_json *sent,
                              const struct spp_json *after, const struct spp_json *status_map,
                              const struct spp_check_sink *sink)
{
    if (spp_json_kind(sent) != SPP_JSON_OBJECT || spp_json_kind(after) != SPP_JSON_OBJECT)
        return;
    judge_fields(cfg, sent, after, "", status_map, sink);
    const struct spp_json *nested = spp_json_get(after, "ticket");
    if (spp_json_kind(nested) == SPP_JSON_OBJECT)
        judge_fields(cfg, sent, nested, "/ticket", status_map, sink);
}

/* Which response members a request field may change. */
static bool touched_by(const struct spp_json *sent, const char *member)
{
    static const struct {
        const char *field, *member;
    } map[] = {
        {"subject", "subject"},   {"tags", "tags"},   {"employees", "employees"},
        {"order", "order_id"},    {"order", "order"}, {"status", "status"},
        {"metadata", "metadata"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].member, member) == 0 && spp_json_get(sent, map[i].field))
            return true;
    return false;
}

static bool is_volatile(const char *name, const char *volatile_names)
{
    size_t n = strlen(name);
    for (const char *p = volatile_names; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

/* At most this many changed locations are reported per answer; one broken field is enough. */
#define OMITTED_MAX_REPORTS 16

struct diff {
    const struct spp_judge_config *cfg;
    const struct spp_check_sink *sink;
    const char *volatile_names;
    size_t reported;
    char ptr[SPP_JSON_POINTER_MAX * 2];
};

static void report_change(struct diff *d, const char *what)
{
    if (d->reported++ >= OMITTED_MAX_REPORTS)
        return;
    char msg[SPP_JSON_POINTER_MAX * 2 + 64];
    snprintf(msg, sizeof(msg), "%s although the request did not send it", what);
    emit_at(d->cfg, d->sink, SPP_CHECK_OMITTED_UNCHANGED, d->ptr, msg);
}

static void diff_values(struct diff *d, const struct spp_json *a, const struct spp_json *b,
                        size_t depth)
{
    if (depth > SPP_JSON_DEFAULT_MAX_DEPTH)
        return;
    if (spp_json_kind(a) != spp_json_kind(b)) {
        report_change(d, "changed type");
        return;
    }
    size_t keep = strlen(d->ptr);
    if (spp_json_kind(a) == SPP_JSON_OBJECT) {
        for (const struct spp_json *m = spp_json_first(a); m; m = spp_json_next(m)) {
            const char *k = spp_json_key(m);
            if (is_volatile(k, d->volatile_names))
                continue;
            spp_json_pointer_push(d->ptr, sizeof(d->ptr), k);
            const struct spp_json *o = spp_json_get(b, k);
            if (!o)
                report_change(d, "disappeared");
            else
                diff_values(d, m, o, depth + 1);
            d->ptr[keep] = '\0';
        }
        for (const struct spp_json *m = spp_json_first(b); m; m = spp_json_next(m)) {
            const char *k = spp_json_key(m);
            if (is_volatile(k, d->volatile_names) || spp_json_get(a, k))
                continue;
            spp_json_pointer_push(d->ptr, sizeof(d->ptr), k);
            report_change(d, "appeared");
            d->ptr[keep] = '\0';
        }
    } else if (spp_json_kind(a) == SPP_JSON_ARRAY) {
        if (spp_json_count(a) != spp_json_count(b)) {
            report_change(d, "changed length");
            return;
        }
        size_t i = 0;
        const struct spp_json *y = spp_json_first(b);
        for (const struct spp_json *x = spp_json_first(a); x; x = spp_json_next(x), i++) {
            spp_json_pointer_push_index(d->ptr, sizeof(d->ptr), i);
            diff_values(d, x, y, depth + 1);
            d->ptr[keep] = '\0';
            y = spp_json_next(y);
        }
    } else if (!spp_json_equal(a, b)) {
        report_change(d, "changed");
    }
}

/* Compares one ticket object (the top level or the nested copy), skipping sent members. */
static void diff_ticket(struct diff *d, const struct spp_json *sent, const struct spp_json *before,
                        const struct spp_json *after, const char *where)
{
    char prefix[sizeof(d->ptr)]; /* where may be d->ptr itself, rewritten below */
    snprintf(prefix, sizeof(prefix), "%s", where);
    for (int pass = 0; pass < 2; pass++) {
        const struct spp_json *x = pass ? after : before, *y = pass ? before : after;
        for (const struct spp_json *m = spp_json_first(x); m; m = spp_json_next(m)) {
            const char *k = spp_json_key(m);
            if (touched_by(sent, k) || is_volatile(k, d->volatile_names))
                continue;
            snprintf(d->ptr, sizeof(d->ptr), "%s", prefix);
            spp_json_pointer_push(d->ptr, sizeof(d->ptr), k);
            const struct spp_json *o = spp_json_get(y, k);
            if (!o)
                report_change(d, pass ? "appeared" : "disappeared");
            else if (pass == 0 && strcmp(k, "ticket") == 0 && spp_json_kind(m) == SPP_JSON_OBJECT &&
                     spp_json_kind(o) == SPP_JSON_OBJECT)
                diff_ticket(d, sent, m, o, d->ptr);
            else if (pass == 0)
                diff_values(d, m, o, 1);
        }
    }
}

void spp_judge_omitted_unchanged(const struct spp_judge_config *cfg, const struct spp_json *sent,
                                 const struct spp_json *before, const struct spp_json *after,
                                 const char *volatile_names, const struct spp_check_sink *sink)
{
    if (spp_json_kind(before) != SPP_JSON_OBJECT || spp_json_kind(after) != SPP_JSON_OBJECT)
        return;
    struct diff d = {cfg, sink, volatile_names ? volatile_names : SPP_DEFAULT_VOLATILE, 0, ""};
    diff_ticket(&d, sent, before, after, "");
    if (d.reported == 0)
        emit(cfg, sink, SPP_CHECK_OMITTED_UNCHANGED, true, NULL, NULL);
}
