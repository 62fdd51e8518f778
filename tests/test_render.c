/*
 * The renderers (JUnit XML, Markdown, HTML) and report diff, as a library:
 * on fixture reports (tests/data/reports/: a passing run, a run failing in
 * one of two API versions, and one full of hostile strings) the output is
 * well-formed, valid UTF-8, escaped, and its counts agree with report.json.
 */
/* nftw (removing the temporary folders) is XSI. */
#define _XOPEN_SOURCE 700

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render.h"
#include "report_diff.h"

#define REPORTS SPP_TEST_DATA_DIR "/reports"

static const char *const fixtures[] = {"pass", "fail", "hostile"};

static struct spp_json_doc *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), REPORTS "/%s/report.json", name);
    struct spp_json_doc *doc = NULL;
    struct spp_err err;
    cr_assert_eq(spp_render_load(path, &doc, &err), SPP_OK, "%s: %s", path, err.msg);
    return doc;
}

static char *render(const char *name, enum spp_render_format f, size_t *len)
{
    struct spp_json_doc *doc = load(name);
    char dir[1024], *out = NULL;
    snprintf(dir, sizeof(dir), REPORTS "/%s", name);
    struct spp_err err;
    cr_assert_eq(spp_render(spp_json_doc_root(doc), f, dir, &out, len, &err), SPP_OK, "%s",
                 err.msg);
    spp_json_doc_free(doc);
    cr_assert(out);
    return out;
}

static bool valid_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = u[i] < 0x80         ? 1
                     : (u[i] >> 5) == 6  ? 2
                     : (u[i] >> 4) == 14 ? 3
                     : (u[i] >> 3) == 30 ? 4
                                         : 0;
        if (!len || i + len > n)
            return false;
        for (size_t k = 1; k < len; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The value of attr in the first tag starting with tag_prefix at or after from. */
static long attr_of(const char *from, const char *tag_prefix, const char *attr)
{
    const char *t = strstr(from, tag_prefix);
    cr_assert(t, "no %s", tag_prefix);
    const char *end = strchr(t, '>');
    char pat[64];
    snprintf(pat, sizeof(pat), " %s=\"", attr);
    const char *a = strstr(t, pat);
    cr_assert(a && a < end, "%s has no %s", tag_prefix, attr);
    return strtol(a + strlen(pat), NULL, 10);
}

/*
 * A small strict-enough reader: tags balance, names are [A-Za-z0-9:_-],
 * attribute values are double-quoted and hold no '<', every '&' starts a
 * known entity or a character reference, text holds no raw '<' or '>', no
 * control characters but tab/newline/CR. html: void elements need no end
 * tag, the doctype is allowed and <style> is raw text.
 */
static bool wellformed(const char *s, bool html, char *why, size_t cap)
{
    static const char *const voids[] = {"meta", "br", "hr", "img", "input", "link", "wbr"};
    char stack[64][32];
    size_t depth = 0;
    const char *p = s;
#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(why, cap, __VA_ARGS__);                                                           \
        return false;                                                                              \
    } while (0)
    if (!html && strncmp(p, "<?xml ", 6) == 0)
        p = strstr(p, "?>") + 2;
    if (html && strncmp(p, "<!DOCTYPE html>", 15) == 0)
        p += 15;
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            FAIL("control character 0x%02x at %zu", c, (size_t)(p - s));
        if (c == '&') {
            static const char *const ents[] = {"&amp;",  "&lt;",  "&gt;",
                                               "&quot;", "&#39;", "&apos;"};
            bool ok = false;
            for (size_t i = 0; i < 6; i++)
                ok = ok || strncmp(p, ents[i], strlen(ents[i])) == 0;
            if (!ok && p[1] == '#') {
                const char *q = p + 2;
                while (*q >= '0' && *q <= '9')
                    q++;
                ok = q > p + 2 && *q == ';';
            }
            if (!ok)
                FAIL("bad entity at %zu: %.12s", (size_t)(p - s), p);
            p++;
            continue;
        }
        if (c == '>')
            FAIL("raw '>' in text at %zu: %.40s", (size_t)(p - s), p > s + 20 ? p - 20 : s);
        if (c != '<') {
            p++;
            continue;
        }
        bool closing = p[1] == '/';
        const char *n = p + 1 + closing;
        size_t nl = strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_-");
        if (nl == 0 || nl >= 32)
            FAIL("bad tag name at %zu: %.20s", (size_t)(p - s), p);
        char name[32];
        memcpy(name, n, nl);
        name[nl] = '\0';
        const char *q = n + nl;
        bool selfclose = false;
        for (;;) {
            q += strspn(q, " \t\n");
            if (*q == '>')
                break;
            if (q[0] == '/' && q[1] == '>') {
                selfclose = true;
                q++;
                break;
            }
            if (closing)
                FAIL("junk in end tag </%s>", name);
            size_t al =
                strspn(q, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_-");
            if (html && al && (q[al] == ' ' || q[al] == '>')) { /* boolean attribute: open */
                q += al;
                continue;
            }
            if (al == 0 || q[al] != '=' || q[al + 1] != '"')
                FAIL("bad attribute in <%s> at %zu: %.20s", name, (size_t)(q - s), q);
            const char *v = q + al + 2, *e = strchr(v, '"');
            if (!e)
                FAIL("unterminated attribute in <%s>", name);
            for (const char *k = v; k < e; k++) {
                if (*k == '<')
                    FAIL("'<' in an attribute of <%s>", name);
                if (*k == '&' && strncmp(k, "&amp;", 5) && strncmp(k, "&lt;", 4) &&
                    strncmp(k, "&gt;", 4) && strncmp(k, "&quot;", 6) && strncmp(k, "&#", 2))
                    FAIL("bad entity in an attribute of <%s>", name);
            }
            q = e + 1;
        }
        p = q + 1;
        bool is_void = false;
        for (size_t i = 0; html && i < sizeof(voids) / sizeof(voids[0]); i++)
            is_void = is_void || strcmp(name, voids[i]) == 0;
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                FAIL("</%s> closes <%s>", name, depth ? stack[depth - 1] : "(nothing)");
            depth--;
        } else if (!selfclose && !is_void) {
            if (depth == 64)
                FAIL("too deep");
            snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
            if (html && strcmp(name, "style") == 0) {
                const char *e = strstr(p, "</style>");
                if (!e)
                    FAIL("unterminated <style>");
                p = e;
            }
        }
    }
    if (depth)
        FAIL("<%s> never closed", stack[depth - 1]);
    return true;
