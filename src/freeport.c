/*
 * freeport.c - is a TCP port free for the current user?  (SPEC section 5)
 *
 * Plain C99 + POSIX sockets (Winsock 2 under _WIN32).  No R headers, no
 * dynamic allocation, no static mutable state except the Windows
 * WSAStartup() flag, so p4m_port_test() is reentrant.
 *
 * For each address family (IPv4, then IPv6), and for the wildcard address
 * and then the loopback address of that family: open a TCP socket, set the
 * options (below), bind(), listen(), and close it again before the next one.
 *
 * How each failure is classified (the same on every platform; Winsock's
 * WSAE* codes stand for the errno values of the same name):
 *
 *   socket()   EAFNOSUPPORT, EPROTONOSUPPORT (and WSAEPFNOSUPPORT): the
 *              family is not supported here -> the family is skipped.
 *              EACCES, EPERM: the family is refused by policy (a seccomp
 *              profile or an LSM that forbids IPv6 in a container or a
 *              sandbox) -> the family is skipped.
 *   bind()     EADDRNOTAVAIL on a loopback address: the address does not
 *              exist here (::1 when IPv6 is disabled on lo, 127.0.0.1 when lo
 *              is down in a fresh network namespace) -> the address is
 *              skipped.  On the wildcard address it is a failure (below):
 *              the wildcard address always exists.
 *   bind(), listen()
 *              EADDRINUSE -> P4M_IN_USE (listen() says so on Linux when
 *              another SO_REUSEADDR socket listens on the same address).
 *              EACCES, EPERM -> P4M_DENIED (a privileged port; an LSM; on
 *              Windows a port in a reserved "excluded port range" of
 *              Hyper-V/WSL/Docker gives WSAEACCES).
 *   anything else, at any step (EMFILE, ENFILE, ENOBUFS, ENOMEM, an
 *              unexpected setsockopt() failure, EADDRNOTAVAIL on a wildcard
 *              address, ...) -> P4M_FAILED with that step and error code:
 *              the test cannot be made, which says nothing about the port.
 *   no address tested at all (every family skipped) -> P4M_FAILED: no
 *              server could be started on any port.
 *
 * The caller (R) turns P4M_FAILED into an error; it must never be read as
 * "not free", or a search would run on through every port.
 *
 * Bind rules this depends on
 * --------------------------
 * Linux: SO_REUSEADDR only lets bind() ignore connections in TIME_WAIT (a
 *   server that has just stopped); it never lets two sockets bind the same
 *   address and port while one of them listens, and a wildcard bind
 *   conflicts with a bind of any specific address on the same port and vice
 *   versa.  A bound-but-not-listening SO_REUSEADDR socket does not stop a
 *   SO_REUSEADDR bind, but then listen() fails with EADDRINUSE if the other
 *   socket listens first: hence listen() is part of the test.  IPv6 sockets
 *   are dual-stack by default (net.ipv6.bindv6only=0): [::] would then also
 *   cover 0.0.0.0, and a [::] bind would fail on a port held on 127.0.0.1 only
 *   when that holder is IPv4 - IPV6_V6ONLY=1 keeps the two families apart, so
 *   that each is tested on its own.
 *
 * macOS and the BSDs (from their documentation, not run here):
 *   SO_REUSEADDR has the same TIME_WAIT meaning.  In addition, the option of
 *   the socket being bound lets it bind a *specific* address on a port that
 *   another socket holds on the wildcard address (or the reverse); binding
 *   exactly the same address and port stays impossible without SO_REUSEPORT,
 *   which we never set.  A server listening on 0.0.0.0 is therefore not seen
 *   by our 127.0.0.1 bind there, but it is seen by our 0.0.0.0 bind: testing
 *   both the wildcard and the loopback address of each family finds a holder
 *   on any of 0.0.0.0, 127.0.0.1, [::], [::1] on every platform.
 *   Ports below 1024 give EACCES to unprivileged users on the BSDs (denied);
 *   recent macOS versions let anyone bind them, at least on the wildcard
 *   address, so they can be free there.  IPv6 dual-stack defaults differ
 *   (macOS 0, FreeBSD 1, OpenBSD has no dual stack at all): IPV6_V6ONLY is
 *   set explicitly everywhere.  EPROTONOSUPPORT and EAFNOSUPPORT both occur
 *   for a kernel without INET6.
 *
 * Windows (Winsock 2; from Microsoft's documentation - Wine, where this code
 *   is run in CI, maps Winsock onto Linux sockets and so follows the Linux
 *   rules above, not these):
 *   - SO_REUSEADDR means something else there: it lets a socket bind an
 *     address and port that another socket is actively using (the two then
 *     share incoming connections unpredictably).  Setting it would make a
 *     busy port look free, so it is never set on Windows.  (If a connection
 *     in TIME_WAIT then blocks our bind, the port is reported busy for a few
 *     minutes: the safe direction.)
 *   - Without options, on Windows Server 2003 and later ("enhanced socket
 *     security"), a socket may bind a specific address on a port that
 *     another socket of the same user holds on the wildcard address
 *     (Microsoft documents this order); a port held on 0.0.0.0 is then not
 *     seen by a 127.0.0.1 bind.  SO_EXCLUSIVEADDRUSE on our socket makes our
 *     bind fail whenever another socket holds the port on an overlapping
 *     address (wildcard vs specific included), which is the Linux behaviour
 *     that the contract is written for.  It needs no privileges on the
 *     Windows versions R supports (very old ones reserved it for
 *     administrators).  It is set before bind(); a failure to set it is a
 *     P4M_FAILED "setsockopt SO_EXCLUSIVEADDRUSE ..." step.
 *     Our socket never accepts a connection, so closing it releases the port
 *     at once (Microsoft documents that a SO_EXCLUSIVEADDRUSE socket can keep
 *     its port after closesocket() only while its connections shut down).
 *   - Testing both the wildcard and the loopback address keeps the result
 *     right even if SO_EXCLUSIVEADDRUSE were ignored: a holder on an address
 *     always conflicts with our bind of that same address.
 *   - IPV6_V6ONLY defaults to 1 on Windows (no dual stack unless asked for);
 *     we set it anyway.  Error codes come from WSAGetLastError(), never
 *     errno, and texts carry the WSA code ("..., WSA error 10048").
 *   - Sockets are created with WSA_FLAG_NO_HANDLE_INHERIT so that child
 *     processes started meanwhile do not inherit them (POSIX: SOCK_CLOEXEC).
 */

