/*
 * Canary (registered WILL_FAIL): a heap overflow inside a Criterion test must
 * fail the test run. If this test ever "passes", sanitizer reports are being
 * swallowed and every other green test means less than it claims.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

Test(canary, heap_overflow_is_caught_by_asan)
{
    volatile size_t n = 8;
    /* volatile: the optimiser may otherwise drop the whole malloc/store/free. */
    char *volatile p = malloc(n);
    cr_assert_not_null(p);
    ((volatile char *)p)[n] = 'x'; /* one past the end; volatile: not a dead store */
    free(p);
}
