#include "hash.h"

uint32_t p4m_hash_cp(uint32_t h, uint32_t cp)
{
  /* unsigned arithmetic wraps modulo 2^32, as the SPEC asks */
  return 31u * h + cp;
}

/* Decode one UTF-8 sequence starting at s[0] (n bytes available).
 * Returns its length (1..4) and the code point in *cp, or 0 when invalid:
 * truncated, bad continuation, overlong, surrogate or above U+10FFFF. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
  unsigned char c = s[0];
  size_t len, i;
  uint32_t v, min;

  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    len = 2; v = c & 0x1Fu; min = 0x80u;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3; v = c & 0x0Fu; min = 0x800u;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4; v = c & 0x07u; min = 0x10000u;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xC0u) != 0x80u) return 0;
    v = (v << 6) | (s[i] & 0x3Fu);
  }
  if (v < min || v > 0x10FFFFu || (v >= 0xD800u && v <= 0xDFFFu)) return 0;
  *cp = v;
  return len;
}

int p4m_hash_utf8(uint32_t h, const char *s, size_t n, uint32_t *out,
                  size_t *bad)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t i = 0;

  while (i < n) {
    uint32_t cp;
    size_t len = utf8_decode(u + i, n - i, &cp);
    if (len == 0) {
      if (bad) *bad = i;
      return -1;
    }
    h = p4m_hash_cp(h, cp);
    i += len;
  }
  *out = h;
  return 0;
}
