/*
 * model — the generic, table-driven codec of the typed model (see model.h).
 *
 * One walker per direction interprets a struct spp_model_desc:
 *   decode  JSON object -> struct. Each field is looked up by name, checked
 *           against its type and stored; every mismatch is recorded with the
 *           JSON Pointer of its location and decoding carries on, so one
 *           pass reports all of them. Everything allocated is stored into the
 *           (zeroed) work copy at once, so a failed decode frees it with the
 *           same spp_model_free that frees a good one; the caller's output is
 *           written only when nothing was wrong.
 *   encode  struct -> new JSON object, fields in table order, optional fields
 *           only when their presence bit is set.
 *   free / equal walk the same way.
 * Struct pointers are stored and loaded with memcpy because a generic walker
 * only knows "a pointer to some struct" (void *), not its real type.
 *
 * Bounds: the TicketResource -> ticket chain is followed at most
 * SPP_MODEL_MAX_TICKET_DEPTH levels (the only recursion in the tables), and
 * array lengths and string sizes are checked against their caps and for
 * overflow before anything is allocated.
 */
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

/* 2^63 as a double: the first value an int64_t cannot hold. */
#define INT64_LIMIT 9223372036854775808.0

/* ---- small helpers ------------------------------------------------------ */

static uint64_t *present_bits(void *obj)
{
    return (uint64_t *)obj;
}
static uint64_t present_get(const void *obj)
{
    return *(const uint64_t *)obj;
}

static void *ptr_load(const void *slot)
{
    void *p;
    memcpy(&p, slot, sizeof(p));
    return p;
}

static void ptr_store(void *slot, void *p)
{
    memcpy(slot, &p, sizeof(p));
}

static void *slot_of(void *obj, const struct spp_model_field *f)
{
    return (char *)obj + f->offset;
}

static const void *cslot_of(const void *obj, const struct spp_model_field *f)
{
    return (const char *)obj + f->offset;
}

/* Element i of an ARRAY_STRUCT's items. */
static void *item_of(void *items, const struct spp_model_desc *nested, size_t i)
{
    return (char *)items + i * nested->size;
}

static const void *citem_of(const void *items, const struct spp_model_desc *nested, size_t i)
{
    return (const char *)items + i * nested->size;
}

/* Appends a token to a pointer buffer; returns the old length to pop back to. */
static size_t ptr_push(char *buf, size_t cap, const char *tok)
{
    size_t n = strlen(buf);
    /* Cannot fail within SPP_MODEL_POINTER_MAX (see model.h); if it did, stay at the parent. */
    if (!spp_json_pointer_push(buf, cap, tok))
        buf[n] = '\0';
    return n;
}

static size_t ptr_push_index(char *buf, size_t cap, size_t i)
{
    size_t n = strlen(buf);
    if (!spp_json_pointer_push_index(buf, cap, i))
        buf[n] = '\0';
    return n;
}

/* ---- known differences -------------------------------------------------- */

static const char *const diff_names[] = {
#define SPP_X_DIFF(e, name) name,
    SPP_MODEL_DIFF_LIST(SPP_X_DIFF)
#undef SPP_X_DIFF
};

const char *spp_model_diff_name(enum spp_model_diff d)
{
    if ((size_t)d >= sizeof(diff_names) / sizeof(diff_names[0]))
        return "unknown";
    return diff_names[d];
}

void spp_model_errors_clear(struct spp_model_errors *errs)
{
    if (!errs)
        return;
    errs->count = 0;
    errs->total = 0;
    memset(errs->by_diff, 0, sizeof(errs->by_diff));
}

bool spp_model_errors_only_known(const struct spp_model_errors *errs, unsigned diff_mask)
{
    if (!errs || errs->total == 0 || errs->by_diff[SPP_MODEL_DIFF_NONE] > 0)
        return false;
    for (size_t d = 1; d < SPP_MODEL_DIFF_COUNT; d++)
        if (errs->by_diff[d] > 0 && !(diff_mask & SPP_MODEL_DIFF_BIT(d)))
            return false;
    return true;
}

