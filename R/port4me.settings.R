#' Settings of port4me: environment variables
#'
#' Every argument of [port4me()] that is left `NULL` falls back to an
#' environment variable, so that users and system administrators can
#' configure port4me once, outside of the code that calls it. The command
#' line, `Rscript -e port4me::port4me`, reads the same variables, and the
#' Python and Bash implementations of port4me read the `PORT4ME_*`
#' variables that they support under the same names. The variables are read
#' anew at each call. Each variable has a help page alias, so that, e.g.,
#' `?PORT4ME_EXCLUDE` opens this page.
#'
#' An argument wins over its variable: a variable is used only when the
#' argument is `NULL`. An unset variable and an empty one mean the same,
#' except for the three `PORT4ME_EXCLUDE_UNSAFE` variables (see below).
#' An invalid value is an error that names the variable.
#'
#' @section User-level settings:
#' \describe{
#'   \item{\env{PORT4ME_USER}}{The user whose sequence of ports is used
#'     (argument `user`). Default: the `USER` variable, else the account
#'     name of the process.}
#'   \item{\env{PORT4ME_TOOL}}{The tool, e.g. `rstudio` (argument `tool`).
#'     Default: none.}
#'   \item{\env{PORT4ME_PREPEND}}{Ports to try first, in order (argument
#'     `prepend`). Default: none.}
#'   \item{\env{PORT4ME_INCLUDE}}{The only ports the sequence may use
#'     (argument `include`). Default: none, i.e. `1024-65535`, unless
#'     `PORT4ME_INCLUDE_SITE` is set.}
#'   \item{\env{PORT4ME_EXCLUDE}}{Ports the sequence must not use (argument
#'     `exclude`). Default: none.}
#'   \item{\env{PORT4ME_SKIP}}{How many ports of the stream to drop first
#'     (argument `skip`). Default: `0`.}
#'   \item{\env{PORT4ME_LIST}}{Return that many ports, free or not (argument
#'     `list`). Default: none.}
#'   \item{\env{PORT4ME_TEST}}{Only test whether that port is free (argument
#'     `test`). Default: none.}
#'   \item{\env{PORT4ME_MAX_TRIES}}{How many ports to check at most before
#'     giving up (argument `max_tries`). Default: `65535`.}
#'   \item{\env{PORT4ME_MUST_WORK}}{`true` or `false`: whether finding no
#'     free port is an error (`true`) or gives `-1` (`false`) (argument
#'     `must_work`). Default: `true`.}
#'   \item{\env{PORT4ME_RESERVE}}{Claim the port that is returned for that
#'     many seconds (argument `reserve`); see "Claims" below. Default: `0`,
#'     no claim.}
#' }
#'
#' `PORT4ME_USER` is used when it is set and not empty; otherwise the `USER`
#' variable, and when that is unset or empty too, the account name that the
#' operating system gives for the process. An empty `PORT4ME_TOOL` means no
#' tool.
#'
#' Port sets (`PREPEND`, `INCLUDE`, `EXCLUDE` and their `_SITE` variants,
#' `EXCLUDE_UNSAFE` and its `_CHROME` and `_FIREFOX` variants) are
#' specification strings, as for the arguments: comma- and/or
#' space-separated ports `N` and ranges `A-B`, plus `{chrome}` and
#' `{firefox}`; a lone `0` means no ports, for places where an empty value
#' cannot be set. `PORT4ME_SKIP`, `PORT4ME_LIST`, `PORT4ME_TEST`,
#' `PORT4ME_MAX_TRIES` and `PORT4ME_RESERVE` are whole numbers (white space around them is allowed).
#' `PORT4ME_LIST` and `PORT4ME_TEST` change what `port4me()` returns; they
#' are meant for the command line, not for `~/.Renviron`.
#'
#' @section Site-level settings:
#' \describe{
#'   \item{\env{PORT4ME_PREPEND_SITE}}{Ports to try after the `prepend`
#'     ports (argument or `PORT4ME_PREPEND`), before the sequence. Default:
#'     none.}
#'   \item{\env{PORT4ME_INCLUDE_SITE}}{Ports united with the `include` ports
#'     (argument or `PORT4ME_INCLUDE`); when those are empty, these are the
#'     only ports used. Default: none.}
#'   \item{\env{PORT4ME_EXCLUDE_SITE}}{Ports that are never used, whatever the
#'     user passes. Default: none.}
#'   \item{\env{PORT4ME_EXCLUDE_UNSAFE}}{Ports that web browsers refuse to
#'     open, never used either, whatever the user passes. Empty or `0` turns
#'     this off. Default (when unset): `{chrome},{firefox}`.}
#'   \item{\env{PORT4ME_EXCLUDE_UNSAFE_CHROME}}{What `{chrome}` stands for.
#'     Empty means no ports. Default (when unset): see below.}
#'   \item{\env{PORT4ME_EXCLUDE_UNSAFE_FIREFOX}}{What `{firefox}` stands for.
#'     Empty means no ports. Default (when unset): see below.}
#' }
#'
#' `{chrome}` defaults to the ports that Chrome refuses to connect to:
#' `r unsafe_ports("chrome")`.
#'
#' `{firefox}` defaults to the ports that Firefox refuses to connect to:
#' `r unsafe_ports("firefox")`.
#'
#' A browser cannot open a web app (Shiny, RStudio Server, Jupyter, ...)
#' on such a port, which is why they are excluded by default.
#'
#' These three variables are the exception to "unset and empty mean the
#' same": an unset `PORT4ME_EXCLUDE_UNSAFE` means `{chrome},{firefox}`,
#' while an empty one (or `0`) means no unsafe ports; an unset
#' `PORT4ME_EXCLUDE_UNSAFE_CHROME` (or `_FIREFOX`) means the list above,
#' while an empty one makes `{chrome}` (or `{firefox}`) expand to nothing.
#' `PORT4ME_EXCLUDE_UNSAFE` may also hold other ports, e.g.
#' `{chrome},{firefox},6000-6063`, or only one of the lists, e.g.
#' `{chrome}`.
#'
#' @section How the settings combine:
#' An argument replaces its user-level variable; the site-level variables
#' and the unsafe list apply in addition, whatever is passed as an argument:
#'
#' * `prepend` = the `prepend` argument, or `PORT4ME_PREPEND` when it is
#'   `NULL`, followed by `PORT4ME_PREPEND_SITE`; order is kept and
#'   duplicates are dropped. Prepended ports are tried first and are not
#'   filtered by `include` or `exclude`.
#' * `include` = the `include` argument, or `PORT4ME_INCLUDE` when it is
#'   `NULL`, united with `PORT4ME_INCLUDE_SITE`. When the user gives no
#'   include ports at all, `PORT4ME_INCLUDE_SITE` alone is the include set,
#'   so it narrows the default `1024-65535` to the site's ports; when the
#'   user gives include ports, it adds the site's ports to them. Only when
#'   both are empty are all of `1024-65535` included.
#' * `exclude` = the `exclude` argument, or `PORT4ME_EXCLUDE` when it is
#'   `NULL`, united with `PORT4ME_EXCLUDE_SITE` and with the expansion of
#'   `PORT4ME_EXCLUDE_UNSAFE`. Passing `exclude` therefore never lets a
#'   user onto a site-excluded or browser-unsafe port.
#' * The candidate ports are `include` minus `exclude`; an empty set of
#'   candidates is an error. The ports tried are the `prepend` ports, then
#'   the user's sequence restricted to the candidates; `skip` drops ports
#'   from the start of that stream.
#'
#' A site that wants to keep its users off some ports sets
#' `PORT4ME_EXCLUDE_SITE`; one that wants them on a range of its own (say,
#' the ports a firewall lets through) sets `PORT4ME_INCLUDE_SITE`, which
#' users can still widen with `include`.
#'
#' @section Claims:
#' Two processes of one user that start at the same moment find the same
#' first free port, and one of the two servers then fails to start. With
#' `reserve = s` (or `PORT4ME_RESERVE=s`, or `--reserve=s` on the command
#' line), the port that is returned is claimed for `s` seconds (at most
#' 86400, one day): a file named after the port is created, atomically, in
#' a folder private to the user, and until the claim expires every port4me
#' call of that user on that host passes over the port as if it were busy.
#' A claim on a port that turns out to be busy is given up at once;
#' `release = port` (`--release=port`) gives one up early. The folder is
#' `port4me` under `XDG_RUNTIME_DIR` (or under `/run/user/<uid>`, where
#' that exists), else `claims/<host>` under
#' `tools::R_user_dir("port4me", "cache")` (its variables
#' `R_USER_CACHE_DIR`, `XDG_CACHE_HOME` and `HOME` count only when they
#' hold absolute paths), else `port4me-<uid>` under `TMPDIR` (else `/tmp`).
#' Every folder on the way must be the user's or root's and closed to
#' others. With `0`, the default, claims are only read: nothing is written,
#' and a folder that cannot be used is passed over.
#'
#' @template settings-in-r
#'
#' @section Testing and debugging:
#' \describe{
#'   \item{\env{PORT4ME_DEBUG}}{`true` (also `TRUE`, `True`, `1`, `yes`):
#'     explain how the port was found, as messages of class
#'     `port4me_debug` (on stderr, unless silenced with
#'     [suppressMessages()]); `false` (also `FALSE`,
#'     `False`, `0`, `no`): do not. The command-line option `--debug` does
#'     the same. Default: `false`.}
#'   \item{\env{_PORT4ME_CHECK_AVAILABLE_PORTS_}}{`any`: every port counts as
#'     free, so results do not depend on the machine. Any other non-empty
#'     value is an error. Default: none.}
#' }
#'
#' With `PORT4ME_DEBUG=true`, port4me first prints its inputs: the user and
#' where it came from (argument, `PORT4ME_USER`, `USER` or the account),
#' the tool, the seed string (`"<user>,<tool>"`, or the user alone) and its
#' hash, and the include, exclude and prepend sets, written as compact
#' ranges together with the argument or variables each came from. Then it
#' prints each port that it passed over and why: in use, permission denied,
#' claimed, and so on. This answers "why did I get this port?", for
#' instance when two implementations give different ports.
#'
#' `_PORT4ME_CHECK_AVAILABLE_PORTS_=any` is a testing hook shared by all
#' port4me implementations; do not set it in normal use.
#'
#' @section Errors:
#' Errors are classed conditions, so that code can tell them apart without
#' reading their messages; each one also has class `port4me_error`:
#' * `port4me_invalid`: a bad argument, environment value or command-line
#'   option, or an empty set of candidate ports. Its field `source` names
#'   the argument or variable, e.g. `"skip"` or `"PORT4ME_SKIP"`.
#' * `port4me_no_port`: no free port was found (with `must_work = TRUE`).
#' * `port4me_system`: whether a port is free cannot be tested, e.g. when
#'   the process may not open more sockets.
#'
#' For instance, a Shiny app can fall back to a port of its own choice:
#'
#' ```
#' port <- tryCatch(port4me("shiny"),
#'                  port4me_no_port = function(e) httpuv::randomPort())
#' ```
#'
#' @example inst/examples/settings.R
#' @seealso [port4me()]
#' @name port4me.settings
#' @eval settings_aliases()
NULL

# The default browser-unsafe lists, as written once in src/unsafe.c (the
# defaults of their rows in the settings table), for the documentation
# above ("1, 7, 9, ...").
unsafe_ports <- function(browser = c("chrome", "firefox")) {
  var <- paste0("PORT4ME_EXCLUDE_UNSAFE_", toupper(match.arg(browser)))
  t <- the$table
  gsub(",", ", ", t$default[match(var, t$var)], fixed = TRUE)
}

# The help topics of this page: every variable of port4me's own in the
# settings table (tests/testthat/test-help.R checks the installed page).
settings_aliases <- function() {
  vars <- the$table$var
  vars <- vars[!is.na(vars) & grepl("^_?PORT4ME_", vars)]
  paste("@aliases port4me.settings", paste(vars, collapse = " "))
}
