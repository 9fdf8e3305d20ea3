/*
 * Sends COUNT UDP datagrams of SIZE bytes to 127.0.0.1:PORT as fast as the
 * socket takes them, each starting with its sequence number (big-endian), for
 * the burst test and bench. Bounded: COUNT datagrams, and at most 30 seconds.
 * It also binds an unread socket to the port when it can, so the datagrams are
 * accepted (and dropped by that full socket) instead of answered by ICMP.
 * Prints how many were sent and how long it took (microseconds).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: udp-blast PORT COUNT SIZE\n");
        return 2;
    }
    long port = strtol(argv[1], NULL, 10), count = strtol(argv[2], NULL, 10), size = strtol(argv[3], NULL, 10);
    if (port <= 0 || port > 65535 || count <= 0 || count > 10000000 || size < 4 || size > 1400) return 2;
    alarm(30);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int sink = socket(AF_INET, SOCK_DGRAM, 0);
    if (sink >= 0 && bind(sink, (struct sockaddr *)&to, sizeof to) != 0) close(sink);
    if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof to) != 0) return 1;
    enum { BATCH = 64 };
    static unsigned char bufs[BATCH][1400];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(bufs, 'c', sizeof bufs);
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = (size_t)size;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long sent = 0;
    while (sent < count) {
        int n = count - sent < BATCH ? (int)(count - sent) : BATCH;
        for (int i = 0; i < n; i++) {
            uint32_t seq = htonl((uint32_t)(sent + i));
            memcpy(bufs[i], &seq, 4);
        }
        int r = sendmmsg(s, msgs, (unsigned)n, 0);
        if (r < 0) {
            if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) continue;
            if (errno == ECONNREFUSED) continue; /* an ICMP error from an earlier datagram */
            break;
        }
        sent += r;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
    printf("%ld %ld\n", sent, us);
    return 0;
}
