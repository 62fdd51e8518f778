/*
 * mock_replay — loads a folder of recorded answers for `mock --replay DIR`.
 *
 * The folder holds `<name>.json` bodies and, beside each, `<name>.meta.json`
 * = {"status":200,"headers":{"Content-Type":"application/json",...}} (the
 * format `check --save-corpus` stores). Bodies are taken as bytes (a recorded
 * body need not be valid JSON: a truncated answer is a recording too). Files
 * are sorted with strcmp so the serving order does not depend on the file
 * system. Everything is bounded: file count, body size, header count and
 * header length; header names must be HTTP tokens and values must not hold
 * CR, LF or other control bytes (they are sent as they are).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_int.h"

#define MAX_HEADERS    64
#define MAX_HEADER_LEN 4096
#define META_MAX_BYTES ((size_t)64 * 1024)

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c))
            return false;
    }
    return true;
}

static bool is_header_value(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

static void rec_clear(struct spp_mock_recording *r)
{
    free(r->body);
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    memset(r, 0, sizeof(*r));
}

void spp_mock_replay_free(struct spp_mock_recording *recs, size_t count)
{
    if (!recs)
        return;
    for (size_t i = 0; i < count; i++)
        rec_clear(&recs[i]);
    free(recs);
}

static enum spp_code load_meta(const char *path, struct spp_mock_recording *r, struct spp_err *err)
{
    struct spp_json_doc *doc = NULL;
    struct spp_json_limits lim = {.max_bytes = META_MAX_BYTES, .max_depth = 8};
    enum spp_code rc = spp_json_parse_file(path, &lim, &doc, err);
    if (rc != SPP_OK)
        return rc;
    const struct spp_json *root = spp_json_doc_root(doc);
    const struct spp_json *st = spp_json_get(root, "status");
    const struct spp_json *hd = spp_json_get(root, "headers");
    if (spp_json_kind(root) != SPP_JSON_OBJECT || !spp_json_is_integer(st) ||
        spp_json_number(st) < 200 || spp_json_number(st) > 599) {
        rc = spp_err_set(err, SPP_ESYNTAX, "%s: needs an integer \"status\" 200..599", path);
        goto out;
    }
    r->status = (unsigned)spp_json_number(st);
    if (hd && spp_json_kind(hd) != SPP_JSON_OBJECT) {
        rc = spp_err_set(err, SPP_ESYNTAX, "%s: \"headers\" must be an object", path);
        goto out;
    }
    size_t nh = spp_json_count(hd);
    if (nh > MAX_HEADERS) {
        rc = spp_err_set(err, SPP_ELIMIT, "%s: more than %d headers", path, MAX_HEADERS);
        goto out;
    }
    if (nh) {
        r->headers = calloc(nh, sizeof(*r->headers));
        if (!r->headers) {
            rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
            goto out;
        }
    }
    for (const struct spp_json *h = spp_json_first(hd); h; h = spp_json_next(h)) {
        size_t vlen = 0;
        const char *v = spp_json_string(h, &vlen);
        const char *k = spp_json_key(h);
        if (!v || !is_token(k) || !is_header_value(v) || strlen(k) > MAX_HEADER_LEN ||
            vlen > MAX_HEADER_LEN) {
            rc = spp_err_set(err, SPP_ESYNTAX, "%s: header \"%.64s\" is not a valid header line",
                             path, k);
            goto out;
        }
        /* Transport headers are MHD's job; a recorded one would contradict the real body. */
        if (strcasecmp(k, "Content-Length") == 0 || strcasecmp(k, "Transfer-Encoding") == 0 ||
            strcasecmp(k, "Connection") == 0)
            continue;
        struct spp_mock_header *dst = &r->headers[r->nheaders];
        dst->name = strdup(k);
        dst->value = strdup(v);
        r->nheaders++;
        if (!dst->name || !dst->value) {
            rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
            goto out;
        }
    }
    rc = SPP_OK;
out:
    if (rc != SPP_OK)
        spp_err_where(err, path);
    spp_json_doc_free(doc);
    return rc;
}

enum spp_code spp_mock_replay_load(const char *dir, struct spp_mock_recording **out, size_t *count,
                                   struct spp_err *err)
{
    enum spp_code rc = SPP_OK;
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    struct spp_mock_recording *recs = NULL;
    size_t nrecs = 0;
    DIR *d = opendir(dir);
    if (!d) {
        rc = spp_err_set(err, SPP_EIO, "cannot read replay folder %s", dir);
        spp_err_where(err, dir);
        return rc;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".json") ||
            ends_with(e->d_name, ".meta.json"))
            continue;
        if (nnames == SPP_MOCK_MAX_RECORDINGS) {
            rc = spp_err_set(err, SPP_ELIMIT, "%s: more than %d recordings", dir,
                             SPP_MOCK_MAX_RECORDINGS);
            goto out;
        }
        if (nnames == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nn = realloc(names, ncap * sizeof(*nn));
            if (!nn) {
                rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
                goto out;
            }
            names = nn;
            cap = ncap;
        }
        names[nnames] = strdup(e->d_name);
        if (!names[nnames]) {
            rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
            goto out;
        }
        nnames++;
    }
    if (nnames == 0) {
        rc = spp_err_set(err, SPP_EIO, "replay folder %s holds no recorded *.json bodies", dir);
        spp_err_where(err, dir);
        goto out;
    }
    qsort(names, nnames, sizeof(*names), cmp_names);
    recs = calloc(nnames, sizeof(*recs));
    if (!recs) {
        rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nnames; i++) {
        char path[4096], meta[4096];
        size_t base = strlen(names[i]) - strlen(".json");
        int w1 = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        int w2 = snprintf(meta, sizeof(meta), "%s/%.*s.meta.json", dir, (int)base, names[i]);
        if (w1 < 0 || (size_t)w1 >= sizeof(path) || w2 < 0 || (size_t)w2 >= sizeof(meta)) {
            rc = spp_err_set(err, SPP_ELIMIT, "path too long in %s", dir);
            goto out;
        }
        struct spp_mock_recording *r = &recs[nrecs++];
        rc = spp_file_read(path, SPP_MOCK_MAX_RECORDING_BYTES, &r->body, &r->len, err);
        if (rc != SPP_OK) {
            spp_err_where(err, path);
            goto out;
        }
        FILE *mf = fopen(meta, "rb");
        if (!mf) {
            /* No meta: a plain JSON 200. */
            r->status = 200;
            r->headers = calloc(1, sizeof(*r->headers));
            if (!r->headers) {
                rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
                goto out;
            }
            r->nheaders = 1;
            r->headers[0].name = strdup("Content-Type");
            r->headers[0].value = strdup("application/json");
            if (!r->headers[0].name || !r->headers[0].value) {
                rc = spp_err_set(err, SPP_ENOMEM, "out of memory");
                goto out;
            }
            continue;
        }
        fclose(mf);
        rc = load_meta(meta, r, err);
        if (rc != SPP_OK)
            goto out;
    }
    *out = recs;
    *count = nrecs;
    recs = NULL;
out:
    closedir(d);
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    spp_mock_replay_free(recs, nrecs);
    return rc;
}
