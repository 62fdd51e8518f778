/*
 * test_schema — the JSON Schema compiler and validator (harness/schema.h).
 *
 * Each keyword gets a valid and an invalid instance; then the error shape
 * (locations through $ref, messages), the error cap, options (format,
 * nullable, record_evaluated), hostile schemas (each must be SPP_ESCHEMA with
 * a location) and hostile instances (100,000 levels deep, built with the
 * json builders since the parser stops at 512).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "schema.h"

static struct spp_json_doc *parse(const char *text)
{
    struct spp_json_doc *doc = NULL;
    struct spp_err err;
    cr_assert_eq(spp_json_parse(text, strlen(text), NULL, &doc, &err), SPP_OK, "%s: %s", text,
                 err.msg);
    return doc;
}

static struct spp_schema *compile_opt(const char *schema, const struct spp_schema_options *opt)
{
    struct spp_json_doc *doc = parse(schema);
    struct spp_schema *s = NULL;
    struct spp_err err;
    enum spp_code rc = spp_schema_compile(spp_json_doc_root(doc), "", opt, &s, &err);
    spp_json_doc_free(doc); /* the compiled schema must not need it */
    cr_assert_eq(rc, SPP_OK, "%s: %s at %s", schema, err.msg, err.where);
    return s;
}

static struct spp_schema *compile(const char *schema)
{
    return compile_opt(schema, NULL);
}

/* Validates instance text; checks the full validator and the fast path agree. */
static enum spp_code check(const struct spp_schema *s, const char *instance,
                           struct spp_schema_result *res)
{
    struct spp_json_doc *doc = parse(instance);
    enum spp_code rc = spp_schema_validate(s, NULL, spp_json_doc_root(doc), res);
    bool fast = spp_schema_is_valid(s, NULL, spp_json_doc_root(doc));
    cr_assert_eq(fast, rc == SPP_OK, "fast path disagrees on %s", instance);
    spp_json_doc_free(doc);
    return rc;
}

static bool valid(const char *schema, const char *instance)
{
    struct spp_schema *s = compile(schema);
    struct spp_schema_result res;
    enum spp_code rc = check(s, instance, &res);
    cr_assert(rc == SPP_OK || rc == SPP_EINVALID, "%s", spp_code_name(rc));
    cr_assert(rc == SPP_OK || res.count > 0, "invalid but no error for %s", instance);
    spp_schema_result_free(&res);
    spp_schema_free(s);
    return rc == SPP_OK;
}

