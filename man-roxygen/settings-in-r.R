# The section of ?port4me.settings on setting the variables, as a roxygen2
# template: kept out of R/, whose code never sets the environment.
#' @section Setting them in R, the shell and Renviron files:
#' In an R session, [Sys.setenv()] changes a setting for the rest of the
#' session, e.g. `Sys.setenv(PORT4ME_EXCLUDE = "8080-8089")`.
#'
#' A user sets personal defaults in `~/.Renviron`, which R reads at start-up
#' (see [Startup]), for instance:
#'
#' ```
#' PORT4ME_EXCLUDE=8080-8089,8888
#' PORT4ME_PREPEND=4321
#' ```
#'
#' A system administrator sets site-wide values in R's site file,
#' `file.path(R.home("etc"), "Renviron.site")` (on Debian and Ubuntu,
#' `/etc/R/Renviron.site`), which R reads before the user's file:
#'
#' ```
#' PORT4ME_EXCLUDE_SITE=5432,6379,8787
#' PORT4ME_EXCLUDE_UNSAFE={chrome},{firefox},6000-6063
#' ```
#'
#' Values in Renviron files replace values inherited from the shell; write
#' `PORT4ME_EXCLUDE=${PORT4ME_EXCLUDE-8080-8089}` to use `8080-8089` only
#' when the shell has not set the variable. Renviron files are read by R
#' alone; to give the same settings to the Python and Bash implementations,
#' also export them from a shell start-up file, e.g. `~/.bashrc` or, for all
#' users, `/etc/profile.d/port4me.sh`:
#'
#' ```
#' export PORT4ME_EXCLUDE_SITE=5432,6379,8787
#' ```
#'
#' Environment variables are under each user's control, so site-level
#' settings are a shared convention, not an enforcement mechanism.
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
