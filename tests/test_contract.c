/*
 * test_contract — proves contracts/tickets.openapi.json complete against the seed.
 *
 * How: the test reads the byte-exact copy of the API reference
 * (contracts/seed/tickets-update-api.md) and parses its markdown itself: every
 * `| Parameter | Type | ... |` table under its nearest heading, the level-2
 * section (Request / Responses), the status heading (### 200) it sits in, and
 * whether it is the first table after a "Body" heading. Each table is mapped to
 * its target (a component schema, the path parameters, the request headers or
 * a response's headers) by the fixed mapping in SCHEMA_TABLES, and each seed
 * type to the schema the contract must carry (expected_schema). The checker,
 * contract_check(), compares both directions — every seed field is in the
 * contract with the same type, format, nullability, required flag and
 * description, and the contract has nothing the seed lacks — and records every
 * mismatch as a sentence naming the field ("Address.postcode: required in the
 * seed, optional in the contract"). Each Test runs it for one concern; the
 * checker tests run it against deliberately broken in-memory copies of the
 * contract to prove it can fail.
 *
 * Types are compared on a "shape": the schema reduced to type, format, $ref,
 * items and anyOf (annotations such as description and examples are checked
 * separately). conform() is a deliberately tiny structural check of the test
 * fixtures (type, format date-time, required, properties, items, $ref, anyOf —
 * the keywords this contract uses); it is not the project's validator.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define CONTRACT_PATH SPP_CONTRACTS_DIR "/tickets.openapi.json"
#define SEED_PATH     SPP_CONTRACTS_DIR "/seed/tickets-update-api.md"

/* The seed is ~19 KB; a megabyte means the wrong file, not a bigger API. */
#define SEED_MAX_BYTES ((size_t)1 << 20)
/* The seed has 19 tables, the largest (Role) 36 rows: room to grow, bounded. */
#define SEED_MAX_TABLES   32
#define SEED_MAX_ROWS     64
#define SEED_MAX_COLS     8
#define SEED_MAX_STATUSES 16
#define SEED_NAME_MAX     64
/* The longest seed cell (Role.settings' description) is ~170 bytes. */
#define SEED_CELL_MAX 256
/* Shapes are at most array-of-anyOf deep; 16 is far beyond any real nesting. */
#define SHAPE_MAX_DEPTH 16
/* The fixture's deepest path is ~10 levels; 64 stops a runaway $ref cycle. */
#define CONFORM_MAX_DEPTH 64
#define FINDINGS_CAP      512
#define FINDING_MAX       320

/* ---- the seed ------------------------------------------------------------- */

struct seed_row {
    char name[SEED_NAME_MAX]; /* as written, "employees[]" included */
    char type[SEED_NAME_MAX]; /* unescaped: string<date-time> */
    char desc[SEED_CELL_MAX];
    char example[SEED_CELL_MAX]; /* between the backticks */
    bool has_example;
    bool required;
};

struct seed_table {
    char heading[SEED_NAME_MAX];
    char section[SEED_NAME_MAX]; /* level-2 heading: "Request" or "Responses" */
    char status[SEED_NAME_MAX];  /* level-3 heading inside Responses ("200"), else "" */
    char media_type[SEED_NAME_MAX];
    bool is_body; /* the first table after a "Body" heading */
    bool has_required_col;
    size_t line; /* 1-based line of the header row */
    size_t nrows;
    struct seed_row rows[SEED_MAX_ROWS];
};

struct seed {
    char method[16]; /* lower case: "put" */
    char path[SEED_CELL_MAX];
    bool bearer;
    size_t ntables;
    struct seed_table tables[SEED_MAX_TABLES];
    size_t nstatuses;
    char statuses[SEED_MAX_STATUSES][8];
};

enum table_role {
    ROLE_UNKNOWN,
    ROLE_SCHEMA,
    ROLE_PATH_PARAMS,
    ROLE_REQUEST_HEADERS,
    ROLE_RESPONSE_HEADERS,
};

/* Seed table heading → component; the forced mapping of the contract README. */
struct table_map {
    const char *heading;
    const char *component;
};

static const struct table_map SCHEMA_TABLES[] = {
    {"TicketResource", "TicketResource"},
    {"employees array object", "TicketEmployee"},
    {"Message", "Message"},
    {"IndexOrder", "IndexOrder"},
    {"client (User)", "User"},
    {"Address", "Address"},
    {"Role", "Role"},
    {"UserManager", "UserManager"},
    {"Subscription", "Subscription"},
    {"Invoice", "Invoice"},
    {"InvoiceItem", "InvoiceItem"},
    {"Service", "Service"},
    {"Rating", "Rating"},
    {"addons array object", "Addon"},
    {"Links", "Links"},
    {"SaveTicketRequest", "SaveTicketRequest"},
};
#define N_SCHEMA_TABLES (sizeof SCHEMA_TABLES / sizeof SCHEMA_TABLES[0])

/* array[object] fields whose item object has its own seed table. */
static const struct {
    const char *component, *field, *items;
} OWN_ITEMS[] = {
    {"TicketResource", "employees", "TicketEmployee"},
    {"IndexOrder", "addons", "Addon"},
};

/* 16 schema tables + path parameters + request headers + the 200 response headers. */
#define SEED_EXPECTED_TABLES 19

static void copy_bounded(char *dst, size_t cap, const char *src, size_t len)
{
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Splits one table line into trimmed, unescaped cells ("\<" is "<", "\|" a
 * literal bar). A cell longer than SEED_CELL_MAX or more than max cells is
 * SPP_ELIMIT; lineno goes into the message.
 */
static enum spp_code split_cells(const char *line, size_t len, char cells[][SEED_CELL_MAX],
                                 size_t max, size_t *ncells, size_t lineno, struct spp_err *err)
{
    size_t i = 0, n = 0;
    while (i < len && is_space(line[i]))
        i++;
    if (i < len && line[i] == '|')
        i++;
    while (i < len) {
        char buf[SEED_CELL_MAX];
        size_t b = 0;
        bool closed = false;
        for (; i < len; i++) {
            char c = line[i];
            if (c == '|') {
                closed = true;
                i++;
                break;
            }
            if (c == '\\' && i + 1 < len)
                c = line[++i];
            if (b + 1 >= sizeof buf)
                return spp_err_set(err, SPP_ELIMIT, "seed line %zu: a cell is longer than %d bytes",
                                   lineno, SEED_CELL_MAX - 1);
            buf[b++] = c;
        }
        size_t s = 0;
        while (s < b && is_space(buf[s]))
            s++;
        while (b > s && is_space(buf[b - 1]))
            b--;
        if (!closed && b == s)
            break; /* nothing after the last bar */
        if (n == max)
            return spp_err_set(err, SPP_ELIMIT, "seed line %zu: more than %zu cells", lineno, max);
        copy_bounded(cells[n++], SEED_CELL_MAX, buf + s, b - s);
    }
    *ncells = n;
    return SPP_OK;
}

static int column_of(char cells[][SEED_CELL_MAX], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cells[i], name) == 0)
            return (int)i;
    return -1;
}

static bool is_status(const char *s)
{
    return strlen(s) == 3 && s[0] >= '1' && s[0] <= '5' && s[1] >= '0' && s[1] <= '9' &&
           s[2] >= '0' && s[2] <= '9';
}

struct line_iter {
    const char *buf;
    size_t len, pos, lineno;
};

static bool next_line(struct line_iter *it, const char **line, size_t *len, size_t *start)
{
    if (it->pos >= it->len)
        return false;
    const char *p = it->buf + it->pos;
    const char *nl = memchr(p, '\n', it->len - it->pos);
    size_t n = nl ? (size_t)(nl - p) : it->len - it->pos;
    *start = it->pos;
    it->pos += n + (nl ? 1 : 0);
    it->lineno++;
    while (n > 0 && p[n - 1] == '\r')
        n--;
    *line = p;
    *len = n;
    return true;
}

/* The text of a line that is one `code span`, or false. */
static bool code_span(const char *line, size_t len, char *out, size_t cap)
{
    if (len < 2 || line[0] != '`' || line[len - 1] != '`')
        return false;
    copy_bounded(out, cap, line + 1, len - 2);
    return true;
}

