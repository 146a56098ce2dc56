/* The .Call entry points: check types, convert R values to plain C, call
 * the pure algorithm (hash, lcg, portset, spec, stream, freeport), convert
 * back.  The R wrapper has checked the arguments it was given; what was not
 * given comes from the environment (settings.c).  Every error names the
 * argument or environment variable it is about, and is raised before any
 * socket is opened.  A call allocates nothing in R but its result, except
 * when it needs room for prepended ports or for a cycle of the stream. */
#include <R.h>
#include <Rinternals.h>
#include <string.h>
#include "hash.h"
#include "portset.h"
#include "spec.h"
#include "stream.h"
#include "freeport.h"
#include "settings.h"
#include "port4me.h"

#define ERROR(...) Rf_errorcall(R_NilValue, __VA_ARGS__)
#define COUNT_MAX 2147483647.0

/* ---- seed hash ------------------------------------------------------- */

/* Continue hash h over a CHARSXP, as Unicode code points. */
static uint32_t hash_charsxp(uint32_t h, SEXP c, const char *name)
{
  const char *s;
  size_t bad = 0;
  uint32_t out = 0;

  if (Rf_getCharCE(c) == CE_BYTES)
    ERROR("%s is marked as \"bytes\"; it must be text in a known encoding",
          name);
  s = Rf_translateCharUTF8(c);
  if (p4m_hash_utf8(h, s, strlen(s), &out, &bad) != 0)
    ERROR("%s is not valid UTF-8 (invalid byte 0x%02X at byte %d); port4me "
          "hashes Unicode code points, so the name must be text",
          name, (unsigned) (unsigned char) s[bad], (int) bad + 1);
  return out;
}

/* Continue hash h over a string from the environment, which must be UTF-8
 * (or ASCII): R is not asked to translate it, since in a UTF-8 session it
 * would turn invalid bytes into "<xx>" escapes and hash those. */
static uint32_t hash_env(uint32_t h, const char *s, const char *name)
{
  size_t bad = 0;
  uint32_t out = 0;
  if (p4m_hash_utf8(h, s, strlen(s), &out, &bad) != 0)
    ERROR("%s is not valid UTF-8 (invalid byte 0x%02X at byte %d); port4me "
          "hashes Unicode code points, so the name must be UTF-8 text",
          name, (unsigned) (unsigned char) s[bad], (int) bad + 1);
  return out;
}

