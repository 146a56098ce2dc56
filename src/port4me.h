/* The .Call entry points, registered in init.c. */
#ifndef P4M_PORT4ME_H
#define P4M_PORT4ME_H

#include <Rinternals.h>

SEXP R_port4me_hash(SEXP x);
SEXP R_port4me_list(SEXP cfg, SEXP n);
SEXP R_port4me_find(SEXP cfg, SEXP max_tries, SEXP any, SEXP debug);
SEXP R_port4me_test(SEXP port, SEXP debug);

#endif
