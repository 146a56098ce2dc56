/* libFuzzer harness for the port-specification parser (src/spec.c).
 *
 * Input: <spec> [ NUL <chrome expansion> [ NUL <firefox expansion> ] ]
 * Without a NUL the default browser lists are used.
 *
 * Invariants checked (abort() on violation, which libFuzzer reports):
 *  - every range given to the callback satisfies 1 <= lo <= hi <= 65535;
 *  - the parse agrees with an independent reference parser written below:
 *    same success/failure, same ranges in the same order;
 *  - on failure `where` is 0, 1 or 2, `pos` lies inside the string it
 *    refers to and starts a token there, and the message is
 *    "in <token>: <why>", NUL-terminated, printable ASCII, where <token> is
 *    that token shown as every value is (model-show.h) and <why> is one of
 *    the parser's reasons;
 *  - a non-zero return of the callback stops the parse at once and is
 *    returned unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spec.h"
#include "unsafe.h"

#include "check.h"
#include "model-show.h"

/* the package's own lists (src/unsafe.c), not a copy */
#define chrome_default p4m_unsafe_chrome
#define firefox_default p4m_unsafe_firefox

#define MAX_RANGES 200000

typedef struct {
  uint32_t lo[MAX_RANGES], hi[MAX_RANGES];
  size_t n;
  size_t stop_after; /* return 7 on this call (1-based); 0: never */
  int overflow;
} ranges;

static ranges got, want;

static int collect(void *ctx, uint32_t lo, uint32_t hi)
{
  ranges *r = (ranges *) ctx;
  CHECK(1u <= lo && lo <= hi && hi <= 65535u);
  if (r->n < MAX_RANGES) {
    r->lo[r->n] = lo;
    r->hi[r->n] = hi;
  } else {
    r->overflow = 1;
  }
  r->n++;
  if (r->stop_after && r->n == r->stop_after) return 7;
  return 0;
}

/* ---- reference parser: a direct reading of SPEC section 3 ---------------- */

static int ref_sep(char c)
{
  return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
    c == '\f' || c == '\v';
}

/* A decimal number of 1+ digits as a value, 65536 meaning "too large". */
static int ref_number(const char *t, size_t len, uint32_t *v)
{
  size_t i;
  uint64_t x = 0;
  if (len == 0) return -1;
  for (i = 0; i < len; i++) {
    if (t[i] < '0' || t[i] > '9') return -1;
    x = x * 10 + (uint64_t) (t[i] - '0');
    if (x > 65536) x = 65536;
  }
  *v = (uint32_t) x;
  return 0;
}

static int ref_parse(const char *s, size_t n, const char *chrome, size_t nc,
                     const char *firefox, size_t nf, int nested, ranges *out)
{
  size_t i = 0;
  while (i < n) {
    size_t start, len, dash = (size_t) -1, k;
    const char *t;
    uint32_t lo, hi;
    while (i < n && ref_sep(s[i])) i++;
    if (i >= n) break;
    start = i;
    while (i < n && !ref_sep(s[i])) i++;
    t = s + start;
    len = i - start;
    if (len == 8 && memcmp(t, "{chrome}", 8) == 0) {
      if (nested) return -1;
      if (ref_parse(chrome, nc, NULL, 0, NULL, 0, 1, out) != 0) return -1;
      continue;
    }
    if (len == 9 && memcmp(t, "{firefox}", 9) == 0) {
      if (nested) return -1;
      if (ref_parse(firefox, nf, NULL, 0, NULL, 0, 1, out) != 0) return -1;
      continue;
    }
    for (k = 0; k < len; k++) {
      if (t[k] == '-') { dash = k; break; }
    }
    if (dash == (size_t) -1) {
      if (ref_number(t, len, &lo) != 0) return -1;
      if (lo == 0) continue;
      if (lo > 65535) return -1;
      hi = lo;
    } else {
      if (ref_number(t, dash, &lo) != 0) return -1;
      if (ref_number(t + dash + 1, len - dash - 1, &hi) != 0) return -1;
      if (lo == 0 || hi == 0 || lo > 65535 || hi > 65535 || lo > hi)
        return -1;
    }
    collect(out, lo, hi);
  }
  return 0;
}

