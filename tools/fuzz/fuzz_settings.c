/* libFuzzer harness for the settings (src/settings.c with value.c,
 * table.c, spec.c, portset.c, hash.c, unsafe.c, error.c): p4m_configure()
 * against a model of SPEC sections 1-4 and 8 written here.
 *
 * Input: records separated by NUL bytes (the last may end with the input),
 * each "<form><row><value>": the row is a row of the settings table
 * (src/table.h), 'A' + its index (any byte, modulo the number of rows:
 * A tool, B user, C prepend, D include, E exclude, F skip, G list, H test,
 * I max_tries, J must_work, K reserve, L release, M debug, N-P the _SITE
 * variables, Q PORT4ME_EXCLUDE_UNSAFE, R _CHROME, S _FIREFOX,
 * T _PORT4ME_CHECK_AVAILABLE_PORTS_, U USER, V XDG_RUNTIME_DIR,
 * W R_USER_CACHE_DIR, X XDG_CACHE_HOME, Y LOCALAPPDATA, Z HOME, [ TMPDIR);
 * the form says how it is given:
 *   e  its variable (a record with no value: set and empty)
 *   a  its argument: a string (names, port sets), a number read by
 *      strtod() (counts, ports, seconds: NaN, Inf, -1, 1.5 reach C as they
 *      are), or TRUE when the first byte is odd (flags)
 *   i  its argument as an integer vector ("4321,-5 70000"), d as a double
 *      vector (strtod() after every separator)
 *   o  its command-line option (the value as a string)
 *   c  the account name, u the user id (a number), h the host name (the
 *      row byte is read and ignored)
 * Any other form byte is taken modulo the number of forms.  A later record
 * for the same thing wins; an argument and an option of one row share one
 * slot, as in p4m_input.  Forms that a row does not have (an option of
 * USER, an argument of debug, ...) are dropped, as R and the command line
 * never make them.
 *
 * Invariants (abort() on violation):
 *  - p4m_configure() returns 0 exactly when the model finds nothing wrong,
 *    else -1 with an error of kind P4M_E_INVALID from the first source the
 *    model finds wrong, in the order the settings are read;
 *  - the message is printable ASCII, starts with the source's name (the
 *    one exception: no user at all), and is exactly the model's: for a
 *    value "<source> must be <rule>, not <value>[: <why>]" with the value
 *    shown as model-show.h says, the element of a vector, the UTF-8 byte and
 *    position; the port parser's own reason (fuzz_spec checks it) is taken
 *    from p4m_spec_parse();
 *  - the source was given: an argument or option of the call, a variable
 *    that is set (or PORT4ME_EXCLUDE_UNSAFE, whose default applies when it
 *    is unset), the account name, or "user" when no user is known at all;
 *  - a config holds what the model says: mode and port, counts (in their
 *    ranges), flags, where max_tries came from, user and tool (the very
 *    strings given) with their sources, the hash of "<user>[,<tool>]" over
 *    code points, include (1024-65535 only when no include source names a
 *    port), exclude and the candidates word for word (never empty), the
 *    origins (exactly the sources that gave ports, in order), the prepend
 *    list (order kept, no duplicates; room asked for once, exactly when
 *    there are ports), the claims folders (Linux rules) with their bases
 *    and sources; the user id and the host asked for only when needed;
 *  - nothing is read outside the strings given (each lives in a heap block
 *    of its own size, so AddressSanitizer sees an overread). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "settings.h"
#include "spec.h"
#include "unsafe.h"

#include "check.h"
#include "model-show.h"

#if defined(_WIN32) || defined(__APPLE__)
# error "the claims-folder model below is the Linux rule"
#endif

/* The model's loops over ports are no coverage targets. */
#if defined(__clang__)
# define NO_COVERAGE __attribute__((noinline, no_sanitize("coverage")))
#else
# define NO_COVERAGE
#endif

#define NR P4M_NROWS
#define WORDS (65536 / 64)

/* ---- the input ---------------------------------------------------------- */

enum { G_NONE, G_TEXT, G_INTS, G_DBLS, G_OPTION };

static char *given_text[NR];     /* the argument's or option's bytes */
static int given_as[NR];         /* G_* */
static char *env_text[NR];
static char *account, *host_text, *uid_text;
static int vec_ints[NR][64];
static double vec_dbls[NR][64];
static size_t vec_n[NR];
static double number_arg[NR];

