/*
 * render_junit — report.json as JUnit XML, for CI test tabs.
 *
 * One <testsuite> per API version (name and classname = the requested version
 * or "default"); in it one <testcase> per check (name = the check) and one per
 * failure group (name = "check: instanceLocation"). A failing check or an
 * unknown group carries <failure>; a known group, a check whose failures are
 * all known, and a disabled check carry <skipped>. So for each version:
 *   tests    = checks + groups
 *   failures = checks with failed > 0 + groups that are not known
 *   skipped  = disabled checks + checks with only known failures + known groups
 * and <testsuites> carries the sums. A run that did not complete (fatal error,
 * interrupted) or could not restore the ticket gets one more suite, "run",
 * with an <error> testcase, so CI shows it too. Every string is escaped.
 */
#include <stdio.h>
#include <string.h>

#include "render.h"

struct counts {
    size_t tests, failures, skipped, errors;
};

static bool check_failed(const struct spp_json *c)
{
    return spp_render_num(c, "failed") > 0;
}

static bool check_skipped(const struct spp_json *c)
{
    return !spp_json_bool(spp_json_get(c, "enabled")) ||
           (!check_failed(c) && spp_render_num(c, "known") > 0);
}

static struct counts version_counts(const struct spp_json *v)
{
    struct counts n = {0};
    for (const struct spp_json *c = spp_json_first(spp_json_get(v, "checks")); c;
         c = spp_json_next(c)) {
        n.tests++;
        n.failures += check_failed(c);
        n.skipped += !check_failed(c) && check_skipped(c);
    }
    for (const struct spp_json *g = spp_json_first(spp_json_get(v, "groups")); g;
         g = spp_json_next(g)) {
        n.tests++;
        if (spp_json_bool(spp_json_get(g, "known")))
            n.skipped++;
        else
            n.failures++;
    }
    return n;
}

static bool run_suite_needed(const struct spp_json *report)
{
    return spp_json_string(spp_json_get(report, "fatal"), NULL) ||
           spp_json_bool(spp_json_get(report, "interrupted")) ||
           strcmp(spp_render_str(report, "restored"), "no") == 0;
}

static void attr(struct spp_render_buf *b, const char *name, const char *value)
{
    spp_render_buf_printf(b, " %s=\"", name);
    spp_render_put_xml(b, value, strlen(value), SPP_RENDER_TEXT_MAX);
    spp_render_buf_puts(b, "\"");
}

static void text(struct spp_render_buf *b, const char *s)
{
    spp_render_put_xml(b, s, strlen(s), SPP_RENDER_TEXT_MAX);
}

static void check_case(struct spp_render_buf *b, const char *label, const struct spp_json *v,
                       const struct spp_json *c)
{
    const char *name = spp_render_str(c, "name");
    size_t passed = spp_render_num(c, "passed"), failed = spp_render_num(c, "failed"),
           known = spp_render_num(c, "known");
    spp_render_buf_puts(b, "    <testcase");
    attr(b, "classname", label);
    attr(b, "name", name);
    spp_render_buf_puts(b, " time=\"0\">\n");
    if (failed) {
        spp_render_buf_printf(b,
                              "      <failure message=\"%zu of %zu outcomes failed\" "
                              "type=\"",
                              failed, passed + failed + known);
        text(b, name);
        spp_render_buf_puts(b, "\">");
        for (const struct spp_json *g = spp_json_first(spp_json_get(v, "groups")); g;
             g = spp_json_next(g)) {
            if (strcmp(spp_render_str(g, "check"), name) != 0 ||
                spp_json_bool(spp_json_get(g, "known")))
                continue;
            spp_render_buf_printf(b, "%zu x ", spp_render_num(g, "count"));
            text(b, spp_render_str(g, "key"));
            spp_render_buf_puts(b, "\n");
        }
        spp_render_buf_puts(b, "</failure>\n");
    } else if (!spp_json_bool(spp_json_get(c, "enabled"))) {
        spp_render_buf_puts(b, "      <skipped message=\"check disabled\"/>\n");
    } else if (known) {
        spp_render_buf_printf(b, "      <skipped message=\"%zu known failures\"/>\n", known);
    }
    const char *note = spp_json_string(spp_json_get(c, "note"), NULL);
    if (note) {
        spp_render_buf_puts(b, "      <system-out>");
        text(b, note);
        spp_render_buf_puts(b, "</system-out>\n");
    }
    spp_render_buf_puts(b, "    </testcase>\n");
}

