/* Debug output (SPEC section 5): what port4me was given, as text.  Pure C:
 * the caller decides where the text goes. */
#ifndef P4M_REPORT_H
#define P4M_REPORT_H

#include "settings.h"

/* Receives the text piece by piece; a line ends with "\n". */
typedef void (*p4m_emit_fn)(void *ctx, const char *text);

/* The inputs: the user and where it came from, the tool, the seed string,
 * its hash, and the include, exclude and prepend sets as compact ranges
 * with the arguments or variables each came from. */
void p4m_report_inputs(const p4m_config *cfg, p4m_emit_fn emit, void *ctx);

/* The ports of x as compact ranges, e.g. "1,7,9-11" ("none" when empty). */
void p4m_report_set(const p4m_set *x, p4m_emit_fn emit, void *ctx);

/* A list of ports in its order, consecutive runs as ranges. */
void p4m_report_list(const uint16_t *ports, size_t n, p4m_emit_fn emit,
                     void *ctx);

#endif
