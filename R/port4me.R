#' Get the same, personal, free TCP port over and over
#'
#' `port4me()` finds a free TCP port for the current user (and tool). Each
#' user, and each tool of a user, has a personal pseudo-random sequence of
#' ports; the first port of that sequence that is free is returned. As long
#' as it is free, the same user therefore gets the same port every time, on
#' every machine, from every port4me implementation (R, Python, Bash), and
#' users who share a machine rarely ask for the same port.
#'
#' @details
#' ## The sequence
#' The sequence is seeded by a 32-bit hash of the user name, or of
#' `"<user>,<tool>"` when a tool is given, and produced by a linear
#' congruential generator (m = 65537, a = 75, c = 74) that visits each of
#' the ports 0..65535 once before it repeats. The hash is taken over the
#' Unicode code points of the name, as in the Python implementation; the
#' CRAN package 0.7.1 hashed UTF-8 bytes instead, so for non-ASCII user or
#' tool names the two give different ports. Strings that are not valid text
#' (bytes that are not UTF-8, or strings marked as `"bytes"`) are an error.
#'
#' ## The stream of ports
#' The ports that `port4me()` considers, in order, are:
#' 1. the `prepend` ports, in the order given (they are not filtered by
#'    `include` or `exclude`);
#' 2. the values of the user's sequence that are in `include` (by default
#'    1024..65535) and not in `exclude`.
#'
#' `skip` drops that many ports from the start of this stream. With `list`,
#' the next `list` ports of the stream are returned, whether they are free
#' or not. Otherwise the ports of the stream are checked one by one, and the
#' first free one is returned; after `max_tries` ports, `port4me()` gives up.
#'
#' ## "Free"
#' A port is free when a TCP server of this user could listen on it now: it
#' can be bound on the wildcard and the loopback address of IPv4 and of IPv6
#' (where the system supports IPv6). A port in use by another process, on any
#' of these addresses, or a privileged port (below 1024) that the user may not
#' open, is not free. Nothing is held on to: another process can still take
#' the port between `port4me()` and the moment the server starts listening,
#' so start the server right away.
#'
#' ## Settings
#' Every argument left `NULL` falls back to an environment variable, so that
#' users and system administrators can configure port4me without changing
#' code. Site-wide exclusions (`PORT4ME_EXCLUDE_SITE`) and the ports that
#' web browsers refuse to open (`PORT4ME_EXCLUDE_UNSAFE`) apply whatever is
#' passed here. See [port4me.settings] for every variable and its default.
#'
#' @param tool `NULL` or a single string naming the tool (e.g. `"rstudio"`,
#'   `"jupyter-notebook"`, `"shiny"`), so that each tool of a user gets its own
#'   sequence of ports. `""` means no tool. Default: `PORT4ME_TOOL`, else no
#'   tool.
#' @param user `NULL` or a single non-empty string: whose sequence to use.
#'   Default: `PORT4ME_USER`, else `USER`, else the account name of the
#'   process.
#' @param prepend Ports to try before the user's sequence, in this order: an
#'   integer vector or a specification string such as `"4321,8000-8009"`
#'   (see below). They are not filtered by `include` or `exclude`.
#'   Default: `PORT4ME_PREPEND`; `PORT4ME_PREPEND_SITE` is always appended.
#' @param include Ports the sequence may use: an integer vector or a
#'   specification string. Default: `PORT4ME_INCLUDE`. `PORT4ME_INCLUDE_SITE`
#'   is always added; when both are empty, all of 1024..65535.
#' @param exclude Ports the sequence must not use: an integer vector or a
#'   specification string. Default: `PORT4ME_EXCLUDE`. The ports in
#'   `PORT4ME_EXCLUDE_SITE` and the browser-unsafe ports
#'   (`PORT4ME_EXCLUDE_UNSAFE`) are always excluded as well.
#' @param skip A single whole number >= 0: how many ports to drop from the
#'   start of the stream (e.g. `skip = 1` for a second server of the same
#'   tool). Default: `PORT4ME_SKIP`, else 0.
#' @param list A single whole number >= 1: return the next `list` ports of
#'   the stream, without checking whether they are free. Default:
#'   `PORT4ME_LIST`, else a single free port is returned.
#' @param test A single port (1..65535): only say whether that port is free
#'   now; all other arguments are ignored. Default: `PORT4ME_TEST`.
#' @param max_tries A single whole number >= 1: how many distinct ports of
#'   the stream to check before giving up. Default: `PORT4ME_MAX_TRIES`,
#'   else 65535. The search also ends, sooner, once every port of the stream
#'   (the prepended ports and every candidate) has been checked once.
#' @param must_work `TRUE` or `FALSE`: when no free port is found, signal an
#'   error of class `port4me_no_port` (`TRUE`) or return `-1L` (`FALSE`).
#'   Default: `PORT4ME_MUST_WORK` (`true` or `false`), else `TRUE`.
#' @param reserve A single whole number of seconds, 0 to 86400 (one day):
#'   claim the port that is returned for this long, so that other port4me
#'   calls of the same user pass it over until then (see "Claims" below).
#'   Default: `PORT4ME_RESERVE`, else 0 (claim nothing).
#' @param release A single port: drop your claim on it now (a server that
#'   has stopped, a claim no longer needed); nothing else is done.
#'   Returns `TRUE` when a claim was dropped, `FALSE` when there was none.
#'
#' @return
#' * By default, a single integer: the first free port of the stream. If no
#'   free port is found within `max_tries` ports, an error, or `-1L` when
#'   `must_work = FALSE`.
#' * With `list`, an integer vector of length `list`: the ports of the
#'   stream, in order, free or not.
#' * With `test`, `TRUE` if that port is free now, else `FALSE`.
#' * With `release`, `TRUE` if a claim was dropped, else `FALSE`.
#'
#' @section Claims:
#' Two processes of one user that start at the same moment (a job array,
#' parallel workers, a script that starts several servers) see the same
#' first free port, and one of them then fails to listen on it. With
#' `reserve = s`, `port4me()` claims the port it returns for `s` seconds:
#' until then, every `port4me()` call of the same user on the same host
#' (any tool, from R or from the command line) passes the claimed port over
#' as if it were busy, and moves on to its next port. Of two processes that
#' ask at the same moment, only one gets a port's claim. Choose `s` long
#' enough for the server to start listening (at most one day); after that
#' the port is busy anyway. `release = port` drops a claim early.
#'
#' A claim is a file named after the port in a folder private to the user
#' (mode 0700, reached only through folders that are the user's or root's
#' and closed to others, never through a symbolic link of someone else's):
#' `$XDG_RUNTIME_DIR/port4me`, or `/run/user/<uid>/port4me` where that
#' folder exists (so that a batch job without `XDG_RUNTIME_DIR` uses the
#' same folder as a login shell), else `claims/<host>` in
#' `tools::R_user_dir("port4me", "cache")` (one folder per host: a home
#' folder may be shared by many hosts), else `port4me-<uid>` in the
#' temporary folder (`TMPDIR`, else `/tmp`) when there is no usable home.
#' A claim that expires more than a day ahead (written by hand, or while
#' the clock was wrong) is not honoured.
#'
#' With `reserve = 0` (the default) claims are only read: nothing is
#' created, locked, written or removed, a claims folder that cannot be used
#' is passed over (debug output says why), and the result is that of the
#' algorithm alone, except that live claims are passed over. A port claimed
#' by this very process counts as free for `test`. A call without `reserve`
#' can still pick a port that a call with `reserve` claims at the same
#' moment: all launches that may collide must use `reserve`.
#'
#' @section Errors:
#' Every error is a condition of class `port4me_error` and of one of these
#' classes, so that callers can tell them apart without reading messages:
#' * `port4me_invalid`: a bad argument, environment variable or
#'   command-line option, or an empty set of candidate ports; its field
#'   `source` names the argument, variable or option (e.g. `"skip"`,
#'   `"PORT4ME_SKIP"` or `"--skip"`), and the message reads
#'   `<source> must be <rule>, not <value>`;
#' * `port4me_no_port`: no free port was found;
#' * `port4me_system`: whether a port is free cannot be tested (e.g. the
#'   process is out of file descriptors), or a claim cannot be made; its
#'   fields `errno` (the system's error number) and `step` (the call that
#'   failed, e.g. `"socket IPv4"`, `"bind [::1]"`, `"lock claims folder"`)
#'   say what failed.
#'
#' An internal error of the package itself is a plain error.
#' For example,
#' `tryCatch(port4me("shiny"), port4me_no_port = function(e) 8080L)`.
#'
#' @section Debug output:
#' With `PORT4ME_DEBUG=true`, `port4me()` says what it was given and why it
#' passed over each port, as messages of class `port4me_debug`:
#' `suppressMessages()` silences them, and Shiny's and other loggers handle
#' them as any message. See [port4me.settings].
#'
#' @section Port specifications:
#' A specification string holds comma- and/or space-separated tokens: a port
#' `N`, an inclusive range `A-B` (within 1..65535), or `{chrome}` and
#' `{firefox}` for the ports those browsers refuse to open. A lone `0` means
#' nothing, so that a variable can be set to "no ports". Anything else is an
#' error naming the argument or variable. An integer (or whole double) vector
#' must hold ports in 1..65535. For example, `"2000-2999, 4321"`,
#' `c(4321L, 8080L)` and `8000:8009` are all valid.
#'
#' @section Command line:
#' `Rscript --default-packages=NULL -e port4me::port4me [options] [tool]`
#' prints the port, so that shell scripts can use it, e.g.
#' `jupyter lab --port "$(Rscript --default-packages=NULL -e port4me::port4me jupyter-lab)"`
#' (`--default-packages=NULL` spares R loading packages port4me does not
#' need). See [port4me_cli] for the options, or run
#' `Rscript -e port4me::port4me --help`. The vignette,
#' `vignette("port4me", package = "port4me")`, has more examples, including
#' job scripts.
#'
#' @examples
#' ## The same user always gets the same sequence of ports (on every
#' ## machine); 'list' returns ports of the sequence without checking them
#' port4me(user = "alice", list = 5)
#'
#' ## Each tool of a user has a sequence of its own
#' port4me("rstudio", user = "alice", list = 3)
#' port4me("jupyter-notebook", user = "alice", list = 3)
#'
#' ## Only some ports, and some of them first
#' port4me(user = "alice", include = "2000-2999", list = 3)
#' port4me(user = "alice", prepend = c(4321, 8080), list = 4)
#'
#' ## Never some ports, or skip the first ones
#' port4me(user = "alice", exclude = "30845,19654", list = 3)
#' port4me(user = "alice", skip = 2, list = 3)
#'
#' ## The first free port of the current user's "shiny" sequence; which port
#' ## that is depends on what else listens on this machine right now
#' port <- port4me("shiny")
#' port
#'
#' ## Is that port free? (TRUE, unless another process just took it)
#' port4me(test = port)
#'
#' ## Typical use: start a server on your port for that tool
#' if (interactive() && requireNamespace("shiny", quietly = TRUE)) {
#'   app <- shiny::shinyApp(
#'     ui = shiny::fluidPage("Hello from port4me"),
#'     server = function(input, output) NULL
#'   )
#'   shiny::runApp(app, port = port4me("shiny"))
#' }
#' @seealso [port4me.settings] for the environment variables;
#'   `vignette("port4me", package = "port4me")` for a tour.
#' @export
port4me <- function(tool = NULL, user = NULL, prepend = NULL, include = NULL,
                    exclude = NULL, skip = NULL, list = NULL, test = NULL,
                    max_tries = NULL, must_work = NULL, reserve = NULL,
                    release = NULL) {
  # R checks the types of the arguments it was given and reads the
  # environment; C applies the rules of the settings table (src/table.h)
  # and does the work.  The arguments go to C in the order of the table's
  # rows (test-call-layer.R checks that they are the table's), NULL where
  # not given; base::list, since the argument `list` may hold a function.
  # (Written out rather than looped over: a call costs a tenth less.)
  if (nargs() == 0L) return(run_c(the$no_args, 1L, TRUE))
  args <- base::list(
    if (!is.null(tool)) check_arg(tool, 1L),
    if (!is.null(user)) check_arg(user, 2L),
    if (!is.null(prepend)) check_arg(prepend, 3L),
    if (!is.null(include)) check_arg(include, 4L),
    if (!is.null(exclude)) check_arg(exclude, 5L),
    if (!is.null(skip)) check_arg(skip, 6L),
    if (!is.null(list)) check_arg(list, 7L),
    if (!is.null(test)) check_arg(test, 8L),
    if (!is.null(max_tries)) check_arg(max_tries, 9L),
    if (!is.null(must_work)) check_arg(must_work, 10L),
    if (!is.null(reserve)) check_arg(reserve, 11L),
    if (!is.null(release)) check_arg(release, 12L))
  run_c(args, 1L, is.null(user))
}

