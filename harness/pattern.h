/*
 * pattern — ECMA-262 regular expressions (as JSON Schema's "pattern" means
 * them) compiled once with PCRE2 and matched many times.
 *
 * The source is translated where ECMA-262 and PCRE2 differ and the difference
 * is cheap to bridge: "\d" and "\w" stay ASCII (PCRE2 without UCP already
 * is), "\s"/"\S" gain the Unicode spaces ECMA-262 lists, "\uXXXX" and
 * "\u{X...}" become code points, "$" matches only at the very end, and
 * matching is an unanchored search over UTF-8 (invalid UTF-8 in the subject
 * never matches an invalid sequence but is not an error). The pattern is JIT
 * compiled when the platform allows it.
 */
#ifndef SPP_PATTERN_H
#define SPP_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct spp_pattern;
struct spp_pattern_scratch;

/* Compiles src (len bytes); SPP_ESCHEMA with the PCRE2 message and offset when invalid. */
enum spp_code spp_pattern_compile(const char *src, size_t len, struct spp_pattern **out,
                                  struct spp_err *err);
void spp_pattern_free(struct spp_pattern *p);
/* The source text as given (NUL-terminated, borrowed). */
const char *spp_pattern_source(const struct spp_pattern *p);

/* Per-thread matching state (PCRE2 match data); NULL on allocation failure. */
struct spp_pattern_scratch *spp_pattern_scratch_new(void);
void spp_pattern_scratch_free(struct spp_pattern_scratch *sc);
/*
 * True when the pattern matches somewhere in s[0..len). sc may be NULL (one is
 * made for the call). A matching error (e.g. a resource limit) is reported as
 * a non-match with *failed set when failed is not NULL.
 */
bool spp_pattern_search(const struct spp_pattern *p, struct spp_pattern_scratch *sc, const char *s,
                        size_t len, bool *failed);

#endif
