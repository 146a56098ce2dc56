/* The precedence rules of port4me's settings (see settings.h). */
#include <stdio.h>
#include <string.h>
#include "hash.h"
#include "spec.h"
#include "unsafe.h"
#include "settings.h"

const char *const p4m_var_names[P4M_NVARS] = {
  "PORT4ME_USER", "USER", "PORT4ME_TOOL",
  "PORT4ME_PREPEND", "PORT4ME_PREPEND_SITE",
  "PORT4ME_INCLUDE", "PORT4ME_INCLUDE_SITE",
  "PORT4ME_EXCLUDE", "PORT4ME_EXCLUDE_SITE",
  "PORT4ME_EXCLUDE_UNSAFE", "PORT4ME_EXCLUDE_UNSAFE_CHROME",
  "PORT4ME_EXCLUDE_UNSAFE_FIREFOX",
  "PORT4ME_SKIP", "PORT4ME_LIST", "PORT4ME_TEST", "PORT4ME_MAX_TRIES",
  "PORT4ME_MUST_WORK", "PORT4ME_RESERVE", "PORT4ME_DEBUG",
  "_PORT4ME_CHECK_AVAILABLE_PORTS_",
  "XDG_RUNTIME_DIR", "R_USER_CACHE_DIR", "XDG_CACHE_HOME", "LOCALAPPDATA",
  "HOME"
};

static int fail(p4m_error *err, const char *source, const char *detail)
{
  err->source = source;
  snprintf(err->detail, sizeof err->detail, "%s", detail);
  return -1;
}

/* A variable's value, or NULL when it is unset or empty. */
static const char *var(const p4m_input *in, int v)
{
  const char *s = in->env[v];
  return (s == NULL || s[0] == '\0') ? NULL : s;
}

/* A value for an error message: at most 40 characters, printable ASCII. */
static const char *shown(const char *v, char *buf, size_t size)
{
  size_t i, k = 0;
  for (i = 0; v[i] != '\0' && k + 4 < size && i < 40; i++) {
    unsigned char c = (unsigned char) v[i];
    buf[k++] = (c >= 0x20 && c < 0x7F && c != '"') ? (char) c : '?';
  }
  if (v[i] != '\0' && k + 4 < size) {
    buf[k++] = '.'; buf[k++] = '.'; buf[k++] = '.';
  }
  buf[k] = '\0';
  return buf;
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A whole number in min..max: the argument when given (the R layer has
 * checked it), else the variable, else `unset`. */
static int count(const p4m_input *in, double arg, int v, double min,
                 double max, double unset, double *out, p4m_error *err)
{
  const char *s = var(in, v), *p;
  double x = 0;
  int digits = 0;
  char buf[48], msg[160];

  if (arg >= 0) {
    *out = arg;
    return 0;
  }
  if (s == NULL) {
    *out = unset;
    return 0;
  }
  for (p = s; is_space(*p); p++) ;
  for (; *p >= '0' && *p <= '9'; p++, digits++)
    if (x <= max) x = x * 10 + (*p - '0');
  for (; is_space(*p); p++) ;
  if (digits == 0 || *p != '\0' || x < min || x > max) {
    snprintf(msg, sizeof msg, " must be a whole number in %.0f..%.0f, not \"%s\"",
             min, max, shown(s, buf, sizeof buf));
    return fail(err, p4m_var_names[v], msg);
  }
  *out = x;
  return 0;
}

/* true/false (also TRUE, True, 1, yes / FALSE, False, 0, no) from a
 * variable; `unset` when it is unset or empty. */
static int flag(const p4m_input *in, int v, int unset, int *out,
                p4m_error *err)
{
  static const char *const yes[] = {"true", "TRUE", "True", "1", "yes"};
  static const char *const no[] = {"false", "FALSE", "False", "0", "no"};
  const char *s = var(in, v);
  char buf[48], msg[160];
  size_t i;

  *out = unset;
  if (s == NULL) return 0;
  for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (strcmp(s, yes[i]) == 0) { *out = 1; return 0; }
    if (strcmp(s, no[i]) == 0) { *out = 0; return 0; }
  }
  snprintf(msg, sizeof msg, " must be true or false, not \"%s\"",
           shown(s, buf, sizeof buf));
  return fail(err, p4m_var_names[v], msg);
}

/* ---- the seed --------------------------------------------------------- */

