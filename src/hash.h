/* The port4me string hash (SPEC section 1): Java-style 31-multiplier hash
 * over Unicode code points, reduced modulo 2^32.  Pure C, no R types. */
#ifndef P4M_HASH_H
#define P4M_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Continue the hash `h` over the UTF-8 string `s` of `n` bytes.
 * Returns 0 and stores the new hash in *out, or returns -1 when `s` is not
 * valid UTF-8 and stores the offending byte offset in *bad (when non-NULL). */
int p4m_hash_utf8(uint32_t h, const char *s, size_t n, uint32_t *out,
                  size_t *bad);

/* Continue the hash over one code point. */
uint32_t p4m_hash_cp(uint32_t h, uint32_t cp);

#endif
