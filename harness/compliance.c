/*
 * compliance — the per-property record of a run (see compliance.h).
 */
#include "compliance.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A property's group list is capped: the report's groups hold the rest. */
#define ROW_MAX_GROUPS 8
/* Components reachable from the root; the Tickets contract has 16. */
#define MAX_COMPONENTS 256

struct row {
    char *key; /* "Component/property": the sort key */
    size_t order;
    size_t split; /* length of "Component" in key */
    bool seen, violated;
    char *groups[ROW_MAX_GROUPS];
    size_t ngroups;
};

struct spp_compliance {
    struct row *rows;
    size_t n;
};

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct row *)a)->key, ((const struct row *)b)->key);
}

/* Collects the component names schema refers to ("#/components/schemas/X"), depth-limited. */
static void collect_refs(const struct spp_json *schema, char **names, size_t *n, size_t depth)
{
    if (depth > 64)
        return;
    enum spp_json_kind k = spp_json_kind(schema);
    if (k != SPP_JSON_OBJECT && k != SPP_JSON_ARRAY)
        return;
    static const char prefix[] = "#/components/schemas/";
    const char *ref = spp_json_string(spp_json_get(schema, "$ref"), NULL);
    if (ref && strncmp(ref, prefix, sizeof(prefix) - 1) == 0 && *n < MAX_COMPONENTS) {
        const char *name = ref + sizeof(prefix) - 1;
        bool have = false;
        for (size_t i = 0; i < *n && !have; i++)
            have = strcmp(names[i], name) == 0;
        if (!have && !strchr(name, '/'))
            names[(*n)++] = strdup(name);
    }
    for (const struct spp_json *c = spp_json_first(schema); c; c = spp_json_next(c))
        collect_refs(c, names, n, depth + 1);
}

struct spp_compliance *spp_compliance_new(const struct spp_json *contract_doc,
                                          const char *root_schema)
{
    const struct spp_json *schemas = spp_json_pointer(contract_doc, "/components/schemas");
    if (!spp_json_get(schemas, root_schema))
        return NULL;
    char *names[MAX_COMPONENTS];
    size_t nnames = 1;
    names[0] = strdup(root_schema);
    /* Breadth-first: each component's references are added after the ones already listed. */
    for (size_t i = 0; i < nnames; i++)
        if (names[i])
            collect_refs(spp_json_get(schemas, names[i]), names, &nnames, 0);
    struct spp_compliance *c = calloc(1, sizeof(*c));
    size_t total = 0;
    for (size_t i = 0; i < nnames; i++)
        if (names[i])
            total += spp_json_count(spp_json_get(spp_json_get(schemas, names[i]), "properties"));
    if (c && total)
        c->rows = calloc(total, sizeof(*c->rows));
    for (size_t i = 0; c && c->rows && i < nnames; i++) {
        if (!names[i])
            continue;
        const struct spp_json *props = spp_json_get(spp_json_get(schemas, names[i]), "properties");
        for (const struct spp_json *p = spp_json_first(props); p; p = spp_json_next(p)) {
            size_t len = strlen(names[i]) + strlen(spp_json_key(p)) + 2;
            char *key = malloc(len);
            if (!key)
                continue;
            snprintf(key, len, "%s/%s", names[i], spp_json_key(p));
            c->rows[c->n].key = key;
            c->rows[c->n].split = strlen(names[i]);
            c->rows[c->n].order = c->n;
            c->n++;
        }
    }
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    if (c && (!c->rows || c->n == 0)) {
        spp_compliance_free(c);
        return NULL;
    }
    if (c)
        qsort(c->rows, c->n, sizeof(*c->rows), row_cmp);
    return c;
}

void spp_compliance_free(struct spp_compliance *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->rows[i].key);
        for (size_t g = 0; g < c->rows[i].ngroups; g++)
            free(c->rows[i].groups[g]);
    }
    free(c->rows);
    free(c);
}

static struct row *find(const struct spp_compliance *c, const char *component, size_t clen,
                        const char *property, size_t plen)
{
    char key[512];
    if (clen + plen + 2 > sizeof(key))
        return NULL;
    memcpy(key, component, clen);
    key[clen] = '/';
    memcpy(key + clen + 1, property, plen);
    key[clen + 1 + plen] = '\0';
    struct row probe = {.key = key};
    return bsearch(&probe, c->rows, c->n, sizeof(*c->rows), row_cmp);
}

