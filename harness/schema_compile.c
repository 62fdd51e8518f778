/*
 * schema_compile — JSON Schema documents → compiled node graphs (see schema.h).
 *
 * Loading clones the document and walks it once, schema-aware, to index what
 * "$ref" can reach: every schema object by its JSON node address (with its
 * resource, absolute location and document location), every resource by its
 * "$id" (resolved per RFC 3986 against the enclosing base), every "$anchor"
 * and "$dynamicAnchor". Subschema keywords are walked as schemas; known
 * value keywords (enum, const, default, examples...) are not, so an "$id"
 * inside an enum names nothing; unknown keywords holding objects are walked
 * too, which is what makes "#/components/schemas/X" of an OpenAPI document
 * reachable.
 *
 * Compiling never recurses: spp_schema_at turns its target into a node shell
 * and a worklist compiles shells one at a time, each keyword creating shells
 * for its subschemas (memoised by JSON node, so a recursive "$ref" is just a
 * pointer back). A "$ref" to a registry document clones and indexes that
 * document on first use. Then an iterative depth-first search over the
 * "in-place" edges ($ref, allOf, anyOf, oneOf, not, if/then/else,
 * dependentSchemas) rejects cycles that would never consume the instance.
 * A failed spp_schema_at frees the nodes it made, so the schema stays usable.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_internal.h"

struct spp_schema_info {
    const struct spp_json *j;
    struct spp_schema_res *res;
    char *abs;
    char *where;
    struct spp_schema_node *node;
};

struct spp_schema_registry {
    struct spp_schema_doc *docs;
    size_t n;
};

/* ---- string builder ------------------------------------------------------ */

void spp_sbuf_add(struct spp_sbuf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + len + 1) {
            if (cap > SIZE_MAX / 2) {
                b->oom = true;
                return;
            }
            cap *= 2;
        }
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

void spp_sbuf_adds(struct spp_sbuf *b, const char *s)
{
    spp_sbuf_add(b, s, strlen(s));
}

void spp_sbuf_add_token(struct spp_sbuf *b, const char *s)
{
    spp_sbuf_add(b, "/", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '~')
            spp_sbuf_add(b, "~0", 2);
        else if (*p == '/')
            spp_sbuf_add(b, "~1", 2);
        else
            spp_sbuf_add(b, p, 1);
    }
}

void spp_sbuf_add_index(struct spp_sbuf *b, size_t i)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "/%zu", i);
    spp_sbuf_add(b, tmp, (size_t)n);
}

const char *spp_sbuf_str(struct spp_sbuf *b)
{
    return b->p ? b->p : "";
}

void spp_sbuf_free(struct spp_sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* ---- RFC 3986 references ------------------------------------------------- */

struct uri_parts {
    const char *scheme, *auth, *path, *query, *frag;
    size_t scheme_n, auth_n, path_n, query_n, frag_n;
    bool has_scheme, has_auth, has_query, has_frag;
};

static void uri_split(const char *u, struct uri_parts *p)
{
    memset(p, 0, sizeof(*p));
    const char *s = u;
    if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) {
        const char *q = s;
        while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
               *q == '+' || *q == '-' || *q == '.')
            q++;
        if (*q == ':') {
            p->has_scheme = true;
            p->scheme = s;
            p->scheme_n = (size_t)(q - s);
            s = q + 1;
        }
    }
    if (s[0] == '/' && s[1] == '/') {
        s += 2;
        p->has_auth = true;
        p->auth = s;
        while (*s && *s != '/' && *s != '?' && *s != '#')
            s++;
        p->auth_n = (size_t)(s - p->auth);
    }
    p->path = s;
    while (*s && *s != '?' && *s != '#')
        s++;
    p->path_n = (size_t)(s - p->path);
    if (*s == '?') {
        p->has_query = true;
        p->query = ++s;
        while (*s && *s != '#')
            s++;
        p->query_n = (size_t)(s - p->query);
    }
    if (*s == '#') {
        p->has_frag = true;
        p->frag = s + 1;
        p->frag_n = strlen(s + 1);
    }
}

/* RFC 3986 5.2.4, in place: the output never outruns the input. */
static void remove_dots(char *buf)
{
    char *r = buf, *out = buf;
    while (*r) {
        bool pop = false;
        if (strncmp(r, "../", 3) == 0) {
            r += 3;
        } else if (strncmp(r, "./", 2) == 0) {
            r += 2;
        } else if (strncmp(r, "/./", 3) == 0) {
            r += 2;
        } else if (strcmp(r, "/.") == 0) {
            r += 1;
            *r = '/';
        } else if (strncmp(r, "/../", 4) == 0) {
            r += 3;
            pop = true;
        } else if (strcmp(r, "/..") == 0) {
            r += 2;
            *r = '/';
            pop = true;
        } else if (strcmp(r, ".") == 0 || strcmp(r, "..") == 0) {
            break;
        } else {
            do {
                *out++ = *r++;
            } while (*r && *r != '/');
        }
        if (pop) {
            while (out > buf && out[-1] != '/')
                out--;
            if (out > buf)
                out--;
        }
    }
    *out = '\0';
}

/* Resolves ref against base; malloc'd result or NULL on allocation failure. */
static char *uri_resolve(const char *base, const char *ref)
{
    struct uri_parts b, r;
    uri_split(base ? base : "", &b);
    uri_split(ref, &r);
    struct spp_sbuf out = {0}, path = {0};
    const struct uri_parts *sch = &r, *auth = &r, *qry = &r;
    if (r.has_scheme) {
        spp_sbuf_add(&path, r.path, r.path_n);
    } else if (r.has_auth) {
        sch = &b;
        spp_sbuf_add(&path, r.path, r.path_n);
    } else {
        sch = &b;
        auth = &b;
        if (r.path_n == 0) {
            spp_sbuf_add(&path, b.path, b.path_n);
            if (!r.has_query)
                qry = &b;
        } else if (r.path[0] == '/') {
            spp_sbuf_add(&path, r.path, r.path_n);
        } else {
            if (b.has_auth && b.path_n == 0) {
                spp_sbuf_add(&path, "/", 1);
            } else {
                size_t k = b.path_n;
                while (k > 0 && b.path[k - 1] != '/')
                    k--;
                spp_sbuf_add(&path, b.path, k);
            }
            spp_sbuf_add(&path, r.path, r.path_n);
        }
    }
    spp_sbuf_add(&path, "", 0);
    if (path.p && (sch->has_scheme || auth->has_auth || path.p[0] == '/'))
        remove_dots(path.p);
    if (sch->has_scheme) {
        spp_sbuf_add(&out, sch->scheme, sch->scheme_n);
        spp_sbuf_add(&out, ":", 1);
    }
    if (auth->has_auth) {
        spp_sbuf_add(&out, "//", 2);
        spp_sbuf_add(&out, auth->auth, auth->auth_n);
    }
    spp_sbuf_adds(&out, spp_sbuf_str(&path));
    if (qry->has_query) {
        spp_sbuf_add(&out, "?", 1);
        spp_sbuf_add(&out, qry->query, qry->query_n);
    }
    if (r.has_frag) {
        spp_sbuf_add(&out, "#", 1);
        spp_sbuf_add(&out, r.frag, r.frag_n);
    }
    spp_sbuf_add(&out, "", 0);
    bool oom = out.oom || path.oom;
    spp_sbuf_free(&path);
    if (oom) {
        spp_sbuf_free(&out);
        return NULL;
    }
    return out.p;
}

