/*
 * plan — building the fixed cases of a check run (see plan.h).
 *
 * Valid bodies are built as JSON trees and printed, so their text is always
 * well-formed; deliberately malformed bodies are written as text. Values that
 * must exist on the server (employees, order, status) come from the baseline
 * ticket, so a live workspace accepts the plain updates.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const auth_names[] = {"token", "none", "malformed", "wrong-scheme",
                                         "wrong-token"};

const char *spp_auth_mode_name(enum spp_auth_mode m)
{
    return (unsigned)m < sizeof(auth_names) / sizeof(auth_names[0]) ? auth_names[m] : "token";
}

bool spp_auth_mode_lookup(const char *name, enum spp_auth_mode *out)
{
    for (size_t i = 0; i < sizeof(auth_names) / sizeof(auth_names[0]); i++)
        if (strcmp(auth_names[i], name) == 0) {
            *out = (enum spp_auth_mode)i;
            return true;
        }
    return false;
}

struct builder {
    struct spp_plan *plan;
    enum spp_code rc;
    bool may_normalise; /* cases added now get spp_case.may_normalise */
};

static struct spp_case *add_case(struct builder *b, const char *label, enum spp_case_expect expect,
                                 const char *body, size_t len)
{
    if (b->rc != SPP_OK)
        return NULL;
    struct spp_plan *p = b->plan;
    if (p->count == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 64;
        struct spp_case *nc = realloc(p->cases, ncap * sizeof(*nc));
        if (!nc) {
            b->rc = SPP_ENOMEM;
            return NULL;
        }
        p->cases = nc;
        p->cap = ncap;
    }
    struct spp_case *c = &p->cases[p->count];
    memset(c, 0, sizeof(*c));
    snprintf(c->label, sizeof(c->label), "%s", label);
    c->expect = expect;
    c->auth = SPP_AUTH_TOKEN;
    c->schema_valid = expect != SPP_EXPECT_REJECT;
    c->stateful = expect == SPP_EXPECT_NONE;
    c->may_normalise = b->may_normalise;
    if (body) {
        c->body = malloc(len + 1);
        if (!c->body) {
            b->rc = SPP_ENOMEM;
            return NULL;
        }
        memcpy(c->body, body, len);
        c->body[len] = '\0';
        c->body_len = len;
    }
    p->count++;
    return c;
}

/* Adds a case whose body is {field: value} (value is taken). */
static struct spp_case *add_field(struct builder *b, const char *label, enum spp_case_expect expect,
                                  const char *field, struct spp_json *value)
{
    struct spp_json *o = spp_json_new_object();
    if (!o || !value || spp_json_set(o, field, value) != SPP_OK) {
        if (!o)
            spp_json_free(value);
        spp_json_free(o);
        b->rc = SPP_ENOMEM;
        return NULL;
    }
    size_t len = 0;
    char *text = spp_json_print(o, false, &len);
    spp_json_free(o);
    if (!text) {
        b->rc = SPP_ENOMEM;
        return NULL;
    }
    struct spp_case *c = add_case(b, label, expect, text, len);
    free(text);
    return c;
}

static struct spp_json *str_array(const char *const *items, size_t n)
{
    struct spp_json *a = spp_json_new_array();
    for (size_t i = 0; a && i < n; i++)
        if (spp_json_append(a, spp_json_new_string(items[i])) != SPP_OK) {
            spp_json_free(a);
            return NULL;
        }
    return a;
}

static struct spp_json *num_array1(double v)
{
    struct spp_json *a = spp_json_new_array();
    if (a && spp_json_append(a, spp_json_new_number(v)) != SPP_OK) {
        spp_json_free(a);
        return NULL;
    }
    return a;
}

static struct spp_json *repeat_string(const char *unit, size_t times)
{
    size_t ul = strlen(unit);
    char *s = malloc(ul * times + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * ul, unit, ul);
    s[ul * times] = '\0';
    struct spp_json *j = spp_json_new_string(s);
    free(s);
    return j;
}

static struct spp_json *employees_of(const struct spp_json *ticket)
{
    struct spp_json *ids = spp_json_new_array();
    for (const struct spp_json *e = spp_json_first(spp_json_get(ticket, "employees")); e && ids;
         e = spp_json_next(e)) {
        const struct spp_json *id = spp_json_get(e, "id");
        if (spp_json_is_integer(id))
            spp_json_append(ids, spp_json_new_number(spp_json_number(id)));
    }
    return ids;
}