/*
 * Splits "...#/components/schemas/C/properties/p[/rest]" into C and p. *rest
 * points after p ("" when the location is the property schema itself).
 */
static bool split_location(const char *loc, const char **comp, size_t *clen, const char **prop,
                           size_t *plen, const char **rest)
{
    static const char marker[] = "#/components/schemas/";
    const char *m = loc ? strstr(loc, marker) : NULL;
    if (!m)
        return false;
    *comp = m + sizeof(marker) - 1;
    const char *slash = strchr(*comp, '/');
    if (!slash)
        return false;
    *clen = (size_t)(slash - *comp);
    *rest = slash;
    *prop = NULL;
    *plen = 0;
    static const char props[] = "/properties/";
    if (strncmp(slash, props, sizeof(props) - 1) == 0) {
        *prop = slash + sizeof(props) - 1;
        const char *end = strchr(*prop, '/');
        *plen = end ? (size_t)(end - *prop) : strlen(*prop);
        *rest = *prop + *plen;
    }
    return true;
}

void spp_compliance_evaluated(struct spp_compliance *c, const char *const *locations, size_t n)
{
    if (!c)
        return;
    for (size_t i = 0; i < n; i++) {
        const char *comp, *prop, *rest;
        size_t clen, plen;
        if (!split_location(locations[i], &comp, &clen, &prop, &plen, &rest) || !prop ||
            *rest != '\0')
            continue;
        struct row *row = find(c, comp, clen, prop, plen);
        if (row)
            row->seen = true;
    }
}

void spp_compliance_violation(struct spp_compliance *c, const char *absolute_location,
                              const char *message, const char *group_key)
{
    const char *comp, *prop, *rest;
    size_t clen, plen;
    if (!c || !split_location(absolute_location, &comp, &clen, &prop, &plen, &rest))
        return;
    static const char missing[] = "missing required property \"";
    if (!prop && strcmp(rest, "/required") == 0 && message &&
        strncmp(message, missing, sizeof(missing) - 1) == 0) {
        /* The validator names the missing property in its message. */
        prop = message + sizeof(missing) - 1;
        const char *q = strchr(prop, '"');
        plen = q ? (size_t)(q - prop) : 0;
    }
    if (!prop || plen == 0)
        return;
    struct row *row = find(c, comp, clen, prop, plen);
    if (!row)
        return;
    row->seen = true;
    row->violated = true;
    for (size_t g = 0; g < row->ngroups; g++)
        if (strcmp(row->groups[g], group_key) == 0)
            return;
    if (row->ngroups < ROW_MAX_GROUPS && (row->groups[row->ngroups] = strdup(group_key)))
        row->ngroups++;
}

static int order_cmp(const void *a, const void *b)
{
    size_t x = (*(const struct row *const *)a)->order, y = (*(const struct row *const *)b)->order;
    return x < y ? -1 : x > y;
}

struct spp_json *spp_compliance_to_json(const struct spp_compliance *c)
{
    struct spp_json *arr = spp_json_new_array();
    const struct row **sorted = c && c->n ? malloc(c->n * sizeof(*sorted)) : NULL;
    if (!arr || !c || !sorted) {
        free(sorted);
        return arr;
    }
    for (size_t i = 0; i < c->n; i++)
        sorted[i] = &c->rows[i];
    qsort(sorted, c->n, sizeof(*sorted), order_cmp);
    for (size_t i = 0; i < c->n; i++) {
        const struct row *row = sorted[i];
        struct spp_json *o = spp_json_new_object();
        spp_json_set(o, "component", spp_json_new_string_len(row->key, row->split));
        spp_json_set(o, "property", spp_json_new_string(row->key + row->split + 1));
        spp_json_set(o, "status",
                     spp_json_new_string(row->violated ? "violated"
                                         : row->seen   ? "valid"
                                                       : "unseen"));
        struct spp_json *g = spp_json_new_array();
        for (size_t k = 0; k < row->ngroups; k++)
            spp_json_append(g, spp_json_new_string(row->groups[k]));
        spp_json_set(o, "groups", g);
        spp_json_append(arr, o);
    }
    free(sorted);
    return arr;
}
