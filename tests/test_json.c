#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static struct spp_json_doc *parse_ok(const char *s)
{
    struct spp_json_doc *doc = NULL;
    struct spp_err e;
    enum spp_code rc = spp_json_parse(s, strlen(s), NULL, &doc, &e);
    cr_assert_eq(rc, SPP_OK, "parse failed: %s", e.msg);
    return doc;
}

static size_t issue_count(const struct spp_json_doc *doc, enum spp_json_issue_kind kind,
                          const char *pointer)
{
    size_t n = 0, k = 0;
    const struct spp_json_issue *is = spp_json_doc_issues(doc, &n, NULL);
    for (size_t i = 0; i < n; i++)
        if (is[i].kind == kind && (!pointer || strcmp(is[i].pointer, pointer) == 0))
            k++;
    return k;
}

Test(json, parses_exactly_the_given_length_without_a_terminator)
{
    const char buf[] = {'[', '1', ']', 'x'};
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_json_parse(buf, 3, NULL, &doc, NULL), SPP_OK);
    cr_assert_eq(spp_json_kind(spp_json_doc_root(doc)), SPP_JSON_ARRAY);
    spp_json_doc_free(doc);
}

Test(json, rejects_trailing_garbage_with_its_offset)
{
    struct spp_json_doc *doc = NULL;
    struct spp_err e;
    cr_assert_eq(spp_json_parse("{} x", 4, NULL, &doc, &e), SPP_ESYNTAX);
    cr_assert_eq(e.offset, 3);
    cr_assert_null(doc);
}

Test(json, rejects_empty_input_and_malformed_json)
{
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_json_parse("", 0, NULL, &doc, NULL), SPP_ESYNTAX);
    cr_assert_eq(spp_json_parse("{\"a\":", 5, NULL, &doc, NULL), SPP_ESYNTAX);
    cr_assert_null(doc);
}

Test(json, reports_nesting_beyond_the_limit_as_a_limit_error)
{
    size_t n = 100000;
    char *s = malloc(n);
    memset(s, '[', n);
    struct spp_json_doc *doc = NULL;
    struct spp_err e;
    cr_assert_eq(spp_json_parse(s, n, NULL, &doc, &e), SPP_ELIMIT);
    cr_assert(strstr(e.msg, "nesting") != NULL);
    free(s);
}

Test(json, refuses_documents_larger_than_the_limit)
{
    struct spp_json_limits lim = {.max_bytes = 4};
    struct spp_json_doc *doc = NULL;
    cr_assert_eq(spp_json_parse("[1,2,3]", 7, &lim, &doc, NULL), SPP_ELIMIT);
}

Test(json, flags_duplicate_keys_at_their_location)
{
    struct spp_json_doc *doc = parse_ok("{\"a\":{\"b\":1,\"b\":2}}");
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_DUPLICATE_KEY, "/a/b"), 1);
    spp_json_doc_free(doc);
}

Test(json, flags_duplicate_keys_in_large_objects)
{
    char s[4096] = "{";
    for (int i = 0; i < 40; i++) {
        char m[32];
        snprintf(m, sizeof(m), "\"k%d\":%d,", i, i);
        strcat(s, m);
    }
    strcat(s, "\"k7\":0}");
    struct spp_json_doc *doc = parse_ok(s);
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_DUPLICATE_KEY, "/k7"), 1);
    spp_json_doc_free(doc);
}

Test(json, flags_nul_escapes_that_cjson_would_truncate)
{
    struct spp_json_doc *doc = parse_ok("{\"x\":[\"ok\",\"a\\u0000b\"]}");
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_NUL_IN_STRING, "/x/1"), 1);
    spp_json_doc_free(doc);
    /* Indices restart in every new array at the same depth. */
    doc = parse_ok("[[[1,2],[\"\\u0000\"]]]");
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_NUL_IN_STRING, "/0/1/0"), 1);
    spp_json_doc_free(doc);
    /* An escaped backslash followed by the text u0000 is not a NUL. */
    doc = parse_ok("[\"\\\\u0000\"]");
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_NUL_IN_STRING, NULL), 0);
    spp_json_doc_free(doc);
}

Test(json, flags_overflowing_numbers_and_big_integers)
{
    struct spp_json_doc *doc =
        parse_ok("{\"a\":1e999,\"b\":9007199254740993,\"c\":9007199254740991}");
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_NUMBER_OVERFLOW, "/a"), 1);
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_BIG_INTEGER, "/b"), 1);
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_BIG_INTEGER, "/c"), 0);
    spp_json_doc_free(doc);
}

Test(json, flags_invalid_utf8_in_values_and_keys)
{
    struct spp_json_doc *doc = parse_ok("{\"ok\":\"caf\xc3\xa9\",\"bad\":\"\xff\",\"\xc3\":1}");
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_INVALID_UTF8, "/bad"), 1);
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_INVALID_UTF8, NULL), 2);
    spp_json_doc_free(doc);
}

