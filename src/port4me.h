/* The .Call entry points, registered in init.c. */
#ifndef P4M_PORT4ME_H
#define P4M_PORT4ME_H

#define R_NO_REMAP
#define STRICT_R_HEADERS
#include <Rinternals.h>

SEXP R_port4me(SEXP tool, SEXP user, SEXP prepend, SEXP include,
               SEXP exclude, SEXP skip, SEXP list, SEXP test, SEXP max_tries,
               SEXP must_work, SEXP reserve, SEXP env, SEXP account);
SEXP R_port4me_vars(void);
SEXP R_port4me_unsafe(void);
SEXP R_port4me_hash(SEXP x);

#endif
