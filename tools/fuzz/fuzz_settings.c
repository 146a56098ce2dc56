/* libFuzzer harness for the precedence rules of port4me's settings
 * (src/settings.c, with spec.c, portset.c, hash.c, unsafe.c).
 *
 * Input: records "<field><value>" separated by NUL bytes (the last one may
 * end with the input).  The field byte names what the value is for:
 *   A user    B tool    C account    D prepend   E include   F exclude
 *   G prepend H include I exclude    (G-I: integer vectors, the value's
 *                                     numbers, e.g. "4321,11001,-5")
 *   J skip    K list    L test       M max_tries N reserve   (digits of the
 *             value, folded into the argument's range)
 *   O must_work (first byte odd: TRUE)
 *   P... the variables in the order of settings.h (P PORT4ME_USER,
 *   Q USER, R PORT4ME_TOOL, ..., Z PORT4ME_EXCLUDE_UNSAFE_CHROME,
 *   a PORT4ME_EXCLUDE_UNSAFE_FIREFOX, b PORT4ME_SKIP, ..., n HOME).
 * Any other field byte is taken modulo the number of fields.  A field that
 * no record names is NULL (argument not given, variable unset); a record
 * with no value is "" (given empty, set empty).  Later records win.
 *
 * p4m_configure() is checked against a model written here from SPEC
 * sections 1-4 and 8 (port specification strings are parsed with
 * p4m_spec_parse, which fuzz_spec checks against its own reference parser;
 * everything else - which source wins, the _SITE unions, the unsafe-list
 * defaults, the default include set, numbers, flags, user fallbacks, UTF-8,
 * the hash, the claims directory - is computed here independently).
 * Invariants (abort() on violation):
 *  - it returns 0 exactly when the model finds nothing wrong (in test mode:
 *    in what test mode reads), and -1 otherwise;
 *  - an error names one of the sources the model found wrong, and a source
 *    that was given (an argument, a non-empty variable, or one of the
 *    browser-unsafe variables, whose defaults apply when unset); its detail
 *    is NUL-terminated, non-empty and printable ASCII;
 *  - a returned config has every field as the model says: mode, counts
 *    (within their ranges), flags, user and tool with their sources, the
 *    hash of "<user>[,<tool>]" over code points, include (1024-65535 only
 *    when no include source gives a port), exclude, cand = include minus
 *    exclude (never empty), the prepend list (order kept, no duplicates),
 *    the origins (exactly the sources that gave ports, in order), the claims
 *    directory;
 *  - room for prepended ports is asked for once, exactly when there are
 *    any; nothing is read outside the given strings (each value lives in a
 *    heap block of its own size, so ASan sees any overread). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "settings.h"
#include "spec.h"
#include "unsafe.h"

#include "check.h"

#if defined(_WIN32) || defined(__APPLE__)
# error "the claims-directory model below is the Linux rule"
#endif

enum {
  F_USER, F_TOOL, F_ACCOUNT, F_PREPEND, F_INCLUDE, F_EXCLUDE,
  F_PREPEND_PORTS, F_INCLUDE_PORTS, F_EXCLUDE_PORTS,
  F_SKIP, F_LIST, F_TEST, F_MAX_TRIES, F_RESERVE, F_MUST_WORK,
  F_ENV, NF = F_ENV + P4M_NVARS
};

/* the variables' names, written here again and compared once */
static const char *const names[P4M_NVARS] = {
  "PORT4ME_USER", "USER", "PORT4ME_TOOL", "PORT4ME_PREPEND",
  "PORT4ME_PREPEND_SITE", "PORT4ME_INCLUDE", "PORT4ME_INCLUDE_SITE",
  "PORT4ME_EXCLUDE", "PORT4ME_EXCLUDE_SITE", "PORT4ME_EXCLUDE_UNSAFE",
  "PORT4ME_EXCLUDE_UNSAFE_CHROME", "PORT4ME_EXCLUDE_UNSAFE_FIREFOX",
  "PORT4ME_SKIP", "PORT4ME_LIST", "PORT4ME_TEST", "PORT4ME_MAX_TRIES",
  "PORT4ME_MUST_WORK", "PORT4ME_RESERVE", "PORT4ME_DEBUG",
  "_PORT4ME_CHECK_AVAILABLE_PORTS_", "XDG_RUNTIME_DIR", "R_USER_CACHE_DIR",
  "XDG_CACHE_HOME", "LOCALAPPDATA", "HOME"
};

