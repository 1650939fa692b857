/* Fixed-window rate limiter keyed by principal (Okta's model, reference/okta.md §6): a key's
 * window opens with its first request and lasts `window` seconds, in which `limit` requests
 * pass. Keys hash with SipHash under a random key, so nobody can aim keys at one chain; the
 * number of keys is bounded (least recently used evicted); one mutex; the caller passes the
 * time so tests control the clock. */
#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "util/err.h"

#define RL_MAX_KEYS 65536u
#define RL_BUCKETS 65536u /* hash buckets; power of two */

struct rl_entry {
    struct rl_entry *hnext;               /* hash chain */
    struct rl_entry *lru_prev, *lru_next; /* most recent at head */
    long long start;                      /* first second of the current window */
    unsigned used;                        /* requests counted in it, at most the limit */
    uint64_t hash;
    char key[]; /* NUL-terminated copy */
};

struct http_ratelimit {
    pthread_mutex_t mu; /* guards everything below but the constants */
    unsigned limit;
    long long window;
    unsigned char hkey[crypto_shorthash_KEYBYTES];
    size_t nkeys;
    struct rl_entry *lru_head, *lru_tail;
    struct rl_entry *buckets[RL_BUCKETS];
};

static uint64_t rl_hash(const struct http_ratelimit *rl, const char *s)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t h;
    crypto_shorthash(out, (const unsigned char *)s, strlen(s), rl->hkey);
    memcpy(&h, out, sizeof(h));
    return h;
}

struct http_ratelimit *http_ratelimit_new(unsigned limit, unsigned window)
{
    if (limit == 0)
        return NULL;
    if (sodium_init() < 0)
        return NULL;
    struct http_ratelimit *rl = calloc(1, sizeof(*rl));
    if (!rl)
        return NULL;
    if (pthread_mutex_init(&rl->mu, NULL) != 0) {
        free(rl);
        return NULL;
    }
    rl->limit = limit;
    rl->window = window ? window : HTTP_RL_WINDOW_DEFAULT;
    crypto_shorthash_keygen(rl->hkey);
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

/* Drops the least recently used key. Lossless while its window is over; otherwise more
 * than RL_MAX_KEYS keys were seen within one window and that key starts afresh (fail
 * open) rather than the table growing without bound. */
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

/* Returns the entry for key, created with a window opening now when new; NULL on OOM. */
static struct rl_entry *lookup(struct http_ratelimit *rl, const char *key, long long now)
{
    uint64_t h = rl_hash(rl, key);
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
    e->start = now;
    e->used = 0;
    e->lru_prev = e->lru_next = NULL;
    e->hnext = *head;
    *head = e;
    lru_push_front(rl, e);
    rl->nkeys++;
    return e;
}

bool http_ratelimit_take(struct http_ratelimit *rl, const char *key, long long now,
                         struct http_rl_state *st)
{
    if (!rl) {
        if (st)
            *st = (struct http_rl_state){0, 0, now};
        return true;
    }
    pthread_mutex_lock(&rl->mu);
    struct rl_entry *e = lookup(rl, key ? key : "", now);
    if (!e) {
        /* out of memory: fail open rather than refuse service */
        pthread_mutex_unlock(&rl->mu);
        if (st)
            *st = (struct http_rl_state){rl->limit, rl->limit, now + rl->window};
        return true;
    }
    /* a clock going backwards stays in the current window */
    if (now >= e->start + rl->window) {
        e->start = now;
        e->used = 0;
    }
    bool ok = e->used < rl->limit;
    if (ok)
        e->used++;
    if (e != rl->lru_head) {
        lru_unlink(rl, e);
        lru_push_front(rl, e);
    }
    if (st) {
        st->limit = rl->limit;
        st->remaining = rl->limit - e->used;
        st->reset = e->start + rl->window;
    }
    pthread_mutex_unlock(&rl->mu);
    return ok;
}

void http_ratelimit_peer_key(const char *peer, char out[HTTP_RL_PEER_KEY_MAX])
{
    char host[INET6_ADDRSTRLEN], txt[INET6_ADDRSTRLEN];
    const char *p = peer ? peer : "";
    /* "[v6]:port" or "v4:port": the port never counts */
    const char *end = strchr(p, ':') == strrchr(p, ':') ? strchr(p, ':') : NULL;
    size_t n;
    if (p[0] == '[') {
        p++;
        end = strchr(p, ']');
        n = end ? (size_t)(end - p) : 0; /* no ']': malformed */
    } else {
        n = end ? (size_t)(end - p) : strlen(p);
    }
    struct in_addr a4;
    struct in6_addr a6;
    bool v4 = false;
    if (n && n < sizeof(host)) {
        memcpy(host, p, n);
        host[n] = 0;
        v4 = inet_pton(AF_INET, host, &a4) == 1;
        if (!v4 && inet_pton(AF_INET6, host, &a6) == 1) {
            if (IN6_IS_ADDR_V4MAPPED(&a6)) {
                /* an IPv4 client of a dual-stack socket counts as that IPv4 address */
                memcpy(&a4, a6.s6_addr + 12, sizeof(a4));
                v4 = true;
            } else {
                /* a /64 is what one host or site is handed: the whole prefix is one key */
                memset(a6.s6_addr + 8, 0, 8);
                if (inet_ntop(AF_INET6, &a6, txt, sizeof(txt))) {
                    snprintf(out, HTTP_RL_PEER_KEY_MAX, "ip:%s/64", txt);
                    return;
                }
            }
        }
    }
    if (v4 && inet_ntop(AF_INET, &a4, txt, sizeof(txt)))
        snprintf(out, HTTP_RL_PEER_KEY_MAX, "ip:%s", txt);
    else
        snprintf(out, HTTP_RL_PEER_KEY_MAX, "ip:-");
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
