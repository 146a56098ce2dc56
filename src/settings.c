/* The precedence rules of port4me's settings (see settings.h). */
#include <stdio.h>
#include <string.h>
#include "hash.h"
#include "spec.h"
#include "value.h"
#include "settings.h"

const char *p4m_source(const p4m_input *in, int row)
{
  const p4m_row *r = &p4m_table[row];
  switch (in->given[row].from) {
  case P4M_FROM_ARG: return r->arg;
  case P4M_FROM_OPTION: return r->opt;
  default: return r->var;
  }
}

/* A variable's value, or NULL when it is unset or empty. */
static const char *var(const p4m_input *in, int row)
{
  const char *s = in->env[row];
  return (s == NULL || s[0] == '\0') ? NULL : s;
}

/* The text of a row: the option's value, else its variable (NULL when
 * unset or empty).  (Not for arguments: see the callers.) */
static const char *text_of(const p4m_input *in, int row)
{
  return in->given[row].from == P4M_FROM_OPTION ? in->given[row].text
    : var(in, row);
}

/* A number (COUNT, PORT, SECONDS): the argument, the option or the
 * variable, else the table's default, else `unset`. */
static int number(const p4m_input *in, int row, double unset, double *out,
                  p4m_error *e)
{
  const p4m_given *g = &in->given[row];
  const char *s;
  if (g->from == P4M_FROM_ARG) {
    double v = g->ints != NULL ? (double) g->ints[0] : g->dbls[0];
    if (p4m_check_number(row, p4m_source(in, row), v, e) != 0) return -1;
    *out = v;
    return 0;
  }
  s = text_of(in, row);
  if (s != NULL) return p4m_parse_number(row, p4m_source(in, row), s, out, e);
  if (p4m_table[row].dflt != NULL)
    return p4m_parse_number(row, p4m_table[row].var, p4m_table[row].dflt,
                            out, e);
  *out = unset;
  return 0;
}

/* A flag: the argument, the option or the variable, else the default. */
static int flag(const p4m_input *in, int row, int *out, p4m_error *e)
{
  const char *s;
  if (in->given[row].from == P4M_FROM_ARG) {
    *out = in->given[row].flag != 0;
    return 0;
  }
  s = text_of(in, row);
  if (s != NULL) return p4m_parse_flag(row, p4m_source(in, row), s, out, e);
  return p4m_parse_flag(row, p4m_table[row].var, p4m_table[row].dflt, out, e);
}

/* ---- the seed --------------------------------------------------------- */

static int seed(const p4m_input *in, p4m_config *cfg, p4m_error *e)
{
  const p4m_given *gu = &in->given[P4M_USER], *gt = &in->given[P4M_TOOL];
  uint32_t h;
  size_t bad;

  if (gu->from != P4M_FROM_NONE) {
    cfg->user = gu->text;
    cfg->user_from = p4m_source(in, P4M_USER);
  } else if (var(in, P4M_USER) != NULL) {
    cfg->user = var(in, P4M_USER);
    cfg->user_from = p4m_table[P4M_USER].var;
  } else if (var(in, P4M_OS_USER) != NULL) {
    cfg->user = var(in, P4M_OS_USER);
    cfg->user_from = p4m_table[P4M_OS_USER].var;
  } else if (in->account != NULL && in->account[0] != '\0') {
    cfg->user = in->account;
    cfg->user_from = "the account name";
  } else {
    return p4m_fail(e, P4M_E_INVALID, p4m_table[P4M_USER].arg, 0, NULL,
                    "No user name: the user is not given, PORT4ME_USER and "
                    "USER are unset and the system does not say who you are");
  }
  if (p4m_check_name(P4M_USER, cfg->user_from, cfg->user, e) != 0) return -1;

  /* (tool and tool_from are NULL: p4m_configure() set them so) */
  if (gt->from != P4M_FROM_NONE) {
    if (gt->text[0] != '\0') {
      cfg->tool = gt->text;
      cfg->tool_from = p4m_source(in, P4M_TOOL);
    }
  } else if (var(in, P4M_TOOL) != NULL) {
    cfg->tool = var(in, P4M_TOOL);
    cfg->tool_from = p4m_table[P4M_TOOL].var;
  }
  if (cfg->tool != NULL &&
      p4m_check_name(P4M_TOOL, cfg->tool_from, cfg->tool, e) != 0)
    return -1;

  /* (both are valid UTF-8 now) */
  (void) p4m_hash_utf8(0u, cfg->user, strlen(cfg->user), &h, &bad);
  if (cfg->tool != NULL)
    (void) p4m_hash_utf8(p4m_hash_cp(h, (uint32_t) ','), cfg->tool,
                         strlen(cfg->tool), &h, &bad);
  cfg->hash = h;
  return 0;
}