#define INT_MAX_D 2147483647.0

/* The model's loops over ports are no coverage targets (and are not inlined
 * into code that is): traced, their comparisons took most of the time of a
 * run. */
#if defined(__clang__)
# define NO_COVERAGE __attribute__((noinline, no_sanitize("coverage")))
#else
# define NO_COVERAGE
#endif

/* ---- the input ---------------------------------------------------------- */

static char *field[NF];          /* NULL: not given; heap, exact size */
static int *ports_of[3];         /* integer vectors of G, H, I */
static size_t n_ports_of[3];

static void clear_fields(void)
{
  int i;
  for (i = 0; i < NF; i++) { free(field[i]); field[i] = NULL; }
  for (i = 0; i < 3; i++) { free(ports_of[i]); ports_of[i] = NULL; }
}

static int field_of(uint8_t b)
{
  if (b >= 'A' && b <= 'Z' && b - 'A' < NF) return b - 'A';
  if (b >= 'a' && b <= 'z' && 26 + (b - 'a') < NF) return 26 + (b - 'a');
  return b % NF;
}

static void split(const uint8_t *data, size_t size)
{
  size_t i = 0;
  while (i < size) {
    size_t start = i + 1, end = start;
    int f = field_of(data[i]);
    while (end < size && data[end] != 0) end++;
    if (start > size) start = size;
    free(field[f]);
    field[f] = (char *) malloc(end - start + 1);
    CHECK(field[f] != NULL);
    memcpy(field[f], data + start, end - start);
    field[f][end - start] = '\0';
    i = end + 1;
  }
}

/* The numbers in s ("-5,70000 3"), saturated to int. */
static int *numbers(const char *s, size_t *n)
{
  size_t len = strlen(s), k = 0, i = 0;
  int *out = (int *) malloc((len + 1) * sizeof(int));
  CHECK(out != NULL);
  while (i < len) {
    int neg = 0;
    long long v = 0;
    if (s[i] == '-' && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9') {
      neg = 1; i++;
    }
    if (s[i] < '0' || s[i] > '9') { i++; continue; }
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
      if (v < 10000000000LL) v = v * 10 + (s[i] - '0');
    if (neg) v = -v;
    if (v > 2147483647LL) v = 2147483647LL;
    if (v < -2147483647LL) v = -2147483647LL;
    out[k++] = (int) v;
  }
  *n = k;
  return out;
}

/* A whole-number argument folded into min..max. */
static double number_arg(const char *s, double min, double max)
{
  uint64_t v = 0;
  for (; *s; s++)
    if (*s >= '0' && *s <= '9' && v < 100000000000000ull)
      v = v * 10 + (uint64_t) (*s - '0');
  return min + (double) (v % (uint64_t) (max - min + 1));
}

/* ---- the allocator ------------------------------------------------------- */

static void *block;
static size_t block_bytes;
static int n_alloc;

static void *fuzz_alloc(void *ctx, size_t bytes)
{
  CHECK(ctx == &block);
  n_alloc++;
  block = malloc(bytes);
  CHECK(block != NULL);
  block_bytes = bytes;
  return block;
}

/* ---- the model ----------------------------------------------------------- */

static const char *faults[64];   /* sources the model finds wrong */
static int n_faults;

static void fault(const char *source)
{
  if (n_faults < 64) faults[n_faults++] = source;
}

/* a variable's value, NULL when unset or empty */
static const char *env_value(int v)
{
  const char *s = field[F_ENV + v];
  return (s != NULL && s[0] != '\0') ? s : NULL;
}

