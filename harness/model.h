/*
 * model — the typed model of the Tickets API: TicketResource (with every
 * nested schema) and SaveTicketRequest as C structs, decoded from and encoded
 * to JSON by one generic, table-driven codec.
 *
 * How it works. Each component of contracts/tickets.openapi.json has one
 * X-macro field list below (SPP_MODEL_FIELDS_<NAME>). The same list generates
 * the C struct (model.h), the field-index enum used by the presence bitmask
 * (model.h) and the descriptor table (model_tables.c), so the struct and the
 * table cannot drift; tests/test_model.c checks the tables against the
 * contract, so the tables and the contract cannot drift either.
 *
 * A list entry is X(P, name, TYPE, REQ|OPT, nested) where TYPE is one of
 * enum spp_model_type without its SPP_MODEL_ prefix and nested is the struct
 * tag of a STRUCT / STRUCT_OR_NULL / ARRAY_STRUCT field (else "none").
 *
 * Storage per type:
 *   INT             int64_t (a JSON number with no fractional part, within int64)
 *   NUMBER          double (finite)
 *   STRING/DATETIME struct spp_model_str, ptr != NULL, owned, NUL-terminated
 *   NSTRING         struct spp_model_str, ptr == NULL means JSON null
 *   BOOL            bool
 *   OBJECT          struct spp_json * (an owned clone of a JSON object)
 *   STRUCT          struct spp_<nested> * (owned; NULL only when absent)
 *   STRUCT_OR_NULL  struct spp_<nested> * (owned; NULL means JSON null)
 *   ARRAY_INT       struct spp_model_ints
 *   ARRAY_STRING    struct spp_model_strs
 *   ARRAY_STRUCT    struct spp_model_array (items is a struct spp_<nested>[count])
 *   ARRAY_OBJECT    struct spp_model_objs (each item an owned JSON object clone)
 *
 * Every struct starts with `uint64_t present`: bit i is set when field i of
 * the table was present in the decoded JSON. The encoder writes fields in
 * table order; it writes a required field always and an optional one only
 * when its bit is set, so decode -> encode -> decode round-trips exactly
 * (absent stays absent). Use SPP_MODEL_HAS / SPP_MODEL_SET_PRESENT.
 *
 * Decoding collects every mismatch (up to SPP_MODEL_MAX_ERRORS recorded, all
 * counted), each with a JSON Pointer and a message, returns SPP_EINVALID when
 * there was any, and writes the output only on success. Unknown properties
 * are ignored, as the contract's schemas (no additionalProperties) do.
 *
 * Ownership: a decoded or hand-built model owns everything it points to and
 * must be a tree (no sharing, no cycles). spp_model_free releases what an
 * object owns; the typed spp_ticket_free / spp_save_ticket_request_free
 * release the object as well.
 */
#ifndef SPP_MODEL_H
#define SPP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "json.h"

/* ---- limits (each one is also a named known difference, below) ---------- */

/*
 * Deepest TicketResource -> ticket chain the codec follows: level 1 is the
 * answer itself; real answers stop at level 2 (the nested copy ends with
 * "ticket": null). 64 keeps the C recursion small and is far above any answer.
 */
#define SPP_MODEL_MAX_TICKET_DEPTH 64
/* Items per array: real answers hold dozens; 65536 admits stress tests, bounds memory. */
#define SPP_MODEL_MAX_ITEMS 65536
/* Bytes per string: the default JSON document cap, so only raised parse limits reach it. */
#define SPP_MODEL_MAX_STRING_BYTES SPP_JSON_DEFAULT_MAX_BYTES
/* Recorded errors per decode; the rest are counted. */
#define SPP_MODEL_MAX_ERRORS 32
/*
 * An error's pointer: 64 "/ticket" hops (448 bytes) plus the longest static
 * path below a ticket (~120 bytes with array indices) always fit.
 */
#define SPP_MODEL_POINTER_MAX 1024
#define SPP_MODEL_MESSAGE_MAX 160

/* ---- known differences from a JSON Schema validator --------------------- */