/* Parses one table whose header row is `line`; leaves the iterator after its last row. */
static enum spp_code parse_table(struct line_iter *it, const char *line, size_t len,
                                 struct seed_table *t, struct spp_err *err)
{
    char cells[SEED_MAX_COLS][SEED_CELL_MAX];
    size_t n = 0;
    t->line = it->lineno;
    enum spp_code rc = split_cells(line, len, cells, SEED_MAX_COLS, &n, it->lineno, err);
    if (rc != SPP_OK)
        return rc;
    int c_name = column_of(cells, n, "Parameter"), c_type = column_of(cells, n, "Type");
    int c_req = column_of(cells, n, "Required"), c_desc = column_of(cells, n, "Description");
    int c_ex = column_of(cells, n, "Example");
    if (c_name < 0 || c_type < 0)
        return spp_err_set(err, SPP_ESYNTAX, "seed line %zu: a table without Parameter and Type",
                           it->lineno);
    t->has_required_col = c_req >= 0;
    const char *l = NULL;
    size_t ll = 0, start = 0;
    if (!next_line(it, &l, &ll, &start) || ll == 0 || l[0] != '|')
        return spp_err_set(err, SPP_ESYNTAX, "seed line %zu: a table without a separator row",
                           it->lineno);
    for (;;) {
        size_t save_pos = it->pos, save_no = it->lineno;
        if (!next_line(it, &l, &ll, &start))
            break;
        if (ll == 0 || l[0] != '|') {
            it->pos = save_pos; /* not ours: the caller reads it */
            it->lineno = save_no;
            break;
        }
        if (t->nrows == SEED_MAX_ROWS)
            return spp_err_set(err, SPP_ELIMIT, "seed line %zu: more than %d rows in a table",
                               it->lineno, SEED_MAX_ROWS);
        char rc_cells[SEED_MAX_COLS][SEED_CELL_MAX];
        size_t rn = 0;
        rc = split_cells(l, ll, rc_cells, SEED_MAX_COLS, &rn, it->lineno, err);
        if (rc != SPP_OK)
            return rc;
        struct seed_row *r = &t->rows[t->nrows++];
        const char *name = (size_t)c_name < rn ? rc_cells[c_name] : "";
        const char *type = (size_t)c_type < rn ? rc_cells[c_type] : "";
        if (!*name || !*type || strlen(name) >= SEED_NAME_MAX || strlen(type) >= SEED_NAME_MAX)
            return spp_err_set(err, SPP_ESYNTAX, "seed line %zu: a row without name or type",
                               it->lineno);
        copy_bounded(r->name, sizeof r->name, name, strlen(name));
        copy_bounded(r->type, sizeof r->type, type, strlen(type));
        if (c_desc >= 0 && (size_t)c_desc < rn)
            copy_bounded(r->desc, sizeof r->desc, rc_cells[c_desc], strlen(rc_cells[c_desc]));
        if (c_req >= 0 && (size_t)c_req < rn) {
            if (strcmp(rc_cells[c_req], "required") == 0)
                r->required = true;
            else if (rc_cells[c_req][0])
                return spp_err_set(err, SPP_ESYNTAX, "seed line %zu: Required is '%s'", it->lineno,
                                   rc_cells[c_req]);
        }
        if (c_ex >= 0 && (size_t)c_ex < rn && rc_cells[c_ex][0]) {
            const char *ex = rc_cells[c_ex];
            r->has_example = true;
            if (!code_span(ex, strlen(ex), r->example, sizeof r->example))
                copy_bounded(r->example, sizeof r->example, ex, strlen(ex));
        }
    }
    return SPP_OK;
}

/* Parses the seed markdown (len bytes, no terminator needed) into *s (zeroed by the caller). */
static enum spp_code seed_parse(const char *buf, size_t len, struct seed *s, struct spp_err *err)
{
    struct line_iter it = {.buf = buf, .len = len};
    char heading[SEED_NAME_MAX] = "", section[SEED_NAME_MAX] = "", status[SEED_NAME_MAX] = "";
    char media[SEED_NAME_MAX] = "";
    bool pending_body = false, after_method = false;
    const char *line = NULL;
    size_t ll = 0, start = 0;
    while (next_line(&it, &line, &ll, &start)) {
        if (ll > 0 && line[0] == '#') {
            size_t level = 0;
            while (level < ll && line[level] == '#')
                level++;
            size_t h = level;
            while (h < ll && is_space(line[h]))
                h++;
            copy_bounded(heading, sizeof heading, line + h, ll - h);
            if (level <= 3) {
                pending_body = false;
                media[0] = '\0';
            }
            if (level == 2) {
                copy_bounded(section, sizeof section, heading, strlen(heading));
                status[0] = '\0';
            } else if (level == 3 && strcmp(section, "Responses") == 0) {
                copy_bounded(status, sizeof status, heading, strlen(heading));
                if (is_status(heading)) {
                    if (s->nstatuses == SEED_MAX_STATUSES)
                        return spp_err_set(err, SPP_ELIMIT, "seed line %zu: too many statuses",
                                           it.lineno);
                    copy_bounded(s->statuses[s->nstatuses++], sizeof s->statuses[0], heading,
                                 strlen(heading));
                }
            }
            if (strcmp(heading, "Body") == 0)
                pending_body = true;
            continue;
        }
        if (ll > 4 && line[0] == '*' && line[1] == '*' && line[ll - 1] == '*' &&
            line[ll - 2] == '*' && !s->method[0]) {
            size_t n = ll - 4 < sizeof s->method - 1 ? ll - 4 : sizeof s->method - 1;
            for (size_t i = 0; i < n; i++) {
                char c = line[2 + i];
                s->method[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            }
            s->method[n] = '\0';
            after_method = true;
            continue;
        }
        char span[SEED_CELL_MAX];
        if (code_span(line, ll, span, sizeof span)) {
            const char *scheme = strstr(span, "://");
            if (after_method && !s->path[0] && scheme) {
                const char *p = strchr(scheme + 3, '/');
                copy_bounded(s->path, sizeof s->path, p ? p : "/", strlen(p ? p : "/"));
                after_method = false;
            } else if (pending_body && !media[0]) {
                copy_bounded(media, sizeof media, span, strlen(span));
            }
            continue;
        }
        if (ll > 0 && memchr(line, 'B', ll) && ll >= 21) {
            for (size_t i = 0; i + 21 <= ll; i++)
                if (memcmp(line + i, "Authorization: Bearer", 21) == 0)
                    s->bearer = true;
        }
        if (ll > 0 && line[0] == '|') {
            if (s->ntables == SEED_MAX_TABLES)
                return spp_err_set(err, SPP_ELIMIT, "seed line %zu: more than %d tables", it.lineno,
                                   SEED_MAX_TABLES);
            struct seed_table *t = &s->tables[s->ntables++];
            copy_bounded(t->heading, sizeof t->heading, heading, strlen(heading));
            copy_bounded(t->section, sizeof t->section, section, strlen(section));
            copy_bounded(t->status, sizeof t->status, status, strlen(status));
            if (pending_body) {
                t->is_body = true;
                copy_bounded(t->media_type, sizeof t->media_type, media, strlen(media));
                pending_body = false;
            }
            enum spp_code rc = parse_table(&it, line, ll, t, err);
            if (rc != SPP_OK) {
                if (err)
                    err->offset = start;
                return rc;
            }
        }
    }
    return SPP_OK;
}

static enum table_role role_of(const struct seed_table *t, const char **component)
{
    *component = NULL;
    if (strcmp(t->heading, "Path Parameters") == 0 && strcmp(t->section, "Request") == 0)
        return ROLE_PATH_PARAMS;
    if (strcmp(t->heading, "Headers") == 0) {
        if (strcmp(t->section, "Request") == 0)
            return ROLE_REQUEST_HEADERS;
        if (strcmp(t->section, "Responses") == 0 && is_status(t->status))
            return ROLE_RESPONSE_HEADERS;
        return ROLE_UNKNOWN;
    }
    for (size_t i = 0; i < N_SCHEMA_TABLES; i++)
        if (strcmp(t->heading, SCHEMA_TABLES[i].heading) == 0) {
            *component = SCHEMA_TABLES[i].component;
            return ROLE_SCHEMA;
        }
    return ROLE_UNKNOWN;
}

static bool is_component(const char *name)
{
    for (size_t i = 0; i < N_SCHEMA_TABLES; i++)
        if (strcmp(name, SCHEMA_TABLES[i].component) == 0)
            return true;
    return false;
}

/* The JSON name of a seed field: request fields drop the "[]" (employees[] → employees). */
static void field_name(const char *raw, char *out, size_t cap)
{
    size_t n = strlen(raw);
    if (n >= 2 && raw[n - 2] == '[' && raw[n - 1] == ']')
        n -= 2;
    copy_bounded(out, cap, raw, n);
}

/* ---- findings ------------------------------------------------------------- */

/* Mismatch sentences; with cap 0 it only counts (used for anyOf trials). */
struct findings {
    size_t n;
    size_t cap;
    char (*msg)[FINDING_MAX];
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
found(struct findings *f, const char *fmt, ...)
{
    if (f->n < f->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->msg[f->n], FINDING_MAX, fmt, ap);
        va_end(ap);
    }
    f->n++;
}

/* ---- expected schemas ------------------------------------------------------ */

static struct spp_json *obj_with(const char *key, struct spp_json *v)
{
    struct spp_json *o = spp_json_new_object();
    if (!o || !v || spp_json_set(o, key, v) != SPP_OK) {
        spp_json_free(o);
        spp_json_free(v);
        return NULL;
    }
    return o;
}

static struct spp_json *ref_schema(const char *component)
{
    char ref[128];
    snprintf(ref, sizeof ref, "#/components/schemas/%s", component);
    return obj_with("$ref", spp_json_new_string(ref));
}

static struct spp_json *type_schema(const char *type)
{
    return obj_with("type", spp_json_new_string(type));
}

/*
 * The shape the contract must give a seed field of component.field typed
 * `type` (the forced mapping of contracts/README.md); NULL for a type the
 * mapping does not know (or out of memory). Caller frees.
 */
static struct spp_json *expected_schema(const char *component, const char *field, const char *type,
                                        int depth)
{
    static const char *const plain[] = {"integer", "number", "string", "boolean", "object"};
    if (depth > SHAPE_MAX_DEPTH)
        return NULL;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (strcmp(type, plain[i]) == 0)
            return type_schema(type);
    if (strcmp(type, "string<date-time>") == 0) {
        struct spp_json *s = type_schema("string");
        if (s && spp_json_set(s, "format", spp_json_new_string("date-time")) != SPP_OK) {
            spp_json_free(s);
            return NULL;
        }
        return s;
    }
    if (strcmp(type, "string or null") == 0 || strcmp(type, "string<string> or null") == 0) {
        struct spp_json *a = spp_json_new_array();
        if (a && (spp_json_append(a, spp_json_new_string("string")) != SPP_OK ||
                  spp_json_append(a, spp_json_new_string("null")) != SPP_OK)) {
            spp_json_free(a);
            return NULL;
        }
        return obj_with("type", a);
    }
    if (strcmp(type, "string or allOf") == 0)
        return type_schema("string");
    if (strcmp(type, "Order or allOf") == 0)
        return ref_schema("IndexOrder");
    if (strcmp(type, "Ticket") == 0) {
        struct spp_json *a = spp_json_new_array();
        if (a && (spp_json_append(a, ref_schema("TicketResource")) != SPP_OK ||
                  spp_json_append(a, type_schema("null")) != SPP_OK)) {
            spp_json_free(a);
            return NULL;
        }
        return obj_with("anyOf", a);
    }
    if (is_component(type))
        return ref_schema(type);
    size_t n = strlen(type);
    if (n > 7 && strncmp(type, "array[", 6) == 0 && type[n - 1] == ']') {
        char inner[SEED_NAME_MAX];
        copy_bounded(inner, sizeof inner, type + 6, n - 7);
        struct spp_json *items = NULL;
        if (strcmp(inner, "object") == 0) {
            for (size_t i = 0; i < sizeof OWN_ITEMS / sizeof OWN_ITEMS[0]; i++)
                if (strcmp(component, OWN_ITEMS[i].component) == 0 &&
                    strcmp(field, OWN_ITEMS[i].field) == 0)
                    items = ref_schema(OWN_ITEMS[i].items);
            if (!items)
                items = type_schema("object");
        } else {
            items = expected_schema(component, field, inner, depth + 1);
        }
        if (!items)
            return NULL;
        struct spp_json *s = type_schema("array");
        if (!s || spp_json_set(s, "items", items) != SPP_OK) {
            spp_json_free(s);
            return NULL;
        }
        return s;
    }
    return NULL;
}

/* The schema reduced to what says its type: type, format, $ref, items, anyOf. Caller frees. */
static struct spp_json *shape_of(const struct spp_json *schema, int depth)
{
    static const char *const copied[] = {"type", "format", "$ref"};
    struct spp_json *out = spp_json_new_object();
    if (!out || depth > SHAPE_MAX_DEPTH || spp_json_kind(schema) != SPP_JSON_OBJECT)
        return out;
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        const struct spp_json *v = spp_json_get(schema, copied[i]);
        if (v)
            spp_json_set(out, copied[i], spp_json_clone(v));
    }
    const struct spp_json *items = spp_json_get(schema, "items");
    if (items)
        spp_json_set(out, "items", shape_of(items, depth + 1));
    const struct spp_json *any = spp_json_get(schema, "anyOf");
    if (any) {
        struct spp_json *a = spp_json_new_array();
        for (const struct spp_json *e = spp_json_first(any); a && e; e = spp_json_next(e))
            spp_json_append(a, shape_of(e, depth + 1));
        spp_json_set(out, "anyOf", a);
    }
    return out;
}

