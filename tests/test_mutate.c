/*
 * test_mutate — the seeded PRNG and the structure-aware JSON mutator.
 *
 * Each mutation kind is forced through the options mask over many seeds and
 * its effect is checked on the output bytes, parsed back with spp_json_parse
 * (the judge the rest of the harness uses): the kind changes at the recorded
 * pointer, a dropped member is gone, a duplicate key / "\u0000" / invalid
 * UTF-8 shows up as the matching policy issue, nesting stays within the cap,
 * output stays within max_out. A 10,000-run soak over the realistic ticket
 * fixture checks that every output parses back and reports how many are
 * still clean JSON (no policy issue).
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mutate.h"
#include "rng.h"

#define TICKET SPP_TEST_DATA_DIR "/ticket_valid.json"
#define SAVE   SPP_TEST_DATA_DIR "/save_ticket_valid.json"

static char *load(const char *path, size_t *len)
{
    char *buf = NULL;
    cr_assert_eq(spp_file_read(path, 1 << 20, &buf, len, NULL), SPP_OK, "cannot read %s", path);
    return buf;
}

static struct spp_json_doc *parse_ok(const char *s, size_t len, size_t max_depth)
{
    struct spp_json_limits lim = {.max_depth = max_depth};
    struct spp_json_doc *doc = NULL;
    struct spp_err err;
    enum spp_code rc = spp_json_parse(s, len, &lim, &doc, &err);
    cr_assert_eq(rc, SPP_OK, "output does not parse back (%s): %.200s", err.msg, s);
    return doc;
}

static bool has_issue(const struct spp_json_doc *doc, enum spp_json_issue_kind kind,
                      const char *pointer)
{
    size_t n = 0;
    const struct spp_json_issue *is = spp_json_doc_issues(doc, &n, NULL);
    for (size_t i = 0; i < n; i++)
        if (is[i].kind == kind && (!pointer || strcmp(is[i].pointer, pointer) == 0))
            return true;
    return false;
}

static size_t depth_of(const struct spp_json *n)
{
    enum spp_json_kind k = spp_json_kind(n);
    if (k != SPP_JSON_ARRAY && k != SPP_JSON_OBJECT)
        return 0;
    size_t max = 0;
    for (const struct spp_json *c = spp_json_first(n); c; c = spp_json_next(c)) {
        size_t d = depth_of(c);
        if (d > max)
            max = d;
    }
    return max + 1;
}

/* Mutates the fixture at path with only `kind` enabled; the output is parsed into *out. */
static enum spp_code mutate_one(const char *in, size_t len, uint64_t seed,
                                struct spp_mutate_options *opt, enum spp_mutate_kind kind,
                                struct spp_mutate_result *res, char **text, size_t *tlen)
{
    opt->kinds = SPP_MUTATE_BIT(kind);
    opt->max_mutations = 1;
    return spp_mutate_bytes(in, len, seed, 0, opt, text, tlen, res, NULL);
}

/* ---- rng ---------------------------------------------------------------- */

Test(rng, gives_the_reference_xoshiro256starstar_sequence_for_a_seed)
{
    /* Values from an independent (Python) implementation of splitmix64 + xoshiro256**. */
    struct spp_rng r;
    spp_rng_seed(&r, 0);
    cr_assert_eq(spp_rng_next(&r), UINT64_C(0x99ec5f36cb75f2b4));
    cr_assert_eq(spp_rng_next(&r), UINT64_C(0xbf6e1f784956452a));
    cr_assert_eq(spp_rng_next(&r), UINT64_C(0x1a5f849d4933e6e0));
    spp_rng_seed(&r, 42);
    cr_assert_eq(spp_rng_next(&r), UINT64_C(0x15780b2e0c2ec716));
    cr_assert_eq(spp_rng_next(&r), UINT64_C(0x6104d9866d113a7e));
}

