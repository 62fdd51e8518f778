/*
 * test_check — integration tests of `spp-harness check`, the real binary.
 *
 * Each test starts its target IN this process — the embedded mock through
 * spp_mock_start (port 0, our token, faults parsed with the mock's own fault
 * API), or a hostile raw-socket server (support/rawserver), or a recorder
 * that logs every request (support/recorder) — then runs SPP_HARNESS_BIN with
 * posix_spawn in a controlled environment (SPP_TOKEN, SPP_CONTRACTS_DIR, PATH
 * and the sanitizer options only), stdout and stderr captured into files of a
 * temporary folder, and reads the report.json it wrote.
 *
 * Every run, whatever its test, is also checked for: no sanitizer report in
 * the child's stderr, the token in no file of the report folder and in no
 * output, and a report.json (when there is one) that validates against
 * contracts/report.schema.json with the project's own validator.
 *
 * No fixed sleeps: the servers are ready when their start function returns;
 * waiting for the child (or, in the Ctrl-C test, for its first progress line)
 * polls a condition with short naps and a deadline.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "json.h"
#include "mock.h"
#include "report.h"
#include "schema.h"
#include "support/rawserver.h"
#include "support/recorder.h"

#define TOKEN       "spp-check-test-token-7d3f0a91c2e4"
#define TICKET_PATH "/api/tickets/E4A269FC"
/* No child run of these tests should come near this; past it the child is killed. */
#define CHILD_DEADLINE_S 120.0

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}
static void teardown(void)
{
    curl_global_cleanup();
}
/* No Criterion .timeout: with --jobs=2 its watchdog leaks 48 bytes in the runner, which the
 * suite's LeakSanitizer rule would count as a failure. CTest's TIMEOUT and each child's
 * deadline (CHILD_DEADLINE_S) bound the tests instead. */
TestSuite(check, .init = setup, .fini = teardown);

/* ---- small utilities ----------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The whole file (NUL-terminated) or NULL. */
static char *slurp(const char *path, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    if (spp_file_read(path, (size_t)256 * 1024 * 1024, &buf, &n, NULL) != SPP_OK)
        return NULL;
    if (len)
        *len = n;
    return buf;
}

static bool write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text, 1, strlen(text), f) == strlen(text);
    return fclose(f) == 0 && ok;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char sub[4096];
            snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
            rm_rf(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* needle occurs in the len bytes of hay (which may hold NULs): memmem is not POSIX. */
static bool contains(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n && i + n <= len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

/* The first file under dir (recursively) that contains needle, copied into hit; false if none. */
static bool find_in_tree(const char *dir, const char *needle, char *hit, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *de;
    bool found = false;
    while (!found && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(sub, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            found = find_in_tree(sub, needle, hit, cap);
        } else if (S_ISREG(st.st_mode)) {
            size_t len = 0;
            char *text = slurp(sub, &len);
            if (text && contains(text, len, needle)) {
                snprintf(hit, cap, "%s", sub);
                found = true;
            }
            free(text);
        }
    }
    closedir(d);
    return found;
}

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    if (d)
        closedir(d);
    return n;
}

/* ---- talking to a server directly (libcurl) ------------------------------------------------ */

struct fetched {
    CURLcode rc;
    long status;
    char *body;
    size_t len;
    char ctype[128], id[128], version[64];
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct fetched *f = ud;
    char *nb = realloc(f->body, f->len + sz * n + 1);
    if (!nb)
        return 0;
    memcpy(nb + f->len, p, sz * n);
    f->body = nb;
    f->len += sz * n;
    f->body[f->len] = '\0';
    return sz * n;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    const char *end = line + len;
    while (v < end && *v == ' ')
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    snprintf(out, cap, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct fetched *f = ud;
    header_value(p, sz * n, "Content-Type", f->ctype, sizeof(f->ctype));
    header_value(p, sz * n, "X-Api-Identifier", f->id, sizeof(f->id));
    header_value(p, sz * n, "X-Api-Version", f->version, sizeof(f->version));
    return sz * n;
}

/* PUT {} to the ticket: reads the ticket without changing it. */
static void put_empty(const char *base, const char *token, struct fetched *f)
{
    memset(f, 0, sizeof(*f));
    char url[512], auth[256];
    snprintf(url, sizeof(url), "%s%s", base, TICKET_PATH);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Accept: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, f);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    f->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

static void fetched_free(struct fetched *f)
{
    free(f->body);
    f->body = NULL;
}

/* ---- the mock ------------------------------------------------------------------------------ */

static struct spp_mock *start_mock(const char *const *specs, size_t n)
{
    struct spp_mock_fault faults[8];
    cr_assert(n <= 8);
    for (size_t i = 0; i < n; i++) {
        struct spp_err err;
        cr_assert_eq(spp_mock_fault_parse(specs[i], &faults[i], &err), SPP_OK,
                     "fault spec '%s' does not parse: %s", specs[i], err.msg);
    }
    struct spp_mock_opts o = {.token = TOKEN, .faults = faults, .nfaults = n};
    struct spp_mock *m = NULL;
    struct spp_err err;
    cr_assert_eq(spp_mock_start(&o, &m, &err), SPP_OK, "mock: %s", err.msg);
    return m;
}

/* The check the mock's fault table says must catch a fault ("" for drift-only faults). */
static const char *check_for_fault(const char *spec)
{
    struct spp_mock_fault f;
    cr_assert_eq(spp_mock_fault_parse(spec, &f, NULL), SPP_OK);
    const struct spp_mock_fault_info *info = spp_mock_fault_info(f.kind);
    cr_assert_not_null(info);
    return info->check;
}

/* A real 200 from the mock as raw HTTP/1.1 bytes (malloc'd), for the scripted servers. */
static char *real_200(bool close_after, char **body_out)
{
    struct spp_mock *m = start_mock(NULL, 0);
    struct fetched f;
    put_empty(spp_mock_url(m), TOKEN, &f);
    spp_mock_stop(m);
    cr_assert_eq(f.rc, CURLE_OK);
    cr_assert_eq(f.status, 200);
    size_t cap = f.len + 1024;
    char *raw = malloc(cap);
    cr_assert_not_null(raw);
    int w = snprintf(raw, cap,
                     "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nX-Api-Identifier: %s\r\n"
                     "X-Api-Version: %s\r\nContent-Length: %zu\r\n%s\r\n%s",
                     f.ctype, f.id, f.version, f.len, close_after ? "Connection: close\r\n" : "",
                     f.body);
    cr_assert(w > 0 && (size_t)w < cap);
    if (body_out)
        *body_out = f.body;
    else
        fetched_free(&f);
    return raw;
}

/* A 200 with the mock's headers around any body (malloc'd). */
static char *raw_200_with(const char *body, size_t len)
{
    size_t cap = len + 512;
    char *raw = malloc(cap);
    cr_assert_not_null(raw);
    int w = snprintf(raw, cap,
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "X-Api-Identifier: 6f1c0b5e-3d2a-4c4b-9a7e-0d1f2e3a4b5c\r\n"
                     "X-Api-Version: 20240305\r\nContent-Length: %zu\r\n\r\n",
                     len);
    cr_assert(w > 0 && (size_t)w + len < cap);
    memcpy(raw + w, body, len);
    raw[(size_t)w + len] = '\0';
    return raw;
}

/* ---- running the binary -------------------------------------------------------------------- */

struct run {
    char dir[256]; /* temporary folder of this run */
    char rep[320]; /* dir/rep: the --report-dir */
    int status;    /* exit status; -1 when killed by a signal */
    char *out, *err;
    struct spp_json_doc *report; /* NULL when no report.json was written */
    double seconds;
};

static void run_init(struct run *r)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->dir, sizeof(r->dir), "/tmp/spp-test-check-XXXXXX");
    cr_assert_not_null(mkdtemp(r->dir), "mkdtemp: %s", strerror(errno));
    snprintf(r->rep, sizeof(r->rep), "%s/rep", r->dir);
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    spp_json_doc_free(r->report);
    r->out = r->err = NULL;
    r->report = NULL;
    if (r->dir[0])
        rm_rf(r->dir);
}

