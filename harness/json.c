/*
 * json — the only file of libspp that includes cJSON (see json.h).
 *
 * A struct spp_json is a cJSON node reinterpreted; the cast lives here only.
 * Parsing is the reader below (RFC 8259, strict): one pass that builds cJSON
 * nodes and records, with the JSON Pointer and byte of each, what a plain parse
 * would silently get wrong (duplicate keys, "\u0000", numbers beyond a double
 * or 2^53, invalid UTF-8). Printing, copying and freeing stay cJSON's.
 */
#include "json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hash.h"

struct spp_json_doc {
    cJSON *root;
    /* Allocated on the first issue: a clean document (nearly all) costs no 17 KB record. */
    struct spp_json_issue *issues;
    size_t nissues;
    size_t total_issues;
};

/* The one place a spp_json is a cJSON; casts away no const but its own. */
static const cJSON *cj(const struct spp_json *n)
{
    return (const cJSON *)(const void *)n;
}
static cJSON *cjm(struct spp_json *n)
{
    return (cJSON *)(void *)n;
}
static const struct spp_json *sj(const cJSON *n)
{
    return (const struct spp_json *)(const void *)n;
}
static struct spp_json *sjm(cJSON *n)
{
    return (struct spp_json *)(void *)n;
}

static const char *const issue_names[] = {
#define SPP_X_ISSUE(e, name, msg) name,
    SPP_JSON_ISSUE_LIST(SPP_X_ISSUE)
#undef SPP_X_ISSUE
};
static const char *const issue_msgs[] = {
#define SPP_X_ISSUE(e, name, msg) msg,
    SPP_JSON_ISSUE_LIST(SPP_X_ISSUE)
#undef SPP_X_ISSUE
};

const char *spp_json_issue_name(enum spp_json_issue_kind kind)
{
    if ((size_t)kind >= sizeof(issue_names) / sizeof(issue_names[0]))
        return "unknown";
    return issue_names[kind];
}

const char *spp_json_issue_message(enum spp_json_issue_kind kind)
{
    if ((size_t)kind >= sizeof(issue_msgs) / sizeof(issue_msgs[0]))
        return "unknown issue";
    return issue_msgs[kind];
}

static void add_issue(struct spp_json_doc *doc, enum spp_json_issue_kind kind, const char *pointer,
                      size_t offset)
{
    doc->total_issues++;
    if (doc->nissues >= SPP_JSON_MAX_ISSUES)
        return;
    if (!doc->issues && !(doc->issues = calloc(SPP_JSON_MAX_ISSUES, sizeof(*doc->issues))))
        return; /* counted in total_issues, not recorded */
    struct spp_json_issue *is = &doc->issues[doc->nissues++];
    is->kind = kind;
    /* A pointer longer than the record is cut short; the offset still locates it. */
    size_t n = strlen(pointer);
    if (n >= sizeof(is->pointer))
        n = sizeof(is->pointer) - 1;
    memcpy(is->pointer, pointer, n);
    is->pointer[n] = '\0';
    is->offset = offset;
}

/* ---- pointers ---------------------------------------------------------- */

bool spp_json_pointer_push(char *buf, size_t cap, const char *token)
{
    size_t n = strlen(buf);
    if (n + 1 >= cap)
        return false;
    buf[n++] = '/';
    for (const char *p = token; *p; p++) {
        const char *rep = NULL;
        if (*p == '~')
            rep = "~0";
        else if (*p == '/')
            rep = "~1";
        size_t need = rep ? 2 : 1;
        if (n + need >= cap) {
            buf[cap - 1] = '\0';
            return false;
        }
        if (rep) {
            buf[n++] = rep[0];
            buf[n++] = rep[1];
        } else {
            buf[n++] = *p;
        }
    }
    buf[n] = '\0';
    return true;
}

bool spp_json_pointer_push_index(char *buf, size_t cap, size_t index)
{
    char tok[32];
    snprintf(tok, sizeof(tok), "%zu", index);
    return spp_json_pointer_push(buf, cap, tok);
}

/* ---- the reader: RFC 8259 into cJSON nodes, with the policy checked on the way ----------
 *
 * One pass over the bytes builds the tree (nodes from cJSON's own constructors, strings and
 * keys from cJSON_malloc, so cJSON_Delete frees them) and records what a plain parse would
 * silently get wrong: duplicate keys, "\u0000" (a C string ends there), numbers beyond a
 * double or beyond 2^53, invalid UTF-8. cJSON's own reader did this in three passes (a depth
 * pre-scan, its parse, a policy walk) and accepts what RFC 8259 does not (leading zeros,
 * "1.", raw control characters in strings, any byte <= 0x20 as white space).
 *
 * The JSON Pointer of a node is spelled out only when an issue is found there: the reader
 * keeps a chain of frames on the stack, so a clean document pays nothing for locations.
 */

static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (i + need >= n) /* the continuation bytes must all be inside the string */
            return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += need + 1;
    }
    return true;
}

/* 2^53: from here on a double no longer holds every integer (2^53+1 reads as 2^53). */
#define SPP_EXACT_INT_LIMIT 9007199254740992.0

struct frame {
    const struct frame *up;
    const char *key; /* member key, or NULL for an array element */
    size_t index;
};

static void frame_pointer(const struct frame *f, char *out, size_t cap)
{
    const struct frame *chain[CJSON_NESTING_LIMIT + 2];
    size_t n = 0;
    for (; f && n < sizeof(chain) / sizeof(chain[0]); f = f->up)
        chain[n++] = f;
    out[0] = '\0';
    while (n-- > 0) {
        if (chain[n]->key)
            spp_json_pointer_push(out, cap, chain[n]->key);
        else
            spp_json_pointer_push_index(out, cap, chain[n]->index);
    }
}

