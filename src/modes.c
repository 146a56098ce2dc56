/* modes.c - test, list, search, release (see modes.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "freeport.h"
#include "stream.h"
#include "modes.h"

/* A debug line, formatted (only with debug on). */
static void say(const p4m_config *cfg, const p4m_ops *ops, const char *fmt,
                ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
static void say(const p4m_config *cfg, const p4m_ops *ops, const char *fmt,
                ...)
{
  char l[P4M_LINE_MAX];
  va_list ap;
  if (!cfg->debug || ops->line == NULL) return;
  va_start(ap, fmt);
  (void) vsnprintf(l, sizeof l, fmt, ap);
  va_end(ap);
  ops->line(ops->ctx, l);
}

static double now(const p4m_ops *ops)
{
  return ops->now != NULL ? ops->now() : p4m_claims_now();
}

static int interrupted(const p4m_ops *ops, p4m_error *e)
{
  if (ops->poll != NULL && ops->poll(ops->ctx))
    return p4m_fail(e, P4M_E_INTERRUPT, NULL, 0, NULL, "interrupted");
  return 0;
}

void p4m_run_init(p4m_run *run)
{
  int i;
  for (i = 0; i < P4M_MAX_CLAIMS_DIRS; i++) p4m_claims_init(&run->cl[i]);
  run->w = -1;
  run->pending = 0;
  run->pending_until = 0;
}

void p4m_run_cleanup(p4m_run *run)
{
  int i;
  if (run->pending > 0 && run->w >= 0) {
    p4m_error e;
    (void) p4m_claims_release(&run->cl[run->w], run->pending,
                              run->pending_until, &e);
  }
  run->pending = 0;
  for (i = 0; i < P4M_MAX_CLAIMS_DIRS; i++) p4m_claims_close(&run->cl[i]);
  run->w = -1;
}

/* ---- claims ----------------------------------------------------------- */

/* A claims error of a call that asked for claims: its message is
 * prefixed with what could not be done ("Cannot claim port 30845: "). */
static int reword(p4m_error *e, const char *fmt, int port)
{
  char was[sizeof e->message], what[64];
  memcpy(was, e->message, sizeof was);
  (void) snprintf(what, sizeof what, fmt, port);
  (void) snprintf(e->message, sizeof e->message, "%s: %.*s", what,
                  (int) (sizeof e->message - sizeof what - 3), was);
  return -1;
}

/* A writer that cannot have the folder's lock (another process holds it
 * too long, or the user pressed Ctrl-C) must not go on elsewhere. */
static int no_lock(const p4m_error *why)
{
  return why->kind == P4M_E_INTERRUPT ||
    (why->step != NULL && strcmp(why->step, "lock claims folder") == 0);
}

/* Open the claims folders: with `write`, the first one that can be
 * written to (else an error: the caller asked for a claim); every other
 * existing one for reading.  A folder that cannot be read is passed over,
 * and debug says why.  A writer passes over a folder that it cannot
 * create, open or trust, but not one whose lock another process holds too
 * long: two writers must never claim in two folders. */
static int open_claims(const p4m_config *cfg, const p4m_ops *ops,
                       p4m_run *run, int write, p4m_error *e)
{
  p4m_error why;
  char reasons[sizeof why.message] = "";
  int i, last_err = 0;

  p4m_error_clear(&why);
  for (i = 0; i < cfg->n_claims; i++) {
    const p4m_claims_dir *d = &cfg->claims[i];
    p4m_claims *c = &run->cl[i];
    char base[P4M_PATH_MAX];
    c->poll = ops->poll;
    c->poll_ctx = ops->ctx;
    /* a runtime folder is made only where its base exists (a reader needs
       no such test: the folder itself is looked for below) */
    if (write && run->w < 0 && d->base > 0) {
      memcpy(base, d->dir, d->base);
      base[d->base] = '\0';
      if (!p4m_claims_exists(base)) continue;
    }
    if (write && run->w < 0) {
      size_t k = strlen(reasons);
      if (p4m_claims_open_write(c, d->dir, &why) == 0) {
        run->w = i;
        say(cfg, ops, "claims folder %s: claims are written here", d->dir);
        continue;
      }
      if (no_lock(&why)) {
        *e = why;
        return reword(e, "Cannot claim a port", 0);
      }
      say(cfg, ops, "claims folder %s cannot be written to: %s", d->dir,
          why.message);
      (void) snprintf(reasons + k, sizeof reasons - k, "%s%.*s",
                      k > 0 ? "; " : "", (int) (sizeof reasons - k - 3),
                      why.message);
      last_err = why.err;
    }
    if (!p4m_claims_exists(d->dir)) continue;   /* (cheap: most calls) */
    if (p4m_claims_open_read(c, d->dir, &why) != 0)
      say(cfg, ops, "claims folder %s passed over: %s", d->dir, why.message);
    else if (c->usable)
      say(cfg, ops, "claims folder %s: claims are read here", d->dir);
  }
  if (write && run->w < 0)
    return p4m_fail(e, P4M_E_SYSTEM, NULL, last_err, "open claims folder",
                    "Cannot claim a port: no folder for claims can be "
                    "used%s%s", reasons[0] ? ": " : "", reasons);
  return 0;
}

/* Is port claimed in any folder at t (and, with debug, say so)?  With
 * `others`, a claim of this very process does not count. */
static int claimed(const p4m_config *cfg, const p4m_ops *ops,
                   const p4m_run *run, int port, double t, int others)
{
  int i;
  double until = 0;
  char when[64];
  for (i = 0; i < cfg->n_claims; i++) {
    if (!run->cl[i].usable || i == run->w) continue;
    if (p4m_claims_check(&run->cl[i], port, t, &until) == 1) {
      if (others && p4m_claims_mine(&run->cl[i], port, t)) {
        say(cfg, ops, "port %d is claimed by this process until %s (in %s): "
            "that claim does not count", port,
            p4m_report_time(until, when, sizeof when), run->cl[i].dir);
        continue;
      }
      say(cfg, ops, "port %d skipped: claimed until %s (in %s)", port,
          p4m_report_time(until, when, sizeof when), run->cl[i].dir);
      return 1;
    }
  }
  return 0;
}

/* ---- the socket test -------------------------------------------------- */

/* Test port: P4M_FREE, P4M_IN_USE or P4M_DENIED, with debug output; a test
 * that cannot be made (SPEC section 5) is an error (-1).  With
 * _PORT4ME_CHECK_AVAILABLE_PORTS_=any every port is free. */
static int test_port(const p4m_config *cfg, const p4m_ops *ops, int port,
                     p4m_error *e)
{
  p4m_port_status ps;
  char text[256], msg[300];
  if (cfg->any) {
    say(cfg, ops, "port %d counts as free (_PORT4ME_CHECK_AVAILABLE_PORTS_"
        "=any)", port);
    return P4M_FREE;
  }
  p4m_port_test(port, &ps);
  if (ps.status != P4M_FAILED && !cfg->debug) return ps.status;
  p4m_port_status_text(&ps, text, sizeof text);
  if (ps.status == P4M_FAILED) {
    (void) snprintf(msg, sizeof msg, "%s", text);
    return p4m_fail(e, P4M_E_SYSTEM, NULL, ps.err, ps.step, "Cannot test "
                    "whether port %d is free: the socket test %s", port, msg);
  }
  if (ps.status == P4M_FREE) say(cfg, ops, "port %d is free", port);
  else say(cfg, ops, "port %d skipped: %s", port, text);
  return ps.status;
}

/* ---- the modes -------------------------------------------------------- */

int p4m_test(const p4m_config *cfg, const p4m_ops *ops, p4m_run *run,
             int *free_, p4m_error *e)
{
  int status;
  if (open_claims(cfg, ops, run, 0, e) != 0) return -1;
  *free_ = 0;
  if (claimed(cfg, ops, run, cfg->port, now(ops), 1)) return 0;
  status = test_port(cfg, ops, cfg->port, e);
  if (status < 0) return -1;
  *free_ = status == P4M_FREE;
  return 0;
}

int p4m_release(const p4m_config *cfg, const p4m_ops *ops, p4m_run *run,
                int *dropped, p4m_error *e)
{
  int i, r;
  *dropped = 0;
  for (i = 0; i < cfg->n_claims; i++) {
    p4m_claims *c = &run->cl[i];
    c->poll = ops->poll;
    c->poll_ctx = ops->ctx;
    if (!p4m_claims_exists(cfg->claims[i].dir)) continue;
    if (p4m_claims_open_write(c, cfg->claims[i].dir, e) != 0) {
      if (no_lock(e)) return reword(e, "Cannot release port %d", cfg->port);
      say(cfg, ops, "claims folder %s passed over: %s", cfg->claims[i].dir,
          e->message);
      continue;
    }
    r = p4m_claims_drop(c, cfg->port, e);
    p4m_claims_close(c);
    if (r < 0) return reword(e, "Cannot release port %d", cfg->port);
    if (r == 0) {
      say(cfg, ops, "port %d: claim dropped (in %s)", cfg->port,
          cfg->claims[i].dir);
      *dropped = 1;
    }
  }
  p4m_error_clear(e);
  return 0;
}

/* The stream of cfg, past its first cfg->skip ports; with few candidates
 * and more ports wanted than a cycle holds, it remembers its cycle in
 * `cycle` (room for 4096 ports): each generated port costs 65536 / n_cand
 * generator steps otherwise. */
static void open_stream(const p4m_config *cfg, double n_ports,
                        uint16_t *cycle, p4m_stream *st)
{
  /* (cfg->cand is not empty: p4m_configure checks that) */
  (void) p4m_stream_init(st, cfg->hash, cfg->prepend, cfg->n_prepend,
                         &cfg->cand);
  if (cycle != NULL && st->n_cand <= 4096 &&
      cfg->skip + n_ports > (double) st->n_cand + (double) cfg->n_prepend)
    p4m_stream_cache(st, cycle);
  p4m_stream_skip(st, (uint64_t) cfg->skip);
}

int p4m_list(const p4m_config *cfg, const p4m_ops *ops, int *out,
             uint16_t *cycle, p4m_error *e)
{
  p4m_stream st;
  size_t i, n = (size_t) cfg->list;
  open_stream(cfg, cfg->list, cycle, &st);
  for (i = 0; i < n; i++) {
    if ((i & 0xFFFF) == 0xFFFF && interrupted(ops, e)) return -1;
    out[i] = (int) p4m_stream_next(&st);
  }
  return 0;
}

/* The first free port of the stream.  Each distinct port is checked once:
 * the search ends after max_tries checks or when every port of the stream
 * (the prepended ports left after skip, and every candidate) has been
 * checked.  A claimed port is passed over like a busy one; with reserve,
 * the port is claimed before it is tested, and the claim is dropped again
 * when the port is busy. */
int p4m_search(const p4m_config *cfg, const p4m_ops *ops, p4m_run *run,
               int *port_out, p4m_error *e)
{
  p4m_stream st;
  p4m_set checked;
  uint32_t n_all, n_checked = 0, n_claimed = 0;
  size_t i;
  int write = cfg->reserve > 0;

  open_stream(cfg, 0, NULL, &st);
  if (open_claims(cfg, ops, run, write, e) != 0) return -1;
  /* the distinct ports of the stream: every candidate, and the prepended
   * ports left after skip (distinct already) that are not candidates */
  n_all = st.n_cand;
  for (i = st.i_prepend; i < st.n_prepend; i++)
    if (!p4m_set_has(&cfg->cand, st.prepend[i])) n_all++;
  p4m_set_clear(&checked);

  while ((double) n_checked < cfg->max_tries && n_checked < n_all) {
    int port = (int) p4m_stream_next(&st), status;
    double t, until = 0;
    char when[64];
    if (p4m_set_has(&checked, (uint32_t) port)) continue;
    p4m_set_add(&checked, (uint32_t) port);
    n_checked++;
    if ((n_checked & 0xFF) == 0 && interrupted(ops, e)) return -1;
    t = now(ops);
    if (claimed(cfg, ops, run, port, t, 0)) {
      n_claimed++;
      continue;
    }
    if (write) {
      int r = p4m_claims_take(&run->cl[run->w], port, t, cfg->reserve,
                              &until, e);
      if (r < 0) return reword(e, "Cannot claim port %d", port);
      if (r == 1) {
        say(cfg, ops, "port %d skipped: claimed until %s (in %s)", port,
            p4m_report_time(until, when, sizeof when), run->cl[run->w].dir);
        n_claimed++;
        continue;
      }
      if (r == 0) {
        run->pending = port;
        run->pending_until = until;
      } else {
        say(cfg, ops, "port %d cannot be claimed: something in %s has its "
            "name; it is tested without a claim", port, run->cl[run->w].dir);
      }
    }
    status = test_port(cfg, ops, port, e);
    if (status == P4M_FREE) {
      if (run->pending > 0)
        say(cfg, ops, "port %d claimed until %s", port,
            p4m_report_time(until, when, sizeof when));
      run->pending = 0;   /* kept */
      *port_out = port;
      return 0;
    }
    if (run->pending > 0) {
      int r = p4m_claims_release(&run->cl[run->w], port, until, e);
      run->pending = 0;
      if (r < 0) return reword(e, "Cannot claim port %d", port);
    }
    if (status < 0) return -1;
  }
  if (!cfg->must_work) {
    *port_out = -1;
    return 0;
  }
  {
    char claims[80] = "";
    if (n_claimed > 0)
      (void) snprintf(claims, sizeof claims, "; %lu of them %s claimed by "
                      "other port4me calls of yours", (unsigned long) n_claimed,
                      n_claimed == 1 ? "is" : "are");
    if (n_checked == n_all)
      return p4m_fail(e, P4M_E_NO_PORT, NULL, 0, NULL, "No free port found: "
                      "every port of the stream was checked (%lu distinct "
                      "port%s) and none is free%s", (unsigned long) n_checked,
                      n_checked == 1 ? "" : "s", claims);
    return p4m_fail(e, P4M_E_NO_PORT, NULL, 0, NULL, "No free port found "
                    "after checking %lu distinct port%s (%s = %.0f)%s",
                    (unsigned long) n_checked, n_checked == 1 ? "" : "s",
                    cfg->max_tries_from, cfg->max_tries, claims);
  }
}
