// A C load client for the benchmark: a measuring instrument beside the shipped Java client (bench/run.sh builds it
// with gcc -O2; Bench runs it with --client c or both), so that a server can be loaded beyond what one JVM drives
// and the Java client itself compared with what C drives. Not part of tcp-echo.
//
//	loadc bulk -c 16 -s 64MiB [--chunk 64KiB] [-w 1s] --target 127.0.0.1:7007
//	loadc pingpong -c 64 -m 64 -d 8s -w 2s --target 127.0.0.1:7007
//	loadc churn -c 16 -m 64 -d 8s -w 2s --sources 127.0.0.1-127.0.0.16 --target 127.0.0.1:7007
//
// The workloads are the Java client's of the same name (docs/load-client.md), as the benchmark runs them:
//   bulk      N connections each stream S bytes full duplex in writes of CHUNK, half-close, and expect the whole
//             echo and the server's FIN; MiB/s echoed from the first connect (or with -w, the bytes echoed after
//             the warm-up, from its end) to the last connection's end, and each connection's time to get its stream
//             back.
//   pingpong  N connections, each with one message of M bytes in flight; after the warm-up, messages per second and
//             round trips for the duration; then each half-closes and expects the server's FIN.
//   churn     N slots, each in a loop: connect, send M bytes, half-close, read the echo and the server's FIN, close;
//             after the warm-up, connections per second and each connection's time from connect to its end.
//
// Every byte echoed is compared (memcmp) with what was sent: a stream is a pseudo-random block of a prime length
// read from an offset of the connection's own, so that no two connections send the same bytes and a server that
// mixed, dropped, repeated or altered any would be caught. A connection that ends early, echoes more than it was sent
// or is reset, a failed connect and 30 s in which nothing moved fail the run: the JSON line then says why, with
// "ok": false, and the exit status is 1. The JSON line has the Java client's field names (--format json), which is
// the only format there is; its latency percentiles come from a log-linear histogram of 3 significant digits, as
// HdrHistogram's in the Java client.
//
// --sources FIRST-LAST connects from each IPv4 address of the range in turn. Churn needs it: the client closes
// first, so each connection leaves a TIME_WAIT on the client's side, and from one address the ~28 K ports of the
// ephemeral range are all in TIME_WAIT at ~14 K connections/s; connect() then spends its time searching them
// (__inet_hash_connect, tcp_twsk_unique: 28% of the machine in a profile) and caps every server at that rate.
// Sixteen loopback addresses make the search short again (bench/NOTES.md, section 12).
//
// One thread per CPU (--threads), each with its own edge-triggered epoll set and its share of the connections.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    // A prime: the pattern lines up with no buffer or chunk size a server might use (the Java client's PayloadPattern).
    PERIOD = 1048573,
    // The block repeats its first bytes this far past PERIOD, so that any slice up to this long is contiguous: the
    // longest write (--chunk) and read.
    EXTENSION = 512 * 1024,
    READ_BUFFER = 256 * 1024,
    EVENTS = 256,
    STALL_SECONDS = 30,
    // Latency histogram: values below 2^11 ns exactly, above in 1024 sub-buckets per power of two.
    DIRECT = 2048,
    SUB_BUCKETS = 1024,
    BUCKETS = DIRECT + (64 - 11) * SUB_BUCKETS,
};

enum workload { BULK, PINGPONG, CHURN };
enum phase { WARMUP, MEASURE, STOP };

static struct {
    enum workload workload;
    const char *name;
    const char *target;
    struct sockaddr_in address;
    // Where connections come from: source_count addresses from source_first (host order); none: the kernel's choice.
    uint32_t source_first;
    uint32_t source_count;
    long connections;
    uint64_t size;
    uint64_t chunk;
    uint64_t message;
    uint64_t warmup_nanos;
    uint64_t duration_nanos;
    long threads;
} options;

static unsigned char *block;
static _Atomic int phase = WARMUP;
static _Atomic int failed;
static _Atomic long workers_done;
static pthread_mutex_t failure_lock = PTHREAD_MUTEX_INITIALIZER;
static char failure[512];

