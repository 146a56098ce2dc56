/* Parser for port specification strings (SPEC section 3):
 * comma- and/or white-space separated tokens, each a port "N", an inclusive
 * range "A-B", or one of the tokens "{chrome}" and "{firefox}".
 * A token "0" is ignored.  Pure C, no R types. */
#ifndef P4M_SPEC_H
#define P4M_SPEC_H

#include <stddef.h>
#include <stdint.h>
#include "portset.h"  /* P4M_PORT_MAX */

/* Receives each port range lo..hi (1 <= lo <= hi <= 65535) in the order
 * given; a non-zero return stops the parse (p4m_spec_parse returns it). */
typedef int (*p4m_range_fn)(void *ctx, uint32_t lo, uint32_t hi);

/* Expansions of the {chrome} and {firefox} tokens (NULL: token not allowed,
 * as inside an expansion itself). */
typedef struct {
  const char *chrome;
  size_t chrome_len;
  const char *firefox;
  size_t firefox_len;
} p4m_tokens;

enum {
  P4M_SPEC_IN_SELF = 0,    /* error in the string itself */
  P4M_SPEC_IN_CHROME = 1,  /* error in the expansion of {chrome} */
  P4M_SPEC_IN_FIREFOX = 2  /* error in the expansion of {firefox} */
};

typedef struct {
  int where;      /* P4M_SPEC_IN_* */
  size_t pos;     /* byte offset of the bad token in that string */
  char msg[256];  /* what is wrong, naming the token as shown (show.h) */
} p4m_spec_error;

/* Parse s[0..n).  Returns 0 on success, -1 on a syntax error (described in
 * *err), or the non-zero value returned by fn. */
int p4m_spec_parse(const char *s, size_t n, const p4m_tokens *tok,
                   p4m_range_fn fn, void *ctx, p4m_spec_error *err);

#endif