static int hash_text(uint32_t h, const char *s, const char *source,
                     uint32_t *out, p4m_error *err)
{
  size_t bad = 0;
  char msg[200];
  if (p4m_hash_utf8(h, s, strlen(s), out, &bad) == 0) return 0;
  snprintf(msg, sizeof msg, " is not valid UTF-8 (invalid byte 0x%02X at "
           "byte %lu); port4me hashes Unicode code points, so the name must "
           "be text", (unsigned) (unsigned char) s[bad],
           (unsigned long) bad + 1);
  return fail(err, source, msg);
}

static int seed(const p4m_input *in, p4m_config *cfg, p4m_error *err)
{
  uint32_t h;
  if (in->user != NULL) {
    if (in->user[0] == '\0') return fail(err, "user", " must not be empty");
    cfg->user = in->user; cfg->user_from = "user";
  } else if (var(in, P4M_VAR_USER) != NULL) {
    cfg->user = var(in, P4M_VAR_USER);
    cfg->user_from = p4m_var_names[P4M_VAR_USER];
  } else if (var(in, P4M_VAR_OS_USER) != NULL) {
    cfg->user = var(in, P4M_VAR_OS_USER);
    cfg->user_from = p4m_var_names[P4M_VAR_OS_USER];
  } else if (in->account != NULL && in->account[0] != '\0') {
    cfg->user = in->account; cfg->user_from = "the account name";
  } else {
    return fail(err, "user", " is not given, PORT4ME_USER and USER are unset "
                "and the operating system does not say who you are");
  }

  cfg->tool = NULL; cfg->tool_from = NULL;
  if (in->tool != NULL) {
    if (in->tool[0] != '\0') { cfg->tool = in->tool; cfg->tool_from = "tool"; }
  } else if (var(in, P4M_VAR_TOOL) != NULL) {
    cfg->tool = var(in, P4M_VAR_TOOL);
    cfg->tool_from = p4m_var_names[P4M_VAR_TOOL];
  }

  if (hash_text(0u, cfg->user, cfg->user_from, &h, err) != 0) return -1;
  if (cfg->tool != NULL &&
      hash_text(p4m_hash_cp(h, (uint32_t) ','), cfg->tool, cfg->tool_from,
                &h, err) != 0)
    return -1;
  cfg->hash = h;
  return 0;
}

/* ---- port sets -------------------------------------------------------- */

/* One source of ports: an argument or a variable. */
typedef struct {
  const char *name;
  const p4m_ports_arg *arg;  /* or NULL */
  const char *text;          /* a variable's value, or NULL (unset) */
  const p4m_set *ports;      /* or its ports, parsed before: not empty,
                                and read into a set only */
} source;

/* The argument when given, else its variable. */
static source arg_or_var(const p4m_input *in, const p4m_ports_arg *arg,
                         const char *arg_name, int v)
{
  source s = { NULL, NULL, NULL, NULL };
  if (arg->given) {
    s.name = arg_name; s.arg = arg;
  } else {
    s.name = p4m_var_names[v]; s.text = var(in, v);
  }
  return s;
}

static source var_source(const char *name, const char *text)
{
  source s = { NULL, NULL, NULL, NULL };
  s.name = name; s.text = text;
  return s;
}

static int add_to_set(void *ctx, uint32_t lo, uint32_t hi)
{
  p4m_set_add_range((p4m_set *) ctx, lo, hi);
  return 0;
}

typedef struct {
  const p4m_input *in;
  p4m_config *cfg;
  p4m_set seen;
} prepend_list;

static int add_to_list(void *ctx, uint32_t lo, uint32_t hi)
{
  prepend_list *pl = (prepend_list *) ctx;
  uint32_t p;
  if (pl->cfg->prepend == NULL) {
    pl->cfg->prepend = (uint16_t *) pl->in->alloc(
      pl->in->alloc_ctx, (size_t) P4M_PORT_MAX * sizeof(uint16_t));
    p4m_set_clear(&pl->seen);
  }
  for (p = lo; p <= hi; p++) {
    if (!p4m_set_has(&pl->seen, p)) {
      p4m_set_add(&pl->seen, p);
      pl->cfg->prepend[pl->cfg->n_prepend++] = (uint16_t) p;
    }
  }
  return 0;
}

/* Counts the ranges that a source gives, passing them on. */
typedef struct {
  p4m_range_fn fn;
  void *ctx;
  size_t n;
} counting;