/* Compares a contract schema's shape with the seed type's; a finding names `what`. */
static void check_shape(struct findings *f, const char *what, const char *component,
                        const char *field, const char *seed_type, const struct spp_json *schema)
{
    struct spp_json *want = expected_schema(component, field, seed_type, 0);
    if (!want) {
        found(f, "%s: seed type '%s' has no mapping", what, seed_type);
        return;
    }
    struct spp_json *have = shape_of(schema, 0);
    if (!spp_json_equal(want, have)) {
        char *w = spp_json_print(want, false, NULL), *h = spp_json_print(have, false, NULL);
        found(f, "%s: seed type '%s' is %s, the contract has %s", what, seed_type, w ? w : "?",
              h ? h : "?");
        free(w);
        free(h);
    }
    spp_json_free(want);
    spp_json_free(have);
}

static bool array_has_string(const struct spp_json *arr, const char *s)
{
    for (const struct spp_json *e = spp_json_first(arr); e; e = spp_json_next(e)) {
        const char *v = spp_json_string(e, NULL);
        if (v && strcmp(v, s) == 0)
            return true;
    }
    return false;
}

static bool str_eq(const struct spp_json *n, const char *s)
{
    const char *v = spp_json_string(n, NULL);
    return v && strcmp(v, s) == 0;
}

/* ---- RFC 3339 date-time ---------------------------------------------------- */

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* RFC 3339 section 5.6 date-time (leap second allowed as :60). */
static bool is_rfc3339(const char *s, size_t len)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, se;
    if (len < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || se > 60)
        return false;
    size_t i = 19;
    if (s[i] == '.') {
        size_t j = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == j)
            return false;
    }
    if (i < len && (s[i] == 'Z' || s[i] == 'z'))
        return i + 1 == len;
    int oh, om;
    return i + 6 == len && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2, &oh) &&
           s[i + 3] == ':' && digits(s + i + 4, 2, &om) && oh <= 23 && om <= 59;
}

/* ---- the checker ------------------------------------------------------------ */

enum concern {
    CHECK_TABLES = 1u << 0,
    CHECK_TYPES = 1u << 1,
    CHECK_REQUIRED = 1u << 2,
    CHECK_EXTRA = 1u << 3,
    CHECK_OPERATION = 1u << 4,
    CHECK_DESCRIPTIONS = 1u << 5,
    CHECK_EXAMPLES = 1u << 6,
    CHECK_ALL = 0x7fu,
};

static const struct seed_row *row_named(const struct seed_table *t, const char *name)
{
    char buf[SEED_NAME_MAX];
    for (size_t i = 0; i < t->nrows; i++) {
        field_name(t->rows[i].name, buf, sizeof buf);
        if (strcmp(buf, name) == 0)
            return &t->rows[i];
    }
    return NULL;
}

/*
 * The seed example as the JSON value the contract must carry; *contradicts is
 * set (and NULL returned) when the example does not fit the type, in which
 * case the contract must leave it out. Caller frees.
 */
