/*
 * headers — pure parsers for the HTTP header values the harness judges.
 *
 * Every function takes a (pointer, length) pair, reads s[0..len) and nothing
 * beyond, never needs a NUL terminator, allocates nothing, keeps no state and
 * is safe from any thread; hostile bytes (NUL, CR, LF, obs-text, huge lengths)
 * give an error, never a crash. Spans returned through out-parameters point
 * into the caller's input and live as long as it does. Out-parameters are
 * written only on success. Errors carry the byte offset of the offending byte
 * in err->offset when one is known.
 *
 * Grammars follow RFC 9110 (semantics) and RFC 9112 (HTTP/1.1 message
 * syntax); the X-Api-Version forms follow the Tickets API reference
 * (request "2024-03-05", response "20231214").
 *
 * The X-Api-Identifier header is a UUID: check it with spp_format_is_uuid()
 * from format.h.
 */
#ifndef SPP_HEADERS_H
#define SPP_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

/* True when a[0..alen) and b[0..blen) are equal ignoring ASCII case (field names, media types). */
bool spp_headers_ieq(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Parses a status line: "HTTP/1.1 200 OK", "HTTP/1.0 404", "HTTP/2 200" (the
 * form curl shows for HTTP/2 and HTTP/3). One trailing CRLF or LF is allowed.
 * The reason phrase may be empty or absent; it may hold SP, HTAB, VCHAR and
 * obs-text, nothing else. The code must be three digits within 100..599
 * (RFC 9110 §15: every valid status code is in that range).
 * Returns SPP_OK and *status, or SPP_ESYNTAX.
 */
enum spp_code spp_headers_parse_status(const char *s, size_t len, int *status, struct spp_err *err);

/*
 * Parses a Content-Type value (RFC 9110 §8.3.1: type "/" subtype
 * *( OWS ";" OWS [ token "=" ( token / quoted-string ) ] ), surrounding OWS
 * allowed) and returns the "type/subtype" span through *type and *type_len
 * (not lower-cased: compare it with spp_headers_ieq). SPP_ESYNTAX on anything
 * else, including an empty value.
 */
enum spp_code spp_headers_media_type(const char *v, size_t len, const char **type, size_t *type_len,
                                     struct spp_err *err);

/*
 * True when v[0..len) is a well-formed Content-Type whose media type is
 * exactly application/json, in any case, with any parameters
 * ("application/json; charset=utf-8", "APPLICATION/JSON"). Structured-syntax
 * suffix types ("application/problem+json", "application/vnd.x+json") and
 * "text/json" do NOT count: the Tickets API promises application/json.
 */
bool spp_headers_is_json(const char *v, size_t len);

/* The two spellings of an X-Api-Version date. */
enum spp_api_version_form {
    SPP_API_VERSION_DASHED,  /* "2024-03-05": what a client sends */
    SPP_API_VERSION_COMPACT, /* "20240305": what the API answers */
};

/* Buffer size that holds either form plus its NUL. */
#define SPP_API_VERSION_BUF 11

/*
 * Parses an X-Api-Version value in either form into a comparable integer
 * yyyymmdd (2024-03-05 -> 20240305). Exactly 10 or 8 ASCII characters, no
 * whitespace; year 0001..9999, month 01..12, day valid for the month in the
 * proleptic Gregorian calendar (29 February only in leap years).
 * *form (may be NULL) says which spelling was used. SPP_ESYNTAX otherwise.
 */
enum spp_code spp_headers_parse_api_version(const char *s, size_t len, uint32_t *yyyymmdd,
                                            enum spp_api_version_form *form, struct spp_err *err);

/*
 * Writes yyyymmdd in the given form, NUL-terminated, into buf[0..cap).
 * SPP_EINVAL when the date is not valid (same rules as parsing) or the form is
 * unknown; SPP_ELIMIT when cap is too small (SPP_API_VERSION_BUF always fits).
 */
enum spp_code spp_headers_format_api_version(uint32_t yyyymmdd, enum spp_api_version_form form,
                                             char *buf, size_t cap, struct spp_err *err);

/*
 * Parses an HTTP-date (RFC 9110 §5.6.7) into seconds since the Unix epoch:
 * IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", and the obsolete RFC 850 form
 * "Sunday, 06-Nov-94 08:49:37 GMT" and asctime form "Sun Nov  6 08:49:37 1994".
 * Names are case-sensitive, as the grammar says. A two-digit RFC 850 year that
 * would be more than 50 years after now's year means the century before.
 * The day name is checked for spelling, not against the date. Second 60 (a
 * leap second) is accepted and counts as second 59 + 1.
 */
enum spp_code spp_headers_parse_http_date(const char *s, size_t len, time_t now, int64_t *epoch,
                                          struct spp_err *err);

/*
 * The largest wait spp_headers_parse_retry_after reports: RFC 9111 §1.2.2 says
 * a delta-seconds too large to represent is taken as 2^31.
 */
#define SPP_HEADERS_RETRY_AFTER_MAX UINT32_C(2147483648)

/*
 * Parses a Retry-After value (RFC 9110 §10.2.3): delta-seconds (1*DIGIT) or an
 * HTTP-date, surrounding OWS allowed, and returns the seconds to wait from
 * now: a date in the past gives 0, anything is clamped to
 * SPP_HEADERS_RETRY_AFTER_MAX. SPP_ESYNTAX on anything else (signs, fractions,
 * empty values, trailing garbage).
 */
enum spp_code spp_headers_parse_retry_after(const char *s, size_t len, time_t now,
                                            uint32_t *seconds, struct spp_err *err);

/* One field line split in place: both spans point into the caller's line. */
struct spp_header_field {
    const char *name; /* token, never empty */
    size_t name_len;
    const char *value; /* OWS-trimmed, may be empty */
    size_t value_len;
};

/*
 * Splits one field line "Name: value" (one trailing CRLF or LF allowed) per
 * RFC 9112 §5: the name is a non-empty token directly followed by ':' (no
 * whitespace before the colon); the value loses its leading and trailing OWS
 * and may hold SP, HTAB, VCHAR and obs-text only. Rejected with SPP_ESYNTAX:
 * a line that starts with SP/HTAB (obs-fold continuation), a CR or LF inside
 * the line (folding or injection), any other control byte (NUL, DEL, ...), a
 * missing colon. SPP_ELIMIT when len > max_len (checked first, so a huge line
 * costs nothing).
 */
enum spp_code spp_headers_split_line(const char *line, size_t len, size_t max_len,
                                     struct spp_header_field *out, struct spp_err *err);

#endif
