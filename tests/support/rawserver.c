/*
 * rawserver — scripted hostile HTTP server for tests (see rawserver.h).
 *
 * Every socket is non-blocking and every wait is a poll() that also watches
 * the read end of a "stop" pipe: rawserver_stop writes one byte there, which
 * keeps the pipe readable for good, so every thread sees it at its next wait
 * and unwinds. Writes use MSG_NOSIGNAL so a client that leaves makes send()
 * fail instead of raising SIGPIPE. Timing in the server (the drip) waits on
 * the stop pipe, never sleeps blindly.
 */
#include "rawserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Connections served at once; more are closed on accept (tests use far fewer). */
#define MAX_CONNS 64
/* Request heads plus bodies the tests send fit comfortably. */
#define REQ_MAX 65536

struct conn {
    struct rawserver *s;
    int fd;
    pthread_t thread;
    bool used;
};

struct rawserver {
    struct rawserver_config cfg;
    int lfd;
    int stop_r, stop_w;
    unsigned short port;
    pthread_t acceptor;
    pthread_mutex_t mu;
    size_t connections;
    size_t requests;
    struct conn conns[MAX_CONNS];
};

static bool set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

/* 1: fd ready for ev; 0: timed out; -1: stopping or error. timeout_ms -1 waits for ever. */
static int wait_fd(struct rawserver *s, int fd, short ev, int timeout_ms)
{
    struct pollfd p[2] = {{.fd = s->stop_r, .events = POLLIN}, {.fd = fd, .events = ev}};
    for (;;) {
        int r = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || (p[0].revents & POLLIN))
            return -1;
        if (r == 0)
            return 0;
        if (fd >= 0 && p[1].revents)
            return 1;
    }
}

static bool stopping_after(struct rawserver *s, int ms)
{
    return wait_fd(s, -1, 0, ms) < 0;
}

static bool send_all(struct rawserver *s, int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (wait_fd(s, fd, POLLOUT, -1) != 1)
                return false;
            continue;
        }
        return false;
    }
    return true;
}

static bool send_str(struct rawserver *s, int fd, const char *str)
{
    return send_all(s, fd, str, strlen(str));
}

/* Content-Length of a request head (case-insensitive name), 0 when absent. */
static size_t content_length(const char *head)
{
    const char *p = head;
    while ((p = strchr(p, '\n')) != NULL) {
        p++;
        if (strncasecmp(p, "content-length:", 15) == 0)
            return (size_t)strtoul(p + 15, NULL, 10);
    }
    return 0;
}

/* Reads one request (head and Content-Length body), copies its target into path and
 * hands the raw bytes to the caller (*whole, to free). False when the client left, the
 * request is too big or the server stops. */
static bool read_request(struct rawserver *s, int fd, char *path, size_t pathcap, char **whole,
                         size_t *whole_len)
{
    char *buf = malloc(REQ_MAX + 1);
    size_t len = 0, need = 0;
    bool ok = false;
    char *end = NULL;
    if (!buf)
        return false;
    for (;;) {
        if (end && len >= need)
            break;
        if (len >= REQ_MAX)
            goto out;
        ssize_t r = recv(fd, buf + len, REQ_MAX - len, 0);
        if (r == 0)
            goto out;
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                if (wait_fd(s, fd, POLLIN, -1) != 1)
                    goto out;
                continue;
            }
            goto out;
        }
        len += (size_t)r;
        buf[len] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n")) != NULL)
            need = (size_t)(end - buf) + 4 + content_length(buf);
    }
    /* request-line = method SP request-target SP HTTP-version */
    const char *sp1 = strchr(buf, ' ');
    const char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    size_t pl = (sp1 && sp2) ? (size_t)(sp2 - sp1 - 1) : 0;
    if (pl >= pathcap)
        pl = pathcap - 1;
    if (pl > 0)
        memcpy(path, sp1 + 1, pl);
    path[pl] = '\0';
    *whole = buf;
    *whole_len = len;
    buf = NULL;
    ok = true;
out:
    free(buf);
    return ok;
}

