/*
 * render_md — report.json as a short Markdown summary (a CI job summary).
 *
 * A verdict line, the run in one sentence, a checks × versions table
 * (passed / failed / known / disabled), the SPP_RENDER_MD_TOP_GROUPS largest
 * unknown failure groups with their locations and counts, drift, the
 * compliance tally per version and whether the ticket was restored. Details
 * live in report.html. Every string from the report goes through
 * spp_render_put_md (table cells cannot be split by a '|', HTML cannot be
 * injected) and is cut at SPP_RENDER_MD_TEXT_MAX bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "render.h"

static void md(struct spp_render_buf *b, const char *s)
{
    spp_render_put_md(b, s, strlen(s), SPP_RENDER_MD_TEXT_MAX);
}

static void check_cell(struct spp_render_buf *b, const struct spp_json *c)
{
    size_t passed = spp_render_num(c, "passed"), failed = spp_render_num(c, "failed"),
           known = spp_render_num(c, "known");
    if (!c)
        spp_render_buf_puts(b, " \xE2\x80\x94 |"); /* em dash: not run for this version */
    else if (!spp_json_bool(spp_json_get(c, "enabled")))
        spp_render_buf_puts(b, " disabled |");
    else if (failed)
        spp_render_buf_printf(b, " \xE2\x9D\x8C %zu failed, %zu passed%s |", failed, passed,
                              known ? ", some known" : "");
    else if (known)
        spp_render_buf_printf(b, " \xE2\x9A\xA0\xEF\xB8\x8F %zu known, %zu passed |", known,
                              passed);
    else if (passed)
        spp_render_buf_printf(b, " \xE2\x9C\x85 %zu passed |", passed);
    else
        spp_render_buf_puts(b, " not exercised |");
}

struct ref {
    const struct spp_json *version, *group;
    size_t order;
};

