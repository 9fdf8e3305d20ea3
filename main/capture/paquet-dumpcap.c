/*
 * paquet-dumpcap: Paquet's small capture program, the only part of Paquet that
 * touches the network (it alone carries cap_net_raw/cap_net_admin, like
 * Wireshark's dumpcap). It opens one interface with libpcap, appends every
 * packet to a pcapng file as it arrives, and reports on stdout, one JSON object
 * per line: started, stats (about once a second), rotated, stopped, error.
 *
 *   paquet-dumpcap -D
 *   paquet-dumpcap -i IFACE -w FILE [-f BPF] [-s SNAPLEN] [-p] [-B MiB] [-y LINKTYPE]
 *                  [--immediate] [--nano] [-c N] [-a duration:S] [-a filesize:KB]
 *                  [-b filesize:KB] [-b duration:S] [-b files:K]
 *   paquet-dumpcap [-i IFACE] [-y LINKTYPE] -f BPF --validate-filter
 *
 * Exit status: 0 after a clean stop, 1 on a capture/file error, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM_VERSION "0.1.0"
#define DEFAULT_SNAPLEN 262144
/* Kernel read timeout: how long a partly filled buffer waits before it is handed over. */
#define READ_TIMEOUT_MS 100
#define TICK_MS 1000
/* Our own write buffer: whole blocks only, so the file always ends on a block boundary. */
#define WRITE_BUFFER_BYTES (1u << 20)
#define MAX_RING_FILES 100000

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* ------------------------------------------------------------------ JSON lines */

struct line {
    char *p;
    size_t len, cap;
};

static struct line out_line;
static volatile sig_atomic_t stop_requested;
/* Self-pipe: the signal handler writes to it so that poll() wakes at once. */
static int wake_pipe[2] = {-1, -1};
static int control_lost;

static void line_raw(struct line *l, const char *s, size_t n) {
    if (l->len + n + 2 > l->cap) {
        size_t cap = l->cap ? l->cap : 1024;
        while (l->len + n + 2 > cap) cap *= 2;
        char *p = realloc(l->p, cap);
        if (!p) abort();
        l->p = p;
        l->cap = cap;
    }
    memcpy(l->p + l->len, s, n);
    l->len += n;
}

static void line_fmt(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_fmt(struct line *l, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    line_raw(l, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A JSON string literal; NULL becomes null. */
static void line_str(struct line *l, const char *s) {
    if (!s) {
        line_raw(l, "null", 4);
        return;
    }
    line_raw(l, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            char esc[2] = {'\\', (char)*c};
            line_raw(l, esc, 2);
        } else if (*c < 0x20 || *c == 0x7f) {
            line_fmt(l, "\\u%04x", *c);
        } else {
            line_raw(l, (const char *)c, 1);
        }
    }
    line_raw(l, "\"", 1);
}

static void line_send(struct line *l) {
    line_raw(l, "\n", 1);
    size_t done = 0;
    while (done < l->len) {
        ssize_t n = write(STDOUT_FILENO, l->p + done, l->len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            /* The supervisor went away: stop cleanly rather than capture unattended. */
            control_lost = 1;
            stop_requested = 1;
            break;
        }
        done += (size_t)n;
    }
    l->len = 0;
}

static void emit_error(const char *code, const char *fix, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void emit_error(const char *code, const char *fix, const char *fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct line *l = &out_line;
    line_fmt(l, "{\"event\":\"error\",\"code\":");
    line_str(l, code);
    line_fmt(l, ",\"message\":");
    line_str(l, msg);
    if (fix) {
        line_fmt(l, ",\"fix\":");
        line_str(l, fix);
    }
    line_raw(l, "}", 1);
    line_send(l);
    fprintf(stderr, "paquet-dumpcap: %s\n", msg);
}

static void emit_warning(const char *msg) {
    struct line *l = &out_line;
    line_fmt(l, "{\"event\":\"warning\",\"message\":");
    line_str(l, msg);
    line_raw(l, "}", 1);
    line_send(l);
}

/* ------------------------------------------------------------------ options */

struct config {
    const char *iface;
    const char *path;
    const char *filter;
    const char *linktype;
    int snaplen;
    int promisc;
    int buffer_mib;
    int immediate;
    int nano;
    int list;
    int validate;
    uint64_t count;
    uint64_t stop_duration_ms;
    uint64_t stop_filesize;
    uint64_t ring_filesize;
    uint64_t ring_duration_ms;
    uint64_t ring_files;
};

static int parse_u64(const char *s, uint64_t max, uint64_t *out) {
    if (!s || !*s || *s == '-' || *s == '+') return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max) return 0;
    *out = v;
    return 1;
}

/* Seconds, possibly fractional (duration:0.5), into milliseconds. */
static int parse_seconds_ms(const char *s, uint64_t *out) {
    if (!s || !*s || *s == '-' || *s == '+') return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !(v > 0) || v > 1e9) return 0;
    *out = (uint64_t)(v * 1000.0 + 0.5);
    if (*out == 0) *out = 1;
    return 1;
}

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    emit_error("usage", NULL, "%s", msg);
    return EXIT_USAGE;
}