static void clear_input(void)
{
  int r;
  for (r = 0; r < NR; r++) {
    free(given_text[r]); given_text[r] = NULL; given_as[r] = G_NONE;
    free(env_text[r]); env_text[r] = NULL;
  }
  free(account); free(host_text); free(uid_text);
  account = host_text = uid_text = NULL;
}

static char *copy(const uint8_t *s, size_t n)
{
  char *p = (char *) malloc(n + 1);
  CHECK(p != NULL);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* The numbers of s: integers (saturated to int) or doubles by strtod(). */
static void vector(int row, const char *s, int dbl)
{
  size_t n = 0;
  const char *p = s;
  while (*p != '\0' && n < 64) {
    char *end;
    if (dbl) {
      double v = strtod(p, &end);
      if (end == p) { p++; continue; }
      vec_dbls[row][n++] = v;
    } else {
      long long v = 0;
      int neg = 0;
      if (*p == '-' && p[1] >= '0' && p[1] <= '9') { neg = 1; p++; }
      if (*p < '0' || *p > '9') { p++; continue; }
      for (; *p >= '0' && *p <= '9'; p++)
        if (v < 10000000000LL) v = v * 10 + (*p - '0');
      if (neg) v = -v;
      if (v > 2147483647LL) v = 2147483647LL;
      if (v < -2147483647LL - 1) v = -2147483647LL - 1;
      vec_ints[row][n++] = (int) v;
      end = (char *) p;
    }
    p = end;
  }
  vec_n[row] = n;
}

static void split(const uint8_t *data, size_t size)
{
  static const char forms[] = "eaidochu";
  size_t i = 0;
  while (i < size) {
    size_t start = i + 2, end;
    const char *f = data[i] != 0 ? strchr(forms, data[i]) : NULL;
    char form = f != NULL ? *f : forms[data[i] % 8];
    int row = i + 1 < size ? (int) ((uint8_t) (data[i + 1] - 'A') % NR) : 0;
    const p4m_row *r = &p4m_table[row];
    char *value;
    if (i + 1 < size && data[i + 1] == 0) start = i + 1;  /* no row byte */
    if (start > size) start = size;
    for (end = start; end < size && data[end] != 0; end++) ;
    value = copy(data + start, end - start);
    i = end + 1;
    if (form == 'c') { free(account); account = value; continue; }
    if (form == 'h') { free(host_text); host_text = value; continue; }
    if (form == 'u') { free(uid_text); uid_text = value; continue; }
    if ((form == 'e' && r->var == NULL) || (form == 'o' && r->opt == NULL) ||
        (form != 'e' && form != 'o' && r->arg == NULL) ||
        ((form == 'i' || form == 'd') &&
         (r->kind == P4M_K_NAME || r->kind == P4M_K_FLAG))) {
      free(value);
      continue;
    }
    if (form == 'e') { free(env_text[row]); env_text[row] = value; continue; }
    if (form == 'i' || form == 'd') {
      vector(row, value, form == 'd');
      if (vec_n[row] == 0 && r->kind != P4M_K_PORTS) { free(value); continue; }
    }
    free(given_text[row]);
    given_text[row] = value;
    given_as[row] = form == 'o' ? G_OPTION : form == 'i' ? G_INTS
      : form == 'd' ? G_DBLS : G_TEXT;
  }
}

/* ---- the callbacks ------------------------------------------------------ */

static void *block;
static size_t block_bytes;
static int n_alloc, n_uid, n_host;

static void *fuzz_alloc(void *ctx, size_t bytes)
{
  CHECK(ctx == &block);
  n_alloc++;
  block = malloc(bytes);
  CHECK(block != NULL);
  block_bytes = bytes;
  return block;
}

static long uid_value(void)
{
  return uid_text != NULL ? strtol(uid_text, NULL, 10) % 100000000L : 1000;
}
static long fuzz_uid(void)
{
  n_uid++;
  return uid_value();
}
static void host_value(char *buf, size_t n)
{
  snprintf(buf, n, "%s", host_text != NULL ? host_text : "h");
}
static void fuzz_host(char *buf, size_t n)
{
  n_host++;
  CHECK(n >= 2);
  host_value(buf, n);
}

/* ---- the model ---------------------------------------------------------- */

static p4m_input in;
static p4m_config cfg;
static p4m_error err;

static struct {
  const char *source;
  char message[800];
} first;
static int faulted;

static void fault(const char *source, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
static void fault(const char *source, const char *fmt, ...)
{
  va_list ap;
  if (faulted) return;
  faulted = 1;
  first.source = source;
  va_start(ap, fmt);
  vsnprintf(first.message, sizeof first.message, fmt, ap);
  va_end(ap);
}

/* The name of a row's source: argument, option or variable. */
static const char *name_of(int row)
{
  const p4m_row *r = &p4m_table[row];
  return given_as[row] == G_OPTION ? r->opt
    : given_as[row] != G_NONE ? r->arg : r->var;
}

/* A variable's value; unset and empty are the same. */
static const char *var(int row)
{
  return env_text[row] != NULL && env_text[row][0] != '\0' ? env_text[row]
    : NULL;
}

static const char *rule(int row, char *b)
{
  const p4m_row *r = &p4m_table[row];
  switch (r->kind) {
  case P4M_K_NAME: return r->min >= 1 ? "a non-empty string of text"
      : "a string of text";
  case P4M_K_PORTS: return "ports in 1..65535";
  case P4M_K_PORT: return "a port in 1..65535";
  case P4M_K_COUNT:
    sprintf(b, "a whole number in %.0f..%.0f", r->min, r->max);
    return b;
  case P4M_K_SECONDS:
    sprintf(b, "a whole number of seconds in %.0f..%.0f", r->min, r->max);
    return b;
  case P4M_K_FLAG: return "true or false";
  default: return "unset, empty or \"any\"";
  }
}

static void bad_text(int row, const char *source, const char *text)
{
  char b[96], shown[MODEL_SHOW_MAX];
  fault(source, "%s must be %s, not %s", source, rule(row, b),
        model_show(text, shown));
}

static int space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
    c == '\v';
}

/* s without the white space around it (a new string) */
static char *trimmed(const char *s)
{
  size_t a = 0, b = strlen(s);
  char *t;
  while (a < b && space(s[a])) a++;
  while (b > a && space(s[b - 1])) b--;
  t = (char *) malloc(b - a + 1);
  CHECK(t != NULL);
  memcpy(t, s + a, b - a);
  t[b - a] = '\0';
  return t;
}

/* The text of a row: the option's value, else its variable. */
static const char *text_of(int row)
{
  return given_as[row] == G_OPTION ? given_text[row] : var(row);
}

static double m_number(int row, double unset)
{
  const p4m_row *r = &p4m_table[row];
  const char *s;
  char *t;
  size_t i;
  double v = 0;
  int bad;
  if (given_as[row] == G_TEXT || given_as[row] == G_INTS ||
      given_as[row] == G_DBLS) {
    char b[96], shown[64];
    v = given_as[row] == G_TEXT ? number_arg[row]
      : given_as[row] == G_INTS ? vec_ints[row][0] : vec_dbls[row][0];
    if (!(v >= r->min && v <= r->max && v == floor(v)))
      fault(r->arg, "%s must be %s, not %s", r->arg, rule(row, b),
            model_show_number(v, shown));
    return v;
  }
  s = text_of(row);
  if (s == NULL) return r->dflt != NULL ? strtod(r->dflt, NULL) : unset;
  t = trimmed(s);
  for (i = 0; t[i] >= '0' && t[i] <= '9'; i++) ;
  bad = t[0] == '\0' || t[i] != '\0' || (v = strtod(t, NULL)) < r->min ||
    v > r->max;
  free(t);
  if (bad) {
    bad_text(row, name_of(row), s);
    return unset;
  }
  return v;
}

static int m_flag(int row)
{
  static const char *const words[2][5] = {
    {"false", "FALSE", "False", "0", "no"},
    {"true", "TRUE", "True", "1", "yes"}
  };
  const char *s;
  char *t;
  int v, i;
  if (given_as[row] == G_TEXT) return given_text[row][0] & 1;
  s = text_of(row);
  if (s == NULL) return strcmp(p4m_table[row].dflt, "true") == 0;
  t = trimmed(s);
  for (v = 0; v < 2; v++)
    for (i = 0; i < 5; i++)
      if (strcmp(t, words[v][i]) == 0) { free(t); return v; }
  free(t);
  bad_text(row, name_of(row), s);
  return 0;
}

/* Well-formed UTF-8 (Unicode table 3-7); continues the hash over the code
 * points.  -1, or the byte offset of the first ill-formed sequence. */
static long utf8_hash(const char *str, uint32_t *h)
{
  const uint8_t *s = (const uint8_t *) str, *start = s;
  while (*s) {
    uint32_t c = s[0], cp;
    uint8_t lo = 0x80, hi = 0xBF;
    int more, k;
    if (c < 0x80) { cp = c; more = 0; }
    else if (c >= 0xC2 && c <= 0xDF) { cp = c - 0xC0; more = 1; }
    else if (c == 0xE0) { cp = 0; more = 2; lo = 0xA0; }
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      cp = c - 0xE0; more = 2;
    }
    else if (c == 0xED) { cp = 0xD; more = 2; hi = 0x9F; }
    else if (c == 0xF0) { cp = 0; more = 3; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) { cp = c - 0xF0; more = 3; }
    else if (c == 0xF4) { cp = 4; more = 3; hi = 0x8F; }
    else return s - start;
    for (k = 1; k <= more; k++) {
      uint8_t lo_k = k == 1 ? lo : 0x80, hi_k = k == 1 ? hi : 0xBF;
      if (s[k] < lo_k || s[k] > hi_k) return s - start;   /* also the NUL */
      cp = cp * 64 + (s[k] - 0x80u);
    }
    *h = *h * 31u + cp;
    s += more + 1;
  }
  return -1;
}