/* Cuts "#..." off a malloc'd uri in place. */
static void uri_strip_fragment(char *u)
{
    char *h = strchr(u, '#');
    if (h)
        *h = '\0';
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static int hexdig(char a)
{
    if (a >= '0' && a <= '9')
        return a - '0';
    if (a >= 'a' && a <= 'f')
        return a - 'a' + 10;
    if (a >= 'A' && a <= 'F')
        return a - 'A' + 10;
    return -1;
}

/* Percent-decodes s into a malloc'd string ("%25" → "%"); invalid escapes stay as they are. */
static char *pct_decode(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n) {
            int hi = hexdig(s[i + 1]), lo = hexdig(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                d[o++] = (char)(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        d[o++] = s[i];
    }
    d[o] = '\0';
    return d;
}

/* ---- options, registry --------------------------------------------------- */

void spp_schema_options_init(struct spp_schema_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->format_assertion = true;
    opt->max_errors = SPP_SCHEMA_DEFAULT_MAX_ERRORS;
    opt->max_depth = SPP_SCHEMA_DEFAULT_MAX_DEPTH;
}

struct spp_schema_registry *spp_schema_registry_new(void)
{
    return calloc(1, sizeof(struct spp_schema_registry));
}

enum spp_code spp_schema_registry_add(struct spp_schema_registry *reg, const char *uri,
                                      const struct spp_json *doc, struct spp_err *err)
{
    if (!reg || !uri || !doc)
        return spp_err_set(err, SPP_EINVAL, "registry, uri and document are required");
    for (size_t i = 0; i < reg->n; i++)
        if (strcmp(reg->docs[i].uri, uri) == 0)
            return spp_err_set(err, SPP_EINVAL, "duplicate registry uri %s", uri);
    struct spp_schema_doc *d = realloc(reg->docs, (reg->n + 1) * sizeof(*d));
    if (!d)
        return spp_err_set(err, SPP_ENOMEM, "out of memory");
    reg->docs = d;
    d[reg->n].uri = dupstr(uri);
    d[reg->n].root = spp_json_clone(doc);
    d[reg->n].main = false;
    if (!d[reg->n].uri || !d[reg->n].root) {
        free(d[reg->n].uri);
        spp_json_free(d[reg->n].root);
        return spp_err_set(err, SPP_ENOMEM, "out of memory (or document too deep) for %s", uri);
    }
    uri_strip_fragment(d[reg->n].uri);
    reg->n++;
    return SPP_OK;
}

void spp_schema_registry_free(struct spp_schema_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n; i++) {
        free(reg->docs[i].uri);
        spp_json_free(reg->docs[i].root);
    }
    free(reg->docs);
    free(reg);
}

/* ---- indexing ------------------------------------------------------------ */

struct walk {
    struct spp_schema *s;
    struct spp_err *err;
    const char *doc_prefix; /* "" for the main document, "uri#" otherwise */
    enum spp_code rc;
};

/* Keywords whose value is a schema, a map of schemas or an array of schemas. */
static const char *const kw_schema[] = {"additionalProperties",
                                        "unevaluatedProperties",
                                        "unevaluatedItems",
                                        "items",
                                        "contains",
                                        "not",
                                        "if",
                                        "then",
                                        "else",
                                        "propertyNames",
                                        "additionalItems"};
static const char *const kw_map[] = {"properties", "patternProperties", "dependentSchemas", "$defs",
                                     "definitions"};
static const char *const kw_array[] = {"allOf", "anyOf", "oneOf", "prefixItems"};
/* Keywords whose value is data, never a schema. */
static const char *const kw_data[] = {
    "enum",        "const",          "default", "examples",     "example",      "required",
    "type",        "$comment",       "format",  "pattern",      "$id",          "$anchor",
    "$ref",        "$schema",        "title",   "description",  "$vocabulary",  "dependentRequired",
    "$dynamicRef", "$dynamicAnchor", "xml",     "externalDocs", "discriminator"};

static bool in_list(const char *k, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(k, list[i]) == 0)
            return true;
    return false;
}
#define IN(k, list) in_list((k), (list), sizeof(list) / sizeof((list)[0]))

static struct spp_schema_res *res_get_or_add(struct spp_schema *s, const char *uri,
                                             const struct spp_json *root)
{
    struct spp_schema_res *r = spp_map_get(&s->resources, uri, strlen(uri));
    if (r)
        return r;
    r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->uri = dupstr(uri);
    r->root = root;
    if (!r->uri || !spp_map_put(&s->resources, uri, strlen(uri), r)) {
        free(r->uri);
        free(r);
        return NULL;
    }
    return r;
}

static enum spp_code add_info(struct walk *w, const struct spp_json *j, struct spp_schema_res *res,
                              const char *rptr, const char *dptr)
{
    if (spp_map_get(&w->s->infos, &j, sizeof(j)))
        return SPP_OK; /* reached twice (e.g. an entry point inside a walked tree) */
    struct spp_schema_info *in = calloc(1, sizeof(*in));
    struct spp_sbuf a = {0}, wh = {0};
    if (!in)
        return SPP_ENOMEM;
    spp_sbuf_adds(&a, res->uri);
    spp_sbuf_add(&a, "#", 1);
    spp_sbuf_adds(&a, rptr);
    spp_sbuf_adds(&wh, w->doc_prefix);
    spp_sbuf_adds(&wh, dptr);
    in->j = j;
    in->res = res;
    in->abs = a.p ? a.p : dupstr("");
    in->where = wh.p ? wh.p : dupstr("");
    if (a.oom || wh.oom || !in->abs || !in->where ||
        !spp_map_put(&w->s->infos, &j, sizeof(j), in)) {
        free(in->abs);
        free(in->where);
        free(in);
        return SPP_ENOMEM;
    }
    return SPP_OK;
}

static void walk_schema(struct walk *w, const struct spp_json *j, struct spp_schema_res *res,
                        struct spp_sbuf *rptr, struct spp_sbuf *dptr, size_t depth);

static void walk_child(struct walk *w, const struct spp_json *c, struct spp_schema_res *res,
                       struct spp_sbuf *rptr, struct spp_sbuf *dptr, size_t depth, const char *tok,
                       bool is_idx, size_t idx)
{
    size_t rn = rptr->n, dn = dptr->n;
    if (is_idx) {
        spp_sbuf_add_index(rptr, idx);
        spp_sbuf_add_index(dptr, idx);
    } else {
        spp_sbuf_add_token(rptr, tok);
        spp_sbuf_add_token(dptr, tok);
    }
    walk_schema(w, c, res, rptr, dptr, depth + 1);
    rptr->n = rn;
    dptr->n = dn;
    if (rptr->p)
        rptr->p[rn] = '\0';
    if (dptr->p)
        dptr->p[dn] = '\0';
}

