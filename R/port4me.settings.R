#' Settings of port4me: environment variables
#'
#' Every argument of [port4me()] that is left `NULL` falls back to an
#' environment variable, so that users and system administrators can
#' configure port4me once, outside of the code that calls it. The same
#' variables are understood by every port4me implementation (R, Python,
#' Bash) and by the command line, `Rscript -e port4me::port4me`. They are
#' read anew at each call. An unset variable and an empty one mean the same;
#' an invalid value is an error that names the variable.
#'
#' @section User-level settings:
#' \describe{
#'   \item{\env{PORT4ME_USER}}{The user whose sequence of ports is used
#'     (argument `user`). Default: `USER`, else the account name.}
#'   \item{\env{USER}}{Used when `PORT4ME_USER` is unset. Default: set by the
#'     system.}
#'   \item{\env{PORT4ME_TOOL}}{The tool, e.g. `rstudio` (argument `tool`).
#'     Default: none.}
#'   \item{\env{PORT4ME_PREPEND}}{Ports to try first, in order (argument
#'     `prepend`). Default: none.}
#'   \item{\env{PORT4ME_INCLUDE}}{Ports the sequence may use (argument
#'     `include`). Default: none, i.e. `1024-65535`.}
#'   \item{\env{PORT4ME_EXCLUDE}}{Ports the sequence must not use (argument
#'     `exclude`). Default: none.}
#'   \item{\env{PORT4ME_SKIP}}{How many ports of the stream to drop first
#'     (argument `skip`). Default: `0`.}
#'   \item{\env{PORT4ME_LIST}}{Return that many ports, free or not (argument
#'     `list`). Default: none.}
#'   \item{\env{PORT4ME_TEST}}{Only test whether that port is free (argument
#'     `test`). Default: none.}
#' }
#'
#' Port sets (`PREPEND`, `INCLUDE`, `EXCLUDE` and their `_SITE` variants)
#' are specification strings, as for the arguments: comma- and/or
#' space-separated ports `N` and ranges `A-B`, plus `{chrome}` and
#' `{firefox}`; a lone `0` means no ports. `PORT4ME_SKIP`, `PORT4ME_LIST`
#' and `PORT4ME_TEST` are whole numbers. `PORT4ME_LIST` and `PORT4ME_TEST`
#' change what `port4me()` returns; they are meant for the command line,
#' not for `~/.Renviron`.
#'
#' @section Site-level settings:
#' \describe{
#'   \item{\env{PORT4ME_PREPEND_SITE}}{Ports to try after the user's `prepend`
#'     ports, before the sequence. Default: none.}
#'   \item{\env{PORT4ME_INCLUDE_SITE}}{Ports added to the user's `include`
#'     ports. Default: none.}
#'   \item{\env{PORT4ME_EXCLUDE_SITE}}{Ports that are never used, whatever the
#'     user asks for. Default: none.}
#'   \item{\env{PORT4ME_EXCLUDE_UNSAFE}}{Ports that web browsers refuse to
#'     open, never used either; `0` or empty turns this off. Default:
#'     `{chrome},{firefox}`.}
#'   \item{\env{PORT4ME_EXCLUDE_UNSAFE_CHROME}}{What `{chrome}` stands for.
#'     Default: see below.}
#'   \item{\env{PORT4ME_EXCLUDE_UNSAFE_FIREFOX}}{What `{firefox}` stands for.
#'     Default: see below.}
#' }
#'
#' `{chrome}` defaults to the ports that Chrome refuses to connect to: 1, 7,
#' 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87,
#' 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
#' 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
#' 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720,
#' 1723, 2049, 3659, 4045, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
#' 6669, 6697, 10080.
#'
#' `{firefox}` defaults to the ports that Firefox refuses to connect to: 1,
#' 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 77, 79, 87,
#' 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 139,
#' 143, 179, 389, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 556, 563,
#' 587, 601, 636, 993, 995, 2049, 4045, 6000.
#'
#' A browser cannot open a web app (Shiny, RStudio Server, Jupyter, ...)
#' on such a port, which is why they are excluded by default. Setting
#' `PORT4ME_EXCLUDE_UNSAFE_CHROME` (or `_FIREFOX`) to another list changes
#' the expansion, and setting it to empty makes it expand to nothing.
#'
#' @section How the settings combine:
#' An argument replaces its user-level variable; the site-level variables
#' apply in addition, whatever is passed as an argument:
#'
#' * `prepend` = the `prepend` argument, or `PORT4ME_PREPEND` when it is
#'   `NULL`, followed by `PORT4ME_PREPEND_SITE`; order is kept and
#'   duplicates are dropped. Prepended ports are not filtered by `include`
#'   or `exclude`.
#' * `include` = the `include` argument, or `PORT4ME_INCLUDE` when it is
#'   `NULL`, united with `PORT4ME_INCLUDE_SITE`. When both are empty, all of
#'   `1024-65535` is included.
#' * `exclude` = the `exclude` argument, or `PORT4ME_EXCLUDE` when it is
#'   `NULL`, united with `PORT4ME_EXCLUDE_SITE` and with the expansion of
#'   `PORT4ME_EXCLUDE_UNSAFE`.
#' * The candidate ports are `include` minus `exclude`; an empty set of
#'   candidates is an error. The ports tried are the `prepend` ports, then
#'   the user's sequence restricted to the candidates.
#'
#' `PORT4ME_EXCLUDE_UNSAFE` may hold more than the browser lists, e.g.
#' `{chrome},{firefox},8080`, or only one of them, e.g. `{chrome}`. Because
#' `PORT4ME_INCLUDE_SITE` widens rather than narrows the user's `include`,
#' a site that wants to keep users off some ports sets
#' `PORT4ME_EXCLUDE_SITE`.
#'
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
#'   \item{\env{PORT4ME_DEBUG}}{`true` (or `TRUE`, `1`, `yes`) reports on
#'     stderr why each port was passed over; `false` (or `FALSE`, `0`, `no`)
#'     does not. Default: `false`.}
#'   \item{\env{_PORT4ME_CHECK_AVAILABLE_PORTS_}}{`any`: every port counts as
#'     free, so results do not depend on the machine. Any other non-empty value
#'     is an error. Default: none.}
#' }
#'
#' `_PORT4ME_CHECK_AVAILABLE_PORTS_=any` is a testing hook shared by all
#' port4me implementations; do not set it in normal use.
#'
#' @examples
#' ## Remember the settings this example changes, to restore them at the end
#' vars <- c("PORT4ME_EXCLUDE", "PORT4ME_EXCLUDE_SITE",
#'           "_PORT4ME_CHECK_AVAILABLE_PORTS_")
#' old <- Sys.getenv(vars, unset = NA, names = TRUE)
#'
#' ## Alice's first ports
#' port4me(user = "alice", list = 3)
#'
#' ## A user-level variable is used when the argument is NULL ...
#' Sys.setenv(PORT4ME_EXCLUDE = "30845")
#' port4me(user = "alice", list = 3)
#'
#' ## ... and an argument replaces it ("0" means no ports) ...
#' port4me(user = "alice", exclude = "0", list = 3)
#'
#' ## ... but a site-level variable applies whatever the argument says
#' Sys.setenv(PORT4ME_EXCLUDE_SITE = "19654")
#' port4me(user = "alice", exclude = "0", list = 3)
#'
#' ## With the testing hook, every port counts as free, so this is alice's
#' ## first port that is not excluded, on any machine
#' Sys.setenv("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")
#' port4me(user = "alice")
#'
#' ## Restore the settings
#' unset <- is.na(old)
#' Sys.unsetenv(names(old)[unset])
#' if (any(!unset)) do.call(Sys.setenv, as.list(old[!unset]))
#' @seealso [port4me()]
#' @name port4me.settings
#' @aliases port4me.settings
NULL
