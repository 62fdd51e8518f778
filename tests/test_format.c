/*
 * test_format — the format checks against the official JSON Schema test suite
 * (draft 2020-12, optional/format; copies in tests/data/format/) and against
 * hostile input.
 *
 * Suite files are parsed with spp_json_parse_file. A "\u0000" inside a JSON
 * string is cut there by cJSON (json.h records it as a policy issue), so for
 * such a case the true bytes are rebuilt from the raw file at the issue's
 * offset and the checker sees exactly what the suite means.
 *
 * The over-read tests place every input at the very end of a readable page
 * followed by a PROT_NONE page (the picohttpparser trick): reading one byte
 * past len faults and fails the test.
 */
/* MAP_ANONYMOUS is not in strict C11 + POSIX; ask glibc for it. */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format.h"
#include "json.h"

#define FORMAT_SUITE_MAX_BYTES ((size_t)1 << 20)
/* Room for every suite string, the raw-file rebuild included. */
#define CASE_MAX 512

struct suite_result {
    size_t cases;   /* string cases checked */
    size_t passed;  /* of those, the verdict matched "valid" */
    size_t ignored; /* non-string data: formats ignore it (always valid) */
};

/*
 * Rebuilds a string that contained "\u0000": prefix (what cJSON kept), a NUL,
 * then the raw bytes after the escape up to the closing quote. Only suffixes
 * without further escapes are supported (the suite's cases have none); false
 * otherwise, which fails the case.
 */
static bool rebuild_nul_string(const char *raw, size_t raw_len, size_t esc_off, const char *prefix,
                               size_t prefix_len, char *out, size_t cap, size_t *out_len)
{
    if (esc_off + 6 > raw_len || memcmp(raw + esc_off, "\\u0000", 6) != 0)
        return false;
    size_t i = esc_off + 6, n = 0;
    if (prefix_len + 1 > cap)
        return false;
    memcpy(out, prefix, prefix_len);
    n = prefix_len;
    out[n++] = '\0';
    for (; i < raw_len && raw[i] != '"'; i++) {
        if (raw[i] == '\\' || n >= cap)
            return false;
        out[n++] = raw[i];
    }
    if (i >= raw_len)
        return false;
    *out_len = n;
    return true;
}

static const struct spp_json_issue *nul_issue_at(const struct spp_json_doc *doc,
                                                 const char *pointer)
{
    size_t n = 0;
    const struct spp_json_issue *is = spp_json_doc_issues(doc, &n, NULL);
    for (size_t i = 0; i < n; i++)
        if (is[i].kind == SPP_JSON_ISSUE_NUL_IN_STRING && strcmp(is[i].pointer, pointer) == 0)
            return &is[i];
    return NULL;
}

/* Runs every case of tests/data/format/<name>.json; failing descriptions go to stderr. */
static struct suite_result run_suite_file(const char *name)
{
    char path[512];
    struct suite_result r = {0, 0, 0};
    struct spp_json_doc *doc = NULL;
    struct spp_err err;
    char *raw = NULL;
    size_t raw_len = 0;
    snprintf(path, sizeof(path), "%s/format/%s.json", SPP_TEST_DATA_DIR, name);
    cr_assert_eq(spp_json_parse_file(path, NULL, &doc, &err), SPP_OK, "%s: %s", path, err.msg);
    cr_assert_eq(spp_file_read(path, FORMAT_SUITE_MAX_BYTES, &raw, &raw_len, &err), SPP_OK,
                 "%s: %s", path, err.msg);

