/*
 * mock_int — what the files of the mock module share (not public API).
 *
 * mock.c       the server: routing, auth, validation, state, answers (libmicrohttpd)
 * mock_data.c  the generated TicketResource and its fixed tables
 * mock_fault.c fault specs: parsing, the table, and rewriting a 200 body
 * mock_replay.c loading a folder of recorded answers
 */
#ifndef SPP_MOCK_INT_H
#define SPP_MOCK_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "json.h"
#include "mock.h"

/* "2021-09-01T00:00:00+00:00" plus NUL. */
#define SPP_MOCK_DATE_MAX 32

/* Formats t (UTC) as RFC 3339 with a "+00:00" offset. */
void spp_mock_format_time(time_t t, char buf[SPP_MOCK_DATE_MAX]);

/*
 * The initial ticket: a complete TicketResource without its nested `ticket`
 * member (the server adds it per answer). NULL on allocation failure.
 */
struct spp_json *spp_mock_data_ticket(uint64_t seed, time_t now);
/* The IndexOrder of known order index idx (see spp_mock_order_ids); NULL on failure. */
struct spp_json *spp_mock_data_order(uint64_t seed, size_t idx);
/* The TicketEmployee object of known employee index idx; NULL on failure. */
struct spp_json *spp_mock_data_employee(size_t idx);

/*
 * Rewrites *body for one body fault (drop, retype, bad-date, extra-field,
 * body-array); other kinds leave it alone. A pointer that leads nowhere is a
 * no-op. On SPP_ENOMEM *body is unchanged.
 */
enum spp_code spp_mock_fault_apply_body(const struct spp_mock_fault *f, struct spp_json **body);
/* Whether spp_mock_fault_apply_body rewrites the body for this kind. */
bool spp_mock_fault_is_body(enum spp_mock_fault_kind kind);

struct spp_mock_header {
    char *name;
    char *value;
};

struct spp_mock_recording {
    char *body; /* malloc'd, len bytes */
    size_t len;
    unsigned status;
    struct spp_mock_header *headers;
    size_t nheaders;
};

/*
 * Loads every "*.json" (not "*.meta.json") of dir in strcmp order with its
 * meta file. Empty folder, unreadable file or bad meta: an error naming the file.
 */
enum spp_code spp_mock_replay_load(const char *dir, struct spp_mock_recording **out, size_t *count,
                                   struct spp_err *err);
void spp_mock_replay_free(struct spp_mock_recording *recs, size_t count);

#endif
