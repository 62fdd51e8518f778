/*
 * report_diff — comparing two report.json trees (see report_diff.h).
 *
 * For every version of the new report the old version with the same label
 * is looked up, then each group is looked up by key on the other side: a
 * linear search, fine for the tens to hundreds of groups a run has (and
 * bounded by the report's own size limits).
 */
#include "report_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static const struct spp_json *find_version(const struct spp_json *report, const char *label)
{
    for (const struct spp_json *v = spp_json_first(spp_json_get(report, "versions")); v;
         v = spp_json_next(v))
        if (strcmp(spp_render_version_label(v), label) == 0)
            return v;
    return NULL;
}

static const struct spp_json *find_group(const struct spp_json *v, const char *key)
{
    for (const struct spp_json *g = spp_json_first(spp_json_get(v, "groups")); g;
         g = spp_json_next(g))
        if (strcmp(spp_render_str(g, "key"), key) == 0)
            return g;
    return NULL;
}

static bool is_failing(const struct spp_json *g)
{
    return g && !spp_json_bool(spp_json_get(g, "known"));
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static bool add(struct spp_report_diff_list *l, const char *version, const struct spp_json *g,
                const struct spp_json *old_g, const struct spp_json *new_g, bool drift)
{
    if (l->count == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct spp_report_diff_entry *n = realloc(l->items, ncap * sizeof(*n));
        if (!n)
            return false;
        l->items = n;
        l->cap = ncap;
    }
    struct spp_report_diff_entry *e = &l->items[l->count];
    memset(e, 0, sizeof(*e));
    e->version = strdup(version);
    e->location = strdup(spp_render_str(g, "instanceLocation"));
    if (drift) {
        e->key = strdup(e->location ? e->location : "");
    } else {
        e->key = strdup(spp_render_str(g, "key"));
        e->check = strdup(spp_render_str(g, "check"));
        e->message = dup_or_null(spp_json_string(spp_json_get(g, "message"), NULL));
    }
    e->old_count = old_g ? spp_render_num(old_g, "count") : 0;
    e->new_count = new_g ? spp_render_num(new_g, "count") : 0;
    e->now_known = new_g && spp_json_bool(spp_json_get(new_g, "known"));
    l->count++;
    if (!e->version || !e->location || !e->key || (!drift && !e->check))
        return false;
    return true;
}

static void free_list(struct spp_report_diff_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].version);
        free(l->items[i].key);
        free(l->items[i].check);
        free(l->items[i].location);
        free(l->items[i].message);
    }
    free(l->items);
}

void spp_report_diff_free(struct spp_report_diff *d)
{
    if (!d)
        return;
    free_list(&d->new_failures);
    free_list(&d->fixed);
    free_list(&d->unchanged);
    free_list(&d->new_drift);
    for (size_t i = 0; i < d->nmissing; i++)
        free(d->missing_versions[i]);
    free(d->missing_versions);
    free(d->new_fatal);
    free(d);
}

static bool has_drift(const struct spp_json *v, const char *loc)
{
    for (const struct spp_json *e = spp_json_first(spp_json_get(v, "drift")); e;
         e = spp_json_next(e))
        if (strcmp(spp_render_str(e, "instanceLocation"), loc) == 0)
            return true;
    return false;
}

static enum spp_code check_side(const struct spp_json *r, const char *side, struct spp_err *err)
{
    enum spp_code rc = spp_render_check_report(r, err);
    if (rc != SPP_OK && err) {
        char where[SPP_ERR_LOC_MAX + 8];
        snprintf(where, sizeof(where), "%s:%s", side, err->where);
        spp_err_where(err, where);
    }
    return rc;
}

