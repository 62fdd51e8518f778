/*
 * Canary (registered WILL_FAIL): a leak inside a Criterion test must fail the
 * run, proving LeakSanitizer runs in Criterion's worker processes.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

Test(canary, leak_is_caught_by_lsan)
{
    char *p = malloc(64);
    cr_assert_not_null(p);
    memset(p, 1, 64);
    sink = p;
    sink = NULL; /* the only reference is gone: a definite leak */
}
