/*
 * rawserver — a tiny, deliberately hostile HTTP/1.1 server for the HTTP
 * client tests: plain sockets on 127.0.0.1, an ephemeral port, one thread
 * accepting and one thread per connection, each connection scripted by the
 * server's mode (answer with given bytes, echo the path, never answer, drip,
 * reset mid-body, endless bodies, header flood).
 *
 * Readiness without sleeps: rawserver_start binds and listens before it
 * starts the accept thread, so the port is connectable when it returns.
 * rawserver_stop wakes every thread through a pipe, joins them and closes
 * everything; it never waits on a client.
 */
#ifndef SPP_TEST_RAWSERVER_H
#define SPP_TEST_RAWSERVER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

enum rawserver_mode {
    RAWSERVER_SCRIPT,          /* request k gets responses[min(k, count - 1)] verbatim */
    RAWSERVER_ECHO_PATH,       /* 200 whose body is the request target */
    RAWSERVER_ECHO_REQUEST,    /* 200 whose body is the whole request, head and body */
    RAWSERVER_SILENT,          /* reads the request, never answers */
    RAWSERVER_DRIP,            /* 200, Content-Length 1000, then one byte per drip_ms */
    RAWSERVER_RESET_MID_BODY,  /* 200, Content-Length 1000, 10 bytes, then a TCP RST */
    RAWSERVER_BIG_BODY,        /* 200, Content-Length big_body_bytes, zeros */
    RAWSERVER_ENDLESS_CHUNKED, /* 200, chunked, chunks forever */
    RAWSERVER_HEADER_FLOOD,    /* 200 status line, then header lines forever */
};

struct rawserver_config {
    enum rawserver_mode mode;
    const char *const *responses; /* RAWSERVER_SCRIPT: raw response bytes (NUL-terminated) */
    size_t response_count;
    bool close_after_response;           /* SCRIPT/ECHO_*: close instead of keeping alive */
    size_t big_body_bytes;               /* RAWSERVER_BIG_BODY */
    int drip_ms;                         /* RAWSERVER_DRIP */
    volatile sig_atomic_t *request_flag; /* set to 1 when any request has been read */
};

struct rawserver;

/* Starts a server listening on 127.0.0.1:<ephemeral>; NULL on failure. cfg is copied
 * (the responses array and strings are borrowed and must outlive the server). */
struct rawserver *rawserver_start(const struct rawserver_config *cfg);
unsigned short rawserver_port(const struct rawserver *s);
/* Connections accepted and requests read so far. */
size_t rawserver_connections(struct rawserver *s);
size_t rawserver_requests(struct rawserver *s);
/* Stops, joins and frees; s may be NULL. */
void rawserver_stop(struct rawserver *s);

/* A port on 127.0.0.1 that was just bound and closed: connecting to it is refused. */
unsigned short rawserver_closed_port(void);

#endif
