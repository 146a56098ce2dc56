/*
 * Standalone tests for src/freeport.c (Linux).  Build and run: see Makefile
 * in this directory, or
 *
 *   gcc -std=c99 -Wall -Wextra -pedantic -Werror -I../../src \
 *       test_freeport.c ../../src/freeport.c -o test_freeport && ./test_freeport
 *
 * Modes (first argument):
 *   (none)       full test as any user; as non-root also checks that a
 *                privileged port is P4M_DENIED
 *   --lo-down    run inside `unshare -n` (loopback down, no 127.0.0.1/::1):
 *                the unavailable loopback addresses must be skipped, so a
 *                port is still FREE
 *   --shim       run with LD_PRELOAD=socket-shim.so (tests/testthat/
 *                socket-shim.c): fault injection into socket(), bind() and
 *                listen(), switched with setenv() between cases
 * Built with -DP4M_WRAP_SOCKET -Wl,--wrap=socket, the test also fakes
 * socket() failures (EAFNOSUPPORT for one/both families, EMFILE, EACCES) and
 * a kernel without SOCK_CLOEXEC.
 */
#define _POSIX_C_SOURCE 200809L

#include "freeport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "ctest.h"

/* ---- optional socket() fault injection (link with --wrap=socket) ---- */
#ifdef P4M_WRAP_SOCKET
int __real_socket(int domain, int type, int protocol);
static int fake_fail_family = 0;  /* AF_INET, AF_INET6, -1 = all, 0 = none */
static int fake_errno = 0;
static int fake_no_cloexec = 0;   /* an errno: reject SOCK_CLOEXEC with it
                                     (EINVAL: a pre-2.6.27 kernel) */
static int calls_plain = 0;       /* socket() calls without SOCK_CLOEXEC */
static int last_socket = -1;      /* what socket() returned last */
int __wrap_socket(int domain, int type, int protocol);
int __wrap_socket(int domain, int type, int protocol) {
#ifdef SOCK_CLOEXEC
  if (fake_no_cloexec && (type & SOCK_CLOEXEC)) {
    errno = fake_no_cloexec;
    return -1;
  }
  if (!(type & SOCK_CLOEXEC)) calls_plain++;
#endif
  if (fake_fail_family == -1 || fake_fail_family == domain) {
    errno = fake_errno;
    return -1;
  }
  return last_socket = __real_socket(domain, type, protocol);
}

/* fcntl() (link with --wrap=fcntl too): while SOCK_CLOEXEC is refused,
   counts the calls on another descriptor than the socket just made (the
   fallback must set FD_CLOEXEC on that socket, and touch nothing else) */
int __real_fcntl(int fd, int cmd, ...);
static int fcntl_elsewhere = 0;
int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...) {
  va_list ap;
  int arg = 0;
  if (fake_no_cloexec && fd != last_socket) fcntl_elsewhere++;
  if (cmd == F_SETFD || cmd == F_SETFL) {
    va_start(ap, cmd);
    arg = va_arg(ap, int);
    va_end(ap);
    return __real_fcntl(fd, cmd, arg);
  }
  return __real_fcntl(fd, cmd);
}

/* setsockopt() (link with --wrap=setsockopt too): with fake_sockopt set to
   SO_REUSEADDR or IPV6_V6ONLY, setting that option fails with
   fake_sockopt_errno (what a system without the option would say) */
int __real_setsockopt(int fd, int level, int name, const void *val,
                      socklen_t len);
static int fake_sockopt = -1, fake_sockopt_errno = 0;
int __wrap_setsockopt(int fd, int level, int name, const void *val,
                      socklen_t len);
int __wrap_setsockopt(int fd, int level, int name, const void *val,
                      socklen_t len) {
  if (name == fake_sockopt &&
      ((level == SOL_SOCKET && name == SO_REUSEADDR) ||
       (level == IPPROTO_IPV6 && name == IPV6_V6ONLY))) {
    errno = fake_sockopt_errno;
    return -1;
  }
  return __real_setsockopt(fd, level, name, val, len);
}

