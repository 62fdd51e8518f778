/*
 * format — the "format" vocabulary of JSON Schema 2020-12 as assertions.
 *
 * spp_format_check() answers whether a string is a valid instance of a named
 * format: date-time, date, time (RFC 3339), email (RFC 5321 Mailbox), uri
 * (RFC 3986 absolute URI), uuid (RFC 4122 text form), ipv4 and ipv6 (RFC 2673 /
 * RFC 4291 text forms), exactly as the official JSON Schema test suite expects.
 *
 * Every checker is a hand-written recogniser over a (pointer, length) pair: it
 * never reads past len, never needs a NUL terminator, allocates nothing and
 * keeps no state, so it is safe on hostile input (embedded NUL bytes, invalid
 * UTF-8 and huge lengths are simply INVALID) and from any thread.
 */
#ifndef SPP_FORMAT_H
#define SPP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

enum spp_format_result { SPP_FORMAT_VALID, SPP_FORMAT_INVALID, SPP_FORMAT_UNKNOWN };

/*
 * Checks s[0..len) against the format named by the NUL-terminated string format.
 * s need not be NUL-terminated and is never read past len (s may be NULL when
 * len is 0). Returns SPP_FORMAT_UNKNOWN for a format name it does not
 * implement (callers then treat the format as an annotation only) or when
 * format is NULL.
 */
enum spp_format_result spp_format_check(const char *format, const char *s, size_t len);

/* True when s[0..len) is an RFC 3339 date-time ("2021-01-01T00:00:00+00:00"). */
bool spp_format_is_rfc3339_datetime(const char *s, size_t len);

/* True when s[0..len) is an RFC 4122 UUID in 8-4-4-4-12 hexadecimal form. */
bool spp_format_is_uuid(const char *s, size_t len);

#endif
