/*
 * freeport.c - is a TCP port free for the current user?  (SPEC section 5)
 *
 * Plain C99 + POSIX sockets (Winsock 2 under _WIN32).  No R headers, no
 * dynamic allocation, no static mutable state except the Windows
 * WSAStartup() flag, so p4m_port_test() is reentrant.
 *
 * For each address family the kernel supports (IPv4, then IPv6), and for the
 * wildcard address and then the loopback address of that family: open a TCP
 * socket, set SO_REUSEADDR (IPv6: also IPV6_V6ONLY=1), bind(), listen(), and
 * close it again before the next one.  The first failure decides:
 *   EADDRINUSE     -> P4M_IN_USE
 *   EACCES, EPERM  -> P4M_DENIED
 *   anything else  -> P4M_FAILED
 * "The kernel lacks it" is not "the port is busy", so these are skipped:
 *   - a family whose socket() fails with EAFNOSUPPORT (no IPv6 in the kernel);
 *   - a loopback address whose bind() fails with EADDRNOTAVAIL (::1 is not
 *     configured when IPv6 is disabled on lo; 127.0.0.1 is missing when lo is
 *     down, e.g. in a fresh network namespace).  The wildcard address never
 *     gives EADDRNOTAVAIL.
 * If every address was skipped (no usable family at all) the result is
 * P4M_FAILED with the last skip reason: nobody could start a server then.
 *
 * Windows: SO_REUSEADDR there lets a socket bind a port another socket is
 * actively using (port stealing), which would report busy ports as free.  The
 * Windows equivalent of the POSIX semantics (ignore TIME_WAIT, conflict with
 * any live binding) is the default behaviour, so no option is set there.
 */

/* Feature-test macros: only where they widen (glibc, musl, Solaris, ...).  On
   macOS and the BSDs, defining _POSIX_C_SOURCE would *hide* non-POSIX names
   that the socket headers use (e.g. IPV6_V6ONLY on some versions), and
   everything needed is visible by default there. */
#if !defined(_WIN32) && !defined(__APPLE__) && !defined(__FreeBSD__) && \
    !defined(__NetBSD__) && !defined(__OpenBSD__) && !defined(__DragonFly__)
# ifndef _POSIX_C_SOURCE
#  define _POSIX_C_SOURCE 200809L
# endif
# ifndef _DEFAULT_SOURCE
#  define _DEFAULT_SOURCE 1    /* glibc: SOCK_CLOEXEC on old versions */
# endif
#endif

#include "freeport.h"

#include <stdio.h>
#include <string.h>

#ifdef _WIN32
# ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN
# endif
# include <winsock2.h>
# include <ws2tcpip.h>
# ifndef WSA_FLAG_NO_HANDLE_INHERIT
#  define WSA_FLAG_NO_HANDLE_INHERIT 0x80
# endif
typedef SOCKET p4m_sock;
# define P4M_BAD_SOCK        INVALID_SOCKET
# define P4M_CLOSE(s)        closesocket(s)
# define P4M_LAST_ERROR()    ((int) WSAGetLastError())
# define P4M_OK(rc)          ((rc) != SOCKET_ERROR)
# define P4M_EADDRINUSE      WSAEADDRINUSE
# define P4M_EACCES          WSAEACCES
# define P4M_EAFNOSUPPORT    WSAEAFNOSUPPORT
# define P4M_EADDRNOTAVAIL   WSAEADDRNOTAVAIL
# define P4M_EINVAL          WSAEINVAL
#else
# include <errno.h>
# include <fcntl.h>
# include <unistd.h>
# include <sys/types.h>
# include <sys/socket.h>
# include <netinet/in.h>
# include <arpa/inet.h>
typedef int p4m_sock;
# define P4M_BAD_SOCK        (-1)
# define P4M_CLOSE(s)        close(s)
# define P4M_LAST_ERROR()    errno
# define P4M_OK(rc)          ((rc) == 0)
# define P4M_EADDRINUSE      EADDRINUSE
# define P4M_EACCES          EACCES
# define P4M_EAFNOSUPPORT    EAFNOSUPPORT
# define P4M_EADDRNOTAVAIL   EADDRNOTAVAIL
# define P4M_EINVAL          EINVAL
#endif

/* ------------------------------------------------------------------ */
/* Windows socket library start-up                                     */

#ifdef _WIN32
static int p4m_wsa_started = 0;   /* the only mutable static */
#endif

int p4m_net_init(void) {
#ifdef _WIN32
  if (!p4m_wsa_started) {
    WSADATA wsa;
    int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (rc != 0) return rc;
    p4m_wsa_started = 1;
  }
#endif
  return 0;
}

void p4m_net_cleanup(void) {
#ifdef _WIN32
  if (p4m_wsa_started) {
    WSACleanup();
    p4m_wsa_started = 0;
  }
#endif
}

/* ------------------------------------------------------------------ */
/* The four addresses, in test order, with static step names           */

