#include <criterion/criterion.h>
#include <string.h>

#include "sha256.h"

Test(sha256, matches_the_fips_test_vectors)
{
    char hex[SPP_SHA256_HEX_LEN + 1];
    spp_sha256_hex("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    spp_sha256_hex("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    spp_sha256_hex(two, strlen(two), hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha256, gives_the_same_digest_fed_in_pieces)
{
    char a[1000];
    memset(a, 'a', sizeof(a));
    struct spp_sha256 c;
    unsigned char d1[32], d2[32];
    spp_sha256_init(&c);
    for (size_t i = 0; i < sizeof(a); i += 7)
        spp_sha256_update(&c, a + i, sizeof(a) - i < 7 ? sizeof(a) - i : 7);
    spp_sha256_final(&c, d1);
    spp_sha256_init(&c);
    spp_sha256_update(&c, a, sizeof(a));
    spp_sha256_final(&c, d2);
    cr_assert_arr_eq(d1, d2, 32);
}