/* -a KEY:VALUE / -b KEY:VALUE */
static int parse_condition(struct config *c, int ring, const char *arg) {
    const char *colon = strchr(arg, ':');
    if (!colon) return 0;
    size_t klen = (size_t)(colon - arg);
    const char *v = colon + 1;
    uint64_t n;
    if (klen == 8 && !strncmp(arg, "duration", 8)) {
        return parse_seconds_ms(v, ring ? &c->ring_duration_ms : &c->stop_duration_ms);
    }
    if (klen == 8 && !strncmp(arg, "filesize", 8)) {
        if (!parse_u64(v, UINT64_MAX / 1000, &n) || n == 0) return 0;
        *(ring ? &c->ring_filesize : &c->stop_filesize) = n * 1000; /* kB = 1000 bytes, as dumpcap */
        return 1;
    }
    if (ring && klen == 5 && !strncmp(arg, "files", 5)) {
        if (!parse_u64(v, MAX_RING_FILES, &n) || n == 0) return 0;
        c->ring_files = n;
        return 1;
    }
    return 0;
}

enum { OPT_IMMEDIATE = 1000, OPT_NANO, OPT_VALIDATE, OPT_VERSION };

static int parse_args(int argc, char **argv, struct config *c) {
    static const struct option longopts[] = {
        {"immediate", no_argument, NULL, OPT_IMMEDIATE},
        {"nano", no_argument, NULL, OPT_NANO},
        {"validate-filter", no_argument, NULL, OPT_VALIDATE},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    memset(c, 0, sizeof *c);
    c->snaplen = DEFAULT_SNAPLEN;
    c->promisc = 1;
    c->buffer_mib = -1;
    opterr = 0;
    int opt;
    uint64_t n;
    while ((opt = getopt_long(argc, argv, ":Di:w:f:s:pB:y:c:a:b:", longopts, NULL)) != -1) {
        switch (opt) {
        case 'D': c->list = 1; break;
        case 'i': c->iface = optarg; break;
        case 'w': c->path = optarg; break;
        case 'f': c->filter = optarg; break;
        case 'y': c->linktype = optarg; break;
        case 'p': c->promisc = 0; break;
        case OPT_IMMEDIATE: c->immediate = 1; break;
        case OPT_NANO: c->nano = 1; break;
        case OPT_VALIDATE: c->validate = 1; break;
        case OPT_VERSION:
            line_fmt(&out_line, "{\"event\":\"version\",\"version\":\"%s\",\"libpcap\":", PROGRAM_VERSION);
            line_str(&out_line, pcap_lib_version());
            line_raw(&out_line, "}", 1);
            line_send(&out_line);
            exit(EXIT_OK);
        case 's':
            if (!parse_u64(optarg, INT_MAX, &n)) return usage("invalid snapshot length '%s'", optarg);
            c->snaplen = n == 0 ? DEFAULT_SNAPLEN : (int)n;
            break;
        case 'B':
            if (!parse_u64(optarg, 4096, &n) || n == 0) return usage("invalid kernel buffer size '%s' (MiB, 1 to 4096)", optarg);
            c->buffer_mib = (int)n;
            break;
        case 'c':
            if (!parse_u64(optarg, UINT64_MAX, &n) || n == 0) return usage("invalid packet count '%s'", optarg);
            c->count = n;
            break;
        case 'a':
            if (!parse_condition(c, 0, optarg)) return usage("invalid stop condition '%s' (duration:SECONDS or filesize:KB)", optarg);
            break;
        case 'b':
            if (!parse_condition(c, 1, optarg)) return usage("invalid ring buffer option '%s' (filesize:KB, duration:SECONDS or files:N)", optarg);
            break;
        case ':': {
            char o[3] = {'-', (char)optopt, 0};
            return usage("option %s needs a value", o);
        }
        default: {
            const char *bad = argv[optind - 1];
            return usage("unknown option '%s'", bad);
        }
        }
    }
    if (optind < argc) return usage("unexpected argument '%s'", argv[optind]);
    if (c->list || c->validate) return -1;
    if (!c->iface) return usage("no interface given (-i IFACE; -D lists them)");
    if (!c->path) return usage("no output file given (-w FILE)");
    if (c->ring_files && !c->ring_filesize && !c->ring_duration_ms)
        return usage("-b files:N needs -b filesize:KB or -b duration:S");
    return -1;
}

/* ------------------------------------------------------------------ devices */

static void add_address(struct line *l, const struct sockaddr *sa, int *first) {
    char text[INET6_ADDRSTRLEN];
    const void *src;
    if (!sa) return;
    if (sa->sa_family == AF_INET) src = &((const struct sockaddr_in *)sa)->sin_addr;
    else if (sa->sa_family == AF_INET6) src = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    else return;
    if (!inet_ntop(sa->sa_family, src, text, sizeof text)) return;
    if (!*first) line_raw(l, ",", 1);
    *first = 0;
    line_str(l, text);
}

static const char *connection_text(bpf_u_int32 flags) {
    switch (flags & PCAP_IF_CONNECTION_STATUS) {
    case PCAP_IF_CONNECTION_STATUS_CONNECTED: return "connected";
    case PCAP_IF_CONNECTION_STATUS_DISCONNECTED: return "disconnected";
    case PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE: return "not-applicable";
    default: return "unknown";
    }
}

static int list_devices(void) {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_if_t *all = NULL;
    if (pcap_findalldevs(&all, errbuf) != 0) {
        emit_error("pcap", NULL, "cannot list interfaces: %s", errbuf);
        return EXIT_FAIL;
    }
    struct line *l = &out_line;
    line_fmt(l, "{\"event\":\"devices\",\"devices\":[");
    for (pcap_if_t *d = all; d; d = d->next) {
        if (d != all) line_raw(l, ",", 1);
        line_fmt(l, "{\"name\":");
        line_str(l, d->name);
        line_fmt(l, ",\"description\":");
        line_str(l, d->description);
        line_fmt(l, ",\"addresses\":[");
        int first = 1;
        for (pcap_addr_t *a = d->addresses; a; a = a->next) add_address(l, a->addr, &first);
        line_fmt(l, "],\"loopback\":%s,\"up\":%s,\"running\":%s,\"wireless\":%s,\"connection\":\"%s\"}",
                 d->flags & PCAP_IF_LOOPBACK ? "true" : "false", d->flags & PCAP_IF_UP ? "true" : "false",
                 d->flags & PCAP_IF_RUNNING ? "true" : "false", d->flags & PCAP_IF_WIRELESS ? "true" : "false",
                 connection_text(d->flags));
    }
    line_fmt(l, "]}");
    line_send(l);
    pcap_freealldevs(all);
    return EXIT_OK;
}

/* ------------------------------------------------------------------ pcapng writer */

/* Bytes a block will occupy must be known before writing it, so blocks are built in place. */
struct block {
    unsigned char *p;
    size_t len, cap;
};

struct writer {
    int fd;
    char path[PATH_MAX];
    unsigned char *buf;
    size_t used;
    uint64_t file_bytes; /* bytes of this file, buffered ones included */
    int err;             /* errno of the first failed write, 0 if none */
    /* Packets (and their captured bytes) that were counted but never reached the file: a failed write. */
    uint64_t lost_packets, lost_bytes;
};

static size_t pad4(size_t n) { return (4 - (n & 3)) & 3; }

static void blk_put(struct block *b, const void *src, size_t n) {
    if (b->len + n > b->cap) abort(); /* sizes are computed beforehand: a bug, not input */
    memcpy(b->p + b->len, src, n);
    b->len += n;
}
static void blk_u16(struct block *b, uint16_t v) { blk_put(b, &v, 2); }
static void blk_u32(struct block *b, uint32_t v) { blk_put(b, &v, 4); }
static void blk_u64(struct block *b, uint64_t v) { blk_put(b, &v, 8); }
static void blk_pad(struct block *b, size_t n) {
    static const unsigned char zeros[4];
    blk_put(b, zeros, pad4(n));
}
static void blk_opt(struct block *b, uint16_t code, const void *v, size_t n) {
    blk_u16(b, code);
    blk_u16(b, (uint16_t)n);
    blk_put(b, v, n);
    blk_pad(b, n);
}
static size_t opt_size(size_t n) { return 4 + n + pad4(n); }
static size_t str_opt_size(const char *s) { return s ? opt_size(strlen(s) > 65000 ? 65000 : strlen(s)) : 0; }
static void blk_str_opt(struct block *b, uint16_t code, const char *s) {
    if (s) blk_opt(b, code, s, strlen(s) > 65000 ? 65000 : strlen(s));
}

/* Blocks lie end to end in the buffer, each with its total length at offset 4 (host order, as written):
   the end of the last block wholly inside the first `n` bytes. */
static size_t whole_blocks(const unsigned char *p, size_t n) {
    size_t at = 0;
    while (n - at >= 12) {
        uint32_t len;
        memcpy(&len, p + at + 4, 4);
        if (len < 12 || len > n - at) break;
        at += len;
    }
    return at;
}

/* Count the packet blocks (EPB, type 6) in p[0..n) and their captured bytes (EPB offset 20). */
static void count_packets(const unsigned char *p, size_t n, uint64_t *packets, uint64_t *bytes) {
    size_t at = 0;
    while (n - at >= 12) {
        uint32_t type, len;
        memcpy(&type, p + at, 4);
        memcpy(&len, p + at + 4, 4);
        if (len < 12 || len > n - at) break;
        if (type == 6 && len >= 28) {
            uint32_t caplen;
            memcpy(&caplen, p + at + 20, 4);
            (*packets)++;
            *bytes += caplen;
        }
        at += len;
    }
}

static int writer_drain(struct writer *w) {
    size_t done = 0;
    while (done < w->used) {
        ssize_t n = write(w->fd, w->buf + done, w->used - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            w->err = n < 0 ? errno : ENOSPC;
            /* A write may stop part-way (the disk filled): keep every block that made it whole and cut
               the rest, so readers see a clean end and the file holds all that fit. */
            size_t kept = whole_blocks(w->buf, done);
            count_packets(w->buf + kept, w->used - kept, &w->lost_packets, &w->lost_bytes);
            w->file_bytes = w->file_bytes - w->used + kept;
            if (ftruncate(w->fd, (off_t)w->file_bytes) != 0) { /* nothing more to do: the error is reported */ }
            w->used = 0;
            return -1;
        }
        done += (size_t)n;
    }
    w->used = 0;
    return 0;
}

/* Room for one whole block of n bytes: in our buffer, or a temporary one for a block larger than it. */
static unsigned char *writer_reserve(struct writer *w, size_t n, int *direct) {
    *direct = 0;
    if (w->err) return NULL;
    if (w->used + n > WRITE_BUFFER_BYTES && writer_drain(w) != 0) return NULL;
    if (n > WRITE_BUFFER_BYTES) {
        *direct = 1;
        unsigned char *p = malloc(n);
        if (!p) w->err = ENOMEM;
        return p;
    }
    return w->buf + w->used;
}

static int writer_commit(struct writer *w, const struct block *b, int direct) {
    if (b->len != b->cap) abort(); /* a size computed wrongly: a bug, never input */
    unsigned char *p = b->p;
    size_t n = b->len;
    w->file_bytes += n;
    if (!direct) {
        w->used += n;
        return 0;
    }
    unsigned char *saved = w->buf;
    w->buf = p;
    w->used = n;
    int rc = writer_drain(w);
    w->buf = saved;
    free(p);
    return rc;
}

static int writer_flush(struct writer *w) {
    if (w->err) return -1;
    return writer_drain(w);
}

static void write_shb(struct writer *w) {
    struct utsname u;
    char os[600] = "";
    if (uname(&u) == 0) snprintf(os, sizeof os, "%s %s", u.sysname, u.release);
    char appl[256];
    snprintf(appl, sizeof appl, "Paquet (paquet-dumpcap %s, %s)", PROGRAM_VERSION, pcap_lib_version());
    size_t len = 24 + str_opt_size(os) + str_opt_size(appl) + 4 + 4;
    int direct;
    unsigned char *p = writer_reserve(w, len, &direct);
    if (!p) return;
    struct block b = {p, 0, len};
    blk_u32(&b, 0x0A0D0D0A);
    blk_u32(&b, (uint32_t)len);
    blk_u32(&b, 0x1A2B3C4D);
    blk_u16(&b, 1);
    blk_u16(&b, 0);
    blk_u64(&b, UINT64_MAX); /* section length unknown */
    blk_str_opt(&b, 3, os);   /* shb_os */
    blk_str_opt(&b, 4, appl); /* shb_userappl */
    blk_u32(&b, 0); /* opt_endofopt */
    blk_u32(&b, (uint32_t)len);
    writer_commit(w, &b, direct);
}

static void write_idb(struct writer *w, int linktype, int snaplen, const char *ifname, const char *filter, int nano) {
    size_t flen = filter ? strlen(filter) : 0;
    if (flen > 60000) flen = 60000;
    size_t len = 16 + str_opt_size(ifname) + (filter ? opt_size(flen + 1) : 0) + (nano ? opt_size(1) : 0) + 4 + 4;
    int direct;
    unsigned char *p = writer_reserve(w, len, &direct);
    if (!p) return;
    struct block b = {p, 0, len};
    blk_u32(&b, 1);
    blk_u32(&b, (uint32_t)len);
    blk_u16(&b, (uint16_t)linktype);
    blk_u16(&b, 0);
    blk_u32(&b, (uint32_t)snaplen);
    blk_str_opt(&b, 2, ifname); /* if_name */
    if (filter) {                /* if_filter: a leading 0 byte means libpcap filter text */
        blk_u16(&b, 11);
        blk_u16(&b, (uint16_t)(flen + 1));
        unsigned char kind = 0;
        blk_put(&b, &kind, 1);
        blk_put(&b, filter, flen);
        blk_pad(&b, flen + 1);
    }
    if (nano) {
        unsigned char res = 9; /* if_tsresol: 10^-9 */
        blk_opt(&b, 9, &res, 1);
    }
    blk_u32(&b, 0);
    blk_u32(&b, (uint32_t)len);
    writer_commit(w, &b, direct);
}

static void write_epb(struct writer *w, uint64_t ts, const struct pcap_pkthdr *h, const unsigned char *data) {
    size_t caplen = h->caplen;
    size_t len = 28 + caplen + pad4(caplen) + 4;
    int direct;
    unsigned char *p = writer_reserve(w, len, &direct);
    if (!p) return;
    struct block b = {p, 0, len};
    blk_u32(&b, 6);
    blk_u32(&b, (uint32_t)len);
    blk_u32(&b, 0); /* interface id */
    blk_u32(&b, (uint32_t)(ts >> 32));
    blk_u32(&b, (uint32_t)ts);
    blk_u32(&b, (uint32_t)caplen);
    blk_u32(&b, h->len);
    blk_put(&b, data, caplen);
    blk_pad(&b, caplen);
    blk_u32(&b, (uint32_t)len);
    writer_commit(w, &b, direct);
}

struct counts {
    uint64_t recv, drop, ifdrop;
    int valid;
};

static void write_isb(struct writer *w, uint64_t ts_start, uint64_t ts_end, const struct counts *s, uint64_t delivered) {
    size_t len = 20 + 2 * opt_size(8) + (s->valid ? 3 * opt_size(8) : 0) + opt_size(8) + 4 + 4;
    int direct;
    unsigned char *p = writer_reserve(w, len, &direct);
    if (!p) return;
    struct block b = {p, 0, len};
    uint32_t v[2];
    blk_u32(&b, 5);
    blk_u32(&b, (uint32_t)len);
    blk_u32(&b, 0);
    blk_u32(&b, (uint32_t)(ts_end >> 32));
    blk_u32(&b, (uint32_t)ts_end);
    /* isb_starttime/endtime: high then low 32 bits, like the block's own timestamp */
    v[0] = (uint32_t)(ts_start >> 32), v[1] = (uint32_t)ts_start;
    blk_opt(&b, 2, v, 8);
    v[0] = (uint32_t)(ts_end >> 32), v[1] = (uint32_t)ts_end;
    blk_opt(&b, 3, v, 8);
    if (s->valid) {
        blk_opt(&b, 4, &s->recv, 8);   /* isb_ifrecv: pcap_stats ps_recv */
        blk_opt(&b, 5, &s->ifdrop, 8); /* isb_ifdrop: ps_ifdrop */
        blk_opt(&b, 7, &s->drop, 8);   /* isb_osdrop: ps_drop (the kernel's buffer was full) */
    }
    blk_opt(&b, 8, &delivered, 8); /* isb_usrdeliv */
    blk_u32(&b, 0);
    blk_u32(&b, (uint32_t)len);
    writer_commit(w, &b, direct);
}

/* ------------------------------------------------------------------ capture */

struct capture {
    struct config *cfg;
    pcap_t *pcap;
    struct writer w;
    int linktype;
    int nano;
    const char *ifname;
    uint64_t packets, bytes, total_file_bytes_closed;
    uint64_t ts_start;
    uint64_t file_index;
    uint64_t file_opened_ms;
    char **ring; /* names of the files kept, oldest first */
    uint64_t ring_len;
    const char *stop_reason;
    int failed;
};

static uint64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)(t.tv_nsec / 1000000);
}

