/*
 * headers — recognisers for status lines, field lines and the header values
 * the harness judges (see headers.h for the contracts).
 *
 * Design: each parser is a small hand-written scanner over (pointer, length)
 * with an index that only moves forward and is compared with len before every
 * read, in the style of picohttpparser; the grammar rule names of RFC 9110 /
 * RFC 9112 appear in the comments. Character classes are ASCII and
 * locale-independent. Dates are converted with the days-from-civil algorithm
 * (Howard Hinnant, public domain) in 64-bit arithmetic, so no libc time
 * function (timegm, strptime, the TZ variable) is involved and the result
 * does not depend on the machine's time zone.
 */
#include "headers.h"

#include <string.h>

/* ---- character classes ---------------------------------------------------- */

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 9110 tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 * "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
static bool is_tchar(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* field-vchar = VCHAR / obs-text, plus SP and HTAB inside a field value. */
static bool is_field_char(unsigned char c)
{
    return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

static bool is_ows(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

bool spp_headers_ieq(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}

/* Records a syntax error at a byte offset. */
static enum spp_code fail_at(struct spp_err *err, enum spp_code code, size_t off, const char *what)
{
    spp_err_set(err, code, "%s at byte %zu", what, off);
    if (err)
        err->offset = off;
    return code;
}

/* Length without one trailing CRLF or LF. */
static size_t strip_eol(const char *s, size_t len)
{
    if (len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n')
        return len - 2;
    if (len >= 1 && s[len - 1] == '\n')
        return len - 1;
    return len;
}

/* Value of n ASCII digits at s (n <= 9, so no overflow); false when one is not a digit. */
static bool digits(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i]))
            return false;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* ---- status line ------------------------------------------------------------ */

/* status-line = HTTP-version SP status-code SP [ reason-phrase ]; HTTP-version =
 * "HTTP/" DIGIT [ "." DIGIT ] (the short form is how curl shows HTTP/2). */
enum spp_code spp_headers_parse_status(const char *s, size_t len, int *status, struct spp_err *err)
{
    size_t n = strip_eol(s, len), i = 0;
    if (n < 5 || memcmp(s, "HTTP/", 5) != 0)
        return fail_at(err, SPP_ESYNTAX, 0, "status line does not start with HTTP/");
    i = 5;
    if (i >= n || !is_digit((unsigned char)s[i]))
        return fail_at(err, SPP_ESYNTAX, i, "bad HTTP version");
    i++;
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit((unsigned char)s[i]))
            return fail_at(err, SPP_ESYNTAX, i, "bad HTTP version");
        i++;
    }
    if (i >= n || s[i] != ' ')
        return fail_at(err, SPP_ESYNTAX, i, "expected SP after HTTP version");
    i++;
    uint32_t code;
    if (n - i < 3 || !digits(s + i, 3, &code))
        return fail_at(err, SPP_ESYNTAX, i, "status code is not three digits");
    if (code < 100 || code > 599)
        return fail_at(err, SPP_ESYNTAX, i, "status code outside 100..599");
    i += 3;
    if (i < n) {
        if (s[i] != ' ')
            return fail_at(err, SPP_ESYNTAX, i, "expected SP after status code");
        for (i++; i < n; i++)
            if (!is_field_char((unsigned char)s[i]))
                return fail_at(err, SPP_ESYNTAX, i, "control character in reason phrase");
    }
    *status = (int)code;
    return SPP_OK;
}

/* ---- media type ------------------------------------------------------------- */

static size_t skip_ows(const char *s, size_t i, size_t n)
{
    while (i < n && is_ows((unsigned char)s[i]))
        i++;
    return i;
}

static size_t skip_token(const char *s, size_t i, size_t n)
{
    while (i < n && is_tchar((unsigned char)s[i]))
        i++;
    return i;
}

/* quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; returns the index after
 * the closing quote, or 0 (never a valid end, since it starts at i >= 1) on error
 * with *bad set to the offending offset. */
static size_t skip_quoted(const char *s, size_t i, size_t n, size_t *bad)
{
    i++; /* opening DQUOTE */
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"')
            return i + 1;
        if (c == '\\') {
            if (i + 1 >= n || !is_field_char((unsigned char)s[i + 1])) {
                *bad = i + 1;
                return 0;
            }
            i += 2;
            continue;
        }
        if (!is_field_char(c)) {
            *bad = i;
            return 0;
        }
        i++;
    }
    *bad = n;
    return 0;
}

