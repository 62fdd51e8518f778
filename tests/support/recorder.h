/*
 * recorder — a test HTTP/1.1 server on 127.0.0.1:<ephemeral> that answers
 * every request with one fixed response and writes down, in the order it read
 * them, what each request was: "METHOD TARGET\n" followed by the body and a
 * blank line. With a client that sends one request at a time (spp-harness
 * check's default --concurrency 1) that order is the client's send order, so
 * two logs compare the request sequences of two runs.
 *
 * One thread polls the listening socket, every connection and a stop pipe;
 * recorder_stop wakes it through the pipe and joins it. Readiness: the socket
 * listens before recorder_start returns.
 */
#ifndef SPP_TEST_RECORDER_H
#define SPP_TEST_RECORDER_H

#include <stddef.h>

struct recorder;

/* response: the raw bytes of the answer (head and body), borrowed for the server's life. */
struct recorder *recorder_start(const char *response, size_t response_len);
unsigned short recorder_port(const struct recorder *r);
/* A malloc'd, NUL-terminated copy of the log so far (*len bytes) and the request count. */
char *recorder_log(struct recorder *r, size_t *len, size_t *requests);
/* Stops, joins and frees; r may be NULL. */
void recorder_stop(struct recorder *r);

#endif
