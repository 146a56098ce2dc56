# State of the package: the names of port4me's variables in the order that
# the C code takes their values (src/settings.c owns the list), followed by
# the other variables the R wrapper reads in the same Sys.getenv() call.
the <- new.env(parent = emptyenv())

.onLoad <- function(libname, pkgname) {
  # (LOGNAME, LNAME and USERNAME name the account on Windows only)
  extra <- if (.Platform$OS.type == "windows") account_vars else character()
  the$vars <- c(.Call(R_port4me_vars), extra)
  the$n_c_vars <- length(the$vars) - length(extra)
  stopifnot(identical(the$vars[names_at],
                      c("PORT4ME_USER", "USER", "PORT4ME_TOOL")),
            identical(the$vars[[home_at]], "HOME"))
}

# Where Python's getpass.getuser() finds the user name on Windows after
# USER (which port4me reads before these, SPEC section 4).
account_vars <- c("LOGNAME", "LNAME", "USERNAME")
