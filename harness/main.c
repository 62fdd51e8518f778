/*
 * spp-harness — the command-line front door of libspp.
 *
 * main() owns the process: it maps library codes to exit statuses and text.
 * Each subcommand lives in its own cmd_*.c file and registers in the table
 * below; the dispatcher handles --help and --version for the command and
 * routes `spp-harness help SUB` / `SUB --help` to the subcommand's help.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "http.h"

static const struct spp_cmd *const commands[] = {
    &spp_cmd_check, &spp_cmd_replay, &spp_cmd_validate, &spp_cmd_mock, &spp_cmd_report,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fprintf(out,
            "usage: spp-harness [--help] [--version] COMMAND [ARGS]\n"
            "\n"
            "Contract and fuzz testing harness for the Tickets API (PUT /api/tickets/{ticket}).\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\n"
                 "Run 'spp-harness COMMAND --help' for a command's options.\n"
                 "Exit status: 0 clean, 1 findings, 2 usage or configuration error,\n"
                 "3 target unreachable or run interrupted.\n");
}

static const struct spp_cmd *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SPP_EXIT_USAGE;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        usage(stdout);
        return SPP_EXIT_OK;
    }
    if (strcmp(arg, "--version") == 0 || strcmp(arg, "-V") == 0) {
        printf("spp-harness %s\n", SPP_VERSION);
        return SPP_EXIT_OK;
    }
    if (strcmp(arg, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return SPP_EXIT_OK;
        }
        const struct spp_cmd *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "spp-harness: unknown command '%s' (see 'spp-harness --help')\n",
                    argv[2]);
            return SPP_EXIT_USAGE;
        }
        c->help(stdout);
        return SPP_EXIT_OK;
    }
    if (arg[0] == '-') {
        fprintf(stderr, "spp-harness: unknown option '%s' (see 'spp-harness --help')\n", arg);
        return SPP_EXIT_USAGE;
    }
    const struct spp_cmd *c = find(arg);
    if (!c) {
        fprintf(stderr, "spp-harness: unknown command '%s' (see 'spp-harness --help')\n", arg);
        return SPP_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            c->help(stdout);
            return SPP_EXIT_OK;
        }
    }
    /* curl_global_init once, before any thread (the mock's, the engine's) exists. */
    struct spp_err err;
    if (spp_http_global_init(&err) != SPP_OK) {
        fprintf(stderr, "spp-harness: %s\n", err.msg);
        return SPP_EXIT_USAGE;
    }
    int status = c->run(argc - 1, argv + 1);
    spp_http_global_cleanup();
    return status;
}