SEXP R_port4me_hash(SEXP x)
{
  if (TYPEOF(x) != STRSXP || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
    ERROR("x must be a single string");
  return Rf_ScalarReal((double) hash_charsxp(0u, STRING_ELT(x, 0), "x"));
}

/* hash("<user>") or hash("<user>,<tool>"); arguments first, then
 * PORT4ME_USER, USER, the account name; PORT4ME_TOOL. */
static uint32_t seed_hash(SEXP user, SEXP tool)
{
  uint32_t h;
  const char *s;

  if (user != R_NilValue) {
    h = hash_charsxp(0u, STRING_ELT(user, 0), "'user'");
  } else if ((s = p4m_env("PORT4ME_USER")) != NULL) {
    h = hash_env(0u, s, "PORT4ME_USER");
  } else if ((s = p4m_env("USER")) != NULL) {
    h = hash_env(0u, s, "USER");
  } else if ((s = p4m_account_name()) != NULL) {
    h = hash_env(0u, s, "the account name");
  } else {
    ERROR("Cannot tell the user name: 'user', PORT4ME_USER and USER are "
          "unset and the operating system does not say");
  }

  if (tool != R_NilValue) {
    SEXP c = STRING_ELT(tool, 0);
    if (CHAR(c)[0] != '\0')
      h = hash_charsxp(p4m_hash_cp(h, (uint32_t) ','), c, "'tool'");
  } else if ((s = p4m_env("PORT4ME_TOOL")) != NULL) {
    h = hash_env(p4m_hash_cp(h, (uint32_t) ','), s, "PORT4ME_TOOL");
  }
  return h;
}

/* ---- port sets ----------------------------------------------------------- */

/* One source of ports: an argument (an R vector) or a variable (a string). */
typedef struct {
  const char *name;
  SEXP value;        /* the argument, or NULL */
  const char *text;  /* the variable's value, or NULL */
} source;

/* The argument, or its variable when the argument is NULL. */
static source arg_or_env(SEXP arg, const char *arg_name, const char *var)
{
  source s;
  if (arg != R_NilValue) {
    s.name = arg_name; s.value = arg; s.text = NULL;
  } else {
    s.name = var; s.value = NULL; s.text = p4m_env(var);
  }
  return s;
}

static source env_source(const char *var, const char *text)
{
  source s;
  s.name = var; s.value = NULL; s.text = text;
  return s;
}

static int add_to_set(void *ctx, uint32_t lo, uint32_t hi)
{
  p4m_set_add_range((p4m_set *) ctx, lo, hi);
  return 0;
}

typedef struct {
  uint16_t *ports;  /* room for 65535 ports, allocated on first use */
  size_t n;
  p4m_set seen;
} prepend_list;

static int add_to_list(void *ctx, uint32_t lo, uint32_t hi)
{
  prepend_list *pl = (prepend_list *) ctx;
  uint32_t p;
  if (pl->ports == NULL) {
    pl->ports = (uint16_t *) R_alloc(65535, sizeof(uint16_t));
    p4m_set_clear(&pl->seen);
  }
  for (p = lo; p <= hi; p++) {
    if (!p4m_set_has(&pl->seen, p)) {
      p4m_set_add(&pl->seen, p);
      pl->ports[pl->n++] = (uint16_t) p;
    }
  }
  return 0;
}

static void parse_text(const char *name, const char *text,
                       const p4m_tokens *tok, p4m_range_fn fn, void *ctx)
{
  p4m_spec_error err;
  if (p4m_spec_parse(text, strlen(text), tok, fn, ctx, &err) == 0) return;
  if (err.where == P4M_SPEC_IN_CHROME)
    ERROR("PORT4ME_EXCLUDE_UNSAFE_CHROME (used by %s): %s", name, err.msg);
  if (err.where == P4M_SPEC_IN_FIREFOX)
    ERROR("PORT4ME_EXCLUDE_UNSAFE_FIREFOX (used by %s): %s", name, err.msg);
  ERROR("%s: %s", name, err.msg);
}

/* Feed one source to fn: an integer or double vector of ports, or a
 * specification string.  An unset variable gives nothing. */
static void read_source(const source *src, const p4m_tokens *tok,
                        p4m_range_fn fn, void *ctx)
{
  SEXP x = src->value;
  const char *name = src->name;
  R_xlen_t i, n;

  if (x == NULL) {
    if (src->text != NULL) parse_text(name, src->text, tok, fn, ctx);
    return;
  }
  switch (TYPEOF(x)) {
  case STRSXP:
    if (XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
      ERROR("'%s' must be a single port specification string", name);
    parse_text(name, CHAR(STRING_ELT(x, 0)), tok, fn, ctx);
    return;
  case INTSXP: {
    const int *v = INTEGER(x);
    n = XLENGTH(x);
    for (i = 0; i < n; i++) {
      if (v[i] == NA_INTEGER)
        ERROR("%s[%lld] is NA; ports must be whole numbers in 1..65535",
              name, (long long) i + 1);
      if (v[i] < 1 || v[i] > 65535)
        ERROR("%s[%lld] is %d; ports must be whole numbers in 1..65535",
              name, (long long) i + 1, v[i]);
    }
    for (i = 0; i < n; i++) fn(ctx, (uint32_t) v[i], (uint32_t) v[i]);
    return;
  }
  case REALSXP: {
    const double *v = REAL(x);
    n = XLENGTH(x);
    for (i = 0; i < n; i++) {
      if (ISNAN(v[i]))
        ERROR("%s[%lld] is NA; ports must be whole numbers in 1..65535",
              name, (long long) i + 1);
      if (!(v[i] >= 1 && v[i] <= 65535) || v[i] != (double) (int) v[i])
        ERROR("%s[%lld] is %g; ports must be whole numbers in 1..65535",
              name, (long long) i + 1, v[i]);
    }
    for (i = 0; i < n; i++) fn(ctx, (uint32_t) v[i], (uint32_t) v[i]);
    return;
  }
  default:
    ERROR("'%s' must be an integer vector of ports or a port specification "
          "string, not of type '%s'", name, Rf_type2char(TYPEOF(x)));
  }
}

static void read_sources(const source *src, int n, const p4m_tokens *tok,
                         p4m_range_fn fn, void *ctx)
{
  for (int i = 0; i < n; i++) read_source(&src[i], tok, fn, ctx);
}

/* ---- the stream ---------------------------------------------------------- */

typedef struct {
  p4m_set cand;
  p4m_set excl;
  prepend_list pre;
  p4m_stream st;
} stream_setup;

static void setup_stream(SEXP user, SEXP tool, SEXP prepend, SEXP include,
                         SEXP exclude, double skip, double n_ports,
                         stream_setup *su)
{
  source inc[2], exc[3], pre[2];
  p4m_tokens tok;
  uint32_t h = seed_hash(user, tool);

  tok.chrome = p4m_env_or("PORT4ME_EXCLUDE_UNSAFE_CHROME", p4m_unsafe_chrome);
  tok.chrome_len = strlen(tok.chrome);
  tok.firefox = p4m_env_or("PORT4ME_EXCLUDE_UNSAFE_FIREFOX", p4m_unsafe_firefox);
  tok.firefox_len = strlen(tok.firefox);

  /* candidates: include (default 1024..65535) minus exclude */
  inc[0] = arg_or_env(include, "include", "PORT4ME_INCLUDE");
  inc[1] = env_source("PORT4ME_INCLUDE_SITE", p4m_env("PORT4ME_INCLUDE_SITE"));
  p4m_set_clear(&su->cand);
  read_sources(inc, 2, &tok, add_to_set, &su->cand);
  if (p4m_set_count(&su->cand) == 0) p4m_set_add_range(&su->cand, 1024u, 65535u);

  exc[0] = arg_or_env(exclude, "exclude", "PORT4ME_EXCLUDE");
  exc[1] = env_source("PORT4ME_EXCLUDE_SITE", p4m_env("PORT4ME_EXCLUDE_SITE"));
  exc[2] = env_source("PORT4ME_EXCLUDE_UNSAFE",
                      p4m_env_or("PORT4ME_EXCLUDE_UNSAFE", "{chrome},{firefox}"));
  p4m_set_clear(&su->excl);
  read_sources(exc, 3, &tok, add_to_set, &su->excl);
  p4m_set_minus(&su->cand, &su->excl);

  /* prepended ports: order kept, duplicates dropped */
  pre[0] = arg_or_env(prepend, "prepend", "PORT4ME_PREPEND");
  pre[1] = env_source("PORT4ME_PREPEND_SITE", p4m_env("PORT4ME_PREPEND_SITE"));
  su->pre.ports = NULL;
  su->pre.n = 0;
  read_sources(pre, 2, &tok, add_to_list, &su->pre);

  if (p4m_stream_init(&su->st, h, su->pre.ports, su->pre.n, &su->cand) != 0)
    ERROR("No candidate ports: every port of the include set (%s, %s) is "
          "excluded (by %s, %s, %s)", inc[0].name, inc[1].name, exc[0].name,
          exc[1].name, exc[2].name);

  /* With few candidates, each generated port costs 65536 / n_cand
   * generator steps; a stream that goes round such a cycle more than once
   * remembers it instead (at most 8 KiB). */
  if (su->st.n_cand < 4096 &&
      skip + n_ports > (double) su->st.n_cand + (double) su->pre.n)
    p4m_stream_cache(&su->st, (uint16_t *) R_alloc(su->st.n_cand,
                                                   sizeof(uint16_t)));
  p4m_stream_skip(&su->st, (uint64_t) skip);
}

/* A whole number in min..max from an argument (already checked in R;
 * checked again here, so that no value can reach the casts below) or from
 * a variable; -1 when neither is set. */
static double count_of(SEXP arg, const char *name, const char *var,
                       double min, double max)
{
  double v;
  if (arg == R_NilValue) {
    if (var == NULL) ERROR("'%s' must be a single whole number", name);
    return p4m_env_count(var, min, max);
  }
  v = (TYPEOF(arg) == INTSXP || TYPEOF(arg) == REALSXP) && XLENGTH(arg) == 1
    ? Rf_asReal(arg) : NA_REAL;
  if (ISNAN(v) || v < min || v > max || v != (double) (long long) v)
    ERROR("'%s' must be a single whole number in %.0f..%.0f", name, min, max);
  return v;
}

/* A single string argument, or NULL. */
static void check_string(SEXP x, const char *name)
{
  if (x != R_NilValue && (TYPEOF(x) != STRSXP || XLENGTH(x) != 1 ||
                          STRING_ELT(x, 0) == NA_STRING))
    ERROR("'%s' must be NULL or a single string", name);
}

/* ---- entry point ---------------------------------------------------------- */

SEXP R_port4me(SEXP tool, SEXP user, SEXP prepend, SEXP include,
               SEXP exclude, SEXP skip_, SEXP list_, SEXP test_,
               SEXP max_tries_, SEXP must_work_)
{
  int any = p4m_env_check_any();
  int debug = p4m_env_debug();
  double test = count_of(test_, "test", "PORT4ME_TEST", 1, 65535);
  double skip, list;
  double max_tries = count_of(max_tries_, "max_tries", NULL, 1, COUNT_MAX);
  int must_work = Rf_asLogical(must_work_);
  stream_setup su;
  p4m_port_status ps;
  char text[256];
  double tries;

  check_string(tool, "tool");
  check_string(user, "user");

  if (test >= 0) {
    if (any) return Rf_ScalarLogical(TRUE);
    p4m_port_test((int) test, &ps);
    if (debug)
      REprintf("port4me: port %d: %s\n", (int) test,
               p4m_port_status_text(&ps, text, sizeof text));
    return Rf_ScalarLogical(ps.status == P4M_FREE);
  }

  skip = count_of(skip_, "skip", "PORT4ME_SKIP", 0, COUNT_MAX);
  if (skip < 0) skip = 0;
  list = count_of(list_, "list", "PORT4ME_LIST", 1, COUNT_MAX);

  if (list >= 1) {
    R_xlen_t i, n = (R_xlen_t) list;
    SEXP out;
    int *o;
    setup_stream(user, tool, prepend, include, exclude, skip, list, &su);
    out = PROTECT(Rf_allocVector(INTSXP, n));
    o = INTEGER(out);
    for (i = 0; i < n; i++) {
      if ((i & 0xFFFF) == 0xFFFF) R_CheckUserInterrupt();
      o[i] = (int) p4m_stream_next(&su.st);
    }
    UNPROTECT(1);
    return out;
  }

  setup_stream(user, tool, prepend, include, exclude, skip,
               any ? 1 : max_tries, &su);
  for (tries = 1; tries <= max_tries; tries++) {
    uint32_t port = p4m_stream_next(&su.st);
    if (any) {
      if (debug) REprintf("port4me: port %u counts as free "
                          "(_PORT4ME_CHECK_AVAILABLE_PORTS_=any)\n", port);
      return Rf_ScalarInteger((int) port);
    }
    if (p4m_port_test((int) port, &ps) == P4M_FREE) {
      if (debug) REprintf("port4me: port %u is free\n", port);
      return Rf_ScalarInteger((int) port);
    }
    if (debug) REprintf("port4me: port %u skipped: %s\n", port,
                        p4m_port_status_text(&ps, text, sizeof text));
    if (((long) tries & 0xFF) == 0) R_CheckUserInterrupt();
  }
  if (must_work != FALSE)
    ERROR("No free port found after checking %.0f ports (max_tries = %.0f)",
          max_tries, max_tries);
  return Rf_ScalarInteger(-1);
}