static int ws(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* SPEC 4: a whole number in min..max, white space around it allowed.
 * 0 and *out, or -1. */
static int parse_count(const char *s, double min, double max, double *out)
{
  size_t a = 0, b = strlen(s), i;
  uint64_t v = 0;
  while (a < b && ws(s[a])) a++;
  while (b > a && ws(s[b - 1])) b--;
  if (a == b) return -1;
  for (i = a; i < b; i++)
    if (s[i] < '0' || s[i] > '9') return -1;
  while (a + 1 < b && s[a] == '0') a++;
  if (b - a > 10) return -1;
  for (i = a; i < b; i++) v = v * 10 + (uint64_t) (s[i] - '0');
  if ((double) v < min || (double) v > max) return -1;
  *out = (double) v;
  return 0;
}

/* argument (>= 0) else variable else dflt; a bad variable is a fault */
static double count_setting(double arg, int v, double min, double max,
                            double dflt)
{
  double x;
  const char *s = env_value(v);
  if (arg >= 0) return arg;
  if (s == NULL) return dflt;
  if (parse_count(s, min, max, &x) != 0) { fault(names[v]); return dflt; }
  return x;
}

static int flag_setting(int v, int dflt)
{
  static const char *const t[] = {"true", "TRUE", "True", "1", "yes"};
  static const char *const f[] = {"false", "FALSE", "False", "0", "no"};
  const char *s = env_value(v);
  int i;
  if (s == NULL) return dflt;
  for (i = 0; i < 5; i++) {
    if (strcmp(s, t[i]) == 0) return 1;
    if (strcmp(s, f[i]) == 0) return 0;
  }
  fault(names[v]);
  return dflt;
}

/* Well-formed UTF-8 (Unicode table 3-7); continues the hash over the code
 * points.  0, or -1 when ill-formed. */
static int utf8_hash(const char *str, uint32_t *h)
{
  const uint8_t *s = (const uint8_t *) str;
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
    else return -1;
    for (k = 1; k <= more; k++) {
      uint8_t lo_k = k == 1 ? lo : 0x80, hi_k = k == 1 ? hi : 0xBF;
      if (s[k] < lo_k || s[k] > hi_k) return -1;   /* also the NUL */
      cp = cp * 64 + (s[k] - 0x80u);
    }
    *h = *h * 31u + cp;
    s += more + 1;
  }
  return 0;
}

/* One source of ports of the model. */
typedef struct {
  const char *name;
  const char *text;     /* a specification, or NULL */
  const int *ports;     /* or ports */
  size_t n;
} msrc;

/* the model's sets: bit p % 64 of word p / 64 for port p (the layout of
 * p4m_set, so that they compare word by word) */
#define WORDS (65536 / 64)
static uint64_t m_inc[WORDS], m_exc[WORDS], m_cand[WORDS];
static unsigned char m_pre_seen[65536];
static uint16_t m_pre[65536];    /* the prepend list */
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
  uint64_t *set;        /* or NULL: the prepend list */
  size_t ranges;
} sink;

NO_COVERAGE static int to_sink(void *ctx, uint32_t lo, uint32_t hi)
{
  sink *k = (sink *) ctx;
  uint32_t p;
  CHECK(1u <= lo && lo <= hi && hi <= 65535u);
  k->ranges++;
  if (k->set) { add_ports(k->set, lo, hi); return 0; }
  for (p = lo; p <= hi; p++)
    if (!m_pre_seen[p]) { m_pre_seen[p] = 1; m_pre[m_n_pre++] = (uint16_t) p; }
  return 0;
}

/* Feed a source into set (or the prepend list); its name goes into from
 * when it gave a port.  A bad source is a fault. */
