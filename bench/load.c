/* A small closed-loop HTTP/1.1 load generator for loopback benchmarks: C connections,
 * each with one request in flight over keep-alive, for a fixed duration or request count.
 * usage: load HOST PORT PATH[|PATH2|…] CONNS SECONDS [AUTH_HEADER] [METHOD] [BODY]
 * Paths separated by '|' are used in turn. "%d" in the body becomes the request's number,
 * 0, 1, 2, … shared by all connections; LOAD_MAX=N in the environment stops after N requests.
 * Prints requests/s, mean and p99 latency. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_LAT 2000000

static long next_seq; /* the request numbers, taken atomically by every connection */
static long max_seq;  /* 0: no limit */

struct job {
    const char *host;
    int port;
    char **paths;
    int npaths;
    const char *auth, *method, *body;
    double seconds;
    long done, errors;
    double *lat;
    long nlat;
    int id;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int conn_open(const char *host, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    inet_pton(AF_INET, host, &sa.sin_addr);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads one response (headers + Content-Length body); returns the status or -1. */
static int read_response(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    char *hdr_end = NULL;
    while (!hdr_end) {
        ssize_t n = read(fd, buf + have, cap - have - 1);
        if (n <= 0)
            return -1;
        have += (size_t)n;
        buf[have] = 0;
        hdr_end = strstr(buf, "\r\n\r\n");
        if (!hdr_end && have >= cap - 1)
            return -1;
    }
    int status = (int)strtol(buf + 9, NULL, 10);
    long len = 0;
    char *cl = strcasestr(buf, "\r\nContent-Length:");
    if (cl)
        len = strtol(cl + 17, NULL, 10);
    size_t body_have = have - (size_t)(hdr_end + 4 - buf);
    while ((long)body_have < len) {
        ssize_t n = read(fd, buf, cap - 1);
        if (n <= 0)
            return -1;
        body_have += (size_t)n;
    }
    return status;
}

static void *worker(void *arg)
{
    struct job *j = arg;
    char *buf = malloc(1 << 20);
    char req[8192];
    int fd = conn_open(j->host, j->port);
    double end = now_s() + j->seconds;
    long k = j->id;
    while (fd >= 0 && now_s() < end) {
        long seq = __atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED);
        if (max_seq > 0 && seq >= max_seq)
            break;
        const char *path = j->paths[k++ % j->npaths];
        size_t blen = j->body ? strlen(j->body) : 0;
        char body[1024];
        if (j->body) /* "%d" in the body becomes a unique number */
            blen = (size_t)snprintf(body, sizeof(body), j->body, (int)seq);
        int n = snprintf(req, sizeof(req),
                         "%s %s HTTP/1.1\r\nHost: %s:%d\r\n%s%s%sContent-Length: %zu\r\n"
                         "Content-Type: application/json\r\n\r\n%s",
                         j->method, path, j->host, j->port, j->auth ? j->auth : "",
                         j->auth ? "\r\n" : "", "", blen, j->body ? body : "");
        double t0 = now_s();
        if (write(fd, req, (size_t)n) != n)
            break;
        int st = read_response(fd, buf, 1 << 20);
        double dt = now_s() - t0;
        if (st < 200 || st >= 300)
            j->errors++;
        if (st < 0)
            break;
        j->done++;
        if (j->nlat < MAX_LAT)
            j->lat[j->nlat++] = dt;
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: load HOST PORT PATHS CONNS SECONDS [AUTH] [METHOD] [BODY]\n");
        return 2;
    }
    int conns = (int)strtol(argv[4], NULL, 10);
    const char *max = getenv("LOAD_MAX");
    max_seq = max ? strtol(max, NULL, 10) : 0;
    double secs = strtod(argv[5], NULL);
    char *paths[64];
    int np = 0;
    for (char *save = NULL, *p = strtok_r(argv[3], "|", &save); p && np < 64;
         p = strtok_r(NULL, "|", &save))
        paths[np++] = p;
    struct job *jobs = calloc((size_t)conns, sizeof(*jobs));
    pthread_t *th = calloc((size_t)conns, sizeof(*th));
    double t0 = now_s();
    for (int i = 0; i < conns; i++) {
        jobs[i] = (struct job){.host = argv[1],
                               .port = (int)strtol(argv[2], NULL, 10),
                               .paths = paths,
                               .npaths = np,
                               .auth = argc > 6 && *argv[6] ? argv[6] : NULL,
                               .method = argc > 7 ? argv[7] : "GET",
                               .body = argc > 8 ? argv[8] : NULL,
                               .seconds = secs,
                               .id = i};
        jobs[i].lat = malloc(sizeof(double) * MAX_LAT / (size_t)conns);
        pthread_create(&th[i], NULL, worker, &jobs[i]);
    }
    long done = 0, errors = 0, nlat = 0;
    for (int i = 0; i < conns; i++) {
        pthread_join(th[i], NULL);
        done += jobs[i].done;
        errors += jobs[i].errors;
        nlat += jobs[i].nlat;
    }
    double el = now_s() - t0;
    double *all = malloc(sizeof(double) * (size_t)(nlat ? nlat : 1));
    long o = 0;
    double sum = 0;
    for (int i = 0; i < conns; i++)
        for (long k = 0; k < jobs[i].nlat; k++) {
            all[o++] = jobs[i].lat[k];
            sum += jobs[i].lat[k];
        }
    qsort(all, (size_t)o, sizeof(double), cmp_d);
    printf("%.0f req/s  mean %.1f us  p99 %.1f us  (%ld requests, %ld errors)\n", done / el,
           o ? sum / (double)o * 1e6 : 0, o ? all[(long)((double)o * 0.99)] * 1e6 : 0, done,
           errors);
    return errors ? 1 : 0;
}
