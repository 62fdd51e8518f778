/*
 * mock — an embedded mock of the Tickets API (PUT /api/tickets/{ticket}),
 * conformant by default, with known defects ("faults") that can be planted
 * one by one so the checks of `spp-harness check` can be shown to catch them.
 *
 * The server is libmicrohttpd (internal polling thread, epoll, a thread
 * pool). It keeps one ticket as a JSON tree (a complete TicketResource
 * without its nested `ticket`), applies validated updates to it under a
 * mutex, and answers each request from a deep copy taken under that mutex,
 * so concurrent requests never see or make a half-applied update.
 *
 * Fixed data (scripts and the check plan may depend on it):
 *   - ticket id: "E4A269FC" unless opts.ticket_id is set; any other id is 404.
 *   - employees the server knows: spp_mock_employee_ids(); orders it knows:
 *     spp_mock_order_ids() (the request's `order` is the decimal id as a string).
 *   - status ids → names: spp_mock_statuses() (1 Open, 2 Pending, 3 Closed, ...).
 *   - request `metadata` (array of strings) is stored as the object
 *     {"0": first, "1": second, ...} (index → string), replacing the old one.
 *   - an empty request body means "no changes" (as a Laravel server treats it).
 *   - `updated_at` strictly increases (at least one second) on every successful
 *     update, even when two updates land in the same second.
 *   - reset-omitted:FIELD resets to: subject "", status "", tags [], employees [],
 *     metadata {}, order → order_id 0 (the order object is left as it was).
 *   - opts.seed only varies the generated texts, dates and amounts; ids and the
 *     tables above do not depend on it. X-Api-Identifier is always a fresh
 *     random UUID v4.
 *
 * Replay (opts.replay_dir): the folder holds `<sha256>.json` bodies and
 * `<sha256>.meta.json` files `{"status":200,"headers":{"Content-Type":...}}`
 * (a missing meta file means 200 + application/json). Every authenticated PUT
 * to a known ticket is answered with the next recording in sorted file-name
 * order, cycling back to the first after the last; the request body is read
 * (size cap applies) but not validated. Auth, 404 and 405 rules still apply.
 *
 * Ownership: spp_mock_start copies everything it needs from opts (strings,
 * faults); the caller may free opts right after. spp_mock_stop frees the mock
 * and accepts NULL. Library code never prints.
 */
#ifndef SPP_MOCK_H
#define SPP_MOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct spp_mock;

/* Request bodies above this are 413 (a real ticket update is a few KiB). */
#define SPP_MOCK_MAX_BODY ((size_t)1024 * 1024)
/* delay:MS is bounded so a mistyped spec cannot hang a run. */
#define SPP_MOCK_MAX_DELAY_MS    60000
#define SPP_MOCK_DEFAULT_TICKET  "E4A269FC"
#define SPP_MOCK_DEFAULT_THREADS 4
/* Subjects, tags and metadata strings: at most this many code points (the server's column). */
#define SPP_MOCK_MAX_STRING 255
/* At most this many elements in a request array (employees, tags, metadata). */
#define SPP_MOCK_MAX_ITEMS  100
#define SPP_MOCK_MAX_FAULTS 64
/* Recordings served in replay mode, and the size of one recorded body. */
#define SPP_MOCK_MAX_RECORDINGS      10000
#define SPP_MOCK_MAX_RECORDING_BYTES ((size_t)16 * 1024 * 1024)

/*
 * The faults: enum, spec name, argument, what it does, and the check of
 * `spp-harness check` that must catch it ("" = none, reported as drift).
 * Append-only: users' scripts use the names.
 */
