#' The port4me command line
#'
#' `Rscript --default-packages=NULL -e port4me::port4me [options] [tool]`
#' prints the port, digits only, on standard output, and nothing else, as
#' the Python (`python -m port4me`) and Bash (`port4me`) command lines of
#' port4me do. `--default-packages=NULL` is optional: it makes R start
#' faster, since port4me needs none of R's default packages.
#'
#' The command line works because `Rscript -e port4me::port4me` evaluates
#' the expression `port4me::port4me` and prints its value, the function
#' [port4me()]. Its print method runs the command line only when R is not
#' interactive and the last expression given to R with `-e` is the function
#' itself (`port4me::port4me`, `port4me:::port4me`, or `port4me` after
#' `-e 'library(port4me)'`); otherwise, for instance `print(port4me)` in an
#' interactive session or in a script, the function is printed as usual.
#' `Rscript -e "port4me::port4me()"` is an ordinary R call that prints the
#' port as an R value.
#'
#' @eval cli_options_section()
#' @section Values:
#' Options take their value as `--name=value` or as `--name value`; when an
#' option is given twice, the last one counts. `--` ends the options. The
#' values are read by the same rules as the environment variables, and the
#' `PORT4ME_*` variables apply as for [port4me()]; an option wins over its
#' variable.
#'
#' @section Older versions of R:
#' Before R 4.2, `Rscript` passes options written after the expression to R
#' itself, which warns about each ("unknown option") and splits their
#' values at white space. Write `--args` before the options there, e.g.
#' `Rscript -e port4me::port4me --args --exclude='8000-8099, 9000'`;
#' `--args` is accepted (and ignored) by every version of R. Without it,
#' port4me reads the options, but stops with an error (exit status 2)
#' wherever R's splitting may have changed what was typed: a value that
#' ends in a comma or a space, a second bare word, a bare word that looks
#' like ports.
#'
#' @section Exit status:
#' 0 on success (with `--test`: the port is free; with `--release`: a claim
#' was dropped); 1 when the port given to `--test` is not free, or
#' `--release` found no claim; 2 on any error (unknown option, bad value,
#' bad environment variable, no free port, a socket test that cannot be
#' made), after a message starting with `Error:` on standard error; 130
#' when interrupted (Ctrl-C, for instance while waiting for the lock of the
#' claims folder). Errors name the option that was wrong (e.g.
#' `--include`). A reader that closes the output early (`| head -1`) is not
#' an error.
#'
#' @param x The [port4me()] function.
#' @param ... Passed on to [print()] when the function is printed.
#' @return `x`, invisibly, when the function is printed; when it runs the
#'   command line, the method ends R with the exit status above.
#'
#' @examples
#' \dontrun{
#' ## In a shell:
#' ##   Rscript --default-packages=NULL -e port4me::port4me
#' ##   Rscript --default-packages=NULL -e port4me::port4me --tool=rstudio
#' ##   Rscript --default-packages=NULL -e port4me::port4me rstudio --list=3
#' ##   Rscript --default-packages=NULL -e port4me::port4me --test=8087 &&
#' ##     echo "free" || echo "taken"
#' }
#' ## Printing the function in R prints the function
#' print(port4me)
#' @name port4me_cli
#' @aliases print.port4me_function
#' @seealso [port4me()]
#' @export
print.port4me_function <- function(x, ...) {
  if (!interactive() && !is.null(args <- cli_args(commandArgs()))) {
    quit(save = "no", status = cli_main(args), runLast = FALSE)
  }
  print(unclass(x), ...)
  invisible(x)
}