/* The first error's message for an instance that must be invalid. */
static void expect_message(const char *schema, const char *instance, const char *msg)
{
    struct spp_schema *s = compile(schema);
    struct spp_schema_result res;
    cr_assert_eq(check(s, instance, &res), SPP_EINVALID);
    cr_assert_geq(res.count, 1);
    cr_expect_str_eq(res.errors[0].message, msg);
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

static enum spp_code load_error(const char *schema, struct spp_err *err)
{
    struct spp_json_doc *doc = parse(schema);
    struct spp_schema *s = NULL;
    enum spp_code rc = spp_schema_compile(spp_json_doc_root(doc), "", NULL, &s, err);
    spp_json_doc_free(doc);
    cr_assert_null(s);
    return rc;
}

/* ---- keywords ------------------------------------------------------------ */

Test(schema, type_integer_accepts_whole_numbers_including_one_point_zero)
{
    cr_expect(valid("{\"type\":\"integer\"}", "1"));
    cr_expect(valid("{\"type\":\"integer\"}", "1.0"));
    cr_expect(!valid("{\"type\":\"integer\"}", "1.5"));
    cr_expect(!valid("{\"type\":\"integer\"}", "\"1\""));
    cr_expect(valid("{\"type\":\"integer\"}", "12345678910111213141516"));
}

Test(schema, type_arrays_and_null_are_honoured)
{
    cr_expect(valid("{\"type\":[\"string\",\"null\"]}", "null"));
    cr_expect(valid("{\"type\":[\"string\",\"null\"]}", "\"x\""));
    cr_expect(!valid("{\"type\":[\"string\",\"null\"]}", "3"));
    cr_expect(valid("{\"type\":\"null\"}", "null"));
    cr_expect(!valid("{\"type\":\"null\"}", "false"));
    cr_expect(!valid("{\"type\":\"object\"}", "[]"));
    cr_expect(valid("{\"type\":\"boolean\"}", "true"));
}

Test(schema, type_error_names_expected_and_actual_types)
{
    expect_message("{\"type\":\"integer\"}", "\"x\"", "expected integer, got string");
    expect_message("{\"type\":[\"string\",\"null\"]}", "1", "expected null or string, got integer");
}

Test(schema, enum_and_const_use_json_equality)
{
    cr_expect(valid("{\"enum\":[1,\"a\",{\"b\":[1]}]}", "1.0"));
    cr_expect(valid("{\"enum\":[1,\"a\",{\"b\":[1]}]}", "{\"b\":[1]}"));
    cr_expect(!valid("{\"enum\":[1,\"a\"]}", "\"b\""));
    cr_expect(!valid("{\"enum\":[false]}", "0"));
    cr_expect(valid("{\"const\":{\"a\":1,\"b\":2}}", "{\"b\":2,\"a\":1}"));
    cr_expect(!valid("{\"const\":{\"a\":1}}", "{\"a\":2}"));
    cr_expect(!valid("{\"const\":null}", "0"));
}

Test(schema, required_reports_missing_property_at_the_object)
{
    struct spp_schema *s = compile("{\"properties\":{\"a\":{\"required\":[\"x\",\"y\"]}}}");
    struct spp_schema_result res;
    cr_assert_eq(check(s, "{\"a\":{\"y\":1}}", &res), SPP_EINVALID);
    cr_assert_eq(res.count, 1);
    cr_expect_str_eq(res.errors[0].instance_location, "/a");
    cr_expect_str_eq(res.errors[0].keyword_location, "/properties/a/required");
    cr_expect_str_eq(res.errors[0].message, "missing required property \"x\"");
    spp_schema_result_free(&res);
    cr_expect_eq(check(s, "{\"a\":{\"x\":1,\"y\":1}}", &res), SPP_OK);
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

Test(schema, properties_additional_and_pattern_properties_combine)
{
    const char *sch = "{\"properties\":{\"id\":{\"type\":\"integer\"}},"
                      "\"patternProperties\":{\"^x-\":{\"type\":\"string\"}},"
                      "\"additionalProperties\":false}";
    cr_expect(valid(sch, "{\"id\":1,\"x-a\":\"s\"}"));
    cr_expect(!valid(sch, "{\"id\":\"1\"}"));
    cr_expect(!valid(sch, "{\"x-a\":2}"));
    cr_expect(!valid(sch, "{\"other\":2}"));
    expect_message(sch, "{\"other\":2}",
                   "property \"other\" is not allowed (additionalProperties is false)");
    cr_expect(valid("{\"additionalProperties\":{\"type\":\"number\"}}", "{\"a\":1}"));
    cr_expect(!valid("{\"additionalProperties\":{\"type\":\"number\"}}", "{\"a\":\"1\"}"));
}

Test(schema, items_prefix_items_and_contains_work)
{
    const char *sch = "{\"prefixItems\":[{\"type\":\"string\"}],\"items\":{\"type\":\"integer\"}}";
    cr_expect(valid(sch, "[\"a\",1,2]"));
    cr_expect(!valid(sch, "[1,1]"));
    cr_expect(!valid(sch, "[\"a\",\"b\"]"));
    cr_expect(valid("{\"prefixItems\":[{}],\"items\":false}", "[1]"));
    cr_expect(!valid("{\"prefixItems\":[{}],\"items\":false}", "[1,2]"));
    const char *c = "{\"contains\":{\"const\":1},\"minContains\":2,\"maxContains\":3}";
    cr_expect(valid(c, "[1,2,1]"));
    cr_expect(!valid(c, "[1,2]"));
    cr_expect(!valid(c, "[1,1,1,1]"));
    cr_expect(!valid("{\"contains\":{\"type\":\"string\"}}", "[1]"));
    cr_expect(valid("{\"contains\":{\"type\":\"string\"},\"minContains\":0}", "[1]"));
}

Test(schema, all_any_one_of_not_and_if_then_else_apply)
{
    cr_expect(valid("{\"allOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "3"));
    cr_expect(!valid("{\"allOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "1"));
    cr_expect(valid("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}", "null"));
    cr_expect(!valid("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}", "1"));
    cr_expect(valid("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "1"));
    cr_expect(!valid("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "3"));
    cr_expect(!valid("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "1.5"));
    cr_expect(valid("{\"not\":{\"type\":\"string\"}}", "1"));
    cr_expect(!valid("{\"not\":{\"type\":\"string\"}}", "\"s\""));
    const char *ite = "{\"if\":{\"type\":\"integer\"},\"then\":{\"minimum\":0},"
                      "\"else\":{\"type\":\"string\"}}";
    cr_expect(valid(ite, "5"));
    cr_expect(!valid(ite, "-5"));
    cr_expect(valid(ite, "\"s\""));
    cr_expect(!valid(ite, "1.5"));
}

Test(schema, any_of_failure_lists_the_failed_alternatives)
{
    struct spp_schema *s = compile("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}");
    struct spp_schema_result res;
    cr_assert_eq(check(s, "1", &res), SPP_EINVALID);
    cr_assert_eq(res.count, 3);
    cr_expect_str_eq(res.errors[0].keyword_location, "/anyOf/0/type");
    cr_expect_str_eq(res.errors[1].keyword_location, "/anyOf/1/type");
    cr_expect_str_eq(res.errors[2].message, "value matches none of the 2 alternatives of anyOf");
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

Test(schema, dependent_required_dependent_schemas_and_property_names_apply)
{
    const char *dr = "{\"dependentRequired\":{\"card\":[\"cvv\"]}}";
    cr_expect(valid(dr, "{\"card\":1,\"cvv\":2}"));
    cr_expect(valid(dr, "{\"other\":1}"));
    cr_expect(!valid(dr, "{\"card\":1}"));
    const char *ds = "{\"dependentSchemas\":{\"card\":{\"required\":[\"cvv\"]}}}";
    cr_expect(valid(ds, "{\"card\":1,\"cvv\":2}"));
    cr_expect(!valid(ds, "{\"card\":1}"));
    const char *pn = "{\"propertyNames\":{\"maxLength\":3}}";
    cr_expect(valid(pn, "{\"abc\":1}"));
    cr_expect(!valid(pn, "{\"abcd\":1}"));
}

Test(schema, numeric_bounds_and_multiple_of_handle_floating_point)
{
    cr_expect(valid("{\"minimum\":1,\"maximum\":3}", "3"));
    cr_expect(!valid("{\"minimum\":1,\"maximum\":3}", "3.5"));
    cr_expect(!valid("{\"minimum\":1}", "0.9"));
    cr_expect(!valid("{\"exclusiveMinimum\":1}", "1"));
    cr_expect(valid("{\"exclusiveMinimum\":1}", "1.0001"));
    cr_expect(!valid("{\"exclusiveMaximum\":1}", "1"));
    cr_expect(valid("{\"multipleOf\":0.0001}", "0.0075"));
    cr_expect(!valid("{\"multipleOf\":0.0001}", "0.00751"));
    cr_expect(valid("{\"multipleOf\":0.01}", "19.99"));
    cr_expect(valid("{\"multipleOf\":2}", "10"));
    cr_expect(!valid("{\"multipleOf\":2}", "7"));
    cr_expect(valid("{\"multipleOf\":0.5}", "1e308"));
    cr_expect(!valid("{\"maximum\":18446744073709551615}", "18446744073709551616000"));
    cr_expect(valid("{\"minimum\":-1e308}", "-1e307"));
    expect_message("{\"maximum\":3}", "4", "4 is greater than the maximum 3");
}

Test(schema, string_length_counts_code_points_not_bytes)
{
    cr_expect(valid("{\"maxLength\":1}", "\"\xc3\xa9\""));                         /* é: 2 bytes */
    cr_expect(valid("{\"maxLength\":1,\"minLength\":1}", "\"\xf0\x9f\x98\x80\"")); /* U+1F600 */
    cr_expect(!valid("{\"maxLength\":1}", "\"ab\""));
    cr_expect(!valid("{\"minLength\":2}", "\"\xf0\x9f\x98\x80\""));
    cr_expect(valid("{\"minLength\":2}", "\"\\ud83d\\ude00a\""));
}

Test(schema, array_and_object_sizes_and_unique_items_apply)
{
    cr_expect(valid("{\"minItems\":1,\"maxItems\":2}", "[1]"));
    cr_expect(!valid("{\"minItems\":1}", "[]"));
    cr_expect(!valid("{\"maxItems\":2}", "[1,2,3]"));
    cr_expect(valid("{\"uniqueItems\":true}", "[1,\"1\",[1],{\"a\":1},{\"a\":2}]"));
    cr_expect(!valid("{\"uniqueItems\":true}", "[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1}]"));
    cr_expect(!valid("{\"uniqueItems\":true}", "[1,1.0]"));
    cr_expect(valid("{\"uniqueItems\":true}", "[0,false]"));
    cr_expect(valid("{\"minProperties\":1,\"maxProperties\":1}", "{\"a\":1}"));
    cr_expect(!valid("{\"minProperties\":1}", "{}"));
    cr_expect(!valid("{\"maxProperties\":1}", "{\"a\":1,\"b\":2}"));
}

Test(schema, pattern_searches_unanchored_with_ecma_semantics)
{
    cr_expect(valid("{\"pattern\":\"b+\"}", "\"abbc\""));
    cr_expect(!valid("{\"pattern\":\"^b+$\"}", "\"abbc\""));
    cr_expect(!valid("{\"pattern\":\"^\\\\d$\"}", "\"\xd9\xa1\"")); /* Arabic-Indic one */
    cr_expect(valid("{\"pattern\":\"^\\\\d$\"}", "\"1\""));
    cr_expect(!valid("{\"pattern\":\"^a$\"}", "\"a\\n\""));
    cr_expect(valid("{\"pattern\":\"^\\\\u00e9$\"}", "\"\xc3\xa9\""));
    cr_expect(valid("{\"pattern\":\"^\\\\p{Letter}+$\"}", "\"\xc3\xa9t\xc3\xa9\""));
    cr_expect(valid("{\"pattern\":\"^\\\\s$\"}", "\"\\u00a0\""));
    cr_expect(valid("{\"pattern\":\"^[\\\\s]$\"}", "\"\\u2028\""));
    cr_expect(valid("{\"pattern\":\"x\"}", "12")); /* non-strings are ignored */
}

Test(schema, refs_resolve_defs_ids_anchors_and_escaped_pointers)
{
    const char *sch = "{\"$id\":\"http://example.com/root.json\","
                      "\"$defs\":{\"a/b\":{\"type\":\"integer\"},\"t~n\":{\"type\":\"string\"},"
                      "\"pct%\":{\"type\":\"null\"},"
                      "\"sub\":{\"$id\":\"sub/other.json\",\"$defs\":{\"x\":{\"$anchor\":\"X\","
                      "\"type\":\"boolean\"}}}},"
                      "\"properties\":{\"a\":{\"$ref\":\"#/$defs/a~1b\"},"
                      "\"t\":{\"$ref\":\"#/$defs/t~0n\"},"
                      "\"p\":{\"$ref\":\"#/$defs/pct%25\"},"
                      "\"x\":{\"$ref\":\"sub/other.json#X\"},"
                      "\"y\":{\"$ref\":\"http://example.com/sub/other.json#/$defs/x\"}}}";
    cr_expect(valid(sch, "{\"a\":1,\"t\":\"s\",\"p\":null,\"x\":true,\"y\":false}"));
    cr_expect(!valid(sch, "{\"a\":\"1\"}"));
    cr_expect(!valid(sch, "{\"t\":1}"));
    cr_expect(!valid(sch, "{\"p\":1}"));
    cr_expect(!valid(sch, "{\"x\":1}"));
    cr_expect(!valid(sch, "{\"y\":1}"));
}

Test(schema, recursive_refs_compile_once_and_validate_trees)
{
    const char *tree = "{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},"
                       "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}";
    cr_expect(valid(tree, "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":3}]}]}"));
    cr_expect(!valid(tree, "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":\"3\"}]}]}"));
}

Test(schema, boolean_schemas_accept_or_reject_everything)
{
    cr_expect(valid("true", "{\"a\":[1]}"));
    cr_expect(!valid("false", "null"));
    cr_expect(!valid("{\"properties\":{\"a\":false}}", "{\"a\":1}"));
    cr_expect(valid("{\"properties\":{\"a\":false}}", "{\"b\":1}"));
}

Test(schema, unevaluated_properties_see_annotations_through_applicators)
{
    const char *sch = "{\"allOf\":[{\"properties\":{\"a\":true}}],"
                      "\"anyOf\":[{\"properties\":{\"b\":true},\"required\":[\"b\"]},"
                      "{\"properties\":{\"c\":true},\"required\":[\"c\"]}],"
                      "\"$ref\":\"#/$defs/d\",\"$defs\":{\"d\":{\"properties\":{\"d\":true}}},"
                      "\"unevaluatedProperties\":false}";
    cr_expect(valid(sch, "{\"a\":1,\"b\":1,\"d\":1}"));
    cr_expect(valid(sch, "{\"c\":1}"));
    cr_expect(!valid(sch, "{\"b\":1,\"c\":1,\"e\":1}"));
    /* properties of a failed anyOf branch do not count as evaluated */
    cr_expect(!valid("{\"anyOf\":[{\"properties\":{\"x\":true},\"required\":[\"nope\"]},true],"
                     "\"unevaluatedProperties\":false}",
                     "{\"x\":1}"));
    /* "not" never contributes annotations */
    cr_expect(!valid("{\"not\":{\"not\":{\"properties\":{\"x\":true}}},"
                     "\"unevaluatedProperties\":false}",
                     "{\"x\":1}"));
}

Test(schema, unevaluated_items_see_prefix_items_and_contains)
{
    const char *sch = "{\"prefixItems\":[true],\"contains\":{\"type\":\"string\"},"
                      "\"unevaluatedItems\":{\"type\":\"integer\"}}";
    cr_expect(valid(sch, "[null,\"s\",3]"));
    cr_expect(!valid(sch, "[null,\"s\",3.5]"));
    cr_expect(!valid("{\"unevaluatedItems\":false}", "[1]"));
    cr_expect(
        valid("{\"if\":{\"prefixItems\":[{\"const\":1}]},\"unevaluatedItems\":false}", "[1]"));
}

/* ---- options ------------------------------------------------------------- */

Test(schema, format_is_asserted_by_default_and_annotation_when_off)
{
    const char *sch = "{\"format\":\"date-time\"}";
    expect_message(sch, "\"2021-01-01T00:00:00+00\"",
                   "\"2021-01-01T00:00:00+00\" is not a valid date-time");
    cr_expect(valid(sch, "\"2021-01-01T00:00:00+00:00\""));
    cr_expect(valid("{\"format\":\"no-such-format\"}", "\"anything\""));
    cr_expect(valid(sch, "42"));
    struct spp_schema_options opt;
    spp_schema_options_init(&opt);
    opt.format_assertion = false;
    struct spp_schema *s = compile_opt(sch, &opt);
    struct spp_schema_result res;
    cr_expect_eq(check(s, "\"2021-01-01T00:00:00+00\"", &res), SPP_OK);
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

Test(schema, nullable_is_honoured_only_in_openapi30_mode)
{
    const char *sch = "{\"type\":\"string\",\"nullable\":true}";
    cr_expect(!valid(sch, "null"));
    struct spp_schema_options opt;
    spp_schema_options_init(&opt);
    opt.openapi30_nullable = true;
    struct spp_schema *s = compile_opt(sch, &opt);
    struct spp_schema_result res;
    cr_expect_eq(check(s, "null", &res), SPP_OK);
    spp_schema_result_free(&res);
    cr_expect_eq(check(s, "1", &res), SPP_EINVALID);
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

Test(schema, all_errors_are_reported_up_to_the_cap_and_the_rest_counted)
{
    const char *sch = "{\"items\":{\"type\":\"string\"}}";
    struct spp_schema *s = compile(sch);
    struct spp_schema_result res;
    cr_assert_eq(check(s, "[1,2,3,4,5,6,7,8,9,10]", &res), SPP_EINVALID);
    cr_expect_eq(res.count, 10);
    cr_expect_eq(res.dropped, 0);
    cr_expect_str_eq(res.errors[9].instance_location, "/9");
    spp_schema_result_free(&res);
    spp_schema_free(s);

    struct spp_schema_options opt;
    spp_schema_options_init(&opt);
    opt.max_errors = 3;
    s = compile_opt(sch, &opt);
    cr_assert_eq(check(s, "[1,2,3,4,5,6,7,8,9,10]", &res), SPP_EINVALID);
    cr_expect_eq(res.count, 3);
    cr_expect_eq(res.dropped, 7);
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

static const char *contract =
    "{\"openapi\":\"3.0.3\",\"paths\":{},\"components\":{\"schemas\":{"
    "\"Ticket\":{\"type\":\"object\",\"required\":[\"order\"],"
    "\"properties\":{\"order\":{\"$ref\":\"#/components/schemas/Order\"},"
    "\"due\":{\"type\":\"string\",\"format\":\"date-time\",\"nullable\":true}}},"
    "\"Order\":{\"type\":\"object\",\"properties\":{\"client\":{\"type\":\"object\","
    "\"properties\":{\"address\":{\"$ref\":\"#/components/schemas/Address\"}}}}},"
    "\"Address\":{\"type\":\"object\",\"required\":[\"postcode\"],"
    "\"properties\":{\"postcode\":{\"type\":\"string\"},\"number\":{\"type\":\"integer\"}}}"
    "}}}";

Test(schema, nested_ref_failure_reports_all_three_locations)
{
    struct spp_json_doc *doc = parse(contract);
    struct spp_schema_options opt;
    spp_schema_options_init(&opt);
    opt.openapi30_nullable = true;
    struct spp_schema *s = NULL;
    struct spp_err err;
    cr_assert_eq(spp_schema_load(spp_json_doc_root(doc), "tickets.openapi.json", &opt, &s, &err),
                 SPP_OK, "%s", err.msg);
    spp_json_doc_free(doc);
    const struct spp_schema_node *ticket = NULL;
    cr_assert_eq(spp_schema_at(s, "/components/schemas/Ticket", &ticket, &err), SPP_OK, "%s at %s",
                 err.msg, err.where);
    cr_expect_str_eq(spp_schema_node_location(ticket),
                     "tickets.openapi.json#/components/schemas/Ticket");

    struct spp_json_doc *inst =
        parse("{\"order\":{\"client\":{\"address\":{\"number\":\"7\"}}},\"due\":null}");
    struct spp_schema_result res;
    cr_assert_eq(spp_schema_validate(s, ticket, spp_json_doc_root(inst), &res), SPP_EINVALID);
    cr_assert_eq(res.count, 2);
    const struct spp_schema_error *e = &res.errors[0];
    cr_expect_str_eq(e->instance_location, "/order/client/address");
    cr_expect_str_eq(e->keyword_location,
                     "/properties/order/$ref/properties/client/properties/address/$ref/required");
    cr_expect_str_eq(e->absolute_keyword_location,
                     "tickets.openapi.json#/components/schemas/Address/required");
    cr_expect_str_eq(e->message, "missing required property \"postcode\"");
    e = &res.errors[1];
    cr_expect_str_eq(e->instance_location, "/order/client/address/number");
    cr_expect_str_eq(e->absolute_keyword_location,
                     "tickets.openapi.json#/components/schemas/Address/properties/number/type");
    cr_expect_str_eq(e->message, "expected integer, got string");
    spp_schema_result_free(&res);
    spp_json_doc_free(inst);

    const struct spp_schema_node *missing = NULL;
    cr_expect_eq(spp_schema_at(s, "/components/schemas/Nope", &missing, &err), SPP_ENOTFOUND);
    const struct spp_schema_node *again = NULL;
    cr_expect_eq(spp_schema_at(s, "#/components/schemas/Ticket", &again, &err), SPP_OK);
    cr_expect_eq(again, ticket);
    spp_schema_free(s);
}

Test(schema, record_evaluated_lists_schema_and_instance_locations)
{
    struct spp_json_doc *doc = parse(contract);
    struct spp_schema_options opt;
    spp_schema_options_init(&opt);
    opt.record_evaluated = true;
    opt.record_instances = true;
    struct spp_schema *s = NULL;
    cr_assert_eq(spp_schema_load(spp_json_doc_root(doc), "c.json", &opt, &s, NULL), SPP_OK);
    spp_json_doc_free(doc);
    const struct spp_schema_node *order = NULL;
    cr_assert_eq(spp_schema_at(s, "/components/schemas/Order", &order, NULL), SPP_OK);
    struct spp_json_doc *inst = parse("{\"client\":{\"address\":{\"postcode\":\"1\"}}}");
    struct spp_schema_result res;
    cr_assert_eq(spp_schema_validate(s, order, spp_json_doc_root(inst), &res), SPP_OK);
    bool saw_address = false, saw_inst = false;
    for (size_t i = 0; i < res.n_evaluated_schemas; i++)
        saw_address |= strcmp(res.evaluated_schemas[i], "c.json#/components/schemas/Address") == 0;
    for (size_t i = 0; i < res.n_evaluated_instances; i++)
        saw_inst |= strcmp(res.evaluated_instances[i], "/client/address/postcode") == 0;
    cr_expect(saw_address);
    cr_expect(saw_inst);
    spp_schema_result_free(&res);
    spp_json_doc_free(inst);
    spp_schema_free(s);
}

Test(schema, record_evaluated_writes_array_indices_as_stars)
{
    struct spp_schema_options opt;
    spp_schema_options_init(&opt);
    opt.record_evaluated = true;
    opt.record_instances = true;
    struct spp_schema *s = compile_opt("{\"items\":{\"type\":\"integer\"}}", &opt);
    struct spp_schema_result res;
    cr_assert_eq(check(s, "[1,2,3]", &res), SPP_OK);
    cr_expect_eq(res.n_evaluated_instances, 2); /* the root and every item as one */
    cr_expect_str_eq(res.evaluated_instances[1], "/*");
    cr_expect_eq(res.n_evaluated_schemas, 2);
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

Test(schema, record_evaluated_alone_lists_each_schema_once_and_no_instances)
{
    struct spp_schema_options opt;
    spp_schema_options_init(&opt);
    opt.record_evaluated = true;
    struct spp_schema *s = compile_opt(
        "{\"$defs\":{\"n\":{\"type\":\"integer\"}},\"items\":{\"$ref\":\"#/$defs/n\"}}", &opt);
    struct spp_schema_result res;
    cr_assert_eq(check(s, "[1,2,3,4,5,6,7,8,9,10]", &res), SPP_OK);
    cr_expect_eq(res.n_evaluated_instances, 0);
    cr_expect_eq(res.n_evaluated_schemas, 3, "root, items and the $defs target, once each");
    for (size_t i = 0; i < res.n_evaluated_schemas; i++)
        for (size_t j = i + 1; j < res.n_evaluated_schemas; j++)
            cr_expect_str_neq(res.evaluated_schemas[i], res.evaluated_schemas[j]);
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

Test(schema, registry_documents_serve_remote_refs)
{
    struct spp_schema_registry *reg = spp_schema_registry_new();
    struct spp_json_doc *remote = parse("{\"$defs\":{\"n\":{\"type\":\"integer\"}}}");
    cr_assert_eq(spp_schema_registry_add(reg, "http://h/r.json", spp_json_doc_root(remote), NULL),
                 SPP_OK);
    spp_json_doc_free(remote);
    struct spp_schema_options opt;
    spp_schema_options_init(&opt);
    opt.registry = reg;
    struct spp_schema *s = compile_opt("{\"$ref\":\"http://h/r.json#/$defs/n\"}", &opt);
    spp_schema_registry_free(reg); /* not needed for validating */
    struct spp_schema_result res;
    cr_expect_eq(check(s, "1", &res), SPP_OK);
    spp_schema_result_free(&res);
    cr_expect_eq(check(s, "\"1\"", &res), SPP_EINVALID);
    cr_expect_str_eq(res.errors[0].absolute_keyword_location, "http://h/r.json#/$defs/n/type");
    spp_schema_result_free(&res);
    spp_schema_free(s);
}

/* ---- hostile schemas ----------------------------------------------------- */

Test(schema, hostile_schemas_fail_to_load_with_a_location)
{
    static const struct {
        const char *schema;
        const char *where;
    } cases[] = {
        {"{\"$ref\":\"#\"}", "/$ref"},
        {"{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},"
         "\"$ref\":\"#/$defs/a\"}",
         "/$defs/"},
        {"{\"allOf\":[{\"$ref\":\"#\"}]}", "/allOf"},
        {"{\"minLength\":\"x\"}", "/minLength"},
        {"{\"minLength\":-1}", "/minLength"},
        {"{\"required\":5}", "/required"},
        {"{\"required\":[1]}", "/required"},
        {"{\"properties\":{\"a\":{\"type\":\"strin\"}}}", "/properties/a/type"},
        {"{\"properties\":{\"a\":{\"pattern\":\"(\"}}}", "/properties/a/pattern"},
        {"{\"patternProperties\":{\"[\":true}}", "/patternProperties/["},
        {"{\"$ref\":\"#/$defs/nowhere\"}", "/$ref"},
        {"{\"$ref\":\"http://unknown.example/x.json\"}", "/$ref"},
        {"{\"items\":[1]}", "/items"},
        {"{\"multipleOf\":0}", "/multipleOf"},
        {"{\"anyOf\":[]}", "/anyOf"},
        {"{\"enum\":5}", "/enum"},
        {"{\"properties\":{\"a\":5}}", "/properties"},
        {"5", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spp_err err;
        spp_err_clear(&err);
        cr_expect_eq(load_error(cases[i].schema, &err), SPP_ESCHEMA, "%s", cases[i].schema);
        cr_expect(strncmp(err.where, cases[i].where, strlen(cases[i].where)) == 0,
                  "%s: where \"%s\", expected \"%s...\" (%s)", cases[i].schema, err.where,
                  cases[i].where, err.msg);
        cr_expect(err.msg[0] != '\0');
    }
}

Test(schema, refs_that_make_progress_are_not_cycles_and_unknown_keywords_are_ignored)
{
    cr_expect(valid("{\"properties\":{\"a\":{\"$ref\":\"#\"}},\"x-vendor\":{\"minLength\":\"x\"},"
                    "\"frobnicate\":12}",
                    "{\"a\":{\"a\":{}}}"));
    cr_expect(valid("{\"$defs\":{\"unused\":{\"$ref\":\"#/$defs/unused\"}}}", "1"));
}

Test(schema, a_failed_entry_point_leaves_the_schema_usable)
{
    struct spp_json_doc *doc =
        parse("{\"good\":{\"type\":\"integer\"},\"bad\":{\"allOf\":[{\"$ref\":\"#/good\"},"
              "{\"minLength\":\"x\"}]}}");
    struct spp_schema *s = NULL;
    cr_assert_eq(spp_schema_load(spp_json_doc_root(doc), NULL, NULL, &s, NULL), SPP_OK);
    spp_json_doc_free(doc);
    const struct spp_schema_node *n = NULL;
    struct spp_err err;
    cr_expect_eq(spp_schema_at(s, "/bad", &n, &err), SPP_ESCHEMA);
    cr_expect_str_eq(err.where, "/bad/allOf/1/minLength");
    cr_assert_eq(spp_schema_at(s, "/good", &n, &err), SPP_OK);
    struct spp_json *one = spp_json_new_number(1);
    cr_expect(spp_schema_is_valid(s, n, one));
    spp_json_free(one);
    spp_schema_free(s);
}

/* ---- hostile instances --------------------------------------------------- */

#define DEEP 100000

/* {"a":{"a":...}} DEEP levels; levels[i] is the object at depth i. */
static struct spp_json *deep_object(struct spp_json **levels)
{
    struct spp_json *root = spp_json_new_object();
    cr_assert_not_null(root);
    levels[0] = root;
    for (size_t i = 1; i < DEEP; i++) {
        struct spp_json *o = spp_json_new_object();
        cr_assert_eq(spp_json_set(levels[i - 1], "a", o), SPP_OK);
        levels[i] = o;
    }
    return root;
}

/* Frees bottom-up so no recursive free walks 100,000 levels. */
static void deep_free(struct spp_json **levels)
{
    for (size_t i = DEEP - 1; i > 0; i--)
        spp_json_remove(levels[i - 1], "a");
    spp_json_free(levels[0]);
}

Test(schema, deep_instance_gives_a_limit_error_not_a_crash)
{
    struct spp_json **levels = malloc(DEEP * sizeof(*levels));
    cr_assert_not_null(levels);
    struct spp_json *root = deep_object(levels);
    struct spp_schema *s = compile("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#\"}}}");
    struct spp_schema_result res;
    cr_expect_eq(spp_schema_validate(s, NULL, root, &res), SPP_ELIMIT);
    cr_expect(res.depth_exceeded);
    cr_expect(!res.valid);
    cr_assert_geq(res.count, 1);
    cr_expect(strstr(res.errors[0].message, "deeper than 512") != NULL, "%s",
              res.errors[0].message);
    spp_schema_result_free(&res);
    cr_expect(!spp_schema_is_valid(s, NULL, root));
    spp_schema_free(s);

    /* A schema that does not descend accepts it without walking it. */
    s = compile("{\"type\":\"object\"}");
    cr_expect_eq(spp_schema_validate(s, NULL, root, &res), SPP_OK);
    spp_schema_result_free(&res);
    spp_schema_free(s);
    /* uniqueItems and enum compare deep values without recursing past the json limit. */
    s = compile("{\"enum\":[{\"a\":{}}]}");
    cr_expect_eq(spp_schema_validate(s, NULL, root, &res), SPP_EINVALID);
    spp_schema_result_free(&res);
    spp_schema_free(s);
    deep_free(levels);
    free(levels);
}

Test(schema, deep_schema_gives_a_clear_error_not_a_crash)
{
    struct spp_json **levels = malloc(DEEP * sizeof(*levels));
    cr_assert_not_null(levels);
    /* {"a":{"a":...}} read as a schema: "a" is an unknown keyword holding an object. */
    struct spp_json *root = deep_object(levels);
    struct spp_schema *s = NULL;
    struct spp_err err;
    enum spp_code rc = spp_schema_compile(root, "", NULL, &s, &err);
    cr_expect(rc == SPP_ELIMIT, "%s", spp_code_name(rc));
    cr_expect_null(s);
    deep_free(levels);
    free(levels);
}

Test(schema, invalid_arguments_are_rejected)
{
    struct spp_schema *s = NULL;
    cr_expect_eq(spp_schema_compile(NULL, "", NULL, &s, NULL), SPP_EINVAL);
    struct spp_schema_result res;
    cr_expect_eq(spp_schema_validate(NULL, NULL, NULL, &res), SPP_EINVAL);
    spp_schema_result_free(&res);
    spp_schema_free(NULL);
    spp_schema_result_free(NULL);
    spp_schema_registry_free(NULL);
}

/* Found by fuzz/fuzz_schema (corpus/fuzz_schema/duplicate-pattern-properties.json): a keyword
 * given twice compiled twice over the first one's storage (heap-buffer-overflow). */
Test(schema, refuses_a_keyword_given_twice_in_one_schema_object)
{
    const char *cases[] = {
        "{\"patternProperties\":{\"^b\":true},\"x\":1,\"patternProperties\":{\"^b\":true}}",
        "{\"properties\":{\"a\":true},\"properties\":{\"b\":false}}",
        "{\"type\":\"object\",\"items\":{\"required\":[\"a\"],\"required\":[\"b\",\"c\"]}}",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spp_json_doc *doc = parse(cases[i]);
        struct spp_schema *s = NULL;
        struct spp_err err;
        enum spp_code rc = spp_schema_compile(spp_json_doc_root(doc), "", NULL, &s, &err);
        cr_expect_eq(rc, SPP_ESCHEMA, "%s: %s", cases[i], spp_code_name(rc));
        cr_expect(strstr(err.msg, "appears twice") != NULL, "%s: %s", cases[i], err.msg);
        cr_expect_null(s);
        spp_json_doc_free(doc);
    }
}
