#include <stdio.h>
#include <string.h>
#include "report.h"

static void emit_range(uint32_t lo, uint32_t hi, int first, p4m_emit_fn emit,
                       void *ctx)
{
  char buf[24];
  if (lo == hi)
    snprintf(buf, sizeof buf, "%s%u", first ? "" : ",", (unsigned) lo);
  else
    snprintf(buf, sizeof buf, "%s%u-%u", first ? "" : ",", (unsigned) lo,
             (unsigned) hi);
  emit(ctx, buf);
}

void p4m_report_set(const p4m_set *x, p4m_emit_fn emit, void *ctx)
{
  uint32_t p = 0, lo;
  int first = 1;
  while (p <= P4M_PORT_MAX) {
    if (!p4m_set_has(x, p)) { p++; continue; }
    lo = p;
    while (p + 1 <= P4M_PORT_MAX && p4m_set_has(x, p + 1)) p++;
    emit_range(lo, p, first, emit, ctx);
    first = 0;
    p++;
  }
  if (first) emit(ctx, "none");
}

void p4m_report_list(const uint16_t *ports, size_t n, p4m_emit_fn emit,
                     void *ctx)
{
  size_t i, start = 0;
  if (n == 0) emit(ctx, "none");
  /* a run of consecutive ports ends at the last port or before a gap */
  for (i = 1; i <= n; i++) {
    if (i == n || ports[i] != ports[i - 1] + 1) {
      emit_range(ports[start], ports[i - 1], start == 0, emit, ctx);
      start = i;
    }
  }
}

/* An argument's name is quoted, a variable's is not (as in errors). */
static void emit_name(const char *name, p4m_emit_fn emit, void *ctx)
{
  int arg = name[0] >= 'a' && name[0] <= 'z' && strchr(name, ' ') == NULL;
  if (arg) emit(ctx, "'");
  emit(ctx, name);
  if (arg) emit(ctx, "'");
}

static void emit_origin(const p4m_origin *o, p4m_emit_fn emit, void *ctx)
{
  int i;
  if (o->n == 0) {
    emit(ctx, "\n");
    return;
  }
  emit(ctx, " (from ");
  for (i = 0; i < o->n; i++) {
    if (i > 0) emit(ctx, i + 1 == o->n ? " and " : ", ");
    emit_name(o->names[i], emit, ctx);
  }
  emit(ctx, ")\n");
}

void p4m_report_inputs(const p4m_config *cfg, p4m_emit_fn emit, void *ctx)
{
  char buf[64];
  emit(ctx, "port4me: user \"");
  emit(ctx, cfg->user);
  emit(ctx, "\" (from ");
  emit_name(cfg->user_from, emit, ctx);
  emit(ctx, ")\nport4me: tool ");
  if (cfg->tool == NULL) {
    emit(ctx, "none\n");
  } else {
    emit(ctx, "\"");
    emit(ctx, cfg->tool);
    emit(ctx, "\" (from ");
    emit_name(cfg->tool_from, emit, ctx);
    emit(ctx, ")\n");
  }
  emit(ctx, "port4me: seed string \"");
  emit(ctx, cfg->user);
  if (cfg->tool != NULL) {
    emit(ctx, ",");
    emit(ctx, cfg->tool);
  }
  snprintf(buf, sizeof buf, "\", hash %lu\n", (unsigned long) cfg->hash);
  emit(ctx, buf);

  emit(ctx, "port4me: include ");
  p4m_report_set(&cfg->include, emit, ctx);
  if (cfg->include_default) emit(ctx, " (the default)\n");
  else emit_origin(&cfg->include_from, emit, ctx);
  emit(ctx, "port4me: exclude ");
  p4m_report_set(&cfg->exclude, emit, ctx);
  emit_origin(&cfg->exclude_from, emit, ctx);
  emit(ctx, "port4me: prepend ");
  p4m_report_list(cfg->prepend, cfg->n_prepend, emit, ctx);
  emit_origin(&cfg->prepend_from, emit, ctx);
  snprintf(buf, sizeof buf, "port4me: %lu candidate ports\n",
           (unsigned long) p4m_set_count(&cfg->cand));
  emit(ctx, buf);
  emit(ctx, "port4me: claims in ");
  emit(ctx, cfg->claims_dir[0] ? cfg->claims_dir : "(no folder)");
  if (cfg->reserve > 0) {
    snprintf(buf, sizeof buf, "; reserve the port for %.0f seconds\n",
             cfg->reserve);
    emit(ctx, buf);
  } else {
    emit(ctx, "; reserve nothing\n");
  }
}
