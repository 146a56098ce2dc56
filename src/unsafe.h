/* The ports that web browsers refuse to open (SPEC section 3): the default
 * expansions of the {chrome} and {firefox} tokens.  Written once here; the
 * settings and the fuzzers use these definitions.  Pure C. */
#ifndef P4M_UNSAFE_H
#define P4M_UNSAFE_H

extern const char p4m_unsafe_chrome[];
extern const char p4m_unsafe_firefox[];

#endif