static void issue_at(struct spp_json_doc *doc, enum spp_json_issue_kind kind, const struct frame *f,
                     size_t offset)
{
    char ptr[SPP_JSON_POINTER_MAX * 4];
    frame_pointer(f, ptr, sizeof(ptr));
    add_issue(doc, kind, ptr, offset);
}

/* The keys of the objects being read, innermost last: duplicates are looked for at '}'. */
struct key_ent {
    uint32_t hash;
    const char *key;
};

struct reader {
    const unsigned char *buf, *p, *end;
    size_t depth, max_depth;
    struct spp_json_doc *doc;
    struct key_ent *keys;
    size_t nkeys, capkeys;
    /* The first failure: SPP_ESYNTAX, SPP_ELIMIT or SPP_ENOMEM, its byte and its words. */
    enum spp_code rc;
    size_t err_off;
    const char *err_what;
};

static void fail(struct reader *r, enum spp_code rc, const unsigned char *at, const char *what)
{
    if (r->rc != SPP_OK)
        return;
    r->rc = rc;
    r->err_off = (size_t)(at - r->buf);
    r->err_what = what;
}

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool hex4(const unsigned char *p, const unsigned char *end, uint32_t *out)
{
    if (end - p < 4)
        return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return false;
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return true;
}

static size_t put_utf8(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * The first byte at or after p that ends a plain run inside a string: '"', '\\', a control
 * character or a byte >= 0x80. Eight bytes at a time (a word holds such a byte when one of
 * the classic zero-byte tests fires), byte by byte for the last few.
 */
static const unsigned char *skip_plain(const unsigned char *p, const unsigned char *end)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');
        uint64_t hit =
            ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | (w - ones * 0x20) | w;
        if (hit & highs) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* Below the first flagged byte no test borrowed, so the lowest flag is exact. */
            return p + (__builtin_ctzll(hit & highs) >> 3);
#else
            break;
#endif
        }
        p += 8;
    }
    while (p < end && *p >= 0x20 && *p != '"' && *p != '\\' && *p < 0x80)
        p++;
    return p;
}

/*
 * Reads the string at r->p ('"') into a cJSON_malloc'd C string. NULL on failure (r->rc
 * says which). Its policy issues go to the member f, which the caller may not know yet
 * (a key is read before its member has a name): then f is NULL and *pending keeps them.
 */
struct string_issues {
    size_t nul_at;  /* byte of the first "\u0000", or SIZE_MAX */
    size_t utf8_at; /* byte of the string's quote when its UTF-8 is invalid, or SIZE_MAX */
};

static void string_issues_report(struct reader *r, const struct string_issues *si,
                                 const struct frame *f)
{
    if (si->nul_at != SIZE_MAX)
        issue_at(r->doc, SPP_JSON_ISSUE_NUL_IN_STRING, f, si->nul_at);
    if (si->utf8_at != SIZE_MAX)
        issue_at(r->doc, SPP_JSON_ISSUE_INVALID_UTF8, f, si->utf8_at);
}

static char *read_string(struct reader *r, struct string_issues *si)
{
    si->nul_at = si->utf8_at = SIZE_MAX;
    const unsigned char *start = ++r->p, *q = start;
    bool escapes = false, high = false;
    for (;;) {
        q = skip_plain(q, r->end);
        if (q >= r->end) {
            fail(r, SPP_ESYNTAX, r->end, "unterminated string");
            return NULL;
        }
        if (*q == '"')
            break;
        if (*q < 0x20) {
            fail(r, SPP_ESYNTAX, q, "control character inside a string");
            return NULL;
        }
        if (*q >= 0x80) {
            high = true;
            q++;
        } else { /* backslash: its escape is checked when decoding */
            escapes = true;
            q += q + 1 < r->end ? 2 : 1;
        }
    }
    size_t raw = (size_t)(q - start);
    char *s = cJSON_malloc(raw + 1);
    if (!s) {
        fail(r, SPP_ENOMEM, start, "out of memory");
        return NULL;
    }
    size_t n = 0;
    if (!escapes) {
        memcpy(s, start, raw);
        n = raw;
    } else {
        for (const unsigned char *p = start; p < q;) {
            if (*p != '\\') {
                s[n++] = (char)*p++;
                continue;
            }
            const unsigned char *esc = p++;
            uint32_t cp = 0;
            switch (*p++) {
            case '"':
                s[n++] = '"';
                break;
            case '\\':
                s[n++] = '\\';
                break;
            case '/':
                s[n++] = '/';
                break;
            case 'b':
                s[n++] = '\b';
                break;
            case 'f':
                s[n++] = '\f';
                break;
            case 'n':
                s[n++] = '\n';
                break;
            case 'r':
                s[n++] = '\r';
                break;
            case 't':
                s[n++] = '\t';
                break;
            case 'u':
                if (!hex4(p, q, &cp))
                    goto bad_escape;
                p += 4;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    goto bad_escape; /* a low surrogate alone */
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo = 0;
                    if (q - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, q, &lo) ||
                        lo < 0xDC00 || lo > 0xDFFF)
                        goto bad_escape; /* a high surrogate without its low half */
                    p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                if (cp == 0 && si->nul_at == SIZE_MAX)
                    si->nul_at = (size_t)(esc - r->buf);
                n += put_utf8(cp, s + n);
                break;
            default:
            bad_escape:
                cJSON_free(s);
                fail(r, SPP_ESYNTAX, esc, "invalid escape in a string");
                return NULL;
            }
        }
    }
    s[n] = '\0';
    if (high && !utf8_valid((const unsigned char *)s, n))
        si->utf8_at = (size_t)(start - 1 - r->buf);
    r->p = q + 1;
    return s;
}

