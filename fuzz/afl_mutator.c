/*
 * afl_mutator — the structure-aware mutator (harness/mutate.h) as an AFL++
 * custom mutator library (AFL++ 4.04c API, docs/custom_mutators.md):
 *
 *   AFL_CUSTOM_MUTATOR_LIBRARY=build/default/fuzz/libspp_afl_mutator.so \
 *   SPP_AFL_TARGET=fuzz_response afl-fuzz ...
 *
 * afl_custom_fuzz mutates the queue entry as a JSON tree (or, one call in
 * four when AFL++ passes a second entry, crosses the two over); an input that
 * is not JSON gets a single random byte flip so the call still returns data
 * (AFL++ requires a length > 0), and AFL++'s own havoc stage keeps doing byte
 * mutations unless AFL_CUSTOM_MUTATOR_ONLY is set. The output lives in the
 * mutator's buffer until the next call (AFL++ copies it).
 *
 * Build it with a plain compiler and no sanitizer (scripts/afl builds it in
 * the default preset): it is loaded into afl-fuzz, which is neither
 * instrumented nor sanitized.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutate.h"
#include "mutator_opts.h"
#include "rng.h"

/* A JSON text no larger than this is kept; AFL++'s max_size is usually 1 MiB. */
#define AFL_OUT_MAX  ((size_t)1024 * 1024)
#define DESCRIBE_MAX 256

struct afl_state {
    struct spp_rng rng;
    struct spp_mutate_options opt;
    char target[64];
    unsigned char *buf;
    size_t cap;
    char describe[DESCRIBE_MAX];
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, unsigned char *buf, size_t buf_size, unsigned char **out_buf,
                       unsigned char *add_buf, size_t add_buf_size, size_t max_size);
const char *afl_custom_describe(void *data, size_t max_description_len);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
    (void)afl;
    struct afl_state *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    const char *target = getenv("SPP_AFL_TARGET");
    (void)snprintf(s->target, sizeof(s->target), "%s", target ? target : "");
    spp_rng_seed(&s->rng, seed);
    spp_fuzz_mutator_options(s->target, &s->opt);
    return s;
}

/* Keeps out (malloc'd, len bytes) as the output buffer, or copies it into the state's. */
static size_t take(struct afl_state *s, char *out, size_t len, unsigned char **out_buf)
{
    free(s->buf);
    s->buf = (unsigned char *)out;
    s->cap = len;
    *out_buf = s->buf;
    return len;
}

static size_t flip_one(struct afl_state *s, unsigned char *buf, size_t size,
                       unsigned char **out_buf)
{
    size_t n = size ? size : 2;
    char *copy = malloc(n);
    if (!copy) {
        static unsigned char empty_object[2] = {'{', '}'}; /* never written by AFL++ */
        *out_buf = size ? buf : empty_object;
        return size ? size : sizeof(empty_object);
    }
    if (size) {
        memcpy(copy, buf, size);
        copy[spp_rng_below(&s->rng, size)] ^= (char)(1u << spp_rng_below(&s->rng, 8));
    } else {
        memcpy(copy, "{}", 2);
    }
    (void)snprintf(s->describe, sizeof(s->describe), "spp-byteflip");
    return take(s, copy, n, out_buf);
}

size_t afl_custom_fuzz(void *data, unsigned char *buf, size_t buf_size, unsigned char **out_buf,
                       unsigned char *add_buf, size_t add_buf_size, size_t max_size)
{
    struct afl_state *s = data;
    struct spp_mutate_result res;
    char *out = NULL;
    size_t out_len = 0;
    enum spp_code rc;
    size_t cap = max_size < AFL_OUT_MAX ? max_size : AFL_OUT_MAX;
    uint64_t seed = spp_rng_next(&s->rng);

    if (add_buf && add_buf_size && spp_rng_chance(&s->rng, 1, 4))
        rc = spp_mutate_crossover((const char *)buf, buf_size, (const char *)add_buf, add_buf_size,
                                  seed, cap, &s->opt, &out, &out_len, &res, NULL);
    else
        rc = spp_mutate_bytes((const char *)buf, buf_size, seed, cap, &s->opt, &out, &out_len, &res,
                              NULL);
    if (rc != SPP_OK || out_len == 0 || out_len > max_size) {
        free(out);
        return flip_one(s, buf, buf_size, out_buf);
    }
    (void)snprintf(s->describe, sizeof(s->describe), "spp-%.*s", DESCRIBE_MAX - 8, res.what);
    return take(s, out, out_len, out_buf);
}

const char *afl_custom_describe(void *data, size_t max_description_len)
{
    struct afl_state *s = data;
    /* AFL++ uses this in queue file names: no '/', and within its limit. */
    for (char *p = s->describe; *p; p++)
        if (*p == '/' || *p == ' ' || *p == ',' || *p == ';' || *p == ':')
            *p = '_';
    if (max_description_len < sizeof(s->describe))
        s->describe[max_description_len] = '\0';
    return s->describe;
}

void afl_custom_deinit(void *data)
{
    struct afl_state *s = data;
    if (!s)
        return;
    free(s->buf);
    free(s);
}