#undef FAIL
}

/* ---- JUnit ---------------------------------------------------------------- */

Test(render, junit_counts_equal_the_report_for_every_fixture)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        struct spp_json_doc *doc = load(fixtures[i]);
        const struct spp_json *versions = spp_json_get(spp_json_doc_root(doc), "versions");
        size_t failures = 0, tests = 0, failed_outcomes = 0;
        for (const struct spp_json *v = spp_json_first(versions); v; v = spp_json_next(v)) {
            for (const struct spp_json *c = spp_json_first(spp_json_get(v, "checks")); c;
                 c = spp_json_next(c), tests++) {
                failures += spp_render_num(c, "failed") > 0;
                failed_outcomes += spp_render_num(c, "failed");
            }
            for (const struct spp_json *g = spp_json_first(spp_json_get(v, "groups")); g;
                 g = spp_json_next(g), tests++)
                failures += !spp_json_bool(spp_json_get(g, "known"));
        }
        cr_assert_eq(failed_outcomes, spp_render_num(spp_json_doc_root(doc), "failed"),
                     "fixture %s is inconsistent", fixtures[i]);
        char *x = render(fixtures[i], SPP_RENDER_JUNIT, NULL);
        cr_assert_eq((size_t)attr_of(x, "<testsuites", "failures"), failures, "%s", fixtures[i]);
        cr_assert_eq((size_t)attr_of(x, "<testsuites", "tests"), tests, "%s", fixtures[i]);
        cr_assert_eq(count(x, "<failure "), failures, "%s", fixtures[i]);
        cr_assert_eq(count(x, "<testcase "), tests, "%s", fixtures[i]);
        cr_assert_eq(count(x, "<testsuite "), spp_json_count(versions), "%s", fixtures[i]);
        /* Per suite: the failed outcomes it reports add up to report.json's total. */
        size_t sum = 0;
        for (const char *p = x; (p = strstr(p, "name=\"failed_outcomes\" value=\"")) != NULL; p++)
            sum += strtoul(p + strlen("name=\"failed_outcomes\" value=\""), NULL, 10);
        cr_assert_eq(sum, failed_outcomes, "%s", fixtures[i]);
        free(x);
        spp_json_doc_free(doc);
    }
}

