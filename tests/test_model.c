/*
 * test_model — the typed model: its tables against the contract, decoding the
 * valid examples, exact round trips, every kind of mismatch at its pointer,
 * the limits (ticket depth, array length, int64 range) and the known
 * differences from a JSON Schema validator. Error paths run under ASan/LSan,
 * so a leak on any of them fails the test binary.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "model.h"

/* ---- helpers ------------------------------------------------------------ */

static struct spp_json_doc *load(const char *path)
{
    struct spp_json_doc *doc = NULL;
    struct spp_err err;
    enum spp_code rc = spp_json_parse_file(path, NULL, &doc, &err);
    cr_assert_eq(rc, SPP_OK, "cannot load %s: %s", path, err.msg);
    return doc;
}

static struct spp_json_doc *parse(const char *text)
{
    struct spp_json_doc *doc = NULL;
    struct spp_err err;
    enum spp_code rc = spp_json_parse(text, strlen(text), NULL, &doc, &err);
    cr_assert_eq(rc, SPP_OK, "cannot parse %s: %s", text, err.msg);
    return doc;
}

/* The valid ticket example as a tree the test owns and may change. */
static struct spp_json *valid_ticket(void)
{
    struct spp_json_doc *doc = load(SPP_TEST_DATA_DIR "/ticket_valid.json");
    struct spp_json *root = spp_json_doc_take_root(doc);
    spp_json_doc_free(doc);
    cr_assert_not_null(root);
    return root;
}

/* Follows a pointer of plain tokens ("/order/client/0") through a tree the test owns. */
static struct spp_json *mut_at(struct spp_json *root, const char *pointer)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", pointer);
    struct spp_json *cur = root;
    for (char *tok = buf[0] == '/' ? buf + 1 : buf; cur && *tok;) {
        char *slash = strchr(tok, '/');
        if (slash)
            *slash = '\0';
        if (spp_json_kind(cur) == SPP_JSON_ARRAY)
            cur = spp_json_at_mut(cur, strtoul(tok, NULL, 10));
        else
            cur = spp_json_get_mut(cur, tok);
        if (!slash)
            break;
        tok = slash + 1;
    }
    cr_assert_not_null(cur, "no %s in the example", pointer);
    return cur;
}

/* Replaces (or adds) member key of the object at parent with v. */
static void set_at(struct spp_json *root, const char *parent, const char *key, struct spp_json *v)
{
    cr_assert_not_null(v);
    cr_assert_eq(spp_json_set(mut_at(root, parent), key, v), SPP_OK);
}

static bool has_error(const struct spp_model_errors *errs, const char *pointer,
                      const char *message_part)
{
    for (size_t i = 0; i < errs->count; i++)
        if (strcmp(errs->items[i].pointer, pointer) == 0 &&
            strstr(errs->items[i].message, message_part))
            return true;
    return false;
}

static const struct spp_model_error *error_at(const struct spp_model_errors *errs,
                                              const char *pointer)
{
    for (size_t i = 0; i < errs->count; i++)
        if (strcmp(errs->items[i].pointer, pointer) == 0)
            return &errs->items[i];
    return NULL;
}

static void dump(const struct spp_model_errors *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        cr_log_info("%s: %s", errs->items[i].pointer, errs->items[i].message);
}

/* Decodes a ticket that must be rejected; returns the errors (static storage, one test at a time).
 */
static const struct spp_model_errors *ticket_errors(const struct spp_json *json)
{
    static struct spp_model_errors errs;
    struct spp_ticket *t = NULL;
    enum spp_code rc = spp_ticket_decode(json, &t, &errs);
    cr_assert_eq(rc, SPP_EINVALID, "expected SPP_EINVALID, got %s", spp_code_name(rc));
    cr_assert_null(t, "output written although decoding failed");
    cr_assert_gt(errs.count, 0);
    dump(&errs);
    return &errs;
}

/* ---- the tables against the contract ------------------------------------ */

/* The component a "$ref" names, or NULL. */
static const char *ref_name(const struct spp_json *schema)
{
    const char *ref = spp_json_string(spp_json_get(schema, "$ref"), NULL);
    static const char prefix[] = "#/components/schemas/";
    if (!ref || strncmp(ref, prefix, sizeof(prefix) - 1) != 0)
        return NULL;
    return ref + sizeof(prefix) - 1;
}

static bool is_type(const struct spp_json *schema, const char *type)
{
    const char *t = spp_json_string(spp_json_get(schema, "type"), NULL);
    return t && strcmp(t, type) == 0;
}

/* ["string", "null"] in either order, or anyOf/oneOf [{type: string}, {type: null}]. */
static bool is_nullable_string(const struct spp_json *schema)
{
    const struct spp_json *t = spp_json_get(schema, "type");
    if (spp_json_kind(t) == SPP_JSON_ARRAY && spp_json_count(t) == 2) {
        bool s = false, n = false;
        for (const struct spp_json *e = spp_json_first(t); e; e = spp_json_next(e)) {
            const char *x = spp_json_string(e, NULL);
            s |= x && strcmp(x, "string") == 0;
            n |= x && strcmp(x, "null") == 0;
        }
        return s && n;
    }
    return false;
}

