/*
 * fuzz_request — a SaveTicketRequest body (what `check` sends and the mock
 * receives) through the typed codec and the validator.
 *
 * bytes -> spp_json_parse (exact buffer) -> SaveTicketRequest decode ->
 * encode -> print -> parse -> decode.
 *
 * Invariants: the json module's reader reads what cJSON reads
 * (spp_fuzz_check_reader); the validator's verdict on the same bytes agrees with the
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
    spp_fuzz_check_reader(data, size, doc);
    const struct spp_json *root = spp_json_doc_root(doc);
    struct spp_schema_result res;
    enum spp_code vrc = spp_schema_validate(c->schemas, c->request, root, &res);
    bool valid = vrc == SPP_OK;
    enum spp_code drc = spp_save_ticket_request_decode(root, &r, &errs);
    spp_fuzz_stats_note(true, valid);
    if (drc != SPP_ENOMEM && (vrc == SPP_OK || vrc == SPP_EINVALID || vrc == SPP_ELIMIT)) {
        spp_fuzz_check_agreement(doc, valid, &res, drc, &errs);
    }
    spp_schema_result_free(&res);
    if (drc == SPP_OK)
        spp_fuzz_check_round_trip(c, &spp_model_save_ticket_request, c->request, r);
    spp_save_ticket_request_free(r);
    spp_json_doc_free(doc);
    return 0;
}