static void m_name(int row, const char *source, const char *text, uint32_t *h)
{
  long bad;
  char b[96], shown[MODEL_SHOW_MAX];
  if (p4m_table[row].min >= 1 && text[0] == '\0') {
    fault(source, "%s must be %s, not \"\"", source, rule(row, b));
    return;
  }
  bad = utf8_hash(text, h);
  if (bad >= 0)
    fault(source, "%s must be %s, not %s: not valid UTF-8 (byte 0x%02X "
          "at position %ld); port4me hashes the code points of names",
          source, rule(row, b), model_show(text, shown),
          (unsigned) (uint8_t) text[bad], bad + 1);
}

typedef struct {
  int mode, any, debug, must_work, port;
  double skip, list, max_tries, reserve;
  const char *max_tries_from, *user, *user_from, *tool, *tool_from;
  uint32_t hash;
  const char *inc_from[3], *exc_from[3], *pre_from[3];
  int n_inc_from, n_exc_from, n_pre_from, inc_default, n_claims;
  char claims[P4M_MAX_CLAIMS_DIRS][P4M_PATH_MAX + 8];
  size_t claims_base[P4M_MAX_CLAIMS_DIRS];
  const char *claims_from[P4M_MAX_CLAIMS_DIRS];
  int uid_asked, host_asked;
} model;
static model m;