/*
 * The named, known ways the typed decoder's verdict may differ from a JSON
 * Schema 2020-12 validator judging the same document against the same
 * contract component. A fuzz target asserts "decoder verdict == validator
 * verdict unless spp_model_known_difference() says one applies".
 *
 *   TICKET_DEPTH  The decoder rejects a TicketResource -> ticket chain deeper
 *                 than SPP_MODEL_MAX_TICKET_DEPTH; the schema has no limit.
 *   INT_RANGE     The decoder stores integers as int64_t and rejects integral
 *                 numbers outside [-2^63, 2^63); the schema accepts any
 *                 integer. (Beyond 2^53 both judge the same rounded double.)
 *   NON_FINITE    A number that overflows a double (1e999) is rejected by the
 *                 decoder (it cannot be encoded again), also anywhere inside a
 *                 free-form OBJECT field; a validator sees a number. Also applies to INT fields,
 * where a validator's notion of "integer" for infinity is its own. ARRAY_LIMIT   Arrays longer than
 * SPP_MODEL_MAX_ITEMS are rejected; the schema has no maxItems. STRING_LIMIT  Strings longer than
 * SPP_MODEL_MAX_STRING_BYTES are rejected; the schema has no maxLength. FORMAT        The decoder
 * always asserts "format": "date-time" (RFC 3339); a validator that treats format as an annotation
 * (the 2020-12 default) accepts any string. A validator with format assertion on agrees with the
 * decoder (same checker). DUPLICATE_KEY With duplicate keys (a JSON policy issue) the decoder
 * judges the first member of that name only; a validator that walks members may judge the others.
 * Either verdict may differ, so this one is judged from the document, not the errors.
 *
 * Not differences (both sides see the same thing): "\u0000" in a string (cJSON
 * cuts the string there for both; the policy issue reports it), invalid
 * UTF-8 (neither checks it for these schemas), unknown properties (both
 * ignore them), 1.0 as an integer (both accept it).
 */
#define SPP_MODEL_DIFF_LIST(X)                                                                     \
    X(SPP_MODEL_DIFF_NONE, "none")                                                                 \
    X(SPP_MODEL_DIFF_TICKET_DEPTH, "ticket-depth")                                                 \
    X(SPP_MODEL_DIFF_INT_RANGE, "int-range")                                                       \
    X(SPP_MODEL_DIFF_NON_FINITE, "non-finite")                                                     \
    X(SPP_MODEL_DIFF_ARRAY_LIMIT, "array-limit")                                                   \
    X(SPP_MODEL_DIFF_STRING_LIMIT, "string-limit")                                                 \
    X(SPP_MODEL_DIFF_FORMAT, "format")                                                             \
    X(SPP_MODEL_DIFF_DUPLICATE_KEY, "duplicate-key")

enum spp_model_diff {
#define SPP_X_DIFF(e, name) e,
    SPP_MODEL_DIFF_LIST(SPP_X_DIFF)
#undef SPP_X_DIFF
        SPP_MODEL_DIFF_COUNT
};

#define SPP_MODEL_DIFF_BIT(d) (1u << (unsigned)(d))
/* Every known difference (a validator with format as an annotation). */
#define SPP_MODEL_DIFFS_ALL (((1u << (unsigned)SPP_MODEL_DIFF_COUNT) - 1u) & ~1u)
/* For a validator that asserts format: FORMAT is then not a difference. */
#define SPP_MODEL_DIFFS_FORMAT_ASSERTED                                                            \
    (SPP_MODEL_DIFFS_ALL & ~SPP_MODEL_DIFF_BIT(SPP_MODEL_DIFF_FORMAT))

/* Stable short name ("ticket-depth"); "unknown" outside the list. */
const char *spp_model_diff_name(enum spp_model_diff d);

/* ---- decode errors ------------------------------------------------------ */

struct spp_model_error {
    enum spp_model_diff diff;            /* SPP_MODEL_DIFF_NONE: a plain schema mismatch */
    char pointer[SPP_MODEL_POINTER_MAX]; /* instance location, "" is the root */
    char message[SPP_MODEL_MESSAGE_MAX]; /* "missing required property", "expected integer, got
                                            string" */
};

struct spp_model_errors {
    size_t count;                         /* recorded in items */
    size_t total;                         /* found, including those past the cap */
    size_t by_diff[SPP_MODEL_DIFF_COUNT]; /* found per kind, including past the cap */
    struct spp_model_error items[SPP_MODEL_MAX_ERRORS];
};

/* Resets errs (NULL is fine). spp_model_decode does this itself. */
void spp_model_errors_clear(struct spp_model_errors *errs);

/*
 * True when the decoder found errors and every one of them (counted past the
 * cap too) is a known difference whose bit is in diff_mask: the decoder said
 * "invalid" for a reason a validator may not share.
 */
bool spp_model_errors_only_known(const struct spp_model_errors *errs, unsigned diff_mask);

/*
 * True when the parsed document carries a policy issue under which the two
 * verdicts may differ in either direction (duplicate keys; or more issues
 * than were recorded, so a duplicate key cannot be ruled out). doc may be NULL.
 */
bool spp_model_doc_may_differ(const struct spp_json_doc *doc, unsigned diff_mask);