/* An RFC 8259 number; integers of up to 15 digits are exact without strtod. */
static cJSON *read_number(struct reader *r, const struct frame *f)
{
    const unsigned char *start = r->p, *p = start;
    bool neg = *p == '-', simple = true;
    if (neg)
        p++;
    if (p < r->end && *p == '0') {
        p++;
    } else if (p < r->end && *p >= '1' && *p <= '9') {
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
    } else {
        fail(r, SPP_ESYNTAX, p, "invalid number");
        return NULL;
    }
    size_t int_digits = (size_t)(p - start) - neg;
    if (p < r->end && *p == '.') {
        simple = false;
        const unsigned char *d = ++p;
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
        if (p == d) {
            fail(r, SPP_ESYNTAX, p, "invalid number");
            return NULL;
        }
    }
    if (p < r->end && (*p == 'e' || *p == 'E')) {
        simple = false;
        p++;
        if (p < r->end && (*p == '+' || *p == '-'))
            p++;
        const unsigned char *d = p;
        while (p < r->end && *p >= '0' && *p <= '9')
            p++;
        if (p == d) {
            fail(r, SPP_ESYNTAX, p, "invalid number");
            return NULL;
        }
    }
    double v;
    if (simple && int_digits <= 15) {
        int64_t i = 0;
        for (const unsigned char *d = start + neg; d < p; d++)
            i = i * 10 + (*d - '0');
        v = neg ? -(double)i : (double)i;
    } else {
        /* strtod on a NUL-terminated copy of exactly the number (the buffer may end here). */
        char small[64], *text = small;
        size_t len = (size_t)(p - start);
        if (len >= sizeof(small) && !(text = malloc(len + 1))) {
            fail(r, SPP_ENOMEM, start, "out of memory");
            return NULL;
        }
        memcpy(text, start, len);
        text[len] = '\0';
        v = strtod(text, NULL);
        if (text != small)
            free(text);
    }
    cJSON *n = cJSON_CreateNumber(v);
    if (!n) {
        fail(r, SPP_ENOMEM, start, "out of memory");
        return NULL;
    }
    if (isinf(v) || isnan(v))
        issue_at(r->doc, SPP_JSON_ISSUE_NUMBER_OVERFLOW, f, (size_t)(start - r->buf));
    else if (fabs(v) >= SPP_EXACT_INT_LIMIT && floor(v) == v)
        issue_at(r->doc, SPP_JSON_ISSUE_BIG_INTEGER, f, (size_t)(start - r->buf));
    r->p = p;
    return n;
}

static bool literal(struct reader *r, const char *word, size_t len)
{
    if ((size_t)(r->end - r->p) < len || memcmp(r->p, word, len) != 0) {
        fail(r, SPP_ESYNTAX, r->p, "invalid literal");
        return false;
    }
    r->p += len;
    return true;
}

/* cJSON's list shape: the first child's prev is the last child, the last's next is NULL. */
static void link_child(cJSON *parent, cJSON **last, cJSON *item)
{
    if (!*last) {
        parent->child = item;
    } else {
        (*last)->next = item;
        item->prev = *last;
    }
    parent->child->prev = item;
    *last = item;
}

/* Duplicate keys among the object's members, from its entries on the key stack. */
static void check_duplicates(struct reader *r, const struct key_ent *k, size_t n,
                             const struct frame *f)
{
    enum { STACK_SLOTS = 128 };
    if (n < 2)
        return;
    size_t cap = 4;
    while (cap < 2 * n)
        cap *= 2;
    const struct key_ent *stack_slots[STACK_SLOTS], **slots = stack_slots;
    if (cap > STACK_SLOTS && !(slots = calloc(cap, sizeof(*slots))))
        return; /* policy is best effort under memory pressure; the parse stands */
    if (slots == stack_slots)
        memset(slots, 0, cap * sizeof(*slots));
    for (size_t i = 0; i < n; i++) {
        size_t at = k[i].hash & (cap - 1);
        bool dup = false;
        for (; slots[at]; at = (at + 1) & (cap - 1))
            if (slots[at]->hash == k[i].hash && strcmp(slots[at]->key, k[i].key) == 0) {
                dup = true;
                break;
            }
        if (dup) {
            struct frame cf = {f, k[i].key, i};
            issue_at(r->doc, SPP_JSON_ISSUE_DUPLICATE_KEY, &cf, SIZE_MAX);
        } else {
            slots[at] = &k[i];
        }
    }
    if (slots != stack_slots)
        free(slots);
}

static cJSON *read_value(struct reader *r, const struct frame *f);

/* Remembers a key of the object being read (the node owns it); false when out of memory. */
static bool push_key(struct reader *r, const char *key)
{
    if (r->nkeys == r->capkeys) {
        size_t ncap = r->capkeys ? 2 * r->capkeys : 64;
        struct key_ent *nk = realloc(r->keys, ncap * sizeof(*nk));
        if (!nk)
            return false;
        r->keys = nk;
        r->capkeys = ncap;
    }
    r->keys[r->nkeys++] = (struct key_ent){spp_hash_str(key), key};
    return true;
}

