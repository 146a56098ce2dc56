#include <string.h>
#include "portset.h"

void p4m_set_clear(p4m_set *x)
{
  memset(x->w, 0, sizeof x->w);
}

void p4m_set_add_range(p4m_set *x, uint32_t lo, uint32_t hi)
{
  uint32_t p;
  if (hi > P4M_PORT_MAX) hi = P4M_PORT_MAX;
  if (lo > hi) return;
  /* ragged head, whole words, ragged tail */
  for (p = lo; p <= hi && (p & 63u) != 0; p++) p4m_set_add(x, p);
  for (; p + 63u <= hi; p += 64u) x->w[p >> 6] = ~(uint64_t) 0;
  for (; p <= hi; p++) p4m_set_add(x, p);
}

void p4m_set_union(p4m_set *x, const p4m_set *y)
{
  unsigned i;
  for (i = 0; i < P4M_SET_WORDS; i++) x->w[i] |= y->w[i];
}

void p4m_set_minus(p4m_set *x, const p4m_set *y)
{
  unsigned i;
  for (i = 0; i < P4M_SET_WORDS; i++) x->w[i] &= ~y->w[i];
}

/* branch-free population count (SWAR), portable C99 */
static unsigned popcount64(uint64_t v)
{
  v = v - ((v >> 1) & 0x5555555555555555u);
  v = (v & 0x3333333333333333u) + ((v >> 2) & 0x3333333333333333u);
  v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
  return (unsigned) ((v * 0x0101010101010101u) >> 56);
}

uint32_t p4m_set_count(const p4m_set *x)
{
  uint32_t n = 0;
  unsigned i, j;
  /* port sets are mostly whole runs: a block of 8 words that are all full
   * or all empty is counted at once */
  for (i = 0; i < P4M_SET_WORDS; i += 8u) {
    const uint64_t *b = x->w + i;
    uint64_t all = b[0] & b[1] & b[2] & b[3] & b[4] & b[5] & b[6] & b[7];
    uint64_t any = b[0] | b[1] | b[2] | b[3] | b[4] | b[5] | b[6] | b[7];
    if (any == 0) continue;
    if (all == ~(uint64_t) 0) {
      n += 512u;
      continue;
    }
    for (j = 0; j < 8u; j++) n += popcount64(b[j]);
  }
  return n;
}

int p4m_set_empty(const p4m_set *x)
{
  unsigned i;
  for (i = 0; i < P4M_SET_WORDS; i++)
    if (x->w[i] != 0) return 0;
  return 1;
}