/*
 * The one predicate the fuzz targets use: may the decoder and a validator
 * legitimately disagree about doc? decoder_errs are the errors of a decode
 * that failed (NULL or empty when it succeeded); doc may be NULL.
 */
bool spp_model_known_difference(const struct spp_json_doc *doc,
                                const struct spp_model_errors *decoder_errs, unsigned diff_mask);

/* ---- descriptors -------------------------------------------------------- */

enum spp_model_type {
    SPP_MODEL_INT,
    SPP_MODEL_NUMBER,
    SPP_MODEL_STRING,
    SPP_MODEL_NSTRING,
    SPP_MODEL_BOOL,
    SPP_MODEL_DATETIME,
    SPP_MODEL_OBJECT,
    SPP_MODEL_STRUCT,
    SPP_MODEL_STRUCT_OR_NULL,
    SPP_MODEL_ARRAY_INT,
    SPP_MODEL_ARRAY_STRING,
    SPP_MODEL_ARRAY_STRUCT,
    SPP_MODEL_ARRAY_OBJECT,
};

/* "INT", "ARRAY_STRUCT", ...; "unknown" outside the enum. */
const char *spp_model_type_name(enum spp_model_type type);

struct spp_model_desc;

struct spp_model_field {
    const char *name; /* the JSON property name */
    size_t offset;    /* offsetof the member in the struct */
    enum spp_model_type type;
    bool required;
    const struct spp_model_desc *nested; /* STRUCT, STRUCT_OR_NULL, ARRAY_STRUCT; else NULL */
};

struct spp_model_desc {
    const char *name; /* the contract component ("TicketResource") */
    size_t size;      /* sizeof the struct */
    const struct spp_model_field *fields;
    size_t nfields; /* at most 64 (the presence bitmask) */
};

/* The descriptor of a contract component by name; NULL when unknown. */
const struct spp_model_desc *spp_model_find_desc(const char *component);
/* Iteration over every descriptor: index 0 .. spp_model_desc_count()-1; NULL past the end. */
size_t spp_model_desc_count(void);
const struct spp_model_desc *spp_model_desc_at(size_t index);
/* A field of desc by JSON name, and its index (for the presence bitmask); NULL / SIZE_MAX. */
const struct spp_model_field *spp_model_find_field(const struct spp_model_desc *desc,
                                                   const char *name, size_t *index);

/* ---- value types -------------------------------------------------------- */

struct spp_model_str {
    char *ptr;  /* owned, NUL-terminated; NULL only for a null NSTRING */
    size_t len; /* bytes, without the NUL */
};
struct spp_model_ints {
    int64_t *items;
    size_t count;
};
struct spp_model_strs {
    struct spp_model_str *items;
    size_t count;
};
struct spp_model_objs {
    struct spp_json **items; /* each an owned JSON object */
    size_t count;
};
struct spp_model_array {
    void *items; /* struct spp_<nested>[count], owned */
    size_t count;
};

/* ---- the field lists (generated from the contract, checked against it) -- */

/* TicketResource */
#define SPP_MODEL_FIELDS_TICKET(X, P)                                                              \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, created_at, DATETIME, REQ, none)                                                          \
    X(P, updated_at, DATETIME, REQ, none)                                                          \
    X(P, last_message_at, DATETIME, REQ, none)                                                     \
    X(P, date_closed, DATETIME, REQ, none)                                                         \
    X(P, subject, STRING, REQ, none)                                                               \
    X(P, user_id, INT, REQ, none)                                                                  \
    X(P, form_data, OBJECT, REQ, none)                                                             \
    X(P, tags, ARRAY_STRING, REQ, none)                                                            \
    X(P, note, STRING, REQ, none)                                                                  \
    X(P, employees, ARRAY_STRUCT, REQ, ticket_employee)                                            \
    X(P, status, STRING, REQ, none)                                                                \
    X(P, source, STRING, REQ, none)                                                                \
    X(P, order_id, INT, REQ, none)                                                                 \
    X(P, messages, ARRAY_STRUCT, OPT, message)                                                     \
    X(P, order, STRUCT, REQ, index_order)                                                          \
    X(P, ticket, STRUCT_OR_NULL, REQ, ticket)                                                      \
    X(P, client, STRUCT, OPT, user)                                                                \
    X(P, metadata, OBJECT, OPT, none)

/* TicketEmployee */
#define SPP_MODEL_FIELDS_TICKET_EMPLOYEE(X, P)                                                     \
    X(P, id, INT, OPT, none)                                                                       \
    X(P, name_f, STRING, OPT, none)                                                                \
    X(P, name_l, STRING, OPT, none)                                                                \
    X(P, group_id, INT, OPT, none)                                                                 \
    X(P, role_id, INT, OPT, none)

