/*
 * Canary (registered WILL_FAIL): undefined behaviour inside a Criterion test
 * must fail the run (UBSan with -fno-sanitize-recover=all aborts).
 */
#include <criterion/criterion.h>
#include <limits.h>

Test(canary, signed_overflow_is_caught_by_ubsan)
{
    volatile int x = INT_MAX;
    int y = x + 1;
    /* Without UBSan this wraps on every target we build for, and the test would pass. */
    cr_assert_eq(y, INT_MIN);
}