/* bind() (link with --wrap=bind too): counts the sockets that reach bind()
   without FD_CLOEXEC, i.e. that a child process started now would inherit,
   and the binds whose length is not exactly that of the family's address
   (Linux takes a longer one; the BSDs and macOS refuse it with EINVAL) */
int __real_bind(int fd, const struct sockaddr *addr, socklen_t len);
static int binds_inheritable = 0, binds_bad_len = 0;
int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len) {
  int fl = fcntl(fd, F_GETFD);
  if (fl == -1 || !(fl & FD_CLOEXEC)) binds_inheritable++;
  if (len != (addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                          : sizeof(struct sockaddr_in)))
    binds_bad_len++;
  return __real_bind(fd, addr, len);
}
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void pause_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

static const char *text(const p4m_port_status *st) {
  static char buf[256];
  return p4m_port_status_text(st, buf, sizeof(buf));
}

/* A port that p4m_port_test says is free, from a pseudo-random start. */
static int find_free_port(void) {
  static unsigned next = 0;
  p4m_port_status st;
  int i;
  /* 20000..32767: below Linux's ephemeral range, so that outgoing
     connections of other processes do not take the port meanwhile */
  if (next == 0) next = (unsigned) getpid() % 12768u;
  for (i = 0; i < 1000; i++) {
    int port = (int) (next++ % 12768u) + 20000;
    if (p4m_port_test(port, &st) == P4M_FREE) return port;
  }
  return -1;
}

/* A socket bound to addr:port (family from addr), listening if do_listen.
   v6only: -1 leave default, else set IPV6_V6ONLY to it.  Returns fd or -1. */
static int holder(const char *addr, int port, int v6only, int reuse,
                  int do_listen) {
  union { struct sockaddr sa; struct sockaddr_in v4; struct sockaddr_in6 v6; } a;
  socklen_t len;
  int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
  int fd = socket(fam, SOCK_STREAM, 0);
  if (fd < 0) { perror("holder socket"); return -1; }
  memset(&a, 0, sizeof(a));
  if (fam == AF_INET6) {
    a.v6.sin6_family = AF_INET6;
    a.v6.sin6_port = htons((unsigned short) port);
    inet_pton(AF_INET6, addr, &a.v6.sin6_addr);
    len = sizeof(a.v6);
    if (v6only >= 0 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) != 0)
      perror("holder IPV6_V6ONLY");
  } else {
    a.v4.sin_family = AF_INET;
    a.v4.sin_port = htons((unsigned short) port);
    inet_pton(AF_INET, addr, &a.v4.sin_addr);
    len = sizeof(a.v4);
  }
  if (reuse) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  }
  if (bind(fd, &a.sa, len) != 0) { perror("holder bind"); close(fd); return -1; }
  if (do_listen && listen(fd, 5) != 0) { perror("holder listen"); close(fd); return -1; }
  return fd;
}

static void test_held(const char *addr, int v6only, int reuse, int do_listen) {
  p4m_port_status st;
  int port = -1, fd = -1, attempt;
  /* another process may take a free port before we hold it: try again */
  for (attempt = 0; attempt < 5 && fd < 0; attempt++) {
    port = find_free_port();
    if (port > 0) fd = holder(addr, port, v6only, reuse, do_listen);
  }
  CHECK(port > 0, "no free port found");
  if (port <= 0) return;
  CHECK(fd >= 0, "could not hold %s port %d", addr, port);
  if (fd < 0) return;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_IN_USE,
        "%s:%d held (v6only=%d reuse=%d listen=%d): got %s", addr, port,
        v6only, reuse, do_listen, text(&st));
  CHECK(st.err == EADDRINUSE, "err %d", st.err);
  printf("  held %-9s v6only=%2d reuse=%d listen=%d port %5d: %s\n", addr,
         v6only, reuse, do_listen, port, text(&st));
  close(fd);
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "%s:%d after close: got %s", addr, port, text(&st));
  CHECK(st.err == 0 && st.step != NULL && st.step[0] == '\0', "free fields");
}

