/*
 * mutate — structure-aware, seeded mutation of JSON documents.
 *
 * Shared by the in-process fuzz targets (libFuzzer custom mutator and
 * crossover, AFL++ custom mutator) and by `spp-harness check`, which sends
 * mutated request bodies. Everything goes through json.h; the mutator never
 * sees cJSON.
 *
 * How it works. A call applies one to opt->max_mutations mutations. For each
 * one the tree is walked breadth-first into a flat table of nodes (node,
 * parent, level, height), a kind is drawn among the enabled kinds that can
 * apply to this tree, and a target node is drawn from the table. The table
 * gives every node's JSON Pointer (for the description) and its level and
 * subtree height, which is how every mutation that adds nesting (deep-nest,
 * retype to a container, swap, crossover, huge-array) checks beforehand
 * that the document stays within opt->max_depth. Sizes are bounded the same
 * way: generated strings by max_string, arrays by max_array, wrappers by
 * max_nest, and the printed result by max_out (spp_mutate_render refuses a
 * larger output; spp_mutate_bytes retries, then falls back to shrinking
 * mutations only, and answers SPP_ELIMIT when even that does not fit).
 *
 * Text-level tricks. Some inputs a tree of json.h cannot hold: a string with
 * an embedded NUL ("\u0000": cJSON strings are C strings), invalid UTF-8
 * bytes inside a string or key, and number literals a double cannot print
 * back exactly ("9007199254740993" = 2^53+1, "-0", "1.0", "1e400"). For
 * those the tree mutation puts a placeholder string in the tree — a control
 * character, "spp-", a 64-bit nonce drawn from the rng and a counter, again
 * a control character — and records a splice: the placeholder and the exact
 * JSON text that must replace it. spp_mutate_render prints the tree and
 * replaces the printed, quoted placeholder ("\u0001spp-...\u0001", which
 * cJSON always prints the same way) with that text. The input cannot
 * predict the nonce, so a placeholder never matches input text by accident
 * in practice; if it ever did, the first occurrence is replaced, which is
 * still a well-formed mutation. Output of a text-level trick is still
 * parseable by spp_json_parse; its point is the policy issue (nul-in-string,
 * invalid-utf8, big-integer, number-overflow) or the literal it carries.
 * Callers that print the tree themselves must set opt->no_splices.
 *
 * Determinism: the output depends only on the input bytes, the seed (or the
 * rng state) and the options — never on addresses, time or globals.
 */
#ifndef SPP_MUTATE_H
#define SPP_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "json.h"
#include "rng.h"

#define SPP_MUTATE_KIND_LIST(X)                                                                    \
    X(SPP_MUTATE_RETYPE, "retype")               /* string<->number<->bool<->null<->obj<->arr */   \
    X(SPP_MUTATE_DROP, "drop")                   /* remove an object member or array element */    \
    X(SPP_MUTATE_DUPLICATE_KEY, "duplicate-key") /* a second member with the same name */          \
    X(SPP_MUTATE_DROP_REQUIRED, "drop-required") /* remove a member opt->required names */         \
    X(SPP_MUTATE_UNKNOWN_FIELD, "unknown-field") /* add a member the object lacks */               \
    X(SPP_MUTATE_RENAME_KEY, "rename-key")       /* a member under another (dictionary) name */    \
    X(SPP_MUTATE_EDGE_NUMBER, "edge-number")     /* 0, -1, 2^31, 2^53+1, 1e308, -0, ... */         \
    X(SPP_MUTATE_EDGE_STRING, "edge-string")     /* "", long, é, U+1F600, escapes, ... */         \
    X(SPP_MUTATE_NUL_IN_STRING, "nul-in-string") /* text-level: \u0000 in a string or key */       \
    X(SPP_MUTATE_INVALID_UTF8, "invalid-utf8")   /* text-level: bad bytes in a string or key */    \
    X(SPP_MUTATE_DEEP_NEST, "deep-nest")         /* wrap a value in N arrays/objects */            \
    X(SPP_MUTATE_HUGE_ARRAY, "huge-array")       /* an array of many copies */                     \
    X(SPP_MUTATE_SWAP, "swap")                   /* exchange two disjoint subtrees */              \
    X(SPP_MUTATE_CROSSOVER, "crossover")         /* a subtree of opt->donor replaces/joins one */

