/*
 * mock_fault — the faults the mock can plant: the table (from the X-macro in
 * mock.h), parsing a --fault spec, the supported API versions, and rewriting
 * a 200 body for the body faults.
 *
 * Body rewriting is functional: the tree is rebuilt along the pointer's path
 * (members off the path are moved, not copied) so a node can be removed or
 * replaced inside arrays as well as objects with only the public json.h API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_int.h"

static const struct spp_mock_fault_info table[] = {
#define SPP_X_INFO(e, nm, a, wh, ck) {e, nm, a, wh, ck},
    SPP_MOCK_FAULT_LIST(SPP_X_INFO)
#undef SPP_X_INFO
};

static const char *arg_usage(enum spp_mock_arg a)
{
    switch (a) {
    case SPP_MOCK_ARG_NONE:
        return "";
    case SPP_MOCK_ARG_POINTER:
        return ":PTR";
    case SPP_MOCK_ARG_TEXT:
        return ":TYPE";
    case SPP_MOCK_ARG_HEADER:
        return ":NAME";
    case SPP_MOCK_ARG_FIELD:
        return ":FIELD";
    case SPP_MOCK_ARG_CODE:
        return ":CODE";
    case SPP_MOCK_ARG_MS:
        return ":MS";
    }
    return "";
}

const struct spp_mock_fault_info *spp_mock_list_faults(size_t *count)
{
    if (count)
        *count = sizeof(table) / sizeof(table[0]);
    return table;
}

const struct spp_mock_fault_info *spp_mock_fault_info(enum spp_mock_fault_kind kind)
{
    if ((size_t)kind >= sizeof(table) / sizeof(table[0]))
        return NULL;
    return &table[kind];
}

const char *spp_mock_fault_arg_usage(enum spp_mock_arg a)
{
    return arg_usage(a);
}

static const char *const versions[] = {"2024-03-05", "2023-12-14"};

const char *const *spp_mock_versions(size_t *count)
{
    if (count)
        *count = sizeof(versions) / sizeof(versions[0]);
    return versions;
}

const char *spp_mock_version_canonical(const char *v)
{
    if (!v)
        return NULL;
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        if (strcmp(v, versions[i]) == 0)
            return versions[i];
        /* The compact form drops the dashes: 2024-03-05 → 20240305. */
        const char *c = versions[i];
        const char *p = v;
        while (*c && *p) {
            if (*c == '-') {
                c++;
                continue;
            }
            if (*c != *p)
                break;
            c++;
            p++;
        }
        if (!*c && !*p)
            return versions[i];
    }
    return NULL;
}

static const char *const fields[] = {"status", "employees", "tags", "order", "metadata", "subject"};

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    if (!*s || *s == '+' || *s == '-' || *s == ' ')
        return false;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

enum spp_code spp_mock_fault_parse(const char *spec, struct spp_mock_fault *out,
                                   struct spp_err *err)
{
    if (!spec || !out)
        return spp_err_set(err, SPP_EINVAL, "spp_mock_fault_parse: NULL argument");
    size_t len = strlen(spec);
    if (len == 0)
        return spp_err_set(err, SPP_EUSAGE, "empty fault spec");
    if (len >= SPP_MOCK_FAULT_ARG_MAX + 64)
        return spp_err_set(err, SPP_EUSAGE, "fault spec too long (%zu bytes)", len);
    char buf[SPP_MOCK_FAULT_ARG_MAX + 64];
    memcpy(buf, spec, len + 1);