struct histogram {
    uint64_t counts[BUCKETS];
    uint64_t total;
    uint64_t max;
    double sum;
};

struct connection {
    int fd;
    int connected;
    int half_closed;
    uint64_t id;
    // Where the connection's stream starts in the block.
    uint64_t start;
    uint64_t sent;
    uint64_t received;
    // How far the stream is to be sent for now: bulk's and churn's whole stream, ping-pong's message in flight.
    uint64_t goal;
    // Bulk and churn: when the connection began; ping-pong: when its message in flight was sent.
    uint64_t since;
};

struct worker {
    int index;
    int epoll;
    long connections;
    long active;
    uint64_t next_id;
    uint64_t bytes_sent;
    // Read by the main thread at the end of bulk's warm-up, hence atomic (relaxed: a count, not a handshake).
    _Atomic uint64_t bytes_echoed;
    // Counted in the measured interval of ping-pong and churn (bulk's bytes are bytes_echoed after its warm-up).
    uint64_t window_messages;
    uint64_t window_bytes;
    uint64_t window_connections;
    unsigned char *buffer;
    struct histogram latency;
};

static uint64_t now_nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000u + (uint64_t) t.tv_nsec;
}

// The first failure is the run's; the workers see the flag and stop.
static void fail(const char *format, ...) {
    pthread_mutex_lock(&failure_lock);
    if (!atomic_load(&failed)) {
        va_list args;
        va_start(args, format);
        vsnprintf(failure, sizeof failure, format, args);
        va_end(args);
        atomic_store(&failed, 1);
    }
    pthread_mutex_unlock(&failure_lock);
}

static void usage(const char *problem) {
    fprintf(stderr, "loadc: %s\nusage: loadc bulk|pingpong|churn [-c N] [-s SIZE] [--chunk SIZE] [-m SIZE] "
                    "[-d DURATION] [-w DURATION] [--threads N] [--sources FIRST-LAST] [--format json] "
                    "--target HOST:PORT\n", problem);
    exit(2);
}

// ------------------------------------------------------------------------------------------------------------------
// Sizes and durations, written as the Java client reads them: 64, 64KiB, 32MiB, 1GiB (k, m, g binary, with or
// without iB or B); 500ms, 10s, 2m, 1h, a bare number in seconds.

static uint64_t parse_size(const char *text) {
    char *rest;
    unsigned long long number = strtoull(text, &rest, 10);
    int shift = 0;
    if (rest == text) {
        usage("not a size");
    }
    switch (*rest) {
    case 'k': case 'K': shift = 10; rest++; break;
    case 'm': case 'M': shift = 20; rest++; break;
    case 'g': case 'G': shift = 30; rest++; break;
    default: break;
    }
    if (shift > 0 && (strcasecmp(rest, "ib") == 0 || strcasecmp(rest, "b") == 0)) {
        rest += strlen(rest);
    } else if (shift == 0 && strcasecmp(rest, "b") == 0) {
        rest++;
    }
    if (*rest != '\0') {
        usage("a size is such as 64, 4KiB, 32MiB or 1GiB");
    }
    return (uint64_t) number << shift;
}

static uint64_t parse_duration(const char *text) {
    char *rest;
    double number = strtod(text, &rest);
    if (rest == text || number < 0) {
        usage("not a duration");
    }
    double unit = strcmp(rest, "ms") == 0 ? 1e6
            : strcmp(rest, "s") == 0 || *rest == '\0' ? 1e9
            : strcmp(rest, "m") == 0 ? 60e9
            : strcmp(rest, "h") == 0 ? 3600e9 : -1;
    if (unit < 0) {
        usage("a duration is such as 500ms, 10s, 2m or 1h");
    }
    return (uint64_t) (number * unit);
}

