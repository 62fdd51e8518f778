/*
 * fuzz_schema — bytes as a JSON Schema: load, compile, validate fixed instances.
 *
 * Options come from the input (its length picks format assertion and OpenAPI
 * 3.0 nullable), so every input is used rather than rejected.
 *
 * Invariants:
 *   1. Never a crash, hang or leak (the sanitizers and the engine's timeout);
 *      the json module's reader reads what cJSON reads (spp_fuzz_check_reader).
 *   2. The validator's fast path (spp_schema_is_valid) and its full
 *      validation give the same verdict for every instance.
 *   3. Metamorphic: for every instance, S, {"allOf":[S]} and {"not":{"not":S}}
 *      give the same verdict, and compile or fail to compile together.
 *
 * The choice for 3: embedding S one or two levels down changes what "$ref",
 * "$id", "$anchor" and "$dynamic*" mean ("#/properties/a" now points
 * elsewhere; a root "$id" is no longer the document's base), so the
 * invariant is checked only for schemas with no key starting with "$" other
 * than "$defs" and "$comment" anywhere in the document (conservative: a "$"
 * property name or const value also opts out), and only when S is at least a
 * few levels shallower than the depth limits, so the wrapper's extra levels
 * cannot be what fails. Verdicts cut short by a limit (SPP_ELIMIT) are not
 * compared.
 */
#include <string.h>

#include "fuzz_common.h"
#include "json.h"
#include "schema.h"

/* Instances every schema is tried on: each JSON type, edge numbers, formats, nesting. */
static const char instances_json[] =
    "[null, true, false, 0, 1, -1, 1.5, 1e300, \"\", \"a\", \"2024-03-05T10:00:00Z\","
    " \"x@example.com\", [], [1, 2, 2], [\"a\", {\"b\": null}], {}, {\"a\": 1},"
    " {\"a\": \"x\", \"b\": [1, {}], \"c\": {\"d\": true}}]";

/* Wrappers add at most 2 levels; stay this far from the 512 limits of json and schema. */
#define SAFE_DEPTH 500

static const struct spp_json *instances(void)
{
    static struct spp_json_doc *doc; /* parsed once for the process */
    if (!doc) {
        struct spp_err err;
        enum spp_code rc =
            spp_json_parse(instances_json, sizeof(instances_json) - 1, NULL, &doc, &err);
        SPP_FUZZ_CHECK(rc == SPP_OK, "instances: %s", err.msg);
    }
    return spp_json_doc_root(doc);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)instances();
    return 0;
}

/* Deepest nesting of n, and whether it has a key that embedding would re-resolve. */
static void scan(const struct spp_json *n, size_t level, size_t *depth, bool *resolves)
{
    if (level > *depth)
        *depth = level;
    for (const struct spp_json *m = spp_json_first(n); m; m = spp_json_next(m)) {
        const char *key = spp_json_key(m);
        if (key && key[0] == '$' && strcmp(key, "$defs") != 0 && strcmp(key, "$comment") != 0)
            *resolves = true;
        scan(m, level + 1, depth, resolves);
    }
}

/*
 * Compiles {"allOf":[S]} (all_of) or {"not":{"not":S}} into *out, S being s (a free-standing
 * tree: the input's taken root). The compiler clones the document it is given, so S is lent
 * to the wrapper rather than copied into it: the wrapper is built around a null, s is swapped
 * in for the compile and detached again, unchanged. Neither step allocates, so one failing is
 * a json module bug and traps. SPP_ENOMEM when the wrapper cannot be built, else what
 * spp_schema_compile says.
 */
