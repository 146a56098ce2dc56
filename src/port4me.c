/* The .Call entry points: check the types of what R hands over, convert it
 * to plain C, let settings.c apply the rules, run one mode (test, list,
 * search), convert the result back.  The R wrapper has read the environment
 * and checked every argument; a value that still does not fit here is an
 * internal error, never a crash or a port.  A call allocates nothing in R
 * but its result, except room for prepended ports or a stream cycle. */
#define R_NO_REMAP
#define STRICT_R_HEADERS
#include <R.h>
#include <Rinternals.h>
#include <stdio.h>
#include <string.h>
#include "hash.h"
#include "portset.h"
#include "stream.h"
#include "freeport.h"
#include "settings.h"
#include "report.h"
#include "unsafe.h"
#include "claims.h"
#include <time.h>
#include "conditions.h"
#include "port4me.h"

/* ---- converting R values ---------------------------------------------- */

static void internal(const char *name, const char *what)
{
  char msg[200];
  snprintf(msg, sizeof msg, " must be %s (an internal error: port4me() "
           "checks this)", what);
  p4m_raise("invalid", name, msg);
}

/* NULL, or a single string: its bytes (UTF-8, from the R layer). */
static const char *as_text(SEXP x, const char *name)
{
  if (x == R_NilValue) return NULL;
  if (TYPEOF(x) != STRSXP || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
    internal(name, "NULL or a single string");
  return CHAR(STRING_ELT(x, 0));
}

/* NULL (negative), or a single whole number in min..max. */
static double as_count(SEXP x, const char *name, double min, double max)
{
  double v;
  char what[100];
  if (x == R_NilValue) return -1;
  v = (!OBJECT(x) && (TYPEOF(x) == INTSXP || TYPEOF(x) == REALSXP) &&
       XLENGTH(x) == 1) ? Rf_asReal(x) : NA_REAL;
  if (ISNAN(v) || v < min || v > max || v != (double) (long long) v) {
    snprintf(what, sizeof what, "NULL or a single whole number in %.0f..%.0f",
             min, max);
    internal(name, what);
  }
  return v;
}

/* NULL (negative), TRUE or FALSE. */
static int as_flag(SEXP x, const char *name)
{
  if (x == R_NilValue) return -1;
  if (TYPEOF(x) != LGLSXP || OBJECT(x) || XLENGTH(x) != 1 ||
      LOGICAL(x)[0] == NA_LOGICAL)
    internal(name, "NULL, TRUE or FALSE");
  return LOGICAL(x)[0];
}

/* NULL, a specification string, or an integer vector of ports. */
static void as_ports(SEXP x, const char *name, p4m_ports_arg *out)
{
  memset(out, 0, sizeof *out);
  if (x == R_NilValue) return;
  out->given = 1;
  if (TYPEOF(x) == STRSXP && !OBJECT(x)) {
    out->text = as_text(x, name);
    return;
  }
  if (TYPEOF(x) != INTSXP || OBJECT(x))
    internal(name, "NULL, a string or an integer vector of ports");
  out->ports = INTEGER(x);   /* each checked in settings.c */
  out->n = (size_t) XLENGTH(x);
}

static void *r_alloc(void *ctx, size_t bytes)
{
  (void) ctx;
  return R_alloc(bytes, 1);
}

/* Read every argument and variable into cfg (or raise port4me_invalid). */
static void configure(SEXP tool, SEXP user, SEXP prepend, SEXP include,
                      SEXP exclude, SEXP skip, SEXP list, SEXP test,
                      SEXP max_tries, SEXP must_work, SEXP reserve, SEXP env,
                      SEXP account, p4m_config *cfg)
{
  p4m_input in;
  p4m_error err;
  int i;

  in.tool = as_text(tool, "tool");
  in.user = as_text(user, "user");
  in.account = as_text(account, "account");
  as_ports(prepend, "prepend", &in.prepend);
  as_ports(include, "include", &in.include);
  as_ports(exclude, "exclude", &in.exclude);
  in.skip = as_count(skip, "skip", 0, P4M_COUNT_MAX);
  in.list = as_count(list, "list", 1, P4M_COUNT_MAX);
  in.test = as_count(test, "test", 1, P4M_PORT_MAX);
  in.max_tries = as_count(max_tries, "max_tries", 1, P4M_COUNT_MAX);
  in.reserve = as_count(reserve, "reserve", 0, P4M_COUNT_MAX);
  in.must_work = as_flag(must_work, "must_work");
  /* (the R wrapper may hand over more values than C reads: its own) */
  if (TYPEOF(env) != STRSXP || XLENGTH(env) < P4M_NVARS)
    internal("env", "the values of port4me's variables");
  for (i = 0; i < P4M_NVARS; i++) {
    SEXP v = STRING_ELT(env, i);
    in.env[i] = v == NA_STRING ? NULL : CHAR(v);
  }
  in.alloc = r_alloc;
  in.alloc_ctx = NULL;
  if (p4m_configure(&in, cfg, &err) != 0)
    p4m_raise("invalid", err.source, err.detail);
}

/* ---- the modes -------------------------------------------------------- */

static void to_stderr(void *ctx, const char *text)
{
  (void) ctx;
  REprintf("%s", text);
}

/* The claims of the user (SPEC section 8): the directory is checked (and,
 * to reserve, created) by every call; a directory that is not the user's
 * own is an error, never followed. */
static void open_claims(const p4m_config *cfg, int create, p4m_claims *cl)
{
  p4m_claims_error e;
  char text[P4M_CLAIMS_DIR_MAX + 200], msg[sizeof text + 100];
  cl->usable = 0;
  if (cfg->claims_dir[0] == '\0') {
    if (create)
      p4m_raise("system", NULL, "Cannot claim a port: no folder for claims "
                "(XDG_RUNTIME_DIR, R_USER_CACHE_DIR, XDG_CACHE_HOME and HOME "
                "are unset)");
    return;
  }
  if (p4m_claims_open(cl, cfg->claims_dir, create, &e) != 0) {
    snprintf(msg, sizeof msg, "Cannot use the folder of port claims: %s",
             p4m_claims_error_text(&e, text, sizeof text));
    p4m_raise("system", NULL, msg);
  }
}

static void claims_failed(const p4m_claims_error *e)
{
  char text[P4M_CLAIMS_DIR_MAX + 200], msg[sizeof text + 100];
  snprintf(msg, sizeof msg, "Cannot read or write a port claim: %s",
           p4m_claims_error_text(e, text, sizeof text));
  p4m_raise("system", NULL, msg);
}

/* "claimed until 14:03:07" */
static void say_claimed(int port, double until)
{
  time_t t = (time_t) until;
  struct tm *tm = localtime(&t);
  char hms[16] = "?";
  if (tm != NULL) strftime(hms, sizeof hms, "%H:%M:%S", tm);
  REprintf("port4me: port %d skipped: claimed until %s\n", port, hms);
}

/* Is port claimed by a live claim (and, with debug, say so)? */
static int is_claimed(const p4m_claims *cl, int port, int debug)
{
  p4m_claims_error e;
  double until = 0;
  int r;
  if (!cl->usable) return 0;
  r = p4m_claims_check(cl, port, p4m_claims_now(), &until, &e);
  if (r < 0) claims_failed(&e);
  if (r == 1 && debug) say_claimed(port, until);
  return r == 1;
}

/* Test port: P4M_FREE, P4M_IN_USE or P4M_DENIED, with debug output; a test
 * that cannot be made (SPEC section 5) is returned as P4M_FAILED with the
 * error message in msg.  With _PORT4ME_CHECK_AVAILABLE_PORTS_=any, every
 * port is free. */
static int test_port(const p4m_config *cfg, int port, int in_search,
                     char *msg, size_t n)
{
  p4m_port_status ps;
  char text[256];
  int debug = cfg->debug;
  if (cfg->any) {
    if (debug)
      REprintf("port4me: port %d counts as free "
               "(_PORT4ME_CHECK_AVAILABLE_PORTS_=any)\n", port);
    return P4M_FREE;
  }
  p4m_port_test(port, &ps);
  if (ps.status != P4M_FAILED && !debug) return ps.status;
  p4m_port_status_text(&ps, text, sizeof text);
  if (ps.status == P4M_FAILED) {
    snprintf(msg, n, "Cannot test whether port %d is free: the socket test "
             "%s", port, text);
    return P4M_FAILED;
  }
  if (!in_search)
    REprintf("port4me: port %d: %s\n", port, text);
  else if (ps.status == P4M_FREE)
    REprintf("port4me: port %d is free\n", port);
  else
    REprintf("port4me: port %d skipped: %s\n", port, text);
  return ps.status;
}

static SEXP test_mode(const p4m_config *cfg)
{
  p4m_claims cl;
  char msg[400];
  int port = (int) cfg->test, status;
  open_claims(cfg, 0, &cl);
  if (is_claimed(&cl, port, cfg->debug)) return Rf_ScalarLogical(FALSE);
  status = test_port(cfg, port, 0, msg, sizeof msg);
  if (status == P4M_FAILED) p4m_raise("system", NULL, msg);
  return Rf_ScalarLogical(status == P4M_FREE);
}

/* The stream of cfg, past its first cfg->skip ports. */
static void open_stream(const p4m_config *cfg, double n_ports, p4m_stream *st)
{
  if (p4m_stream_init(st, cfg->hash, cfg->prepend, cfg->n_prepend,
                      &cfg->cand) != 0)
    p4m_raise("invalid", "include", ": no candidate ports");
  /* With few candidates, each generated port costs 65536 / n_cand
   * generator steps; a stream that goes round such a cycle more than once
   * remembers it instead (at most 8 KiB). */
  if (st->n_cand < 4096 &&
      cfg->skip + n_ports > (double) st->n_cand + (double) cfg->n_prepend)
    p4m_stream_cache(st, (uint16_t *) R_alloc(st->n_cand, sizeof(uint16_t)));
  p4m_stream_skip(st, (uint64_t) cfg->skip);
}

static SEXP list_mode(const p4m_config *cfg)
{
  p4m_stream st;
  R_xlen_t i, n = (R_xlen_t) cfg->list;
  SEXP out;
  int *o;
  open_stream(cfg, cfg->list, &st);
  out = PROTECT(Rf_allocVector(INTSXP, n));
  o = INTEGER(out);
  for (i = 0; i < n; i++) {
    if ((i & 0xFFFF) == 0xFFFF) R_CheckUserInterrupt();
    o[i] = (int) p4m_stream_next(&st);
  }
  UNPROTECT(1);
  return out;
}

/* The first free port of the stream.  Each distinct port is checked once:
 * the search ends after max_tries checks or when every port of the stream
 * (the prepended ports left after skip, and every candidate) has been
 * checked.  A claimed port is passed over like a busy one; with reserve, the
 * port is claimed before it is tested, and the claim is dropped again when
 * the port is busy. */
static SEXP search_mode(const p4m_config *cfg)
{
  p4m_stream st;
  p4m_set checked;
  p4m_claims cl;
  p4m_claims_error e;
  uint32_t n_all, n_checked = 0;
  size_t i;
  char msg[400];

  open_stream(cfg, cfg->any ? 1 : cfg->max_tries, &st);
  open_claims(cfg, cfg->reserve > 0, &cl);
  /* the distinct ports of the stream: every candidate, and the prepended
   * ports left after skip (distinct already) that are not candidates */
  n_all = st.n_cand;
  for (i = st.i_prepend; i < st.n_prepend; i++)
    if (!p4m_set_has(&cfg->cand, st.prepend[i])) n_all++;
  p4m_set_clear(&checked);

  while ((double) n_checked < cfg->max_tries && n_checked < n_all) {
    int port = (int) p4m_stream_next(&st), status;
    double until = 0;
    if (p4m_set_has(&checked, (uint32_t) port)) continue;
    p4m_set_add(&checked, (uint32_t) port);
    n_checked++;
    if ((n_checked & 0xFF) == 0) R_CheckUserInterrupt();
    if (cfg->reserve > 0) {
      int r = p4m_claims_take(&cl, port, p4m_claims_now(),
                              cfg->reserve < P4M_CLAIMS_SECONDS_MAX
                              ? cfg->reserve : P4M_CLAIMS_SECONDS_MAX,
                              &until, &e);
      if (r < 0) claims_failed(&e);
      if (r == 1) {
        if (cfg->debug) say_claimed(port, until);
        continue;
      }
    } else if (is_claimed(&cl, port, cfg->debug)) {
      continue;
    }
    status = test_port(cfg, port, 1, msg, sizeof msg);
    if (status == P4M_FREE) return Rf_ScalarInteger(port);
    if (cfg->reserve > 0 && p4m_claims_release(&cl, port, until, &e) < 0)
      claims_failed(&e);
    if (status == P4M_FAILED) p4m_raise("system", NULL, msg);
  }
  if (!cfg->must_work) return Rf_ScalarInteger(-1);
  if (n_checked == n_all)
    snprintf(msg, sizeof msg, "No free port found: every port of the stream "
             "was checked (%lu distinct port%s) and none is free",
             (unsigned long) n_checked, n_checked == 1 ? "" : "s");
  else
    snprintf(msg, sizeof msg, "No free port found after checking %lu "
             "distinct port%s (max_tries = %.0f)", (unsigned long) n_checked,
             n_checked == 1 ? "" : "s", cfg->max_tries);
  p4m_raise("no_port", NULL, msg);
  return R_NilValue;
}

/* ---- entry points ----------------------------------------------------- */

SEXP R_port4me(SEXP tool, SEXP user, SEXP prepend, SEXP include,
               SEXP exclude, SEXP skip, SEXP list, SEXP test, SEXP max_tries,
               SEXP must_work, SEXP reserve, SEXP env, SEXP account)
{
  p4m_config cfg;
  configure(tool, user, prepend, include, exclude, skip, list, test,
            max_tries, must_work, reserve, env, account, &cfg);
  /* XDG_RUNTIME_DIR that is not the user's own (after `su` without `-`,
   * say) is passed over for claims */
  if (cfg.mode != P4M_MODE_LIST && cfg.claims_xdg != NULL &&
      !p4m_claims_private_base(cfg.claims_xdg))
    memcpy(cfg.claims_dir, cfg.claims_alt, sizeof cfg.claims_dir);
  if (cfg.mode == P4M_MODE_TEST) return test_mode(&cfg);
  if (cfg.debug) p4m_report_inputs(&cfg, to_stderr, NULL);
  if (cfg.mode == P4M_MODE_LIST) return list_mode(&cfg);
  return search_mode(&cfg);
}

/* The names of the variables, in the order R_port4me takes their values. */
SEXP R_port4me_vars(void)
{
  SEXP out = PROTECT(Rf_allocVector(STRSXP, P4M_NVARS));
  int i;
  for (i = 0; i < P4M_NVARS; i++)
    SET_STRING_ELT(out, i, Rf_mkChar(p4m_var_names[i]));
  UNPROTECT(1);
  return out;
}

/* The default expansions of {chrome} and {firefox} (for the docs). */
SEXP R_port4me_unsafe(void)
{
  SEXP out = PROTECT(Rf_allocVector(STRSXP, 2));
  SET_STRING_ELT(out, 0, Rf_mkChar(p4m_unsafe_chrome));
  SET_STRING_ELT(out, 1, Rf_mkChar(p4m_unsafe_firefox));
  UNPROTECT(1);
  return out;
}

/* The hash of a string of UTF-8 bytes (for tests). */
SEXP R_port4me_hash(SEXP x)
{
  const char *s = as_text(x, "x");
  uint32_t h = 0;
  size_t bad = 0;
  if (s == NULL || p4m_hash_utf8(0u, s, strlen(s), &h, &bad) != 0)
    internal("x", "a single string of UTF-8 text");
  return Rf_ScalarReal((double) h);
}
