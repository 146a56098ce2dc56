/*
 * socket-shim.c - an LD_PRELOAD library that makes socket(), bind() and
 * listen() of TCP sockets (and unlinkat()) fail on demand, to test how
 * port4me reacts to socket layers that do not work (SPEC section 5).  Linux/glibc (and other
 * systems with dlsym(RTLD_NEXT)); test-only, not part of the package's code.
 *
 * Build:  cc -shared -fPIC -o socket-shim.so socket-shim.c -ldl
 * Use:    LD_PRELOAD=/path/socket-shim.so P4M_SHIM_SOCKET=inet6=EACCES prog
 *
 * Controlled by environment variables, read at every call (so a test
 * program may change them with setenv() between calls).  Each holds a
 * comma-separated list of WHERE=ERRNO rules; the first rule that matches
 * decides.  ERRNO is a name (EMFILE, EACCES, ...) or a number.
 *
 *   P4M_SHIM_SOCKET   socket(): WHERE is a family: inet, inet6 or any.
 *   P4M_SHIM_BIND     bind(): WHERE is an address: 0.0.0.0, 127.0.0.1, ::,
 *                     ::1, or loopback (127.0.0.1 and ::1), wildcard
 *                     (0.0.0.0 and ::), any; also inet or inet6 (all
 *                     addresses of that family).
 *   P4M_SHIM_LISTEN   listen(): WHERE as for bind, matched against the
 *                     address the socket is bound to.
 *   P4M_SHIM_PORT     if set, bind() and listen() rules apply to this port
 *                     only.
 *   P4M_SHIM_BIND_DELAY_US  if set, every bind() of a TCP socket first
 *                     sleeps that many microseconds (a slow socket layer,
 *                     to make a long search that a test can interrupt).
 *   P4M_SHIM_UNLINKAT unlinkat(): WHERE is a file name as passed (a claim
 *                     file of port4me is named by its port, "30845"), or
 *                     any.  (Not a socket call: it lets a test make the
 *                     removal of a port claim fail.)
 *   P4M_SHIM_LOG      if set, a file to which every injected failure appends
 *                     a line "socket inet6 EACCES", "bind 127.0.0.1:30845
 *                     EADDRNOTAVAIL", "listen [::1]:30845 ENOBUFS", ... so that a test can prove that the
 *                     shim was active.
 *
 * Only TCP (SOCK_STREAM) sockets of the families AF_INET and AF_INET6 are
 * affected; everything else goes straight to the C library.  A malformed
 * rule makes the shim print a message on stderr and abort(), so that a
 * typo in a test cannot pass silently.
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1   /* RTLD_NEXT */
#endif
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static const struct { const char *name; int value; } shim_errnos[] = {
  { "EACCES", EACCES }, { "EPERM", EPERM }, { "EMFILE", EMFILE },
  { "ENFILE", ENFILE }, { "ENOBUFS", ENOBUFS }, { "ENOMEM", ENOMEM },
  { "EAFNOSUPPORT", EAFNOSUPPORT }, { "EPROTONOSUPPORT", EPROTONOSUPPORT },
  { "EADDRNOTAVAIL", EADDRNOTAVAIL }, { "EADDRINUSE", EADDRINUSE },
  { "EINVAL", EINVAL }, { "EOPNOTSUPP", EOPNOTSUPP }, { "EIO", EIO },
  { "ENETDOWN", ENETDOWN }
};

static void shim_die(const char *var, const char *rule, const char *why) {
  fprintf(stderr, "socket-shim: %s: bad rule '%s': %s\n", var, rule, why);
  abort();
}

static int shim_errno_value(const char *var, const char *rule, const char *s) {
  size_t i;
  char *end;
  long v;
  for (i = 0; i < sizeof(shim_errnos) / sizeof(shim_errnos[0]); i++)
    if (strcmp(s, shim_errnos[i].name) == 0) return shim_errnos[i].value;
  errno = 0;
  v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno != 0 || v <= 0 || v > 4095)
    shim_die(var, rule, "unknown errno");
  return (int) v;
}

