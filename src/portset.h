/* A set of TCP ports 0..65535 as a 65536-bit bitmap: O(1) membership.
 * Pure C, no R types. */
#ifndef P4M_PORTSET_H
#define P4M_PORTSET_H

#include <stdint.h>

#define P4M_PORT_MAX 65535u
#define P4M_SET_WORDS (65536u / 64u)

typedef struct {
  uint64_t w[P4M_SET_WORDS];
} p4m_set;

void p4m_set_clear(p4m_set *x);
/* Add the inclusive range lo..hi (lo <= hi <= 65535). */
void p4m_set_add_range(p4m_set *x, uint32_t lo, uint32_t hi);
/* x = x union y */
void p4m_set_union(p4m_set *x, const p4m_set *y);
/* x = x minus y */
void p4m_set_minus(p4m_set *x, const p4m_set *y);
uint32_t p4m_set_count(const p4m_set *x);
/* 1 when x holds no port, else 0 */
int p4m_set_empty(const p4m_set *x);

static inline int p4m_set_has(const p4m_set *x, uint32_t port)
{
  return port <= P4M_PORT_MAX &&
    (int) ((x->w[port >> 6] >> (port & 63u)) & 1u);
}

static inline void p4m_set_add(p4m_set *x, uint32_t port)
{
  if (port <= P4M_PORT_MAX) x->w[port >> 6] |= (uint64_t) 1 << (port & 63u);
}

#endif