static void m_seed(void)
{
  uint32_t h = 0;
  if (given_as[P4M_USER] != G_NONE) {
    m.user = given_text[P4M_USER]; m.user_from = name_of(P4M_USER);
  } else if (var(P4M_USER)) {
    m.user = var(P4M_USER); m.user_from = p4m_table[P4M_USER].var;
  } else if (var(P4M_OS_USER)) {
    m.user = var(P4M_OS_USER); m.user_from = p4m_table[P4M_OS_USER].var;
  } else if (account != NULL && account[0] != '\0') {
    m.user = account; m.user_from = "the account name";
  } else {
    fault("user", "No user name: the user is not given, PORT4ME_USER and "
          "USER are unset and the system does not say who you are");
    return;
  }
  m_name(P4M_USER, m.user_from, m.user, &h);
  if (given_as[P4M_TOOL] != G_NONE) {
    if (given_text[P4M_TOOL][0] != '\0') {
      m.tool = given_text[P4M_TOOL]; m.tool_from = name_of(P4M_TOOL);
    }
  } else if (var(P4M_TOOL)) {
    m.tool = var(P4M_TOOL); m.tool_from = p4m_table[P4M_TOOL].var;
  }
  if (m.tool != NULL) {
    h = h * 31u + ',';
    m_name(P4M_TOOL, m.tool_from, m.tool, &h);
  }
  m.hash = h;
}

/* ---- the model of the port sets ----------------------------------------- */