Test(rng, stays_below_its_bound_and_covers_it_evenly)
{
    struct spp_rng r;
    spp_rng_seed(&r, 7);
    size_t hist[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint64_t v = spp_rng_below(&r, 7);
        cr_assert_lt(v, 7);
        hist[v]++;
    }
    for (int k = 0; k < 7; k++)
        cr_assert(hist[k] > 9000 && hist[k] < 11000, "bucket %d has %zu", k, hist[k]);
    cr_assert_eq(spp_rng_below(&r, 0), 0);
    cr_assert_eq(spp_rng_below(&r, 1), 0);
    cr_assert_not(spp_rng_chance(&r, 0, 5));
    cr_assert(spp_rng_chance(&r, 5, 5));
    cr_assert_not(spp_rng_chance(&r, 1, 0));
    uint64_t big = UINT64_C(0xC000000000000000);
    for (int i = 0; i < 1000; i++)
        cr_assert_lt(spp_rng_below(&r, big), big);
}

/* ---- basics -------------------------------------------------------------- */

Test(mutate, gives_identical_bytes_for_the_same_seed_and_different_ones_for_other_seeds)
{
    size_t len;
    char *in = load(TICKET, &len);
    char *first[20];
    size_t distinct = 0;
    for (uint64_t seed = 0; seed < 20; seed++) {
        char *a = NULL, *b = NULL;
        size_t al = 0, bl = 0;
        struct spp_mutate_result ra, rb;
        cr_assert_eq(spp_mutate_bytes(in, len, seed, 0, NULL, &a, &al, &ra, NULL), SPP_OK);
        cr_assert_eq(spp_mutate_bytes(in, len, seed, 0, NULL, &b, &bl, &rb, NULL), SPP_OK);
        cr_assert_eq(al, bl);
        cr_assert_eq(memcmp(a, b, al), 0, "seed %llu is not deterministic",
                     (unsigned long long)seed);
        cr_assert_str_eq(ra.what, rb.what);
        bool seen = false;
        for (uint64_t k = 0; k < seed; k++)
            if (strcmp(first[k], a) == 0)
                seen = true;
        if (!seen)
            distinct++;
        first[seed] = a;
        free(b);
    }
    cr_assert_geq(distinct, 18, "only %zu distinct outputs for 20 seeds", distinct);
    for (int k = 0; k < 20; k++)
        free(first[k]);
    free(in);
}

Test(mutate, answers_esyntax_when_the_input_is_not_json)
{
    const char *bad[] = {"", "{", "abc", "{\"a\":1} x", "[1,]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *out = NULL;
        size_t n = 0;
        struct spp_err err;
        cr_assert_eq(spp_mutate_bytes(bad[i], strlen(bad[i]), 1, 0, NULL, &out, &n, NULL, &err),
                     SPP_ESYNTAX, "input '%s'", bad[i]);
        cr_assert_null(out);
    }
}

Test(mutate, answers_enotfound_when_no_enabled_kind_applies)
{
    struct spp_mutate_options opt = {0};
    struct spp_mutate_result res;
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(mutate_one("42", 2, 1, &opt, SPP_MUTATE_DUPLICATE_KEY, &res, &out, &n),
                 SPP_ENOTFOUND);
    cr_assert_null(out);
    /* Text-level kinds do not apply when the caller prints the tree itself. */
    opt.no_splices = true;
    cr_assert_eq(mutate_one("\"x\"", 3, 1, &opt, SPP_MUTATE_NUL_IN_STRING, &res, &out, &n),
                 SPP_ENOTFOUND);
}

Test(mutate, parses_kind_lists_and_names_the_unknown_one)
{
    uint32_t m = 0;
    cr_assert_eq(spp_mutate_kinds_parse("retype,drop", &m, NULL), SPP_OK);
    cr_assert_eq(m, SPP_MUTATE_BIT(SPP_MUTATE_RETYPE) | SPP_MUTATE_BIT(SPP_MUTATE_DROP));
    cr_assert_eq(spp_mutate_kinds_parse("all", &m, NULL), SPP_OK);
    cr_assert_eq(m, SPP_MUTATE_ALL);
    struct spp_err err;
    cr_assert_eq(spp_mutate_kinds_parse("retype,bogus", &m, &err), SPP_EUSAGE);
    cr_assert(strstr(err.msg, "bogus"));
    cr_assert_str_eq(spp_mutate_kind_name(SPP_MUTATE_DEEP_NEST), "deep-nest");
}

