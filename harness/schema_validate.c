/*
 * schema_validate — instances against compiled nodes (see schema.h).
 *
 * One recursive function, vnode, applies a node's decoded keywords to one
 * instance value. Paths are kept as stacks of borrowed segments (keyword
 * names, member names, indices) preallocated for the depth limit, and are
 * turned into strings only when an error is recorded, so a valid instance
 * costs no string work. "Quiet" evaluation (not, if, contains, the valid-only
 * fast path) records nothing and stops at the first failure.
 *
 * unevaluatedProperties/unevaluatedItems use a "track": one flag per member
 * or item of the current instance, set by every keyword that evaluates it.
 * A node with an unevaluated* keyword starts a fresh track (siblings must not
 * count), in-place applicators share their caller's track, and anyOf/oneOf/if
 * give each branch a scratch track merged only when the branch is valid, as
 * the specification drops annotations of failed subschemas.
 *
 * $dynamicRef keeps a stack of the schema resources entered (the dynamic
 * scope); a reference whose static target declares a matching
 * $dynamicAnchor jumps to the outermost resource in scope that declares it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "schema_internal.h"

struct seg {
    const char *s; /* NULL: an index */
    size_t idx;
};

struct segs {
    struct seg *v;
    size_t n;
    size_t cap;
};

struct track {
    bool *m;
    size_t n;
};

struct pset {
    const void **v;
    size_t cap, n;
};

struct spp_schema_seen {
    /* Schema nodes already recorded, by address (most visits are repeats), and their
     * locations by text; the result's list borrows the schema's strings. */
    struct pset nodes, locations;
    size_t schemas_cap;
    struct spp_map instances;
};

struct vctx {
    const struct spp_schema *s;
    struct spp_schema_result *res;
    size_t max_errors;
    size_t max_depth;
    size_t depth;
    unsigned quiet;
    bool stop; /* out of memory or depth limit: unwind */
    bool oom;
    bool limit;
    bool record;
    size_t protect; /* rollbacks never remove errors below this count */
    struct segs kp, ip;
    const struct spp_schema_res **scope;
    size_t n_scope;
    struct spp_pattern_scratch *sc;
};

/* ---- paths --------------------------------------------------------------- */

/* Pushes never fail: beyond the preallocated capacity they are counted, not stored. */
static void push(struct segs *p, const char *s, size_t idx)
{
    if (p->n < p->cap)
        p->v[p->n] = (struct seg){s, idx};
    p->n++;
}

static void pop(struct segs *p)
{
    p->n--;
}

static void path_str(const struct segs *p, struct spp_sbuf *b, bool star)
{
    spp_sbuf_add(b, "", 0);
    size_t n = p->n < p->cap ? p->n : p->cap;
    for (size_t i = 0; i < n; i++) {
        if (p->v[i].s)
            spp_sbuf_add_token(b, p->v[i].s);
        else if (star)
            spp_sbuf_add(b, "/*", 2);
        else
            spp_sbuf_add_index(b, p->v[i].idx);
    }
}

/* ---- errors -------------------------------------------------------------- */

static char *take(struct spp_sbuf *b)
{
    spp_sbuf_add(b, "", 0);
    if (b->oom) {
        spp_sbuf_free(b);
        return NULL;
    }
    return b->p;
}