static cJSON *read_container(struct reader *r, const struct frame *f, bool object)
{
    if (r->depth >= r->max_depth) {
        fail(r, SPP_ELIMIT, r->p, "nesting");
        return NULL;
    }
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!c) {
        fail(r, SPP_ENOMEM, r->p, "out of memory");
        return NULL;
    }
    r->depth++;
    r->p++;
    size_t base = r->nkeys, index = 0;
    cJSON *last = NULL;
    unsigned char close = object ? '}' : ']';
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        goto done;
    }
    for (;; index++) {
        struct frame cf = {f, NULL, index};
        char *key = NULL;
        if (object) {
            if (r->p >= r->end || *r->p != '"') {
                fail(r, SPP_ESYNTAX, r->p, "expected a member name");
                goto bad;
            }
            struct string_issues si;
            if (!(key = read_string(r, &si)))
                goto bad;
            cf.key = key;
            string_issues_report(r, &si, &cf); /* a key's issues are the member's */
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':') {
                cJSON_free(key);
                fail(r, SPP_ESYNTAX, r->p, "expected ':'");
                goto bad;
            }
            r->p++;
            skip_ws(r);
        }
        cJSON *item = read_value(r, &cf);
        if (!item) {
            cJSON_free(key);
            goto bad;
        }
        item->string = key;
        link_child(c, &last, item);
        if (object) {
            if (!push_key(r, key)) {
                fail(r, SPP_ENOMEM, r->p, "out of memory");
                goto bad;
            }
        }
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            skip_ws(r);
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            break;
        }
        fail(r, SPP_ESYNTAX, r->p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        goto bad;
    }
done:
    if (object && r->nkeys - base >= 2) /* (r->keys is still NULL before the first key) */
        check_duplicates(r, r->keys + base, r->nkeys - base, f);
    /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): r->keys keeps the stack; the parse frees it */
    r->nkeys = base;
    r->depth--;
    return c;
bad:
    r->nkeys = base;
    r->depth--;
    cJSON_Delete(c);
    return NULL;
}

static cJSON *read_value(struct reader *r, const struct frame *f)
{
    if (r->p >= r->end) {
        fail(r, SPP_ESYNTAX, r->p, "expected a value");
        return NULL;
    }
    cJSON *n = NULL;
    switch (*r->p) {
    case '{':
        return read_container(r, f, true);
    case '[':
        return read_container(r, f, false);
    case '"': {
        struct string_issues si;
        char *s = read_string(r, &si);
        if (!s)
            return NULL;
        string_issues_report(r, &si, f);
        if (!(n = cJSON_CreateNull())) {
            cJSON_free(s);
            fail(r, SPP_ENOMEM, r->p, "out of memory");
            return NULL;
        }
        n->type = cJSON_String;
        n->valuestring = s;
        return n;
    }
    case 't':
        n = literal(r, "true", 4) ? cJSON_CreateTrue() : NULL;
        break;
    case 'f':
        n = literal(r, "false", 5) ? cJSON_CreateFalse() : NULL;
        break;
    case 'n':
        n = literal(r, "null", 4) ? cJSON_CreateNull() : NULL;
        break;
    default:
        if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
            return read_number(r, f);
        fail(r, SPP_ESYNTAX, r->p, "expected a value");
        return NULL;
    }
    if (!n)
        fail(r, SPP_ENOMEM, r->p, "out of memory");
    return n;
}

/* ---- parse ------------------------------------------------------------ */

static size_t eff_depth(const struct spp_json_limits *lim)
{
    size_t d = lim && lim->max_depth ? lim->max_depth : SPP_JSON_DEFAULT_MAX_DEPTH;
    /* Trees deeper than cJSON's own limit could not be printed or duplicated by it. */
    return d < CJSON_NESTING_LIMIT ? d : CJSON_NESTING_LIMIT - 1;
}

static size_t eff_bytes(const struct spp_json_limits *lim)
{
    return lim && lim->max_bytes ? lim->max_bytes : SPP_JSON_DEFAULT_MAX_BYTES;
}

enum spp_code spp_json_parse(const char *buf, size_t len, const struct spp_json_limits *lim,
                             struct spp_json_doc **out, struct spp_err *err)
{
    if (!out || (!buf && len))
        return spp_err_set(err, SPP_EINVAL, "spp_json_parse: NULL argument");
    if (len > eff_bytes(lim))
        return spp_err_set(err, SPP_ELIMIT, "JSON document of %zu bytes exceeds the limit of %zu",
                           len, eff_bytes(lim));
    if (len == 0) {
        spp_err_set(err, SPP_ESYNTAX, "empty input is not JSON");
        if (err)
            err->offset = 0;
        return SPP_ESYNTAX;
    }
    struct spp_json_doc *doc = calloc(1, sizeof(*doc));
    if (!doc)
        return spp_err_set(err, SPP_ENOMEM, "out of memory parsing JSON");
    struct reader r = {.buf = (const unsigned char *)buf,
                       .p = (const unsigned char *)buf,
                       .end = (const unsigned char *)buf + len,
                       .max_depth = eff_depth(lim),
                       .doc = doc};
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3; /* a UTF-8 byte order mark, as cJSON allowed */
    skip_ws(&r);
    doc->root = read_value(&r, NULL);
    skip_ws(&r);
    bool trailing = doc->root && r.p < r.end;
    if (trailing)
        fail(&r, SPP_ESYNTAX, r.p, "trailing data");
    free(r.keys);
    if (r.rc == SPP_OK) {
        *out = doc;
        return SPP_OK;
    }
    cJSON_Delete(doc->root);
    free(doc->issues);
    free(doc);
    if (r.rc == SPP_ENOMEM)
        spp_err_set(err, SPP_ENOMEM, "out of memory parsing JSON");
    else if (r.rc == SPP_ELIMIT)
        spp_err_set(err, SPP_ELIMIT, "JSON nesting deeper than %zu", r.max_depth);
    else if (trailing)
        spp_err_set(err, SPP_ESYNTAX, "trailing data after the JSON value at byte %zu", r.err_off);
    else
        spp_err_set(err, SPP_ESYNTAX, "malformed JSON near byte %zu: %s", r.err_off, r.err_what);
    if (err)
        err->offset = r.err_off;
    return r.rc;
}