/* ---- each kind, forced --------------------------------------------------- */

#define SEEDS 60

Test(mutate, retype_changes_the_kind_at_the_described_pointer)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_json_doc *orig = parse_ok(in, len, 0);
    struct spp_mutate_options opt = {0};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_RETYPE, &res, &out, &n), SPP_OK);
        cr_assert_eq(res.count, 1);
        cr_assert_eq(res.records[0].kind, SPP_MUTATE_RETYPE);
        cr_assert(strncmp(res.what, "retype ", 7) == 0, "%s", res.what);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        const char *p = res.records[0].pointer;
        const struct spp_json *before = spp_json_pointer(spp_json_doc_root(orig), p);
        const struct spp_json *after = spp_json_pointer(spp_json_doc_root(doc), p);
        cr_assert_not_null(before, "pointer %s not in the input", p);
        cr_assert_not_null(after, "pointer %s not in the output", p);
        cr_assert_neq(spp_json_kind(before), spp_json_kind(after), "%s", res.what);
        char expect[64];
        snprintf(expect, sizeof(expect), ": %s -> %s", spp_json_kind_name(spp_json_kind(before)),
                 spp_json_kind_name(spp_json_kind(after)));
        cr_assert(strstr(res.what, expect), "'%s' does not say '%s'", res.what, expect);
        spp_json_doc_free(doc);
        free(out);
    }
    spp_json_doc_free(orig);
    free(in);
}

/* The pointer of the parent of p (p without its last token). */
static void parent_of(const char *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", p);
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
}

Test(mutate, drop_removes_the_member_or_element)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_json_doc *orig = parse_ok(in, len, 0);
    struct spp_mutate_options opt = {0};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_DROP, &res, &out, &n), SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        char parent[SPP_JSON_POINTER_MAX];
        parent_of(res.records[0].pointer, parent, sizeof(parent));
        const struct spp_json *pb = spp_json_pointer(spp_json_doc_root(orig), parent);
        const struct spp_json *pa = spp_json_pointer(spp_json_doc_root(doc), parent);
        cr_assert_not_null(pa, "%s", res.what);
        cr_assert_eq(spp_json_count(pa) + 1, spp_json_count(pb), "%s", res.what);
        if (spp_json_kind(pa) == SPP_JSON_OBJECT)
            cr_assert_null(spp_json_pointer(spp_json_doc_root(doc), res.records[0].pointer));
        spp_json_doc_free(doc);
        free(out);
    }
    spp_json_doc_free(orig);
    free(in);
}

Test(mutate, duplicate_key_yields_a_document_the_parser_flags_as_duplicate_key)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_mutate_options opt = {0};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_DUPLICATE_KEY, &res, &out, &n),
                     SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        cr_assert(has_issue(doc, SPP_JSON_ISSUE_DUPLICATE_KEY, res.records[0].pointer),
                  "no duplicate-key issue at %s", res.records[0].pointer);
        spp_json_doc_free(doc);
        free(out);
    }
    free(in);
}

Test(mutate, drop_required_removes_only_listed_required_members)
{
    size_t len;
    char *in = load(TICKET, &len);
    static const struct spp_mutate_required req[] = {
        {"", "subject"}, {"", "status"}, {"/messages/*", "message"}};
    struct spp_mutate_options opt = {.required = req, .required_len = 3};
    bool saw_root = false, saw_message = false;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_DROP_REQUIRED, &res, &out, &n),
                     SPP_OK);
        const char *p = res.records[0].pointer;
        bool root = strcmp(p, "/subject") == 0 || strcmp(p, "/status") == 0;
        bool msg = strncmp(p, "/messages/", 10) == 0 && strstr(p, "/message") &&
                   strcmp(strrchr(p, '/'), "/message") == 0;
        cr_assert(root || msg, "dropped %s, which is not listed as required", p);
        saw_root |= root;
        saw_message |= msg;
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        cr_assert_null(spp_json_pointer(spp_json_doc_root(doc), p), "%s still there", p);
        spp_json_doc_free(doc);
        free(out);
    }
    cr_assert(saw_root && saw_message);
    /* With no required list the kind does not apply. */
    struct spp_mutate_options none = {0};
    struct spp_mutate_result res;
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(mutate_one(in, len, 1, &none, SPP_MUTATE_DROP_REQUIRED, &res, &out, &n),
                 SPP_ENOTFOUND);
    free(in);
}