static int count_range(void *ctx, uint32_t lo, uint32_t hi)
{
  counting *c = (counting *) ctx;
  c->n++;
  return c->fn(c->ctx, lo, hi);
}

/* Feed one source to fn; note its name in origin when it gave any port. */
static int read_source(const source *src, const p4m_tokens *tok,
                       p4m_range_fn fn_, void *ctx_, p4m_origin *origin,
                       p4m_error *err)
{
  const char *text = src->arg ? src->arg->text : src->text;
  p4m_spec_error e = { P4M_SPEC_IN_SELF, 0, "" };
  size_t i;
  counting c;
  p4m_range_fn fn = count_range;
  void *ctx = &c;
  c.fn = fn_; c.ctx = ctx_; c.n = 0;

  if (src->ports != NULL) {
    p4m_set_union((p4m_set *) ctx_, src->ports);
    origin->names[origin->n++] = src->name;   /* (never an empty set) */
    return 0;
  }

  if (src->arg != NULL && text == NULL) {
    /* ports checked by the R layer; checked again so that no value can
     * reach the port set unchecked */
    for (i = 0; i < src->arg->n; i++)
      if (src->arg->ports[i] < 1 || src->arg->ports[i] > (int) P4M_PORT_MAX)
        return fail(err, src->name, " holds a value that is not a port "
                    "(an internal error: port4me() checks this)");
    for (i = 0; i < src->arg->n; i++)
      fn_(ctx_, (uint32_t) src->arg->ports[i], (uint32_t) src->arg->ports[i]);
    if (src->arg->n > 0) origin->names[origin->n++] = src->name;
    return 0;
  }
  if (text == NULL) return 0;
  if (p4m_spec_parse(text, strlen(text), tok, fn, ctx, &e) != 0) {
    char msg[200];
    const char *where = src->name;
    if (e.where == P4M_SPEC_IN_CHROME)
      where = p4m_var_names[P4M_VAR_UNSAFE_CHROME];
    else if (e.where == P4M_SPEC_IN_FIREFOX)
      where = p4m_var_names[P4M_VAR_UNSAFE_FIREFOX];
    snprintf(msg, sizeof msg, ": %s", e.msg);
    return fail(err, where, msg);
  }
  if (c.n > 0) origin->names[origin->n++] = src->name;
  return 0;
}

static int read_sources(const source *src, int n, const p4m_tokens *tok,
                        p4m_range_fn fn, void *ctx, p4m_origin *origin,
                        p4m_error *err)
{
  int i;
  origin->n = 0;
  for (i = 0; i < n; i++)
    if (read_source(&src[i], tok, fn, ctx, origin, err) != 0) return -1;
  return 0;
}

/* The first of the sources that excludes all of `include` by itself (the
 * one to name when nothing is left), else `otherwise`. */
static const char *covering_source(const source *src, int n,
                                   const p4m_tokens *tok,
                                   const p4m_set *include,
                                   const char *otherwise)
{
  int i;
  for (i = 0; i < n; i++) {
    p4m_set one, left;
    p4m_origin o;
    p4m_error e;
    p4m_set_clear(&one);
    o.n = 0;
    if (read_source(&src[i], tok, add_to_set, &one, &o, &e) != 0) continue;
    left = *include;
    p4m_set_minus(&left, &one);
    if (p4m_set_empty(&left)) return src[i].name;
  }
  return otherwise;
}

/* The ports of the default PORT4ME_EXCLUDE_UNSAFE, {chrome} and {firefox}
 * with the built-in lists: parsed once, as every call that leaves the three
 * PORT4ME_EXCLUDE_UNSAFE variables unset excludes the same ports. */
static const char default_unsafe_text[] = "{chrome},{firefox}";

static const p4m_set *default_unsafe(const p4m_tokens *tok)
{
  static p4m_set set;   /* (static: starts empty) */
  static int ready = 0;
  if (!ready) {
    p4m_spec_error e;
    /* the built-in lists parse: tools/ctest checks them */
    (void) p4m_spec_parse(default_unsafe_text, strlen(default_unsafe_text),
                          tok, add_to_set, &set, &e);
    ready = 1;
  }
  return &set;
}

