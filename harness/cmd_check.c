/*
 * spp-harness check — contract, negative and update-semantics testing of a
 * live or mocked Tickets API (the main job).
 *
 * Parses options, loads the contract(s), starts the embedded mock when no
 * --base-url is given, runs the engine, writes report.json and maps the
 * outcome to the exit status. SIGINT/SIGTERM set a flag the engine polls, so
 * an interrupted run still restores the ticket and writes its report.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"
#include "cli.h"
#include "contract.h"
#include "engine.h"
#include "headers.h"
#include "http.h"
#include "mock.h"
#include "render.h"
#include "report.h"
#include "sha256.h"

#define MAX_VERSIONS         16
#define DEFAULT_MAX_REQUESTS 300
#define DEFAULT_DURATION_S   120.0

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void help(FILE *out)
{
    fprintf(
        out,
        "usage: spp-harness check [options]\n"
        "\n"
        "Tests PUT /api/tickets/{ticket} against the contract: schema of every answer,\n"
        "status codes, headers, negative data, auth, not-found, update semantics.\n"
        "Without --base-url the embedded mock is started on 127.0.0.1.\n"
        "\n"
        "  --base-url URL          the workspace (https://example.spp.co); token from $SPP_TOKEN\n"
        "  --token-env NAME        read the token from $NAME instead of $SPP_TOKEN\n"
        "  --ticket ID             the ticket to update (default E4A269FC)\n"
        "  --contract FILE         OpenAPI contract (default: the bundled one)\n"
        "  --api-version V[,V...]  send X-Api-Version and run the plan once per version\n"
        "  --seed N                the plan's seed (default 1): same seed, same requests\n"
        "  --report-dir DIR        where report.json and cases/ go (default reports/check-<time>)\n"
        "  --checks LIST           only these checks (comma-separated; see --list-checks)\n"
        "  --exclude-checks LIST   all default checks but these\n"
        "  --list-checks           print the checks and exit\n"
        "  --max-requests N        per API version (default %d)\n"
        "  --duration SECONDS      per API version (default %.0f)\n"
        "  --concurrency N         requests at once for stateless cases (default 1)\n"
        "  --rate N/s              at most N requests per second (default unlimited)\n"
        "  --timeout SECONDS       per request (default 10)\n"
        "  --max-body BYTES        larger answers are cut off and reported (default 8388608)\n"
        "  --max-response-time MS  threshold of max_response_time (default 2000)\n"
        "  --insecure              do not verify TLS certificates\n"
        "  --save-corpus DIR       store each distinct answer (<sha256>.json + .meta.json)\n"
        "  --known-failures FILE   {\"known_failures\":[{\"key\":..., \"version\":...}]}\n"
        "  --status-map FILE       {\"1\":\"Open\",...}: lets update_applied judge status\n"
        "  --volatile LIST         fields that may change on any update (default updated_at)\n"
        "  -q, --quiet             no progress on stderr\n"
        "\n"
        "Exit status: 0 every check passed, 1 a check failed (known failures excepted),\n"
        "2 usage or contract error, 3 target unreachable or run interrupted.\n",
        DEFAULT_MAX_REQUESTS, DEFAULT_DURATION_S);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int status = spp_cli_vusage("check", true, fmt, ap);
    va_end(ap);
    return status;
}

static bool parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end = NULL;
    if (!s || !*s || *s == '-')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double min, double max, double *out)
{
    char *end = NULL;
    if (!s || !*s)
        return false;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || (*end && strcmp(end, "/s") != 0) || !(v >= min && v <= max))
        return false;
    *out = v;
    return true;
}

static bool set_checks(bool enabled[SPP_CHECK_COUNT], const char *list, bool value)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", list);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        enum spp_check_id id;
        if (!spp_check_lookup(t, &id)) {
            fprintf(stderr, "spp-harness check: unknown check '%s' (see --list-checks)\n", t);
            return false;
        }
        enabled[id] = value;
    }
    return true;
}

struct progress {
    bool quiet, tty;
    time_t last;
};

static void on_progress(void *ud, const char *version, size_t sent, size_t failures,
                        const char *label)
{
    struct progress *p = ud;
    if (p->quiet)
        return;
    if (p->tty) {
        fprintf(stderr, "\r\033[K[%s] %zu requests, %zu failures: %.60s", version, sent, failures,
                label);
        return;
    }
    time_t now = time(NULL);
    if (now - p->last >= 5) {
        p->last = now;
        fprintf(stderr, "check: [%s] %zu requests, %zu failures\n", version, sent, failures);
    }
}

static char *contract_sha(const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    if (spp_file_read(path, SPP_JSON_DEFAULT_MAX_BYTES, &buf, &len, NULL) != SPP_OK)
        return NULL;
    char *hex = malloc(SPP_SHA256_HEX_LEN + 1);
    if (hex)
        spp_sha256_hex(buf, len, hex);
    free(buf);
    return hex;
}

static void list_checks(void)
{
    for (int i = 0; i < SPP_CHECK_COUNT; i++)
        printf("%-30s %s%s\n", spp_check_name((enum spp_check_id)i),
               spp_check_default_enabled((enum spp_check_id)i) ? "" : "(off by default) ",
               spp_check_description((enum spp_check_id)i));
}

static int run(int argc, char **argv)
{
    enum {
        O_BASE = 256,
        O_TOKEN_ENV,
        O_TICKET,
        O_CONTRACT,
        O_VERSION,
        O_SEED,
        O_REPORT_DIR,
        O_CHECKS,
        O_EXCLUDE,
        O_LIST,
        O_MAXREQ,
        O_DURATION,
        O_CONC,
        O_RATE,
        O_TIMEOUT,
        O_MAXBODY,
        O_INSECURE,
        O_CORPUS,
        O_KNOWN,
        O_STATUS_MAP,
        O_VOLATILE,
        O_MAXTIME,
    };
    static const struct option longopts[] = {
        {"base-url", required_argument, NULL, O_BASE},
        {"token-env", required_argument, NULL, O_TOKEN_ENV},
        {"ticket", required_argument, NULL, O_TICKET},
        {"contract", required_argument, NULL, O_CONTRACT},
        {"api-version", required_argument, NULL, O_VERSION},
        {"seed", required_argument, NULL, O_SEED},
        {"report-dir", required_argument, NULL, O_REPORT_DIR},
        {"checks", required_argument, NULL, O_CHECKS},
        {"exclude-checks", required_argument, NULL, O_EXCLUDE},
        {"list-checks", no_argument, NULL, O_LIST},
        {"max-requests", required_argument, NULL, O_MAXREQ},
        {"duration", required_argument, NULL, O_DURATION},
        {"concurrency", required_argument, NULL, O_CONC},
        {"rate", required_argument, NULL, O_RATE},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"max-body", required_argument, NULL, O_MAXBODY},
        {"insecure", no_argument, NULL, O_INSECURE},
        {"save-corpus", required_argument, NULL, O_CORPUS},
        {"known-failures", required_argument, NULL, O_KNOWN},
        {"status-map", required_argument, NULL, O_STATUS_MAP},
        {"volatile", required_argument, NULL, O_VOLATILE},
        {"max-response-time", required_argument, NULL, O_MAXTIME},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    const char *base_url = NULL, *token_env = "SPP_TOKEN", *ticket = NULL, *contract_path = NULL;
    const char *versions_arg = NULL, *report_dir = NULL, *checks_arg = NULL, *exclude_arg = NULL;
    const char *corpus = NULL, *known = NULL, *status_map_path = NULL, *volatile_names = NULL;
    unsigned long long seed = 1, max_requests = DEFAULT_MAX_REQUESTS, concurrency = 1;
    unsigned long long max_body = 8ull * 1024 * 1024;
    double duration = DEFAULT_DURATION_S, rate = 0, timeout = 10, max_time = 2000;
    bool insecure = false, quiet = false;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "+q", longopts, NULL)) != -1) {
        switch (c) {
        case O_BASE:
            base_url = optarg;
            break;
        case O_TOKEN_ENV:
            token_env = optarg;
            break;
        case O_TICKET:
            ticket = optarg;
            break;
        case O_CONTRACT:
            contract_path = optarg;
            break;
        case O_VERSION:
            versions_arg = optarg;
            break;
        case O_REPORT_DIR:
            report_dir = optarg;
            break;
        case O_CHECKS:
            checks_arg = optarg;
            break;
        case O_EXCLUDE:
            exclude_arg = optarg;
            break;
        case O_LIST:
            list_checks();
            return SPP_EXIT_OK;
        case O_INSECURE:
            insecure = true;
            break;
        case O_CORPUS:
            corpus = optarg;
            break;
        case O_KNOWN:
            known = optarg;
            break;
        case O_STATUS_MAP:
            status_map_path = optarg;
            break;
        case O_VOLATILE:
            volatile_names = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case O_SEED:
            if (!parse_u64(optarg, UINT64_MAX, &seed))
                return usage_error("--seed needs a non-negative integer, not '%s'", optarg);
            break;
        case O_MAXREQ:
            if (!parse_u64(optarg, 100000000ull, &max_requests) || max_requests == 0)
                return usage_error("--max-requests needs a positive integer, not '%s'", optarg);
            break;
        case O_CONC:
            if (!parse_u64(optarg, SPP_HTTP_MAX_CONCURRENCY, &concurrency) || concurrency == 0)
                return usage_error("--concurrency needs 1..%u, not '%s'", SPP_HTTP_MAX_CONCURRENCY,
                                   optarg);
            break;
        case O_MAXBODY:
            if (!parse_u64(optarg, 1ull << 31, &max_body) || max_body == 0)
                return usage_error("--max-body needs a positive number of bytes, not '%s'", optarg);
            break;
        case O_DURATION:
            if (!parse_double(optarg, 0.001, 86400.0 * 7, &duration))
                return usage_error("--duration needs seconds (> 0), not '%s'", optarg);
            break;
        case O_RATE:
            if (!parse_double(optarg, 0.001, 1e6, &rate))
                return usage_error("--rate needs requests per second like 10 or 10/s, not '%s'",
                                   optarg);
            break;
        case O_TIMEOUT:
            if (!parse_double(optarg, 0.001, 3600, &timeout))
                return usage_error("--timeout needs seconds (> 0), not '%s'", optarg);
            break;
        case O_MAXTIME:
            if (!parse_double(optarg, 1, 3600000, &max_time))
                return usage_error("--max-response-time needs milliseconds, not '%s'", optarg);
            break;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);

    bool enabled[SPP_CHECK_COUNT];
    for (int i = 0; i < SPP_CHECK_COUNT; i++)
        enabled[i] = checks_arg ? false : spp_check_default_enabled((enum spp_check_id)i);
    if ((checks_arg && !set_checks(enabled, checks_arg, true)) ||
        (exclude_arg && !set_checks(enabled, exclude_arg, false)))
        return SPP_EXIT_USAGE;

    /* Versions: "2024-03-05,2023-12-14", each a valid date in either form. */
    char *vcopy = versions_arg ? strdup(versions_arg) : NULL;
    const char *versions[MAX_VERSIONS];
    size_t nversions = 0;
    if (vcopy) {
        char *save = NULL;
        for (char *t = strtok_r(vcopy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            uint32_t date;
            if (spp_headers_parse_api_version(t, strlen(t), &date, NULL, NULL) != SPP_OK) {
                free(vcopy);
                return usage_error("--api-version: '%s' is not a date like 2024-03-05", t);
            }
            if (nversions == MAX_VERSIONS) {
                free(vcopy);
                return usage_error("--api-version: at most %d versions", MAX_VERSIONS);
            }
            versions[nversions++] = t;
        }
        if (nversions == 0) {
            free(vcopy);
            return usage_error("--api-version needs at least one version");
        }
    }

    int status = SPP_EXIT_OK;
    struct spp_err err;
    spp_err_clear(&err);
    struct spp_contract *contracts[MAX_VERSIONS + 1] = {0};
    struct spp_engine_version ev[MAX_VERSIONS];
    struct spp_json_doc *status_map_doc = NULL;
    struct spp_mock *mock = NULL;
    struct spp_report *report = NULL;
    char *sha = NULL;
    char token_buf[128] = "";
    const char *token = NULL;
    char defpath[4096], dirbuf[4096], report_buf[4096];

    if (!contract_path && !(contract_path = spp_cli_default_contract(defpath, sizeof(defpath)))) {
        fprintf(stderr, "spp-harness check: the bundled contract was not found; give --contract "
                        "FILE or set SPP_CONTRACTS_DIR\n");
        status = SPP_EXIT_USAGE;
        goto out;
    }
    struct spp_contract_options co;
    spp_contract_options_init(&co);
    co.record_evaluated = true; /* for the compliance table of the report */
    if (spp_contract_load(contract_path, &co, &contracts[0], &err) != SPP_OK) {
        fprintf(stderr, "spp-harness check: contract %s: %s\n", contract_path, err.msg);
        status = SPP_EXIT_USAGE;
        goto out;
    }
    /* Check the contract names what the checks need before anything is sent. */
    const struct spp_schema_node *probe;
    if (spp_contract_schema(contracts[0], "TicketResource", &probe, &err) != SPP_OK ||
        spp_contract_schema(contracts[0], "SaveTicketRequest", &probe, &err) != SPP_OK) {
        fprintf(stderr, "spp-harness check: contract %s: %s\n", contract_path, err.msg);
        status = SPP_EXIT_USAGE;
        goto out;
    }
    snprintf(dirbuf, sizeof(dirbuf), "%s", contract_path);
    char *slash = strrchr(dirbuf, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dirbuf, sizeof(dirbuf), ".");
    if (nversions == 0) {
        ev[0] = (struct spp_engine_version){NULL, contracts[0], false};
        nversions = 1;
    } else {
        for (size_t i = 0; i < nversions; i++) {
            const char *have = spp_contract_version(contracts[0]);
            uint32_t a = 0, b = 0;
            spp_headers_parse_api_version(versions[i], strlen(versions[i]), &a, NULL, NULL);
            bool same =
                spp_headers_parse_api_version(have, strlen(have), &b, NULL, NULL) == SPP_OK &&
                a == b;
            struct spp_contract *vc =
                same ? NULL : spp_contract_find_version(dirbuf, versions[i], &co);
            contracts[i + 1] = vc;
            ev[i] = (struct spp_engine_version){versions[i], vc ? vc : contracts[0], !same && !vc};
        }
    }

    if (status_map_path) {
        if (spp_json_parse_file(status_map_path, NULL, &status_map_doc, &err) != SPP_OK ||
            spp_json_kind(spp_json_doc_root(status_map_doc)) != SPP_JSON_OBJECT) {
            fprintf(stderr, "spp-harness check: --status-map %s: %s\n", status_map_path,
                    status_map_doc ? "expected an object {\"1\": \"Open\", ...}" : err.msg);
            status = SPP_EXIT_USAGE;
            goto out;
        }
    }

    const char *env = getenv(token_env);
    if (base_url) {
        if (strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0) {
            status =
                usage_error("--base-url must start with http:// or https://, not '%s'", base_url);
            goto out;
        }
        if (!env || !*env) {
            fprintf(stderr, "spp-harness check: no token: set $%s (never on the command line)\n",
                    token_env);
            status = SPP_EXIT_USAGE;
            goto out;
        }
        token = env;
    } else {
        /* A --status-map given for the embedded mock wins over the mock's own. */
        if (spp_mock_start_embedded(ticket, seed, token_buf, sizeof(token_buf), &mock,
                                    status_map_doc ? NULL : &status_map_doc, &err) != SPP_OK) {
            fprintf(stderr, "spp-harness check: %s\n", err.msg);
            status = SPP_EXIT_USAGE;
            goto out;
        }
        token = token_buf;
        base_url = spp_mock_url(mock);
    }
    if (!ticket)
        ticket = "E4A269FC";
    size_t blen = strlen(base_url);
    char base[2048];
    snprintf(base, sizeof(base), "%.*s", (int)(blen && base_url[blen - 1] == '/' ? blen - 1 : blen),
             base_url);

    if (!report_dir) {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
        snprintf(report_buf, sizeof(report_buf), "reports/check-%s-%ld", stamp, (long)getpid());
        report_dir = report_buf;
    }
    if (spp_mkdirs(report_dir, &err) != SPP_OK) {
        fprintf(stderr, "spp-harness check: %s\n", err.msg);
        status = SPP_EXIT_USAGE;
        goto out;
    }

    report = spp_report_new(token);
    if (!report) {
        status = SPP_EXIT_USAGE;
        goto out;
    }
    sha = contract_sha(contract_path);
    spp_report_set_run(report, SPP_VERSION, seed, base, mock != NULL, ticket);
    spp_report_set_contract(report, contract_path, spp_contract_version(contracts[0]), sha);
    spp_report_set_enabled(report, enabled);
    if (known && spp_report_load_known(report, known, &err) != SPP_OK) {
        fprintf(stderr, "spp-harness check: --known-failures: %s\n", err.msg);
        status = SPP_EXIT_USAGE;
        goto out;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct progress prog = {quiet, isatty(STDERR_FILENO) != 0, 0};
    struct spp_engine_config cfg = {
        .base_url = base,
        .ticket = ticket,
        .token = token,
        .versions = ev,
        .nversions = nversions,
        .seed = seed,
        .max_requests = max_requests,
        .duration_s = duration,
        .concurrency = (unsigned)concurrency,
        .rate = rate,
        .timeout_ms = (long)(timeout * 1000),
        .max_body = max_body,
        .insecure = insecure,
        .max_response_ms = max_time,
        .volatile_names = volatile_names,
        .status_map = spp_json_doc_root(status_map_doc),
        .report_dir = report_dir,
        .save_corpus = corpus,
        .cancel = &interrupted,
        .progress = on_progress,
        .progress_ud = &prog,
    };
    memcpy(cfg.enabled, enabled, sizeof(enabled));
    enum spp_engine_outcome outcome = SPP_ENGINE_DONE;
    size_t requests = 0;
    enum spp_code rc = spp_engine_run(&cfg, report, &outcome, &requests, &err);
    if (prog.tty && !quiet)
        fprintf(stderr, "\n");
    if (rc != SPP_OK)
        spp_report_finish(report, requests, SPP_RESTORE_NOT_ATTEMPTED, NULL, false, err.msg);
    if (outcome == SPP_ENGINE_UNREACHABLE)
        spp_report_finish(report, requests, SPP_RESTORE_NOT_ATTEMPTED, NULL, false,
                          "the target could not be reached");
    struct spp_err werr;
    if (spp_report_write(report, report_dir, &werr) != SPP_OK) {
        fprintf(stderr, "spp-harness check: %s\n", werr.msg);
        status = SPP_EXIT_USAGE;
        goto out;
    }
    /* junit.xml, report.md, report.html rendered from the report.json just written. */
    if (spp_render_dir(report_dir, &werr) != SPP_OK)
        fprintf(stderr, "spp-harness check: rendering the reports: %s\n", werr.msg);
    size_t nknown = 0, nfailed = spp_report_failure_count(report, &nknown);
    if (rc != SPP_OK) {
        fprintf(stderr, "spp-harness check: %s\n", err.msg);
        status = SPP_EXIT_USAGE;
    } else if (outcome == SPP_ENGINE_UNREACHABLE) {
        fprintf(stderr, "spp-harness check: %s could not be reached\n", base);
        status = SPP_EXIT_UNREACHABLE;
    } else if (outcome == SPP_ENGINE_INTERRUPTED) {
        fprintf(stderr, "spp-harness check: interrupted; partial report written\n");
        status = SPP_EXIT_UNREACHABLE;
    } else {
        status = nfailed ? SPP_EXIT_FINDINGS : SPP_EXIT_OK;
    }
    printf("check: %s against %s%s: %zu requests, %zu failures (%zu known) -> %s/report.json\n",
           nfailed ? "FAIL" : "PASS", base, mock ? " (embedded mock)" : "", requests, nfailed,
           nknown, report_dir);
out:
    spp_mock_stop(mock);
    spp_report_free(report);
    for (size_t i = 0; i <= MAX_VERSIONS; i++)
        spp_contract_free(contracts[i]);
    spp_json_doc_free(status_map_doc);
    free(sha);
    free(vcopy);
    memset(token_buf, 0, sizeof(token_buf));
    return status;
}

const struct spp_cmd spp_cmd_check = {
    "check",
    "test a live or mocked Tickets API against its contract (the main job)",
    run,
    help,
};