static uint64_t m_inc[WORDS], m_exc[WORDS], m_cand[WORDS], m_one[3][WORDS];
static unsigned char m_pre_seen[65536];
static uint16_t m_pre[65536];
static size_t m_n_pre;

NO_COVERAGE static void add_ports(uint64_t *w, uint32_t lo, uint32_t hi)
{
  uint32_t p = lo;
  while (p <= hi) {
    if (p % 64 == 0 && hi - p >= 63) { w[p / 64] = ~(uint64_t) 0; p += 64; }
    else { w[p / 64] |= (uint64_t) 1 << (p % 64); p++; }
  }
}

typedef struct {
  uint64_t *set, *one;   /* set NULL: the prepend list */
  size_t ranges;
} sink;

NO_COVERAGE static int to_sink(void *ctx, uint32_t lo, uint32_t hi)
{
  sink *k = (sink *) ctx;
  uint32_t p;
  CHECK(1u <= lo && lo <= hi && hi <= 65535u);
  k->ranges++;
  if (k->one) add_ports(k->one, lo, hi);
  if (k->set) { add_ports(k->set, lo, hi); return 0; }
  for (p = lo; p <= hi; p++)
    if (!m_pre_seen[p]) { m_pre_seen[p] = 1; m_pre[m_n_pre++] = (uint16_t) p; }
  return 0;
}

/* One source of ports: the row given (argument or option) or its
 * variable; or, for the unsafe list, the default when unset. */
static void feed(int row, uint64_t *set, uint64_t *one, const char **from,
                 int *n_from)
{
  sink k;
  size_t i;
  const char *name = name_of(row), *text = NULL;
  char shown[MODEL_SHOW_MAX], b[64];
  k.set = set; k.one = one; k.ranges = 0;
  if (faulted) return;
  if (given_as[row] == G_INTS || given_as[row] == G_DBLS) {
    for (i = 0; i < vec_n[row]; i++) {
      double v = given_as[row] == G_INTS ? vec_ints[row][i]
        : vec_dbls[row][i];
      if (!(v >= 1 && v <= 65535 && v == floor(v))) {
        fault(name, "%s must be ports in 1..65535, not %s (element %lu)",
              name, model_show_number(v, b), (unsigned long) i + 1);
        return;
      }
    }
    for (i = 0; i < vec_n[row]; i++) {
      uint32_t p = (uint32_t) (given_as[row] == G_INTS ? vec_ints[row][i]
                               : vec_dbls[row][i]);
      to_sink(&k, p, p);
    }
  } else {
    p4m_tokens tok;
    p4m_spec_error e;
    const char *chrome = env_text[P4M_UNSAFE_CHROME],
      *firefox = env_text[P4M_UNSAFE_FIREFOX];
    text = given_as[row] != G_NONE ? given_text[row] : var(row);
    if (row == P4M_EXCLUDE_UNSAFE && env_text[row] == NULL)
      text = "{chrome},{firefox}";        /* unset: the default */
    if (text == NULL) return;
    /* unset: the built-in list; set (even empty): the variable's list */
    tok.chrome = chrome ? chrome : p4m_unsafe_chrome;
    tok.chrome_len = strlen(tok.chrome);
    tok.firefox = firefox ? firefox : p4m_unsafe_firefox;
    tok.firefox_len = strlen(tok.firefox);
    if (p4m_spec_parse(text, strlen(text), &tok, to_sink, &k, &e) != 0) {
      int at = e.where == P4M_SPEC_IN_CHROME ? P4M_UNSAFE_CHROME
        : e.where == P4M_SPEC_IN_FIREFOX ? P4M_UNSAFE_FIREFOX : -1;
      if (at >= 0) { name = p4m_table[at].var; text = env_text[at]; }
      fault(name, "%s must be ports in 1..65535, not %s: %s", name,
            model_show(text, shown), e.msg);
      return;
    }
  }
  if (k.ranges > 0) from[(*n_from)++] = name;
}

static int empty(const uint64_t *w)
{
  int i;
  for (i = 0; i < WORDS; i++) if (w[i] != 0) return 0;
  return 1;
}