/*
 * What the descriptor type of a contract property must be, and the component
 * it nests (or NULL). Fails the test on a shape the model has no type for.
 */
static enum spp_model_type classify(const struct spp_json *p, const char **nested,
                                    const char *where)
{
    *nested = NULL;
    if ((*nested = ref_name(p)))
        return SPP_MODEL_STRUCT;
    const struct spp_json *all = spp_json_get(p, "allOf");
    if (all && spp_json_count(all) == 1 && (*nested = ref_name(spp_json_at(all, 0))))
        return SPP_MODEL_STRUCT;
    const struct spp_json *any = spp_json_get(p, "anyOf");
    if (!any)
        any = spp_json_get(p, "oneOf");
    if (any && spp_json_count(any) == 2) {
        const char *r = NULL;
        bool null_branch = false;
        for (const struct spp_json *b = spp_json_first(any); b; b = spp_json_next(b)) {
            if (ref_name(b))
                r = ref_name(b);
            else if (is_type(b, "null"))
                null_branch = true;
        }
        if (r && null_branch) {
            *nested = r;
            return SPP_MODEL_STRUCT_OR_NULL;
        }
    }
    if (is_nullable_string(p))
        return SPP_MODEL_NSTRING;
    if (is_type(p, "string")) {
        const char *fmt = spp_json_string(spp_json_get(p, "format"), NULL);
        return fmt && strcmp(fmt, "date-time") == 0 ? SPP_MODEL_DATETIME : SPP_MODEL_STRING;
    }
    if (is_type(p, "integer"))
        return SPP_MODEL_INT;
    if (is_type(p, "number"))
        return SPP_MODEL_NUMBER;
    if (is_type(p, "boolean"))
        return SPP_MODEL_BOOL;
    if (is_type(p, "object")) {
        cr_expect_null(spp_json_get(p, "properties"), "%s: a free object has no properties", where);
        return SPP_MODEL_OBJECT;
    }
    if (is_type(p, "array")) {
        const struct spp_json *it = spp_json_get(p, "items");
        if ((*nested = ref_name(it)))
            return SPP_MODEL_ARRAY_STRUCT;
        if (is_type(it, "integer"))
            return SPP_MODEL_ARRAY_INT;
        if (is_type(it, "string"))
            return SPP_MODEL_ARRAY_STRING;
        if (is_type(it, "object"))
            return SPP_MODEL_ARRAY_OBJECT;
    }
    cr_assert_fail("%s: a property shape the model has no type for", where);
    return SPP_MODEL_INT;
}

static bool in_required(const struct spp_json *schema, const char *name)
{
    const struct spp_json *req = spp_json_get(schema, "required");
    for (const struct spp_json *e = spp_json_first(req); e; e = spp_json_next(e)) {
        const char *s = spp_json_string(e, NULL);
        if (s && strcmp(s, name) == 0)
            return true;
    }
    return false;
}

Test(model, tables_match_every_contract_component_field_by_field)
{
    struct spp_json_doc *doc = load(SPP_CONTRACTS_DIR "/tickets.openapi.json");
    const struct spp_json *schemas =
        spp_json_pointer(spp_json_doc_root(doc), "/components/schemas");
    cr_assert_not_null(schemas, "the contract has no components/schemas");

    /* Every descriptor against its component. */
    size_t checked_fields = 0;
    for (size_t d = 0; d < spp_model_desc_count(); d++) {
        const struct spp_model_desc *desc = spp_model_desc_at(d);
        const struct spp_json *schema = spp_json_get(schemas, desc->name);
        cr_assert_not_null(schema, "descriptor %s has no contract component", desc->name);
        cr_expect(is_type(schema, "object"), "%s is not an object schema", desc->name);
        cr_expect_neq(spp_json_kind(spp_json_get(schema, "additionalProperties")), SPP_JSON_BOOL,
                      "%s: the decoder ignores unknown properties; the schema must too",
                      desc->name);
        const struct spp_json *props = spp_json_get(schema, "properties");
        cr_assert_eq(spp_json_kind(props), SPP_JSON_OBJECT, "%s has no properties", desc->name);

        for (size_t i = 0; i < desc->nfields; i++) {
            const struct spp_model_field *f = &desc->fields[i];
            char where[160];
            snprintf(where, sizeof(where), "%s.%s", desc->name, f->name);
            const struct spp_json *p = spp_json_get(props, f->name);
            cr_expect_not_null(p, "%s: descriptor field missing from the contract", where);
            if (!p)
                continue;
            const char *nested = NULL;
            enum spp_model_type want = classify(p, &nested, where);
            cr_expect_eq(f->type, want, "%s: descriptor says %s, contract says %s", where,
                         spp_model_type_name(f->type), spp_model_type_name(want));
            cr_expect_eq(f->required, in_required(schema, f->name),
                         "%s: descriptor required=%d, contract differs", where, f->required);
            if (nested) {
                cr_expect(f->nested && strcmp(f->nested->name, nested) == 0,
                          "%s: descriptor nests %s, contract %s", where,
                          f->nested ? f->nested->name : "nothing", nested);
            } else {
                cr_expect_null(f->nested, "%s: descriptor nests a struct, contract none", where);
            }
            checked_fields++;
        }
        /* Every contract property has a descriptor field, and required names exist. */
        for (const struct spp_json *p = spp_json_first(props); p; p = spp_json_next(p))
            cr_expect_not_null(spp_model_find_field(desc, spp_json_key(p), NULL),
                               "%s.%s: contract property has no descriptor field", desc->name,
                               spp_json_key(p));
        const struct spp_json *req = spp_json_get(schema, "required");
        for (const struct spp_json *e = spp_json_first(req); e; e = spp_json_next(e))
            cr_expect_not_null(spp_json_get(props, spp_json_string(e, NULL)),
                               "%s: required %s is not a property", desc->name,
                               spp_json_string(e, NULL));
    }
    /* Every contract component has a descriptor. */
    for (const struct spp_json *s = spp_json_first(schemas); s; s = spp_json_next(s))
        cr_expect_not_null(spp_model_find_desc(spp_json_key(s)),
                           "contract component %s has no descriptor", spp_json_key(s));
    size_t all_fields = 0;
    for (size_t d = 0; d < spp_model_desc_count(); d++)
        all_fields += spp_model_desc_at(d)->nfields;
    cr_expect_eq(checked_fields, all_fields, "only %zu of %zu fields checked", checked_fields,
                 all_fields);
    cr_expect_gt(all_fields, 200, "the tables lost fields: %zu", all_fields);
    spp_json_doc_free(doc);
}

