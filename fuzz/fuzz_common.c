/*
 * fuzz_common — the contract compiled once, invariant failure, statistics.
 * See fuzz_common.h.
 */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "model.h"

void spp_fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n==spp-fuzz== invariant broken at %s:%d: %s\n==spp-fuzz== ", file, line,
            cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    __builtin_trap();
}

const struct spp_fuzz_contract *spp_fuzz_contract(void)
{
    /* Process-wide on purpose: compiled once, shared by every input of the run. */
    static struct spp_fuzz_contract c;
    static bool loaded;
    struct spp_json_doc *doc = NULL;
    struct spp_schema_options opt;
    struct spp_err err;
    enum spp_code rc;

    if (loaded)
        return &c;
    rc = spp_json_parse((const char *)spp_fuzz_contract_json, spp_fuzz_contract_json_len, NULL,
                        &doc, &err);
    SPP_FUZZ_CHECK(rc == SPP_OK, "embedded contract: %s", err.msg);
    spp_schema_options_init(&opt);
    opt.format_assertion = true;
    rc = spp_schema_load(spp_json_doc_root(doc), "tickets.openapi.json", &opt, &c.schemas, &err);
    spp_json_doc_free(doc);
    SPP_FUZZ_CHECK(rc == SPP_OK, "contract load: %s", err.msg);
    rc = spp_schema_at(c.schemas, "/components/schemas/TicketResource", &c.ticket, &err);
    SPP_FUZZ_CHECK(rc == SPP_OK, "TicketResource: %s", err.msg);
    rc = spp_schema_at(c.schemas, "/components/schemas/SaveTicketRequest", &c.request, &err);
    SPP_FUZZ_CHECK(rc == SPP_OK, "SaveTicketRequest: %s", err.msg);
    loaded = true;
    return &c;
}

/* Counters for SPP_FUZZ_STATS; process-wide like the contract. */
static struct {
    int enabled; /* 0 not asked yet, 1 on, -1 off */
    unsigned long long inputs, json_ok, schema_ok;
} stats;

static void stats_print(void)
{
    double n = stats.inputs ? (double)stats.inputs : 1.0;
    fprintf(stderr,
            "==spp-fuzz-stats== inputs: %llu valid-json: %llu (%.1f%%) schema-valid: %llu "
            "(%.1f%%)\n",
            stats.inputs, stats.json_ok, 100.0 * (double)stats.json_ok / n, stats.schema_ok,
            100.0 * (double)stats.schema_ok / n);
}

void spp_fuzz_stats_note(bool json_ok, bool schema_ok)
{
    if (stats.enabled == 0) {
        const char *v = getenv("SPP_FUZZ_STATS");
        stats.enabled = v && *v && *v != '0' ? 1 : -1;
        if (stats.enabled > 0)
            atexit(stats_print);
    }
    if (stats.enabled < 0)
        return;
    stats.inputs++;
    stats.json_ok += json_ok;
    stats.schema_ok += schema_ok;
}

void spp_fuzz_check_round_trip(const struct spp_fuzz_contract *c, const struct spp_model_desc *desc,
                               const struct spp_schema_node *node, const void *obj)
{
    struct spp_err err;
    struct spp_json *enc = spp_model_encode(desc, obj, &err);
    struct spp_json_doc *doc2 = NULL;
    void *obj2 = NULL;
    struct spp_json *enc2 = NULL;
    struct spp_model_errors errs;
    char *text = NULL;
    size_t len = 0;

    if (!enc && err.code == SPP_ENOMEM)
        return;
    SPP_FUZZ_CHECK(enc != NULL, "encode of a decoded %s failed: %s at %s", desc->name, err.msg,
                   err.where);
    SPP_FUZZ_CHECK(spp_schema_is_valid(c->schemas, node, enc),
                   "the validator rejects what the encoder wrote (%s)", desc->name);
    text = spp_json_print(enc, false, &len);
    if (!text || !(obj2 = calloc(1, desc->size)))
        goto out;
    enum spp_code rc = spp_json_parse(text, len, NULL, &doc2, &err);
    SPP_FUZZ_CHECK(rc == SPP_OK, "encoded %s does not parse: %s", desc->name, err.msg);
    rc = spp_model_decode(desc, spp_json_doc_root(doc2), obj2, &errs);
    if (rc == SPP_ENOMEM)
        goto out;
    SPP_FUZZ_CHECK(rc == SPP_OK, "decode of the encoded %s failed: %s at %s", desc->name,
                   errs.count ? errs.items[0].message : "?",
                   errs.count ? errs.items[0].pointer : "");
    SPP_FUZZ_CHECK(spp_model_equal(desc, obj, obj2), "decode(encode(x)) != x for %s: %.200s",
                   desc->name, text);
    enc2 = spp_model_encode(desc, obj2, &err);
    SPP_FUZZ_CHECK(enc2 != NULL || err.code == SPP_ENOMEM, "second encode failed: %s", err.msg);
    if (enc2)
        SPP_FUZZ_CHECK(spp_json_equal(enc, enc2), "encode(decode(encode(x))) != encode(x) for %s",
                       desc->name);
out:
    spp_json_free(enc2);
    if (obj2)
        spp_model_free(desc, obj2);
    free(obj2);
    spp_json_doc_free(doc2);
    free(text);
    spp_json_free(enc);
}

void spp_fuzz_check_agreement(const struct spp_json_doc *doc, bool valid,
                              const struct spp_schema_result *res, enum spp_code drc,
                              const struct spp_model_errors *errs)
{
    bool decoded = drc == SPP_OK;
    if (decoded == valid ||
        spp_model_known_difference(doc, decoded ? NULL : errs, SPP_MODEL_DIFFS_FORMAT_ASSERTED))
        return;
    SPP_FUZZ_CHECK(false, "validator says %s (%s at %s), decoder says %s (%s at %s)",
                   valid ? "valid" : "invalid", res->count ? res->errors[0].message : "-",
                   res->count ? res->errors[0].instance_location : "",
                   decoded ? "valid" : "invalid", errs->count ? errs->items[0].message : "-",
                   errs->count ? errs->items[0].pointer : "");
}