static void feed(const msrc *s, uint64_t *set, const char **from,
                 int *n_from)
{
  sink k;
  size_t i;
  k.set = set; k.ranges = 0;
  if (s->text == NULL && s->ports == NULL) return;
  if (s->text == NULL) {
    for (i = 0; i < s->n; i++)
      if (s->ports[i] < 1 || s->ports[i] > 65535) { fault(s->name); return; }
    for (i = 0; i < s->n; i++)
      to_sink(&k, (uint32_t) s->ports[i], (uint32_t) s->ports[i]);
  } else {
    p4m_tokens tok;
    p4m_spec_error e;
    const char *chrome = field[F_ENV + P4M_VAR_UNSAFE_CHROME];
    const char *firefox = field[F_ENV + P4M_VAR_UNSAFE_FIREFOX];
    /* unset: the built-in list; set (even empty): the variable's list */
    tok.chrome = chrome ? chrome : p4m_unsafe_chrome;
    tok.chrome_len = strlen(tok.chrome);
    tok.firefox = firefox ? firefox : p4m_unsafe_firefox;
    tok.firefox_len = strlen(tok.firefox);
    if (p4m_spec_parse(s->text, strlen(s->text), &tok, to_sink, &k, &e)
        != 0) {
      fault(e.where == P4M_SPEC_IN_CHROME ? names[P4M_VAR_UNSAFE_CHROME]
            : e.where == P4M_SPEC_IN_FIREFOX ? names[P4M_VAR_UNSAFE_FIREFOX]
            : s->name);
      return;
    }
  }
  if (k.ranges > 0) from[(*n_from)++] = s->name;
}

/* The argument (text field f_text or integer field f_ports, whichever
 * came) when given, else the variable v (unset or empty: nothing). */
static msrc arg_or_variable(const char *arg_name, int f_text, int f_ports,
                            int which, int v, p4m_ports_arg *arg)
{
  msrc s;
  memset(&s, 0, sizeof s);
  memset(arg, 0, sizeof *arg);
  if (field[f_text] != NULL || field[f_ports] != NULL) {
    arg->given = 1;
    s.name = arg_name;
    if (field[f_ports] != NULL) {
      s.ports = ports_of[which]; s.n = n_ports_of[which];
      arg->ports = s.ports; arg->n = s.n;
    } else {
      s.text = field[f_text];
      arg->text = s.text;
    }
  } else {
    s.name = names[v];
    s.text = env_value(v);
  }
  return s;
}

static msrc variable(int v, const char *value)
{
  msrc s;
  memset(&s, 0, sizeof s);
  s.name = names[v];
  s.text = value;
  return s;
}

typedef struct {
  int test_mode, any, debug, must_work;
  double test, skip, list, max_tries, reserve;
  const char *user, *user_from, *tool, *tool_from;
  uint32_t hash;
  const char *inc_from[3], *exc_from[3], *pre_from[3];
  int n_inc_from, n_exc_from, n_pre_from, inc_default;
  char claims[P4M_CLAIMS_DIR_MAX + 64];
} model;

static model m;
static p4m_input in;
static p4m_config cfg;
static p4m_error err;

/* claims: the first absolute one of R_USER_CACHE_DIR, XDG_CACHE_HOME and
 * HOME (+ /.cache), + /R/port4me/claims; replaced by $XDG_RUNTIME_DIR/port4me
 * when that is absolute.  Only a search and a test read them. */
static void claims_model(void)
{
  static const int vars[] = {P4M_VAR_R_USER_CACHE_DIR, P4M_VAR_XDG_CACHE_HOME,
                             P4M_VAR_HOME};
  static const char *const mids[] = {"", "", "/.cache"};
  const char *x = env_value(P4M_VAR_XDG_RUNTIME_DIR);
  const char *tail = "/R/port4me/claims";
  size_t i;
  m.claims[0] = '\0';
  for (i = 0; i < 3; i++) {
    const char *base = env_value(vars[i]);
    if (base == NULL || base[0] != '/') continue;
    if (strlen(base) + strlen(mids[i]) + strlen(tail) >= P4M_CLAIMS_DIR_MAX) {
      fault(names[vars[i]]);
      m.claims[0] = '\0';
    } else {
      strcpy(m.claims, base);
      strcat(m.claims, mids[i]);
      strcat(m.claims, tail);
    }
    break;
  }
  if (x != NULL && x[0] == '/') {
    if (strlen(x) + strlen("/port4me") >= P4M_CLAIMS_DIR_MAX) {
      fault(names[P4M_VAR_XDG_RUNTIME_DIR]);
      m.claims[0] = '\0';
    } else {
      strcpy(m.claims, x);
      strcat(m.claims, "/port4me");
    }
  }
}