Test(mutate, unknown_field_adds_a_member_the_input_did_not_have)
{
    size_t len;
    char *in = load(SAVE, &len);
    struct spp_json_doc *orig = parse_ok(in, len, 0);
    static const char *const dict[] = {"status", "priority", "assignee"};
    struct spp_mutate_options opt = {.dictionary = dict, .dictionary_len = 3};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_UNKNOWN_FIELD, &res, &out, &n),
                     SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        const char *p = res.records[0].pointer;
        cr_assert_null(spp_json_pointer(spp_json_doc_root(orig), p), "%s was already there", p);
        cr_assert_not_null(spp_json_pointer(spp_json_doc_root(doc), p), "%s not added", p);
        cr_assert_not(has_issue(doc, SPP_JSON_ISSUE_DUPLICATE_KEY, NULL));
        spp_json_doc_free(doc);
        free(out);
    }
    spp_json_doc_free(orig);
    free(in);
}

Test(mutate, rename_key_moves_a_member_away_from_its_name)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_mutate_options opt = {0};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_RENAME_KEY, &res, &out, &n),
                     SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        cr_assert_null(spp_json_pointer(spp_json_doc_root(doc), res.records[0].pointer), "%s",
                       res.what);
        spp_json_doc_free(doc);
        free(out);
    }
    free(in);
}

Test(mutate, edge_number_puts_a_number_at_the_pointer_including_literals_a_double_cannot_hold)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_mutate_options opt = {0};
    bool big = false, negzero = false;
    for (uint64_t seed = 0; seed < 300; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_EDGE_NUMBER, &res, &out, &n),
                     SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        const struct spp_json *v = spp_json_pointer(spp_json_doc_root(doc), res.records[0].pointer);
        cr_assert_eq(spp_json_kind(v), SPP_JSON_NUMBER, "%s", res.what);
        if (strstr(res.what, ": 9007199254740993")) {
            cr_assert(strstr(out, "9007199254740993"), "literal not in the output");
            cr_assert(has_issue(doc, SPP_JSON_ISSUE_BIG_INTEGER, res.records[0].pointer));
            big = true;
        }
        if (strstr(res.what, ": -0")) {
            cr_assert(strstr(out, "-0,") || strstr(out, "-0]") || strstr(out, "-0}"),
                      "-0 not written as such");
            negzero = true;
        }
        cr_assert_null(strstr(out, "\\u0001spp-"), "placeholder left in the output");
        spp_json_doc_free(doc);
        free(out);
    }
    cr_assert(big && negzero, "2^53+1 and -0 never drawn in 300 seeds");
    free(in);
}

Test(mutate, edge_string_puts_a_string_at_the_pointer_within_the_length_cap)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_mutate_options opt = {.max_string = 300};
    bool long_seen = false, astral = false;
    for (uint64_t seed = 0; seed < 200; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_EDGE_STRING, &res, &out, &n),
                     SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        const struct spp_json *v = spp_json_pointer(spp_json_doc_root(doc), res.records[0].pointer);
        cr_assert_eq(spp_json_kind(v), SPP_JSON_STRING, "%s", res.what);
        size_t sl = 0;
        spp_json_string(v, &sl);
        cr_assert_leq(sl, 300, "%s", res.what);
        if (strstr(res.what, "long (")) {
            cr_assert_geq(sl, 256 - 3);
            long_seen = true;
        }
        if (strstr(res.what, ": astral")) {
            cr_assert_str_eq(spp_json_string(v, NULL), "\xF0\x9F\x98\x80");
            astral = true;
        }
        cr_assert_not(has_issue(doc, SPP_JSON_ISSUE_INVALID_UTF8, NULL), "%s", res.what);
        spp_json_doc_free(doc);
        free(out);
    }
    cr_assert(long_seen && astral);
    free(in);
}

