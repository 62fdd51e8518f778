/*
 * test_headers — the pure header parsers against valid and hostile input.
 *
 * Each parser gets the examples of its RFC, boundary values (month/day limits,
 * leap years, clamps) and hostile bytes (NUL, CR/LF, obs-fold, obs-text,
 * signs, trailing garbage). The over-read tests place every prefix of every
 * sample, and a stream of deterministic mutations of them, at the very end of
 * a readable page followed by a PROT_NONE page (the picohttpparser trick):
 * one byte read past len faults and fails the test.
 */
/* MAP_ANONYMOUS is not in strict C11 + POSIX; ask glibc for it. */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format.h"
#include "headers.h"

#define S(lit) lit, sizeof(lit) - 1

/* 1994-11-06T08:49:37Z, the RFC 9110 example date. */
#define RFC_EXAMPLE_EPOCH INT64_C(784111777)
/* 2025-01-01T00:00:00Z: a fixed "now" so results do not depend on the clock. */
#define NOW ((time_t)1735689600)

/* ---- helpers ---------------------------------------------------------------- */

static int status_of(const char *s, size_t len)
{
    int st = -1;
    enum spp_code rc = spp_headers_parse_status(s, len, &st, NULL);
    return rc == SPP_OK ? st : -1;
}

static bool version_ok(const char *s, size_t len, uint32_t *v)
{
    return spp_headers_parse_api_version(s, len, v, NULL, NULL) == SPP_OK;
}

static int64_t retry_of(const char *s, size_t len)
{
    uint32_t secs = 0;
    if (spp_headers_parse_retry_after(s, len, NOW, &secs, NULL) != SPP_OK)
        return -1;
    return (int64_t)secs;
}

/* ---- ieq ---------------------------------------------------------------------- */

Test(headers, ieq_compares_ascii_case_insensitively_and_by_length)
{
    cr_assert(spp_headers_ieq(S("Content-Type"), S("content-type")));
    cr_assert(spp_headers_ieq(S("X-API-VERSION"), S("x-api-version")));
    cr_assert_not(spp_headers_ieq(S("Content-Type"), S("Content-Typ")));
    cr_assert_not(spp_headers_ieq(S("a"), S("b")));
    /* 0xC9 ('É' in Latin-1) is not folded to 0xE9: the comparison is ASCII only. */
    cr_assert_not(spp_headers_ieq(S("\xc9"), S("\xe9")));
    cr_assert(spp_headers_ieq(NULL, 0, S("")));
}

/* ---- status line ----------------------------------------------------------------- */

Test(headers, status_line_gives_the_code_for_http1_and_http2_forms)
{
    cr_assert_eq(status_of(S("HTTP/1.1 200 OK")), 200);
    cr_assert_eq(status_of(S("HTTP/1.1 200 OK\r\n")), 200);
    cr_assert_eq(status_of(S("HTTP/1.0 404 Not Found\n")), 404);
    cr_assert_eq(status_of(S("HTTP/2 200")), 200);
    cr_assert_eq(status_of(S("HTTP/2 429 \r\n")), 429); /* curl's HTTP/2 form */
    cr_assert_eq(status_of(S("HTTP/1.1 503 ")), 503);
    cr_assert_eq(status_of(S("HTTP/1.1 100 Continue")), 100);
    cr_assert_eq(status_of(S("HTTP/1.1 599 x")), 599);
    cr_assert_eq(status_of(S("HTTP/1.1 200 \xc3\xa9t\xc3\xa9\tok")), 200); /* obs-text, HTAB */
}