/* Linux: a socket bound with SO_REUSEADDR but not listening does not stop a
   server that also uses SO_REUSEADDR from binding and listening on the same
   port, so the port counts as free (a server could start on it now). */
static void test_reuse_not_listening(void) {
  p4m_port_status st;
  int port = find_free_port();
  int fd = holder("127.0.0.1", port, -1, 1, 0);
  if (fd < 0) { CHECK(0, "holder"); return; }
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "bound+SO_REUSEADDR, not listening: %s", text(&st));
  printf("  held 127.0.0.1 reuse=1 listen=0 port %5d: %s (as a real server sees it)\n",
         port, text(&st));
  close(fd);
}

/* Leave a connection in TIME_WAIT on the port (server closes first), close
   the listener: the port must be FREE thanks to SO_REUSEADDR. */
static void test_time_wait(void) {
  p4m_port_status st;
  struct sockaddr_in a;
  int port = find_free_port();
  int lfd, cfd, sfd;
  if (port <= 0) { CHECK(0, "no free port"); return; }
  lfd = holder("127.0.0.1", port, -1, 1, 1);
  if (lfd < 0) { CHECK(0, "listener"); return; }
  cfd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short) port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(connect(cfd, (struct sockaddr *) &a, sizeof(a)) == 0, "connect");
  sfd = accept(lfd, NULL, NULL);
  CHECK(sfd >= 0, "accept");
  close(sfd);          /* active close on the server side -> TIME_WAIT */
  pause_ms(20);
  close(cfd);
  close(lfd);
  pause_ms(20);
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "port %d with TIME_WAIT: got %s", port, text(&st));
  printf("  TIME_WAIT on port %d: %s\n", port, text(&st));
}

static void test_invalid(void) {
  static const int bad[] = { 0, -1, 65536, 100000, -65535 };
  size_t i;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    p4m_port_status st;
    int rc = p4m_port_test(bad[i], &st);
    CHECK(rc == P4M_FAILED && st.status == P4M_FAILED && st.err == EINVAL &&
          strcmp(st.step, "port") == 0, "port %d: %s", bad[i], text(&st));
  }
}

static void test_text(void) {
  p4m_port_status st;
  char small[8];
  char buf[256];
  st.status = P4M_FREE; st.err = 0; st.step = "";
  CHECK(strcmp(p4m_port_status_text(&st, buf, sizeof(buf)), "free") == 0, "free text");
  st.status = P4M_IN_USE; st.err = EADDRINUSE; st.step = "bind 127.0.0.1";
  CHECK(strcmp(p4m_port_status_text(&st, buf, sizeof(buf)),
               "in use (bind 127.0.0.1: Address already in use)") == 0,
        "in-use text: %s", buf);
  st.status = P4M_DENIED; st.err = EACCES; st.step = "bind 0.0.0.0";
  CHECK(strcmp(p4m_port_status_text(&st, buf, sizeof(buf)),
               "permission denied (bind 0.0.0.0: Permission denied)") == 0,
        "denied text: %s", buf);
  CHECK(strcmp(p4m_port_status_text(&st, small, sizeof(small)), "permiss") == 0,
        "truncated text: %s", small);
  CHECK(strcmp(p4m_port_status_text(&st, buf, 0), "") == 0, "n = 0");
  CHECK(strcmp(p4m_port_status_text(&st, NULL, 10), "") == 0, "buf NULL");
  st.status = 42; st.err = 0; st.step = NULL;
  p4m_port_status_text(&st, buf, sizeof(buf));
  CHECK(strncmp(buf, "unknown status", 14) == 0, "bogus status: %s", buf);
  CHECK(strcmp(buf, "unknown status (?: Success)") == 0,
        "no step: '?': %s", buf);
  st.status = P4M_FAILED; st.err = EMFILE; st.step = "";
  CHECK(strcmp(p4m_port_status_text(&st, buf, sizeof(buf)),
               "failed (?: Too many open files)") == 0, "empty step: %s", buf);
#if defined(__GLIBC__)
  /* an errno the C library has no text for (glibc's strerror_r() fails
     with EINVAL): its number */
  st.status = P4M_FAILED; st.err = 123456; st.step = "bind [::]";
  CHECK(strcmp(p4m_port_status_text(&st, buf, sizeof(buf)),
               "failed (bind [::]: error 123456)") == 0,
        "unknown errno: %s", buf);
#endif
  buf[0] = 'x';
  CHECK(strcmp(p4m_port_status_text(NULL, buf, sizeof(buf)), "unknown") == 0 &&
        strcmp(buf, "unknown") == 0, "no status: %s", buf);
}