static void group_case(struct spp_render_buf *b, const char *label, const struct spp_json *g)
{
    const char *check = spp_render_str(g, "check"), *loc = spp_render_str(g, "instanceLocation");
    const char *msg = spp_render_str(g, "message");
    spp_render_buf_puts(b, "    <testcase");
    attr(b, "classname", label);
    spp_render_buf_puts(b, " name=\"");
    text(b, check);
    spp_render_buf_puts(b, ": ");
    text(b, *loc ? loc : "(whole answer)");
    spp_render_buf_puts(b, "\" time=\"0\">\n");
    bool known = spp_json_bool(spp_json_get(g, "known"));
    spp_render_buf_puts(b, known ? "      <skipped" : "      <failure");
    spp_render_buf_puts(b, " message=\"");
    if (known)
        spp_render_buf_puts(b, "known failure: ");
    text(b, msg);
    spp_render_buf_puts(b, "\"");
    if (known) {
        spp_render_buf_puts(b, "/>\n");
    } else {
        spp_render_buf_puts(b, " type=\"");
        text(b, check);
        spp_render_buf_printf(b, "\">%zu failures\nmessage: ", spp_render_num(g, "count"));
        text(b, msg);
        spp_render_buf_puts(b, "\nlocation: ");
        text(b, loc);
        spp_render_buf_puts(b, "\nschema: ");
        text(b, spp_render_str(g, "absoluteKeywordLocation"));
        spp_render_buf_puts(b, "\ngroup key: ");
        text(b, spp_render_str(g, "key"));
        spp_render_buf_puts(b, "\nexamples:");
        for (const struct spp_json *e = spp_json_first(spp_json_get(g, "examples")); e;
             e = spp_json_next(e)) {
            const char *p = spp_json_string(e, NULL);
            spp_render_buf_puts(b, "\n  ");
            text(b, p ? p : "?");
        }
        spp_render_buf_puts(b, "\n</failure>\n");
    }
    spp_render_buf_puts(b, "    </testcase>\n");
}

static void property(struct spp_render_buf *b, const char *name, const char *value)
{
    spp_render_buf_puts(b, "      <property");
    attr(b, "name", name);
    attr(b, "value", value);
    spp_render_buf_puts(b, "/>\n");
}

enum spp_code spp_render_junit(const struct spp_json *report, struct spp_render_buf *b)
{
    const struct spp_json *versions = spp_json_get(report, "versions");
    struct counts total = {0};
    for (const struct spp_json *v = spp_json_first(versions); v; v = spp_json_next(v)) {
        struct counts n = version_counts(v);
        total.tests += n.tests;
        total.failures += n.failures;
        total.skipped += n.skipped;
    }
    bool run_suite = run_suite_needed(report);
    if (run_suite) {
        total.tests++;
        total.errors++;
    }
    spp_render_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    spp_render_buf_printf(b,
                          "<testsuites name=\"spp-harness check\" tests=\"%zu\" failures=\"%zu\" "
                          "errors=\"%zu\" skipped=\"%zu\">\n",
                          total.tests, total.failures, total.errors, total.skipped);
    for (const struct spp_json *v = spp_json_first(versions); v; v = spp_json_next(v)) {
        const char *label = spp_render_version_label(v);
        struct counts n = version_counts(v);
        spp_render_buf_puts(b, "  <testsuite");
        attr(b, "name", label);
        spp_render_buf_printf(b,
                              " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                              "time=\"0\">\n",
                              n.tests, n.failures, n.skipped);
        spp_render_buf_puts(b, "    <properties>\n");
        const struct spp_json *c = spp_json_get(v, "contract");
        property(b, "reported_version", spp_render_str(v, "reported"));
        property(b, "contract_file", spp_render_str(c, "file"));
        property(b, "contract_version", spp_render_str(c, "version"));
        size_t failed = 0;
        for (const struct spp_json *ck = spp_json_first(spp_json_get(v, "checks")); ck;
             ck = spp_json_next(ck))
            failed += spp_render_num(ck, "failed");
        char num[32];
        snprintf(num, sizeof(num), "%zu", failed);
        property(b, "failed_outcomes", num);
        spp_render_buf_puts(b, "    </properties>\n");
        for (const struct spp_json *ck = spp_json_first(spp_json_get(v, "checks")); ck;
             ck = spp_json_next(ck))
            check_case(b, label, v, ck);
        for (const struct spp_json *g = spp_json_first(spp_json_get(v, "groups")); g;
             g = spp_json_next(g))
            group_case(b, label, g);
        if (spp_json_count(spp_json_get(v, "drift"))) {
            spp_render_buf_puts(b, "    <system-out>undocumented properties (drift):");
            for (const struct spp_json *d = spp_json_first(spp_json_get(v, "drift")); d;
                 d = spp_json_next(d)) {
                spp_render_buf_puts(b, "\n  ");
                text(b, spp_render_str(d, "instanceLocation"));
                spp_render_buf_printf(b, " (%zu)", spp_render_num(d, "count"));
            }
            spp_render_buf_puts(b, "\n</system-out>\n");
        }
        spp_render_buf_puts(b, "  </testsuite>\n");
    }
    if (run_suite) {
        const char *fatal = spp_json_string(spp_json_get(report, "fatal"), NULL);
        const char *why = fatal                                                ? fatal
                          : spp_json_bool(spp_json_get(report, "interrupted")) ? "interrupted"
                                                                               : "not restored";
        spp_render_buf_puts(b, "  <testsuite name=\"run\" tests=\"1\" failures=\"0\" errors=\"1\" "
                               "skipped=\"0\" time=\"0\">\n"
                               "    <testcase classname=\"run\" name=\"complete and restored\" "
                               "time=\"0\">\n      <error message=\"");
        text(b, why);
        spp_render_buf_puts(b, "\" type=\"run\">restored: ");
        text(b, spp_render_str(report, "restored"));
        spp_render_buf_puts(b, "\n");
        text(b, spp_render_str(report, "restore_message"));
        spp_render_buf_puts(b, "</error>\n    </testcase>\n  </testsuite>\n");
    }
    spp_render_buf_puts(b, "</testsuites>\n");
    return SPP_OK;
}