// FIRST-LAST, two IPv4 addresses, LAST not below FIRST: 127.0.0.1-127.0.0.16.
static void parse_sources(const char *text) {
    const char *dash = strchr(text, '-');
    char first[32];
    struct in_addr from, to;
    if (dash == NULL || (size_t) (dash - text) >= sizeof first) {
        usage("--sources is FIRST-LAST, two IPv4 addresses");
    }
    memcpy(first, text, (size_t) (dash - text));
    first[dash - text] = '\0';
    if (inet_pton(AF_INET, first, &from) != 1 || inet_pton(AF_INET, dash + 1, &to) != 1
            || ntohl(to.s_addr) < ntohl(from.s_addr)) {
        usage("--sources is FIRST-LAST, two IPv4 addresses, LAST not below FIRST");
    }
    options.source_first = ntohl(from.s_addr);
    options.source_count = ntohl(to.s_addr) - ntohl(from.s_addr) + 1;
}

static void parse(int argc, char **argv) {
    if (argc < 2) {
        usage("no workload");
    }
    options.name = argv[1];
    options.workload = strcmp(argv[1], "bulk") == 0 ? BULK
            : strcmp(argv[1], "pingpong") == 0 ? PINGPONG
            : strcmp(argv[1], "churn") == 0 ? CHURN : (usage("the workloads are bulk, pingpong and churn"), BULK);
    // The Java client's defaults.
    options.connections = options.workload == BULK ? 1 : options.workload == PINGPONG ? 64 : 16;
    options.size = 32u << 20;
    options.chunk = 64u << 10;
    options.message = 64;
    // Bulk measures from the first connect unless asked to warm up.
    options.warmup_nanos = options.workload == BULK ? 0 : 2000000000u;
    options.duration_nanos = 10000000000u;
    options.threads = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 2; i < argc; i++) {
        const char *name = argv[i];
        if (i + 1 >= argc) {
            usage("an option without its value");
        }
        const char *value = argv[++i];
        if (strcmp(name, "-c") == 0 || strcmp(name, "--connections") == 0) {
            options.connections = atol(value);
        } else if (strcmp(name, "-s") == 0 || strcmp(name, "--size") == 0) {
            options.size = parse_size(value);
        } else if (strcmp(name, "--chunk") == 0) {
            options.chunk = parse_size(value);
        } else if (strcmp(name, "-m") == 0 || strcmp(name, "--message-size") == 0) {
            options.message = parse_size(value);
        } else if (strcmp(name, "-d") == 0 || strcmp(name, "--duration") == 0) {
            options.duration_nanos = parse_duration(value);
        } else if (strcmp(name, "-w") == 0 || strcmp(name, "--warmup") == 0) {
            options.warmup_nanos = parse_duration(value);
        } else if (strcmp(name, "--threads") == 0) {
            options.threads = atol(value);
        } else if (strcmp(name, "--target") == 0) {
            options.target = value;
        } else if (strcmp(name, "--sources") == 0) {
            parse_sources(value);
        } else if (strcmp(name, "--format") == 0) {
            if (strcmp(value, "json") != 0) {
                usage("JSON is the only format");
            }
        } else {
            usage("an unknown option");
        }
    }
    if (options.connections < 1 || options.threads < 1 || options.size < 1 || options.message < 1
            || options.duration_nanos < 1) {
        usage("connections, threads, sizes and the duration must be positive");
    }
    if (options.chunk < 1 || options.chunk > EXTENSION || options.message > EXTENSION) {
        usage("--chunk and -m must be 1 byte to 512KiB");
    }
    if (options.target == NULL) {
        usage("no --target");
    }
    const char *colon = strrchr(options.target, ':');
    char host[64];
    if (colon == NULL || (size_t) (colon - options.target) >= sizeof host) {
        usage("--target is an IPv4 HOST:PORT");
    }
    memcpy(host, options.target, (size_t) (colon - options.target));
    host[colon - options.target] = '\0';
    options.address.sin_family = AF_INET;
    options.address.sin_port = htons((uint16_t) atoi(colon + 1));
    if (inet_pton(AF_INET, host, &options.address.sin_addr) != 1) {
        usage("--target is an IPv4 HOST:PORT");
    }
    if (options.threads > options.connections) {
        options.threads = options.connections;
    }
}

// ------------------------------------------------------------------------------------------------------------------
// The byte streams