#define SPP_MOCK_FAULT_LIST(X)                                                                     \
    X(SPP_MOCK_FAULT_DROP, "drop", SPP_MOCK_ARG_POINTER,                                           \
      "remove the field at a JSON Pointer into the 200 body", "response_schema_conformance")       \
    X(SPP_MOCK_FAULT_RETYPE, "retype", SPP_MOCK_ARG_POINTER,                                       \
      "change the type of the field at PTR (string<->number, object/array/bool->string, "          \
      "null->0)",                                                                                  \
      "response_schema_conformance")                                                               \
    X(SPP_MOCK_FAULT_BAD_DATE, "bad-date", SPP_MOCK_ARG_POINTER,                                   \
      "put a non-RFC-3339 date string at PTR", "response_schema_conformance")                      \
    X(SPP_MOCK_FAULT_BODY_ARRAY, "body-array", SPP_MOCK_ARG_NONE,                                  \
      "the 200 body is a JSON array holding the ticket", "response_schema_conformance")            \
    X(SPP_MOCK_FAULT_BODY_TRUNCATED, "body-truncated", SPP_MOCK_ARG_NONE,                          \
      "the 200 body is cut in the middle (Content-Length matches the cut body)",                   \
      "response_schema_conformance")                                                               \
    X(SPP_MOCK_FAULT_CONTENT_TYPE, "content-type", SPP_MOCK_ARG_TEXT,                              \
      "the 200 answer carries Content-Type TYPE", "content_type_conformance")                      \
    X(SPP_MOCK_FAULT_NO_HEADER, "no-header", SPP_MOCK_ARG_HEADER,                                  \
      "omit the header NAME (X-Api-Identifier or X-Api-Version) from the 200 answer",              \
      "response_headers_conformance")                                                              \
    X(SPP_MOCK_FAULT_ACCEPT_INVALID, "accept-invalid", SPP_MOCK_ARG_NONE,                          \
      "answer 200 to bodies that must get 400 (invalid fields are ignored)",                       \
      "negative_data_rejection")                                                                   \
    X(SPP_MOCK_FAULT_IGNORE_AUTH, "ignore-auth", SPP_MOCK_ARG_NONE,                                \
      "do not check the bearer token", "ignored_auth")                                             \
    X(SPP_MOCK_FAULT_FOUND_UNKNOWN, "found-unknown", SPP_MOCK_ARG_NONE,                            \
      "answer 200 for unknown ticket ids", "not_found_conformance")                                \
    X(SPP_MOCK_FAULT_ERROR_500, "error-500", SPP_MOCK_ARG_FIELD,                                   \
      "answer 500 when request FIELD holds a boundary value (\"\", > 255 characters, "             \
      "0, negative, >= 2^31, [])",                                                                 \
      "not_a_server_error")                                                                        \
    X(SPP_MOCK_FAULT_NO_UPDATE, "no-update", SPP_MOCK_ARG_FIELD,                                   \
      "accept request FIELD but do not apply it", "update_applied")                                \
    X(SPP_MOCK_FAULT_RESET_OMITTED, "reset-omitted", SPP_MOCK_ARG_FIELD,                           \
      "when a request omits FIELD, reset it to an empty value", "omitted_fields_unchanged")        \
    X(SPP_MOCK_FAULT_STATUS, "status", SPP_MOCK_ARG_CODE,                                          \
      "answer status CODE (JSON body) to every authenticated valid request",                       \
      "status_code_conformance")                                                                   \
    X(SPP_MOCK_FAULT_DELAY, "delay", SPP_MOCK_ARG_MS,                                              \
      "sleep MS milliseconds (at most 60000) before answering", "max_response_time")               \
    X(SPP_MOCK_FAULT_CLOSE_MID_BODY, "close-mid-body", SPP_MOCK_ARG_NONE,                          \
      "announce the full Content-Length, send half the body, close the connection",                \
      "transport_error")                                                                           \
    X(SPP_MOCK_FAULT_EXTRA_FIELD, "extra-field", SPP_MOCK_ARG_POINTER,                             \
      "add an undocumented property at PTR (drift, not a failure)", "")

enum spp_mock_fault_kind {
#define SPP_X_FAULT(e, name, arg, what, check) e,
    SPP_MOCK_FAULT_LIST(SPP_X_FAULT)
#undef SPP_X_FAULT
        SPP_MOCK_FAULT_COUNT
};

/* What follows the ':' of a spec. */
enum spp_mock_arg {
    SPP_MOCK_ARG_NONE,    /* no ':' allowed */
    SPP_MOCK_ARG_POINTER, /* a JSON Pointer starting with '/' */
    SPP_MOCK_ARG_TEXT,    /* any non-empty printable text (a media type) */
    SPP_MOCK_ARG_HEADER,  /* X-Api-Identifier or X-Api-Version (case-insensitive) */
    SPP_MOCK_ARG_FIELD,   /* a SaveTicketRequest field: status employees tags order metadata subject
                           */
    SPP_MOCK_ARG_CODE,    /* an HTTP status code 200..599 */
    SPP_MOCK_ARG_MS,      /* milliseconds 0..SPP_MOCK_MAX_DELAY_MS */
};

#define SPP_MOCK_FAULT_ARG_MAX 256
#define SPP_MOCK_VERSION_MAX   16

struct spp_mock_fault {
    enum spp_mock_fault_kind kind;
    char arg[SPP_MOCK_FAULT_ARG_MAX];   /* pointer, media type, header or field; "" when none */
    long num;                           /* status code or milliseconds; 0 otherwise */
    char version[SPP_MOCK_VERSION_MAX]; /* "2023-12-14": only for that version; "" = all */
};

