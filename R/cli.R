#' The port4me command line
#'
#' `Rscript -e port4me::port4me [options] [tool]` prints the port, digits
#' only, on standard output, and nothing else. It behaves like the Python
#' (`python -m port4me`) and Bash (`port4me`) command lines.
#'
#' The command line works because `Rscript -e port4me::port4me` evaluates
#' the expression `port4me::port4me` and prints its value, the function
#' [port4me()]. Its print method runs the command line only when R is not
#' interactive and the command line of R holds exactly
#' `-e port4me::port4me`; otherwise, for instance `print(port4me)` in an
#' interactive session or in a script, the function is printed as usual.
#' `Rscript -e "port4me::port4me()"` is an ordinary R call that prints the
#' port as an R value.
#'
#' @section Options:
#' \describe{
#'   \item{`--user=<name>`}{The user name (default: `PORT4ME_USER`, else
#'     `USER`, else the account name).}
#'   \item{`--tool=<name>`}{The tool, e.g. `rstudio` (default:
#'     `PORT4ME_TOOL`). A first bare word, as in
#'     `Rscript -e port4me::port4me rstudio`, means the same; giving both is
#'     an error. `--tool=` (empty) means no tool.}
#'   \item{`--include=<ports>`, `--exclude=<ports>`, `--prepend=<ports>`}{Port
#'     specifications, e.g. `4321,8000-8099` (see [port4me()]).}
#'   \item{`--skip=<n>`}{Skip the first `n` ports of the stream.}
#'   \item{`--list=<n>`}{Print the first `n` ports of the stream, free or
#'     not, one per line.}
#'   \item{`--test=<port>`}{Print nothing; exit with status 0 when the port
#'     is free, 1 when it is not.}
#'   \item{`--max-tries=<n>`}{Check at most `n` ports (default:
#'     `PORT4ME_MAX_TRIES`, else 65535).}
#'   \item{`--must-work=<true|false>`}{When no port is free: an error (exit
#'     status 2; the default, else `PORT4ME_MUST_WORK`) or print `-1`.}
#'   \item{`--reserve=<seconds>`}{Claim the port for that many seconds, so
#'     that other port4me calls of the same user pass it over (default:
#'     `PORT4ME_RESERVE`, else 0: no claim).}
#'   \item{`--debug`}{Say on standard error what port4me was given (user,
#'     tool, seed, hash, the port sets and where each came from) and which
#'     ports were passed over and why (as `PORT4ME_DEBUG=true`).}
#'   \item{`--help`, `-h`}{Print usage and examples.}
#'   \item{`--version`}{Print the version of the package.}
#' }
#' Options take their value as `--name=value` or as `--name value`; when an
#' option is given twice, the last one counts. `--` ends the options. The
#' `PORT4ME_*` environment variables apply as for [port4me()].
#'
#' @section Older versions of R:
#' Before R 4.2, `Rscript` passes options written after the expression to R
#' itself, which warns about each ("unknown option"); port4me still reads
#' them, but write `--args` before them to avoid the warnings, e.g.
#' `Rscript -e port4me::port4me --args --tool=rstudio`. `--args` is
#' accepted (and ignored) by every version of R.
#'
#' @section Exit status:
#' 0 on success (with `--test`: the port is free); 1 when the port given to
#' `--test` is not free; 2 on any error (unknown option, bad value, bad
#' environment variable, no free port, a socket test that cannot be made),
#' after a message starting with `Error:` on standard error. Errors name
#' the option that was wrong (e.g. `--include`). A reader that closes the
#' output early (`| head -1`) is not an error.
#'
#' @param x The [port4me()] function.
#' @param ... Passed on to [print()] when the function is printed.
#' @return `x`, invisibly, when the function is printed; when it runs the
#'   command line, the method ends R with the exit status above.
#'
#' @examples
#' \dontrun{
#' ## In a shell:
#' ##   Rscript -e port4me::port4me
#' ##   Rscript -e port4me::port4me --tool=rstudio
#' ##   Rscript -e port4me::port4me rstudio --list=3
#' ##   Rscript -e port4me::port4me --test=8087 && echo "free" || echo "taken"
#' }
#' ## Printing the function in R prints the function
#' print(port4me)
#' @name port4me_cli
#' @aliases print.port4me_function
#' @seealso [port4me()]
#' @export
print.port4me_function <- function(x, ...) {
  if (!interactive() && cli_invoked(commandArgs())) {
    status <- cli_main(cli_args(commandArgs()))
    quit(save = "no", status = status, runLast = FALSE)
  }
  print(unclass(x), ...)
  invisible(x)
}

# Was R started with `-e port4me::port4me` (as by
# `Rscript -e port4me::port4me ...`)?  Only R's own arguments count, i.e.
# those before the first "--args".
cli_invoked <- function(args) {
  n <- match("--args", args, nomatch = length(args) + 1L) - 1L
  args <- args[seq_len(n)]
  e <- which(args == "-e")
  e <- e[e < n]
  any(trimws(args[e + 1L]) %in% cli_expressions)
}