Test(render, junit_fails_only_the_version_that_failed)
{
    char *x = render("fail", SPP_RENDER_JUNIT, NULL);
    cr_assert_eq(attr_of(x, "<testsuite name=\"2024-03-05\"", "failures"), 0);
    cr_assert_eq(attr_of(x, "<testsuite name=\"2023-12-14\"", "failures"), 2);
    cr_assert(strstr(x, "<testcase classname=\"2023-12-14\" name=\"response_schema_conformance: "
                        "/order/client/address\""));
    cr_assert(strstr(x, "cases/v1-0001-response_schema_conformance.json"));
    free(x);
    x = render("pass", SPP_RENDER_JUNIT, NULL);
    cr_assert_eq(attr_of(x, "<testsuites", "failures"), 0);
    cr_assert_eq(count(x, "<failure"), 0);
    free(x);
}

Test(render, junit_is_well_formed_utf8_for_every_fixture)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        size_t len = 0;
        char *x = render(fixtures[i], SPP_RENDER_JUNIT, &len);
        char why[256] = "";
        cr_assert(valid_utf8(x, len), "%s: invalid UTF-8", fixtures[i]);
        cr_assert(wellformed(x, false, why, sizeof(why)), "%s: %s", fixtures[i], why);
        free(x);
    }
}

Test(render, junit_escapes_hostile_strings_and_marks_known_failures_skipped)
{
    size_t len = 0;
    char *x = render("hostile", SPP_RENDER_JUNIT, &len);
    cr_assert_null(strstr(x, "<script"));
    cr_assert_null(strstr(x, "]]>"));
    cr_assert(strstr(x, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    cr_assert(strstr(x, "&#39;quote&#39;"));
    cr_assert(strstr(x, "\\x01\\x1B"));
    cr_assert(strstr(x, "\xEF\xBF\xBD"));
    cr_assert(strstr(x, "more bytes)"), "the 10,000-byte message is cut");
    cr_assert(strstr(x, "<skipped message=\"known failure: known ]]&gt; &lt;b&gt;") ||
              strstr(x, "<skipped message=\"known failure: known ]]&gt; "));
    cr_assert_eq(attr_of(x, "<testsuites", "skipped"), 2 + 2 + 1 + 1,
                 "4 disabled checks, 1 check with only known failures, 1 known group");
    free(x);
}

/* ---- Markdown ------------------------------------------------------------- */

/* Unescaped '|' in a line. */
static size_t pipes(const char *line, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '\\') {
            i++;
            continue;
        }
        k += line[i] == '|';
    }
    return k;
}

Test(render, md_tables_keep_their_columns_whatever_the_cells_hold)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        size_t len = 0;
        char *m = render(fixtures[i], SPP_RENDER_MD, &len);
        cr_assert(valid_utf8(m, len), "%s", fixtures[i]);
        size_t tables = 0, want = 0;
        bool in_table = false;
        for (char *line = m; *line;) {
            char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            if (n && line[0] == '|') {
                size_t k = pipes(line, n);
                if (!in_table) {
                    want = k;
                    tables++;
                }
                in_table = true;
                cr_assert_eq(k, want, "%s: row has %zu cells, header %zu: %.*s", fixtures[i], k,
                             want, (int)(n > 200 ? 200 : n), line);
            } else {
                in_table = false;
            }
            line += n + (nl != NULL);
        }
        cr_assert_geq(tables, 1, "%s", fixtures[i]);
        free(m);
    }
}

