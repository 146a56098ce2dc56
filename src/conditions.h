/* Raising port4me's classed conditions (SPEC section 6) from C: every
 * error goes through the R function p4m_stop() (R/conditions.R), the one
 * place that builds and signals them. */
#ifndef P4M_CONDITIONS_H
#define P4M_CONDITIONS_H

/* cls: "invalid", "no_port" or "system"; source: the argument or variable
 * at fault, or NULL; detail: the message (after the source's name, when
 * there is a source).  Does not return. */
void p4m_raise(const char *cls, const char *source, const char *detail);

#endif