// splitmix64: a fixed seed, so that every run sends the same bytes.
static uint64_t mix(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void make_block(void) {
    uint64_t state = 42;
    block = malloc(PERIOD + EXTENSION);
    if (block == NULL) {
        perror("malloc");
        exit(1);
    }
    for (size_t i = 0; i < PERIOD; i += 8) {
        uint64_t bits = mix(&state);
        for (size_t j = 0; j < 8 && i + j < PERIOD; j++) {
            block[i + j] = (unsigned char) (bits >> (8 * j));
        }
    }
    memcpy(block + PERIOD, block, EXTENSION);
}

static const unsigned char *stream_at(const struct connection *c, uint64_t position) {
    return block + (c->start + position) % PERIOD;
}

// ------------------------------------------------------------------------------------------------------------------
// Latency

static size_t bucket(uint64_t value) {
    if (value < DIRECT) {
        return (size_t) value;
    }
    int exponent = 63 - __builtin_clzll(value);
    uint64_t sub = value >> (exponent - 10);
    return DIRECT + (size_t) (exponent - 11) * SUB_BUCKETS + (size_t) (sub - SUB_BUCKETS);
}

// The highest value a bucket holds, as HdrHistogram reports a percentile.
static uint64_t highest(size_t index) {
    if (index < DIRECT) {
        return index;
    }
    int shift = (int) ((index - DIRECT) / SUB_BUCKETS) + 1;
    uint64_t sub = SUB_BUCKETS + (index - DIRECT) % SUB_BUCKETS;
    return ((sub + 1) << shift) - 1;
}

static void record(struct histogram *h, uint64_t value) {
    h->counts[bucket(value)]++;
    h->total++;
    h->sum += (double) value;
    if (value > h->max) {
        h->max = value;
    }
}

static void add(struct histogram *into, const struct histogram *from) {
    for (size_t i = 0; i < BUCKETS; i++) {
        into->counts[i] += from->counts[i];
    }
    into->total += from->total;
    into->sum += from->sum;
    if (from->max > into->max) {
        into->max = from->max;
    }
}

static double micros_at(const struct histogram *h, double percentile) {
    if (h->total == 0) {
        return 0;
    }
    uint64_t wanted = (uint64_t) (percentile / 100.0 * (double) h->total + 0.5);
    uint64_t seen = 0;
    if (wanted < 1) {
        wanted = 1;
    }
    for (size_t i = 0; i < BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= wanted) {
            uint64_t value = highest(i);
            return (double) (value < h->max ? value : h->max) / 1000.0;
        }
    }
    return (double) h->max / 1000.0;
}

// ------------------------------------------------------------------------------------------------------------------
// Connections

static void open_connection(struct worker *w) {
    struct connection *c = calloc(1, sizeof *c);
    int on = 1;
    if (c == NULL) {
        perror("calloc");
        exit(1);
    }
    c->id = (uint64_t) w->index + (uint64_t) options.threads * w->next_id++;
    uint64_t state = c->id;
    c->start = mix(&state) % PERIOD;
    c->since = now_nanos();
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        fail("socket: %s", strerror(errno));
        free(c);
        return;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (options.source_count > 0) {
        // The port is left to connect(), which then picks one unique for the whole 4-tuple, not for the address.
        setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
        struct sockaddr_in source = { .sin_family = AF_INET };
        source.sin_addr.s_addr = htonl(options.source_first + (uint32_t) (c->id % options.source_count));
        if (bind(c->fd, (struct sockaddr *) &source, sizeof source) < 0) {
            char address[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &source.sin_addr, address, sizeof address);
            fail("bind to %s: %s", address, strerror(errno));
            close(c->fd);
            free(c);
            return;
        }
    }
    if (connect(c->fd, (struct sockaddr *) &options.address, sizeof options.address) < 0 && errno != EINPROGRESS) {
        fail("connect to %s: %s", options.target, strerror(errno));
        close(c->fd);
        free(c);
        return;
    }
    // Edge-triggered, both ways, once: the connection is never modified in the set.
    struct epoll_event event = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c };
    if (epoll_ctl(w->epoll, EPOLL_CTL_ADD, c->fd, &event) < 0) {
        fail("epoll_ctl: %s", strerror(errno));
        close(c->fd);
        free(c);
        return;
    }
    w->active++;
}