enum spp_code spp_report_diff(const struct spp_json *old_report, const struct spp_json *new_report,
                              struct spp_report_diff **out, struct spp_err *err)
{
    enum spp_code rc = check_side(old_report, "old", err);
    if (rc == SPP_OK)
        rc = check_side(new_report, "new", err);
    if (rc != SPP_OK)
        return rc;
    struct spp_report_diff *d = calloc(1, sizeof(*d));
    if (!d)
        return spp_err_set(err, SPP_ENOMEM, "out of memory comparing reports");
    bool ok = true;
    for (const struct spp_json *nv = spp_json_first(spp_json_get(new_report, "versions")); nv;
         nv = spp_json_next(nv)) {
        const char *label = spp_render_version_label(nv);
        const struct spp_json *ov = find_version(old_report, label);
        for (const struct spp_json *g = spp_json_first(spp_json_get(nv, "groups")); g;
             g = spp_json_next(g)) {
            const struct spp_json *og = find_group(ov, spp_render_str(g, "key"));
            if (is_failing(g))
                ok = ok &&
                     add(is_failing(og) ? &d->unchanged : &d->new_failures, label, g, og, g, false);
            else if (is_failing(og))
                ok = ok && add(&d->fixed, label, og, og, g, false);
        }
        if (ov)
            for (const struct spp_json *og = spp_json_first(spp_json_get(ov, "groups")); og;
                 og = spp_json_next(og))
                if (is_failing(og) && !find_group(nv, spp_render_str(og, "key")))
                    ok = ok && add(&d->fixed, label, og, og, NULL, false);
        for (const struct spp_json *e = spp_json_first(spp_json_get(nv, "drift")); e;
             e = spp_json_next(e))
            if (!has_drift(ov, spp_render_str(e, "instanceLocation")))
                ok = ok && add(&d->new_drift, label, e, NULL, e, true);
    }
    size_t nold = spp_json_count(spp_json_get(old_report, "versions"));
    d->missing_versions = calloc(nold ? nold : 1, sizeof(char *));
    ok = ok && d->missing_versions;
    for (const struct spp_json *ov = spp_json_first(spp_json_get(old_report, "versions")); ok && ov;
         ov = spp_json_next(ov)) {
        const char *label = spp_render_version_label(ov);
        if (!find_version(new_report, label) && d->nmissing < nold)
            ok = (d->missing_versions[d->nmissing++] = strdup(label)) != NULL;
    }
    d->became_incomplete = strcmp(spp_render_str(new_report, "verdict"), "incomplete") == 0 &&
                           strcmp(spp_render_str(old_report, "verdict"), "incomplete") != 0;
    const char *fatal = spp_json_string(spp_json_get(new_report, "fatal"), NULL);
    if (ok && fatal)
        ok = (d->new_fatal = strdup(fatal)) != NULL;
    if (!ok) {
        spp_report_diff_free(d);
        return spp_err_set(err, SPP_ENOMEM, "out of memory comparing reports");
    }
    *out = d;
    return SPP_OK;
}

bool spp_report_diff_regressed(const struct spp_report_diff *d)
{
    return d->new_failures.count > 0 || d->became_incomplete;
}

static struct spp_json *list_json(const struct spp_report_diff_list *l, bool drift)
{
    struct spp_json *a = spp_json_new_array();
    for (size_t i = 0; a && i < l->count; i++) {
        const struct spp_report_diff_entry *e = &l->items[i];
        struct spp_json *o = spp_json_new_object();
        spp_json_set(o, "version", spp_json_new_string(e->version));
        spp_json_set(o, "instanceLocation", spp_json_new_string(e->location));
        if (drift) {
            spp_json_set(o, "count", spp_json_new_number((double)e->new_count));
        } else {
            spp_json_set(o, "key", spp_json_new_string(e->key));
            spp_json_set(o, "check", spp_json_new_string(e->check));
            spp_json_set(o, "message",
                         e->message ? spp_json_new_string(e->message) : spp_json_new_null());
            spp_json_set(o, "old_count", spp_json_new_number((double)e->old_count));
            spp_json_set(o, "new_count", spp_json_new_number((double)e->new_count));
            spp_json_set(o, "now_known", spp_json_new_bool(e->now_known));
        }
        if (spp_json_append(a, o) != SPP_OK) {
            spp_json_free(a);
            return NULL;
        }
    }
    return a;
}

struct spp_json *spp_report_diff_to_json(const struct spp_report_diff *d)
{
    struct spp_json *o = spp_json_new_object();
    if (!o)
        return NULL;
    struct spp_json *missing = spp_json_new_array();
    for (size_t i = 0; missing && i < d->nmissing; i++)
        spp_json_append(missing, spp_json_new_string(d->missing_versions[i]));
    if (spp_json_set(o, "regressed", spp_json_new_bool(spp_report_diff_regressed(d))) != SPP_OK ||
        spp_json_set(o, "new_failures", list_json(&d->new_failures, false)) != SPP_OK ||
        spp_json_set(o, "fixed", list_json(&d->fixed, false)) != SPP_OK ||
        spp_json_set(o, "unchanged", list_json(&d->unchanged, false)) != SPP_OK ||
        spp_json_set(o, "new_drift", list_json(&d->new_drift, true)) != SPP_OK ||
        spp_json_set(o, "missing_versions", missing) != SPP_OK ||
        spp_json_set(o, "became_incomplete", spp_json_new_bool(d->became_incomplete)) != SPP_OK ||
        spp_json_set(o, "new_fatal",
                     d->new_fatal ? spp_json_new_string(d->new_fatal) : spp_json_new_null()) !=
            SPP_OK) {
        spp_json_free(o);
        return NULL;
    }
    return o;
}