static void verr(struct vctx *c, const struct spp_schema_node *n, const char *kw, const char *fmt,
                 ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void verr(struct vctx *c, const struct spp_schema_node *n, const char *kw, const char *fmt,
                 ...)
{
    if (c->quiet)
        return;
    struct spp_schema_result *r = c->res;
    if (r->count >= c->max_errors) {
        r->dropped++;
        return;
    }
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        struct spp_schema_error *e = realloc(r->errors, cap * sizeof(*e));
        if (!e) {
            c->oom = c->stop = true;
            return;
        }
        r->errors = e;
        r->cap = cap;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct spp_sbuf il = {0}, kl = {0}, al = {0}, m = {0};
    path_str(&c->ip, &il, false);
    path_str(&c->kp, &kl, false);
    spp_sbuf_adds(&al, n->abs);
    if (kw) {
        spp_sbuf_add_token(&kl, kw);
        spp_sbuf_add_token(&al, kw);
    }
    spp_sbuf_adds(&m, msg);
    struct spp_schema_error e = {take(&il), take(&kl), take(&al), take(&m)};
    if (!e.instance_location || !e.keyword_location || !e.absolute_keyword_location || !e.message) {
        free(e.instance_location);
        free(e.keyword_location);
        free(e.absolute_keyword_location);
        free(e.message);
        c->oom = c->stop = true;
        return;
    }
    r->errors[r->count++] = e;
}

static void rollback(struct vctx *c, size_t count, size_t dropped)
{
    struct spp_schema_result *r = c->res;
    if (count < c->protect) {
        count = c->protect;
        dropped = r->dropped;
    }
    while (r->count > count) {
        struct spp_schema_error *e = &r->errors[--r->count];
        free(e->instance_location);
        free(e->keyword_location);
        free(e->absolute_keyword_location);
        free(e->message);
    }
    r->dropped = dropped;
}

/* A short rendering of a value for messages: strings quoted, others as JSON, cut at ~40 bytes. */
static void preview(const struct spp_json *x, char *buf, size_t cap)
{
    size_t len = 0;
    const char *s = spp_json_string(x, &len);
    char *printed = NULL;
    bool quote = s != NULL;
    if (!s) {
        printed = spp_json_print(x, false, &len);
        s = printed ? printed : "(value)";
        if (!printed)
            len = strlen(s);
    }
    size_t lim = 40;
    bool cut = len > lim;
    if (cut) {
        len = lim;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--; /* do not split a UTF-8 sequence */
    }
    snprintf(buf, cap, "%s%.*s%s%s", quote ? "\"" : "", (int)len, s, cut ? "..." : "",
             quote ? "\"" : "");
    free(printed);
}

static void fmtnum(double d, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.15g", d);
    if (strtod(buf, NULL) != d)
        snprintf(buf, cap, "%.17g", d);
}

/* ---- evaluated locations -------------------------------------------------- */

static bool seen_add(struct spp_map *m, char ***arr, size_t *n, const char *s)
{
    size_t len = strlen(s);
    if (spp_map_get(m, s, len))
        return true;
    char **a = realloc(*arr, (*n + 1) * sizeof(*a));
    if (!a)
        return false;
    *arr = a;
    a[*n] = malloc(len + 1);
    if (!a[*n])
        return false;
    memcpy(a[*n], s, len + 1);
    if (!spp_map_put(m, s, len, a[*n])) {
        free(a[*n]);
        return false;
    }
    (*n)++;
    return true;
}

/*
 * An open-addressing set of borrowed pointers, compared by address or as C strings.
 * pset_add: 1 when p was added, 0 when it was there, -1 when out of memory.
 */
static size_t pset_slot(const void *p, bool by_str, size_t mask)
{
    return by_str ? spp_hash_str(p) & mask : spp_hash_ptr(p, mask);
}

static int pset_add(struct pset *s, const void *p, bool by_str)
{
    if (s->n * 2 >= s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        const void **t = calloc(cap, sizeof(*t));
        if (!t)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->v[i])
                continue;
            size_t at = pset_slot(s->v[i], by_str, cap - 1);
            while (t[at])
                at = (at + 1) & (cap - 1);
            t[at] = s->v[i];
        }
        free(s->v);
        s->v = t;
        s->cap = cap;
    }
    size_t at = pset_slot(p, by_str, s->cap - 1);
    for (; s->v[at]; at = (at + 1) & (s->cap - 1))
        if (by_str ? strcmp(s->v[at], p) == 0 : s->v[at] == p)
            return 0;
    s->v[at] = p;
    s->n++;
    return 1;
}

/* A schema location the first time its node, and then its text, is met in this result. */
static bool record_schema(struct spp_schema_result *r, const struct spp_schema_node *n)
{
    struct spp_schema_seen *sn = r->seen_;
    int added = pset_add(&sn->nodes, n, false);
    if (added == 1) /* another node may share the location (a resource reached twice) */
        added = pset_add(&sn->locations, n->abs, true);
    if (added != 1)
        return added == 0;
    if (r->n_evaluated_schemas == sn->schemas_cap) {
        size_t cap = sn->schemas_cap ? 2 * sn->schemas_cap : 64;
        const char **a = realloc(r->evaluated_schemas, cap * sizeof(*a));
        if (!a)
            return false;
        r->evaluated_schemas = a;
        sn->schemas_cap = cap;
    }
    r->evaluated_schemas[r->n_evaluated_schemas++] = n->abs;
    return true;
}

static void record(struct vctx *c, const struct spp_schema_node *n)
{
    struct spp_schema_result *r = c->res;
    bool ok = record_schema(r, n);
    if (ok && c->s->opt.record_instances) {
        struct spp_sbuf il = {0};
        path_str(&c->ip, &il, true);
        ok = !il.oom && seen_add(&r->seen_->instances, &r->evaluated_instances,
                                 &r->n_evaluated_instances, spp_sbuf_str(&il));
        spp_sbuf_free(&il);
    }
    if (!ok)
        c->oom = c->stop = true;
}

/* ---- helpers -------------------------------------------------------------- */

static size_t utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static bool type_ok(unsigned types, const struct spp_json *x)
{
    switch (spp_json_kind(x)) {
    case SPP_JSON_NULL:
        return types & SPP_T_NULL;
    case SPP_JSON_BOOL:
        return types & SPP_T_BOOL;
    case SPP_JSON_NUMBER:
        return (types & SPP_T_NUM) || ((types & SPP_T_INT) && spp_json_is_integer(x));
    case SPP_JSON_STRING:
        return types & SPP_T_STR;
    case SPP_JSON_ARRAY:
        return types & SPP_T_ARR;
    case SPP_JSON_OBJECT:
        return types & SPP_T_OBJ;
    case SPP_JSON_INVALID:
        break;
    }
    return false;
}