/* Starts `spp-harness check --report-dir DIR/rep ARGS...`; token NULL: no SPP_TOKEN at all. */
static pid_t spawn_check(struct run *r, const char *token, const char *const *args)
{
    const char *argv[64];
    size_t n = 0;
    argv[n++] = SPP_HARNESS_BIN;
    argv[n++] = "check";
    argv[n++] = "--report-dir";
    argv[n++] = r->rep;
    for (size_t i = 0; args && args[i]; i++) {
        cr_assert(n < 62);
        argv[n++] = args[i];
    }
    argv[n] = NULL;

    char envbuf[6][1024];
    char *envp[8];
    size_t ne = 0;
    if (token) {
        snprintf(envbuf[ne], sizeof(envbuf[ne]), "SPP_TOKEN=%s", token);
        envp[ne] = envbuf[ne];
        ne++;
    }
    snprintf(envbuf[ne], sizeof(envbuf[ne]), "SPP_CONTRACTS_DIR=%s", SPP_CONTRACTS_DIR);
    envp[ne] = envbuf[ne];
    ne++;
    snprintf(envbuf[ne], sizeof(envbuf[ne]), "PATH=/usr/bin:/bin");
    envp[ne] = envbuf[ne];
    ne++;
    static const char *const pass[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(pass[i]);
        if (!v)
            continue;
        snprintf(envbuf[ne], sizeof(envbuf[ne]), "%s=%s", pass[i], v);
        envp[ne] = envbuf[ne];
        ne++;
    }
    envp[ne] = NULL;

    char outp[400], errp[400];
    snprintf(outp, sizeof(outp), "%s/stdout", r->dir);
    snprintf(errp, sizeof(errp), "%s/stderr", r->dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t none, deflt;
    sigemptyset(&none);
    sigemptyset(&deflt);
    sigaddset(&deflt, SIGINT);
    sigaddset(&deflt, SIGTERM);
    sigaddset(&deflt, SIGPIPE);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &deflt);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, SPP_HARNESS_BIN, &fa, &at, (char *const *)(uintptr_t)argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    cr_assert_eq(rc, 0, "posix_spawn %s: %s", SPP_HARNESS_BIN, strerror(rc));
    r->seconds = now_s();
    return pid;
}

static void assert_report_valid(const struct run *r)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/report.schema.json", SPP_CONTRACTS_DIR);
    struct spp_json_doc *sdoc = NULL;
    struct spp_err err;
    cr_assert_eq(spp_json_parse_file(path, NULL, &sdoc, &err), SPP_OK, "%s: %s", path, err.msg);
    struct spp_schema *s = NULL;
    cr_assert_eq(spp_schema_compile(spp_json_doc_root(sdoc), NULL, NULL, &s, &err), SPP_OK,
                 "report.schema.json does not compile: %s at %s", err.msg, err.where);
    struct spp_schema_result res;
    spp_schema_validate(s, NULL, spp_json_doc_root(r->report), &res);
    char first[1024] = "";
    if (res.count)
        snprintf(first, sizeof(first), "%s at %s (%s)", res.errors[0].message,
                 res.errors[0].instance_location, res.errors[0].keyword_location);
    bool valid = res.valid;
    size_t count = res.count;
    spp_schema_result_free(&res);
    spp_schema_free(s);
    spp_json_doc_free(sdoc);
    cr_assert(valid, "report.json of %s breaks report.schema.json (%zu errors), first: %s", r->rep,
              count, first);
}

/*
 * Every .json file the run wrote (report.json, case files; not the corpus, which keeps the
 * server's exact bytes) is JSON a strict reader accepts: it parses and carries no policy
 * issue (invalid UTF-8, duplicate keys, ...), whatever the server sent.
 */
static void assert_json_files_clean(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "corpus") == 0)
            continue;
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(sub, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            assert_json_files_clean(sub);
            continue;
        }
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        struct spp_json_doc *doc = NULL;
        struct spp_err err;
        cr_assert_eq(spp_json_parse_file(sub, NULL, &doc, &err), SPP_OK, "%s: %s", sub, err.msg);
        size_t nissues = 0;
        const struct spp_json_issue *is = spp_json_doc_issues(doc, &nissues, NULL);
        char first[512] = "";
        if (nissues)
            snprintf(first, sizeof(first), "%s at %s", spp_json_issue_message(is[0].kind),
                     is[0].pointer);
        spp_json_doc_free(doc);
        cr_assert_eq(nissues, 0, "%s is not clean JSON: %s", sub, first);
    }
    closedir(d);
}

/* Waits for the child (deadline, then SIGKILL), reads outputs and report, runs the invariants. */
static void wait_check(struct run *r, pid_t pid, const char *token)
{
    int ws = 0;
    for (;;) {
        pid_t w = waitpid(pid, &ws, WNOHANG);
        if (w == pid)
            break;
        cr_assert(w == 0 || errno == EINTR, "waitpid: %s", strerror(errno));
        if (now_s() - r->seconds > CHILD_DEADLINE_S) {
            kill(pid, SIGKILL);
            waitpid(pid, &ws, 0);
            cr_assert_fail("spp-harness check did not finish within %.0f s", CHILD_DEADLINE_S);
        }
        nap_ms(10);
    }
    r->seconds = now_s() - r->seconds;
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    char path[512];
    snprintf(path, sizeof(path), "%s/stdout", r->dir);
    r->out = slurp(path, NULL);
    snprintf(path, sizeof(path), "%s/stderr", r->dir);
    r->err = slurp(path, NULL);
    cr_assert_not_null(r->out);
    cr_assert_not_null(r->err);
    cr_assert(!strstr(r->err, "Sanitizer") && !strstr(r->err, "runtime error"),
              "the child reported a sanitizer error:\n%s", r->err);
    cr_assert(r->status >= 0, "the child died of a signal (%d)", WTERMSIG(ws));
    snprintf(path, sizeof(path), "%s/report.json", r->rep);
    if (access(path, F_OK) == 0) {
        struct spp_err err;
        cr_assert_eq(spp_json_parse_file(path, NULL, &r->report, &err), SPP_OK,
                     "report.json is not JSON: %s", err.msg);
        assert_report_valid(r);
    }
    assert_json_files_clean(r->rep);
    if (token) {
        char hit[4096];
        cr_assert(!find_in_tree(r->dir, token, hit, sizeof(hit)), "the token leaked into %s", hit);
    }
}

