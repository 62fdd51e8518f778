/*
 * map — a byte-keyed hash map (keys copied, values borrowed), open addressing over a
 * power-of-two table kept at most half full. See map.h.
 */
#include "map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t map_hash(const void *key, size_t klen)
{
    const unsigned char *k = key;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < klen; i++) {
        h ^= k[i];
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

void *spp_map_get(const struct spp_map *m, const void *key, size_t klen)
{
    if (!m->cap)
        return NULL;
    size_t i = map_hash(key, klen) & (m->cap - 1);
    while (m->e[i].key) {
        if (m->e[i].klen == klen && memcmp(m->e[i].key, key, klen) == 0)
            return m->e[i].val;
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

static bool map_grow(struct spp_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    struct spp_map_ent *e = calloc(cap, sizeof(*e));
    if (!e)
        return false;
    for (size_t k = 0; k < m->cap; k++) {
        if (!m->e[k].key)
            continue;
        size_t i = map_hash(m->e[k].key, m->e[k].klen) & (cap - 1);
        while (e[i].key)
            i = (i + 1) & (cap - 1);
        e[i] = m->e[k];
    }
    free(m->e);
    m->e = e;
    m->cap = cap;
    return true;
}

bool spp_map_put(struct spp_map *m, const void *key, size_t klen, void *val)
{
    if ((m->n + 1) * 2 > m->cap && !map_grow(m))
        return false;
    size_t i = map_hash(key, klen) & (m->cap - 1);
    while (m->e[i].key) {
        if (m->e[i].klen == klen && memcmp(m->e[i].key, key, klen) == 0) {
            m->e[i].val = val;
            return true;
        }
        i = (i + 1) & (m->cap - 1);
    }
    char *k = malloc(klen + 1);
    if (!k)
        return false;
    memcpy(k, key, klen);
    k[klen] = '\0';
    m->e[i].key = k;
    m->e[i].klen = klen;
    m->e[i].val = val;
    m->n++;
    return true;
}

void spp_map_free(struct spp_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->e[i].key);
    free(m->e);
    m->e = NULL;
    m->cap = m->n = 0;
}
