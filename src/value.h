/* value.h - one parser per kind of setting (table.h), used for the
 * variables and the command line alike, and one wording per rule:
 *     "<source> must be <rule>, not <value>[: <why>]"
 * where <source> is the argument (max_tries), the variable
 * (PORT4ME_MAX_TRIES) or the option (--max-tries), and <value> is shown one
 * way for every source (p4m_show).  Plain C99, no R types. */
#ifndef P4M_VALUE_H
#define P4M_VALUE_H

#include <stddef.h>
#include "error.h"
#include "show.h"

/* A value of `row` from `source` breaks its rule: fill e (P4M_E_INVALID)
 * with "<source> must be <rule>, not <shown>[: <why>]"; returns -1. */
int p4m_bad_value(p4m_error *e, int row, const char *source,
                  const char *shown, const char *why);

/* COUNT, PORT, SECONDS: a whole number within the row's limits.  Text:
 * decimal digits, with white space around them allowed. */
int p4m_parse_number(int row, const char *source, const char *text,
                     double *out, p4m_error *e);
/* The same rule for a number given as a number (an R argument). */
int p4m_check_number(int row, const char *source, double v, p4m_error *e);

/* FLAG: true, TRUE, True, 1, yes / false, FALSE, False, 0, no, with white
 * space around them allowed. */
int p4m_parse_flag(int row, const char *source, const char *text, int *out,
                   p4m_error *e);

/* NAME: valid UTF-8 (and not empty when the row's min is 1). */
int p4m_check_name(int row, const char *source, const char *text,
                   p4m_error *e);

/* HOOK: NULL or "" (off) or "any" (on). */
int p4m_parse_hook(int row, const char *source, const char *text, int *out,
                   p4m_error *e);

#endif
