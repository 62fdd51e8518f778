/*
 * fuzz_response — a response body as the harness judges it.
 *
 * bytes -> spp_json_parse on the exact buffer (the json module's own
 * reader; no copy into a NUL-terminated string) -> the JSON policy issues -> the
 * validator (TicketResource, format asserted) -> the typed decoder -> encode
 * -> print -> parse -> decode.
 *
 * Invariants (a broken one traps with a message):
 *   0. The json module's reader reads what cJSON reads (spp_fuzz_check_reader).
 *   1. The issue list is consistent (count <= total, count <= the cap, every
 *      kind named).
 *   2. An issue-free document prints and parses back to an equal tree.
 *   3. The validator's fast path and its full validation agree.
 *   4. The validator and the typed decoder agree on validity, except where
 *      spp_model_known_difference() names a reason they may not.
 *   5. decode -> encode -> print -> parse -> decode gives an equal struct and
 *      the same JSON, and the validator accepts what the encoder wrote.
 */
#include <stdio.h>
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

static void check_issues(const struct spp_json_doc *doc)
{
    size_t count = 0, total = 0;
    const struct spp_json_issue *issues = spp_json_doc_issues(doc, &count, &total);
    SPP_FUZZ_CHECK(count <= total && count <= SPP_JSON_MAX_ISSUES, "issues %zu of %zu", count,
                   total);
    for (size_t i = 0; i < count; i++)
        SPP_FUZZ_CHECK(spp_json_issue_name(issues[i].kind) != NULL, "issue %zu unnamed", i);
}

/* Print -> parse -> equal, for documents cJSON can represent faithfully (no policy issue). */
static void check_print_round_trip(const struct spp_json *root)
{
    size_t len = 0;
    char *text = spp_json_print(root, false, &len);
    struct spp_json_doc *again = NULL;
    struct spp_err err;

    if (!text)
        return; /* deeper than the printer allows, or out of memory */
    enum spp_code rc = spp_json_parse(text, len, NULL, &again, &err);
    SPP_FUZZ_CHECK(rc == SPP_OK, "printed JSON does not parse (%s at %zu): %.200s", err.msg,
                   err.offset, text);
    SPP_FUZZ_CHECK(spp_json_equal(root, spp_json_doc_root(again)),
                   "print -> parse changed the document: %.200s", text);
    spp_json_doc_free(again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct spp_fuzz_contract *c = spp_fuzz_contract();
    struct spp_json_doc *doc = NULL;
    struct spp_ticket *t = NULL;
    struct spp_model_errors errs;
    struct spp_err err;
    size_t nissues = 0, total = 0;

    if (spp_json_parse((const char *)data, size, NULL, &doc, &err) != SPP_OK) {
        spp_fuzz_stats_note(false, false);
        return 0;
    }
    const struct spp_json *root = spp_json_doc_root(doc);
    spp_fuzz_check_reader(data, size, doc);
    check_issues(doc);
    (void)spp_json_doc_issues(doc, &nissues, &total);
    if (total == 0)
        check_print_round_trip(root);

    struct spp_schema_result res;
    enum spp_code vrc = spp_schema_validate(c->schemas, c->ticket, root, &res);
    bool valid = vrc == SPP_OK;
    bool fast = spp_schema_is_valid(c->schemas, c->ticket, root);
    if (vrc != SPP_ENOMEM)
        SPP_FUZZ_CHECK(fast == valid, "validator fast path says %s, full validation %s (%s)",
                       fast ? "valid" : "invalid", valid ? "valid" : "invalid",
                       res.count ? res.errors[0].message : "no error");

    enum spp_code drc = spp_ticket_decode(root, &t, &errs);
    spp_fuzz_stats_note(true, valid);
    if (drc != SPP_ENOMEM && (vrc == SPP_OK || vrc == SPP_EINVALID || vrc == SPP_ELIMIT)) {
        spp_fuzz_check_agreement(doc, valid, &res, drc, &errs);
    }
    spp_schema_result_free(&res);
    if (drc == SPP_OK)
        spp_fuzz_check_round_trip(c, &spp_model_ticket, c->ticket, t);
    spp_ticket_free(t);
    spp_json_doc_free(doc);
    return 0;
}