cli_expressions <- c("port4me::port4me", "port4me:::port4me")

# The command line's own arguments: everything after the expression, less
# R's "--args" markers.  R >= 4.2 puts "--args" after the expression itself
# and again where the user wrote it (`Rscript -e port4me::port4me --args
# --user=alice`, as older R versions need); R < 4.2 passes options written
# without "--args" to R itself (which warns about them) and not to the
# script, so they are taken from the full command line as well.
cli_args <- function(args) {
  e <- which(args == "-e" & c(trimws(args[-1L]) %in% cli_expressions, FALSE))
  if (length(e) == 0L) return(character())
  args <- args[-seq_len(e[[1L]] + 1L)]
  args[args != "--args"]
}

# The options: each maps to the port4me() argument in `cli_options`, or is
# a flag.
cli_options <- c(tool = "tool", user = "user", prepend = "prepend",
                 include = "include", exclude = "exclude", skip = "skip",
                 list = "list", test = "test", "max-tries" = "max_tries",
                 "must-work" = "must_work", reserve = "reserve")
cli_flag_options <- c("help", "version", "debug")

# How an error names its source on the command line: an option the user
# gave is named as that option ("--include"), anything else as in R.
cli_label <- function(source, given) {
  opt <- names(cli_options)[match(source, cli_options)]
  if (!is.na(opt) && opt %in% given) paste0("--", opt) else p4m_label(source)
}

# Run the command line on `args`.  Writes the result to stdout and errors to
# stderr; returns the exit status: 0 success (--test: free), 1 not free
# (--test only), 2 error.  A reader that closes stdout early is no error.
cli_main <- function(args) {
  given <- character()
  # --help (or -h) before any "--" wins over everything else, errors too
  before <- args[seq_len(match("--", args, nomatch = length(args) + 1L) - 1L)]
  if (any(before %in% c("--help", "-h"))) {
    cli_write(cli_help)
    return(0L)
  }
  tryCatch({
    opts <- cli_parse(args)
    given <- names(opts)
    cli_run(opts)
  }, error = function(e) {
    msg <- conditionMessage(e)
    if (inherits(e, "port4me_error") && !is.null(e$source)) {
      msg <- paste0(cli_label(e$source, given), e$detail)
    }
    cat("Error: ", msg, "\n", sep = "", file = stderr())
    2L
  })
}

cli_stop <- function(...) p4m_stop("invalid", sprintf(...))

# Parse the arguments into a list of option values (strings, named by
# option) and flags (TRUE when given).
cli_parse <- function(args) {
  opts <- list()
  bare <- character()
  only_bare <- FALSE
  i <- 0L
  while (i < length(args)) {
    i <- i + 1L
    arg <- args[[i]]
    if (only_bare || !startsWith(arg, "-") || identical(arg, "-")) {
      bare <- c(bare, arg)
      next
    }
    if (identical(arg, "--")) {
      only_bare <- TRUE
      next
    }
    if (identical(arg, "-h")) arg <- "--help"
    if (!startsWith(arg, "--")) {
      cli_stop("unknown option '%s'; see --help", arg)
    }
    # (bytes: a value need not be valid text in this session's encoding;
    # port4me() says so, naming the option)
    eq <- grepl("=", arg, fixed = TRUE, useBytes = TRUE)
    name <- sub("^--([^=]*).*$", "\\1", arg, useBytes = TRUE)
    if (name %in% cli_flag_options) {
      if (eq) cli_stop("option --%s takes no value, not '%s'", name, arg)
      opts[[name]] <- TRUE
    } else if (name %in% names(cli_options)) {
      if (eq) {
        value <- sub("^--[^=]*=", "", arg, useBytes = TRUE)
      } else {
        if (i == length(args) || startsWith(args[[i + 1L]], "--")) {
          cli_stop("option --%s needs a value (--%s=<value>)", name, name)
        }
        i <- i + 1L
        value <- args[[i]]
      }
      opts[[name]] <- value
    } else {
      cli_stop("unknown option '%s'; see --help", arg)
    }
  }
  if (length(bare) > 1L) {
    cli_stop("only one tool may be given, not %s",
             paste0("'", bare, "'", collapse = " and "))
  }
  if (length(bare) == 1L) {
    if (!is.null(opts[["tool"]])) {
      cli_stop("the tool is given twice: as '%s' and as --tool=%s",
               bare, opts[["tool"]])
    }
    opts[["tool"]] <- bare
  }
  opts
}