static void test_fds_and_speed(void) {
  p4m_port_status st;
  int i, before, after, port, fd;
  double t0, t1;
  port = find_free_port();
  before = count_fds();
  t0 = now();
  for (i = 0; i < 10000; i++) p4m_port_test(port, &st);
  t1 = now();
  after = count_fds();
  CHECK(st.status == P4M_FREE, "loop port %d: %s", port, text(&st));
  CHECK(before == after && before > 0, "fds free loop: %d -> %d", before, after);
  printf("  10000 x p4m_port_test(%d) [free]: %.3f s, %.1f us/call; fds %d -> %d\n",
         port, t1 - t0, (t1 - t0) * 1e6 / 10000, before, after);

  /* failure paths: in use at each of the four addresses */
  {
    static const char *addrs[] = { "0.0.0.0", "127.0.0.1", "::", "::1" };
    int k;
    for (k = 0; k < 4; k++) {
      port = find_free_port();
      fd = holder(addrs[k], port, 1, 0, 1);
      if (fd < 0) { CHECK(0, "holder"); continue; }
      before = count_fds();
      t0 = now();
      for (i = 0; i < 10000; i++) p4m_port_test(port, &st);
      t1 = now();
      after = count_fds();
      CHECK(st.status == P4M_IN_USE, "loop %s: %s", addrs[k], text(&st));
      CHECK(before == after, "fds in-use loop %s: %d -> %d", addrs[k], before, after);
      printf("  10000 x p4m_port_test(%d) [held on %s, %s]: %.1f us/call; fds %d -> %d\n",
             port, addrs[k], st.step, (t1 - t0) * 1e6 / 10000, before, after);
      close(fd);
    }
  }
  /* invalid-port path */
  before = count_fds();
  for (i = 0; i < 10000; i++) p4m_port_test(0, &st);
  after = count_fds();
  CHECK(before == after, "fds invalid loop: %d -> %d", before, after);
}

static int unprivileged_port_start(void) {
  int v = 1024;
  FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
  if (f != NULL) {
    if (fscanf(f, "%d", &v) != 1) v = 1024;
    fclose(f);
  }
  return v;
}

static void test_denied(void) {
  p4m_port_status st;
  int start = unprivileged_port_start();
  int before;
  if (geteuid() == 0) {
    printf("  running as root: skipping the EACCES check\n");
    return;
  }
  if (start <= 80) {
    printf("  ip_unprivileged_port_start=%d: skipping the EACCES check\n", start);
    return;
  }
  before = count_fds();
  p4m_port_test(80, &st);
  CHECK(st.status == P4M_DENIED && st.err == EACCES, "port 80 as uid %d: %s",
        (int) geteuid(), text(&st));
  CHECK(count_fds() == before, "fds after denied");
  printf("  port 80 as uid %d: %s\n", (int) geteuid(), text(&st));
  p4m_port_test(start - 1, &st);
  CHECK(st.status == P4M_DENIED, "port %d: %s", start - 1, text(&st));
}

/* A real EMFILE: the soft open-files limit lowered to the lowest free
   descriptor, so that the next socket() fails. */
