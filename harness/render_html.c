/*
 * render_html — report.json as ONE self-contained HTML page.
 *
 * No network: no scripts, no external styles, fonts or images; inline CSS
 * only, collapsing by <details>, and a Content-Security-Policy that forbids
 * loading anything should a future edit slip. The page holds:
 *   - the verdict and the run (target, contract, seed, times, restored),
 *   - the checks × versions matrix (#matrix; cells classed pass / fail /
 *     known / disabled / idle, with counts),
 *   - per API version: the check notes, the compliance table (violated rows
 *     first, then never-seen, then valid; "not recorded" when the report has
 *     none), each failure group (unknown first) with its example cases
 *     embedded (request and response, bodies pretty-printed when JSON, cut at
 *     SPP_RENDER_BODY_MAX), and drift.
 * Case files are read only from report_dir/cases/NAME (NAME of [A-Za-z0-9._-],
 * no "..") so a crafted report cannot pull other files into the page; at most
 * SPP_RENDER_MAX_EXAMPLES are embedded. Everything from the report or a case
 * goes through spp_render_put_xml (HTML-escaped, UTF-8 repaired).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

struct ctx {
    struct spp_render_buf *b;
    const char *report_dir;
    size_t examples; /* embedded so far */
};

static void h(struct spp_render_buf *b, const char *s)
{
    spp_render_put_xml(b, s, strlen(s), SPP_RENDER_TEXT_MAX);
}

static const char style[] =
    "<style>\n"
    ":root{--pass:#d4f4dc;--fail:#ffd2d2;--known:#fff0b8;--off:#ececec;--ink:#1d2330}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);"
    "margin:0 auto;max-width:1200px;padding:0 20px 40px}\n"
    "header{padding:14px 18px;border-radius:6px;margin:18px 0}\n"
    "header.pass{background:var(--pass)}header.fail{background:var(--fail)}"
    "header.incomplete{background:var(--known)}\n"
    "header h1{margin:0 0 4px;font-size:22px}header p{margin:0}\n"
    "dl.run{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}"
    "dl.run dt{font-weight:600}dl.run dd{margin:0;overflow-wrap:anywhere}\n"
    "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #c9ced6;"
    "padding:4px 8px;text-align:left;vertical-align:top}\n"
    "thead th{background:#f3f5f8}\n"
    "td.pass{background:var(--pass)}td.fail{background:var(--fail);font-weight:600}"
    "td.known{background:var(--known)}td.disabled{background:var(--off);color:#777}"
    "td.idle{color:#777}\n"
    "td.violated{background:var(--fail);font-weight:600}td.unseen{background:var(--off)}"
    "td.valid{background:var(--pass)}\n"
    ".legend span{display:inline-block;padding:1px 8px;margin-right:6px;border-radius:3px}\n"
    "section.version{border-top:2px solid #c9ced6;margin-top:28px}\n"
    "details{margin:6px 0}details>summary{cursor:pointer}\n"
    "details.group{border:1px solid #c9ced6;border-left:6px solid #d33;border-radius:4px;"
    "padding:6px 10px}\n"
    "details.group.known{border-left-color:#d9a400}\n"
    ".badge{font:12px ui-monospace,monospace;background:#eef;padding:1px 6px;border-radius:3px}\n"
    "code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}\n"
    "pre{background:#f6f8fa;border:1px solid #dde1e6;padding:8px;overflow:auto;max-height:420px;"
    "white-space:pre-wrap;overflow-wrap:anywhere;tab-size:2}\n"
    ".muted{color:#666}.msg{overflow-wrap:anywhere}\n"
    "</style>\n";

/* pass / fail / known / disabled / idle, the class of a matrix cell. */
static const char *check_status(const struct spp_json *c)
{
    if (!c)
        return "idle";
    if (!spp_json_bool(spp_json_get(c, "enabled")))
        return "disabled";
    if (spp_render_num(c, "failed"))
        return "fail";
    if (spp_render_num(c, "known"))
        return "known";
    return spp_render_num(c, "passed") ? "pass" : "idle";
}

static void matrix_cell(struct spp_render_buf *b, const struct spp_json *c)
{
    const char *st = check_status(c);
    spp_render_buf_printf(b, "<td class=\"%s\" data-status=\"%s\">", st, st);
    size_t passed = spp_render_num(c, "passed"), failed = spp_render_num(c, "failed"),
           known = spp_render_num(c, "known");
    if (!c)
        spp_render_buf_puts(b, "&#8212;");
    else if (strcmp(st, "disabled") == 0)
        spp_render_buf_puts(b, "disabled");
    else if (failed)
        spp_render_buf_printf(b, "%zu failed / %zu", failed, passed + failed + known);
    else if (known)
        spp_render_buf_printf(b, "%zu known / %zu", known, passed + known);
    else if (passed)
        spp_render_buf_printf(b, "%zu passed", passed);
    else
        spp_render_buf_puts(b, "not exercised");
    spp_render_buf_puts(b, "</td>");
}

