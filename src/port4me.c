/* The .Call entry points: a thin layer.  Convert what R hands over to plain
 * C (the R wrapper has checked the types of the arguments and read the
 * environment; here only lengths are checked, so that no value is read
 * past its end), let settings.c apply the rules and modes.c do the work,
 * and convert the result back or raise the error (conditions.c).
 *
 * While a mode runs, R code may run (a debug message and its handlers) and
 * R may unwind (Ctrl-C, R_CheckUserInterrupt): the mode runs inside
 * R_UnwindProtect, whose cleanup releases whatever the call holds
 * (p4m_run_cleanup: claims folders, the lock, a claim not yet kept). */
#define R_NO_REMAP
#define STRICT_R_HEADERS
#include <R.h>
#include <Rinternals.h>
#include <string.h>
#include "cli.h"
#include "conditions.h"
#include "hash.h"
#include "modes.h"
#include "settings.h"
#include "table.h"
#include "value.h"
#include "port4me.h"

static void bug(const char *what)
{
  Rf_error("port4me: internal error: %s", what);
}

/* ---- converting R values ---------------------------------------------- */

static void *r_alloc(void *ctx, size_t bytes)
{
  (void) ctx;
  return R_alloc(bytes, 1);
}

/* The value of an argument: NULL, a string, numbers, or TRUE/FALSE, as
 * the R wrapper checked them. */
