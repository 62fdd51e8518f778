/*
 * report — what a `check` run found, collected as it runs and written as
 * report.json (the source of truth the other formats are rendered from).
 *
 * Per API version the report keeps each check's pass/fail counts, every
 * failure (capped at SPP_REPORT_MAX_FAILURES, the rest counted), failure
 * groups keyed by (check, instanceLocation with array indices as "*",
 * absoluteKeywordLocation) — so one broken field in a list of a thousand
 * messages is one group — and drift: properties the answers carry that the
 * contract does not document. Failures whose group key is listed in a
 * known-failures file are counted as known and do not fail the run.
 *
 * Every string handed in is copied. The secret given to spp_report_new (the
 * bearer token) is replaced by a marker in every string before it is kept,
 * so no report can carry it. The JSON Schema of report.json is
 * contracts/report.schema.json; SPP_REPORT_FORMAT_VERSION changes when a
 * field changes meaning.
 */
#ifndef SPP_REPORT_H
#define SPP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checks.h"
#include "err.h"
#include "json.h"

#define SPP_REPORT_FORMAT_VERSION 1
/* Enough evidence for any real regression; a flood of one defect is summarised by its group. */
#define SPP_REPORT_MAX_FAILURES   1000
#define SPP_REPORT_GROUP_EXAMPLES 3
#define SPP_REDACTED              "[REDACTED]"

struct spp_report;

enum spp_restore {
    SPP_RESTORE_NOT_ATTEMPTED,
    SPP_RESTORE_OK,
    SPP_RESTORE_FAILED,
};

/* secret may be NULL; it is copied and never written out. */
struct spp_report *spp_report_new(const char *secret);
void spp_report_free(struct spp_report *r);

/* Copies s with every occurrence of the secret replaced by SPP_REDACTED (malloc'd). */
char *spp_report_redact(const struct spp_report *r, const char *s, size_t len, size_t *out_len);
/*
 * Copies len bytes of s with every byte that does not start a valid UTF-8
 * sequence replaced by U+FFFD (malloc'd, NUL-terminated; NUL bytes are kept):
 * JSON text must be UTF-8, and a hostile answer's bytes end up in report
 * strings and case files. NULL on allocation failure.
 */
char *spp_report_utf8(const char *s, size_t len, size_t *out_len);

void spp_report_set_run(struct spp_report *r, const char *tool_version, uint64_t seed,
                        const char *base_url, bool embedded_mock, const char *ticket);
void spp_report_set_contract(struct spp_report *r, const char *file, const char *version,
                             const char *sha256);
void spp_report_set_enabled(struct spp_report *r, const bool enabled[SPP_CHECK_COUNT]);
/* Loads a known-failures file (see README): SPP_EIO / SPP_ESYNTAX / SPP_EINVAL with where. */
enum spp_code spp_report_load_known(struct spp_report *r, const char *path, struct spp_err *err);

/* Starts the section of one API version (requested may be NULL: no header sent); returns its index.
 */
size_t spp_report_begin_version(struct spp_report *r, const char *requested,
                                const char *contract_file, const char *contract_version,
                                bool default_contract);
void spp_report_set_reported_version(struct spp_report *r, size_t v, const char *reported);
void spp_report_note(struct spp_report *r, size_t v, enum spp_check_id id, const char *note);

struct spp_report_exchange {
    const char *method;
    const char *path;
    long status;
    const char *case_path; /* saved case file, relative to the report folder; may be NULL */
};

/*
 * Records one outcome. For a failure returns true when it is new evidence
 * worth a case file (its group had fewer than SPP_REPORT_GROUP_EXAMPLES examples).
 */
bool spp_report_outcome(struct spp_report *r, size_t v, enum spp_check_id id, bool passed,
                        const char *message, const struct spp_check_location *loc,
                        const struct spp_report_exchange *ex);
/* Attaches a case path to the last failure recorded (and its group's examples). */
void spp_report_attach_case(struct spp_report *r, size_t v, const char *case_path);
/* Records an undocumented property at an instance location (indices become "*"). */
void spp_report_drift(struct spp_report *r, size_t v, const char *instance_location);

/*
 * Starts the compliance table of version v: a row per property of TicketResource and of
 * every component it reaches in contract_doc. Without it report.json has no "compliance".
 */
void spp_report_compliance_init(struct spp_report *r, size_t v,
                                const struct spp_json *contract_doc);
/* The schema locations the validator evaluated for one answer (marks properties seen). */
void spp_report_evaluated(struct spp_report *r, size_t v, const char *const *locations, size_t n);

void spp_report_finish(struct spp_report *r, size_t requests, enum spp_restore restored,
                       const char *restore_message, bool interrupted, const char *fatal);

/* The counts of one check in version v (any pointer may be NULL). */
void spp_report_check_counts(const struct spp_report *r, size_t v, enum spp_check_id id,
                             size_t *passed, size_t *failed, size_t *known);
/* The message of the first failure of check id in version v, or NULL. Borrowed. */
const char *spp_report_first_failure(const struct spp_report *r, size_t v, enum spp_check_id id);

/* True when some failure is not a known one. */
bool spp_report_failed(const struct spp_report *r);
size_t spp_report_failure_count(const struct spp_report *r, size_t *known);

/* The report as JSON (caller frees with spp_json_free). */
struct spp_json *spp_report_to_json(const struct spp_report *r);
/* Writes report.json into dir (created if needed). */
enum spp_code spp_report_write(const struct spp_report *r, const char *dir, struct spp_err *err);

/* "/order/messages/3/id" → "/order/messages/{*}/id" (indices become "*") into out. */
void spp_report_generalize(const char *pointer, char *out, size_t cap);

/* Creates dir and its parents (mode 0755); SPP_EIO naming the part that failed. */
enum spp_code spp_mkdirs(const char *dir, struct spp_err *err);
/* Writes len bytes to path atomically (temp file + rename). */
enum spp_code spp_write_file(const char *path, const char *data, size_t len, struct spp_err *err);

#endif
