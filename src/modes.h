/* modes.h - what one call does, by mode (SPEC sections 4, 5 and 8): test
 * one port, list ports of the stream, search the first free port (with or
 * without claims), release a claim.  Pure C: the caller supplies the
 * debug output, the interrupt check and memory (ops), and gets a result or
 * an error back; it never raises.
 *
 * Everything a call holds open (claims folders, the lock, a claim taken
 * but not yet kept) lives in a p4m_run, so that p4m_run_cleanup() undoes
 * it whatever way the call ends - also when ops->poll or ops->line does
 * not return (R unwinds on an error or Ctrl-C). */
#ifndef P4M_MODES_H
#define P4M_MODES_H

#include <stddef.h>
#include "claims.h"
#include "error.h"
#include "report.h"
#include "settings.h"

typedef struct {
  p4m_line_fn line;     /* a debug line (called only with cfg->debug) */
  p4m_poll_fn poll;     /* polled in long loops and lock waits; may be NULL */
  void *ctx;            /* for both */
  double (*now)(void);  /* the clock (NULL: p4m_claims_now) */
} p4m_ops;

typedef struct {
  p4m_claims cl[P4M_MAX_CLAIMS_DIRS];
  int w;                 /* the folder claims are written to, or -1 */
  int pending;           /* a port claimed in this call and not kept yet */
  double pending_until;
} p4m_run;

/* Set run up empty (nothing open). */
void p4m_run_init(p4m_run *run);
/* Drop a pending claim, unlock and close everything.  Safe twice. */
void p4m_run_cleanup(p4m_run *run);

/* MODE_SEARCH: the first free port, or -1 (must_work = FALSE). */
int p4m_search(const p4m_config *cfg, const p4m_ops *ops, p4m_run *run,
               int *port, p4m_error *e);
/* MODE_LIST: the next cfg->list ports into out (room for cfg->list);
 * `cycle`: room for 4096 ports, to remember a short cycle. */
int p4m_list(const p4m_config *cfg, const p4m_ops *ops, int *out,
             uint16_t *cycle, p4m_error *e);
/* MODE_TEST: is cfg->port free (1) or not (0)? */
int p4m_test(const p4m_config *cfg, const p4m_ops *ops, p4m_run *run,
             int *free_, p4m_error *e);
/* MODE_RELEASE: was a claim of the user's on cfg->port dropped (1) or was
 * there none (0)? */
int p4m_release(const p4m_config *cfg, const p4m_ops *ops, p4m_run *run,
                int *dropped, p4m_error *e);

#endif
