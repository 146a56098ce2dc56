/* The .Call entry points, registered in init.c. */
#ifndef P4M_PORT4ME_H
#define P4M_PORT4ME_H

#define R_NO_REMAP
#define STRICT_R_HEADERS
#include <Rinternals.h>

SEXP R_port4me(SEXP given, SEXP from, SEXP env, SEXP account);
SEXP R_port4me_cli(SEXP argv);
SEXP R_port4me_table(void);
SEXP R_port4me_show(SEXP x);
SEXP R_port4me_hash(SEXP x);

#endif
