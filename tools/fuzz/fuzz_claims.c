/* libFuzzer harness for the claim file format (src/claims.c).
 *
 * Input: the bytes of a claim file (libFuzzer hands them over in a heap
 * buffer of exactly that size, so AddressSanitizer catches any read past
 * the end).
 *
 * Invariants checked (abort() on violation, which libFuzzer reports):
 *  - p4m_claims_parse() agrees with an independent reference parser written
 *    below (a direct reading of the grammar in claims.h): same success or
 *    failure, same expiry, pid and has_pid;
 *  - an accepted file formats to the canonical text, which parses back to
 *    the same record, is at most P4M_CLAIMS_FILE_MAX bytes, and equals the
 *    input whenever the input was canonical already;
 *  - p4m_claims_format() into every buffer size from 0 to its length + 1
 *    either fits exactly (length + NUL) or returns 0 and leaves "" - and
 *    never writes past the size it was given;
 *  - p4m_claims_live() agrees with the rule of claims.h written with
 *    integers (now < expiry <= now + one day) at whole seconds around
 *    the parsed expiry;
 *  - p4m_host_clean() of the input (as a host name) leaves a non-empty
 *    name of letters, digits, '-', '.' and '_' that is not "." or "..". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claims.h"
#include "claims-platform.h"   /* p4m_host_clean() */

#include "check.h"

/* ---- reference parser ---------------------------------------------- */

static int all_digits(const uint8_t *p, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9') return 0;
  return 1;
}

static unsigned long long value_of(const uint8_t *p, size_t n)
{
  unsigned long long v = 0;
  size_t i;
  for (i = 0; i < n; i++) v = v * 10u + (unsigned long long) (p[i] - '0');
  return v;
}

static const uint8_t *find(const uint8_t *p, size_t n, uint8_t ch)
{
  return (const uint8_t *) memchr(p, ch, n);
}

/* "<seconds>[.<fraction>][ <pid>][\n]" */
static int ref_parse(const uint8_t *d, size_t n, p4m_claim_record *r)
{
  const uint8_t *sp, *dot;
  size_t a_len, s_len;
  unsigned long long ms = 0;
  size_t k;

  if (n > P4M_CLAIMS_FILE_MAX) return -1;
  if (n > 0 && d[n - 1] == '\n') n--;
  sp = find(d, n, ' ');
  a_len = sp ? (size_t) (sp - d) : n;
  r->has_pid = sp != NULL;
  r->pid = 0;
  if (sp) {
    size_t b_len = n - a_len - 1;
    unsigned long long pid;
    if (b_len < 1 || b_len > 10 || !all_digits(sp + 1, b_len)) return -1;
    pid = value_of(sp + 1, b_len);
    if (pid > 4294967295ull) return -1;
    r->pid = (unsigned long) pid;
  }
  dot = find(d, a_len, '.');
  s_len = dot ? (size_t) (dot - d) : a_len;
  if (s_len < 1 || s_len > 12 || !all_digits(d, s_len)) return -1;
  if (dot) {
    size_t f_len = a_len - s_len - 1;
    if (f_len < 1 || f_len > 9 || !all_digits(dot + 1, f_len)) return -1;
    for (k = 0; k < 3; k++)
      ms = ms * 10u + (k < f_len ? (unsigned long long) (dot[1 + k] - '0') : 0u);
  }
  r->expiry_ms = value_of(d, s_len) * 1000u + ms;
  return 0;
}

/* ---- the expiry rule, by integers ------------------------------------ */

/* live at the whole second now_s: now < expiry <= now + one day */
static int ref_live(unsigned long long expiry_ms, unsigned long long now_s)
{
  unsigned long long now_ms = now_s * 1000u;
  return expiry_ms > now_ms &&
    expiry_ms <= now_ms + (unsigned long long) P4M_CLAIMS_SECONDS_MAX * 1000u;
}

/* ---- the harness ---------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  p4m_claim_record got, want, back;
  int rc, ref;

  memset(&got, 0x5A, sizeof got);
  rc = p4m_claims_parse((const char *) data, size, &got);
  ref = ref_parse(data, size, &want);
  CHECK(rc == 0 || rc == -1);
  CHECK(rc == ref);

  if (rc == 0) {
    char text[P4M_CLAIMS_FILE_MAX + 8];
    size_t len, n;
    CHECK(got.expiry_ms == want.expiry_ms);
    CHECK(got.has_pid == want.has_pid);
    CHECK(got.pid == want.pid);
    CHECK(got.has_pid || got.pid == 0);

    len = p4m_claims_format(text, sizeof text, &got);
    CHECK(len > 0 && len <= P4M_CLAIMS_FILE_MAX);
    CHECK(strlen(text) == len && text[len - 1] == '\n');
    CHECK(p4m_claims_parse(text, len, &back) == 0);
    CHECK(back.expiry_ms == got.expiry_ms && back.pid == got.pid &&
          back.has_pid == got.has_pid);
    /* canonical input (3 fraction digits, final newline) comes back as is */
    {
      const uint8_t *dot = memchr(data, '.', size);
      const uint8_t *sp = memchr(data, ' ', size);
      size_t frac = dot ? (size_t) ((sp ? sp : data + size - 1) - dot - 1) : 0;
      int leading0 = size > 1 && data[0] == '0' && data[1] != '.';
      int pid0 = sp && size > (size_t) (sp - data) + 2 && sp[1] == '0';
      if (dot && frac == 3 && data[size - 1] == '\n' && !leading0 && !pid0)
        CHECK(len == size && memcmp(text, data, size) == 0);
    }

    /* every buffer size: exact fit or "" - and nothing beyond n */
    for (n = 0; n <= len + 1; n++) {
      char small[P4M_CLAIMS_FILE_MAX + 8];
      size_t r;
      memset(small, '#', sizeof small);
      r = p4m_claims_format(small, n, &got);
      if (n > len) {
        CHECK(r == len && memcmp(small, text, len + 1) == 0);
      } else {
        CHECK(r == 0);
        if (n > 0) CHECK(small[0] == '\0');
      }
      CHECK(small[n] == '#');
    }
  }

  /* the expiry rule at whole seconds around the expiry */
  if (rc == 0) {
    static const long long offsets[] = { 0, 1, 2, 86399, 86400, 86401,
                                         -1, 1000000 };
    unsigned long long sec = got.expiry_ms / 1000u;
    size_t k;
    for (k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
      long long now_s = (long long) sec - offsets[k];
      if (now_s < 0 || now_s > (long long) P4M_CLAIMS_NOW_MAX) continue;
      CHECK(p4m_claims_live(got.expiry_ms, (double) now_s) ==
            ref_live(got.expiry_ms, (unsigned long long) now_s));
    }
  }

  /* the input as a host name: made a safe folder name, within the buffer */
  {
    char host[40];
    size_t n = size < sizeof host - 1 ? size : sizeof host - 1, k;
    memcpy(host, data, n);
    host[n] = '\0';
    p4m_host_clean(host, sizeof host);
    CHECK(strlen(host) > 0 && strcmp(host, ".") != 0 &&
          strcmp(host, "..") != 0);
    for (k = 0; host[k] != '\0'; k++)
      CHECK(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "0123456789-._", host[k]) != NULL);
  }
  return 0;
}