Test(model, finds_descriptors_and_fields_by_name)
{
    cr_expect_eq(spp_model_desc_count(), 16);
    cr_expect_null(spp_model_desc_at(spp_model_desc_count()));
    const struct spp_model_desc *a = spp_model_find_desc("Address");
    cr_assert_eq(a, &spp_model_address);
    cr_expect_eq(spp_model_find_desc("TicketResource"), &spp_model_ticket);
    cr_expect_null(spp_model_find_desc("Nope"));
    cr_expect_null(spp_model_find_desc(NULL));
    size_t idx = 0;
    const struct spp_model_field *f = spp_model_find_field(a, "postcode", &idx);
    cr_assert_not_null(f);
    cr_expect_eq(idx, (size_t)SPP_MODEL_F_address_postcode);
    cr_expect_eq(f->type, SPP_MODEL_STRING);
    cr_expect(f->required);
    cr_expect_null(spp_model_find_field(a, "zip", &idx));
    cr_expect_eq(idx, SIZE_MAX);
    cr_expect_str_eq(spp_model_type_name(SPP_MODEL_STRUCT_OR_NULL), "STRUCT_OR_NULL");
    cr_expect_str_eq(spp_model_diff_name(SPP_MODEL_DIFF_TICKET_DEPTH), "ticket-depth");
    cr_expect_str_eq(spp_model_diff_name(SPP_MODEL_DIFF_COUNT), "unknown");
}

Test(model, tables_recurse_only_through_the_nullable_ticket)
{
    /* The codec bounds STRUCT_OR_NULL hops only; any other cycle would be unbounded. */
    for (size_t d = 0; d < spp_model_desc_count(); d++) {
        const struct spp_model_desc *desc = spp_model_desc_at(d);
        for (size_t i = 0; i < desc->nfields; i++) {
            const struct spp_model_field *f = &desc->fields[i];
            if (f->type == SPP_MODEL_STRUCT_OR_NULL)
                cr_expect_eq(desc, &spp_model_ticket, "%s.%s", desc->name, f->name);
            if (f->type == SPP_MODEL_STRUCT || f->type == SPP_MODEL_ARRAY_STRUCT)
                cr_expect_neq(f->nested, &spp_model_ticket, "%s.%s", desc->name, f->name);
        }
    }
}

/* ---- decoding the valid examples ---------------------------------------- */

Test(model, decodes_the_valid_ticket_example_into_typed_fields)
{
    struct spp_json *root = valid_ticket();
    struct spp_model_errors errs;
    struct spp_ticket *t = NULL;
    enum spp_code rc = spp_ticket_decode(root, &t, &errs);
    dump(&errs);
    cr_assert_eq(rc, SPP_OK, "%s", spp_code_name(rc));
    cr_assert_eq(errs.total, 0);

    cr_expect_eq(t->id, 8812);
    cr_expect_str_eq(t->created_at.ptr, "2024-03-01T08:47:12+00:00");
    cr_expect_eq(t->tags.count, 2);
    cr_expect_str_eq(t->tags.items[1].ptr, "urgent");
    cr_assert_eq(t->employees.count, 2);
    const struct spp_ticket_employee *e = t->employees.items;
    cr_expect_str_eq(e[1].name_f.ptr, "Priya");
    cr_expect(SPP_MODEL_HAS(&e[1], ticket_employee, role_id));
    cr_expect(SPP_MODEL_HAS(t, ticket, messages));
    cr_expect(SPP_MODEL_HAS(t, ticket, client));
    cr_assert_not_null(t->order);
    cr_assert_not_null(t->order->client);
    cr_expect_str_eq(t->order->client->address->postcode.ptr, "97204");
    cr_expect_str_eq(t->order->client->spent.ptr, "4820.00");
    cr_expect_eq(spp_json_kind(t->form_data), SPP_JSON_OBJECT);
    /* The nested copy: depth 2, ending with "ticket": null. */
    cr_assert_not_null(t->ticket);
    cr_expect_eq(t->ticket->ticket, NULL);
    cr_expect_eq(t->ticket->id, t->id);
    spp_ticket_free(t);
    spp_json_free(root);
}