/* ---- port sets -------------------------------------------------------- */

/* One source of ports: a row's argument, option or variable. */
typedef struct {
  int row;
  const char *name;
  const p4m_given *arg;      /* an argument's numbers, or NULL */
  const char *text;          /* a specification, or NULL (none) */
  const p4m_set *ports;      /* or its ports, parsed before (not empty) */
} source;

/* A row as a source: its argument or option when given, else its
 * variable. */
static source source_of(const p4m_input *in, int row)
{
  source s;
  const p4m_given *g = &in->given[row];
  s.row = row;
  s.name = p4m_source(in, row);
  s.arg = NULL;
  s.text = NULL;
  s.ports = NULL;
  if (g->from == P4M_FROM_ARG && g->text == NULL) s.arg = g;
  else if (g->from != P4M_FROM_NONE) s.text = g->text;
  else s.text = var(in, row);
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

/* The numbers of an argument: each a port (whole, within the limits). */
static int read_numbers(const source *src, p4m_range_fn fn, void *ctx,
                        size_t *n, p4m_error *e)
{
  const p4m_given *g = src->arg;
  size_t i;
  for (i = 0; i < g->n; i++) {
    double v = g->ints != NULL ? (double) g->ints[i] : g->dbls[i];
    if (p4m_check_number(src->row, src->name, v, e) != 0) {
      size_t k = strlen(e->message);
      (void) snprintf(e->message + k, sizeof e->message - k, " (element %lu)",
                      (unsigned long) i + 1);
      return -1;
    }
  }
  for (i = 0; i < g->n; i++) {
    uint32_t p = (uint32_t) (g->ints != NULL ? g->ints[i] : g->dbls[i]);
    fn(ctx, p, p);
  }
  *n = g->n;
  return 0;
}

/* Feed one source to fn; note its name in origin when it gave any port. */
static int read_source(const p4m_input *in, const source *src,
                       const p4m_tokens *tok, p4m_range_fn fn_, void *ctx_,
                       p4m_origin *origin, p4m_error *e)
{
  p4m_spec_error se;
  counting c;
  c.fn = fn_; c.ctx = ctx_; c.n = 0;

  if (src->ports != NULL) {
    p4m_set_union((p4m_set *) ctx_, src->ports);
    c.n = 1;   /* (never an empty set) */
  } else if (src->arg != NULL) {
    if (read_numbers(src, fn_, ctx_, &c.n, e) != 0) return -1;
  } else if (src->text != NULL &&
             p4m_spec_parse(src->text, strlen(src->text), tok, count_range,
                            &c, &se) != 0) {
    /* an error in a {chrome} or {firefox} list names its variable */
    int row = se.where == P4M_SPEC_IN_CHROME ? P4M_UNSAFE_CHROME
      : se.where == P4M_SPEC_IN_FIREFOX ? P4M_UNSAFE_FIREFOX : src->row;
    const char *name = row == src->row ? src->name : p4m_table[row].var;
    const char *text = row == src->row ? src->text : in->env[row];
    char shown[200];
    return p4m_bad_value(e, row, name, p4m_show(text, shown, sizeof shown),
                         se.msg);
  }
  if (c.n > 0) origin->names[origin->n++] = src->name;
  return 0;
}

static int read_sources(const p4m_input *in, const source *src, int n,
                        const p4m_tokens *tok, p4m_range_fn fn, void *ctx,
                        p4m_origin *origin, p4m_error *e)
{
  int i;
  origin->n = 0;
  for (i = 0; i < n; i++)
    if (read_source(in, &src[i], tok, fn, ctx, origin, e) != 0) return -1;
  return 0;
}

/* The first of the sources that excludes all of `include` by itself (the
 * one to name when nothing is left), else `otherwise`. */
static const char *covering_source(const p4m_input *in, const source *src,
                                   int n, const p4m_tokens *tok,
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
    if (read_source(in, &src[i], tok, add_to_set, &one, &o, &e) != 0)
      continue;
    left = *include;
    p4m_set_minus(&left, &one);
    if (p4m_set_empty(&left)) return src[i].name;
  }
  return otherwise;
}

/* The ports of a default specification of the table, parsed once: every
 * call that leaves the three PORT4ME_EXCLUDE_UNSAFE variables unset
 * excludes the same ports, and every call without include ports includes
 * the same ones. */
