/*
 * format — recognisers for the JSON Schema 2020-12 "format" keyword.
 *
 * Design: one small recursive-descent recogniser per format, written straight
 * from the grammar of its RFC (the ABNF rule names appear in the comments), and
 * tuned where the official JSON Schema test suite fixes an interpretation
 * (leap seconds are checked against the UTC-adjusted time, for instance).
 *
 * Every function takes a (pointer, length) pair, reads s[0..len) and nothing
 * beyond, and never needs a terminator. Each grammar is pure ASCII, so any byte
 * outside the grammar's character set — a NUL byte, a non-ASCII digit, broken
 * UTF-8 — makes the input INVALID without any decoding. Nothing is allocated,
 * nothing is global, and the work is linear in len (the length checks up front
 * make most of them constant-time on huge input).
 */
#include "format.h"

#include <string.h>

/* ---- character classes (ASCII only, locale-independent) ----------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" */
static bool is_unreserved(char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 3986 sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "=" */
static bool is_sub_delim(char c)
{
    return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

/* RFC 5321 atext = ALPHA / DIGIT / "!#$%&'*+-/=?^_`{|}~" */
static bool is_atext(char c)
{
    return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Value of n ASCII digits at s; false when any is not a digit. n is at most 4. */
static bool digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* ---- RFC 3339: date, time, date-time ------------------------------------ */

static bool is_leap_year(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

/* full-date = date-fullyear "-" date-month "-" date-mday; exactly 10 bytes. */
#define SPP_FULL_DATE_LEN 10

static bool full_date(const char *s, size_t len)
{
    unsigned y, m, d;
    if (len != SPP_FULL_DATE_LEN || s[4] != '-' || s[7] != '-')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return false;
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/*
 * full-time = partial-time time-offset
 * partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
 * time-offset = "Z" / time-numoffset;  time-numoffset = ("+" / "-") time-hour ":" time-minute
 * A second of 60 (a leap second) is only allowed when the time, moved to UTC
 * by its offset, is 23:59 — leap seconds are inserted at the end of a UTC day.
 */
static bool full_time(const char *s, size_t len)
{
    unsigned h, m, sec, oh = 0, om = 0;
    size_t i = 8;
    if (len < 9 || s[2] != ':' || s[5] != ':')
        return false;
    if (!digits(s, 2, &h) || !digits(s + 3, 2, &m) || !digits(s + 6, 2, &sec))
        return false;
    if (h > 23 || m > 59 || sec > 60)
        return false;
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < len && is_digit(s[i]))
            i++;
        if (i == start)
            return false;
    }
    if (i >= len)
        return false; /* the offset is mandatory */
    int sign = 0;
    if (s[i] == 'Z' || s[i] == 'z') {
        if (i + 1 != len)
            return false;
    } else if (s[i] == '+' || s[i] == '-') {
        sign = s[i] == '+' ? 1 : -1;
        if (len - i != 6 || s[i + 3] != ':')
            return false;
        if (!digits(s + i + 1, 2, &oh) || !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return false;
    } else {
        return false;
    }
    if (sec == 60) {
        /* local = UTC + offset, so UTC = local - offset (minutes in a day: 1440). */
        long utc = (long)(h * 60 + m) - sign * (long)(oh * 60 + om);
        utc = ((utc % 1440) + 1440) % 1440;
        if (utc != 23 * 60 + 59)
            return false;
    }
    return true;
}

/* date-time = full-date "T" full-time (RFC 3339 allows "t" too). */
static bool date_time(const char *s, size_t len)
{
    if (len <= SPP_FULL_DATE_LEN + 1)
        return false;
    char t = s[SPP_FULL_DATE_LEN];
    return full_date(s, SPP_FULL_DATE_LEN) && (t == 'T' || t == 't') &&
           full_time(s + SPP_FULL_DATE_LEN + 1, len - SPP_FULL_DATE_LEN - 1);
}

/* ---- RFC 4122: uuid ----------------------------------------------------- */

#define SPP_UUID_LEN 36

/* 8-4-4-4-12 hexadecimal digits, either case; any version and variant nibble. */
static bool uuid(const char *s, size_t len)
{
    if (len != SPP_UUID_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

/* ---- ipv4, ipv6 --------------------------------------------------------- */

/* "255.255.255.255" */
#define SPP_IPV4_MAX_LEN 15

/*
 * dotted-quad (RFC 2673 3.2, as JSON Schema reads it): four decimal octets
 * 0..255, no leading zeros, no other notation (hex, octal, shorthand).
 */
static bool ipv4(const char *s, size_t len)
{
    size_t i = 0;
    if (len > SPP_IPV4_MAX_LEN)
        return false;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= len || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < len && is_digit(s[i]) && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        size_t n = i - start;
        if (n == 0 || v > 255 || (n > 1 && s[start] == '0'))
            return false;
    }
    return i == len;
}

/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" */
#define SPP_IPV6_MAX_LEN 45

/*
 * RFC 4291 2.2: eight groups of 1-4 hex digits separated by ":", at most one
 * "::" standing for one or more zero groups, and optionally the last two
 * groups written as a dotted-quad IPv4 address. No zone id, no prefix length,
 * no brackets.
 */
static bool ipv6(const char *s, size_t len)
{
    size_t i = 0;
    unsigned groups = 0;
    bool compressed = false;
    if (len < 2 || len > SPP_IPV6_MAX_LEN)
        return false;
    if (s[0] == ':') {
        if (s[1] != ':')
            return false;
        compressed = true;
        i = 2;
        if (i == len)
            return true;
    }
    for (;;) {
        size_t start = i;
        while (i < len && is_hex(s[i]))
            i++;
        if (i < len && s[i] == '.') {
            /* IPv4 tail: it must run to the end and counts as two groups. */
            if (!ipv4(s + start, len - start))
                return false;
            groups += 2;
            break;
        }
        if (i == start || i - start > 4)
            return false;
        groups++;
        if (groups > 8)
            return false;
        if (i == len)
            break;
        if (s[i] != ':')
            return false;
        i++;
        if (i < len && s[i] == ':') {
            if (compressed)
                return false;
            compressed = true;
            i++;
            if (i == len)
                break;
        } else if (i == len) {
            return false; /* a single trailing colon */
        }
    }
    return compressed ? groups <= 7 : groups == 8;
}

/* ---- RFC 5321: email ---------------------------------------------------- */

/* RFC 5321 4.5.3.1: local-part at most 64 octets, domain at most 255, label at most 63. */
#define SPP_EMAIL_LOCAL_MAX  64
#define SPP_EMAIL_DOMAIN_MAX 255
#define SPP_DNS_LABEL_MAX    63

/* Dot-string = Atom *("." Atom) */
static bool dot_string(const char *s, size_t len)
{
    if (len == 0 || s[0] == '.' || s[len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.') /* i + 1 < len: the last byte is not a dot */
                return false;
        } else if (!is_atext(s[i])) {
            return false;
        }
    }
    return true;
}

/*
 * Quoted-string = DQUOTE *QcontentSMTP DQUOTE
 * qtextSMTP = %d32-33 / %d35-91 / %d93-126;  quoted-pairSMTP = "\" %d32-126
 */
static bool quoted_string(const char *s, size_t len)
{
    if (len < 2 || s[0] != '"' || s[len - 1] != '"')
        return false;
    for (size_t i = 1; i < len - 1; i++) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 >= len - 1 || s[i + 1] < 32 || s[i + 1] > 126)
                return false;
            i++;
        } else if (c < 32 || c > 126 || c == '"') {
            return false;
        }
    }
    return true;
}

/*
 * Domain = sub-domain *("." sub-domain)
 * sub-domain = Let-dig [Ldh-str]  (letters, digits, inner hyphens)
 */
static bool domain(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0 || len > SPP_EMAIL_DOMAIN_MAX)
        return false;
    for (;;) {
        size_t start = i;
        while (i < len && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '-'))
            i++;
        size_t n = i - start;
        if (n == 0 || n > SPP_DNS_LABEL_MAX || s[start] == '-' || s[i - 1] == '-')
            return false;
        if (i == len)
            return true;
        if (s[i] != '.')
            return false;
        i++;
    }
}

