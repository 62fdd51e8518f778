/*
 * spp-harness validate — validates JSON files against a schema of the contract
 * (or a plain JSON Schema file) and prints one line per error.
 *
 * Each file is read into a buffer of exactly its size, parsed with the JSON
 * policy (duplicate keys, "\u0000", overflowing numbers, big integers and
 * invalid UTF-8 are findings of their own), then validated with every error
 * collected. Directories are walked recursively in name order for *.json.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "contract.h"
#include "json.h"
#include "schema.h"

/* Deeper folder trees than this are almost certainly a symlink loop. */
#define VALIDATE_MAX_DIR_DEPTH 32

struct vctx {
    struct spp_schema *schema;
    const struct spp_schema_node *node;
    bool verbose;
    bool json;
    struct spp_json *json_out; /* array of per-file basic outputs with --json */
    size_t files, invalid;
    bool io_error;
};

static void help(FILE *out)
{
    fprintf(
        out,
        "usage: spp-harness validate [--contract FILE] --schema NAME PATH...\n"
        "       spp-harness validate --schema-file FILE PATH...\n"
        "\n"
        "Validates JSON files (or every *.json under a directory) against a schema.\n"
        "\n"
        "  --contract FILE         OpenAPI contract (default: the bundled tickets.openapi.json)\n"
        "  --schema NAME           component schema of the contract (TicketResource,\n"
        "                          SaveTicketRequest, Address, ...)\n"
        "  --schema-file FILE      a plain JSON Schema document instead of a contract\n"
        "  --no-format-assertion   treat \"format\" as an annotation (asserted by default)\n"
        "  --max-errors N          errors kept per file (default 100; the rest are counted)\n"
        "  -v, --verbose           also print valid files\n"
        "  --json                  print JSON Schema \"basic\" output, one object per file\n"
        "  -h, --help              this help\n"
        "\n"
        "Prints nothing for valid files (unless -v) and one line per error:\n"
        "  FILE: /order/client/address: missing required property \"postcode\"\n"
        "Exit status: 0 all valid, 1 some invalid, 2 usage error or unreadable\n"
        "contract, schema or input file.\n");
}

static struct spp_json *error_json(const char *instance, const char *keyword, const char *absolute,
                                   const char *message)
{
    struct spp_json *e = spp_json_new_object();
    if (!e)
        return NULL;
    if (spp_json_set(e, "instanceLocation", spp_json_new_string(instance)) != SPP_OK ||
        spp_json_set(e, "keywordLocation", spp_json_new_string(keyword)) != SPP_OK ||
        spp_json_set(e, "absoluteKeywordLocation", spp_json_new_string(absolute)) != SPP_OK ||
        spp_json_set(e, "error", spp_json_new_string(message)) != SPP_OK) {
        spp_json_free(e);
        return NULL;
    }
    return e;
}

/* Reports one file: on stdout as lines, or into ctx->json_out. */
static void report_file(struct vctx *ctx, const char *path, bool valid, struct spp_json *errors)
{
    ctx->files++;
    if (!valid)
        ctx->invalid++;
    if (ctx->json) {
        struct spp_json *o = spp_json_new_object();
        if (o && spp_json_set(o, "file", spp_json_new_string(path)) == SPP_OK &&
            spp_json_set(o, "valid", spp_json_new_bool(valid)) == SPP_OK &&
            spp_json_set(o, "errors", errors) == SPP_OK) {
            spp_json_append(ctx->json_out, o);
            return;
        }
        spp_json_free(o);
        return;
    }
    if (valid && ctx->verbose)
        printf("%s: valid\n", path);
    for (const struct spp_json *e = spp_json_first(errors); e; e = spp_json_next(e)) {
        const char *loc = spp_json_string(spp_json_get(e, "instanceLocation"), NULL);
        const char *msg = spp_json_string(spp_json_get(e, "error"), NULL);
        printf("%s: %s: %s\n", path, loc && *loc ? loc : "(root)", msg ? msg : "");
    }
    spp_json_free(errors);
}

