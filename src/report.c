/* report.c - debug output as lines of text (see report.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "show.h"
#include "report.h"

/* Appends to a line buffer; once it is full, further text is dropped and
 * `cut` counts the ranges left out. */
typedef struct {
  char *buf;
  size_t n, k;
  unsigned long cut;
} text;

static void put(text *t, const char *s)
{
  size_t len = strlen(s);
  if (t->k + len + 24 >= t->n) {   /* keep room for the ", ... (N more)" */
    t->cut++;
    return;
  }
  memcpy(t->buf + t->k, s, len + 1);
  t->k += len;
}

static void put_range(text *t, uint32_t lo, uint32_t hi)
{
  char r[24];
  if (lo == hi) (void) snprintf(r, sizeof r, "%s%u", t->k ? "," : "",
                                (unsigned) lo);
  else (void) snprintf(r, sizeof r, "%s%u-%u", t->k ? "," : "",
                       (unsigned) lo, (unsigned) hi);
  put(t, r);
}

static const char *done(text *t)
{
  if (t->k == 0 && t->cut == 0) (void) snprintf(t->buf, t->n, "none");
  else if (t->cut > 0)
    (void) snprintf(t->buf + t->k, t->n - t->k, ", ... (%lu more)", t->cut);
  return t->buf;
}

const char *p4m_report_set(const p4m_set *x, char *buf, size_t n)
{
  text t;
  uint32_t p = 0, lo;
  t.buf = buf; t.n = n; t.k = 0; t.cut = 0;
  buf[0] = '\0';
  while (p <= P4M_PORT_MAX) {
    if (!p4m_set_has(x, p)) { p++; continue; }
    lo = p;
    while (p < P4M_PORT_MAX && p4m_set_has(x, p + 1)) p++;
    put_range(&t, lo, p);
    p++;
  }
  return done(&t);
}

const char *p4m_report_list(const uint16_t *ports, size_t n_ports, char *buf,
                            size_t n)
{
  text t;
  size_t i, start = 0;
  t.buf = buf; t.n = n; t.k = 0; t.cut = 0;
  buf[0] = '\0';
  /* a run of consecutive ports ends at the last port or before a gap */
  for (i = 1; i <= n_ports; i++) {
    if (i == n_ports || ports[i] != ports[i - 1] + 1) {
      put_range(&t, ports[start], ports[i - 1]);
      start = i;
    }
  }
  return done(&t);
}

const char *p4m_report_time(double t, char *buf, size_t n)
{
  time_t s = (time_t) t;
  struct tm *tm = localtime(&s);
  if (tm == NULL || strftime(buf, n, "%Y-%m-%d %H:%M:%S", tm) == 0)
    (void) snprintf(buf, n, "%.0f s since 1970", t);
  return buf;
}

/* " (from a, b and c)", or "" */
static const char *origins(const p4m_origin *o, char *buf, size_t n)
{
  int i;
  size_t k;
  buf[0] = '\0';
  if (o->n == 0) return buf;
  (void) snprintf(buf, n, " (from ");
  for (i = 0; i < o->n; i++) {
    k = strlen(buf);
    (void) snprintf(buf + k, n - k, "%s%s",
                    i == 0 ? "" : (i + 1 == o->n ? " and " : ", "),
                    o->names[i]);
  }
  k = strlen(buf);
  (void) snprintf(buf + k, n - k, ")");
  return buf;
}

void p4m_report_inputs(const p4m_config *cfg, p4m_line_fn line, void *ctx)
{
  char l[P4M_LINE_MAX], set[P4M_LINE_MAX - 200], from[160],
    text[P4M_LINE_MAX - 200], seed[P4M_LINE_MAX];
  unsigned long n_cand = (unsigned long) p4m_set_count(&cfg->cand);
  int i;

  (void) snprintf(l, sizeof l, "user %s (from %s)",
                  p4m_show_text(cfg->user, 1, text, sizeof text),
                  cfg->user_from);
  line(ctx, l);
  if (cfg->tool == NULL) (void) snprintf(l, sizeof l, "tool: none");
  else (void) snprintf(l, sizeof l, "tool %s (from %s)",
                       p4m_show_text(cfg->tool, 1, text, sizeof text),
                       cfg->tool_from);
  line(ctx, l);
  (void) snprintf(seed, sizeof seed, "%s%s%s", cfg->user,
                  cfg->tool != NULL ? "," : "",
                  cfg->tool != NULL ? cfg->tool : "");
  (void) snprintf(l, sizeof l, "seed string %s, hash %lu",
                  p4m_show_text(seed, 1, text, sizeof text),
                  (unsigned long) cfg->hash);
  line(ctx, l);
  (void) snprintf(l, sizeof l, "include %s%s",
                  p4m_report_set(&cfg->include, set, sizeof set),
                  cfg->include_default ? " (the default)"
                  : origins(&cfg->include_from, from, sizeof from));
  line(ctx, l);
  (void) snprintf(l, sizeof l, "exclude %s%s",
                  p4m_report_set(&cfg->exclude, set, sizeof set),
                  origins(&cfg->exclude_from, from, sizeof from));
  line(ctx, l);
  (void) snprintf(l, sizeof l, "prepend %s%s",
                  p4m_report_list(cfg->prepend, cfg->n_prepend, set,
                                  sizeof set),
                  origins(&cfg->prepend_from, from, sizeof from));
  line(ctx, l);
  (void) snprintf(l, sizeof l, "%lu candidate port%s", n_cand,
                  n_cand == 1 ? "" : "s");
  line(ctx, l);
  if (cfg->mode != P4M_MODE_SEARCH) return;
  if (cfg->reserve > 0)
    (void) snprintf(l, sizeof l, "reserve: claim the port for %.0f seconds",
                    cfg->reserve);
  else
    (void) snprintf(l, sizeof l, "reserve: none (claims are only read)");
  line(ctx, l);
  for (i = 0; i < cfg->n_claims; i++) {
    (void) snprintf(l, sizeof l, "claims folder %s (from %.40s)",
                    p4m_show_text(cfg->claims[i].dir, 0, text, sizeof text),
                    cfg->claims[i].from);
    line(ctx, l);
  }
}