enum spp_code spp_headers_media_type(const char *v, size_t len, const char **type, size_t *type_len,
                                     struct spp_err *err)
{
    size_t i = skip_ows(v, 0, len), start = i, j;
    j = skip_token(v, i, len);
    if (j == i)
        return fail_at(err, SPP_ESYNTAX, i, "media type does not start with a token");
    if (j >= len || v[j] != '/')
        return fail_at(err, SPP_ESYNTAX, j, "media type lacks '/'");
    i = j + 1;
    j = skip_token(v, i, len);
    if (j == i)
        return fail_at(err, SPP_ESYNTAX, i, "media type lacks a subtype");
    size_t end = j;
    i = j;
    /* parameters = *( OWS ";" OWS [ parameter ] ) */
    for (;;) {
        i = skip_ows(v, i, len);
        if (i >= len)
            break;
        if (v[i] != ';')
            return fail_at(err, SPP_ESYNTAX, i, "expected ';' between parameters");
        i = skip_ows(v, i + 1, len);
        if (i >= len || v[i] == ';')
            continue;
        j = skip_token(v, i, len);
        if (j == i)
            return fail_at(err, SPP_ESYNTAX, i, "parameter name is not a token");
        if (j >= len || v[j] != '=')
            return fail_at(err, SPP_ESYNTAX, j, "parameter lacks '='");
        i = j + 1;
        if (i < len && v[i] == '"') {
            size_t bad = 0;
            j = skip_quoted(v, i, len, &bad);
            if (j == 0)
                return fail_at(err, SPP_ESYNTAX, bad, "bad quoted-string in parameter");
        } else {
            j = skip_token(v, i, len);
            if (j == i)
                return fail_at(err, SPP_ESYNTAX, i, "parameter value is not a token");
        }
        i = j;
    }
    *type = v + start;
    *type_len = end - start;
    return SPP_OK;
}

bool spp_headers_is_json(const char *v, size_t len)
{
    const char *t;
    size_t tl;
    if (spp_headers_media_type(v, len, &t, &tl, NULL) != SPP_OK)
        return false;
    return spp_headers_ieq(t, tl, "application/json", 16);
}

/* ---- calendar ----------------------------------------------------------------- */

static bool is_leap(uint32_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint32_t days_in_month(uint32_t y, uint32_t m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m == 2 && is_leap(y)) ? 29 : dim[m - 1];
}

static bool valid_date(uint32_t y, uint32_t m, uint32_t d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Days since 1970-01-01 of a valid proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The year of a day count since 1970-01-01 (inverse of days_from_civil). */
static int64_t year_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    return yoe + era * 400 + (m <= 2);
}

/* ---- X-Api-Version -------------------------------------------------------------- */

enum spp_code spp_headers_parse_api_version(const char *s, size_t len, uint32_t *yyyymmdd,
                                            enum spp_api_version_form *form, struct spp_err *err)
{
    uint32_t y, m, d;
    enum spp_api_version_form f;
    if (len == 10) {
        if (s[4] != '-' || s[7] != '-')
            return fail_at(err, SPP_ESYNTAX, s[4] != '-' ? 4 : 7, "expected '-' in yyyy-mm-dd");
        if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
            return fail_at(err, SPP_ESYNTAX, 0, "non-digit in yyyy-mm-dd");
        f = SPP_API_VERSION_DASHED;
    } else if (len == 8) {
        if (!digits(s, 4, &y) || !digits(s + 4, 2, &m) || !digits(s + 6, 2, &d))
            return fail_at(err, SPP_ESYNTAX, 0, "non-digit in yyyymmdd");
        f = SPP_API_VERSION_COMPACT;
    } else {
        return fail_at(err, SPP_ESYNTAX, 0, "API version is neither yyyy-mm-dd nor yyyymmdd");
    }
    if (!valid_date(y, m, d))
        return fail_at(err, SPP_ESYNTAX, 0, "API version is not a calendar date");
    *yyyymmdd = y * 10000 + m * 100 + d;
    if (form)
        *form = f;
    return SPP_OK;
}

static void put_digits(char *out, uint32_t v, size_t n)
{
    for (size_t i = n; i > 0; i--) {
        out[i - 1] = (char)('0' + v % 10);
        v /= 10;
    }
}