typedef struct {
  int family;            /* AF_INET or AF_INET6 */
  int loopback;          /* 0 = wildcard, 1 = loopback */
  const char *s_socket;
  const char *s_reuse;
  const char *s_v6only;
  const char *s_bind;
  const char *s_listen;
} p4m_target;

static const p4m_target p4m_targets[] = {
  { AF_INET,  0, "socket IPv4", "setsockopt SO_REUSEADDR 0.0.0.0", "",
    "bind 0.0.0.0", "listen 0.0.0.0" },
  { AF_INET,  1, "socket IPv4", "setsockopt SO_REUSEADDR 127.0.0.1", "",
    "bind 127.0.0.1", "listen 127.0.0.1" },
  { AF_INET6, 0, "socket IPv6", "setsockopt SO_REUSEADDR [::]",
    "setsockopt IPV6_V6ONLY [::]", "bind [::]", "listen [::]" },
  { AF_INET6, 1, "socket IPv6", "setsockopt SO_REUSEADDR [::1]",
    "setsockopt IPV6_V6ONLY [::1]", "bind [::1]", "listen [::1]" }
};
#define P4M_NTARGETS ((int) (sizeof(p4m_targets) / sizeof(p4m_targets[0])))

enum { P4M_T_OK = 0, P4M_T_FAIL = 1, P4M_T_SKIP_FAMILY = 2, P4M_T_SKIP_ADDR = 3 };

static int p4m_classify(int e) {
  if (e == P4M_EADDRINUSE) return P4M_IN_USE;
  if (e == P4M_EACCES) return P4M_DENIED;
#ifndef _WIN32
  if (e == EPERM) return P4M_DENIED;   /* e.g. seccomp / LSM refusals */
#endif
  return P4M_FAILED;
}

static void p4m_set(p4m_port_status *st, int status, int err, const char *step) {
  st->status = status;
  st->err = err;
  st->step = step;
}

/* A TCP socket that is not inherited by child processes.  On failure returns
   P4M_BAD_SOCK with *err set. */
static p4m_sock p4m_open_socket(int family, int *err) {
  p4m_sock s;
#ifdef _WIN32
  s = WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                 WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
    /* before Windows 7 SP1: flag unknown */
    s = WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, 0);
  }
  if (s == INVALID_SOCKET) *err = (int) WSAGetLastError();
#else
# ifdef SOCK_CLOEXEC
  s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  if (s != -1) return s;
  if (errno != EINVAL && errno != EPROTONOSUPPORT) {
    *err = errno;
    return P4M_BAD_SOCK;
  }
  /* kernel older than the header: fall through */
# endif
  s = socket(family, SOCK_STREAM, IPPROTO_TCP);
  if (s == -1) {
    *err = errno;
    return P4M_BAD_SOCK;
  }
  {
    /* Best effort: the socket lives for microseconds, and failure here says
       nothing about the port. */
    int fl = fcntl(s, F_GETFD);
    if (fl != -1) (void) fcntl(s, F_SETFD, fl | FD_CLOEXEC);
  }
#endif
  return s;
}

/* Close s, keeping the error code of the call that failed before. */
static void p4m_close_keep_error(p4m_sock s) {
#ifdef _WIN32
  int e = WSAGetLastError();
  (void) closesocket(s);
  WSASetLastError(e);
#else
  int e = errno;
  (void) close(s);
  errno = e;
#endif
}

/* Try one address.  On P4M_T_FAIL, st is filled; on a skip, *skip_err and
   *skip_step say why. */
static int p4m_try(const p4m_target *t, int port, p4m_port_status *st,
                   int *skip_err, const char **skip_step) {
  union {
    struct sockaddr sa;
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
  } addr;
  int addrlen;
  int one = 1;
  int e = 0;
  p4m_sock s;

  s = p4m_open_socket(t->family, &e);
  if (s == P4M_BAD_SOCK) {
    if (e == P4M_EAFNOSUPPORT) {
      *skip_err = e;
      *skip_step = t->s_socket;
      return P4M_T_SKIP_FAMILY;
    }
    p4m_set(st, p4m_classify(e), e, t->s_socket);
    return P4M_T_FAIL;
  }

#ifndef _WIN32
  if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (const char *) &one,
                 (socklen_t) sizeof(one)) != 0) {
    e = errno;
    (void) P4M_CLOSE(s);
    p4m_set(st, p4m_classify(e), e, t->s_reuse);
    return P4M_T_FAIL;
  }
#endif

  memset(&addr, 0, sizeof(addr));
  if (t->family == AF_INET6) {
#ifdef IPV6_V6ONLY
    if (!P4M_OK(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *) &one,
                           sizeof(one)))) {
      e = P4M_LAST_ERROR();
      p4m_close_keep_error(s);
      p4m_set(st, p4m_classify(e), e, t->s_v6only);
      return P4M_T_FAIL;
    }
