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
#'   \item{`--debug`}{Say on standard error which ports were passed over and
#'     why (as `PORT4ME_DEBUG=true`).}
#'   \item{`--help`, `-h`}{Print usage and examples.}
#'   \item{`--version`}{Print the version of the package.}
#' }
#' Options take their value as `--name=value` or as `--name value`; when an
#' option is given twice, the last one counts. `--` ends the options. The
#' `PORT4ME_*` environment variables apply as for [port4me()].
#'
#' @section Exit status:
#' 0 on success (with `--test`: the port is free); 1 when the port given to
#' `--test` is not free; 2 on any error (unknown option, bad value, bad
#' environment variable, no free port), after a message starting with
#' `Error:` on standard error.
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
    status <- cli_main(commandArgs(trailingOnly = TRUE))
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
  any(trimws(args[e + 1L]) %in% c("port4me::port4me", "port4me:::port4me"))
}

# The options that take a value (each is the port4me() argument of that
# name), and the flags.
cli_value_options <- c("tool", "user", "prepend", "include", "exclude",
                       "skip", "list", "test")
cli_flag_options <- c("help", "version", "debug")

# Run the command line on `args` (the arguments after --args).  Writes the
# result to stdout and errors to stderr; returns the exit status: 0 success
# (--test: free), 1 not free (--test only), 2 error.
cli_main <- function(args) {
  tryCatch(cli_run(args), error = function(e) {
    cat("Error: ", conditionMessage(e), "\n", sep = "", file = stderr())
    2L
  })
}

cli_stop <- function(...) stop(sprintf(...), call. = FALSE)

# Parse the arguments into a list of option values (strings) and flags.
cli_parse <- function(args) {
  opts <- list()
  flags <- logical(length(cli_flag_options))
  names(flags) <- cli_flag_options
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
    eq <- regexpr("=", arg, fixed = TRUE)
    name <- if (eq > 0L) substr(arg, 3L, eq - 1L) else substring(arg, 3L)
    if (name %in% cli_flag_options) {
      if (eq > 0L) cli_stop("option --%s takes no value, not '%s'", name, arg)
      flags[[name]] <- TRUE
    } else if (name %in% cli_value_options) {
      if (eq > 0L) {
        value <- substring(arg, eq + 1L)
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
  c(opts, as.list(flags))
}

# A whole number in [min, max] given as the value of option --name.
cli_count <- function(value, name, min, max = .Machine$integer.max) {
  if (is.null(value)) return(NULL)
  n <- if (grepl("^[0-9]{1,10}$", value)) as.numeric(value) else NA_real_
  if (is.na(n) || n < min || n > max) {
    cli_stop("--%s must be a whole number in %s..%s, not '%s'", name,
             format(min), format(max, scientific = FALSE), value)
  }
  as.integer(n)
}

# Say "--name" instead of port4me()'s argument name in an error message,
# for the arguments that came from options.  port4me() names an argument as
# 'name', or as name at the start of the message or in a list of sources
# ("(include, PORT4ME_INCLUDE_SITE)", "(by exclude, ...)", "used by exclude").
cli_rename <- function(msg, names) {
  for (name in names) {
    opt <- paste0("--", name)
    msg <- gsub(paste0("'", name, "'"), opt, msg, fixed = TRUE)
    msg <- gsub(paste0("(^|\\(|\\(by |used by |, )", name, "(?=[:\\[ ,)]|$)"),
                paste0("\\1", opt), msg, perl = TRUE)
  }
  msg
}

cli_run <- function(args) {
  # --help (or -h) before any "--" wins over everything else, errors too
  before <- args[seq_len(match("--", args, nomatch = length(args) + 1L) - 1L)]
  if (any(before %in% c("--help", "-h"))) {
    cat(cli_help, sep = "\n")
    return(0L)
  }
  opts <- cli_parse(args)
  if (opts$version) {
    cat(getNamespaceVersion("port4me")[[1L]], "\n", sep = "")
    return(0L)
  }
  if (opts$debug) {
    old <- Sys.getenv("PORT4ME_DEBUG", unset = NA)
    on.exit(if (is.na(old)) Sys.unsetenv("PORT4ME_DEBUG") else
      Sys.setenv(PORT4ME_DEBUG = old))
    Sys.setenv(PORT4ME_DEBUG = "true")
  }

  given <- intersect(cli_value_options, names(opts))
  if (identical(opts[["user"]], "")) cli_stop("--user must not be empty")
  skip <- cli_count(opts[["skip"]], "skip", 0)
  list <- cli_count(opts[["list"]], "list", 1)
  test <- cli_count(opts[["test"]], "test", 1, 65535)

  res <- withCallingHandlers(
    port4me(tool = opts[["tool"]], user = opts[["user"]],
            prepend = opts[["prepend"]], include = opts[["include"]],
            exclude = opts[["exclude"]], skip = skip, list = list,
            test = test),
    error = function(e) {
      stop(cli_rename(conditionMessage(e), given), call. = FALSE)
    }
  )
  if (is.logical(res)) return(if (isTRUE(res)) 0L else 1L)
  cat(paste0(res, "\n"), sep = "")
  0L
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
  "",
  "  <ports> are ports and ranges separated by commas or spaces, e.g.",
  "  4321,8000-8099; {chrome} and {firefox} are the ports those browsers",
  "  refuse. Options may also be given as --name <value>. The PORT4ME_*",
  "  environment variables apply, as in R (see ?port4me::port4me).",
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
  "  jupyter notebook --port \"$(Rscript -e port4me::port4me jupyter)\"",
  "",
  "  Rscript -e port4me::port4me --test=8087 && echo \"free\" || echo \"taken\""
)