static void test_real_emfile(void) {
  p4m_port_status st;
  struct rlimit old, low;
  int port = find_free_port();
  int lowest = dup(0);
  if (lowest < 0 || getrlimit(RLIMIT_NOFILE, &old) != 0) {
    CHECK(0, "dup/getrlimit");
    return;
  }
  close(lowest);
  low = old;
  low.rlim_cur = (rlim_t) lowest;
  if (setrlimit(RLIMIT_NOFILE, &low) != 0) { CHECK(0, "setrlimit"); return; }
  p4m_port_test(port, &st);
  CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0, "restore rlimit");
  CHECK(st.status == P4M_FAILED && st.err == EMFILE &&
        strcmp(st.step, "socket IPv4") == 0, "RLIMIT_NOFILE=%d: %s", lowest, text(&st));
  CHECK(strcmp(text(&st), "failed (socket IPv4: Too many open files)") == 0,
        "EMFILE text: %s", text(&st));
  printf("  RLIMIT_NOFILE lowered to %d: %s\n", lowest, text(&st));
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "after restoring the limit: %s", text(&st));
}

/* ---- with LD_PRELOAD=socket-shim.so ---------------------------------- */

static void shim_rules(const char *sock, const char *bind_, const char *listen_) {
  setenv("P4M_SHIM_SOCKET", sock, 1);
  setenv("P4M_SHIM_BIND", bind_, 1);
  setenv("P4M_SHIM_LISTEN", listen_, 1);
}

static void shim_expect(int port, const char *sock, const char *bind_,
                        const char *listen_, int status, int err,
                        const char *step) {
  p4m_port_status st;
  shim_rules(sock, bind_, listen_);
  p4m_port_test(port, &st);
  shim_rules("", "", "");
  CHECK(st.status == status && st.err == err && strcmp(st.step, step) == 0,
        "socket[%s] bind[%s] listen[%s]: got %s, want status %d err %d step '%s'",
        sock, bind_, listen_, text(&st), status, err, step);
  printf("  socket[%s] bind[%s] listen[%s]: %s\n", sock, bind_, listen_, text(&st));
}