static void matrix(struct spp_render_buf *b, const struct spp_json *versions)
{
    const struct spp_json *first = spp_json_first(versions);
    spp_render_buf_puts(b, "<h2>Checks &#215; API versions</h2>\n");
    if (!first) {
        spp_render_buf_puts(b, "<p class=\"muted\">No API version was tested.</p>\n");
        return;
    }
    spp_render_buf_puts(b, "<table id=\"matrix\">\n<thead><tr><th>check</th>");
    for (const struct spp_json *v = first; v; v = spp_json_next(v)) {
        spp_render_buf_puts(b, "<th>");
        h(b, spp_render_version_label(v));
        spp_render_buf_puts(b, "</th>");
    }
    spp_render_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (const struct spp_json *c = spp_json_first(spp_json_get(first, "checks")); c;
         c = spp_json_next(c)) {
        const char *name = spp_render_str(c, "name");
        spp_render_buf_puts(b, "<tr><th scope=\"row\">");
        h(b, name);
        spp_render_buf_puts(b, "</th>");
        for (const struct spp_json *v = first; v; v = spp_json_next(v))
            matrix_cell(b, v == first ? c : spp_render_find_check(v, name));
        spp_render_buf_puts(b, "</tr>\n");
    }
    spp_render_buf_puts(
        b, "</tbody>\n</table>\n<p class=\"legend\"><span style=\"background:var(--pass)\">"
           "pass</span><span style=\"background:var(--fail)\">fail</span>"
           "<span style=\"background:var(--known)\">known failures only</span>"
           "<span style=\"background:var(--off)\">disabled</span></p>\n");
}

static void dl_item(struct spp_render_buf *b, const char *term, const char *value)
{
    spp_render_buf_printf(b, "<dt>%s</dt><dd>", term);
    h(b, value);
    spp_render_buf_puts(b, "</dd>\n");
}

static int compliance_rank(const char *status)
{
    return strcmp(status, "violated") == 0 ? 0 : strcmp(status, "unseen") == 0 ? 1 : 2;
}

/* The index of the group with this key in v, or SIZE_MAX. */
static size_t group_index(const struct spp_json *v, const char *key)
{
    size_t i = 0;
    for (const struct spp_json *g = spp_json_first(spp_json_get(v, "groups")); g;
         g = spp_json_next(g), i++)
        if (strcmp(spp_render_str(g, "key"), key) == 0)
            return i;
    return SIZE_MAX;
}

static void compliance(struct spp_render_buf *b, const struct spp_json *v, size_t vi)
{
    const struct spp_json *c = spp_json_get(v, "compliance");
    spp_render_buf_puts(b, "<h3>Compliance</h3>\n");
    if (spp_json_kind(c) != SPP_JSON_ARRAY) {
        spp_render_buf_puts(b, "<p class=\"muted compliance\">Compliance: not recorded.</p>\n");
        return;
    }
    size_t n[3] = {0, 0, 0};
    for (const struct spp_json *e = spp_json_first(c); e; e = spp_json_next(e))
        n[compliance_rank(spp_render_str(e, "status"))]++;
    spp_render_buf_printf(b,
                          "<details class=\"compliance\"%s><summary>%zu properties: %zu violated, "
                          "%zu never seen, %zu valid</summary>\n",
                          n[0] ? " open" : "", n[0] + n[1] + n[2], n[0], n[1], n[2]);
    spp_render_buf_printf(b,
                          "<table class=\"compliance\" id=\"compliance-%zu\">\n<thead><tr>"
                          "<th>component</th><th>property</th><th>status</th>"
                          "<th>failure groups</th></tr></thead>\n<tbody>\n",
                          vi);
    for (int rank = 0; rank < 3; rank++)
        for (const struct spp_json *e = spp_json_first(c); e; e = spp_json_next(e)) {
            const char *st = spp_render_str(e, "status");
            if (compliance_rank(st) != rank)
                continue;
            static const char *const cls[] = {"violated", "unseen", "valid"};
            spp_render_buf_puts(b, "<tr><td>");
            h(b, spp_render_str(e, "component"));
            spp_render_buf_puts(b, "</td><td>");
            h(b, spp_render_str(e, "property"));
            spp_render_buf_printf(b, "</td><td class=\"%s\">%s</td><td>", cls[rank],
                                  rank == 1 ? "never seen" : cls[rank]);
            bool firstg = true;
            for (const struct spp_json *g = spp_json_first(spp_json_get(e, "groups")); g;
                 g = spp_json_next(g)) {
                const char *key = spp_json_string(g, NULL);
                if (!key)
                    continue;
                spp_render_buf_puts(b, firstg ? "" : "<br>");
                firstg = false;
                size_t gi = group_index(v, key);
                if (gi != SIZE_MAX)
                    spp_render_buf_printf(b, "<a href=\"#g%zu-%zu\"><code>", vi, gi);
                else
                    spp_render_buf_puts(b, "<code>");
                h(b, key);
                spp_render_buf_puts(b, gi != SIZE_MAX ? "</code></a>" : "</code>");
            }
            spp_render_buf_puts(b, "</td></tr>\n");
        }
    spp_render_buf_puts(b, "</tbody>\n</table>\n</details>\n");
}

