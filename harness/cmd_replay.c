/*
 * spp-harness replay — re-sends one saved case (cases/<name>.json of a check run)
 * and judges the answer with the case's check: FIXED (exit 0) when the check
 * now passes, STILL FAILING (exit 1) when it fails again, NOT REPRODUCED
 * (exit 0) when the check no longer applies to the answer.
 *
 * The target is --base-url, else the one recorded in the run's report.json
 * beside the cases folder; a run against the embedded mock is replayed
 * against a fresh embedded mock. The token comes from the environment, as
 * for check; the case file itself never held it.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "cli.h"
#include "contract.h"
#include "engine.h"
#include "json.h"
#include "mock.h"
#include "plan.h"
#include "report.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: spp-harness replay CASE [--base-url URL] [--token-env NAME] [--ticket ID]\n"
            "                               [--contract FILE] [--timeout SECONDS] [--insecure]\n"
            "\n"
            "Re-sends a case saved by 'spp-harness check' (REPORT_DIR/cases/*.json) and judges\n"
            "the answer with the case's check. Without --base-url the target recorded in the\n"
            "run's report.json is used (a fresh embedded mock when the run used one).\n"
            "\n"
            "Prints FIXED (exit 0), NOT REPRODUCED (exit 0: the check no longer applies),\n"
            "or STILL FAILING (exit 1); exit 2 for a bad case file or option, 3 when the\n"
            "target cannot be reached.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int status = spp_cli_vusage("replay", false, fmt, ap);
    va_end(ap);
    return status;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes standard base64 (with padding) into a malloc'd buffer; NULL when malformed. */
static char *unbase64(const char *s, size_t *out_len)
{
    size_t n = strlen(s);
    if (n % 4)
        return NULL;
    char *out = malloc(n / 4 * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; out && i < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = s[i + k] == '=' ? 0 : b64_value(s[i + k]);
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0) {
            free(out);
            return NULL;
        }
        unsigned bits =
            (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
        out[o++] = (char)(bits >> 16);
        if (s[i + 2] != '=')
            out[o++] = (char)(bits >> 8 & 0xFF);
        if (s[i + 3] != '=')
            out[o++] = (char)(bits & 0xFF);
    }
    if (out)
        out[o] = '\0';
    *out_len = o;
    return out;
}

static enum spp_case_expect expect_of(const char *s)
{
    if (s && strcmp(s, "reject") == 0)
        return SPP_EXPECT_REJECT;
    if (s && strcmp(s, "auth") == 0)
        return SPP_EXPECT_AUTH;
    if (s && strcmp(s, "not_found") == 0)
        return SPP_EXPECT_NOT_FOUND;
    return SPP_EXPECT_NONE;
}

/* Fills c from a case file's tree; false with a message when a field is missing or wrong. */
static bool read_case(const struct spp_json *root, struct spp_case *c, enum spp_check_id *check,
                      const char **version, char *why, size_t cap)
{
    const char *name = spp_json_string(spp_json_get(root, "check"), NULL);
    const struct spp_json *req = spp_json_get(root, "request");
    if (!name || !spp_check_lookup(name, check)) {
        snprintf(why, cap, "no known \"check\" in the case file");
        return false;
    }
    if (spp_json_kind(req) != SPP_JSON_OBJECT) {
        snprintf(why, cap, "no \"request\" object in the case file");
        return false;
    }
    const char *auth = spp_json_string(spp_json_get(req, "auth"), NULL);
    if (!auth || !spp_auth_mode_lookup(auth, &c->auth)) {
        snprintf(why, cap, "request.auth is missing or unknown");
        return false;
    }
    const char *b64 = spp_json_string(spp_json_get(req, "body_base64"), NULL);
    size_t len = 0;
    const char *body = spp_json_string(spp_json_get(req, "body"), &len);
    if (b64) {
        c->body = unbase64(b64, &c->body_len);
        if (!c->body) {
            snprintf(why, cap, "request.body_base64 is not base64");
            return false;
        }
    } else if (body) {
        c->body = strdup(body);
        c->body_len = len;
    }
    const char *label = spp_json_string(spp_json_get(root, "label"), NULL);
    snprintf(c->label, sizeof(c->label), "replay: %s", label ? label : name);
    c->unknown_ticket = spp_json_bool(spp_json_get(req, "unknown_ticket"));
    c->expect = expect_of(spp_json_string(spp_json_get(root, "expect"), NULL));
    c->schema_valid = spp_json_bool(spp_json_get(root, "schema_valid_body"));
    c->stateful = spp_json_bool(spp_json_get(root, "stateful"));
    c->may_normalise = spp_json_bool(spp_json_get(root, "may_normalise"));
    *version = spp_json_string(spp_json_get(root, "api_version"), NULL);
    return true;
}