#include "platform.h"
#include "freeport.h"
#include "portset.h"   /* P4M_PORT_MAX */

#ifdef _WIN32
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
# define P4M_EPROTONOSUPPORT WSAEPROTONOSUPPORT
# define P4M_EADDRNOTAVAIL   WSAEADDRNOTAVAIL
# define P4M_EINVAL          WSAEINVAL
typedef int p4m_socklen;
#else
typedef int p4m_sock;
# define P4M_BAD_SOCK        (-1)
# define P4M_CLOSE(s)        close(s)
# define P4M_LAST_ERROR()    errno
# define P4M_OK(rc)          ((rc) == 0)
# define P4M_EADDRINUSE      EADDRINUSE
# define P4M_EACCES          EACCES
# define P4M_EAFNOSUPPORT    EAFNOSUPPORT
# define P4M_EPROTONOSUPPORT EPROTONOSUPPORT
# define P4M_EADDRNOTAVAIL   EADDRNOTAVAIL
# define P4M_EINVAL          EINVAL
typedef socklen_t p4m_socklen;
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

/* The address-sharing option set before bind(): SO_REUSEADDR on POSIX,
   SO_EXCLUSIVEADDRUSE on Windows (see the opening comment for why). */
#ifdef _WIN32
# define P4M_ADDROPT       SO_EXCLUSIVEADDRUSE
# define P4M_ADDROPT_NAME  "setsockopt SO_EXCLUSIVEADDRUSE "
#else
# define P4M_ADDROPT       SO_REUSEADDR
# define P4M_ADDROPT_NAME  "setsockopt SO_REUSEADDR "
#endif

typedef struct {
  int family;            /* AF_INET or AF_INET6 */
  int loopback;          /* 0 = wildcard, 1 = loopback */
  const char *s_socket;
  const char *s_addropt;
  const char *s_v6only;
  const char *s_bind;
  const char *s_listen;
} p4m_target;