Test(model, round_trips_the_valid_ticket_to_equal_json_and_equal_structs)
{
    struct spp_json *root = valid_ticket();
    struct spp_ticket *a = NULL, *b = NULL;
    cr_assert_eq(spp_ticket_decode(root, &a, NULL), SPP_OK);
    struct spp_err err;
    struct spp_json *enc = spp_ticket_encode(a, &err);
    cr_assert_not_null(enc, "%s at %s", err.msg, err.where);
    cr_expect(spp_json_equal(root, enc), "encode(decode(x)) != x");
    cr_assert_eq(spp_ticket_decode(enc, &b, NULL), SPP_OK);
    cr_expect(spp_model_equal(&spp_model_ticket, a, b));
    /* Equality can fail: change one deep value. */
    b->order->client->address->postcode.ptr[0] ^= 1;
    cr_expect_not(spp_model_equal(&spp_model_ticket, a, b));

    /* Fields come out in table order. */
    const struct spp_json *first = spp_json_first(enc);
    cr_expect_str_eq(spp_json_key(first), "id");
    spp_ticket_free(a);
    spp_ticket_free(b);
    spp_json_free(enc);
    spp_json_free(root);
}

Test(model, ignores_unknown_properties_like_the_schema)
{
    struct spp_json *root = valid_ticket();
    set_at(root, "/order/client/address", "planet", spp_json_new_string("Mars"));
    struct spp_ticket *t = NULL;
    cr_expect_eq(spp_ticket_decode(root, &t, NULL), SPP_OK);
    spp_ticket_free(t);
    spp_json_free(root);
}

/* ---- mismatches, each at its pointer ------------------------------------ */

Test(model, reports_a_missing_required_property_at_its_pointer)
{
    struct spp_json *root = valid_ticket();
    cr_assert(spp_json_remove(mut_at(root, "/order/client/address"), "postcode"));
    const struct spp_model_errors *errs = ticket_errors(root);
    cr_expect(has_error(errs, "/order/client/address/postcode", "missing required property"));
    cr_expect_eq(errs->total, 1);
    cr_expect_eq(errs->items[0].diff, SPP_MODEL_DIFF_NONE);
    cr_expect_not(spp_model_errors_only_known(errs, SPP_MODEL_DIFFS_ALL));
    spp_json_free(root);
}

Test(model, collects_every_mismatch_in_one_pass)
{
    struct spp_json *root = valid_ticket();
    set_at(root, "", "id", spp_json_new_string("8812"));
    set_at(root, "/order", "price", spp_json_new_string("100"));
    set_at(root, "/messages/1", "staff_only", spp_json_new_number(0));
    set_at(root, "/order/invoice/items/0", "options", spp_json_new_array());
    set_at(root, "", "tags", spp_json_new_string("design"));
    cr_assert(spp_json_remove(root, "order_id"));
    set_at(root, "", "employees", spp_json_new_array());
    cr_assert_eq(spp_json_append(mut_at(root, "/employees"), spp_json_new_number(5)), SPP_OK);
    const struct spp_model_errors *errs = ticket_errors(root);
    cr_expect(has_error(errs, "/id", "expected integer, got string"));
    cr_expect(has_error(errs, "/order/price", "expected number, got string"));
    cr_expect(has_error(errs, "/messages/1/staff_only", "expected boolean, got number"));
    cr_expect(has_error(errs, "/order/invoice/items/0/options", "expected object, got array"));
    cr_expect(has_error(errs, "/tags", "expected array, got string"));
    cr_expect(has_error(errs, "/order_id", "missing required property"));
    cr_expect(has_error(errs, "/employees/0", "expected object, got number"));
    cr_expect_eq(errs->total, 7);
    spp_json_free(root);
}

Test(model, rejects_a_fraction_where_an_integer_is_required_but_accepts_1_0)
{
    struct spp_json *root = valid_ticket();
    set_at(root, "/order", "quantity", spp_json_new_number(1.5));
    set_at(root, "/order/client/role", "forms", spp_json_new_number(3.0));
    const struct spp_model_errors *errs = ticket_errors(root);
    cr_expect(has_error(errs, "/order/quantity", "fractional"));
    cr_expect(has_error(errs, "/order/quantity", "expected integer"));
    cr_expect_null(error_at(errs, "/order/client/role/forms"));
    cr_expect_eq(errs->total, 1);
    spp_json_free(root);
}

