/*
 * standalone_main — runs a fuzz target without a fuzz engine, so every saved
 * input is replayed by the test suite (CTest) and by scripts/repro, with gcc
 * or clang, under the build's sanitizers.
 *
 *   replay_<target> PATH...     each PATH a file or a directory of files
 *
 * Each file is read into a heap buffer of EXACTLY its size (malloc(size), no
 * extra NUL), so a target that reads one byte past its input is caught by
 * ASan here as it would be by libFuzzer. Directories are read one level deep
 * in name order, skipping dot files. A crash is the target's (or the
 * sanitizer's) own report and exit status; otherwise it prints how many
 * inputs ran and exits 0 (2 for an unreadable path).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

/* Targets without an initialiser leave this NULL. */
#pragma weak LLVMFuzzerInitialize

/* A corpus file larger than this is a mistake, not an input (libFuzzer's -max_len is far lower). */
#define REPLAY_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define PATH_MAX_LEN     4096

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    uint8_t *buf = NULL;
    int status = 2;

    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size > REPLAY_MAX_BYTES) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        goto out;
    }
    size_t size = (size_t)st.st_size;
    buf = malloc(size); /* exactly size bytes: an over-read is a heap-buffer-overflow */
    if (!buf && size) {
        fprintf(stderr, "replay: out of memory for %s\n", path);
        goto out;
    }
    if (size && fread(buf, 1, size, f) != size) {
        fprintf(stderr, "replay: short read of %s\n", path);
        goto out;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    (void)LLVMFuzzerTestOneInput(buf, size);
    status = 0;
out:
    free(buf);
    if (f)
        fclose(f);
    return status;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = 0;
    struct dirent *e;

    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return 2;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **grown = realloc(names, ncap * sizeof(*names));
            if (!grown) {
                status = 2;
                goto out;
            }
            names = grown;
            cap = ncap;
        }
        names[n] = strdup(e->d_name);
        if (!names[n]) {
            status = 2;
            goto out;
        }
        n++;
    }
    if (n)
        qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n && status == 0; i++) {
        char path[PATH_MAX_LEN];
        struct stat st;
        int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (len < 0 || (size_t)len >= sizeof(path)) {
            status = 2;
            break;
        }
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            continue; /* one level deep */
        status = run_file(path);
        *count += status == 0;
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return status;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int status = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        (void)LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc && status == 0; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            status = run_dir(argv[i], &count);
        } else {
            status = run_file(argv[i]);
            count += status == 0;
        }
    }
    fprintf(stderr, "replay: %zu input(s) ran\n", count);
    return status;
}
