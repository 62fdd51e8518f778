/*
 * spp-harness mock — serve the embedded Tickets API mock until SIGINT/SIGTERM.
 *
 * The first line on stdout is the base URL ("http://127.0.0.1:PORT"),
 * flushed, so a script can start the mock on port 0 and read the port; every
 * other message goes to stderr. The token comes from $SPP_TOKEN (or the
 * variable named by --token-env), never from the command line, and is never
 * printed: when it is unset a random one is made and only that fact is said.
 *
 * Signals: SIGINT and SIGTERM are blocked before the server threads start (so
 * they inherit the mask) and taken with sigwait in the main thread; the mock
 * is then stopped cleanly and the exit status is 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mock.h"

static void help(FILE *out)
{
    fprintf(
        out,
        "usage: spp-harness mock [--listen HOST:PORT] [--fault SPEC]... [--seed N]\n"
        "                        [--replay DIR] [--token-env NAME] [--ticket ID]\n"
        "       spp-harness mock --print-status-map | --list-faults\n"
        "\n"
        "Serve a mock of PUT /api/tickets/{ticket} until SIGINT or SIGTERM.\n"
        "The first line on stdout is the base URL (http://HOST:PORT).\n"
        "\n"
        "Options:\n"
        "  --listen HOST:PORT   address to listen on (IPv4; default 127.0.0.1:0 = a free port)\n"
        "  --fault SPEC         plant a known defect; repeatable; SPEC@VERSION limits it to\n"
        "                       one API version (see --list-faults)\n"
        "  --seed N             vary the generated texts, dates and amounts (default 1)\n"
        "  --replay DIR         serve the recorded answers in DIR (<sha256>.json +\n"
        "                       <sha256>.meta.json), in sorted file-name order, cycling\n"
        "  --token-env NAME     read the accepted bearer token from $NAME (default SPP_TOKEN);\n"
        "                       when unset a random token is generated (and not shown)\n"
        "  --ticket ID          the ticket id that exists (default %s)\n"
        "  --print-status-map   print the status id -> name map as JSON and exit\n"
        "  --list-faults        print the faults, the check that must catch each, and exit\n"
        "\n"
        "Exit status: 0 clean stop, 2 usage or configuration error (unknown option, bad\n"
        "fault spec, busy port, unreadable replay folder).\n",
        SPP_MOCK_DEFAULT_TICKET);
}

/*
 * --opt VALUE or --opt=VALUE: 1 with *out set (advancing *i past a separate
 * value), 0 when argv[*i] is another option, -1 when the value is missing (said).
 */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **out)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] != '=' && a[n] != '\0'))
        return 0;
    if (a[n] == '=') {
        *out = a + n + 1;
        return 1;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "mock: option %s needs a value\n", name);
        return -1;
    }
    *out = argv[++*i];
    return 1;
}

/* Matches option NAME into v; leaves run() with a usage error when its value is missing. */
#define OPT(name) (k = opt_value(argc, argv, &i, name, &v)) != 0
#define NEED_VALUE()                                                                               \
    do {                                                                                           \
        if (k < 0)                                                                                 \
            return SPP_EXIT_USAGE;                                                                 \
    } while (0)

static int parse_listen(const char *s, char *host, size_t cap, unsigned *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= cap || !colon[1])
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (errno || *end || p > 65535 || colon[1] == '-' || colon[1] == '+')
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (unsigned)p;
    return 0;
}

static bool valid_ticket_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

static void list_faults(void)
{
    size_t n = 0;
    const struct spp_mock_fault_info *t = spp_mock_list_faults(&n);
    for (size_t i = 0; i < n; i++) {
        char usage[64];
        snprintf(usage, sizeof(usage), "%s%s", t[i].name, spp_mock_fault_arg_usage(t[i].arg));
        printf("%-20s %-30s %s\n", usage, t[i].check[0] ? t[i].check : "(none: drift)", t[i].what);
    }
}

