/*
 * spp-harness report — re-render a report.json, or compare two of them.
 *
 *   report render REPORT.json --format md|html|junit [-o FILE]
 *   report diff OLD/report.json NEW/report.json [--json]
 *
 * render reads the case files beside REPORT.json for the HTML page, exactly
 * as `check` does, so the output is the same bytes `check` wrote. diff exits
 * 1 when something fails that did not before, 0 otherwise, 2 when a file is
 * missing, unreadable or not a report.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render.h"
#include "report.h"
#include "report_diff.h"

static void help(FILE *out)
{
    fprintf(out, "usage: spp-harness report render REPORT.json --format md|html|junit [-o FILE]\n"
                 "       spp-harness report diff OLD/report.json NEW/report.json [--json]\n"
                 "\n"
                 "render  writes report.json as Markdown (a CI job summary), one self-contained\n"
                 "        HTML page (example cases from cases/ beside REPORT.json embedded) or\n"
                 "        JUnit XML; to stdout, or to FILE with -o.\n"
                 "diff    lists the failure groups newly failing, fixed and unchanged per API\n"
                 "        version and location, and new drift; --json for machine output.\n"
                 "\n"
                 "Exit status: 0 done (diff: nothing new fails), 1 diff found a new failure,\n"
                 "2 usage error or a file missing, unreadable or not a report.\n");
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "spp-harness report: %s%s%s (see 'spp-harness report --help')\n", msg,
            arg ? " " : "", arg ? arg : "");
    return SPP_EXIT_USAGE;
}

static int load(const char *path, struct spp_json_doc **doc)
{
    struct spp_err err;
    spp_err_clear(&err);
    if (spp_render_load(path, doc, &err) == SPP_OK)
        return SPP_EXIT_OK;
    if (err.code == SPP_EINVAL && err.where[0] != '\0' && strcmp(err.where, path) != 0)
        fprintf(stderr, "spp-harness report: %s: %s (at %s)\n", path, err.msg, err.where);
    else
        fprintf(stderr, "spp-harness report: %s: %s\n", path, err.msg);
    return SPP_EXIT_USAGE;
}

static int render(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    const char *format = NULL, *output = NULL;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "f:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case ':':
            return usage_error("option needs a value:", argv[optind - 1]);
        default:
            return usage_error("unknown option", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return usage_error("render needs exactly one REPORT.json", NULL);
    enum spp_render_format f;
    if (!format)
        return usage_error("render needs --format md, html or junit", NULL);
    if (!spp_render_format_parse(format, &f))
        return usage_error("--format must be md, html or junit, not", format);
    const char *path = argv[optind];

    struct spp_json_doc *doc = NULL;
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    int status = load(path, &doc);
    if (status != SPP_EXIT_OK)
        goto out;
    dir = strdup(path);
    if (!dir) {
        status = SPP_EXIT_USAGE;
        goto out;
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    struct spp_err err;
    spp_err_clear(&err);
    if (spp_render(spp_json_doc_root(doc), f, slash ? dir : ".", &text, &len, &err) != SPP_OK) {
        fprintf(stderr, "spp-harness report: %s: %s\n", path, err.msg);
        status = SPP_EXIT_USAGE;
        goto out;
    }
    if (output) {
        if (spp_write_file(output, text, len, &err) != SPP_OK) {
            fprintf(stderr, "spp-harness report: %s\n", err.msg);
            status = SPP_EXIT_USAGE;
        }
    } else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "spp-harness report: cannot write to stdout\n");
        status = SPP_EXIT_USAGE;
    }
out:
    free(text);
    free(dir);
    spp_json_doc_free(doc);
    return status;
}

static void print_list(const char *title, const struct spp_report_diff_list *l, bool counts)
{
    printf("%s (%zu)\n", title, l->count);
    for (size_t i = 0; i < l->count; i++) {
        const struct spp_report_diff_entry *e = &l->items[i];
        printf("  [%s] %s at %s", e->version, e->check ? e->check : "drift",
               *e->location ? e->location : "(whole answer)");
        if (counts && e->check)
            printf(" (%zu -> %zu)", e->old_count, e->new_count);
        else if (e->check)
            printf(" (%zu)", e->new_count ? e->new_count : e->old_count);
        if (e->now_known)
            printf(", now a known failure");
        if (e->message)
            printf(": %.200s", e->message);
        printf("\n");
    }
}

static int diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'j')
            json = true;
        else
            return usage_error("unknown option", argv[optind - 1]);
    }
    if (optind + 2 != argc)
        return usage_error("diff needs OLD/report.json and NEW/report.json", NULL);
    struct spp_json_doc *old_doc = NULL, *new_doc = NULL;
    struct spp_report_diff *d = NULL;
    char *text = NULL;
    int status = load(argv[optind], &old_doc);
    if (status == SPP_EXIT_OK)
        status = load(argv[optind + 1], &new_doc);
    if (status != SPP_EXIT_OK)
        goto out;
    struct spp_err err;
    spp_err_clear(&err);
    if (spp_report_diff(spp_json_doc_root(old_doc), spp_json_doc_root(new_doc), &d, &err) !=
        SPP_OK) {
        fprintf(stderr, "spp-harness report: diff: %s\n", err.msg);
        status = SPP_EXIT_USAGE;
        goto out;
    }
    status = spp_report_diff_regressed(d) ? SPP_EXIT_FINDINGS : SPP_EXIT_OK;
    if (json) {
        struct spp_json *j = spp_report_diff_to_json(d);
        text = j ? spp_json_print(j, true, NULL) : NULL;
        spp_json_free(j);
        if (!text) {
            fprintf(stderr, "spp-harness report: out of memory\n");
            status = SPP_EXIT_USAGE;
            goto out;
        }
        printf("%s\n", text);
        goto out;
    }
    printf("report diff: %s\n  old: %s\n  new: %s\n",
           status == SPP_EXIT_FINDINGS ? "NEW FAILURES" : "no new failures", argv[optind],
           argv[optind + 1]);
    if (d->became_incomplete)
        printf("the new run did not complete: %.200s\n",
               d->new_fatal ? d->new_fatal : "interrupted");
    print_list("newly failing", &d->new_failures, true);
    print_list("fixed", &d->fixed, true);
    print_list("unchanged", &d->unchanged, true);
    print_list("new drift", &d->new_drift, false);
    for (size_t i = 0; i < d->nmissing; i++)
        printf("version %s is not in the new report: not compared\n", d->missing_versions[i]);
out:
    free(text);
    spp_report_diff_free(d);
    spp_json_doc_free(old_doc);
    spp_json_doc_free(new_doc);
    return status;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("needs a subcommand: render or diff", NULL);
    if (strcmp(argv[1], "render") == 0)
        return render(argc - 1, argv + 1);
    if (strcmp(argv[1], "diff") == 0)
        return diff(argc - 1, argv + 1);
    return usage_error("unknown subcommand", argv[1]);
}

const struct spp_cmd spp_cmd_report = {
    "report",
    "render report.json as Markdown, HTML or JUnit; diff two reports",
    run,
    help,
};