static struct spp_json *example_value(const struct seed_row *r, const struct spp_json *shape,
                                      bool *contradicts)
{
    const struct spp_json *type = spp_json_get(shape, "type");
    const char *t = spp_json_string(type, NULL);
    const char *ex = r->example;
    *contradicts = false;
    if (spp_json_kind(type) == SPP_JSON_ARRAY) /* ["string","null"] */
        return strcmp(ex, "null") == 0 ? spp_json_new_null() : spp_json_new_string(ex);
    if (!t)
        return NULL;
    if (strcmp(t, "integer") == 0 || strcmp(t, "number") == 0) {
        char *end = NULL;
        double v = strtod(ex, &end);
        if (!*ex || *end || (strcmp(t, "integer") == 0 && v != (double)(int64_t)v)) {
            *contradicts = true;
            return NULL;
        }
        return spp_json_new_number(v);
    }
    if (strcmp(t, "boolean") == 0) {
        if (strcmp(ex, "true") != 0 && strcmp(ex, "false") != 0) {
            *contradicts = true;
            return NULL;
        }
        return spp_json_new_bool(strcmp(ex, "true") == 0);
    }
    if (strcmp(t, "object") == 0) {
        struct spp_json_doc *d = NULL;
        if (spp_json_parse(ex, strlen(ex), NULL, &d, NULL) != SPP_OK ||
            spp_json_kind(spp_json_doc_root(d)) != SPP_JSON_OBJECT) {
            spp_json_doc_free(d);
            *contradicts = true;
            return NULL;
        }
        struct spp_json *v = spp_json_doc_take_root(d);
        spp_json_doc_free(d);
        return v;
    }
    if (strcmp(t, "string") == 0) {
        if (str_eq(spp_json_get(shape, "format"), "date-time") && !is_rfc3339(ex, strlen(ex))) {
            *contradicts = true;
            return NULL;
        }
        return spp_json_new_string(ex);
    }
    return NULL;
}

static void check_examples(struct findings *f, const char *comp, const char *name,
                           const struct seed_row *r, const struct spp_json *prop)
{
    const struct spp_json *have = spp_json_get(prop, "examples");
    if (!r->has_example) {
        if (have)
            found(f, "%s.%s: the contract has examples, the seed none", comp, name);
        return;
    }
    struct spp_json *shape = shape_of(prop, 0);
    bool contradicts = false;
    struct spp_json *want = example_value(r, shape, &contradicts);
    if (contradicts) {
        if (have)
            found(f,
                  "%s.%s: the seed example `%s` contradicts the type; the contract must leave "
                  "it out",
                  comp, name, r->example);
    } else if (!want) {
        found(f, "%s.%s: cannot read the seed example `%s`", comp, name, r->example);
    } else if (spp_json_kind(have) != SPP_JSON_ARRAY || spp_json_count(have) != 1 ||
               !spp_json_equal(spp_json_at(have, 0), want)) {
        found(f, "%s.%s: examples differ from the seed example `%s`", comp, name, r->example);
    }
    spp_json_free(want);
    spp_json_free(shape);
}

static void check_schema_table(const struct spp_json *schemas, const struct seed_table *t,
                               const char *comp, unsigned concerns, struct findings *f)
{
    const struct spp_json *sch = spp_json_get(schemas, comp);
    if (!sch) {
        if (concerns & CHECK_TABLES)
            found(f, "%s: the seed table '%s' has no component in the contract", comp, t->heading);
        return;
    }
    const struct spp_json *props = spp_json_get(sch, "properties");
    const struct spp_json *req = spp_json_get(sch, "required");
    if ((concerns & CHECK_TYPES) && !str_eq(spp_json_get(sch, "type"), "object"))
        found(f, "%s: not \"type\": \"object\"", comp);
    if ((concerns & CHECK_REQUIRED) && req && spp_json_kind(req) != SPP_JSON_ARRAY)
        found(f, "%s.required: not an array", comp);
    for (size_t i = 0; i < t->nrows; i++) {
        const struct seed_row *r = &t->rows[i];
        char name[SEED_NAME_MAX], what[2 * SEED_NAME_MAX + 2];
        field_name(r->name, name, sizeof name);
        snprintf(what, sizeof what, "%s.%s", comp, name);
        const struct spp_json *prop = spp_json_get(props, name);
        if ((concerns & CHECK_TYPES) && !prop)
            found(f, "%s: in the seed, missing from the contract", what);
        if ((concerns & CHECK_TYPES) && prop)
            check_shape(f, what, comp, name, r->type, prop);
        if ((concerns & CHECK_DESCRIPTIONS) && prop &&
            !str_eq(spp_json_get(prop, "description"), r->desc))
            found(f, "%s: description is not the seed's '%s'", what, r->desc);
        if ((concerns & CHECK_EXAMPLES) && prop)
            check_examples(f, comp, name, r, prop);
        if (concerns & CHECK_REQUIRED) {
            bool seed_req = t->has_required_col && r->required;
            bool con_req = array_has_string(req, name);
            if (seed_req && !con_req)
                found(f, "%s: required in the seed, optional in the contract", what);
            if (!seed_req && con_req)
                found(f, "%s: optional in the seed, required in the contract", what);
        }
    }
    if (concerns & CHECK_EXTRA) {
        if (props && spp_json_kind(props) != SPP_JSON_OBJECT)
            found(f, "%s.properties: not an object", comp);
        for (const struct spp_json *p = spp_json_first(props); p; p = spp_json_next(p))
            if (!row_named(t, spp_json_key(p)))
                found(f, "%s.%s: in the contract, not in the seed", comp, spp_json_key(p));
    }
    if (concerns & CHECK_REQUIRED) {
        for (const struct spp_json *e = spp_json_first(req); e; e = spp_json_next(e)) {
            const char *s = spp_json_string(e, NULL);
            if (!s || !row_named(t, s))
                found(f, "%s.required: lists '%s', which the seed does not have", comp,
                      s ? s : "(not a string)");
        }
    }
}

static void check_tables(const struct spp_json *contract, const struct seed *s, struct findings *f)
{
    for (size_t m = 0; m < N_SCHEMA_TABLES; m++) {
        size_t n = 0;
        for (size_t i = 0; i < s->ntables; i++)
            if (strcmp(s->tables[i].heading, SCHEMA_TABLES[m].heading) == 0)
                n++;
        if (n != 1)
            found(f, "%s: the seed has %zu tables headed '%s', expected 1",
                  SCHEMA_TABLES[m].component, n, SCHEMA_TABLES[m].heading);
    }
    for (size_t i = 0; i < s->ntables; i++) {
        const char *comp = NULL;
        if (role_of(&s->tables[i], &comp) == ROLE_UNKNOWN)
            found(f, "seed line %zu: the table '%s' maps to nothing in the contract",
                  s->tables[i].line, s->tables[i].heading);
    }
    const struct spp_json *schemas = spp_json_pointer(contract, "/components/schemas");
    for (const struct spp_json *c = spp_json_first(schemas); c; c = spp_json_next(c))
        if (!is_component(spp_json_key(c)))
            found(f, "components.schemas.%s: in the contract, no table in the seed",
                  spp_json_key(c));
}

static const struct seed_table *table_with_role(const struct seed *s, enum table_role role,
                                                const char *status)
{
    for (size_t i = 0; i < s->ntables; i++) {
        const char *comp = NULL;
        if (role_of(&s->tables[i], &comp) == role &&
            (!status || strcmp(s->tables[i].status, status) == 0))
            return &s->tables[i];
    }
    return NULL;
}

static const struct seed_table *body_table(const struct seed *s, const char *section,
                                           const char *status)
{
    for (size_t i = 0; i < s->ntables; i++) {
        const struct seed_table *t = &s->tables[i];
        if (t->is_body && strcmp(t->section, section) == 0 && strcmp(t->status, status) == 0)
            return t;
    }
    return NULL;
}

static const struct spp_json *find_param(const struct spp_json *params, const char *name,
                                         const char *in)
{
    for (const struct spp_json *p = spp_json_first(params); p; p = spp_json_next(p))
        if (str_eq(spp_json_get(p, "name"), name) && str_eq(spp_json_get(p, "in"), in))
            return p;
    return NULL;
}

/* Parameters of one seed table (path or header) against the operation's. */
static void check_params(struct findings *f, const struct spp_json *params,
                         const struct seed_table *t, const char *in, unsigned concerns)
{
    if (!t) {
        found(f, "the seed has no %s parameter table", in);
        return;
    }
    for (size_t i = 0; i < t->nrows; i++) {
        const struct seed_row *r = &t->rows[i];
        char what[2 * SEED_NAME_MAX];
        snprintf(what, sizeof what, "parameter %s (in %s)", r->name, in);
        const struct spp_json *p = find_param(params, r->name, in);
        if (!p) {
            found(f, "%s: in the seed, missing from the contract", what);
            continue;
        }
        bool seed_req = t->has_required_col && r->required;
        if (seed_req != spp_json_bool(spp_json_get(p, "required")))
            found(f, "%s: %s in the seed, %s in the contract", what,
                  seed_req ? "required" : "optional", seed_req ? "optional" : "required");
        check_shape(f, what, "", r->name, r->type, spp_json_get(p, "schema"));
        if ((concerns & CHECK_DESCRIPTIONS) && !str_eq(spp_json_get(p, "description"), r->desc))
            found(f, "%s: description is not the seed's", what);
    }
}

