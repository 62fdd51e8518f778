/*
 * schema — a JSON Schema draft 2020-12 compiler and validator.
 *
 * A schema document is compiled ONCE into a graph of nodes (keyword values
 * decoded into C fields, properties sorted for binary search, patterns
 * compiled with PCRE2 and JIT, every "$ref" resolved to a pointer to its
 * target node), then any number of instances are validated against it without
 * looking at the schema JSON again.
 *
 * Ownership: spp_schema_load / spp_schema_compile CLONE the document they are
 * given, so the caller may free its own copy right away; documents added to a
 * registry are cloned too, and the compiled schema clones every registry
 * document it uses, so the registry may also be freed once compiling is done.
 * Nodes returned by spp_schema_root / spp_schema_at are borrowed from the
 * schema and live until spp_schema_free. A result owns its strings and is
 * freed with spp_schema_result_free. Validation does not modify the schema, so
 * one compiled schema may validate from several threads at once (spp_schema_at
 * may compile more nodes: do not call it concurrently with anything else).
 *
 * Supported: boolean schemas, type, enum, const, required, properties,
 * additionalProperties, patternProperties, propertyNames, dependentRequired,
 * dependentSchemas, min/maxProperties, items, prefixItems, contains,
 * min/maxContains, min/maxItems, uniqueItems, minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum, multipleOf, min/maxLength (code
 * points), pattern (ECMA-262 translated for PCRE2), allOf, anyOf, oneOf, not,
 * if/then/else, $ref, $defs (and draft-7 "definitions"), $id, $anchor,
 * $dynamicAnchor/$dynamicRef (dynamic scope), unevaluatedProperties,
 * unevaluatedItems, format (through spp_format_check) and OpenAPI 3.0
 * "nullable". Unknown keywords are ignored; "$schema" and vocabularies are
 * not consulted.
 *
 * Hostile schemas fail to compile with SPP_ESCHEMA and err->where naming the
 * schema location (a JSON Pointer into the main document, "uri#pointer" for a
 * registry document): wrong keyword types, invalid regexes, references that
 * lead nowhere, and reference cycles that make no progress through the
 * instance ({"$ref":"#"}). Validation is depth-limited (instance and schema
 * recursion), so a deep instance is an error, never a stack overflow.
 */
#ifndef SPP_SCHEMA_H
#define SPP_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "json.h"

struct spp_schema;
struct spp_schema_node;
struct spp_schema_registry;

/* Deep enough for any real contract; shallow enough for an 8 MiB stack under ASan. */
#define SPP_SCHEMA_DEFAULT_MAX_DEPTH 512
/* Enough to show everything wrong with a real document; a fuzzed one is cut short. */
#define SPP_SCHEMA_DEFAULT_MAX_ERRORS 100

struct spp_schema_options {
    bool format_assertion;   /* "format" is an assertion (true) or an annotation only */
    bool openapi30_nullable; /* honour OpenAPI 3.0 "nullable": true */
    size_t max_errors;       /* errors kept per validation; 0: SPP_SCHEMA_DEFAULT_MAX_ERRORS */
    size_t max_depth;        /* recursion limit; 0: SPP_SCHEMA_DEFAULT_MAX_DEPTH */
    bool record_evaluated;   /* record the schema locations visited */
    bool record_instances;   /* with record_evaluated, the instance locations too (a path each) */
    /* Extra documents by URI for remote "$ref"s; may be NULL. Borrowed: it must outlive every
     * spp_schema_load/compile/at call, not the validations (used documents are cloned). */
    const struct spp_schema_registry *registry;
};

/* The defaults: format asserted, no nullable, default caps, nothing recorded, no registry. */
void spp_schema_options_init(struct spp_schema_options *opt);

/* ---- registry of extra documents ----------------------------------------- */

struct spp_schema_registry *spp_schema_registry_new(void);
/*
 * Adds a clone of doc under the absolute uri (no fragment). Embedded "$id"s in
 * doc are found when a schema compiles against the registry. SPP_EINVAL for a
 * duplicate uri.
 */