static void close_connection(struct worker *w, struct connection *c) {
    close(c->fd);
    free(c);
    w->active--;
}

static int measuring(void) {
    return atomic_load_explicit(&phase, memory_order_relaxed) == MEASURE;
}

static int stopping(void) {
    return atomic_load_explicit(&phase, memory_order_relaxed) == STOP;
}

// Writes the stream up to the goal, until the kernel takes no more; then half-closes if the whole stream is sent.
// Returns 0 once the run has failed.
static int send_more(struct worker *w, struct connection *c) {
    while (c->sent < c->goal) {
        uint64_t length = c->goal - c->sent < options.chunk ? c->goal - c->sent : options.chunk;
        ssize_t n = write(c->fd, stream_at(c, c->sent), length);
        if (n < 0) {
            if (errno == EAGAIN) {
                return 1;
            }
            if (errno == EINTR) {
                continue;
            }
            fail("connection %" PRIu64 ": write after %" PRIu64 " bytes: %s", c->id, c->sent, strerror(errno));
            return 0;
        }
        c->sent += (uint64_t) n;
        w->bytes_sent += (uint64_t) n;
    }
    if (options.workload != PINGPONG && !c->half_closed) {
        shutdown(c->fd, SHUT_WR);
        c->half_closed = 1;
    }
    return 1;
}

// The next ping-pong message, or the half-close once the run stops.
static int next_message(struct worker *w, struct connection *c) {
    if (stopping()) {
        shutdown(c->fd, SHUT_WR);
        c->half_closed = 1;
        return 1;
    }
    c->goal += options.message;
    c->since = now_nanos();
    return send_more(w, c);
}

// Compares echoed bytes with the stream from the connection's position; says the first difference.
static int verify(struct connection *c, const unsigned char *echoed, size_t length) {
    const unsigned char *expected = stream_at(c, c->received);
    if (memcmp(echoed, expected, length) == 0) {
        return 1;
    }
    size_t at = 0;
    while (echoed[at] == expected[at]) {
        at++;
    }
    fail("connection %" PRIu64 ": echoed byte %" PRIu64 " is 0x%02x, sent 0x%02x", c->id, c->received + at,
            echoed[at], expected[at]);
    return 0;
}

// The server's FIN: the end the workload expects if the whole stream was sent, half-closed and echoed.
static void ended(struct worker *w, struct connection *c) {
    uint64_t planned = options.workload == BULK ? options.size : c->goal;
    if (!c->half_closed || c->sent != planned || c->received != c->sent) {
        fail("connection %" PRIu64 ": the server ended it after %" PRIu64 " of %" PRIu64 " bytes echoed%s", c->id,
                c->received, planned, c->half_closed ? "" : ", before the client's FIN");
        return;
    }
    if (options.workload == BULK) {
        record(&w->latency, now_nanos() - c->since);
    } else if (options.workload == CHURN && measuring()) {
        record(&w->latency, now_nanos() - c->since);
        w->window_messages++;
        w->window_bytes += c->received;
        w->window_connections++;
    }
    close_connection(w, c);
    if (options.workload == CHURN && !stopping()) {
        open_connection(w);
    }
}

// Reads until the kernel has no more; returns 0 once the connection is closed or the run has failed.
static int receive(struct worker *w, struct connection *c) {
    for (;;) {
        ssize_t n = read(c->fd, w->buffer, READ_BUFFER);
        if (n == 0) {
            ended(w, c);
            return 0;
        }
        if (n < 0) {
            if (errno == EAGAIN) {
                return 1;
            }
            if (errno == EINTR) {
                continue;
            }
            fail("connection %" PRIu64 ": read after %" PRIu64 " bytes echoed: %s", c->id, c->received,
                    strerror(errno));
            return 0;
        }
        if (c->received + (uint64_t) n > c->sent) {
            fail("connection %" PRIu64 ": %" PRIu64 " bytes echoed of %" PRIu64 " sent", c->id,
                    c->received + (uint64_t) n, c->sent);
            return 0;
        }
        if (!verify(c, w->buffer, (size_t) n)) {
            return 0;
        }
        c->received += (uint64_t) n;
        atomic_fetch_add_explicit(&w->bytes_echoed, (uint64_t) n, memory_order_relaxed);
        if (options.workload == PINGPONG && c->received == c->goal && !c->half_closed) {
            if (measuring()) {
                record(&w->latency, now_nanos() - c->since);
                w->window_messages++;
                w->window_bytes += options.message;
            }
            if (!next_message(w, c)) {
                return 0;
            }
        }
    }
}

