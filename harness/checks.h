/*
 * checks — the named checks of `spp-harness check`, and the judges that
 * apply them to one exchange (a request of the plan and the answer it got).
 *
 * The names follow the wider ecosystem (Schemathesis, CATS) and are an
 * interface: users list them in --checks, known-failure files and CI filters.
 * Each judge records outcomes through a sink (struct spp_check_sink): pass or
 * fail, a message, and for schema failures the validator's three locations.
 * A judge that has nothing to say about an exchange records nothing (for
 * instance, content_type_conformance says nothing about a 404).
 *
 * Who judges what, so that one planted defect trips one check:
 *   - no complete answer            → transport_error only;
 *   - 5xx                           → not_a_server_error only;
 *   - other undocumented statuses   → status_code_conformance;
 *   - 200                           → content type, headers, schema (+ drift),
 *                                     and the stateful checks when the case is stateful;
 *   - negative / auth / not-found cases → their own check, on non-5xx answers.
 */
#ifndef SPP_CHECKS_H
#define SPP_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "schema.h"

/* id, name, on by default, one line for --list-checks */
#define SPP_CHECK_LIST(X)                                                                          \
    X(SPP_CHECK_NOT_A_SERVER_ERROR, "not_a_server_error", true, "no 5xx, for any request")         \
    X(SPP_CHECK_STATUS_CODE, "status_code_conformance", true,                                      \
      "the status is one the contract documents (200, 400, 401, 404)")                             \
    X(SPP_CHECK_CONTENT_TYPE, "content_type_conformance", true,                                    \
      "200 bodies are application/json (parameters allowed)")                                      \
    X(SPP_CHECK_RESPONSE_HEADERS, "response_headers_conformance", true,                            \
      "X-Api-Identifier (a UUID) and X-Api-Version (a yyyymmdd date) are present on 200")          \
    X(SPP_CHECK_RESPONSE_SCHEMA, "response_schema_conformance", true,                              \
      "every 200 body is whole JSON and validates against TicketResource, at every depth")         \
    X(SPP_CHECK_NEGATIVE_DATA, "negative_data_rejection", true,                                    \
      "a body that breaks SaveTicketRequest gets 4xx, not 2xx")                                    \
    X(SPP_CHECK_IGNORED_AUTH, "ignored_auth", true,                                                \
      "no token, a malformed Authorization header or a wrong token gets 401")                      \
    X(SPP_CHECK_NOT_FOUND, "not_found_conformance", true,                                          \
      "a ticket id that does not exist gets 404")                                                  \
    X(SPP_CHECK_UPDATE_APPLIED, "update_applied", true,                                            \
      "after a 200, the fields sent are in the response (status only with --status-map)")          \
    X(SPP_CHECK_OMITTED_UNCHANGED, "omitted_fields_unchanged", true,                               \
      "after a 200, fields not sent keep their values at every depth (volatile ones excepted)")    \
    X(SPP_CHECK_TRANSPORT, "transport_error", true,                                                \
      "every request gets a complete answer (no reset, timeout, malformed HTTP, oversize body)")   \
    X(SPP_CHECK_POSITIVE_DATA, "positive_data_acceptance", false,                                  \
      "opt-in: schema-valid bodies get 2xx (real servers add rules the schema does not state)")    \
    X(SPP_CHECK_MAX_RESPONSE_TIME, "max_response_time", false,                                     \
      "opt-in: every answer arrives within --max-response-time (default 2000 ms)")

enum spp_check_id {
#define SPP_X_CHECK(id, name, def, desc) id,
    SPP_CHECK_LIST(SPP_X_CHECK)
#undef SPP_X_CHECK
        SPP_CHECK_COUNT
};

const char *spp_check_name(enum spp_check_id id);
const char *spp_check_description(enum spp_check_id id);
bool spp_check_default_enabled(enum spp_check_id id);
/* The id of a check name; false when there is no such check. */
bool spp_check_lookup(const char *name, enum spp_check_id *out);

/* Where a failure is, beyond the exchange: set for schema failures, NULL otherwise. */
struct spp_check_location {
    const char *instance_location;
    const char *keyword_location;
    const char *absolute_keyword_location;
};

struct spp_check_sink {
    void *ud;
    void (*outcome)(void *ud, enum spp_check_id id, bool passed, const char *message,
                    const struct spp_check_location *loc);
    /* Optional: the schema locations the validator evaluated for a 200 body (when the
     * contract was loaded with record_evaluated). */
    void (*evaluated)(void *ud, const char *const *locations, size_t n);
};

/* What a case expects, beyond the contract itself. */
enum spp_case_expect {
    SPP_EXPECT_NONE,      /* plain update: only the contract judges */
    SPP_EXPECT_REJECT,    /* breaks SaveTicketRequest: 4xx */
    SPP_EXPECT_AUTH,      /* bad or missing credentials: 401 */
    SPP_EXPECT_NOT_FOUND, /* unknown ticket: 404 */
};

/* One answer as the judges see it. */
struct spp_exchange {
    enum spp_case_expect expect;
    bool schema_valid_body; /* the request body is valid against SaveTicketRequest */
    bool transport_ok;      /* a complete answer arrived */
    const char *transport_message;
    long status;
    const char *content_type; /* NULL when absent */
    const char *api_identifier;
    const char *api_version;
    const char *body;
    size_t body_len;
    double elapsed_ms;
};

struct spp_judge_config {
    bool enabled[SPP_CHECK_COUNT];
    const long *documented; /* the statuses the contract documents */
    size_t ndocumented;
    double max_response_ms;
    struct spp_schema *schema;                 /* the contract's schemas */
    const struct spp_schema_node *ticket_node; /* TicketResource */
};

/*
 * Judges the stateless checks of one exchange. When the answer is a 200 whose
 * body parsed as JSON, *body_out receives the parsed document (the caller
 * frees it with spp_json_doc_free) for drift and the stateful checks; else NULL.
 */
void spp_judge_exchange(const struct spp_judge_config *cfg, const struct spp_exchange *ex,
                        const struct spp_check_sink *sink, struct spp_json_doc **body_out);

/* Volatile fields: they may change on any update (compared by name at every depth). */
#define SPP_DEFAULT_VOLATILE "updated_at"

/*
 * Judges update_applied: every field of sent (a SaveTicketRequest object) is
 * reflected in after (a TicketResource). status is judged only when status_map
 * (an object "id" → "name") is given; metadata is never judged.
 */
void spp_judge_update_applied(const struct spp_judge_config *cfg, const struct spp_json *sent,
                              const struct spp_json *after, const struct spp_json *status_map,
                              const struct spp_check_sink *sink);

/*
 * Judges omitted_fields_unchanged: every field of before that the request did
 * not send keeps its value in after, at every depth (the nested `ticket` copy
 * included), except volatile names (a comma-separated list).
 */
void spp_judge_omitted_unchanged(const struct spp_judge_config *cfg, const struct spp_json *sent,
                                 const struct spp_json *before, const struct spp_json *after,
                                 const char *volatile_names, const struct spp_check_sink *sink);

#endif
