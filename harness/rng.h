/*
 * rng — a small deterministic pseudo-random generator in a context struct.
 *
 * xoshiro256** (Blackman & Vigna) seeded through splitmix64, so any 64-bit
 * seed (0 included) gives a well-mixed state. Only fixed-width integer
 * arithmetic is used: the same seed yields the same sequence on every
 * machine and compiler, which is what makes a mutation reproducible from its
 * seed alone. No globals: each user owns its struct spp_rng. Not for
 * cryptography.
 */
#ifndef SPP_RNG_H
#define SPP_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct spp_rng {
    uint64_t s[4];
};

/* (Re)starts the sequence of r from seed. */
void spp_rng_seed(struct spp_rng *r, uint64_t seed);
/* The next 64 random bits. */
uint64_t spp_rng_next(struct spp_rng *r);
/* Uniform in [0, n) without modulo bias (rejection); 0 when n is 0. */
uint64_t spp_rng_below(struct spp_rng *r, uint64_t n);
/* True with probability num/den (false when den is 0; true when num >= den). */
bool spp_rng_chance(struct spp_rng *r, uint64_t num, uint64_t den);

#endif