#endif
    addr.v6.sin6_family = AF_INET6;
    addr.v6.sin6_port = htons((unsigned short) port);
    /* in6addr_any is all zeros already; ::1 is 15 zero bytes and a 1 */
    if (t->loopback) addr.v6.sin6_addr.s6_addr[15] = 1;
    addrlen = (int) sizeof(addr.v6);
  } else {
    addr.v4.sin_family = AF_INET;
    addr.v4.sin_port = htons((unsigned short) port);
    addr.v4.sin_addr.s_addr = htonl(t->loopback ? INADDR_LOOPBACK : INADDR_ANY);
    addrlen = (int) sizeof(addr.v4);
  }

#ifdef _WIN32
  if (bind(s, &addr.sa, addrlen) == SOCKET_ERROR) {
#else
  if (bind(s, &addr.sa, (socklen_t) addrlen) != 0) {
#endif
    e = P4M_LAST_ERROR();
    p4m_close_keep_error(s);
    if (e == P4M_EADDRNOTAVAIL && t->loopback) {
      *skip_err = e;
      *skip_step = t->s_bind;
      return P4M_T_SKIP_ADDR;
    }
    p4m_set(st, p4m_classify(e), e, t->s_bind);
    return P4M_T_FAIL;
  }

  if (!P4M_OK(listen(s, 1))) {
    e = P4M_LAST_ERROR();
    p4m_close_keep_error(s);
    p4m_set(st, p4m_classify(e), e, t->s_listen);
    return P4M_T_FAIL;
  }

  (void) P4M_CLOSE(s);
  return P4M_T_OK;
}

int p4m_port_test(int port, p4m_port_status *st) {
  int i;
  int tested = 0;
  int skipped_family = 0;         /* AF_ value of a skipped family, or 0 */
  int skip_err = 0;
  const char *skip_step = "";

  if (port < 1 || port > 65535) {
    p4m_set(st, P4M_FAILED, P4M_EINVAL, "port");
    return st->status;
  }

#ifdef _WIN32
  {
    int rc = p4m_net_init();   /* lazily, in case the caller did not */
    if (rc != 0) {
      p4m_set(st, P4M_FAILED, rc, "WSAStartup");
      return st->status;
    }
  }
#endif

  for (i = 0; i < P4M_NTARGETS; i++) {
    const p4m_target *t = &p4m_targets[i];
    int rc;
    if (skipped_family == t->family) continue;
    rc = p4m_try(t, port, st, &skip_err, &skip_step);
    switch (rc) {
    case P4M_T_OK:
      tested++;
      break;
    case P4M_T_SKIP_FAMILY:
      skipped_family = t->family;
      break;
    case P4M_T_SKIP_ADDR:
      break;
    default:  /* P4M_T_FAIL: st already filled */
      return st->status;
    }
  }

  if (tested == 0) {
    /* No address family usable at all: no server could be started. */
    p4m_set(st, P4M_FAILED, skip_err, skip_step);
    return st->status;
  }

  p4m_set(st, P4M_FREE, 0, "");
  return st->status;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static const char *p4m_err_text(int e, char *buf, size_t n) {
#ifdef _WIN32
  const char *msg;
  switch (e) {
  case WSAEADDRINUSE:      msg = "Address already in use"; break;
  case WSAEACCES:          msg = "Permission denied"; break;
  case WSAEADDRNOTAVAIL:   msg = "Cannot assign requested address"; break;
  case WSAEAFNOSUPPORT:    msg = "Address family not supported"; break;
  case WSAEINVAL:          msg = "Invalid argument"; break;
  case WSAEMFILE:          msg = "Too many open sockets"; break;
  case WSAENOBUFS:         msg = "No buffer space available"; break;
  case WSANOTINITIALISED:  msg = "Winsock not initialised"; break;
  case WSAENETDOWN:        msg = "Network is down"; break;
  default:                 msg = "Winsock error"; break;
  }
  (void) snprintf(buf, n, "%s, WSA error %d", msg, e);
  return buf;
#else
# if defined(__GLIBC__) && defined(_GNU_SOURCE)
  /* GNU strerror_r returns a string that may or may not be buf */
  return strerror_r(e, buf, n);
# else
  if (strerror_r(e, buf, n) != 0) (void) snprintf(buf, n, "error %d", e);
  return buf;
# endif
#endif
}

const char *p4m_port_status_text(const p4m_port_status *st, char *buf, size_t n) {
  char ebuf[128];
  const char *what;

  if (buf == NULL || n == 0) return "";
  if (st == NULL) {
    (void) snprintf(buf, n, "unknown");
    return buf;
  }
  switch (st->status) {
  case P4M_FREE:   what = "free"; break;
  case P4M_IN_USE: what = "in use"; break;
  case P4M_DENIED: what = "permission denied"; break;
  case P4M_FAILED: what = "failed"; break;
  default:         what = "unknown status"; break;
  }
  if (st->status == P4M_FREE) {
    (void) snprintf(buf, n, "%s", what);
  } else {
    ebuf[0] = '\0';
    (void) snprintf(buf, n, "%s (%s: %s)", what,
                    (st->step != NULL && st->step[0] != '\0') ? st->step : "?",
                    p4m_err_text(st->err, ebuf, sizeof(ebuf)));
  }
  return buf;
}
