/*
 * fuzz_planted — a test-only target with a planted bug, proving that
 * scripts/repro reproduces a crash and prints the sanitizer's stack trace.
 *
 * Never built for the OSS-Fuzz build and never fuzzed: only its standalone
 * replay binary exists, in test builds. An input that starts with
 * "spp-planted" makes planted_level3 read one byte past the input, which
 * ASan reports as a heap-buffer-overflow (the replay main allocates exactly
 * the input's size). The three planted_* frames give the crash signature.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

#define PLANT "spp-planted"

__attribute__((noinline)) static int planted_level3(const uint8_t *data, size_t size)
{
    volatile const uint8_t *p = data;
    return p[size]; /* the planted bug: one byte past the end */
}

__attribute__((noinline)) static int planted_level2(const uint8_t *data, size_t size)
{
    return planted_level3(data, size) + 1;
}

__attribute__((noinline)) static int planted_level1(const uint8_t *data, size_t size)
{
    return planted_level2(data, size) + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= sizeof(PLANT) - 1 && memcmp(data, PLANT, sizeof(PLANT) - 1) == 0)
        return planted_level1(data, size) > 1000 ? 0 : 0;
    return 0;
}