Test(json, resolves_pointers_with_escapes)
{
    struct spp_json_doc *doc = parse_ok("{\"a/b\":{\"m~n\":[10,20]}}");
    const struct spp_json *n = spp_json_pointer(spp_json_doc_root(doc), "/a~1b/m~0n/1");
    cr_assert_eq(spp_json_number(n), 20.0);
    cr_assert_null(spp_json_pointer(spp_json_doc_root(doc), "/a~1b/m~0n/01"));
    cr_assert_null(spp_json_pointer(spp_json_doc_root(doc), "/zz"));
    spp_json_doc_free(doc);
}

Test(json, compares_numbers_by_value_and_objects_regardless_of_order)
{
    struct spp_json_doc *a = parse_ok("{\"x\":1,\"y\":[true,null]}");
    struct spp_json_doc *b = parse_ok("{\"y\":[true,null],\"x\":1.0}");
    struct spp_json_doc *c = parse_ok("{\"y\":[null,true],\"x\":1}");
    cr_assert(spp_json_equal(spp_json_doc_root(a), spp_json_doc_root(b)));
    cr_assert_not(spp_json_equal(spp_json_doc_root(a), spp_json_doc_root(c)));
    spp_json_doc_free(a);
    spp_json_doc_free(b);
    spp_json_doc_free(c);
}

Test(json, judges_integers_by_their_fractional_part)
{
    struct spp_json_doc *doc = parse_ok("[1.0,1.5,-0,1e308]");
    const struct spp_json *r = spp_json_doc_root(doc);
    cr_assert(spp_json_is_integer(spp_json_at(r, 0)));
    cr_assert_not(spp_json_is_integer(spp_json_at(r, 1)));
    cr_assert(spp_json_is_integer(spp_json_at(r, 2)));
    cr_assert(spp_json_is_integer(spp_json_at(r, 3)));
    spp_json_doc_free(doc);
}

Test(json, builds_and_prints_a_tree)
{
    struct spp_json *o = spp_json_new_object();
    cr_assert_eq(spp_json_set(o, "n", spp_json_new_number(3)), SPP_OK);
    struct spp_json *arr = spp_json_new_array();
    cr_assert_eq(spp_json_append(arr, spp_json_new_string("t")), SPP_OK);
    cr_assert_eq(spp_json_set(o, "a", arr), SPP_OK);
    cr_assert_eq(spp_json_set(o, "n", spp_json_new_bool(true)), SPP_OK);
    size_t len = 0;
    char *s = spp_json_print(o, false, &len);
    cr_assert_str_eq(s, "{\"n\":true,\"a\":[\"t\"]}");
    cr_assert_eq(len, strlen(s));
    free(s);
    cr_assert(spp_json_remove(o, "n"));
    cr_assert_not(spp_json_remove(o, "n"));
    spp_json_free(o);
}

/* Found by fuzz/fuzz_response (corpus/fuzz_response/big-integer.json): cJSON's own printer
 * loses one ulp when "%1.15g" reads back within DBL_EPSILON. */
Test(json, prints_every_number_so_that_it_reads_back_exactly)
{
    const char *cases[] = {"[9007199254740992]", "[0.30000000000000004]",
                           "{\"a\":{\"b\":[1,-2.5000000000000004,1e300]}}", "[123456789012345678]"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spp_json_doc *doc = parse_ok(cases[i]);
        size_t len = 0;
        char *text = spp_json_print(spp_json_doc_root(doc), false, &len);
        cr_assert_not_null(text);
        struct spp_json_doc *again = parse_ok(text);
        cr_expect(spp_json_equal(spp_json_doc_root(doc), spp_json_doc_root(again)),
                  "%s printed as %s", cases[i], text);
        spp_json_doc_free(again);
        free(text);
        spp_json_doc_free(doc);
    }
    /* A number that needs no help is printed as before. */
    struct spp_json_doc *doc = parse_ok("[0.5,12,1e+300]");
    char *text = spp_json_print(spp_json_doc_root(doc), false, NULL);
    cr_expect_str_eq(text, "[0.5,12,1e+300]");
    free(text);
    spp_json_doc_free(doc);
}

/* Found with fuzz/fuzz_response (corpus/fuzz_response/duplicate-key-in-form-data.json): an object
 * with a duplicate key compared unequal to itself, so decode -> encode -> decode looked unstable.
 */