/* Serves one request in the connection's mode; false when the connection is to end. */
static bool serve(struct rawserver *s, int fd, size_t k, const char *path, const char *whole,
                  size_t whole_len)
{
    const struct rawserver_config *cfg = &s->cfg;
    char head[512];
    switch (cfg->mode) {
    case RAWSERVER_SCRIPT: {
        size_t i = k < cfg->response_count ? k : cfg->response_count - 1;
        return send_str(s, fd, cfg->responses[i]) && !cfg->close_after_response;
    }
    case RAWSERVER_ECHO_PATH:
        snprintf(head, sizeof(head),
                 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n",
                 strlen(path));
        return send_str(s, fd, head) && send_str(s, fd, path) && !cfg->close_after_response;
    case RAWSERVER_ECHO_REQUEST:
        snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", whole_len);
        return send_str(s, fd, head) && send_all(s, fd, whole, whole_len) &&
               !cfg->close_after_response;
    case RAWSERVER_SILENT:
        /* Hold the connection until the client leaves or the server stops. */
        for (;;) {
            char sink[1024];
            if (wait_fd(s, fd, POLLIN, -1) != 1)
                return false;
            ssize_t r = recv(fd, sink, sizeof(sink), 0);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                return false;
        }
    case RAWSERVER_DRIP:
        if (!send_str(s, fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"))
            return false;
        for (int i = 0; i < 1000; i++)
            if (stopping_after(s, cfg->drip_ms) || !send_all(s, fd, "x", 1))
                return false;
        return false;
    case RAWSERVER_RESET_MID_BODY: {
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        send_str(s, fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
        /* Linger 0: close() sends RST instead of FIN. */
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        return false;
    }
    case RAWSERVER_BIG_BODY: {
        static const char zeros[65536];
        snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
                 cfg->big_body_bytes);
        if (!send_str(s, fd, head))
            return false;
        for (size_t left = cfg->big_body_bytes; left > 0;) {
            size_t n = left < sizeof(zeros) ? left : sizeof(zeros);
            if (!send_all(s, fd, zeros, n))
                return false;
            left -= n;
        }
        return false;
    }
    case RAWSERVER_ENDLESS_CHUNKED: {
        char *chunk = malloc(6 + 16384 + 2);
        if (!chunk)
            return false;
        memcpy(chunk, "4000\r\n", 6);
        memset(chunk + 6, 'a', 16384);
        memcpy(chunk + 6 + 16384, "\r\n", 2);
        if (send_str(s, fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
            while (send_all(s, fd, chunk, 6 + 16384 + 2))
                ;
        free(chunk);
        return false;
    }
    case RAWSERVER_HEADER_FLOOD:
        if (!send_str(s, fd, "HTTP/1.1 200 OK\r\n"))
            return false;
        for (size_t i = 0;; i++) {
            snprintf(head, sizeof(head), "X-Flood-%zu: yes\r\n", i);
            if (!send_str(s, fd, head))
                return false;
        }
    }
    return false;
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    struct rawserver *s = c->s;
    char path[1024];
    char *whole;
    size_t whole_len;
    while (read_request(s, c->fd, path, sizeof(path), &whole, &whole_len)) {
        pthread_mutex_lock(&s->mu);
        size_t k = s->requests++;
        pthread_mutex_unlock(&s->mu);
        if (s->cfg.request_flag)
            *s->cfg.request_flag = 1;
        bool more = serve(s, c->fd, k, path, whole, whole_len);
        free(whole);
        if (!more)
            break;
    }
    /* Closing here (not at stop) makes the RST of RESET_MID_BODY and every EOF prompt. */
    close(c->fd);
    c->fd = -1;
    return NULL;
}

static void *accept_main(void *arg)
{
    struct rawserver *s = arg;
    while (wait_fd(s, s->lfd, POLLIN, -1) == 1) {
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_mutex_lock(&s->mu);
        s->connections++;
        pthread_mutex_unlock(&s->mu);
        struct conn *c = NULL;
        for (size_t i = 0; i < MAX_CONNS && !c; i++)
            if (!s->conns[i].used)
                c = &s->conns[i];
        if (!c || !set_nonblock(fd)) {
            close(fd);
            continue;
        }
        c->s = s;
        c->fd = fd;
        if (pthread_create(&c->thread, NULL, conn_main, c) != 0) {
            close(fd);
            continue;
        }
        c->used = true;
    }
    return NULL;
}

struct rawserver *rawserver_start(const struct rawserver_config *cfg)
{
    struct rawserver *s = calloc(1, sizeof(*s));
    int pfd[2];
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t al = sizeof(a);
    if (!s)
        return NULL;
    s->cfg = *cfg;
    s->lfd = s->stop_r = s->stop_w = -1;
    if (cfg->mode == RAWSERVER_SCRIPT && cfg->response_count == 0)
        goto fail;
    if (pipe(pfd) != 0)
        goto fail;
    s->stop_r = pfd[0];
    s->stop_w = pfd[1];
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->lfd, 64) != 0 || getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0 ||
        !set_nonblock(s->lfd))
        goto fail;
    s->port = ntohs(a.sin_port);
    pthread_mutex_init(&s->mu, NULL);
    if (pthread_create(&s->acceptor, NULL, accept_main, s) != 0) {
        pthread_mutex_destroy(&s->mu);
        goto fail;
    }
    return s;
fail:
    if (s->lfd >= 0)
        close(s->lfd);
    if (s->stop_r >= 0) {
        close(s->stop_r);
        close(s->stop_w);
    }
    free(s);
    return NULL;
}

unsigned short rawserver_port(const struct rawserver *s)
{
    return s->port;
}

size_t rawserver_connections(struct rawserver *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->connections;
    pthread_mutex_unlock(&s->mu);
    return n;
}

size_t rawserver_requests(struct rawserver *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void rawserver_stop(struct rawserver *s)
{
    if (!s)
        return;
    ssize_t w = write(s->stop_w, "x", 1);
    (void)w;
    pthread_join(s->acceptor, NULL);
    for (size_t i = 0; i < MAX_CONNS; i++) {
        if (s->conns[i].used) {
            pthread_join(s->conns[i].thread, NULL);
        }
    }
    close(s->lfd);
    close(s->stop_r);
    close(s->stop_w);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

unsigned short rawserver_closed_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t al = sizeof(a);
    unsigned short port = 0;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &al) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}
