/*
 * json — cJSON behind one door.
 *
 * Every module of libspp reads and writes JSON through this header; only
 * json.c includes cJSON. A parsed document (struct spp_json_doc) owns its
 * tree; nodes (struct spp_json) are borrowed from it and live until
 * spp_json_doc_free. Trees built with the spp_json_new_* functions are owned
 * by the caller until they are added to a parent (which then owns them) and
 * are freed with spp_json_free.
 *
 * Parsing always takes a pointer and a length (the buffer need not be
 * NUL-terminated and is never read past its length) and enforces limits on
 * size and nesting depth, because cJSON's own printing and comparison recurse
 * without bound.
 *
 * The JSON policy: what cJSON would silently get wrong is detected at parse
 * time and recorded on the document as issues, never silently misjudged:
 *   - duplicate keys (cJSON keeps both; lookup finds the first),
 *   - "\u0000" inside a string or key (cJSON truncates there),
 *   - numbers that overflow a double (1e999 becomes infinity, printed as null),
 *   - integers beyond 2^53 (a double cannot hold them exactly),
 *   - invalid UTF-8 in a string or key.
 * A judge (validator, decoder, check) asks spp_json_doc_issues and reports
 * each issue as its own finding.
 */
#ifndef SPP_JSON_H
#define SPP_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct spp_json;
struct spp_json_doc;

enum spp_json_kind {
    SPP_JSON_INVALID = 0, /* NULL node or a node cJSON marks invalid */
    SPP_JSON_NULL,
    SPP_JSON_BOOL,
    SPP_JSON_NUMBER,
    SPP_JSON_STRING,
    SPP_JSON_ARRAY,
    SPP_JSON_OBJECT,
};

/* Deeper than any real API answer, shallower than cJSON's own limit (1000). */
#define SPP_JSON_DEFAULT_MAX_DEPTH 512
/* 64 MiB: a 50 MB stress document fits; an endless body does not. */
#define SPP_JSON_DEFAULT_MAX_BYTES ((size_t)64 * 1024 * 1024)

struct spp_json_limits {
    size_t max_bytes; /* 0: SPP_JSON_DEFAULT_MAX_BYTES */
    size_t max_depth; /* 0: SPP_JSON_DEFAULT_MAX_DEPTH; never above 1000 */
};

#define SPP_JSON_ISSUE_LIST(X)                                                                     \
    X(SPP_JSON_ISSUE_DUPLICATE_KEY, "duplicate-key", "duplicate key")                              \
    X(SPP_JSON_ISSUE_NUL_IN_STRING, "nul-in-string", "\\u0000 inside a string")                    \
    X(SPP_JSON_ISSUE_NUMBER_OVERFLOW, "number-overflow", "number overflows a double")              \
    X(SPP_JSON_ISSUE_BIG_INTEGER, "big-integer", "integer beyond 2^53")                            \
    X(SPP_JSON_ISSUE_INVALID_UTF8, "invalid-utf8", "invalid UTF-8")

enum spp_json_issue_kind {
#define SPP_X_ISSUE(e, name, msg) e,
    SPP_JSON_ISSUE_LIST(SPP_X_ISSUE)
#undef SPP_X_ISSUE
};

#define SPP_JSON_POINTER_MAX 256
/* At most this many issues are recorded per document; the rest are counted. */
#define SPP_JSON_MAX_ISSUES 64

struct spp_json_issue {
    enum spp_json_issue_kind kind;
    char pointer[SPP_JSON_POINTER_MAX]; /* instance location; "" is the root */
    size_t offset;                      /* byte offset when known, else SIZE_MAX */
};

/* Short stable name ("duplicate-key") and message of an issue kind. */
const char *spp_json_issue_name(enum spp_json_issue_kind kind);
const char *spp_json_issue_message(enum spp_json_issue_kind kind);

/*
 * Parses len bytes of buf. lim may be NULL for the defaults. On success *out
 * owns the document. Malformed JSON (including trailing garbage) is
 * SPP_ESYNTAX with err->offset; too large or too deep is SPP_ELIMIT. Policy
 * issues do not fail the parse.
 */
enum spp_code spp_json_parse(const char *buf, size_t len, const struct spp_json_limits *lim,
                             struct spp_json_doc **out, struct spp_err *err);
/* Reads a whole file (bounded by lim->max_bytes) and parses it; err->where is the path. */
enum spp_code spp_json_parse_file(const char *path, const struct spp_json_limits *lim,
                                  struct spp_json_doc **out, struct spp_err *err);
/* Reads a whole file into a malloc'd buffer of exactly its size (plus a NUL not counted). */
enum spp_code spp_file_read(const char *path, size_t max_bytes, char **out, size_t *out_len,
                            struct spp_err *err);
void spp_json_doc_free(struct spp_json_doc *doc);

const struct spp_json *spp_json_doc_root(const struct spp_json_doc *doc);
/* Hands the tree to the caller (freed with spp_json_free); the doc keeps its issues. */
struct spp_json *spp_json_doc_take_root(struct spp_json_doc *doc);
/* The recorded issues (borrowed) and, in *total, how many there were before the cap. */
const struct spp_json_issue *spp_json_doc_issues(const struct spp_json_doc *doc, size_t *count,
                                                 size_t *total);