static int run(int argc, char **argv)
{
    enum { O_BASE = 256, O_TOKEN_ENV, O_TICKET, O_CONTRACT, O_TIMEOUT, O_INSECURE };
    static const struct option longopts[] = {
        {"base-url", required_argument, NULL, O_BASE},
        {"token-env", required_argument, NULL, O_TOKEN_ENV},
        {"ticket", required_argument, NULL, O_TICKET},
        {"contract", required_argument, NULL, O_CONTRACT},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"insecure", no_argument, NULL, O_INSECURE},
        {NULL, 0, NULL, 0},
    };
    const char *base_url = NULL, *token_env = "SPP_TOKEN", *ticket = NULL, *contract_path = NULL;
    double timeout = 10;
    bool insecure = false;
    opterr = 0;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
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
        case O_INSECURE:
            insecure = true;
            break;
        case O_TIMEOUT: {
            char *end = NULL;
            timeout = strtod(optarg, &end);
            if (*end || !(timeout > 0 && timeout <= 3600))
                return usage_error("--timeout needs seconds (> 0), not '%s'", optarg);
            break;
        }
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s' (see 'spp-harness replay --help')",
                               argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return usage_error("give exactly one CASE file (see 'spp-harness replay --help')");
    const char *case_path = argv[optind];

    int status = SPP_EXIT_USAGE;
    struct spp_err err;
    spp_err_clear(&err);
    struct spp_json_doc *cdoc = NULL, *rdoc = NULL, *smap = NULL;
    struct spp_contract *contract = NULL, *vcontract = NULL;
    struct spp_mock *mock = NULL;
    struct spp_report *report = NULL;
    struct spp_case c;
    memset(&c, 0, sizeof(c));
    enum spp_check_id check;
    const char *version = NULL;
    char why[256], token_buf[128] = "", defpath[4096], dir[4096];
    const char *token = NULL;

    if (spp_json_parse_file(case_path, NULL, &cdoc, &err) != SPP_OK) {
        usage_error("%s: %s", case_path, err.msg);
        goto out;
    }
    if (!read_case(spp_json_doc_root(cdoc), &c, &check, &version, why, sizeof(why))) {
        usage_error("%s: %s", case_path, why);
        goto out;
    }
    /* The run's report.json sits one folder above cases/. */
    snprintf(dir, sizeof(dir), "%s", case_path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof(dir), ".");
    char rpath[4200];
    snprintf(rpath, sizeof(rpath), "%s/../report.json", dir);
    spp_json_parse_file(rpath, NULL, &rdoc, NULL);
    const struct spp_json *target = spp_json_get(spp_json_doc_root(rdoc), "target");
    if (!ticket)
        ticket = spp_json_string(spp_json_get(target, "ticket"), NULL);
    if (!ticket)
        ticket = "E4A269FC";
    bool embedded = !base_url && spp_json_bool(spp_json_get(target, "embedded_mock"));
    if (!base_url && !embedded)
        base_url = spp_json_string(spp_json_get(target, "base_url"), NULL);
    if (!base_url && !embedded) {
        usage_error("no --base-url, and no report.json with the target beside %s", case_path);
        goto out;
    }

    if (!contract_path && !(contract_path = spp_cli_default_contract(defpath, sizeof(defpath)))) {
        usage_error("the bundled contract was not found; give --contract FILE");
        goto out;
    }
    struct spp_contract_options co;
    spp_contract_options_init(&co);
    if (spp_contract_load(contract_path, &co, &contract, &err) != SPP_OK) {
        usage_error("contract %s: %s", contract_path, err.msg);
        goto out;
    }
    if (version) {
        snprintf(dir, sizeof(dir), "%s", contract_path);
        slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        vcontract = spp_contract_find_version(dir, version, &co);
    }

    if (embedded) {
        if (spp_mock_start_embedded(ticket, 0, token_buf, sizeof(token_buf), &mock, &smap, &err) !=
            SPP_OK) {
            usage_error("%s", err.msg);
            goto out;
        }
        token = token_buf;
        base_url = spp_mock_url(mock);
    } else {
        token = getenv(token_env);
        if (!token || !*token) {
            usage_error("no token: set $%s (never on the command line)", token_env);
            goto out;
        }
    }

    report = spp_report_new(token);
    if (!report)
        goto out;
    struct spp_engine_version ev = {version, vcontract ? vcontract : contract, false};
    struct spp_engine_config cfg = {
        .base_url = base_url,
        .ticket = ticket,
        .token = token,
        .versions = &ev,
        .nversions = 1,
        .max_requests = 3,
        .concurrency = 1,
        .timeout_ms = (long)(timeout * 1000),
        .max_body = (size_t)8 * 1024 * 1024,
        .insecure = insecure,
        .max_response_ms = 2000,
        .status_map = spp_json_doc_root(smap),
    };
    cfg.enabled[check] = true;
    enum spp_engine_outcome outcome;
    size_t requests = 0;
    if (spp_engine_replay(&cfg, &c, report, &outcome, &requests, &err) != SPP_OK) {
        usage_error("%s", err.msg);
        goto out;
    }
    size_t passed = 0, failed = 0, known = 0;
    spp_report_check_counts(report, 0, check, &passed, &failed, &known);
    if (outcome == SPP_ENGINE_UNREACHABLE) {
        fprintf(stderr, "spp-harness replay: %s could not be reached\n", base_url);
        status = SPP_EXIT_UNREACHABLE;
    } else if (failed) {
        const char *msg = spp_report_first_failure(report, 0, check);
        printf("STILL FAILING: %s: %s\n", spp_check_name(check), msg ? msg : "");
        status = SPP_EXIT_FINDINGS;
    } else if (passed) {
        printf("FIXED: %s passes (%s)\n", spp_check_name(check), c.label);
        status = SPP_EXIT_OK;
    } else {
        printf("NOT REPRODUCED: %s did not apply to the answer (%s)\n", spp_check_name(check),
               c.label);
        status = SPP_EXIT_OK;
    }
out:
    spp_mock_stop(mock);
    spp_report_free(report);
    spp_contract_free(vcontract);
    spp_contract_free(contract);
    spp_json_doc_free(cdoc);
    spp_json_doc_free(rdoc);
    spp_json_doc_free(smap);
    free(c.body);
    memset(token_buf, 0, sizeof(token_buf));
    return status;
}

const struct spp_cmd spp_cmd_replay = {
    "replay",
    "re-send a saved failure case: FIXED or STILL FAILING",
    run,
    help,
};
