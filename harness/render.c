/*
 * render — what the three renderers share (see render.h): the capped buffer,
 * escaping with UTF-8 repair, the report's shape check, and writing the
 * formats beside report.json.
 *
 * Escaping decodes UTF-8 one sequence at a time (rejecting overlongs,
 * surrogates and values above U+10FFFF, like RFC 3629), so every byte of
 * output is valid UTF-8 whatever the server sent.
 */
#include "render.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ---- buffer --------------------------------------------------------------- */

void spp_render_buf_init(struct spp_render_buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max ? max : SPP_RENDER_MAX_BYTES;
}

void spp_render_buf_put(struct spp_render_buf *b, const char *s, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (n > b->max || b->len > b->max - n) {
        b->failed = SPP_ELIMIT;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 4096;
        while (ncap < b->len + n + 1)
            ncap = ncap > SIZE_MAX / 2 ? b->len + n + 1 : ncap * 2;
        char *nd = realloc(b->data, ncap);
        if (!nd) {
            b->failed = SPP_ENOMEM;
            return;
        }
        b->data = nd;
        b->cap = ncap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void spp_render_buf_puts(struct spp_render_buf *b, const char *s)
{
    if (s)
        spp_render_buf_put(b, s, strlen(s));
}

void spp_render_buf_printf(struct spp_render_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = b->failed ? b->failed : SPP_EINVAL;
        return;
    }
    if ((size_t)n < sizeof(small)) {
        spp_render_buf_put(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = b->failed ? b->failed : SPP_ENOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    spp_render_buf_put(b, big, (size_t)n);
    free(big);
}

void spp_render_buf_free(struct spp_render_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

enum spp_code spp_render_buf_finish(struct spp_render_buf *b, char **out, size_t *out_len,
                                    struct spp_err *err)
{
    enum spp_code rc = b->failed;
    if (rc == SPP_OK && !b->data) { /* nothing was appended: an empty text */
        b->data = calloc(1, 1);
        if (!b->data)
            rc = SPP_ENOMEM;
    }
    if (rc != SPP_OK) {
        spp_render_buf_free(b);
        return rc == SPP_ELIMIT
                   ? spp_err_set(err, rc, "the rendered report exceeds %zu bytes", b->max)
                   : spp_err_set(err, rc, "out of memory rendering the report");
    }
    *out = b->data;
    if (out_len)
        *out_len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return SPP_OK;
}

/* ---- escaping ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 when invalid; *cp its value. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

enum esc_mode { ESC_XML, ESC_MD };

static void put_escaped(struct spp_render_buf *b, const char *s, size_t len, size_t max,
                        enum esc_mode mode)
{
    static const char repl[] = "\xEF\xBF\xBD"; /* U+FFFD */
    if (!s)
        return;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_seq(u + i, len - i, &cp);
        size_t step = n ? n : 1;
        if (i + step > max)
            break;
        if (!n || cp == 0xFFFE || cp == 0xFFFF) {
            spp_render_buf_put(b, repl, 3);
        } else if (cp < 0x20 || cp == 0x7F) {
            if (cp == '\t' || cp == '\n' || cp == '\r') {
                if (mode == ESC_MD)
                    spp_render_buf_put(b, " ", 1);
                else
                    spp_render_buf_put(b, s + i, 1);
            } else {
                spp_render_buf_printf(b, "\\x%02X", (unsigned)cp);
            }
        } else if (mode == ESC_XML) {
            switch (cp) {
            case '&':
                spp_render_buf_puts(b, "&amp;");
                break;
            case '<':
                spp_render_buf_puts(b, "&lt;");
                break;
            case '>':
                spp_render_buf_puts(b, "&gt;");
                break;
            case '"':
                spp_render_buf_puts(b, "&quot;");
                break;
            case '\'':
                spp_render_buf_puts(b, "&#39;");
                break;
            default:
                spp_render_buf_put(b, s + i, n);
            }
        } else {
            if (cp < 0x80 && strchr("\\`*_[]|<>#~!&", (int)cp))
                spp_render_buf_put(b, "\\", 1);
            spp_render_buf_put(b, s + i, n);
        }
        i += step;
    }
    if (i < len)
        spp_render_buf_printf(b, "\xE2\x80\xA6 (%zu more bytes)", len - i);
}

void spp_render_put_xml(struct spp_render_buf *b, const char *s, size_t len, size_t max)
{
    put_escaped(b, s, len, max, ESC_XML);
}

void spp_render_put_md(struct spp_render_buf *b, const char *s, size_t len, size_t max)
{
    put_escaped(b, s, len, max, ESC_MD);
}

/* ---- reading the tree ----------------------------------------------------- */

const char *spp_render_str(const struct spp_json *obj, const char *key)
{
    const char *s = spp_json_string(spp_json_get(obj, key), NULL);
    return s ? s : "";
}

size_t spp_render_num(const struct spp_json *obj, const char *key)
{
    double d = spp_json_number(spp_json_get(obj, key));
    /* Counts only: negative, NaN and absurd values read as 0 / the cap, never UB. */
    if (!(d > 0))
        return 0;
    if (d >= 1e15)
        return (size_t)1e15;
    return (size_t)d;
}

const struct spp_json *spp_render_find_check(const struct spp_json *v, const char *name)
{
    for (const struct spp_json *c = spp_json_first(spp_json_get(v, "checks")); c;
         c = spp_json_next(c))
        if (strcmp(spp_render_str(c, "name"), name) == 0)
            return c;
    return NULL;
}

const char *spp_render_version_label(const struct spp_json *version)
{
    const char *s = spp_json_string(spp_json_get(version, "requested"), NULL);
    return s ? s : "default";
}

/* ---- shape check ---------------------------------------------------------- */

static enum spp_code bad(struct spp_err *err, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum spp_code bad(struct spp_err *err, const char *where, const char *fmt, ...)
{
    char msg[SPP_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    spp_err_set(err, SPP_EINVAL, "%s", msg);
    spp_err_where(err, where);
    return SPP_EINVAL;
}

static bool is_count(const struct spp_json *n)
{
    return spp_json_kind(n) == SPP_JSON_NUMBER && spp_json_is_integer(n) && spp_json_number(n) >= 0;
}

/* Checks obj/key is of kind k (SPP_JSON_INVALID: a count); nullable allows null too. */
static enum spp_code need(const struct spp_json *obj, const char *ptr, const char *key,
                          enum spp_json_kind k, bool nullable, struct spp_err *err)
{
    char where[SPP_JSON_POINTER_MAX];
    snprintf(where, sizeof(where), "%s", ptr);
    spp_json_pointer_push(where, sizeof(where), key);
    const struct spp_json *m = spp_json_get(obj, key);
    if (!m)
        return bad(err, where, "not a report.json: member \"%s\" is missing", key);
    if (nullable && spp_json_kind(m) == SPP_JSON_NULL)
        return SPP_OK;
    if (k == SPP_JSON_INVALID ? !is_count(m) : spp_json_kind(m) != k)
        return bad(err, where, "not a report.json: \"%s\" has the wrong type", key);
    return SPP_OK;
}

enum spp_code spp_render_check_report(const struct spp_json *report, struct spp_err *err)
{
    if (spp_json_kind(report) != SPP_JSON_OBJECT)
        return bad(err, "", "not a report.json: the document is %s, not an object",
                   spp_json_kind_name(spp_json_kind(report)));
    const struct spp_json *fv = spp_json_get(report, "format_version");
    if (!fv)
        return bad(err, "/format_version", "not a report.json: %s", "no format_version");
    if (!is_count(fv) || spp_json_number(fv) != SPP_REPORT_FORMAT_VERSION) {
        char got[64];
        if (spp_json_kind(fv) == SPP_JSON_NUMBER)
            snprintf(got, sizeof(got), "%g", spp_json_number(fv));
        else
            snprintf(got, sizeof(got), "a %s", spp_json_kind_name(spp_json_kind(fv)));
        return bad(err, "/format_version",
                   "report.json format_version %s is not supported (this tool reads 1)", got);
    }
    enum spp_code rc;
    if ((rc = need(report, "", "verdict", SPP_JSON_STRING, false, err)) ||
        (rc = need(report, "", "failed", SPP_JSON_INVALID, false, err)) ||
        (rc = need(report, "", "known_failed", SPP_JSON_INVALID, false, err)) ||
        (rc = need(report, "", "requests", SPP_JSON_INVALID, false, err)) ||
        (rc = need(report, "", "versions", SPP_JSON_ARRAY, false, err)))
        return rc;
    size_t vi = 0;
    for (const struct spp_json *v = spp_json_first(spp_json_get(report, "versions")); v;
         v = spp_json_next(v), vi++) {
        char vp[SPP_JSON_POINTER_MAX] = "/versions";
        spp_json_pointer_push_index(vp, sizeof(vp), vi);
        if (spp_json_kind(v) != SPP_JSON_OBJECT)
            return bad(err, vp, "not a report.json: %s is not an object", "a version");
        if ((rc = need(v, vp, "requested", SPP_JSON_STRING, true, err)) ||
            (rc = need(v, vp, "checks", SPP_JSON_ARRAY, false, err)) ||
            (rc = need(v, vp, "failures", SPP_JSON_ARRAY, false, err)) ||
            (rc = need(v, vp, "groups", SPP_JSON_ARRAY, false, err)) ||
            (rc = need(v, vp, "drift", SPP_JSON_ARRAY, false, err)))
            return rc;
        static const char *const lists[] = {"checks", "groups", "drift"};
        for (size_t l = 0; l < 3; l++) {
            size_t i = 0;
            for (const struct spp_json *e = spp_json_first(spp_json_get(v, lists[l])); e;
                 e = spp_json_next(e), i++) {
                char ep[SPP_JSON_POINTER_MAX];
                snprintf(ep, sizeof(ep), "%s", vp);
                spp_json_pointer_push(ep, sizeof(ep), lists[l]);
                spp_json_pointer_push_index(ep, sizeof(ep), i);
                if (spp_json_kind(e) != SPP_JSON_OBJECT)
                    return bad(err, ep, "not a report.json: an entry of \"%s\" is not an object",
                               lists[l]);
                if (l == 0 && ((rc = need(e, ep, "name", SPP_JSON_STRING, false, err)) ||
                               (rc = need(e, ep, "enabled", SPP_JSON_BOOL, false, err)) ||
                               (rc = need(e, ep, "passed", SPP_JSON_INVALID, false, err)) ||
                               (rc = need(e, ep, "failed", SPP_JSON_INVALID, false, err)) ||
                               (rc = need(e, ep, "known", SPP_JSON_INVALID, false, err))))
                    return rc;
                if (l == 1 &&
                    ((rc = need(e, ep, "key", SPP_JSON_STRING, false, err)) ||
                     (rc = need(e, ep, "check", SPP_JSON_STRING, false, err)) ||
                     (rc = need(e, ep, "instanceLocation", SPP_JSON_STRING, false, err)) ||
                     (rc = need(e, ep, "count", SPP_JSON_INVALID, false, err)) ||
                     (rc = need(e, ep, "known", SPP_JSON_BOOL, false, err)) ||
                     (rc = need(e, ep, "examples", SPP_JSON_ARRAY, false, err))))
                    return rc;
                if (l == 2 &&
                    ((rc = need(e, ep, "instanceLocation", SPP_JSON_STRING, false, err)) ||
                     (rc = need(e, ep, "count", SPP_JSON_INVALID, false, err))))
                    return rc;
            }
        }
        const struct spp_json *comp = spp_json_get(v, "compliance");
        if (comp && spp_json_kind(comp) != SPP_JSON_ARRAY && spp_json_kind(comp) != SPP_JSON_NULL) {
            spp_json_pointer_push(vp, sizeof(vp), "compliance");
            return bad(err, vp, "not a report.json: \"%s\" is not an array", "compliance");
        }
    }
    return SPP_OK;
}

/* ---- entry points --------------------------------------------------------- */

bool spp_render_format_parse(const char *name, enum spp_render_format *out)
{
    if (!name)
        return false;
    if (strcmp(name, "junit") == 0 || strcmp(name, "xml") == 0)
        *out = SPP_RENDER_JUNIT;
    else if (strcmp(name, "md") == 0 || strcmp(name, "markdown") == 0)
        *out = SPP_RENDER_MD;
    else if (strcmp(name, "html") == 0)
        *out = SPP_RENDER_HTML;
    else
        return false;
    return true;
}

const char *spp_render_format_file(enum spp_render_format f)
{
    switch (f) {
    case SPP_RENDER_JUNIT:
        return "junit.xml";
    case SPP_RENDER_MD:
        return "report.md";
    case SPP_RENDER_HTML:
        return "report.html";
    }
    return "report.txt";
}

enum spp_code spp_render(const struct spp_json *report, enum spp_render_format f,
                         const char *report_dir, char **out, size_t *out_len, struct spp_err *err)
{
    enum spp_code rc = spp_render_check_report(report, err);
    if (rc != SPP_OK)
        return rc;
    struct spp_render_buf b;
    spp_render_buf_init(&b, SPP_RENDER_MAX_BYTES);
    switch (f) {
    case SPP_RENDER_JUNIT:
        rc = spp_render_junit(report, &b);
        break;
    case SPP_RENDER_MD:
        rc = spp_render_md(report, &b);
        break;
    case SPP_RENDER_HTML:
        rc = spp_render_html(report, report_dir, &b);
        break;
    default:
        rc = SPP_EINVAL;
    }
    if (rc != SPP_OK) {
        spp_render_buf_free(&b);
        return spp_err_set(err, rc, "cannot render the report: %s", spp_strerror(rc));
    }
    return spp_render_buf_finish(&b, out, out_len, err);
}

enum spp_code spp_render_all(const struct spp_json *report, const char *dir, struct spp_err *err)
{
    static const enum spp_render_format all[] = {SPP_RENDER_JUNIT, SPP_RENDER_MD, SPP_RENDER_HTML};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        char *text = NULL, path[4096];
        size_t len = 0;
        int w = snprintf(path, sizeof(path), "%s/%s", dir, spp_render_format_file(all[i]));
        if (w < 0 || (size_t)w >= sizeof(path))
            return spp_err_set(err, SPP_EINVAL, "folder name too long: %.64s...", dir);
        enum spp_code rc = spp_render(report, all[i], dir, &text, &len, err);
        if (rc == SPP_OK)
            rc = spp_write_file(path, text, len, err);
        free(text);
        if (rc != SPP_OK)
            return rc;
    }
    return SPP_OK;
}

enum spp_code spp_render_load(const char *path, struct spp_json_doc **out, struct spp_err *err)
{
    struct spp_json_doc *doc = NULL;
    enum spp_code rc = spp_json_parse_file(path, NULL, &doc, err);
    if (rc != SPP_OK)
        return rc;
    rc = spp_render_check_report(spp_json_doc_root(doc), err);
    if (rc != SPP_OK) {
        spp_json_doc_free(doc);
        return rc;
    }
    *out = doc;
    return SPP_OK;
}

enum spp_code spp_render_dir(const char *dir, struct spp_err *err)
{
    char path[4096];
    int w = snprintf(path, sizeof(path), "%s/report.json", dir);
    if (w < 0 || (size_t)w >= sizeof(path))
        return spp_err_set(err, SPP_EINVAL, "folder name too long: %.64s...", dir);
    struct spp_json_doc *doc = NULL;
    enum spp_code rc = spp_render_load(path, &doc, err);
    if (rc == SPP_OK)
        rc = spp_render_all(spp_json_doc_root(doc), dir, err);
    spp_json_doc_free(doc);
    return rc;
}