/* The order id as the request spells it (a decimal string), or NULL. */
static struct spp_json *order_of(const struct spp_json *ticket)
{
    const struct spp_json *id = spp_json_get(ticket, "order_id");
    if (!spp_json_is_integer(id) || spp_json_number(id) < 0 || spp_json_number(id) > 9e15)
        return NULL;
    char buf[32];
    snprintf(buf, sizeof(buf), "%.0f", spp_json_number(id));
    return spp_json_new_string(buf);
}

/* A status id of the map whose name differs from the ticket's, else the first one. */
static struct spp_json *status_other_than(const struct spp_json *ticket, const struct spp_json *map)
{
    const char *current = spp_json_string(spp_json_get(ticket, "status"), NULL);
    const struct spp_json *pick = NULL;
    for (const struct spp_json *m = spp_json_first(map); m; m = spp_json_next(m)) {
        const char *name = spp_json_string(m, NULL);
        char *end = NULL;
        strtol(spp_json_key(m), &end, 10);
        if (*end)
            continue;
        if (!pick)
            pick = m;
        if (!current || !name || strcmp(name, current) != 0) {
            pick = m;
            break;
        }
    }
    return pick ? spp_json_new_number(strtod(spp_json_key(pick), NULL)) : NULL;
}

static void add_updates(struct builder *b, const struct spp_json *base, const struct spp_json *map,
                        uint64_t seed)
{
    char text[96];
    snprintf(text, sizeof(text), "spp-harness check %llu", (unsigned long long)seed);
    add_field(b, "update subject", SPP_EXPECT_NONE, "subject", spp_json_new_string(text));
    snprintf(text, sizeof(text), "seed-%llu", (unsigned long long)seed);
    const char *tags[] = {"spp-harness", text};
    add_field(b, "update tags", SPP_EXPECT_NONE, "tags", str_array(tags, 2));
    add_field(b, "update employees", SPP_EXPECT_NONE, "employees", employees_of(base));
    struct spp_json *order = order_of(base);
    if (order)
        add_field(b, "update order", SPP_EXPECT_NONE, "order", order);
    struct spp_json *status = map ? status_other_than(base, map) : NULL;
    if (status)
        add_field(b, "update status", SPP_EXPECT_NONE, "status", status);

    /* Everything at once, the way a client saves a form. */
    struct spp_json *all = spp_json_new_object();
    snprintf(text, sizeof(text), "spp-harness check %llu (all fields)", (unsigned long long)seed);
    spp_json_set(all, "subject", spp_json_new_string(text));
    spp_json_set(all, "tags", str_array(tags, 1));
    spp_json_set(all, "employees", employees_of(base));
    if ((order = order_of(base)))
        spp_json_set(all, "order", order);
    if (map && (status = status_other_than(base, map)))
        spp_json_set(all, "status", status);
    size_t len = 0;
    char *body = spp_json_print(all, false, &len);
    spp_json_free(all);
    if (!body) {
        b->rc = SPP_ENOMEM;
        return;
    }
    add_case(b, "update all fields", SPP_EXPECT_NONE, body, len);
    free(body);
}