enum spp_code spp_headers_format_api_version(uint32_t yyyymmdd, enum spp_api_version_form form,
                                             char *buf, size_t cap, struct spp_err *err)
{
    uint32_t y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;
    if (!valid_date(y, m, d))
        return spp_err_set(err, SPP_EINVAL, "%u is not a valid yyyymmdd date", (unsigned)yyyymmdd);
    size_t need;
    if (form == SPP_API_VERSION_DASHED)
        need = 11;
    else if (form == SPP_API_VERSION_COMPACT)
        need = 9;
    else
        return spp_err_set(err, SPP_EINVAL, "unknown API version form %d", (int)form);
    if (!buf || cap < need)
        return spp_err_set(err, SPP_ELIMIT, "buffer of %zu bytes cannot hold %zu", cap, need);
    if (form == SPP_API_VERSION_DASHED) {
        put_digits(buf, y, 4);
        buf[4] = '-';
        put_digits(buf + 5, m, 2);
        buf[7] = '-';
        put_digits(buf + 8, d, 2);
        buf[10] = '\0';
    } else {
        put_digits(buf, y, 4);
        put_digits(buf + 4, m, 2);
        put_digits(buf + 6, d, 2);
        buf[8] = '\0';
    }
    return SPP_OK;
}

/* ---- HTTP-date --------------------------------------------------------------------- */