Test(render, md_summarises_verdict_groups_drift_and_compliance)
{
    char *m = render("fail", SPP_RENDER_MD, NULL);
    cr_assert(strstr(m, "FAIL"));
    cr_assert(strstr(m, "| 2023\\-12\\-14 |") || strstr(m, "| 2023-12-14 |"));
    cr_assert(strstr(m, "/order/client/address | 16 |"), "%s", m);
    cr_assert(strstr(m, "/order/extra\\_field (3)"), "%s", m);
    cr_assert(strstr(m, ": 1 violated, 1 never seen, 1 valid"), "%s", m);
    cr_assert(strstr(m, "Ticket restored: **yes**"));
    free(m);
    m = render("pass", SPP_RENDER_MD, NULL);
    cr_assert(strstr(m, "PASS"));
    cr_assert(strstr(m, ": not recorded"));
    cr_assert_null(strstr(m, "Failure groups"));
    free(m);
}

Test(render, md_escapes_hostile_strings_and_stays_short)
{
    size_t len = 0;
    char *m = render("hostile", SPP_RENDER_MD, &len);
    /* No raw HTML: every '<' and '>' is backslash-escaped (CommonMark shows it as text). */
    for (size_t i = 0; i < len; i++)
        if (m[i] == '<' || m[i] == '>')
            cr_assert(i > 0 && m[i - 1] == '\\', "unescaped %c at %zu: %.40s", m[i], i,
                      m + (i > 20 ? i - 20 : 0));
    cr_assert(strstr(m, "\\<script\\>"));
    cr_assert(strstr(m, "a\\|b"));
    cr_assert_lt(len, 8000, "a 10,000-byte message must not blow up the summary (%zu)", len);
    free(m);
}

/* ---- HTML ----------------------------------------------------------------- */

Test(render, html_is_well_formed_and_self_contained_for_every_fixture)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        size_t len = 0;
        char *h = render(fixtures[i], SPP_RENDER_HTML, &len);
        char why[256] = "";
        cr_assert(valid_utf8(h, len), "%s", fixtures[i]);
        cr_assert(wellformed(h, true, why, sizeof(why)), "%s: %s", fixtures[i], why);
        static const char *const banned[] = {"<script", "<link",       "<img",
                                             "<iframe", " src=\"",     "url(",
                                             "@import", "href=\"http", "<object"};
        for (size_t k = 0; k < sizeof(banned) / sizeof(banned[0]); k++)
            cr_assert_null(strstr(h, banned[k]), "%s holds %s", fixtures[i], banned[k]);
        cr_assert(strstr(h, "<table id=\"matrix\">"));
        free(h);
    }
}

Test(render, html_matrix_marks_the_failing_cell_and_only_it)
{
    char *h = render("fail", SPP_RENDER_HTML, NULL);
    cr_assert(strstr(h, "<tr><th scope=\"row\">response_schema_conformance</th>"
                        "<td class=\"pass\" data-status=\"pass\">16 passed</td>"
                        "<td class=\"fail\" data-status=\"fail\">16 failed / 16</td></tr>"),
              "%s", h);
    cr_assert_eq(count(h, "data-status=\"fail\""), 1);
    cr_assert_eq(count(h, "data-status=\"disabled\""), 4);
    free(h);
}

Test(render, html_embeds_the_example_request_and_response)
{
    char *h = render("fail", SPP_RENDER_HTML, NULL);
    cr_assert(strstr(h, "<h4>Request</h4>"));
    cr_assert(strstr(h, "X-Api-Version: 2023-12-14"));
    cr_assert(strstr(h, "&quot;order_id&quot;"), "the response body is embedded");
    cr_assert_eq(count(h, "<details class=\"case\">"), 3);
    free(h);
}

Test(render, html_escapes_hostile_cases_and_reads_no_file_outside_cases)
{
    char *h = render("hostile", SPP_RENDER_HTML, NULL);
    cr_assert(strstr(h, "&lt;/pre&gt;&lt;script&gt;alert(6)&lt;/script&gt;"));
    cr_assert(strstr(h, "X-Evil: &lt;script&gt;alert(5)&lt;/script&gt;"));
    cr_assert(strstr(h, "&lt;img src=x onerror=alert(1)&gt;"));
    cr_assert_null(strstr(h, "root:x:0"), "/etc/passwd must not be read");
    cr_assert_eq(count(h, "not a case path (cases/NAME); not read"), 3);
    cr_assert(strstr(h, "more bytes)"));
    free(h);
}