    const struct spp_json *groups = spp_json_doc_root(doc);
    cr_assert_eq(spp_json_kind(groups), SPP_JSON_ARRAY);
    size_t gi = 0;
    for (const struct spp_json *g = spp_json_first(groups); g; g = spp_json_next(g), gi++) {
        const char *format =
            spp_json_string(spp_json_get(spp_json_get(g, "schema"), "format"), NULL);
        cr_assert_not_null(format, "group %zu of %s has no schema.format", gi, name);
        size_t ti = 0;
        const struct spp_json *tests = spp_json_get(g, "tests");
        for (const struct spp_json *t = spp_json_first(tests); t; t = spp_json_next(t), ti++) {
            const struct spp_json *data = spp_json_get(t, "data");
            bool expect = spp_json_bool(spp_json_get(t, "valid"));
            const char *desc = spp_json_string(spp_json_get(t, "description"), NULL);
            size_t len = 0;
            const char *s = spp_json_string(data, &len);
            if (!s) {
                /* Formats only constrain strings; the suite expects these valid. */
                r.ignored++;
                cr_expect(expect, "%s: non-string case expected invalid: %s", name, desc);
                continue;
            }
            char ptr[SPP_JSON_POINTER_MAX];
            snprintf(ptr, sizeof(ptr), "/%zu/tests/%zu/data", gi, ti);
            char rebuilt[CASE_MAX];
            const struct spp_json_issue *nul = nul_issue_at(doc, ptr);
            if (nul) {
                bool ok = rebuild_nul_string(raw, raw_len, nul->offset, s, len, rebuilt,
                                             sizeof(rebuilt), &len);
                cr_assert(ok, "%s: cannot rebuild the NUL string of %s", name, desc);
                s = rebuilt;
            }
            enum spp_format_result got = spp_format_check(format, s, len);
            enum spp_format_result want = expect ? SPP_FORMAT_VALID : SPP_FORMAT_INVALID;
            r.cases++;
            if (got == want)
                r.passed++;
            else
                fprintf(stderr, "FAIL %s: %s (expected %s)\n", name, desc,
                        expect ? "valid" : "invalid");
        }
    }
    fprintf(stderr, "format suite %s: %zu/%zu string cases passed, %zu non-string ignored\n", name,
            r.passed, r.cases, r.ignored);
    free(raw);
    spp_json_doc_free(doc);
    return r;
}

static void expect_whole_suite(const char *name)
{
    struct suite_result r = run_suite_file(name);
    cr_assert_gt(r.cases, 0, "%s: no string cases found", name);
    cr_assert_eq(r.passed, r.cases, "%s: %zu of %zu cases failed (descriptions above)", name,
                 r.cases - r.passed, r.cases);
}

Test(format, passes_every_suite_case_for_date_time)
{
    expect_whole_suite("date-time");
}
Test(format, passes_every_suite_case_for_date)
{
    expect_whole_suite("date");
}
Test(format, passes_every_suite_case_for_time)
{
    expect_whole_suite("time");
}
Test(format, passes_every_suite_case_for_email)
{
    expect_whole_suite("email");
}
Test(format, passes_every_suite_case_for_uri)
{
    expect_whole_suite("uri");
}
Test(format, passes_every_suite_case_for_uuid)
{
    expect_whole_suite("uuid");
}
Test(format, passes_every_suite_case_for_ipv4)
{
    expect_whole_suite("ipv4");
}
Test(format, passes_every_suite_case_for_ipv6)
{
    expect_whole_suite("ipv6");
}

/* ---- own edge cases ----------------------------------------------------- */

static enum spp_format_result check_str(const char *format, const char *s)
{
    return spp_format_check(format, s, strlen(s));
}

