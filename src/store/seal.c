/* Key files and XChaCha20-Poly1305 sealing of re-showable secrets (see seal.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/seal.h"
#include "util/err.h"

#define SEAL_VERSION 1
#define KEY_HEX (2 * STORE_SEAL_KEY_BYTES)

/* Reads the key file; R_ENOTFOUND when there is none. */
static int key_read(const char *path, unsigned char key[STORE_SEAL_KEY_BYTES])
{
    char text[KEY_HEX + 2];
    struct stat sb;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return R_ENOTFOUND;
        fprintf(stderr, "roster: cannot open key file %s: %s\n", path, strerror(errno));
        return R_EINVAL;
    }
    int rc = R_EINVAL;
    ssize_t n = 0;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "roster: key file %s is not a regular file\n", path);
        goto out;
    }
    if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
        fprintf(stderr, "roster: key file %s must be readable by its owner only (chmod 600)\n",
                path);
        goto out;
    }
    n = read(fd, text, sizeof(text));
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    size_t bin = 0;
    if (n != KEY_HEX ||
        sodium_hex2bin(key, STORE_SEAL_KEY_BYTES, text, (size_t)n, NULL, &bin, NULL) != 0 ||
        bin != STORE_SEAL_KEY_BYTES) {
        fprintf(stderr, "roster: key file %s must hold %d hex digits\n", path, KEY_HEX);
        goto out;
    }
    rc = 0;
out:
    sodium_memzero(text, sizeof(text));
    close(fd);
    return rc;
}

/* Flushes the directory entry of path, so a new key survives a crash with the data it seals. */
static void dir_sync(const char *path)
{
    char dir[PATH_MAX] = ".";
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        if (n >= sizeof(dir))
            return;
        memcpy(dir, path, n);
        dir[n] = 0;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Writes a new random key to a temporary file and links it into place: link fails when another
 * opener got there first, and then its key is the one everybody reads. */
static int key_create(const char *path, bool *created)
{
    char tmp[PATH_MAX];
    unsigned char key[STORE_SEAL_KEY_BYTES];
    char hex[KEY_HEX + 2];
    int n = snprintf(tmp, sizeof(tmp), "%s.%08x.tmp", path, randombytes_random());
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return R_EINVAL;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "roster: cannot create key file %s: %s\n", tmp, strerror(errno));
        return R_EINVAL;
    }
    randombytes_buf(key, sizeof(key));
    sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
    hex[KEY_HEX] = '\n';
    int rc = 0;
    if (fchmod(fd, 0600) != 0 || write(fd, hex, KEY_HEX + 1) != KEY_HEX + 1 || fsync(fd) != 0) {
        fprintf(stderr, "roster: cannot write key file %s: %s\n", tmp, strerror(errno));
        rc = R_EINVAL;
    }
    close(fd);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(hex, sizeof(hex));
    if (!rc && link(tmp, path) == 0) {
        *created = true;
        dir_sync(path);
    } else if (!rc && errno != EEXIST) {
        fprintf(stderr, "roster: cannot create key file %s: %s\n", path, strerror(errno));
        rc = R_EINVAL;
    }
    unlink(tmp);
    return rc;
}

int store_seal_key_load(const char *path, bool create, unsigned char key[STORE_SEAL_KEY_BYTES],
                        bool *created)
{
    *created = false;
    int rc = key_read(path, key);
    if (rc != R_ENOTFOUND || !create)
        return rc;
    if ((rc = key_create(path, created)))
        return rc;
    return key_read(path, key);
}

int store_seal(const unsigned char key[STORE_SEAL_KEY_BYTES], const char *ad, const void *msg,
               size_t n, unsigned char *out, size_t cap, size_t *outn)
{
    if (cap < STORE_SEAL_OVERHEAD || n > cap - STORE_SEAL_OVERHEAD)
        return R_EINVAL;
    unsigned char *nonce = out + 1;
    out[0] = SEAL_VERSION;
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long clen;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                               &clen, msg, n, (const unsigned char *)ad, strlen(ad),
                                               NULL, nonce, key);
    *outn = 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + (size_t)clen;
    return 0;
}

int store_unseal(const unsigned char key[STORE_SEAL_KEY_BYTES], const char *ad,
                 const unsigned char *blob, size_t n, unsigned char *out, size_t cap, size_t *outn)
{
    if (n < STORE_SEAL_OVERHEAD || blob[0] != SEAL_VERSION || cap < n - STORE_SEAL_OVERHEAD)
        return R_EINVAL;
    const unsigned char *nonce = blob + 1;
    const unsigned char *ct = nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    unsigned long long mlen;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL, ct, n - (size_t)(ct - blob),
                                                   (const unsigned char *)ad, strlen(ad), nonce,
                                                   key) != 0)
        return R_EINVAL;
    *outn = (size_t)mlen;
    return 0;
}
