#include <criterion/criterion.h>
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
