/*
 * contract — an OpenAPI document of the Tickets API, loaded once.
 *
 * Loads the JSON file, records what identifies it (path, info.version, the
 * OpenAPI version) and hands its component schemas to the schema module,
 * compiled on first use against the whole document so that local "$ref"s
 * (#/components/schemas/...) resolve. Errors name the file and the location.
 * A 3.0 document gets OpenAPI 3.0's "nullable" honoured; 3.1 is plain JSON
 * Schema 2020-12.
 */
#ifndef SPP_CONTRACT_H
#define SPP_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "json.h"
#include "schema.h"

struct spp_contract;

struct spp_contract_options {
    bool format_assertion; /* default true: formats such as date-time are asserted */
    size_t max_errors;     /* 0: the schema module's default */
    bool record_evaluated;
};

void spp_contract_options_init(struct spp_contract_options *opt);

/*
 * Reads and loads the OpenAPI document at path. SPP_EIO for an unreadable file,
 * SPP_ESYNTAX for malformed JSON, SPP_ECONTRACT when it is not an OpenAPI 3.x
 * document (err->where names the file). opt may be NULL. Free with spp_contract_free.
 */
enum spp_code spp_contract_load(const char *path, const struct spp_contract_options *opt,
                                struct spp_contract **out, struct spp_err *err);
void spp_contract_free(struct spp_contract *c);

/*
 * The contract for API version `version` in folder dir: the first *.openapi.json
 * (in name order) whose info.version is that date (either form); NULL when none.
 */
struct spp_contract *spp_contract_find_version(const char *dir, const char *version,
                                               const struct spp_contract_options *opt);

/* The document's info.version ("2024-03-05"); "" when absent. Borrowed. */
const char *spp_contract_version(const struct spp_contract *c);
/* The path it was loaded from. Borrowed. */
const char *spp_contract_path(const struct spp_contract *c);
/* The whole document (borrowed), for modules that read the operation. */
const struct spp_json *spp_contract_doc(const struct spp_contract *c);
/* The loaded schema set; entry points compile on first use. Borrowed. */
struct spp_schema *spp_contract_schemas(struct spp_contract *c);

/*
 * The compiled component schema called name ("TicketResource"). SPP_ENOTFOUND
 * when the contract has no such component (err lists the ones it has).
 */
enum spp_code spp_contract_schema(struct spp_contract *c, const char *name,
                                  const struct spp_schema_node **out, struct spp_err *err);

#endif