static void validate_file(struct vctx *ctx, const char *path)
{
    struct spp_err err;
    spp_err_clear(&err);
    struct spp_json_doc *doc = NULL;
    struct spp_json *errors = spp_json_new_array();
    enum spp_code rc = spp_json_parse_file(path, NULL, &doc, &err);
    if (rc == SPP_EIO || rc == SPP_ENOMEM) {
        fprintf(stderr, "spp-harness validate: %s\n", err.msg);
        ctx->io_error = true;
        spp_json_free(errors);
        return;
    }
    if (rc != SPP_OK) {
        /* Malformed or too large/deep: the file is invalid, with the parser's reason. */
        spp_json_append(errors, error_json("", "", "", err.msg));
        report_file(ctx, path, false, errors);
        return;
    }
    size_t nissues = 0, total = 0;
    const struct spp_json_issue *issues = spp_json_doc_issues(doc, &nissues, &total);
    for (size_t i = 0; i < nissues; i++)
        spp_json_append(
            errors, error_json(issues[i].pointer, "", "", spp_json_issue_message(issues[i].kind)));
    if (total > nissues) {
        char msg[96];
        snprintf(msg, sizeof(msg), "%zu more JSON policy issues not shown", total - nissues);
        spp_json_append(errors, error_json("", "", "", msg));
    }
    struct spp_schema_result res;
    rc = spp_schema_validate(ctx->schema, ctx->node, spp_json_doc_root(doc), &res);
    for (size_t i = 0; i < res.count; i++) {
        const struct spp_schema_error *e = &res.errors[i];
        spp_json_append(errors, error_json(e->instance_location, e->keyword_location,
                                           e->absolute_keyword_location, e->message));
    }
    if (res.dropped) {
        char msg[96];
        snprintf(msg, sizeof(msg), "%zu more errors not shown (--max-errors)", res.dropped);
        spp_json_append(errors, error_json("", "", "", msg));
    }
    bool valid = rc == SPP_OK && total == 0;
    if (rc == SPP_ENOMEM || rc == SPP_EINVAL) {
        fprintf(stderr, "spp-harness validate: %s: %s\n", path, spp_strerror(rc));
        ctx->io_error = true;
    }
    spp_schema_result_free(&res);
    spp_json_doc_free(doc);
    report_file(ctx, path, valid, errors);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_json_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static void walk(struct vctx *ctx, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "spp-harness validate: cannot read %s\n", path);
        ctx->io_error = true;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        validate_file(ctx, path);
        return;
    }
    if (depth > VALIDATE_MAX_DIR_DEPTH) {
        fprintf(stderr, "spp-harness validate: %s: folders nested too deep\n", path);
        ctx->io_error = true;
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "spp-harness validate: cannot open folder %s\n", path);
        ctx->io_error = true;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **nn = realloc(names, ncap * sizeof(*nn));
            if (!nn)
                break;
            names = nn;
            cap = ncap;
        }
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        char *full = malloc(len);
        if (!full)
            break;
        snprintf(full, len, "%s/%s", path, de->d_name);
        names[n++] = full;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    for (size_t i = 0; i < n; i++) {
        struct stat cst;
        if (stat(names[i], &cst) == 0 && S_ISDIR(cst.st_mode))
            walk(ctx, names[i], depth + 1);
        else if (has_json_suffix(names[i]))
            validate_file(ctx, names[i]);
        free(names[i]);
    }
    free(names);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int status = spp_cli_vusage("validate", true, fmt, ap);
    va_end(ap);
    return status;
}