static void test_shim(void) {
  int port, fd, before;
  char other[16];
  const char *pre = getenv("LD_PRELOAD");
  CHECK(pre != NULL && strstr(pre, "socket-shim") != NULL,
        "--shim needs LD_PRELOAD=.../socket-shim.so");
  unsetenv("P4M_SHIM_PORT");
  shim_rules("", "", "");
  port = find_free_port();
  before = count_fds();

  /* families skipped: not supported, or refused by policy */
  shim_expect(port, "inet6=EACCES", "", "", P4M_FREE, 0, "");
  shim_expect(port, "inet6=EPERM", "", "", P4M_FREE, 0, "");
  shim_expect(port, "inet6=EAFNOSUPPORT", "", "", P4M_FREE, 0, "");
  shim_expect(port, "inet6=EPROTONOSUPPORT", "", "", P4M_FREE, 0, "");
  shim_expect(port, "inet=EPERM", "", "", P4M_FREE, 0, "");
  fd = holder("::1", port, 1, 0, 1);        /* the skipped family's holder */
  CHECK(fd >= 0, "holder [::1]");
  shim_expect(port, "inet6=EACCES", "", "", P4M_FREE, 0, "");
  shim_expect(port, "", "", "", P4M_IN_USE, EADDRINUSE, "bind [::]");
  if (fd >= 0) close(fd);
  fd = holder("127.0.0.1", port, -1, 0, 1); /* the other family's holder */
  CHECK(fd >= 0, "holder 127.0.0.1");
  shim_expect(port, "inet6=EACCES", "", "", P4M_IN_USE, EADDRINUSE, "bind 0.0.0.0");
  if (fd >= 0) close(fd);

  /* no usable family */
  shim_expect(port, "any=EACCES", "", "", P4M_FAILED, EACCES, "socket IPv4 and IPv6");
  shim_expect(port, "inet=EAFNOSUPPORT,inet6=EPERM", "", "", P4M_FAILED,
              EAFNOSUPPORT, "socket IPv4 (IPv6 unusable too)");

  /* other socket() failures: the test cannot be made */
  shim_expect(port, "inet=EMFILE", "", "", P4M_FAILED, EMFILE, "socket IPv4");
  shim_expect(port, "inet6=ENFILE", "", "", P4M_FAILED, ENFILE, "socket IPv6");
  shim_expect(port, "inet=ENOBUFS", "", "", P4M_FAILED, ENOBUFS, "socket IPv4");
  shim_expect(port, "inet6=ENOMEM", "", "", P4M_FAILED, ENOMEM, "socket IPv6");

  /* bind(): a missing loopback address is skipped, a missing wildcard is not */
  shim_expect(port, "", "loopback=EADDRNOTAVAIL", "", P4M_FREE, 0, "");
  shim_expect(port, "", "::1=EADDRNOTAVAIL", "", P4M_FREE, 0, "");
  shim_expect(port, "", "0.0.0.0=EADDRNOTAVAIL", "", P4M_FAILED, EADDRNOTAVAIL,
              "bind 0.0.0.0");
  shim_expect(port, "", "::=EADDRNOTAVAIL", "", P4M_FAILED, EADDRNOTAVAIL,
              "bind [::]");
  shim_expect(port, "inet6=EACCES", "127.0.0.1=EADDRNOTAVAIL", "", P4M_FREE, 0, "");
  /* bind(): in use, denied, failed */
  shim_expect(port, "", "127.0.0.1=EADDRINUSE", "", P4M_IN_USE, EADDRINUSE,
              "bind 127.0.0.1");
  shim_expect(port, "", "::1=EPERM", "", P4M_DENIED, EPERM, "bind [::1]");
  shim_expect(port, "", "0.0.0.0=EACCES", "", P4M_DENIED, EACCES, "bind 0.0.0.0");
  shim_expect(port, "", "::=ENOMEM", "", P4M_FAILED, ENOMEM, "bind [::]");
  shim_expect(port, "", "127.0.0.1=ENOBUFS", "", P4M_FAILED, ENOBUFS, "bind 127.0.0.1");

  /* listen(): in use, or a failure (a refused listen() refuses every port) */
  shim_expect(port, "", "", "::1=EADDRINUSE", P4M_IN_USE, EADDRINUSE, "listen [::1]");
  shim_expect(port, "", "", "inet=ENOBUFS", P4M_FAILED, ENOBUFS, "listen 0.0.0.0");
  shim_expect(port, "", "", "127.0.0.1=EACCES", P4M_FAILED, EACCES, "listen 127.0.0.1");
  shim_expect(port, "", "", "inet6=EPERM", P4M_FAILED, EPERM, "listen [::]");

  /* P4M_SHIM_PORT limits bind()/listen() rules to one port */
  snprintf(other, sizeof(other), "%d", port + 1);
  setenv("P4M_SHIM_PORT", other, 1);
  shim_expect(port, "", "any=EADDRINUSE", "any=ENOBUFS", P4M_FREE, 0, "");
  unsetenv("P4M_SHIM_PORT");

  CHECK(count_fds() == before, "fds after shim cases: %d -> %d", before, count_fds());
}