enum spp_mutate_kind {
#define SPP_X_MUT(e, name) e,
    SPP_MUTATE_KIND_LIST(SPP_X_MUT)
#undef SPP_X_MUT
        SPP_MUTATE_KIND_COUNT
};

#define SPP_MUTATE_BIT(kind) (UINT32_C(1) << (unsigned)(kind))
#define SPP_MUTATE_ALL       ((UINT32_C(1) << SPP_MUTATE_KIND_COUNT) - 1u)
/* Kinds that never make the printed document bigger (the fallback when max_out is tight). */
#define SPP_MUTATE_SHRINKING                                                                       \
    (SPP_MUTATE_BIT(SPP_MUTATE_DROP) | SPP_MUTATE_BIT(SPP_MUTATE_DROP_REQUIRED))

/* Defaults, each a bound on what one mutation may add. */
#define SPP_MUTATE_DEFAULT_MAX_MUTATIONS 3
/* Mutations recorded per call; max_mutations is capped here. */
#define SPP_MUTATE_MAX_RECORDS 8
/* Wrappers per deep-nest: deeper than any real payload, far below the json depth limit. */
#define SPP_MUTATE_DEFAULT_MAX_NEST 64
/* A "very long" string: beyond typical varchar(255)/(1024) columns, cheap to send. */
#define SPP_MUTATE_DEFAULT_MAX_STRING 4096
/* A "huge" array: beyond any real list in a ticket, small enough for 10,000 runs a second. */
#define SPP_MUTATE_DEFAULT_MAX_ARRAY 1024
/* Printed size budget when the caller gives none: 1 MiB, a typical request body limit. */
#define SPP_MUTATE_DEFAULT_MAX_OUT ((size_t)1024 * 1024)

/*
 * A required property: objects at pointer `at` must have member `name`.
 * `at` is a JSON Pointer where the token "*" matches any one key or index
 * ("" is the root; "/messages/" + "*" is every message); NULL matches every object.
 * Fill it from the contract's "required" lists, e.g. {"", "subject"}.
 */
struct spp_mutate_required {
    const char *at;
    const char *name;
};

/* Zero-initialise for the defaults; every pointer is borrowed for the call. */
struct spp_mutate_options {
    uint32_t kinds;       /* SPP_MUTATE_BIT mask of enabled kinds; 0 means SPP_MUTATE_ALL */
    size_t max_mutations; /* per call, 1..this; 0: default 3; capped at SPP_MUTATE_MAX_RECORDS */
    size_t max_depth;     /* document nesting never made deeper; 0: SPP_JSON_DEFAULT_MAX_DEPTH */
    size_t max_nest;      /* wrappers per deep-nest; 0: 64 */
    size_t max_string;    /* bytes of a generated long string; 0: 4096 */
    size_t max_array;     /* elements of a generated huge array; 0: 1024 */
    size_t max_out;       /* printed size budget; 0: 1 MiB (spp_mutate_bytes passes its own) */
    /* Property names used when inserting or renaming keys; NULL: the Tickets API's names. */
    const char *const *dictionary;
    size_t dictionary_len;
    /* Required properties (drop-required applies only when some are present). */
    const struct spp_mutate_required *required;
    size_t required_len;
    /* Tree the crossover kind takes subtrees from (cloned, never changed); NULL: no crossover. */
    const struct spp_json *donor;
    /* Never leave placeholders: text-level kinds do not apply, edge numbers stay printable. */
    bool no_splices;
};

#define SPP_MUTATE_WHAT_MAX        1024
#define SPP_MUTATE_MAX_SPLICES     SPP_MUTATE_MAX_RECORDS
#define SPP_MUTATE_PLACEHOLDER_MAX 48
/* A splice's JSON text: a bounded prefix of the original string, escaped, plus the trick. */
#define SPP_MUTATE_SPLICE_TEXT_MAX 320

struct spp_mutate_record {
    enum spp_mutate_kind kind;
    /* Where it happened, valid right after this mutation (later ones may move things). */
    char pointer[SPP_JSON_POINTER_MAX];
};

struct spp_mutate_splice {
    char placeholder[SPP_MUTATE_PLACEHOLDER_MAX]; /* the string value/key placed in the tree */
    char text[SPP_MUTATE_SPLICE_TEXT_MAX];        /* JSON text that replaces it, quoted or not */
};