static void type_names(unsigned types, char *buf, size_t cap)
{
    static const char *const names[] = {"null",   "boolean", "integer", "number",
                                        "string", "array",   "object"};
    size_t o = 0;
    buf[0] = '\0';
    bool first = true;
    for (size_t i = 0; i < 7; i++) {
        if (!(types & (1u << i)))
            continue;
        int w = snprintf(buf + o, cap - o, "%s%s", first ? "" : " or ", names[i]);
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
        first = false;
    }
    if (first)
        snprintf(buf, cap, "nothing");
}

static bool multiple_ok(double v, double m)
{
    if (v == 0)
        return true;
    double q = v / m;
    if (!isfinite(q))
        return fmod(v, m) == 0; /* fmod is exact; only reached for huge quotients */
    if (fabs(q) >= 9007199254740992.0)
        return fmod(v, m) == 0 || q == floor(q);
    /* 0.0075 / 0.0001 is 75.00000000000001 in binary: accept a quotient within rounding. */
    double r = round(q);
    return fabs(q - r) <= 1e-9 * (fabs(q) > 1 ? fabs(q) : 1);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

/* A hash consistent with spp_json_equal (object members in any order; 1 == 1.0). */
static uint64_t jhash(const struct spp_json *x, size_t depth)
{
    enum spp_json_kind k = spp_json_kind(x);
    uint64_t h = (uint64_t)k * 0x100000001b3ull;
    if (depth > SPP_JSON_DEFAULT_MAX_DEPTH)
        return h;
    switch (k) {
    case SPP_JSON_BOOL:
        return mix(h, spp_json_bool(x));
    case SPP_JSON_NUMBER: {
        double d = spp_json_number(x);
        if (d == 0)
            d = 0; /* -0 == 0 */
        uint64_t bits;
        memcpy(&bits, &d, sizeof(bits));
        return mix(h, bits);
    }
    case SPP_JSON_STRING: {
        size_t len = 0;
        const char *s = spp_json_string(x, &len);
        for (size_t i = 0; i < len; i++)
            h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
        return h;
    }
    case SPP_JSON_ARRAY:
        for (const struct spp_json *e = spp_json_first(x); e; e = spp_json_next(e))
            h = mix(h, jhash(e, depth + 1));
        return h;
    case SPP_JSON_OBJECT: {
        uint64_t sum = 0;
        for (const struct spp_json *e = spp_json_first(x); e; e = spp_json_next(e)) {
            uint64_t kh = 1469598103934665603ull;
            for (const char *p = spp_json_key(e); p && *p; p++)
                kh = (kh ^ (unsigned char)*p) * 1099511628211ull;
            sum += mix(kh, jhash(e, depth + 1));
        }
        return mix(h, sum);
    }
    case SPP_JSON_NULL:
    case SPP_JSON_INVALID:
        break;
    }
    return h;
}

struct hitem {
    uint64_t h;
    size_t i;
    const struct spp_json *x;
};

static int hitem_cmp(const void *a, const void *b)
{
    const struct hitem *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* Finds two equal items (*a < *b); false when all are unique. Sets *oom on allocation failure. */
static bool find_duplicate(const struct spp_json *arr, size_t n, size_t *a, size_t *b, bool *oom)
{
    if (n < 2)
        return false;
    struct hitem *v = malloc(n * sizeof(*v));
    if (!v) {
        *oom = true;
        return false;
    }
    size_t i = 0;
    for (const struct spp_json *e = spp_json_first(arr); e && i < n; e = spp_json_next(e), i++)
        v[i] = (struct hitem){jhash(e, 0), i, e};
    qsort(v, n, sizeof(*v), hitem_cmp);
    bool found = false;
    for (size_t s = 0; s < n && !found; s++)
        for (size_t t = s + 1; t < n && v[t].h == v[s].h && !found; t++)
            if (spp_json_equal(v[s].x, v[t].x)) {
                *a = v[s].i < v[t].i ? v[s].i : v[t].i;
                *b = v[s].i < v[t].i ? v[t].i : v[s].i;
                found = true;
            }
    free(v);
    return found;
}

/* The key map slot of key in n, or NULL (see spp_schema_keyslot). */
static const struct spp_schema_keyslot *key_slot(const struct spp_schema_node *n, const char *key)
{
    uint32_t h = spp_hash_str(key);
    for (size_t at = h & n->kmap_mask; n->kmap[at].name; at = (at + 1) & n->kmap_mask)
        if (n->kmap[at].hash == h && strcmp(n->kmap[at].name, key) == 0)
            return &n->kmap[at];
    return NULL;
}

/* The "properties" schema of key in n, or NULL. Every node with properties has a key map. */
static const struct spp_schema_node *prop_find(const struct spp_schema_node *n, const char *key)
{
    const struct spp_schema_keyslot *s = n->kmap ? key_slot(n, key) : NULL;
    return s && s->prop >= 0 ? n->props[s->prop].node : NULL;
}

static bool pattern_match(struct vctx *c, const struct spp_pattern *p, const char *s, size_t len)
{
    if (!c->sc) {
        c->sc = spp_pattern_scratch_new();
        if (!c->sc) {
            c->oom = c->stop = true;
            return false;
        }
    }
    return spp_pattern_search(p, c->sc, s, len, NULL);
}

static bool track_new(struct vctx *c, const struct track *like, struct track *out)
{
    out->n = like ? like->n : 0;
    out->m = NULL;
    if (!like)
        return true;
    out->m = calloc(out->n ? out->n : 1, sizeof(bool));
    if (!out->m)
        c->oom = c->stop = true;
    return out->m != NULL;
}

static void track_merge(struct track *into, const struct track *from)
{
    if (!into || !from || !from->m)
        return;
    for (size_t i = 0; i < into->n && i < from->n; i++)
        into->m[i] = into->m[i] || from->m[i];
}

static void mark(struct track *t, size_t i)
{
    if (t && i < t->n)
        t->m[i] = true;
}

/* ---- the validator -------------------------------------------------------- */

static bool vnode(struct vctx *c, const struct spp_schema_node *n, const struct spp_json *x,
                  struct track *t);

/* Validates x against child after pushing keyword segments k1 (and k2/idx). */
static bool vchild(struct vctx *c, const struct spp_schema_node *child, const struct spp_json *x,
                   struct track *t, const char *k1, const char *k2, size_t idx, bool has_idx)
{
    push(&c->kp, k1, 0);
    if (k2 || has_idx)
        push(&c->kp, k2, idx);
    bool ok = vnode(c, child, x, t);
    if (k2 || has_idx)
        pop(&c->kp);
    pop(&c->kp);
    return ok;
}

#define FAIL()                                                                                     \
    do {                                                                                           \
        ok = false;                                                                                \
        if (c->quiet || c->stop)                                                                   \
            goto out;                                                                              \
    } while (0)

static bool v_string(struct vctx *c, const struct spp_schema_node *n, const struct spp_json *x)
{
    bool ok = true;
    size_t len = 0;
    const char *s = spp_json_string(x, &len);
    if (n->has & (SPP_HAS_MINLEN | SPP_HAS_MAXLEN)) {
        size_t cp = utf8_length(s, len);
        if ((n->has & SPP_HAS_MINLEN) && cp < n->min_len) {
            verr(c, n, "minLength", "string is %zu characters long, shorter than minLength %zu", cp,
                 n->min_len);
            FAIL();
        }
        if ((n->has & SPP_HAS_MAXLEN) && cp > n->max_len) {
            verr(c, n, "maxLength", "string is %zu characters long, longer than maxLength %zu", cp,
                 n->max_len);
            FAIL();
        }
    }
    if (n->pattern && !pattern_match(c, n->pattern, s, len)) {
        char pv[64];
        preview(x, pv, sizeof(pv));
        verr(c, n, "pattern", "%s does not match pattern \"%.100s\"", pv, n->pattern_src);
        FAIL();
    }
    if (n->format && spp_format_check(n->format, s, len) == SPP_FORMAT_INVALID) {
        char pv[64];
        preview(x, pv, sizeof(pv));
        verr(c, n, "format", "%s is not a valid %.60s", pv, n->format);
        FAIL();
    }
out:
    return ok;
}

static bool v_number(struct vctx *c, const struct spp_schema_node *n, const struct spp_json *x)
{
    bool ok = true;
    double v = spp_json_number(x);
    char a[40], b[40];
    if (!(n->has & (SPP_HAS_MIN | SPP_HAS_MAX | SPP_HAS_XMIN | SPP_HAS_XMAX | SPP_HAS_MULT)))
        return true;
    if ((n->has & SPP_HAS_MIN) && v < n->minimum) {
        fmtnum(v, a, sizeof(a));
        fmtnum(n->minimum, b, sizeof(b));
        verr(c, n, "minimum", "%s is less than the minimum %s", a, b);
        FAIL();
    }
    if ((n->has & SPP_HAS_MAX) && v > n->maximum) {
        fmtnum(v, a, sizeof(a));
        fmtnum(n->maximum, b, sizeof(b));
        verr(c, n, "maximum", "%s is greater than the maximum %s", a, b);
        FAIL();
    }
    if ((n->has & SPP_HAS_XMIN) && v <= n->xmin) {
        fmtnum(v, a, sizeof(a));
        fmtnum(n->xmin, b, sizeof(b));
        verr(c, n, "exclusiveMinimum", "%s must be greater than %s", a, b);
        FAIL();
    }
    if ((n->has & SPP_HAS_XMAX) && v >= n->xmax) {
        fmtnum(v, a, sizeof(a));
        fmtnum(n->xmax, b, sizeof(b));
        verr(c, n, "exclusiveMaximum", "%s must be less than %s", a, b);
        FAIL();
    }
    if ((n->has & SPP_HAS_MULT) && !multiple_ok(v, n->multiple_of)) {
        fmtnum(v, a, sizeof(a));
        fmtnum(n->multiple_of, b, sizeof(b));
        verr(c, n, "multipleOf", "%s is not a multiple of %s", a, b);
        FAIL();
    }
out:
    return ok;
}

static bool v_array(struct vctx *c, const struct spp_schema_node *n, const struct spp_json *x,
                    struct track *t)
{
    bool ok = true;
    size_t len = spp_json_count(x);
    if ((n->has & SPP_HAS_MINITEMS) && len < n->min_items) {
        verr(c, n, "minItems", "array has %zu items, fewer than minItems %zu", len, n->min_items);
        FAIL();
    }
    if ((n->has & SPP_HAS_MAXITEMS) && len > n->max_items) {
        verr(c, n, "maxItems", "array has %zu items, more than maxItems %zu", len, n->max_items);
        FAIL();
    }
    if (n->unique_items) {
        size_t i = 0, j = 0;
        bool oom = false;
        if (find_duplicate(x, len, &i, &j, &oom)) {
            verr(c, n, "uniqueItems", "items %zu and %zu are equal, but items must be unique", i,
                 j);
            FAIL();
        }
        if (oom) {
            c->oom = c->stop = true;
            FAIL();
        }
    }
    if (n->prefix.n || n->items) {
        size_t i = 0;
        for (const struct spp_json *e = spp_json_first(x); e; e = spp_json_next(e), i++) {
            bool r;
            push(&c->ip, NULL, i);
            if (i < n->prefix.n)
                r = vchild(c, n->prefix.v[i], e, NULL, "prefixItems", NULL, i, true);
            else if (n->items)
                r = vchild(c, n->items, e, NULL, "items", NULL, 0, false);
            else {
                pop(&c->ip);
                break;
            }
            pop(&c->ip);
            if (r)
                mark(t, i);
            else
                FAIL();
        }
    }
    if (n->contains) {
        size_t matches = 0, i = 0;
        size_t min = (n->has & SPP_HAS_MINCONT) ? n->min_contains : 1;
        c->quiet++;
        for (const struct spp_json *e = spp_json_first(x); e; e = spp_json_next(e), i++) {
            push(&c->ip, NULL, i);
            bool r = vchild(c, n->contains, e, NULL, "contains", NULL, 0, false);
            pop(&c->ip);
            if (r) {
                matches++;
                mark(t, i);
                if (!t && matches >= min && !(n->has & SPP_HAS_MAXCONT))
                    break;
            }
            if (c->stop)
                break;
        }
        c->quiet--;
        if (matches < min) {
            if (min == 1)
                verr(c, n, "contains", "array has no item matching \"contains\"");
            else
                verr(c, n, "minContains",
                     "array has %zu items matching \"contains\", fewer than minContains %zu",
                     matches, min);
            FAIL();
        }
        if ((n->has & SPP_HAS_MAXCONT) && matches > n->max_contains) {
            verr(c, n, "maxContains",
                 "array has %zu items matching \"contains\", more than maxContains %zu", matches,
                 n->max_contains);
            FAIL();
        }
    }
out:
    return ok;
}

static bool v_object(struct vctx *c, const struct spp_schema_node *n, const struct spp_json *x,
                     struct track *t)
{
    bool ok = true;
    /* One pass counting the distinct required names present; the slow path only on failure.
     * The key map slots it finds serve the properties pass too (one hash per member). */
    size_t present = 0, nslots = 0;
    const struct spp_schema_keyslot *slots[64];
    if (n->n_required_sorted) {
        /* A duplicate key must count once: remember which names were seen. */
        bool small[64], *seen = small;
        if (n->n_required_sorted > 64)
            seen = calloc(n->n_required_sorted, sizeof(bool));
        else
            memset(small, 0, sizeof(small));
        for (const struct spp_json *m = spp_json_first(x); seen && m; m = spp_json_next(m)) {
            const struct spp_schema_keyslot *slot = key_slot(n, spp_json_key(m));
            if (nslots < sizeof(slots) / sizeof(slots[0]))
                slots[nslots++] = slot;
            size_t at = slot && slot->req >= 0 ? (size_t)slot->req : n->n_required_sorted;
            if (at < n->n_required_sorted && !seen[at]) {
                seen[at] = true;
                present++;
            }
        }
        if (seen != small)
            free(seen);
    }
    for (size_t i = 0; present < n->n_required_sorted && i < n->n_required; i++) {
        if (!spp_json_get(x, n->required[i])) {
            verr(c, n, "required", "missing required property \"%.200s\"", n->required[i]);
            FAIL();
        }
    }
    if (n->has & (SPP_HAS_MINPROPS | SPP_HAS_MAXPROPS)) {
        size_t cnt = spp_json_count(x);
        if ((n->has & SPP_HAS_MINPROPS) && cnt < n->min_props) {
            verr(c, n, "minProperties", "object has %zu properties, fewer than minProperties %zu",
                 cnt, n->min_props);
            FAIL();
        }
        if ((n->has & SPP_HAS_MAXPROPS) && cnt > n->max_props) {
            verr(c, n, "maxProperties", "object has %zu properties, more than maxProperties %zu",
                 cnt, n->max_props);
            FAIL();
        }
    }
    if (n->n_props || n->n_pats || n->additional) {
        size_t i = 0;
        for (const struct spp_json *m = spp_json_first(x); m; m = spp_json_next(m), i++) {
            const char *key = spp_json_key(m);
            bool matched = false, r = true;
            push(&c->ip, key, 0);
            const struct spp_schema_node *p = NULL;
            if (i < nslots)
                p = slots[i] && slots[i]->prop >= 0 ? n->props[slots[i]->prop].node : NULL;
            else if (n->n_props)
                p = prop_find(n, key);
            if (p) {
                matched = true;
                r = vchild(c, p, m, NULL, "properties", key, 0, false) && r;
            }
            for (size_t k = 0; k < n->n_pats && !c->stop; k++) {
                if (!pattern_match(c, n->pats[k].re, key, strlen(key)))
                    continue;
                matched = true;
                r = vchild(c, n->pats[k].node, m, NULL, "patternProperties", n->pats[k].src, 0,
                           false) &&
                    r;
            }
            if (!matched && n->additional) {
                if (n->additional->is_bool && !n->additional->bool_value) {
                    verr(c, n, "additionalProperties",
                         "property \"%.200s\" is not allowed (additionalProperties is false)", key);
                    r = false;
                } else {
                    r = vchild(c, n->additional, m, NULL, "additionalProperties", NULL, 0, false);
                }
                matched = true;
            }
            pop(&c->ip);
            if (matched && r)
                mark(t, i);
            if (!r)
                FAIL();
        }
    }
    for (size_t i = 0; i < n->n_dep_req; i++) {
        const struct spp_schema_depreq *d = &n->dep_req[i];
        if (!spp_json_get(x, d->name))
            continue;
        for (size_t k = 0; k < d->n; k++) {
            if (!spp_json_get(x, d->req[k])) {
                verr(c, n, "dependentRequired",
                     "missing property \"%.100s\", required when \"%.100s\" is present", d->req[k],
                     d->name);
                FAIL();
            }
        }
    }
    for (size_t i = 0; i < n->n_dep_schemas; i++) {
        const struct spp_schema_prop *d = &n->dep_schemas[i];
        if (spp_json_get(x, d->name) &&
            !vchild(c, d->node, x, t, "dependentSchemas", d->name, 0, false))
            FAIL();
    }
    if (n->property_names) {
        for (const struct spp_json *m = spp_json_first(x); m; m = spp_json_next(m)) {
            struct spp_json *name = spp_json_new_string(spp_json_key(m));
            if (!name) {
                c->oom = c->stop = true;
                FAIL();
                continue;
            }
            push(&c->ip, spp_json_key(m), 0);
            bool r = vchild(c, n->property_names, name, NULL, "propertyNames", NULL, 0, false);
            pop(&c->ip);
            spp_json_free(name);
            if (!r)
                FAIL();
        }
    }
out:
    return ok;
}

static const struct spp_schema_node *dynamic_target(struct vctx *c, const struct spp_schema_node *n)
{
    if (!n->dyn_name)
        return n->dyn_ref;
    size_t len = strlen(n->dyn_name);
    size_t depth = c->n_scope < c->max_depth + 2 ? c->n_scope : c->max_depth + 2;
    for (size_t i = 0; i < depth; i++) {
        const struct spp_json *j = spp_map_get(&c->scope[i]->dyn, n->dyn_name, len);
        if (!j)
            continue;
        const struct spp_schema_node *target = spp_schema_node_of(c->s, j);
        if (target)
            return target;
    }
    return n->dyn_ref;
}

static bool v_applicators(struct vctx *c, const struct spp_schema_node *n, const struct spp_json *x,
                          struct track *t)
{
    bool ok = true;
    if (n->ref && !vchild(c, n->ref, x, t, "$ref", NULL, 0, false))
        FAIL();
    if (n->dyn_ref && !vchild(c, dynamic_target(c, n), x, t, "$dynamicRef", NULL, 0, false))
        FAIL();
    for (size_t i = 0; i < n->all_of.n; i++)
        if (!vchild(c, n->all_of.v[i], x, t, "allOf", NULL, i, true))
            FAIL();
    if (n->any_of.n) {
        size_t mark0 = c->res->count, drop0 = c->res->dropped, matched = 0;
        for (size_t i = 0; i < n->any_of.n && !c->stop; i++) {
            if (matched && !t)
                break;
            struct track tmp;
            if (!track_new(c, t, &tmp))
                break;
            if (vchild(c, n->any_of.v[i], x, t ? &tmp : NULL, "anyOf", NULL, i, true)) {
                matched++;
                track_merge(t, &tmp);
            }
            free(tmp.m);
        }
        if (matched) {
            rollback(c, mark0, drop0);
        } else {
            verr(c, n, "anyOf", "value matches none of the %zu alternatives of anyOf", n->any_of.n);
            FAIL();
        }
    }
    if (n->one_of.n) {
        size_t mark0 = c->res->count, drop0 = c->res->dropped, matched = 0, first = 0, second = 0;
        struct track keep = {0};
        for (size_t i = 0; i < n->one_of.n && !c->stop && matched < 2; i++) {
            struct track tmp;
            if (!track_new(c, t, &tmp))
                break;
            if (vchild(c, n->one_of.v[i], x, t ? &tmp : NULL, "oneOf", NULL, i, true)) {
                if (matched++ == 0) {
                    first = i;
                    free(keep.m);
                    keep = tmp;
                    tmp.m = NULL;
                } else {
                    second = i;
                }
            }
            free(tmp.m);
        }
        if (matched == 1) {
            rollback(c, mark0, drop0);
            track_merge(t, &keep);
        }
        free(keep.m);
        if (matched == 0) {
            verr(c, n, "oneOf", "value matches none of the %zu alternatives of oneOf", n->one_of.n);
            FAIL();
        } else if (matched > 1) {
            rollback(c, mark0, drop0);
            verr(c, n, "oneOf",
                 "value matches alternatives %zu and %zu of oneOf, but must match exactly one",
                 first, second);
            FAIL();
        }
    }
    if (n->not_) {
        c->quiet++;
        bool r = vchild(c, n->not_, x, NULL, "not", NULL, 0, false);
        c->quiet--;
        if (r && !c->stop) {
            verr(c, n, "not", "value must not match the schema in \"not\"");
            FAIL();
        }
    }
    if (n->if_) {
        struct track tmp;
        if (track_new(c, t, &tmp)) {
            c->quiet++;
            bool r = vchild(c, n->if_, x, t ? &tmp : NULL, "if", NULL, 0, false);
            c->quiet--;
            if (r)
                track_merge(t, &tmp);
            free(tmp.m);
            if (r && n->then_ && !vchild(c, n->then_, x, t, "then", NULL, 0, false))
                FAIL();
            if (!r && !c->stop && n->else_ && !vchild(c, n->else_, x, t, "else", NULL, 0, false))
                FAIL();
        }
    }
out:
    return ok;
}

static bool vnode(struct vctx *c, const struct spp_schema_node *n, const struct spp_json *x,
                  struct track *t)
{
    if (n->is_bool) {
        if (n->bool_value)
            return true;
        verr(c, n, NULL, "no value is allowed here (the schema is false)");
        return false;
    }
    if (c->depth >= c->max_depth) {
        if (!c->limit) {
            /* This error must survive quiet evaluation and anyOf rollbacks. */
            unsigned q = c->quiet;
            c->quiet = 0;
            verr(c, n, NULL,
                 "validation nested deeper than %zu levels (instance or schema recursion too deep)",
                 c->max_depth);
            c->quiet = q;
            c->protect = c->res->count;
        }
        c->limit = c->stop = true;
        return false;
    }
    bool ok = true, pushed = false;
    c->depth++;
    if (!c->n_scope || c->scope[c->n_scope - 1] != n->res) {
        if (c->n_scope < c->max_depth + 2)
            c->scope[c->n_scope] = n->res;
        c->n_scope++;
        pushed = true;
    }
    if (c->record)
        record(c, n);
    enum spp_json_kind k = spp_json_kind(x);
    struct track local = {0}, *tt = t;
    bool own =
        (n->uneval_props && k == SPP_JSON_OBJECT) || (n->uneval_items && k == SPP_JSON_ARRAY);
    if (own) {
        local.n = spp_json_count(x);
        local.m = calloc(local.n ? local.n : 1, sizeof(bool));
        if (!local.m) {
            c->oom = c->stop = true;
            FAIL();
        }
        tt = &local;
    }
    if (n->types && !(n->nullable && k == SPP_JSON_NULL) && !type_ok(n->types, x)) {
        char want[80];
        type_names(n->types, want, sizeof(want));
        const char *got = spp_json_kind_name(k);
        if (k == SPP_JSON_NUMBER && spp_json_is_integer(x))
            got = "integer";
        verr(c, n, "type", "expected %s, got %s", want, got);
        FAIL();
    }
    if (n->enum_vals) {
        bool found = false;
        for (const struct spp_json *e = spp_json_first(n->enum_vals); e && !found;
             e = spp_json_next(e))
            found = spp_json_equal(e, x);
        if (!found) {
            char pv[64], allowed[120];
            preview(x, pv, sizeof(pv));
            size_t plen = 0;
            char *p = spp_json_print(n->enum_vals, false, &plen);
            snprintf(allowed, sizeof(allowed), "%.100s%s", p ? p : "the listed values",
                     plen > 100 ? "..." : "");
            free(p);
            verr(c, n, "enum", "%s is not one of %s", pv, allowed);
            FAIL();
        }
    }
    if ((n->has & SPP_HAS_CONST) && !spp_json_equal(n->const_val, x)) {
        char pv[64], want[64];
        preview(x, pv, sizeof(pv));
        preview(n->const_val, want, sizeof(want));
        verr(c, n, "const", "%s is not the required value %s", pv, want);
        FAIL();
    }
    switch (k) {
    case SPP_JSON_STRING:
        if (!v_string(c, n, x))
            FAIL();
        break;
    case SPP_JSON_NUMBER:
        if (!v_number(c, n, x))
            FAIL();
        break;
    case SPP_JSON_ARRAY:
        if (!v_array(c, n, x, tt))
            FAIL();
        break;
    case SPP_JSON_OBJECT:
        if (!v_object(c, n, x, tt))
            FAIL();
        break;
    default:
        break;
    }
    if (!v_applicators(c, n, x, tt))
        FAIL();
    if (own && n->uneval_props && k == SPP_JSON_OBJECT) {
        size_t i = 0;
        for (const struct spp_json *m = spp_json_first(x); m; m = spp_json_next(m), i++) {
            if (local.m[i])
                continue;
            const char *key = spp_json_key(m);
            bool r;
            push(&c->ip, key, 0);
            if (n->uneval_props->is_bool && !n->uneval_props->bool_value) {
                verr(c, n, "unevaluatedProperties",
                     "property \"%.200s\" is not allowed (unevaluatedProperties is false)", key);
                r = false;
            } else {
                r = vchild(c, n->uneval_props, m, NULL, "unevaluatedProperties", NULL, 0, false);
            }
            pop(&c->ip);
            if (!r)
                FAIL();
            local.m[i] = true;
        }
    }
    if (own && n->uneval_items && k == SPP_JSON_ARRAY) {
        size_t i = 0;
        for (const struct spp_json *e = spp_json_first(x); e; e = spp_json_next(e), i++) {
            if (local.m[i])
                continue;
            bool r;
            push(&c->ip, NULL, i);
            if (n->uneval_items->is_bool && !n->uneval_items->bool_value) {
                verr(c, n, "unevaluatedItems",
                     "item %zu is not allowed (unevaluatedItems is false)", i);
                r = false;
            } else {
                r = vchild(c, n->uneval_items, e, NULL, "unevaluatedItems", NULL, 0, false);
            }
            pop(&c->ip);
            if (!r)
                FAIL();
            local.m[i] = true;
        }
    }
out:
    if (own && ok)
        track_merge(t, &local);
    free(local.m);
    if (pushed)
        c->n_scope--;
    c->depth--;
    return ok;
}

/* ---- public -------------------------------------------------------------- */

static bool ctx_init(struct vctx *c, const struct spp_schema *s, struct spp_schema_result *res)
{
    memset(c, 0, sizeof(*c));
    c->s = s;
    c->res = res;
    c->max_errors = s->opt.max_errors;
    c->max_depth = s->opt.max_depth;
    /* Each level pushes at most two keyword segments and one instance segment. */
    c->kp.cap = 2 * (c->max_depth + 4);
    c->ip.cap = c->max_depth + 4;
    c->kp.v = malloc(c->kp.cap * sizeof(*c->kp.v));
    c->ip.v = malloc(c->ip.cap * sizeof(*c->ip.v));
    c->scope = malloc((c->max_depth + 2) * sizeof(*c->scope));
    return c->kp.v && c->ip.v && c->scope;
}

static void ctx_free(struct vctx *c)
{
    free(c->kp.v);
    free(c->ip.v);
    free(c->scope);
    spp_pattern_scratch_free(c->sc);
}

enum spp_code spp_schema_validate(const struct spp_schema *s, const struct spp_schema_node *node,
                                  const struct spp_json *instance, struct spp_schema_result *res)
{
    if (!res)
        return SPP_EINVAL;
    memset(res, 0, sizeof(*res));
    if (!s || !instance || !(node || s->root))
        return SPP_EINVAL;
    struct vctx c;
    enum spp_code rc = SPP_ENOMEM;
    if (!ctx_init(&c, s, res))
        goto out;
    if (s->opt.record_evaluated) {
        res->seen_ = calloc(1, sizeof(*res->seen_));
        if (!res->seen_)
            goto out;
        c.record = true;
    }
    bool ok = vnode(&c, node ? node : s->root, instance, NULL);
    res->depth_exceeded = c.limit;
    if (c.oom)
        rc = SPP_ENOMEM;
    else if (c.limit)
        rc = SPP_ELIMIT;
    else
        rc = ok ? SPP_OK : SPP_EINVALID;
out:
    res->valid = rc == SPP_OK;
    ctx_free(&c);
    return rc;
}

bool spp_schema_is_valid(const struct spp_schema *s, const struct spp_schema_node *node,
                         const struct spp_json *instance)
{
    if (!s || !instance || !(node || s->root))
        return false;
    struct spp_schema_result res;
    memset(&res, 0, sizeof(res));
    struct vctx c;
    bool ok = false;
    if (ctx_init(&c, s, &res)) {
        c.quiet = 1;
        ok = vnode(&c, node ? node : s->root, instance, NULL) && !c.stop;
    }
    ctx_free(&c);
    spp_schema_result_free(&res);
    return ok;
}

void spp_schema_result_free(struct spp_schema_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->count; i++) {
        free(res->errors[i].instance_location);
        free(res->errors[i].keyword_location);
        free(res->errors[i].absolute_keyword_location);
        free(res->errors[i].message);
    }
    free(res->errors);
    free(res->evaluated_schemas); /* the strings are the schema's */
    for (size_t i = 0; i < res->n_evaluated_instances; i++)
        free(res->evaluated_instances[i]);
    free(res->evaluated_instances);
    if (res->seen_) {
        spp_map_free(&res->seen_->instances);
        free(res->seen_->nodes.v);
        free(res->seen_->locations.v);
        free(res->seen_);
    }
    memset(res, 0, sizeof(*res));
}
