/* libFuzzer harness for the port stream (src/stream.c) with the port set
 * (src/portset.c), the generator (src/lcg.c) and the hash (src/hash.c).
 *
 * The input is read as: hash (4 bytes), include ranges, exclude ranges,
 * prepended ports, skip (8 bytes), how many ports to draw (2 bytes), and the
 * rest as a user name to hash.  Missing bytes read as 0.
 *
 * Invariants checked (abort() on violation):
 *  - the port set holds exactly the ports of a plain boolean-array model
 *    (count and membership of all 65536 ports);
 *  - p4m_stream_init fails exactly when the candidate set is empty;
 *  - the stream yields the prepended ports first, in order, and after them
 *    only ports of the candidate set, never 0 or above 65535;
 *  - skip(k) equals k calls of next (exactly, when that is affordable; else
 *    through the period), and a stream with a cache (p4m_stream_cache)
 *    yields the same ports as one without;
 *  - past the prepended ports the stream has period n_cand: one period holds
 *    every candidate exactly once and the next period repeats it;
 *  - the generator never emits a value above 65535;
 *  - the hash accepts exactly the valid UTF-8 strings and equals a plain
 *    31 * h + code point over an independent decoding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "lcg.h"
#include "portset.h"
#include "stream.h"

#include "check.h"

typedef struct {
  const uint8_t *p;
  size_t n;
} reader;

static uint32_t get(reader *r, int bytes)
{
  uint32_t v = 0;
  int i;
  for (i = 0; i < bytes; i++) {
    v = (v << 8) | (r->n ? *r->p : 0u);
    if (r->n) { r->p++; r->n--; }
  }
  return v;
}

/* A range lo..hi within 1..65535, often narrow. */
static void get_range(reader *r, uint32_t *lo, uint32_t *hi)
{
  uint32_t a = 1u + get(r, 2) % 65535u;
  uint32_t w = get(r, 1);
  uint32_t b = w < 128 ? a + w : 1u + get(r, 2) % 65535u;
  if (b > 65535u) b = 65535u;
  if (a > b) { uint32_t t = a; a = b; b = t; }
  *lo = a;
  *hi = b;
}

static unsigned char model_inc[65536], model_exc[65536];
static p4m_set cand, excl;
static uint16_t prepend[64];
static uint32_t seen_at[65536];
static uint16_t cache_buf[65536];

/* Independent UTF-8 decoding (RFC 3629 table 3-7 style). Returns the hash
 * via *out, or -1 when invalid. */