enum spp_code spp_file_read(const char *path, size_t max_bytes, char **out, size_t *out_len,
                            struct spp_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        spp_err_set(err, SPP_EIO, "cannot open %s: %s", path, strerror(errno));
        spp_err_where(err, path);
        return SPP_EIO;
    }
    size_t cap = 0, len = 0;
    char *buf = NULL;
    enum spp_code rc = SPP_OK;
    for (;;) {
        if (len == cap) {
            /* A regular file's size is known: one allocation of it (plus room to see EOF). */
            struct stat st;
            size_t ncap = cap ? cap * 2 : 65536;
            if (!cap && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
                (uintmax_t)st.st_size < max_bytes)
                ncap = (size_t)st.st_size + 1;
            if (ncap > max_bytes + 1)
                ncap = max_bytes + 1;
            if (ncap <= cap) {
                rc = spp_err_set(err, SPP_ELIMIT, "%s is larger than %zu bytes", path, max_bytes);
                goto out;
            }
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                rc = spp_err_set(err, SPP_ENOMEM, "out of memory reading %s", path);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                rc = spp_err_set(err, SPP_EIO, "cannot read %s", path);
            break;
        }
    }
    if (rc == SPP_OK && len > max_bytes)
        rc = spp_err_set(err, SPP_ELIMIT, "%s is larger than %zu bytes", path, max_bytes);
out:
    fclose(f);
    if (rc != SPP_OK) {
        spp_err_where(err, path);
        free(buf);
        return rc;
    }
    if (!buf) {
        buf = malloc(1);
        if (!buf)
            return spp_err_set(err, SPP_ENOMEM, "out of memory reading %s", path);
    } else {
        /* Exactly len bytes plus a NUL the caller must not count on for parsing. */
        char *nb = realloc(buf, len + 1);
        if (nb)
            buf = nb;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return SPP_OK;
}

enum spp_code spp_json_parse_file(const char *path, const struct spp_json_limits *lim,
                                  struct spp_json_doc **out, struct spp_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    enum spp_code rc = spp_file_read(path, eff_bytes(lim), &buf, &len, err);
    if (rc != SPP_OK)
        return rc;
    rc = spp_json_parse(buf, len, lim, out, err);
    free(buf);
    if (rc != SPP_OK)
        spp_err_where(err, path);
    return rc;
}

void spp_json_doc_free(struct spp_json_doc *doc)
{
    if (!doc)
        return;
    cJSON_Delete(doc->root);
    free(doc->issues);
    free(doc);
}

const struct spp_json *spp_json_doc_root(const struct spp_json_doc *doc)
{
    return doc ? sj(doc->root) : NULL;
}

struct spp_json *spp_json_doc_take_root(struct spp_json_doc *doc)
{
    if (!doc)
        return NULL;
    cJSON *r = doc->root;
    doc->root = NULL;
    return sjm(r);
}

const struct spp_json_issue *spp_json_doc_issues(const struct spp_json_doc *doc, size_t *count,
                                                 size_t *total)
{
    if (count)
        *count = doc ? doc->nissues : 0;
    if (total)
        *total = doc ? doc->total_issues : 0;
    return doc ? doc->issues : NULL;
}

/* ---- reading ----------------------------------------------------------- */

enum spp_json_kind spp_json_kind(const struct spp_json *n)
{
    const cJSON *c = cj(n);
    if (!c)
        return SPP_JSON_INVALID;
    switch (c->type & 0xFF) {
    case cJSON_NULL:
        return SPP_JSON_NULL;
    case cJSON_False:
    case cJSON_True:
        return SPP_JSON_BOOL;
    case cJSON_Number:
        return SPP_JSON_NUMBER;
    case cJSON_String:
        return SPP_JSON_STRING;
    case cJSON_Array:
        return SPP_JSON_ARRAY;
    case cJSON_Object:
        return SPP_JSON_OBJECT;
    default:
        return SPP_JSON_INVALID;
    }
}

const char *spp_json_kind_name(enum spp_json_kind kind)
{
    switch (kind) {
    case SPP_JSON_NULL:
        return "null";
    case SPP_JSON_BOOL:
        return "boolean";
    case SPP_JSON_NUMBER:
        return "number";
    case SPP_JSON_STRING:
        return "string";
    case SPP_JSON_ARRAY:
        return "array";
    case SPP_JSON_OBJECT:
        return "object";
    case SPP_JSON_INVALID:
        break;
    }
    return "invalid";
}

bool spp_json_bool(const struct spp_json *n)
{
    return n && cJSON_IsTrue(cj(n));
}

double spp_json_number(const struct spp_json *n)
{
    return n && cJSON_IsNumber(cj(n)) ? cj(n)->valuedouble : 0.0;
}