Test(render, html_lists_violated_compliance_rows_first_then_never_seen)
{
    char *h = render("fail", SPP_RENDER_HTML, NULL);
    const char *t = strstr(h, "id=\"compliance-1\"");
    cr_assert(t);
    const char *violated = strstr(t, "class=\"violated\""), *unseen = strstr(t, "class=\"unseen\""),
               *valid = strstr(t, "class=\"valid\"");
    cr_assert(violated && unseen && valid);
    cr_assert(violated < unseen && unseen < valid);
    cr_assert(strstr(t, "<a href=\"#g1-0\">"), "a violated row links its failure group");
    cr_assert(strstr(h, "id=\"g1-0\""));
    free(h);
    h = render("pass", SPP_RENDER_HTML, NULL);
    cr_assert(strstr(h, "Compliance: not recorded."));
    free(h);
}

/* ---- files, determinism, input checks ------------------------------------ */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

Test(render, render_all_writes_the_three_formats_exactly_as_render_does)
{
    char dir[] = "/tmp/spp-render-XXXXXX";
    cr_assert(mkdtemp(dir));
    struct spp_json_doc *doc = load("fail");
    struct spp_err err;
    cr_assert_eq(spp_render_all(spp_json_doc_root(doc), dir, &err), SPP_OK, "%s", err.msg);
    static const enum spp_render_format all[] = {SPP_RENDER_JUNIT, SPP_RENDER_MD, SPP_RENDER_HTML};
    for (size_t i = 0; i < 3; i++) {
        char path[1024], *file = NULL, *want = NULL, *again = NULL;
        size_t flen = 0, wlen = 0, alen = 0;
        snprintf(path, sizeof(path), "%s/%s", dir, spp_render_format_file(all[i]));
        cr_assert_eq(spp_file_read(path, SPP_RENDER_MAX_BYTES, &file, &flen, NULL), SPP_OK, "%s",
                     path);
        cr_assert_eq(spp_render(spp_json_doc_root(doc), all[i], dir, &want, &wlen, NULL), SPP_OK);
        cr_assert_eq(spp_render(spp_json_doc_root(doc), all[i], dir, &again, &alen, NULL), SPP_OK);
        cr_assert(flen == wlen && memcmp(file, want, flen) == 0, "%s differs", path);
        cr_assert(alen == wlen && memcmp(again, want, alen) == 0, "rendering is deterministic");
        free(file);
        free(want);
        free(again);
    }
    spp_json_doc_free(doc);
    nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static enum spp_code check_text(const char *text, struct spp_err *err)
{
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_json_parse(text, strlen(text), NULL, &doc, NULL), SPP_OK);
    enum spp_code rc = spp_render_check_report(spp_json_doc_root(doc), err);
    spp_json_doc_free(doc);
    return rc;
}

Test(render, check_rejects_what_is_not_a_report_with_its_location)
{
    struct spp_err err;
    cr_assert_eq(check_text("[1]", &err), SPP_EINVAL);
    cr_assert(strstr(err.msg, "array"), "%s", err.msg);
    cr_assert_eq(check_text("{\"format_version\": 2}", &err), SPP_EINVAL);
    cr_assert(strstr(err.msg, "format_version 2"), "%s", err.msg);
    cr_assert_str_eq(err.where, "/format_version");
    cr_assert_eq(check_text("{\"format_version\": 1, \"verdict\": \"pass\", \"failed\": 0, "
                            "\"known_failed\": 0, \"requests\": 0}",
                            &err),
                 SPP_EINVAL);
    cr_assert_str_eq(err.where, "/versions");
    cr_assert_eq(check_text("{\"format_version\": 1, \"verdict\": \"pass\", \"failed\": 0, "
                            "\"known_failed\": 0, \"requests\": 0, \"versions\": [{\"requested\": "
                            "null, \"checks\": [], \"failures\": [], \"drift\": [], \"groups\": "
                            "[{\"key\": \"k\", \"check\": \"c\", \"instanceLocation\": \"\", "
                            "\"count\": -1, \"known\": false, \"examples\": []}]}]}",
                            &err),
                 SPP_EINVAL);
    cr_assert_str_eq(err.where, "/versions/0/groups/0/count");
    cr_assert_eq(check_text("{\"format_version\": 1, \"verdict\": \"pass\", \"failed\": 0, "
                            "\"known_failed\": 0, \"requests\": 0, \"versions\": []}",
                            &err),
                 SPP_OK);
}