static int port_sets(const p4m_input *in, p4m_config *cfg, p4m_error *err)
{
  source inc[2], exc[3], pre[2];
  p4m_tokens tok;
  prepend_list pl;
  const char *unsafe = in->env[P4M_VAR_UNSAFE];

  tok.chrome = in->env[P4M_VAR_UNSAFE_CHROME] ? in->env[P4M_VAR_UNSAFE_CHROME]
    : p4m_unsafe_chrome;
  tok.chrome_len = strlen(tok.chrome);
  tok.firefox = in->env[P4M_VAR_UNSAFE_FIREFOX]
    ? in->env[P4M_VAR_UNSAFE_FIREFOX] : p4m_unsafe_firefox;
  tok.firefox_len = strlen(tok.firefox);

  inc[0] = arg_or_var(in, &in->include, "include", P4M_VAR_INCLUDE);
  inc[1] = var_source(p4m_var_names[P4M_VAR_INCLUDE_SITE],
                      var(in, P4M_VAR_INCLUDE_SITE));
  p4m_set_clear(&cfg->include);
  if (read_sources(inc, 2, &tok, add_to_set, &cfg->include,
                   &cfg->include_from, err) != 0)
    return -1;
  cfg->include_default = p4m_set_empty(&cfg->include);
  if (cfg->include_default)
    p4m_set_add_range(&cfg->include, P4M_DEFAULT_MIN, P4M_PORT_MAX);

  exc[0] = arg_or_var(in, &in->exclude, "exclude", P4M_VAR_EXCLUDE);
  exc[1] = var_source(p4m_var_names[P4M_VAR_EXCLUDE_SITE],
                      var(in, P4M_VAR_EXCLUDE_SITE));
  exc[2] = var_source(p4m_var_names[P4M_VAR_UNSAFE], unsafe);
  if (unsafe == NULL) {
    if (in->env[P4M_VAR_UNSAFE_CHROME] == NULL &&
        in->env[P4M_VAR_UNSAFE_FIREFOX] == NULL)
      exc[2].ports = default_unsafe(&tok);
    else
      exc[2].text = default_unsafe_text;
  }
  p4m_set_clear(&cfg->exclude);
  if (read_sources(exc, 3, &tok, add_to_set, &cfg->exclude,
                   &cfg->exclude_from, err) != 0)
    return -1;

  cfg->cand = cfg->include;
  p4m_set_minus(&cfg->cand, &cfg->exclude);

  pre[0] = arg_or_var(in, &in->prepend, "prepend", P4M_VAR_PREPEND);
  pre[1] = var_source(p4m_var_names[P4M_VAR_PREPEND_SITE],
                      var(in, P4M_VAR_PREPEND_SITE));
  cfg->prepend = NULL;
  cfg->n_prepend = 0;
  pl.in = in;
  pl.cfg = cfg;
  if (read_sources(pre, 2, &tok, add_to_list, &pl, &cfg->prepend_from,
                   err) != 0)
    return -1;

  if (p4m_set_empty(&cfg->cand)) {
    if (cfg->include_default)
      return fail(err, covering_source(exc, 3, &tok, &cfg->include,
                                       cfg->exclude_from.names[0]),
                  ": no candidate ports: the exclusions cover all of the "
                  "default 1024-65535");
    return fail(err, cfg->include_from.names[0], ": no candidate ports: "
                "every included port is excluded (by the exclude set, "
                "PORT4ME_EXCLUDE_SITE or PORT4ME_EXCLUDE_UNSAFE)");
  }
  return 0;
}

/* ---- the claims directory ---------------------------------------------- */

static int absolute(const char *p)
{
#ifdef _WIN32
  if ((p[0] == '\\' && p[1] == '\\') ||
      (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
       p[1] == ':' && (p[2] == '\\' || p[2] == '/')))
    return 1;
#endif
  return p[0] == '/';
}

/* dir = base + middle + suffix; an error naming `from` when too long. */
static int join(char *dir, const char *base, const char *middle,
                const char *suffix, const char *from, p4m_error *err)
{
  int n = snprintf(dir, P4M_CLAIMS_DIR_MAX, "%s%s%s", base, middle, suffix);
  if (n < 0 || n >= P4M_CLAIMS_DIR_MAX) {
    dir[0] = '\0';
    return fail(err, from, " is too long to hold the claims directory");
  }
  return 0;
}

/* $XDG_RUNTIME_DIR/port4me (private to the user and on local disk where
 * systemd sets it), and R's per-user cache folder for the package, as
 * tools::R_user_dir("port4me", "cache") names it, plus "/claims".  Values
 * that are not absolute paths are passed over. */