enum spp_code spp_schema_registry_add(struct spp_schema_registry *reg, const char *uri,
                                      const struct spp_json *doc, struct spp_err *err);
void spp_schema_registry_free(struct spp_schema_registry *reg);

/* ---- compiling --------------------------------------------------------- */

/*
 * Loads doc (cloned) under base_uri (may be NULL or "": then "$id" or nothing
 * names it) without compiling anything yet, so doc may be an OpenAPI document
 * whose root is not a schema. opt may be NULL for the defaults; it is copied.
 * Then use spp_schema_at to compile entry points. *out is freed with
 * spp_schema_free.
 */
enum spp_code spp_schema_load(const struct spp_json *doc, const char *base_uri,
                              const struct spp_schema_options *opt, struct spp_schema **out,
                              struct spp_err *err);
/* spp_schema_load + spp_schema_at(""): the whole document is the schema. */
enum spp_code spp_schema_compile(const struct spp_json *doc, const char *base_uri,
                                 const struct spp_schema_options *opt, struct spp_schema **out,
                                 struct spp_err *err);
/*
 * The compiled entry point at a JSON Pointer of the loaded document ("" is the
 * root, "/components/schemas/TicketResource"; a leading "#" is accepted), or
 * at any URI reference resolved against the document's base
 * ("other.json#/x", "#anchor"). Compiles it and everything it references on
 * first use; *out is borrowed from s. SPP_ENOTFOUND when nothing is there,
 * SPP_ESCHEMA when what is there is not a valid schema (the nodes made by the
 * failed call are freed, so s stays usable for other entry points).
 */
enum spp_code spp_schema_at(struct spp_schema *s, const char *pointer,
                            const struct spp_schema_node **out, struct spp_err *err);
/* The root compiled by spp_schema_compile; NULL after spp_schema_load alone. */
const struct spp_schema_node *spp_schema_root(const struct spp_schema *s);
/* The absolute location ("uri#/pointer") of a node; borrowed from the schema. */
const char *spp_schema_node_location(const struct spp_schema_node *node);
void spp_schema_free(struct spp_schema *s);

/* ---- validating -------------------------------------------------------- */

/* One failure in the JSON Schema "basic" output shape. All strings owned by the result. */
struct spp_schema_error {
    char *instance_location;         /* JSON Pointer into the instance ("" is the root) */
    char *keyword_location;          /* evaluation path, through "$ref"s */
    char *absolute_keyword_location; /* "<resource-uri>#<pointer>" of the keyword */
    char *message;                   /* a sentence for a person */
};

struct spp_schema_result {
    bool valid;
    struct spp_schema_error *errors; /* count of them, in evaluation order */
    size_t count;
    size_t cap;
    size_t dropped; /* errors beyond max_errors, counted not kept */
    bool depth_exceeded;
    /* With record_evaluated: deduplicated absolute locations of every schema object visited
     * (the array is the result's, the strings the schema's: valid while it lives); with
     * record_instances too, instance locations with array indices as "*" (the result's). */
    const char **evaluated_schemas;
    size_t n_evaluated_schemas;
    char **evaluated_instances;
    size_t n_evaluated_instances;
    struct spp_schema_seen *seen_; /* private */
};

/*
 * Validates instance against node (NULL: the root of spp_schema_compile).
 * res (required) is initialised here; free it with spp_schema_result_free even
 * on failure. Returns SPP_OK when valid, SPP_EINVALID when not (res->errors
 * says why), SPP_ELIMIT when the depth limit was reached (also an error in
 * res), SPP_ENOMEM, or SPP_EINVAL for a NULL argument.
 */
enum spp_code spp_schema_validate(const struct spp_schema *s, const struct spp_schema_node *node,
                                  const struct spp_json *instance, struct spp_schema_result *res);
/*
 * The fast path ("valid-only" mode): records no errors, no paths as strings, and
 * stops at the first failure. False also on limits and allocation failure.
 */
bool spp_schema_is_valid(const struct spp_schema *s, const struct spp_schema_node *node,
                         const struct spp_json *instance);
void spp_schema_result_free(struct spp_schema_result *res);

#endif