/* The message of an error at err->pos of t[0..n): "in <token>: <why>". */
static void check_message(const char *t, size_t n, const p4m_spec_error *err)
{
  static const char *const whys[] = {
    "unknown token (known: {chrome}, {firefox})",
    "tokens cannot be nested in a token's list",
    "a range needs a start (negative ports do not exist)",
    "not a port number or range", "port above 65535", "a range needs an end",
    "a range must lie within 1-65535", "an empty range (start above end)"
  };
  char want[MODEL_SHOW_MAX + 16];
  size_t len = 0, i;
  CHECK(err->pos < n && !ref_sep(t[err->pos]) &&
        (err->pos == 0 || ref_sep(t[err->pos - 1])));
  while (err->pos + len < n && !ref_sep(t[err->pos + len])) len++;
  strcpy(want, "in ");
  model_show_n(t + err->pos, len, want + 3);
  strcat(want, ": ");
  CHECK(strncmp(err->msg, want, strlen(want)) == 0);
  for (i = 0; i < sizeof whys / sizeof whys[0]; i++)
    if (strcmp(err->msg + strlen(want), whys[i]) == 0) return;
  CHECK(0);   /* a reason not known here */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *s = (const char *) data;
  const char *chrome = chrome_default, *firefox = firefox_default;
  size_t n = size, nc = strlen(chrome_default),
    nf = strlen(firefox_default);
  const char *z = memchr(s, '\0', size);
  p4m_tokens tok;
  p4m_spec_error err;
  int rc, ref_rc;
  size_t i;

  if (z) {
    n = (size_t) (z - s);
    chrome = z + 1;
    nc = size - n - 1;
    nf = 0;
    firefox = "";
    z = memchr(chrome, '\0', nc);
    if (z) {
      firefox = z + 1;
      nf = (size_t) (chrome + nc - firefox);
      nc = (size_t) (z - chrome);
    }
  }
  tok.chrome = chrome;
  tok.chrome_len = nc;
  tok.firefox = firefox;
  tok.firefox_len = nf;

  memset(&err, 0x5A, sizeof err);  /* garbage: the parser must set it */
  got.n = 0; got.overflow = 0; got.stop_after = 0;
  rc = p4m_spec_parse(s, n, &tok, collect, &got, &err);
  CHECK(rc == 0 || rc == -1);

  want.n = 0; want.overflow = 0; want.stop_after = 0;
  ref_rc = ref_parse(s, n, chrome, nc, firefox, nf, 0, &want);

  /* the same ranges, in the same order (on failure: those before the bad
   * token) */
  CHECK((rc == 0) == (ref_rc == 0));
  CHECK(got.n == want.n);
  for (i = 0; i < got.n && i < MAX_RANGES; i++) {
    CHECK(got.lo[i] == want.lo[i]);
    CHECK(got.hi[i] == want.hi[i]);
  }
  if (rc != 0) {
    size_t len;
    len = strnlen(err.msg, sizeof err.msg);
    CHECK(len < sizeof err.msg);
    for (i = 0; i < len; i++)
      CHECK((unsigned char) err.msg[i] >= 0x20 &&
            (unsigned char) err.msg[i] < 0x7F);
    CHECK(err.where == P4M_SPEC_IN_SELF || err.where == P4M_SPEC_IN_CHROME ||
          err.where == P4M_SPEC_IN_FIREFOX);
    if (err.where == P4M_SPEC_IN_SELF) check_message(s, n, &err);
    if (err.where == P4M_SPEC_IN_CHROME) check_message(chrome, nc, &err);
    if (err.where == P4M_SPEC_IN_FIREFOX) check_message(firefox, nf, &err);
  }

  /* stopping early: the k-th callback returns 7, which is passed back */
  if (rc == 0 && got.n > 0) {
    size_t k = 1 + (size % got.n);
    got.n = 0; got.stop_after = k;
    rc = p4m_spec_parse(s, n, &tok, collect, &got, &err);
    CHECK(rc == 7);
    CHECK(got.n == k);
  }

  /* no token table: {chrome} and {firefox} are errors, the rest as before */
  got.n = 0; got.stop_after = 0;
  want.n = 0;
  rc = p4m_spec_parse(s, n, NULL, collect, &got, &err);
  ref_rc = ref_parse(s, n, NULL, 0, NULL, 0, 1, &want);
  CHECK((rc == 0) == (ref_rc == 0));
  CHECK(got.n == want.n);
  return 0;
}