Test(headers, status_line_rejects_hostile_lines)
{
    static const char *const bad[] = {
        "",
        "HTTP/1.1",
        "HTTP/1.1 ",
        "HTTP/1.1 20",
        "HTTP/1.1 2000 OK",
        "HTTP/1.1 2OO OK",
        "HTTP/1.1 099 x",
        "HTTP/1.1 600 x",
        "HTTP/1.1 999",
        "HTTP/1.1  200 OK",
        "HTTP/1.1 -20 OK",
        "HTTP/x 200 OK",
        "HTTP/1. 200 OK",
        "HTTP/11 200 OK",
        "http/1.1 200 OK",
        "ICY 200 OK",
        "HTTP/1.1 200 O\x01K",
        "HTTP/1.1 200 OK\r\r\n",
        "HTTP/1.1 200 OK\x7f",
        "HTTP/1.1 200\tOK",
        " HTTP/1.1 200 OK",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_eq(status_of(bad[i], strlen(bad[i])), -1, "accepted \"%s\"", bad[i]);
    /* An embedded NUL in the reason phrase. */
    cr_assert_eq(status_of(S("HTTP/1.1 200 O\0K")), -1);
    struct spp_err e;
    int st = 7;
    cr_assert_eq(spp_headers_parse_status(S("HTTP/1.1 2x0 OK"), &st, &e), SPP_ESYNTAX);
    cr_assert_eq(e.offset, 9);
    cr_assert_eq(st, 7, "out-parameter written on failure");
}

/* ---- media type -------------------------------------------------------------------- */

Test(headers, media_type_returns_the_type_span_without_parameters)
{
    const char *t;
    size_t tl;
    static const char v[] = "  application/json ; charset=\"utf-8\" ;; q=1  ";
    cr_assert_eq(spp_headers_media_type(S(v), &t, &tl, NULL), SPP_OK);
    cr_assert_eq(tl, 16);
    cr_assert_eq(t, v + 2);
    cr_assert_eq(spp_headers_media_type(S("text/plain;"), &t, &tl, NULL), SPP_OK);
    cr_assert_eq(tl, 10);
    cr_assert_eq(spp_headers_media_type(S("a/b; x=\"q\\\"uoted\""), &t, &tl, NULL), SPP_OK);
}

Test(headers, media_type_rejects_malformed_values)
{
    static const char *const bad[] = {
        "",
        "   ",
        "application",
        "application/",
        "/json",
        "application /json",
        "application/ json",
        "application/json charset=utf-8",
        "application/json; charset",
        "application/json; charset=",
        "application/json; charset = utf-8",
        "application/json; charset=\"utf-8",
        "application/json; charset=\"a\\",
        "application/json; charset=utf-8\"",
        "application/json; =utf-8",
        "application/json\r\n",
        "application/json; charset=\"\x01\"",
        "application/j\xc3\xa9son",
        "application/json,text/html",
    };
    const char *t = NULL;
    size_t tl = 99;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_neq(spp_headers_media_type(bad[i], strlen(bad[i]), &t, &tl, NULL), SPP_OK,
                      "accepted \"%s\"", bad[i]);
    cr_assert_eq(t, NULL, "out-parameter written on failure");
    cr_assert_eq(tl, 99);
    cr_assert_neq(spp_headers_media_type(S("application/json\0"), &t, &tl, NULL), SPP_OK);
}

Test(headers, is_json_accepts_application_json_with_parameters_in_any_case)
{
    cr_assert(spp_headers_is_json(S("application/json")));
    cr_assert(spp_headers_is_json(S("application/json; charset=utf-8")));
    cr_assert(spp_headers_is_json(S("application/json;charset=UTF-8")));
    cr_assert(spp_headers_is_json(S("APPLICATION/JSON")));
    cr_assert(spp_headers_is_json(S("Application/Json ; charset=\"utf-8\"")));
}

Test(headers, is_json_rejects_suffix_types_other_types_and_garbage)
{
    cr_assert_not(spp_headers_is_json(S("application/problem+json")));
    cr_assert_not(spp_headers_is_json(S("application/vnd.api+json")));
    cr_assert_not(spp_headers_is_json(S("text/json")));
    cr_assert_not(spp_headers_is_json(S("application/jsonx")));
    cr_assert_not(spp_headers_is_json(S("application/json5")));
    cr_assert_not(spp_headers_is_json(S("text/html")));
    cr_assert_not(spp_headers_is_json(S("application/json; charset")));
    cr_assert_not(spp_headers_is_json(S("application/json\0")));
    cr_assert_not(spp_headers_is_json(S("")));
    cr_assert_not(spp_headers_is_json(NULL, 0));
}

/* ---- X-Api-Version ------------------------------------------------------------------ */

Test(headers, api_version_parses_both_forms_to_the_same_integer)
{
    uint32_t a = 0, b = 0;
    enum spp_api_version_form fa, fb;
    cr_assert_eq(spp_headers_parse_api_version(S("2024-03-05"), &a, &fa, NULL), SPP_OK);
    cr_assert_eq(spp_headers_parse_api_version(S("20240305"), &b, &fb, NULL), SPP_OK);
    cr_assert_eq(a, 20240305u);
    cr_assert_eq(b, 20240305u);
    cr_assert_eq(fa, SPP_API_VERSION_DASHED);
    cr_assert_eq(fb, SPP_API_VERSION_COMPACT);
    cr_assert(version_ok(S("20231214"), &a));
    cr_assert_lt(a, b, "versions compare as dates");
    cr_assert(version_ok(S("2024-02-29"), &a), "leap day of a leap year");
    cr_assert(version_ok(S("2000-02-29"), &a), "400-year rule");
    cr_assert(version_ok(S("9999-12-31"), &a));
    cr_assert(version_ok(S("00010101"), &a));
}

Test(headers, api_version_rejects_impossible_dates_and_other_spellings)
{
    static const char *const bad[] = {
        "2023-02-29", "1900-02-29",  "2024-13-01", "2024-00-10",   "2024-04-31", "2024-01-00",
        "2024-01-32", "0000-01-01",  "20230229",   "20241301",     "20240431",   "2024-3-5",
        "2024/03/05", "2024-03-05 ", " 20240305",  "202403051",    "2024030",    "24-03-05",
        "２０２４",   "2024-03-0x",  "+2024-03-5", "2024-03-05\r", "",           "2024_03_05",
    };
    uint32_t v = 77;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_not(version_ok(bad[i], strlen(bad[i]), &v), "accepted \"%s\"", bad[i]);
    cr_assert_eq(v, 77u, "out-parameter written on failure");
    cr_assert_not(version_ok(S("2024\0003-05"), &v));
}

Test(headers, api_version_formats_both_forms_and_round_trips)
{
    char buf[SPP_API_VERSION_BUF];
    uint32_t v;
    cr_assert_eq(
        spp_headers_format_api_version(20240305, SPP_API_VERSION_DASHED, buf, sizeof(buf), NULL),
        SPP_OK);
    cr_assert_str_eq(buf, "2024-03-05");
    cr_assert_eq(
        spp_headers_format_api_version(20231214, SPP_API_VERSION_COMPACT, buf, sizeof(buf), NULL),
        SPP_OK);
    cr_assert_str_eq(buf, "20231214");
    cr_assert_eq(
        spp_headers_format_api_version(10101, SPP_API_VERSION_DASHED, buf, sizeof(buf), NULL),
        SPP_OK);
    cr_assert_str_eq(buf, "0001-01-01");
    /* Every day of a leap year round-trips through both forms. */
    for (uint32_t m = 1; m <= 12; m++) {
        for (uint32_t d = 1; d <= 31; d++) {
            uint32_t date = 20240000 + m * 100 + d;
            enum spp_code rc = spp_headers_format_api_version(date, SPP_API_VERSION_DASHED, buf,
                                                              sizeof(buf), NULL);
            if (rc != SPP_OK)
                continue;
            cr_assert(version_ok(buf, strlen(buf), &v));
            cr_assert_eq(v, date);
            cr_assert_eq(spp_headers_format_api_version(date, SPP_API_VERSION_COMPACT, buf,
                                                        sizeof(buf), NULL),
                         SPP_OK);
            cr_assert(version_ok(buf, strlen(buf), &v));
            cr_assert_eq(v, date);
        }
    }
}

Test(headers, api_version_format_rejects_bad_dates_forms_and_small_buffers)
{
    char buf[SPP_API_VERSION_BUF] = "unchanged";
    struct spp_err e;
    cr_assert_eq(
        spp_headers_format_api_version(20230229, SPP_API_VERSION_DASHED, buf, sizeof(buf), &e),
        SPP_EINVAL);
    cr_assert_eq(spp_headers_format_api_version(0, SPP_API_VERSION_COMPACT, buf, sizeof(buf), NULL),
                 SPP_EINVAL);
    cr_assert_eq(spp_headers_format_api_version(20240305, (enum spp_api_version_form)9, buf,
                                                sizeof(buf), NULL),
                 SPP_EINVAL);
    cr_assert_eq(spp_headers_format_api_version(20240305, SPP_API_VERSION_DASHED, buf, 10, NULL),
                 SPP_ELIMIT);
    cr_assert_eq(spp_headers_format_api_version(20240305, SPP_API_VERSION_COMPACT, buf, 8, NULL),
                 SPP_ELIMIT);
    cr_assert_str_eq(buf, "unchanged");
}

/* ---- HTTP-date, Retry-After ---------------------------------------------------------- */

Test(headers, http_date_reads_the_three_forms_of_rfc9110)
{
    int64_t e = 0;
    cr_assert_eq(spp_headers_parse_http_date(S("Sun, 06 Nov 1994 08:49:37 GMT"), NOW, &e, NULL),
                 SPP_OK);
    cr_assert_eq(e, RFC_EXAMPLE_EPOCH);
    e = 0;
    cr_assert_eq(spp_headers_parse_http_date(S("Sunday, 06-Nov-94 08:49:37 GMT"), NOW, &e, NULL),
                 SPP_OK);
    cr_assert_eq(e, RFC_EXAMPLE_EPOCH);
    e = 0;
    cr_assert_eq(spp_headers_parse_http_date(S("Sun Nov  6 08:49:37 1994"), NOW, &e, NULL), SPP_OK);
    cr_assert_eq(e, RFC_EXAMPLE_EPOCH);
    cr_assert_eq(spp_headers_parse_http_date(S("Thu, 01 Jan 1970 00:00:00 GMT"), NOW, &e, NULL),
                 SPP_OK);
    cr_assert_eq(e, 0);
    cr_assert_eq(spp_headers_parse_http_date(S("Thu, 29 Feb 2024 23:59:60 GMT"), NOW, &e, NULL),
                 SPP_OK, "leap second");
    cr_assert_eq(spp_headers_parse_http_date(S("Wed Jan 01 00:00:00 2025"), NOW, &e, NULL), SPP_OK);
    cr_assert_eq(e, (int64_t)NOW);
}

Test(headers, http_date_rfc850_two_digit_years_follow_the_50_year_rule)
{
    int64_t e = 0;
    /* now is 2025: "74" is 2074 (49 years ahead), "76" is 1976 (51 years ahead otherwise). */
    cr_assert_eq(spp_headers_parse_http_date(S("Monday, 01-Jan-74 00:00:00 GMT"), NOW, &e, NULL),
                 SPP_OK);
    cr_assert_eq(e, INT64_C(3281990400));
    cr_assert_eq(spp_headers_parse_http_date(S("Thursday, 01-Jan-76 00:00:00 GMT"), NOW, &e, NULL),
                 SPP_OK);
    cr_assert_eq(e, INT64_C(189302400));
}

Test(headers, http_date_rejects_near_misses)
{
    static const char *const bad[] = {
        "Sun, 06 Nov 1994 08:49:37 UTC",    "sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",    "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",      "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 1995 08:49:37 GMT",    "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",    "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT ",   "Sun, 06 Nov 1994 08:49:37",
        "Sunday, 06-Nov-1994 08:49:37 GMT", "Sund, 06-Nov-94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",          "Sun Nov  6 08:49:37 94",
        "Xyz, 06 Nov 1994 08:49:37 GMT",    "Sun, 06 Nov 1994 08:49:3x GMT",
        "Sun, 06 Nov 0000 08:49:37 GMT",    "",
    };
    int64_t e = 42;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_neq(spp_headers_parse_http_date(bad[i], strlen(bad[i]), NOW, &e, NULL), SPP_OK,
                      "accepted \"%s\"", bad[i]);
    cr_assert_eq(e, 42);
}

Test(headers, retry_after_reads_delta_seconds_and_clamps_huge_values)
{
    cr_assert_eq(retry_of(S("0")), 0);
    cr_assert_eq(retry_of(S("1")), 1);
    cr_assert_eq(retry_of(S("120")), 120);
    cr_assert_eq(retry_of(S(" 7 ")), 7);
    cr_assert_eq(retry_of(S("007")), 7);
    cr_assert_eq(retry_of(S("2147483648")), (int64_t)SPP_HEADERS_RETRY_AFTER_MAX);
    cr_assert_eq(retry_of(S("99999999999999999999999999999999")),
                 (int64_t)SPP_HEADERS_RETRY_AFTER_MAX);
}

Test(headers, retry_after_turns_a_date_into_seconds_from_now)
{
    cr_assert_eq(retry_of(S("Wed, 01 Jan 2025 00:00:30 GMT")), 30);
    cr_assert_eq(retry_of(S("Wednesday, 01-Jan-25 00:01:00 GMT")), 60);
    cr_assert_eq(retry_of(S("Wed Jan  1 00:00:05 2025")), 5);
    cr_assert_eq(retry_of(S("Sun, 06 Nov 1994 08:49:37 GMT")), 0, "a past date is no wait");
    cr_assert_eq(retry_of(S("Fri, 31 Dec 9999 23:59:59 GMT")),
                 (int64_t)SPP_HEADERS_RETRY_AFTER_MAX);
}

Test(headers, retry_after_rejects_garbage)
{
    static const char *const bad[] = {
        "",     " ",    "-1", "+1", "1.5",         "1e3",     "1 2",
        "0x10", "soon", "1s", "١",  "Sun, 06 Nov", "120\r\n",
    };
    uint32_t s = 5;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_neq(spp_headers_parse_retry_after(bad[i], strlen(bad[i]), NOW, &s, NULL), SPP_OK,
                      "accepted \"%s\"", bad[i]);
    cr_assert_eq(s, 5u);
    cr_assert_eq(retry_of(S("1\0")), -1);
}

/* ---- field lines ---------------------------------------------------------------------- */

static struct spp_header_field split_ok(const char *line, size_t len)
{
    struct spp_header_field f;
    struct spp_err e;
    cr_assert_eq(spp_headers_split_line(line, len, 1024, &f, &e), SPP_OK, "%s", e.msg);
    return f;
}

Test(headers, split_line_trims_ows_and_keeps_the_value_bytes)
{
    struct spp_header_field f = split_ok(S("Content-Type: application/json\r\n"));
    cr_assert_eq(f.name_len, 12);
    cr_assert_eq(memcmp(f.name, "Content-Type", 12), 0);
    cr_assert_eq(f.value_len, 16);
    cr_assert_eq(memcmp(f.value, "application/json", 16), 0);
    f = split_ok(S("X-A:\t  a \t b \t\n"));
    cr_assert_eq(f.value_len, 5);
    cr_assert_eq(memcmp(f.value, "a \t b", 5), 0);
    f = split_ok(S("X-Empty:"));
    cr_assert_eq(f.value_len, 0);
    f = split_ok(S("X-Empty:   \r\n"));
    cr_assert_eq(f.value_len, 0);
    f = split_ok(S("x-utf8: caf\xc3\xa9"));
    cr_assert_eq(f.value_len, 5);
    f = split_ok(S("X-Colons: a:b:c"));
    cr_assert_eq(f.value_len, 5);
}

Test(headers, split_line_rejects_folding_control_bytes_and_bad_names)
{
    static const struct {
        const char *line;
        size_t off;
    } bad[] = {
        {" continued value", 0},
        {"\tcontinued", 0},
        {"No-Colon", 8},
        {": empty name", 0},
        {"Name : value", 4},
        {"Na me: value", 2},
        {"N\xc3\xa9: v", 1},
        {"Name: a\r\n b", 7},
        {"Name: a\nb", 7},
        {"Name: a\rb", 7},
        {"Name: a\x01", 7},
        {"Name: \x7f", 6},
        {"Name: a\r", 7},
        {"", 0},
        {"\r\n", 0},
        {"HTTP/1.1 200 OK", 4},
        {"(Name): v", 0},
        {"Name: \x1b[31m", 6},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct spp_header_field f = {0};
        struct spp_err e;
        const char *l = bad[i].line;
        cr_expect_eq(spp_headers_split_line(l, strlen(l), 1024, &f, &e), SPP_ESYNTAX,
                     "accepted \"%s\"", l);
        cr_expect_eq(e.offset, bad[i].off, "\"%s\": offset %zu", l, e.offset);
        cr_expect_eq(f.name, NULL, "out-parameter written on failure");
    }
    struct spp_header_field f;
    struct spp_err e;
    cr_assert_eq(spp_headers_split_line(S("Name: a\0b"), 1024, &f, &e), SPP_ESYNTAX);
    cr_assert_eq(e.offset, 7);
}

Test(headers, split_line_enforces_its_size_limit_before_reading)
{
    struct spp_header_field f;
    cr_assert_eq(spp_headers_split_line(S("Name: value"), 11, &f, NULL), SPP_OK);
    cr_assert_eq(spp_headers_split_line(S("Name: value"), 10, &f, NULL), SPP_ELIMIT);
    /* A length far beyond the buffer is refused without touching it. */
    cr_assert_eq(spp_headers_split_line("N: v", SIZE_MAX, 65536, &f, NULL), SPP_ELIMIT);
}

Test(headers, api_identifier_is_checked_with_the_uuid_format)
{
    cr_assert(spp_format_is_uuid(S("efc995d2-bfdb-3bc9-80a3-e828bb9c83c2")));
    cr_assert_not(spp_format_is_uuid(S("efc995d2bfdb3bc980a3e828bb9c83c2")));
}

/* ---- no over-read ---------------------------------------------------------------------- */

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

/* Runs every parser on p[0..len); only the absence of a fault matters here, plus the
 * invariant that what split_line returns lies inside the input. */
static void run_all(const char *p, size_t len)
{
    int st;
    const char *t;
    size_t tl;
    uint32_t v, secs;
    int64_t e;
    struct spp_header_field f;
    (void)spp_headers_parse_status(p, len, &st, NULL);
    if (spp_headers_media_type(p, len, &t, &tl, NULL) == SPP_OK)
        cr_assert(t >= p && t + tl <= p + len);
    (void)spp_headers_is_json(p, len);
    (void)spp_headers_parse_api_version(p, len, &v, NULL, NULL);
    (void)spp_headers_parse_http_date(p, len, NOW, &e, NULL);
    (void)spp_headers_parse_retry_after(p, len, NOW, &secs, NULL);
    if (spp_headers_split_line(p, len, 4096, &f, NULL) == SPP_OK) {
        cr_assert(f.name == p && f.name_len > 0 && f.name_len < len);
        cr_assert(f.value >= p && f.value + f.value_len <= p + len);
    }
}

static const char *const samples[] = {
    "HTTP/1.1 200 OK\r\n",
    "HTTP/2 200",
    "application/json; charset=\"utf-8\"; q=1",
    "a/b; x=\"\\\\\"",
    "2024-03-05",
    "20240305",
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "Sunday, 06-Nov-94 08:49:37 GMT",
    "Wednesday, 01-Jan-25 00:01:00 GMT",
    "Sun Nov  6 08:49:37 1994",
    "  120  ",
    "Content-Type:  application/json \r\n",
    "X-Api-Identifier: efc995d2-bfdb-3bc9-80a3-e828bb9c83c2",
};

Test(headers, no_parser_reads_past_len_for_any_prefix_of_any_sample)
{
    struct guard_page g = guard_new();
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        size_t n = strlen(samples[i]);
        for (size_t len = 0; len <= n; len++)
            run_all(guard_put(&g, samples[i], len), len);
    }
    munmap(g.base, 2 * g.page);
}

Test(headers, no_parser_reads_past_len_on_deterministic_mutations)
{
    static const char alphabet[] = " \t\r\n\0:;,=\"\\/-0123456789GMTSunNovJanHTTP\x7f\x80\xff";
    struct guard_page g = guard_new();
    uint32_t rng = 2463534242u; /* xorshift32, fixed seed: reproducible */
    char buf[96];
    for (int round = 0; round < 20000; round++) {
        const char *src = samples[round % (sizeof(samples) / sizeof(samples[0]))];
        size_t n = strlen(src);
        memcpy(buf, src, n);
        for (int k = 0; k < 3; k++) {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            buf[rng % n] = alphabet[(rng >> 8) % (sizeof(alphabet) - 1)];
        }
        size_t len = (rng >> 20) % (n + 1);
        run_all(guard_put(&g, buf, len), len);
    }
    munmap(g.base, 2 * g.page);
}
