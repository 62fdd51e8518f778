#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "err.h"

Test(err, names_every_code_and_rejects_unknown_ones)
{
    cr_assert_str_eq(spp_code_name(SPP_OK), "SPP_OK");
    cr_assert_str_eq(spp_code_name(SPP_ENOMEM), "SPP_ENOMEM");
    cr_assert_str_eq(spp_code_name((enum spp_code)9999), "SPP_UNKNOWN");
    for (int c = 0; c < SPP_CODE_COUNT; c++)
        cr_assert(strlen(spp_strerror((enum spp_code)c)) > 0);
}

Test(err, truncates_long_messages_instead_of_overflowing)
{
    struct spp_err e;
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cr_assert_eq(spp_err_set(&e, SPP_EIO, "%s", big), SPP_EIO);
    cr_assert_eq(strlen(e.msg), SPP_ERR_MSG_MAX - 1);
    cr_assert_eq(e.code, SPP_EIO);
}

Test(err, accepts_a_null_error_record)
{
    cr_assert_eq(spp_err_set(NULL, SPP_ELIMIT, "ignored %d", 1), SPP_ELIMIT);
    spp_err_where(NULL, "x");
    spp_err_clear(NULL);
}