    struct spp_mock_fault f;
    memset(&f, 0, sizeof(f));
    char *at = strrchr(buf, '@');
    if (at) {
        *at = '\0';
        const char *v = spp_mock_version_canonical(at + 1);
        if (!v)
            return spp_err_set(err, SPP_EUSAGE,
                               "fault '%s': unsupported API version '%.32s' (supported: "
                               "2024-03-05, 2023-12-14)",
                               spec, at + 1);
        snprintf(f.version, sizeof(f.version), "%s", v);
    }
    char *colon = strchr(buf, ':');
    const char *arg = NULL;
    if (colon) {
        *colon = '\0';
        arg = colon + 1;
    }
    const struct spp_mock_fault_info *info = NULL;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(buf, table[i].name) == 0)
            info = &table[i];
    if (!info)
        return spp_err_set(err, SPP_EUSAGE,
                           "unknown fault '%.64s' (see 'spp-harness mock --list-faults')", buf);
    f.kind = info->kind;
    if (info->arg == SPP_MOCK_ARG_NONE) {
        if (arg)
            return spp_err_set(err, SPP_EUSAGE, "fault '%s' takes no argument", info->name);
        *out = f;
        return SPP_OK;
    }
    if (!arg || !*arg)
        return spp_err_set(err, SPP_EUSAGE, "fault '%s' needs an argument: %s%s", info->name,
                           info->name, arg_usage(info->arg));
    if (strlen(arg) >= sizeof(f.arg))
        return spp_err_set(err, SPP_EUSAGE, "fault '%s': argument too long", info->name);
    for (const char *p = arg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return spp_err_set(err, SPP_EUSAGE, "fault '%s': control character in argument",
                               info->name);
    switch (info->arg) {
    case SPP_MOCK_ARG_NONE:
        break;
    case SPP_MOCK_ARG_POINTER:
        if (arg[0] != '/')
            return spp_err_set(err, SPP_EUSAGE,
                               "fault '%s': '%.64s' is not a JSON Pointer (must start with '/')",
                               info->name, arg);
        for (const char *p = arg; *p; p++)
            if (*p == '~' && p[1] != '0' && p[1] != '1')
                return spp_err_set(err, SPP_EUSAGE, "fault '%s': bad '~' escape in pointer '%.64s'",
                                   info->name, arg);
        break;
    case SPP_MOCK_ARG_TEXT:
        break;
    case SPP_MOCK_ARG_HEADER:
        if (strcasecmp(arg, "X-Api-Identifier") == 0)
            arg = "X-Api-Identifier";
        else if (strcasecmp(arg, "X-Api-Version") == 0)
            arg = "X-Api-Version";
        else
            return spp_err_set(err, SPP_EUSAGE,
                               "fault '%s': header must be X-Api-Identifier or X-Api-Version, "
                               "not '%.64s'",
                               info->name, arg);
        break;
    case SPP_MOCK_ARG_FIELD: {
        bool ok = false;
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
            ok = ok || strcmp(arg, fields[i]) == 0;
        if (!ok)
            return spp_err_set(err, SPP_EUSAGE,
                               "fault '%s': '%.64s' is not a request field (status, employees, "
                               "tags, order, metadata, subject)",
                               info->name, arg);
        break;
    }
    case SPP_MOCK_ARG_CODE:
        if (!parse_long(arg, 200, 599, &f.num))
            return spp_err_set(err, SPP_EUSAGE,
                               "fault '%s': '%.64s' is not an HTTP status code 200..599",
                               info->name, arg);
        break;
    case SPP_MOCK_ARG_MS:
        if (!parse_long(arg, 0, SPP_MOCK_MAX_DELAY_MS, &f.num))
            return spp_err_set(err, SPP_EUSAGE,
                               "fault '%s': '%.64s' is not a delay in milliseconds 0..%d",
                               info->name, arg, SPP_MOCK_MAX_DELAY_MS);
        break;
    }
    snprintf(f.arg, sizeof(f.arg), "%s", arg);
    *out = f;
    return SPP_OK;
}

/* ---- body rewriting ---------------------------------------------------------------------- */

/* Next pointer token of *p (unescaped into tok); false at the end or when it does not fit. */
static bool next_token(const char **p, char *tok, size_t cap)
{
    if (**p != '/')
        return false;
    const char *s = *p + 1;
    size_t n = 0;
    while (*s && *s != '/') {
        char c = *s++;
        if (c == '~') {
            c = *s == '1' ? '/' : '~';
            if (*s)
                s++;
        }
        if (n + 1 >= cap)
            return false;
        tok[n++] = c;
    }
    tok[n] = '\0';
    *p = s;
    return true;
}

static bool token_index(const char *tok, size_t *idx)
{
    if (!*tok || (tok[0] == '0' && tok[1]) || strlen(tok) > 9)
        return false;
    size_t v = 0;
    for (const char *c = tok; *c; c++) {
        if (*c < '0' || *c > '9')
            return false;
        v = v * 10 + (size_t)(*c - '0');
    }
    *idx = v;
    return true;
}

/* What happens to the target node. */
static struct spp_json *transform_leaf(const struct spp_mock_fault *f, const struct spp_json *n,
                                       bool *removed)
{
    *removed = false;
    switch (f->kind) {
    case SPP_MOCK_FAULT_DROP:
        *removed = true;
        return NULL;
    case SPP_MOCK_FAULT_BAD_DATE:
        /* No 'T', no offset: not RFC 3339 (MySQL's default form). */
        return spp_json_new_string("2021-09-01 00:00:00");
    case SPP_MOCK_FAULT_RETYPE:
        switch (spp_json_kind(n)) {
        case SPP_JSON_STRING: {
            const char *s = spp_json_string(n, NULL);
            char *end = NULL;
            double d = strtod(s, &end);
            return spp_json_new_number(end != s && !*end ? d : 1.0);
        }
        case SPP_JSON_NUMBER: {
            char *s = spp_json_print(n, false, NULL);
            struct spp_json *r = spp_json_new_string(s ? s : "0");
            free(s);
            return r;
        }
        case SPP_JSON_NULL:
            return spp_json_new_number(0);
        case SPP_JSON_BOOL:
            return spp_json_new_string(spp_json_bool(n) ? "true" : "false");
        case SPP_JSON_OBJECT:
            return spp_json_new_string("[object]");
        case SPP_JSON_ARRAY:
            return spp_json_new_string("[array]");
        case SPP_JSON_INVALID:
            break;
        }
        return spp_json_clone(n);
    default:
        return spp_json_clone(n);
    }
}