Test(json, compares_objects_with_duplicate_keys_member_by_member)
{
    struct spp_json_doc *a = parse_ok("{\"k\":1,\"x\":true,\"k\":2}");
    struct spp_json_doc *same = parse_ok("{\"x\":true,\"k\":1,\"k\":2}");
    struct spp_json_doc *swapped = parse_ok("{\"k\":2,\"x\":true,\"k\":1}");
    cr_expect(spp_json_equal(spp_json_doc_root(a), spp_json_doc_root(a)));
    cr_expect(spp_json_equal(spp_json_doc_root(a), spp_json_doc_root(same)));
    cr_expect_not(spp_json_equal(spp_json_doc_root(a), spp_json_doc_root(swapped)));
    spp_json_doc_free(swapped);
    spp_json_doc_free(same);
    spp_json_doc_free(a);
}

/* ---- the reader: RFC 8259, strictly ------------------------------------------------------- */

static enum spp_code parse_rc(const char *s, size_t *offset)
{
    struct spp_json_doc *doc = NULL;
    struct spp_err e;
    enum spp_code rc = spp_json_parse(s, strlen(s), NULL, &doc, &e);
    if (rc != SPP_OK && offset)
        *offset = e.offset;
    spp_json_doc_free(doc);
    return rc;
}