static void run_check(struct run *r, const char *token, const char *const *args)
{
    pid_t pid = spawn_check(r, token, args);
    wait_check(r, pid, token);
}

/* ---- reading the report -------------------------------------------------------------------- */

static const struct spp_json *report_root(const struct run *r)
{
    cr_assert_not_null(r->report, "no report.json in %s (stderr: %s)", r->rep, r->err);
    return spp_json_doc_root(r->report);
}

static const struct spp_json *version_at(const struct run *r, size_t i)
{
    const struct spp_json *v = spp_json_at(spp_json_get(report_root(r), "versions"), i);
    cr_assert_not_null(v, "report has no version section %zu", i);
    return v;
}

static double count_of(const struct spp_json *ver, const char *check, const char *field)
{
    for (const struct spp_json *c = spp_json_first(spp_json_get(ver, "checks")); c;
         c = spp_json_next(c))
        if (strcmp(spp_json_string(spp_json_get(c, "name"), NULL), check) == 0)
            return spp_json_number(spp_json_get(c, field));
    cr_assert_fail("no check %s in the report", check);
    return 0;
}

static const char *str_of(const struct spp_json *o, const char *k)
{
    const char *s = spp_json_string(spp_json_get(o, k), NULL);
    return s ? s : "";
}

/* Every check but `only` (NULL: every check) has failed == 0 in ver. */
static void assert_no_other_failures(const struct spp_json *ver, const char *only,
                                     const char *context)
{
    for (const struct spp_json *c = spp_json_first(spp_json_get(ver, "checks")); c;
         c = spp_json_next(c)) {
        const char *name = str_of(c, "name");
        if (only && strcmp(name, only) == 0)
            continue;
        if (spp_json_number(spp_json_get(c, "failed")) == 0)
            continue;
        const char *msg = "", *where = "";
        for (const struct spp_json *g = spp_json_first(spp_json_get(ver, "groups")); g;
             g = spp_json_next(g))
            if (strcmp(str_of(g, "check"), name) == 0) {
                msg = str_of(g, "message");
                where = str_of(g, "instanceLocation");
                break;
            }
        cr_assert_fail("%s: check %s also failed %.0f times (first group: \"%s\" at \"%s\")",
                       context, name, spp_json_number(spp_json_get(c, "failed")), msg, where);
    }
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The first group of check whose location and message match (NULL arguments match anything). */
static const struct spp_json *find_group(const struct spp_json *ver, const char *check,
                                         const char *instance, const char *abs_suffix,
                                         const char *message)
{
    for (const struct spp_json *g = spp_json_first(spp_json_get(ver, "groups")); g;
         g = spp_json_next(g)) {
        if (strcmp(str_of(g, "check"), check) != 0)
            continue;
        if (instance && strcmp(str_of(g, "instanceLocation"), instance) != 0)
            continue;
        if (abs_suffix && !ends_with(str_of(g, "absoluteKeywordLocation"), abs_suffix))
            continue;
        if (message && !strstr(str_of(g, "message"), message))
            continue;
        return g;
    }
    return NULL;
}

/* Lists the groups of a version for failure messages. */
static void groups_text(const struct spp_json *ver, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (const struct spp_json *g = spp_json_first(spp_json_get(ver, "groups")); g && o + 1 < cap;
         g = spp_json_next(g)) {
        int w = snprintf(out + o, cap - o, "\n  %s | %s | %s | %s", str_of(g, "check"),
                         str_of(g, "instanceLocation"), str_of(g, "absoluteKeywordLocation"),
                         str_of(g, "message"));
        if (w < 0)
            break;
        o += (size_t)w < cap - o ? (size_t)w : cap - o - 1;
    }
}

/* The first example case file of a group exists, is JSON and names the group's check. */
static void assert_case_file(const struct run *r, const struct spp_json *group)
{
    const char *example = spp_json_string(spp_json_at(spp_json_get(group, "examples"), 0), NULL);
    cr_assert_not_null(example, "group %s has no example case file", str_of(group, "key"));
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", r->rep, example);
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_json_parse_file(path, NULL, &doc, NULL), SPP_OK, "case file %s", path);
    cr_expect_str_eq(str_of(spp_json_doc_root(doc), "check"), str_of(group, "check"));
    spp_json_doc_free(doc);
}

/* ---- a conformant mock ----------------------------------------------------------------------- */

Test(check, passes_every_default_check_against_a_conformant_mock)
{
    struct spp_mock *m = start_mock(NULL, 0);
    struct run r;
    run_init(&r);
    const char *args[] = {
        "--base-url", spp_mock_url(m), "--max-requests", "50", "--timeout", "2", "-q", NULL};
    run_check(&r, TOKEN, args);
    spp_mock_stop(m);
    const struct spp_json *root = report_root(&r);
    const struct spp_json *ver = version_at(&r, 0);
    char groups[4096];
    groups_text(ver, groups, sizeof(groups));
    cr_assert_eq(r.status, 0, "exit %d, stderr: %s, groups:%s", r.status, r.err, groups);
    cr_assert(strstr(r.out, "check: PASS"), "stdout: %s", r.out);
    cr_assert_eq(spp_json_number(spp_json_get(root, "failed")), 0);
    cr_assert_str_eq(str_of(root, "verdict"), "pass");
    cr_assert_str_eq(str_of(root, "restored"), "yes");
    cr_assert_eq(spp_json_number(spp_json_get(root, "requests")), 51, "50 + the restore");
    assert_no_other_failures(ver, NULL, "conformant mock");
    static const char *const must_pass[] = {"not_a_server_error",
                                            "status_code_conformance",
                                            "content_type_conformance",
                                            "response_headers_conformance",
                                            "response_schema_conformance",
                                            "negative_data_rejection",
                                            "ignored_auth",
                                            "not_found_conformance",
                                            "update_applied",
                                            "omitted_fields_unchanged",
                                            "transport_error"};
    for (size_t i = 0; i < sizeof(must_pass) / sizeof(must_pass[0]); i++)
        cr_expect_gt(count_of(ver, must_pass[i], "passed"), 0, "%s never passed", must_pass[i]);
    cr_expect_eq(spp_json_kind(spp_json_get(ver, "drift")), SPP_JSON_ARRAY);
    cr_expect_eq(spp_json_count(spp_json_get(ver, "drift")), 0, "a conformant mock has no drift");
    run_free(&r);
}

