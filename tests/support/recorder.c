/*
 * recorder — a request-recording test server (see recorder.h).
 *
 * A single thread runs a poll() loop over the stop pipe, the listening socket
 * and up to MAX_CONNS connections. Each connection accumulates bytes until a
 * whole request (head + Content-Length body) is there, logs it, answers with
 * the fixed response (a blocking send: responses are small and the client
 * reads them) and keeps the connection open for the next request.
 */
#include "recorder.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNS 16
/* The harness's requests are at most a few hundred KiB (its mutated bodies stay under 64 KiB). */
#define REQ_MAX ((size_t)1024 * 1024)

struct rconn {
    int fd;
    char *buf;
    size_t len;
};

struct recorder {
    const char *response;
    size_t response_len;
    int lfd, stop_r, stop_w;
    unsigned short port;
    pthread_t thread;
    pthread_mutex_t mu;
    char *log;
    size_t log_len, log_cap, requests;
    struct rconn conns[MAX_CONNS];
};

static void log_append(struct recorder *r, const char *p, size_t n)
{
    if (r->log_len + n + 1 > r->log_cap) {
        size_t cap = r->log_cap ? r->log_cap : 4096;
        while (cap < r->log_len + n + 1)
            cap *= 2;
        char *nl = realloc(r->log, cap);
        if (!nl)
            return;
        r->log = nl;
        r->log_cap = cap;
    }
    memcpy(r->log + r->log_len, p, n);
    r->log_len += n;
    r->log[r->log_len] = '\0';
}

static size_t content_length(const char *head, size_t head_len)
{
    const char *end = head + head_len;
    for (const char *p = head; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        p = nl + 1;
        if ((size_t)(end - p) > 15 && strncasecmp(p, "content-length:", 15) == 0)
            return (size_t)strtoul(p + 15, NULL, 10);
    }
    return 0;
}

static void close_conn(struct rconn *c)
{
    close(c->fd);
    free(c->buf);
    c->fd = -1;
    c->buf = NULL;
    c->len = 0;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Handles every whole request in c's buffer; false when the connection is to close. */
static bool drain(struct recorder *r, struct rconn *c)
{
    for (;;) {
        c->buf[c->len] = '\0';
        char *end = strstr(c->buf, "\r\n\r\n");
        if (!end)
            return c->len < REQ_MAX;
        size_t head = (size_t)(end - c->buf) + 4;
        size_t need = head + content_length(c->buf, head);
        if (need > REQ_MAX)
            return false;
        if (c->len < need)
            return true;
        const char *sp1 = memchr(c->buf, ' ', head);
        const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(c->buf + head - sp1 - 1)) : NULL;
        pthread_mutex_lock(&r->mu);
        log_append(r, c->buf, sp2 ? (size_t)(sp2 - c->buf) : 0);
        log_append(r, "\n", 1);
        log_append(r, c->buf + head, need - head);
        log_append(r, "\n\n", 2);
        r->requests++;
        pthread_mutex_unlock(&r->mu);
        if (!send_all(c->fd, r->response, r->response_len))
            return false;
        memmove(c->buf, c->buf + need, c->len - need);
        c->len -= need;
    }
}

static void *loop(void *arg)
{
    struct recorder *r = arg;
    for (;;) {
        struct pollfd p[2 + MAX_CONNS];
        size_t idx[MAX_CONNS];
        nfds_t n = 0;
        p[n++] = (struct pollfd){.fd = r->stop_r, .events = POLLIN};
        p[n++] = (struct pollfd){.fd = r->lfd, .events = POLLIN};
        for (size_t i = 0; i < MAX_CONNS; i++)
            if (r->conns[i].fd >= 0) {
                idx[n - 2] = i;
                p[n++] = (struct pollfd){.fd = r->conns[i].fd, .events = POLLIN};
            }
        if (poll(p, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents)
            break;
        if (p[1].revents & POLLIN) {
            int fd = accept(r->lfd, NULL, NULL);
            struct rconn *c = NULL;
            for (size_t i = 0; fd >= 0 && i < MAX_CONNS && !c; i++)
                if (r->conns[i].fd < 0)
                    c = &r->conns[i];
            if (c && (c->buf = malloc(REQ_MAX + 1)) != NULL)
                c->fd = fd;
            else if (fd >= 0)
                close(fd);
        }
        for (nfds_t k = 2; k < n; k++) {
            if (!p[k].revents)
                continue;
            struct rconn *c = &r->conns[idx[k - 2]];
            ssize_t got = recv(c->fd, c->buf + c->len, REQ_MAX - c->len, 0);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                close_conn(c);
                continue;
            }
            c->len += (size_t)got;
            if (!drain(r, c))
                close_conn(c);
        }
    }
    return NULL;
}

struct recorder *recorder_start(const char *response, size_t response_len)
{
    struct recorder *r = calloc(1, sizeof(*r));
    int pfd[2];
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t al = sizeof(a);
    if (!r)
        return NULL;
    r->response = response;
    r->response_len = response_len;
    r->lfd = r->stop_r = r->stop_w = -1;
    for (size_t i = 0; i < MAX_CONNS; i++)
        r->conns[i].fd = -1;
    if (pipe(pfd) != 0)
        goto fail;
    r->stop_r = pfd[0];
    r->stop_w = pfd[1];
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    r->lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (r->lfd < 0 || bind(r->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(r->lfd, 16) != 0 || getsockname(r->lfd, (struct sockaddr *)&a, &al) != 0)
        goto fail;
    r->port = ntohs(a.sin_port);
    pthread_mutex_init(&r->mu, NULL);
    if (pthread_create(&r->thread, NULL, loop, r) != 0) {
        pthread_mutex_destroy(&r->mu);
        goto fail;
    }
    return r;
fail:
    if (r->lfd >= 0)
        close(r->lfd);
    if (r->stop_r >= 0) {
        close(r->stop_r);
        close(r->stop_w);
    }
    free(r);
    return NULL;
}

unsigned short recorder_port(const struct recorder *r)
{
    return r->port;
}

char *recorder_log(struct recorder *r, size_t *len, size_t *requests)
{
    pthread_mutex_lock(&r->mu);
    char *copy = malloc(r->log_len + 1);
    if (copy) {
        if (r->log_len)
            memcpy(copy, r->log, r->log_len);
        copy[r->log_len] = '\0';
        *len = r->log_len;
        *requests = r->requests;
    }
    pthread_mutex_unlock(&r->mu);
    return copy;
}

void recorder_stop(struct recorder *r)
{
    if (!r)
        return;
    ssize_t w = write(r->stop_w, "x", 1);
    (void)w;
    pthread_join(r->thread, NULL);
    for (size_t i = 0; i < MAX_CONNS; i++)
        if (r->conns[i].fd >= 0)
            close_conn(&r->conns[i]);
    close(r->lfd);
    close(r->stop_r);
    close(r->stop_w);
    pthread_mutex_destroy(&r->mu);
    free(r->log);
    free(r);
}
