/* error.h - one error value for the pure C modules (SPEC section 6).
 *
 * The pure modules (settings, claims, the modes) never raise: they fill a
 * p4m_error and return -1.  Only the .Call layer turns it into an R
 * condition (conditions.c), so every error is raised from one place.
 * Plain C99, no R headers. */
#ifndef P4M_ERROR_H
#define P4M_ERROR_H

#include <stddef.h>

enum {
  P4M_E_NONE = 0,
  P4M_E_INVALID,    /* port4me_invalid: a bad argument, variable or option,
                       or an empty candidate set; `source` names it */
  P4M_E_NO_PORT,    /* port4me_no_port: no free port found */
  P4M_E_SYSTEM,     /* port4me_system: a socket test or the claims cannot
                       be made; `err` and `step` say which call failed */
  P4M_E_INTERRUPT,  /* the user interrupted a wait (see p4m_poll_fn) */
  P4M_E_BUG         /* an internal error of the package: a plain error */
};

typedef struct {
  int kind;            /* P4M_E_* */
  const char *source;  /* P4M_E_INVALID: the argument, variable or option
                          at fault (static or caller-owned text); or NULL */
  int err;             /* P4M_E_SYSTEM: the system's error number (errno;
                          on Windows the WSA or Win32 code), 0 for a refusal
                          by policy (a folder open to others, ...) */
  const char *step;    /* P4M_E_SYSTEM: static text naming the failing call,
                          e.g. "bind", "open claims folder"; or NULL */
  char message[640];   /* the whole message; a bad value's message starts
                          with its source ("<source> must be <rule>, not
                          <value>") */
} p4m_error;

/* Fill e (message from fmt, truncated to fit) and return -1. */
int p4m_fail(p4m_error *e, int kind, const char *source, int err,
             const char *step, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 6, 7)))
#endif
  ;

/* Clear e (kind P4M_E_NONE, empty message). */
void p4m_error_clear(p4m_error *e);

/* The system's text for error number err ("Address already in use"), in buf
 * (n bytes, NUL-terminated); returns buf. */
const char *p4m_strerror(int err, char *buf, size_t n);

/* Polled by long waits (the claims lock): returns non-zero when the wait
 * must end now (the user pressed Ctrl-C).  May be NULL: never interrupted. */
typedef int (*p4m_poll_fn)(void *ctx);

#endif
