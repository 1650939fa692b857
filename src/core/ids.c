/* Ids (UUIDs, Okta-style time-ordered ids), timestamps and secrets. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

int64_t core_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void core_uuid(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = 0;
}

/* Digits, then upper, then lower case: base62 in ASCII order, so ids sort by time. */
static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void core_okta_id(const char *prefix, char out[21])
{
    memcpy(out, prefix, 3);
    uint64_t t = (uint64_t)core_now_ms();
    for (int i = 10; i >= 3; i--) { /* 8 time digits: enough until the year 8900 */
        out[i] = b62[t % 62];
        t /= 62;
    }
    unsigned char r[9];
    randombytes_buf(r, sizeof(r));
    for (int i = 0; i < 9; i++)
        out[11 + i] = b62[r[i] % 62];
    out[20] = 0;
}

void core_format_time(int64_t ms, char out[32])
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    unsigned year = (unsigned)(tm.tm_year + 1900) % 10000u;
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", year, (unsigned)tm.tm_mon % 13u + 1,
             (unsigned)tm.tm_mday % 32u, (unsigned)tm.tm_hour % 24u, (unsigned)tm.tm_min % 60u,
             (unsigned)tm.tm_sec % 61u, (unsigned)(ms % 1000));
}

bool core_uuid_valid(struct slice s)
{
    if (s.n != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        char c = s.p[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

void core_uuid_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'F')
            *s = (char)(*s + 32);
}

char *core_random_secret(struct arena *a, size_t nbytes, bool urlsafe)
{
    unsigned char raw[128];
    if (nbytes > sizeof(raw))
        return NULL;
    randombytes_buf(raw, nbytes);
    int variant =
        urlsafe ? sodium_base64_VARIANT_URLSAFE_NO_PADDING : sodium_base64_VARIANT_ORIGINAL;
    size_t len = sodium_base64_encoded_len(nbytes, variant);
    char *out = arena_alloc(a, len);
    if (out)
        sodium_bin2base64(out, len, raw, nbytes, variant);
    sodium_memzero(raw, sizeof(raw));
    return out;
}

void core_hash_secret(const char *secret, size_t n, unsigned char out[32])
{
    crypto_hash_sha256(out, (const unsigned char *)secret, n);
}
