/* The port4me generator (SPEC section 2): the ZX81 linear congruential
 * generator, m = 65537, a = 75, c = 74, with the fixed-point rule.
 * Pure C, no R types. */
#ifndef P4M_LCG_H
#define P4M_LCG_H

#include <stdint.h>

#define P4M_LCG_M 65537u
#define P4M_LCG_A 75u
#define P4M_LCG_C 74u

typedef struct {
  uint32_t s; /* current state, 0..65537 */
} p4m_lcg;

/* Seed the generator from a string hash: s = hash mod m. */
void p4m_lcg_seed(p4m_lcg *g, uint32_t hash);

/* Advance and return the emitted value (0..65535 from the first step on). */
uint32_t p4m_lcg_next(p4m_lcg *g);

#endif