bool spp_json_is_integer(const struct spp_json *n)
{
    if (!n || !cJSON_IsNumber(cj(n)))
        return false;
    double d = cj(n)->valuedouble;
    return isfinite(d) && floor(d) == d;
}

const char *spp_json_string(const struct spp_json *n, size_t *len)
{
    if (!n || !cJSON_IsString(cj(n)) || !cj(n)->valuestring) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = strlen(cj(n)->valuestring);
    return cj(n)->valuestring;
}

size_t spp_json_count(const struct spp_json *n)
{
    size_t k = 0;
    if (!n || !(cJSON_IsArray(cj(n)) || cJSON_IsObject(cj(n))))
        return 0;
    for (const cJSON *c = cj(n)->child; c; c = c->next)
        k++;
    return k;
}

const struct spp_json *spp_json_first(const struct spp_json *n)
{
    if (!n || !(cJSON_IsArray(cj(n)) || cJSON_IsObject(cj(n))))
        return NULL;
    return sj(cj(n)->child);
}

const struct spp_json *spp_json_next(const struct spp_json *n)
{
    return n ? sj(cj(n)->next) : NULL;
}

const char *spp_json_key(const struct spp_json *n)
{
    return n ? cj(n)->string : NULL;
}

const struct spp_json *spp_json_get(const struct spp_json *obj, const char *key)
{
    if (!obj || !key || !cJSON_IsObject(cj(obj)))
        return NULL;
    for (const cJSON *c = cj(obj)->child; c; c = c->next)
        if (c->string && strcmp(c->string, key) == 0)
            return sj(c);
    return NULL;
}

const struct spp_json *spp_json_at(const struct spp_json *arr, size_t index)
{
    if (!arr || !cJSON_IsArray(cj(arr)))
        return NULL;
    const cJSON *c = cj(arr)->child;
    while (c && index--)
        c = c->next;
    return sj(c);
}

const struct spp_json *spp_json_pointer(const struct spp_json *root, const char *pointer)
{
    if (!pointer)
        return NULL;
    const struct spp_json *cur = root;
    const char *p = pointer;
    if (*p == '\0')
        return cur;
    if (*p != '/')
        return NULL;
    char tok[1024];
    while (cur && *p == '/') {
        p++;
        size_t n = 0;
        while (*p && *p != '/') {
            char ch = *p++;
            if (ch == '~') {
                if (*p == '0')
                    ch = '~';
                else if (*p == '1')
                    ch = '/';
                else
                    return NULL;
                p++;
            }
            if (n + 1 >= sizeof(tok))
                return NULL;
            tok[n++] = ch;
        }
        tok[n] = '\0';
        if (spp_json_kind(cur) == SPP_JSON_OBJECT) {
            cur = spp_json_get(cur, tok);
        } else if (spp_json_kind(cur) == SPP_JSON_ARRAY) {
            if (n == 0 || (n > 1 && tok[0] == '0'))
                return NULL;
            size_t idx = 0;
            for (size_t i = 0; i < n; i++) {
                if (tok[i] < '0' || tok[i] > '9' || idx > SIZE_MAX / 10 - 1)
                    return NULL;
                idx = idx * 10 + (size_t)(tok[i] - '0');
            }
            cur = spp_json_at(cur, idx);
        } else {
            return NULL;
        }
    }
    return cur;
}

static bool equal_depth(const cJSON *a, const cJSON *b, size_t depth)
{
    if (depth > SPP_JSON_DEFAULT_MAX_DEPTH)
        return false;
    enum spp_json_kind ka = spp_json_kind(sj(a)), kb = spp_json_kind(sj(b));
    if (ka != kb)
        return false;
    switch (ka) {
    case SPP_JSON_NULL:
        return true;
    case SPP_JSON_BOOL:
        return cJSON_IsTrue(a) == cJSON_IsTrue(b);
    case SPP_JSON_NUMBER:
        return a->valuedouble == b->valuedouble;
    case SPP_JSON_STRING:
        return strcmp(a->valuestring, b->valuestring) == 0;
    case SPP_JSON_ARRAY: {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!equal_depth(x, y, depth + 1))
                return false;
        return !x && !y;
    }
    case SPP_JSON_OBJECT: {
        size_t na = 0, nb = 0;
        for (const cJSON *x = a->child; x; x = x->next)
            na++;
        for (const cJSON *y = b->child; y; y = y->next)
            nb++;
        if (na != nb)
            return false;
        /* The k-th member named K in a matches the k-th named K in b, so that a document
         * with duplicate keys equals itself (found by fuzz/fuzz_response). */
        for (const cJSON *x = a->child; x; x = x->next) {
            if (!x->string)
                return false;
            size_t k = 0;
            for (const cJSON *p = a->child; p != x; p = p->next)
                k += p->string && strcmp(p->string, x->string) == 0;
            const cJSON *y = b->child;
            for (; y; y = y->next)
                if (y->string && strcmp(y->string, x->string) == 0 && k-- == 0)
                    break;
            if (!y || !equal_depth(x, y, depth + 1))
                return false;
        }
        return true;
    }
    case SPP_JSON_INVALID:
        break;
    }
    return false;
}

bool spp_json_equal(const struct spp_json *a, const struct spp_json *b)
{
    if (!a || !b)
        return false;
    return equal_depth(cj(a), cj(b), 0);
}

/* ---- building ---------------------------------------------------------- */