bool spp_model_doc_may_differ(const struct spp_json_doc *doc, unsigned diff_mask)
{
    if (!doc || !(diff_mask & SPP_MODEL_DIFF_BIT(SPP_MODEL_DIFF_DUPLICATE_KEY)))
        return false;
    size_t count = 0, total = 0;
    const struct spp_json_issue *is = spp_json_doc_issues(doc, &count, &total);
    if (total > count)
        return true; /* an unrecorded issue may be a duplicate key */
    for (size_t i = 0; i < count; i++)
        if (is[i].kind == SPP_JSON_ISSUE_DUPLICATE_KEY)
            return true;
    return false;
}

bool spp_model_known_difference(const struct spp_json_doc *doc,
                                const struct spp_model_errors *decoder_errs, unsigned diff_mask)
{
    return spp_model_doc_may_differ(doc, diff_mask) ||
           spp_model_errors_only_known(decoder_errs, diff_mask);
}

/* ---- decode ------------------------------------------------------------- */

struct dec {
    struct spp_model_errors *errs; /* may be NULL: then only counted */
    size_t total;
    bool oom;
    char ptr[SPP_MODEL_POINTER_MAX];
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
fail(struct dec *d, enum spp_model_diff diff, const char *fmt, ...)
{
    d->total++;
    if (!d->errs)
        return;
    d->errs->total++;
    d->errs->by_diff[diff]++;
    if (d->errs->count >= SPP_MODEL_MAX_ERRORS)
        return;
    struct spp_model_error *e = &d->errs->items[d->errs->count++];
    e->diff = diff;
    snprintf(e->pointer, sizeof(e->pointer), "%s", d->ptr);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
}

static const char *kind_of(const struct spp_json *v)
{
    return spp_json_kind_name(spp_json_kind(v));
}

static bool dec_int(struct dec *d, const struct spp_json *v, int64_t *out)
{
    if (spp_json_kind(v) != SPP_JSON_NUMBER) {
        fail(d, SPP_MODEL_DIFF_NONE, "expected integer, got %s", kind_of(v));
        return false;
    }
    double x = spp_json_number(v);
    if (!isfinite(x)) {
        fail(d, SPP_MODEL_DIFF_NON_FINITE,
             "expected integer, got a number that overflows a double");
        return false;
    }
    if (!spp_json_is_integer(v)) {
        fail(d, SPP_MODEL_DIFF_NONE, "expected integer, got a number with a fractional part");
        return false;
    }
    if (x < -INT64_LIMIT || x >= INT64_LIMIT) {
        fail(d, SPP_MODEL_DIFF_INT_RANGE, "integer %.17g is outside the int64 range", x);
        return false;
    }
    *out = (int64_t)x;
    return true;
}

static bool dec_number(struct dec *d, const struct spp_json *v, double *out)
{
    if (spp_json_kind(v) != SPP_JSON_NUMBER) {
        fail(d, SPP_MODEL_DIFF_NONE, "expected number, got %s", kind_of(v));
        return false;
    }
    double x = spp_json_number(v);
    if (!isfinite(x)) {
        fail(d, SPP_MODEL_DIFF_NON_FINITE, "number overflows a double");
        return false;
    }
    *out = x;
    return true;
}

/* STRING, NSTRING (null leaves out->ptr NULL) and DATETIME. */
static bool dec_string(struct dec *d, const struct spp_json *v, enum spp_model_type type,
                       struct spp_model_str *out)
{
    if (type == SPP_MODEL_NSTRING && spp_json_kind(v) == SPP_JSON_NULL)
        return true;
    if (spp_json_kind(v) != SPP_JSON_STRING) {
        fail(d, SPP_MODEL_DIFF_NONE, "expected %s, got %s",
             type == SPP_MODEL_NSTRING ? "string or null" : "string", kind_of(v));
        return false;
    }
    size_t len = 0;
    const char *s = spp_json_string(v, &len);
    if (len > SPP_MODEL_MAX_STRING_BYTES || len == SIZE_MAX) {
        fail(d, SPP_MODEL_DIFF_STRING_LIMIT, "string of %zu bytes is longer than the limit %zu",
             len, (size_t)SPP_MODEL_MAX_STRING_BYTES);
        return false;
    }
    if (type == SPP_MODEL_DATETIME && !spp_format_is_rfc3339_datetime(s, len)) {
        fail(d, SPP_MODEL_DIFF_FORMAT, "expected an RFC 3339 date-time string");
        return false;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        d->oom = true;
        return false;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    out->ptr = copy;
    out->len = len;
    return true;
}

/* True when a number inside v overflows a double; v is from a depth-limited parse. */
static bool has_non_finite(const struct spp_json *v)
{
    if (spp_json_kind(v) == SPP_JSON_NUMBER)
        return !isfinite(spp_json_number(v));
    for (const struct spp_json *c = spp_json_first(v); c; c = spp_json_next(c))
        if (has_non_finite(c))
            return true;
    return false;
}

static bool dec_object(struct dec *d, const struct spp_json *v, struct spp_json **out)
{
    if (spp_json_kind(v) != SPP_JSON_OBJECT) {
        fail(d, SPP_MODEL_DIFF_NONE, "expected object, got %s", kind_of(v));
        return false;
    }
    /* A free-form object is kept as JSON, so 1e999 inside it could not be encoded again
     * (it would print as null): NON_FINITE, as for typed fields (found by fuzz/fuzz_response). */
    if (has_non_finite(v)) {
        fail(d, SPP_MODEL_DIFF_NON_FINITE, "object holds a number that overflows a double");
        return false;
    }
    /* v came from a depth-limited parse, so a failed clone is memory. */
    struct spp_json *c = spp_json_clone(v);
    if (!c) {
        d->oom = true;
        return false;
    }
    *out = c;
    return true;
}

static void dec_struct_body(struct dec *d, const struct spp_model_desc *desc,
                            const struct spp_json *v, void *obj, size_t level);

/* A STRUCT or STRUCT_OR_NULL field: allocates the nested struct into slot. */
static bool dec_struct_ptr(struct dec *d, const struct spp_model_field *f, const struct spp_json *v,
                           void *slot, size_t level)
{
    bool nullable = f->type == SPP_MODEL_STRUCT_OR_NULL;
    if (nullable && spp_json_kind(v) == SPP_JSON_NULL)
        return true;
    if (spp_json_kind(v) != SPP_JSON_OBJECT) {
        fail(d, SPP_MODEL_DIFF_NONE, "expected %s, got %s", nullable ? "object or null" : "object",
             kind_of(v));
        return false;
    }
    size_t next = level + (nullable ? 1 : 0);
    if (next > SPP_MODEL_MAX_TICKET_DEPTH) {
        fail(d, SPP_MODEL_DIFF_TICKET_DEPTH, "%s nested deeper than %d levels", f->nested->name,
             SPP_MODEL_MAX_TICKET_DEPTH);
        return false;
    }
    void *child = calloc(1, f->nested->size);
    if (!child) {
        d->oom = true;
        return false;
    }
    ptr_store(slot, child);
    size_t before = d->total;
    dec_struct_body(d, f->nested, v, child, next);
    return d->total == before && !d->oom;
}

/* Size of one element of an array field. */
static size_t elem_size(const struct spp_model_field *f)
{
    switch (f->type) {
    case SPP_MODEL_ARRAY_INT:
        return sizeof(int64_t);
    case SPP_MODEL_ARRAY_STRING:
        return sizeof(struct spp_model_str);
    case SPP_MODEL_ARRAY_OBJECT:
        return sizeof(struct spp_json *);
    case SPP_MODEL_ARRAY_STRUCT:
        return f->nested->size;
    default:
        return 0;
    }
}

static bool dec_array(struct dec *d, const struct spp_model_field *f, const struct spp_json *v,
                      void *slot, size_t level)
{
    if (spp_json_kind(v) != SPP_JSON_ARRAY) {
        fail(d, SPP_MODEL_DIFF_NONE, "expected array, got %s", kind_of(v));
        return false;
    }
    size_t n = spp_json_count(v);
    size_t es = elem_size(f);
    if (n > SPP_MODEL_MAX_ITEMS || (es && n > SIZE_MAX / es)) {
        fail(d, SPP_MODEL_DIFF_ARRAY_LIMIT, "array of %zu items is longer than the limit %d", n,
             SPP_MODEL_MAX_ITEMS);
        return false;
    }
    void *items = NULL;
    if (n > 0) {
        items = calloc(n, es); /* NOLINT(clang-analyzer-optin.portability.UnixAPI): n > 0 */
        if (!items) {
            d->oom = true;
            return false;
        }
    }
    /* Every array type is { items pointer, size_t count }; store both before filling. */
    switch (f->type) {
    case SPP_MODEL_ARRAY_INT:
        ((struct spp_model_ints *)slot)->items = items;
        ((struct spp_model_ints *)slot)->count = n;
        break;
    case SPP_MODEL_ARRAY_STRING:
        ((struct spp_model_strs *)slot)->items = items;
        ((struct spp_model_strs *)slot)->count = n;
        break;
    case SPP_MODEL_ARRAY_OBJECT:
        ((struct spp_model_objs *)slot)->items = items;
        ((struct spp_model_objs *)slot)->count = n;
        break;
    default:
        ((struct spp_model_array *)slot)->items = items;
        ((struct spp_model_array *)slot)->count = n;
        break;
    }
    size_t before = d->total;
    size_t i = 0;
    for (const struct spp_json *it = spp_json_first(v); it && i < n && !d->oom;
         it = spp_json_next(it), i++) {
        size_t mark = ptr_push_index(d->ptr, sizeof(d->ptr), i);
        switch (f->type) {
        case SPP_MODEL_ARRAY_INT:
            dec_int(d, it, &((int64_t *)items)[i]);
            break;
        case SPP_MODEL_ARRAY_STRING:
            dec_string(d, it, SPP_MODEL_STRING, &((struct spp_model_str *)items)[i]);
            break;
        case SPP_MODEL_ARRAY_OBJECT:
            dec_object(d, it, &((struct spp_json **)items)[i]);
            break;
        default:
            if (spp_json_kind(it) != SPP_JSON_OBJECT)
                fail(d, SPP_MODEL_DIFF_NONE, "expected object, got %s", kind_of(it));
            else
                dec_struct_body(d, f->nested, it, item_of(items, f->nested, i), level);
            break;
        }
        d->ptr[mark] = '\0';
    }
    return d->total == before && !d->oom;
}

static bool dec_field(struct dec *d, const struct spp_model_field *f, const struct spp_json *v,
                      void *slot, size_t level)
{
    switch (f->type) {
    case SPP_MODEL_INT:
        return dec_int(d, v, slot);
    case SPP_MODEL_NUMBER:
        return dec_number(d, v, slot);
    case SPP_MODEL_STRING:
    case SPP_MODEL_NSTRING:
    case SPP_MODEL_DATETIME:
        return dec_string(d, v, f->type, slot);
    case SPP_MODEL_BOOL:
        if (spp_json_kind(v) != SPP_JSON_BOOL) {
            fail(d, SPP_MODEL_DIFF_NONE, "expected boolean, got %s", kind_of(v));
            return false;
        }
        *(bool *)slot = spp_json_bool(v);
        return true;
    case SPP_MODEL_OBJECT:
        return dec_object(d, v, slot);
    case SPP_MODEL_STRUCT:
    case SPP_MODEL_STRUCT_OR_NULL:
        return dec_struct_ptr(d, f, v, slot, level);
    case SPP_MODEL_ARRAY_INT:
    case SPP_MODEL_ARRAY_STRING:
    case SPP_MODEL_ARRAY_STRUCT:
    case SPP_MODEL_ARRAY_OBJECT:
        return dec_array(d, f, v, slot, level);
    }
    return false;
}

/* v is an object; obj is zeroed storage of desc->size bytes at ticket level `level`. */
static void dec_struct_body(struct dec *d, const struct spp_model_desc *desc,
                            const struct spp_json *v, void *obj, size_t level)
{
    for (size_t i = 0; i < desc->nfields && !d->oom; i++) {
        const struct spp_model_field *f = &desc->fields[i];
        size_t mark = ptr_push(d->ptr, sizeof(d->ptr), f->name);
        const struct spp_json *m = spp_json_get(v, f->name);
        if (!m) {
            if (f->required)
                fail(d, SPP_MODEL_DIFF_NONE, "missing required property");
        } else if (dec_field(d, f, m, slot_of(obj, f), level)) {
            *present_bits(obj) |= UINT64_C(1) << i;
        }
        d->ptr[mark] = '\0';
    }
}

enum spp_code spp_model_decode(const struct spp_model_desc *desc, const struct spp_json *json,
                               void *out, struct spp_model_errors *errs)
{
    spp_model_errors_clear(errs);
    if (!desc || !out)
        return SPP_EINVAL;
    enum spp_code rc = SPP_OK;
    struct dec d = {.errs = errs};
    void *work = calloc(1, desc->size);
    if (!work)
        return SPP_ENOMEM;
    if (spp_json_kind(json) != SPP_JSON_OBJECT)
        fail(&d, SPP_MODEL_DIFF_NONE, "expected object, got %s", kind_of(json));
    else
        dec_struct_body(&d, desc, json, work, 1);
    if (d.oom) {
        rc = SPP_ENOMEM;
        goto out;
    }
    if (d.total > 0) {
        rc = SPP_EINVALID;
        goto out;
    }
    memcpy(out, work, desc->size);
    free(work);
    work = NULL;
out:
    if (work) {
        spp_model_free(desc, work);
        free(work);
    }
    return rc;
}

/* ---- free --------------------------------------------------------------- */

static void free_strs(struct spp_model_str *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        free(items[i].ptr);
    free(items);
}

void spp_model_free(const struct spp_model_desc *desc, void *obj)
{
    if (!desc || !obj)
        return;
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct spp_model_field *f = &desc->fields[i];
        void *slot = slot_of(obj, f);
        switch (f->type) {
        case SPP_MODEL_STRING:
        case SPP_MODEL_NSTRING:
        case SPP_MODEL_DATETIME:
            free(((struct spp_model_str *)slot)->ptr);
            break;
        case SPP_MODEL_OBJECT:
            spp_json_free(*(struct spp_json **)slot);
            break;
        case SPP_MODEL_STRUCT:
        case SPP_MODEL_STRUCT_OR_NULL: {
            void *child = ptr_load(slot);
            spp_model_free(f->nested, child);
            free(child);
            break;
        }
        case SPP_MODEL_ARRAY_INT:
            free(((struct spp_model_ints *)slot)->items);
            break;
        case SPP_MODEL_ARRAY_STRING: {
            struct spp_model_strs *a = slot;
            free_strs(a->items, a->count);
            break;
        }
        case SPP_MODEL_ARRAY_OBJECT: {
            struct spp_model_objs *a = slot;
            for (size_t k = 0; a->items && k < a->count; k++)
                spp_json_free(a->items[k]);
            free(a->items);
            break;
        }
        case SPP_MODEL_ARRAY_STRUCT: {
            struct spp_model_array *a = slot;
            for (size_t k = 0; a->items && k < a->count; k++)
                spp_model_free(f->nested, item_of(a->items, f->nested, k));
            free(a->items);
            break;
        }
        case SPP_MODEL_INT:
        case SPP_MODEL_NUMBER:
        case SPP_MODEL_BOOL:
            break;
        }
    }
    memset(obj, 0, desc->size);
}

/* ---- encode ------------------------------------------------------------- */

struct enc {
    struct spp_err *err;
    enum spp_code rc;
    char ptr[SPP_MODEL_POINTER_MAX];
};

/* Records the first failure; returns NULL so callers can `return enc_fail(...)`. */
static struct spp_json *enc_fail(struct enc *e, enum spp_code code, const char *msg)
{
    if (e->rc == SPP_OK) {
        e->rc = code;
        spp_err_set(e->err, code, "%s", msg);
        spp_err_where(e->err, e->ptr);
    }
    return NULL;
}

static struct spp_json *enc_struct(struct enc *e, const struct spp_model_desc *desc,
                                   const void *obj, size_t level);

static struct spp_json *enc_str(struct enc *e, const struct spp_model_str *s, bool nullable)
{
    if (!s->ptr) {
        if (nullable)
            return spp_json_new_null();
        return enc_fail(e, SPP_EINVAL, "a non-nullable string is NULL");
    }
    return spp_json_new_string_len(s->ptr, s->len);
}

static struct spp_json *enc_int(int64_t v)
{
    return spp_json_new_number((double)v);
}

static struct spp_json *enc_array(struct enc *e, const struct spp_model_field *f, const void *slot,
                                  size_t level)
{
    struct spp_json *arr = spp_json_new_array();
    if (!arr)
        return NULL;
    size_t n;
    switch (f->type) {
    case SPP_MODEL_ARRAY_INT:
        n = ((const struct spp_model_ints *)slot)->count;
        break;
    case SPP_MODEL_ARRAY_STRING:
        n = ((const struct spp_model_strs *)slot)->count;
        break;
    case SPP_MODEL_ARRAY_OBJECT:
        n = ((const struct spp_model_objs *)slot)->count;
        break;
    default:
        n = ((const struct spp_model_array *)slot)->count;
        break;
    }
    for (size_t i = 0; i < n; i++) {
        size_t mark = ptr_push_index(e->ptr, sizeof(e->ptr), i);
        struct spp_json *v = NULL;
        switch (f->type) {
        case SPP_MODEL_ARRAY_INT:
            v = enc_int(((const struct spp_model_ints *)slot)->items[i]);
            break;
        case SPP_MODEL_ARRAY_STRING:
            v = enc_str(e, &((const struct spp_model_strs *)slot)->items[i], false);
            break;
        case SPP_MODEL_ARRAY_OBJECT: {
            const struct spp_json *o = ((const struct spp_model_objs *)slot)->items[i];
            if (spp_json_kind(o) != SPP_JSON_OBJECT)
                enc_fail(e, SPP_EINVAL, "an array item is not a JSON object");
            else
                v = spp_json_clone(o);
            break;
        }
        default:
            v = enc_struct(e, f->nested,
                           citem_of(((const struct spp_model_array *)slot)->items, f->nested, i),
                           level);
            break;
        }
        if (!v || spp_json_append(arr, v) != SPP_OK) {
            spp_json_free(arr);
            enc_fail(e, SPP_ENOMEM, "out of memory");
            return NULL;
        }
        e->ptr[mark] = '\0';
    }
    return arr;
}

static struct spp_json *enc_field(struct enc *e, const struct spp_model_field *f, const void *slot,
                                  size_t level)
{
    switch (f->type) {
    case SPP_MODEL_INT:
        return enc_int(*(const int64_t *)slot);
    case SPP_MODEL_NUMBER: {
        double x = *(const double *)slot;
        if (!isfinite(x))
            return enc_fail(e, SPP_EINVAL, "a number is not finite");
        return spp_json_new_number(x);
    }
    case SPP_MODEL_STRING:
    case SPP_MODEL_DATETIME:
        return enc_str(e, slot, false);
    case SPP_MODEL_NSTRING:
        return enc_str(e, slot, true);
    case SPP_MODEL_BOOL:
        return spp_json_new_bool(*(const bool *)slot);
    case SPP_MODEL_OBJECT: {
        const struct spp_json *o = *(struct spp_json *const *)slot;
        if (spp_json_kind(o) != SPP_JSON_OBJECT)
            return enc_fail(e, SPP_EINVAL, "an object field is not a JSON object");
        return spp_json_clone(o);
    }
    case SPP_MODEL_STRUCT:
    case SPP_MODEL_STRUCT_OR_NULL: {
        const void *child = ptr_load(slot);
        bool nullable = f->type == SPP_MODEL_STRUCT_OR_NULL;
        if (!child) {
            if (nullable)
                return spp_json_new_null();
            return enc_fail(e, SPP_EINVAL, "a non-nullable struct pointer is NULL");
        }
        size_t next = level + (nullable ? 1 : 0);
        if (next > SPP_MODEL_MAX_TICKET_DEPTH)
            return enc_fail(e, SPP_ELIMIT, "ticket chain deeper than SPP_MODEL_MAX_TICKET_DEPTH");
        return enc_struct(e, f->nested, child, next);
    }
    case SPP_MODEL_ARRAY_INT:
    case SPP_MODEL_ARRAY_STRING:
    case SPP_MODEL_ARRAY_STRUCT:
    case SPP_MODEL_ARRAY_OBJECT:
        return enc_array(e, f, slot, level);
    }
    return NULL;
}

static struct spp_json *enc_struct(struct enc *e, const struct spp_model_desc *desc,
                                   const void *obj, size_t level)
{
    struct spp_json *out = spp_json_new_object();
    if (!out)
        return enc_fail(e, SPP_ENOMEM, "out of memory");
    uint64_t present = present_get(obj);
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct spp_model_field *f = &desc->fields[i];
        if (!f->required && !(present & (UINT64_C(1) << i)))
            continue;
        size_t mark = ptr_push(e->ptr, sizeof(e->ptr), f->name);
        struct spp_json *v = enc_field(e, f, cslot_of(obj, f), level);
        if (!v || spp_json_set(out, f->name, v) != SPP_OK) {
            enc_fail(e, SPP_ENOMEM, "out of memory"); /* keeps an earlier, better reason */
            spp_json_free(out);
            return NULL;
        }
        e->ptr[mark] = '\0';
    }
    return out;
}

