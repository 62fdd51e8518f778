/*
 * mutator — the structure-aware mutator (harness/mutate.h) as libFuzzer's
 * LLVMFuzzerCustomMutator and LLVMFuzzerCustomCrossOver.
 *
 * Linked into the libFuzzer builds of the JSON targets only (the AFL++ driver
 * and the standalone replay have no LLVMFuzzerMutate). SPP_FUZZ_TARGET (a
 * compile definition: the target's name) picks the options
 * (mutator_opts.h).
 *
 * One call in three (by libFuzzer's seed) is plain byte-level mutation
 * through LLVMFuzzerMutate, and so is every call on an input that is not
 * JSON: byte mutations are what find parser bugs, tree mutations are what
 * reach the validator and decoder with nearly-valid documents.
 *
 * SPP_FUZZ_MUTATOR=bytes in the environment turns the structure-aware part
 * off (every call is LLVMFuzzerMutate, crossover declines), which is how the
 * two are compared over the same number of runs (fuzz/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mutate.h"
#include "mutator_opts.h"

#ifndef SPP_FUZZ_TARGET
#define SPP_FUZZ_TARGET ""
#endif

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size,
                                 unsigned int seed);

/* Byte-level mutation one call in this many. */
#define BYTES_ONE_IN 3

static bool structure_off(void)
{
    static int off = -1; /* read once per process */
    if (off < 0) {
        const char *v = getenv("SPP_FUZZ_MUTATOR");
        off = v && strcmp(v, "bytes") == 0;
    }
    return off == 1;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    struct spp_mutate_options opt;
    char *out = NULL;
    size_t out_len = 0;

    if (structure_off() || seed % BYTES_ONE_IN == 0)
        return LLVMFuzzerMutate(data, size, max_size);
    spp_fuzz_mutator_options(SPP_FUZZ_TARGET, &opt);
    if (spp_mutate_bytes((const char *)data, size, seed, max_size, &opt, &out, &out_len, NULL,
                         NULL) != SPP_OK ||
        out_len > max_size || out_len == 0) {
        free(out);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    memcpy(data, out, out_len);
    free(out);
    return out_len;
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
    struct spp_mutate_options opt;
    char *res = NULL;
    size_t res_len = 0;

    if (structure_off())
        return 0;
    spp_fuzz_mutator_options(SPP_FUZZ_TARGET, &opt);
    if (spp_mutate_crossover((const char *)data1, size1, (const char *)data2, size2, seed,
                             max_out_size, &opt, &res, &res_len, NULL, NULL) != SPP_OK ||
        res_len > max_out_size) {
        free(res);
        return 0; /* declined: libFuzzer tries another mutation */
    }
    memcpy(out, res, res_len);
    free(res);
    return res_len;
}
