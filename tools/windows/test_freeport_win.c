/*
 * Windows test of src/freeport.c (Winsock 2), cross-compiled with MinGW-w64
 * and run under Wine by tools/windows/run.sh:
 *
 *   x86_64-w64-mingw32-gcc -std=c99 -Wall -Wextra -pedantic -Werror \
 *     -I../../src test_freeport_win.c -lws2_32 -o test_freeport_win.exe &&
 *   wine64 test_freeport_win.exe
 *
 * (src/freeport.c is #included, with its Winsock calls routed through
 * fault-injecting fakes.)
 *
 * What it shows: WSAStartup and the Winsock calls of freeport.c work; a
 * free port is free; a port held by this program's own Winsock listener on
 * 0.0.0.0, 127.0.0.1, [::] or [::1] (with and without SO_REUSEADDR on the
 * holder, and a dual-stack [::]) is in use with WSAEADDRINUSE; an invalid
 * port fails with WSAEINVAL; texts carry the WSA code; no socket handle is
 * leaked; faked Winsock failures are classified as on POSIX (a family that
 * is unsupported or refused is skipped, a missing loopback address is
 * skipped, WSAEMFILE/WSAENOBUFS are failures, WSAEACCES from bind() is
 * "denied"); SO_EXCLUSIVEADDRUSE is set on every socket, SO_REUSEADDR never.  Wine runs Winsock on Linux sockets, so the bind rules seen here
 * are Linux's; Windows' own rules are written down in freeport.c.
 *
 * Last line: "N passed, N failed"; exit status 0 only if nothing failed.
 */
#ifndef WIN32_LEAN_AND_MEAN
# define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <stdio.h>
#include <string.h>

/* ---- fault injection ----------------------------------------------------
   freeport.c is compiled into this program with its Winsock calls renamed
   to the fakes below, which fail on demand and otherwise call the real
   functions.  (The DLL imports cannot be wrapped at link time.) */
static int fake_socket_family = 0;   /* AF_INET, AF_INET6, -1 = both, 0 = off */
static int fake_socket_err = 0;
static int fake_no_inherit_flag = 0; /* WSAEINVAL for WSA_FLAG_NO_HANDLE_INHERIT */
static int fake_bind_loopback = 0;   /* 1: bind() of 127.0.0.1 and ::1 fails */
static int fake_bind_wildcard = 0;   /* 1: bind() of 0.0.0.0 and :: fails */
static int fake_bind_err = 0;
static int fake_listen_err = 0;
static int n_socket_calls = 0, n_flagless_calls = 0;
static int n_opt_exclusive = 0, n_opt_reuse = 0;

static SOCKET WSAAPI fake_WSASocketW(int af, int type, int protocol,
                                     LPWSAPROTOCOL_INFOW info, GROUP g,
                                     DWORD flags) {
  n_socket_calls++;
  if (!(flags & 0x80)) n_flagless_calls++;
  if (fake_no_inherit_flag && (flags & 0x80)) {
    WSASetLastError(WSAEINVAL);
    return INVALID_SOCKET;
  }
  if (fake_socket_family == -1 || fake_socket_family == af) {
    WSASetLastError(fake_socket_err);
    return INVALID_SOCKET;
  }
  return WSASocketW(af, type, protocol, info, g, flags);
}

static int is_loopback(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET)
    return ((const struct sockaddr_in *) (const void *) sa)->sin_addr.s_addr ==
           htonl(INADDR_LOOPBACK);
  return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr);
}

static int WSAAPI fake_bind(SOCKET s, const struct sockaddr *sa, int len) {
  int loop = is_loopback(sa);
  if ((loop && fake_bind_loopback) || (!loop && fake_bind_wildcard)) {
    WSASetLastError(fake_bind_err);
    return SOCKET_ERROR;
  }
  return bind(s, sa, len);
}

