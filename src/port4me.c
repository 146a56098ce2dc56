/* The .Call entry points: check types, convert R values to plain C, call
 * the pure algorithm (hash, lcg, portset, spec, stream, freeport), convert
 * back.  Every error names the argument or environment variable it is
 * about; the R wrappers pass those names along with the values. */
#include <R.h>
#include <Rinternals.h>
#include <string.h>
#include "hash.h"
#include "portset.h"
#include "spec.h"
#include "stream.h"
#include "freeport.h"
#include "port4me.h"

/* The name of element i of a named R object (a source name). */
static const char *name_of(SEXP x, R_xlen_t i)
{
  SEXP nm = Rf_getAttrib(x, R_NamesSymbol);
  if (TYPEOF(nm) != STRSXP || i >= XLENGTH(nm)) return "argument";
  return CHAR(STRING_ELT(nm, i));
}

/* ---- seed hash ------------------------------------------------------- */

/* Hash one named string (a user or tool); `name` says where it came from. */
static uint32_t hash_string(uint32_t h, SEXP x, const char *name)
{
  SEXP c;
  const char *s;
  size_t bad = 0;
  uint32_t out = 0;

  if (TYPEOF(x) != STRSXP || XLENGTH(x) != 1)
    Rf_error("%s must be a single string", name);
  c = STRING_ELT(x, 0);
  if (c == NA_STRING) Rf_error("%s must not be NA", name);
  if (Rf_getCharCE(c) == CE_BYTES)
    Rf_error("%s is marked as \"bytes\"; it must be text in a known encoding",
             name);
  s = Rf_translateCharUTF8(c);
  if (p4m_hash_utf8(h, s, strlen(s), &out, &bad) != 0)
    Rf_error("%s is not valid UTF-8 (invalid byte 0x%02X at byte %d); "
             "port4me hashes Unicode code points, so the name must be text",
             name, (unsigned) (unsigned char) s[bad], (int) bad + 1);
  return out;
}

/* hash("<user>") or hash("<user>,<tool>"); user and tool are named
 * character vectors of length one, tool may be NULL or "". */
static uint32_t seed_hash(SEXP user, SEXP tool)
{
  uint32_t h;
  if (TYPEOF(user) == STRSXP && XLENGTH(user) == 1 &&
      STRING_ELT(user, 0) != NA_STRING && CHAR(STRING_ELT(user, 0))[0] == '\0')
    Rf_error("%s must not be empty", name_of(user, 0));
  h = hash_string(0u, user, name_of(user, 0));
  if (tool != R_NilValue) {
    if (TYPEOF(tool) != STRSXP || XLENGTH(tool) != 1 ||
        STRING_ELT(tool, 0) == NA_STRING)
      Rf_error("%s must be a single string", name_of(tool, 0));
    if (CHAR(STRING_ELT(tool, 0))[0] != '\0') {
      h = p4m_hash_cp(h, (uint32_t) ',');
      h = hash_string(h, tool, name_of(tool, 0));
    }
  }
  return h;
}

SEXP R_port4me_hash(SEXP x)
{
  return Rf_ScalarReal((double) hash_string(0u, x, "x"));
}

/* ---- port sets ----------------------------------------------------------- */

static int add_to_set(void *ctx, uint32_t lo, uint32_t hi)
{
  p4m_set_add_range((p4m_set *) ctx, lo, hi);
  return 0;
}

typedef struct {
  uint16_t *ports;  /* room for 65535 ports */
  size_t n;
  p4m_set seen;
} prepend_list;

static int add_to_list(void *ctx, uint32_t lo, uint32_t hi)
{
  prepend_list *pl = (prepend_list *) ctx;
  uint32_t p;
  for (p = lo; p <= hi; p++) {
    if (!p4m_set_has(&pl->seen, p)) {
      p4m_set_add(&pl->seen, p);
      pl->ports[pl->n++] = (uint16_t) p;
    }
  }
  return 0;
}

/* The {chrome}/{firefox} expansions: a named character vector of length 2. */
static void get_tokens(SEXP tokens, p4m_tokens *tok)
{
  if (TYPEOF(tokens) != STRSXP || XLENGTH(tokens) != 2)
    Rf_error("internal error: tokens must be a character vector of length 2");
  for (int i = 0; i < 2; i++) {
    SEXP c = STRING_ELT(tokens, i);
    const char *s = c == NA_STRING ? "" : CHAR(c);
    if (i == 0) {
      tok->chrome = s;
      tok->chrome_len = strlen(s);
    } else {
      tok->firefox = s;
      tok->firefox_len = strlen(s);
    }
  }
}

/* Feed one source (an integer or double vector of ports, or a specification
 * string) to fn.  NULL and NA_character_ (an unset variable) give nothing. */
