/*
 * pattern — ECMA-262 "pattern" through PCRE2 (see pattern.h).
 *
 * spp_pattern_compile first rewrites the source into PCRE2 syntax in one pass
 * that tracks whether it is inside a character class (where "\s" must expand
 * without brackets), then compiles with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
 * PCRE2_DOLLAR_ENDONLY and newline ANYCRLF (so "." rejects "\r" as in ECMA),
 * then asks for the JIT; a JIT failure is not an error, the interpreter runs.
 * Matching is bounded by a match limit so a hostile pattern plus a hostile
 * subject cannot spin for minutes.
 */
#include "pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bound on backtracking: generous for real patterns, a fraction of a second worst case. */
#define SPP_PATTERN_MATCH_LIMIT 1000000u
/* The rewritten source grows at most this many bytes per source byte ("\s" is the worst). */
#define SPP_PATTERN_GROWTH 80

struct spp_pattern {
    pcre2_code *code;
    char *source;
};

struct spp_pattern_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mc;
};

/* ECMA-262 WhiteSpace and LineTerminator beyond PCRE2's ASCII \s. */
static const char ecma_space[] =
    "\\s\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";

/* ECMA-262 General_Category long names (and aliases) → the short names PCRE2 knows. */
static const char *const gc_names[][2] = {
    {"Letter", "L"},
    {"Cased_Letter", "L&"},
    {"LC", "L&"},
    {"Uppercase_Letter", "Lu"},
    {"Lowercase_Letter", "Ll"},
    {"Titlecase_Letter", "Lt"},
    {"Modifier_Letter", "Lm"},
    {"Other_Letter", "Lo"},
    {"Mark", "M"},
    {"Combining_Mark", "M"},
    {"Nonspacing_Mark", "Mn"},
    {"Spacing_Mark", "Mc"},
    {"Enclosing_Mark", "Me"},
    {"Number", "N"},
    {"Decimal_Number", "Nd"},
    {"digit", "Nd"},
    {"Letter_Number", "Nl"},
    {"Other_Number", "No"},
    {"Punctuation", "P"},
    {"punct", "P"},
    {"Connector_Punctuation", "Pc"},
    {"Dash_Punctuation", "Pd"},
    {"Open_Punctuation", "Ps"},
    {"Close_Punctuation", "Pe"},
    {"Initial_Punctuation", "Pi"},
    {"Final_Punctuation", "Pf"},
    {"Other_Punctuation", "Po"},
    {"Symbol", "S"},
    {"Math_Symbol", "Sm"},
    {"Currency_Symbol", "Sc"},
    {"Modifier_Symbol", "Sk"},
    {"Other_Symbol", "So"},
    {"Separator", "Z"},
    {"Space_Separator", "Zs"},
    {"Line_Separator", "Zl"},
    {"Paragraph_Separator", "Zp"},
    {"Other", "C"},
    {"Control", "Cc"},
    {"cntrl", "Cc"},
    {"Format", "Cf"},
    {"Surrogate", "Cs"},
    {"Private_Use", "Co"},
    {"Unassigned", "Cn"},
};

/*
 * Rewrites the body of \p{...} (name[0..n)) for PCRE2 into out: drops the
 * "General_Category=", "gc=", "Script=", "sc=" prefixes and maps long category names.
 */
static size_t prop_name(const char *name, size_t n, char *out, size_t cap)
{
    static const char *const prefixes[] = {
        "General_Category=", "gc=", "Script=", "sc=", "Script_Extensions=", "scx="};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t pl = strlen(prefixes[i]);
        if (n > pl && strncmp(name, prefixes[i], pl) == 0) {
            name += pl;
            n -= pl;
            break;
        }
    }
    for (size_t i = 0; i < sizeof(gc_names) / sizeof(gc_names[0]); i++)
        if (strlen(gc_names[i][0]) == n && strncmp(name, gc_names[i][0], n) == 0)
            return (size_t)snprintf(out, cap, "%s", gc_names[i][1]);
    return (size_t)snprintf(out, cap, "%.*s", (int)n, name);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads exactly 4 hex digits at s (within len); -1 when they are not there. */
