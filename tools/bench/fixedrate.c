// A fixed-rate (open-loop) HTTP/1.1 GET client in C, to check `sessiond-bench http`'s fixed-rate figures with a
// generator that shares none of its code: one thread, epoll, keep-alive connections, no Swift runtime.
// Request k is due at start + k / rate and goes out on an idle connection when due (or as soon as one is idle);
// its latency counts from when it was due, so a stall delays every later figure instead of hiding.
//
//   cc -O2 -o /tmp/fixedrate tools/bench/fixedrate.c
//   /tmp/fixedrate HOST PORT RATE SECONDS CONNECTIONS PATHFILE [TIMESFILE]
//
// PATHFILE: one request path a line (e.g. /v1/sessions/ID), picked at random per request; every answer must be
// 200 with a Content-Length. TIMESFILE: each request's due time and latency in ms, to see when the slow ones came.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    int busy;
    int64_t due;
    char buf[65536];
    size_t len;
} conn_t;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

// Returns the length of a complete response at the buffer's start, 0 if incomplete.
static size_t complete(const char *b, size_t n) {
    const char *end = memmem(b, n, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - b) + 4;
    const char *cl = memmem(b, head, "ontent-Length:", 14);
    if (!cl) cl = memmem(b, head, "ontent-length:", 14);
    size_t body = cl ? (size_t)strtoul(cl + 14, NULL, 10) : 0;
    return n >= head + body ? head + body : 0;
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: fixedrate HOST PORT RATE SECONDS CONNECTIONS PATHFILE [TIMESFILE]\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    int nconn = atoi(argv[5]);
    FILE *pf = fopen(argv[6], "r");
    if (!pf) { perror(argv[6]); return 2; }
    char **paths = NULL; size_t npaths = 0, cap = 0; char line[512];
    while (fgets(line, sizeof line, pf)) {
        line[strcspn(line, "\n")] = 0;
        if (!*line) continue;
        if (npaths == cap) { cap = cap ? cap * 2 : 64; paths = realloc(paths, cap * sizeof *paths); }
        char req[700];
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", line, host);
        paths[npaths++] = strdup(req);
    }
    fclose(pf);

    int64_t total = (int64_t)(rate * seconds);
    int64_t *lat = calloc((size_t)total, sizeof *lat), *when = calloc((size_t)total, sizeof *when);
    conn_t *c = calloc((size_t)nconn, sizeof *c);
    int ep = epoll_create1(0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &a.sin_addr);
    for (int i = 0; i < nconn; i++) {
        c[i].fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(c[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c[i].fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
    }
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct epoll_event tev = {.events = EPOLLIN, .data.u32 = 0xffffffffu};
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);

    double interval = 1e9 / rate;
    int64_t start = now_ns() + 200000000, sent = 0, done = 0;
    uint64_t rnd = 99;
    int next_idle = 0;
    while (done < total) {
        int64_t t = now_ns();
        while (sent < total && start + (int64_t)(sent * interval) <= t) {
            int k = -1;
            for (int j = 0; j < nconn; j++) {
                int i = (next_idle + j) % nconn;
                if (!c[i].busy) { k = i; break; }
            }
            if (k < 0) break;
            next_idle = (k + 1) % nconn;
            rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *r = paths[(rnd >> 33) % npaths];
            c[k].busy = 1;
            c[k].due = start + (int64_t)(sent * interval);
            if (write(c[k].fd, r, strlen(r)) < 0) { perror("write"); return 1; }
            sent++;
        }
        int idle = 0;
        for (int j = 0; j < nconn && !idle; j++) idle = !c[j].busy;
        // With every connection busy the next send waits for an answer, not for the timer (no spinning).
        if (sent < total && idle) {
            int64_t due = start + (int64_t)(sent * interval);
            struct itimerspec its = {.it_value = {.tv_sec = due / 1000000000, .tv_nsec = due % 1000000000}};
            timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
        } else {
            struct itimerspec off = {0};
            timerfd_settime(tfd, 0, &off, NULL);
        }
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, -1);
        for (int e = 0; e < n; e++) {
            uint32_t i = evs[e].data.u32;
            if (i == 0xffffffffu) { uint64_t x; (void)!read(tfd, &x, sizeof x); continue; }
            ssize_t r = read(c[i].fd, c[i].buf + c[i].len, sizeof c[i].buf - c[i].len);
            if (r <= 0) { fprintf(stderr, "connection %u closed\n", i); return 1; }
            c[i].len += (size_t)r;
            size_t m = complete(c[i].buf, c[i].len);
            if (m) {
                if (strncmp(c[i].buf + 9, "200", 3) != 0) { fprintf(stderr, "status %.3s\n", c[i].buf + 9); return 1; }
                int64_t t2 = now_ns();
                lat[done] = t2 - c[i].due;
                when[done] = c[i].due - start;
                done++;
                memmove(c[i].buf, c[i].buf + m, c[i].len - m);
                c[i].len -= m;
                c[i].busy = 0;
            }
        }
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    if (argc > 7) {
        FILE *sf = fopen(argv[7], "w");
        for (int64_t i = 0; i < total; i++) fprintf(sf, "%.3f %.3f\n", when[i] / 1e6, lat[i] / 1e6);
        fclose(sf);
    }
    qsort(lat, (size_t)total, sizeof *lat, cmp);
#define P(p) (lat[(int64_t)((double)total * (p)) < total ? (int64_t)((double)total * (p)) : total - 1] / 1e6)
    printf("fixedrate: %lld requests at %.0f/s: achieved %.0f/s, p50 %.3f ms, p90 %.3f, p99 %.3f, p99.9 %.3f, max %.3f ms\n",
           (long long)total, rate, total / elapsed, P(0.5), P(0.9), P(0.99), P(0.999), P(1.0));
    return 0;
}
