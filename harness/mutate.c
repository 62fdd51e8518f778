/*
 * mutate — structure-aware, seeded mutation of JSON trees (see mutate.h).
 *
 * Design. Each mutation starts from a fresh table of the tree's nodes built
 * breadth-first (no recursion over input-controlled depth): node, parent
 * index, position, level (containers above it) and height (containers in its
 * subtree, itself included). Children follow their parents in the table, so
 * heights come from one backward pass. A placement of subtree S at level L
 * makes the document L + height(S) deep, which is the one check every
 * growing mutation makes against max_depth. Targets are drawn uniformly
 * among the table rows a kind accepts (count, then draw one index).
 *
 * The tree is only changed through json.h: spp_json_swap_child keeps a
 * node's position and key while replacing it, spp_json_detach_child removes
 * one, spp_json_add_duplicate appends a member even when the name exists.
 * After any change the table is stale; it is rebuilt before the next one.
 *
 * Text-level tricks leave placeholder strings and splices (mutate.h);
 * spp_mutate_render swaps every printed occurrence of a placeholder for its
 * text, so a placeholder copied by a later mutation is spliced everywhere.
 */
#include "mutate.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
#define SPP_X_MUT(e, name) name,
    SPP_MUTATE_KIND_LIST(SPP_X_MUT)
#undef SPP_X_MUT
};

/* The Tickets API's property names: request, answer and the nested schemas' most common. */
static const char *const default_dictionary[] = {
    "status",    "employees",  "tags",       "order",           "metadata",    "subject",
    "id",        "created_at", "updated_at", "last_message_at", "date_closed", "user_id",
    "form_data", "note",       "source",     "order_id",        "ticket",      "messages",
    "message",   "staff_only", "files",      "name_f",          "name_l",      "group_id",
    "role_id",   "client",     "email",      "price",           "service",     "invoice_id",
};

/* Nodes in one table: far above any request body, bounds memory for a 64 MiB stress document. */
#define MAX_NODES ((size_t)1 << 20)
/* Bytes of an original string kept in a text-level splice (the rest is dropped). */
#define SPLICE_PREFIX_MAX 32
/* Draws before a kind that needs a pair or a fit (swap, crossover) gives up. */
#define MAX_TRIES 16

struct node {
    struct spp_json *n;        /* mutable tree: the node; donor tables: NULL */
    const struct spp_json *cn; /* the node, always */
    size_t parent;             /* row of the parent; SIZE_MAX for the root */
    size_t index;              /* position among the parent's children */
    size_t level;              /* containers enclosing it */
    size_t height;             /* containers in its subtree, itself included */
};

struct table {
    struct node *v;
    size_t n, cap;
};

struct mctx {
    struct spp_rng *rng;
    struct spp_mutate_options o; /* resolved: no zeros left */
    struct spp_mutate_result *res;
    struct spp_json **root;
    struct table t;
    struct table donor;
    size_t *cand;    /* pick's scratch: rows a predicate accepted; t.cap entries */
    size_t cand_cap; /* entries allocated in cand */
    /* o.required with a name, sorted by name (drop-required's lookup); built on first use. */
    const struct spp_mutate_required **req;
    size_t nreq;
    bool req_built;
};

/* ---- names ------------------------------------------------------------- */

const char *spp_mutate_kind_name(enum spp_mutate_kind kind)
{
    if ((size_t)kind >= SPP_MUTATE_KIND_COUNT)
        return "unknown";
    return kind_names[kind];
}