/* Message */
#define SPP_MODEL_FIELDS_MESSAGE(X, P)                                                             \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, user_id, INT, REQ, none)                                                                  \
    X(P, created_at, DATETIME, REQ, none)                                                          \
    X(P, message, STRING, REQ, none)                                                               \
    X(P, staff_only, BOOL, REQ, none)                                                              \
    X(P, files, ARRAY_STRING, REQ, none)

/* IndexOrder */
#define SPP_MODEL_FIELDS_INDEX_ORDER(X, P)                                                         \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, created_at, DATETIME, REQ, none)                                                          \
    X(P, updated_at, DATETIME, REQ, none)                                                          \
    X(P, last_message_at, DATETIME, REQ, none)                                                     \
    X(P, date_started, DATETIME, REQ, none)                                                        \
    X(P, date_completed, DATETIME, REQ, none)                                                      \
    X(P, date_due, DATETIME, REQ, none)                                                            \
    X(P, client, STRUCT, REQ, user)                                                                \
    X(P, tags, ARRAY_STRING, REQ, none)                                                            \
    X(P, status, STRING, REQ, none)                                                                \
    X(P, price, NUMBER, REQ, none)                                                                 \
    X(P, quantity, INT, REQ, none)                                                                 \
    X(P, invoice_id, INT, REQ, none)                                                               \
    X(P, service, STRING, REQ, none)                                                               \
    X(P, service_id, INT, REQ, none)                                                               \
    X(P, user_id, INT, REQ, none)                                                                  \
    X(P, employees, ARRAY_OBJECT, REQ, none)                                                       \
    X(P, note, STRING, REQ, none)                                                                  \
    X(P, form_data, OBJECT, REQ, none)                                                             \
    X(P, paysys, STRING, REQ, none)                                                                \
    X(P, currency, STRING, OPT, none)                                                              \
    X(P, subscription, STRUCT, OPT, subscription)                                                  \
    X(P, options, OBJECT, OPT, none)                                                               \
    X(P, invoice, STRUCT, OPT, invoice)                                                            \
    X(P, order_service, STRUCT, OPT, service)                                                      \
    X(P, addons, ARRAY_STRUCT, OPT, addon)                                                         \
    X(P, ratings, ARRAY_STRUCT, OPT, rating)                                                       \
    X(P, messages, ARRAY_STRUCT, OPT, message)

/* User */
#define SPP_MODEL_FIELDS_USER(X, P)                                                                \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, aff_id, INT, REQ, none)                                                                   \
    X(P, aff_link, STRING, REQ, none)                                                              \
    X(P, created_at, DATETIME, REQ, none)                                                          \
    X(P, name_f, STRING, REQ, none)                                                                \
    X(P, name_l, STRING, REQ, none)                                                                \
    X(P, email, STRING, REQ, none)                                                                 \
    X(P, company, STRING, REQ, none)                                                               \
    X(P, tax_id, STRING, REQ, none)                                                                \
    X(P, phone, STRING, REQ, none)                                                                 \
    X(P, address, STRUCT, REQ, address)                                                            \
    X(P, note, STRING, REQ, none)                                                                  \
    X(P, balance, NUMBER, REQ, none)                                                               \
    X(P, optin, STRING, REQ, none)                                                                 \
    X(P, stripe_id, STRING, REQ, none)                                                             \
    X(P, custom_fields, OBJECT, REQ, none)                                                         \
    X(P, status, INT, REQ, none)                                                                   \
    X(P, role_id, INT, REQ, none)                                                                  \
    X(P, role, STRUCT, REQ, role)                                                                  \
    X(P, name, STRING, REQ, none)                                                                  \
    X(P, spent, NSTRING, REQ, none)                                                                \
    X(P, employee_id, INT, REQ, none)                                                              \
    X(P, managers, ARRAY_STRUCT, REQ, user_manager)                                                \
    X(P, ga_cid, STRING, REQ, none)                                                                \
    X(P, team_owner_ids, ARRAY_INT, REQ, none)                                                     \
    X(P, team_member_ids, ARRAY_INT, REQ, none)

/* Address */
#define SPP_MODEL_FIELDS_ADDRESS(X, P)                                                             \
    X(P, line_1, STRING, REQ, none)                                                                \
    X(P, line_2, STRING, REQ, none)                                                                \
    X(P, city, STRING, REQ, none)                                                                  \
    X(P, country, STRING, REQ, none)                                                               \
    X(P, state, STRING, REQ, none)                                                                 \
    X(P, postcode, STRING, REQ, none)                                                              \
    X(P, name_f, STRING, REQ, none)                                                                \
    X(P, name_l, STRING, REQ, none)                                                                \
    X(P, tax_id, STRING, REQ, none)                                                                \
    X(P, company_name, STRING, REQ, none)                                                          \
    X(P, company_vat, STRING, REQ, none)