Test(mutate, nul_trick_yields_text_the_parser_flags_as_nul_in_string)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_mutate_options opt = {0};
    bool key_seen = false;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_NUL_IN_STRING, &res, &out, &n),
                     SPP_OK);
        cr_assert_eq(res.nsplices, 1);
        cr_assert(strstr(out, "\\u0000"), "no \\u0000 in the output");
        cr_assert_null(strstr(out, "\\u0001spp-"), "placeholder left in the output");
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        cr_assert(has_issue(doc, SPP_JSON_ISSUE_NUL_IN_STRING, NULL), "%s", res.what);
        key_seen |= strstr(res.what, "(key)") != NULL;
        spp_json_doc_free(doc);
        free(out);
    }
    cr_assert(key_seen, "never put \\u0000 in a key");
    free(in);
}

Test(mutate, invalid_utf8_trick_yields_text_the_parser_flags_as_invalid_utf8)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_mutate_options opt = {0};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_INVALID_UTF8, &res, &out, &n),
                     SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        cr_assert(has_issue(doc, SPP_JSON_ISSUE_INVALID_UTF8, NULL), "%s", res.what);
        spp_json_doc_free(doc);
        free(out);
    }
    free(in);
}

Test(mutate, deep_nest_wraps_values_but_never_beyond_the_depth_cap)
{
    size_t len;
    char *in = load(TICKET, &len);
    struct spp_json_doc *orig = parse_ok(in, len, 0);
    size_t base = depth_of(spp_json_doc_root(orig));
    const size_t cap = base + 6;
    struct spp_mutate_options opt = {.max_depth = cap};
    size_t deeper = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        opt.kinds = SPP_MUTATE_BIT(SPP_MUTATE_DEEP_NEST);
        opt.max_mutations = 8; /* stacked wraps must respect the cap too */
        cr_assert_eq(spp_mutate_bytes(in, len, seed, 0, &opt, &out, &n, &res, NULL), SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, cap);
        size_t d = depth_of(spp_json_doc_root(doc));
        cr_assert_leq(d, cap, "%s", res.what);
        deeper += d > base;
        spp_json_doc_free(doc);
        free(out);
    }
    cr_assert_gt(deeper, SEEDS / 4, "deep-nest rarely made anything deeper (%zu)", deeper);
    /* Default nest bound: a scalar root wraps in at most 64 containers. */
    for (uint64_t seed = 0; seed < 20; seed++) {
        struct spp_mutate_options o = {0};
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one("1", 1, seed, &o, SPP_MUTATE_DEEP_NEST, &res, &out, &n), SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        size_t d = depth_of(spp_json_doc_root(doc));
        cr_assert(d >= 1 && d <= SPP_MUTATE_DEFAULT_MAX_NEST, "depth %zu", d);
        spp_json_doc_free(doc);
        free(out);
    }
    spp_json_doc_free(orig);
    free(in);
}

Test(mutate, huge_array_makes_a_long_array_within_the_caps)
{
    size_t len;
    char *in = load(SAVE, &len);
    struct spp_mutate_options opt = {.max_array = 500};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_HUGE_ARRAY, &res, &out, &n),
                     SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        const struct spp_json *v = spp_json_pointer(spp_json_doc_root(doc), res.records[0].pointer);
        cr_assert_eq(spp_json_kind(v), SPP_JSON_ARRAY, "%s", res.what);
        cr_assert(spp_json_count(v) >= 2 && spp_json_count(v) <= 500, "%zu elements",
                  spp_json_count(v));
        spp_json_doc_free(doc);
        free(out);
    }
    free(in);
}