static void check_response(struct findings *f, const struct seed *s,
                           const struct spp_json *responses, const char *status, unsigned concerns)
{
    const struct spp_json *resp = spp_json_get(responses, status);
    if (!resp) {
        found(f, "responses.%s: in the seed, missing from the contract", status);
        return;
    }
    const char *desc = spp_json_string(spp_json_get(resp, "description"), NULL);
    if (!desc || !*desc)
        found(f, "responses.%s: no description", status);
    const struct seed_table *body = body_table(s, "Responses", status);
    const struct spp_json *content = spp_json_get(resp, "content");
    if (!body) {
        if (content)
            found(f, "responses.%s: has content, the seed documents no body", status);
    } else {
        const char *comp = NULL;
        role_of(body, &comp);
        const struct spp_json *ref =
            spp_json_pointer(spp_json_get(content, body->media_type), "/schema/$ref");
        char want[128];
        snprintf(want, sizeof want, "#/components/schemas/%s", comp ? comp : "?");
        if (spp_json_count(content) != 1 || !str_eq(ref, want))
            found(f, "responses.%s: content must be exactly %s with $ref %s", status,
                  body->media_type, want);
    }
    const struct seed_table *ht = table_with_role(s, ROLE_RESPONSE_HEADERS, status);
    const struct spp_json *headers = spp_json_get(resp, "headers");
    for (size_t i = 0; ht && i < ht->nrows; i++) {
        const struct seed_row *r = &ht->rows[i];
        char what[2 * SEED_NAME_MAX];
        snprintf(what, sizeof what, "responses.%s.headers.%s", status, r->name);
        const struct spp_json *h = spp_json_get(headers, r->name);
        if (!h) {
            found(f, "%s: in the seed, missing from the contract", what);
            continue;
        }
        bool seed_req = ht->has_required_col && r->required;
        if (seed_req != spp_json_bool(spp_json_get(h, "required")))
            found(f, "%s: %s in the seed, %s in the contract", what,
                  seed_req ? "required" : "optional", seed_req ? "optional" : "required");
        check_shape(f, what, "", r->name, r->type, spp_json_get(h, "schema"));
        if ((concerns & CHECK_DESCRIPTIONS) && !str_eq(spp_json_get(h, "description"), r->desc))
            found(f, "%s: description is not the seed's", what);
    }
    for (const struct spp_json *h = spp_json_first(headers); h; h = spp_json_next(h))
        if (!ht || !row_named(ht, spp_json_key(h)))
            found(f, "responses.%s.headers.%s: in the contract, not in the seed", status,
                  spp_json_key(h));
}

static void check_operation(const struct spp_json *contract, const struct seed *s,
                            unsigned concerns, struct findings *f)
{
    const struct spp_json *paths = spp_json_get(contract, "paths");
    if (spp_json_count(paths) != 1 || !spp_json_get(paths, s->path))
        found(f, "paths: the contract must have exactly the seed's path '%s'", s->path);
    const struct spp_json *item = spp_json_get(paths, s->path);
    const struct spp_json *op = spp_json_get(item, s->method);
    if (!op || spp_json_count(item) != 1) {
        found(f, "paths.%s: must hold exactly the operation '%s'", s->path, s->method);
        if (!op)
            return;
    }
    /* Security: the seed asks for a bearer token. */
    const struct spp_json *scheme =
        spp_json_pointer(contract, "/components/securitySchemes/bearerAuth");
    if (s->bearer && (!str_eq(spp_json_get(scheme, "type"), "http") ||
                      !str_eq(spp_json_get(scheme, "scheme"), "bearer")))
        found(f, "components.securitySchemes.bearerAuth: must be http/bearer");
    bool applied = false;
    for (const struct spp_json *r = spp_json_first(spp_json_get(op, "security")); r;
         r = spp_json_next(r)) {
        const struct spp_json *b = spp_json_get(r, "bearerAuth");
        if (spp_json_kind(b) == SPP_JSON_ARRAY && spp_json_count(b) == 0 && spp_json_count(r) == 1)
            applied = true;
    }
    if (s->bearer && !applied)
        found(f, "security: bearerAuth is not applied to the operation");
    /* Parameters, both directions. */
    const struct spp_json *params = spp_json_get(op, "parameters");
    const struct seed_table *pt = table_with_role(s, ROLE_PATH_PARAMS, NULL);
    const struct seed_table *rh = table_with_role(s, ROLE_REQUEST_HEADERS, NULL);
    check_params(f, params, pt, "path", concerns);
    check_params(f, params, rh, "header", concerns);
    for (const struct spp_json *p = spp_json_first(params); p; p = spp_json_next(p)) {
        const char *name = spp_json_string(spp_json_get(p, "name"), NULL);
        const char *in = spp_json_string(spp_json_get(p, "in"), NULL);
        const struct seed_table *t = NULL;
        if (in && strcmp(in, "path") == 0)
            t = pt;
        else if (in && strcmp(in, "header") == 0)
            t = rh;
        if (!name || !t || !row_named(t, name))
            found(f, "parameter %s (in %s): in the contract, not in the seed", name ? name : "?",
                  in ? in : "?");
    }
    /* Request body. */
    const struct seed_table *rb = body_table(s, "Request", "");
    const struct spp_json *content = spp_json_pointer(op, "/requestBody/content");
    if (rb) {
        const char *comp = NULL;
        role_of(rb, &comp);
        char want[128];
        snprintf(want, sizeof want, "#/components/schemas/%s", comp ? comp : "?");
        const struct spp_json *ref =
            spp_json_pointer(spp_json_get(content, rb->media_type), "/schema/$ref");
        if (spp_json_count(content) != 1 || !str_eq(ref, want))
            found(f, "requestBody: content must be exactly %s with $ref %s", rb->media_type, want);
    } else if (content) {
        found(f, "requestBody: in the contract, the seed documents no body");
    }
    /* Responses, both directions. */
    const struct spp_json *responses = spp_json_get(op, "responses");
    for (size_t i = 0; i < s->nstatuses; i++)
        check_response(f, s, responses, s->statuses[i], concerns);
    for (const struct spp_json *r = spp_json_first(responses); r; r = spp_json_next(r)) {
        bool known = false;
        for (size_t i = 0; i < s->nstatuses; i++)
            known = known || strcmp(s->statuses[i], spp_json_key(r)) == 0;
        if (!known)
            found(f, "responses.%s: in the contract, not in the seed", spp_json_key(r));
    }
}

/*
 * The completeness checker: compares contract with seed for the given
 * concerns and appends one sentence per mismatch to f.
 */
static void contract_check(const struct spp_json *contract, const struct seed *s, unsigned concerns,
                           struct findings *f)
{
    if (concerns & CHECK_TABLES)
        check_tables(contract, s, f);
    const struct spp_json *schemas = spp_json_pointer(contract, "/components/schemas");
    for (size_t i = 0; i < s->ntables; i++) {
        const char *comp = NULL;
        if (role_of(&s->tables[i], &comp) == ROLE_SCHEMA)
            check_schema_table(schemas, &s->tables[i], comp, concerns, f);
    }
    if (concerns & CHECK_OPERATION)
        check_operation(contract, s, concerns, f);
}

/* ---- structural conformance of the fixtures (not a validator) --------------- */

struct conform_ctx {
    const struct spp_json *root;
    struct findings *f;
    bool visited[N_SCHEMA_TABLES]; /* components reached through a $ref */
};

static bool kind_is(const struct spp_json *inst, const char *type)
{
    enum spp_json_kind k = spp_json_kind(inst);
    if (strcmp(type, "integer") == 0)
        return k == SPP_JSON_NUMBER && spp_json_is_integer(inst);
    return strcmp(spp_json_kind_name(k), type) == 0;
}