Test(model, rejects_null_where_the_contract_does_not_allow_it)
{
    struct spp_json *root = valid_ticket();
    set_at(root, "", "subject", spp_json_new_null());
    set_at(root, "/order", "client", spp_json_new_null());
    set_at(root, "/messages/0", "files", spp_json_new_null());
    set_at(root, "/order/invoice", "recurring", spp_json_new_null());
    set_at(root, "/order/invoice", "created_at", spp_json_new_null());
    const struct spp_model_errors *errs = ticket_errors(root);
    cr_expect(has_error(errs, "/subject", "expected string, got null"));
    cr_expect(has_error(errs, "/order/client", "expected object, got null"));
    cr_expect(has_error(errs, "/messages/0/files", "expected array, got null"));
    cr_expect(has_error(errs, "/order/invoice/recurring", "expected object, got null"));
    cr_expect(has_error(errs, "/order/invoice/created_at", "expected string, got null"));
    spp_json_free(root);
}

Test(model, accepts_null_where_the_contract_allows_it_and_keeps_it)
{
    struct spp_json *root = valid_ticket();
    set_at(root, "/order/client", "spent", spp_json_new_null());
    set_at(root, "", "ticket", spp_json_new_null());
    struct spp_ticket *t = NULL;
    cr_assert_eq(spp_ticket_decode(root, &t, NULL), SPP_OK);
    cr_expect_null(t->order->client->spent.ptr);
    cr_expect(SPP_MODEL_HAS(t->order->client, user, spent));
    cr_expect_null(t->ticket);
    struct spp_json *enc = spp_ticket_encode(t, NULL);
    cr_assert_not_null(enc);
    cr_expect_eq(spp_json_kind(spp_json_pointer(enc, "/order/client/spent")), SPP_JSON_NULL);
    cr_expect_eq(spp_json_kind(spp_json_get(enc, "ticket")), SPP_JSON_NULL);
    cr_expect(spp_json_equal(root, enc));
    spp_json_free(enc);
    spp_ticket_free(t);
    spp_json_free(root);

    /* Links: prev and next are string-or-null, first and last are not. */
    struct spp_json_doc *doc =
        parse("{\"first\":\"a\",\"last\":null,\"prev\":null,\"next\":\"b\"}");
    struct spp_links links;
    struct spp_model_errors errs;
    cr_expect_eq(spp_model_decode(&spp_model_links, spp_json_doc_root(doc), &links, &errs),
                 SPP_EINVALID);
    cr_expect_eq(errs.total, 1);
    cr_expect(has_error(&errs, "/last", "expected string, got null"));
    spp_json_doc_free(doc);
    doc = parse("{\"first\":\"a\",\"last\":\"c\",\"prev\":null,\"next\":7}");
    cr_expect_eq(spp_model_decode(&spp_model_links, spp_json_doc_root(doc), &links, &errs),
                 SPP_EINVALID);
    cr_expect(has_error(&errs, "/next", "expected string or null, got number"));
    spp_json_doc_free(doc);
}

Test(model, rejects_a_bad_date_time_as_a_format_difference)
{
    struct spp_json *root = valid_ticket();
    set_at(root, "/order/invoice", "date_due", spp_json_new_string("2021-01-01T00:00:00+00"));
    set_at(root, "", "updated_at", spp_json_new_string("2021-13-01T00:00:00Z"));
    const struct spp_model_errors *errs = ticket_errors(root);
    cr_expect(has_error(errs, "/order/invoice/date_due", "RFC 3339"));
    cr_expect(has_error(errs, "/updated_at", "RFC 3339"));
    cr_expect_eq(errs->total, 2);
    cr_expect_eq(errs->by_diff[SPP_MODEL_DIFF_FORMAT], 2);
    /* A validator with format as an annotation may accept it; one that asserts format may not. */
    cr_expect(spp_model_errors_only_known(errs, SPP_MODEL_DIFFS_ALL));
    cr_expect_not(spp_model_errors_only_known(errs, SPP_MODEL_DIFFS_FORMAT_ASSERTED));
    spp_json_free(root);
}

Test(model, reports_an_error_at_the_root_when_it_is_not_an_object)
{
    struct spp_json_doc *doc = parse("[1,2]");
    const struct spp_model_errors *errs = ticket_errors(spp_json_doc_root(doc));
    cr_expect(has_error(errs, "", "expected object, got array"));
    cr_expect_eq(errs->total, 1);
    spp_json_doc_free(doc);
    const struct spp_model_errors *none = ticket_errors(NULL);
    cr_expect_eq(none->total, 1);
}

Test(model, records_at_most_the_cap_but_counts_every_error)
{
    /* A Role whose 36 fields are all of the wrong kind. */
    struct spp_json *role = spp_json_new_object();
    cr_assert_not_null(role);
    for (size_t i = 0; i < spp_model_role.nfields; i++)
        cr_assert_eq(spp_json_set(role, spp_model_role.fields[i].name, spp_json_new_array()),
                     SPP_OK);
    struct spp_role out;
    struct spp_model_errors errs;
    cr_assert_eq(spp_model_decode(&spp_model_role, role, &out, &errs), SPP_EINVALID);
    cr_expect_eq(errs.count, SPP_MODEL_MAX_ERRORS);
    cr_expect_eq(errs.total, spp_model_role.nfields);
    cr_expect_eq(errs.by_diff[SPP_MODEL_DIFF_NONE], spp_model_role.nfields);
    cr_expect_str_eq(errs.items[0].pointer, "/id");
    spp_json_free(role);
}

