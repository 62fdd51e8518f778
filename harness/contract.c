/*
 * contract — loading an OpenAPI document and naming its schemas (see contract.h).
 */
#include "contract.h"

#include "headers.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct spp_contract {
    char *path;
    char version[64];
    struct spp_json_doc *doc;
    struct spp_schema *schemas;
};

void spp_contract_options_init(struct spp_contract_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->format_assertion = true;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

enum spp_code spp_contract_load(const char *path, const struct spp_contract_options *opt,
                                struct spp_contract **out, struct spp_err *err)
{
    struct spp_contract_options defaults;
    if (!opt) {
        spp_contract_options_init(&defaults);
        opt = &defaults;
    }
    struct spp_contract *c = calloc(1, sizeof(*c));
    enum spp_code rc = SPP_OK;
    if (!c || !(c->path = strdup(path))) {
        rc = spp_err_set(err, SPP_ENOMEM, "out of memory loading %s", path);
        goto out;
    }
    rc = spp_json_parse_file(path, NULL, &c->doc, err);
    if (rc != SPP_OK)
        goto out;
    const struct spp_json *root = spp_json_doc_root(c->doc);
    const char *openapi = spp_json_string(spp_json_get(root, "openapi"), NULL);
    if (spp_json_kind(root) != SPP_JSON_OBJECT || !openapi || strncmp(openapi, "3.", 2) != 0) {
        rc = spp_err_set(err, SPP_ECONTRACT,
                         "%s is not an OpenAPI 3.x document (no \"openapi\": \"3.x\")", path);
        goto out;
    }
    const char *version = spp_json_string(spp_json_pointer(root, "/info/version"), NULL);
    snprintf(c->version, sizeof(c->version), "%s", version ? version : "");

    struct spp_schema_options so;
    spp_schema_options_init(&so);
    so.format_assertion = opt->format_assertion;
    so.openapi30_nullable = strncmp(openapi, "3.0", 3) == 0;
    so.max_errors = opt->max_errors;
    so.record_evaluated = opt->record_evaluated;
    /* The file name as base URI: errors then read "tickets.openapi.json#/components/...". */
    rc = spp_schema_load(root, base_name(path), &so, &c->schemas, err);
    if (rc != SPP_OK)
        goto out;
out:
    if (rc != SPP_OK) {
        if (err && err->where[0] == '\0')
            spp_err_where(err, path);
        spp_contract_free(c);
        return rc;
    }
    *out = c;
    return SPP_OK;
}

void spp_contract_free(struct spp_contract *c)
{
    if (!c)
        return;
    spp_schema_free(c->schemas);
    spp_json_doc_free(c->doc);
    free(c->path);
    free(c);
}

const char *spp_contract_version(const struct spp_contract *c)
{
    return c->version;
}
const char *spp_contract_path(const struct spp_contract *c)
{
    return c->path;
}
const struct spp_json *spp_contract_doc(const struct spp_contract *c)
{
    return spp_json_doc_root(c->doc);
}
struct spp_schema *spp_contract_schemas(struct spp_contract *c)
{
    return c->schemas;
}

enum spp_code spp_contract_schema(struct spp_contract *c, const char *name,
                                  const struct spp_schema_node **out, struct spp_err *err)
{
    const struct spp_json *schemas = spp_json_pointer(spp_contract_doc(c), "/components/schemas");
    if (!spp_json_get(schemas, name)) {
        char list[SPP_ERR_MSG_MAX] = "";
        for (const struct spp_json *m = spp_json_first(schemas); m; m = spp_json_next(m)) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", spp_json_key(m));
        }
        return spp_err_set(err, SPP_ENOTFOUND, "no schema \"%.64s\" in %.64s (it has: %.100s)",
                           name, base_name(c->path), list);
    }
    char ptr[SPP_JSON_POINTER_MAX] = "/components/schemas";
    if (!spp_json_pointer_push(ptr, sizeof(ptr), name))
        return spp_err_set(err, SPP_EINVAL, "schema name too long");
    return spp_schema_at(c->schemas, ptr, out, err);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The version as a comparable yyyymmdd date (both spellings); 0 when it is not one. */
static uint32_t version_date(const char *v)
{
    uint32_t d = 0;
    return v && spp_headers_parse_api_version(v, strlen(v), &d, NULL, NULL) == SPP_OK ? d : 0;
}

struct spp_contract *spp_contract_find_version(const char *dir, const char *version,
                                               const struct spp_contract_options *opt)
{
    uint32_t want = version_date(version);
    DIR *d = want ? opendir(dir) : NULL;
    if (!d)
        return NULL;
    char *names[256];
    size_t n = 0;
    struct dirent *de;
    while (n < sizeof(names) / sizeof(names[0]) && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len > 13 && strcmp(de->d_name + len - 13, ".openapi.json") == 0 &&
            (names[n] = strdup(de->d_name)) != NULL)
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof(names[0]), name_cmp);
    struct spp_contract *found = NULL;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        int w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        struct spp_contract *c = NULL;
        if (!found && w > 0 && (size_t)w < sizeof(path) &&
            spp_contract_load(path, opt, &c, NULL) == SPP_OK &&
            version_date(spp_contract_version(c)) == want)
            found = c;
        else
            spp_contract_free(c);
        free(names[i]);
    }
    return found;
}
