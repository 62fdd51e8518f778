/*
 * fuzz_headers — bytes as a response's header block, through the harness's
 * own header handling (harness/headers.h).
 *
 * The input is split at LF into lines: the first is a status line, every
 * other one a field line. Each field line is split (with a size limit), and
 * its value goes through every value parser whatever the field's name (the
 * name only decides which of them the harness would use; running all of them
 * costs little and finds more): Content-Type, X-Api-Version, Retry-After
 * and HTTP-date. The clock is a constant, so a run depends on its bytes only.
 *
 * Invariants:
 *   - status: a parsed code is within 100..599 and is the line's three digits;
 *   - field lines: SPP_ELIMIT exactly when the line is longer than the limit;
 *     name and value lie inside the line, the value has no surrounding
 *     OWS, CR or LF;
 *   - Content-Type: spp_headers_is_json implies the media type parses and is
 *     application/json in some case;
 *   - X-Api-Version: format(parse(v)) == v in the form that was parsed, and
 *     the other form parses back to the same date;
 *   - Retry-After: never above the clamp; plain digits mean that many seconds;
 *   - HTTP-date: an IMF-fixdate written from a parsed time parses back to it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fuzz_common.h"
#include "headers.h"

/* 2025-11-30T00:00:00Z: a fixed "now" (targets read no clock). */
#define FUZZ_NOW ((time_t)1764460800)
/* A field line limit like common servers' 8 KiB; the input's own size picks a second, small one. */
#define FUZZ_LINE_MAX 8190

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static void check_status(const char *s, size_t len)
{
    int status = 0;
    if (spp_headers_parse_status(s, len, &status, NULL) != SPP_OK)
        return;
    SPP_FUZZ_CHECK(status >= 100 && status <= 599, "status %d out of range", status);
    const char *sp = memchr(s, ' ', len);
    SPP_FUZZ_CHECK(sp && (size_t)(sp - s) + 4 <= len, "status line without a code");
    char digits[4];
    (void)snprintf(digits, sizeof(digits), "%03d", status);
    SPP_FUZZ_CHECK(memcmp(sp + 1, digits, 3) == 0, "status %d is not the line's code", status);
}

static void check_media_type(const char *v, size_t len)
{
    const char *type = NULL;
    size_t type_len = 0;
    enum spp_code rc = spp_headers_media_type(v, len, &type, &type_len, NULL);
    if (rc == SPP_OK)
        SPP_FUZZ_CHECK(type >= v && type + type_len <= v + len && memchr(type, '/', type_len),
                       "media type span outside the value or without '/'");
    if (spp_headers_is_json(v, len))
        SPP_FUZZ_CHECK(rc == SPP_OK && spp_headers_ieq(type, type_len, "application/json", 16),
                       "is_json but the media type is not application/json");
}

static void check_api_version(const char *v, size_t len)
{
    uint32_t date = 0, again = 0;
    enum spp_api_version_form form;
    char buf[SPP_API_VERSION_BUF];

    if (spp_headers_parse_api_version(v, len, &date, &form, NULL) != SPP_OK)
        return;
    SPP_FUZZ_CHECK(spp_headers_format_api_version(date, form, buf, sizeof(buf), NULL) == SPP_OK,
                   "cannot format the parsed version %u", (unsigned)date);
    SPP_FUZZ_CHECK(strlen(buf) == len && memcmp(buf, v, len) == 0,
                   "format(parse(v)) = \"%s\" differs from v", buf);
    enum spp_api_version_form other =
        form == SPP_API_VERSION_DASHED ? SPP_API_VERSION_COMPACT : SPP_API_VERSION_DASHED;
    SPP_FUZZ_CHECK(spp_headers_format_api_version(date, other, buf, sizeof(buf), NULL) == SPP_OK,
                   "cannot format %u in the other form", (unsigned)date);
    SPP_FUZZ_CHECK(spp_headers_parse_api_version(buf, strlen(buf), &again, NULL, NULL) == SPP_OK &&
                       again == date,
                   "the other form \"%s\" does not parse back to %u", buf, (unsigned)date);
}

