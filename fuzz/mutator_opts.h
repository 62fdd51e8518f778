/*
 * mutator_opts — the spp_mutate options a fuzz target's mutator uses.
 *
 * Shared by the libFuzzer glue (mutator.c) and the AFL++ custom mutator
 * library (afl_mutator.c). For a target that decodes a model
 * ("fuzz_response": TicketResource, "fuzz_request": SaveTicketRequest) the
 * drop-required kind gets the model's required properties as pointer
 * patterns ("" subject, "/order" client, "/employees/ *" ...), generated from
 * the model tables (so they follow the contract) down to a few levels; the
 * dictionary is every property name of every model table. Other targets get
 * the mutator's defaults. Built once per process into static storage.
 */
#ifndef SPP_FUZZ_MUTATOR_OPTS_H
#define SPP_FUZZ_MUTATOR_OPTS_H

#include "mutate.h"

/* Fills *opt for target (a fuzz target's name; unknown names get the defaults). */
void spp_fuzz_mutator_options(const char *target, struct spp_mutate_options *opt);

#endif