/* A body: pretty-printed when it is JSON, as is otherwise; escaped and cut. */
static void body(struct spp_render_buf *b, const char *s, size_t len)
{
    struct spp_json_doc *doc = NULL;
    char *pretty = NULL;
    size_t plen = 0;
    if (len && spp_json_parse(s, len, NULL, &doc, NULL) == SPP_OK &&
        (pretty = spp_json_print(spp_json_doc_root(doc), true, &plen)) != NULL) {
        s = pretty;
        len = plen;
    }
    spp_render_put_xml(b, s, len, SPP_RENDER_BODY_MAX);
    free(pretty);
    spp_json_doc_free(doc);
}

/* cases/NAME with NAME of [A-Za-z0-9._-] and no "..": the only case paths read. */
static bool safe_case_path(const char *p)
{
    if (strncmp(p, "cases/", 6) != 0 || strstr(p, ".."))
        return false;
    size_t n = 0;
    for (const char *q = p + 6; *q; q++, n++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
              *q == '.' || *q == '_' || *q == '-'))
            return false;
    return n > 0 && n < 200;
}

static void example(struct ctx *x, const char *case_path)
{
    struct spp_render_buf *b = x->b;
    spp_render_buf_puts(b, "<details class=\"case\"><summary>example <code>");
    h(b, case_path);
    spp_render_buf_puts(b, "</code></summary>\n");
    char path[4096];
    struct spp_json_doc *doc = NULL;
    const char *why = NULL;
    if (!x->report_dir)
        why = "case files not available";
    else if (!safe_case_path(case_path))
        why = "not a case path (cases/NAME); not read";
    else if (x->examples >= SPP_RENDER_MAX_EXAMPLES)
        why = "not embedded: the page already holds the maximum number of examples";
    else if (snprintf(path, sizeof(path), "%s/%s", x->report_dir, case_path) >= (int)sizeof(path))
        why = "path too long";
    else if (spp_json_parse_file(path, NULL, &doc, NULL) != SPP_OK)
        why = "case file missing or unreadable";
    if (why) {
        spp_render_buf_printf(b, "<p class=\"muted\">%s</p>\n</details>\n", why);
        return;
    }
    x->examples++;
    const struct spp_json *root = spp_json_doc_root(doc);
    const struct spp_json *rq = spp_json_get(root, "request"), *rs = spp_json_get(root, "response");
    size_t len = 0;
    spp_render_buf_puts(b, "<p>");
    h(b, spp_render_str(root, "label"));
    spp_render_buf_puts(b, "</p>\n<h4>Request</h4>\n<pre class=\"request\">");
    h(b, spp_render_str(rq, "method"));
    spp_render_buf_puts(b, " /api/tickets/");
    h(b, spp_render_str(rq, "ticket"));
    spp_render_buf_puts(b, "\nauth: ");
    h(b, spp_render_str(rq, "auth"));
    const char *av = spp_json_string(spp_json_get(root, "api_version"), NULL);
    if (av) {
        spp_render_buf_puts(b, "\nX-Api-Version: ");
        h(b, av);
    }
    spp_render_buf_puts(b, "\n\n");
    const char *rb = spp_json_string(spp_json_get(rq, "body"), &len);
    body(b, rb, rb ? len : 0);
    spp_render_buf_puts(b, "</pre>\n<h4>Response</h4>\n<pre class=\"response\">");
    spp_render_buf_printf(b, "%zu", spp_render_num(rs, "status"));
    spp_render_buf_puts(b, " (");
    h(b, spp_render_str(rs, "transport"));
    spp_render_buf_printf(b, ", %zu ms)\n", spp_render_num(rs, "elapsed_ms"));
    size_t nh = 0;
    for (const struct spp_json *hd = spp_json_first(spp_json_get(rs, "headers")); hd && nh < 100;
         hd = spp_json_next(hd), nh++) {
        const char *k = spp_json_key(hd), *val = spp_json_string(hd, NULL);
        h(b, k ? k : "");
        spp_render_buf_puts(b, ": ");
        h(b, val ? val : "");
        spp_render_buf_puts(b, "\n");
    }
    spp_render_buf_puts(b, "\n");
    const char *sb = spp_json_string(spp_json_get(rs, "body"), &len);
    body(b, sb, sb ? len : 0);
    spp_render_buf_puts(b, "</pre>\n</details>\n");
    spp_json_doc_free(doc);
}