#ifdef P4M_WRAP_SOCKET
static void test_fake_socket(void) {
  p4m_port_status st;
  int port = find_free_port();
  int before = count_fds();
  int fd;

  /* no IPv6 in the kernel: the family is skipped, IPv4 alone decides */
  fd = holder("::1", port, 1, 0, 1);
  fake_fail_family = AF_INET6; fake_errno = EAFNOSUPPORT;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "IPv6 unsupported, [::1] held: %s", text(&st));
  printf("  fake: no IPv6, port held on [::1] only: %s\n", text(&st));
  fake_fail_family = 0;
  if (fd >= 0) close(fd);
  fd = holder("127.0.0.1", port, -1, 0, 1);
  fake_fail_family = AF_INET6;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_IN_USE, "IPv6 unsupported, 127.0.0.1 held: %s", text(&st));
  fake_fail_family = 0;
  if (fd >= 0) close(fd);

  /* no IPv4 (odd, but handled the same way) */
  fake_fail_family = AF_INET; fake_errno = EAFNOSUPPORT;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "IPv4 unsupported: %s", text(&st));

  /* no family at all: nobody could start a server */
  fake_fail_family = -1; fake_errno = EAFNOSUPPORT;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FAILED && st.err == EAFNOSUPPORT &&
        strcmp(st.step, "socket IPv4 and IPv6") == 0, "no family: %s", text(&st));
  printf("  fake: no family at all: %s\n", text(&st));

  fake_fail_family = -1; fake_errno = EMFILE;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FAILED && st.err == EMFILE &&
        strcmp(st.step, "socket IPv4") == 0, "EMFILE: %s", text(&st));
  printf("  fake: EMFILE: %s\n", text(&st));

  /* refused by policy (seccomp, LSM): the family is skipped as well */
  fake_fail_family = 0;
  fd = holder("::1", port, 1, 0, 1);
  CHECK(fd >= 0, "holder [::1]");
  fake_fail_family = AF_INET6; fake_errno = EACCES;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "EACCES on IPv6 socket, [::1] held: %s", text(&st));
  fake_fail_family = AF_INET6; fake_errno = EPERM;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "EPERM on IPv6 socket, [::1] held: %s", text(&st));
  printf("  fake: EPERM on IPv6 socket, [::1] held: %s\n", text(&st));
  fake_fail_family = AF_INET6; fake_errno = EPROTONOSUPPORT;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "EPROTONOSUPPORT on IPv6 socket: %s", text(&st));
  fake_fail_family = 0;
  if (fd >= 0) close(fd);

  /* both refused: no usable family is a failure, never "not free" */
  fake_fail_family = -1; fake_errno = EACCES;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FAILED && st.err == EACCES &&
        strcmp(st.step, "socket IPv4 and IPv6") == 0, "EACCES both: %s", text(&st));

  /* resource shortages are failures of the test, for either family */
  {
    static const int errs[] = { EMFILE, ENFILE, ENOBUFS, ENOMEM };
    size_t k;
    for (k = 0; k < sizeof(errs) / sizeof(errs[0]); k++) {
      fake_fail_family = AF_INET6; fake_errno = errs[k];
      p4m_port_test(port, &st);
      CHECK(st.status == P4M_FAILED && st.err == errs[k] &&
            strcmp(st.step, "socket IPv6") == 0, "errno %d on IPv6 socket: %s",
            errs[k], text(&st));
    }
  }

  fake_fail_family = 0;
  CHECK(count_fds() == before, "fds after fake failures");

  /* setsockopt() failing: the test cannot be made (FAILED, naming the
     option and the address), and no socket is left open */
  fake_sockopt = SO_REUSEADDR; fake_sockopt_errno = ENOPROTOOPT;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FAILED && st.err == ENOPROTOOPT &&
        strcmp(st.step, "setsockopt SO_REUSEADDR 0.0.0.0") == 0,
        "SO_REUSEADDR refused: %s", text(&st));
  fake_sockopt = IPV6_V6ONLY; fake_sockopt_errno = ENOPROTOOPT;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FAILED && st.err == ENOPROTOOPT &&
        strcmp(st.step, "setsockopt IPV6_V6ONLY [::]") == 0,
        "IPV6_V6ONLY refused: %s", text(&st));
  fake_sockopt = -1;
  CHECK(count_fds() == before, "fds after setsockopt failures");

  /* SOCK_CLOEXEC refused, by a kernel older than the header (EINVAL) or
     by a system that rejects the flag (EPROTONOSUPPORT): fallback to
     socket() + fcntl(); any other errno is the socket's failure */