static int run(int argc, char **argv)
{
    struct spp_mock_fault faults[SPP_MOCK_MAX_FAULTS];
    struct spp_mock_opts o = {.seed = 1, .faults = faults};
    char host[256] = "127.0.0.1";
    const char *token_env = "SPP_TOKEN";
    struct spp_err err;
    const char *v = NULL;
    int k = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (OPT("--listen")) {
            NEED_VALUE();
            if (!*v || parse_listen(v, host, sizeof(host), &o.port) != 0) {
                fprintf(stderr, "mock: --listen wants HOST:PORT (e.g. 127.0.0.1:0), not '%s'\n", v);
                return SPP_EXIT_USAGE;
            }
        } else if (OPT("--fault")) {
            NEED_VALUE();
            if (o.nfaults == SPP_MOCK_MAX_FAULTS) {
                fprintf(stderr, "mock: at most %d --fault options\n", SPP_MOCK_MAX_FAULTS);
                return SPP_EXIT_USAGE;
            }
            if (spp_mock_fault_parse(v, &faults[o.nfaults], &err) != SPP_OK) {
                fprintf(stderr, "mock: bad --fault: %s\n", err.msg);
                return SPP_EXIT_USAGE;
            }
            o.nfaults++;
        } else if (OPT("--seed")) {
            NEED_VALUE();
            char *end = NULL;
            errno = 0;
            unsigned long long s = strtoull(v, &end, 10);
            if (!*v || errno || *end || v[0] == '-' || v[0] == '+') {
                fprintf(stderr, "mock: --seed wants a non-negative integer, not '%s'\n", v);
                return SPP_EXIT_USAGE;
            }
            o.seed = (uint64_t)s;
        } else if (OPT("--replay")) {
            NEED_VALUE();
            if (!*v) {
                fprintf(stderr, "mock: --replay wants a folder\n");
                return SPP_EXIT_USAGE;
            }
            o.replay_dir = v;
        } else if (OPT("--token-env")) {
            NEED_VALUE();
            if (!*v || strchr(v, '=')) {
                fprintf(stderr, "mock: --token-env wants an environment variable name\n");
                return SPP_EXIT_USAGE;
            }
            token_env = v;
        } else if (OPT("--ticket")) {
            NEED_VALUE();
            if (!valid_ticket_id(v)) {
                fprintf(stderr, "mock: --ticket wants 1-64 letters, digits, '-' or '_'\n");
                return SPP_EXIT_USAGE;
            }
            o.ticket_id = v;
        } else if (strcmp(a, "--print-status-map") == 0) {
            char *map = spp_mock_status_map_json();
            if (!map) {
                fprintf(stderr, "mock: out of memory\n");
                return SPP_EXIT_USAGE;
            }
            printf("%s\n", map);
            free(map);
            return SPP_EXIT_OK;
        } else if (strcmp(a, "--list-faults") == 0) {
            list_faults();
            return SPP_EXIT_OK;
        } else {
            fprintf(stderr, "mock: unknown option '%s' (see 'spp-harness mock --help')\n", a);
            return SPP_EXIT_USAGE;
        }
    }
    o.host = host;

    char generated[80];
    const char *token = getenv(token_env);
    if (!token || !*token) {
        if (spp_mock_random_token(generated, sizeof(generated), &err) != SPP_OK) {
            fprintf(stderr, "mock: %s\n", err.msg);
            return SPP_EXIT_USAGE;
        }
        token = generated;
        fprintf(stderr, "mock: %s not set; generated a random token (export %s to choose one)\n",
                token_env, token_env);
    }
    o.token = token;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct spp_mock *m = NULL;
    enum spp_code rc = spp_mock_start(&o, &m, &err);
    memset(generated, 0, sizeof(generated));
    if (rc != SPP_OK) {
        fprintf(stderr, "mock: %s\n", err.msg);
        return SPP_EXIT_USAGE;
    }
    printf("%s\n", spp_mock_url(m));
    fflush(stdout);
    fprintf(stderr, "mock: serving PUT %s/api/tickets/%s (%zu fault%s%s)\n", spp_mock_url(m),
            o.ticket_id ? o.ticket_id : SPP_MOCK_DEFAULT_TICKET, o.nfaults,
            o.nfaults == 1 ? "" : "s", o.replay_dir ? ", replaying recordings" : "");
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    spp_mock_stop(m);
    fprintf(stderr, "mock: stopped (signal %d)\n", sig);
    return SPP_EXIT_OK;
}

const struct spp_cmd spp_cmd_mock = {"mock", "serve a mock of the Tickets API (with faults)", run,
                                     help};
