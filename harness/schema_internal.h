/*
 * schema_internal — what schema_compile.c and schema_validate.c share: the
 * compiled node, the schema object (its maps are map.h's) and a string
 * builder. Not a public header: only the schema*.c files include it.
 *
 * A node is one schema object (or boolean schema) with every keyword decoded.
 * Strings and JSON values inside a node (property names, enum, const, format)
 * point into documents the schema owns (clones), so they live as long as it.
 */
#ifndef SPP_SCHEMA_INTERNAL_H
#define SPP_SCHEMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "json.h"
#include "map.h"
#include "pattern.h"
#include "schema.h"

/* ---- growable string ---------------------------------------------------- */

struct spp_sbuf {
    char *p;
    size_t n;
    size_t cap;
    bool oom;
};
void spp_sbuf_add(struct spp_sbuf *b, const char *s, size_t len);
void spp_sbuf_adds(struct spp_sbuf *b, const char *s);
/* Appends "/" + s with JSON Pointer escapes (~0, ~1). */
void spp_sbuf_add_token(struct spp_sbuf *b, const char *s);
void spp_sbuf_add_index(struct spp_sbuf *b, size_t i);
/* The text so far (never NULL; "" when empty). */
const char *spp_sbuf_str(struct spp_sbuf *b);
void spp_sbuf_free(struct spp_sbuf *b);

/* ---- compiled nodes ------------------------------------------------------- */

enum {
    SPP_T_NULL = 1u << 0,
    SPP_T_BOOL = 1u << 1,
    SPP_T_INT = 1u << 2,
    SPP_T_NUM = 1u << 3,
    SPP_T_STR = 1u << 4,
    SPP_T_ARR = 1u << 5,
    SPP_T_OBJ = 1u << 6,
};

enum {
    SPP_HAS_MIN = 1u << 0,
    SPP_HAS_MAX = 1u << 1,
    SPP_HAS_XMIN = 1u << 2,
    SPP_HAS_XMAX = 1u << 3,
    SPP_HAS_MULT = 1u << 4,
    SPP_HAS_MINLEN = 1u << 5,
    SPP_HAS_MAXLEN = 1u << 6,
    SPP_HAS_MINITEMS = 1u << 7,
    SPP_HAS_MAXITEMS = 1u << 8,
    SPP_HAS_MINPROPS = 1u << 9,
    SPP_HAS_MAXPROPS = 1u << 10,
    SPP_HAS_CONST = 1u << 11,
    SPP_HAS_MINCONT = 1u << 12,
    SPP_HAS_MAXCONT = 1u << 13,
    SPP_HAS_IF = 1u << 14,
};

struct spp_schema_node;

struct spp_schema_prop {
    const char *name;
    struct spp_schema_node *node;
};
struct spp_schema_pat {
    struct spp_pattern *re;
    const char *src;
    struct spp_schema_node *node;
};
struct spp_schema_depreq {
    const char *name;
    const char **req;
    size_t n;
};
struct spp_schema_list {
    struct spp_schema_node **v;
    size_t n;
};

/* A schema resource (a document root or a subschema with "$id"). */
struct spp_schema_res {
    char *uri;
    const struct spp_json *root;
    /* "$dynamicAnchor"s declared in this resource, by name → json node (compiled on use). */
    struct spp_map dyn;
};

/*
 * One slot of a node's key map: an object member's name → its "properties"
 * schema (index into props, -1 none) and its place among the required names
 * (index into required_sorted, -1 none). One hash (spp_hash_str, for building
 * and lookup alike) and, nearly always, one strcmp per member instead of two
 * binary searches.
 */
struct spp_schema_keyslot {
    const char *name; /* NULL: empty slot */
    uint32_t hash;
    int32_t prop;
    int32_t req;
};

struct spp_schema_node {
    const struct spp_json *json;
    const char *abs;   /* "<resource uri>#<pointer in resource>" */
    const char *where; /* document location for load errors */
    const struct spp_schema_res *res;
    bool is_bool;
    bool bool_value;
    bool unique_items;
    bool nullable;
    bool compiled;
    unsigned char color; /* cycle check: 0 white, 1 grey, 2 black */
    unsigned types;      /* SPP_T_* bits; 0: any */
    unsigned has;        /* SPP_HAS_* bits */
    const struct spp_json *enum_vals;
    const struct spp_json *const_val;
    const char **required;
    size_t n_required;
    const char **required_sorted; /* deduplicated, for one pass over the instance */
    size_t n_required_sorted;
    struct spp_schema_prop *props; /* sorted by name */
    size_t n_props;
    struct spp_schema_keyslot *kmap; /* props + required_sorted by name; NULL when neither */
    size_t kmap_mask;                /* slots - 1 (a power of two minus one) */
    struct spp_schema_pat *pats;
    size_t n_pats;
    struct spp_schema_node *additional;
    struct spp_schema_node *property_names;
    struct spp_schema_depreq *dep_req;
    size_t n_dep_req;
    struct spp_schema_prop *dep_schemas;
    size_t n_dep_schemas;
    struct spp_schema_list prefix;
    struct spp_schema_node *items;
    struct spp_schema_node *contains;
    size_t min_contains, max_contains;
    struct spp_schema_list all_of, any_of, one_of;
    struct spp_schema_node *not_, *if_, *then_, *else_;
    struct spp_schema_node *ref;
    struct spp_schema_node *dyn_ref;
    const char *dyn_name; /* $dynamicRef whose target declares this $dynamicAnchor */
    double minimum, maximum, xmin, xmax, multiple_of;
    size_t min_len, max_len, min_items, max_items, min_props, max_props;
    struct spp_pattern *pattern;
    const char *pattern_src;
    const char *format;
    struct spp_schema_node *uneval_props, *uneval_items;
    struct spp_schema_node *next_alloc; /* every node of a schema, newest first */
};

struct spp_schema_doc {
    char *uri;
    struct spp_json *root; /* owned clone */
    bool main;
};

struct spp_schema {
    struct spp_schema_options opt;
    struct spp_schema_doc *docs;
    size_t n_docs;
    struct spp_map resources; /* uri → struct spp_schema_res * (owned) */
    struct spp_map anchors;   /* "uri#name" → const struct spp_json * */
    struct spp_map infos;     /* json node address → struct spp_schema_info * (owned) */
    struct spp_schema_node *nodes;
    const struct spp_schema_node *root;
    char *main_uri;
};

/* The compiled node of JSON j in s, or NULL when j was never compiled (validation-time lookup). */
const struct spp_schema_node *spp_schema_node_of(const struct spp_schema *s,
                                                 const struct spp_json *j);

#endif
