/* table.c - the settings table (see table.h) and the rule of each kind. */
#include <stdio.h>
#include <string.h>
#include "unsafe.h"
#include "table.h"

#define P4M_ROW(ID, arg, var, opt, kind, min, max, dflt, group, ph, help) \
  { arg, var, opt, kind, min, max, dflt, group, ph, help },
const p4m_row p4m_table[P4M_NROWS] = { P4M_TABLE(P4M_ROW) };
#undef P4M_ROW

const char *p4m_rule(int row, char *buf, size_t n)
{
  const p4m_row *r = &p4m_table[row];
  const char *unit = r->kind == P4M_K_SECONDS ? " of seconds" : "";
  switch (r->kind) {
  case P4M_K_NAME:
    (void) snprintf(buf, n, "%s", r->min >= 1 ? "a non-empty string of text"
                    : "a string of text");
    break;
  case P4M_K_PORTS:
    (void) snprintf(buf, n, "ports in %.0f..%.0f", r->min, r->max);
    break;
  case P4M_K_PORT:
    (void) snprintf(buf, n, "a port in %.0f..%.0f", r->min, r->max);
    break;
  case P4M_K_COUNT:
  case P4M_K_SECONDS:
    (void) snprintf(buf, n, "a whole number%s in %.0f..%.0f", unit, r->min,
                    r->max);
    break;
  case P4M_K_FLAG:
    (void) snprintf(buf, n, "true or false");
    break;
  case P4M_K_HOOK:
    (void) snprintf(buf, n, "unset, empty or \"any\"");
    break;
  case P4M_K_PATH:
    (void) snprintf(buf, n, "an absolute path");
    break;
  default:
    if (n > 0) buf[0] = '\0';
  }
  return buf;
}

int p4m_find_option(const char *name, size_t len)
{
  int i;
  for (i = 0; i < P4M_NROWS; i++) {
    const char *o = p4m_table[i].opt;
    if (o != NULL && strlen(o) == len && memcmp(o, name, len) == 0) return i;
  }
  return -1;
}