static int WSAAPI fake_listen(SOCKET s, int backlog) {
  if (fake_listen_err != 0) {
    WSASetLastError(fake_listen_err);
    return SOCKET_ERROR;
  }
  return listen(s, backlog);
}

static int WSAAPI fake_setsockopt(SOCKET s, int level, int name,
                                  const char *val, int len) {
  if (level == SOL_SOCKET && name == SO_EXCLUSIVEADDRUSE) n_opt_exclusive++;
  if (level == SOL_SOCKET && name == SO_REUSEADDR) n_opt_reuse++;
  return setsockopt(s, level, name, val, len);
}

#define WSASocketW fake_WSASocketW
#define bind       fake_bind
#define listen     fake_listen
#define setsockopt fake_setsockopt
#include "freeport.c"
#undef WSASocketW
#undef bind
#undef listen
#undef setsockopt

static int n_pass = 0, n_fail = 0;

#define CHECK(cond, ...) do {                                   \
    if (cond) { n_pass++; }                                     \
    else { n_fail++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
           printf(__VA_ARGS__); printf("\n"); }                 \
  } while (0)

static const char *text(const p4m_port_status *st) {
  static char buf[256];
  return p4m_port_status_text(st, buf, sizeof(buf));
}

/* A port that p4m_port_test says is free, from a start that depends on the
   process id (several runs at once do not collide). */
static int find_free_port(void) {
  static unsigned next = 0;
  p4m_port_status st;
  int i;
  if (next == 0) next = (unsigned) GetCurrentProcessId() % 12768u + 1u;
  for (i = 0; i < 1000; i++) {
    int port = (int) (next++ % 12768u) + 20000;
    if (p4m_port_test(port, &st) == P4M_FREE) return port;
  }
  return -1;
}

/* A Winsock listener on addr:port.  v6only: -1 leave the default, else set
   IPV6_V6ONLY; reuse: set SO_REUSEADDR first.  INVALID_SOCKET on failure. */
static SOCKET holder(const char *addr, int port, int v6only, int reuse) {
  union { struct sockaddr sa; struct sockaddr_in v4; struct sockaddr_in6 v6; } a;
  int len;
  int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
  SOCKET s = socket(fam, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) {
    printf("holder socket: WSA error %d\n", WSAGetLastError());
    return s;
  }
  memset(&a, 0, sizeof(a));
  if (fam == AF_INET6) {
    a.v6.sin6_family = AF_INET6;
    a.v6.sin6_port = htons((unsigned short) port);
    if (inet_pton(AF_INET6, addr, &a.v6.sin6_addr) != 1) goto fail;
    len = (int) sizeof(a.v6);
    if (v6only >= 0 &&
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *) &v6only,
                   (int) sizeof(v6only)) == SOCKET_ERROR) goto fail;
  } else {
    a.v4.sin_family = AF_INET;
    a.v4.sin_port = htons((unsigned short) port);
    if (inet_pton(AF_INET, addr, &a.v4.sin_addr) != 1) goto fail;
    len = (int) sizeof(a.v4);
  }
  if (reuse) {
    int one = 1;
    if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (const char *) &one,
                   (int) sizeof(one)) == SOCKET_ERROR) goto fail;
  }
  if (bind(s, &a.sa, len) == SOCKET_ERROR) goto fail;
  if (listen(s, 5) == SOCKET_ERROR) goto fail;
  return s;
fail:
  printf("holder %s:%d: WSA error %d\n", addr, port, WSAGetLastError());
  closesocket(s);
  return INVALID_SOCKET;
}

static void test_free(void) {
  p4m_port_status st;
  int port = find_free_port();
  CHECK(port > 0, "no free port among 12768");
  if (port <= 0) return;
  CHECK(p4m_port_test(port, &st) == P4M_FREE, "port %d: %s", port, text(&st));
  CHECK(st.err == 0 && strcmp(st.step, "") == 0, "free fields: %d '%s'",
        st.err, st.step);
  CHECK(strcmp(text(&st), "free") == 0, "free text: %s", text(&st));
  printf("  port %d: %s\n", port, text(&st));
}

