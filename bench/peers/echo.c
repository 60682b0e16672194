// The fastest honest echo we know how to write, as a measuring instrument for the benchmark (bench/run.sh builds it
// with gcc -O2 and Bench runs it as the "c-epoll" peer); not part of tcp-echo.
//
// One thread per CPU, each with its own SO_REUSEPORT listener on the same port and its own edge-triggered epoll
// set, so the kernel spreads new connections over the threads and no connection ever moves between them. A
// connection's bytes are read into the thread's buffer and written straight back: one read and one write per
// message, no copy. Only what the kernel did not take is copied aside, and the connection reads nothing more until
// that is written (so a client that does not read holds at most one buffer here). At the client's FIN, everything
// pending is written, then shutdown(SHUT_WR), then close: the half-close tcp-echo does.
//
//	gcc -O2 -pthread -o echo-c echo.c && ./echo-c -addr 127.0.0.1:7007
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUFFER_SIZE = 256 * 1024, EVENTS = 256 };

// One echo connection. pending holds what the kernel did not take (pending_length bytes from pending_start); while
// it is non-empty the connection does not read.
struct connection {
    int fd;
    int eof;
    char *pending;
    size_t pending_start;
    size_t pending_length;
};

struct worker {
    int listener;
    int epoll;
};

static void fail(const char *what) {
    perror(what);
    exit(1);
}

static int listen_on(struct sockaddr_in *address) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int on = 1;
    if (fd < 0) {
        fail("socket");
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) < 0) {
        fail("setsockopt");
    }
    if (bind(fd, (struct sockaddr *) address, sizeof *address) < 0) {
        fail("bind");
    }
    if (listen(fd, 4096) < 0) {
        fail("listen");
    }
    return fd;
}

static void end(struct connection *c) {
    close(c->fd);
    free(c->pending);
    free(c);
}

// Moves the connection's bytes until the kernel says to wait (EAGAIN on the write or on the read, each of which the
// edge-triggered set reports again once it changes) or the connection is over.
static void serve(struct connection *c, char *buffer) {
    for (;;) {
        while (c->pending_length > 0) {
            ssize_t n = write(c->fd, c->pending + c->pending_start, c->pending_length);
            if (n < 0) {
                if (errno == EAGAIN) {
                    return;
                }
                if (errno != EINTR) {
                    end(c);
                    return;
                }
                continue;
            }
            c->pending_start += (size_t) n;
            c->pending_length -= (size_t) n;
        }
        free(c->pending);
        c->pending = NULL;
        if (c->eof) {
            shutdown(c->fd, SHUT_WR);
            end(c);
            return;
        }
        ssize_t got = read(c->fd, buffer, BUFFER_SIZE);
        if (got == 0) {
            c->eof = 1;
            continue;
        }
        if (got < 0) {
            if (errno == EAGAIN) {
                return;
            }
            if (errno != EINTR) {
                end(c);
                return;
            }
            continue;
        }
        size_t written = 0;
        while (written < (size_t) got) {
            ssize_t n = write(c->fd, buffer + written, (size_t) got - written);
            if (n < 0) {
                if (errno == EAGAIN) {
                    break;
                }
                if (errno != EINTR) {
                    end(c);
                    return;
                }
                continue;
            }
            written += (size_t) n;
        }
        if (written < (size_t) got) {
            c->pending_length = (size_t) got - written;
            c->pending_start = 0;
            c->pending = malloc(c->pending_length);
            if (c->pending == NULL) {
                fail("malloc");
            }
            memcpy(c->pending, buffer + written, c->pending_length);
            return;
        }
    }
}

static void accept_all(struct worker *w) {
    for (;;) {
        int fd = accept4(w->listener, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) {
                return;
            }
            // Out of file descriptors, say: wait and go on (the listener is level-triggered and reports it again),
            // as echo.go does.
            perror("accept4");
            usleep(10000);
            return;
        }
        int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        struct connection *c = calloc(1, sizeof *c);
        if (c == NULL) {
            fail("calloc");
        }
        c->fd = fd;
        struct epoll_event event = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c };
        if (epoll_ctl(w->epoll, EPOLL_CTL_ADD, fd, &event) < 0) {
            fail("epoll_ctl");
        }
    }
}

static void *work(void *argument) {
    struct worker *w = argument;
    char *buffer = malloc(BUFFER_SIZE);
    struct epoll_event events[EVENTS];
    if (buffer == NULL) {
        fail("malloc");
    }
    for (;;) {
        int n = epoll_wait(w->epoll, events, EVENTS, -1);
        if (n < 0 && errno != EINTR) {
            fail("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL) {
                accept_all(w);
            } else {
                serve(events[i].data.ptr, buffer);
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    // A write to a connection the peer reset is an error to handle, not a signal that ends the process.
    signal(SIGPIPE, SIG_IGN);
    const char *addr = "127.0.0.1:7007";
    if (argc == 3 && strcmp(argv[1], "-addr") == 0) {
        addr = argv[2];
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [-addr HOST:PORT]\n", argv[0]);
        return 2;
    }
    const char *colon = strrchr(addr, ':');
    char host[64];
    if (colon == NULL || (size_t) (colon - addr) >= sizeof host) {
        fprintf(stderr, "not an IPv4 HOST:PORT: %s\n", addr);
        return 2;
    }
    memcpy(host, addr, (size_t) (colon - addr));
    host[colon - addr] = '\0';
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(colon + 1)) };
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "not an IPv4 address: %s\n", host);
        return 2;
    }

    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) {
        threads = 1;
    }
    struct worker *workers = calloc((size_t) threads, sizeof *workers);
    if (workers == NULL) {
        fail("calloc");
    }
    // Every listener is bound before the first thread runs; the first decides the port when asked for port 0.
    for (long i = 0; i < threads; i++) {
        workers[i].listener = listen_on(&address);
        socklen_t length = sizeof address;
        getsockname(workers[i].listener, (struct sockaddr *) &address, &length);
        workers[i].epoll = epoll_create1(0);
        struct epoll_event event = { .events = EPOLLIN, .data.ptr = NULL };
        if (workers[i].epoll < 0 || epoll_ctl(workers[i].epoll, EPOLL_CTL_ADD, workers[i].listener, &event) < 0) {
            fail("epoll");
        }
    }
    for (long i = 1; i < threads; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, work, &workers[i]) != 0) {
            fail("pthread_create");
        }
    }
    char bound[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address.sin_addr, bound, sizeof bound);
    printf("READY %s:%d\n", bound, ntohs(address.sin_port));
    fflush(stdout);
    // The main thread is the first worker: were it to end, /proc/PID/status would have no VmRSS, which the
    // benchmark's idle memory reads.
    work(&workers[0]);
    return 0;
}