static void conform(struct conform_ctx *c, const struct spp_json *schema,
                    const struct spp_json *inst, char *ptr, size_t depth)
{
    if (depth > CONFORM_MAX_DEPTH) {
        found(c->f, "%s: nested deeper than %d", ptr, CONFORM_MAX_DEPTH);
        return;
    }
    const char *ref = spp_json_string(spp_json_get(schema, "$ref"), NULL);
    if (ref) {
        const struct spp_json *target = ref[0] == '#' ? spp_json_pointer(c->root, ref + 1) : NULL;
        if (!target) {
            found(c->f, "%s: unresolved $ref %s", ptr, ref);
            return;
        }
        static const char prefix[] = "#/components/schemas/";
        for (size_t i = 0; i < N_SCHEMA_TABLES; i++)
            if (strncmp(ref, prefix, sizeof prefix - 1) == 0 &&
                strcmp(ref + sizeof prefix - 1, SCHEMA_TABLES[i].component) == 0)
                c->visited[i] = true;
        conform(c, target, inst, ptr, depth + 1);
        return;
    }
    const struct spp_json *any = spp_json_get(schema, "anyOf");
    if (any) {
        bool ok = false;
        for (const struct spp_json *alt = spp_json_first(any); alt && !ok;
             alt = spp_json_next(alt)) {
            struct findings quiet = {0};
            struct conform_ctx sub = {.root = c->root, .f = &quiet};
            conform(&sub, alt, inst, ptr, depth + 1);
            if (quiet.n == 0) {
                ok = true;
                for (size_t i = 0; i < N_SCHEMA_TABLES; i++)
                    c->visited[i] = c->visited[i] || sub.visited[i];
            }
        }
        if (!ok)
            found(c->f, "%s: matches no anyOf alternative", ptr);
        return;
    }
    const struct spp_json *type = spp_json_get(schema, "type");
    bool type_ok = !type;
    if (spp_json_kind(type) == SPP_JSON_ARRAY) {
        for (const struct spp_json *t = spp_json_first(type); t; t = spp_json_next(t))
            type_ok =
                type_ok || kind_is(inst, spp_json_string(t, NULL) ? spp_json_string(t, NULL) : "");
    } else if (type) {
        type_ok = kind_is(inst, spp_json_string(type, NULL) ? spp_json_string(type, NULL) : "");
    }
    if (!type_ok) {
        found(c->f, "%s: is %s, not the contract's type", ptr,
              spp_json_kind_name(spp_json_kind(inst)));
        return;
    }
    size_t slen = 0;
    const char *str = spp_json_string(inst, &slen);
    if (str && str_eq(spp_json_get(schema, "format"), "date-time") && !is_rfc3339(str, slen))
        found(c->f, "%s: '%s' is not an RFC 3339 date-time", ptr, str);
    if (spp_json_kind(inst) == SPP_JSON_OBJECT) {
        for (const struct spp_json *r = spp_json_first(spp_json_get(schema, "required")); r;
             r = spp_json_next(r)) {
            const char *name = spp_json_string(r, NULL);
            if (name && !spp_json_get(inst, name))
                found(c->f, "%s/%s: required, missing", ptr, name);
        }
        const struct spp_json *props = spp_json_get(schema, "properties");
        for (const struct spp_json *m = spp_json_first(inst); m; m = spp_json_next(m)) {
            const struct spp_json *ps = spp_json_get(props, spp_json_key(m));
            if (!ps)
                continue;
            size_t keep = strlen(ptr);
            if (spp_json_pointer_push(ptr, SPP_JSON_POINTER_MAX, spp_json_key(m)))
                conform(c, ps, m, ptr, depth + 1);
            else
                found(c->f, "%s: pointer too long", ptr);
            ptr[keep] = '\0';
        }
    }
    const struct spp_json *items = spp_json_get(schema, "items");
    if (items && spp_json_kind(inst) == SPP_JSON_ARRAY) {
        size_t i = 0;
        for (const struct spp_json *e = spp_json_first(inst); e; e = spp_json_next(e), i++) {
            size_t keep = strlen(ptr);
            if (spp_json_pointer_push_index(ptr, SPP_JSON_POINTER_MAX, i))
                conform(c, items, e, ptr, depth + 1);
            else
                found(c->f, "%s: pointer too long", ptr);
            ptr[keep] = '\0';
        }
    }
}

/* ---- fixtures -------------------------------------------------------------- */

static struct {
    struct seed *seed;
    struct spp_json_doc *contract;
    struct findings f;
} G;

static void setup(void)
{
    char *buf = NULL;
    size_t len = 0;
    struct spp_err e;
    G.seed = calloc(1, sizeof *G.seed);
    G.f.msg = calloc(FINDINGS_CAP, sizeof *G.f.msg);
    G.f.cap = FINDINGS_CAP;
    cr_assert_not_null(G.seed);
    cr_assert_not_null(G.f.msg);
    cr_assert_eq(spp_file_read(SEED_PATH, SEED_MAX_BYTES, &buf, &len, &e), SPP_OK, "%s", e.msg);
    enum spp_code rc = seed_parse(buf, len, G.seed, &e);
    free(buf);
    cr_assert_eq(rc, SPP_OK, "seed: %s", e.msg);
    cr_assert_eq(spp_json_parse_file(CONTRACT_PATH, NULL, &G.contract, &e), SPP_OK, "%s: %s",
                 e.where, e.msg);
}

static void teardown(void)
{
    spp_json_doc_free(G.contract);
    free(G.seed);
    free(G.f.msg);
    memset(&G, 0, sizeof G);
}

static const struct spp_json *root(void)
{
    return spp_json_doc_root(G.contract);
}

/* Fails the test with every finding, one line each. */
static void expect_no_findings(const char *what)
{
    for (size_t i = 0; i < G.f.n && i < G.f.cap; i++)
        cr_expect_fail("%s", G.f.msg[i]);
    cr_assert_eq(G.f.n, 0, "%zu mismatch(es) between %s", G.f.n, what);
}

static void expect_exactly(const char *const *want, size_t n)
{
    for (size_t i = 0; i < G.f.n && i < G.f.cap; i++)
        cr_log_info("finding: %s", G.f.msg[i]);
    cr_assert_eq(G.f.n, n, "expected %zu findings, got %zu", n, G.f.n);
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < G.f.n; j++)
            seen = seen || strcmp(G.f.msg[j], want[i]) == 0;
        cr_expect(seen, "missing finding: %s", want[i]);
    }
}

static struct spp_json *mut(struct spp_json *n, const char *const *keys)
{
    for (; n && *keys; keys++)
        n = spp_json_get_mut(n, *keys);
    cr_assert_not_null(n, "the contract lacks a node this test mutates");
    return n;
}

/* ---- the seed and the contract document ------------------------------------ */

TestSuite(contract, .init = setup, .fini = teardown);
TestSuite(checker, .init = setup, .fini = teardown);
TestSuite(fixtures, .init = setup, .fini = teardown);

Test(contract, parses_as_openapi_3_1_0_for_api_version_2024_03_05_without_json_issues)
{
    size_t n = 0, total = 0;
    spp_json_doc_issues(G.contract, &n, &total);
    cr_expect_eq(total, 0, "the contract has %zu JSON policy issues (duplicate keys?)", total);
    cr_expect(str_eq(spp_json_get(root(), "openapi"), "3.1.0"));
    cr_expect(str_eq(spp_json_pointer(root(), "/info/version"), "2024-03-05"));
    cr_expect(spp_json_kind(spp_json_pointer(root(), "/info/title")) == SPP_JSON_STRING);
}

Test(contract, finds_every_seed_table_and_maps_each_to_one_target)
{
    cr_expect_eq(G.seed->ntables, SEED_EXPECTED_TABLES, "the seed parser found %zu tables",
                 G.seed->ntables);
    cr_expect_str_eq(G.seed->method, "put");
    cr_expect_str_eq(G.seed->path, "/api/tickets/{ticket}");
    cr_expect(G.seed->bearer);
    cr_expect_eq(G.seed->nstatuses, 4);
    contract_check(root(), G.seed, CHECK_TABLES, &G.f);
    expect_no_findings("the contract and the seed");
    cr_expect_eq(spp_json_count(spp_json_pointer(root(), "/components/schemas")), N_SCHEMA_TABLES);
}

Test(contract, has_every_seed_field_with_its_type_format_and_nullability)
{
    size_t rows = 0;
    for (size_t i = 0; i < G.seed->ntables; i++)
        rows += G.seed->tables[i].nrows;
    cr_expect_gt(rows, 200, "the seed parser found only %zu rows", rows);
    contract_check(root(), G.seed, CHECK_TYPES, &G.f);
    expect_no_findings("the contract and the seed");
}

Test(contract, marks_exactly_the_seed_required_fields_required)
{
    contract_check(root(), G.seed, CHECK_REQUIRED, &G.f);
    expect_no_findings("the contract and the seed");
}

Test(contract, has_no_property_the_seed_lacks)
{
    contract_check(root(), G.seed, CHECK_EXTRA, &G.f);
    expect_no_findings("the contract and the seed");
}

Test(contract, describes_each_field_as_the_seed_does)
{
    contract_check(root(), G.seed, CHECK_DESCRIPTIONS, &G.f);
    expect_no_findings("the contract and the seed");
}