# The command line's own arguments, or NULL when R was not started as the
# command line: R's own arguments (those before the first "--args") hold
# `-e` expressions of which the last one is the function itself
# (`port4me::port4me`, `port4me:::port4me`, or `port4me` with the package
# attached; with white space, a `;` or other expressions before it, as R
# reads them).  The command
# line's arguments are those after the last expression, less R's "--args"
# markers: R >= 4.2 puts one after the expressions, and again where the
# user wrote it (`Rscript -e port4me::port4me --args --user=alice`, as
# older R needs); R < 4.2 passes options written without "--args" to R
# itself (which warns about them), so they are read from there too (see
# cli_old_r()).  The arguments are not touched as text here: they may be
# bytes that are not valid in this session (the C parser takes bytes).
cli_args <- function(args) {
  n <- match("--args", args, nomatch = length(args) + 1L) - 1L
  e <- which(args[seq_len(n)] == "-e")
  e <- e[e < length(args)]
  if (length(e) == 0L) return(NULL)
  # (Rscript hands R the expressions with " " as "~+~" and newlines as
  # "~n~")
  code <- gsub("~+~", " ", args[e + 1L], fixed = TRUE, useBytes = TRUE)
  code <- gsub("~n~", "\n", code, fixed = TRUE, useBytes = TRUE)
  code <- tryCatch(parse(text = code, keep.source = FALSE),
                   error = function(err) NULL)
  if (length(code) == 0L || !cli_expression(code[[length(code)]])) {
    return(NULL)
  }
  rest <- args[-seq_len(e[[length(e)]] + 1L)]
  out <- rest[rest != "--args"]
  if (getRversion() < "4.2.0") {
    # (R < 4.2: what came before the first "--args" went through R's own
    # front end; see cli_old_r())
    before <- rest[seq_len(match("--args", rest, nomatch = length(rest) + 1L)
                           - 1L)]
    attr(out, "split") <- cli_old_r(before)
  }
  out
}

cli_expression <- function(expr) {
  me <- as.name("port4me")
  if (is.name(expr)) return(identical(expr, me))
  is.call(expr) && length(expr) == 3L &&
    is.name(expr[[1L]]) && as.character(expr[[1L]]) %in% c("::", ":::") &&
    identical(expr[[2L]], me) && identical(expr[[3L]], me)
}

# R before 4.2, options written without "--args" first: Rscript hands them
# to R's own front end (which warns "unknown option"), and that splits the
# command line again at white space inside quoted values
# (`--exclude='1-2, 3-4'` arrives as `--exclude=1-2,` and `3-4`, and
# `--user='a b'` as `--user=a` and `b`), while a real bare word (the tool)
# comes after an "--args" that Rscript puts before it.  So a bare word
# among `before` (the arguments before the first "--args"), or a value
# there that ends in a separator, means that a value was split: the first
# such argument is returned, and the command line stops there instead of
# guessing (cli_main()).  NULL when nothing was split.  (Bytes only.)
cli_old_r <- function(before) {
  bad <- !grepl("^-", before, useBytes = TRUE) |
    grepl("^--[^=]*=.*[, \t]$", before, useBytes = TRUE)
  if (any(bad)) before[which(bad)[[1L]]]
}

cli_old_r_stop <- function(arg) {
  p4m_stop("invalid", paste0(
    "R ", getRversion(), " may have split an option's value at white ",
    "space (at ", .Call(R_port4me_show, arg), "): write --args before the ",
    "options, e.g. Rscript -e port4me::port4me --args --user=alice ",
    "--exclude='8000-8099, 9000'"), "--args")
}

# Run the command line on `args`.  Writes the result to stdout and errors to
# stderr; returns the exit status: 0 success (--test: free; --release: a
# claim was dropped), 1 not free or no claim (--test, --release), 2 error,
# 130 interrupted (Ctrl-C).
cli_main <- function(args) {
  tryCatch({
    if (!is.null(split <- attr(args, "split"))) cli_old_r_stop(split)
    values <- .Call(R_port4me_cli, args)
    action <- attr(values, "action")
    if (action == "help") {
      cli_write(cli_help())
      return(0L)
    }
    if (action == "version") {
      cli_write(getNamespaceVersion("port4me")[[1L]])
      return(0L)
    }
    # names from the command line are in the session's encoding
    for (i in the$name_rows) {
      if (!is.na(values[[i]]) && !is.na(y <- to_utf8(values[[i]]))) {
        values[[i]] <- y
      }
    }
    res <- run_c(values, 2L, is.na(values[[the$user_row]]))
    if (is.logical(res)) return(if (isTRUE(res)) 0L else 1L)
    cli_write(res)
    0L
  }, error = function(e) {
    cat("Error: ", conditionMessage(e), "\n", sep = "", file = stderr())
    2L
  }, interrupt = function(e) 130L)   # (128 + SIGINT, as shells report it)
}

