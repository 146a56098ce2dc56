# State of the package: the names of port4me's variables in the order that
# the C code takes their values (src/settings.c owns the list), followed by
# the other variables the R wrapper reads in the same Sys.getenv() call.
the <- new.env(parent = emptyenv())

.onLoad <- function(libname, pkgname) {
  the$vars <- c(.Call(R_port4me_vars), "USERNAME")
  the$n_c_vars <- length(the$vars) - 1L
}