static const char *shim_errno_name(int e) {
  size_t i;
  for (i = 0; i < sizeof(shim_errnos) / sizeof(shim_errnos[0]); i++)
    if (shim_errnos[i].value == e) return shim_errnos[i].name;
  return "errno";
}

/* Does WHERE match this call?  family is AF_INET/AF_INET6; addr is the
   numeric text of the address or NULL (socket()). */
static int shim_where_matches(const char *var, const char *rule,
                              const char *where, int family, const char *addr) {
  int loop, wild;
  if (strcmp(where, "any") == 0) return 1;
  if (strcmp(where, "inet") == 0) return family == AF_INET;
  if (strcmp(where, "inet6") == 0) return family == AF_INET6;
  if (addr == NULL) shim_die(var, rule, "socket() rules name a family");
  loop = strcmp(addr, "127.0.0.1") == 0 || strcmp(addr, "::1") == 0;
  wild = strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0;
  if (strcmp(where, "loopback") == 0) return loop;
  if (strcmp(where, "wildcard") == 0) return wild;
  if (strcmp(where, "0.0.0.0") == 0 || strcmp(where, "127.0.0.1") == 0 ||
      strcmp(where, "::") == 0 || strcmp(where, "::1") == 0)
    return strcmp(where, addr) == 0;
  shim_die(var, rule, "unknown place");
  return 0;
}

/* The errno that the first matching rule of `var` gives, or 0: each rule
   is WHERE=ERRNO, and match(var, rule, WHERE, ctx) says whether WHERE
   applies to this call. */
typedef int (*shim_match_fn)(const char *var, const char *rule,
                             const char *where, const void *ctx);

static int shim_rules(const char *var, shim_match_fn match, const void *ctx) {
  const char *spec = getenv(var);
  char buf[512];
  char *save = NULL, *tok;
  if (spec == NULL || *spec == '\0') return 0;
  if (strlen(spec) >= sizeof(buf)) shim_die(var, spec, "too long");
  strcpy(buf, spec);
  for (tok = strtok_r(buf, ",", &save); tok != NULL;
       tok = strtok_r(NULL, ",", &save)) {
    char *eq = strrchr(tok, '=');
    if (eq == NULL) shim_die(var, tok, "expected WHERE=ERRNO");
    *eq = '\0';
    if (match(var, tok, tok, ctx)) return shim_errno_value(var, tok, eq + 1);
  }
  return 0;
}

typedef struct { int family; const char *addr; } shim_call;

static int shim_socket_match(const char *var, const char *rule,
                             const char *where, const void *ctx) {
  const shim_call *c = (const shim_call *) ctx;
  return shim_where_matches(var, rule, where, c->family, c->addr);
}

/* The errno to inject for this socket call, or 0. */
static int shim_lookup(const char *var, int family, const char *addr) {
  shim_call c;
  c.family = family;
  c.addr = addr;
  return shim_rules(var, shim_socket_match, &c);
}

static void shim_log(const char *what, const char *where, int e) {
  const char *path = getenv("P4M_SHIM_LOG");
  char line[160];
  int fd, n;
  if (path == NULL || *path == '\0') return;
  n = snprintf(line, sizeof(line), "%s %s %s\n", what, where, shim_errno_name(e));
  if (n <= 0 || (size_t) n >= sizeof(line)) return;
  fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;   /* e.g. out of descriptors: the failure still counts */
  if (write(fd, line, (size_t) n) != n) { /* nothing to do */ }
  close(fd);
}

/* Numeric address and port of a sockaddr; 0 if not AF_INET/AF_INET6. */
static int shim_addr_text(const struct sockaddr *sa, socklen_t len,
                          char *buf, size_t n, int *port) {
  if (sa == NULL) return 0;
  if (sa->sa_family == AF_INET && len >= (socklen_t) sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *) (const void *) sa;
    if (inet_ntop(AF_INET, &v4->sin_addr, buf, (socklen_t) n) == NULL) return 0;
    *port = ntohs(v4->sin_port);
    return AF_INET;
  }
  if (sa->sa_family == AF_INET6 && len >= (socklen_t) sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) (const void *) sa;
    if (inet_ntop(AF_INET6, &v6->sin6_addr, buf, (socklen_t) n) == NULL) return 0;
    *port = ntohs(v6->sin6_port);
    return AF_INET6;
  }
  return 0;
}