static uint64_t wall_ts(int nano) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return nano ? (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec
                : (uint64_t)t.tv_sec * 1000000u + (uint64_t)(t.tv_nsec / 1000);
}

static struct counts read_stats(pcap_t *p) {
    struct counts c = {0, 0, 0, 0};
    struct pcap_stat s;
    if (pcap_stats(p, &s) == 0) {
        c.recv = s.ps_recv;
        c.drop = s.ps_drop;
        c.ifdrop = s.ps_ifdrop;
        c.valid = 1;
    }
    return c;
}

static void line_counts(struct line *l, struct capture *c, const struct counts *s) {
    line_fmt(l, ",\"packets\":%llu,\"bytes\":%llu,\"file_bytes\":%llu", (unsigned long long)c->packets,
             (unsigned long long)c->bytes, (unsigned long long)(c->total_file_bytes_closed + c->w.file_bytes));
    if (s->valid)
        line_fmt(l, ",\"ps_recv\":%llu,\"ps_drop\":%llu,\"ps_ifdrop\":%llu", (unsigned long long)s->recv,
                 (unsigned long long)s->drop, (unsigned long long)s->ifdrop);
}

static int ring_mode(const struct config *cfg) { return cfg->ring_filesize || cfg->ring_duration_ms; }

/* dumpcap's ring names: PREFIX_NNNNN_YYYYMMDDhhmmss.EXT */
static int ring_name(struct capture *c, char *out, size_t size) {
    const char *path = c->cfg->path;
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot && slash && dot < slash) dot = NULL;
    if (dot == path || (slash && dot == slash + 1)) dot = NULL;
    size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    int n = snprintf(out, size, "%.*s_%05llu_%s%s", (int)stem, path, (unsigned long long)c->file_index, stamp, dot ? dot : "");
    return n > 0 && (size_t)n < size;
}