struct spp_json *spp_model_encode(const struct spp_model_desc *desc, const void *obj,
                                  struct spp_err *err)
{
    if (!desc || !obj) {
        spp_err_set(err, SPP_EINVAL, "no descriptor or no object to encode");
        return NULL;
    }
    struct enc e = {.err = err, .rc = SPP_OK};
    return enc_struct(&e, desc, obj, 1);
}

/* ---- equal -------------------------------------------------------------- */

static bool str_equal(const struct spp_model_str *a, const struct spp_model_str *b)
{
    if (!a->ptr || !b->ptr)
        return a->ptr == b->ptr;
    return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

static bool eq_struct(const struct spp_model_desc *desc, const void *a, const void *b,
                      size_t level);

static bool eq_field(const struct spp_model_field *f, const void *sa, const void *sb, size_t level)
{
    switch (f->type) {
    case SPP_MODEL_INT:
        return *(const int64_t *)sa == *(const int64_t *)sb;
    case SPP_MODEL_NUMBER:
        return *(const double *)sa == *(const double *)sb;
    case SPP_MODEL_STRING:
    case SPP_MODEL_NSTRING:
    case SPP_MODEL_DATETIME:
        return str_equal(sa, sb);
    case SPP_MODEL_BOOL:
        return *(const bool *)sa == *(const bool *)sb;
    case SPP_MODEL_OBJECT:
        return spp_json_equal(*(struct spp_json *const *)sa, *(struct spp_json *const *)sb);
    case SPP_MODEL_STRUCT:
    case SPP_MODEL_STRUCT_OR_NULL: {
        const void *ca = ptr_load(sa), *cb = ptr_load(sb);
        if (!ca || !cb)
            return ca == cb;
        size_t next = level + (f->type == SPP_MODEL_STRUCT_OR_NULL ? 1 : 0);
        return next <= SPP_MODEL_MAX_TICKET_DEPTH && eq_struct(f->nested, ca, cb, next);
    }
    case SPP_MODEL_ARRAY_INT: {
        const struct spp_model_ints *a = sa, *b = sb;
        if (a->count != b->count)
            return false;
        return a->count == 0 || memcmp(a->items, b->items, a->count * sizeof(int64_t)) == 0;
    }
    case SPP_MODEL_ARRAY_STRING: {
        const struct spp_model_strs *a = sa, *b = sb;
        if (a->count != b->count)
            return false;
        for (size_t i = 0; i < a->count; i++)
            if (!str_equal(&a->items[i], &b->items[i]))
                return false;
        return true;
    }
    case SPP_MODEL_ARRAY_OBJECT: {
        const struct spp_model_objs *a = sa, *b = sb;
        if (a->count != b->count)
            return false;
        for (size_t i = 0; i < a->count; i++)
            if (!spp_json_equal(a->items[i], b->items[i]))
                return false;
        return true;
    }
    case SPP_MODEL_ARRAY_STRUCT: {
        const struct spp_model_array *a = sa, *b = sb;
        if (a->count != b->count)
            return false;
        for (size_t i = 0; i < a->count; i++)
            if (!eq_struct(f->nested, citem_of(a->items, f->nested, i),
                           citem_of(b->items, f->nested, i), level))
                return false;
        return true;
    }
    }
    return false;
}

static bool eq_struct(const struct spp_model_desc *desc, const void *a, const void *b, size_t level)
{
    uint64_t present = present_get(a);
    if (present != present_get(b))
        return false;
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct spp_model_field *f = &desc->fields[i];
        if (!f->required && !(present & (UINT64_C(1) << i)))
            continue;
        if (!eq_field(f, cslot_of(a, f), cslot_of(b, f), level))
            return false;
    }
    return true;
}