/* A failing group is shown open when its version has few groups (the page stays scannable). */
static void group(struct ctx *x, const struct spp_json *g, size_t vi, size_t gi, bool open)
{
    struct spp_render_buf *b = x->b;
    bool known = spp_json_bool(spp_json_get(g, "known"));
    const char *loc = spp_render_str(g, "instanceLocation");
    spp_render_buf_printf(b, "<details class=\"group%s\" id=\"g%zu-%zu\"%s><summary>",
                          known ? " known" : "", vi, gi, open && !known ? " open" : "");
    spp_render_buf_puts(b, "<span class=\"badge\">");
    h(b, spp_render_str(g, "check"));
    spp_render_buf_puts(b, "</span> <code>");
    h(b, *loc ? loc : "(whole answer)");
    spp_render_buf_printf(b, "</code> &#8212; %zu&#215;%s &#8212; <span class=\"msg\">",
                          spp_render_num(g, "count"), known ? " (known)" : "");
    const char *msg = spp_render_str(g, "message");
    spp_render_put_xml(b, msg, strlen(msg), 300);
    spp_render_buf_puts(b, "</span></summary>\n<dl class=\"run\">\n");
    dl_item(b, "message", msg);
    dl_item(b, "schema", spp_render_str(g, "absoluteKeywordLocation"));
    dl_item(b, "group key", spp_render_str(g, "key"));
    spp_render_buf_puts(b, "</dl>\n");
    for (const struct spp_json *e = spp_json_first(spp_json_get(g, "examples")); e;
         e = spp_json_next(e)) {
        const char *p = spp_json_string(e, NULL);
        if (p)
            example(x, p);
    }
    spp_render_buf_puts(b, "</details>\n");
}

static void version(struct ctx *x, const struct spp_json *v, size_t vi)
{
    struct spp_render_buf *b = x->b;
    spp_render_buf_printf(b, "<section class=\"version\" id=\"v%zu\">\n<h2>API version ", vi);
    h(b, spp_render_version_label(v));
    spp_render_buf_puts(b, "</h2>\n<dl class=\"run\">\n");
    const char *reported = spp_json_string(spp_json_get(v, "reported"), NULL);
    dl_item(b, "reported", reported ? reported : "(no X-Api-Version in the answers)");
    const struct spp_json *c = spp_json_get(v, "contract");
    dl_item(b, "contract", spp_render_str(c, "file"));
    dl_item(b, "contract version", spp_render_str(c, "version"));
    if (spp_json_bool(spp_json_get(c, "default")))
        dl_item(b, "note", "no contract for this version: the default one was used");
    for (const struct spp_json *ck = spp_json_first(spp_json_get(v, "checks")); ck;
         ck = spp_json_next(ck)) {
        const char *note = spp_json_string(spp_json_get(ck, "note"), NULL);
        if (note) {
            spp_render_buf_puts(b, "<dt>");
            h(b, spp_render_str(ck, "name"));
            spp_render_buf_puts(b, "</dt><dd>");
            h(b, note);
            spp_render_buf_puts(b, "</dd>\n");
        }
    }
    spp_render_buf_puts(b, "</dl>\n");
    compliance(b, v, vi);

    const struct spp_json *groups = spp_json_get(v, "groups");
    size_t ng = spp_json_count(groups);
    spp_render_buf_printf(b, "<h3>Failure groups (%zu)</h3>\n", ng);
    if (!ng)
        spp_render_buf_puts(b, "<p class=\"muted\">None.</p>\n");
    for (int pass = 0; pass < 2; pass++) { /* unknown groups first, then known ones */
        size_t gi = 0;
        for (const struct spp_json *g = spp_json_first(groups); g; g = spp_json_next(g), gi++)
            if (spp_json_bool(spp_json_get(g, "known")) == (pass == 1))
                group(x, g, vi, gi, ng <= 10);
    }
    size_t dropped = spp_render_num(v, "failures_dropped");
    if (dropped)
        spp_render_buf_printf(b,
                              "<p class=\"muted\">%zu failures beyond the report's cap were "
                              "counted but not kept.</p>\n",
                              dropped);

    const struct spp_json *drift = spp_json_get(v, "drift");
    spp_render_buf_printf(b, "<h3>Drift (%zu undocumented locations)</h3>\n",
                          spp_json_count(drift));
    if (spp_json_count(drift)) {
        spp_render_buf_puts(b, "<ul class=\"drift\">\n");
        for (const struct spp_json *d = spp_json_first(drift); d; d = spp_json_next(d)) {
            spp_render_buf_puts(b, "<li><code>");
            h(b, spp_render_str(d, "instanceLocation"));
            spp_render_buf_printf(b, "</code> (%zu)</li>\n", spp_render_num(d, "count"));
        }
        spp_render_buf_puts(b, "</ul>\n");
    }
    spp_render_buf_puts(b, "</section>\n");
}