Test(mutate, swap_exchanges_two_subtrees_keeping_their_places)
{
    const char *in = "{\"a\":\"left\",\"b\":[1,2],\"c\":{\"d\":true}}";
    size_t len = strlen(in);
    struct spp_mutate_options opt = {0};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(mutate_one(in, len, seed, &opt, SPP_MUTATE_SWAP, &res, &out, &n), SPP_OK);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        cr_assert(strstr(out, "\"left\""), "%s lost a value: %s", res.what, out);
        cr_assert(strstr(out, "true"), "%s lost a value: %s", res.what, out);
        cr_assert_str_neq(out, in, "%s changed nothing", res.what);
        /* Same members at the top: a swap moves values, not keys. */
        const struct spp_json *r = spp_json_doc_root(doc);
        cr_assert(spp_json_get(r, "a") && spp_json_get(r, "b") && spp_json_get(r, "c"), "%s", out);
        spp_json_doc_free(doc);
        free(out);
    }
}

/* Is some subtree of hay equal to needle? */
static bool contains_subtree(const struct spp_json *hay, const struct spp_json *needle)
{
    if (spp_json_equal(hay, needle))
        return true;
    for (const struct spp_json *c = spp_json_first(hay); c; c = spp_json_next(c))
        if (contains_subtree(c, needle))
            return true;
    return false;
}

/* Does out contain a subtree of b that a lacks (so it came from b)? */
static bool has_subtree_from(const struct spp_json *out, const struct spp_json *a,
                             const struct spp_json *b)
{
    if (!contains_subtree(a, b) && contains_subtree(out, b))
        return true;
    for (const struct spp_json *c = spp_json_first(b); c; c = spp_json_next(c))
        if (has_subtree_from(out, a, c))
            return true;
    return false;
}

Test(mutate, crossover_output_contains_a_subtree_of_the_donor)
{
    const char *a = "{\"subject\":\"A\",\"tags\":[\"x\",\"y\"],\"status\":1}";
    const char *b = "{\"order\":\"B-7712\",\"metadata\":[\"b1\",{\"deep\":\"b2\"}]}";
    struct spp_json_doc *da = parse_ok(a, strlen(a), 0);
    struct spp_json_doc *db = parse_ok(b, strlen(b), 0);
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        cr_assert_eq(
            spp_mutate_crossover(a, strlen(a), b, strlen(b), seed, 0, NULL, &out, &n, &res, NULL),
            SPP_OK);
        cr_assert_eq(res.records[0].kind, SPP_MUTATE_CROSSOVER);
        struct spp_json_doc *doc = parse_ok(out, n, 0);
        cr_assert(
            has_subtree_from(spp_json_doc_root(doc), spp_json_doc_root(da), spp_json_doc_root(db)),
            "%s: no subtree of B in %s", res.what, out);
        spp_json_doc_free(doc);
        free(out);
    }
    /* The tree form leaves the donor untouched. */
    struct spp_json *ta = spp_json_clone(spp_json_doc_root(da));
    struct spp_json *before = spp_json_clone(spp_json_doc_root(db));
    struct spp_rng rng;
    spp_rng_seed(&rng, 3);
    struct spp_mutate_result res;
    cr_assert_eq(spp_mutate_crossover_tree(&ta, spp_json_doc_root(db), &rng, NULL, &res, NULL),
                 SPP_OK);
    cr_assert(spp_json_equal(before, spp_json_doc_root(db)));
    spp_json_free(ta);
    spp_json_free(before);
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(spp_mutate_crossover(a, strlen(a), "{", 1, 1, 0, NULL, &out, &n, NULL, NULL),
                 SPP_ESYNTAX);
    spp_json_doc_free(da);
    spp_json_doc_free(db);
}

Test(mutate, never_exceeds_max_out)
{
    size_t len;
    char *in = load(SAVE, &len);
    const size_t max_out = 400;
    size_t ok = 0;
    for (uint64_t seed = 0; seed < 500; seed++) {
        char *out = NULL;
        size_t n = 0;
        enum spp_code rc = spp_mutate_bytes(in, len, seed, max_out, NULL, &out, &n, NULL, NULL);
        cr_assert(rc == SPP_OK || rc == SPP_ELIMIT, "seed %llu: %s", (unsigned long long)seed,
                  spp_code_name(rc));
        if (rc == SPP_OK) {
            cr_assert_leq(n, max_out);
            cr_assert_eq(strlen(out), n);
            ok++;
        }
        free(out);
    }
    cr_assert_geq(ok, 490, "only %zu of 500 mutations fit", ok);
    /* An input already larger than max_out cannot be helped. */
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(spp_mutate_bytes(in, len, 1, 10, NULL, &out, &n, NULL, NULL), SPP_ELIMIT);
    free(in);
}

