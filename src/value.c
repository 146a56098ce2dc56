/* value.c - the parsers of the kinds of settings (see value.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "hash.h"
#include "table.h"
#include "show.h"
#include "value.h"

int p4m_bad_value(p4m_error *e, int row, const char *source,
                  const char *shown, const char *why)
{
  char rule[96];
  return p4m_fail(e, P4M_E_INVALID, source, 0, NULL, "%s must be %s, not %s%s%s",
                  source, p4m_rule(row, rule, sizeof rule), shown,
                  why != NULL ? ": " : "", why != NULL ? why : "");
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
    c == '\v';
}

/* s without the white space around it: *len bytes from the result */
static const char *trim(const char *s, size_t *len)
{
  size_t n;
  while (is_space(*s)) s++;
  n = strlen(s);
  while (n > 0 && is_space(s[n - 1])) n--;
  *len = n;
  return s;
}

int p4m_check_number(int row, const char *source, double v, p4m_error *e)
{
  const p4m_row *r = &p4m_table[row];
  char shown[48];
  if (!(v >= r->min && v <= r->max && v == floor(v)))
    return p4m_bad_value(e, row, source,
                         p4m_show_number(v, shown, sizeof shown), NULL);
  return 0;
}

int p4m_parse_number(int row, const char *source, const char *text,
                     double *out, p4m_error *e)
{
  const p4m_row *r = &p4m_table[row];
  size_t i, len;
  const char *s = trim(text, &len);
  double x = 0;
  char shown[P4M_SHOW_MAX];
  for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
    if (x <= r->max) x = x * 10 + (s[i] - '0');   /* (stops growing) */
  if (len == 0 || i < len || x < r->min || x > r->max)
    return p4m_bad_value(e, row, source, p4m_show(text, shown, sizeof shown),
                         NULL);
  *out = x;
  return 0;
}

int p4m_parse_flag(int row, const char *source, const char *text, int *out,
                   p4m_error *e)
{
  static const char *const words[2][5] = {
    {"false", "FALSE", "False", "0", "no"},
    {"true", "TRUE", "True", "1", "yes"}
  };
  size_t len, i;
  int v;
  const char *s = trim(text, &len);
  char shown[P4M_SHOW_MAX];
  for (v = 0; v < 2; v++)
    for (i = 0; i < 5; i++)
      if (strlen(words[v][i]) == len && memcmp(words[v][i], s, len) == 0) {
        *out = v;
        return 0;
      }
  return p4m_bad_value(e, row, source, p4m_show(text, shown, sizeof shown),
                       NULL);
}

int p4m_check_name(int row, const char *source, const char *text,
                   p4m_error *e)
{
  char shown[P4M_SHOW_MAX], why[160];
  size_t bad = 0;
  uint32_t h;
  if (p4m_table[row].min >= 1 && text[0] == '\0')
    return p4m_bad_value(e, row, source, "\"\"", NULL);
  if (p4m_hash_utf8(0u, text, strlen(text), &h, &bad) != 0) {
    (void) snprintf(why, sizeof why, "not valid UTF-8 (byte 0x%02X at "
                    "position %lu); port4me hashes the code points of names",
                    (unsigned) (unsigned char) text[bad],
                    (unsigned long) bad + 1);
    return p4m_bad_value(e, row, source, p4m_show(text, shown, sizeof shown),
                         why);
  }
  return 0;
}

int p4m_parse_hook(int row, const char *source, const char *text, int *out,
                   p4m_error *e)
{
  char shown[P4M_SHOW_MAX];
  *out = 0;
  if (text == NULL || text[0] == '\0') return 0;
  if (strcmp(text, "any") != 0)
    return p4m_bad_value(e, row, source, p4m_show(text, shown, sizeof shown),
                         NULL);
  *out = 1;
  return 0;
}