NO_COVERAGE static void m_sets(void)
{
  static const int exc[3] = {P4M_EXCLUDE, P4M_EXCLUDE_SITE,
                             P4M_EXCLUDE_UNSAFE};
  int i, j;
  memset(m_inc, 0, sizeof m_inc);
  memset(m_exc, 0, sizeof m_exc);
  memset(m_one, 0, sizeof m_one);
  memset(m_pre_seen, 0, sizeof m_pre_seen);
  m_n_pre = 0;
  feed(P4M_INCLUDE, m_inc, NULL, m.inc_from, &m.n_inc_from);
  feed(P4M_INCLUDE_SITE, m_inc, NULL, m.inc_from, &m.n_inc_from);
  m.inc_default = m.n_inc_from == 0;
  if (m.inc_default) add_ports(m_inc, 1024, 65535);
  for (i = 0; i < 3; i++) feed(exc[i], m_exc, m_one[i], m.exc_from,
                               &m.n_exc_from);
  feed(P4M_PREPEND, NULL, NULL, m.pre_from, &m.n_pre_from);
  feed(P4M_PREPEND_SITE, NULL, NULL, m.pre_from, &m.n_pre_from);
  for (i = 0; i < WORDS; i++) m_cand[i] = m_inc[i] & ~m_exc[i];
  if (faulted || !empty(m_cand)) return;
  if (!m.inc_default) {
    fault(m.inc_from[0], "%s leaves no candidate ports: every included "
          "port is excluded (by the exclude set, PORT4ME_EXCLUDE_SITE or "
          "PORT4ME_EXCLUDE_UNSAFE)", m.inc_from[0]);
    return;
  }
  /* the one exclusion that covers the default alone, else the first */
  for (i = 0; i < 3; i++) {
    for (j = 0; j < WORDS && (m_inc[j] & ~m_one[i][j]) == 0; j++) ;
    if (j == WORDS) break;
  }
  {
    const char *name = i < 3 ? name_of(exc[i]) : m.exc_from[0];
    fault(name, "%s leaves no candidate ports: the exclusions cover all "
          "of the default 1024-65535", name);
  }
}

/* ---- the model of the claims folders ------------------------------------ */

static void m_add_dir(const char *base, const char *rest, int keep,
                      const char *from)
{
  size_t n = strlen(base), len;
  int i;
  char *d;
  CHECK(m.n_claims < P4M_MAX_CLAIMS_DIRS);
  d = m.claims[m.n_claims];
  while (n > 1 && base[n - 1] == '/') n--;     /* a backslash is a name's */
  len = n + (n == 1 && base[0] == '/' ? 0 : 1) + strlen(rest);
  if (len >= P4M_PATH_MAX) return;                 /* too long */
  sprintf(d, "%.*s%s%s", (int) n, base, n == 1 && base[0] == '/' ? "" : "/",
          rest);
  for (i = 0; i < m.n_claims; i++)
    if (strcmp(m.claims[i], d) == 0) return;       /* listed once */
  m.claims_base[m.n_claims] = keep ? n : 0;
  m.claims_from[m.n_claims++] = from;
}

static void m_claims(void)
{
  static const int cache[3] = {P4M_R_USER_CACHE_DIR, P4M_XDG_CACHE_HOME,
                               P4M_HOME};
  const char *x = var(P4M_XDG_RUNTIME_DIR), *t = var(P4M_TMPDIR);
  long uid = uid_value();
  char rest[P4M_PATH_MAX + 64], host[256];
  int i;
  m.uid_asked = 1;
  if (x != NULL && x[0] == '/')
    m_add_dir(x, "port4me", 1, "XDG_RUNTIME_DIR");
  if (uid >= 0) {
    char run[64];
    sprintf(run, "/run/user/%ld", uid);
    m_add_dir(run, "port4me", 1, "the user id");
  }
  for (i = 0; i < 3; i++) {
    const char *base = var(cache[i]);
    if (base == NULL || base[0] != '/') continue;
    host_value(host, sizeof host);
    m.host_asked = 1;
    sprintf(rest, "%sR/port4me/claims/%s", i == 2 ? ".cache/" : "", host);
    m_add_dir(base, rest, 0, p4m_table[cache[i]].var);
    break;
  }
  sprintf(rest, "port4me-%ld", uid);
  m_add_dir(t != NULL && t[0] == '/' ? t : "/tmp", rest, 1,
            "the temporary folder");
}