# Run C on `given` (from = 1L: the arguments, a list; 2L: the command-line
# options, a character vector by row of the table), with the environment.
run_c <- function(given, from, no_user) {
  env <- Sys.getenv(the$vars, unset = NA_character_, names = FALSE)
  # names in variables: C reads UTF-8 (and so, in the C locale, bytes as
  # UTF-8); in other sessions they are decoded from the native encoding
  # (utf8_session() written out: this runs at every call)
  if (!isTRUE(l10n_info()[["UTF-8"]]) && !c_locale()) {
    for (i in which(the$name_vars & !is.na(env))) {
      if (!is.na(y <- to_utf8(env[[i]]))) env[[i]] <- y
    }
  }
  # the account name is looked up only when it can matter
  account <- if (no_user &&
                 !any(nzchar(env[the$user_vars], keepNA = TRUE), na.rm = TRUE))
    account_name()
  .Call(R_port4me, given, from, env, account)
}

# The account name from the operating system, as Python's
# getpass.getuser() finds it when USER is unset: on Windows the first of
# LOGNAME, LNAME and USERNAME that is set, else, and elsewhere, the
# effective user of the process.
account_name <- function(windows = .Platform$OS.type == "windows") {
  names <- if (windows) Sys.getenv(c("LOGNAME", "LNAME", "USERNAME"))
  set <- names[nzchar(names)]
  name <- if (length(set)) set[[1L]] else Sys.info()[["effective_user"]]
  y <- if (is.null(name) || is.na(name)) NA_character_ else to_utf8(name)
  if (is.na(y)) NULL else y
}

# `Rscript -e port4me::port4me` prints this function; its print method
# (R/cli.R) runs the command line then.
class(port4me) <- c("port4me_function", class(port4me))