Test(contract, carries_the_seed_examples_except_those_that_contradict_the_type)
{
    contract_check(root(), G.seed, CHECK_EXAMPLES, &G.f);
    expect_no_findings("the contract and the seed");
}

Test(contract, describes_the_operation_path_security_parameters_and_responses_as_the_seed)
{
    contract_check(root(), G.seed, CHECK_OPERATION | CHECK_DESCRIPTIONS, &G.f);
    expect_no_findings("the contract and the seed");
    const struct spp_json *op = spp_json_pointer(root(), "/paths/~1api~1tickets~1{ticket}/put");
    cr_assert_not_null(op);
    cr_expect(
        spp_json_bool(spp_json_pointer(op, "/responses/200/headers/X-Api-Identifier/required")));
    cr_expect(spp_json_bool(spp_json_pointer(op, "/responses/200/headers/X-Api-Version/required")));
    cr_expect_eq(spp_json_count(spp_json_get(op, "parameters")), 2);
}

Test(contract, implements_the_forced_decisions)
{
    const struct spp_json *s = spp_json_pointer(root(), "/components/schemas");
    /* ticket: required, TicketResource or null (a nested copy ends the recursion). */
    struct spp_json *want = expected_schema("TicketResource", "ticket", "Ticket", 0);
    struct spp_json *have = shape_of(spp_json_pointer(s, "/TicketResource/properties/ticket"), 0);
    cr_expect(spp_json_equal(want, have), "TicketResource.ticket is not anyOf TicketResource|null");
    spp_json_free(want);
    spp_json_free(have);
    cr_expect(array_has_string(spp_json_pointer(s, "/TicketResource/required"), "ticket"));
    /* Request and response disagree and each keeps its documented type. */
    cr_expect(str_eq(spp_json_pointer(s, "/SaveTicketRequest/properties/metadata/type"), "array"));
    cr_expect(
        str_eq(spp_json_pointer(s, "/SaveTicketRequest/properties/metadata/items/type"), "string"));
    cr_expect(str_eq(spp_json_pointer(s, "/TicketResource/properties/metadata/type"), "object"));
    cr_expect(str_eq(spp_json_pointer(s, "/SaveTicketRequest/properties/status/type"), "integer"));
    cr_expect(str_eq(spp_json_pointer(s, "/TicketResource/properties/status/type"), "string"));
    cr_expect(str_eq(spp_json_pointer(s, "/SaveTicketRequest/properties/order/type"), "string"));
    cr_expect(str_eq(spp_json_pointer(s, "/TicketResource/properties/order_id/type"), "integer"));
    cr_expect_null(spp_json_pointer(s, "/SaveTicketRequest/properties/metadata[]"));
    cr_expect_null(spp_json_pointer(s, "/SaveTicketRequest/required"));
    /* Invoice.date_due stays date-time; its non-RFC-3339 example is left out. */
    cr_expect(str_eq(spp_json_pointer(s, "/Invoice/properties/date_due/format"), "date-time"));
    cr_expect_null(spp_json_pointer(s, "/Invoice/properties/date_due/examples"));
    /* Role.settings is boolean; its example 1 is left out. */
    cr_expect(str_eq(spp_json_pointer(s, "/Role/properties/settings/type"), "boolean"));
    cr_expect_null(spp_json_pointer(s, "/Role/properties/settings/examples"));
    /* Item schemas: own table, or a bare object. */
    cr_expect(str_eq(spp_json_pointer(s, "/TicketResource/properties/employees/items/$ref"),
                     "#/components/schemas/TicketEmployee"));
    cr_expect(str_eq(spp_json_pointer(s, "/IndexOrder/properties/addons/items/$ref"),
                     "#/components/schemas/Addon"));
    cr_expect(str_eq(spp_json_pointer(s, "/IndexOrder/properties/employees/items/type"), "object"));
    cr_expect(str_eq(spp_json_pointer(s, "/IndexOrder/properties/client/$ref"),
                     "#/components/schemas/User"));
    cr_expect(str_eq(spp_json_pointer(s, "/TicketResource/properties/order/$ref"),
                     "#/components/schemas/IndexOrder"));
    /* Tables without a Required column: nothing required. */
    cr_expect_null(spp_json_pointer(s, "/TicketEmployee/required"));
    cr_expect_null(spp_json_pointer(s, "/Addon/required"));
}

/* Walks the whole document: no additionalProperties; every $ref local and resolvable. */
static void walk_refs(const struct spp_json *n, char *ptr, size_t depth)
{
    if (depth > CONFORM_MAX_DEPTH) {
        found(&G.f, "%s: nested too deep", ptr);
        return;
    }
    size_t i = 0;
    for (const struct spp_json *m = spp_json_first(n); m; m = spp_json_next(m), i++) {
        const char *key = spp_json_key(m);
        size_t keep = strlen(ptr);
        bool ok = key ? spp_json_pointer_push(ptr, SPP_JSON_POINTER_MAX, key)
                      : spp_json_pointer_push_index(ptr, SPP_JSON_POINTER_MAX, i);
        if (key && strcmp(key, "additionalProperties") == 0)
            found(&G.f, "%s: additionalProperties is not used by this contract", ptr);
        if (key && strcmp(key, "$ref") == 0) {
            const char *ref = spp_json_string(m, NULL);
            if (!ref || strncmp(ref, "#/components/schemas/", 21) != 0 ||
                !spp_json_pointer(root(), ref + 1))
                found(&G.f, "%s: $ref '%s' is not a local component", ptr, ref ? ref : "?");
        }
        if (ok)
            walk_refs(m, ptr, depth + 1);
        ptr[keep] = '\0';
    }
}

Test(contract, uses_no_additional_properties_and_only_local_resolvable_refs)
{
    char ptr[SPP_JSON_POINTER_MAX] = "";
    walk_refs(root(), ptr, 0);
    expect_no_findings("the contract and its own rules");
}

/* ---- the checker can fail ----------------------------------------------------- */

Test(checker, reports_a_dropped_required_field_by_name)
{
    struct spp_json *c = spp_json_clone(root());
    cr_assert_not_null(c);
    struct spp_json *addr = mut(c, (const char *const[]){"components", "schemas", "Address", NULL});
    struct spp_json *req = spp_json_new_array();
    for (const struct spp_json *e = spp_json_first(spp_json_get(addr, "required")); e;
         e = spp_json_next(e))
        if (!str_eq(e, "postcode"))
            spp_json_append(req, spp_json_clone(e));
    cr_assert_eq(spp_json_set(addr, "required", req), SPP_OK);
    contract_check(c, G.seed, CHECK_ALL, &G.f);
    spp_json_free(c);
    const char *const want[] = {"Address.postcode: required in the seed, optional in the contract"};
    expect_exactly(want, 1);
}

Test(checker, reports_a_changed_type_and_a_lost_nullability_by_name)
{
    struct spp_json *c = spp_json_clone(root());
    cr_assert_not_null(c);
    struct spp_json *settings = mut(
        c, (const char *const[]){"components", "schemas", "Role", "properties", "settings", NULL});
    cr_assert_eq(spp_json_set(settings, "type", spp_json_new_string("integer")), SPP_OK);
    struct spp_json *prev =
        mut(c, (const char *const[]){"components", "schemas", "Links", "properties", "prev", NULL});
    cr_assert_eq(spp_json_set(prev, "type", spp_json_new_string("string")), SPP_OK);
    contract_check(c, G.seed, CHECK_TYPES, &G.f);
    spp_json_free(c);
    const char *const want[] = {
        "Role.settings: seed type 'boolean' is {\"type\":\"boolean\"}, the contract has "
        "{\"type\":\"integer\"}",
        "Links.prev: seed type 'string or null' is {\"type\":[\"string\",\"null\"]}, the "
        "contract has {\"type\":\"string\"}",
    };
    expect_exactly(want, 2);
}

Test(checker, reports_an_undocumented_property_and_a_missing_one)
{
    struct spp_json *c = spp_json_clone(root());
    cr_assert_not_null(c);
    struct spp_json *props =
        mut(c, (const char *const[]){"components", "schemas", "Address", "properties", NULL});
    cr_assert_eq(spp_json_set(props, "zip", spp_json_clone(spp_json_get(props, "postcode"))),
                 SPP_OK);
    struct spp_json *msg =
        mut(c, (const char *const[]){"components", "schemas", "Message", "properties", NULL});
    cr_assert(spp_json_remove(msg, "files"));
    contract_check(c, G.seed, CHECK_TYPES | CHECK_EXTRA, &G.f);
    spp_json_free(c);
    const char *const want[] = {"Address.zip: in the contract, not in the seed",
                                "Message.files: in the seed, missing from the contract"};
    expect_exactly(want, 2);
}