static void check_retry_after(const char *v, size_t len)
{
    uint32_t seconds = 0;
    if (spp_headers_parse_retry_after(v, len, FUZZ_NOW, &seconds, NULL) != SPP_OK)
        return;
    SPP_FUZZ_CHECK(seconds <= SPP_HEADERS_RETRY_AFTER_MAX, "retry-after %u above the clamp",
                   (unsigned)seconds);
    /* Plain delta-seconds (after OWS): the value, clamped. */
    size_t a = 0, b = len;
    while (a < b && is_ows(v[a]))
        a++;
    while (b > a && is_ows(v[b - 1]))
        b--;
    uint64_t n = 0;
    size_t i = a;
    for (; i < b && v[i] >= '0' && v[i] <= '9'; i++)
        n = n > SPP_HEADERS_RETRY_AFTER_MAX ? n : n * 10u + (uint64_t)(v[i] - '0');
    if (i == b && b > a) {
        uint64_t want = n > SPP_HEADERS_RETRY_AFTER_MAX ? SPP_HEADERS_RETRY_AFTER_MAX : n;
        SPP_FUZZ_CHECK(seconds == want, "retry-after \"%.*s\" gave %u, want %llu", (int)(b - a),
                       v + a, (unsigned)seconds, (unsigned long long)want);
    }
}

static void check_http_date(const char *v, size_t len)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t epoch = 0, again = 0;
    struct tm tm;
    char buf[64];

    if (spp_headers_parse_http_date(v, len, FUZZ_NOW, &epoch, NULL) != SPP_OK)
        return;
    time_t t = (time_t)epoch;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
        return; /* outside what IMF-fixdate can write */
    int n = snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
                     tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec);
    SPP_FUZZ_CHECK(n > 0 && (size_t)n < sizeof(buf), "date does not fit");
    SPP_FUZZ_CHECK(spp_headers_parse_http_date(buf, (size_t)n, FUZZ_NOW, &again, NULL) == SPP_OK &&
                       again == epoch,
                   "\"%s\" (written from %lld) parses to %lld", buf, (long long)epoch,
                   (long long)again);
}

static void check_field_line(const char *line, size_t len, size_t max_len)
{
    struct spp_header_field f;
    enum spp_code rc = spp_headers_split_line(line, len, max_len, &f, NULL);
    SPP_FUZZ_CHECK((rc == SPP_ELIMIT) == (len > max_len), "limit %zu, line %zu bytes, code %d",
                   max_len, len, (int)rc);
    if (rc != SPP_OK)
        return;
    SPP_FUZZ_CHECK(f.name == line && f.name_len > 0 && f.name_len < len,
                   "name span outside the line");
    SPP_FUZZ_CHECK(f.value >= line && f.value + f.value_len <= line + len,
                   "value span outside the line");
    if (f.value_len) {
        SPP_FUZZ_CHECK(!is_ows(f.value[0]) && !is_ows(f.value[f.value_len - 1]),
                       "value keeps surrounding whitespace");
        SPP_FUZZ_CHECK(!memchr(f.value, '\r', f.value_len) && !memchr(f.value, '\n', f.value_len),
                       "CR or LF inside a value");
    }
    (void)spp_headers_ieq(f.name, f.name_len, "Content-Type", 12);
    check_media_type(f.value, f.value_len);
    check_api_version(f.value, f.value_len);
    check_retry_after(f.value, f.value_len);
    check_http_date(f.value, f.value_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *end = p + size;
    size_t small_max = size / 2; /* a limit the input itself can cross */
    bool first = true;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p); /* keep the LF */
        if (first)
            check_status(p, len);
        else
            check_field_line(p, len, len % 3 == 0 ? small_max : FUZZ_LINE_MAX);
        first = false;
        p += len;
    }
    /* The whole input as one value, too: values need not come from a well-formed line. */
    check_media_type((const char *)data, size);
    check_api_version((const char *)data, size);
    check_retry_after((const char *)data, size);
    check_http_date((const char *)data, size);
    spp_fuzz_stats_note(true, true);
    return 0;
}