/* Reading. Every accessor accepts NULL and answers "nothing" (0, NULL, false). */
enum spp_json_kind spp_json_kind(const struct spp_json *n);
const char *spp_json_kind_name(enum spp_json_kind kind); /* "object", "array", ... */
bool spp_json_bool(const struct spp_json *n);
double spp_json_number(const struct spp_json *n);
/* A number with no fractional part (1.0 is an integer; 1.5 and infinities are not). */
bool spp_json_is_integer(const struct spp_json *n);
/* A string's bytes (NUL-terminated) and length; NULL for non-strings. */
const char *spp_json_string(const struct spp_json *n, size_t *len);
/* Number of elements or members; 0 for scalars. O(n). */
size_t spp_json_count(const struct spp_json *n);
/* First element of an array or member of an object; NULL when empty or scalar. */
const struct spp_json *spp_json_first(const struct spp_json *n);
const struct spp_json *spp_json_next(const struct spp_json *n);
/* The key of an object member (NULL for array elements and roots). */
const char *spp_json_key(const struct spp_json *n);
/* First member named key (exact, case-sensitive); NULL when absent or not an object. */
const struct spp_json *spp_json_get(const struct spp_json *obj, const char *key);
const struct spp_json *spp_json_at(const struct spp_json *arr, size_t index);
/*
 * Resolves an RFC 6901 JSON Pointer ("" is the root, "/a/0/b", with ~0 and ~1
 * escapes) against root; NULL when it leads nowhere.
 */
const struct spp_json *spp_json_pointer(const struct spp_json *root, const char *pointer);
/* Appends "/" + the escaped token to a pointer in buf (cap bytes); false when it does not fit. */
bool spp_json_pointer_push(char *buf, size_t cap, const char *token);
bool spp_json_pointer_push_index(char *buf, size_t cap, size_t index);
/*
 * JSON equality: numbers by value (1 == 1.0), objects regardless of member
 * order, arrays in order. Depth-limited: deeper than SPP_JSON_DEFAULT_MAX_DEPTH
 * compares unequal.
 */
bool spp_json_equal(const struct spp_json *a, const struct spp_json *b);

/* Building. Each returns NULL on allocation failure. */
struct spp_json *spp_json_new_null(void);
struct spp_json *spp_json_new_bool(bool v);
struct spp_json *spp_json_new_number(double v);
struct spp_json *spp_json_new_string(const char *s);                 /* copies s */
struct spp_json *spp_json_new_string_len(const char *s, size_t len); /* copies len bytes */
struct spp_json *spp_json_new_array(void);
struct spp_json *spp_json_new_object(void);
/* Deep copy (depth-limited); NULL on failure. */
struct spp_json *spp_json_clone(const struct spp_json *n);
/* Appends v to arr / adds key:v to obj; takes v in every case (freed on failure). */
enum spp_code spp_json_append(struct spp_json *arr, struct spp_json *v);
enum spp_code spp_json_set(struct spp_json *obj, const char *key, struct spp_json *v);
/* Removes and frees the first member named key; false when absent. */
bool spp_json_remove(struct spp_json *obj, const char *key);
/* Mutable lookup, for trees the caller owns. */
struct spp_json *spp_json_get_mut(struct spp_json *obj, const char *key);
struct spp_json *spp_json_at_mut(struct spp_json *arr, size_t index);
void spp_json_free(struct spp_json *n);

/*
 * Prints n as JSON into a malloc'd NUL-terminated string (free with free());
 * *len (optional) gets its length. Depth-limited; NULL on failure or when too deep.
 */
char *spp_json_print(const struct spp_json *n, bool pretty, size_t *len);

/* ---- mutation support (added for harness/mutate.c) ---------------------
 *
 * Structural edits the fuzzing mutator needs and the builders above do not
 * offer: walking a caller-owned tree mutably, adding a member WITHOUT
 * replacing an existing one of the same name (to produce duplicate keys on
 * purpose), and moving nodes between places without copying them.
 */

/* Mutable first child / next sibling, for trees the caller owns (NULL like the const ones). */
struct spp_json *spp_json_first_mut(struct spp_json *n);
struct spp_json *spp_json_next_mut(struct spp_json *n);
/*
 * Appends key:v to obj even when obj already has a member named key (the
 * document then has a duplicate key). Takes v in every case (freed on failure).
 */
enum spp_code spp_json_add_duplicate(struct spp_json *obj, const char *key, struct spp_json *v);
/*
 * Puts v where child is inside parent (same position; in an object v takes
 * child's key) and returns child, detached, without a key, owned by the
 * caller. v must be free-standing (a new, detached or taken root node); it is
 * taken in every case: NULL (and v freed) when child is not a direct child of
 * parent. A v still linked into a tree is refused untouched (NULL).
 */
struct spp_json *spp_json_swap_child(struct spp_json *parent, struct spp_json *child,
                                     struct spp_json *v);
/* Unlinks child from parent and returns it without a key (caller owns); NULL when not a child. */
struct spp_json *spp_json_detach_child(struct spp_json *parent, struct spp_json *child);

#endif