static int shim_is_tcp(int fd) {
  int type = 0;
  socklen_t len = sizeof(type);
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
         type == SOCK_STREAM;
}

static int shim_port_selected(int port) {
  const char *p = getenv("P4M_SHIM_PORT");
  if (p == NULL || *p == '\0') return 1;
  return atoi(p) == port;
}

/* ---- the intercepted functions ---------------------------------------- */

int socket(int domain, int type, int protocol) {
  static int (*real)(int, int, int) = NULL;
  if (real == NULL)
    *(void **) (&real) = dlsym(RTLD_NEXT, "socket");
  if ((domain == AF_INET || domain == AF_INET6) &&
      (type & 0xff) == SOCK_STREAM) {
    int e = shim_lookup("P4M_SHIM_SOCKET", domain, NULL);
    if (e != 0) {
      shim_log("socket", domain == AF_INET ? "inet" : "inet6", e);
      errno = e;
      return -1;
    }
  }
  return real(domain, type, protocol);
}

/* The errno that the rules of `var` give for a call `what` on addr:port,
 * logged as "what [addr]:port ERRNO"; 0 when no rule matches. */
static int shim_inject(const char *var, const char *what, int family,
                       const char *addr, int port) {
  int e = shim_lookup(var, family, addr);
  if (e != 0) {
    char where[INET6_ADDRSTRLEN + 16];
    snprintf(where, sizeof(where), family == AF_INET6 ? "[%s]:%d" : "%s:%d",
             addr, port);
    shim_log(what, where, e);
  }
  return e;
}

int bind(int fd, const struct sockaddr *sa, socklen_t len) {
  static int (*real)(int, const struct sockaddr *, socklen_t) = NULL;
  char addr[INET6_ADDRSTRLEN];
  int port = 0, family;
  if (real == NULL)
    *(void **) (&real) = dlsym(RTLD_NEXT, "bind");
  family = shim_addr_text(sa, len, addr, sizeof(addr), &port);
  if (family != 0 && shim_is_tcp(fd)) {
    const char *delay = getenv("P4M_SHIM_BIND_DELAY_US");
    if (delay != NULL && *delay != '\0') usleep((useconds_t) atol(delay));
  }
  if (family != 0 && shim_is_tcp(fd) && shim_port_selected(port)) {
    int e = shim_inject("P4M_SHIM_BIND", "bind", family, addr, port);
    if (e != 0) {
      errno = e;
      return -1;
    }
  }
  return real(fd, sa, len);
}

int listen(int fd, int backlog) {
  static int (*real)(int, int) = NULL;
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  char addr[INET6_ADDRSTRLEN];
  int port = 0, family = 0;
  if (real == NULL)
    *(void **) (&real) = dlsym(RTLD_NEXT, "listen");
  if (shim_is_tcp(fd) && getsockname(fd, (struct sockaddr *) &ss, &len) == 0)
    family = shim_addr_text((struct sockaddr *) &ss, len, addr, sizeof(addr), &port);
  if (family != 0 && shim_port_selected(port)) {
    int e = shim_inject("P4M_SHIM_LISTEN", "listen", family, addr, port);
    if (e != 0) {
      errno = e;
      return -1;
    }
  }
  return real(fd, backlog);
}

/* P4M_SHIM_UNLINKAT: WHERE is "any" or the name given to unlinkat(). */
static int shim_name_match(const char *var, const char *rule,
                           const char *where, const void *ctx) {
  (void) var; (void) rule;
  return strcmp(where, "any") == 0 || strcmp(where, (const char *) ctx) == 0;
}

int unlinkat(int dirfd, const char *name, int flags) {
  static int (*real)(int, const char *, int) = NULL;
  int e;
  if (real == NULL)
    *(void **) (&real) = dlsym(RTLD_NEXT, "unlinkat");
  e = shim_rules("P4M_SHIM_UNLINKAT", shim_name_match, name);
  if (e != 0) {
    shim_log("unlinkat", name, e);
    errno = e;
    return -1;
  }
  return real(dirfd, name, flags);
}