/* ---- each fault trips its check, at its location, and nothing else ------------------------- */

struct expect {
    const char *fault;
    const char *instance;   /* the group's instanceLocation; NULL: not checked */
    const char *abs_suffix; /* its absoluteKeywordLocation ends with this; NULL: not checked */
    const char *message;    /* its message contains this; NULL: not checked */
};

static void expect_fault(const struct expect *e, const char *const *extra)
{
    const char *check = check_for_fault(e->fault);
    cr_assert(check[0], "fault %s is drift-only; use the drift test", e->fault);
    struct spp_mock *m = start_mock(&e->fault, 1);
    struct run r;
    run_init(&r);
    const char *args[32] = {"--base-url", spp_mock_url(m), "--max-requests", "50", "--timeout", "2",
                            "-q"};
    size_t n = 7;
    for (size_t i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    run_check(&r, TOKEN, args);
    spp_mock_stop(m);
    const struct spp_json *root = report_root(&r);
    const struct spp_json *ver = version_at(&r, 0);
    char groups[8192];
    groups_text(ver, groups, sizeof(groups));
    cr_assert_eq(r.status, 1, "fault %s: exit %d (stderr: %s)", e->fault, r.status, r.err);
    cr_assert(strstr(r.out, "check: FAIL"), "stdout: %s", r.out);
    cr_assert_gt(spp_json_number(spp_json_get(root, "failed")), 0);
    cr_assert_gt(count_of(ver, check, "failed"), 0, "fault %s did not trip %s; groups:%s", e->fault,
                 check, groups);
    assert_no_other_failures(ver, check, e->fault);
    const struct spp_json *g = find_group(ver, check, e->instance, e->abs_suffix, e->message);
    cr_assert_not_null(g,
                       "fault %s: no %s group at instance \"%s\", keyword \"...%s\", message "
                       "\"%s\"; groups:%s",
                       e->fault, check, e->instance ? e->instance : "*",
                       e->abs_suffix ? e->abs_suffix : "*", e->message ? e->message : "*", groups);
    assert_case_file(&r, g);
    run_free(&r);
}

Test(check, catches_a_dropped_nested_field_at_its_object)
{
    struct expect e = {"drop:/order/client/address/postcode", "/order/client/address",
                       "#/components/schemas/Address/required", "postcode"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_dropped_top_level_field)
{
    struct expect e = {"drop:/subject", "", "#/components/schemas/TicketResource/required",
                       "subject"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_retyped_field_at_the_field)
{
    struct expect e = {"retype:/subject", "/subject",
                       "#/components/schemas/TicketResource/properties/subject/type", NULL};
    expect_fault(&e, NULL);
}

Test(check, catches_a_retyped_array_at_the_field)
{
    struct expect e = {"retype:/tags", "/tags",
                       "#/components/schemas/TicketResource/properties/tags/type", NULL};
    expect_fault(&e, NULL);
}

Test(check, catches_a_bad_date_at_the_field)
{
    struct expect e = {"bad-date:/created_at", "/created_at", "/properties/created_at/format",
                       "date-time"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_bad_nested_date_at_the_field)
{
    struct expect e = {"bad-date:/order/client/created_at", "/order/client/created_at",
                       "#/components/schemas/User/properties/created_at/format", NULL};
    expect_fault(&e, NULL);
}

Test(check, catches_an_array_body)
{
    struct expect e = {"body-array", "", "#/components/schemas/TicketResource/type", "array"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_truncated_body)
{
    struct expect e = {"body-truncated", "", NULL, "not whole JSON"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_wrong_content_type)
{
    struct expect e = {"content-type:text/plain", NULL, NULL, "text/plain"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_missing_api_identifier_header)
{
    struct expect e = {"no-header:X-Api-Identifier", NULL, NULL, "X-Api-Identifier"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_missing_api_version_header)
{
    struct expect e = {"no-header:X-Api-Version", NULL, NULL, "X-Api-Version"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_server_that_accepts_invalid_bodies)
{
    struct expect e = {"accept-invalid", NULL, NULL, "breaks SaveTicketRequest"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_server_that_ignores_auth)
{
    struct expect e = {"ignore-auth", NULL, NULL, "not 401"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_server_that_finds_unknown_tickets)
{
    struct expect e = {"found-unknown", NULL, NULL, "not 404"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_500_on_a_boundary_subject)
{
    struct expect e = {"error-500:subject", NULL, NULL, "500"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_500_on_boundary_employees)
{
    struct expect e = {"error-500:employees", NULL, NULL, "500"};
    expect_fault(&e, NULL);
}

Test(check, catches_an_update_that_is_not_applied)
{
    struct expect e = {"no-update:subject", "/subject", NULL, "subject"};
    expect_fault(&e, NULL);
}

Test(check, catches_an_omitted_field_that_is_reset)
{
    struct expect e = {"reset-omitted:tags", "/tags", NULL, "did not send"};
    expect_fault(&e, NULL);
}

Test(check, catches_an_undocumented_status)
{
    struct expect e = {"status:418", NULL, NULL, "418"};
    expect_fault(&e, NULL);
}

Test(check, catches_a_connection_closed_mid_body)
{
    struct expect e = {"close-mid-body", NULL, NULL, NULL};
    expect_fault(&e, NULL);
}

Test(check, catches_a_slow_answer_with_the_opt_in_check)
{
    struct expect e = {"delay:150", NULL, NULL, "more than 100 ms"};
    const char *extra[] = {
        "--checks", "max_response_time", "--max-response-time", "100", "--max-requests", "8", NULL};
    expect_fault(&e, extra);
}

Test(check, reports_an_extra_field_as_drift_not_as_a_failure)
{
    const char *spec = "extra-field:/order/client/nickname";
    cr_assert_str_eq(check_for_fault(spec), "", "the fault table calls extra-field drift");
    struct spp_mock *m = start_mock(&spec, 1);
    struct run r;
    run_init(&r);
    const char *args[] = {
        "--base-url", spp_mock_url(m), "--max-requests", "30", "--timeout", "2", "-q", NULL};
    run_check(&r, TOKEN, args);
    spp_mock_stop(m);
    const struct spp_json *ver = version_at(&r, 0);
    char groups[4096];
    groups_text(ver, groups, sizeof(groups));
    cr_assert_eq(r.status, 0, "exit %d; groups:%s", r.status, groups);
    cr_assert_eq(spp_json_number(spp_json_get(report_root(&r), "failed")), 0);
    bool found = false;
    for (const struct spp_json *d = spp_json_first(spp_json_get(ver, "drift")); d;
         d = spp_json_next(d))
        if (strcmp(str_of(d, "instanceLocation"), "/order/client/nickname") == 0 &&
            spp_json_number(spp_json_get(d, "count")) > 0)
            found = true;
    cr_assert(found, "no drift at /order/client/nickname");
    cr_assert_eq(spp_json_count(spp_json_get(ver, "drift")), 1, "drift elsewhere too");
    run_free(&r);
}

/* ---- API versions -------------------------------------------------------------------------- */

Test(check, puts_a_fault_of_one_api_version_in_that_version_only)
{
    const char *spec = "drop:/subject@2023-12-14";
    struct spp_mock *m = start_mock(&spec, 1);
    struct run r;
    run_init(&r);
    const char *args[] = {"--base-url",
                          spp_mock_url(m),
                          "--api-version",
                          "2024-03-05,2023-12-14",
                          "--max-requests",
                          "40",
                          "--timeout",
                          "2",
                          "-q",
                          NULL};
    run_check(&r, TOKEN, args);
    spp_mock_stop(m);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    cr_assert_eq(spp_json_count(spp_json_get(report_root(&r), "versions")), 2);
    const struct spp_json *v0 = version_at(&r, 0), *v1 = version_at(&r, 1);
    cr_assert_str_eq(str_of(v0, "requested"), "2024-03-05");
    cr_assert_str_eq(str_of(v1, "requested"), "2023-12-14");
    cr_expect_str_eq(str_of(v0, "reported"), "20240305");
    cr_expect_str_eq(str_of(v1, "reported"), "20231214");
    assert_no_other_failures(v0, NULL, "version 2024-03-05");
    cr_assert_gt(count_of(v0, "response_schema_conformance", "passed"), 0);
    cr_assert_gt(count_of(v1, "response_schema_conformance", "failed"), 0);
    assert_no_other_failures(v1, "response_schema_conformance", "version 2023-12-14");
    cr_assert_not_null(find_group(v1, "response_schema_conformance", "",
                                  "#/components/schemas/TicketResource/required", "subject"));
    run_free(&r);
}

/* ---- same seed, same requests -------------------------------------------------------------- */

/*
 * The requests are observed on the wire: a recorder answers every request
 * with one real 200 of the mock and logs method, target and body in arrival
 * order (the run sends one request at a time). Case files would not do — a
 * group keeps only three examples — and a plan log would be a new engine
 * option written only for this test.
 */
static char *recorded_run(const char *seed, const char *max_requests, size_t *requests)
{
    char *response = real_200(false, NULL);
    struct recorder *rec = recorder_start(response, strlen(response));
    cr_assert_not_null(rec);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)recorder_port(rec));
    struct run r;
    run_init(&r);
    const char *args[] = {"--base-url", url,         "--seed", seed, "--max-requests",
                          max_requests, "--timeout", "2",      "-q", NULL};
    run_check(&r, TOKEN, args);
    size_t len = 0;
    char *log = recorder_log(rec, &len, requests);
    recorder_stop(rec);
    free(response);
    cr_assert_eq(r.status, 1, "a server that never changes its ticket fails update_applied");
    run_free(&r);
    cr_assert_not_null(log);
    return log;
}

Test(check, sends_the_same_requests_in_the_same_order_for_the_same_seed)
{
    size_t n1 = 0, n2 = 0, n3 = 0;
    char *a = recorded_run("7", "40", &n1);
    char *b = recorded_run("7", "40", &n2);
    char *c = recorded_run("8", "40", &n3);
    cr_assert_eq(n1, 41, "40 requests and the restore, got %zu", n1);
    cr_assert_eq(n1, n2);
    cr_assert_str_eq(a, b, "two runs with --seed 7 sent different requests");
    cr_assert(strstr(a, "spp-harness check 7"), "the seed shows in the update bodies");
    cr_assert_str_neq(a, c, "--seed 8 sent the same requests as --seed 7");
    free(a);
    free(b);
    free(c);
}

/* The mutated part of a log: what follows the last fixed case (the last negative body). */
static const char *mutated_part(const char *log)
{
    const char *marker = "{\"subject\":\"x\"} x\n\n";
    const char *p = strstr(log, marker);
    cr_assert_not_null(p, "the fixed plan did not finish within the budget");
    return p + strlen(marker);
}

/*
 * The fixed plan takes ~80 requests before mutation starts, so this pair needs
 * a budget of 110; against the recorder that is still well under a second.
 */
Test(check, mutates_the_same_way_for_the_same_seed_and_differently_for_another)
{
    size_t n1 = 0, n2 = 0, n3 = 0;
    char *a = recorded_run("7", "110", &n1);
    char *b = recorded_run("7", "110", &n2);
    char *c = recorded_run("8", "110", &n3);
    const char *ma = mutated_part(a), *mb = mutated_part(b), *mc = mutated_part(c);
    cr_assert_gt(strlen(ma), 100, "too few mutated requests to compare");
    cr_assert_str_eq(ma, mb, "same seed, different mutations");
    cr_assert_str_neq(ma, mc, "different seeds, same mutations");
    free(a);
    free(b);
    free(c);
}

/* ---- the token ----------------------------------------------------------------------------- */

Test(check, never_writes_the_token_even_in_failure_evidence)
{
    /* Faults that put answers into case files: a bad body, a bad status, lax auth. */
    const char *specs[] = {"retype:/subject", "ignore-auth", "accept-invalid"};
    struct spp_mock *m = start_mock(specs, 3);
    struct run r;
    run_init(&r);
    char corpus[400];
    snprintf(corpus, sizeof(corpus), "%s/rep/corpus", r.dir);
    const char *args[] = {
        "--base-url", spp_mock_url(m), "--max-requests", "50", "--timeout",
        "2",          "--save-corpus", corpus,           NULL}; /* not quiet: progress too */
    run_check(&r, TOKEN, args); /* wait_check greps every file and both outputs */
    spp_mock_stop(m);
    cr_assert_eq(r.status, 1);
    char cases[400];
    snprintf(cases, sizeof(cases), "%s/cases", r.rep);
    cr_assert_gt(count_files(cases), 2, "the run saved case files");
    cr_assert_gt(count_files(corpus), 0, "the run saved a corpus");
    char hit[4096];
    cr_assert(!find_in_tree(r.dir, TOKEN, hit, sizeof(hit)), "token in %s", hit);
    cr_assert(!strstr(r.out, TOKEN) && !strstr(r.err, TOKEN));
    run_free(&r);
}

/* ---- Ctrl-C -------------------------------------------------------------------------------- */

static bool file_contains(const char *path, const char *needle)
{
    char *text = slurp(path, NULL);
    bool yes = text && strstr(text, needle);
    free(text);
    return yes;
}

static const struct spp_json *member(const struct spp_json_doc *d, const char *k)
{
    return spp_json_get(spp_json_doc_root(d), k);
}

Test(check, restores_the_ticket_and_exits_3_when_interrupted)
{
    const char *spec = "delay:200";
    struct spp_mock *m = start_mock(&spec, 1);
    struct fetched before;
    put_empty(spp_mock_url(m), TOKEN, &before);
    cr_assert_eq(before.status, 200);
    struct run r;
    run_init(&r);
    char map_path[400];
    snprintf(map_path, sizeof(map_path), "%s/status-map.json", r.dir);
    char *map = spp_mock_status_map_json();
    cr_assert(map && write_text(map_path, map));
    free(map);
    const char *args[] = {
        "--base-url", spp_mock_url(m), "--max-requests", "100000", "--duration", "600", "--timeout",
        "5",          "--status-map",  map_path,         NULL};
    pid_t pid = spawn_check(&r, TOKEN, args);
    /* Ready to interrupt once the child has judged a request: its first progress line. */
    char errp[400];
    snprintf(errp, sizeof(errp), "%s/stderr", r.dir);
    double t0 = now_s();
    while (!file_contains(errp, "requests")) {
        if (now_s() - t0 > 60) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            cr_assert_fail("no progress from the child within 60 s");
        }
        nap_ms(20);
    }
    cr_assert_eq(kill(pid, SIGINT), 0);
    wait_check(&r, pid, TOKEN);
    cr_assert_eq(r.status, 3, "exit %d, stderr: %s", r.status, r.err);
    cr_assert(strstr(r.err, "interrupted"), "stderr: %s", r.err);
    const struct spp_json *root = report_root(&r);
    cr_assert(spp_json_bool(spp_json_get(root, "interrupted")));
    cr_assert_str_eq(str_of(root, "restored"), "yes", "restore: %s",
                     str_of(root, "restore_message"));
    cr_assert_str_eq(str_of(root, "verdict"), "incomplete");
    cr_assert_lt(spp_json_number(spp_json_get(root, "requests")), 100);

    struct fetched after;
    put_empty(spp_mock_url(m), TOKEN, &after);
    spp_mock_stop(m);
    cr_assert_eq(after.status, 200);
    struct spp_json_doc *b = NULL, *a = NULL;
    cr_assert_eq(spp_json_parse(before.body, before.len, NULL, &b, NULL), SPP_OK);
    cr_assert_eq(spp_json_parse(after.body, after.len, NULL, &a, NULL), SPP_OK);
    static const char *const fields[] = {"subject", "tags",   "employees", "order_id",
                                         "order",   "status", "metadata"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        cr_expect(spp_json_equal(member(b, fields[i]), member(a, fields[i])), "%s was not put back",
                  fields[i]);
    spp_json_doc_free(b);
    spp_json_doc_free(a);
    fetched_free(&before);
    fetched_free(&after);
    run_free(&r);
}

/* ---- hostile servers ----------------------------------------------------------------------- */

Test(check, exits_3_when_the_connection_is_refused)
{
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)rawserver_closed_port());
    struct run r;
    run_init(&r);
    const char *args[] = {"--base-url", url, "--max-requests", "10", "--timeout", "2", "-q", NULL};
    run_check(&r, TOKEN, args);
    cr_assert_eq(r.status, 3, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.err, "could not be reached"), "stderr: %s", r.err);
    cr_assert_str_eq(str_of(report_root(&r), "verdict"), "incomplete");
    cr_assert_str_eq(str_of(report_root(&r), "restored"), "not_attempted");
    run_free(&r);
}

Test(check, exits_3_within_the_timeout_when_the_server_never_answers)
{
    struct rawserver_config cfg = {.mode = RAWSERVER_SILENT};
    struct rawserver *s = rawserver_start(&cfg);
    cr_assert_not_null(s);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)rawserver_port(s));
    struct run r;
    run_init(&r);
    const char *args[] = {"--base-url", url, "--max-requests", "10", "--timeout", "1", "-q", NULL};
    run_check(&r, TOKEN, args);
    rawserver_stop(s);
    cr_assert_eq(r.status, 3, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.err, "could not be reached"), "stderr: %s", r.err);
    /* One timed-out request, then the run gives up: far less than 10 x the timeout. */
    cr_assert_lt(r.seconds, 6.0, "took %.1f s", r.seconds);
    run_free(&r);
}

/* Runs against a scripted server whose first answer is a real 200 and the rest `hostile`. */
static void run_scripted(struct run *r, const char *hostile, bool close_after,
                         const char *const *extra)
{
    char *good = real_200(close_after, NULL);
    const char *responses[] = {good, hostile};
    struct rawserver_config cfg = {.mode = RAWSERVER_SCRIPT,
                                   .responses = responses,
                                   .response_count = 2,
                                   .close_after_response = close_after};
    struct rawserver *s = rawserver_start(&cfg);
    cr_assert_not_null(s);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)rawserver_port(s));
    const char *args[32] = {"--base-url", url, "--timeout", "2", "-q"};
    size_t n = 5;
    for (size_t i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    run_init(r);
    run_check(r, TOKEN, args);
    size_t served = rawserver_requests(s);
    rawserver_stop(s);
    free(good);
    cr_assert_gt(served, 1, "the hostile answer was never served");
}

static void assert_transport_failures(const struct run *r, const char *message)
{
    cr_assert_eq(r->status, 1, "exit %d: %s", r->status, r->err);
    const struct spp_json *ver = version_at(r, 0);
    char groups[4096];
    groups_text(ver, groups, sizeof(groups));
    cr_assert_gt(count_of(ver, "transport_error", "failed"), 0, "groups:%s", groups);
    assert_no_other_failures(ver, "transport_error", "hostile transport");
    cr_assert_not_null(find_group(ver, "transport_error", NULL, NULL, message),
                       "no transport_error saying \"%s\"; groups:%s", message, groups);
    cr_assert_gt(count_of(ver, "transport_error", "passed"), 0, "the first answer was fine");
}

Test(check, reports_a_close_mid_body_after_a_good_answer_as_transport_error)
{
    const char *cut = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      "Content-Length: 5000\r\nConnection: close\r\n\r\n{\"id\":1,\"subject\":\"";
    struct run r;
    const char *extra[] = {"--max-requests", "5", NULL};
    run_scripted(&r, cut, true, extra);
    assert_transport_failures(&r, "closed");
    run_free(&r);
}

Test(check, reports_a_reset_mid_body_as_transport_error)
{
    struct rawserver_config cfg = {.mode = RAWSERVER_RESET_MID_BODY};
    struct rawserver *s = rawserver_start(&cfg);
    cr_assert_not_null(s);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)rawserver_port(s));
    struct run r;
    run_init(&r);
    const char *args[] = {"--base-url", url, "--max-requests", "5", "--timeout", "2", "-q", NULL};
    run_check(&r, TOKEN, args);
    rawserver_stop(s);
    /* The status line arrived, so the target was reached: findings, not "unreachable". */
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    const struct spp_json *ver = version_at(&r, 0);
    cr_assert_gt(count_of(ver, "transport_error", "failed"), 0);
    assert_no_other_failures(ver, "transport_error", "reset mid-body");
    run_free(&r);
}

Test(check, cuts_off_a_50_mb_body_at_max_body)
{
    size_t big = (size_t)50 * 1024 * 1024;
    const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       "Content-Length: 52428800\r\n\r\n";
    char *resp = malloc(strlen(head) + big + 1);
    cr_assert_not_null(resp);
    memcpy(resp, head, strlen(head));
    memset(resp + strlen(head), ' ', big);
    resp[strlen(head) + big] = '\0';
    struct run r;
    const char *extra[] = {"--max-requests", "4", "--max-body", "1048576", NULL};
    run_scripted(&r, resp, false, extra);
    free(resp);
    assert_transport_failures(&r, "max-body");
    run_free(&r);
}

Test(check, reports_malformed_http_as_transport_error)
{
    struct run r;
    const char *extra[] = {"--max-requests", "4", NULL};
    run_scripted(&r, "THIS IS NOT HTTP\r\n\r\n", true, extra);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    const struct spp_json *ver = version_at(&r, 0);
    cr_assert_gt(count_of(ver, "transport_error", "failed"), 0);
    assert_no_other_failures(ver, "transport_error", "malformed HTTP");
    run_free(&r);
}

/* ---- hostile JSON in a 200 ----------------------------------------------------------------- */

/* Replaces the scalar value after the first "key": in json with value (malloc'd result). */
static char *splice_value(const char *json, const char *key, const char *value)
{
    char pat[128];
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    const char *p = strstr(json, pat);
    cr_assert_not_null(p, "no %s in the body", key);
    const char *v = p + strlen(pat);
    const char *e = v;
    if (*e == '"') {
        for (e++; *e && *e != '"'; e++)
            if (*e == '\\' && e[1])
                e++;
        e++;
    } else {
        while (*e && *e != ',' && *e != '}' && *e != ']')
            e++;
    }
    size_t out_len = (size_t)(v - json) + strlen(value) + strlen(e);
    char *out = malloc(out_len + 1);
    cr_assert_not_null(out);
    snprintf(out, out_len + 1, "%.*s%s%s", (int)(v - json), json, value, e);
    return out;
}

static void expect_json_policy(const char *body, size_t len, const char *message)
{
    char *hostile = raw_200_with(body, len);
    struct run r;
    const char *extra[] = {"--max-requests", "3", "--checks",
                           "response_schema_conformance,transport_error,not_a_server_error", NULL};
    run_scripted(&r, hostile, false, extra);
    free(hostile);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    const struct spp_json *ver = version_at(&r, 0);
    char groups[4096];
    groups_text(ver, groups, sizeof(groups));
    cr_assert_gt(count_of(ver, "response_schema_conformance", "failed"), 0, "groups:%s", groups);
    assert_no_other_failures(ver, "response_schema_conformance", message);
    cr_assert_not_null(find_group(ver, "response_schema_conformance", NULL, NULL, message),
                       "no failure saying \"%s\"; groups:%s", message, groups);
    run_free(&r);
}

Test(check, reports_invalid_utf8_in_a_200_body)
{
    char *body = NULL;
    free(real_200(false, &body));
    char *bad = splice_value(body, "subject", "\"caf\xc3\x28 \xff\"");
    expect_json_policy(bad, strlen(bad), "invalid UTF-8");
    free(bad);
    free(body);
}

Test(check, keeps_its_own_files_valid_utf8_when_a_key_is_not)
{
    char *body = NULL;
    free(real_200(false, &body));
    size_t len = strlen(body) + 32;
    char *bad = malloc(len);
    cr_assert_not_null(bad);
    /* An undocumented key of invalid UTF-8: a policy failure and drift, both with that key
     * in their location; the report and case files must still be clean JSON. */
    snprintf(bad, len, "{\"k\xff\xfe\":1,%s", body + 1);
    expect_json_policy(bad, strlen(bad), "invalid UTF-8");
    free(bad);
    free(body);
}

Test(check, reports_a_duplicate_key_in_a_200_body)
{
    char *body = NULL;
    free(real_200(false, &body));
    size_t len = strlen(body) + 32;
    char *dup = malloc(len);
    cr_assert_not_null(dup);
    snprintf(dup, len, "{\"subject\":\"first\",%s", body + 1);
    expect_json_policy(dup, strlen(dup), "duplicate key");
    free(dup);
    free(body);
}

Test(check, reports_a_number_that_overflows_a_double_in_a_200_body)
{
    char *body = NULL;
    free(real_200(false, &body));
    char *big = splice_value(body, "user_id", "1e999");
    expect_json_policy(big, strlen(big), "overflows a double");
    free(big);
    free(body);
}

Test(check, reports_nesting_100000_deep_in_a_200_body_without_crashing)
{
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 1);
    cr_assert_not_null(deep);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    expect_json_policy(deep, 2 * depth, "nesting deeper");
    free(deep);
}

/* ---- usage errors -------------------------------------------------------------------------- */

static void expect_usage(const char *token, const char *const *args, const char *message)
{
    struct run r;
    run_init(&r);
    run_check(&r, token, args);
    cr_assert_eq(r.status, 2, "exit %d for a usage error; stderr: %s", r.status, r.err);
    cr_assert(strstr(r.err, message), "stderr does not name the problem (\"%s\"): %s", message,
              r.err);
    run_free(&r);
}

Test(check, rejects_an_unknown_check_name)
{
    const char *args[] = {"--checks", "not_a_server_error,no_such_check", "-q", NULL};
    expect_usage(TOKEN, args, "no_such_check");
}

Test(check, rejects_an_unreadable_contract)
{
    const char *args[] = {"--contract", "/nonexistent/spp/contract.openapi.json", "-q", NULL};
    expect_usage(TOKEN, args, "/nonexistent/spp/contract.openapi.json");
}

Test(check, rejects_a_zero_request_budget)
{
    const char *args[] = {"--max-requests", "0", "-q", NULL};
    expect_usage(TOKEN, args, "--max-requests");
}

Test(check, rejects_a_base_url_without_a_token)
{
    const char *args[] = {"--base-url", "http://127.0.0.1:9", "-q", NULL};
    expect_usage(NULL, args, "SPP_TOKEN");
}

/* ---- replay: one saved case, re-sent ------------------------------------------------------- */

/* Runs `spp-harness replay CASE [--base-url URL]` with the token in its environment. */
static int run_replay(const char *case_path, const char *base_url, char *out, size_t cap)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "SPP_TOKEN='%s' SPP_CONTRACTS_DIR='%s' '%s' replay '%s'%s%s 2>&1",
             TOKEN, SPP_CONTRACTS_DIR, SPP_HARNESS_BIN, case_path, base_url ? " --base-url " : "",
             base_url ? base_url : "");
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert(!strstr(out, "Sanitizer") && !strstr(out, "runtime error"), "%s", out);
    cr_assert(!strstr(out, TOKEN), "the token leaked into replay's output");
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first case file of a run that failed with check `name`. */
static void first_case(const struct run *r, const char *name, char *path, size_t cap)
{
    char dir[400];
    snprintf(dir, sizeof(dir), "%s/cases", r->rep);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no cases folder in %s", r->rep);
    struct dirent *de;
    path[0] = '\0';
    while ((de = readdir(d)) != NULL)
        if (strstr(de->d_name, name) && (!path[0] || strcmp(de->d_name, path) < 0))
            snprintf(path, cap, "%s", de->d_name);
    closedir(d);
    cr_assert(path[0], "no case file for %s", name);
    char full[1024];
    snprintf(full, sizeof(full), "%s/%s", dir, path);
    snprintf(path, cap, "%s", full);
}