static void walk_schema(struct walk *w, const struct spp_json *j, struct spp_schema_res *res,
                        struct spp_sbuf *rptr, struct spp_sbuf *dptr, size_t depth)
{
    if (w->rc != SPP_OK)
        return;
    enum spp_json_kind k = spp_json_kind(j);
    if (k != SPP_JSON_OBJECT && k != SPP_JSON_BOOL)
        return;
    if (depth > w->s->opt.max_depth) {
        w->rc =
            spp_err_set(w->err, SPP_ELIMIT, "schema nested deeper than %zu", w->s->opt.max_depth);
        spp_err_where(w->err, spp_sbuf_str(dptr));
        return;
    }
    struct spp_sbuf empty = {0};
    struct spp_sbuf *rp = rptr;
    const struct spp_json *id = k == SPP_JSON_OBJECT ? spp_json_get(j, "$id") : NULL;
    if (spp_json_kind(id) == SPP_JSON_STRING) {
        char *u = uri_resolve(res->uri, spp_json_string(id, NULL));
        if (!u) {
            w->rc = SPP_ENOMEM;
            return;
        }
        uri_strip_fragment(u);
        struct spp_schema_res *nr = res_get_or_add(w->s, u, j);
        free(u);
        if (!nr) {
            w->rc = SPP_ENOMEM;
            return;
        }
        res = nr;
        rp = &empty;
        spp_sbuf_add(rp, "", 0);
    }
    if (rptr->oom || dptr->oom || add_info(w, j, res, spp_sbuf_str(rp), spp_sbuf_str(dptr))) {
        w->rc = SPP_ENOMEM;
        goto out;
    }
    if (k != SPP_JSON_OBJECT)
        goto out;
    static const char *const anchor_kw[] = {"$anchor", "$dynamicAnchor"};
    for (size_t a = 0; a < 2; a++) {
        const struct spp_json *an = spp_json_get(j, anchor_kw[a]);
        if (spp_json_kind(an) != SPP_JSON_STRING)
            continue;
        struct spp_sbuf key = {0};
        spp_sbuf_adds(&key, res->uri);
        spp_sbuf_add(&key, "#", 1);
        spp_sbuf_adds(&key, spp_json_string(an, NULL));
        bool ok = !key.oom &&
                  spp_map_put(&w->s->anchors, key.p, key.n, (void *)(uintptr_t)(const void *)j);
        if (ok && a == 1) {
            const char *nm = spp_json_string(an, NULL);
            ok = spp_map_put(&res->dyn, nm, strlen(nm), (void *)(uintptr_t)(const void *)j);
        }
        spp_sbuf_free(&key);
        if (!ok) {
            w->rc = SPP_ENOMEM;
            goto out;
        }
    }
    for (const struct spp_json *m = spp_json_first(j); m; m = spp_json_next(m)) {
        const char *key = spp_json_key(m);
        enum spp_json_kind mk = spp_json_kind(m);
        if (IN(key, kw_data))
            continue;
        if (IN(key, kw_array) && mk == SPP_JSON_ARRAY) {
            size_t rn = rp->n, dn = dptr->n;
            spp_sbuf_add_token(rp, key);
            spp_sbuf_add_token(dptr, key);
            size_t i = 0;
            for (const struct spp_json *c = spp_json_first(m); c; c = spp_json_next(c), i++)
                walk_child(w, c, res, rp, dptr, depth, NULL, true, i);
            rp->n = rn;
            dptr->n = dn;
            if (rp->p)
                rp->p[rn] = '\0';
            if (dptr->p)
                dptr->p[dn] = '\0';
        } else if (IN(key, kw_map) && mk == SPP_JSON_OBJECT) {
            size_t rn = rp->n, dn = dptr->n;
            spp_sbuf_add_token(rp, key);
            spp_sbuf_add_token(dptr, key);
            for (const struct spp_json *c = spp_json_first(m); c; c = spp_json_next(c))
                walk_child(w, c, res, rp, dptr, depth, spp_json_key(c), false, 0);
            rp->n = rn;
            dptr->n = dn;
            if (rp->p)
                rp->p[rn] = '\0';
            if (dptr->p)
                dptr->p[dn] = '\0';
        } else if (IN(key, kw_schema) || mk == SPP_JSON_OBJECT) {
            /* Unknown keywords holding objects are walked too: OpenAPI's "components". */
            walk_child(w, m, res, rp, dptr, depth, key, false, 0);
        }
        if (w->rc != SPP_OK)
            goto out;
    }
out:
    spp_sbuf_free(&empty);
}

static enum spp_code index_doc(struct spp_schema *s, struct spp_schema_doc *d, struct spp_err *err)
{
    struct walk w = {.s = s, .err = err, .rc = SPP_OK};
    struct spp_sbuf prefix = {0}, rptr = {0}, dptr = {0};
    if (!d->main) {
        spp_sbuf_adds(&prefix, d->uri);
        spp_sbuf_add(&prefix, "#", 1);
    }
    spp_sbuf_add(&prefix, "", 0);
    spp_sbuf_add(&rptr, "", 0);
    spp_sbuf_add(&dptr, "", 0);
    w.doc_prefix = spp_sbuf_str(&prefix);
    struct spp_schema_res *res = res_get_or_add(s, d->uri, d->root);
    if (!res || prefix.oom)
        w.rc = SPP_ENOMEM;
    else
        walk_schema(&w, d->root, res, &rptr, &dptr, 0);
    spp_sbuf_free(&prefix);
    spp_sbuf_free(&rptr);
    spp_sbuf_free(&dptr);
    if (w.rc == SPP_ENOMEM)
        return spp_err_set(err, SPP_ENOMEM, "out of memory indexing %s", d->uri);
    return w.rc;
}

static enum spp_code add_doc(struct spp_schema *s, const char *uri, const struct spp_json *root,
                             bool main, struct spp_err *err)
{
    struct spp_schema_doc *d = realloc(s->docs, (s->n_docs + 1) * sizeof(*d));
    if (!d)
        return spp_err_set(err, SPP_ENOMEM, "out of memory");
    s->docs = d;
    d = &s->docs[s->n_docs];
    d->uri = dupstr(uri);
    d->root = spp_json_clone(root);
    d->main = main;
    if (!d->uri || !d->root) {
        free(d->uri);
        spp_json_free(d->root);
        return spp_err_set(err, SPP_ELIMIT, "cannot copy schema %s: too deep or out of memory",
                           uri);
    }
    uri_strip_fragment(d->uri);
    s->n_docs++;
    return index_doc(s, d, err);
}

/* ---- compiling nodes ----------------------------------------------------- */

struct comp {
    struct spp_schema *s;
    struct spp_err *err;
    struct spp_schema_node **work;
    size_t n_work, cap_work;
};