/* ---- limits ------------------------------------------------------------- */

/* A chain of n tickets (levels 1..n), the innermost ending with "ticket": null. */
static struct spp_json *ticket_chain(size_t n)
{
    struct spp_json *base = valid_ticket();
    cr_assert(spp_json_remove(base, "ticket"));
    /* Keep each level small: drop the optional heavy parts. */
    cr_assert(spp_json_remove(mut_at(base, "/order"), "invoice"));
    cr_assert(spp_json_remove(mut_at(base, "/order"), "subscription"));
    struct spp_json *cur = spp_json_new_null();
    for (size_t i = 0; i < n; i++) {
        struct spp_json *t = spp_json_clone(base);
        cr_assert_not_null(t);
        cr_assert_eq(spp_json_set(t, "ticket", cur), SPP_OK);
        cur = t;
    }
    spp_json_free(base);
    return cur;
}

Test(model, decodes_and_encodes_a_ticket_chain_at_the_depth_limit)
{
    struct spp_json *chain = ticket_chain(SPP_MODEL_MAX_TICKET_DEPTH);
    struct spp_ticket *t = NULL;
    struct spp_model_errors errs;
    enum spp_code rc = spp_ticket_decode(chain, &t, &errs);
    dump(&errs);
    cr_assert_eq(rc, SPP_OK);
    size_t levels = 0;
    for (const struct spp_ticket *p = t; p; p = p->ticket)
        levels++;
    cr_expect_eq(levels, SPP_MODEL_MAX_TICKET_DEPTH);
    struct spp_json *enc = spp_ticket_encode(t, NULL);
    cr_assert_not_null(enc);
    cr_expect(spp_json_equal(chain, enc));
    spp_json_free(enc);

    /* A hand-made chain one level deeper cannot be encoded. */
    struct spp_ticket *deepest = t;
    while (deepest->ticket)
        deepest = deepest->ticket;
    struct spp_ticket extra;
    memcpy(&extra, t->ticket, sizeof(extra)); /* borrowed contents; never freed through extra */
    extra.ticket = NULL;
    deepest->ticket = &extra;
    struct spp_err err;
    cr_expect_null(spp_ticket_encode(t, &err));
    cr_expect_eq(err.code, SPP_ELIMIT);
    deepest->ticket = NULL;
    spp_ticket_free(t);
    spp_json_free(chain);
}

Test(model, rejects_a_ticket_chain_deeper_than_the_limit_at_its_pointer)
{
    struct spp_json *chain = ticket_chain(SPP_MODEL_MAX_TICKET_DEPTH + 3);
    const struct spp_model_errors *errs = ticket_errors(chain);
    char want[SPP_MODEL_POINTER_MAX];
    size_t len = 0;
    for (size_t i = 0; i < SPP_MODEL_MAX_TICKET_DEPTH; i++)
        len += (size_t)snprintf(want + len, sizeof(want) - len, "/ticket");
    cr_expect_eq(errs->total, 1);
    cr_expect_str_eq(errs->items[0].pointer, want);
    cr_expect(strstr(errs->items[0].message, "deeper than 64"));
    cr_expect_eq(errs->items[0].diff, SPP_MODEL_DIFF_TICKET_DEPTH);
    cr_expect(spp_model_errors_only_known(errs, SPP_MODEL_DIFFS_ALL));
    spp_json_free(chain);
}

Test(model, rejects_an_array_longer_than_the_limit_and_accepts_one_at_it)
{
    struct spp_json_doc *doc = parse("{}");
    struct spp_json *req = spp_json_doc_take_root(doc);
    spp_json_doc_free(doc);
    struct spp_json *tags = spp_json_new_array();
    struct spp_json *emps = spp_json_new_array();
    for (size_t i = 0; i < SPP_MODEL_MAX_ITEMS; i++) {
        cr_assert_eq(spp_json_append(tags, spp_json_new_string("t")), SPP_OK);
        cr_assert_eq(spp_json_append(emps, spp_json_new_number((double)i)), SPP_OK);
    }
    cr_assert_eq(spp_json_set(req, "tags", tags), SPP_OK);
    cr_assert_eq(spp_json_set(req, "employees", emps), SPP_OK);
    struct spp_save_ticket_request *r = NULL;
    cr_assert_eq(spp_save_ticket_request_decode(req, &r, NULL), SPP_OK);
    cr_expect_eq(r->employees.count, SPP_MODEL_MAX_ITEMS);
    cr_expect_eq(r->employees.items[SPP_MODEL_MAX_ITEMS - 1], SPP_MODEL_MAX_ITEMS - 1);
    spp_save_ticket_request_free(r);

    cr_assert_eq(spp_json_append(tags, spp_json_new_string("one too many")), SPP_OK);
    struct spp_model_errors errs;
    r = NULL;
    cr_assert_eq(spp_save_ticket_request_decode(req, &r, &errs), SPP_EINVALID);
    cr_expect_null(r);
    cr_expect_eq(errs.total, 1);
    cr_expect(has_error(&errs, "/tags", "longer than the limit"));
    cr_expect_eq(errs.items[0].diff, SPP_MODEL_DIFF_ARRAY_LIMIT);
    spp_json_free(req);
}