/*
 * Returns a copy of n with the fault applied at path (the rest of the
 * pointer). *removed tells the parent to leave the member out; *oom is set on
 * allocation failure (the return value is then NULL).
 */
static struct spp_json *rebuild(const struct spp_mock_fault *f, const struct spp_json *n,
                                const char *path, bool *removed, bool *oom)
{
    *removed = false;
    if (!*path) {
        struct spp_json *r = transform_leaf(f, n, removed);
        if (!r && !*removed)
            *oom = true;
        return r;
    }
    char tok[SPP_MOCK_FAULT_ARG_MAX];
    const char *rest = path;
    if (!next_token(&rest, tok, sizeof(tok)))
        return spp_json_clone(n);
    enum spp_json_kind k = spp_json_kind(n);
    bool is_obj = k == SPP_JSON_OBJECT;
    size_t want = 0;
    bool has_idx = k == SPP_JSON_ARRAY && token_index(tok, &want);
    /* extra-field adds the last token as a new member of an object. */
    if (f->kind == SPP_MOCK_FAULT_EXTRA_FIELD && !*rest && is_obj) {
        struct spp_json *c = spp_json_clone(n);
        if (!c || spp_json_set(c, tok, spp_json_new_string("undocumented drift")) != SPP_OK) {
            spp_json_free(c);
            *oom = true;
            return NULL;
        }
        return c;
    }
    if (!is_obj && !has_idx)
        return spp_json_clone(n); /* leads nowhere: no-op */
    struct spp_json *out = is_obj ? spp_json_new_object() : spp_json_new_array();
    if (!out) {
        *oom = true;
        return NULL;
    }
    size_t i = 0;
    bool done = false;
    for (const struct spp_json *c = spp_json_first(n); c; c = spp_json_next(c), i++) {
        bool hit = !done && (is_obj ? strcmp(spp_json_key(c), tok) == 0 : i == want);
        struct spp_json *nc;
        bool rm = false;
        if (hit) {
            done = true;
            nc = rebuild(f, c, rest, &rm, oom);
        } else {
            nc = spp_json_clone(c);
            if (!nc)
                *oom = true;
        }
        if (*oom) {
            spp_json_free(out);
            return NULL;
        }
        if (rm)
            continue;
        enum spp_code rc =
            is_obj ? spp_json_set(out, spp_json_key(c), nc) : spp_json_append(out, nc);
        if (rc != SPP_OK) {
            spp_json_free(out);
            *oom = true;
            return NULL;
        }
    }
    return out;
}

bool spp_mock_fault_is_body(enum spp_mock_fault_kind kind)
{
    switch (kind) {
    case SPP_MOCK_FAULT_BODY_ARRAY:
    case SPP_MOCK_FAULT_DROP:
    case SPP_MOCK_FAULT_RETYPE:
    case SPP_MOCK_FAULT_BAD_DATE:
    case SPP_MOCK_FAULT_EXTRA_FIELD:
        return true;
    default:
        return false;
    }
}

enum spp_code spp_mock_fault_apply_body(const struct spp_mock_fault *f, struct spp_json **body)
{
    if (!f || !body || !*body)
        return SPP_EINVAL;
    struct spp_json *r = NULL;
    switch (f->kind) {
    case SPP_MOCK_FAULT_BODY_ARRAY:
        r = spp_json_new_array();
        if (!r)
            return SPP_ENOMEM;
        if (spp_json_append(r, *body) != SPP_OK) {
            /* append took (and freed) the body on failure; nothing is left to serve. */
            *body = NULL;
            spp_json_free(r);
            return SPP_ENOMEM;
        }
        *body = r;
        return SPP_OK;
    case SPP_MOCK_FAULT_DROP:
    case SPP_MOCK_FAULT_RETYPE:
    case SPP_MOCK_FAULT_BAD_DATE:
    case SPP_MOCK_FAULT_EXTRA_FIELD: {
        bool removed = false, oom = false;
        r = rebuild(f, *body, f->arg, &removed, &oom);
        if (oom || (!r && !removed))
            return SPP_ENOMEM;
        if (removed) /* the pointer was the root: "" cannot be given, keep it whole */
            return SPP_OK;
        spp_json_free(*body);
        *body = r;
        return SPP_OK;
    }
    default:
        return SPP_OK;
    }
}