static enum spp_code schema_err(struct comp *c, const struct spp_schema_node *n, const char *kw,
                                const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static enum spp_code schema_err(struct comp *c, const struct spp_schema_node *n, const char *kw,
                                const char *fmt, ...)
{
    char msg[SPP_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    spp_err_set(c->err, SPP_ESCHEMA, "%s", msg);
    struct spp_sbuf wh = {0};
    spp_sbuf_adds(&wh, n->where);
    if (kw)
        spp_sbuf_add_token(&wh, kw);
    spp_err_where(c->err, spp_sbuf_str(&wh));
    spp_sbuf_free(&wh);
    return SPP_ESCHEMA;
}

/* The node for JSON j (a shell queued for compiling when new); NULL on allocation failure. */
static struct spp_schema_node *node_for(struct comp *c, const struct spp_json *j,
                                        struct spp_schema_info *in)
{
    if (!in)
        in = spp_map_get(&c->s->infos, &j, sizeof(j));
    if (!in)
        return NULL;
    if (in->node)
        return in->node;
    if (c->n_work == c->cap_work) {
        size_t cap = c->cap_work ? c->cap_work * 2 : 32;
        struct spp_schema_node **w = realloc(c->work, cap * sizeof(*w));
        if (!w)
            return NULL;
        c->work = w;
        c->cap_work = cap;
    }
    struct spp_schema_node *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->json = j;
    n->abs = in->abs;
    n->where = in->where;
    n->res = in->res;
    n->max_contains = SIZE_MAX;
    n->min_contains = 1;
    n->next_alloc = c->s->nodes;
    c->s->nodes = n;
    in->node = n;
    c->work[c->n_work++] = n;
    return n;
}

/* Finds the info for a JSON node not reached by the walk (an entry point or a pointer into data).
 */
static struct spp_schema_info *info_adhoc(struct spp_schema *s, const struct spp_json *j,
                                          struct spp_schema_res *res, const char *ptr)
{
    struct spp_schema_info *in = spp_map_get(&s->infos, &j, sizeof(j));
    if (in)
        return in;
    struct walk w = {.s = s, .doc_prefix = "", .rc = SPP_OK};
    struct spp_sbuf rptr = {0}, dptr = {0};
    spp_sbuf_adds(&rptr, ptr);
    spp_sbuf_adds(&dptr, res->uri);
    spp_sbuf_add(&dptr, "#", 1);
    spp_sbuf_adds(&dptr, ptr);
    if (!rptr.oom && !dptr.oom)
        walk_schema(&w, j, res, &rptr, &dptr, 0);
    spp_sbuf_free(&rptr);
    spp_sbuf_free(&dptr);
    return spp_map_get(&s->infos, &j, sizeof(j));
}

static struct spp_schema_doc *registry_find(const struct spp_schema_registry *reg, const char *uri)
{
    for (size_t i = 0; reg && i < reg->n; i++)
        if (strcmp(reg->docs[i].uri, uri) == 0)
            return &reg->docs[i];
    return NULL;
}

/*
 * Resolves the URI reference ref against base to a JSON node and its info.
 * SPP_ENOTFOUND when it leads nowhere (the caller words the error).
 */
static enum spp_code resolve_ref(struct spp_schema *s, const char *base, const char *ref,
                                 struct spp_schema_info **out, struct spp_err *err)
{
    enum spp_code rc = SPP_ENOTFOUND;
    char *u = uri_resolve(base, ref);
    char *frag = NULL, *dec = NULL;
    if (!u)
        return SPP_ENOMEM;
    char *h = strchr(u, '#');
    if (h) {
        *h = '\0';
        frag = h + 1;
    }
    struct spp_schema_res *res = spp_map_get(&s->resources, u, strlen(u));
    if (!res) {
        const struct spp_schema_doc *d = registry_find(s->opt.registry, u);
        if (d) {
            struct spp_err e2;
            rc = add_doc(s, u, d->root, false, &e2);
            if (rc != SPP_OK) {
                if (err)
                    *err = e2;
                goto out;
            }
            rc = SPP_ENOTFOUND;
            res = spp_map_get(&s->resources, u, strlen(u));
        }
    }
    if (!res)
        goto out;
    const struct spp_json *j = NULL;
    if (!frag || !*frag) {
        j = res->root;
        dec = dupstr("");
    } else if (frag[0] == '/') {
        dec = pct_decode(frag, strlen(frag));
        if (!dec) {
            rc = SPP_ENOMEM;
            goto out;
        }
        j = spp_json_pointer(res->root, dec);
    } else {
        struct spp_sbuf key = {0};
        spp_sbuf_adds(&key, u);
        spp_sbuf_add(&key, "#", 1);
        spp_sbuf_adds(&key, frag);
        j = key.oom ? NULL : spp_map_get(&s->anchors, key.p, key.n);
        spp_sbuf_free(&key);
        dec = dupstr("");
    }
    if (!j || !dec)
        goto out;
    enum spp_json_kind k = spp_json_kind(j);
    if (k != SPP_JSON_OBJECT && k != SPP_JSON_BOOL)
        goto out;
    *out = info_adhoc(s, j, res, dec);
    rc = *out ? SPP_OK : SPP_ENOMEM;
out:
    free(dec);
    free(u);
    return rc;
}

static bool is_schema_json(const struct spp_json *j)
{
    enum spp_json_kind k = spp_json_kind(j);
    return k == SPP_JSON_OBJECT || k == SPP_JSON_BOOL;
}

static enum spp_code sub(struct comp *c, struct spp_schema_node *n, const char *kw,
                         const struct spp_json *v, struct spp_schema_node **out)
{
    if (!is_schema_json(v))
        return schema_err(c, n, kw, "keyword \"%s\" must be a schema (object or boolean)", kw);
    *out = node_for(c, v, NULL);
    if (!*out)
        return spp_err_set(c->err, SPP_ENOMEM, "out of memory compiling a schema");
    return SPP_OK;
}

static enum spp_code sub_list(struct comp *c, struct spp_schema_node *n, const char *kw,
                              const struct spp_json *v, struct spp_schema_list *out)
{
    size_t cnt = spp_json_count(v);
    if (spp_json_kind(v) != SPP_JSON_ARRAY || cnt == 0)
        return schema_err(c, n, kw, "keyword \"%s\" must be a non-empty array of schemas", kw);
    out->v = calloc(cnt, sizeof(*out->v));
    if (!out->v)
        return spp_err_set(c->err, SPP_ENOMEM, "out of memory compiling a schema");
    out->n = cnt;
    size_t i = 0;
    for (const struct spp_json *e = spp_json_first(v); e; e = spp_json_next(e), i++) {
        enum spp_code rc = sub(c, n, kw, e, &out->v[i]);
        if (rc != SPP_OK)
            return rc;
    }
    return SPP_OK;
}

static enum spp_code count_kw(struct comp *c, struct spp_schema_node *n, const char *kw,
                              const struct spp_json *v, size_t *out)
{
    double d = spp_json_number(v);
    if (spp_json_kind(v) != SPP_JSON_NUMBER || !spp_json_is_integer(v) || d < 0)
        return schema_err(c, n, kw, "keyword \"%s\" must be a non-negative integer", kw);
    /* Beyond what any instance can have: saturate rather than overflow. */
    *out = d >= 1.8e19 ? SIZE_MAX : (size_t)d;
    return SPP_OK;
}

static enum spp_code num_kw(struct comp *c, struct spp_schema_node *n, const char *kw,
                            const struct spp_json *v, double *out)
{
    if (spp_json_kind(v) != SPP_JSON_NUMBER)
        return schema_err(c, n, kw, "keyword \"%s\" must be a number", kw);
    *out = spp_json_number(v);
    return SPP_OK;
}

static int prop_cmp(const void *a, const void *b)
{
    return strcmp(((const struct spp_schema_prop *)a)->name,
                  ((const struct spp_schema_prop *)b)->name);
}

static enum spp_code schema_map(struct comp *c, struct spp_schema_node *n, const char *kw,
                                const struct spp_json *v, struct spp_schema_prop **out,
                                size_t *nout)
{
    if (spp_json_kind(v) != SPP_JSON_OBJECT)
        return schema_err(c, n, kw, "keyword \"%s\" must be an object of schemas", kw);
    size_t cnt = spp_json_count(v);
    if (cnt == 0)
        return SPP_OK;
    *out = calloc(cnt, sizeof(**out));
    if (!*out)
        return spp_err_set(c->err, SPP_ENOMEM, "out of memory compiling a schema");
    size_t i = 0;
    for (const struct spp_json *e = spp_json_first(v); e; e = spp_json_next(e)) {
        (*out)[i].name = spp_json_key(e);
        enum spp_code rc = sub(c, n, kw, e, &(*out)[i].node);
        *nout = ++i;
        if (rc != SPP_OK)
            return rc;
    }
    qsort(*out, *nout, sizeof(**out), prop_cmp);
    return SPP_OK;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum spp_code string_array(struct comp *c, struct spp_schema_node *n, const char *kw,
                                  const struct spp_json *v, const char ***out, size_t *nout)
{
    if (spp_json_kind(v) != SPP_JSON_ARRAY)
        return schema_err(c, n, kw, "keyword \"%s\" must be an array of strings", kw);
    size_t cnt = spp_json_count(v);
    if (cnt == 0)
        return SPP_OK;
    *out = calloc(cnt, sizeof(**out));
    if (!*out)
        return spp_err_set(c->err, SPP_ENOMEM, "out of memory compiling a schema");
    size_t i = 0;
    for (const struct spp_json *e = spp_json_first(v); e; e = spp_json_next(e)) {
        if (spp_json_kind(e) != SPP_JSON_STRING)
            return schema_err(c, n, kw, "keyword \"%s\" must be an array of strings", kw);
        (*out)[i++] = spp_json_string(e, NULL);
    }
    *nout = i;
    return SPP_OK;
}

static unsigned type_bit(const char *t)
{
    static const struct {
        const char *name;
        unsigned bit;
    } tab[] = {{"null", SPP_T_NULL},  {"boolean", SPP_T_BOOL}, {"integer", SPP_T_INT},
               {"number", SPP_T_NUM}, {"string", SPP_T_STR},   {"array", SPP_T_ARR},
               {"object", SPP_T_OBJ}};
    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (t && strcmp(t, tab[i].name) == 0)
            return tab[i].bit;
    return 0;
}

static enum spp_code compile_ref(struct comp *c, struct spp_schema_node *n, const char *kw,
                                 const struct spp_json *v, struct spp_schema_node **out)
{
    if (spp_json_kind(v) != SPP_JSON_STRING)
        return schema_err(c, n, kw, "keyword \"%s\" must be a string", kw);
    const char *ref = spp_json_string(v, NULL);
    struct spp_schema_info *in = NULL;
    struct spp_err e2;
    spp_err_clear(&e2);
    enum spp_code rc = resolve_ref(c->s, n->res->uri, ref, &in, &e2);
    if (rc == SPP_ENOTFOUND) {
        char msg[200];
        snprintf(msg, sizeof(msg), "%.180s", ref);
        return schema_err(c, n, kw, "reference \"%s\" leads nowhere", msg);
    }
    if (rc != SPP_OK) {
        if (c->err)
            *c->err = e2;
        return rc == SPP_ENOMEM ? spp_err_set(c->err, SPP_ENOMEM, "out of memory") : rc;
    }
    *out = node_for(c, in->j, in);
    return *out ? SPP_OK : spp_err_set(c->err, SPP_ENOMEM, "out of memory");
}

static enum spp_code compile_type(struct comp *c, struct spp_schema_node *n,
                                  const struct spp_json *v)
{
    if (spp_json_kind(v) == SPP_JSON_STRING) {
        n->types = type_bit(spp_json_string(v, NULL));
        if (!n->types)
            return schema_err(c, n, "type", "unknown type \"%s\"", spp_json_string(v, NULL));
        return SPP_OK;
    }
    if (spp_json_kind(v) != SPP_JSON_ARRAY)
        return schema_err(c, n, "type", "keyword \"type\" must be a string or array of strings");
    for (const struct spp_json *e = spp_json_first(v); e; e = spp_json_next(e)) {
        unsigned b = type_bit(spp_json_string(e, NULL));
        if (!b)
            return schema_err(c, n, "type", "keyword \"type\" lists an unknown type");
        n->types |= b;
    }
    if (!n->types) /* "type": [] allows nothing */
        n->types = 1u << 7;
    return SPP_OK;
}

/* One keyword of an object schema; unknown keywords are ignored. */
static enum spp_code compile_kw(struct comp *c, struct spp_schema_node *n, const char *k,
                                const struct spp_json *v)
{
    enum spp_code rc = SPP_OK;
    const struct spp_schema_options *o = &c->s->opt;
    if (strcmp(k, "type") == 0) {
        rc = compile_type(c, n, v);
    } else if (strcmp(k, "enum") == 0) {
        if (spp_json_kind(v) != SPP_JSON_ARRAY)
            return schema_err(c, n, k, "keyword \"%s\" must be an array", k);
        n->enum_vals = v;
    } else if (strcmp(k, "const") == 0) {
        n->const_val = v;
        n->has |= SPP_HAS_CONST;
    } else if (strcmp(k, "required") == 0) {
        rc = string_array(c, n, k, v, &n->required, &n->n_required);
        if (rc == SPP_OK && n->n_required) {
            n->required_sorted = malloc(n->n_required * sizeof(*n->required_sorted));
            if (!n->required_sorted)
                return spp_err_set(c->err, SPP_ENOMEM, "out of memory");
            memcpy(n->required_sorted, n->required, n->n_required * sizeof(*n->required));
            qsort(n->required_sorted, n->n_required, sizeof(*n->required_sorted), str_cmp);
            size_t u = 0;
            for (size_t i = 0; i < n->n_required; i++)
                if (u == 0 || strcmp(n->required_sorted[u - 1], n->required_sorted[i]) != 0)
                    n->required_sorted[u++] = n->required_sorted[i];
            n->n_required_sorted = u;
        }
    } else if (strcmp(k, "properties") == 0) {
        rc = schema_map(c, n, k, v, &n->props, &n->n_props);
    } else if (strcmp(k, "patternProperties") == 0) {
        if (spp_json_kind(v) != SPP_JSON_OBJECT)
            return schema_err(c, n, k, "keyword \"%s\" must be an object of schemas", k);
        size_t cnt = spp_json_count(v);
        n->pats = cnt ? calloc(cnt, sizeof(*n->pats)) : NULL;
        if (cnt && !n->pats)
            return spp_err_set(c->err, SPP_ENOMEM, "out of memory");
        for (const struct spp_json *e = spp_json_first(v); e && n->pats; e = spp_json_next(e)) {
            struct spp_schema_pat *p = &n->pats[n->n_pats++];
            p->src = spp_json_key(e);
            rc = spp_pattern_compile(p->src, strlen(p->src), &p->re, c->err);
            if (rc != SPP_OK) {
                spp_err_where(c->err, n->where);
                struct spp_sbuf wh = {0};
                spp_sbuf_adds(&wh, n->where);
                spp_sbuf_add_token(&wh, k);
                spp_sbuf_add_token(&wh, p->src);
                spp_err_where(c->err, spp_sbuf_str(&wh));
                spp_sbuf_free(&wh);
                return rc;
            }
            rc = sub(c, n, k, e, &p->node);
            if (rc != SPP_OK)
                return rc;
        }
    } else if (strcmp(k, "additionalProperties") == 0) {
        rc = sub(c, n, k, v, &n->additional);
    } else if (strcmp(k, "propertyNames") == 0) {
        rc = sub(c, n, k, v, &n->property_names);
    } else if (strcmp(k, "dependentRequired") == 0) {
        if (spp_json_kind(v) != SPP_JSON_OBJECT)
            return schema_err(c, n, k, "keyword \"%s\" must be an object of string arrays", k);
        size_t cnt = spp_json_count(v);
        n->dep_req = cnt ? calloc(cnt, sizeof(*n->dep_req)) : NULL;
        if (cnt && !n->dep_req)
            return spp_err_set(c->err, SPP_ENOMEM, "out of memory");
        for (const struct spp_json *e = spp_json_first(v); e && n->dep_req; e = spp_json_next(e)) {
            struct spp_schema_depreq *d = &n->dep_req[n->n_dep_req++];
            d->name = spp_json_key(e);
            rc = string_array(c, n, k, e, &d->req, &d->n);
            if (rc != SPP_OK)
                return rc;
        }
    } else if (strcmp(k, "dependentSchemas") == 0) {
        rc = schema_map(c, n, k, v, &n->dep_schemas, &n->n_dep_schemas);
    } else if (strcmp(k, "minProperties") == 0) {
        rc = count_kw(c, n, k, v, &n->min_props);
        n->has |= SPP_HAS_MINPROPS;
    } else if (strcmp(k, "maxProperties") == 0) {
        rc = count_kw(c, n, k, v, &n->max_props);
        n->has |= SPP_HAS_MAXPROPS;
    } else if (strcmp(k, "prefixItems") == 0) {
        rc = sub_list(c, n, k, v, &n->prefix);
    } else if (strcmp(k, "items") == 0) {
        rc = sub(c, n, k, v, &n->items);
    } else if (strcmp(k, "contains") == 0) {
        rc = sub(c, n, k, v, &n->contains);
    } else if (strcmp(k, "minContains") == 0) {
        rc = count_kw(c, n, k, v, &n->min_contains);
        n->has |= SPP_HAS_MINCONT;
    } else if (strcmp(k, "maxContains") == 0) {
        rc = count_kw(c, n, k, v, &n->max_contains);
        n->has |= SPP_HAS_MAXCONT;
    } else if (strcmp(k, "minItems") == 0) {
        rc = count_kw(c, n, k, v, &n->min_items);
        n->has |= SPP_HAS_MINITEMS;
    } else if (strcmp(k, "maxItems") == 0) {
        rc = count_kw(c, n, k, v, &n->max_items);
        n->has |= SPP_HAS_MAXITEMS;
    } else if (strcmp(k, "uniqueItems") == 0) {
        if (spp_json_kind(v) != SPP_JSON_BOOL)
            return schema_err(c, n, k, "keyword \"%s\" must be a boolean", k);
        n->unique_items = spp_json_bool(v);
    } else if (strcmp(k, "allOf") == 0) {
        rc = sub_list(c, n, k, v, &n->all_of);
    } else if (strcmp(k, "anyOf") == 0) {
        rc = sub_list(c, n, k, v, &n->any_of);
    } else if (strcmp(k, "oneOf") == 0) {
        rc = sub_list(c, n, k, v, &n->one_of);
    } else if (strcmp(k, "not") == 0) {
        rc = sub(c, n, k, v, &n->not_);
    } else if (strcmp(k, "if") == 0) {
        rc = sub(c, n, k, v, &n->if_);
        n->has |= SPP_HAS_IF;
    } else if (strcmp(k, "then") == 0) {
        rc = sub(c, n, k, v, &n->then_);
    } else if (strcmp(k, "else") == 0) {
        rc = sub(c, n, k, v, &n->else_);
    } else if (strcmp(k, "minimum") == 0) {
        rc = num_kw(c, n, k, v, &n->minimum);
        n->has |= SPP_HAS_MIN;
    } else if (strcmp(k, "maximum") == 0) {
        rc = num_kw(c, n, k, v, &n->maximum);
        n->has |= SPP_HAS_MAX;
    } else if (strcmp(k, "exclusiveMinimum") == 0 || strcmp(k, "exclusiveMaximum") == 0) {
        bool is_min = k[9] == 'M' && k[10] == 'i';
        if (spp_json_kind(v) == SPP_JSON_BOOL) {
            /* OpenAPI 3.0 / draft 4: a boolean turns minimum/maximum exclusive (see below). */
            if (spp_json_bool(v))
                n->has |= is_min ? SPP_HAS_XMIN << 16 : SPP_HAS_XMAX << 16;
        } else {
            rc = num_kw(c, n, k, v, is_min ? &n->xmin : &n->xmax);
            n->has |= is_min ? SPP_HAS_XMIN : SPP_HAS_XMAX;
        }
    } else if (strcmp(k, "multipleOf") == 0) {
        rc = num_kw(c, n, k, v, &n->multiple_of);
        if (rc == SPP_OK && !(n->multiple_of > 0))
            return schema_err(c, n, k, "keyword \"%s\" must be a number above 0", k);
        n->has |= SPP_HAS_MULT;
    } else if (strcmp(k, "minLength") == 0) {
        rc = count_kw(c, n, k, v, &n->min_len);
        n->has |= SPP_HAS_MINLEN;
    } else if (strcmp(k, "maxLength") == 0) {
        rc = count_kw(c, n, k, v, &n->max_len);
        n->has |= SPP_HAS_MAXLEN;
    } else if (strcmp(k, "pattern") == 0) {
        size_t len = 0;
        const char *src = spp_json_string(v, &len);
        if (!src)
            return schema_err(c, n, k, "keyword \"%s\" must be a string", k);
        n->pattern_src = src;
        rc = spp_pattern_compile(src, len, &n->pattern, c->err);
        if (rc != SPP_OK) {
            struct spp_sbuf wh = {0};
            spp_sbuf_adds(&wh, n->where);
            spp_sbuf_add_token(&wh, k);
            spp_err_where(c->err, spp_sbuf_str(&wh));
            spp_sbuf_free(&wh);
        }
    } else if (strcmp(k, "format") == 0) {
        if (spp_json_kind(v) != SPP_JSON_STRING)
            return schema_err(c, n, k, "keyword \"%s\" must be a string", k);
        if (o->format_assertion)
            n->format = spp_json_string(v, NULL);
    } else if (strcmp(k, "$ref") == 0) {
        rc = compile_ref(c, n, k, v, &n->ref);
    } else if (strcmp(k, "$dynamicRef") == 0) {
        rc = compile_ref(c, n, k, v, &n->dyn_ref);
        const char *r = spp_json_string(v, NULL);
        const char *h = r ? strchr(r, '#') : NULL;
        if (rc == SPP_OK && h && h[1] && h[1] != '/') {
            const struct spp_json *da = spp_json_get(n->dyn_ref->json, "$dynamicAnchor");
            if (spp_json_kind(da) == SPP_JSON_STRING &&
                strcmp(spp_json_string(da, NULL), h + 1) == 0)
                n->dyn_name = spp_json_string(da, NULL);
        }
    } else if (strcmp(k, "unevaluatedProperties") == 0) {
        rc = sub(c, n, k, v, &n->uneval_props);
    } else if (strcmp(k, "unevaluatedItems") == 0) {
        rc = sub(c, n, k, v, &n->uneval_items);
    } else if (strcmp(k, "nullable") == 0 && o->openapi30_nullable) {
        if (spp_json_kind(v) != SPP_JSON_BOOL)
            return schema_err(c, n, k, "keyword \"%s\" must be a boolean", k);
        n->nullable = spp_json_bool(v);
    } else if (strcmp(k, "$id") == 0 || strcmp(k, "$anchor") == 0 ||
               strcmp(k, "$dynamicAnchor") == 0) {
        if (spp_json_kind(v) != SPP_JSON_STRING)
            return schema_err(c, n, k, "keyword \"%s\" must be a string", k);
    } else if (strcmp(k, "$defs") == 0) {
        if (spp_json_kind(v) != SPP_JSON_OBJECT)
            return schema_err(c, n, k, "keyword \"%s\" must be an object of schemas", k);
    }
    return rc;
}

/* Inserts name with its indices (merging with an existing slot of the same name). */
static void kmap_put(struct spp_schema_node *n, const char *name, int32_t prop, int32_t req)
{
    uint32_t h = spp_hash_str(name);
    size_t at = h & n->kmap_mask;
    while (n->kmap[at].name && !(n->kmap[at].hash == h && strcmp(n->kmap[at].name, name) == 0))
        at = (at + 1) & n->kmap_mask;
    struct spp_schema_keyslot *s = &n->kmap[at];
    if (!s->name) {
        *s = (struct spp_schema_keyslot){name, h, -1, -1};
    }
    if (prop >= 0)
        s->prop = prop;
    if (req >= 0)
        s->req = req;
}

/* Builds the key map of a compiled node (load factor at most 1/2). */
static enum spp_code build_kmap(struct comp *c, struct spp_schema_node *n)
{
    size_t want = n->n_props + n->n_required_sorted;
    if (want == 0 || n->n_props > INT32_MAX || n->n_required_sorted > INT32_MAX)
        return SPP_OK;
    size_t slots = 8;
    while (slots < 2 * want)
        slots *= 2;
    n->kmap = calloc(slots, sizeof(*n->kmap));
    if (!n->kmap)
        return spp_err_set(c->err, SPP_ENOMEM, "out of memory");
    n->kmap_mask = slots - 1;
    for (size_t i = 0; i < n->n_props; i++)
        kmap_put(n, n->props[i].name, (int32_t)i, -1);
    for (size_t i = 0; i < n->n_required_sorted; i++)
        kmap_put(n, n->required_sorted[i], -1, (int32_t)i);
    return SPP_OK;
}

static enum spp_code compile_node(struct comp *c, struct spp_schema_node *n)
{
    n->compiled = true;
    enum spp_json_kind k = spp_json_kind(n->json);
    if (k == SPP_JSON_BOOL) {
        n->is_bool = true;
        n->bool_value = spp_json_bool(n->json);
        return SPP_OK;
    }
    if (k != SPP_JSON_OBJECT)
        return schema_err(c, n, NULL, "a schema must be an object or a boolean");
    for (const struct spp_json *m = spp_json_first(n->json); m; m = spp_json_next(m)) {
        /* A key seen twice (a JSON policy issue) would compile a keyword twice, over the
         * first one's storage: refuse it (found by fuzz/fuzz_schema). */
        if (spp_json_get(n->json, spp_json_key(m)) != m)
            return schema_err(c, n, spp_json_key(m), "keyword \"%s\" appears twice",
                              spp_json_key(m));
        enum spp_code rc = compile_kw(c, n, spp_json_key(m), m);
        if (rc != SPP_OK)
            return rc;
    }
    /* Draft-4 style boolean exclusiveMinimum/Maximum turn the bounds exclusive. */
    if ((n->has & (SPP_HAS_XMIN << 16)) && (n->has & SPP_HAS_MIN)) {
        n->has = (n->has & ~SPP_HAS_MIN) | SPP_HAS_XMIN;
        n->xmin = n->minimum;
    }
    if ((n->has & (SPP_HAS_XMAX << 16)) && (n->has & SPP_HAS_MAX)) {
        n->has = (n->has & ~SPP_HAS_MAX) | SPP_HAS_XMAX;
        n->xmax = n->maximum;
    }
    n->has &= 0xFFFFu;
    return build_kmap(c, n);
}

/* The nodes compiled with no instance progress from n (same instance location). */
static size_t inplace_edges(const struct spp_schema_node *n, const struct spp_schema_node **e,
                            const char **kw, size_t cap)
{
    size_t k = 0;
#define EDGE(x, name)                                                                              \
    do {                                                                                           \
        if ((x) && k < cap) {                                                                      \
            kw[k] = (name);                                                                        \
            e[k++] = (x);                                                                          \
        }                                                                                          \
    } while (0)
    EDGE(n->ref, "$ref");
    EDGE(n->dyn_ref, "$dynamicRef");
    EDGE(n->not_, "not");
    EDGE(n->if_, "if");
    EDGE(n->then_, "then");
    EDGE(n->else_, "else");
    return k;
#undef EDGE
}

/* All in-place successors of n, enumerated by a running index i; NULL when done. */
static const struct spp_schema_node *succ(const struct spp_schema_node *n, size_t i,
                                          const char **kw)
{
    const struct spp_schema_node *e[6];
    const char *names[6];
    size_t k = inplace_edges(n, e, names, 6);
    if (i < k) {
        *kw = names[i];
        return e[i];
    }
    i -= k;
    const struct spp_schema_list *lists[3] = {&n->all_of, &n->any_of, &n->one_of};
    static const char *const lnames[3] = {"allOf", "anyOf", "oneOf"};
    for (size_t l = 0; l < 3; l++) {
        if (i < lists[l]->n) {
            *kw = lnames[l];
            return lists[l]->v[i];
        }
        i -= lists[l]->n;
    }
    if (i < n->n_dep_schemas) {
        *kw = "dependentSchemas";
        return n->dep_schemas[i].node;
    }
    return NULL;
}

struct dfs_frame {
    const struct spp_schema_node *n;
    size_t next;
};

/* Rejects a cycle of in-place applicators reachable from start (iterative DFS). */
static enum spp_code check_cycles(struct comp *c, struct spp_schema_node *start)
{
    if (start->color == 2)
        return SPP_OK;
    enum spp_code rc = SPP_OK;
    size_t cap = 64, top = 0;
    struct dfs_frame *st = malloc(cap * sizeof(*st));
    if (!st)
        return spp_err_set(c->err, SPP_ENOMEM, "out of memory");
    st[top++] = (struct dfs_frame){start, 0};
    start->color = 1;
    while (top) {
        struct dfs_frame *f = &st[top - 1];
        const char *kw = NULL;
        const struct spp_schema_node *nx = succ(f->n, f->next++, &kw);
        if (!nx) {
            ((struct spp_schema_node *)(uintptr_t)(const void *)f->n)->color = 2;
            top--;
            continue;
        }
        if (nx->color == 2)
            continue;
        if (nx->color == 1) {
            rc = schema_err(c, f->n, kw,
                            "reference cycle through \"%s\" never advances in the instance", kw);
            break;
        }
        if (top == cap) {
            struct dfs_frame *ns = realloc(st, cap * 2 * sizeof(*st));
            if (!ns) {
                rc = spp_err_set(c->err, SPP_ENOMEM, "out of memory");
                break;
            }
            st = ns;
            cap *= 2;
        }
        ((struct spp_schema_node *)(uintptr_t)(const void *)nx)->color = 1;
        st[top++] = (struct dfs_frame){nx, 0};
    }
    free(st);
    return rc;
}

static void node_free(struct spp_schema_node *n)
{
    free(n->kmap);
    free(n->required);
    free(n->required_sorted);
    free(n->props);
    for (size_t i = 0; i < n->n_pats; i++)
        spp_pattern_free(n->pats[i].re);
    free(n->pats);
    for (size_t i = 0; i < n->n_dep_req; i++)
        free(n->dep_req[i].req);
    free(n->dep_req);
    free(n->dep_schemas);
    free(n->prefix.v);
    free(n->all_of.v);
    free(n->any_of.v);
    free(n->one_of.v);
    spp_pattern_free(n->pattern);
    free(n);
}

/* Compiles everything reachable from target; on failure frees the nodes made here. */
static enum spp_code compile_from(struct spp_schema *s, struct spp_schema_info *target,
                                  const struct spp_schema_node **out, struct spp_err *err)
{
    struct comp c = {.s = s, .err = err};
    struct spp_schema_node *mark = s->nodes;
    enum spp_code rc = SPP_OK;
    struct spp_schema_node *root = node_for(&c, target->j, target);
    if (!root) {
        rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
        goto out;
    }
    /* Also compile the dynamic anchors of every resource, so $dynamicRef can jump to them. */
    size_t first = 0;
    while (first < c.n_work) {
        struct spp_schema_node *n = c.work[first++];
        if (n->compiled)
            continue;
        rc = compile_node(&c, n);
        if (rc != SPP_OK)
            goto out;
        if (n->dyn_name) {
            for (size_t i = 0; i < s->resources.cap; i++) {
                struct spp_schema_res *r = s->resources.e[i].val;
                if (!s->resources.e[i].key || !r)
                    continue;
                const struct spp_json *dj = spp_map_get(&r->dyn, n->dyn_name, strlen(n->dyn_name));
                if (dj && !node_for(&c, dj, NULL)) {
                    rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
                    goto out;
                }
            }
        }
    }
    for (struct spp_schema_node *n = s->nodes; n != mark && rc == SPP_OK; n = n->next_alloc)
        rc = check_cycles(&c, n);
    if (rc == SPP_OK)
        *out = root;
out:
    if (rc != SPP_OK) {
        while (s->nodes != mark) {
            struct spp_schema_node *n = s->nodes;
            s->nodes = n->next_alloc;
            struct spp_schema_info *in = spp_map_get(&s->infos, &n->json, sizeof(n->json));
            if (in)
                in->node = NULL;
            node_free(n);
        }
    }
    free(c.work);
    return rc;
}

/* ---- public -------------------------------------------------------------- */

enum spp_code spp_schema_load(const struct spp_json *doc, const char *base_uri,
                              const struct spp_schema_options *opt, struct spp_schema **out,
                              struct spp_err *err)
{
    if (!doc || !out)
        return spp_err_set(err, SPP_EINVAL, "a schema document is required");
    struct spp_schema *s = calloc(1, sizeof(*s));
    if (!s)
        return spp_err_set(err, SPP_ENOMEM, "out of memory");
    if (opt)
        s->opt = *opt;
    else
        spp_schema_options_init(&s->opt);
    if (!s->opt.max_errors)
        s->opt.max_errors = SPP_SCHEMA_DEFAULT_MAX_ERRORS;
    if (!s->opt.max_depth)
        s->opt.max_depth = SPP_SCHEMA_DEFAULT_MAX_DEPTH;
    s->main_uri = dupstr(base_uri ? base_uri : "");
    enum spp_code rc = s->main_uri ? SPP_OK : spp_err_set(err, SPP_ENOMEM, "out of memory");
    if (rc == SPP_OK) {
        uri_strip_fragment(s->main_uri);
        rc = add_doc(s, s->main_uri, doc, true, err);
    }
    if (rc != SPP_OK) {
        spp_schema_free(s);
        return rc;
    }
    *out = s;
    return SPP_OK;
}

enum spp_code spp_schema_compile(const struct spp_json *doc, const char *base_uri,
                                 const struct spp_schema_options *opt, struct spp_schema **out,
                                 struct spp_err *err)
{
    struct spp_schema *s = NULL;
    enum spp_code rc = spp_schema_load(doc, base_uri, opt, &s, err);
    if (rc != SPP_OK)
        return rc;
    const struct spp_schema_node *root = NULL;
    rc = spp_schema_at(s, "", &root, err);
    if (rc != SPP_OK) {
        spp_schema_free(s);
        return rc;
    }
    s->root = root; /* NOLINT(clang-analyzer-core.NullDereference): load succeeded, s is set */
    *out = s;
    return SPP_OK;
}

enum spp_code spp_schema_at(struct spp_schema *s, const char *pointer,
                            const struct spp_schema_node **out, struct spp_err *err)
{
    if (!s || !pointer || !out)
        return spp_err_set(err, SPP_EINVAL, "schema, pointer and out are required");
    struct spp_schema_info *in = NULL;
    enum spp_code rc;
    if (pointer[0] == '\0' || pointer[0] == '/') {
        const struct spp_schema_doc *d = &s->docs[0];
        const struct spp_json *j = spp_json_pointer(d->root, pointer);
        if (j && !is_schema_json(j)) {
            rc = spp_err_set(err, SPP_ESCHEMA, "a schema must be an object or a boolean");
            spp_err_where(err, pointer);
            return rc;
        }
        if (!j) {
            rc = spp_err_set(err, SPP_ENOTFOUND, "no schema at %s", pointer);
            spp_err_where(err, pointer);
            return rc;
        }
        in = spp_map_get(&s->infos, &j, sizeof(j));
        if (!in) {
            struct spp_schema_res *res = spp_map_get(&s->resources, d->uri, strlen(d->uri));
            in = res ? info_adhoc(s, j, res, pointer) : NULL;
            if (!in)
                return spp_err_set(err, SPP_ENOMEM, "out of memory");
        }
    } else {
        rc = resolve_ref(s, s->main_uri, pointer, &in, err);
        if (rc == SPP_ENOTFOUND) {
            rc = spp_err_set(err, SPP_ENOTFOUND, "no schema at %s", pointer);
            spp_err_where(err, pointer);
        }
        if (rc != SPP_OK)
            return rc;
    }
    if (in->node && in->node->compiled) {
        *out = in->node;
        return SPP_OK;
    }
    return compile_from(s, in, out, err);
}

const struct spp_schema_node *spp_schema_node_of(const struct spp_schema *s,
                                                 const struct spp_json *j)
{
    const struct spp_schema_info *in = spp_map_get(&s->infos, &j, sizeof(j));
    return in && in->node && in->node->compiled ? in->node : NULL;
}

const struct spp_schema_node *spp_schema_root(const struct spp_schema *s)
{
    return s ? s->root : NULL;
}

const char *spp_schema_node_location(const struct spp_schema_node *node)
{
    return node ? node->abs : NULL;
}

void spp_schema_free(struct spp_schema *s)
{
    if (!s)
        return;
    while (s->nodes) {
        struct spp_schema_node *n = s->nodes;
        s->nodes = n->next_alloc;
        node_free(n);
    }
    for (size_t i = 0; i < s->infos.cap; i++) {
        struct spp_schema_info *in = s->infos.e[i].val;
        if (s->infos.e[i].key && in) {
            free(in->abs);
            free(in->where);
            free(in);
        }
    }
    spp_map_free(&s->infos);
    for (size_t i = 0; i < s->resources.cap; i++) {
        struct spp_schema_res *r = s->resources.e[i].val;
        if (s->resources.e[i].key && r) {
            free(r->uri);
            spp_map_free(&r->dyn);
            free(r);
        }
    }
    spp_map_free(&s->resources);
    spp_map_free(&s->anchors);
    for (size_t i = 0; i < s->n_docs; i++) {
        free(s->docs[i].uri);
        spp_json_free(s->docs[i].root);
    }
    free(s->docs);
    free(s->main_uri);
    free(s);
}