static const p4m_target p4m_targets[] = {
  { AF_INET,  0, "socket IPv4", P4M_ADDROPT_NAME "0.0.0.0", "",
    "bind 0.0.0.0", "listen 0.0.0.0" },
  { AF_INET,  1, "socket IPv4", P4M_ADDROPT_NAME "127.0.0.1", "",
    "bind 127.0.0.1", "listen 127.0.0.1" },
  { AF_INET6, 0, "socket IPv6", P4M_ADDROPT_NAME "[::]",
    "setsockopt IPV6_V6ONLY [::]", "bind [::]", "listen [::]" },
  { AF_INET6, 1, "socket IPv6", P4M_ADDROPT_NAME "[::1]",
    "setsockopt IPV6_V6ONLY [::1]", "bind [::1]", "listen [::1]" }
};
#define P4M_NTARGETS ((int) (sizeof(p4m_targets) / sizeof(p4m_targets[0])))

/* Steps reported when no family is usable at all */
static const char p4m_step_no_family_same[] = "socket IPv4 and IPv6";
static const char p4m_step_no_family_diff[] = "socket IPv4 (IPv6 unusable too)";

enum { P4M_T_OK = 0, P4M_T_FAIL = 1, P4M_T_SKIP_FAMILY = 2, P4M_T_SKIP_ADDR = 3 };

/* socket() failed with e: is the family merely unusable here (skip it)? */
static int p4m_family_unusable(int e) {
  if (e == P4M_EAFNOSUPPORT || e == P4M_EPROTONOSUPPORT) return 1;
  if (e == P4M_EACCES) return 1;      /* refused by policy */
#ifdef _WIN32
  if (e == WSAEPFNOSUPPORT) return 1;
#else
  if (e == EPERM) return 1;           /* seccomp, LSM */
#endif
  return 0;
}

/* bind() failed with e (on an address that exists) */
static int p4m_classify_bind(int e) {
  if (e == P4M_EADDRINUSE) return P4M_IN_USE;
  if (e == P4M_EACCES) return P4M_DENIED;  /* privileged or reserved port */
#ifndef _WIN32
  if (e == EPERM) return P4M_DENIED;       /* e.g. an LSM refusing the port */
#endif
  return P4M_FAILED;
}

/* listen() failed with e.  EADDRINUSE: another socket listens on the same
   address (Linux, when both set SO_REUSEADDR).  Anything else says nothing
   about this port - a refusal of listen() itself would refuse every port -
   so it is a failure of the test. */
static int p4m_classify_listen(int e) {
  return e == P4M_EADDRINUSE ? P4M_IN_USE : P4M_FAILED;
}