static int open_output(struct capture *c) {
    struct writer *w = &c->w;
    if (ring_mode(c->cfg)) {
        if (!ring_name(c, w->path, sizeof w->path)) {
            emit_error("file", NULL, "output path too long: %s", c->cfg->path);
            return -1;
        }
    } else if (snprintf(w->path, sizeof w->path, "%s", c->cfg->path) >= (int)sizeof w->path) {
        emit_error("file", NULL, "output path too long: %s", c->cfg->path);
        return -1;
    }
    w->fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        int e = errno;
        emit_error(e == ENOSPC ? "disk-full" : "file", NULL, "cannot write the capture file %s: %s", w->path, strerror(e));
        return -1;
    }
    w->used = 0;
    w->file_bytes = 0;
    w->err = 0;
    c->file_opened_ms = now_ms();
    write_shb(w);
    write_idb(w, c->linktype, c->cfg->snaplen, c->ifname, c->cfg->filter, c->nano);
    /* Headers reach the disk at once: a reader may open the file as soon as it is announced. */
    writer_flush(w);
    return 0;
}

static void report_write_error(struct capture *c) {
    int e = c->w.err;
    /* The counts reported from now on are those of the packets in the file. */
    c->packets -= c->w.lost_packets < c->packets ? c->w.lost_packets : c->packets;
    c->bytes -= c->w.lost_bytes < c->bytes ? c->w.lost_bytes : c->bytes;
    c->w.lost_packets = c->w.lost_bytes = 0;
    if (e == ENOSPC || e == EDQUOT)
        emit_error("disk-full", NULL, "the disk is full: cannot write more to %s (%s); the packets written before are kept",
                   c->w.path, strerror(e));
    else
        emit_error("file", NULL, "cannot write to %s: %s; the packets written before are kept", c->w.path, strerror(e));
    c->failed = 1;
    c->stop_reason = "error";
}