static void replay_round_trip(const char *fault, const char *check, const char *max_requests)
{
    const char *specs[] = {fault};
    struct spp_mock *bad = start_mock(specs, 1);
    struct run r;
    run_init(&r);
    const char *args[] = {
        "--base-url", spp_mock_url(bad), "--max-requests", max_requests, "--timeout", "2", "-q",
        NULL};
    run_check(&r, TOKEN, args);
    cr_assert_eq(r.status, 1, "check with %s: exit %d\n%s", fault, r.status, r.err);
    char casefile[1024], out[8192];
    first_case(&r, check, casefile, sizeof(casefile));
    int st = run_replay(casefile, spp_mock_url(bad), out, sizeof(out));
    cr_assert_eq(st, 1, "replay against the faulty mock: exit %d\n%s", st, out);
    cr_assert(strncmp(out, "STILL FAILING: ", 15) == 0 && strstr(out, check), "%s", out);
    spp_mock_stop(bad);
    struct spp_mock *good = start_mock(NULL, 0);
    st = run_replay(casefile, spp_mock_url(good), out, sizeof(out));
    cr_assert_eq(st, 0, "replay against a conformant mock: exit %d\n%s", st, out);
    cr_assert(strncmp(out, "FIXED: ", 7) == 0, "%s", out);
    spp_mock_stop(good);
    run_free(&r);
}