bool spp_model_equal(const struct spp_model_desc *desc, const void *a, const void *b)
{
    if (!desc || !a || !b)
        return false;
    return eq_struct(desc, a, b, 1);
}

/* ---- typed wrappers ----------------------------------------------------- */

static enum spp_code decode_new(const struct spp_model_desc *desc, const struct spp_json *json,
                                void **out, struct spp_model_errors *errs)
{
    if (!out) {
        spp_model_errors_clear(errs);
        return SPP_EINVAL;
    }
    void *obj = malloc(desc->size);
    if (!obj) {
        spp_model_errors_clear(errs);
        return SPP_ENOMEM;
    }
    enum spp_code rc = spp_model_decode(desc, json, obj, errs);
    if (rc != SPP_OK) {
        free(obj);
        return rc;
    }
    *out = obj;
    return SPP_OK;
}

enum spp_code spp_ticket_decode(const struct spp_json *json, struct spp_ticket **out,
                                struct spp_model_errors *errs)
{
    void *obj = NULL;
    enum spp_code rc = decode_new(&spp_model_ticket, json, out ? &obj : NULL, errs);
    if (rc == SPP_OK)
        *out = obj;
    return rc;
}

struct spp_json *spp_ticket_encode(const struct spp_ticket *t, struct spp_err *err)
{
    return spp_model_encode(&spp_model_ticket, t, err);
}

void spp_ticket_free(struct spp_ticket *t)
{
    spp_model_free(&spp_model_ticket, t);
    free(t);
}

enum spp_code spp_save_ticket_request_decode(const struct spp_json *json,
                                             struct spp_save_ticket_request **out,
                                             struct spp_model_errors *errs)
{
    void *obj = NULL;
    enum spp_code rc = decode_new(&spp_model_save_ticket_request, json, out ? &obj : NULL, errs);
    if (rc == SPP_OK)
        *out = obj;
    return rc;
}

struct spp_json *spp_save_ticket_request_encode(const struct spp_save_ticket_request *r,
                                                struct spp_err *err)
{
    return spp_model_encode(&spp_model_save_ticket_request, r, err);
}

void spp_save_ticket_request_free(struct spp_save_ticket_request *r)
{
    spp_model_free(&spp_model_save_ticket_request, r);
    free(r);
}