/* `durable`: fsync the last file; ring files are not synced one by one (it would stall capture). */
static int close_output(struct capture *c, int durable) {
    struct writer *w = &c->w;
    if (w->fd < 0) return 0;
    struct counts s = read_stats(c->pcap);
    write_isb(w, c->ts_start, wall_ts(c->nano), &s, c->packets);
    writer_flush(w);
    int bad = w->err;
    if (!bad && durable && fsync(w->fd) != 0 && errno != EINVAL && errno != EROFS) bad = w->err = errno;
    if (close(w->fd) != 0 && !bad) bad = w->err = errno;
    w->fd = -1;
    c->total_file_bytes_closed += w->file_bytes;
    w->file_bytes = 0;
    return bad ? -1 : 0;
}

static void remember_ring_file(struct capture *c) {
    if (!c->cfg->ring_files) return;
    if (c->ring_len == c->cfg->ring_files) {
        if (unlink(c->ring[0]) != 0 && errno != ENOENT) emit_warning("could not delete an old ring buffer file");
        free(c->ring[0]);
        memmove(c->ring, c->ring + 1, (size_t)(c->ring_len - 1) * sizeof *c->ring);
        c->ring_len--;
    }
    c->ring[c->ring_len++] = strdup(c->w.path);
}

static void rotate(struct capture *c) {
    char previous[PATH_MAX];
    snprintf(previous, sizeof previous, "%s", c->w.path);
    if (close_output(c, 0) != 0) {
        report_write_error(c);
        return;
    }
    c->file_index++;
    if (open_output(c) != 0) {
        c->failed = 1;
        c->stop_reason = "error";
        return;
    }
    remember_ring_file(c);
    struct line *l = &out_line;
    line_fmt(l, "{\"event\":\"rotated\",\"file\":");
    line_str(l, c->w.path);
    line_fmt(l, ",\"previous\":");
    line_str(l, previous);
    line_fmt(l, ",\"index\":%llu}", (unsigned long long)c->file_index);
    line_send(l);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data) {
    struct capture *c = (struct capture *)user;
    if (c->stop_reason) return;
    uint64_t frac = (uint64_t)h->ts.tv_usec; /* nanoseconds when the precision is nano */
    uint64_t ts = (uint64_t)h->ts.tv_sec * (c->nano ? 1000000000u : 1000000u) + frac;
    struct pcap_pkthdr hh = *h;
    if (hh.caplen > (bpf_u_int32)c->cfg->snaplen) hh.caplen = (bpf_u_int32)c->cfg->snaplen;
    write_epb(&c->w, ts, &hh, data);
    if (c->w.err) {
        report_write_error(c);
        pcap_breakloop(c->pcap);
        return;
    }
    c->packets++;
    c->bytes += hh.caplen;
    if (c->cfg->count && c->packets >= c->cfg->count) c->stop_reason = "count";
    else if (c->cfg->stop_filesize && c->total_file_bytes_closed + c->w.file_bytes >= c->cfg->stop_filesize)
        c->stop_reason = "filesize";
    else if (c->cfg->ring_filesize && c->w.file_bytes >= c->cfg->ring_filesize)
        rotate(c);
    if (c->stop_reason) pcap_breakloop(c->pcap);
}