Test(format, rejects_the_seed_offset_without_minutes_and_accepts_it_with_minutes)
{
    cr_expect_eq(check_str("date-time", "2021-01-01T00:00:00+00"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("date-time", "2021-01-01T00:00:00+00:00"), SPP_FORMAT_VALID);
    cr_expect_not(spp_format_is_rfc3339_datetime("2021-01-01T00:00:00+00", 22));
    cr_expect(spp_format_is_rfc3339_datetime("2021-01-01T00:00:00+00:00", 25));
}

Test(format, answers_unknown_for_formats_it_does_not_implement)
{
    cr_expect_eq(check_str("hostname", "example.com"), SPP_FORMAT_UNKNOWN);
    cr_expect_eq(check_str("duration", "P1D"), SPP_FORMAT_UNKNOWN);
    cr_expect_eq(check_str("Date-Time", "2021-01-01T00:00:00Z"), SPP_FORMAT_UNKNOWN);
    cr_expect_eq(check_str("", ""), SPP_FORMAT_UNKNOWN);
    cr_expect_eq(spp_format_check(NULL, "x", 1), SPP_FORMAT_UNKNOWN);
}

Test(format, reads_only_len_bytes_of_an_unterminated_buffer)
{
    /* The valid value is followed by bytes that would make it invalid if read. */
    const char buf[] = "0123e567-89ab-cdef-0123-456789abcdefXYZ";
    cr_expect(spp_format_is_uuid(buf, 36));
    cr_expect_not(spp_format_is_uuid(buf, 37));
    cr_expect_eq(spp_format_check("ipv4", "10.0.0.1999", 8), SPP_FORMAT_VALID);
}

Test(format, rejects_embedded_nul_and_invalid_utf8_in_every_format)
{
    static const char *const names[] = {"date-time", "date", "time", "email",
                                        "uri",       "uuid", "ipv4", "ipv6"};
    static const char *const good[] = {"2021-01-01T00:00:00Z",
                                       "2021-01-01",
                                       "00:00:00Z",
                                       "a@example.com",
                                       "http://example.com/",
                                       "0123e567-89ab-cdef-0123-456789abcdef",
                                       "1.2.3.4",
                                       "::1"};
    for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
        size_t n = strlen(good[f]);
        char buf[64];
        cr_assert_eq(check_str(names[f], good[f]), SPP_FORMAT_VALID, "%s", names[f]);
        for (size_t pos = 0; pos < n; pos++) {
            static const char bad[] = {'\0', (char)0xC3, (char)0xFF, (char)0x80};
            for (size_t b = 0; b < sizeof(bad); b++) {
                memcpy(buf, good[f], n);
                buf[pos] = bad[b];
                cr_expect_eq(spp_format_check(names[f], buf, n), SPP_FORMAT_INVALID,
                             "%s with byte 0x%02x at %zu", names[f], (unsigned char)bad[b], pos);
            }
        }
        memcpy(buf, good[f], n);
        buf[n] = '\0';
        cr_expect_eq(spp_format_check(names[f], buf, n + 1), SPP_FORMAT_INVALID,
                     "%s with a trailing NUL", names[f]);
    }
    cr_expect_eq(spp_format_check("date", "", 0), SPP_FORMAT_INVALID);
    cr_expect_eq(spp_format_check("uri", NULL, 0), SPP_FORMAT_INVALID);
}

