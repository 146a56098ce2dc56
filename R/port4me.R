#' Get the same, personal, free TCP port over and over
#'
#' `port4me()` finds a free TCP port for the current user (and tool). Each
#' user, and each tool of a user, has a personal pseudo-random sequence of
#' ports; the first port of that sequence that is free is returned. As long
#' as it is free, the same user therefore gets the same port every time, on
#' every machine, from every port4me implementation (R, Python, Bash).
#'
#' The sequence is seeded by a 32-bit hash of the user name, or of
#' `"<user>,<tool>"` when a tool is given, and produced by a linear
#' congruential generator (m = 65537, a = 75, c = 74). The hash is taken over
#' the Unicode code points of the name, as in the Python implementation; the
#' CRAN package 0.7.1 hashed UTF-8 bytes instead, so for non-ASCII user or
#' tool names the two give different ports. Strings that are not valid text
#' (bytes that are not UTF-8, or strings marked as `"bytes"`) are an error.
#'
#' The stream of ports is: first the `prepend` ports, in order (not filtered);
#' then the generator's values that are in `include` and not in `exclude`.
#' `skip` drops ports from the start of that stream. A port is free when a
#' TCP server could listen on it now, on the wildcard and the loopback
#' address of IPv4 and of IPv6 (where the system supports IPv6).
#'
#' Every argument left `NULL` falls back to an environment variable; see
#' [port4me.settings] for all of them and for the site-wide and
#' browser-unsafe exclusions that apply whatever is passed here.
#'
#' @param tool `NULL` or a single string naming the tool (e.g. `"rstudio"`,
#'   `"jupyter"`, `"shiny"`), so that each tool gets its own port. `""`
#'   means no tool. Default: `PORT4ME_TOOL`.
#' @param user `NULL` or a single non-empty string. Default: `PORT4ME_USER`,
#'   else `USER`, else the account name of the process.
#' @param prepend Ports to try before the user's sequence, in this order: an
#'   integer vector or a specification string such as `"4321,8000-8009"`.
#'   Default: `PORT4ME_PREPEND`; `PORT4ME_PREPEND_SITE` is appended.
#' @param include Ports the sequence may use: an integer vector or a
#'   specification string. Default: `PORT4ME_INCLUDE`, united with
#'   `PORT4ME_INCLUDE_SITE`; when both are empty, all of 1024..65535.
#' @param exclude Ports the sequence must not use. Default: `PORT4ME_EXCLUDE`.
#'   `PORT4ME_EXCLUDE_SITE` and the browser-unsafe ports
#'   (`PORT4ME_EXCLUDE_UNSAFE`) are excluded as well.
#' @param skip A single whole number >= 0: how many ports of the stream to
#'   drop first. Default: `PORT4ME_SKIP`, else 0.
#' @param list A single whole number >= 1: return that many ports of the
#'   stream, without checking whether they are free. Default: `PORT4ME_LIST`.
#' @param test A single port (1..65535): only say whether that port is free.
#'   Default: `PORT4ME_TEST`.
#' @param max_tries A single whole number >= 1: how many ports to check
#'   before giving up.
#' @param must_work `TRUE` or `FALSE`: when no free port is found within
#'   `max_tries`, signal an error (`TRUE`) or return `-1L` (`FALSE`).
#'
#' @return An integer port; with `list`, an integer vector of `list` ports;
#'   with `test`, `TRUE` or `FALSE`. `-1L` when no port was found and
#'   `must_work = FALSE`.
#'
#' @section Port specifications:
#' A specification string holds comma- and/or space-separated tokens: a port
#' `N`, an inclusive range `A-B` (within 1..65535), or `{chrome}` and
#' `{firefox}` for the ports those browsers refuse to open. A lone `0` means
#' nothing, so that a variable can be set to "no ports". Anything else is an
#' error naming the argument or variable. An integer (or whole double) vector
#' must hold ports in 1..65535.
#'
#' @section Command line:
#' `Rscript -e port4me::port4me [options] [tool]` prints the port. Run
#' `Rscript -e port4me::port4me --help` for the options.
#'
#' @examples
#' ## The same user and tool always get the same sequence of ports
#' port4me(user = "alice", list = 5)
#' port4me("rstudio", user = "alice", list = 3)
#'
#' ## Only some ports, some of them first
#' port4me(user = "alice", prepend = 4321, include = "2000-2999", list = 3)
#'
#' ## Is a given port free right now?
#' port4me(test = 4321)
#'
#' ## The first free port of the current user's "shiny" sequence
#' port <- port4me("shiny")
#' port
#' @seealso [port4me.settings]
#' @export
port4me <- function(tool = NULL, user = NULL, prepend = NULL, include = NULL,
                    exclude = NULL, skip = NULL, list = NULL, test = NULL,
                    max_tries = 65535L, must_work = TRUE) {
  # Check the arguments that were given; C reads what was not from the
  # environment (see ?port4me.settings) and checks that.
  if (!is.null(tool)) arg_string(tool, "tool", empty_ok = TRUE)
  if (!is.null(user)) arg_string(user, "user", empty_ok = FALSE)
  if (!is.null(prepend)) arg_ports(prepend, "prepend")
  if (!is.null(include)) arg_ports(include, "include")
  if (!is.null(exclude)) arg_ports(exclude, "exclude")
  if (!is.null(skip)) arg_count(skip, "skip", 0)
  if (!is.null(list)) arg_count(list, "list", 1)
  if (!is.null(test)) arg_count(test, "test", 1, 65535)
  if (!identical(max_tries, 65535L)) arg_count(max_tries, "max_tries", 1)
  if (!identical(must_work, TRUE)) arg_flag(must_work, "must_work")
  .Call(R_port4me, tool, user, prepend, include, exclude, skip, list, test,
        max_tries, must_work)
}

# `Rscript -e port4me::port4me` prints this function; its print method
# (R/cli.R) runs the command line then.
class(port4me) <- c("port4me_function", class(port4me))