/* ---- the soak ------------------------------------------------------------ */

/*
 * Seeds [from, from + runs) through spp_mutate_bytes on the ticket fixture.
 * The 10,000 runs are split in two tests so Criterion's two workers share them.
 */
static void soak(uint64_t from, size_t runs)
{
    size_t len, dlen;
    char *in = load(TICKET, &len);
    char *donor_text = load(SAVE, &dlen);
    struct spp_json_doc *donor = parse_ok(donor_text, dlen, 0);
    static const struct spp_mutate_required req[] = {
        {"", "id"}, {"", "subject"}, {"", "status"}, {"/messages/*", "message"}};
    struct spp_mutate_options opt = {.required = req,
                                     .required_len = 4,
                                     .donor = spp_json_doc_root(donor),
                                     .max_out = (size_t)64 * 1024};
    size_t parsed = 0, clean = 0, text_level = 0, per_kind[SPP_MUTATE_KIND_COUNT] = {0};
    for (uint64_t seed = from; seed < from + runs; seed++) {
        struct spp_mutate_result res;
        char *out = NULL;
        size_t n = 0;
        struct spp_err err;
        enum spp_code rc = spp_mutate_bytes(in, len, seed, 0, &opt, &out, &n, &res, &err);
        cr_assert_eq(rc, SPP_OK, "seed %llu: %s", (unsigned long long)seed, err.msg);
        cr_assert_leq(n, opt.max_out);
        cr_assert_null(strstr(out, "\\u0001spp-"), "seed %llu left a placeholder",
                       (unsigned long long)seed);
        for (size_t k = 0; k < SPP_MUTATE_KIND_COUNT; k++)
            per_kind[k] += (res.applied & SPP_MUTATE_BIT(k)) != 0;
        struct spp_json_doc *doc = NULL;
        if (spp_json_parse(out, n, NULL, &doc, NULL) == SPP_OK) {
            parsed++;
            size_t issues = 0;
            spp_json_doc_issues(doc, &issues, NULL);
            clean += issues == 0;
            if (res.nsplices == 0)
                cr_assert(!has_issue(doc, SPP_JSON_ISSUE_NUL_IN_STRING, NULL) &&
                              !has_issue(doc, SPP_JSON_ISSUE_INVALID_UTF8, NULL),
                          "seed %llu: text-level issue without a text-level trick (%s)",
                          (unsigned long long)seed, res.what);
            spp_json_doc_free(doc);
        } else {
            cr_assert(res.nsplices > 0, "seed %llu: %s produced invalid JSON",
                      (unsigned long long)seed, res.what);
        }
        text_level += res.nsplices > 0;
        free(out);
    }
    cr_log_info(
        "mutate soak, seeds from %llu: %zu runs, %zu parse back (%.1f%%), %zu with no policy issue "
        "(%.1f%%), %zu used a text-level trick",
        (unsigned long long)from, runs, parsed, 100.0 * (double)parsed / (double)runs, clean,
        100.0 * (double)clean / (double)runs, text_level);
    for (size_t k = 0; k < SPP_MUTATE_KIND_COUNT; k++) {
        cr_log_info("  %-14s %zu", spp_mutate_kind_name((enum spp_mutate_kind)k), per_kind[k]);
        cr_assert_gt(per_kind[k], 0, "kind %s never applied",
                     spp_mutate_kind_name((enum spp_mutate_kind)k));
    }
    cr_assert_eq(parsed, runs, "every output, text-level tricks included, parses back");
    spp_json_doc_free(donor);
    free(donor_text);
    free(in);
}

Test(mutate, survives_random_mutations_of_a_realistic_ticket_seeds_0_to_4999)
{
    soak(0, 5000);
}