/* What a call did. Plain data, nothing to free; reset by each spp_mutate_* call. */
struct spp_mutate_result {
    uint32_t applied; /* SPP_MUTATE_BIT mask of the kinds applied */
    size_t count;     /* mutations applied (<= SPP_MUTATE_MAX_RECORDS) */
    struct spp_mutate_record records[SPP_MUTATE_MAX_RECORDS];
    /* "retype /subject: string -> number; drop /tags/1"; truncated to fit. */
    char what[SPP_MUTATE_WHAT_MAX];
    size_t nsplices; /* > 0: the output needs spp_mutate_render (a text-level trick) */
    struct spp_mutate_splice splices[SPP_MUTATE_MAX_SPLICES];
    uint64_t nonce; /* the placeholders' nonce (drawn from the rng) */
};

/* Stable short name of a kind ("retype"); "unknown" outside the list. */
const char *spp_mutate_kind_name(enum spp_mutate_kind kind);
/*
 * Parses a comma-separated list of kind names ("retype,drop") or "all" into a
 * SPP_MUTATE_BIT mask. SPP_EUSAGE naming the first unknown name.
 */
enum spp_code spp_mutate_kinds_parse(const char *list, uint32_t *mask, struct spp_err *err);

/*
 * Mutates the tree *root (owned by the caller) in place; the root itself may
 * be replaced (retype, wrap, crossover), hence the double pointer. rng
 * supplies every decision; opt may be NULL for the defaults; res is required
 * and describes what was done. SPP_ENOTFOUND when no enabled kind applies to
 * this tree (e.g. only "drop" on a scalar), SPP_ENOMEM on allocation
 * failure (the tree is then valid but may carry part of a mutation).
 * Text-level kinds leave placeholders: print with spp_mutate_render.
 */
enum spp_code spp_mutate_tree(struct spp_json **root, struct spp_rng *rng,
                              const struct spp_mutate_options *opt, struct spp_mutate_result *res,
                              struct spp_err *err);

/*
 * Prints root compactly and applies res's splices (res may be NULL: none).
 * *out is malloc'd, NUL-terminated, to be freed with free(); *out_len its
 * length. SPP_ELIMIT when the result would exceed max_out bytes (0: the
 * default) or the tree is deeper than the printer allows.
 */
enum spp_code spp_mutate_render(const struct spp_json *root, const struct spp_mutate_result *res,
                                size_t max_out, char **out, size_t *out_len, struct spp_err *err);

/*
 * Bytes in, bytes out: parse (spp_json_parse, depth limited by
 * opt->max_depth) -> spp_mutate_tree with an rng seeded by seed ->
 * spp_mutate_render within max_out (0: the default; it overrides
 * opt->max_out). SPP_ESYNTAX when in is not JSON (the caller falls back to
 * byte-level mutation), SPP_ELIMIT when the input is too deep or nothing
 * fits in max_out. res may be NULL. *out as for spp_mutate_render.
 */
enum spp_code spp_mutate_bytes(const char *in, size_t len, uint64_t seed, size_t max_out,
                               const struct spp_mutate_options *opt, char **out, size_t *out_len,
                               struct spp_mutate_result *res, struct spp_err *err);

/*
 * Crossover: a random subtree of b (cloned; b is not changed) replaces a
 * random node of *a or is inserted into one of its objects or arrays, within
 * the depth cap. The tree form is spp_mutate_tree with only the crossover
 * kind and b as the donor.
 */
enum spp_code spp_mutate_crossover_tree(struct spp_json **a, const struct spp_json *b,
                                        struct spp_rng *rng, const struct spp_mutate_options *opt,
                                        struct spp_mutate_result *res, struct spp_err *err);
/*
 * Bytes form; SPP_ESYNTAX when either input is not JSON. Otherwise as
 * spp_mutate_bytes, including its fallback: when no crossover fits max_out,
 * the result is a shrinking mutation of a (res->records says which).
 */
enum spp_code spp_mutate_crossover(const char *a, size_t alen, const char *b, size_t blen,
                                   uint64_t seed, size_t max_out,
                                   const struct spp_mutate_options *opt, char **out,
                                   size_t *out_len, struct spp_mutate_result *res,
                                   struct spp_err *err);

#endif
