/*
 * `spp-harness report render|diff` and the formats `check` writes, through
 * the real binary: output, files and exit statuses (0 done / no new failure,
 * 1 new failure, 2 missing, unreadable or not a report).
 */
/* nftw (removing the temporary folders) is XSI. */
#define _XOPEN_SOURCE 700

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "render.h"
#include "report.h"

#define REPORTS SPP_TEST_DATA_DIR "/reports"
#define OUT_MAX (4 * 1024 * 1024)

struct result {
    int status;
    char *out, *err;
};

static char *slurp_fd(int fd)
{
    char *buf = malloc(OUT_MAX + 1);
    cr_assert(buf);
    size_t n = 0;
    ssize_t got;
    lseek(fd, 0, SEEK_SET);
    while (n < OUT_MAX && (got = read(fd, buf + n, OUT_MAX - n)) > 0)
        n += (size_t)got;
    buf[n] = '\0';
    return buf;
}

/* Runs spp-harness with args (NULL-terminated); stdout and stderr captured through files. */
static struct result run(const char *const *args)
{
    char outp[] = "/tmp/spp-rcli-out-XXXXXX", errp[] = "/tmp/spp-rcli-err-XXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp);
    cr_assert(ofd >= 0 && efd >= 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        const char *argv[32] = {SPP_HARNESS_BIN};
        size_t i = 1;
        for (; args[i - 1] && i < 31; i++)
            argv[i] = args[i - 1];
        argv[i] = NULL;
        execv(SPP_HARNESS_BIN, (char *const *)(void *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    struct result r = {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), slurp_fd(ofd),
                       slurp_fd(efd)};
    close(ofd);
    close(efd);
    unlink(outp);
    unlink(errp);
    return r;
}

static void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

#define RUN(r, ...)                                                                                \
    do {                                                                                           \
        const char *const a_[] = {__VA_ARGS__, NULL};                                              \
        r = run(a_);                                                                               \
    } while (0)

static char tmp[64];

static void make_tmp(void)
{
    snprintf(tmp, sizeof(tmp), "/tmp/spp-rcli-XXXXXX");
    cr_assert(mkdtemp(tmp));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

static void remove_tmp(void)
{
    if (tmp[0])
        nftw(tmp, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(report_cli, .init = make_tmp, .fini = remove_tmp);

static char *read_file(const char *path, size_t *len)
{
    char *buf = NULL;
    cr_assert_eq(spp_file_read(path, SPP_RENDER_MAX_BYTES, &buf, len, NULL), SPP_OK,
                 "cannot read %s", path);
    return buf;
}

/* ---- render --------------------------------------------------------------- */

Test(report_cli, render_writes_markdown_to_stdout)
{
    struct result r;
    RUN(r, "report", "render", REPORTS "/fail/report.json", "--format", "md");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "## spp-harness check:"));
    cr_assert(strstr(r.out, "FAIL"));
    cr_assert(strstr(r.out, "/order/client/address"));
    result_free(&r);
}

Test(report_cli, render_to_a_file_matches_the_library_byte_for_byte)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/page.html", tmp);
    struct result r;
    RUN(r, "report", "render", REPORTS "/fail/report.json", "--format", "html", "-o", path);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_empty(r.out);
    size_t len = 0, wlen = 0;
    char *got = read_file(path, &len), *want = NULL;
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_render_load(REPORTS "/fail/report.json", &doc, NULL), SPP_OK);
    cr_assert_eq(
        spp_render(spp_json_doc_root(doc), SPP_RENDER_HTML, REPORTS "/fail", &want, &wlen, NULL),
        SPP_OK);
    cr_assert(len == wlen && memcmp(got, want, len) == 0);
    cr_assert(strstr(got, "<details class=\"case\">"), "cases beside the report are embedded");
    free(got);
    free(want);
    spp_json_doc_free(doc);
    result_free(&r);
}

Test(report_cli, render_refuses_missing_files_non_reports_and_bad_formats)
{
    struct result r;
    RUN(r, "report", "render", "/nonexistent/report.json", "--format", "md");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "/nonexistent/report.json"), "%s", r.err);
    result_free(&r);
    RUN(r, "report", "render", SPP_TEST_DATA_DIR "/ticket_valid.json", "--format", "md");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "format_version"), "%s", r.err);
    result_free(&r);
    RUN(r, "report", "render", REPORTS "/pass/report.json", "--format", "pdf");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "pdf"), "%s", r.err);
    result_free(&r);
    RUN(r, "report", "render", REPORTS "/pass/report.json");
    cr_assert_eq(r.status, 2);
    result_free(&r);
    RUN(r, "report", "frobnicate");
    cr_assert_eq(r.status, 2);
    result_free(&r);
}

/* ---- diff ----------------------------------------------------------------- */