static void progress(struct worker *w, struct connection *c) {
    if (!c->connected) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            fail("connect to %s: %s", options.target, strerror(error));
            return;
        }
        c->connected = 1;
        if (options.workload == PINGPONG) {
            if (!next_message(w, c)) {
                return;
            }
        } else {
            c->goal = options.workload == BULK ? options.size : options.message;
            if (options.workload == BULK) {
                c->since = now_nanos();
            }
        }
    }
    if (send_more(w, c)) {
        receive(w, c);
    }
}

static void *work(void *argument) {
    struct worker *w = argument;
    struct epoll_event events[EVENTS];
    uint64_t last_moved = now_nanos();
    w->epoll = epoll_create1(0);
    w->buffer = malloc(READ_BUFFER);
    if (w->epoll < 0 || w->buffer == NULL) {
        fail("epoll_create1 or malloc: %s", strerror(errno));
        return NULL;
    }
    for (long i = 0; i < w->connections; i++) {
        open_connection(w);
    }
    while (w->active > 0 && !atomic_load(&failed)) {
        int n = epoll_wait(w->epoll, events, EVENTS, 100);
        uint64_t now = now_nanos();
        if (n < 0 && errno != EINTR) {
            fail("epoll_wait: %s", strerror(errno));
        }
        if (n > 0) {
            last_moved = now;
        } else if (now - last_moved > STALL_SECONDS * 1000000000ull) {
            fail("nothing moved for %d s on %ld connections", STALL_SECONDS, w->active);
        }
        for (int i = 0; i < n && !atomic_load(&failed); i++) {
            progress(w, events[i].data.ptr);
        }
    }
    atomic_fetch_add(&workers_done, 1);
    return NULL;
}

// ------------------------------------------------------------------------------------------------------------------
// The run

// Sleeps until the time has passed or the run has failed.
static void pause_for(uint64_t nanos) {
    uint64_t until = now_nanos() + nanos;
    while (!atomic_load(&failed) && now_nanos() < until) {
        uint64_t left = until - now_nanos();
        struct timespec step = { 0, (long) (left < 50000000u ? left : 50000000u) };
        nanosleep(&step, NULL);
    }
}

static void json_string(const char *text) {
    putchar('"');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            putchar('\\');
        }
        putchar((unsigned char) *p < 0x20 ? ' ' : *p);
    }
    putchar('"');
}

// The bytes echoed so far, on every thread.
static uint64_t echoed_so_far(struct worker *workers) {
    uint64_t echoed = 0;
    for (long i = 0; i < options.threads; i++) {
        echoed += atomic_load_explicit(&workers[i].bytes_echoed, memory_order_relaxed);
    }
    return echoed;
}