struct spp_json *spp_json_new_null(void)
{
    return sjm(cJSON_CreateNull());
}
struct spp_json *spp_json_new_bool(bool v)
{
    return sjm(cJSON_CreateBool(v));
}
struct spp_json *spp_json_new_number(double v)
{
    return sjm(cJSON_CreateNumber(v));
}
struct spp_json *spp_json_new_string(const char *s)
{
    return sjm(cJSON_CreateString(s));
}
struct spp_json *spp_json_new_array(void)
{
    return sjm(cJSON_CreateArray());
}
struct spp_json *spp_json_new_object(void)
{
    return sjm(cJSON_CreateObject());
}

struct spp_json *spp_json_new_string_len(const char *s, size_t len)
{
    char *tmp = malloc(len + 1);
    if (!tmp)
        return NULL;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    struct spp_json *n = sjm(cJSON_CreateString(tmp));
    free(tmp);
    return n;
}

static cJSON *clone_depth(const cJSON *n, size_t depth)
{
    if (depth > SPP_JSON_DEFAULT_MAX_DEPTH)
        return NULL;
    if (!cJSON_IsArray(n) && !cJSON_IsObject(n))
        return cJSON_Duplicate(n, false);
    cJSON *copy = cJSON_IsArray(n) ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!copy)
        return NULL;
    for (const cJSON *c = n->child; c; c = c->next) {
        cJSON *cc = clone_depth(c, depth + 1);
        if (!cc) {
            cJSON_Delete(copy);
            return NULL;
        }
        if (cJSON_IsArray(n)) {
            cJSON_AddItemToArray(copy, cc);
        } else if (!cJSON_AddItemToObject(copy, c->string ? c->string : "", cc)) {
            cJSON_Delete(cc);
            cJSON_Delete(copy);
            return NULL;
        }
    }
    return copy;
}

struct spp_json *spp_json_clone(const struct spp_json *n)
{
    return n ? sjm(clone_depth(cj(n), 0)) : NULL;
}

enum spp_code spp_json_append(struct spp_json *arr, struct spp_json *v)
{
    if (!arr || !v || !cJSON_IsArray(cjm(arr))) {
        cJSON_Delete(cjm(v));
        return v ? SPP_EINVAL : SPP_ENOMEM;
    }
    if (!cJSON_AddItemToArray(cjm(arr), cjm(v))) {
        cJSON_Delete(cjm(v));
        return SPP_ENOMEM;
    }
    return SPP_OK;
}

enum spp_code spp_json_set(struct spp_json *obj, const char *key, struct spp_json *v)
{
    if (!obj || !v || !key || !cJSON_IsObject(cjm(obj))) {
        cJSON_Delete(cjm(v));
        return v ? SPP_EINVAL : SPP_ENOMEM;
    }
    if (cJSON_GetObjectItemCaseSensitive(cjm(obj), key)) {
        if (!cJSON_ReplaceItemInObjectCaseSensitive(cjm(obj), key, cjm(v))) {
            cJSON_Delete(cjm(v));
            return SPP_ENOMEM;
        }
        return SPP_OK;
    }
    if (!cJSON_AddItemToObject(cjm(obj), key, cjm(v))) {
        cJSON_Delete(cjm(v));
        return SPP_ENOMEM;
    }
    return SPP_OK;
}

bool spp_json_remove(struct spp_json *obj, const char *key)
{
    if (!obj || !key || !cJSON_IsObject(cjm(obj)))
        return false;
    cJSON *it = cJSON_DetachItemFromObjectCaseSensitive(cjm(obj), key);
    if (!it)
        return false;
    cJSON_Delete(it);
    return true;
}

struct spp_json *spp_json_get_mut(struct spp_json *obj, const char *key)
{
    if (!obj || !key || !cJSON_IsObject(cjm(obj)))
        return NULL;
    return sjm(cJSON_GetObjectItemCaseSensitive(cjm(obj), key));
}

struct spp_json *spp_json_at_mut(struct spp_json *arr, size_t index)
{
    if (!arr || !cJSON_IsArray(cjm(arr)) || index > INT32_MAX)
        return NULL;
    return sjm(cJSON_GetArrayItem(cjm(arr), (int)index));
}

void spp_json_free(struct spp_json *n)
{
    cJSON_Delete(cjm(n));
}

static size_t depth_of(const cJSON *n, size_t depth, size_t limit)
{
    if (depth > limit)
        return depth;
    size_t max = depth;
    for (const cJSON *c = (cJSON_IsArray(n) || cJSON_IsObject(n)) ? n->child : NULL; c;
         c = c->next) {
        size_t d = depth_of(c, depth + 1, limit);
        if (d > max)
            max = d;
        if (max > limit)
            break;
    }
    return max;
}

/* ---- exact number printing (fix found by fuzz/fuzz_response, issue 6) ------
 *
 * cJSON 1.7.15 prints a double with "%1.15g" whenever reading that back gives
 * a value equal within a relative DBL_EPSILON (its compare_double), which
 * loses up to one ulp: 9007199254740992 prints as 9.00719925474099e+15
 * (read back: 9007199254740990) and 0.30000000000000004 as 0.3. When a tree
 * holds such a number, spp_json_print prints a copy in which each of them is
 * a raw node holding "%1.17g", which always reads back to the same double.
 * Trees without one (nearly all) are printed as they are, without a copy.
 */