static long hex4(const char *s, size_t avail)
{
    if (avail < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static char *translate(const char *src, size_t len)
{
    if (len > ((size_t)-1) / SPP_PATTERN_GROWTH - 1)
        return NULL;
    size_t cap = len * SPP_PATTERN_GROWTH + 1;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t o = 0;
    bool in_class = false;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '\\' && i + 1 < len) {
            char e = src[i + 1];
            if (e == 's' || e == 'S') {
                if (!in_class)
                    o += (size_t)snprintf(out + o, cap - o, "[%s%s]", e == 'S' ? "^" : "",
                                          ecma_space);
                else if (e == 's')
                    o += (size_t)snprintf(out + o, cap - o, "%s", ecma_space);
                else
                    o += (size_t)snprintf(out + o, cap - o, "\\S");
                i++;
                continue;
            }
            if ((e == 'p' || e == 'P') && i + 2 < len && src[i + 2] == '{') {
                const char *close = memchr(src + i + 3, '}', len - i - 3);
                /* Property names are short; a long body is left for PCRE2 to reject. */
                if (close && (size_t)(close - (src + i + 3)) < 64) {
                    size_t n = (size_t)(close - (src + i + 3));
                    o += (size_t)snprintf(out + o, cap - o, "\\%c{", e);
                    o += prop_name(src + i + 3, n, out + o, cap - o);
                    out[o++] = '}';
                    i += n + 3;
                    continue;
                }
            }
            if (e == 'u') {
                long cp = -1;
                size_t used = 0;
                if (i + 2 < len && src[i + 2] == '{') {
                    size_t j = i + 3;
                    long v = 0;
                    while (j < len && hexval(src[j]) >= 0 && v <= 0x10FFFF)
                        v = v * 16 + hexval(src[j++]);
                    if (j < len && src[j] == '}' && j > i + 3 && v <= 0x10FFFF) {
                        cp = v;
                        used = j + 1 - i;
                    }
                } else {
                    long hi = hex4(src + i + 2, len - i - 2);
                    if (hi >= 0) {
                        cp = hi;
                        used = 6;
                        /* A surrogate pair written as two escapes is one code point. */
                        if (hi >= 0xD800 && hi <= 0xDBFF && i + 7 < len && src[i + 6] == '\\' &&
                            src[i + 7] == 'u') {
                            long lo = hex4(src + i + 8, len - i - 8);
                            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                                cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                used = 12;
                            }
                        }
                    }
                }
                if (cp >= 0) {
                    o += (size_t)snprintf(out + o, cap - o, "\\x{%lx}", cp);
                    i += used - 1;
                    continue;
                }
            }
            out[o++] = c;
            out[o++] = e;
            i++;
            continue;
        }
        if (c == '[' && !in_class)
            in_class = true;
        else if (c == ']' && in_class)
            in_class = false;
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

enum spp_code spp_pattern_compile(const char *src, size_t len, struct spp_pattern **out,
                                  struct spp_err *err)
{
    enum spp_code rc = SPP_ENOMEM;
    struct spp_pattern *p = calloc(1, sizeof(*p));
    char *tr = NULL;
    pcre2_compile_context *cc = NULL;
    if (!p)
        goto out;
    p->source = malloc(len + 1);
    tr = translate(src, len);
    cc = pcre2_compile_context_create(NULL);
    if (!p->source || !tr || !cc)
        goto out;
    memcpy(p->source, src, len);
    p->source[len] = '\0';
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
    int ec = 0;
    PCRE2_SIZE eoff = 0;
    p->code =
        pcre2_compile((PCRE2_SPTR)tr, PCRE2_ZERO_TERMINATED,
                      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY, &ec, &eoff, cc);
    if (!p->code) {
        PCRE2_UCHAR buf[160];
        if (pcre2_get_error_message(ec, buf, sizeof(buf)) < 0)
            snprintf((char *)buf, sizeof(buf), "unknown error");
        rc = spp_err_set(err, SPP_ESCHEMA, "invalid regular expression \"%.60s\": %s", p->source,
                         (const char *)buf);
        goto out;
    }
    (void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
    *out = p;
    p = NULL;
    rc = SPP_OK;
out:
    if (rc == SPP_ENOMEM)
        spp_err_set(err, SPP_ENOMEM, "out of memory compiling a pattern");
    pcre2_compile_context_free(cc);
    free(tr);
    spp_pattern_free(p);
    return rc;
}

void spp_pattern_free(struct spp_pattern *p)
{
    if (!p)
        return;
    pcre2_code_free(p->code);
    free(p->source);
    free(p);
}

const char *spp_pattern_source(const struct spp_pattern *p)
{
    return p ? p->source : NULL;
}

struct spp_pattern_scratch *spp_pattern_scratch_new(void)
{
    struct spp_pattern_scratch *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NULL;
    /* One ovector pair is enough: we only ask whether there is a match. */
    sc->md = pcre2_match_data_create(1, NULL);
    sc->mc = pcre2_match_context_create(NULL);
    if (!sc->md || !sc->mc) {
        spp_pattern_scratch_free(sc);
        return NULL;
    }
    pcre2_set_match_limit(sc->mc, SPP_PATTERN_MATCH_LIMIT);
    return sc;
}

void spp_pattern_scratch_free(struct spp_pattern_scratch *sc)
{
    if (!sc)
        return;
    pcre2_match_data_free(sc->md);
    pcre2_match_context_free(sc->mc);
    free(sc);
}

bool spp_pattern_search(const struct spp_pattern *p, struct spp_pattern_scratch *sc, const char *s,
                        size_t len, bool *failed)
{
    if (failed)
        *failed = false;
    struct spp_pattern_scratch *own = NULL;
    if (!sc) {
        own = sc = spp_pattern_scratch_new();
        if (!sc) {
            if (failed)
                *failed = true;
            return false;
        }
    }
    int rc = pcre2_match(p->code, (PCRE2_SPTR)(s ? s : ""), len, 0, 0, sc->md, sc->mc);
    spp_pattern_scratch_free(own);
    if (rc >= 0)
        return true; /* 0: matched, ovector too small for the groups, which we do not need */
    if (rc != PCRE2_ERROR_NOMATCH && failed)
        *failed = true;
    return false;
}
