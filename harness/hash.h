/*
 * hash — the two hashes the open-addressing tables of libspp share: FNV-1a over a
 * C string (names and keys) and a multiplicative hash of an address (memos keyed by
 * node). Header-only; no state.
 */
#ifndef SPP_HASH_H
#define SPP_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t spp_hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* A slot of a power-of-two table (mask = size - 1) for address p. */
static inline size_t spp_hash_ptr(const void *p, size_t mask)
{
    return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull) & mask;
}

#endif
