/*
 * paquet-dumpcap: Paquet's small capture program, the only part of Paquet that
 * touches the network (it alone carries cap_net_raw/cap_net_admin, like
 * Wireshark's dumpcap). It opens one interface with libpcap (Npcap on Windows),
 * appends every packet to a pcapng file as it arrives, and reports on stdout,
 * one JSON object per line: started, stats (about once a second), rotated,
 * stopped, error.
 *
 *   paquet-dumpcap -D
 *   paquet-dumpcap -i IFACE -w FILE [-f BPF] [-s SNAPLEN] [-p] [-B MiB] [-y LINKTYPE]
 *                  [--immediate] [--nano] [-c N] [-a duration:S] [-a filesize:KB]
 *                  [-b filesize:KB] [-b duration:S] [-b files:K]
 *   paquet-dumpcap [-i IFACE] [-y LINKTYPE] -f BPF --validate-filter
 *   paquet-dumpcap --version | --help
 *
 * Exit status: 0 after a clean stop, 1 on a capture/file error, 2 on bad usage.
 */
#ifdef _WIN32
/* Vista and later: inet_ntop, GetTickCount64. */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601
#endif
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <shellapi.h>
#include <io.h>
#include <pcap.h>
#else
#define _GNU_SOURCE
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/utsname.h>
#include <unistd.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096 /* Windows: long paths go through _wopen, not MAX_PATH */
#endif

#define PROGRAM_VERSION "0.1.0"
#define DEFAULT_SNAPLEN 262144
/* Kernel read timeout: how long a partly filled buffer waits before it is handed over. */
#define READ_TIMEOUT_MS 100
/* Flush the file and report counts this often: a live view shows packets within about this long. */
#define TICK_MS 250
/* Packets handed over per pcap_dispatch call, between looks at the clock. */
#define DISPATCH_BATCH 1024
/* Our own write buffer: whole blocks only, so the file always ends on a block boundary. */
#define WRITE_BUFFER_BYTES (1u << 20)
#define MAX_RING_FILES 100000
/* pcap_set_buffer_size takes an int of bytes. */
#define MAX_BUFFER_MIB (INT_MAX / (1024 * 1024))

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

static volatile sig_atomic_t stop_requested;
static int control_lost;

/* ------------------------------------------------------------------ platform */

/* What differs between POSIX and Windows: writing to stdout and files, stop requests
   (signals / console events and the control pipe), waiting for packets, clocks. */

#ifdef _WIN32

/* Signalled by a stop request, so that a wait for packets ends at once. */
static HANDLE wake_event;

static void request_stop(void) {
    stop_requested = 1;
    if (wake_event) SetEvent(wake_event);
}

static long out_write(const void *p, size_t n) { return _write(1, p, n > INT_MAX ? INT_MAX : (unsigned)n); }