Test(json, rejects_numbers_outside_the_rfc_grammar)
{
    const char *bad[] = {"01",   "-01",  "1.",    ".5",       "-.5", "+1",  "-",    "1e",  "1e+",
                         "1.e3", "0x10", "1.5.2", "Infinity", "NaN", "- 1", "[1,]", "[01]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_eq(parse_rc(bad[i], NULL), SPP_ESYNTAX, "%s was accepted", bad[i]);
    const char *good[] = {"0", "-0", "1.5", "-1.5e-3", "1E+2", "0e0", "123456789012345678901234"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        cr_expect_eq(parse_rc(good[i], NULL), SPP_OK, "%s was refused", good[i]);
}

Test(json, reads_integers_exactly_with_and_without_strtod)
{
    struct spp_json_doc *doc =
        parse_ok("[999999999999999,-999999999999999,1234567890123456,-0,0.1,2.5e3,1e-400]");
    const struct spp_json *a = spp_json_doc_root(doc);
    cr_assert_eq(spp_json_number(spp_json_at(a, 0)), 999999999999999.0);
    cr_assert_eq(spp_json_number(spp_json_at(a, 1)), -999999999999999.0);
    cr_assert_eq(spp_json_number(spp_json_at(a, 2)), 1234567890123456.0);
    cr_assert(signbit(spp_json_number(spp_json_at(a, 3))), "-0 lost its sign");
    cr_assert_eq(spp_json_number(spp_json_at(a, 4)), 0.1);
    cr_assert_eq(spp_json_number(spp_json_at(a, 5)), 2500.0);
    cr_assert_eq(spp_json_number(spp_json_at(a, 6)), 0.0);
    spp_json_doc_free(doc);
}

Test(json, rejects_control_characters_and_bad_escapes_in_strings)
{
    size_t off = 0;
    cr_expect_eq(parse_rc("[\"a\tb\"]", &off), SPP_ESYNTAX);
    cr_expect_eq(off, 3);
    cr_expect_eq(parse_rc("[\"a\nb\"]", NULL), SPP_ESYNTAX);
    cr_expect_eq(parse_rc("[\"\\x41\"]", &off), SPP_ESYNTAX);
    cr_expect_eq(off, 2);
    cr_expect_eq(parse_rc("[\"\\u12\"]", NULL), SPP_ESYNTAX);
    cr_expect_eq(parse_rc("[\"\\ud800\"]", NULL), SPP_ESYNTAX, "lone high surrogate");
    cr_expect_eq(parse_rc("[\"\\udc00\"]", NULL), SPP_ESYNTAX, "lone low surrogate");
    cr_expect_eq(parse_rc("[\"\\ud800\\u0041\"]", NULL), SPP_ESYNTAX, "high then no low");
    cr_expect_eq(parse_rc("[\"abc", &off), SPP_ESYNTAX);
    cr_expect_eq(off, 5);
    cr_expect_eq(parse_rc("[\"abc\\", NULL), SPP_ESYNTAX);
}

Test(json, decodes_every_escape_and_surrogate_pairs)
{
    struct spp_json_doc *doc =
        parse_ok("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\u20AC\\ud83d\\ude00\"]");
    const struct spp_json *a = spp_json_doc_root(doc);
    cr_assert_str_eq(spp_json_string(spp_json_at(a, 0), NULL), "\"\\/\b\f\n\r\t");
    cr_assert_str_eq(spp_json_string(spp_json_at(a, 1), NULL),
                     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    cr_assert_eq(issue_count(doc, SPP_JSON_ISSUE_INVALID_UTF8, NULL), 0);
    spp_json_doc_free(doc);
}

/* The word-at-a-time scan must stop on the exact byte wherever it falls in a word. */
Test(json, finds_quotes_escapes_and_high_bytes_at_every_position_of_a_word)
{
    const char *stops[] = {"\\\"", "\\\\", "\xc3\xa9", "\\u0041"};
    const char *decoded[] = {"\"", "\\", "\xc3\xa9", "A"};
    for (size_t k = 0; k < 4; k++) {
        for (size_t at = 0; at < 20; at++) {
            char json[64], want[64];
            snprintf(json, sizeof(json), "[\"%.*s%s%.*s\"]", (int)at, "abcdefghijklmnopqrstu",
                     stops[k], (int)(19 - at), "ABCDEFGHIJKLMNOPQRSTU");
            snprintf(want, sizeof(want), "%.*s%s%.*s", (int)at, "abcdefghijklmnopqrstu", decoded[k],
                     (int)(19 - at), "ABCDEFGHIJKLMNOPQRSTU");
            struct spp_json_doc *doc = parse_ok(json);
            const char *got = spp_json_string(spp_json_at(spp_json_doc_root(doc), 0), NULL);
            cr_expect_str_eq(got, want, "%s", json);
            spp_json_doc_free(doc);
        }
    }
    /* A control character and a high byte that is not UTF-8, at each position. */
    for (size_t at = 0; at < 20; at++) {
        char json[64];
        snprintf(json, sizeof(json), "[\"%.*s\x01xx\"]", (int)at, "abcdefghijklmnopqrstu");
        size_t off = 0;
        cr_expect_eq(parse_rc(json, &off), SPP_ESYNTAX, "%zu", at);
        cr_expect_eq(off, 2 + at);
        snprintf(json, sizeof(json), "[\"%.*s\xffxx\"]", (int)at, "abcdefghijklmnopqrstu");
        struct spp_json_doc *doc = parse_ok(json);
        cr_expect_eq(issue_count(doc, SPP_JSON_ISSUE_INVALID_UTF8, "/0"), 1, "%zu", at);
        spp_json_doc_free(doc);
    }
}

Test(json, names_the_byte_of_a_syntax_error)
{
    size_t off = 0;
    cr_expect_eq(parse_rc("{\"a\" 1}", &off), SPP_ESYNTAX);
    cr_expect_eq(off, 5);
    cr_expect_eq(parse_rc("[1 2]", &off), SPP_ESYNTAX);
    cr_expect_eq(off, 3);
    cr_expect_eq(parse_rc("{1:2}", &off), SPP_ESYNTAX);
    cr_expect_eq(off, 1);
    cr_expect_eq(parse_rc("[tru]", &off), SPP_ESYNTAX);
    cr_expect_eq(off, 1);
    cr_expect_eq(parse_rc("  ", &off), SPP_ESYNTAX);
    cr_expect_eq(off, 2);
    /* Only the four RFC white-space bytes separate tokens. */
    cr_expect_eq(parse_rc("\f[1]", &off), SPP_ESYNTAX);
    cr_expect_eq(parse_rc(" \t\r\n[1] \t\r\n", NULL), SPP_OK);
}

Test(json, skips_a_utf8_byte_order_mark)
{
    cr_expect_eq(parse_rc("\xef\xbb\xbf{\"a\":1}", NULL), SPP_OK);
    cr_expect_eq(parse_rc("{\"a\":1}\xef\xbb\xbf", NULL), SPP_ESYNTAX);
}

Test(json, locates_the_nul_and_utf8_issues_of_keys_at_their_member)
{
    struct spp_json_doc *doc = parse_ok("{\"o\":{\"k\\u0000x\":1,\"\xff\":2}}");
    size_t n = 0;
    const struct spp_json_issue *is = spp_json_doc_issues(doc, &n, NULL);
    cr_assert_eq(n, 2);
    cr_expect_eq(is[0].kind, SPP_JSON_ISSUE_NUL_IN_STRING);
    cr_expect_str_eq(is[0].pointer, "/o/k"); /* the key as cJSON keeps it: cut at the NUL */
    cr_expect_eq(is[0].offset, 8);
    cr_expect_eq(is[1].kind, SPP_JSON_ISSUE_INVALID_UTF8);
    cr_expect_str_eq(is[1].pointer, "/o/\xff");
    spp_json_doc_free(doc);
}

Test(json, reports_the_opener_beyond_the_depth_limit)
{
    struct spp_json_limits lim = {.max_depth = 3};
    struct spp_json_doc *doc = NULL;
    struct spp_err e;
    cr_assert_eq(spp_json_parse("[[[1]]]", 7, &lim, &doc, &e), SPP_OK);
    spp_json_doc_free(doc);
    doc = NULL;
    cr_assert_eq(spp_json_parse("[{\"a\":[[1]]}]", 13, &lim, &doc, &e), SPP_ELIMIT);
    cr_expect_eq(e.offset, 7);
    cr_assert_null(doc);
}
