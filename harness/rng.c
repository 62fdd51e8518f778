/*
 * rng — xoshiro256** seeded by splitmix64 (see rng.h).
 *
 * spp_rng_below rejects the few values at the bottom of the 64-bit range that
 * would make some residues more likely than others ("-n % n" of them), so
 * every result in [0, n) is equally likely; a retry is needed with
 * probability below n / 2^64.
 */
#include "rng.h"

static uint64_t rotl(uint64_t x, unsigned k)
{
    return (x << k) | (x >> (64u - k));
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void spp_rng_seed(struct spp_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t spp_rng_next(struct spp_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5u, 7) * 9u;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t spp_rng_below(struct spp_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t threshold = (0 - n) % n; /* 2^64 mod n */
    for (;;) {
        uint64_t x = spp_rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

bool spp_rng_chance(struct spp_rng *r, uint64_t num, uint64_t den)
{
    if (den == 0)
        return false;
    if (num >= den)
        return true;
    return spp_rng_below(r, den) < num;
}
