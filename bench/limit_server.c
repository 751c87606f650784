/* The ceiling for bench/compare.sh: a single-threaded epoll loop that answers every request it
 * sees with a canned response and does no other work. One read, count the requests in it
 * (pipelining), one write of that many responses. It is not a web server: it trusts the
 * client completely and exists only to show what "no work at all" costs on this machine.
 *   cc -O2 -o limit_server bench/limit_server.c && ./limit_server PORT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char plain[] =
    "HTTP/1.1 200 OK\r\nServer: limit\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";
static const char json[] =
    "HTTP/1.1 200 OK\r\nServer: limit\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n"
    "{\"message\":\"Hello, World!\"}";

int main(int argc, char** argv) {
    int port = argc > 1 ? atoi(argv[1]) : 8081;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(lfd, (struct sockaddr*)&addr, sizeof addr) || listen(lfd, 4096)) { perror("listen"); return 1; }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    static char in[65536], out[16 * 65536];
    struct epoll_event events[512];
    for (;;) {
        int n = epoll_wait(ep, events, 512, -1);
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            ssize_t r = read(fd, in, sizeof in);
            if (r <= 0) { close(fd); continue; }
            size_t used = 0;
            char* start = in;   /* each request's head runs from the previous blank line to the next */
            for (char* p; (p = memmem(start, (size_t)(in + r - start), "\r\n\r\n", 4)) != NULL; start = p + 4) {
                const char* body = plain;
                size_t len = sizeof plain - 1;
                if (memmem(start, (size_t)(p - start), "/json", 5)) { body = json; len = sizeof json - 1; }
                if (used + len <= sizeof out) { memcpy(out + used, body, len); used += len; }
            }
            if (used && write(fd, out, used) < 0 && errno != EAGAIN) close(fd);
        }
    }
}