/*
 * address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]"
 * IPv6-address-literal = "IPv6:" IPv6-addr. General-address-literal needs a
 * tag registered with IANA and none but IPv6 is, so it is rejected.
 */
static bool address_literal(const char *s, size_t len)
{
    static const char tag[] = "IPv6:";
    const size_t tag_len = sizeof(tag) - 1;
    if (len < 2 || s[0] != '[' || s[len - 1] != ']')
        return false;
    s++;
    len -= 2;
    if (len > tag_len) {
        bool tagged = true;
        for (size_t i = 0; i < tag_len; i++) {
            char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
            char t = tag[i] >= 'a' && tag[i] <= 'z' ? (char)(tag[i] - 'a' + 'A') : tag[i];
            if (c != t)
                tagged = false;
        }
        if (tagged)
            return ipv6(s + tag_len, len - tag_len);
    }
    return ipv4(s, len);
}

/* Mailbox = Local-part "@" ( Domain / address-literal ) */
static bool email(const char *s, size_t len)
{
    if (len < 3 || len > SPP_EMAIL_LOCAL_MAX + 1 + SPP_EMAIL_DOMAIN_MAX)
        return false;
    /* The local part may contain '@' only when quoted, so the domain starts after the last '@'. */
    size_t at = len;
    while (at > 0 && s[at - 1] != '@')
        at--;
    if (at == 0)
        return false;
    at--; /* index of the '@' */
    size_t local_len = at;
    const char *dom = s + at + 1;
    size_t dom_len = len - at - 1;
    if (local_len == 0 || local_len > SPP_EMAIL_LOCAL_MAX || dom_len == 0)
        return false;
    bool local_ok = s[0] == '"' ? quoted_string(s, local_len) : dot_string(s, local_len);
    if (!local_ok)
        return false;
    return dom[0] == '[' ? address_literal(dom, dom_len) : domain(dom, dom_len);
}

/* ---- RFC 3986: uri ------------------------------------------------------ */

