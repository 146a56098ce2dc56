#include "lcg.h"

void p4m_lcg_seed(p4m_lcg *g, uint32_t hash)
{
  g->s = hash % P4M_LCG_M;
}

uint32_t p4m_lcg_next(p4m_lcg *g)
{
  /* s <= 65537, so a * s + c <= 4915349: no overflow in 32 bits */
  uint32_t next = (P4M_LCG_A * g->s + P4M_LCG_C) % P4M_LCG_M;
  if (next == g->s) {
    /* only s = 65536 maps to itself; step off the fixed point */
    g->s += 1u;
    next = (P4M_LCG_A * g->s + P4M_LCG_C) % P4M_LCG_M;
  }
  g->s = next;
  return next;
}
