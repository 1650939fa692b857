/* Human passwords: Argon2id hashes with bounded memory and at most two hashes at once. */
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>

#include "core/internal.h"
#include "core/okta.h"

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)
#define PW_CONCURRENT 2

static sem_t pw_sem;
static pthread_once_t pw_once = PTHREAD_ONCE_INIT;

static void pw_init(void)
{
    sem_init(&pw_sem, 0, PW_CONCURRENT);
}

int core_password_hash(struct arena *a, struct slice pw, const char **out)
{
    if (pw.n < CORE_PASSWORD_MIN || pw.n > CORE_PASSWORD_MAX)
        return R_EINVAL;
    char *h = arena_alloc(a, crypto_pwhash_STRBYTES);
    if (!h)
        return R_ENOMEM;
    pthread_once(&pw_once, pw_init);
    while (sem_wait(&pw_sem) != 0)
        ;
    int rc = crypto_pwhash_str_alg(h, pw.p, pw.n, PW_OPSLIMIT, PW_MEMLIMIT,
                                   crypto_pwhash_ALG_ARGON2ID13);
    sem_post(&pw_sem);
    if (rc != 0)
        return R_ENOMEM;
    *out = h;
    return 0;
}

bool core_password_verify(const char *hash, struct slice pw)
{
    if (!hash || pw.n > CORE_PASSWORD_MAX)
        return false;
    pthread_once(&pw_once, pw_init);
    while (sem_wait(&pw_sem) != 0)
        ;
    bool ok = crypto_pwhash_str_verify(hash, pw.p, pw.n) == 0;
    sem_post(&pw_sem);
    return ok;
}