Test(render, a_report_without_versions_still_renders)
{
    const char *text = "{\"format_version\": 1, \"verdict\": \"incomplete\", \"failed\": 0, "
                       "\"known_failed\": 0, \"requests\": 0, \"versions\": [], "
                       "\"fatal\": \"the target could not be reached\"}";
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_json_parse(text, strlen(text), NULL, &doc, NULL), SPP_OK);
    for (int f = SPP_RENDER_JUNIT; f <= SPP_RENDER_HTML; f++) {
        char *out = NULL;
        cr_assert_eq(
            spp_render(spp_json_doc_root(doc), (enum spp_render_format)f, NULL, &out, NULL, NULL),
            SPP_OK);
        cr_assert(strstr(out, "could not be reached"), "format %d: %s", f, out);
        free(out);
    }
    spp_json_doc_free(doc);
}

/* ---- escaping and the buffer ---------------------------------------------- */

static char *esc(const char *s, size_t len, size_t max, bool md)
{
    struct spp_render_buf b;
    spp_render_buf_init(&b, 0);
    if (md)
        spp_render_put_md(&b, s, len, max);
    else
        spp_render_put_xml(&b, s, len, max);
    char *out = NULL;
    cr_assert_eq(spp_render_buf_finish(&b, &out, NULL, NULL), SPP_OK);
    return out;
}

Test(render, escaping_replaces_markup_controls_and_invalid_utf8)
{
    char *o = esc("a<\xff\x01'&\"", 7, SIZE_MAX, false);
    cr_assert_str_eq(o, "a&lt;\xEF\xBF\xBD\\x01&#39;&amp;&quot;");
    free(o);
    o = esc("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80", 9, SIZE_MAX,
            false); /* overlong, surrogate, >U+10FFFF */
    cr_assert_eq(count(o, "\xEF\xBF\xBD"), 9, "%s", o);
    free(o);
    o = esc("\xC3\xA9\xC3\xA9\xC3\xA9", 6, 3, false);
    cr_assert_str_eq(o, "\xC3\xA9\xE2\x80\xA6 (4 more bytes)", "cut on a character boundary");
    free(o);
    o = esc("a|b\nc*<d>", 9, SIZE_MAX, true);
    cr_assert_str_eq(o, "a\\|b c\\*\\<d\\>");
    free(o);
}

Test(render, buffer_refuses_to_grow_past_its_cap)
{
    struct spp_render_buf b;
    spp_render_buf_init(&b, 10);
    spp_render_buf_puts(&b, "0123456789");
    spp_render_buf_puts(&b, "x");
    char *out = NULL;
    struct spp_err err;
    cr_assert_eq(spp_render_buf_finish(&b, &out, NULL, &err), SPP_ELIMIT);
    cr_assert_null(out);
}

/* ---- diff ----------------------------------------------------------------- */

/* The fail fixture with one more failing group in 2024-03-05 (caller frees). */
static struct spp_json *with_injected_group(bool known)
{
    struct spp_json_doc *doc = load("fail");
    struct spp_json *root = spp_json_doc_take_root(doc);
    spp_json_doc_free(doc);
    struct spp_json *v0 = spp_json_at_mut(spp_json_get_mut(root, "versions"), 0);
    struct spp_json *g = spp_json_new_object();
    spp_json_set(g, "key", spp_json_new_string("response_schema_conformance|/subject|x#/type"));
    spp_json_set(g, "check", spp_json_new_string("response_schema_conformance"));
    spp_json_set(g, "instanceLocation", spp_json_new_string("/subject"));
    spp_json_set(g, "absoluteKeywordLocation", spp_json_new_string("x#/type"));
    spp_json_set(g, "message", spp_json_new_string("injected"));
    spp_json_set(g, "count", spp_json_new_number(1));
    spp_json_set(g, "known", spp_json_new_bool(known));
    spp_json_set(g, "examples", spp_json_new_array());
    cr_assert_eq(spp_json_append(spp_json_get_mut(v0, "groups"), g), SPP_OK);
    struct spp_json *d = spp_json_new_object();
    spp_json_set(d, "instanceLocation", spp_json_new_string("/brand_new"));
    spp_json_set(d, "count", spp_json_new_number(1));
    spp_json_append(spp_json_get_mut(v0, "drift"), d);
    return root;
}

