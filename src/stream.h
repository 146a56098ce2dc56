/* The port stream (SPEC section 4): first the prepended ports, in order,
 * then the generator's values that lie in the candidate set.
 * Pure C, no R types. */
#ifndef P4M_STREAM_H
#define P4M_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "lcg.h"
#include "portset.h"

typedef struct {
  const uint16_t *prepend;  /* prepended ports, not filtered */
  size_t n_prepend;
  size_t i_prepend;         /* next prepended port to emit */
  const p4m_set *cand;      /* candidate set, must not be empty */
  uint32_t n_cand;          /* number of candidates, > 0 */
  p4m_lcg lcg;
  /* Optional memory of one period of the generated part (see
   * p4m_stream_cache): once a whole period has been generated, later ports
   * cost O(1) instead of 65536 / n_cand generator steps each. */
  uint16_t *cycle;          /* room for n_cand ports, or NULL */
  uint32_t n_seen;          /* ports of the period generated so far */
  uint32_t at;              /* next position in cycle once it is complete */
} p4m_stream;

/* Set up the stream for a seed hash.  Returns -1 (and sets nothing up) when
 * the candidate set is empty: the stream would never yield a port. */
int p4m_stream_init(p4m_stream *st, uint32_t hash, const uint16_t *prepend,
                    size_t n_prepend, const p4m_set *cand);

/* Remember the generated ports in `buf` (room for st->n_cand ports), so that
 * a stream that goes round its cycle more than once stays fast.  Call before
 * the first p4m_stream_next or p4m_stream_skip. */
void p4m_stream_cache(p4m_stream *st, uint16_t *buf);

/* The next port of the stream. */
uint32_t p4m_stream_next(p4m_stream *st);

/* Drop the next k ports of the stream.  The generated part repeats with
 * period n_cand, so this costs at most one generator cycle for any k. */
void p4m_stream_skip(p4m_stream *st, uint64_t k);

#endif