/* UTF-8 (what the rest of the program holds) to the UTF-16 Windows file names are made of. */
static wchar_t *wide_text(const char *s) {
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    if (n <= 0) return NULL;
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (!w) abort();
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

static int file_create(const char *path) {
    wchar_t *w = wide_text(path);
    if (!w) {
        errno = EINVAL;
        return -1;
    }
    int fd = _wopen(w, _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
    free(w);
    return fd;
}

static int file_remove(const char *path) {
    wchar_t *w = wide_text(path);
    if (!w) {
        errno = EINVAL;
        return -1;
    }
    int rc = _wunlink(w);
    free(w);
    return rc;
}

static long file_write(int fd, const void *p, size_t n) { return _write(fd, p, n > INT_MAX ? INT_MAX : (unsigned)n); }
static int file_truncate(int fd, uint64_t size) { return _chsize_s(fd, (long long)size) == 0 ? 0 : -1; }
static int file_sync(int fd) { return _commit(fd); }
static int file_close(int fd) { return _close(fd); }

static BOOL WINAPI on_console_event(DWORD kind) {
    (void)kind; /* Ctrl+C, Ctrl+Break, the console closing: all stop cleanly */
    request_stop();
    return TRUE;
}

/* Windows has no SIGTERM to send: a supervisor that gave us a pipe as stdin stops us by closing it. */
static DWORD WINAPI watch_control_input(LPVOID arg) {
    char buf[256];
    DWORD n;
    while (ReadFile((HANDLE)arg, buf, sizeof buf, &n, NULL) && n > 0) { /* anything written is ignored */ }
    request_stop();
    return 0;
}

static void install_stop_handlers(void) {
    _setmode(1, _O_BINARY); /* one "\n" per JSON line, not "\r\n" */
    wake_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    SetConsoleCtrlHandler(on_console_event, TRUE);
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    if (in && in != INVALID_HANDLE_VALUE && GetFileType(in) == FILE_TYPE_PIPE) {
        HANDLE t = CreateThread(NULL, 0, watch_control_input, in, 0, NULL);
        if (t) CloseHandle(t);
    }
}

struct packet_wait {
    HANDLE ready;
};

static int packet_wait_open(struct packet_wait *pw, pcap_t *p) {
    pw->ready = pcap_getevent(p);
    return pw->ready ? 0 : -1;
}

/* Until packets may be waiting, a stop is requested (when `watch_stop`) or `timeout_ms` pass.
   Npcap signals the event only once its minimum to copy is reached, so the wait is capped at
   the read timeout: a trickle of packets is handed over as promptly as on Linux. */
static int wait_for_packets(const struct packet_wait *pw, int timeout_ms, int watch_stop) {
    HANDLE h[2] = {pw->ready, wake_event};
    DWORD n = watch_stop && wake_event ? 2 : 1;
    DWORD r = WaitForMultipleObjects(n, h, FALSE, (DWORD)(timeout_ms < READ_TIMEOUT_MS ? timeout_ms : READ_TIMEOUT_MS));
    return r == WAIT_FAILED ? -1 : 0;
}

static const char *wait_error_text(char *buf, size_t size) {
    snprintf(buf, size, "Windows error %lu", (unsigned long)GetLastError());
    return buf;
}

static uint64_t now_ms(void) { return GetTickCount64(); }

static uint64_t wall_ts(int nano) {
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    /* 100 ns units since 1601 to units since 1970 */
    uint64_t t = (((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime) - 116444736000000000ull;
    return nano ? t * 100 : t / 10;
}

static int local_time(time_t t, struct tm *out) { return localtime_s(out, &t) == 0 ? 0 : -1; }

static void os_description(char *buf, size_t size) {
    /* GetVersionEx reports what the manifest claims; RtlGetVersion the real version. */
    typedef LONG(WINAPI * get_version_fn)(OSVERSIONINFOW *);
    OSVERSIONINFOW v;
    memset(&v, 0, sizeof v);
    v.dwOSVersionInfoSize = sizeof v;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    void *fn = ntdll ? (void *)GetProcAddress(ntdll, "RtlGetVersion") : NULL;
    get_version_fn get_version;
    memcpy(&get_version, &fn, sizeof get_version);
    if (fn && get_version(&v) == 0)
        snprintf(buf, size, "Windows %lu.%lu build %lu", (unsigned long)v.dwMajorVersion, (unsigned long)v.dwMinorVersion,
                 (unsigned long)v.dwBuildNumber);
    else
        snprintf(buf, size, "Windows");
}

static long process_id(void) { return (long)GetCurrentProcessId(); }

#else /* POSIX */

/* Self-pipe: the signal handler writes to it so that poll() wakes at once. */
static int wake_pipe[2] = {-1, -1};

static void request_stop(void) { stop_requested = 1; }

static long out_write(const void *p, size_t n) { return (long)write(STDOUT_FILENO, p, n); }
static int file_create(const char *path) { return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); }
static int file_remove(const char *path) { return unlink(path); }
static long file_write(int fd, const void *p, size_t n) { return (long)write(fd, p, n); }
static int file_truncate(int fd, uint64_t size) { return ftruncate(fd, (off_t)size); }
static int file_sync(int fd) { return fsync(fd); }
static int file_close(int fd) { return close(fd); }

static void on_signal(int sig) {
    (void)sig;
    int saved = errno;
    stop_requested = 1;
    if (wake_pipe[1] >= 0 && write(wake_pipe[1], "x", 1) < 0) { /* full: a wake-up is already pending */ }
    errno = saved;
}

static void install_stop_handlers(void) {
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

struct packet_wait {
    int fd;
};

static int packet_wait_open(struct packet_wait *pw, pcap_t *p) {
    pw->fd = pcap_get_selectable_fd(p);
    return pw->fd < 0 ? -1 : 0;
}

/* Until packets may be waiting, a stop is requested (when `watch_stop`) or `timeout_ms` pass. */
static int wait_for_packets(const struct packet_wait *pw, int timeout_ms, int watch_stop) {
    struct pollfd pfd[2] = {{pw->fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
    int r = poll(pfd, watch_stop && wake_pipe[0] >= 0 ? 2 : 1, timeout_ms);
    return r < 0 && errno != EINTR ? -1 : 0;
}

static const char *wait_error_text(char *buf, size_t size) {
    snprintf(buf, size, "%s", strerror(errno));
    return buf;
}

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

static int local_time(time_t t, struct tm *out) { return localtime_r(&t, out) ? 0 : -1; }

static void os_description(char *buf, size_t size) {
    struct utsname u;
    if (uname(&u) == 0) snprintf(buf, size, "%s %s", u.sysname, u.release);
    else if (size > 0) buf[0] = 0;
}

static long process_id(void) { return (long)getpid(); }

#endif

static char *copy_text(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p) abort();
    memcpy(p, s, n);
    return p;
}

/* ------------------------------------------------------------------ JSON lines */

struct line {
    char *p;
    size_t len, cap;
};

static struct line out_line;

static void line_reserve(struct line *l, size_t n) {
    if (l->len + n + 2 <= l->cap) return;
    size_t cap = l->cap ? l->cap : 1024;
    while (l->len + n + 2 > cap) cap *= 2;
    char *p = realloc(l->p, cap);
    if (!p) abort();
    l->p = p;
    l->cap = cap;
}

static void line_raw(struct line *l, const char *s, size_t n) {
    line_reserve(l, n);
    memcpy(l->p + l->len, s, n);
    l->len += n;
}

static void line_fmt(struct line *l, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void line_fmt(struct line *l, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        line_raw(l, tmp, (size_t)n);
        return;
    }
    /* Longer than tmp: format again, straight into the line. */
    line_reserve(l, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(l->p + l->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    l->len += (size_t)n;
}

/* Length of the well-formed UTF-8 sequence at s, 0 if the bytes there are not one
   (stops at the terminating 0, which is never a continuation byte). */
static size_t utf8_sequence(const unsigned char *s) {
    size_t n;
    uint32_t cp, min;
    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) n = 2, cp = s[0] & 0x1f, min = 0x80;
    else if ((s[0] & 0xf0) == 0xe0) n = 3, cp = s[0] & 0x0f, min = 0x800;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) n = 4, cp = s[0] & 0x07, min = 0x10000;
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

/* A JSON string literal; NULL becomes null. Bytes that are not UTF-8 (an argument, a
   device description in a local code page) become U+FFFD, so every line is valid JSON. */
static void line_str(struct line *l, const char *s) {
    if (!s) {
        line_raw(l, "null", 4);
        return;
    }
    line_raw(l, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c;) {
        size_t n = utf8_sequence(c);
        if (n == 0) {
            line_raw(l, "\\ufffd", 6);
            n = 1;
        } else if (*c == '"' || *c == '\\') {
            char esc[2] = {'\\', (char)*c};
            line_raw(l, esc, 2);
        } else if (*c < 0x20 || *c == 0x7f) {
            line_fmt(l, "\\u%04x", *c);
        } else {
            line_raw(l, (const char *)c, n);
        }
        c += n;
    }
    line_raw(l, "\"", 1);
}

static void line_send(struct line *l) {
    line_raw(l, "\n", 1);
    size_t done = 0;
    while (done < l->len) {
        long n = out_write(l->p + done, l->len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            /* The supervisor went away: stop cleanly rather than capture unattended. */
            control_lost = 1;
            request_stop();
            break;
        }
        done += (size_t)n;
    }
    l->len = 0;
}

/* The message for a person reading stderr: one line, control bytes shown as \xNN. */
static void print_for_person(const char *msg) {
    fputs("paquet-dumpcap: ", stderr);
    for (const unsigned char *c = (const unsigned char *)msg; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) fprintf(stderr, "\\x%02x", *c);
        else fputc(*c, stderr);
    }
    fputc('\n', stderr);
}

static void emit_error(const char *code, const char *fix, const char *fmt, ...) PRINTF_LIKE(3, 4);
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
    print_for_person(msg);
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
    int version;
    int help;
    uint64_t count;
    uint64_t stop_duration_ms;
    uint64_t stop_filesize;
    uint64_t ring_filesize;
    uint64_t ring_duration_ms;
    uint64_t ring_files;
};

/* Decimal digits only: no sign, no spaces (strtoull would read " -5" as 2^64-5). */
static int parse_u64(const char *s, uint64_t max, uint64_t *out) {
    if (!s || !*s || strspn(s, "0123456789") != strlen(s)) return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max) return 0;
    *out = v;
    return 1;
}

/* Seconds, possibly fractional or in exponent form (duration:0.5, duration:1e-3, as a
   JavaScript number prints), into milliseconds. No sign, hex, inf or nan. */
static int parse_seconds_ms(const char *s, uint64_t *out) {
    if (!s || !((*s >= '0' && *s <= '9') || *s == '.') || strpbrk(s, "xXpP")) return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !(v > 0) || v > 1e9) return 0;
    *out = (uint64_t)(v * 1000.0 + 0.5);
    if (*out == 0) *out = 1;
    return 1;
}

static int usage(const char *fmt, ...) PRINTF_LIKE(1, 2);
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

/* A link type by name (EN10MB, LINUX_SLL2) or number, -1 if unknown. The pcapng link type field is 16 bits wide. */
static int linktype_value(const char *name) {
    uint64_t n;
    return parse_u64(name, UINT16_MAX, &n) ? (int)n : pcap_datalink_name_to_val(name);
}

/* One short option and its value (NULL for a flag); EXIT_USAGE after reporting a bad one, else -1. */
static int apply_option(struct config *c, char opt, const char *v) {
    uint64_t n;
    switch (opt) {
    case 'D': c->list = 1; break;
    case 'p': c->promisc = 0; break;
    case 'i':
        if (!*v) return usage("-i needs an interface name");
        c->iface = v;
        break;
    case 'w':
        if (!*v) return usage("-w needs a file name");
        c->path = v;
        break;
    case 'f': c->filter = v; break;
    case 'y':
        if (linktype_value(v) < 0) return usage("unknown link-layer type '%s'", v);
        c->linktype = v;
        break;
    case 's':
        if (!parse_u64(v, INT_MAX, &n)) return usage("invalid snapshot length '%s'", v);
        c->snaplen = n == 0 ? DEFAULT_SNAPLEN : (int)n;
        break;
    case 'B':
        if (!parse_u64(v, MAX_BUFFER_MIB, &n) || n == 0)
            return usage("invalid kernel buffer size '%s' (MiB, 1 to %d)", v, MAX_BUFFER_MIB);
        c->buffer_mib = (int)n;
        break;
    case 'c':
        if (!parse_u64(v, UINT64_MAX, &n) || n == 0) return usage("invalid packet count '%s'", v);
        c->count = n;
        break;
    case 'a':
        if (!parse_condition(c, 0, v)) return usage("invalid stop condition '%s' (duration:SECONDS or filesize:KB)", v);
        break;
    case 'b':
        if (!parse_condition(c, 1, v)) return usage("invalid ring buffer option '%s' (filesize:KB, duration:SECONDS or files:N)", v);
        break;
    }
    return -1;
}

static int is_flag(char opt) { return opt == 'D' || opt == 'p'; }
static int takes_value(char opt) { return opt != 0 && strchr("iwfsBycab", opt) != NULL; }

/* getopt's conventions without getopt (MSVC has none): flags may be grouped (-pD), a value
   follows its option in the same argument (-ilo) or the next one (-i lo), long options are
   spelled out whole, `--` ends the options. Returns an exit status, or -1 to go on. */
static int parse_args(int argc, char **argv, struct config *c) {
    memset(c, 0, sizeof *c);
    c->snaplen = DEFAULT_SNAPLEN;
    c->promisc = 1;
    c->buffer_mib = -1;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == 0) break;
        if (a[1] == '-') {
            if (!strcmp(a, "--immediate")) c->immediate = 1;
            else if (!strcmp(a, "--nano")) c->nano = 1;
            else if (!strcmp(a, "--validate-filter")) c->validate = 1;
            else if (!strcmp(a, "--version")) c->version = 1;
            else if (!strcmp(a, "--help")) c->help = 1;
            else return usage("unknown option '%s'", a);
            continue;
        }
        for (const char *o = a + 1; *o; o++) {
            if (is_flag(*o)) {
                apply_option(c, *o, NULL);
                continue;
            }
            if (!takes_value(*o)) return usage("unknown option '-%c' in '%s'", *o, a);
            const char *v = o[1] ? o + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!v) return usage("option -%c needs a value", *o);
            int rc = apply_option(c, *o, v);
            if (rc >= 0) return rc;
            break;
        }
    }
    if (i < argc) return usage("unexpected argument '%s'", argv[i]);
    if (c->help || c->version || c->list || c->validate) return -1;
    if (!c->iface) return usage("no interface given (-i IFACE; -D lists them)");
    if (!c->path) return usage("no output file given (-w FILE)");
    if (c->ring_files && !c->ring_filesize && !c->ring_duration_ms)
        return usage("-b files:N needs -b filesize:KB or -b duration:S");
    return -1;
}