# Write lines to stdout; a reader that has gone away (`| head -1`) ends the
# output quietly.
cli_write <- function(lines) {
  tryCatch(cat(paste0(lines, "\n"), sep = ""), error = function(e) NULL)
  invisible()
}

# --help, from the settings table: every option with its value and its
# one-line help, then the exit status and examples.
cli_help <- function() {
  t <- the$table
  rows <- c(which(t$group == "cli"), which(!is.na(t$opt) & t$group != "cli"))
  left <- ifelse(t$placeholder[rows] == "", t$opt[rows],
                 paste0(t$opt[rows], "=", t$placeholder[rows]))
  help <- t$help[rows]
  dflt <- ifelse(is.na(t$default[rows]) | t$kind[rows] == "flag" &
                   t$placeholder[rows] == "", "",
                 paste0(" (default: ", t$default[rows], ")"))
  vars <- ifelse(is.na(t$var[rows]), "", paste0(" [", t$var[rows], "]"))
  width <- max(nchar(left)) + 2L
  c(
    "port4me: the same free TCP port for you, every time",
    "",
    "Usage: Rscript --default-packages=NULL -e port4me::port4me [options] [tool]",
    "",
    "Prints your first free port (digits only), or with --list the next",
    "ports of your sequence, one per line.  A first bare word is the tool.",
    "",
    "Options (with the environment variable each one overrides):",
    paste0("  ", formatC(left, width = -width), help, dflt, vars),
    "",
    "Values go as --name=value or --name value; the last one given counts;",
    "-- ends the options.  <ports> is a list of ports and ranges separated",
    "by commas or spaces, e.g. 4321,8000-8099; {chrome} and {firefox} stand",
    "for the ports those browsers refuse.  Other PORT4ME_* variables apply as",
    "in R: see ?port4me::port4me.settings.  R before 4.2 needs --args before",
    "the options: Rscript -e port4me::port4me --args --tool=rstudio",
    "",
    "Exit status: 0 done (--test: the port is free; --release: a claim was",
    "dropped), 1 --test: not free, or --release: no claim of yours, 2 an",
    "error, after a line starting with 'Error:' on stderr, 130 interrupted.",
    "",
    "Examples:",
    "  Rscript --default-packages=NULL -e port4me::port4me rstudio",
    "  Rscript --default-packages=NULL -e port4me::port4me --list=5",
    "  rserver --www-port \"$(Rscript --default-packages=NULL -e port4me::port4me rstudio)\"",
    "  Rscript --default-packages=NULL -e port4me::port4me --test=8087 && echo free"
  )
}

# The "Options" section of ?port4me_cli, from the settings table.
cli_options_section <- function() {
  t <- the$table
  rows <- c(which(!is.na(t$opt) & t$group != "cli"), which(t$group == "cli"))
  item <- function(i) {
    opt <- if (t$placeholder[[i]] == "") t$opt[[i]] else
      paste0(t$opt[[i]], "=", t$placeholder[[i]])
    more <- c(
      if (!is.na(t$var[[i]])) sprintf("Variable: `%s`.", t$var[[i]]),
      if (!is.na(t$default[[i]]) && t$placeholder[[i]] != "")
        sprintf("Default: `%s`.", t$default[[i]])
    )
    help <- gsub("(<[a-z|]+>)", "`\\1`", t$help[[i]])
    sprintf("  \\item{`%s`}{%s. %s}", opt, help,
            paste(more, collapse = " "))
  }
  c("@section Options:", "\\describe{", vapply(rows, item, ""),
    "  \\item{`-h`}{The same as `--help`.}", "}")
}