static void given_value(SEXP x, int from, p4m_given *g)
{
  memset(g, 0, sizeof *g);
  if (x == R_NilValue) return;
  g->from = from;
  switch (TYPEOF(x)) {
  case STRSXP:
    if (XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
      bug("a string of length other than 1, or NA");
    g->text = CHAR(STRING_ELT(x, 0));
    break;
  case INTSXP:
    g->ints = INTEGER(x);
    g->n = (size_t) XLENGTH(x);
    break;
  case REALSXP:
    g->dbls = REAL(x);
    g->n = (size_t) XLENGTH(x);
    break;
  case LGLSXP:
    if (XLENGTH(x) != 1 || LOGICAL(x)[0] == NA_LOGICAL)
      bug("a flag of length other than 1, or NA");
    g->flag = LOGICAL(x)[0] != 0;
    break;
  default:
    bug("a value of an unexpected type");
  }
}

/* The R wrapper checks the types of the arguments (R/validate.R); what a
 * direct .Call hands over is only checked here for what could make C read
 * the wrong memory: the form of the value for its kind, and one number
 * for a single value. */
static void check_shape(const p4m_given *g, int kind)
{
  int text = g->text != NULL, numbers = g->ints != NULL || g->dbls != NULL;
  if (g->from == P4M_FROM_NONE) return;
  switch (kind) {
  case P4M_K_NAME:
    if (!text) bug("a name that is not a string");
    break;
  case P4M_K_PORTS:
    if (!text && !numbers) bug("ports that are neither a string nor numbers");
    break;
  case P4M_K_COUNT:
  case P4M_K_PORT:
  case P4M_K_SECONDS:
    if (!numbers || g->n != 1) bug("not one number for a single value");
    break;
  case P4M_K_FLAG:
    if (text || numbers) bug("a flag that is not TRUE or FALSE");
    break;
  default:
    bug("an argument for a row that takes none");
  }
}

/* The input: `from` 1 (arguments of port4me(): `given` is a list of them,
 * NULL when not given, in the order of the table's rows that have one) or
 * 2 (command-line options: `given` is a character vector by row of the
 * table, NA when not given); `env` (the values of the rows that have a
 * variable, in table order; NA when unset), `account` (NULL or a
 * string). */
static void read_input(SEXP given, SEXP from, SEXP env, SEXP account,
                       p4m_input *in)
{
  int i, k = 0, a = 0, src;
  if (TYPEOF(from) != INTSXP || XLENGTH(from) != 1 || TYPEOF(env) != STRSXP)
    bug("the arguments of the .Call");
  src = INTEGER(from)[0] == 2 ? P4M_FROM_OPTION : P4M_FROM_ARG;
  if (src == P4M_FROM_OPTION
      ? (TYPEOF(given) != STRSXP || XLENGTH(given) != P4M_NROWS)
      : TYPEOF(given) != VECSXP)
    bug("the given values of the .Call");
  for (i = 0; i < P4M_NROWS; i++) {
    memset(&in->given[i], 0, sizeof in->given[i]);
    if (src == P4M_FROM_OPTION) {
      if (STRING_ELT(given, i) != NA_STRING) {
        in->given[i].from = P4M_FROM_OPTION;
        in->given[i].text = CHAR(STRING_ELT(given, i));
      }
    } else if (p4m_table[i].arg != NULL) {
      if (a >= XLENGTH(given)) bug("fewer arguments than the table has");
      given_value(VECTOR_ELT(given, a++), src, &in->given[i]);
      check_shape(&in->given[i], p4m_table[i].kind);
    }
    in->env[i] = NULL;
    if (p4m_table[i].var == NULL) continue;
    if (k >= XLENGTH(env)) bug("fewer values than variables");
    if (STRING_ELT(env, k) != NA_STRING) in->env[i] = CHAR(STRING_ELT(env, k));
    k++;
  }
  if (k != XLENGTH(env)) bug("more values than variables");
  if (src == P4M_FROM_ARG && a != XLENGTH(given))
    bug("more arguments than the table has");
  in->account = (TYPEOF(account) == STRSXP && XLENGTH(account) == 1 &&
                 STRING_ELT(account, 0) != NA_STRING)
    ? CHAR(STRING_ELT(account, 0)) : NULL;
  in->uid = p4m_claims_uid;
  in->host = p4m_claims_host;
  in->alloc = r_alloc;
  in->alloc_ctx = NULL;
}

/* ---- running a mode --------------------------------------------------- */

static void line_to_r(void *ctx, const char *line)
{
  (void) ctx;
  p4m_message(line);
}

static int poll_r(void *ctx)
{
  (void) ctx;
  R_CheckUserInterrupt();   /* (unwinds on Ctrl-C: see the top) */
  return 0;
}

typedef struct {
  const p4m_config *cfg;
  p4m_ops ops;
  p4m_run run;
  p4m_error e;
  int rc, value;
  SEXP list;   /* MODE_LIST: the result, allocated and protected */
} call_state;

static SEXP run_body(void *data)
{
  call_state *s = (call_state *) data;
  uint16_t cycle[4096];
  switch (s->cfg->mode) {
  case P4M_MODE_TEST:
    s->rc = p4m_test(s->cfg, &s->ops, &s->run, &s->value, &s->e);
    break;
  case P4M_MODE_RELEASE:
    s->rc = p4m_release(s->cfg, &s->ops, &s->run, &s->value, &s->e);
    break;
  case P4M_MODE_LIST:
    s->rc = p4m_list(s->cfg, &s->ops, INTEGER(s->list), cycle, &s->e);
    break;
  default:
    s->rc = p4m_search(s->cfg, &s->ops, &s->run, &s->value, &s->e);
  }
  return R_NilValue;
}

static void run_cleanup(void *data, Rboolean jump)
{
  (void) jump;
  p4m_run_cleanup(&((call_state *) data)->run);
}

static SEXP run(SEXP given, SEXP from, SEXP env, SEXP account)
{
  p4m_input in;
  p4m_config cfg;
  call_state s;
  SEXP cont, out;

  read_input(given, from, env, account, &in);
  if (p4m_configure(&in, &cfg, &s.e) != 0) p4m_raise(&s.e);
  s.cfg = &cfg;
  s.ops.line = line_to_r;
  s.ops.poll = poll_r;
  s.ops.ctx = NULL;
  s.ops.now = NULL;
  p4m_run_init(&s.run);
  s.rc = 0;
  s.value = 0;
  s.list = R_NilValue;
  if (cfg.debug && cfg.mode != P4M_MODE_TEST && cfg.mode != P4M_MODE_RELEASE)
    p4m_report_inputs(&cfg, line_to_r, NULL);
  if (cfg.mode == P4M_MODE_LIST)
    s.list = Rf_allocVector(INTSXP, (R_xlen_t) cfg.list);
  PROTECT(s.list);
  if (cfg.mode == P4M_MODE_LIST) {
    /* nothing to close (no socket, no claims folder), so no unwind
       protection, whose continuation token costs a list = 1 call 15% */
    (void) run_body(&s);
  } else {
    cont = PROTECT(R_MakeUnwindCont());
    R_UnwindProtect(run_body, &s, run_cleanup, &s, cont);
    UNPROTECT(1);
  }
  if (s.rc != 0) p4m_raise(&s.e);
  switch (cfg.mode) {
  case P4M_MODE_LIST: out = s.list; break;
  case P4M_MODE_SEARCH: out = Rf_ScalarInteger(s.value); break;
  default: out = Rf_ScalarLogical(s.value != 0);
  }
  UNPROTECT(1);
  return out;
}

/* ---- entry points ----------------------------------------------------- */

SEXP R_port4me(SEXP given, SEXP from, SEXP env, SEXP account)
{
  return run(given, from, env, account);
}

/* The command line's arguments (bytes) as the values of the table's rows:
 * a character vector by row (NA: not given), with attribute "action"
 * ("run", "help" or "version"). */
SEXP R_port4me_cli(SEXP argv)
{
  p4m_cli cli;
  p4m_error e;
  const char **a;
  R_xlen_t i, n;
  SEXP out;
  static const char *const actions[] = {"run", "help", "version"};
  if (TYPEOF(argv) != STRSXP) bug("the arguments are not strings");
  n = XLENGTH(argv);
  a = (const char **) R_alloc((size_t) n + 1, sizeof *a);
  for (i = 0; i < n; i++)
    a[i] = STRING_ELT(argv, i) == NA_STRING ? "NA" : CHAR(STRING_ELT(argv, i));
  if (p4m_cli_parse((size_t) n, a, &cli, &e) != 0) p4m_raise(&e);
  out = PROTECT(Rf_allocVector(STRSXP, P4M_NROWS));
  for (i = 0; i < P4M_NROWS; i++)
    SET_STRING_ELT(out, i, cli.value[i] == NULL ? NA_STRING
                   : Rf_mkChar(cli.value[i]));
  Rf_setAttrib(out, Rf_install("action"),
               PROTECT(Rf_mkString(actions[cli.action])));
  UNPROTECT(2);
  return out;
}

/* The settings table, as a list of columns. */
SEXP R_port4me_table(void)
{
  static const char *const names[] = {
    "arg", "var", "opt", "kind", "min", "max", "default", "group",
    "placeholder", "help", "rule"
  };
  static const char *const kinds[] = {
    "name", "ports", "count", "port", "seconds", "flag", "hook", "path",
    "action"
  };
  static const char *const groups[] = {
    "user", "site", "testing", "system", "cli"
  };
  const int ncol = (int) (sizeof names / sizeof names[0]);
  SEXP out = PROTECT(Rf_allocVector(VECSXP, ncol)), nm, col;
  int i, j;
  char rule[128];
  nm = PROTECT(Rf_allocVector(STRSXP, ncol));
  for (j = 0; j < ncol; j++) {
    SET_STRING_ELT(nm, j, Rf_mkChar(names[j]));
    col = (j == 4 || j == 5) ? Rf_allocVector(REALSXP, P4M_NROWS)
      : Rf_allocVector(STRSXP, P4M_NROWS);
    SET_VECTOR_ELT(out, j, col);
  }
  for (i = 0; i < P4M_NROWS; i++) {
    const p4m_row *r = &p4m_table[i];
    const char *text[] = {
      r->arg, r->var, r->opt, kinds[r->kind], NULL, NULL, r->dflt,
      groups[r->group], r->placeholder, r->help, p4m_rule(i, rule, sizeof rule)
    };
    for (j = 0; j < ncol; j++) {
      col = VECTOR_ELT(out, j);
      if (j == 4) REAL(col)[i] = r->min;
      else if (j == 5) REAL(col)[i] = r->max;
      else SET_STRING_ELT(col, i, text[j] == NULL ? NA_STRING
                          : Rf_mkChar(text[j]));
    }
  }
  Rf_setAttrib(out, R_NamesSymbol, nm);
  UNPROTECT(2);
  return out;
}

/* The display form of a string in messages (value.h), for R's messages. */
SEXP R_port4me_show(SEXP x)
{
  char buf[200];
  if (TYPEOF(x) != STRSXP || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
    bug("show() needs a single string");
  return Rf_mkString(p4m_show(CHAR(STRING_ELT(x, 0)), buf, sizeof buf));
}

/* The hash of a string of UTF-8 bytes (for tests). */
SEXP R_port4me_hash(SEXP x)
{
  uint32_t h = 0;
  size_t bad = 0;
  const char *s;
  if (TYPEOF(x) != STRSXP || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
    bug("hash() needs a single string");
  s = CHAR(STRING_ELT(x, 0));
  if (p4m_hash_utf8(0u, s, strlen(s), &h, &bad) != 0)
    bug("hash() needs UTF-8 text");
  return Rf_ScalarReal((double) h);
}
