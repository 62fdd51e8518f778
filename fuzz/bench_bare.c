/*
 * bench_bare — the baseline of fuzz/bench.sh: a target that only parses,
 * prints and parses again with cJSON itself (cJSON_ParseWithLength,
 * cJSON_PrintUnformatted, cJSON_Parse), built with the same flags as the
 * real targets, so their executions per second can be read against plain
 * cJSON work on the same corpus. Not a fuzz target: nothing is checked, it
 * is never shipped; like bench/, it may use cJSON outside the json module.
 */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); /* libFuzzer's entry */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    if (!doc)
        return 0;
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(cJSON_Parse(text ? text : ""));
    free(text);
    cJSON_Delete(doc);
    return 0;
}
