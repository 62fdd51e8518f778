/*
 * cli — what the subcommands of spp-harness share: the exit statuses (one
 * table for every subcommand and script, see README.md), the command
 * registry entry, and finding the bundled contracts.
 *
 * Only the front door (main.c, cmd_*.c, cli.c) prints or exits; libspp never does.
 */
#ifndef SPP_CLI_H
#define SPP_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* When several apply: usage (2) wins over unreachable (3), which wins over findings (1). */
enum spp_exit {
    SPP_EXIT_OK = 0,          /* clean (or FIXED / not reproduced) */
    SPP_EXIT_FINDINGS = 1,    /* findings (or STILL FAILING / reproduced / new regressions) */
    SPP_EXIT_USAGE = 2,       /* usage or configuration error */
    SPP_EXIT_UNREACHABLE = 3, /* target unreachable or run interrupted */
};

struct spp_cmd {
    const char *name;
    const char *summary;
    /* argv[0] is the subcommand's name; returns an enum spp_exit. */
    int (*run)(int argc, char **argv);
    void (*help)(FILE *out);
};

/*
 * Prints "spp-harness CMD: <message>" (plus a pointer to CMD --help when hint) on stderr and
 * returns SPP_EXIT_USAGE: the one shape of every usage error.
 */
int spp_cli_vusage(const char *cmd, bool hint, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

extern const struct spp_cmd spp_cmd_check;
extern const struct spp_cmd spp_cmd_replay;
extern const struct spp_cmd spp_cmd_validate;
extern const struct spp_cmd spp_cmd_mock;
extern const struct spp_cmd spp_cmd_report;

/*
 * The folder of the bundled contracts: $SPP_CONTRACTS_DIR when set, else the
 * install location relative to the executable (<prefix>/share/spp-harness/contracts),
 * else the source tree the binary was built from. Writes into buf; returns buf or NULL.
 */
const char *spp_cli_contracts_dir(char *buf, size_t cap);
/* The default contract file (tickets.openapi.json in that folder); NULL when none is found. */
const char *spp_cli_default_contract(char *buf, size_t cap);

#endif