Test(model, rejects_integers_outside_int64_as_a_known_difference)
{
    struct spp_json_doc *doc = parse("{\"status\": 9223372036854775807}"); /* rounds to 2^63 */
    struct spp_save_ticket_request *r = NULL;
    struct spp_model_errors errs;
    cr_expect_eq(spp_save_ticket_request_decode(spp_json_doc_root(doc), &r, &errs), SPP_EINVALID);
    cr_expect(has_error(&errs, "/status", "int64"));
    cr_expect_eq(errs.items[0].diff, SPP_MODEL_DIFF_INT_RANGE);
    cr_expect(spp_model_known_difference(doc, &errs, SPP_MODEL_DIFFS_ALL));
    spp_json_doc_free(doc);

    doc = parse("{\"status\": -9223372036854775808, \"employees\": [9007199254740992]}");
    cr_assert_eq(spp_save_ticket_request_decode(spp_json_doc_root(doc), &r, &errs), SPP_OK);
    cr_expect_eq(r->status, INT64_MIN);
    cr_expect_eq(r->employees.items[0], INT64_C(9007199254740992));
    spp_save_ticket_request_free(r);
    spp_json_doc_free(doc);
}

Test(model, rejects_a_number_that_overflows_a_double)
{
    struct spp_json_doc *doc = parse("{\"user_id\": 1e999, \"rating\": -1e999}");
    struct spp_rating out;
    struct spp_model_errors errs;
    cr_expect_eq(spp_model_decode(&spp_model_rating, spp_json_doc_root(doc), &out, &errs),
                 SPP_EINVALID);
    cr_expect_eq(errs.total, 2);
    cr_expect_eq(errs.by_diff[SPP_MODEL_DIFF_NON_FINITE], 2);
    spp_json_doc_free(doc);
}

/* ---- SaveTicketRequest -------------------------------------------------- */

Test(model, round_trips_the_valid_save_ticket_request)
{
    struct spp_json_doc *doc = load(SPP_TEST_DATA_DIR "/save_ticket_valid.json");
    struct spp_save_ticket_request *a = NULL, *b = NULL;
    cr_assert_eq(spp_save_ticket_request_decode(spp_json_doc_root(doc), &a, NULL), SPP_OK);
    cr_expect_eq(a->status, 2);
    cr_expect_eq(a->employees.count, 2);
    cr_expect_str_eq(a->order.ptr, "7712");
    cr_expect_str_eq(a->metadata.items[0].ptr, "crm_id=NW-2291");
    struct spp_json *enc = spp_save_ticket_request_encode(a, NULL);
    cr_assert_not_null(enc);
    cr_expect(spp_json_equal(spp_json_doc_root(doc), enc));
    cr_assert_eq(spp_save_ticket_request_decode(enc, &b, NULL), SPP_OK);
    cr_expect(spp_model_equal(&spp_model_save_ticket_request, a, b));
    spp_save_ticket_request_free(a);
    spp_save_ticket_request_free(b);
    spp_json_free(enc);
    spp_json_doc_free(doc);
}

Test(model, keeps_absent_request_fields_absent_through_a_round_trip)
{
    struct spp_json_doc *doc = parse("{\"subject\":\"\",\"employees\":[]}");
    struct spp_save_ticket_request *r = NULL;
    cr_assert_eq(spp_save_ticket_request_decode(spp_json_doc_root(doc), &r, NULL), SPP_OK);
    cr_expect(SPP_MODEL_HAS(r, save_ticket_request, subject));
    cr_expect(SPP_MODEL_HAS(r, save_ticket_request, employees));
    cr_expect_not(SPP_MODEL_HAS(r, save_ticket_request, status));
    cr_expect_not(SPP_MODEL_HAS(r, save_ticket_request, tags));
    cr_expect_str_eq(r->subject.ptr, "");
    struct spp_json *enc = spp_save_ticket_request_encode(r, NULL);
    cr_assert_not_null(enc);
    cr_expect_eq(spp_json_count(enc), 2);
    cr_expect_null(spp_json_get(enc, "status"));
    cr_expect(spp_json_equal(spp_json_doc_root(doc), enc));
    /* Setting a bit by hand makes the encoder write the field. */
    r->status = 4;
    SPP_MODEL_SET_PRESENT(r, save_ticket_request, status);
    struct spp_json *enc2 = spp_save_ticket_request_encode(r, NULL);
    cr_expect_eq(spp_json_number(spp_json_get(enc2, "status")), 4.0);
    spp_json_free(enc2);
    spp_json_free(enc);
    spp_save_ticket_request_free(r);
    spp_json_doc_free(doc);

    doc = parse("{}");
    cr_assert_eq(spp_save_ticket_request_decode(spp_json_doc_root(doc), &r, NULL), SPP_OK);
    cr_expect_eq(r->present, 0);
    enc = spp_save_ticket_request_encode(r, NULL);
    cr_expect_eq(spp_json_count(enc), 0);
    cr_expect_eq(spp_json_kind(enc), SPP_JSON_OBJECT);
    spp_json_free(enc);
    spp_save_ticket_request_free(r);
    spp_json_doc_free(doc);
}

