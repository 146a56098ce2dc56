/*
 * freeport.h - is a TCP port free for the current user?  (SPEC section 5)
 *
 * Plain C99, no R headers: usable from the R package and from standalone
 * test programs.  A port is free when, for each address family this process
 * can use (IPv4, then IPv6), a TCP socket with SO_REUSEADDR (Windows:
 * SO_EXCLUSIVEADDRUSE; IPv6 also IPV6_V6ONLY=1) can bind() and listen() on
 * the wildcard address and then on the loopback address.  Every socket is
 * closed again before returning.
 *
 * Results:
 *   P4M_FREE    every usable address could be bound and listened on;
 *   P4M_IN_USE  EADDRINUSE from bind() or listen();
 *   P4M_DENIED  EACCES/EPERM from bind() (privileged or reserved port);
 *   P4M_FAILED  the test cannot be made: any other failure of any step
 *               (EMFILE, ENFILE, ENOBUFS, ENOMEM, ...), no usable address
 *               family at all, or an invalid port.  Never "not free": the
 *               caller must report it as an error.
 * Skipped, not failures: a family whose socket() fails with EAFNOSUPPORT,
 * EPROTONOSUPPORT (not supported) or EACCES, EPERM (refused by policy); a
 * loopback address whose bind() fails with EADDRNOTAVAIL.  The rules, and
 * each platform's bind semantics they rely on, are in freeport.c.
 */
#ifndef P4M_FREEPORT_H
#define P4M_FREEPORT_H

#include <stddef.h>  /* size_t */

enum { P4M_FREE = 0, P4M_IN_USE = 1, P4M_DENIED = 2, P4M_FAILED = 3 };

typedef struct {
  int status;          /* one of the enum values */
  int err;             /* errno (or WSAGetLastError() on Windows) of the failing call; 0 when free */
  const char *step;    /* static string naming the failing step, e.g. "bind [::1]",
                          "listen 0.0.0.0", "socket IPv6", or "socket IPv4 and IPv6"
                          when no family is usable; "" when free */
} p4m_port_status;

int  p4m_net_init(void);      /* Windows: WSAStartup once; POSIX: nothing. returns 0 on success */
void p4m_net_cleanup(void);   /* Windows: WSACleanup if started */

/* Fills st, returns st->status.  port must be 1..65535, else P4M_FAILED with
   err = EINVAL (WSAEINVAL on Windows) and step "port".  st must not be NULL. */
int  p4m_port_test(int port, p4m_port_status *st);

/* Human text for debug output, e.g.
   "in use (bind 127.0.0.1: Address already in use)",
   "permission denied (bind 0.0.0.0: Permission denied)", "free".
   Writes at most n bytes (NUL-terminated, truncated if needed) into buf and
   returns buf; returns "" if buf is NULL or n is 0. */
const char *p4m_port_status_text(const p4m_port_status *st, char *buf, size_t n);

#endif /* P4M_FREEPORT_H */