Test(checker, reports_a_missing_status_and_an_optional_response_header)
{
    struct spp_json *c = spp_json_clone(root());
    cr_assert_not_null(c);
    struct spp_json *responses =
        mut(c, (const char *const[]){"paths", "/api/tickets/{ticket}", "put", "responses", NULL});
    cr_assert(spp_json_remove(responses, "404"));
    struct spp_json *h =
        mut(responses, (const char *const[]){"200", "headers", "X-Api-Identifier", NULL});
    cr_assert_eq(spp_json_set(h, "required", spp_json_new_bool(false)), SPP_OK);
    contract_check(c, G.seed, CHECK_ALL, &G.f);
    spp_json_free(c);
    const char *const want[] = {
        "responses.404: in the seed, missing from the contract",
        "responses.200.headers.X-Api-Identifier: required in the seed, optional in the contract",
    };
    expect_exactly(want, 2);
}

Test(checker, reports_a_contradicting_example_that_was_kept)
{
    struct spp_json *c = spp_json_clone(root());
    cr_assert_not_null(c);
    struct spp_json *settings = mut(
        c, (const char *const[]){"components", "schemas", "Role", "properties", "settings", NULL});
    struct spp_json *ex = spp_json_new_array();
    spp_json_append(ex, spp_json_new_number(1));
    cr_assert_eq(spp_json_set(settings, "examples", ex), SPP_OK);
    contract_check(c, G.seed, CHECK_ALL, &G.f);
    spp_json_free(c);
    const char *const want[] = {"Role.settings: the seed example `1` contradicts the type; the "
                                "contract must leave it out"};
    expect_exactly(want, 1);
}

Test(checker, rejects_a_seed_cell_beyond_the_limit_with_its_line)
{
    char *md = malloc(4096);
    cr_assert_not_null(md);
    int n = snprintf(md, 4096, "#### X\n\n| Parameter | Type |\n|---|---|\n| a | ");
    cr_assert_gt(n, 0);
    size_t len = (size_t)n;
    memset(md + len, 'x', 1000);
    len += 1000;
    /* No terminator: the parser must stop at len. */
    md[len++] = ' ';
    md[len++] = '|';
    md[len++] = '\n';
    memset(G.seed, 0, sizeof *G.seed);
    struct spp_err e;
    cr_expect_eq(seed_parse(md, len, G.seed, &e), SPP_ELIMIT);
    cr_expect(strstr(e.msg, "line 5") != NULL, "%s", e.msg);
    free(md);
}

Test(checker, rejects_a_seed_table_without_a_separator_row)
{
    const char md[] = "#### X\n| Parameter | Type |\n";
    memset(G.seed, 0, sizeof *G.seed);
    cr_expect_eq(seed_parse(md, sizeof md - 1, G.seed, NULL), SPP_ESYNTAX);
}

/* ---- the fixtures ------------------------------------------------------------- */

static struct spp_json_doc *load_fixture(const char *path, size_t *len)
{
    struct spp_json_doc *d = NULL;
    struct spp_err e;
    char *buf = NULL;
    cr_assert_eq(spp_file_read(path, SPP_JSON_DEFAULT_MAX_BYTES, &buf, len, &e), SPP_OK, "%s",
                 e.msg);
    enum spp_code rc = spp_json_parse(buf, *len, NULL, &d, &e);
    free(buf);
    cr_assert_eq(rc, SPP_OK, "%s: %s", path, e.msg);
    size_t total = 0;
    spp_json_doc_issues(d, NULL, &total);
    cr_expect_eq(total, 0, "%s has JSON policy issues", path);
    return d;
}

static void conform_to(const char *component, const struct spp_json *inst, struct conform_ctx *c)
{
    char ref[128], ptr[SPP_JSON_POINTER_MAX] = "";
    snprintf(ref, sizeof ref, "/components/schemas/%s", component);
    c->root = root();
    c->f = &G.f;
    conform(c, spp_json_pointer(root(), ref), inst, ptr, 0);
}

Test(fixtures, ticket_valid_conforms_and_reaches_every_response_schema)
{
    size_t len = 0;
    struct spp_json_doc *d = load_fixture(SPP_TEST_DATA_DIR "/ticket_valid.json", &len);
    cr_expect(len >= (size_t)10 * 1024 && len <= (size_t)25 * 1024,
              "ticket_valid.json is %zu bytes", len);
    struct conform_ctx c = {0};
    conform_to("TicketResource", spp_json_doc_root(d), &c);
    cr_expect_eq(spp_json_kind(spp_json_pointer(spp_json_doc_root(d), "/ticket/ticket")),
                 SPP_JSON_NULL, "the nested ticket must end the recursion with null");
    spp_json_doc_free(d);
    for (size_t i = 0; i < N_SCHEMA_TABLES; i++) {
        const char *comp = SCHEMA_TABLES[i].component;
        bool response_side = strcmp(comp, "Links") != 0 && strcmp(comp, "SaveTicketRequest") != 0;
        if (response_side && strcmp(comp, "TicketResource") != 0)
            cr_expect(c.visited[i], "ticket_valid.json never reaches %s", comp);
    }
    expect_no_findings("the fixture and the contract");
}

Test(fixtures, ticket_valid_fills_every_optional_field_of_the_outer_objects)
{
    /* Where each schema appears in full (the nested copy under /ticket is trimmed on purpose). */
    static const struct {
        const char *pointer, *component;
    } full[] = {
        {"", "TicketResource"},
        {"/employees/0", "TicketEmployee"},
        {"/messages/0", "Message"},
        {"/order", "IndexOrder"},
        {"/client", "User"},
        {"/client/address", "Address"},
        {"/client/role", "Role"},
        {"/client/managers/0", "UserManager"},
        {"/order/subscription", "Subscription"},
        {"/order/invoice", "Invoice"},
        {"/order/invoice/items/0", "InvoiceItem"},
        {"/order/order_service", "Service"},
        {"/order/ratings/0", "Rating"},
        {"/order/addons/0", "Addon"},
    };
    size_t len = 0;
    struct spp_json_doc *d = load_fixture(SPP_TEST_DATA_DIR "/ticket_valid.json", &len);
    for (size_t i = 0; i < sizeof full / sizeof full[0]; i++) {
        char ref[128];
        snprintf(ref, sizeof ref, "/components/schemas/%s/properties", full[i].component);
        const struct spp_json *inst = spp_json_pointer(spp_json_doc_root(d), full[i].pointer);
        cr_expect_not_null(inst, "ticket_valid.json has nothing at '%s'", full[i].pointer);
        for (const struct spp_json *p = spp_json_first(spp_json_pointer(root(), ref)); inst && p;
             p = spp_json_next(p))
            if (!spp_json_get(inst, spp_json_key(p)))
                found(&G.f, "%s/%s: %s.%s is absent from the fixture", full[i].pointer,
                      spp_json_key(p), full[i].component, spp_json_key(p));
    }
    spp_json_doc_free(d);
    expect_no_findings("the fixture and the contract");
}

Test(fixtures, save_ticket_valid_conforms_to_save_ticket_request)
{
    size_t len = 0;
    struct spp_json_doc *d = load_fixture(SPP_TEST_DATA_DIR "/save_ticket_valid.json", &len);
    struct conform_ctx c = {0};
    conform_to("SaveTicketRequest", spp_json_doc_root(d), &c);
    cr_expect_eq(spp_json_count(spp_json_doc_root(d)), 6, "every request field is exercised");
    spp_json_doc_free(d);
    expect_no_findings("the fixture and the contract");
}

Test(fixtures, conformance_check_names_a_missing_field_and_a_bad_date_time)
{
    size_t len = 0;
    struct spp_json_doc *d = load_fixture(SPP_TEST_DATA_DIR "/ticket_valid.json", &len);
    struct spp_json *t = spp_json_doc_take_root(d);
    spp_json_doc_free(d);
    cr_assert(spp_json_remove(mut(t, (const char *const[]){"order", "client", "address", NULL}),
                              "postcode"));
    cr_assert_eq(spp_json_set(mut(t, (const char *const[]){"order", "invoice", NULL}), "date_due",
                              spp_json_new_string("2021-01-01T00:00:00+00")),
                 SPP_OK);
    struct conform_ctx c = {0};
    conform_to("TicketResource", t, &c);
    spp_json_free(t);
    const char *const want[] = {
        "/order/client/address/postcode: required, missing",
        "/order/invoice/date_due: '2021-01-01T00:00:00+00' is not an RFC 3339 date-time",
    };
    expect_exactly(want, 2);
}