#ifdef SOCK_CLOEXEC
  {
    static const int no_flag[] = {EINVAL, EPROTONOSUPPORT};
    int k;
    for (k = 0; k < 2; k++) {
      fake_no_cloexec = no_flag[k];
      calls_plain = 0;
      binds_inheritable = 0;
      fcntl_elsewhere = 0;
      p4m_port_test(port, &st);
      CHECK(st.status == P4M_FREE, "no SOCK_CLOEXEC (%s): %s",
            strerror(no_flag[k]), text(&st));
      CHECK(calls_plain == 4, "fallback socket() calls (%s): %d",
            strerror(no_flag[k]), calls_plain);
      CHECK(binds_inheritable == 0, "no SOCK_CLOEXEC (%s): FD_CLOEXEC set by "
            "fcntl() (%d inheritable sockets)", strerror(no_flag[k]),
            binds_inheritable);
      CHECK(fcntl_elsewhere == 0, "no SOCK_CLOEXEC (%s): %d fcntl() calls on "
            "another descriptor than the socket", strerror(no_flag[k]),
            fcntl_elsewhere);
      printf("  fake: no SOCK_CLOEXEC (%s): fallback used (%d plain socket() "
             "calls)\n", strerror(no_flag[k]), calls_plain);
      fd = holder("::1", port, 1, 0, 1);
      p4m_port_test(port, &st);
      CHECK(st.status == P4M_IN_USE, "no SOCK_CLOEXEC (%s), held: %s",
            strerror(no_flag[k]), text(&st));
      if (fd >= 0) close(fd);
    }
    fake_no_cloexec = EMFILE;
    calls_plain = 0;
    p4m_port_test(port, &st);
    CHECK(st.status == P4M_FAILED && st.err == EMFILE && calls_plain == 0 &&
          strcmp(st.step, "socket IPv4") == 0,
          "SOCK_CLOEXEC socket() failing with EMFILE: no retry: %s (%d plain "
          "socket() calls)", text(&st), calls_plain);
    fake_no_cloexec = 0;
  }
  CHECK(count_fds() == before, "fds after SOCK_CLOEXEC fallback");
#endif
  CHECK(binds_bad_len == 0, "%d binds with an address length that is not "
        "the family's", binds_bad_len);
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "after fakes: %s", text(&st));
}
#endif

int main(int argc, char **argv) {
  int lo_down = argc > 1 && strcmp(argv[1], "--lo-down") == 0;
  int shim = argc > 1 && strcmp(argv[1], "--shim") == 0;
  CHECK(p4m_net_init() == 0, "p4m_net_init");

  if (shim) {
    printf("socket-shim.so fault injection:\n");
    test_shim();
  } else if (lo_down) {
    p4m_port_status st;
    int before = count_fds();
    int i;
    printf("loopback unavailable:\n");
    for (i = 0; i < 3; i++) {
      int port = 30000 + 7 * i;
      p4m_port_test(port, &st);
      CHECK(st.status == P4M_FREE, "port %d with lo down: %s", port, text(&st));
      printf("  port %d: %s\n", port, text(&st));
    }
    CHECK(count_fds() == before, "fds");
  } else {
    printf("text:\n");        test_text();
    printf("invalid ports:\n"); test_invalid();
    printf("held ports:\n");
    test_held("127.0.0.1", -1, 0, 1);
    test_held("0.0.0.0",   -1, 0, 1);
    test_held("::1",        1, 0, 1);
    test_held("::",         0, 0, 1);   /* dual stack */
    test_held("::",         1, 0, 1);   /* IPv6 only */
    test_held("127.0.0.1", -1, 1, 1);   /* holder with SO_REUSEADDR */
    test_held("0.0.0.0",   -1, 1, 1);
    test_held("::1",        1, 1, 1);
    test_held("::",         0, 1, 1);
    test_held("127.0.0.1", -1, 0, 0);   /* bound, not listening */
    test_held("::1",        1, 0, 0);
    test_reuse_not_listening();
    printf("TIME_WAIT:\n");   test_time_wait();
    printf("fd leaks and speed:\n"); test_fds_and_speed();
    printf("permission:\n");  test_denied();
    printf("out of descriptors:\n"); test_real_emfile();
#ifdef P4M_WRAP_SOCKET
    printf("fake socket() failures:\n"); test_fake_socket();
#endif
  }

  p4m_net_cleanup();
  return ctest_done("test_freeport");
}