/* Role */
#define SPP_MODEL_FIELDS_ROLE(X, P)                                                                \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, name, STRING, REQ, none)                                                                  \
    X(P, dashboard_access, INT, REQ, none)                                                         \
    X(P, affiliates, INT, REQ, none)                                                               \
    X(P, clients, INT, REQ, none)                                                                  \
    X(P, coupons, INT, REQ, none)                                                                  \
    X(P, created_at, DATETIME, REQ, none)                                                          \
    X(P, forms, INT, REQ, none)                                                                    \
    X(P, invoice_access, INT, REQ, none)                                                           \
    X(P, invoice_management, INT, REQ, none)                                                       \
    X(P, messaging, INT, REQ, none)                                                                \
    X(P, order_access, INT, REQ, none)                                                             \
    X(P, order_management, INT, REQ, none)                                                         \
    X(P, rank_tracking, INT, REQ, none)                                                            \
    X(P, services, INT, REQ, none)                                                                 \
    X(P, team, BOOL, REQ, none)                                                                    \
    X(P, settings, BOOL, REQ, none)                                                                \
    X(P, ticket_access, INT, REQ, none)                                                            \
    X(P, ticket_management, INT, REQ, none)                                                        \
    X(P, settings_company, BOOL, REQ, none)                                                        \
    X(P, settings_payments, BOOL, REQ, none)                                                       \
    X(P, settings_team, BOOL, REQ, none)                                                           \
    X(P, settings_modules, BOOL, REQ, none)                                                        \
    X(P, settings_integrations, BOOL, REQ, none)                                                   \
    X(P, settings_orders, BOOL, REQ, none)                                                         \
    X(P, settings_tickets, BOOL, REQ, none)                                                        \
    X(P, settings_accounts, BOOL, REQ, none)                                                       \
    X(P, settings_messages, BOOL, REQ, none)                                                       \
    X(P, settings_tags, BOOL, REQ, none)                                                           \
    X(P, settings_sidebar, BOOL, REQ, none)                                                        \
    X(P, settings_dashboard, BOOL, REQ, none)                                                      \
    X(P, settings_templates, BOOL, REQ, none)                                                      \
    X(P, settings_emails, BOOL, REQ, none)                                                         \
    X(P, settings_language, BOOL, REQ, none)                                                       \
    X(P, settings_logs, BOOL, REQ, none)                                                           \
    X(P, updated_at, DATETIME, REQ, none)

/* UserManager */
#define SPP_MODEL_FIELDS_USER_MANAGER(X, P)                                                        \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, name, STRING, REQ, none)                                                                  \
    X(P, name_f, STRING, REQ, none)                                                                \
    X(P, name_l, STRING, REQ, none)                                                                \
    X(P, email, STRING, REQ, none)                                                                 \
    X(P, role_id, INT, REQ, none)

/* Subscription */
#define SPP_MODEL_FIELDS_SUBSCRIPTION(X, P)                                                        \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, number, STRING, OPT, none)                                                                \
    X(P, invoice_id, STRING, REQ, none)                                                            \
    X(P, status, STRING, REQ, none)                                                                \
    X(P, processor_id, STRING, REQ, none)                                                          \
    X(P, current_period_end, DATETIME, REQ, none)                                                  \
    X(P, payments, ARRAY_OBJECT, REQ, none)                                                        \
    X(P, orders, ARRAY_STRING, REQ, none)                                                          \
    X(P, payment_count, INT, REQ, none)                                                            \
    X(P, client, STRUCT, REQ, user)