static void seed_model(void)
{
  const char *u = field[F_USER], *t = field[F_TOOL];
  uint32_t h = 0;
  m.user = m.user_from = m.tool = m.tool_from = NULL;
  if (u != NULL) {
    if (u[0] == '\0') { fault("user"); return; }
    m.user = u; m.user_from = "user";
  } else if (env_value(P4M_VAR_USER)) {
    m.user = env_value(P4M_VAR_USER); m.user_from = names[P4M_VAR_USER];
  } else if (env_value(P4M_VAR_OS_USER)) {
    m.user = env_value(P4M_VAR_OS_USER); m.user_from = names[P4M_VAR_OS_USER];
  } else if (field[F_ACCOUNT] != NULL && field[F_ACCOUNT][0] != '\0') {
    m.user = field[F_ACCOUNT]; m.user_from = "the account name";
  } else {
    fault("user");
    return;
  }
  if (t != NULL) {
    if (t[0] != '\0') { m.tool = t; m.tool_from = "tool"; }
  } else if (env_value(P4M_VAR_TOOL)) {
    m.tool = env_value(P4M_VAR_TOOL); m.tool_from = names[P4M_VAR_TOOL];
  }
  /* the seed "<user>" or "<user>,<tool>", over code points */
  if (utf8_hash(m.user, &h) != 0) fault(m.user_from);
  if (m.tool != NULL) {
    h = h * 31u + ',';
    if (utf8_hash(m.tool, &h) != 0) fault(m.tool_from);
  }
  m.hash = h;
}

NO_COVERAGE static void sets_model(void)
{
  msrc inc[2], exc[3], pre[2];
  const char *unsafe = field[F_ENV + P4M_VAR_UNSAFE];
  int i, any = 0;
  inc[0] = arg_or_variable("include", F_INCLUDE, F_INCLUDE_PORTS, 1,
                           P4M_VAR_INCLUDE, &in.include);
  inc[1] = variable(P4M_VAR_INCLUDE_SITE, env_value(P4M_VAR_INCLUDE_SITE));
  exc[0] = arg_or_variable("exclude", F_EXCLUDE, F_EXCLUDE_PORTS, 2,
                           P4M_VAR_EXCLUDE, &in.exclude);
  exc[1] = variable(P4M_VAR_EXCLUDE_SITE, env_value(P4M_VAR_EXCLUDE_SITE));
  /* unset: both browser lists; empty: nothing */
  exc[2] = variable(P4M_VAR_UNSAFE, unsafe ? unsafe : "{chrome} {firefox}");
  pre[0] = arg_or_variable("prepend", F_PREPEND, F_PREPEND_PORTS, 0,
                           P4M_VAR_PREPEND, &in.prepend);
  pre[1] = variable(P4M_VAR_PREPEND_SITE, env_value(P4M_VAR_PREPEND_SITE));
  memset(m_inc, 0, sizeof m_inc);
  memset(m_exc, 0, sizeof m_exc);
  memset(m_pre_seen, 0, sizeof m_pre_seen);
  m_n_pre = 0;
  m.n_inc_from = m.n_exc_from = m.n_pre_from = 0;
  for (i = 0; i < 2; i++) feed(&inc[i], m_inc, m.inc_from, &m.n_inc_from);
  for (i = 0; i < 3; i++) feed(&exc[i], m_exc, m.exc_from, &m.n_exc_from);
  for (i = 0; i < 2; i++) feed(&pre[i], NULL, m.pre_from, &m.n_pre_from);
  m.inc_default = m.n_inc_from == 0;
  if (m.inc_default) add_ports(m_inc, 1024, 65535);
  for (i = 0; i < WORDS; i++) {
    m_cand[i] = m_inc[i] & ~m_exc[i];
    any |= m_cand[i] != 0;
  }
  if (!any) {
    /* no candidate: an error from a source that gave ports */
    for (i = 0; i < m.n_inc_from; i++) fault(m.inc_from[i]);
    for (i = 0; i < m.n_exc_from; i++) fault(m.exc_from[i]);
    if (m.n_inc_from + m.n_exc_from == 0) fault("(no source)");
  }
}