static int print_help(void) {
    fputs("usage: paquet-dumpcap -D\n"
          "       paquet-dumpcap -i IFACE -w FILE [-f BPF] [-s SNAPLEN] [-p] [-B MiB] [-y LINKTYPE]\n"
          "                      [--immediate] [--nano] [-c N] [-a duration:S] [-a filesize:KB]\n"
          "                      [-b filesize:KB] [-b duration:S] [-b files:K]\n"
          "       paquet-dumpcap [-i IFACE] [-y LINKTYPE] -f BPF --validate-filter\n"
          "       paquet-dumpcap --version\n"
          "Reports on stdout, one JSON object per line (see main/capture/README.md).\n",
          stderr);
    return EXIT_OK;
}

static int print_version(void) {
    line_fmt(&out_line, "{\"event\":\"version\",\"version\":\"%s\",\"libpcap\":", PROGRAM_VERSION);
    line_str(&out_line, pcap_lib_version());
    line_raw(&out_line, "}", 1);
    line_send(&out_line);
    return EXIT_OK;
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
        long n = file_write(w->fd, w->buf + done, w->used - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            w->err = n < 0 ? errno : ENOSPC;
            /* A write may stop part-way (the disk filled): keep every block that made it whole and cut
               the rest, so readers see a clean end and the file holds all that fit. */
            size_t kept = whole_blocks(w->buf, done);
            count_packets(w->buf + kept, w->used - kept, &w->lost_packets, &w->lost_bytes);
            w->file_bytes = w->file_bytes - w->used + kept;
            if (file_truncate(w->fd, w->file_bytes) != 0) { /* nothing more to do: the error is reported */ }
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
    char os[600];
    os_description(os, sizeof os);
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

static const char *last_separator(const char *path) {
    const char *slash = strrchr(path, '/');
#ifdef _WIN32
    const char *back = strrchr(path, '\\');
    if (back && (!slash || back > slash)) slash = back;
#endif
    return slash;
}

/* dumpcap's ring names: PREFIX_NNNNN_YYYYMMDDhhmmss.EXT */
static int ring_name(struct capture *c, char *out, size_t size) {
    const char *path = c->cfg->path;
    const char *slash = last_separator(path);
    const char *dot = strrchr(path, '.');
    if (dot && slash && dot < slash) dot = NULL;
    if (dot == path || (slash && dot == slash + 1)) dot = NULL;
    size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    struct tm tm;
    char stamp[32] = "00000000000000";
    if (local_time(time(NULL), &tm) == 0) strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
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
    w->fd = file_create(w->path);
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

static int is_quota_error(int e) {
#ifdef EDQUOT
    return e == EDQUOT;
#else
    return (void)e, 0;
#endif
}

static void report_write_error(struct capture *c) {
    int e = c->w.err;
    /* The counts reported from now on are those of the packets in the file. */
    c->packets -= c->w.lost_packets < c->packets ? c->w.lost_packets : c->packets;
    c->bytes -= c->w.lost_bytes < c->bytes ? c->w.lost_bytes : c->bytes;
    c->w.lost_packets = c->w.lost_bytes = 0;
    if (e == ENOSPC || is_quota_error(e))
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
    if (!bad && durable && file_sync(w->fd) != 0 && errno != EINVAL && errno != EROFS) bad = w->err = errno;
    if (file_close(w->fd) != 0 && !bad) bad = w->err = errno;
    w->fd = -1;
    c->total_file_bytes_closed += w->file_bytes;
    w->file_bytes = 0;
    return bad ? -1 : 0;
}

static void remember_ring_file(struct capture *c) {
    if (!c->cfg->ring_files) return;
    if (c->ring_len == c->cfg->ring_files) {
        if (file_remove(c->ring[0]) != 0 && errno != ENOENT) emit_warning("could not delete an old ring buffer file");
        free(c->ring[0]);
        memmove(c->ring, c->ring + 1, (size_t)(c->ring_len - 1) * sizeof *c->ring);
        c->ring_len--;
    }
    c->ring[c->ring_len++] = copy_text(c->w.path);
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

#ifndef _WIN32
static const char *self_path(char *buf, size_t size, const char *argv0) {
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n > 0) {
        buf[n] = 0;
        return buf;
    }
    if (realpath(argv0, buf)) return buf;
    return argv0;
}
#endif

static void report_activate_error(int rc, pcap_t *p, const char *iface, const char *argv0) {
    const char *detail = pcap_geterr(p);
    switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        emit_error("no-such-device", NULL, "there is no interface named '%s' (%s); -D lists the interfaces", iface, detail);
        break;
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
#if defined(_WIN32)
        (void)argv0;
        emit_error("permission", "run Paquet as Administrator, or reinstall Npcap without \"Restrict Npcap driver's access to Administrators only\"",
                   "no permission to capture on '%s' (%s). Npcap was installed for Administrators only", iface, detail);
#elif defined(__APPLE__)
        (void)argv0;
        emit_error("permission", "sudo chmod g+r /dev/bpf* (or install Wireshark's ChmodBPF)",
                   "no permission to capture on '%s' (%s). Give your user read access to /dev/bpf* (Wireshark's ChmodBPF "
                   "package does this for the access_bpf group), or run the capture with sudo",
                   iface, detail);
#else
        char self[PATH_MAX];
        char fix[PATH_MAX + 128];
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

/* pcap_set_datalink to a link type given by name or number (known: parse_args checked -y). */
static int choose_linktype(pcap_t *p, const char *want, int quiet_if_unsupported) {
    int dlt = linktype_value(want);
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
    if (!p) {
        /* No interface: compile for the link type asked for, as if one had it. */
        p = pcap_open_dead(cfg->linktype ? linktype_value(cfg->linktype) : DLT_EN10MB, cfg->snaplen);
        if (!p) {
            emit_error("pcap", NULL, "cannot set up filter compilation");
            return EXIT_FAIL;
        }
    } else if (cfg->linktype && choose_linktype(p, cfg->linktype, 0) != 0) {
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

/* Hand over what the kernel already holds (bounded: at most until `until_ms`). Packets are taken
   in batches so that the deadline is looked at often even when each packet is slow to write
   (a rotation per packet) and the kernel holds many. */
static int drain(struct capture *c, uint64_t until_ms) {
    for (;;) {
        int want = DISPATCH_BATCH;
        if (c->cfg->count && c->cfg->count - c->packets < DISPATCH_BATCH) want = (int)(c->cfg->count - c->packets);
        int n = pcap_dispatch(c->pcap, want, on_packet, (u_char *)c);
        if (n == PCAP_ERROR) {
            emit_error("pcap", NULL, "capture failed on '%s': %s", c->ifname, pcap_geterr(c->pcap));
            c->failed = 1;
            c->stop_reason = "error";
            return -1;
        }
        if (n <= 0 || c->stop_reason || stop_requested || now_ms() >= until_ms) return 0;
    }
}

static void release_capture(struct capture *c) {
    for (uint64_t i = 0; i < c->ring_len; i++) free(c->ring[i]);
    free(c->ring);
    free(c->w.buf);
    pcap_close(c->pcap);
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
    if (cfg->buffer_mib > 0) pcap_set_buffer_size(p, cfg->buffer_mib * 1024 * 1024); /* <= INT_MAX: parse_args */
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
    /* libpcap caps the snapshot length (262144 on Linux): the file and the report say what it uses. */
    if (pcap_snapshot(p) > 0) cfg->snaplen = pcap_snapshot(p);
    if (cfg->filter && apply_filter(p, cfg->filter, 1) != 0) goto fail;
    c.nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
    if (pcap_setnonblock(p, 1, errbuf) != 0) {
        emit_error("pcap", NULL, "cannot set non-blocking mode: %s", errbuf);
        goto fail;
    }
    struct packet_wait waiter;
    if (packet_wait_open(&waiter, p) != 0) {
        emit_error("pcap", NULL, "this platform gives no way to wait for packets on '%s'", cfg->iface);
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
                 c.nano ? "nano" : "micro", cfg->promisc ? "true" : "false", process_id());
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
        if (wait_for_packets(&waiter, wake > now ? (int)(wake - now) : 0, 1) != 0) {
            char why[128];
            emit_error("pcap", NULL, "waiting for packets failed: %s", wait_error_text(why, sizeof why));
            c.failed = 1;
            c.stop_reason = "error";
            break;
        }
        if (drain(&c, wake) != 0) break;
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
            uint64_t now = now_ms();
            if (wait_for_packets(&waiter, until > now ? (int)(until - now) : 0, 0) != 0) break;
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
    release_capture(&c);
    return c.failed ? EXIT_FAIL : EXIT_OK;

fail:
    release_capture(&c);
    return EXIT_FAIL;
}

#ifdef _WIN32
/* The command line as UTF-8, whatever the console's code page: file names may be any Unicode. */
static char **utf8_arguments(int *argc) {
    wchar_t **wide = CommandLineToArgvW(GetCommandLineW(), argc);
    if (!wide) abort();
    char **argv = calloc((size_t)*argc + 1, sizeof *argv);
    if (!argv) abort();
    for (int i = 0; i < *argc; i++) {
        int n = WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, NULL, 0, NULL, NULL);
        if (n <= 0 || !(argv[i] = malloc((size_t)n))) abort();
        WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, argv[i], n, NULL, NULL);
    }
    LocalFree(wide);
    return argv;
}
#endif

int main(int argc, char **argv) {
    struct config cfg;
#ifdef _WIN32
    argv = utf8_arguments(&argc);
#endif
    install_stop_handlers();
    int rc = parse_args(argc, argv, &cfg);
    if (rc >= 0) return rc;
    if (cfg.help) return print_help();
    if (cfg.version) return print_version();
    if (cfg.list) return list_devices();
    if (cfg.validate) return validate_filter(&cfg);
    return capture(&cfg, argv[0]);
}