static void add_boundaries(struct builder *b)
{
    /* Values a server must store as sent are judged by update_applied; the ones past a
     * limit the contract does not state are added with may_normalise set. */
    add_field(b, "boundary: subject of 255 characters", SPP_EXPECT_NONE, "subject",
              repeat_string("a", 255));
    b->may_normalise = true;
    add_field(b, "boundary: empty subject", SPP_EXPECT_NONE, "subject", spp_json_new_string(""));
    add_field(b, "boundary: subject of 256 characters", SPP_EXPECT_NONE, "subject",
              repeat_string("a", 256));
    add_field(b, "boundary: subject of 10000 characters", SPP_EXPECT_NONE, "subject",
              repeat_string("x", 10000));
    b->may_normalise = false;
    add_field(b, "boundary: non-ASCII subject", SPP_EXPECT_NONE, "subject",
              spp_json_new_string("\xc3\x9c"
                                  "n"
                                  "\xc3\xaf"
                                  "c"
                                  "\xc3\xb6"
                                  "d"
                                  "\xc3\xa9"
                                  " \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"));
    add_field(b, "boundary: astral-plane subject", SPP_EXPECT_NONE, "subject",
              spp_json_new_string("\xf0\x9f\x98\x80 \xf0\x9d\x84\x9e"));
    add_field(b, "boundary: subject with escapes", SPP_EXPECT_NONE, "subject",
              spp_json_new_string("quote \" backslash \\ newline \n tab \t slash / end"));
    add_field(b, "boundary: 255 two-byte characters", SPP_EXPECT_NONE, "subject",
              repeat_string("\xc3\xa9", 255));

    add_field(b, "boundary: no tags", SPP_EXPECT_NONE, "tags", spp_json_new_array());
    const char *intl[] = {"\xc3\xa9t\xc3\xa9", "\xf0\x9f\x98\x80"};
    add_field(b, "boundary: non-ASCII tags", SPP_EXPECT_NONE, "tags", str_array(intl, 2));
    add_field(b, "boundary: no employees", SPP_EXPECT_NONE, "employees", spp_json_new_array());

    b->may_normalise = true;
    const char *empty_tag[] = {""};
    add_field(b, "boundary: an empty tag", SPP_EXPECT_NONE, "tags", str_array(empty_tag, 1));
    struct spp_json *many = spp_json_new_array();
    for (int i = 0; many && i < 200; i++) {
        char t[16];
        snprintf(t, sizeof(t), "t%d", i);
        spp_json_append(many, spp_json_new_string(t));
    }
    add_field(b, "boundary: 200 tags", SPP_EXPECT_NONE, "tags", many);

    add_field(b, "boundary: employee 0", SPP_EXPECT_NONE, "employees", num_array1(0));
    add_field(b, "boundary: employee -1", SPP_EXPECT_NONE, "employees", num_array1(-1));
    add_field(b, "boundary: employee 2^31", SPP_EXPECT_NONE, "employees", num_array1(2147483648.0));
    add_field(b, "boundary: employee 2^53", SPP_EXPECT_NONE, "employees",
              num_array1(9007199254740992.0));

    static const char *const orders[][2] = {
        {"boundary: empty order", ""},
        {"boundary: order 0", "0"},
        {"boundary: order -1", "-1"},
        {"boundary: order 2^31", "2147483648"},
        {"boundary: order 2^53+1", "9007199254740993"},
        {"boundary: order not a number", "abc"},
    };
    for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
        add_field(b, orders[i][0], SPP_EXPECT_NONE, "order", spp_json_new_string(orders[i][1]));

    static const struct {
        const char *label;
        double v;
    } statuses[] = {{"boundary: status 0", 0},
                    {"boundary: status -1", -1},
                    {"boundary: status 2^31", 2147483648.0},
                    {"boundary: status 2^53", 9007199254740992.0}};
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        add_field(b, statuses[i].label, SPP_EXPECT_NONE, "status",
                  spp_json_new_number(statuses[i].v));
    b->may_normalise = false;
}