static void test_held(const char *addr, int v6only, int reuse) {
  p4m_port_status st;
  char want[64];
  int port = -1, attempt;
  SOCKET s = INVALID_SOCKET;
  for (attempt = 0; attempt < 5 && s == INVALID_SOCKET; attempt++) {
    port = find_free_port();
    if (port > 0) s = holder(addr, port, v6only, reuse);
  }
  CHECK(s != INVALID_SOCKET, "could not hold %s", addr);
  if (s == INVALID_SOCKET) return;
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_IN_USE, "%s:%d held (v6only=%d reuse=%d): %s", addr,
        port, v6only, reuse, text(&st));
  CHECK(st.err == WSAEADDRINUSE, "held %s: err %d", addr, st.err);
  snprintf(want, sizeof(want), "WSA error %d)", WSAEADDRINUSE);
  CHECK(strstr(text(&st), want) != NULL, "text has the WSA code: %s", text(&st));
  printf("  held on %-9s v6only=%2d reuse=%d port %5d: %s\n", addr, v6only,
         reuse, port, text(&st));
  closesocket(s);
  p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "%s:%d after closesocket: %s", addr, port,
        text(&st));
}

static void test_invalid(void) {
  static const int bad[] = { 0, -1, 65536, 100000 };
  size_t i;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    p4m_port_status st;
    int rc = p4m_port_test(bad[i], &st);
    CHECK(rc == P4M_FAILED && st.err == WSAEINVAL && strcmp(st.step, "port") == 0,
          "port %d: %s", bad[i], text(&st));
  }
  {
    p4m_port_status st;
    p4m_port_test(0, &st);
    CHECK(strcmp(text(&st), "failed (port: Invalid argument, WSA error 10022)") == 0,
          "invalid text: %s", text(&st));
    printf("  port 0: %s\n", text(&st));
  }
}

static void test_texts(void) {
  static const struct { int status; int err; const char *step; const char *want; } c[] = {
    { P4M_IN_USE, WSAEADDRINUSE, "bind 127.0.0.1",
      "in use (bind 127.0.0.1: Address already in use, WSA error 10048)" },
    { P4M_DENIED, WSAEACCES, "bind 0.0.0.0",
      "permission denied (bind 0.0.0.0: Permission denied, WSA error 10013)" },
    { P4M_FAILED, WSAEMFILE, "socket IPv4",
      "failed (socket IPv4: Too many open sockets, WSA error 10024)" },
    { P4M_FAILED, WSAENOBUFS, "listen [::1]",
      "failed (listen [::1]: No buffer space available, WSA error 10055)" },
    { P4M_FAILED, WSAEAFNOSUPPORT, "socket IPv4 and IPv6",
      "failed (socket IPv4 and IPv6: Address family not supported, WSA error 10047)" },
    { P4M_FAILED, 12345, "bind [::]",
      "failed (bind [::]: Winsock error, WSA error 12345)" }
  };
  size_t i;
  char buf[256];
  for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
    p4m_port_status st;
    st.status = c[i].status; st.err = c[i].err; st.step = c[i].step;
    p4m_port_status_text(&st, buf, sizeof(buf));
    CHECK(strcmp(buf, c[i].want) == 0, "text: got '%s', want '%s'", buf, c[i].want);
  }
  printf("  e.g. %s\n", c[2].want);
}

/* A fresh TCP socket handle, closed again at once (its value only). */
static SOCKET probe_handle(void) {
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s != INVALID_SOCKET) closesocket(s);
  return s;
}

/* No handle leaks.  Windows: the process's handle count is the same after
   many tests, free and in use.  Wine reports no handle count (0), so there
   the check is that a socket opened afterwards gets the same handle value
   as one opened before: freed handles are reused, leaked ones are not. */
