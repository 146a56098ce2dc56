# State of the package: the settings table (src/table.h), read once from C,
# and what the R wrapper derives from it.
the <- new.env(parent = emptyenv())

.onLoad <- function(libname, pkgname) {
  t <- .Call(R_port4me_table)
  the$table <- t
  the$arg_rows <- which(!is.na(t$arg))        # the arguments of port4me()
  the$args <- t$arg[the$arg_rows]
  the$arg_kinds <- t$kind[the$arg_rows]
  the$no_args <- vector("list", length(the$args))   # port4me()
  the$vars <- t$var[!is.na(t$var)]            # the variables R reads
  the$name_vars <- t$kind[!is.na(t$var)] == "name"   # decoded to UTF-8
  the$user_vars <- match(c("PORT4ME_USER", "USER"), the$vars)
  the$name_rows <- which(t$kind == "name")
  the$user_row <- match("user", t$arg)
}
