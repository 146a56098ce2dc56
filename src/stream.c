#include "stream.h"

int p4m_stream_init(p4m_stream *st, uint32_t hash, const uint16_t *prepend,
                    size_t n_prepend, const p4m_set *cand)
{
  uint32_t n = p4m_set_count(cand);
  if (n == 0) return -1;
  st->prepend = prepend;
  st->n_prepend = prepend ? n_prepend : 0;
  st->i_prepend = 0;
  st->cand = cand;
  st->n_cand = n;
  st->cycle = NULL;
  st->n_seen = 0;
  st->at = 0;
  p4m_lcg_seed(&st->lcg, hash);
  return 0;
}

void p4m_stream_cache(p4m_stream *st, uint16_t *buf)
{
  st->cycle = buf;
  st->n_seen = 0;
  st->at = 0;
}

/* The next candidate from the generator: each candidate appears once in
 * every 65536 generator values, so this loop ends within one cycle. */
static uint32_t next_generated(p4m_stream *st)
{
  uint32_t v;
  do {
    v = p4m_lcg_next(&st->lcg);
  } while (!p4m_set_has(st->cand, v));
  return v;
}

uint32_t p4m_stream_next(p4m_stream *st)
{
  uint32_t v;
  if (st->i_prepend < st->n_prepend) return st->prepend[st->i_prepend++];
  if (st->cycle == NULL) return next_generated(st);
  if (st->n_seen == st->n_cand) {
    v = st->cycle[st->at];
    if (++st->at == st->n_cand) st->at = 0;
    return v;
  }
  v = next_generated(st);
  st->cycle[st->n_seen++] = (uint16_t) v;
  return v;
}

void p4m_stream_skip(p4m_stream *st, uint64_t k)
{
  size_t left = st->n_prepend - st->i_prepend;
  if (k <= left) {
    st->i_prepend += (size_t) k;
    return;
  }
  k -= left;
  st->i_prepend = st->n_prepend;
  for (k %= st->n_cand; k > 0; k--) (void) p4m_stream_next(st);
}