static enum spp_code compile_wrapped(struct spp_json *s, bool all_of,
                                     const struct spp_schema_options *opt, struct spp_schema **out,
                                     struct spp_err *err)
{
    struct spp_json *outer = spp_json_new_object();
    struct spp_json *inner = all_of ? spp_json_new_array() : spp_json_new_object();
    enum spp_code rc = SPP_ENOMEM;
    if (!outer || !inner) {
        spp_json_free(inner);
        goto out;
    }
    rc = all_of ? spp_json_append(inner, spp_json_new_null())
                : spp_json_set(inner, "not", spp_json_new_null());
    if (rc != SPP_OK) {
        spp_json_free(inner);
        goto out;
    }
    rc = spp_json_set(outer, all_of ? "allOf" : "not", inner); /* takes inner in every case */
    if (rc != SPP_OK)
        goto out;
    struct spp_json *hole = spp_json_swap_child(inner, spp_json_first_mut(inner), s);
    SPP_FUZZ_CHECK(hole != NULL, "cannot put S into its %s wrapper", all_of ? "allOf" : "not");
    spp_json_free(hole);
    rc = spp_schema_compile(outer, NULL, opt, out, err);
    struct spp_json *back = spp_json_detach_child(inner, s);
    SPP_FUZZ_CHECK(back == s, "cannot take S back from its %s wrapper", all_of ? "allOf" : "not");
out:
    spp_json_free(outer);
    return rc;
}

/* 1 valid, 0 invalid, -1 no verdict (a limit or out of memory). Also checks invariant 2. */
static int verdict(const struct spp_schema *s, const struct spp_json *instance)
{
    struct spp_schema_result res;
    enum spp_code rc = spp_schema_validate(s, NULL, instance, &res);
    int v = rc == SPP_OK ? 1 : rc == SPP_EINVALID ? 0 : -1;
    if (v >= 0) {
        bool fast = spp_schema_is_valid(s, NULL, instance);
        SPP_FUZZ_CHECK(fast == (v == 1), "fast path says %s, full validation %s (%s)",
                       fast ? "valid" : "invalid", v ? "valid" : "invalid",
                       res.count ? res.errors[0].message : "no error");
    }
    SPP_FUZZ_CHECK(rc != SPP_EINVAL, "validate refused its arguments");
    spp_schema_result_free(&res);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct spp_json *inst = instances();
    struct spp_json_doc *doc = NULL;
    struct spp_json *root = NULL;
    struct spp_schema *s = NULL, *sa = NULL, *sn = NULL;
    struct spp_schema_options opt;
    struct spp_err err;
    size_t depth = 0;
    bool resolves = false;

    if (spp_json_parse((const char *)data, size, NULL, &doc, &err) != SPP_OK) {
        spp_fuzz_stats_note(false, false);
        return 0;
    }
    spp_fuzz_check_reader(data, size, doc);
    root = spp_json_doc_take_root(doc); /* mutable: lent to the wrappers below */
    spp_schema_options_init(&opt);
    opt.format_assertion = (size & 1u) == 0;
    opt.openapi30_nullable = (size & 2u) != 0;
    opt.max_errors = 4; /* a fuzzed schema can fail everywhere; keep the run fast */

    enum spp_code rc = spp_schema_compile(root, NULL, &opt, &s, &err);
    spp_fuzz_stats_note(true, rc == SPP_OK);
    scan(root, 1, &depth, &resolves);
    bool metamorphic = !resolves && depth < SAFE_DEPTH;
    if (metamorphic) {
        enum spp_code ra = compile_wrapped(root, true, &opt, &sa, &err);
        enum spp_code rn = compile_wrapped(root, false, &opt, &sn, &err);
        if (rc != SPP_ENOMEM && ra != SPP_ENOMEM && rn != SPP_ENOMEM)
            SPP_FUZZ_CHECK((rc == SPP_OK) == (ra == SPP_OK) && (ra == SPP_OK) == (rn == SPP_OK),
                           "S compiles: %d, allOf[S]: %d, not not S: %d (%s)", rc == SPP_OK,
                           ra == SPP_OK, rn == SPP_OK, err.msg);
    }
    if (rc != SPP_OK)
        goto out;
    size_t i = 0;
    for (const struct spp_json *x = spp_json_first(inst); x; x = spp_json_next(x), i++) {
        int v = verdict(s, x);
        if (!sa || !sn)
            continue;
        int va = verdict(sa, x);
        int vn = verdict(sn, x);
        if (v >= 0 && va >= 0)
            SPP_FUZZ_CHECK(v == va, "instance %zu: S says %d, allOf[S] says %d", i, v, va);
        if (v >= 0 && vn >= 0)
            SPP_FUZZ_CHECK(v == vn, "instance %zu: S says %d, not not S says %d", i, v, vn);
    }
out:
    spp_schema_free(sn);
    spp_schema_free(sa);
    spp_schema_free(s);
    spp_json_free(root);
    spp_json_doc_free(doc);
    return 0;
}
