/*
 * render — report.json rendered as JUnit XML, Markdown and one self-contained
 * HTML page.
 *
 * Every renderer takes the report.json TREE (as parsed or as built by
 * spp_report_to_json), never the in-memory struct spp_report, so
 * `spp-harness report render REPORT.json` and `spp-harness check` produce
 * byte-identical output: the formats cannot disagree with the source of truth.
 *
 * Everything in a report may come from a hostile server (messages, header
 * values, bodies), so every string is escaped for its format, invalid UTF-8
 * is replaced by U+FFFD, control characters are shown as \xNN, and long
 * strings are cut (per-format caps below). Output is built in a bounded
 * buffer (SPP_RENDER_MAX_BYTES); the HTML page embeds the failure groups'
 * example cases (read from cases/ beside report.json, only paths of the form
 * cases/NAME), each capped.
 *
 * Ownership: rendered text is malloc'd and owned by the caller (free()).
 */
#ifndef SPP_RENDER_H
#define SPP_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "json.h"

/* The whole rendered document; a report that needs more is summarised, never truncated silently. */
#define SPP_RENDER_MAX_BYTES ((size_t)64 * 1024 * 1024)
/* Longest message shown in a Markdown cell: a job summary is read at a glance. */
#define SPP_RENDER_MD_TEXT_MAX 200
/* Longest message in JUnit / HTML: enough for any real message, bounded for a hostile one. */
#define SPP_RENDER_TEXT_MAX 4096
/* Failure groups listed in report.md. */
#define SPP_RENDER_MD_TOP_GROUPS 10
/* A case file larger than this is not embedded (a real one is a few tens of KiB). */
#define SPP_RENDER_CASE_MAX_BYTES ((size_t)4 * 1024 * 1024)
/* Bytes of one request or response body shown in the HTML page. */
#define SPP_RENDER_BODY_MAX 16384
/* Example cases embedded in one HTML page (three per group at most). */
#define SPP_RENDER_MAX_EXAMPLES 120

enum spp_render_format {
    SPP_RENDER_JUNIT,
    SPP_RENDER_MD,
    SPP_RENDER_HTML,
};

/* "junit" / "md" / "html" → format; false for anything else. */
bool spp_render_format_parse(const char *name, enum spp_render_format *out);
/* The file a format is written to beside report.json: "junit.xml", "report.md", "report.html". */
const char *spp_render_format_file(enum spp_render_format f);

/*
 * Checks that report is a report.json this code can render: an object with
 * format_version 1 and the members the renderers read, of the right kinds
 * (versions, their checks, groups, drift, failures). SPP_EINVAL with a clear
 * message and err->where = the JSON Pointer of the offending member.
 */
enum spp_code spp_render_check_report(const struct spp_json *report, struct spp_err *err);

/*
 * Renders report (checked with spp_render_check_report first) in format f.
 * report_dir is the folder that holds report.json (the HTML page reads the
 * example cases from it); NULL means "do not embed cases". On success *out is
 * the NUL-terminated text (caller frees) and *out_len (optional) its length.
 */
enum spp_code spp_render(const struct spp_json *report, enum spp_render_format f,
                         const char *report_dir, char **out, size_t *out_len, struct spp_err *err);

/* Writes junit.xml, report.md and report.html into dir (which must exist). */
enum spp_code spp_render_all(const struct spp_json *report, const char *dir, struct spp_err *err);
/* Reads dir/report.json and writes the three formats beside it (what `check` calls). */
enum spp_code spp_render_dir(const char *dir, struct spp_err *err);
/* Parses and checks a report.json file (caller frees *out with spp_json_doc_free). */
enum spp_code spp_render_load(const char *path, struct spp_json_doc **out, struct spp_err *err);

/* ---- shared by the renderers (and their tests) ---------------------------
 *
 * A growable text buffer with a hard cap. Errors are sticky: once an append
 * fails (out of memory, over the cap) later appends do nothing and
 * spp_render_buf_finish reports the first failure, so renderers append
 * without checking every call.
 */
struct spp_render_buf {
    char *data;
    size_t len, cap, max;
    enum spp_code failed; /* SPP_OK, SPP_ENOMEM or SPP_ELIMIT */
};

void spp_render_buf_init(struct spp_render_buf *b, size_t max);
void spp_render_buf_put(struct spp_render_buf *b, const char *s, size_t n);
void spp_render_buf_puts(struct spp_render_buf *b, const char *s);
void spp_render_buf_printf(struct spp_render_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hands the text to *out (NUL-terminated) or reports the sticky failure; b is reset either way. */
enum spp_code spp_render_buf_finish(struct spp_render_buf *b, char **out, size_t *out_len,
                                    struct spp_err *err);
void spp_render_buf_free(struct spp_render_buf *b);

/*
 * Appends at most max bytes of s (len bytes; s may be NULL: nothing) escaped
 * for XML/HTML text and attribute values: & < > " ' as entities, control
 * characters other than tab/newline/CR as the visible text \xNN, invalid
 * UTF-8 (and U+FFFE/U+FFFF) as U+FFFD; a cut string ends with "…".
 */
void spp_render_put_xml(struct spp_render_buf *b, const char *s, size_t len, size_t max);
/*
 * The same for Markdown (inline text and table cells): line breaks become
 * spaces, Markdown punctuation (\ ` * _ [ ] | < > # ~ ! &) is backslash-escaped.
 */
void spp_render_put_md(struct spp_render_buf *b, const char *s, size_t len, size_t max);

/* The report's readers, tolerant of absent members ("" / 0 / false). */
const char *spp_render_str(const struct spp_json *obj, const char *key);
size_t spp_render_num(const struct spp_json *obj, const char *key);
/* A version's label: its "requested" version, or "default" when none was sent. */
const char *spp_render_version_label(const struct spp_json *version);
/* The entry of version v's "checks" named name, or NULL. */
const struct spp_json *spp_render_find_check(const struct spp_json *v, const char *name);

/* The three renderers (report already checked). */
enum spp_code spp_render_junit(const struct spp_json *report, struct spp_render_buf *b);
enum spp_code spp_render_md(const struct spp_json *report, struct spp_render_buf *b);
enum spp_code spp_render_html(const struct spp_json *report, const char *report_dir,
                              struct spp_render_buf *b);

#endif