static void m_configure(void)
{
  const char *hook = var(P4M_CHECK_ANY);
  double test = -1, release = -1;
  memset(&m, 0, sizeof m);
  faulted = 0;
  m.port = 0;
  if (hook != NULL && strcmp(hook, "any") != 0)
    bad_text(P4M_CHECK_ANY, "_PORT4ME_CHECK_AVAILABLE_PORTS_", hook);
  m.any = hook != NULL;
  if (!faulted) m.debug = m_flag(P4M_DEBUG);
  if (!faulted) test = m_number(P4M_TEST, -1);
  if (faulted) return;
  if (test > 0) {
    m.mode = P4M_MODE_TEST; m.port = (int) test;
    m_claims();
    return;
  }
  release = m_number(P4M_RELEASE, -1);
  if (faulted) return;
  if (release > 0) {
    m.mode = P4M_MODE_RELEASE; m.port = (int) release;
    m_claims();
    return;
  }
  m.skip = m_number(P4M_SKIP, 0);
  if (!faulted) m.list = m_number(P4M_LIST, -1);
  if (!faulted) m.max_tries = m_number(P4M_MAX_TRIES, 0);
  if (!faulted) m.reserve = m_number(P4M_RESERVE, 0);
  if (!faulted) m.must_work = m_flag(P4M_MUST_WORK);
  if (faulted) return;
  m.max_tries_from = name_of(P4M_MAX_TRIES);
  m.mode = m.list >= 1 ? P4M_MODE_LIST : P4M_MODE_SEARCH;
  if (m.mode == P4M_MODE_SEARCH) m_claims();
  m_seed();
  if (!faulted) m_sets();
}

/* ---- checks ------------------------------------------------------------- */

