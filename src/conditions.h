/* Raising port4me's conditions (SPEC section 6) from C: every error of the
 * pure modules (a p4m_error) goes through the R function p4m_stop()
 * (R/conditions.R), the one place that builds and signals them.  An
 * internal error of the package is a plain R error. */
#ifndef P4M_CONDITIONS_H
#define P4M_CONDITIONS_H

#include "error.h"

/* Does not return. */
void p4m_raise(const p4m_error *e);

/* A debug line as an R message of class port4me_debug (p4m_debug()). */
void p4m_message(const char *line);

#endif