Test(format, checks_leap_seconds_against_utc_and_calendar_days)
{
    cr_expect_eq(check_str("date-time", "2016-12-31T23:59:60Z"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("date-time", "2017-01-01T00:59:60+01:00"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("date-time", "2016-12-31T23:59:60+01:00"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("date-time", "2021-01-01 00:00:00Z"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("date-time", "2021-01-01T00:00:00.Z"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("date", "2000-02-29"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("date", "1900-02-29"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("time", "00:00:00+23:59"), SPP_FORMAT_VALID);
}

Test(format, follows_the_rfc_grammars_beyond_the_suite)
{
    cr_expect_eq(check_str("ipv6", "1:2:3:4:5:6:7::"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("ipv6", "1::2:3:4:5:6:7:8"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("ipv6", "::1.2.3.4"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("ipv6", "1:2:3:4:5:6:1.2.3.4"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("ipv6", "::1.2.3.4:1"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("ipv4", "01.2.3.4"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("email", "a@b"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("email", "a@-b.com"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("email", "a@b..com"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("email", "\"a\\\"b\"@example.com"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("email", "\"ab\\\"@example.com"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("email", "a@[IPv6:1.2.3.4]"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("uri", "http://[v1.fe]:8080/x?y#z"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("uri", "http://[::1"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("uri", "http://[::1]x/"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("uri", "file:///etc/hosts"), SPP_FORMAT_VALID);
    cr_expect_eq(check_str("uri", "http://a/b#c#d"), SPP_FORMAT_INVALID);
    cr_expect_eq(check_str("uri", "a:"), SPP_FORMAT_VALID);
}

/* ---- no over-read ------------------------------------------------------- */

struct guard_page {
    char *base;
    size_t page;
};

/* Two pages: the first readable, the second PROT_NONE. */
static struct guard_page guard_new(void)
{
    struct guard_page g;
    long ps = sysconf(_SC_PAGESIZE);
    cr_assert_gt(ps, 0);
    g.page = (size_t)ps;
    void *p = mmap(NULL, 2 * g.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(p, MAP_FAILED);
    g.base = p;
    cr_assert_eq(mprotect(g.base + g.page, g.page, PROT_NONE), 0);
    return g;
}

/* Copies s[0..len) so that its last byte is the last readable byte. */
static const char *guard_put(const struct guard_page *g, const char *s, size_t len)
{
    cr_assert_leq(len, g->page);
    char *dst = g->base + g->page - len;
    memcpy(dst, s, len);
    return dst;
}

Test(format, never_reads_past_len_for_any_prefix_of_any_format)
{
    static const struct {
        const char *format;
        const char *s;
    } samples[] = {
        {"date-time", "1998-12-31T15:59:60.123-08:00"},
        {"date-time", "1963-06-19t08:30:06.283185z"},
        {"date", "2020-02-29"},
        {"time", "23:59:60Z"},
        {"time", "08:30:06.283185+00:20"},
        {"email", "joe.bloggs@example.com"},
        {"email", "\"joe@\\\"bloggs\"@[IPv6:1::2:192.168.0.1]"},
        {"email", "a@[127.0.0.1]"},
        {"uri", "http://u:p@[2001:db8::7]:80/a%20b?q=1#f"},
        {"uri", "http://[v7.x:y]/"},
        {"uri", "urn:x:%41"},
        {"uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380"},
        {"ipv4", "255.255.255.255"},
        {"ipv6", "1000:1000:1000:1000:1000:1000:255.255.255.255"},
        {"ipv6", "1:2:3:4:5:6:7:8"},
        {"ipv6", "::ffff:192.168.0.1"},
    };
    struct guard_page g = guard_new();
    for (size_t k = 0; k < sizeof(samples) / sizeof(samples[0]); k++) {
        size_t n = strlen(samples[k].s);
        /* Every prefix (the whole string included) and, once, a zero-length input. */
        for (size_t len = 0; len <= n; len++) {
            const char *p = guard_put(&g, samples[k].s, len);
            enum spp_format_result r = spp_format_check(samples[k].format, p, len);
            cr_assert(r == SPP_FORMAT_VALID || r == SPP_FORMAT_INVALID, "%s", samples[k].format);
            if (len == n)
                cr_expect_eq(r, SPP_FORMAT_VALID, "%s: %s", samples[k].format, samples[k].s);
        }
    }
    /* Prefixes of fixed-width formats are never valid. */
    const char *p = guard_put(&g, "2eb8aa08-aa98-11ea-b4aa-73b441d1638", 35);
    cr_expect_not(spp_format_is_uuid(p, 35));
    p = guard_put(&g, "2021-01-01T00:00:00+00", 22);
    cr_expect_not(spp_format_is_rfc3339_datetime(p, 22));
    munmap(g.base, 2 * g.page);
}

Test(format, answers_huge_inputs_without_crashing)
{
    const size_t n = (size_t)16 << 20;
    char *buf = malloc(n);
    cr_assert_not_null(buf);
    memset(buf, '9', n);
    memcpy(buf, "2021-01-01T00:00:00.", 20);
    buf[n - 1] = 'Z';
    cr_expect_eq(spp_format_check("date-time", buf, n), SPP_FORMAT_VALID);
    buf[n - 1] = '9';
    cr_expect_eq(spp_format_check("date-time", buf, n), SPP_FORMAT_INVALID);
    static const char *const names[] = {"date", "time", "email", "uuid", "ipv4", "ipv6"};
    for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++)
        cr_expect_eq(spp_format_check(names[f], buf, n), SPP_FORMAT_INVALID, "%s", names[f]);
    memcpy(buf, "http://example.com/", 19);
    buf[n - 1] = ' ';
    cr_expect_eq(spp_format_check("uri", buf, n), SPP_FORMAT_INVALID);
    buf[n - 1] = '9';
    cr_expect_eq(spp_format_check("uri", buf, n), SPP_FORMAT_VALID);
    free(buf);
}