/* Writes the fail fixture plus one failing group in 2024-03-05 to tmp/injected/report.json. */
static void write_injected(char *path, size_t cap)
{
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_json_parse_file(REPORTS "/fail/report.json", NULL, &doc, NULL), SPP_OK);
    struct spp_json *root = spp_json_doc_take_root(doc);
    spp_json_doc_free(doc);
    struct spp_json *v0 = spp_json_at_mut(spp_json_get_mut(root, "versions"), 0);
    struct spp_json *g = spp_json_new_object();
    spp_json_set(g, "key", spp_json_new_string("response_schema_conformance|/tags/*|x#/type"));
    spp_json_set(g, "check", spp_json_new_string("response_schema_conformance"));
    spp_json_set(g, "instanceLocation", spp_json_new_string("/tags/*"));
    spp_json_set(g, "absoluteKeywordLocation", spp_json_new_string("x#/type"));
    spp_json_set(g, "message", spp_json_new_string("injected regression"));
    spp_json_set(g, "count", spp_json_new_number(4));
    spp_json_set(g, "known", spp_json_new_bool(false));
    spp_json_set(g, "examples", spp_json_new_array());
    cr_assert_eq(spp_json_append(spp_json_get_mut(v0, "groups"), g), SPP_OK);
    size_t len = 0;
    char *text = spp_json_print(root, true, &len);
    spp_json_free(root);
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/injected", tmp);
    cr_assert_eq(spp_mkdirs(dir, NULL), SPP_OK);
    snprintf(path, cap, "%s/report.json", dir);
    cr_assert_eq(spp_write_file(path, text, len, NULL), SPP_OK);
    free(text);
}

Test(report_cli, diff_of_a_report_with_itself_finds_nothing_new)
{
    struct result r;
    RUN(r, "report", "diff", REPORTS "/fail/report.json", REPORTS "/fail/report.json");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "no new failures"));
    cr_assert(strstr(r.out, "unchanged (1)"), "%s", r.out);
    result_free(&r);
}

Test(report_cli, diff_finds_an_injected_regression_and_exits_1)
{
    char injected[256];
    write_injected(injected, sizeof(injected));
    struct result r;
    RUN(r, "report", "diff", REPORTS "/fail/report.json", injected);
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "NEW FAILURES"));
    cr_assert(strstr(r.out, "newly failing (1)\n  [2024-03-05] response_schema_conformance at "
                            "/tags/* (0 -> 4): injected regression"),
              "%s", r.out);
    result_free(&r);

    RUN(r, "report", "diff", "--json", REPORTS "/fail/report.json", injected);
    cr_assert_eq(r.status, 1);
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_json_parse(r.out, strlen(r.out), NULL, &doc, NULL), SPP_OK, "%s", r.out);
    const struct spp_json *root = spp_json_doc_root(doc);
    cr_assert(spp_json_bool(spp_json_get(root, "regressed")));
    const struct spp_json *nf = spp_json_get(root, "new_failures");
    cr_assert_eq(spp_json_count(nf), 1);
    cr_assert_str_eq(spp_json_string(spp_json_get(spp_json_at(nf, 0), "instanceLocation"), NULL),
                     "/tags/*");
    spp_json_doc_free(doc);
    result_free(&r);
}

Test(report_cli, diff_reports_the_reverse_as_fixed_and_exits_0)
{
    char injected[256];
    write_injected(injected, sizeof(injected));
    struct result r;
    RUN(r, "report", "diff", injected, REPORTS "/fail/report.json");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "fixed (1)\n  [2024-03-05] response_schema_conformance at /tags/*"),
              "%s", r.out);
    result_free(&r);
}

Test(report_cli, diff_exits_2_when_a_report_is_missing_or_malformed)
{
    struct result r;
    RUN(r, "report", "diff", REPORTS "/fail/report.json", "/nonexistent/report.json");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "/nonexistent/report.json"), "%s", r.err);
    result_free(&r);
    char path[128];
    snprintf(path, sizeof(path), "%s/broken.json", tmp);
    const char *broken = "{\"format_version\": 1, \"versions\"";
    cr_assert_eq(spp_write_file(path, broken, strlen(broken), NULL), SPP_OK);
    RUN(r, "report", "diff", path, REPORTS "/fail/report.json");
    cr_assert_eq(r.status, 2);
    result_free(&r);
    RUN(r, "report", "diff", REPORTS "/fail/report.json");
    cr_assert_eq(r.status, 2);
    result_free(&r);
}

/* ---- check writes the formats beside report.json ------------------------- */

Test(report_cli, check_writes_every_format_identical_to_render)
{
    struct result r;
    RUN(r, "check", "--report-dir", tmp, "--max-requests", "20", "-q");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    result_free(&r);
    static const char *const formats[] = {"junit", "md", "html"};
    static const char *const files[] = {"junit.xml", "report.md", "report.html"};
    char report[128];
    snprintf(report, sizeof(report), "%s/report.json", tmp);
    for (size_t i = 0; i < 3; i++) {
        char written[128], again[128];
        snprintf(written, sizeof(written), "%s/%s", tmp, files[i]);
        snprintf(again, sizeof(again), "%s/again-%s", tmp, files[i]);
        RUN(r, "report", "render", report, "--format", formats[i], "-o", again);
        cr_assert_eq(r.status, 0, "%s", r.err);
        result_free(&r);
        size_t la = 0, lb = 0;
        char *a = read_file(written, &la), *b = read_file(again, &lb);
        cr_assert(la == lb && memcmp(a, b, la) == 0, "%s differs from report render", files[i]);
        free(a);
        free(b);
    }
}