static void test_handles(void) {
  p4m_port_status st;
  DWORD before = 0, after = 0;
  SOCKET h_before, h_after, s;
  int i, port = find_free_port();
  (void) GetProcessHandleCount(GetCurrentProcess(), &before);
  h_before = probe_handle();
  for (i = 0; i < 2000; i++) p4m_port_test(port, &st);
  CHECK(st.status == P4M_FREE, "loop: %s", text(&st));
  s = holder("::1", port, 1, 0);
  CHECK(s != INVALID_SOCKET, "holder [::1]");
  for (i = 0; i < 2000; i++) p4m_port_test(port, &st);
  CHECK(st.status == P4M_IN_USE, "loop held: %s", text(&st));
  if (s != INVALID_SOCKET) closesocket(s);
  for (i = 0; i < 2000; i++) p4m_port_test(0, &st);   /* invalid port path */
  (void) GetProcessHandleCount(GetCurrentProcess(), &after);
  h_after = probe_handle();
  CHECK(h_before != INVALID_SOCKET && h_after == h_before,
        "socket handle before %llu, after %llu", (unsigned long long) h_before,
        (unsigned long long) h_after);
  if (before != 0)
    CHECK(before == after, "handles %lu -> %lu", (unsigned long) before,
          (unsigned long) after);
  printf("  6000 tests: next socket handle %llu -> %llu; handle count %lu -> %lu%s\n",
         (unsigned long long) h_before, (unsigned long long) h_after,
         (unsigned long) before, (unsigned long) after,
         before == 0 ? " (not reported here)" : "");
}

static void reset_fakes(void) {
  fake_socket_family = 0; fake_socket_err = 0; fake_no_inherit_flag = 0;
  fake_bind_loopback = 0; fake_bind_wildcard = 0; fake_bind_err = 0;
  fake_listen_err = 0;
}

static void expect_status(int port, int status, int err, const char *step,
                          const char *what) {
  p4m_port_status st;
  p4m_port_test(port, &st);
  CHECK(st.status == status && st.err == err && strcmp(st.step, step) == 0,
        "%s: got %s (status %d, err %d, step '%s'), want status %d err %d step '%s'",
        what, text(&st), st.status, st.err, st.step, status, err, step);
  printf("  %-40s %s\n", what, text(&st));
}