// bulk_warmup_echoed: what bulk's warm-up echoed, which its throughput does not count.
static void report(double seconds, struct worker *workers, uint64_t bulk_warmup_echoed) {
    static struct histogram latency;
    uint64_t sent = 0, echoed = echoed_so_far(workers), messages = 0, bytes = 0, connections = 0;
    for (long i = 0; i < options.threads; i++) {
        sent += workers[i].bytes_sent;
        messages += workers[i].window_messages;
        bytes += workers[i].window_bytes;
        connections += workers[i].window_connections;
        add(&latency, &workers[i].latency);
    }
    int ok = !atomic_load(&failed);
    double rate = seconds > 0 ? 1.0 / seconds : 0;
    printf("{\"workload\":\"%s\",\"target\":", options.name);
    json_string(options.target);
    printf(",\"ok\":%s,\"failure\":", ok ? "true" : "false");
    if (ok) {
        printf("null");
    } else {
        json_string(failure);
    }
    printf(",\"parameters\":{\"connections\":%ld", options.connections);
    if (options.workload == BULK) {
        printf(",\"size\":%" PRIu64 ",\"chunk\":%" PRIu64 ",\"halfClose\":true,\"warmupSeconds\":%.3f", options.size,
                options.chunk, (double) options.warmup_nanos / 1e9);
        bytes = echoed - bulk_warmup_echoed;
    } else {
        printf(",\"messageSize\":%" PRIu64 ",\"durationSeconds\":%.3f,\"warmupSeconds\":%.3f", options.message,
                (double) options.duration_nanos / 1e9, (double) options.warmup_nanos / 1e9);
    }
    printf("},\"clientTransport\":\"epoll (C, bench/client/loadc.c)\",\"clientThreads\":%ld", options.threads);
    printf(",\"seconds\":%.3f,\"bytesSent\":%" PRIu64 ",\"bytesEchoed\":%" PRIu64, seconds, sent, bytes);
    printf(",\"mibPerSecond\":%.3f,\"messages\":%" PRIu64 ",\"messagesPerSecond\":%.3f", bytes / 1048576.0 * rate,
            messages, messages * rate);
    printf(",\"connections\":%" PRIu64 ",\"connectionsPerSecond\":%.3f", connections, connections * rate);
    printf(",\"latencyMicros\":{\"of\":\"%s\",\"count\":%" PRIu64, options.workload == BULK
            ? "time to echo a connection's whole stream" : options.workload == PINGPONG
            ? "round trip of a message" : "connect to the server's FIN", latency.total);
    printf(",\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f,\"mean\":%.3f}", micros_at(&latency, 50),
            micros_at(&latency, 90), micros_at(&latency, 99), micros_at(&latency, 99.9), latency.max / 1000.0,
            latency.total == 0 ? 0 : latency.sum / (double) latency.total / 1000.0);
    printf(",\"errors\":%d,\"verifiedBytes\":%" PRIu64 ",\"expected\":null}\n", ok ? 0 : 1, echoed);
}

int main(int argc, char **argv) {
    parse(argc, argv);
    // A write to a connection the peer reset is an error to handle, not a signal that ends the process.
    signal(SIGPIPE, SIG_IGN);
    make_block();
    struct worker *workers = calloc((size_t) options.threads, sizeof *workers);
    pthread_t *threads = calloc((size_t) options.threads, sizeof *threads);
    if (workers == NULL || threads == NULL) {
        perror("calloc");
        return 1;
    }
    uint64_t begin = now_nanos();
    for (long i = 0; i < options.threads; i++) {
        workers[i].index = (int) i;
        workers[i].connections = options.connections / options.threads + (i < options.connections % options.threads);
        if (pthread_create(&threads[i], NULL, work, &workers[i]) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    uint64_t window_begin = begin, window_end, bulk_warmup_echoed = 0;
    if (options.workload == BULK) {
        if (options.warmup_nanos > 0) {
            pause_for(options.warmup_nanos);
            if (atomic_load(&workers_done) == options.threads) {
                fail("every stream was echoed within the warm-up, which leaves nothing to measure: stream more (-s) or "
                        "warm up less (-w)");
            }
            // The measured interval begins here: the bytes echoed so far and this instant, read together.
            bulk_warmup_echoed = echoed_so_far(workers);
            window_begin = now_nanos();
        }
        for (long i = 0; i < options.threads; i++) {
            pthread_join(threads[i], NULL);
        }
        window_end = now_nanos();
    } else {
        pause_for(options.warmup_nanos);
        window_begin = now_nanos();
        atomic_store(&phase, MEASURE);
        pause_for(options.duration_nanos);
        atomic_store(&phase, STOP);
        window_end = now_nanos();
        for (long i = 0; i < options.threads; i++) {
            pthread_join(threads[i], NULL);
        }
    }
    report((double) (window_end - window_begin) / 1e9, workers, bulk_warmup_echoed);
    return atomic_load(&failed) ? 1 : 0;
}