Test(replay, says_still_failing_while_a_header_is_missing_and_fixed_once_it_is_back, .init = setup,
     .fini = teardown)
{
    replay_round_trip("no-header:X-Api-Identifier", "response_headers_conformance", "20");
}

Test(replay, judges_a_stateful_case_against_the_ticket_as_it_is_now, .init = setup,
     .fini = teardown)
{
    replay_round_trip("no-update:subject", "update_applied", "20");
}

Test(replay, replays_a_negative_case_with_its_exact_body, .init = setup, .fini = teardown)
{
    /* Negative cases come after the stateful ones and auth: 50 requests reach them. */
    replay_round_trip("accept-invalid", "negative_data_rejection", "50");
}

Test(replay, exits_3_when_the_target_cannot_be_reached, .init = setup, .fini = teardown)
{
    const char *specs[] = {"status:418"};
    struct spp_mock *bad = start_mock(specs, 1);
    struct run r;
    run_init(&r);
    const char *args[] = {"--base-url", spp_mock_url(bad), "--max-requests", "5", "-q", NULL};
    run_check(&r, TOKEN, args);
    spp_mock_stop(bad);
    char casefile[1024], out[8192];
    first_case(&r, "status_code_conformance", casefile, sizeof(casefile));
    int st = run_replay(casefile, "http://127.0.0.1:1", out, sizeof(out));
    cr_assert_eq(st, 3, "exit %d\n%s", st, out);
    cr_assert(strstr(out, "could not be reached") != NULL, "%s", out);
    run_free(&r);
}