Test(report_diff, finds_an_injected_regression_and_its_reverse_as_fixed)
{
    struct spp_json_doc *doc = load("fail");
    struct spp_json *injected = with_injected_group(false);
    struct spp_report_diff *d = NULL;
    struct spp_err err;
    cr_assert_eq(spp_report_diff(spp_json_doc_root(doc), injected, &d, &err), SPP_OK, "%s",
                 err.msg);
    cr_assert(spp_report_diff_regressed(d));
    cr_assert_eq(d->new_failures.count, 1);
    cr_assert_str_eq(d->new_failures.items[0].version, "2024-03-05");
    cr_assert_str_eq(d->new_failures.items[0].location, "/subject");
    cr_assert_eq(d->unchanged.count, 1);
    cr_assert_str_eq(d->unchanged.items[0].version, "2023-12-14");
    cr_assert_eq(d->new_drift.count, 1);
    cr_assert_str_eq(d->new_drift.items[0].location, "/brand_new");
    spp_report_diff_free(d);

    cr_assert_eq(spp_report_diff(injected, spp_json_doc_root(doc), &d, &err), SPP_OK);
    cr_assert_not(spp_report_diff_regressed(d));
    cr_assert_eq(d->fixed.count, 1);
    cr_assert_str_eq(d->fixed.items[0].location, "/subject");
    cr_assert_eq(d->new_failures.count, 0);
    spp_report_diff_free(d);
    spp_json_free(injected);
    spp_json_doc_free(doc);
}

Test(report_diff, a_known_group_is_not_a_new_failure)
{
    struct spp_json_doc *doc = load("fail");
    struct spp_json *known = with_injected_group(true);
    struct spp_report_diff *d = NULL;
    cr_assert_eq(spp_report_diff(spp_json_doc_root(doc), known, &d, NULL), SPP_OK);
    cr_assert_not(spp_report_diff_regressed(d));
    cr_assert_eq(d->new_failures.count, 0);
    spp_report_diff_free(d);
    spp_json_free(known);
    spp_json_doc_free(doc);
}

Test(report_diff, a_version_missing_from_the_new_report_is_not_called_fixed)
{
    struct spp_json_doc *fail = load("fail"), *pass = load("pass");
    struct spp_report_diff *d = NULL;
    cr_assert_eq(spp_report_diff(spp_json_doc_root(fail), spp_json_doc_root(pass), &d, NULL),
                 SPP_OK);
    cr_assert_not(spp_report_diff_regressed(d));
    cr_assert_eq(d->fixed.count, 0);
    cr_assert_eq(d->nmissing, 1);
    cr_assert_str_eq(d->missing_versions[0], "2023-12-14");
    struct spp_json *j = spp_report_diff_to_json(d);
    cr_assert(j);
    cr_assert_eq(spp_json_count(spp_json_get(j, "missing_versions")), 1);
    spp_json_free(j);
    spp_report_diff_free(d);
    spp_json_doc_free(fail);
    spp_json_doc_free(pass);
}

Test(report_diff, names_the_side_of_a_malformed_report)
{
    struct spp_json_doc *doc = load("pass"), *bad = NULL;
    cr_assert_eq(spp_json_parse("{\"format_version\": 7}", 21, NULL, &bad, NULL), SPP_OK);
    struct spp_report_diff *d = NULL;
    struct spp_err err;
    cr_assert_eq(spp_report_diff(spp_json_doc_root(doc), spp_json_doc_root(bad), &d, &err),
                 SPP_EINVAL);
    cr_assert_null(d);
    cr_assert_str_eq(err.where, "new:/format_version");
    spp_json_doc_free(doc);
    spp_json_doc_free(bad);
}