/* Invoice */
#define SPP_MODEL_FIELDS_INVOICE(X, P)                                                             \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, number, STRING, REQ, none)                                                                \
    X(P, number_prefix, STRING, OPT, none)                                                         \
    X(P, client, STRUCT, REQ, user)                                                                \
    X(P, items, ARRAY_STRUCT, REQ, invoice_item)                                                   \
    X(P, billing_address, STRUCT, REQ, address)                                                    \
    X(P, status, STRING, REQ, none)                                                                \
    X(P, status_id, INT, REQ, none)                                                                \
    X(P, created_at, DATETIME, REQ, none)                                                          \
    X(P, date_due, DATETIME, REQ, none)                                                            \
    X(P, date_paid, DATETIME, REQ, none)                                                           \
    X(P, credit, NUMBER, REQ, none)                                                                \
    X(P, tax, NUMBER, REQ, none)                                                                   \
    X(P, tax_name, STRING, REQ, none)                                                              \
    X(P, tax_percent, NUMBER, REQ, none)                                                           \
    X(P, currency, STRING, REQ, none)                                                              \
    X(P, reason, STRING, REQ, none)                                                                \
    X(P, note, STRING, REQ, none)                                                                  \
    X(P, ip_address, STRING, REQ, none)                                                            \
    X(P, loc_confirm, BOOL, REQ, none)                                                             \
    X(P, recurring, OBJECT, REQ, none)                                                             \
    X(P, coupon_id, INT, REQ, none)                                                                \
    X(P, transaction_id, STRING, REQ, none)                                                        \
    X(P, paysys, STRING, REQ, none)                                                                \
    X(P, subtotal, NUMBER, REQ, none)                                                              \
    X(P, total, NUMBER, REQ, none)                                                                 \
    X(P, employee_id, INT, REQ, none)                                                              \
    X(P, view_link, STRING, REQ, none)                                                             \
    X(P, download_link, STRING, REQ, none)                                                         \
    X(P, thanks_link, STRING, REQ, none)

/* InvoiceItem */
#define SPP_MODEL_FIELDS_INVOICE_ITEM(X, P)                                                        \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, invoice_id, INT, REQ, none)                                                               \
    X(P, amount, STRING, REQ, none)                                                                \
    X(P, created_at, DATETIME, REQ, none)                                                          \
    X(P, description, STRING, REQ, none)                                                           \
    X(P, discount, STRING, REQ, none)                                                              \
    X(P, discount2, STRING, REQ, none)                                                             \
    X(P, name, STRING, REQ, none)                                                                  \
    X(P, options, OBJECT, REQ, none)                                                               \
    X(P, order_id, INT, REQ, none)                                                                 \
    X(P, quantity, INT, REQ, none)                                                                 \
    X(P, service_id, INT, REQ, none)                                                               \
    X(P, total, STRING, REQ, none)                                                                 \
    X(P, updated_at, DATETIME, REQ, none)

/* Service */
#define SPP_MODEL_FIELDS_SERVICE(X, P)                                                             \
    X(P, id, INT, REQ, none)                                                                       \
    X(P, name, STRING, REQ, none)                                                                  \
    X(P, description, STRING, REQ, none)                                                           \
    X(P, image, STRING, REQ, none)                                                                 \
    X(P, recurring, BOOL, REQ, none)                                                               \
    X(P, price, NUMBER, REQ, none)                                                                 \
    X(P, pretty_price, STRING, REQ, none)                                                          \
    X(P, currency, STRING, REQ, none)                                                              \
    X(P, f_price, NUMBER, REQ, none)                                                               \
    X(P, f_period_l, INT, REQ, none)                                                               \
    X(P, f_period_t, STRING, REQ, none)                                                            \
    X(P, r_price, NUMBER, REQ, none)                                                               \
    X(P, r_period_l, INT, REQ, none)                                                               \
    X(P, r_period_t, STRING, REQ, none)                                                            \
    X(P, recurring_action, STRING, REQ, none)                                                      \
    X(P, multi_order, BOOL, REQ, none)                                                             \
    X(P, request_orders, BOOL, REQ, none)                                                          \
    X(P, option_categories, ARRAY_INT, REQ, none)                                                  \
    X(P, option_variants, ARRAY_INT, REQ, none)                                                    \
    X(P, deadline, INT, REQ, none)                                                                 \
    X(P, public, BOOL, REQ, none)                                                                  \
    X(P, sort_order, INT, REQ, none)                                                               \
    X(P, braintree_plan_id, STRING, REQ, none)                                                     \
    X(P, group_quantities, BOOL, REQ, none)                                                        \
    X(P, addon_to, ARRAY_INT, REQ, none)                                                           \
    X(P, folder_id, INT, REQ, none)                                                                \
    X(P, metadata, OBJECT, REQ, none)                                                              \
    X(P, hoth_product_key, STRING, REQ, none)                                                      \
    X(P, hoth_package_name, STRING, REQ, none)                                                     \
    X(P, created_at, DATETIME, REQ, none)                                                          \
    X(P, updated_at, DATETIME, REQ, none)                                                          \
    X(P, provider_id, INT, REQ, none)                                                              \
    X(P, provider_service_id, INT, REQ, none)                                                      \
    X(P, deleted_at, DATETIME, REQ, none)                                                          \
    X(P, media, ARRAY_OBJECT, REQ, none)

/* Rating */
#define SPP_MODEL_FIELDS_RATING(X, P)                                                              \
    X(P, user_id, INT, REQ, none)                                                                  \
    X(P, rating, INT, REQ, none)