static const char *const day_short[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const day_long[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Index+1 of the 3-letter month at s (case-sensitive), 0 when none. */
static uint32_t month_at(const char *s)
{
    for (uint32_t i = 0; i < 12; i++)
        if (memcmp(s, month_names[i], 3) == 0)
            return i + 1;
    return 0;
}

static bool short_day_at(const char *s)
{
    for (size_t i = 0; i < 7; i++)
        if (memcmp(s, day_short[i], 3) == 0)
            return true;
    return false;
}

/* time-of-day = hour ":" minute ":" second, exactly 8 bytes at s. */
static bool time_at(const char *s, uint32_t *secs)
{
    uint32_t h, mi, se;
    if (s[2] != ':' || s[5] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &mi) ||
        !digits(s + 6, 2, &se))
        return false;
    if (h > 23 || mi > 59 || se > 60)
        return false;
    *secs = h * 3600 + mi * 60 + se;
    return true;
}

static int64_t to_epoch(uint32_t y, uint32_t m, uint32_t d, uint32_t secs)
{
    return days_from_civil(y, m, d) * 86400 + secs;
}

/* IMF-fixdate = day-name "," SP 2DIGIT SP month SP 4DIGIT SP time-of-day SP "GMT" (29 bytes) */
static bool parse_imf(const char *s, size_t n, int64_t *epoch)
{
    uint32_t d, m, y, t;
    if (n != 29 || !short_day_at(s) || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0)
        return false;
    if (!digits(s + 5, 2, &d) || (m = month_at(s + 8)) == 0 || !digits(s + 12, 4, &y) ||
        !time_at(s + 17, &t) || !valid_date(y, m, d))
        return false;
    *epoch = to_epoch(y, m, d, t);
    return true;
}

/* rfc850-date = day-name-l "," SP 2DIGIT "-" month "-" 2DIGIT SP time-of-day SP "GMT" */
static bool parse_rfc850(const char *s, size_t n, time_t now, int64_t *epoch)
{
    size_t dl = 0;
    for (size_t i = 0; i < 7; i++) {
        size_t l = strlen(day_long[i]);
        if (n > l && memcmp(s, day_long[i], l) == 0) {
            dl = l;
            break;
        }
    }
    if (dl == 0 || n != dl + 24)
        return false;
    const char *p = s + dl;
    uint32_t d, m, yy, t;
    if (p[0] != ',' || p[1] != ' ' || p[4] != '-' || p[8] != '-' || p[11] != ' ' || p[20] != ' ' ||
        memcmp(p + 21, "GMT", 3) != 0)
        return false;
    if (!digits(p + 2, 2, &d) || (m = month_at(p + 5)) == 0 || !digits(p + 9, 2, &yy) ||
        !time_at(p + 12, &t))
        return false;
    /* RFC 9110 §5.6.7: a year more than 50 years in the future is the last past one. */
    int64_t now_year = year_from_days((int64_t)now / 86400 - ((int64_t)now % 86400 < 0));
    int64_t y = now_year - now_year % 100 + yy;
    if (y > now_year + 50)
        y -= 100;
    if (y < 1 || y > 9999 || !valid_date((uint32_t)y, m, d))
        return false;
    *epoch = to_epoch((uint32_t)y, m, d, t);
    return true;
}

/* asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP 4DIGIT */
static bool parse_asctime(const char *s, size_t n, int64_t *epoch)
{
    uint32_t d, m, y, t;
    if (n != 24 || !short_day_at(s) || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ')
        return false;
    if ((m = month_at(s + 4)) == 0)
        return false;
    if (s[8] == ' ') {
        if (!digits(s + 9, 1, &d))
            return false;
    } else if (!digits(s + 8, 2, &d)) {
        return false;
    }
    if (!time_at(s + 11, &t) || !digits(s + 20, 4, &y) || !valid_date(y, m, d))
        return false;
    *epoch = to_epoch(y, m, d, t);
    return true;
}

enum spp_code spp_headers_parse_http_date(const char *s, size_t len, time_t now, int64_t *epoch,
                                          struct spp_err *err)
{
    int64_t e;
    if (parse_imf(s, len, &e) || parse_rfc850(s, len, now, &e) || parse_asctime(s, len, &e)) {
        *epoch = e;
        return SPP_OK;
    }
    return fail_at(err, SPP_ESYNTAX, 0, "not an HTTP-date (IMF-fixdate, RFC 850 or asctime)");
}

/* ---- Retry-After ---------------------------------------------------------------------- */

enum spp_code spp_headers_parse_retry_after(const char *s, size_t len, time_t now,
                                            uint32_t *seconds, struct spp_err *err)
{
    size_t i = skip_ows(s, 0, len), n = len;
    while (n > i && is_ows((unsigned char)s[n - 1]))
        n--;
    if (i == n)
        return fail_at(err, SPP_ESYNTAX, i, "empty Retry-After");
    if (is_digit((unsigned char)s[i])) {
        /* delta-seconds = 1*DIGIT, clamped (not wrapped) at the RFC 9111 ceiling. */
        uint64_t v = 0;
        for (size_t j = i; j < n; j++) {
            if (!is_digit((unsigned char)s[j]))
                return fail_at(err, SPP_ESYNTAX, j, "non-digit in delta-seconds");
            if (v < SPP_HEADERS_RETRY_AFTER_MAX)
                v = v * 10 + (uint64_t)(s[j] - '0');
        }
        *seconds = v > SPP_HEADERS_RETRY_AFTER_MAX ? SPP_HEADERS_RETRY_AFTER_MAX : (uint32_t)v;
        return SPP_OK;
    }
    int64_t when;
    enum spp_code rc = spp_headers_parse_http_date(s + i, n - i, now, &when, err);
    if (rc != SPP_OK) {
        if (err)
            err->offset = i;
        return rc;
    }
    int64_t diff = when - (int64_t)now;
    if (diff < 0)
        diff = 0;
    *seconds =
        diff > (int64_t)SPP_HEADERS_RETRY_AFTER_MAX ? SPP_HEADERS_RETRY_AFTER_MAX : (uint32_t)diff;
    return SPP_OK;
}

/* ---- field lines ------------------------------------------------------------------------ */

enum spp_code spp_headers_split_line(const char *line, size_t len, size_t max_len,
                                     struct spp_header_field *out, struct spp_err *err)
{
    if (len > max_len)
        return fail_at(err, SPP_ELIMIT, max_len, "field line longer than the limit");
    size_t n = strip_eol(line, len);
    if (n == 0)
        return fail_at(err, SPP_ESYNTAX, 0, "empty field line");
    if (is_ows((unsigned char)line[0]))
        return fail_at(err, SPP_ESYNTAX, 0, "obs-fold continuation line");
    size_t i = skip_token(line, 0, n);
    if (i == 0)
        return fail_at(err, SPP_ESYNTAX, 0, "field name is not a token");
    if (i >= n)
        return fail_at(err, SPP_ESYNTAX, i, "field line lacks ':'");
    if (line[i] != ':') {
        if (is_ows((unsigned char)line[i]))
            return fail_at(err, SPP_ESYNTAX, i, "whitespace between field name and ':'");
        return fail_at(err, SPP_ESYNTAX, i, "invalid character in field name");
    }
    size_t name_len = i;
    size_t vs = skip_ows(line, i + 1, n), ve = n;
    for (size_t j = vs; j < n; j++) {
        unsigned char c = (unsigned char)line[j];
        if (c == '\r' || c == '\n')
            return fail_at(err, SPP_ESYNTAX, j, "CR or LF inside a field line (obs-fold?)");
        if (!is_field_char(c))
            return fail_at(err, SPP_ESYNTAX, j, "control character in field value");
    }
    while (ve > vs && is_ows((unsigned char)line[ve - 1]))
        ve--;
    out->name = line;
    out->name_len = name_len;
    out->value = line + vs;
    out->value_len = ve - vs;
    return SPP_OK;
}
