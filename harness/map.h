/*
 * map — a byte-keyed hash map: keys are copied (any bytes: a string, a pointer's bytes),
 * values are borrowed. Zero-initialised is empty. Used by the schema compiler (resources,
 * anchors, nodes by document address) and the engine's drift memo.
 */
#ifndef SPP_MAP_H
#define SPP_MAP_H

#include <stdbool.h>
#include <stddef.h>

struct spp_map_ent {
    char *key; /* NULL: a free slot */
    size_t klen;
    void *val;
};

struct spp_map {
    struct spp_map_ent *e;
    size_t cap;
    size_t n;
};

void *spp_map_get(const struct spp_map *m, const void *key, size_t klen);
/* Inserts or replaces; false on allocation failure. */
bool spp_map_put(struct spp_map *m, const void *key, size_t klen, void *val);
/* Frees the keys and the table (not the values: walk m->e first to free those). */
void spp_map_free(struct spp_map *m);

#endif