/* Addon */
#define SPP_MODEL_FIELDS_ADDON(X, P)                                                               \
    X(P, id, INT, OPT, none)                                                                       \
    X(P, addon_to, ARRAY_INT, OPT, none)                                                           \
    X(P, name, STRING, OPT, none)

/* Links */
#define SPP_MODEL_FIELDS_LINKS(X, P)                                                               \
    X(P, first, STRING, REQ, none)                                                                 \
    X(P, last, STRING, REQ, none)                                                                  \
    X(P, prev, NSTRING, REQ, none)                                                                 \
    X(P, next, NSTRING, REQ, none)

/* SaveTicketRequest */
#define SPP_MODEL_FIELDS_SAVE_TICKET_REQUEST(X, P)                                                 \
    X(P, status, INT, OPT, none)                                                                   \
    X(P, employees, ARRAY_INT, OPT, none)                                                          \
    X(P, tags, ARRAY_STRING, OPT, none)                                                            \
    X(P, order, STRING, OPT, none)                                                                 \
    X(P, metadata, ARRAY_STRING, OPT, none)                                                        \
    X(P, subject, STRING, OPT, none)

/* ---- structs and field indices generated from the lists ----------------- */

#define SPP_MODEL_CTYPE_INT(n)            int64_t
#define SPP_MODEL_CTYPE_NUMBER(n)         double
#define SPP_MODEL_CTYPE_STRING(n)         struct spp_model_str
#define SPP_MODEL_CTYPE_NSTRING(n)        struct spp_model_str
#define SPP_MODEL_CTYPE_BOOL(n)           bool
#define SPP_MODEL_CTYPE_DATETIME(n)       struct spp_model_str
#define SPP_MODEL_CTYPE_OBJECT(n)         struct spp_json *
#define SPP_MODEL_CTYPE_STRUCT(n)         struct spp_##n *
#define SPP_MODEL_CTYPE_STRUCT_OR_NULL(n) struct spp_##n *
#define SPP_MODEL_CTYPE_ARRAY_INT(n)      struct spp_model_ints
#define SPP_MODEL_CTYPE_ARRAY_STRING(n)   struct spp_model_strs
#define SPP_MODEL_CTYPE_ARRAY_STRUCT(n)   struct spp_model_array
#define SPP_MODEL_CTYPE_ARRAY_OBJECT(n)   struct spp_model_objs

#define SPP_MODEL_MEMBER(P, f, T, r, n) SPP_MODEL_CTYPE_##T(n) f;
#define SPP_MODEL_INDEX(P, f, T, r, n)  SPP_MODEL_F_##P##_##f,
#define SPP_MODEL_ONE(P, f, T, r, n)    +1

/*
 * For each component: struct spp_<tag> { uint64_t present; <fields> };
 * enum values SPP_MODEL_F_<tag>_<field> (the field's index and presence bit);
 * SPP_MODEL_NFIELDS_<tag>.
 */
