/*
 * spp-bench-gen — writes benchmark documents: COUNT complete TicketResource
 * documents derived from a seed document (every nested schema present), each
 * with its own ids, texts and numbers so no two files are alike.
 *
 *   spp-bench-gen SEED.json OUTDIR COUNT [MESSAGES]
 *
 * MESSAGES (default: as in the seed) sets the length of the top-level
 * messages array, which is how a 50 MB document is made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"

static void vary(struct spp_json *n, unsigned long k, int depth);

/* One member or element: recurse into containers, rewrite ids and texts. */
static void vary_child(struct spp_json *parent, const char *key, struct spp_json *m,
                       unsigned long k, int depth)
{
    enum spp_json_kind kind = spp_json_kind(m);
    if (kind == SPP_JSON_OBJECT || kind == SPP_JSON_ARRAY) {
        vary(m, k, depth + 1);
    } else if (key && kind == SPP_JSON_NUMBER && strcmp(key, "id") == 0) {
        spp_json_set(parent, key, spp_json_new_number((double)(k * 1000 + (unsigned)depth)));
    } else if (key && kind == SPP_JSON_STRING &&
               (strcmp(key, "message") == 0 || strcmp(key, "note") == 0 ||
                strcmp(key, "subject") == 0 || strcmp(key, "description") == 0)) {
        char buf[256];
        snprintf(buf, sizeof(buf), "%.200s #%lu", spp_json_string(m, NULL), k);
        spp_json_set(parent, key, spp_json_new_string(buf));
    }
}

/* Rewrites ids and free texts of n deterministically from k, keeping every format valid. */
static void vary(struct spp_json *n, unsigned long k, int depth)
{
    if (depth > 64)
        return;
    if (spp_json_kind(n) == SPP_JSON_ARRAY) {
        size_t count = spp_json_count(n);
        for (size_t i = 0; i < count; i++)
            vary_child(n, NULL, spp_json_at_mut(n, i), k, depth);
        return;
    }
    size_t count = spp_json_count(n);
    const char **keys = malloc((count ? count : 1) * sizeof(*keys));
    size_t nk = 0;
    for (const struct spp_json *c = spp_json_first(n); keys && c; c = spp_json_next(c))
        keys[nk++] = spp_json_key(c);
    for (size_t i = 0; keys && i < nk; i++)
        vary_child(n, keys[i], spp_json_get_mut(n, keys[i]), k, depth);
    free(keys);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: spp-bench-gen SEED.json OUTDIR COUNT [MESSAGES]\n");
        return 2;
    }
    struct spp_err err;
    struct spp_json_doc *seed = NULL;
    if (spp_json_parse_file(argv[1], NULL, &seed, &err) != SPP_OK) {
        fprintf(stderr, "spp-bench-gen: %s\n", err.msg);
        return 2;
    }
    unsigned long count = strtoul(argv[3], NULL, 10);
    long messages = argc > 4 ? strtol(argv[4], NULL, 10) : -1;
    if (spp_mkdirs(argv[2], &err) != SPP_OK) {
        fprintf(stderr, "spp-bench-gen: %s\n", err.msg);
        return 2;
    }
    for (unsigned long i = 0; i < count; i++) {
        struct spp_json *doc = spp_json_clone(spp_json_doc_root(seed));
        if (messages >= 0) {
            const struct spp_json *proto = spp_json_at(spp_json_get(doc, "messages"), 0);
            struct spp_json *arr = spp_json_new_array();
            for (long m = 0; proto && m < messages; m++)
                spp_json_append(arr, spp_json_clone(proto));
            spp_json_set(doc, "messages", arr);
        }
        vary(doc, i + 1, 0);
        size_t len = 0;
        char *text = spp_json_print(doc, false, &len);
        char path[4096];
        snprintf(path, sizeof(path), "%s/ticket-%06lu.json", argv[2], i);
        if (!text || spp_write_file(path, text, len, &err) != SPP_OK) {
            fprintf(stderr, "spp-bench-gen: cannot write %s\n", path);
            return 2;
        }
        free(text);
        spp_json_free(doc);
    }
    spp_json_doc_free(seed);
    return 0;
}