static int same(const char *a, const char *b)
{
  return (a == NULL && b == NULL) ||
    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int was_given(const char *s)
{
  int r;
  if (strcmp(s, "user") == 0) return 1;   /* given, or no user at all */
  if (strcmp(s, "the account name") == 0) return account != NULL;
  for (r = 0; r < NR; r++) {
    const p4m_row *x = &p4m_table[r];
    if (given_as[r] != G_NONE && same(s, name_of(r))) return 1;
    if (x->var != NULL && strcmp(s, x->var) == 0)
      return env_text[r] != NULL || r == P4M_EXCLUDE_UNSAFE;
  }
  return 0;
}

static void check_origin(const p4m_origin *o, const char *const *want, int n)
{
  int i;
  CHECK(o->n == n);
  for (i = 0; i < n; i++) CHECK(same(o->names[i], want[i]));
}

static void check_config(void)
{
  int i;
  size_t k;
  uint32_t n_cand = 0;
  CHECK(cfg.mode == m.mode && cfg.any == m.any && cfg.debug == m.debug);
  CHECK(cfg.n_claims == m.n_claims);
  for (i = 0; i < m.n_claims; i++)
    CHECK(strcmp(cfg.claims[i].dir, m.claims[i]) == 0 &&
          cfg.claims[i].base == m.claims_base[i] &&
          same(cfg.claims[i].from, m.claims_from[i]));
  CHECK(n_uid == m.uid_asked && n_host == m.host_asked);
  if (m.mode == P4M_MODE_TEST || m.mode == P4M_MODE_RELEASE) {
    CHECK(cfg.port == m.port && cfg.port >= 1 && cfg.port <= 65535);
    CHECK(cfg.user == NULL && cfg.tool == NULL);
    CHECK(cfg.prepend == NULL && cfg.n_prepend == 0 && n_alloc == 0);
    return;
  }
  CHECK(cfg.skip == m.skip && cfg.skip >= 0 && cfg.skip <= P4M_INT_MAX);
  CHECK(cfg.list == m.list &&
        (cfg.list == -1 || (cfg.list >= 1 && cfg.list <= P4M_INT_MAX)));
  CHECK(cfg.max_tries == m.max_tries && cfg.max_tries >= 1 &&
        cfg.max_tries <= P4M_INT_MAX);
  CHECK(cfg.reserve == m.reserve && cfg.reserve >= 0 &&
        cfg.reserve <= P4M_CLAIMS_SECONDS_MAX);
  CHECK(cfg.must_work == m.must_work);
  CHECK(same(cfg.max_tries_from, m.max_tries_from));
  CHECK(cfg.user == m.user && same(cfg.user_from, m.user_from));
  CHECK(cfg.tool == m.tool && same(cfg.tool_from, m.tool_from));
  CHECK(cfg.hash == m.hash);
  CHECK(cfg.include_default == m.inc_default);
  CHECK(sizeof cfg.include.w == sizeof m_inc);
  CHECK(memcmp(cfg.include.w, m_inc, sizeof m_inc) == 0);
  CHECK(memcmp(cfg.exclude.w, m_exc, sizeof m_exc) == 0);
  CHECK(memcmp(cfg.cand.w, m_cand, sizeof m_cand) == 0);
  for (i = 0; i < WORDS; i++)
    n_cand += (uint32_t) __builtin_popcountll(m_cand[i]);
  CHECK(n_cand > 0 && p4m_set_count(&cfg.cand) == n_cand);
  check_origin(&cfg.include_from, m.inc_from, m.n_inc_from);
  check_origin(&cfg.exclude_from, m.exc_from, m.n_exc_from);
  check_origin(&cfg.prepend_from, m.pre_from, m.n_pre_from);
  CHECK(cfg.n_prepend == m_n_pre);
  CHECK((n_alloc == 1) == (m_n_pre > 0) && n_alloc <= 1);
  if (m_n_pre > 0) {
    CHECK(cfg.prepend == block && block_bytes >= m_n_pre * sizeof(uint16_t));
    for (k = 0; k < m_n_pre; k++) CHECK(cfg.prepend[k] == m_pre[k]);
  } else {
    CHECK(cfg.prepend == NULL);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  int r, rc;
  clear_input();
  split(data, size);

  memset(&in, 0, sizeof in);
  for (r = 0; r < NR; r++) {
    p4m_given *g = &in.given[r];
    int k = p4m_table[r].kind;
    g->from = given_as[r] == G_NONE ? P4M_FROM_NONE
      : given_as[r] == G_OPTION ? P4M_FROM_OPTION : P4M_FROM_ARG;
    g->text = NULL; g->ints = NULL; g->dbls = NULL; g->n = 0; g->flag = 0;
    if (given_as[r] == G_OPTION) g->text = given_text[r];
    else if (given_as[r] == G_INTS) { g->ints = vec_ints[r]; g->n = vec_n[r]; }
    else if (given_as[r] == G_DBLS) { g->dbls = vec_dbls[r]; g->n = vec_n[r]; }
    else if (given_as[r] == G_TEXT) {
      if (k == P4M_K_FLAG) g->flag = given_text[r][0] & 1;
      else if (k == P4M_K_NAME || k == P4M_K_PORTS) g->text = given_text[r];
      else {
        number_arg[r] = strtod(given_text[r], NULL);
        g->dbls = &number_arg[r];
        g->n = 1;
      }
    }
    in.env[r] = p4m_table[r].var != NULL ? env_text[r] : NULL;
  }
  in.account = account;
  in.uid = fuzz_uid;
  in.host = fuzz_host;
  in.alloc = fuzz_alloc;
  in.alloc_ctx = &block;

  m_configure();

  block = NULL; block_bytes = 0; n_alloc = n_uid = n_host = 0;
  memset(&cfg, 0x5A, sizeof cfg);
  memset(&err, 0x5A, sizeof err);
  rc = p4m_configure(&in, &cfg, &err);
#ifdef FUZZ_SETTINGS_TRACE   /* -DFUZZ_SETTINGS_TRACE: what each input gave */
  fprintf(stderr, "rc %d: %s | model: %s\n", rc, rc ? err.message : "",
          faulted ? first.message : "ok");
#endif
  CHECK(rc == 0 || rc == -1);
  if (rc == -1) {
    CHECK(faulted);
    CHECK(err.kind == P4M_E_INVALID);
    CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
    CHECK(model_printable(err.message));
    CHECK(err.source != NULL && strcmp(err.source, first.source) == 0);
    CHECK(was_given(err.source));
    CHECK(strcmp(err.message, first.message) == 0);
    CHECK(strncmp(err.message, err.source, strlen(err.source)) == 0 ||
          strncmp(err.message, "No user name: ", 14) == 0);
    CHECK(n_alloc <= 1);
  } else {
    CHECK(!faulted);
    check_config();
  }
  free(block);
  block = NULL;
  clear_input();
  return 0;
}