enum spp_code spp_mutate_kinds_parse(const char *list, uint32_t *mask, struct spp_err *err)
{
    if (!list || !mask)
        return spp_err_set(err, SPP_EINVAL, "spp_mutate_kinds_parse: NULL argument");
    uint32_t m = 0;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        bool found = false;
        if (n == 3 && memcmp(p, "all", 3) == 0) {
            m |= SPP_MUTATE_ALL;
            found = true;
        }
        for (size_t k = 0; !found && k < SPP_MUTATE_KIND_COUNT; k++)
            if (strlen(kind_names[k]) == n && memcmp(kind_names[k], p, n) == 0) {
                m |= SPP_MUTATE_BIT(k);
                found = true;
            }
        if (!found)
            return spp_err_set(err, SPP_EUSAGE, "unknown mutation kind '%.*s'",
                               n > 64 ? 64 : (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    if (!m)
        return spp_err_set(err, SPP_EUSAGE, "empty list of mutation kinds");
    *mask = m;
    return SPP_OK;
}

/* ---- the node table ------------------------------------------------------ */

static bool is_container(const struct spp_json *n)
{
    enum spp_json_kind k = spp_json_kind(n);
    return k == SPP_JSON_ARRAY || k == SPP_JSON_OBJECT;
}

static enum spp_code table_push(struct table *t, struct node nd)
{
    if (t->n == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        if (ncap > MAX_NODES)
            ncap = MAX_NODES;
        if (ncap <= t->cap)
            return SPP_ELIMIT;
        struct node *nv = realloc(t->v, ncap * sizeof(*nv));
        if (!nv)
            return SPP_ENOMEM;
        t->v = nv;
        t->cap = ncap;
    }
    t->v[t->n++] = nd;
    return SPP_OK;
}

/*
 * Fills t with the tree at mroot (mutable) or croot (read-only). Past
 * MAX_NODES the rest is left out, and the containers whose children were not
 * all listed get height max_depth, so no depth check can trust them.
 */
static enum spp_code table_build(struct table *t, struct spp_json *mroot,
                                 const struct spp_json *croot, size_t max_depth)
{
    t->n = 0;
    const struct spp_json *r = mroot ? mroot : croot;
    if (!r)
        return SPP_OK;
    struct node root = {.n = mroot, .cn = r, .parent = SIZE_MAX};
    if (table_push(t, root) != SPP_OK)
        return SPP_ENOMEM;
    size_t cut = SIZE_MAX; /* first row whose children were not all listed */
    for (size_t i = 0; i < t->n && cut == SIZE_MAX; i++) {
        size_t idx = 0;
        struct spp_json *mc = t->v[i].n ? spp_json_first_mut(t->v[i].n) : NULL;
        const struct spp_json *cc = t->v[i].n ? mc : spp_json_first(t->v[i].cn);
        while (cc) {
            if (t->n >= MAX_NODES) {
                cut = i;
                break;
            }
            struct node nd = {
                .n = mc, .cn = cc, .parent = i, .index = idx, .level = t->v[i].level + 1};
            if (table_push(t, nd) != SPP_OK)
                return SPP_ENOMEM;
            idx++;
            if (mc) {
                mc = spp_json_next_mut(mc);
                cc = mc;
            } else {
                cc = spp_json_next(cc);
            }
        }
    }
    for (size_t i = 0; i < t->n; i++)
        t->v[i].height = is_container(t->v[i].cn) ? 1 : 0;
    for (size_t i = t->n; i-- > 1;) {
        size_t p = t->v[i].parent;
        if (t->v[i].height + 1 > t->v[p].height)
            t->v[p].height = t->v[i].height + 1;
    }
    if (cut != SIZE_MAX)
        for (size_t i = cut; i < t->n; i++)
            if (is_container(t->v[i].cn) && t->v[i].height < max_depth)
                t->v[i].height = max_depth;
    return SPP_OK;
}

/* Appends row i's JSON Pointer to buf (which the caller starts as ""). Recursion <= depth cap. */
static void pointer_rec(const struct table *t, size_t i, char *buf, size_t cap)
{
    size_t p = t->v[i].parent;
    if (p == SIZE_MAX)
        return;
    pointer_rec(t, p, buf, cap);
    if (spp_json_kind(t->v[p].cn) == SPP_JSON_OBJECT) {
        const char *k = spp_json_key(t->v[i].cn);
        spp_json_pointer_push(buf, cap, k ? k : "");
    } else {
        spp_json_pointer_push_index(buf, cap, t->v[i].index);
    }
}

static void row_pointer(const struct table *t, size_t i, char *buf, size_t cap)
{
    buf[0] = '\0';
    pointer_rec(t, i, buf, cap);
}

/* Does pointer ptr match pattern pat, where a "*" token matches any one token? */
static bool pointer_matches(const char *pat, const char *ptr)
{
    while (*pat && *ptr) {
        if (*pat != '/' || *ptr != '/')
            return false;
        pat++;
        ptr++;
        const char *pe = strchr(pat, '/');
        const char *qe = strchr(ptr, '/');
        size_t pn = pe ? (size_t)(pe - pat) : strlen(pat);
        size_t qn = qe ? (size_t)(qe - ptr) : strlen(ptr);
        if (!(pn == 1 && *pat == '*') && (pn != qn || memcmp(pat, ptr, pn) != 0))
            return false;
        pat += pn;
        ptr += qn;
    }
    return *pat == '\0' && *ptr == '\0';
}

/* ---- drawing ------------------------------------------------------------ */

static size_t draw(struct mctx *c, size_t n)
{
    return (size_t)spp_rng_below(c->rng, n);
}
static bool coin(struct mctx *c, uint64_t num, uint64_t den)
{
    return spp_rng_chance(c->rng, num, den);
}

typedef bool (*row_pred)(const struct mctx *c, size_t i, void *arg);

/*
 * A uniformly drawn row accepted by pred (NULL: any), or SIZE_MAX when none is: the k-th
 * accepted row in table order for k = draw(count). The accepted rows are listed once into
 * c->cand (sized by cand_fit), so pred runs once per row rather than once to count and
 * again to find the k-th.
 */
static size_t pick(struct mctx *c, row_pred pred, void *arg)
{
    if (!pred)
        return c->t.n ? draw(c, c->t.n) : SIZE_MAX;
    size_t count = 0;
    for (size_t i = 0; i < c->t.n; i++)
        if (pred(c, i, arg))
            c->cand[count++] = i;
    return count ? c->cand[draw(c, count)] : SIZE_MAX;
}

/* Makes c->cand hold one entry per row of c->t (called after each table_build). */
static enum spp_code cand_fit(struct mctx *c)
{
    if (c->cand_cap >= c->t.n)
        return SPP_OK;
    size_t *nc = realloc(c->cand, c->t.cap * sizeof(*nc));
    if (!nc)
        return SPP_ENOMEM;
    c->cand = nc;
    c->cand_cap = c->t.cap;
    return SPP_OK;
}

static bool pred_nonroot(const struct mctx *c, size_t i, void *arg)
{
    (void)arg;
    return c->t.v[i].parent != SIZE_MAX;
}

static bool pred_member(const struct mctx *c, size_t i, void *arg)
{
    (void)arg;
    size_t p = c->t.v[i].parent;
    return p != SIZE_MAX && spp_json_kind(c->t.v[p].cn) == SPP_JSON_OBJECT;
}

static bool pred_kind(const struct mctx *c, size_t i, void *arg)
{
    return spp_json_kind(c->t.v[i].cn) == *(enum spp_json_kind *)arg;
}

static bool pred_container_fits(const struct mctx *c, size_t i, void *arg)
{
    (void)arg;
    return is_container(c->t.v[i].cn) && c->t.v[i].level + 2 <= c->o.max_depth;
}

/* Can row i hold `extra` more levels of nesting around or below itself? */
static bool row_fits(const struct mctx *c, size_t i, size_t extra)
{
    return c->t.v[i].level + c->t.v[i].height + extra <= c->o.max_depth;
}

static bool pred_wrappable(const struct mctx *c, size_t i, void *arg)
{
    (void)arg;
    return row_fits(c, i, 1);
}

/* Row of the given JSON kind with probability 3/4 when one exists, else any row. */
static size_t pick_prefer(struct mctx *c, enum spp_json_kind kind)
{
    if (coin(c, 3, 4)) {
        size_t i = pick(c, pred_kind, &kind);
        if (i != SIZE_MAX)
            return i;
    }
    return pick(c, NULL, NULL);
}

static const char *dict_word(struct mctx *c)
{
    return c->o.dictionary[draw(c, c->o.dictionary_len)];
}

/* ---- recording ---------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void
record(struct mctx *c, enum spp_mutate_kind kind, const char *pointer, const char *fmt, ...)
{
    struct spp_mutate_result *r = c->res;
    if (r->count < SPP_MUTATE_MAX_RECORDS) {
        struct spp_mutate_record *rec = &r->records[r->count];
        rec->kind = kind;
        snprintf(rec->pointer, sizeof(rec->pointer), "%s", pointer);
        r->count++;
    }
    r->applied |= SPP_MUTATE_BIT(kind);
    size_t used = strlen(r->what);
    if (used + 3 >= sizeof(r->what))
        return;
    if (used) {
        memcpy(r->what + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->what + used, sizeof(r->what) - used, fmt, ap);
    va_end(ap);
    /* Keys and pointers come from the input: keep control bytes out of a human label. */
    for (char *p = r->what + used; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = '?';
}

/* ---- tree edits --------------------------------------------------------- */

/* Puts v (taken in every case) in place of row i; frees what was there. */
static enum spp_code replace_row(struct mctx *c, size_t i, struct spp_json *v)
{
    if (!v)
        return SPP_ENOMEM;
    size_t p = c->t.v[i].parent;
    if (p == SIZE_MAX) {
        spp_json_free(*c->root);
        *c->root = v;
        return SPP_OK;
    }
    struct spp_json *old = spp_json_swap_child(c->t.v[p].n, c->t.v[i].n, v);
    if (!old)
        return SPP_EINVAL; /* the table was stale: a bug, not an input problem */
    spp_json_free(old);
    return SPP_OK;
}

/* A small random value; a container only when level (where it will sit) allows one. */
static struct spp_json *random_value(struct mctx *c, size_t level)
{
    bool can_nest = level + 1 <= c->o.max_depth;
    switch (draw(c, can_nest ? 9 : 7)) {
    case 0:
        return spp_json_new_null();
    case 1:
        return spp_json_new_bool(coin(c, 1, 2));
    case 2:
        return spp_json_new_number(0);
    case 3:
        return spp_json_new_number(-1);
    case 4:
        return spp_json_new_number(1.5);
    case 5:
        return spp_json_new_string("");
    case 6:
        return spp_json_new_string(dict_word(c));
    case 7:
        return spp_json_new_array();
    default:
        return spp_json_new_object();
    }
}

/* ---- splices ------------------------------------------------------------ */

/*
 * Registers a splice with JSON text `text` and returns the placeholder's
 * bytes in ph (SPP_MUTATE_PLACEHOLDER_MAX). SPP_ENOTFOUND when splices are
 * off or all used (the kind then does not apply).
 */
static enum spp_code splice_add(struct mctx *c, const char *text, char *ph)
{
    struct spp_mutate_result *r = c->res;
    if (c->o.no_splices || r->nsplices >= SPP_MUTATE_MAX_SPLICES)
        return SPP_ENOTFOUND;
    size_t tn = strlen(text);
    if (tn >= SPP_MUTATE_SPLICE_TEXT_MAX)
        return SPP_ENOTFOUND;
    struct spp_mutate_splice *s = &r->splices[r->nsplices];
    snprintf(s->placeholder, sizeof(s->placeholder), "\001spp-%016" PRIx64 "-%zu\001", r->nonce,
             r->nsplices);
    memcpy(s->text, text, tn + 1);
    memcpy(ph, s->placeholder, strlen(s->placeholder) + 1);
    r->nsplices++;
    return SPP_OK;
}

/*
 * The quoted JSON text of the first bytes of s (at most SPLICE_PREFIX_MAX,
 * cut at a UTF-8 character boundary), into buf. False when it cannot be made.
 */
static bool quoted_prefix(const char *s, size_t len, char *buf, size_t cap)
{
    size_t n = len < SPLICE_PREFIX_MAX ? len : SPLICE_PREFIX_MAX;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* do not split a character: the trick must be the only invalid byte */
    struct spp_json *tmp = spp_json_new_string_len(s, n);
    size_t plen = 0;
    char *p = tmp ? spp_json_print(tmp, false, &plen) : NULL;
    spp_json_free(tmp);
    if (!p || plen + 1 > cap || plen < 2) {
        free(p);
        return false;
    }
    memcpy(buf, p, plen + 1);
    free(p);
    return true;
}

/*
 * The text-level string tricks: a string value (or, one time in four, an
 * object member's key) becomes a placeholder whose splice is its original
 * text, quoted, with `insert` (raw JSON text) at the start or the end.
 */
static enum spp_code splice_string(struct mctx *c, enum spp_mutate_kind kind, const char *insert,
                                   const char *label)
{
    bool on_key = coin(c, 1, 4) && pick(c, pred_member, NULL) != SIZE_MAX;
    size_t i = on_key ? pick(c, pred_member, NULL) : pick_prefer(c, SPP_JSON_STRING);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    const char *orig = "";
    size_t olen = 0;
    if (on_key) {
        orig = spp_json_key(c->t.v[i].cn);
        olen = orig ? strlen(orig) : 0;
        if (!orig)
            orig = "";
    } else if (spp_json_kind(c->t.v[i].cn) == SPP_JSON_STRING) {
        orig = spp_json_string(c->t.v[i].cn, &olen);
    }
    char quoted[SPP_MUTATE_SPLICE_TEXT_MAX];
    if (!quoted_prefix(orig, olen, quoted, sizeof(quoted)))
        return SPP_ENOMEM;
    size_t qn = strlen(quoted), in = strlen(insert);
    if (qn + in + 1 > sizeof(quoted))
        return SPP_ENOTFOUND;
    bool at_start = coin(c, 1, 2);
    size_t at = at_start ? 1 : qn - 1;
    char text[SPP_MUTATE_SPLICE_TEXT_MAX];
    snprintf(text, sizeof(text), "%.*s%s%s", (int)at, quoted, insert, quoted + at);
    char ph[SPP_MUTATE_PLACEHOLDER_MAX];
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    enum spp_code rc = splice_add(c, text, ph);
    if (rc != SPP_OK)
        return rc;
    if (on_key) {
        struct spp_json *parent = c->t.v[c->t.v[i].parent].n;
        struct spp_json *member = spp_json_detach_child(parent, c->t.v[i].n);
        if (!member)
            return SPP_EINVAL;
        rc = spp_json_add_duplicate(parent, ph, member);
    } else {
        rc = replace_row(c, i, spp_json_new_string(ph));
    }
    if (rc == SPP_OK)
        record(c, kind, ptr, "%s %s%s: %s at the %s", spp_mutate_kind_name(kind), ptr,
               on_key ? " (key)" : "", label, at_start ? "start" : "end");
    return rc;
}

/* ---- the mutations ------------------------------------------------------ */

/* A number from a string that is exactly one (so "7712" -> 7712); false otherwise. */
static bool string_number(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    char *end = NULL;
    double d = strtod(s, &end);
    if (!end || *end || !isfinite(d))
        return false;
    *out = d;
    return true;
}

static const double small_numbers[] = {0, 1, -1, 2, 42, 7712, 0.5};

static enum spp_code mut_retype(struct mctx *c)
{
    size_t i = pick(c, NULL, NULL);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    struct spp_json *n = c->t.v[i].n;
    enum spp_json_kind from = spp_json_kind(n);
    /* One of the five other kinds (the six JSON kinds are 1..6). */
    enum spp_json_kind to = (enum spp_json_kind)(1 + draw(c, 5));
    if (from != SPP_JSON_INVALID && to >= from)
        to = (enum spp_json_kind)(to + 1);
    bool container_ok = c->t.v[i].level + 1 <= c->o.max_depth;
    if ((to == SPP_JSON_ARRAY || to == SPP_JSON_OBJECT) && !container_ok)
        to = from == SPP_JSON_NULL ? SPP_JSON_BOOL : SPP_JSON_NULL;
    struct spp_json *v = NULL;
    enum spp_code rc = SPP_OK;
    switch (to) {
    case SPP_JSON_NULL:
    case SPP_JSON_INVALID:
        v = spp_json_new_null();
        break;
    case SPP_JSON_BOOL:
        v = spp_json_new_bool(from == SPP_JSON_NUMBER ? spp_json_number(n) != 0 : coin(c, 1, 2));
        break;
    case SPP_JSON_NUMBER: {
        double d = small_numbers[draw(c, sizeof(small_numbers) / sizeof(small_numbers[0]))];
        if (from == SPP_JSON_STRING)
            string_number(spp_json_string(n, NULL), &d);
        else if (from == SPP_JSON_BOOL)
            d = spp_json_bool(n) ? 1 : 0;
        v = spp_json_new_number(d);
        break;
    }
    case SPP_JSON_STRING:
        if (from == SPP_JSON_NUMBER) {
            char *s = spp_json_print(n, false, NULL);
            v = s ? spp_json_new_string(s) : NULL;
            free(s);
        } else if (from == SPP_JSON_BOOL) {
            v = spp_json_new_string(spp_json_bool(n) ? "true" : "false");
        } else if (from == SPP_JSON_NULL) {
            v = spp_json_new_string("null");
        } else {
            v = spp_json_new_string(coin(c, 1, 2) ? "" : dict_word(c));
        }
        break;
    case SPP_JSON_ARRAY:
    case SPP_JSON_OBJECT: {
        bool to_array = to == SPP_JSON_ARRAY;
        v = to_array ? spp_json_new_array() : spp_json_new_object();
        if (!v)
            return SPP_ENOMEM;
        if (is_container(n)) {
            /* array <-> object: the same children move over (keys "0", "1", ... for an object). */
            size_t k = 0;
            for (struct spp_json *ch; rc == SPP_OK && (ch = spp_json_first_mut(n)) != NULL; k++) {
                struct spp_json *d = spp_json_detach_child(n, ch);
                if (!d) {
                    rc = SPP_EINVAL;
                    break;
                }
                char key[32];
                snprintf(key, sizeof(key), "%zu", k);
                rc = to_array ? spp_json_append(v, d) : spp_json_add_duplicate(v, key, d);
            }
        } else if (coin(c, 1, 2)) {
            /* scalar -> [scalar] or {"word": scalar}: same height, one level deeper. */
            struct spp_json *d = spp_json_clone(n);
            rc = to_array ? spp_json_append(v, d) : spp_json_set(v, dict_word(c), d);
        }
        if (rc != SPP_OK) {
            spp_json_free(v);
            return rc;
        }
        break;
    }
    }
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    rc = replace_row(c, i, v);
    if (rc == SPP_OK)
        record(c, SPP_MUTATE_RETYPE, ptr, "retype %s: %s -> %s", ptr, spp_json_kind_name(from),
               spp_json_kind_name(to));
    return rc;
}

/* Removes row i (not the root) from its parent and records it as kind, named what. */
static enum spp_code drop_row(struct mctx *c, size_t i, enum spp_mutate_kind kind, const char *what)
{
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    struct spp_json *d = spp_json_detach_child(c->t.v[c->t.v[i].parent].n, c->t.v[i].n);
    if (!d)
        return SPP_EINVAL;
    spp_json_free(d);
    record(c, kind, ptr, "%s %s", what, ptr);
    return SPP_OK;
}

static enum spp_code mut_drop(struct mctx *c)
{
    return drop_row(c, pick(c, pred_nonroot, NULL), SPP_MUTATE_DROP, "drop");
}

static enum spp_code mut_duplicate_key(struct mctx *c)
{
    size_t i = pick(c, pred_member, NULL);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    const char *key = spp_json_key(c->t.v[i].cn);
    struct spp_json *v =
        coin(c, 1, 2) ? spp_json_clone(c->t.v[i].cn) : random_value(c, c->t.v[i].level);
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    if (!v)
        return SPP_ENOMEM;
    enum spp_code rc = spp_json_add_duplicate(c->t.v[c->t.v[i].parent].n, key ? key : "", v);
    if (rc == SPP_OK)
        record(c, SPP_MUTATE_DUPLICATE_KEY, ptr, "duplicate-key %s", ptr);
    return rc;
}

static int required_cmp(const void *a, const void *b)
{
    const struct spp_mutate_required *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/*
 * c->req: the required entries that have a name, sorted by it, so a member's key is looked
 * up in log(required_len) steps (a ticket has ~190 entries and ~1000 members). SPP_ENOMEM
 * when the index cannot be allocated.
 */
static enum spp_code required_index(struct mctx *c)
{
    if (c->req_built)
        return SPP_OK;
    if (c->o.required_len > SIZE_MAX / sizeof(*c->req))
        return SPP_ENOMEM;
    c->req = malloc(c->o.required_len * sizeof(*c->req));
    if (!c->req)
        return SPP_ENOMEM;
    for (size_t r = 0; r < c->o.required_len; r++)
        if (c->o.required[r].name)
            c->req[c->nreq++] = &c->o.required[r];
    qsort(c->req, c->nreq, sizeof(*c->req), required_cmp);
    c->req_built = true;
    return SPP_OK;
}

/*
 * pred_required's memo: the JSON Pointer of the last parent row it needed (siblings are
 * adjacent in the breadth-first table, so one entry saves nearly every rebuild).
 */
struct parent_memo {
    size_t row; /* SIZE_MAX: nothing yet */
    char ptr[SPP_JSON_POINTER_MAX];
};

/* Is row i a member that some required entry names at its parent's pointer? arg: the memo. */
static bool pred_required(const struct mctx *c, size_t i, void *arg)
{
    struct parent_memo *memo = arg;
    if (!pred_member(c, i, NULL))
        return false;
    const char *key = spp_json_key(c->t.v[i].cn);
    if (!key)
        return false;
    size_t lo = 0, hi = c->nreq; /* the first entry whose name is >= key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->req[mid]->name, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t r = lo; r < c->nreq && strcmp(c->req[r]->name, key) == 0; r++) {
        if (!c->req[r]->at)
            return true;
        size_t p = c->t.v[i].parent;
        if (memo->row != p) {
            row_pointer(&c->t, p, memo->ptr, sizeof(memo->ptr));
            memo->row = p;
        }
        if (pointer_matches(c->req[r]->at, memo->ptr))
            return true;
    }
    return false;
}

static enum spp_code mut_drop_required(struct mctx *c)
{
    if (!c->o.required_len)
        return SPP_ENOTFOUND;
    if (required_index(c) != SPP_OK)
        return SPP_ENOMEM;
    struct parent_memo memo = {.row = SIZE_MAX};
    return drop_row(c, pick(c, pred_required, &memo), SPP_MUTATE_DROP_REQUIRED, "drop-required");
}

/* Names a strict server should refuse or a careless one might honour. */
static const char *const odd_names[] = {
    "__proto__", "constructor", "$ref",          "",       " ",   "Subject", "STATUS",
    "subject ",  "id\t",        "x-spp-unknown", "tags[]", "a.b", "é",       "\xF0\x9F\x98\x80",
};

static enum spp_code mut_unknown_field(struct mctx *c)
{
    enum spp_json_kind obj = SPP_JSON_OBJECT;
    size_t i = pick(c, pred_kind, &obj);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    const struct spp_json *o = c->t.v[i].cn;
    char key[96];
    if (coin(c, 1, 2))
        snprintf(key, sizeof(key), "%s", dict_word(c));
    else
        snprintf(key, sizeof(key), "%s",
                 odd_names[draw(c, sizeof(odd_names) / sizeof(odd_names[0]))]);
    /* An unknown field must be new to this object: suffix until it is (bounded). */
    for (int k = 0; k < 8 && spp_json_get(o, key); k++) {
        size_t n = strlen(key);
        if (n + 2 >= sizeof(key))
            break;
        key[n] = '_';
        key[n + 1] = '\0';
    }
    if (spp_json_get(o, key))
        return SPP_ENOTFOUND;
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    spp_json_pointer_push(ptr, sizeof(ptr), key);
    struct spp_json *v = random_value(c, c->t.v[i].level + 1);
    if (!v)
        return SPP_ENOMEM;
    enum spp_code rc = spp_json_add_duplicate(c->t.v[i].n, key, v);
    if (rc == SPP_OK)
        record(c, SPP_MUTATE_UNKNOWN_FIELD, ptr, "unknown-field %s", ptr);
    return rc;
}

static enum spp_code mut_rename_key(struct mctx *c)
{
    size_t i = pick(c, pred_member, NULL);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    const char *old = spp_json_key(c->t.v[i].cn);
    if (!old)
        old = "";
    char key[96];
    switch (draw(c, 4)) {
    case 0: /* the same name in another case: servers that fold case accept it */
        snprintf(key, sizeof(key), "%s", old);
        for (char *p = key; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
            else if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        break;
    case 1:
        snprintf(key, sizeof(key), "%.80s_", old);
        break;
    default:
        snprintf(key, sizeof(key), "%s", dict_word(c));
        break;
    }
    if (strcmp(key, old) == 0)
        snprintf(key, sizeof(key), "%.80s2", old);
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    struct spp_json *parent = c->t.v[c->t.v[i].parent].n;
    struct spp_json *m = spp_json_detach_child(parent, c->t.v[i].n);
    if (!m)
        return SPP_EINVAL;
    enum spp_code rc = spp_json_add_duplicate(parent, key, m);
    if (rc == SPP_OK)
        record(c, SPP_MUTATE_RENAME_KEY, ptr, "rename-key %s -> %s", ptr, key);
    return rc;
}

struct edge_number {
    const char *text; /* the literal as sent */
    double value;     /* what a double holds; unused when literal */
    bool literal;     /* a double cannot print it back: needs a splice */
};

static const struct edge_number edge_numbers[] = {
    {"0", 0, false},
    {"-1", -1, false},
    {"1", 1, false},
    {"2147483647", 2147483647.0, false},             /* 2^31-1 */
    {"2147483648", 2147483648.0, false},             /* 2^31 */
    {"-2147483649", -2147483649.0, false},           /* below int32 */
    {"4294967296", 4294967296.0, false},             /* 2^32 */
    {"9007199254740991", 9007199254740991.0, false}, /* 2^53-1 */
    {"9007199254740992", 9007199254740992.0, false}, /* 2^53 */
    {"9007199254740993", 0, true},                   /* 2^53+1: a double rounds it */
    {"-9007199254740993", 0, true},
    {"9223372036854775807", 0, true},  /* INT64_MAX */
    {"18446744073709551616", 0, true}, /* 2^64 */
    {"1e308", 1e308, false},
    {"-1e308", -1e308, false},
    {"1.7976931348623157e308", 1.7976931348623157e308, false}, /* DBL_MAX */
    {"1e-308", 1e-308, false},
    {"5e-324", 5e-324, false}, /* smallest subnormal */
    {"0.1", 0.1, false},
    {"-0", 0, true},  /* negative zero, as written */
    {"1.0", 0, true}, /* integer value, fractional spelling */
    {"1E2", 0, true},
    {"1e400", 0, true}, /* overflows a double */
    {"-1e400", 0, true},
    {"1e-400", 0, true}, /* underflows to 0 */
};

static enum spp_code mut_edge_number(struct mctx *c)
{
    size_t i = pick_prefer(c, SPP_JSON_NUMBER);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    size_t count = sizeof(edge_numbers) / sizeof(edge_numbers[0]);
    const struct edge_number *e = &edge_numbers[draw(c, count)];
    bool can_splice = !c->o.no_splices && c->res->nsplices < SPP_MUTATE_MAX_SPLICES;
    while (e->literal && !can_splice)
        e = &edge_numbers[draw(c, count)];
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    struct spp_json *v;
    if (e->literal) {
        char ph[SPP_MUTATE_PLACEHOLDER_MAX];
        enum spp_code rc = splice_add(c, e->text, ph);
        if (rc != SPP_OK)
            return rc;
        v = spp_json_new_string(ph);
    } else {
        v = spp_json_new_number(e->value);
    }
    enum spp_code rc = replace_row(c, i, v);
    if (rc == SPP_OK)
        record(c, SPP_MUTATE_EDGE_NUMBER, ptr, "edge-number %s: %s", ptr, e->text);
    return rc;
}

struct edge_string {
    const char *label;
    const char *s;
};

static const struct edge_string edge_strings[] = {
    {"empty", ""},
    {"long", NULL},                 /* generated, up to max_string bytes */
    {"non-ASCII", "\xC3\xA9"},      /* é */
    {"astral", "\xF0\x9F\x98\x80"}, /* U+1F600 */
    {"escapes", "\" \\ \n \t /"},
    {"control", "\x01\x1F\x7F"},
    {"space", " "},
    {"padded", "  Ticket subject  "},
    {"rtl-override", "\xE2\x80\xAE"
                     "abc"}, /* U+202E */
    {"bom", "\xEF\xBB\xBF"
            "abc"}, /* U+FEFF */
    {"line-separator", "a\xE2\x80\xA8"
                       "b"},    /* U+2028 */
    {"combining", "e\xCC\x81"}, /* e + U+0301 */
    {"number-text", "123456"},
    {"null-text", "null"},
    {"huge-number-text", "1e999"},
    {"markup", "<script>alert(1)</script>"},
    {"sql", "' OR '1'='1"},
    {"format", "%s%s%n%x"},
    {"path", "../../../etc/passwd"},
    {"bad-date", "2024-02-30T25:61:00+00:00"},
};

/* A string of n bytes made of whole copies of a 1-, 2- or 4-byte character. */
static struct spp_json *long_string(struct mctx *c, size_t n)
{
    static const char *const units[] = {"A", "\xC3\xA9", "\xF0\x9F\x98\x80"};
    const char *u = units[draw(c, 3)];
    size_t ul = strlen(u);
    n -= n % ul;
    char *buf = malloc(n + 1);
    if (!buf)
        return NULL;
    for (size_t k = 0; k < n; k += ul)
        memcpy(buf + k, u, ul);
    buf[n] = '\0';
    struct spp_json *v = spp_json_new_string_len(buf, n);
    free(buf);
    return v;
}

static enum spp_code mut_edge_string(struct mctx *c)
{
    size_t i = pick_prefer(c, SPP_JSON_STRING);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    const struct edge_string *e =
        &edge_strings[draw(c, sizeof(edge_strings) / sizeof(edge_strings[0]))];
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    struct spp_json *v;
    size_t n = 0;
    if (!e->s) {
        size_t max = c->o.max_string < c->o.max_out ? c->o.max_string : c->o.max_out;
        n = coin(c, 1, 2) || max <= 256 ? max : 256 + draw(c, max - 256 + 1);
        v = long_string(c, n);
    } else {
        v = spp_json_new_string(e->s);
    }
    enum spp_code rc = replace_row(c, i, v);
    if (rc != SPP_OK)
        return rc;
    if (!e->s)
        record(c, SPP_MUTATE_EDGE_STRING, ptr, "edge-string %s: long (%zu bytes)", ptr, n);
    else
        record(c, SPP_MUTATE_EDGE_STRING, ptr, "edge-string %s: %s", ptr, e->label);
    return SPP_OK;
}

static enum spp_code mut_nul(struct mctx *c)
{
    return splice_string(c, SPP_MUTATE_NUL_IN_STRING, "\\u0000", "\\u0000");
}

static const struct edge_string bad_utf8[] = {
    {"lone continuation byte", "\x80"},
    {"truncated 2-byte sequence", "\xC3"},
    {"truncated 3-byte sequence", "\xE2\x82"},
    {"overlong '/'", "\xC0\xAF"},
    {"encoded surrogate", "\xED\xA0\x80"},
    {"beyond U+10FFFF", "\xF4\x90\x80\x80"},
    {"byte 0xFF", "\xFF"},
};

static enum spp_code mut_invalid_utf8(struct mctx *c)
{
    const struct edge_string *e = &bad_utf8[draw(c, sizeof(bad_utf8) / sizeof(bad_utf8[0]))];
    return splice_string(c, SPP_MUTATE_INVALID_UTF8, e->s, e->label);
}

static enum spp_code mut_deep_nest(struct mctx *c)
{
    size_t i = pick(c, pred_wrappable, NULL);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    size_t room = c->o.max_depth - c->t.v[i].level - c->t.v[i].height;
    if (room > c->o.max_nest)
        room = c->o.max_nest;
    size_t n = 1 + draw(c, room);
    size_t mode = draw(c, 3); /* 0 arrays, 1 objects, 2 mixed */
    static const char *const mode_names[] = {"arrays", "objects", "arrays and objects"};
    const char *key = dict_word(c);
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));

    bool outer_obj = mode == 1 || (mode == 2 && coin(c, 1, 2));
    struct spp_json *outer = outer_obj ? spp_json_new_object() : spp_json_new_array();
    if (!outer)
        return SPP_ENOMEM;
    struct spp_json *inner = outer;
    bool inner_obj = outer_obj;
    enum spp_code rc = SPP_OK;
    for (size_t k = 1; k < n && rc == SPP_OK; k++) {
        bool obj = mode == 1 || (mode == 2 && coin(c, 1, 2));
        struct spp_json *w = obj ? spp_json_new_object() : spp_json_new_array();
        if (!w) {
            rc = SPP_ENOMEM;
            break;
        }
        rc = inner_obj ? spp_json_add_duplicate(inner, key, w) : spp_json_append(inner, w);
        inner = w;
        inner_obj = obj;
    }
    if (rc != SPP_OK) {
        spp_json_free(outer);
        return rc;
    }
    /* The value leaves its place for the wrappers, then goes inside the innermost one. */
    struct spp_json *val;
    size_t p = c->t.v[i].parent;
    if (p == SIZE_MAX) {
        val = *c->root;
        *c->root = outer;
    } else {
        val = spp_json_swap_child(c->t.v[p].n, c->t.v[i].n, outer);
        if (!val)
            return SPP_EINVAL;
    }
    rc = inner_obj ? spp_json_add_duplicate(inner, key, val) : spp_json_append(inner, val);
    if (rc == SPP_OK)
        record(c, SPP_MUTATE_DEEP_NEST, ptr, "deep-nest %s: %zu %s", ptr, n, mode_names[mode]);
    return rc;
}

static enum spp_code mut_huge_array(struct mctx *c)
{
    size_t i = pick(c, NULL, NULL);
    if (i == SIZE_MAX)
        return SPP_ENOTFOUND;
    const struct spp_json *n = c->t.v[i].cn;
    bool grow = spp_json_kind(n) == SPP_JSON_ARRAY && spp_json_first(n);
    if (!grow && !row_fits(c, i, 1)) {
        i = pick(c, pred_wrappable, NULL);
        if (i == SIZE_MAX)
            return SPP_ENOTFOUND;
        n = c->t.v[i].cn;
    }
    /* Copies of one element of an array, or of the value itself inside a new array. */
    const struct spp_json *elem = grow ? spp_json_at(n, draw(c, spp_json_count(n))) : n;
    size_t elen = 0, doclen = 0;
    /* The copies must fit beside the rest of the document within max_out. */
    char *printed = spp_json_print(*c->root, false, &doclen);
    if (!printed)
        return SPP_ENOTFOUND;
    free(printed);
    if (elem == *c->root) {
        elen = doclen; /* the root itself goes into the new array: no second print */
    } else {
        printed = spp_json_print(elem, false, &elen);
        if (!printed)
            return SPP_ENOTFOUND;
        free(printed);
    }
    size_t budget = c->o.max_out > doclen ? c->o.max_out - doclen : 0;
    size_t most = budget / (elen + 1);
    if (most > c->o.max_array)
        most = c->o.max_array;
    size_t have = grow ? spp_json_count(n) : 0;
    if (most < 2 || most <= have)
        return SPP_ENOTFOUND;
    size_t want = most / 2 + draw(c, most - most / 2 + 1);
    if (want <= have)
        want = have + 1;
    char ptr[SPP_JSON_POINTER_MAX];
    row_pointer(&c->t, i, ptr, sizeof(ptr));
    enum spp_code rc = SPP_OK;
    if (grow) {
        for (size_t k = have; k < want && rc == SPP_OK; k++)
            rc = spp_json_append(c->t.v[i].n, spp_json_clone(elem));
    } else {
        struct spp_json *arr = spp_json_new_array();
        if (!arr)
            return SPP_ENOMEM;
        for (size_t k = 0; k < want && rc == SPP_OK; k++)
            rc = spp_json_append(arr, spp_json_clone(elem));
        if (rc != SPP_OK) {
            spp_json_free(arr);
            return rc;
        }
        rc = replace_row(c, i, arr);
    }
    if (rc == SPP_OK)
        record(c, SPP_MUTATE_HUGE_ARRAY, ptr, "huge-array %s: %zu elements", ptr, want);
    return rc;
}

static bool is_ancestor(const struct table *t, size_t anc, size_t i)
{
    for (size_t p = t->v[i].parent; p != SIZE_MAX; p = t->v[p].parent)
        if (p == anc)
            return true;
    return false;
}

static enum spp_code mut_swap(struct mctx *c)
{
    const struct table *t = &c->t;
    for (int tries = 0; tries < MAX_TRIES; tries++) {
        size_t a = pick(c, pred_nonroot, NULL), b = pick(c, pred_nonroot, NULL);
        if (a == SIZE_MAX || b == SIZE_MAX)
            return SPP_ENOTFOUND;
        if (a == b || is_ancestor(t, a, b) || is_ancestor(t, b, a))
            continue;
        if (t->v[a].level + t->v[b].height > c->o.max_depth ||
            t->v[b].level + t->v[a].height > c->o.max_depth)
            continue;
        char pa[SPP_JSON_POINTER_MAX], pb[SPP_JSON_POINTER_MAX];
        row_pointer(t, a, pa, sizeof(pa));
        row_pointer(t, b, pb, sizeof(pb));
        struct spp_json *para = t->v[t->v[a].parent].n, *parb = t->v[t->v[b].parent].n;
        struct spp_json *hole = spp_json_new_null();
        if (!hole)
            return SPP_ENOMEM;
        struct spp_json *na = spp_json_swap_child(para, t->v[a].n, hole);
        if (!na)
            return SPP_EINVAL;
        struct spp_json *nb = spp_json_swap_child(parb, t->v[b].n, na);
        if (!nb) { /* na was freed by the failed swap; the hole keeps the tree whole */
            return SPP_EINVAL;
        }
        struct spp_json *h = spp_json_swap_child(para, hole, nb);
        if (!h)
            return SPP_EINVAL;
        spp_json_free(h);
        record(c, SPP_MUTATE_SWAP, pa, "swap %s <-> %s", pa, pb);
        return SPP_OK;
    }
    return SPP_ENOTFOUND;
}

static enum spp_code mut_crossover(struct mctx *c)
{
    if (!c->o.donor)
        return SPP_ENOTFOUND;
    if (table_build(&c->donor, NULL, c->o.donor, c->o.max_depth) != SPP_OK)
        return SPP_ENOMEM;
    const struct table *d = &c->donor;
    if (!d->n)
        return SPP_ENOTFOUND;
    for (int tries = 0; tries < MAX_TRIES; tries++) {
        size_t di = draw(c, d->n);
        size_t h = d->v[di].height;
        bool insert = coin(c, 1, 2);
        size_t ti;
        if (insert) {
            ti = pick(c, pred_container_fits, NULL);
            if (ti == SIZE_MAX || c->t.v[ti].level + 1 + h > c->o.max_depth)
                continue;
        } else {
            ti = pick(c, NULL, NULL);
            if (ti == SIZE_MAX || c->t.v[ti].level + h > c->o.max_depth)
                continue;
        }
        char pt[SPP_JSON_POINTER_MAX], pd[SPP_JSON_POINTER_MAX];
        row_pointer(&c->t, ti, pt, sizeof(pt));
        row_pointer(d, di, pd, sizeof(pd));
        struct spp_json *v = spp_json_clone(d->v[di].cn);
        if (!v)
            return SPP_ENOMEM;
        enum spp_code rc;
        if (!insert) {
            rc = replace_row(c, ti, v);
        } else if (spp_json_kind(c->t.v[ti].cn) == SPP_JSON_ARRAY) {
            rc = spp_json_append(c->t.v[ti].n, v);
            spp_json_pointer_push_index(pt, sizeof(pt), spp_json_count(c->t.v[ti].cn) - 1);
        } else {
            const char *key = spp_json_key(d->v[di].cn);
            if (!key)
                key = dict_word(c);
            spp_json_pointer_push(pt, sizeof(pt), key);
            rc = spp_json_set(c->t.v[ti].n, key, v);
        }
        if (rc == SPP_OK)
            record(c, SPP_MUTATE_CROSSOVER, pt, "crossover %s %s donor %s", pt,
                   insert ? "<- (inserted)" : "<-", pd[0] ? pd : "(root)");
        return rc;
    }
    return SPP_ENOTFOUND;
}

typedef enum spp_code (*mut_fn)(struct mctx *c);

static const mut_fn mutations[SPP_MUTATE_KIND_COUNT] = {
    [SPP_MUTATE_RETYPE] = mut_retype,
    [SPP_MUTATE_DROP] = mut_drop,
    [SPP_MUTATE_DUPLICATE_KEY] = mut_duplicate_key,
    [SPP_MUTATE_DROP_REQUIRED] = mut_drop_required,
    [SPP_MUTATE_UNKNOWN_FIELD] = mut_unknown_field,
    [SPP_MUTATE_RENAME_KEY] = mut_rename_key,
    [SPP_MUTATE_EDGE_NUMBER] = mut_edge_number,
    [SPP_MUTATE_EDGE_STRING] = mut_edge_string,
    [SPP_MUTATE_NUL_IN_STRING] = mut_nul,
    [SPP_MUTATE_INVALID_UTF8] = mut_invalid_utf8,
    [SPP_MUTATE_DEEP_NEST] = mut_deep_nest,
    [SPP_MUTATE_HUGE_ARRAY] = mut_huge_array,
    [SPP_MUTATE_SWAP] = mut_swap,
    [SPP_MUTATE_CROSSOVER] = mut_crossover,
};

/* ---- entry points ------------------------------------------------------- */

static void resolve_options(const struct spp_mutate_options *opt, struct spp_mutate_options *o)
{
    static const struct spp_mutate_options zero;
    *o = opt ? *opt : zero;
    if (!o->kinds)
        o->kinds = SPP_MUTATE_ALL;
    if (!o->max_mutations)
        o->max_mutations = SPP_MUTATE_DEFAULT_MAX_MUTATIONS;
    if (o->max_mutations > SPP_MUTATE_MAX_RECORDS)
        o->max_mutations = SPP_MUTATE_MAX_RECORDS;
    /* The printer refuses deeper trees, so no cap above its limit could be kept. */
    if (!o->max_depth || o->max_depth > SPP_JSON_DEFAULT_MAX_DEPTH)
        o->max_depth = SPP_JSON_DEFAULT_MAX_DEPTH;
    if (!o->max_nest)
        o->max_nest = SPP_MUTATE_DEFAULT_MAX_NEST;
    if (!o->max_string)
        o->max_string = SPP_MUTATE_DEFAULT_MAX_STRING;
    if (!o->max_array)
        o->max_array = SPP_MUTATE_DEFAULT_MAX_ARRAY;
    if (!o->max_out)
        o->max_out = SPP_MUTATE_DEFAULT_MAX_OUT;
    if (!o->dictionary || !o->dictionary_len) {
        o->dictionary = default_dictionary;
        o->dictionary_len = sizeof(default_dictionary) / sizeof(default_dictionary[0]);
    }
    if (!o->required)
        o->required_len = 0;
}

enum spp_code spp_mutate_tree(struct spp_json **root, struct spp_rng *rng,
                              const struct spp_mutate_options *opt, struct spp_mutate_result *res,
                              struct spp_err *err)
{
    if (!root || !*root || !rng || !res)
        return spp_err_set(err, SPP_EINVAL, "spp_mutate_tree: NULL argument");
    memset(res, 0, sizeof(*res));
    struct mctx c = {.rng = rng, .res = res, .root = root};
    resolve_options(opt, &c.o);
    res->nonce = spp_rng_next(rng);
    size_t want = coin(&c, 1, 2) ? 1 : 1 + draw(&c, c.o.max_mutations);
    enum spp_code rc = SPP_OK;
    for (size_t m = 0; m < want; m++) {
        rc = table_build(&c.t, *root, NULL, c.o.max_depth);
        if (rc == SPP_OK)
            rc = cand_fit(&c);
        if (rc != SPP_OK) {
            spp_err_set(err, rc, "out of memory listing the tree's nodes");
            goto out;
        }
        /* The enabled kinds in a random order; the first that applies is done. */
        enum spp_mutate_kind order[SPP_MUTATE_KIND_COUNT];
        size_t nk = 0;
        for (size_t k = 0; k < SPP_MUTATE_KIND_COUNT; k++)
            if (c.o.kinds & SPP_MUTATE_BIT(k))
                order[nk++] = (enum spp_mutate_kind)k;
        for (size_t k = nk; k > 1; k--) {
            size_t j = draw(&c, k);
            enum spp_mutate_kind tmp = order[k - 1];
            order[k - 1] = order[j];
            order[j] = tmp;
        }
        bool applied = false;
        for (size_t k = 0; k < nk && !applied; k++) {
            rc = mutations[order[k]](&c);
            if (rc == SPP_OK) {
                applied = true;
            } else if (rc != SPP_ENOTFOUND) {
                spp_err_set(err, rc, "%s mutation failed", spp_mutate_kind_name(order[k]));
                goto out;
            }
        }
        if (!applied)
            break;
    }
    rc = SPP_OK;
    if (!res->count)
        rc = spp_err_set(err, SPP_ENOTFOUND, "no enabled mutation applies to this document");
out:
    free(c.t.v);
    free(c.donor.v);
    free(c.cand);
    free(c.req);
    return rc;
}

/* Length of the next occurrence of needle in hay[from..len), or SIZE_MAX. */
static size_t find(const char *hay, size_t len, size_t from, const char *needle, size_t nn)
{
    if (nn == 0 || len < nn)
        return SIZE_MAX;
    for (size_t i = from; i + nn <= len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nn) == 0)
            return i;
    return SIZE_MAX;
}

/* The placeholder as cJSON prints it: quoted, each \001 as \u0001. */
static void printed_placeholder(const char *ph, char *buf, size_t cap)
{
    size_t n = 0;
    buf[n++] = '"';
    for (const char *p = ph; *p && n + 8 < cap; p++) {
        if (*p == '\001') {
            memcpy(buf + n, "\\u0001", 6);
            n += 6;
        } else {
            buf[n++] = *p;
        }
    }
    buf[n++] = '"';
    buf[n] = '\0';
}

enum spp_code spp_mutate_render(const struct spp_json *root, const struct spp_mutate_result *res,
                                size_t max_out, char **out, size_t *out_len, struct spp_err *err)
{
    if (!root || !out || !out_len)
        return spp_err_set(err, SPP_EINVAL, "spp_mutate_render: NULL argument");
    if (!max_out)
        max_out = SPP_MUTATE_DEFAULT_MAX_OUT;
    size_t len = 0;
    char *s = spp_json_print(root, false, &len);
    if (!s)
        return spp_err_set(err, SPP_ELIMIT,
                           "cannot print the mutated tree (too deep or no memory)");
    for (size_t k = 0; res && k < res->nsplices && k < SPP_MUTATE_MAX_SPLICES; k++) {
        char q[2 * SPP_MUTATE_PLACEHOLDER_MAX];
        printed_placeholder(res->splices[k].placeholder, q, sizeof(q));
        size_t qn = strlen(q), tn = strlen(res->splices[k].text);
        size_t hits = 0;
        for (size_t at = find(s, len, 0, q, qn); at != SIZE_MAX; at = find(s, len, at + qn, q, qn))
            hits++;
        if (!hits)
            continue; /* a later mutation replaced the placeholder */
        /* Growth is bounded by max_out before anything is allocated. */
        size_t nlen = len - hits * qn;
        if (tn && hits > (max_out - (nlen < max_out ? nlen : max_out)) / tn) {
            free(s);
            return spp_err_set(err, SPP_ELIMIT, "mutated document exceeds %zu bytes", max_out);
        }
        nlen += hits * tn;
        char *ns = malloc(nlen + 1);
        if (!ns) {
            free(s);
            return spp_err_set(err, SPP_ENOMEM, "out of memory rendering a mutation");
        }
        size_t w = 0, r = 0;
        for (size_t at = find(s, len, 0, q, qn); at != SIZE_MAX; at = find(s, len, r, q, qn)) {
            memcpy(ns + w, s + r, at - r);
            w += at - r;
            memcpy(ns + w, res->splices[k].text, tn);
            w += tn;
            r = at + qn;
        }
        memcpy(ns + w, s + r, len - r);
        w += len - r;
        ns[w] = '\0';
        free(s);
        s = ns;
        len = w;
    }
    if (len > max_out) {
        free(s);
        return spp_err_set(err, SPP_ELIMIT, "mutated document of %zu bytes exceeds %zu", len,
                           max_out);
    }
    *out = s;
    *out_len = len;
    return SPP_OK;
}

/* Attempts with all enabled kinds before falling back to the shrinking ones. */
#define FIT_ATTEMPTS 4

static enum spp_code parse_root(const char *in, size_t len, size_t max_depth, struct spp_json **out,
                                struct spp_err *err);

/*
 * Mutates trees parsed from in until one renders within o->max_out:
 * FIT_ATTEMPTS tries with o's kinds, then one with SPP_MUTATE_SHRINKING
 * only. The first try uses first (taken); retries parse in again, which is
 * cheaper on the common path than copying a tree that is rarely needed.
 */
static enum spp_code mutate_fit(const char *in, size_t len, struct spp_json *first,
                                struct spp_rng *rng, const struct spp_mutate_options *o, char **out,
                                size_t *out_len, struct spp_mutate_result *res, struct spp_err *err)
{
    enum spp_code rc = SPP_ENOTFOUND;
    bool too_big = false;
    for (int attempt = 0; attempt <= FIT_ATTEMPTS; attempt++) {
        struct spp_mutate_options oo = *o;
        if (attempt == FIT_ATTEMPTS) {
            if (!too_big)
                break; /* nothing applied, nothing too big: shrinking is no answer */
            oo.kinds = SPP_MUTATE_SHRINKING;
        }
        struct spp_json *tree = first;
        first = NULL;
        if (!tree) {
            rc = parse_root(in, len, o->max_depth, &tree, err);
            if (rc != SPP_OK)
                return rc;
        }
        rc = spp_mutate_tree(&tree, rng, &oo, res, err);
        if (rc == SPP_OK)
            rc = spp_mutate_render(tree, res, oo.max_out, out, out_len, err);
        spp_json_free(tree);
        if (rc == SPP_OK || (rc != SPP_ELIMIT && rc != SPP_ENOTFOUND))
            return rc;
        too_big = too_big || rc == SPP_ELIMIT;
    }
    spp_json_free(first);
    if (too_big)
        return spp_err_set(err, SPP_ELIMIT, "no mutation of the document fits in %zu bytes",
                           o->max_out);
    return rc;
}

static enum spp_code parse_root(const char *in, size_t len, size_t max_depth, struct spp_json **out,
                                struct spp_err *err)
{
    struct spp_json_limits lim = {.max_depth = max_depth};
    struct spp_json_doc *doc = NULL;
    enum spp_code rc = spp_json_parse(in, len, &lim, &doc, err);
    if (rc != SPP_OK)
        return rc;
    *out = spp_json_doc_take_root(doc);
    spp_json_doc_free(doc);
    return *out ? SPP_OK : spp_err_set(err, SPP_ENOMEM, "parsed document has no root");
}

enum spp_code spp_mutate_bytes(const char *in, size_t len, uint64_t seed, size_t max_out,
                               const struct spp_mutate_options *opt, char **out, size_t *out_len,
                               struct spp_mutate_result *res, struct spp_err *err)
{
    if ((!in && len) || !out || !out_len)
        return spp_err_set(err, SPP_EINVAL, "spp_mutate_bytes: NULL argument");
    struct spp_mutate_result local;
    if (!res)
        res = &local;
    struct spp_mutate_options o;
    resolve_options(opt, &o);
    if (max_out)
        o.max_out = max_out;
    struct spp_json *base = NULL;
    enum spp_code rc = parse_root(in, len, o.max_depth, &base, err);
    if (rc != SPP_OK)
        return rc;
    struct spp_rng rng;
    spp_rng_seed(&rng, seed);
    return mutate_fit(in, len, base, &rng, &o, out, out_len, res, err);
}

enum spp_code spp_mutate_crossover_tree(struct spp_json **a, const struct spp_json *b,
                                        struct spp_rng *rng, const struct spp_mutate_options *opt,
                                        struct spp_mutate_result *res, struct spp_err *err)
{
    if (!b)
        return spp_err_set(err, SPP_EINVAL, "spp_mutate_crossover_tree: NULL donor");
    struct spp_mutate_options o;
    resolve_options(opt, &o);
    o.donor = b;
    o.kinds = SPP_MUTATE_BIT(SPP_MUTATE_CROSSOVER);
    o.max_mutations = 1;
    return spp_mutate_tree(a, rng, &o, res, err);
}

enum spp_code spp_mutate_crossover(const char *a, size_t alen, const char *b, size_t blen,
                                   uint64_t seed, size_t max_out,
                                   const struct spp_mutate_options *opt, char **out,
                                   size_t *out_len, struct spp_mutate_result *res,
                                   struct spp_err *err)
{
    if ((!a && alen) || (!b && blen) || !out || !out_len)
        return spp_err_set(err, SPP_EINVAL, "spp_mutate_crossover: NULL argument");
    struct spp_mutate_result local;
    if (!res)
        res = &local;
    struct spp_mutate_options o;
    resolve_options(opt, &o);
    if (max_out)
        o.max_out = max_out;
    o.kinds = SPP_MUTATE_BIT(SPP_MUTATE_CROSSOVER);
    o.max_mutations = 1;
    struct spp_json *ta = NULL, *tb = NULL;
    enum spp_code rc = parse_root(a, alen, o.max_depth, &ta, err);
    if (rc != SPP_OK)
        goto out;
    rc = parse_root(b, blen, o.max_depth, &tb, err);
    if (rc != SPP_OK)
        goto out;
    o.donor = tb;
    struct spp_rng rng;
    spp_rng_seed(&rng, seed);
    rc = mutate_fit(a, alen, ta, &rng, &o, out, out_len, res, err);
    ta = NULL;
out:
    spp_json_free(ta);
    spp_json_free(tb);
    return rc;
}
