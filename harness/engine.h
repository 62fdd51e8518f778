/*
 * engine — one `check` run: for each API version, the baseline (an empty
 * update), the fixed plan, then mutated bodies until the budget is spent;
 * every answer judged by the checks, every outcome recorded in the report,
 * evidence saved as case files, and at the very end the ticket put back as
 * it was first seen.
 *
 * Stateful cases (updates, boundaries) are sent one at a time, in order, and
 * judged against the ticket as last seen; stateless ones (negative, auth,
 * not-found, mutated) go out up to `concurrency` at a time. After a
 * concurrent batch an unjudged empty update re-reads the ticket, so a server
 * that wrongly accepted something in the batch cannot be blamed on the next
 * stateful case.
 *
 * One defect, one check: a stateful failure (update_applied,
 * omitted_fields_unchanged) at a location where the same answer already
 * failed response_schema_conformance (a dropped or retyped field) is not
 * recorded, and update_applied does not judge cases whose value the server
 * may reject or normalise by its own rules (spp_case.may_normalise).
 *
 * Library code: it prints nothing; progress goes to a callback.
 */
#ifndef SPP_ENGINE_H
#define SPP_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checks.h"
#include "contract.h"
#include "err.h"
#include "json.h"
#include "report.h"

struct spp_engine_version {
    const char *requested;         /* sent as X-Api-Version; NULL: no header */
    struct spp_contract *contract; /* judged against (borrowed) */
    bool default_contract;         /* no contract for this version: the default one */
};

struct spp_engine_config {
    const char *base_url; /* "http://host:port", no trailing slash */
    const char *ticket;
    const char *token; /* never copied into anything written out */
    const struct spp_engine_version *versions;
    size_t nversions;
    uint64_t seed;
    bool enabled[SPP_CHECK_COUNT];
    size_t max_requests; /* per API version, restore excluded */
    double duration_s;   /* per API version; 0: no limit */
    unsigned concurrency;
    double rate;     /* requests per second; 0: unlimited */
    long timeout_ms; /* per request */
    size_t max_body; /* bytes */
    bool insecure;
    double max_response_ms;
    const char *volatile_names;        /* comma-separated; NULL: SPP_DEFAULT_VOLATILE */
    const struct spp_json *status_map; /* may be NULL */
    const char *report_dir;            /* case files go to report_dir/cases */
    const char *save_corpus;           /* NULL: off */
    volatile sig_atomic_t *cancel;
    void (*progress)(void *ud, const char *version, size_t sent, size_t failures,
                     const char *label);
    void *progress_ud;
};

enum spp_engine_outcome {
    SPP_ENGINE_DONE,
    SPP_ENGINE_UNREACHABLE, /* not one answer from the target */
    SPP_ENGINE_INTERRUPTED,
};

/*
 * Runs the whole check into report (which the caller created and writes).
 * Returns SPP_OK with *outcome set, or an error for setup failures (bad
 * options, out of memory) with nothing sent.
 */
enum spp_code spp_engine_run(const struct spp_engine_config *cfg, struct spp_report *report,
                             enum spp_engine_outcome *outcome, size_t *requests,
                             struct spp_err *err);

struct spp_case;

/*
 * Sends one saved case again (version cfg->versions[0]) and judges the answer
 * into report, as the run did: a stateful case first re-reads the ticket
 * (an empty update), and the ticket is put back afterwards. The caller reads
 * the verdict of the case's check from the report.
 */
enum spp_code spp_engine_replay(const struct spp_engine_config *cfg, const struct spp_case *c,
                                struct spp_report *report, enum spp_engine_outcome *outcome,
                                size_t *requests, struct spp_err *err);

/* Records drift: every property of instance that schema (a contract schema) does not document.
 * False when out of memory (what was found so far is recorded). */
bool spp_engine_drift(const struct spp_json *contract_doc, const struct spp_json *schema,
                      const struct spp_json *instance, struct spp_report *report, size_t v);

#endif
