/*
 * spp-bench-cjson — the baseline of `validate`: reads every file named (or
 * every *.json in a folder) into a buffer of its exact size and parses it
 * with cJSON_ParseWithLength, nothing else. Exit 1 if a file does not parse.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return 1;
    }
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len ? len : 1);
    size_t got = buf ? fread(buf, 1, len, f) : 0;
    fclose(f);
    cJSON *root = got == len ? cJSON_ParseWithLength(buf, len) : NULL;
    int bad = root == NULL;
    cJSON_Delete(root);
    free(buf);
    return bad;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            bad |= parse_file(argv[i]);
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d)
            return 2;
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            size_t l = strlen(de->d_name);
            if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
                continue;
            names = realloc(names, (n + 1) * sizeof(*names));
            size_t pl = strlen(argv[i]) + l + 2;
            names[n] = malloc(pl);
            snprintf(names[n++], pl, "%s/%s", argv[i], de->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(*names), compare);
        for (size_t k = 0; k < n; k++) {
            bad |= parse_file(names[k]);
            free(names[k]);
        }
        free(names);
    }
    return bad;
}