static int run(int argc, char **argv)
{
    enum { OPT_CONTRACT = 256, OPT_SCHEMA, OPT_SCHEMA_FILE, OPT_NOFORMAT, OPT_JSON, OPT_MAXERR };
    static const struct option longopts[] = {
        {"contract", required_argument, NULL, OPT_CONTRACT},
        {"schema", required_argument, NULL, OPT_SCHEMA},
        {"schema-file", required_argument, NULL, OPT_SCHEMA_FILE},
        {"no-format-assertion", no_argument, NULL, OPT_NOFORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"max-errors", required_argument, NULL, OPT_MAXERR},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    const char *contract_path = NULL, *schema_name = NULL, *schema_file = NULL;
    bool format_assertion = true;
    size_t max_errors = 0;
    struct vctx ctx = {0};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_CONTRACT:
            contract_path = optarg;
            break;
        case OPT_SCHEMA:
            schema_name = optarg;
            break;
        case OPT_SCHEMA_FILE:
            schema_file = optarg;
            break;
        case OPT_NOFORMAT:
            format_assertion = false;
            break;
        case OPT_JSON:
            ctx.json = true;
            break;
        case OPT_MAXERR: {
            char *end = NULL;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!*optarg || *end || v == 0 || v > 1000000)
                return usage_error("--max-errors needs a number from 1 to 1000000, not '%s'",
                                   optarg);
            max_errors = (size_t)v;
            break;
        }
        case 'v':
            ctx.verbose = true;
            break;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (schema_file && (schema_name || contract_path))
        return usage_error("--schema-file takes a plain JSON Schema; do not combine it "
                           "with --schema or --contract");
    if (!schema_file && !schema_name)
        return usage_error("which schema? give --schema NAME (e.g. TicketResource) or "
                           "--schema-file FILE");
    if (optind >= argc)
        return usage_error("no PATH to validate");

    int status = SPP_EXIT_OK;
    struct spp_err err;
    spp_err_clear(&err);
    struct spp_contract *contract = NULL;
    struct spp_json_doc *sdoc = NULL;
    char defpath[4096];
    if (schema_file) {
        struct spp_schema_options so;
        spp_schema_options_init(&so);
        so.format_assertion = format_assertion;
        so.max_errors = max_errors;
        if (spp_json_parse_file(schema_file, NULL, &sdoc, &err) != SPP_OK ||
            spp_schema_compile(spp_json_doc_root(sdoc), schema_file, &so, &ctx.schema, &err) !=
                SPP_OK) {
            fprintf(stderr, "spp-harness validate: %s: %s%s%s\n", schema_file, err.msg,
                    err.where[0] ? " at " : "", err.where);
            status = SPP_EXIT_USAGE;
            goto out;
        }
        ctx.node = spp_schema_root(ctx.schema);
    } else {
        if (!contract_path &&
            !(contract_path = spp_cli_default_contract(defpath, sizeof(defpath)))) {
            fprintf(stderr, "spp-harness validate: the bundled contract was not found; "
                            "give --contract FILE or set SPP_CONTRACTS_DIR\n");
            status = SPP_EXIT_USAGE;
            goto out;
        }
        struct spp_contract_options co;
        spp_contract_options_init(&co);
        co.format_assertion = format_assertion;
        co.max_errors = max_errors;
        if (spp_contract_load(contract_path, &co, &contract, &err) != SPP_OK ||
            spp_contract_schema(contract, schema_name, &ctx.node, &err) != SPP_OK) {
            fprintf(stderr, "spp-harness validate: %s: %s%s%s\n", contract_path, err.msg,
                    err.where[0] ? " at " : "", err.where);
            status = SPP_EXIT_USAGE;
            goto out;
        }
        ctx.schema = spp_contract_schemas(contract);
    }
    if (ctx.json && !(ctx.json_out = spp_json_new_array())) {
        fprintf(stderr, "spp-harness validate: out of memory\n");
        status = SPP_EXIT_USAGE;
        goto out;
    }
    for (int i = optind; i < argc; i++)
        walk(&ctx, argv[i], 0);
    if (ctx.json) {
        char *s = spp_json_print(ctx.json_out, true, NULL);
        if (s)
            printf("%s\n", s);
        free(s);
    }
    if (ctx.io_error)
        status = SPP_EXIT_USAGE;
    else if (ctx.invalid)
        status = SPP_EXIT_FINDINGS;
    if (ctx.verbose)
        fprintf(stderr, "spp-harness validate: %zu file(s), %zu invalid\n", ctx.files, ctx.invalid);
out:
    spp_json_free(ctx.json_out);
    if (contract)
        spp_contract_free(contract);
    else
        spp_schema_free(ctx.schema);
    spp_json_doc_free(sdoc);
    return status;
}

const struct spp_cmd spp_cmd_validate = {
    "validate",
    "validate JSON files against a schema of the contract",
    run,
    help,
};