Test(replay, exits_2_for_a_case_file_it_cannot_use, .init = setup, .fini = teardown)
{
    char dir[] = "/tmp/spp-test-replay-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[512], out[4096];
    snprintf(path, sizeof(path), "%s/case.json", dir);
    cr_assert(write_text(path, "{\"check\": \"no_such_check\", \"request\": {}}"));
    int st = run_replay(path, "http://127.0.0.1:1", out, sizeof(out));
    cr_assert_eq(st, 2, "exit %d\n%s", st, out);
    cr_assert(strstr(out, "no known \"check\"") != NULL, "%s", out);
    cr_assert(write_text(path, "{not json"));
    st = run_replay(path, "http://127.0.0.1:1", out, sizeof(out));
    cr_assert_eq(st, 2, "exit %d\n%s", st, out);
    snprintf(path, sizeof(path), "%s/missing.json", dir);
    st = run_replay(path, NULL, out, sizeof(out));
    cr_assert_eq(st, 2, "exit %d\n%s", st, out);
    rm_rf(dir);
}

/* The drift walk resolves "$ref", anyOf branches and array items once per schema and run. */
Test(check, drift_finds_every_undocumented_member_through_refs_branches_and_items)
{
    static const char contract[] =
        "{\"components\":{\"schemas\":{"
        "\"T\":{\"properties\":{\"a\":{\"$ref\":\"#/components/schemas/A\"},"
        "\"list\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/A\"}},"
        "\"opt\":{\"anyOf\":[{\"type\":\"null\"},{\"$ref\":\"#/components/schemas/A\"}]},"
        "\"free\":{\"type\":\"object\"},\"x\":{}}},"
        "\"A\":{\"properties\":{\"x\":{},\"x\":{\"properties\":{\"deep\":{}}}}}}}}";
    static const char answer[] = "{\"a\":{\"x\":1,\"y\":2},\"list\":[{\"x\":1},{\"z\":3}],"
                                 "\"opt\":{\"w\":1},\"free\":{\"any\":1},\"x\":0,\"extra\":1}";
    struct spp_json_doc *c = NULL, *a = NULL;
    cr_assert_eq(spp_json_parse(contract, sizeof(contract) - 1, NULL, &c, NULL), SPP_OK);
    cr_assert_eq(spp_json_parse(answer, sizeof(answer) - 1, NULL, &a, NULL), SPP_OK);
    struct spp_report *rep = spp_report_new(NULL);
    size_t v = spp_report_begin_version(rep, "1", "c.json", "1", true);
    const struct spp_json *t = spp_json_pointer(spp_json_doc_root(c), "/components/schemas/T");
    /* Twice: the second walk finds the same, not more. */
    for (int i = 0; i < 2; i++)
        cr_assert(spp_engine_drift(spp_json_doc_root(c), t, spp_json_doc_root(a), rep, v));
    struct spp_json *j = spp_report_to_json(rep);
    const struct spp_json *drift =
        spp_json_get(spp_json_at(spp_json_get(j, "versions"), 0), "drift");
    const char *want[] = {"/a/y", "/list/*/z", "/opt/w", "/extra"};
    cr_assert_eq(spp_json_count(drift), 4, "drift: %zu locations", spp_json_count(drift));
    for (size_t i = 0; i < 4; i++) {
        bool found = false;
        for (const struct spp_json *d = spp_json_first(drift); d; d = spp_json_next(d)) {
            const char *loc = spp_json_string(spp_json_get(d, "instanceLocation"), NULL);
            if (loc && strcmp(loc, want[i]) == 0) {
                found = true;
                cr_expect_eq(spp_json_number(spp_json_get(d, "count")), 2.0, "%s", loc);
            }
        }
        cr_expect(found, "no drift at %s", want[i]);
    }
    spp_json_free(j);
    spp_report_free(rep);
    spp_json_doc_free(a);
    spp_json_doc_free(c);
}
