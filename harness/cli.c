/*
 * cli — shared helpers of the front door (see cli.h).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *spp_cli_contracts_dir(char *buf, size_t cap)
{
    const char *env = getenv("SPP_CONTRACTS_DIR");
    if (env && *env) {
        snprintf(buf, cap, "%s", env);
        return buf;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            /* <prefix>/bin/spp-harness → <prefix>/<datadir>/spp-harness/contracts */
            int w = snprintf(buf, cap, "%s/../%s", exe, SPP_INSTALL_CONTRACTS_REL);
            if (w > 0 && (size_t)w < cap && is_dir(buf))
                return buf;
        }
    }
    snprintf(buf, cap, "%s", SPP_SOURCE_CONTRACTS_DIR);
    return is_dir(buf) ? buf : NULL;
}

const char *spp_cli_default_contract(char *buf, size_t cap)
{
    char dir[4096];
    if (!spp_cli_contracts_dir(dir, sizeof(dir)))
        return NULL;
    int w = snprintf(buf, cap, "%s/tickets.openapi.json", dir);
    if (w < 0 || (size_t)w >= cap)
        return NULL;
    return access(buf, R_OK) == 0 ? buf : NULL;
}

int spp_cli_vusage(const char *cmd, bool hint, const char *fmt, va_list ap)
{
    fprintf(stderr, "spp-harness %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    if (hint)
        fprintf(stderr, " (see 'spp-harness %s --help')", cmd);
    fputc('\n', stderr);
    return SPP_EXIT_USAGE;
}