static void test_faults(void) {
  int port = find_free_port();
  SOCKET s;
  reset_fakes();
  n_opt_exclusive = n_opt_reuse = 0;
  expect_status(port, P4M_FREE, 0, "", "no fault");
  CHECK(n_opt_exclusive == 4 && n_opt_reuse == 0,
        "options per test: SO_EXCLUSIVEADDRUSE %d (want 4), SO_REUSEADDR %d (want 0)",
        n_opt_exclusive, n_opt_reuse);

  /* families skipped: not supported, or refused */
  s = holder("::1", port, 1, 0);   /* the skipped family's holder */
  CHECK(s != INVALID_SOCKET, "holder [::1]");
  fake_socket_family = AF_INET6; fake_socket_err = WSAEAFNOSUPPORT;
  expect_status(port, P4M_FREE, 0, "", "IPv6 WSAEAFNOSUPPORT, [::1] held");
  fake_socket_err = WSAEPROTONOSUPPORT;
  expect_status(port, P4M_FREE, 0, "", "IPv6 WSAEPROTONOSUPPORT");
  fake_socket_err = WSAEPFNOSUPPORT;
  expect_status(port, P4M_FREE, 0, "", "IPv6 WSAEPFNOSUPPORT");
  fake_socket_err = WSAEACCES;
  expect_status(port, P4M_FREE, 0, "", "IPv6 WSAEACCES (policy)");
  reset_fakes();
  if (s != INVALID_SOCKET) closesocket(s);

  /* no family, or a failing socket(): the test cannot be made */
  fake_socket_family = -1; fake_socket_err = WSAEAFNOSUPPORT;
  expect_status(port, P4M_FAILED, WSAEAFNOSUPPORT, "socket IPv4 and IPv6",
                "no family");
  fake_socket_family = AF_INET; fake_socket_err = WSAEMFILE;
  expect_status(port, P4M_FAILED, WSAEMFILE, "socket IPv4", "IPv4 WSAEMFILE");
  fake_socket_family = AF_INET6; fake_socket_err = WSAENOBUFS;
  expect_status(port, P4M_FAILED, WSAENOBUFS, "socket IPv6", "IPv6 WSAENOBUFS");
  fake_socket_family = AF_INET; fake_socket_err = WSANOTINITIALISED;
  expect_status(port, P4M_FAILED, WSANOTINITIALISED, "socket IPv4",
                "IPv4 WSANOTINITIALISED");
  reset_fakes();

  /* bind(): missing loopback skipped; missing wildcard, WSAEACCES, ... */
  fake_bind_loopback = 1; fake_bind_err = WSAEADDRNOTAVAIL;
  expect_status(port, P4M_FREE, 0, "", "loopback WSAEADDRNOTAVAIL");
  reset_fakes();
  fake_bind_wildcard = 1; fake_bind_err = WSAEADDRNOTAVAIL;
  expect_status(port, P4M_FAILED, WSAEADDRNOTAVAIL, "bind 0.0.0.0",
                "wildcard WSAEADDRNOTAVAIL");
  fake_bind_err = WSAEACCES;   /* e.g. an excluded port range */
  expect_status(port, P4M_DENIED, WSAEACCES, "bind 0.0.0.0", "wildcard WSAEACCES");
  reset_fakes();
  fake_bind_loopback = 1; fake_bind_err = WSAENOBUFS;
  expect_status(port, P4M_FAILED, WSAENOBUFS, "bind 127.0.0.1", "loopback WSAENOBUFS");
  reset_fakes();

  /* listen() */
  fake_listen_err = WSAEADDRINUSE;
  expect_status(port, P4M_IN_USE, WSAEADDRINUSE, "listen 0.0.0.0", "listen WSAEADDRINUSE");
  fake_listen_err = WSAENOBUFS;
  expect_status(port, P4M_FAILED, WSAENOBUFS, "listen 0.0.0.0", "listen WSAENOBUFS");
  fake_listen_err = WSAEACCES;
  expect_status(port, P4M_FAILED, WSAEACCES, "listen 0.0.0.0", "listen WSAEACCES");
  reset_fakes();

  /* Windows before 7 SP1 rejects WSA_FLAG_NO_HANDLE_INHERIT: retried without */
  fake_no_inherit_flag = 1;
  n_socket_calls = n_flagless_calls = 0;
  expect_status(port, P4M_FREE, 0, "", "no WSA_FLAG_NO_HANDLE_INHERIT");
  CHECK(n_socket_calls == 8 && n_flagless_calls == 4,
        "socket calls %d (want 8), without the flag %d (want 4)",
        n_socket_calls, n_flagless_calls);
  reset_fakes();
  expect_status(port, P4M_FREE, 0, "", "after the faults");
}

int main(void) {
  CHECK(p4m_net_init() == 0, "p4m_net_init (WSAStartup)");
  printf("free:\n");          test_free();
  printf("held (in use):\n");
  test_held("0.0.0.0",   -1, 0);
  test_held("127.0.0.1", -1, 0);
  test_held("::",         1, 0);
  test_held("::1",        1, 0);
  test_held("::",         0, 0);   /* dual stack */
  test_held("0.0.0.0",   -1, 1);   /* holders that set SO_REUSEADDR */
  test_held("127.0.0.1", -1, 1);
  test_held("::",         1, 1);
  test_held("::1",        1, 1);
  printf("invalid ports:\n"); test_invalid();
  printf("texts:\n");         test_texts();
  printf("handles:\n");       test_handles();
  printf("faked Winsock failures:\n"); test_faults();
  p4m_net_cleanup();
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail == 0 ? 0 : 1;
}