struct spp_mock_fault_info {
    enum spp_mock_fault_kind kind;
    const char *name; /* "drop" */
    enum spp_mock_arg arg;
    const char *what;  /* one sentence */
    const char *check; /* the check that must catch it; "" when none (drift) */
};

/*
 * Parses one --fault spec: NAME, NAME:ARG, either optionally followed by
 * "@VERSION" (the text after the LAST '@' is the version, so a pointer that
 * contains '@' needs an explicit version suffix). Errors (SPP_EUSAGE): unknown
 * name, missing or unexpected argument, pointer not starting with '/', bad
 * number, unsupported version. *out is written only on success.
 */
enum spp_code spp_mock_fault_parse(const char *spec, struct spp_mock_fault *out,
                                   struct spp_err *err);
/* The static table of faults, in declaration order; never NULL. */
const struct spp_mock_fault_info *spp_mock_list_faults(size_t *count);
/* What to write after the name for an argument kind: ":PTR", ":TYPE", ... ("" for none). */
const char *spp_mock_fault_arg_usage(enum spp_mock_arg arg);
/* The entry of one kind; NULL for values outside the list. */
const struct spp_mock_fault_info *spp_mock_fault_info(enum spp_mock_fault_kind kind);

struct spp_mock_status {
    int id;
    const char *name;
};
/* The status id → name table (static). */
const struct spp_mock_status *spp_mock_statuses(size_t *count);
/* The employee ids and order ids the mock knows (static). */
const long *spp_mock_employee_ids(size_t *count);
const long *spp_mock_order_ids(size_t *count);

/*
 * Supported X-Api-Version values in request form ("2024-03-05"), default
 * first. A request may also use the compact response form ("20240305").
 */
const char *const *spp_mock_versions(size_t *count);
/* The request form of a supported version given in either form; NULL when unsupported. */
const char *spp_mock_version_canonical(const char *v);

struct spp_mock_opts {
    const char *host;                    /* IPv4 literal or "localhost"; NULL: 127.0.0.1 */
    unsigned port;                       /* 0: an ephemeral port (see spp_mock_port) */
    const char *token;                   /* required, non-empty: the accepted bearer token */
    const char *ticket_id;               /* NULL: SPP_MOCK_DEFAULT_TICKET */
    uint64_t seed;                       /* varies generated texts/dates/amounts */
    const struct spp_mock_fault *faults; /* nfaults entries, copied */
    size_t nfaults;                      /* at most SPP_MOCK_MAX_FAULTS */
    const char *replay_dir;              /* NULL: generate answers */
    unsigned threads;                    /* 0: SPP_MOCK_DEFAULT_THREADS */
};

/*
 * Starts the server; on success *out owns it and it is already accepting
 * connections. Busy or forbidden address: SPP_EIO naming host:port (errno
 * text); bad opts: SPP_EINVAL; unreadable or empty replay folder or a bad
 * recording: SPP_EIO / SPP_ESYNTAX with err->where the file.
 */
enum spp_code spp_mock_start(const struct spp_mock_opts *opts, struct spp_mock **out,
                             struct spp_err *err);
/* The bound port (the real one when opts.port was 0); 0 for NULL. */
unsigned spp_mock_port(const struct spp_mock *m);
/* "http://127.0.0.1:PORT" (borrowed, lives as long as the mock); NULL for NULL. */
const char *spp_mock_url(const struct spp_mock *m);
/* Stops serving (in-flight delays are cut short), joins the threads, frees. Accepts NULL. */
void spp_mock_stop(struct spp_mock *m);

/*
 * The status map as JSON text {"1":"Open",...} (malloc'd, free with free());
 * NULL on allocation failure.
 */
char *spp_mock_status_map_json(void);

/*
 * Writes a fresh random token (64 hex digits from /dev/urandom) into buf
 * (cap >= 65). SPP_EIO when the random source cannot be read.
 */
enum spp_code spp_mock_random_token(char *buf, size_t cap, struct spp_err *err);

struct spp_json_doc;
/*
 * The embedded mock of check and replay: a fresh random token written into token (cap >= 65),
 * the mock started on 127.0.0.1 for ticket_id (NULL: the default) and seed, and, when
 * status_map is not NULL, the mock's status map parsed into *status_map (left NULL when it
 * cannot be built). On failure nothing is left running; err says which step failed.
 */
enum spp_code spp_mock_start_embedded(const char *ticket_id, uint64_t seed, char *token, size_t cap,
                                      struct spp_mock **out, struct spp_json_doc **status_map,
                                      struct spp_err *err);

#endif