Test(model, reports_request_item_mismatches_at_their_index)
{
    struct spp_json_doc *doc =
        parse("{\"status\":\"1\",\"employees\":[1,\"x\",2.5],"
              "\"tags\":[\"a\",3],\"metadata\":{\"k\":\"v\"},\"order\":123}");
    struct spp_save_ticket_request *r = NULL;
    struct spp_model_errors errs;
    cr_assert_eq(spp_save_ticket_request_decode(spp_json_doc_root(doc), &r, &errs), SPP_EINVALID);
    dump(&errs);
    cr_expect(has_error(&errs, "/status", "expected integer, got string"));
    cr_expect(has_error(&errs, "/employees/1", "expected integer, got string"));
    cr_expect(has_error(&errs, "/employees/2", "fractional"));
    cr_expect(has_error(&errs, "/tags/1", "expected string, got number"));
    cr_expect(has_error(&errs, "/metadata", "expected array, got object"));
    cr_expect(has_error(&errs, "/order", "expected string, got number"));
    cr_expect_eq(errs.total, 6);
    cr_expect_null(r);
    spp_json_doc_free(doc);
}

/* ---- encoder contract and known differences ----------------------------- */

Test(model, refuses_to_encode_a_null_required_string_and_names_it)
{
    struct spp_address a;
    memset(&a, 0, sizeof(a));
    struct spp_err err;
    cr_expect_null(spp_model_encode(&spp_model_address, &a, &err));
    cr_expect_eq(err.code, SPP_EINVAL);
    cr_expect_str_eq(err.where, "/line_1");
    cr_expect_null(spp_model_encode(NULL, &a, NULL));
    cr_expect_eq(spp_model_decode(NULL, NULL, &a, NULL), SPP_EINVAL);
    spp_model_free(&spp_model_address, NULL);
    spp_ticket_free(NULL);
    spp_save_ticket_request_free(NULL);
}

Test(model, treats_duplicate_keys_as_a_known_difference_either_way)
{
    struct spp_json_doc *doc = parse("{\"status\": 1, \"status\": \"x\"}");
    struct spp_save_ticket_request *r = NULL;
    struct spp_model_errors errs;
    /* The decoder judges the first member only. */
    cr_assert_eq(spp_save_ticket_request_decode(spp_json_doc_root(doc), &r, &errs), SPP_OK);
    cr_expect(spp_model_doc_may_differ(doc, SPP_MODEL_DIFFS_ALL));
    cr_expect(spp_model_known_difference(doc, &errs, SPP_MODEL_DIFFS_ALL));
    cr_expect_not(spp_model_known_difference(
        doc, &errs, SPP_MODEL_DIFFS_ALL & ~SPP_MODEL_DIFF_BIT(SPP_MODEL_DIFF_DUPLICATE_KEY)));
    spp_save_ticket_request_free(r);
    spp_json_doc_free(doc);

    doc = parse("{\"status\": 1}");
    cr_expect_not(spp_model_doc_may_differ(doc, SPP_MODEL_DIFFS_ALL));
    cr_expect_not(spp_model_known_difference(doc, NULL, SPP_MODEL_DIFFS_ALL));
    spp_json_doc_free(doc);
}

Test(model, frees_partial_work_when_the_last_field_is_wrong)
{
    /* Everything before metadata is decoded (allocated) first; LSan checks it is all freed. */
    struct spp_json *root = valid_ticket();
    set_at(root, "", "metadata", spp_json_new_string("not an object"));
    const struct spp_model_errors *errs = ticket_errors(root);
    cr_expect(has_error(errs, "/metadata", "expected object, got string"));
    cr_expect_eq(errs->total, 1);
    spp_json_free(root);
}

/* Found by fuzz/fuzz_response (corpus/fuzz_response/overflow-in-free-form-object.json): 1e999
 * inside a free-form object was kept as infinity and encoded as null, so decode -> encode ->
 * decode changed the ticket. */
Test(model, rejects_a_number_that_overflows_a_double_inside_a_free_form_object)
{
    struct spp_json_doc *doc = parse("{\"deep\": {\"list\": [1, 1e999]}}");
    struct spp_json *root = valid_ticket();
    set_at(root, "", "form_data", spp_json_clone(spp_json_doc_root(doc)));
    const struct spp_model_errors *errs = ticket_errors(root);
    cr_expect(has_error(errs, "/form_data", "overflows a double"));
    cr_expect_eq(errs->total, 1);
    cr_expect(spp_model_errors_only_known(errs, SPP_MODEL_DIFFS_FORMAT_ASSERTED));
    spp_json_free(root);
    spp_json_doc_free(doc);
}