static void on_signal(int sig) {
    (void)sig;
    int saved = errno;
    stop_requested = 1;
    if (wake_pipe[1] >= 0 && write(wake_pipe[1], "x", 1) < 0) { /* full: a wake-up is already pending */ }
    errno = saved;
}

static void install_signals(void) {
    if (pipe(wake_pipe) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
            fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
        }
    } else {
        wake_pipe[0] = wake_pipe[1] = -1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static const char *self_path(char *buf, size_t size, const char *argv0) {
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n > 0) {
        buf[n] = 0;
        return buf;
    }
    if (realpath(argv0, buf)) return buf;
    return argv0;
}

static void report_activate_error(int rc, pcap_t *p, const char *iface, const char *argv0) {
    const char *detail = pcap_geterr(p);
    char self[PATH_MAX];
    char fix[PATH_MAX + 128];
    switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        emit_error("no-such-device", NULL, "there is no interface named '%s' (%s); -D lists the interfaces", iface, detail);
        break;
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
#if defined(__APPLE__)
        snprintf(fix, sizeof fix, "sudo chmod g+r /dev/bpf* (or install Wireshark's ChmodBPF)");
        emit_error("permission", fix,
                   "no permission to capture on '%s' (%s). Give your user read access to /dev/bpf* (Wireshark's ChmodBPF "
                   "package does this for the access_bpf group), or run the capture with sudo",
                   iface, detail);
#else
        snprintf(fix, sizeof fix, "sudo setcap cap_net_raw,cap_net_admin=eip %s", self_path(self, sizeof self, argv0));
        emit_error("permission", fix,
                   "no permission to capture on '%s' (%s). Give the capture program the capture capabilities once: "
                   "%s (Debian does the same for dumpcap; then limit who may run it with a group: chgrp GROUP FILE "
                   "&& chmod 750 FILE), or run the capture as root (pkexec for a one-off)%s",
                   iface, detail, fix, rc == PCAP_ERROR_PROMISC_PERM_DENIED ? "; or capture without promiscuous mode (-p)" : "");
#endif
        break;
    case PCAP_ERROR_IFACE_NOT_UP:
        emit_error("interface-down", NULL, "the interface '%s' is not up (%s)", iface, detail);
        break;
    case PCAP_ERROR_RFMON_NOTSUP:
        emit_error("pcap", NULL, "'%s' does not support monitor mode (%s)", iface, detail);
        break;
    default:
        emit_error("pcap", NULL, "cannot capture on '%s': %s (%s)", iface, pcap_statustostr(rc), detail);
        break;
    }
}