/* ---- checks -------------------------------------------------------------- */

static int is_fault(const char *source)
{
  int i;
  for (i = 0; i < n_faults; i++)
    if (strcmp(faults[i], source) == 0) return 1;
  return 0;
}

/* Was this source given (or is it a browser-unsafe variable)? */
static int was_given(const char *s)
{
  int v;
  if (strcmp(s, "user") == 0)
    return field[F_USER] != NULL ||
      (!env_value(P4M_VAR_USER) && !env_value(P4M_VAR_OS_USER) &&
       (field[F_ACCOUNT] == NULL || field[F_ACCOUNT][0] == '\0'));
  if (strcmp(s, "tool") == 0) return field[F_TOOL] != NULL;
  if (strcmp(s, "the account name") == 0)
    return field[F_ACCOUNT] != NULL && field[F_ACCOUNT][0] != '\0';
  if (strcmp(s, "include") == 0) return in.include.given;
  if (strcmp(s, "exclude") == 0) return in.exclude.given;
  if (strcmp(s, "prepend") == 0) return in.prepend.given;
  for (v = 0; v < P4M_NVARS; v++) {
    if (strcmp(s, names[v]) != 0) continue;
    return env_value(v) != NULL || v == P4M_VAR_UNSAFE ||
      v == P4M_VAR_UNSAFE_CHROME || v == P4M_VAR_UNSAFE_FIREFOX;
  }
  return 0;
}