static void p4m_status_fill(p4m_port_status *st, int status, int err,
                            const char *step) {
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
  /* kernel older than the header (EINVAL), or a flag some systems reject
     with EPROTONOSUPPORT: try once more without it */
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

/* Close s; the error code was saved by the caller before. */
static void p4m_close(p4m_sock s) {
  (void) P4M_CLOSE(s);
}

/* Set the option `name` of s to 1; on failure close s, fill st with `step`
   and return -1. */
static int p4m_setopt(p4m_sock s, int level, int name, const char *step,
                      p4m_port_status *st) {
  int one = 1;
  if (P4M_OK(setsockopt(s, level, name, (const char *) &one,
                        (p4m_socklen) sizeof(one))))
    return 0;
  {
    int e = P4M_LAST_ERROR();
    p4m_close(s);
    p4m_status_fill(st, P4M_FAILED, e, step);
  }
  return -1;
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
  p4m_socklen addrlen;
  int e = 0;
  p4m_sock s;

  s = p4m_open_socket(t->family, &e);
  if (s == P4M_BAD_SOCK) {
    if (p4m_family_unusable(e)) {
      *skip_err = e;
      *skip_step = t->s_socket;
      return P4M_T_SKIP_FAMILY;
    }
    p4m_status_fill(st, P4M_FAILED, e, t->s_socket);
    return P4M_T_FAIL;
  }

  if (p4m_setopt(s, SOL_SOCKET, P4M_ADDROPT, t->s_addropt, st) != 0)
    return P4M_T_FAIL;

  memset(&addr, 0, sizeof(addr));
  if (t->family == AF_INET6) {
#ifdef IPV6_V6ONLY
    if (p4m_setopt(s, IPPROTO_IPV6, IPV6_V6ONLY, t->s_v6only, st) != 0)
      return P4M_T_FAIL;
#endif
    addr.v6.sin6_family = AF_INET6;
    addr.v6.sin6_port = htons((unsigned short) port);
    /* in6addr_any is all zeros already; ::1 is 15 zero bytes and a 1 */
    if (t->loopback) addr.v6.sin6_addr.s6_addr[15] = 1;
    addrlen = (p4m_socklen) sizeof(addr.v6);
  } else {
    addr.v4.sin_family = AF_INET;
    addr.v4.sin_port = htons((unsigned short) port);
    addr.v4.sin_addr.s_addr = htonl(t->loopback ? INADDR_LOOPBACK : INADDR_ANY);
    addrlen = (p4m_socklen) sizeof(addr.v4);
  }

  if (!P4M_OK(bind(s, &addr.sa, addrlen))) {
    e = P4M_LAST_ERROR();
    p4m_close(s);
    if (e == P4M_EADDRNOTAVAIL && t->loopback) {
      *skip_err = e;
      *skip_step = t->s_bind;
      return P4M_T_SKIP_ADDR;
    }
    p4m_status_fill(st, p4m_classify_bind(e), e, t->s_bind);
    return P4M_T_FAIL;
  }

  if (!P4M_OK(listen(s, 1))) {
    e = P4M_LAST_ERROR();
    p4m_close(s);
    p4m_status_fill(st, p4m_classify_listen(e), e, t->s_listen);
    return P4M_T_FAIL;
  }

  p4m_close(s);
  return P4M_T_OK;
}

int p4m_port_test(int port, p4m_port_status *st) {
  int i;
  int tested = 0;
  int skipped_family = 0;         /* AF_ value of a skipped family, or 0 */
  int skip_err = 0, first_family_err = 0, n_family_skips = 0;
  const char *skip_step = "";

  if (port < 1 || port > (int) P4M_PORT_MAX) {
    p4m_status_fill(st, P4M_FAILED, P4M_EINVAL, "port");
    return st->status;
  }

#ifdef _WIN32
  {
    int rc = p4m_net_init();   /* lazily, in case the caller did not */
    if (rc != 0) {
      p4m_status_fill(st, P4M_FAILED, rc, "WSAStartup");
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
      if (n_family_skips++ == 0) first_family_err = skip_err;
      break;
    case P4M_T_SKIP_ADDR:
      break;
    default:  /* P4M_T_FAIL: st already filled */
      return st->status;
    }
  }

  if (tested == 0) {
    /* Nothing could be tested.  A wildcard bind that works counts as a
       test, and a wildcard failure returns above, so this means that
       socket() refused both families: no server could be started at all.
       Report the IPv4 error (the family every system has). */
    if (n_family_skips == 2)
      p4m_status_fill(st, P4M_FAILED, first_family_err,
                      first_family_err == skip_err ? p4m_step_no_family_same
                                                   : p4m_step_no_family_diff);
    else  /* cannot happen; reported rather than called free */
      p4m_status_fill(st, P4M_FAILED, skip_err, skip_step);
    return st->status;
  }

  p4m_status_fill(st, P4M_FREE, 0, "");
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
  case WSAEPROTONOSUPPORT: msg = "Protocol not supported"; break;
  case WSAEPFNOSUPPORT:    msg = "Protocol family not supported"; break;
  case WSAEINVAL:          msg = "Invalid argument"; break;
  case WSAEMFILE:          msg = "Too many open sockets"; break;
  case WSAENOTSOCK:        msg = "Not a socket"; break;
  case WSAEOPNOTSUPP:      msg = "Operation not supported"; break;
  case WSAEINPROGRESS:     msg = "A blocking operation is in progress"; break;
  case WSAEPROVIDERFAILEDINIT: msg = "Service provider failed to initialise"; break;
  case WSASYSNOTREADY:     msg = "Network subsystem not ready"; break;
  case WSAVERNOTSUPPORTED: msg = "Winsock version not supported"; break;
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