static bool number_is_lossy(const cJSON *n)
{
    char buf[32];
    if (!cJSON_IsNumber(n) || !isfinite(n->valuedouble))
        return false;
    /* Fast path: an integer of at most 15 digits always prints exactly with %1.15g. */
    double d = n->valuedouble;
    if (d == floor(d) && fabs(d) < 1e15)
        return false;
    (void)snprintf(buf, sizeof(buf), "%1.15g", n->valuedouble);
    return strtod(buf, NULL) != n->valuedouble;
}

/* Depth is bounded by the caller's depth_of check. */
static bool has_lossy_number(const cJSON *n)
{
    if (number_is_lossy(n))
        return true;
    for (const cJSON *c = (cJSON_IsArray(n) || cJSON_IsObject(n)) ? n->child : NULL; c; c = c->next)
        if (has_lossy_number(c))
            return true;
    return false;
}

/* Turns every lossy number of the (caller-owned copy) n into a raw "%1.17g" node. */
static bool make_numbers_exact(cJSON *n)
{
    if (number_is_lossy(n)) {
        char buf[32];
        int len = snprintf(buf, sizeof(buf), "%1.17g", n->valuedouble);
        if (len < 0 || (size_t)len >= sizeof(buf))
            return false;
        n->valuestring = cJSON_malloc((size_t)len + 1);
        if (!n->valuestring)
            return false;
        memcpy(n->valuestring, buf, (size_t)len + 1);
        n->type = cJSON_Raw; /* cJSON_Delete frees valuestring */
        return true;
    }
    for (cJSON *c = (cJSON_IsArray(n) || cJSON_IsObject(n)) ? n->child : NULL; c; c = c->next)
        if (!make_numbers_exact(c))
            return false;
    return true;
}

char *spp_json_print(const struct spp_json *n, bool pretty, size_t *len)
{
    if (!n || depth_of(cj(n), 0, SPP_JSON_DEFAULT_MAX_DEPTH) > SPP_JSON_DEFAULT_MAX_DEPTH)
        return NULL;
    cJSON *exact = NULL;
    if (has_lossy_number(cj(n))) {
        exact = cJSON_Duplicate(cj(n), true);
        if (!exact || !make_numbers_exact(exact)) {
            cJSON_Delete(exact);
            return NULL;
        }
    }
    const cJSON *what = exact ? exact : cj(n);
    char *s = pretty ? cJSON_Print(what) : cJSON_PrintUnformatted(what);
    cJSON_Delete(exact);
    if (s && len)
        *len = strlen(s);
    return s;
}

/* ---- mutation support (added for harness/mutate.c) ---------------------
 *
 * cJSON keeps children in a list where parent->child is the first, first->prev
 * is the last and last->next is NULL; the swap below keeps that shape. Keys
 * move with their place: a swapped-in node takes the old node's key string
 * (no allocation), and whatever leaves a parent leaves without a key.
 */

struct spp_json *spp_json_first_mut(struct spp_json *n)
{
    if (!n || !(cJSON_IsArray(cjm(n)) || cJSON_IsObject(cjm(n))))
        return NULL;
    return sjm(cjm(n)->child);
}

struct spp_json *spp_json_next_mut(struct spp_json *n)
{
    return n ? sjm(cjm(n)->next) : NULL;
}

enum spp_code spp_json_add_duplicate(struct spp_json *obj, const char *key, struct spp_json *v)
{
    if (!obj || !v || !key || !cJSON_IsObject(cjm(obj))) {
        cJSON_Delete(cjm(v));
        return v ? SPP_EINVAL : SPP_ENOMEM;
    }
    if (!cJSON_AddItemToObject(cjm(obj), key, cjm(v))) {
        cJSON_Delete(cjm(v));
        return SPP_ENOMEM;
    }
    return SPP_OK;
}

static bool is_child_of(const cJSON *parent, const cJSON *child)
{
    if (!parent || !child || !(cJSON_IsArray(parent) || cJSON_IsObject(parent)))
        return false;
    for (const cJSON *c = parent->child; c; c = c->next)
        if (c == child)
            return true;
    return false;
}

static void drop_key(cJSON *n)
{
    if (n->string && !(n->type & cJSON_StringIsConst))
        cJSON_free(n->string);
    n->string = NULL;
    n->type &= ~cJSON_StringIsConst;
}

struct spp_json *spp_json_swap_child(struct spp_json *parent, struct spp_json *child,
                                     struct spp_json *v)
{
    cJSON *p = cjm(parent), *c = cjm(child), *r = cjm(v);
    if (!r || r == c || !is_child_of(p, c) || r->next || r->prev) {
        /* A linked v (r->prev set) belongs to another tree: refusing beats corrupting it. */
        if (r && r != c && !r->next && !r->prev)
            cJSON_Delete(r);
        return NULL;
    }
    drop_key(r);
    r->string = c->string;
    r->type |= c->type & cJSON_StringIsConst;
    c->string = NULL;
    c->type &= ~cJSON_StringIsConst;
    r->next = c->next;
    r->prev = c->prev;
    if (r->next)
        r->next->prev = r;
    if (p->child == c) {
        if (c->prev == c)
            r->prev = r;
        p->child = r;
    } else {
        r->prev->next = r;
        if (!r->next)
            p->child->prev = r;
    }
    c->next = NULL;
    c->prev = NULL;
    return sjm(c);
}

struct spp_json *spp_json_detach_child(struct spp_json *parent, struct spp_json *child)
{
    if (!is_child_of(cjm(parent), cjm(child)))
        return NULL;
    cJSON *c = cJSON_DetachItemViaPointer(cjm(parent), cjm(child));
    if (c)
        drop_key(c);
    return sjm(c);
}