static int same(const char *a, const char *b)
{
  return (a == NULL && b == NULL) ||
    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void check_origin(const p4m_origin *o, const char *const *want, int n)
{
  int i;
  CHECK(o->n == n);
  for (i = 0; i < n; i++) CHECK(same(o->names[i], want[i]));
}

static void check_config(void)
{
  uint32_t n_cand = 0;
  size_t i;
  CHECK(cfg.mode == (m.test_mode ? P4M_MODE_TEST
                     : m.list >= 1 ? P4M_MODE_LIST : P4M_MODE_SEARCH));
  CHECK(cfg.any == m.any);
  CHECK(cfg.debug == m.debug);
  CHECK(cfg.reserve == m.reserve && cfg.reserve >= 0 &&
        cfg.reserve <= INT_MAX_D);
  CHECK(strcmp(cfg.claims_dir, m.claims) == 0);
  if (m.test_mode) {
    CHECK(cfg.test == m.test && cfg.test >= 1 && cfg.test <= 65535);
    CHECK(cfg.user == NULL && cfg.tool == NULL);
    CHECK(cfg.prepend == NULL && cfg.n_prepend == 0 && n_alloc == 0);
    return;
  }
  CHECK(cfg.test == -1);
  CHECK(cfg.skip == m.skip && cfg.skip >= 0 && cfg.skip <= INT_MAX_D);
  CHECK(cfg.list == m.list &&
        (cfg.list == -1 || (cfg.list >= 1 && cfg.list <= INT_MAX_D)));
  CHECK(cfg.max_tries == m.max_tries && cfg.max_tries >= 1 &&
        cfg.max_tries <= INT_MAX_D);
  CHECK(cfg.must_work == m.must_work);
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
    for (i = 0; i < m_n_pre; i++) CHECK(cfg.prepend[i] == m_pre[i]);
  } else {
    CHECK(cfg.prepend == NULL);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  int v, rc;
  size_t i;
  static int names_checked = 0;

  if (!names_checked) {
    for (v = 0; v < P4M_NVARS; v++) CHECK(strcmp(names[v], p4m_var_names[v]) == 0);
    names_checked = 1;
  }
  clear_fields();
  split(data, size);
  for (i = 0; i < 3; i++)
    if (field[F_PREPEND_PORTS + i] != NULL)
      ports_of[i] = numbers(field[F_PREPEND_PORTS + i], &n_ports_of[i]);

  memset(&in, 0, sizeof in);
  memset(&m, 0, sizeof m);
  n_faults = 0;
  in.user = field[F_USER];
  in.tool = field[F_TOOL];
  in.account = field[F_ACCOUNT];
  in.skip = field[F_SKIP] ? number_arg(field[F_SKIP], 0, INT_MAX_D) : -1;
  in.list = field[F_LIST] ? number_arg(field[F_LIST], 1, INT_MAX_D) : -1;
  in.test = field[F_TEST] ? number_arg(field[F_TEST], 1, 65535) : -1;
  in.max_tries = field[F_MAX_TRIES]
    ? number_arg(field[F_MAX_TRIES], 1, INT_MAX_D) : -1;
  in.reserve = field[F_RESERVE]
    ? number_arg(field[F_RESERVE], 0, INT_MAX_D) : -1;
  in.must_work = field[F_MUST_WORK]
    ? (int) ((unsigned char) field[F_MUST_WORK][0] & 1u) : -1;
  for (v = 0; v < P4M_NVARS; v++) in.env[v] = field[F_ENV + v];
  in.alloc = fuzz_alloc;
  in.alloc_ctx = &block;

  /* the model: what every call reads */
  {
    const char *a = env_value(P4M_VAR_CHECK_ANY);
    if (a != NULL && strcmp(a, "any") != 0) fault(names[P4M_VAR_CHECK_ANY]);
    m.any = a != NULL;
  }
  m.debug = flag_setting(P4M_VAR_DEBUG, 0);
  m.test = count_setting(in.test, P4M_VAR_TEST, 1, 65535, -1);
  m.test_mode = m.test >= 1;
  m.reserve = count_setting(in.reserve, P4M_VAR_RESERVE, 0, INT_MAX_D, 0);
  m.claims[0] = '\0';
  if (m.test_mode) claims_model();
  /* the rest only outside test mode; the port arguments are set up anyway */
  {
    int before = n_faults;
    m.skip = count_setting(in.skip, P4M_VAR_SKIP, 0, INT_MAX_D, 0);
    m.list = count_setting(in.list, P4M_VAR_LIST, 1, INT_MAX_D, -1);
    m.max_tries = count_setting(in.max_tries, P4M_VAR_MAX_TRIES, 1,
                                INT_MAX_D, 65535);
    m.must_work = in.must_work >= 0 ? in.must_work
      : flag_setting(P4M_VAR_MUST_WORK, 1);
    if (!m.test_mode && m.list < 1) claims_model();  /* a list needs none */
    seed_model();
    sets_model();
    if (m.test_mode && n_faults > before) {
      /* in test mode none of these is read: a config, or an error from
       * what test mode reads */
      int k;
      for (k = before; k < n_faults; k++) faults[k] = NULL;
      n_faults = before;
    }
  }

  block = NULL; block_bytes = 0; n_alloc = 0;
  memset(&cfg, 0x5A, sizeof cfg);
  memset(&err, 0x5A, sizeof err);
  rc = p4m_configure(&in, &cfg, &err);
  CHECK(rc == 0 || rc == -1);
#ifdef FUZZ_SETTINGS_TRACE   /* -DFUZZ_SETTINGS_TRACE: say what each input gave */
  if (rc == 0)
    fprintf(stderr, "ok: mode %d, %u candidates, %lu prepended\n", cfg.mode,
            m.test_mode ? 0u : (unsigned) p4m_set_count(&cfg.cand),
            (unsigned long) (m.test_mode ? 0 : cfg.n_prepend));
  else
    fprintf(stderr, "error: %s%s\n", err.source, err.detail);
#endif
  if (rc == -1) {
    const char *nul = (const char *) memchr(err.detail, '\0',
                                            sizeof err.detail);
    CHECK(n_faults > 0);
    CHECK(err.source != NULL);
    CHECK(is_fault(err.source));
    CHECK(was_given(err.source));
    CHECK(nul != NULL && nul > err.detail);
    for (i = 0; err.detail[i] != '\0'; i++)
      CHECK(err.detail[i] >= 0x20 && err.detail[i] < 0x7F);
    CHECK(n_alloc <= 1);
  } else {
    CHECK(n_faults == 0);
    check_config();
  }
  free(block);
  block = NULL;
  clear_fields();
  return 0;
}
