/*
 * err — the one error vocabulary of libspp.
 *
 * Every fallible function returns an enum spp_code and, when the caller passes
 * a non-NULL struct spp_err *, fills it with the code, a human message in a
 * fixed buffer (never allocated, so reporting an out-of-memory cannot fail),
 * a byte offset into the input when one is known, and a location (a JSON
 * Pointer or a file name) when one is known. The error pointer is optional:
 * NULL means "I only want the code".
 *
 * The codes come from one X-macro so the enum, the names and the default
 * messages cannot drift; the list is append-only (users' scripts may depend on
 * the names in --json output).
 */
#ifndef SPP_ERR_H
#define SPP_ERR_H

#include <stddef.h>

#define SPP_CODE_LIST(X)                                                                           \
    X(SPP_OK, "ok")                                                                                \
    X(SPP_ENOMEM, "out of memory")                                                                 \
    X(SPP_EINVAL, "invalid argument")                                                              \
    X(SPP_EIO, "input/output error")                                                               \
    X(SPP_ESYNTAX, "malformed JSON")                                                               \
    X(SPP_ELIMIT, "a size or depth limit was exceeded")                                            \
    X(SPP_ESCHEMA, "invalid JSON Schema")                                                          \
    X(SPP_ECONTRACT, "invalid contract")                                                           \
    X(SPP_ENOTFOUND, "not found")                                                                  \
    X(SPP_EINVALID, "the document does not satisfy the schema")                                    \
    X(SPP_EPOLICY, "the document breaks the JSON policy")                                          \
    X(SPP_ENET, "network error")                                                                   \
    X(SPP_EUSAGE, "usage error")                                                                   \
    X(SPP_EINTR, "interrupted")

enum spp_code {
#define SPP_X_ENUM(name, msg) name,
    SPP_CODE_LIST(SPP_X_ENUM)
#undef SPP_X_ENUM
        SPP_CODE_COUNT
};

/* Sized for a pointer plus a sentence; longer messages are truncated, never overflowed. */
#define SPP_ERR_MSG_MAX 256
#define SPP_ERR_LOC_MAX 256

struct spp_err {
    enum spp_code code;
    char msg[SPP_ERR_MSG_MAX];
    char where[SPP_ERR_LOC_MAX]; /* JSON Pointer, file name or "" */
    size_t offset;               /* byte offset into the input; SIZE_MAX when unknown */
};

/* The constant name of a code ("SPP_ENOMEM"); "SPP_UNKNOWN" for values outside the list. */
const char *spp_code_name(enum spp_code code);
/* The constant default message of a code; never NULL. */
const char *spp_strerror(enum spp_code code);

/*
 * Records an error in err (when err is not NULL) and returns code, so callers
 * write `return spp_err_set(err, SPP_EIO, "cannot read %s", path);`.
 * The message is printf-formatted and truncated to fit.
 */
enum spp_code spp_err_set(struct spp_err *err, enum spp_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Sets err->where (truncated to fit); err may be NULL. */
void spp_err_where(struct spp_err *err, const char *where);
/* Resets err to SPP_OK with empty strings; err may be NULL. */
void spp_err_clear(struct spp_err *err);

#endif
