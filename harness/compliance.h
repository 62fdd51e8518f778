/*
 * compliance — which parts of the contract a run exercised, per property.
 *
 * One row per (schema component, property) of TicketResource and of every
 * component it reaches through "$ref" (Address.postcode, Role.ticket_access,
 * ...). A row is "unseen" until the validator reports evaluating that
 * property's schema in some answer, "violated" once a schema failure lies at
 * or under it (a missing required property counts for that property), and
 * "valid" when seen and never violated. Rows are kept sorted by
 * "Component/property" so the validator's locations are matched by binary
 * search: a run evaluates hundreds of locations per answer.
 */
#ifndef SPP_COMPLIANCE_H
#define SPP_COMPLIANCE_H

#include <stddef.h>

#include "json.h"

struct spp_compliance;

/* The rows of root_schema ("TicketResource") in contract_doc; NULL when it has none or on ENOMEM.
 */
struct spp_compliance *spp_compliance_new(const struct spp_json *contract_doc,
                                          const char *root_schema);
void spp_compliance_free(struct spp_compliance *c);

/* Marks as seen the properties whose schema objects are among these absolute locations. */
void spp_compliance_evaluated(struct spp_compliance *c, const char *const *locations, size_t n);
/*
 * Records a schema failure: absolute keyword location, the validator's message
 * (for "required": which property is missing) and the failure group's key.
 */
void spp_compliance_violation(struct spp_compliance *c, const char *absolute_location,
                              const char *message, const char *group_key);

/* [{"component","property","status","groups":[...]}] in contract order; NULL on ENOMEM. */
struct spp_json *spp_compliance_to_json(const struct spp_compliance *c);

#endif