enum spp_code spp_render_html(const struct spp_json *report, const char *report_dir,
                              struct spp_render_buf *b)
{
    struct ctx x = {b, report_dir, 0};
    const char *verdict = spp_render_str(report, "verdict");
    const char *cls = strcmp(verdict, "pass") == 0   ? "pass"
                      : strcmp(verdict, "fail") == 0 ? "fail"
                                                     : "incomplete";
    const char *word = cls[0] == 'p' ? "PASS" : cls[0] == 'f' ? "FAIL" : "INCOMPLETE";
    spp_render_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                           "'none'; style-src 'unsafe-inline'\">\n<meta name=\"viewport\" "
                           "content=\"width=device-width, initial-scale=1\">\n");
    spp_render_buf_printf(b, "<title>spp-harness check: %s</title>\n", word);
    spp_render_buf_puts(b, style);
    spp_render_buf_puts(b, "</head>\n<body>\n");
    spp_render_buf_printf(b, "<header class=\"%s\" id=\"verdict\"><h1>spp-harness check: %s</h1>\n",
                          cls, word);
    spp_render_buf_printf(b, "<p>%zu failure(s) (%zu known) in %zu requests</p></header>\n",
                          spp_render_num(report, "failed"), spp_render_num(report, "known_failed"),
                          spp_render_num(report, "requests"));
    const struct spp_json *t = spp_json_get(report, "target"),
                          *c = spp_json_get(report, "contract");
    spp_render_buf_puts(b, "<dl class=\"run\">\n");
    dl_item(b, "target", spp_render_str(t, "base_url"));
    if (spp_json_bool(spp_json_get(t, "embedded_mock")))
        dl_item(b, "", "the embedded mock");
    dl_item(b, "ticket", spp_render_str(t, "ticket"));
    dl_item(b, "contract", spp_render_str(c, "file"));
    dl_item(b, "contract version", spp_render_str(c, "version"));
    dl_item(b, "contract sha256", spp_render_str(c, "sha256"));
    dl_item(b, "tool", spp_render_str(spp_json_get(report, "tool"), "version"));
    dl_item(b, "seed", spp_render_str(report, "seed"));
    dl_item(b, "started", spp_render_str(report, "started_at"));
    dl_item(b, "finished", spp_render_str(report, "finished_at"));
    const char *restored = spp_render_str(report, "restored");
    spp_render_buf_puts(b, "<dt>restored</dt><dd>");
    h(b, restored);
    const char *rm = spp_json_string(spp_json_get(report, "restore_message"), NULL);
    if (rm) {
        spp_render_buf_puts(b, " &#8212; ");
        h(b, rm);
    }
    spp_render_buf_puts(b, "</dd>\n");
    const char *fatal = spp_json_string(spp_json_get(report, "fatal"), NULL);
    if (fatal)
        dl_item(b, "did not complete", fatal);
    if (spp_json_bool(spp_json_get(report, "interrupted")))
        dl_item(b, "interrupted", "yes: the report is partial");
    spp_render_buf_puts(b, "</dl>\n");

    const struct spp_json *versions = spp_json_get(report, "versions");
    matrix(b, versions);
    size_t vi = 0;
    for (const struct spp_json *v = spp_json_first(versions); v; v = spp_json_next(v), vi++)
        version(&x, v, vi);
    spp_render_buf_puts(b, "<footer class=\"muted\"><p>Rendered from report.json by "
                           "spp-harness.</p></footer>\n</body>\n</html>\n");
    return SPP_OK;
}