static void read_source(SEXP x, const char *name, SEXP tokens,
                        p4m_range_fn fn, void *ctx)
{
  R_xlen_t i, n;

  switch (TYPEOF(x)) {
  case NILSXP:
    return;
  case STRSXP: {
    p4m_tokens tok;
    p4m_spec_error err;
    const char *s;
    if (XLENGTH(x) != 1)
      Rf_error("%s must be a single port specification string, not %lld strings",
               name, (long long) XLENGTH(x));
    if (STRING_ELT(x, 0) == NA_STRING) return;
    s = CHAR(STRING_ELT(x, 0));
    get_tokens(tokens, &tok);
    if (p4m_spec_parse(s, strlen(s), &tok, fn, ctx, &err) != 0) {
      const char *where = name;
      if (err.where == P4M_SPEC_IN_CHROME) where = name_of(tokens, 0);
      if (err.where == P4M_SPEC_IN_FIREFOX) where = name_of(tokens, 1);
      if (where != name)
        Rf_error("%s (used by %s): %s", where, name, err.msg);
      Rf_error("%s: %s", where, err.msg);
    }
    return;
  }
  case INTSXP: {
    const int *v = INTEGER(x);
    n = XLENGTH(x);
    for (i = 0; i < n; i++) {
      if (v[i] == NA_INTEGER)
        Rf_error("%s[%lld] is NA; ports must be whole numbers in 1..65535",
                 name, (long long) i + 1);
      if (v[i] < 1 || v[i] > 65535)
        Rf_error("%s[%lld] is %d; ports must be whole numbers in 1..65535",
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
        Rf_error("%s[%lld] is NA; ports must be whole numbers in 1..65535",
                 name, (long long) i + 1);
      if (!(v[i] >= 1 && v[i] <= 65535) || v[i] != (double) (int) v[i])
        Rf_error("%s[%lld] is %g; ports must be whole numbers in 1..65535",
                 name, (long long) i + 1, v[i]);
    }
    for (i = 0; i < n; i++) fn(ctx, (uint32_t) v[i], (uint32_t) v[i]);
    return;
  }
  default:
    Rf_error("%s must be an integer vector of ports or a port specification "
             "string, not of type '%s'", name, Rf_type2char(TYPEOF(x)));
  }
}

/* Read every source of a named list (argument or variable, then the _SITE
 * variable, ...). */
static void read_sources(SEXP sources, SEXP tokens, p4m_range_fn fn, void *ctx)
{
  R_xlen_t i;
  if (TYPEOF(sources) != VECSXP)
    Rf_error("internal error: port sources must be a list");
  for (i = 0; i < XLENGTH(sources); i++)
    read_source(VECTOR_ELT(sources, i), name_of(sources, i), tokens, fn, ctx);
}

/* Comma-separated names of a list's elements, for error messages. */
static void source_names(SEXP sources, char *buf, size_t size)
{
  R_xlen_t i;
  size_t k = 0;
  buf[0] = '\0';
  for (i = 0; i < XLENGTH(sources) && k + 1 < size; i++) {
    const char *nm = name_of(sources, i);
    int w = snprintf(buf + k, size - k, "%s%s", i ? ", " : "", nm);
    if (w < 0) break;
    k += (size_t) w;
  }
}

/* Everything the stream needs, from the R configuration list:
 * list(user, tool, prepend, include, exclude, tokens, skip). */
typedef struct {
  p4m_set cand;
  p4m_set excl;
  prepend_list pre;
  p4m_stream st;
} stream_setup;

static void setup_stream(SEXP cfg, stream_setup *su)
{
  SEXP user, tool, prepend, include, exclude, tokens, skip;
  double k;
  uint32_t h;

  if (TYPEOF(cfg) != VECSXP || XLENGTH(cfg) != 7)
    Rf_error("internal error: bad port4me configuration");
  user = VECTOR_ELT(cfg, 0);
  tool = VECTOR_ELT(cfg, 1);
  prepend = VECTOR_ELT(cfg, 2);
  include = VECTOR_ELT(cfg, 3);
  exclude = VECTOR_ELT(cfg, 4);
  tokens = VECTOR_ELT(cfg, 5);
  skip = VECTOR_ELT(cfg, 6);

  h = seed_hash(user, tool);

  /* candidates: include (default 1024..65535) minus exclude */
  p4m_set_clear(&su->cand);
  read_sources(include, tokens, add_to_set, &su->cand);
  if (p4m_set_count(&su->cand) == 0) p4m_set_add_range(&su->cand, 1024u, 65535u);
  p4m_set_clear(&su->excl);
  read_sources(exclude, tokens, add_to_set, &su->excl);
  p4m_set_minus(&su->cand, &su->excl);

  /* prepended ports: order kept, duplicates dropped */
  su->pre.n = 0;
  su->pre.ports = NULL;
  if (TYPEOF(prepend) != VECSXP)
    Rf_error("internal error: port sources must be a list");
  for (R_xlen_t i = 0; i < XLENGTH(prepend); i++) {
    SEXP x = VECTOR_ELT(prepend, i);
    if (x == R_NilValue || (TYPEOF(x) == STRSXP && XLENGTH(x) == 1 &&
                            STRING_ELT(x, 0) == NA_STRING))
      continue;
    if (su->pre.ports == NULL) {
      su->pre.ports = (uint16_t *) R_alloc(65536, sizeof(uint16_t));
      p4m_set_clear(&su->pre.seen);
    }
    read_source(x, name_of(prepend, i), tokens, add_to_list, &su->pre);
  }

  if (p4m_stream_init(&su->st, h, su->pre.ports, su->pre.n, &su->cand) != 0) {
    char inc[200], exc[200];
    source_names(include, inc, sizeof inc);
    source_names(exclude, exc, sizeof exc);
    Rf_error("no candidate ports: every port of the include set (%s) is "
             "excluded (by %s)", inc, exc);
  }

  if (TYPEOF(skip) != REALSXP || XLENGTH(skip) != 1)
    Rf_error("internal error: skip must be a double");
  k = REAL(skip)[0];
  if (ISNAN(k) || k < 0 || k > 9007199254740992.0)
    Rf_error("skip must be a whole number >= 0");
  p4m_stream_skip(&su->st, (uint64_t) k);
}

/* ---- entry points ------------------------------------------------------ */

/* The next n ports of the stream, unchecked (list mode). */
SEXP R_port4me_list(SEXP cfg, SEXP n_)
{
  stream_setup su;
  double dn;
  R_xlen_t n, i;
  SEXP out;
  int *o;

  if (TYPEOF(n_) != REALSXP || XLENGTH(n_) != 1)
    Rf_error("internal error: list must be a double");
  dn = REAL(n_)[0];
  if (ISNAN(dn) || dn < 1 || dn > (double) R_XLEN_T_MAX)
    Rf_error("list must be a whole number >= 1");
  n = (R_xlen_t) dn;
  setup_stream(cfg, &su);
  out = PROTECT(Rf_allocVector(INTSXP, n));
  o = INTEGER(out);
  for (i = 0; i < n; i++) {
    if ((i & 0xFFFF) == 0xFFFF) R_CheckUserInterrupt();
    o[i] = (int) p4m_stream_next(&su.st);
  }
  UNPROTECT(1);
  return out;
}

/* The first free port of the stream, -1 after max_tries ports. */
SEXP R_port4me_find(SEXP cfg, SEXP max_tries, SEXP any, SEXP debug)
{
  stream_setup su;
  int tries, max, all_free, dbg;
  char text[256];

  if (TYPEOF(max_tries) != INTSXP || XLENGTH(max_tries) != 1 ||
      INTEGER(max_tries)[0] == NA_INTEGER || INTEGER(max_tries)[0] < 1)
    Rf_error("max_tries must be a whole number >= 1");
  if (TYPEOF(any) != LGLSXP || XLENGTH(any) != 1 ||
      TYPEOF(debug) != LGLSXP || XLENGTH(debug) != 1)
    Rf_error("internal error: flags must be logical");
  max = INTEGER(max_tries)[0];
  all_free = LOGICAL(any)[0] == TRUE;
  dbg = LOGICAL(debug)[0] == TRUE;

  setup_stream(cfg, &su);
  for (tries = 0; tries < max; ) {
    uint32_t port = p4m_stream_next(&su.st);
    p4m_port_status ps;
    tries++;
    if (all_free) {
      if (dbg) REprintf("port4me: port %u counts as free "
                        "(_PORT4ME_CHECK_AVAILABLE_PORTS_=any)\n", port);
      return Rf_ScalarInteger((int) port);
    }
    if (p4m_port_test((int) port, &ps) == P4M_FREE) {
      if (dbg) REprintf("port4me: port %u is free\n", port);
      return Rf_ScalarInteger((int) port);
    }
    if (dbg) REprintf("port4me: port %u skipped: %s\n", port,
                      p4m_port_status_text(&ps, text, sizeof text));
    if ((tries & 0xFF) == 0) R_CheckUserInterrupt();
  }
  return Rf_ScalarInteger(-1);
}

/* Is one port free?  Returns "free", "in use", "permission denied" or
 * "failed"; with debug, says why on stderr. */
SEXP R_port4me_test(SEXP port, SEXP debug)
{
  p4m_port_status ps;
  char text[256];
  int p;
  static const char *codes[] = {"free", "in use", "permission denied", "failed"};

  if (TYPEOF(port) != INTSXP || XLENGTH(port) != 1 ||
      INTEGER(port)[0] == NA_INTEGER || INTEGER(port)[0] < 1 ||
      INTEGER(port)[0] > 65535)
    Rf_error("test must be a port in 1..65535");
  if (TYPEOF(debug) != LGLSXP || XLENGTH(debug) != 1)
    Rf_error("internal error: debug must be logical");
  p = INTEGER(port)[0];
  p4m_port_test(p, &ps);
  if (LOGICAL(debug)[0] == TRUE)
    REprintf("port4me: port %d: %s\n", p,
             p4m_port_status_text(&ps, text, sizeof text));
  if (ps.status < 0 || ps.status > 3) ps.status = 3;
  return Rf_mkString(codes[ps.status]);
}