/* Bodies that break SaveTicketRequest, as text: each must get 4xx. */
static void add_negatives(struct builder *b)
{
    static const char *const bodies[][2] = {
        {"negative: status is a string", "{\"status\":\"1\"}"},
        {"negative: status is a fraction", "{\"status\":1.5}"},
        {"negative: status is a boolean", "{\"status\":true}"},
        {"negative: status is null", "{\"status\":null}"},
        {"negative: status is an array", "{\"status\":[1]}"},
        {"negative: status is an object", "{\"status\":{}}"},
        {"negative: employees is a number", "{\"employees\":1}"},
        {"negative: employees is a string", "{\"employees\":\"1\"}"},
        {"negative: employees item is a string", "{\"employees\":[\"1\"]}"},
        {"negative: employees item is a fraction", "{\"employees\":[1.5]}"},
        {"negative: employees item is null", "{\"employees\":[null]}"},
        {"negative: employees is an object", "{\"employees\":{}}"},
        {"negative: tags is a string", "{\"tags\":\"x\"}"},
        {"negative: tags item is a number", "{\"tags\":[1]}"},
        {"negative: tags item is null", "{\"tags\":[null]}"},
        {"negative: tags item is an array", "{\"tags\":[[\"x\"]]}"},
        {"negative: tags is an object", "{\"tags\":{}}"},
        {"negative: order is a number", "{\"order\":123456}"},
        {"negative: order is a boolean", "{\"order\":true}"},
        {"negative: order is null", "{\"order\":null}"},
        {"negative: order is an array", "{\"order\":[\"1\"]}"},
        {"negative: metadata is a string", "{\"metadata\":\"x\"}"},
        {"negative: metadata item is a number", "{\"metadata\":[1]}"},
        {"negative: metadata item is null", "{\"metadata\":[null]}"},
        {"negative: metadata is an object", "{\"metadata\":{}}"},
        {"negative: subject is a number", "{\"subject\":1}"},
        {"negative: subject is a boolean", "{\"subject\":true}"},
        {"negative: subject is null", "{\"subject\":null}"},
        {"negative: subject is an array", "{\"subject\":[\"x\"]}"},
        {"negative: subject is an object", "{\"subject\":{}}"},
        {"negative: body is an array", "[]"},
        {"negative: body is a string", "\"subject\""},
        {"negative: body is a number", "42"},
        {"negative: body is null", "null"},
        {"negative: body is a boolean", "true"},
        {"negative: malformed JSON (truncated)", "{\"subject\":"},
        {"negative: malformed JSON (trailing comma)", "{\"subject\":\"x\",}"},
        {"negative: malformed JSON (unquoted key)", "{subject:\"x\"}"},
        {"negative: malformed JSON (not JSON)", "not json"},
        {"negative: malformed JSON (trailing data)", "{\"subject\":\"x\"} x"},
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
        add_case(b, bodies[i][0], SPP_EXPECT_REJECT, bodies[i][1], strlen(bodies[i][1]));
}

static void add_auth_and_not_found(struct builder *b)
{
    static const struct {
        const char *label;
        enum spp_auth_mode mode;
    } auth[] = {{"auth: no Authorization header", SPP_AUTH_NONE},
                {"auth: Bearer without a token", SPP_AUTH_MALFORMED},
                {"auth: Basic credentials", SPP_AUTH_WRONG_SCHEME},
                {"auth: wrong token", SPP_AUTH_WRONG_TOKEN}};
    for (size_t i = 0; i < sizeof(auth) / sizeof(auth[0]); i++) {
        struct spp_case *c = add_case(b, auth[i].label, SPP_EXPECT_AUTH, "{}", 2);
        if (c)
            c->auth = auth[i].mode;
    }
    struct spp_case *c = add_case(b, "not found: unknown ticket", SPP_EXPECT_NOT_FOUND, "{}", 2);
    if (c)
        c->unknown_ticket = true;
}

enum spp_code spp_plan_build(const struct spp_json *baseline, const struct spp_json *status_map,
                             uint64_t seed, struct spp_plan *out, struct spp_err *err)
{
    struct spp_plan p = {0};
    struct builder b = {&p, SPP_OK, false};
    add_updates(&b, baseline, status_map, seed);
    add_boundaries(&b);
    /* Stateless cases run after the stateful ones; auth and not-found first, so that a
     * small --max-requests still exercises every check. */
    add_auth_and_not_found(&b);
    add_negatives(&b);
    if (b.rc != SPP_OK) {
        spp_plan_free(&p);
        return spp_err_set(err, b.rc, "out of memory building the plan");
    }
    *out = p;
    return SPP_OK;
}

void spp_plan_free(struct spp_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        free(p->cases[i].body);
    free(p->cases);
    memset(p, 0, sizeof(*p));
}

/* The status id whose name the ticket has, per the map. */
static struct spp_json *status_id_of(const struct spp_json *ticket, const struct spp_json *map)
{
    const char *current = spp_json_string(spp_json_get(ticket, "status"), NULL);
    for (const struct spp_json *m = spp_json_first(map); m && current; m = spp_json_next(m)) {
        const char *name = spp_json_string(m, NULL);
        if (name && strcmp(name, current) == 0)
            return spp_json_new_number(strtod(spp_json_key(m), NULL));
    }
    return NULL;
}

enum spp_code spp_plan_restore_body(const struct spp_json *original,
                                    const struct spp_json *status_map, char **out, size_t *len)
{
    if (spp_json_kind(original) != SPP_JSON_OBJECT)
        return SPP_EINVAL;
    struct spp_json *o = spp_json_new_object();
    if (!o)
        return SPP_ENOMEM;
    const struct spp_json *subject = spp_json_get(original, "subject");
    if (spp_json_kind(subject) == SPP_JSON_STRING)
        spp_json_set(o, "subject", spp_json_clone(subject));
    const struct spp_json *tags = spp_json_get(original, "tags");
    if (spp_json_kind(tags) == SPP_JSON_ARRAY)
        spp_json_set(o, "tags", spp_json_clone(tags));
    if (spp_json_kind(spp_json_get(original, "employees")) == SPP_JSON_ARRAY)
        spp_json_set(o, "employees", employees_of(original));
    struct spp_json *order = order_of(original);
    if (order)
        spp_json_set(o, "order", order);
    struct spp_json *status = status_map ? status_id_of(original, status_map) : NULL;
    if (status)
        spp_json_set(o, "status", status);
    char *text = spp_json_print(o, false, len);
    spp_json_free(o);
    if (!text)
        return SPP_ENOMEM;
    *out = text;
    return SPP_OK;
}