static int claims_dir(const p4m_input *in, p4m_config *cfg, p4m_error *err)
{
  static const int bases[] = {
    P4M_VAR_R_USER_CACHE_DIR, P4M_VAR_XDG_CACHE_HOME,
#ifdef _WIN32
    P4M_VAR_LOCALAPPDATA
#else
    P4M_VAR_HOME
#endif
  };
  static const char *const middles[] = {
    "", "",
#ifdef _WIN32
    "/R/cache"
#elif defined(__APPLE__)
    "/Library/Caches/org.R-project.R"
#else
    "/.cache"
#endif
  };
  const char *xdg = var(in, P4M_VAR_XDG_RUNTIME_DIR);
  size_t i;

  cfg->claims_dir[0] = cfg->claims_alt[0] = '\0';
  cfg->claims_xdg = NULL;
  for (i = 0; i < sizeof bases / sizeof bases[0]; i++) {
    const char *base = var(in, bases[i]);
    if (base == NULL || !absolute(base)) continue;
    if (join(cfg->claims_alt, base, middles[i], "/R/port4me/claims",
             p4m_var_names[bases[i]], err) != 0)
      return -1;
    break;
  }
  if (xdg != NULL && absolute(xdg)) {
    cfg->claims_xdg = xdg;
    return join(cfg->claims_dir, xdg, "", "/port4me",
                p4m_var_names[P4M_VAR_XDG_RUNTIME_DIR], err);
  }
  memcpy(cfg->claims_dir, cfg->claims_alt, sizeof cfg->claims_dir);
  return 0;
}

/* ---- everything ------------------------------------------------------- */

int p4m_configure(const p4m_input *in, p4m_config *cfg, p4m_error *err)
{
  const char *any = var(in, P4M_VAR_CHECK_ANY);
  double test;
  char buf[48], msg[160];

  if (any != NULL && strcmp(any, "any") != 0) {
    snprintf(msg, sizeof msg, " must be unset, empty or \"any\", not \"%s\"",
             shown(any, buf, sizeof buf));
    return fail(err, p4m_var_names[P4M_VAR_CHECK_ANY], msg);
  }
  cfg->any = any != NULL;
  if (flag(in, P4M_VAR_DEBUG, 0, &cfg->debug, err) != 0) return -1;
  if (count(in, in->test, P4M_VAR_TEST, 1, P4M_PORT_MAX, -1, &test, err) != 0)
    return -1;
  cfg->test = test;
  cfg->user = cfg->tool = cfg->user_from = cfg->tool_from = NULL;
  cfg->prepend = NULL;
  cfg->n_prepend = 0;
  if (count(in, in->reserve, P4M_VAR_RESERVE, 0, P4M_COUNT_MAX, 0,
            &cfg->reserve, err) != 0)
    return -1;
  cfg->claims_dir[0] = cfg->claims_alt[0] = '\0';
  cfg->claims_xdg = NULL;
  if (test >= 0) {
    /* test = port: nothing else is computed (but claims count) */
    cfg->mode = P4M_MODE_TEST;
    return claims_dir(in, cfg, err);
  }
  if (count(in, in->skip, P4M_VAR_SKIP, 0, P4M_COUNT_MAX, 0, &cfg->skip,
            err) != 0 ||
      count(in, in->list, P4M_VAR_LIST, 1, P4M_COUNT_MAX, -1, &cfg->list,
            err) != 0 ||
      count(in, in->max_tries, P4M_VAR_MAX_TRIES, 1, P4M_COUNT_MAX,
            P4M_MAX_TRIES_DEFAULT, &cfg->max_tries, err) != 0)
    return -1;
  if (in->must_work >= 0) {
    cfg->must_work = in->must_work != 0;
  } else if (flag(in, P4M_VAR_MUST_WORK, 1, &cfg->must_work, err) != 0) {
    return -1;
  }
  cfg->mode = cfg->list >= 1 ? P4M_MODE_LIST : P4M_MODE_SEARCH;
  /* a list checks no port, so it needs no claims */
  if (cfg->mode == P4M_MODE_SEARCH && claims_dir(in, cfg, err) != 0)
    return -1;
  if (seed(in, cfg, err) != 0) return -1;
  return port_sets(in, cfg, err);
}
