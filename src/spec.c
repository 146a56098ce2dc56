#include <stdio.h>
#include <string.h>
#include "show.h"
#include "spec.h"

static int is_sep(char c)
{
  return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
    c == '\f' || c == '\v';
}

static int is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static int fail(p4m_spec_error *err, const char *t, size_t len, size_t pos,
                const char *why)
{
  char tok[P4M_SHOW_MAX];
  p4m_show_n(t, len, tok, sizeof tok);
  err->where = P4M_SPEC_IN_SELF;
  err->pos = pos;
  snprintf(err->msg, sizeof err->msg, "in %s: %s", tok, why);
  return -1;
}

/* Parse a run of digits t[*i..len) into *value, saturating above 65535.
 * Returns the number of digits read. */
static size_t read_number(const char *t, size_t len, size_t *i, uint32_t *value)
{
  size_t start = *i;
  uint32_t v = 0;
  while (*i < len && is_digit(t[*i])) {
    v = v * 10u + (uint32_t) (t[*i] - '0');
    if (v > 65536u) v = 65536u;  /* anything above 65535 is out of range */
    (*i)++;
  }
  *value = v;
  return *i - start;
}

static int parse_token(const char *t, size_t len, size_t pos,
                       const p4m_tokens *tok, p4m_range_fn fn, void *ctx,
                       p4m_spec_error *err)
{
  size_t i = 0, nd;
  uint32_t lo, hi;
  int rc;

  if (t[0] == '{') {
    const char *exp = NULL;
    size_t exp_len = 0;
    int where = P4M_SPEC_IN_SELF;
    if (len == 8 && memcmp(t, "{chrome}", 8) == 0) {
      where = P4M_SPEC_IN_CHROME;
    } else if (len == 9 && memcmp(t, "{firefox}", 9) == 0) {
      where = P4M_SPEC_IN_FIREFOX;
    } else {
      return fail(err, t, len, pos,
                  "unknown token (known: {chrome}, {firefox})");
    }
    if (tok == NULL)
      return fail(err, t, len, pos, "tokens cannot be nested in a token's list");
    exp = where == P4M_SPEC_IN_CHROME ? tok->chrome : tok->firefox;
    exp_len = where == P4M_SPEC_IN_CHROME ? tok->chrome_len : tok->firefox_len;
    rc = p4m_spec_parse(exp ? exp : "", exp ? exp_len : 0, NULL, fn, ctx, err);
    if (rc == -1) err->where = where;
    return rc;
  }

  nd = read_number(t, len, &i, &lo);
  if (nd == 0) {
    if (t[0] == '-')
      return fail(err, t, len, pos, "a range needs a start (negative ports do not exist)");
    return fail(err, t, len, pos, "not a port number or range");
  }
  if (i == len) {
    if (lo == 0) return 0;  /* "0" stands for nothing */
    if (lo > P4M_PORT_MAX)
      return fail(err, t, len, pos, "port above 65535");
    return fn(ctx, lo, lo);
  }
  if (t[i] != '-')
    return fail(err, t, len, pos, "not a port number or range");
  i++;
  nd = read_number(t, len, &i, &hi);
  if (nd == 0)
    return fail(err, t, len, pos, "a range needs an end");
  if (i != len)
    return fail(err, t, len, pos, "not a port number or range");
  if (lo == 0 || hi == 0)
    return fail(err, t, len, pos, "a range must lie within 1-65535");
  if (lo > P4M_PORT_MAX || hi > P4M_PORT_MAX)
    return fail(err, t, len, pos, "port above 65535");
  if (lo > hi)
    return fail(err, t, len, pos, "an empty range (start above end)");
  return fn(ctx, lo, hi);
}

int p4m_spec_parse(const char *s, size_t n, const p4m_tokens *tok,
                   p4m_range_fn fn, void *ctx, p4m_spec_error *err)
{
  size_t i = 0;
  while (i < n) {
    size_t start;
    int rc;
    while (i < n && is_sep(s[i])) i++;
    if (i >= n) break;
    start = i;
    while (i < n && !is_sep(s[i])) i++;
    rc = parse_token(s + start, i - start, start, tok, fn, ctx, err);
    if (rc != 0) return rc;
  }
  return 0;
}
