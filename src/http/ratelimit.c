/* Token-bucket rate limiter keyed by principal: bounded number of keys (least recently used
 * evicted), one mutex, time passed in by the caller so tests control the clock. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

#define RL_MAX_KEYS 65536u
#define RL_BUCKETS 65536u /* hash buckets; power of two */

/* Tokens are kept in 1/60ths so that a refill of per_minute tokens per 60 s is exact in
 * whole seconds: one second adds per_minute units, one request costs 60 units. */
#define RL_UNIT 60ull

struct rl_entry {
    struct rl_entry *hnext;               /* hash chain */
    struct rl_entry *lru_prev, *lru_next; /* most recent at head */
    unsigned long long units;
    long long last; /* time of the last refill */
    uint64_t hash;
    char key[]; /* NUL-terminated copy */
};

struct http_ratelimit {
    pthread_mutex_t mu; /* guards everything below */
    unsigned per_minute;
    size_t nkeys;
    struct rl_entry *lru_head, *lru_tail;
    struct rl_entry *buckets[RL_BUCKETS];
};

static uint64_t rl_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

struct http_ratelimit *http_ratelimit_new(unsigned per_minute)
{
    if (per_minute == 0)
        return NULL;
    struct http_ratelimit *rl = calloc(1, sizeof(*rl));
    if (!rl)
        return NULL;
    if (pthread_mutex_init(&rl->mu, NULL) != 0) {
        free(rl);
        return NULL;
    }
    rl->per_minute = per_minute;
    return rl;
}

static void lru_unlink(struct http_ratelimit *rl, struct rl_entry *e)
{
    if (e->lru_prev)
        e->lru_prev->lru_next = e->lru_next;
    else
        rl->lru_head = e->lru_next;
    if (e->lru_next)
        e->lru_next->lru_prev = e->lru_prev;
    else
        rl->lru_tail = e->lru_prev;
    e->lru_prev = e->lru_next = NULL;
}

static void lru_push_front(struct http_ratelimit *rl, struct rl_entry *e)
{
    e->lru_prev = NULL;
    e->lru_next = rl->lru_head;
    if (rl->lru_head)
        rl->lru_head->lru_prev = e;
    rl->lru_head = e;
    if (!rl->lru_tail)
        rl->lru_tail = e;
}

static void evict_oldest(struct http_ratelimit *rl)
{
    struct rl_entry *e = rl->lru_tail;
    if (!e)
        return;
    lru_unlink(rl, e);
    struct rl_entry **pp = &rl->buckets[e->hash & (RL_BUCKETS - 1)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    free(e);
    rl->nkeys--;
}

/* Returns the entry for key, created with a full bucket when new; NULL on OOM. */
static struct rl_entry *lookup(struct http_ratelimit *rl, const char *key, long long now)
{
    uint64_t h = rl_hash(key);
    struct rl_entry **head = &rl->buckets[h & (RL_BUCKETS - 1)];
    for (struct rl_entry *e = *head; e; e = e->hnext)
        if (e->hash == h && strcmp(e->key, key) == 0)
            return e;
    if (rl->nkeys >= RL_MAX_KEYS)
        evict_oldest(rl);
    size_t klen = strlen(key);
    struct rl_entry *e = malloc(sizeof(*e) + klen + 1);
    if (!e)
        return NULL;
    memcpy(e->key, key, klen + 1);
    e->hash = h;
    e->units = (unsigned long long)rl->per_minute * RL_UNIT;
    e->last = now;
    e->lru_prev = e->lru_next = NULL;
    e->hnext = *head;
    *head = e;
    lru_push_front(rl, e);
    rl->nkeys++;
    return e;
}

static long long ceil_div(unsigned long long a, unsigned long long b)
{
    return (long long)((a + b - 1) / b);
}

bool http_ratelimit_take(struct http_ratelimit *rl, const char *key, long long now,
                         struct http_rl_state *st)
{
    if (!rl) {
        if (st)
            *st = (struct http_rl_state){0, 0, now, now};
        return true;
    }
    bool ok;
    unsigned long long cap = (unsigned long long)rl->per_minute * RL_UNIT;
    unsigned long long rate = rl->per_minute; /* units per second */
    pthread_mutex_lock(&rl->mu);
    struct rl_entry *e = lookup(rl, key ? key : "", now);
    if (!e) {
        /* out of memory: fail open rather than refuse service */
        pthread_mutex_unlock(&rl->mu);
        if (st)
            *st = (struct http_rl_state){rl->per_minute, rl->per_minute, now, now};
        return true;
    }
    if (now > e->last) {
        unsigned long long elapsed = (unsigned long long)(now - e->last);
        unsigned long long room = cap - e->units;
        e->units = elapsed >= room / rate + 1 ? cap : e->units + elapsed * rate;
        e->last = now;
    }
    ok = e->units >= RL_UNIT;
    if (ok)
        e->units -= RL_UNIT;
    if (e != rl->lru_head) {
        lru_unlink(rl, e);
        lru_push_front(rl, e);
    }
    if (st) {
        st->limit = rl->per_minute;
        st->remaining = (unsigned)(e->units / RL_UNIT);
        st->reset = now + ceil_div(cap - e->units, rate);
        st->retry_at = e->units >= RL_UNIT ? now : now + ceil_div(RL_UNIT - e->units, rate);
    }
    pthread_mutex_unlock(&rl->mu);
    return ok;
}

void http_ratelimit_free(struct http_ratelimit *rl)
{
    if (!rl)
        return;
    struct rl_entry *e = rl->lru_head;
    while (e) {
        struct rl_entry *next = e->lru_next;
        free(e);
        e = next;
    }
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}
