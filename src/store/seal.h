/* Sealing of the one secret a store must give back (server enrollment tokens, re-shown by
 * ASA): authenticated encryption under a key kept outside the database, so a copy of the
 * database alone does not reveal it (docs/decisions.md). Engines call this; core never does. */
#ifndef ROSTER_STORE_SEAL_H
#define ROSTER_STORE_SEAL_H

#include <stdbool.h>
#include <stddef.h>

#define STORE_SEAL_KEY_BYTES 32
/* A sealed blob: a version byte, the 24-byte nonce, then the ciphertext and its 16-byte tag. */
#define STORE_SEAL_OVERHEAD (1 + 24 + 16)

/* Loads the key file at path: 64 hex digits and a newline, a regular file that only its owner
 * may read. When it is missing and create is set, writes a new random key there first
 * (atomically, so concurrent openers agree on one key) and sets *created. Returns 0,
 * R_ENOTFOUND (missing, !create) or R_EINVAL (unreadable, malformed, open to other users;
 * the reason on stderr). */
int store_seal_key_load(const char *path, bool create, unsigned char key[STORE_SEAL_KEY_BYTES],
                        bool *created);

/* Seals msg[0..n) bound to ad (the owning row's public id, so a blob moved to another row does
 * not open) into out (cap ≥ n + STORE_SEAL_OVERHEAD); *outn its length. R_EINVAL if it does
 * not fit. */
int store_seal(const unsigned char key[STORE_SEAL_KEY_BYTES], const char *ad, const void *msg,
               size_t n, unsigned char *out, size_t cap, size_t *outn);
/* Opens a blob sealed under key and ad into out (cap ≥ n - STORE_SEAL_OVERHEAD); R_EINVAL when
 * it was not (wrong key, other row, altered, unknown version, too small a buffer). */
int store_unseal(const unsigned char key[STORE_SEAL_KEY_BYTES], const char *ad,
                 const unsigned char *blob, size_t n, unsigned char *out, size_t cap, size_t *outn);

#endif
