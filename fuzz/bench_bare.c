/*
 * bench_bare — the baseline of fuzz/bench.sh: a target that only parses,
 * prints and parses again (spp_json_parse / spp_json_print, i.e. cJSON
 * behind the json module), built with the same flags as the real targets, so
 * their executions per second can be read against plain cJSON work on the
 * same corpus. Not a fuzz target: nothing is checked, it is never shipped.
 */
#include <stdlib.h>

#include "fuzz_common.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spp_json_doc *doc = NULL, *again = NULL;
    size_t len = 0;
    if (spp_json_parse((const char *)data, size, NULL, &doc, NULL) != SPP_OK)
        return 0;
    char *text = spp_json_print(spp_json_doc_root(doc), false, &len);
    if (text)
        (void)spp_json_parse(text, len, NULL, &again, NULL);
    spp_json_doc_free(again);
    free(text);
    spp_json_doc_free(doc);
    return 0;
}
