/*
 * fuzz_request — a SaveTicketRequest body (what `check` sends and the mock
 * receives) through the typed codec and the validator.
 *
 * bytes -> spp_json_parse (exact buffer) -> SaveTicketRequest decode ->
 * encode -> print -> parse -> decode.
 *
 * Invariants: the validator's verdict on the same bytes agrees with the
 * decoder's (modulo spp_model_known_difference); a decoded request
 * round-trips to an equal struct and equal JSON, absent fields staying
 * absent; the validator accepts what the encoder wrote.
 */
#include <stdlib.h>

#include "fuzz_common.h"
#include "json.h"
#include "model.h"
#include "schema.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)spp_fuzz_contract();
    return 0;
}

static void check_round_trip(const struct spp_fuzz_contract *c,
                             const struct spp_save_ticket_request *r)
{
    struct spp_err err;
    struct spp_json *enc = spp_save_ticket_request_encode(r, &err);
    struct spp_json_doc *doc2 = NULL;
    struct spp_save_ticket_request *r2 = NULL;
    struct spp_json *enc2 = NULL;
    struct spp_model_errors errs;
    char *text = NULL;
    size_t len = 0;

    if (!enc && err.code == SPP_ENOMEM)
        return;
    SPP_FUZZ_CHECK(enc != NULL, "encode of a decoded request failed: %s at %s", err.msg, err.where);
    SPP_FUZZ_CHECK(spp_schema_is_valid(c->schemas, c->request, enc),
                   "the validator rejects what the encoder wrote");
    text = spp_json_print(enc, false, &len);
    if (!text)
        goto out;
    enum spp_code rc = spp_json_parse(text, len, NULL, &doc2, &err);
    SPP_FUZZ_CHECK(rc == SPP_OK, "encoded request does not parse: %s", err.msg);
    rc = spp_save_ticket_request_decode(spp_json_doc_root(doc2), &r2, &errs);
    if (rc == SPP_ENOMEM)
        goto out;
    SPP_FUZZ_CHECK(rc == SPP_OK, "decode of the encoded request failed: %s at %s",
                   errs.count ? errs.items[0].message : "?",
                   errs.count ? errs.items[0].pointer : "");
    SPP_FUZZ_CHECK(spp_model_equal(&spp_model_save_ticket_request, r, r2),
                   "decode(encode(r)) != r: %s", text);
    enc2 = spp_save_ticket_request_encode(r2, &err);
    SPP_FUZZ_CHECK(enc2 != NULL || err.code == SPP_ENOMEM, "second encode failed: %s", err.msg);
    if (enc2)
        SPP_FUZZ_CHECK(spp_json_equal(enc, enc2), "encode(decode(encode(r))) != encode(r)");
out:
    spp_json_free(enc2);
    spp_save_ticket_request_free(r2);
    spp_json_doc_free(doc2);
    free(text);
    spp_json_free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct spp_fuzz_contract *c = spp_fuzz_contract();
    struct spp_json_doc *doc = NULL;
    struct spp_save_ticket_request *r = NULL;
    struct spp_model_errors errs;
    struct spp_err err;

    if (spp_json_parse((const char *)data, size, NULL, &doc, &err) != SPP_OK) {
        spp_fuzz_stats_note(false, false);
        return 0;
    }
    const struct spp_json *root = spp_json_doc_root(doc);
    struct spp_schema_result res;
    enum spp_code vrc = spp_schema_validate(c->schemas, c->request, root, &res);
    bool valid = vrc == SPP_OK;
    enum spp_code drc = spp_save_ticket_request_decode(root, &r, &errs);
    spp_fuzz_stats_note(true, valid);
    if (drc != SPP_ENOMEM && (vrc == SPP_OK || vrc == SPP_EINVALID || vrc == SPP_ELIMIT)) {
        bool decoded = drc == SPP_OK;
        if (decoded != valid && !spp_model_known_difference(doc, decoded ? NULL : &errs,
                                                            SPP_MODEL_DIFFS_FORMAT_ASSERTED)) {
            SPP_FUZZ_CHECK(false, "validator says %s (%s at %s), decoder says %s (%s at %s)",
                           valid ? "valid" : "invalid", res.count ? res.errors[0].message : "-",
                           res.count ? res.errors[0].instance_location : "",
                           decoded ? "valid" : "invalid", errs.count ? errs.items[0].message : "-",
                           errs.count ? errs.items[0].pointer : "");
        }
    }
    spp_schema_result_free(&res);
    if (drc == SPP_OK)
        check_round_trip(c, r);
    spp_save_ticket_request_free(r);
    spp_json_doc_free(doc);
    return 0;
}
