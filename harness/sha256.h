/*
 * sha256 — FIPS 180-4 SHA-256, for naming saved responses by content and for
 * fingerprinting the contract a report was made against. Small and
 * dependency-free; not used for anything secret.
 */
#ifndef SPP_SHA256_H
#define SPP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SPP_SHA256_HEX_LEN 64

struct spp_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
};

void spp_sha256_init(struct spp_sha256 *c);
void spp_sha256_update(struct spp_sha256 *c, const void *data, size_t len);
void spp_sha256_final(struct spp_sha256 *c, unsigned char out[32]);
/* One-shot digest as 64 lowercase hex digits plus a NUL into hex (65 bytes). */
void spp_sha256_hex(const void *data, size_t len, char hex[SPP_SHA256_HEX_LEN + 1]);

#endif