static int by_count(const void *pa, const void *pb)
{
    const struct ref *a = pa, *b = pb;
    size_t ca = spp_render_num(a->group, "count"), cb = spp_render_num(b->group, "count");
    if (ca != cb)
        return ca > cb ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void groups_section(struct spp_render_buf *b, const struct spp_json *versions)
{
    size_t n = 0, known = 0;
    for (const struct spp_json *v = spp_json_first(versions); v; v = spp_json_next(v))
        n += spp_json_count(spp_json_get(v, "groups"));
    if (n == 0)
        return;
    struct ref *refs = calloc(n, sizeof(*refs));
    if (!refs) {
        b->failed = b->failed ? b->failed : SPP_ENOMEM;
        return;
    }
    size_t k = 0;
    for (const struct spp_json *v = spp_json_first(versions); v; v = spp_json_next(v))
        for (const struct spp_json *g = spp_json_first(spp_json_get(v, "groups")); g && k < n;
             g = spp_json_next(g)) {
            if (spp_json_bool(spp_json_get(g, "known"))) {
                known++;
                continue;
            }
            refs[k] = (struct ref){v, g, k};
            k++;
        }
    qsort(refs, k, sizeof(*refs), by_count);
    if (k) {
        spp_render_buf_printf(b, "\n### Failure groups (%zu", k);
        if (k > SPP_RENDER_MD_TOP_GROUPS)
            spp_render_buf_printf(b, ", the %d largest", SPP_RENDER_MD_TOP_GROUPS);
        spp_render_buf_puts(b, ")\n\n| version | check | location | count | message |\n"
                               "|---|---|---|---:|---|\n");
        for (size_t i = 0; i < k && i < SPP_RENDER_MD_TOP_GROUPS; i++) {
            const struct spp_json *g = refs[i].group;
            const char *loc = spp_render_str(g, "instanceLocation");
            spp_render_buf_puts(b, "| ");
            md(b, spp_render_version_label(refs[i].version));
            spp_render_buf_puts(b, " | ");
            md(b, spp_render_str(g, "check"));
            spp_render_buf_puts(b, " | ");
            md(b, *loc ? loc : "(whole answer)");
            spp_render_buf_printf(b, " | %zu | ", spp_render_num(g, "count"));
            md(b, spp_render_str(g, "message"));
            spp_render_buf_puts(b, " |\n");
        }
    }
    if (known)
        spp_render_buf_printf(b, "\n%zu known failure group(s) (listed in report.html).\n", known);
    free(refs);
}

static void drift_section(struct spp_render_buf *b, const struct spp_json *versions)
{
    bool any = false;
    for (const struct spp_json *v = spp_json_first(versions); v; v = spp_json_next(v)) {
        const struct spp_json *d = spp_json_get(v, "drift");
        size_t n = spp_json_count(d), shown = 0;
        if (!n)
            continue;
        if (!any)
            spp_render_buf_puts(b, "\n### Drift (undocumented properties)\n\n");
        any = true;
        spp_render_buf_puts(b, "- ");
        md(b, spp_render_version_label(v));
        spp_render_buf_printf(b, ": %zu location(s):", n);
        for (const struct spp_json *e = spp_json_first(d); e && shown < 10;
             e = spp_json_next(e), shown++) {
            spp_render_buf_puts(b, shown ? ", " : " ");
            md(b, spp_render_str(e, "instanceLocation"));
            spp_render_buf_printf(b, " (%zu)", spp_render_num(e, "count"));
        }
        if (n > shown)
            spp_render_buf_printf(b, ", and %zu more", n - shown);
        spp_render_buf_puts(b, "\n");
    }
    if (!any)
        spp_render_buf_puts(b, "\nDrift: none (every property the answers carry is documented).\n");
}

static void compliance_section(struct spp_render_buf *b, const struct spp_json *versions)
{
    spp_render_buf_puts(b, "\n### Compliance\n\n");
    for (const struct spp_json *v = spp_json_first(versions); v; v = spp_json_next(v)) {
        const struct spp_json *c = spp_json_get(v, "compliance");
        spp_render_buf_puts(b, "- ");
        md(b, spp_render_version_label(v));
        if (spp_json_kind(c) != SPP_JSON_ARRAY) {
            spp_render_buf_puts(b, ": not recorded\n");
            continue;
        }
        size_t violated = 0, unseen = 0, valid = 0;
        for (const struct spp_json *e = spp_json_first(c); e; e = spp_json_next(e)) {
            const char *st = spp_render_str(e, "status");
            violated += strcmp(st, "violated") == 0;
            unseen += strcmp(st, "unseen") == 0;
            valid += strcmp(st, "valid") == 0;
        }
        spp_render_buf_printf(b, ": %zu violated, %zu never seen, %zu valid properties\n", violated,
                              unseen, valid);
    }
}

enum spp_code spp_render_md(const struct spp_json *report, struct spp_render_buf *b)
{
    const struct spp_json *versions = spp_json_get(report, "versions");
    const char *verdict = spp_render_str(report, "verdict");
    const char *icon = strcmp(verdict, "pass") == 0   ? "\xE2\x9C\x85 PASS"
                       : strcmp(verdict, "fail") == 0 ? "\xE2\x9D\x8C FAIL"
                                                      : "\xE2\x9A\xA0\xEF\xB8\x8F INCOMPLETE";
    spp_render_buf_printf(b, "## spp-harness check: %s\n\n", icon);
    spp_render_buf_printf(b, "**%zu failure(s)** (%zu known) in %zu requests against ",
                          spp_render_num(report, "failed"), spp_render_num(report, "known_failed"),
                          spp_render_num(report, "requests"));
    const struct spp_json *t = spp_json_get(report, "target");
    md(b, spp_render_str(t, "base_url"));
    if (spp_json_bool(spp_json_get(t, "embedded_mock")))
        spp_render_buf_puts(b, " (embedded mock)");
    spp_render_buf_puts(b, "; contract ");
    md(b, spp_render_str(spp_json_get(report, "contract"), "version"));
    spp_render_buf_puts(b, ", seed ");
    md(b, spp_render_str(report, "seed"));
    spp_render_buf_puts(b, ", started ");
    md(b, spp_render_str(report, "started_at"));
    spp_render_buf_puts(b, ".\n\n");
    const char *restored = spp_render_str(report, "restored");
    spp_render_buf_printf(b, "Ticket restored: **%s**",
                          strcmp(restored, "yes") == 0  ? "yes"
                          : strcmp(restored, "no") == 0 ? "NO"
                                                        : "not attempted");
    const char *rm = spp_json_string(spp_json_get(report, "restore_message"), NULL);
    if (rm) {
        spp_render_buf_puts(b, " (");
        md(b, rm);
        spp_render_buf_puts(b, ")");
    }
    spp_render_buf_puts(b, "\n");
    const char *fatal = spp_json_string(spp_json_get(report, "fatal"), NULL);
    if (fatal) {
        spp_render_buf_puts(b, "\n**The run did not complete:** ");
        md(b, fatal);
        spp_render_buf_puts(b, "\n");
    }
    if (spp_json_bool(spp_json_get(report, "interrupted")))
        spp_render_buf_puts(b, "\n**The run was interrupted**; the report is partial.\n");

    const struct spp_json *first = spp_json_first(versions);
    if (first) {
        spp_render_buf_puts(b, "\n### Checks\n\n| check |");
        for (const struct spp_json *v = first; v; v = spp_json_next(v)) {
            spp_render_buf_puts(b, " ");
            md(b, spp_render_version_label(v));
            spp_render_buf_puts(b, " |");
        }
        spp_render_buf_puts(b, "\n|---|");
        for (const struct spp_json *v = first; v; v = spp_json_next(v))
            spp_render_buf_puts(b, "---|");
        spp_render_buf_puts(b, "\n");
        for (const struct spp_json *c = spp_json_first(spp_json_get(first, "checks")); c;
             c = spp_json_next(c)) {
            const char *name = spp_render_str(c, "name");
            spp_render_buf_puts(b, "| ");
            md(b, name);
            spp_render_buf_puts(b, " |");
            for (const struct spp_json *v = first; v; v = spp_json_next(v))
                check_cell(b, v == first ? c : spp_render_find_check(v, name));
            spp_render_buf_puts(b, "\n");
        }
    } else {
        spp_render_buf_puts(b, "\nNo API version was tested.\n");
    }
    groups_section(b, versions);
    drift_section(b, versions);
    compliance_section(b, versions);
    return SPP_OK;
}