static const p4m_set *default_set(int row, const p4m_tokens *tok)
{
  static p4m_set sets[2];   /* (static: start empty) */
  static int ready[2] = {0, 0};
  int k = row == P4M_INCLUDE ? 0 : 1;
  if (!ready[k]) {
    p4m_spec_error se;
    const char *s = p4m_table[row].dflt;
    /* the table's defaults parse: tools/ctest checks them */
    (void) p4m_spec_parse(s, strlen(s), tok, add_to_set, &sets[k], &se);
    ready[k] = 1;
  }
  return &sets[k];
}

static int port_sets(const p4m_input *in, p4m_config *cfg, p4m_error *e)
{
  source inc[2], exc[3], pre[2];
  p4m_tokens tok;
  prepend_list pl;
  const char *chrome = in->env[P4M_UNSAFE_CHROME],
    *firefox = in->env[P4M_UNSAFE_FIREFOX];

  tok.chrome = chrome != NULL ? chrome : p4m_table[P4M_UNSAFE_CHROME].dflt;
  tok.chrome_len = strlen(tok.chrome);
  tok.firefox = firefox != NULL ? firefox : p4m_table[P4M_UNSAFE_FIREFOX].dflt;
  tok.firefox_len = strlen(tok.firefox);

  inc[0] = source_of(in, P4M_INCLUDE);
  inc[1] = source_of(in, P4M_INCLUDE_SITE);
  p4m_set_clear(&cfg->include);
  if (read_sources(in, inc, 2, &tok, add_to_set, &cfg->include,
                   &cfg->include_from, e) != 0)
    return -1;
  cfg->include_default = p4m_set_empty(&cfg->include);
  if (cfg->include_default) cfg->include = *default_set(P4M_INCLUDE, &tok);

  exc[0] = source_of(in, P4M_EXCLUDE);
  exc[1] = source_of(in, P4M_EXCLUDE_SITE);
  exc[2] = source_of(in, P4M_EXCLUDE_UNSAFE);
  if (in->env[P4M_EXCLUDE_UNSAFE] == NULL) {   /* unset (not empty) */
    if (chrome == NULL && firefox == NULL)
      exc[2].ports = default_set(P4M_EXCLUDE_UNSAFE, &tok);
    else
      exc[2].text = p4m_table[P4M_EXCLUDE_UNSAFE].dflt;
  }
  p4m_set_clear(&cfg->exclude);
  if (read_sources(in, exc, 3, &tok, add_to_set, &cfg->exclude,
                   &cfg->exclude_from, e) != 0)
    return -1;

  cfg->cand = cfg->include;
  p4m_set_minus(&cfg->cand, &cfg->exclude);

  pre[0] = source_of(in, P4M_PREPEND);
  pre[1] = source_of(in, P4M_PREPEND_SITE);
  cfg->prepend = NULL;
  cfg->n_prepend = 0;
  pl.in = in;
  pl.cfg = cfg;
  if (read_sources(in, pre, 2, &tok, add_to_list, &pl, &cfg->prepend_from,
                   e) != 0)
    return -1;

  if (p4m_set_empty(&cfg->cand)) {
    const char *name;
    if (cfg->include_default) {
      name = covering_source(in, exc, 3, &tok, &cfg->include,
                             cfg->exclude_from.names[0]);
      return p4m_fail(e, P4M_E_INVALID, name, 0, NULL, "%s leaves no "
                      "candidate ports: the exclusions cover all of the "
                      "default 1024-65535", name);
    }
    name = cfg->include_from.names[0];
    return p4m_fail(e, P4M_E_INVALID, name, 0, NULL, "%s leaves no "
                    "candidate ports: every included port is excluded (by "
                    "the exclude set, PORT4ME_EXCLUDE_SITE or "
                    "PORT4ME_EXCLUDE_UNSAFE)", name);
  }
  return 0;
}

/* ---- the claims folders ------------------------------------------------ */

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

/* Add the folder base + rest (without doubled or trailing slashes) when it
 * fits; `keep_base`: base must exist already. */
static void add_dir(p4m_config *cfg, const char *base, const char *rest,
                    int keep_base, const char *from)
{
  p4m_claims_dir *d = &cfg->claims[cfg->n_claims];
  size_t n = strlen(base);
  int i, k;
  if (cfg->n_claims >= P4M_MAX_CLAIMS_DIRS) return;
  while (n > 1 && (base[n - 1] == '/'
#ifdef _WIN32
                   || base[n - 1] == '\\'
#endif
                   ))
    n--;
  k = snprintf(d->dir, sizeof d->dir, "%.*s%s%s", (int) n, base,
               (n == 1 && base[0] == '/') ? "" : "/", rest);
  if (k < 0 || (size_t) k >= sizeof d->dir) return;   /* too long: passed over */
  for (i = 0; i < cfg->n_claims; i++)
    if (strcmp(cfg->claims[i].dir, d->dir) == 0) return;   /* listed */
  d->base = keep_base ? n : 0;
  d->from = from;
  cfg->n_claims++;
}