Test(mutate, survives_random_mutations_of_a_realistic_ticket_seeds_5000_to_9999)
{
    soak(5000, 5000);
}

/* ---- the json.h additions the mutator relies on --------------------------- */

static char *print_tree(const struct spp_json *n)
{
    char *s = spp_json_print(n, false, NULL);
    cr_assert_not_null(s);
    return s;
}

Test(json_mutation_support, swap_child_keeps_position_and_key_at_every_place)
{
    const char *expect[] = {"{\"a\":0,\"b\":2,\"c\":3}", "{\"a\":1,\"b\":0,\"c\":3}",
                            "{\"a\":1,\"b\":2,\"c\":0}"};
    for (size_t k = 0; k < 3; k++) {
        struct spp_json_doc *doc = parse_ok("{\"a\":1,\"b\":2,\"c\":3}", 19, 0);
        struct spp_json *root = spp_json_doc_take_root(doc);
        spp_json_doc_free(doc);
        struct spp_json *child = spp_json_first_mut(root);
        for (size_t j = 0; j < k; j++)
            child = spp_json_next_mut(child);
        struct spp_json *old = spp_json_swap_child(root, child, spp_json_new_number(0));
        cr_assert_not_null(old);
        cr_assert_null(spp_json_key(old), "a detached node keeps no key");
        cr_assert_eq(spp_json_number(old), (double)(k + 1));
        char *s = print_tree(root);
        cr_assert_str_eq(s, expect[k]);
        /* Appending after the swap goes last: the list's tail link survived it. */
        cr_assert_eq(spp_json_add_duplicate(root, "z", old), SPP_OK);
        char *s2 = print_tree(root);
        char tail[16];
        snprintf(tail, sizeof(tail), ",\"z\":%zu}", k + 1);
        size_t l2 = strlen(s2), lt = strlen(tail);
        cr_assert(l2 > lt && strcmp(s2 + l2 - lt, tail) == 0, "%s", s2);
        free(s);
        free(s2);
        spp_json_free(root);
    }
    /* The only child of an array. */
    struct spp_json *arr = spp_json_new_array();
    cr_assert_eq(spp_json_append(arr, spp_json_new_string("x")), SPP_OK);
    struct spp_json *old = spp_json_swap_child(arr, spp_json_first_mut(arr), spp_json_new_null());
    cr_assert_str_eq(spp_json_string(old, NULL), "x");
    cr_assert_eq(spp_json_append(arr, old), SPP_OK);
    char *s = print_tree(arr);
    cr_assert_str_eq(s, "[null,\"x\"]");
    free(s);
    /* Not a child: refused, v freed. */
    struct spp_json *other = spp_json_new_null();
    cr_assert_null(spp_json_swap_child(arr, other, spp_json_new_null()));
    cr_assert_null(spp_json_detach_child(arr, other));
    spp_json_free(other);
    spp_json_free(arr);
}

Test(json_mutation_support, add_duplicate_appends_a_second_member_the_parser_flags)
{
    struct spp_json *o = spp_json_new_object();
    cr_assert_eq(spp_json_set(o, "k", spp_json_new_number(1)), SPP_OK);
    cr_assert_eq(spp_json_add_duplicate(o, "k", spp_json_new_number(2)), SPP_OK);
    cr_assert_eq(spp_json_count(o), 2);
    size_t n = 0;
    char *s = spp_json_print(o, false, &n);
    cr_assert_str_eq(s, "{\"k\":1,\"k\":2}");
    struct spp_json_doc *doc = parse_ok(s, n, 0);
    cr_assert(has_issue(doc, SPP_JSON_ISSUE_DUPLICATE_KEY, "/k"));
    struct spp_json *d = spp_json_detach_child(o, spp_json_first_mut(o));
    cr_assert_eq(spp_json_number(d), 1);
    cr_assert_eq(spp_json_number(spp_json_get(o, "k")), 2);
    spp_json_free(d);
    spp_json_doc_free(doc);
    free(s);
    spp_json_free(o);
}