# A whole number in [min, max] given as the value of an option; `name` is
# the port4me() argument, which errors name (as the option, see cli_label).
cli_count <- function(value, name, min, max = .Machine$integer.max) {
  n <- if (grepl("^[0-9]{1,10}$", value)) as.numeric(value) else NA_real_
  if (is.na(n) || n < min || n > max) {
    invalid(name, " must be a whole number in %s..%s, not '%s'",
            format(min), format(max, scientific = FALSE), value)
  }
  as.integer(n)
}

cli_flag <- function(value, name) {
  if (value %in% c("true", "TRUE", "True", "1", "yes")) return(TRUE)
  if (value %in% c("false", "FALSE", "False", "0", "no")) return(FALSE)
  invalid(name, " must be true or false, not '%s'", value)
}

# port4me()'s arguments from the options' values.
cli_arguments <- function(opts) {
  args <- list()
  for (opt in intersect(names(cli_options), names(opts))) {
    name <- cli_options[[opt]]
    value <- opts[[opt]]
    args[[name]] <- switch(
      name,
      user = if (nzchar(value)) value else invalid(name, " must not be empty"),
      skip = , reserve = cli_count(value, name, 0),
      list = , max_tries = cli_count(value, name, 1),
      test = cli_count(value, name, 1, 65535),
      must_work = cli_flag(value, name),
      value
    )
  }
  args
}

cli_run <- function(opts) {
  if (isTRUE(opts$version)) {
    cli_write(getNamespaceVersion("port4me")[[1L]])
    return(0L)
  }
  if (isTRUE(opts$debug)) {
    old <- Sys.getenv("PORT4ME_DEBUG", unset = NA)
    on.exit(if (is.na(old)) Sys.unsetenv("PORT4ME_DEBUG") else
      Sys.setenv(PORT4ME_DEBUG = old))
    Sys.setenv(PORT4ME_DEBUG = "true")
  }
  res <- do.call(port4me, cli_arguments(opts))
  if (is.logical(res)) return(if (isTRUE(res)) 0L else 1L)
  cli_write(res)
  0L
}

# Write lines to stdout; a reader that has gone away (`| head -1`) ends the
# output quietly.
cli_write <- function(lines) {
  tryCatch(cat(paste0(lines, "\n"), sep = ""), error = function(e) NULL)
  invisible()
}

cli_help <- c(
  "port4me: Get the Same, Personal, Free TCP Port over and over",
  "",
  "Usage:",
  "  Rscript -e port4me::port4me [options] [tool]",
  "",
  "Options:",
  "  --help             Show this help",
  "  --version          Show the version of the port4me package",
  "  --debug            Say on stderr which ports were passed over, and why",
  "",
  "  --user=<string>    User name (default: $PORT4ME_USER, else $USER)",
  "  --tool=<string>    Name of the software tool (default: $PORT4ME_TOOL);",
  "                     a first bare word [tool] is the same",
  "",
  "  --include=<ports>  Set of ports to be included (default: 1024-65535)",
  "  --exclude=<ports>  Set of ports to be excluded",
  "  --prepend=<ports>  Ports to be tried first, in this order",
  "",
  "  --skip=<n>         Number of ports to skip",
  "  --list=<n>         List the first <n> ports, free or not, one per line",
  "",
  "  --test=<port>      Exit with status 0 if <port> is free, otherwise 1",
  "  --max-tries=<n>    Check at most <n> ports (default: 65535)",
  "  --must-work=<bool> If no port is free: error (true, the default) or -1",
  "  --reserve=<secs>   Claim the port for <secs> seconds, so that other",
  "                     port4me calls of yours pass it over until then",
  "",
  "  <ports> are ports and ranges separated by commas or spaces, e.g.",
  "  4321,8000-8099; {chrome} and {firefox} are the ports those browsers",
  "  refuse. Options may also be given as --name <value>. The PORT4ME_*",
  "  environment variables apply, as in R (see ?port4me::port4me).",
  "  R before 4.2 needs --args before the options:",
  "  Rscript -e port4me::port4me --args --tool=rstudio",
  "",
  "Exit status:",
  "  0 success (--test: the port is free), 1 the port is not free (--test),",
  "  2 an error, after a message starting with 'Error:' on stderr.",
  "",
  "Examples:",
  "  Rscript -e port4me::port4me --version",
  "",
  "  Rscript -e port4me::port4me",
  "  Rscript -e port4me::port4me --tool=rstudio",
  "  Rscript -e port4me::port4me --include=11000-11999 --exclude=11500 rstudio",
  "  Rscript -e port4me::port4me rstudio    ## short for --tool=rstudio",
  "  Rscript -e port4me::port4me --list=5",
  "",
  "  rserver --www-port \"$(Rscript -e port4me::port4me --tool=rstudio)\"",
  "  jupyter notebook --port \"$(Rscript -e port4me::port4me jupyter-notebook)\"",
  "",
  "  Rscript -e port4me::port4me --test=8087 && echo \"free\" || echo \"taken\""
)
