/*
 * json_oracle — cJSON as the oracle of the json module's reader.
 *
 * harness/json.c reads JSON itself (strict RFC 8259) into cJSON nodes; cJSON
 * 1.7.15's own parser is more lenient (leading zeros, "1.", raw control
 * characters, trailing bytes), so whatever the reader accepts cJSON must
 * accept too, into the same tree: the same kinds, keys, strings, numbers and
 * order, node for node (cJSON_Compare is no judge here: it compares every
 * object twice, once from each side, which is exponential in the nesting).
 * Skipped: input that starts with a UTF-8 byte order mark (the reader skips
 * it, cJSON does not).
 * The one place outside harness/json.c that treats a spp_json as the cJSON
 * node it is: an oracle has to look at both trees the same way.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "fuzz_common.h"
#include "json.h"

/* Node for node, in order; depth is bounded by the reader's own limit. */
static bool same_tree(const cJSON *a, const cJSON *b)
{
    if ((a->type & 0xFF) != (b->type & 0xFF))
        return false;
    if ((a->string || b->string) && (!a->string || !b->string || strcmp(a->string, b->string)))
        return false;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsNumber(a)) /* bit for bit: -0 is not 0 */
        return memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)) == 0 &&
               a->valueint == b->valueint;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!same_tree(x, y))
            return false;
    return !x && !y;
}

void spp_fuzz_check_reader(const uint8_t *data, size_t size, const struct spp_json_doc *doc)
{
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        return;
    cJSON *theirs = cJSON_ParseWithLength((const char *)data, size);
    SPP_FUZZ_CHECK(theirs != NULL, "the reader accepted %zu bytes that cJSON refuses", size);
    const cJSON *ours = (const cJSON *)(const void *)spp_json_doc_root(doc);
    bool same = same_tree(theirs, ours);
    cJSON_Delete(theirs);
    SPP_FUZZ_CHECK(same, "the reader and cJSON read different trees from %zu bytes", size);
}
