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
