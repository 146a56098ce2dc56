/* report.h - debug output (SPEC section 5) as lines of text: what port4me
 * was given, and why it passed over ports.  Pure C: the caller decides
 * where each line goes (R: a message of class port4me_debug). */
#ifndef P4M_REPORT_H
#define P4M_REPORT_H

#include <stddef.h>
#include "settings.h"

/* Receives one line, without a trailing newline. */
typedef void (*p4m_line_fn)(void *ctx, const char *line);

/* The longest line (longer sets are cut short, saying how many ports are
 * left out). */
#define P4M_LINE_MAX 1024

/* The inputs: the user and where it came from, the tool, the seed string,
 * its hash, the include, exclude and prepend sets as compact ranges with
 * the arguments, options or variables each came from, the number of
 * candidates, and what is claimed. */
void p4m_report_inputs(const p4m_config *cfg, p4m_line_fn line, void *ctx);

/* The ports of x as compact ranges, e.g. "1,7,9-11" ("none" when empty),
 * into buf (n bytes); a set that does not fit ends in ", ... (N more)". */
const char *p4m_report_set(const p4m_set *x, char *buf, size_t n);

/* A list of ports in its order, consecutive runs as ranges, likewise. */
const char *p4m_report_list(const uint16_t *ports, size_t n_ports, char *buf,
                            size_t n);

/* A time (seconds since the epoch) as local date and time,
 * "2026-12-03 14:03:07". */
const char *p4m_report_time(double t, char *buf, size_t n);

#endif
