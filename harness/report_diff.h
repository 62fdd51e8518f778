/*
 * report_diff — what changed between two report.json trees (yesterday's and
 * today's run): failure groups newly failing, fixed and unchanged, and drift
 * locations that are new.
 *
 * Groups are matched by (version label, group key): the label is the
 * requested API version or "default", the key is (check, instanceLocation
 * with indices as "*", absoluteKeywordLocation), so the match is stable
 * across runs with different counts or examples. Known failures are not
 * failures: a group that is known on the new side is "fixed" with now_known
 * set; a new known group is not a new failure. A version present only in the
 * old report is listed in missing_versions (its groups are neither fixed nor
 * unchanged: nobody looked); a version only in the new report counts in full.
 * A new report that did not complete (verdict "incomplete") while the old one
 * did counts as a regression too, since it may hide failures.
 *
 * The result owns copies of every string; free with spp_report_diff_free.
 */
#ifndef SPP_REPORT_DIFF_H
#define SPP_REPORT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "json.h"

struct spp_report_diff_entry {
    char *version;  /* label: requested version or "default" */
    char *key;      /* group key, or the drift location */
    char *check;    /* NULL for drift */
    char *location; /* instanceLocation */
    char *message;  /* NULL for drift */
    size_t old_count, new_count;
    bool now_known; /* fixed entries: still failing but listed as known now */
};

struct spp_report_diff_list {
    struct spp_report_diff_entry *items;
    size_t count, cap;
};

struct spp_report_diff {
    struct spp_report_diff_list new_failures, fixed, unchanged, new_drift;
    char **missing_versions; /* labels in the old report absent from the new one */
    size_t nmissing;
    bool became_incomplete; /* new verdict "incomplete", old not */
    char *new_fatal;        /* the new report's fatal message, when any */
};

/*
 * Compares two report trees (each checked with spp_render_check_report first:
 * SPP_EINVAL with err->where naming "old:" or "new:" and the pointer).
 */
enum spp_code spp_report_diff(const struct spp_json *old_report, const struct spp_json *new_report,
                              struct spp_report_diff **out, struct spp_err *err);
void spp_report_diff_free(struct spp_report_diff *d);
/* True when something fails that did not before (the diff's exit status 1). */
bool spp_report_diff_regressed(const struct spp_report_diff *d);
/* The diff as JSON (caller frees with spp_json_free); NULL when out of memory. */
struct spp_json *spp_report_diff_to_json(const struct spp_report_diff *d);

#endif
