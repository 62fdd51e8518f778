/*
 * err — code names, messages and the fixed-buffer error record (see err.h).
 */
#include "err.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const code_names[] = {
#define SPP_X_NAME(name, msg) #name,
    SPP_CODE_LIST(SPP_X_NAME)
#undef SPP_X_NAME
};

static const char *const code_msgs[] = {
#define SPP_X_MSG(name, msg) msg,
    SPP_CODE_LIST(SPP_X_MSG)
#undef SPP_X_MSG
};

const char *spp_code_name(enum spp_code code)
{
    if ((unsigned)code >= SPP_CODE_COUNT)
        return "SPP_UNKNOWN";
    return code_names[code];
}

const char *spp_strerror(enum spp_code code)
{
    if ((unsigned)code >= SPP_CODE_COUNT)
        return "unknown error";
    return code_msgs[code];
}

enum spp_code spp_err_set(struct spp_err *err, enum spp_code code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->offset = SIZE_MAX;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    } else {
        snprintf(err->msg, sizeof(err->msg), "%s", spp_strerror(code));
    }
    return code;
}

void spp_err_where(struct spp_err *err, const char *where)
{
    if (!err)
        return;
    snprintf(err->where, sizeof(err->where), "%s", where ? where : "");
}

void spp_err_clear(struct spp_err *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof(*err));
    err->code = SPP_OK;
    err->offset = SIZE_MAX;
}