/* pcap_set_datalink by name (EN10MB, LINUX_SLL2) or number. */
static int choose_linktype(pcap_t *p, const char *want, int quiet_if_unsupported) {
    int dlt;
    uint64_t n;
    if (parse_u64(want, INT_MAX, &n)) dlt = (int)n;
    else dlt = pcap_datalink_name_to_val(want);
    if (dlt < 0) {
        emit_error("usage", NULL, "unknown link-layer type '%s'", want);
        return -1;
    }
    if (pcap_datalink(p) == dlt) return 0;
    if (pcap_set_datalink(p, dlt) != 0) {
        if (quiet_if_unsupported) return 0;
        emit_error("pcap", NULL, "the interface does not support link-layer type '%s': %s", want, pcap_geterr(p));
        return -1;
    }
    return 0;
}

static int apply_filter(pcap_t *p, const char *filter, int install) {
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        emit_error("bad-filter", NULL, "the capture filter does not compile: %s", pcap_geterr(p));
        return -1;
    }
    int rc = 0;
    if (install && pcap_setfilter(p, &prog) != 0) {
        emit_error("pcap", NULL, "cannot install the capture filter: %s", pcap_geterr(p));
        rc = -1;
    }
    pcap_freecode(&prog);
    return rc;
}

/* Compile a filter without capturing: against the interface's link type when it opens, else Ethernet. */
static int validate_filter(const struct config *cfg) {
    if (!cfg->filter) return usage("--validate-filter needs -f FILTER");
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = NULL;
    if (cfg->iface) {
        p = pcap_create(cfg->iface, errbuf);
        if (p && pcap_activate(p) < 0) {
            pcap_close(p);
            p = NULL;
        }
        if (p && strcmp(cfg->iface, "any") == 0 && !cfg->linktype) choose_linktype(p, "LINUX_SLL2", 1);
    }
    if (!p) p = pcap_open_dead(DLT_EN10MB, cfg->snaplen);
    if (!p) {
        emit_error("pcap", NULL, "cannot set up filter compilation");
        return EXIT_FAIL;
    }
    if (cfg->linktype && choose_linktype(p, cfg->linktype, 0) != 0) {
        pcap_close(p);
        return EXIT_FAIL;
    }
    int rc = apply_filter(p, cfg->filter, 0);
    if (rc == 0) {
        struct line *l = &out_line;
        line_fmt(l, "{\"event\":\"filter-ok\",\"linktype\":%d,\"filter\":", pcap_datalink(p));
        line_str(l, cfg->filter);
        line_raw(l, "}", 1);
        line_send(l);
    }
    pcap_close(p);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

/* Hand over what the kernel already holds (bounded: at most until `until_ms`). */
static int drain(struct capture *c, uint64_t until_ms) {
    for (;;) {
        int want = -1;
        if (c->cfg->count) {
            uint64_t left = c->cfg->count - c->packets;
            want = left > INT_MAX ? INT_MAX : (int)left;
        }
        int n = pcap_dispatch(c->pcap, want, on_packet, (u_char *)c);
        if (n == PCAP_ERROR) {
            emit_error("pcap", NULL, "capture failed on '%s': %s", c->ifname, pcap_geterr(c->pcap));
            c->failed = 1;
            c->stop_reason = "error";
            return -1;
        }
        if (n <= 0 || c->stop_reason || now_ms() >= until_ms) return 0;
    }
}

static int capture(struct config *cfg, const char *argv0) {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    struct capture c;
    memset(&c, 0, sizeof c);
    c.cfg = cfg;
    c.w.fd = -1;
    c.ifname = cfg->iface;
    pcap_t *p = pcap_create(cfg->iface, errbuf);
    if (!p) {
        emit_error("pcap", NULL, "cannot open '%s': %s", cfg->iface, errbuf);
        return EXIT_FAIL;
    }
    c.pcap = p;
    pcap_set_snaplen(p, cfg->snaplen);
    pcap_set_promisc(p, cfg->promisc);
    pcap_set_timeout(p, READ_TIMEOUT_MS);
    if (cfg->immediate) pcap_set_immediate_mode(p, 1);
    if (cfg->buffer_mib > 0) pcap_set_buffer_size(p, cfg->buffer_mib * 1024 * 1024);
    if (cfg->nano && pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0)
        emit_warning("nanosecond timestamps are not available here; using microseconds");
    int rc = pcap_activate(p);
    if (rc < 0) {
        report_activate_error(rc, p, cfg->iface, argv0);
        pcap_close(p);
        return EXIT_FAIL;
    }
    if (rc > 0) {
        char msg[PCAP_ERRBUF_SIZE + 64];
        snprintf(msg, sizeof msg, "%s: %s", pcap_statustostr(rc), pcap_geterr(p));
        emit_warning(msg);
    }
    /* The `any` device: LINUX_SLL2 (it keeps the interface index), as tcpdump 4.99 chooses. */
    if (cfg->linktype) {
        if (choose_linktype(p, cfg->linktype, 0) != 0) goto fail;
    } else if (strcmp(cfg->iface, "any") == 0) {
        choose_linktype(p, "LINUX_SLL2", 1);
    }
    c.linktype = pcap_datalink(p);
    if (cfg->filter && apply_filter(p, cfg->filter, 1) != 0) goto fail;
    c.nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
    if (pcap_setnonblock(p, 1, errbuf) != 0) {
        emit_error("pcap", NULL, "cannot set non-blocking mode: %s", errbuf);
        goto fail;
    }
    int fd = pcap_get_selectable_fd(p);
    if (fd < 0) {
        emit_error("pcap", NULL, "this platform gives no selectable descriptor for '%s'", cfg->iface);
        goto fail;
    }
    if (!(c.w.buf = malloc(WRITE_BUFFER_BYTES))) abort();
    if (cfg->ring_files && !(c.ring = calloc((size_t)cfg->ring_files, sizeof *c.ring))) abort();
    c.ts_start = wall_ts(c.nano);
    c.file_index = 1;
    if (open_output(&c) != 0) goto fail;
    if (c.w.err) {
        report_write_error(&c);
        close_output(&c, 1);
        goto fail;
    }
    remember_ring_file(&c);
    {
        struct line *l = &out_line;
        line_fmt(l, "{\"event\":\"started\",\"interface\":");
        line_str(l, cfg->iface);
        line_fmt(l, ",\"file\":");
        line_str(l, c.w.path);
        line_fmt(l, ",\"linktype\":%d,\"linktype_name\":", c.linktype);
        line_str(l, pcap_datalink_val_to_name(c.linktype));
        line_fmt(l, ",\"snaplen\":%d,\"precision\":\"%s\",\"promiscuous\":%s,\"pid\":%ld}", cfg->snaplen,
                 c.nano ? "nano" : "micro", cfg->promisc ? "true" : "false", (long)getpid());
        line_send(l);
    }

    uint64_t start = now_ms();
    uint64_t next_tick = start + TICK_MS;
    uint64_t stop_at = cfg->stop_duration_ms ? start + cfg->stop_duration_ms : UINT64_MAX;
    while (!c.stop_reason) {
        if (stop_requested) {
            c.stop_reason = control_lost ? "control-closed" : "signal";
            break;
        }
        uint64_t now = now_ms();
        uint64_t wake = next_tick < stop_at ? next_tick : stop_at;
        if (cfg->ring_duration_ms && c.file_opened_ms + cfg->ring_duration_ms < wake)
            wake = c.file_opened_ms + cfg->ring_duration_ms;
        struct pollfd pfd[2] = {{fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
        int r = poll(pfd, wake_pipe[0] >= 0 ? 2 : 1, wake > now ? (int)(wake - now) : 0);
        if (r < 0 && errno != EINTR) {
            emit_error("pcap", NULL, "poll failed: %s", strerror(errno));
            c.failed = 1;
            c.stop_reason = "error";
            break;
        }
        if (drain(&c, next_tick) != 0) break;
        now = now_ms();
        if (now >= next_tick) {
            next_tick = now + TICK_MS;
            if (writer_flush(&c.w) != 0) {
                report_write_error(&c);
                break;
            }
            struct counts s = read_stats(p);
            struct line *l = &out_line;
            line_fmt(l, "{\"event\":\"stats\"");
            line_counts(l, &c, &s);
            line_raw(l, "}", 1);
            line_send(l);
        }
        if (!c.stop_reason && now >= stop_at) c.stop_reason = "duration";
        if (!c.stop_reason && cfg->ring_duration_ms && now >= c.file_opened_ms + cfg->ring_duration_ms) rotate(&c);
    }
    /* A stop from outside: hand over what the kernel holds, including a buffer waiting for its timeout. */
    if (!c.failed && (!strcmp(c.stop_reason, "signal") || !strcmp(c.stop_reason, "duration") ||
                      !strcmp(c.stop_reason, "control-closed"))) {
        const char *reason = c.stop_reason;
        c.stop_reason = NULL;
        uint64_t until = now_ms() + (cfg->immediate ? 20 : READ_TIMEOUT_MS + 50);
        while (!c.stop_reason && now_ms() < until) {
            struct pollfd pfd = {fd, POLLIN, 0};
            uint64_t now = now_ms();
            if (poll(&pfd, 1, until > now ? (int)(until - now) : 0) < 0 && errno != EINTR) break;
            if (drain(&c, until) != 0) break;
        }
        if (!c.stop_reason) c.stop_reason = reason;
    }
    struct counts s = read_stats(p);
    if (close_output(&c, 1) != 0 && !c.failed) report_write_error(&c);
    {
        struct line *l = &out_line;
        line_fmt(l, "{\"event\":\"stopped\",\"reason\":");
        line_str(l, c.stop_reason);
        line_counts(l, &c, &s);
        line_fmt(l, ",\"files\":%llu,\"file\":", (unsigned long long)c.file_index);
        line_str(l, c.w.path);
        line_raw(l, "}", 1);
        line_send(l);
    }
    pcap_close(p);
    return c.failed ? EXIT_FAIL : EXIT_OK;

fail:
    pcap_close(p);
    return EXIT_FAIL;
}

int main(int argc, char **argv) {
    struct config cfg;
    install_signals();
    int rc = parse_args(argc, argv, &cfg);
    if (rc >= 0) return rc;
    if (cfg.list) return list_devices();
    if (cfg.validate) return validate_filter(&cfg);
    return capture(&cfg, argv[0]);
}