static int ref_hash(const uint8_t *s, size_t n, uint32_t *out)
{
  uint32_t h = 0;
  size_t i = 0;
  while (i < n) {
    uint32_t c = s[i], cp;
    size_t len, k;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c <= 0x7F) { cp = c; len = 1; }
    else if (c >= 0xC2 && c <= 0xDF) { cp = c & 0x1F; len = 2; }
    else if (c == 0xE0) { cp = c & 0x0F; len = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) { cp = c & 0x0F; len = 3; }
    else if (c == 0xED) { cp = c & 0x0F; len = 3; hi = 0x9F; }
    else if (c >= 0xEE && c <= 0xEF) { cp = c & 0x0F; len = 3; }
    else if (c == 0xF0) { cp = c & 0x07; len = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) { cp = c & 0x07; len = 4; }
    else if (c == 0xF4) { cp = c & 0x07; len = 4; hi = 0x8F; }
    else return -1;
    if (n - i < len) return -1;
    for (k = 1; k < len; k++) {
      uint8_t b = s[i + k];
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return -1;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    h = h * 31u + cp;
    i += len;
  }
  *out = h;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  reader r = {data, size};
  uint32_t hash, lo, hi, count, n_pre, i, m;
  uint64_t k, cost;
  int cached;
  unsigned n_inc, n_exc, any_inc = 0;
  p4m_stream a, b;
  int rc;

  hash = get(&r, 4);

  /* candidates: include (default 1024..65535) minus exclude, and the model */
  memset(model_inc, 0, sizeof model_inc);
  memset(model_exc, 0, sizeof model_exc);
  p4m_set_clear(&cand);
  p4m_set_clear(&excl);
  n_inc = get(&r, 1) % 8u;
  for (i = 0; i < n_inc; i++) {
    get_range(&r, &lo, &hi);
    p4m_set_add_range(&cand, lo, hi);
    for (uint32_t p = lo; p <= hi; p++) model_inc[p] = 1;
    any_inc = 1;
  }
  if (!any_inc) {
    p4m_set_add_range(&cand, 1024u, 65535u);
    for (uint32_t p = 1024; p <= 65535; p++) model_inc[p] = 1;
  }
  n_exc = get(&r, 1) % 8u;
  for (i = 0; i < n_exc; i++) {
    get_range(&r, &lo, &hi);
    p4m_set_add_range(&excl, lo, hi);
    for (uint32_t p = lo; p <= hi; p++) model_exc[p] = 1;
  }
  p4m_set_minus(&cand, &excl);
  count = 0;
  for (i = 0; i < 65536; i++) {
    int want = model_inc[i] && !model_exc[i];
    CHECK(p4m_set_has(&cand, i) == want);
    count += (uint32_t) want;
  }
  CHECK(p4m_set_count(&cand) == count);
  CHECK(!p4m_set_has(&cand, 65536u) && !p4m_set_has(&cand, 0xFFFFFFFFu));

  n_pre = get(&r, 1) % 64u;
  for (i = 0; i < n_pre; i++) prepend[i] = (uint16_t) (1u + get(&r, 2) % 65535u);
  k = ((uint64_t) get(&r, 4) << 32) | get(&r, 4);
  if (get(&r, 1) & 1u) k %= 1000u;  /* small skips too */
  m = get(&r, 2) % 2048u;
  cached = (int) (get(&r, 1) & 1u);

  /* the hash of the rest */
  {
    uint32_t h1 = 0, h2 = 0;
    size_t bad = (size_t) -1;
    int ok1 = p4m_hash_utf8(0u, (const char *) r.p, r.n, &h1, &bad);
    int ok2 = ref_hash(r.p, r.n, &h2);
    CHECK((ok1 == 0) == (ok2 == 0));
    if (ok1 == 0) CHECK(h1 == h2);
    else CHECK(bad < r.n);
    if (ok1 == 0) hash ^= h1;
  }

  rc = p4m_stream_init(&a, hash, n_pre ? prepend : NULL, n_pre, &cand);
  CHECK((rc == -1) == (count == 0));
  if (rc != 0) return 0;
  CHECK(p4m_stream_init(&b, hash, n_pre ? prepend : NULL, n_pre, &cand) == 0);
  CHECK(a.n_cand == count);

  /* a (cached or not) skips k, b (never cached) draws k ports. */
  if (cached) p4m_stream_cache(&a, cache_buf);
  /* skip(k) on a, k calls of next on b.  Past the prepended ports a call of
   * next costs about 65536 / n_cand generator steps; beyond a budget, b
   * only draws k reduced modulo the period (the period is checked below). */
  p4m_stream_skip(&a, k);
  /* (no product: k can be near 2^64) */
  cost = k > n_pre ? k - n_pre : 0;
  if (cost > 262144u / (65536u / count + 1u)) {
    uint64_t kk = n_pre + (k - n_pre) % count;
    for (uint64_t j = 0; j < kk; j++) (void) p4m_stream_next(&b);
  } else {
    for (uint64_t j = 0; j < k; j++) (void) p4m_stream_next(&b);
  }
  /* draw at most about 262144 generator steps' worth of ports */
  if ((uint64_t) m * (65536u / count + 1u) > 262144u)
    m = 262144u / (65536u / count + 1u);
  for (i = 0; i < m; i++) {
    uint32_t pa = p4m_stream_next(&a), pb = p4m_stream_next(&b);
    CHECK(pa == pb);
    CHECK(pa >= 1u && pa <= 65535u);
    /* position k + i of the stream (k can be near 2^64: no sum unless small) */
    if (k < n_pre && k + i < n_pre) CHECK(pa == prepend[k + i]);
    else CHECK(p4m_set_has(&cand, pa));
  }

  /* the period: from a fresh stream, past the prepended ports */
  if (count <= 8192u) {
    uint32_t first[8192];
    CHECK(p4m_stream_init(&a, hash, n_pre ? prepend : NULL, n_pre, &cand) == 0);
    if (cached) p4m_stream_cache(&a, cache_buf);
    for (i = 0; i < n_pre; i++) CHECK(p4m_stream_next(&a) == prepend[i]);
    memset(seen_at, 0, sizeof seen_at);
    for (i = 0; i < count; i++) {
      uint32_t p = p4m_stream_next(&a);
      CHECK(p4m_set_has(&cand, p));
      CHECK(seen_at[p] == 0);  /* each candidate once per period */
      seen_at[p] = i + 1;
      first[i] = p;
    }
    /* after one period a cache holds it, in order, and serves from now on */
    if (cached) {
      CHECK(a.n_seen == count);
      for (i = 0; i < count; i++) CHECK(cache_buf[i] == first[i]);
    }
    for (i = 0; i < count; i++) CHECK(p4m_stream_next(&a) == first[i]);
    for (i = 0; i < count && i < 100; i++)
      CHECK(p4m_stream_next(&a) == first[i]);
  }

  /* the generator stays within 0..65535 from any state 0..65536 */
  {
    p4m_lcg g;
    p4m_lcg_seed(&g, hash);
    CHECK(g.s <= 65536u);
    for (i = 0; i < 64; i++) CHECK(p4m_lcg_next(&g) <= 65535u);
    g.s = 65536u;  /* the fixed point */
    CHECK(p4m_lcg_next(&g) <= 65535u);
  }
  return 0;
}