#define SPP_MODEL_DECLARE(tag, LIST)                                                               \
    struct spp_##tag {                                                                             \
        uint64_t present;                                                                          \
        LIST(SPP_MODEL_MEMBER, tag)                                                                \
    };                                                                                             \
    enum { LIST(SPP_MODEL_INDEX, tag) SPP_MODEL_NFIELDS_##tag };                                   \
    _Static_assert((0 LIST(SPP_MODEL_ONE, tag)) <= 64, "presence bitmask holds 64 fields")

struct spp_ticket;
SPP_MODEL_DECLARE(ticket_employee, SPP_MODEL_FIELDS_TICKET_EMPLOYEE);
SPP_MODEL_DECLARE(message, SPP_MODEL_FIELDS_MESSAGE);
SPP_MODEL_DECLARE(address, SPP_MODEL_FIELDS_ADDRESS);
SPP_MODEL_DECLARE(role, SPP_MODEL_FIELDS_ROLE);
SPP_MODEL_DECLARE(user_manager, SPP_MODEL_FIELDS_USER_MANAGER);
SPP_MODEL_DECLARE(user, SPP_MODEL_FIELDS_USER);
SPP_MODEL_DECLARE(subscription, SPP_MODEL_FIELDS_SUBSCRIPTION);
SPP_MODEL_DECLARE(invoice_item, SPP_MODEL_FIELDS_INVOICE_ITEM);
SPP_MODEL_DECLARE(invoice, SPP_MODEL_FIELDS_INVOICE);
SPP_MODEL_DECLARE(service, SPP_MODEL_FIELDS_SERVICE);
SPP_MODEL_DECLARE(rating, SPP_MODEL_FIELDS_RATING);
SPP_MODEL_DECLARE(addon, SPP_MODEL_FIELDS_ADDON);
SPP_MODEL_DECLARE(index_order, SPP_MODEL_FIELDS_INDEX_ORDER);
SPP_MODEL_DECLARE(ticket, SPP_MODEL_FIELDS_TICKET);
SPP_MODEL_DECLARE(links, SPP_MODEL_FIELDS_LINKS);
SPP_MODEL_DECLARE(save_ticket_request, SPP_MODEL_FIELDS_SAVE_TICKET_REQUEST);

/* Presence of an optional field: SPP_MODEL_HAS(req, save_ticket_request, status). */
#define SPP_MODEL_BIT(tag, field)              (UINT64_C(1) << SPP_MODEL_F_##tag##_##field)
#define SPP_MODEL_HAS(obj, tag, field)         (((obj)->present & SPP_MODEL_BIT(tag, field)) != 0)
#define SPP_MODEL_SET_PRESENT(obj, tag, field) ((obj)->present |= SPP_MODEL_BIT(tag, field))

/* The descriptor of each struct (also reachable by component name). */
extern const struct spp_model_desc spp_model_ticket;
extern const struct spp_model_desc spp_model_ticket_employee;
extern const struct spp_model_desc spp_model_message;
extern const struct spp_model_desc spp_model_index_order;
extern const struct spp_model_desc spp_model_user;
extern const struct spp_model_desc spp_model_address;
extern const struct spp_model_desc spp_model_role;
extern const struct spp_model_desc spp_model_user_manager;
extern const struct spp_model_desc spp_model_subscription;
extern const struct spp_model_desc spp_model_invoice;
extern const struct spp_model_desc spp_model_invoice_item;
extern const struct spp_model_desc spp_model_service;
extern const struct spp_model_desc spp_model_rating;
extern const struct spp_model_desc spp_model_addon;
extern const struct spp_model_desc spp_model_links;
extern const struct spp_model_desc spp_model_save_ticket_request;

/* ---- the generic codec -------------------------------------------------- */

/*
 * Decodes json as an instance of desc into out (desc->size bytes of caller
 * storage; for a top-level call typically a struct spp_<tag>). errs may be
 * NULL; it is cleared first and collects every mismatch. Returns SPP_OK,
 * SPP_EINVALID (mismatches; out untouched), SPP_ENOMEM (out untouched) or
 * SPP_EINVAL (NULL desc/out). On success out owns what it points to; release
 * it with spp_model_free.
 */
enum spp_code spp_model_decode(const struct spp_model_desc *desc, const struct spp_json *json,
                               void *out, struct spp_model_errors *errs);

/*
 * Encodes obj (an instance of desc) as a new JSON object, fields in table
 * order; required fields always, optional ones when present. Returns NULL and
 * fills err (optional) on SPP_ENOMEM, SPP_EINVAL (a non-nullable string,
 * object or struct pointer is NULL; err->where is its pointer) or SPP_ELIMIT
 * (ticket chain deeper than SPP_MODEL_MAX_TICKET_DEPTH). Free with spp_json_free.
 */
struct spp_json *spp_model_encode(const struct spp_model_desc *desc, const void *obj,
                                  struct spp_err *err);

/*
 * Releases everything obj owns (not obj itself) and zeroes it; obj may be
 * NULL. Ignores the presence bits: every non-NULL pointer is owned.
 */
void spp_model_free(const struct spp_model_desc *desc, void *obj);

/*
 * Deep equality of two instances of desc: the same presence bits and equal
 * values of every present or required field (objects by spp_json_equal,
 * numbers by ==). Depth-limited like the codec (deeper compares unequal).
 */
bool spp_model_equal(const struct spp_model_desc *desc, const void *a, const void *b);

/* ---- typed wrappers ----------------------------------------------------- */

/* Decodes a TicketResource into a new *out (free with spp_ticket_free); see spp_model_decode. */
enum spp_code spp_ticket_decode(const struct spp_json *json, struct spp_ticket **out,
                                struct spp_model_errors *errs);
struct spp_json *spp_ticket_encode(const struct spp_ticket *t, struct spp_err *err);
/* Frees t and everything it owns; NULL is fine. */
void spp_ticket_free(struct spp_ticket *t);

enum spp_code spp_save_ticket_request_decode(const struct spp_json *json,
                                             struct spp_save_ticket_request **out,
                                             struct spp_model_errors *errs);
struct spp_json *spp_save_ticket_request_encode(const struct spp_save_ticket_request *r,
                                                struct spp_err *err);
void spp_save_ticket_request_free(struct spp_save_ticket_request *r);

#endif