static void claims_dirs(const p4m_input *in, p4m_config *cfg)
{
  const char *xdg = var(in, P4M_XDG_RUNTIME_DIR), *tmp = var(in, P4M_TMPDIR);
  static const int cache_rows[] = {
    P4M_R_USER_CACHE_DIR, P4M_XDG_CACHE_HOME,
#ifdef _WIN32
    P4M_LOCALAPPDATA
#else
    P4M_HOME
#endif
  };
  static const char *const cache_middle[] = {
    "", "",
#ifdef _WIN32
    "R/cache/"
#elif defined(__APPLE__)
    "Library/Caches/org.R-project.R/"
#else
    ".cache/"
#endif
  };
  char rest[P4M_PATH_MAX], host[256];
  long uid = in->uid();
  size_t i;

  cfg->n_claims = 0;
  if (xdg != NULL && absolute(xdg))
    add_dir(cfg, xdg, "port4me", 1, p4m_table[P4M_XDG_RUNTIME_DIR].var);
#if !defined(_WIN32) && !defined(__APPLE__)
  if (uid >= 0) {
    char run[64];
    (void) snprintf(run, sizeof run, "/run/user/%ld", uid);
    add_dir(cfg, run, "port4me", 1, "the user id");
  }
#endif
  for (i = 0; i < sizeof cache_rows / sizeof cache_rows[0]; i++) {
    const char *base = var(in, cache_rows[i]);
    if (base == NULL || !absolute(base)) continue;
    in->host(host, sizeof host);
    (void) snprintf(rest, sizeof rest, "%sR/port4me/claims/%s",
                    cache_middle[i], host);
    add_dir(cfg, base, rest, 0, p4m_table[cache_rows[i]].var);
    break;
  }
  if (tmp == NULL || !absolute(tmp)) tmp = NULL;
#ifndef _WIN32
  if (tmp == NULL) tmp = "/tmp";
#endif
  if (tmp != NULL) {
    (void) snprintf(rest, sizeof rest, "port4me-%ld", uid);
    add_dir(cfg, tmp, rest, 1, "the temporary folder");
  }
}

/* ---- everything ------------------------------------------------------- */

int p4m_configure(const p4m_input *in, p4m_config *cfg, p4m_error *e)
{
  double test = -1, release = -1;

  p4m_error_clear(e);
  cfg->user = cfg->tool = cfg->user_from = cfg->tool_from = NULL;
  cfg->prepend = NULL;
  cfg->n_prepend = 0;
  cfg->n_claims = 0;
  cfg->port = 0;
  cfg->skip = cfg->reserve = 0;
  cfg->list = -1;
  cfg->max_tries_from = NULL;
  if (p4m_parse_hook(P4M_CHECK_ANY, p4m_table[P4M_CHECK_ANY].var,
                     var(in, P4M_CHECK_ANY), &cfg->any, e) != 0 ||
      flag(in, P4M_DEBUG, &cfg->debug, e) != 0 ||
      number(in, P4M_TEST, -1, &test, e) != 0)
    return -1;
  if (test > 0) {
    /* test = port: nothing else is computed (but claims count) */
    cfg->mode = P4M_MODE_TEST;
    cfg->port = (int) test;
    claims_dirs(in, cfg);
    return 0;
  }
  if (number(in, P4M_RELEASE, -1, &release, e) != 0) return -1;
  if (release > 0) {
    cfg->mode = P4M_MODE_RELEASE;
    cfg->port = (int) release;
    claims_dirs(in, cfg);
    return 0;
  }
  if (number(in, P4M_SKIP, 0, &cfg->skip, e) != 0 ||
      number(in, P4M_LIST, -1, &cfg->list, e) != 0 ||
      number(in, P4M_MAX_TRIES, 0, &cfg->max_tries, e) != 0 ||
      number(in, P4M_RESERVE, 0, &cfg->reserve, e) != 0 ||
      flag(in, P4M_MUST_WORK, &cfg->must_work, e) != 0)
    return -1;
  cfg->max_tries_from = p4m_source(in, P4M_MAX_TRIES);
  cfg->mode = cfg->list >= 1 ? P4M_MODE_LIST : P4M_MODE_SEARCH;
  /* a list checks no port, so it needs no claims */
  if (cfg->mode == P4M_MODE_SEARCH) claims_dirs(in, cfg);
  if (seed(in, cfg, e) != 0) return -1;
  return port_sets(in, cfg, e);
}