/* pct-encoded = "%" HEXDIG HEXDIG; *i is at the '%'. */
static bool pct_encoded(const char *s, size_t len, size_t *i)
{
    if (len - *i < 3 || !is_hex(s[*i + 1]) || !is_hex(s[*i + 2]))
        return false;
    *i += 3;
    return true;
}

/*
 * Checks that s[0..len) is a run of unreserved / pct-encoded / sub-delims and
 * of the characters in extra (a NUL-terminated list).
 */
static bool uri_chars(const char *s, size_t len, const char *extra)
{
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '%') {
            if (!pct_encoded(s, len, &i))
                return false;
        } else if (is_unreserved(c) || is_sub_delim(c) || (c != '\0' && strchr(extra, c) != NULL)) {
            i++;
        } else {
            return false;
        }
    }
    return true;
}

/* IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
static bool ipvfuture(const char *s, size_t len)
{
    size_t i = 1;
    if (len < 4 || (s[0] != 'v' && s[0] != 'V'))
        return false;
    while (i < len && is_hex(s[i]))
        i++;
    if (i == 1 || i >= len || s[i] != '.' || i + 1 == len)
        return false;
    for (i++; i < len; i++) {
        if (!is_unreserved(s[i]) && !is_sub_delim(s[i]) && s[i] != ':')
            return false;
    }
    return true;
}

/*
 * authority = [ userinfo "@" ] host [ ":" port ]
 * host = IP-literal / IPv4address / reg-name; reg-name also covers every
 * IPv4address, so an out-of-range dotted quad is still a valid reg-name.
 */
static bool authority(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    if (at) {
        size_t ui_len = (size_t)(at - s);
        if (!uri_chars(s, ui_len, ":"))
            return false;
        len -= ui_len + 1;
        s = at + 1;
    }
    size_t host_end;
    if (len > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close)
            return false;
        size_t lit_len = (size_t)(close - s) - 1;
        if (!ipv6(s + 1, lit_len) && !ipvfuture(s + 1, lit_len))
            return false;
        host_end = lit_len + 2;
        if (host_end < len && s[host_end] != ':')
            return false;
    } else {
        const char *colon = memchr(s, ':', len);
        host_end = colon ? (size_t)(colon - s) : len;
        if (!uri_chars(s, host_end, ""))
            return false;
    }
    if (host_end < len) { /* s[host_end] == ':' — port = *DIGIT */
        for (size_t i = host_end + 1; i < len; i++) {
            if (!is_digit(s[i]))
                return false;
        }
    }
    return true;
}

/*
 * URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
 * scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
 * hier-part = "//" authority path-abempty / path-absolute / path-rootless / path-empty
 * Paths are runs of pchar and "/" (after "//" the authority was split off,
 * so the remaining path shapes need no further distinction); query and
 * fragment also allow "?".
 */
static bool uri(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0 || !is_alpha(s[0]))
        return false;
    while (i < len &&
           (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    if (i == len || s[i] != ':')
        return false;
    i++;
    size_t hier_end = i;
    while (hier_end < len && s[hier_end] != '?' && s[hier_end] != '#')
        hier_end++;
    size_t path = i;
    if (hier_end - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        size_t a = i + 2;
        path = a;
        while (path < hier_end && s[path] != '/')
            path++;
        if (!authority(s + a, path - a))
            return false;
    }
    if (!uri_chars(s + path, hier_end - path, ":@/"))
        return false;
    if (hier_end == len)
        return true;
    size_t frag = hier_end;
    if (s[hier_end] == '?') {
        frag = hier_end + 1;
        while (frag < len && s[frag] != '#')
            frag++;
        if (!uri_chars(s + hier_end + 1, frag - hier_end - 1, ":@/?"))
            return false;
    }
    if (frag == len)
        return true;
    return uri_chars(s + frag + 1, len - frag - 1, ":@/?");
}

/* ---- dispatch ----------------------------------------------------------- */

struct format_entry {
    const char *name;
    bool (*check)(const char *s, size_t len);
};

static const struct format_entry formats[] = {
    {"date-time", date_time}, {"date", full_date}, {"time", full_time},
    {"email", email},         {"uri", uri},        {"uuid", uuid},
    {"ipv4", ipv4},           {"ipv6", ipv6},
};

enum spp_format_result spp_format_check(const char *format, const char *s, size_t len)
{
    if (!format)
        return SPP_FORMAT_UNKNOWN;
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(format, formats[i].name) == 0) {
            if (!s && len > 0)
                return SPP_FORMAT_INVALID;
            static const char empty[1] = "";
            return formats[i].check(s ? s : empty, len) ? SPP_FORMAT_VALID : SPP_FORMAT_INVALID;
        }
    }
    return SPP_FORMAT_UNKNOWN;
}

bool spp_format_is_rfc3339_datetime(const char *s, size_t len)
{
    return spp_format_check("date-time", s, len) == SPP_FORMAT_VALID;
}

bool spp_format_is_uuid(const char *s, size_t len)
{
    return spp_format_check("uuid", s, len) == SPP_FORMAT_VALID;
}
