# Run R in child processes (`Rscript -e port4me::port4me ...` and others),
# several at a time, and collect stdout, stderr and the exit status.

rscript_bin <- function() {
  exe <- if (.Platform$OS.type == "windows") "Rscript.exe" else "Rscript"
  file.path(R.home("bin"), exe)
}

# Is the port4me being tested the installed one that child processes load
# (not a pkgload::load_all() of the sources)?
cli_package_installed <- function() {
  loaded <- getNamespaceInfo(asNamespace("port4me"), "path")
  found <- find.package("port4me", lib.loc = .libPaths(), quiet = TRUE)
  length(found) > 0L &&
    identical(normalizePath(found[1L]), normalizePath(loaded))
}

skip_if_no_cli <- function() {
  skip_if_not_installed("processx")
  skip_if_not(file.exists(rscript_bin()), "Rscript is not found")
  skip_if_not(cli_package_installed(),
              "port4me is not loaded from an installed library")
}

# The environment of a child: this process's, without any PORT4ME_*
# variable (and without R_TESTS, which R CMD check sets for this process
# only), with the package library of this process, plus `env`.
# A value NA in `env` removes that variable.
cli_child_env <- function(env = character()) {
  cur <- Sys.getenv()
  keep <- !grepl("^_?PORT4ME_", names(cur)) & names(cur) != "R_TESTS"
  out <- stats::setNames(as.character(cur[keep]), names(cur)[keep])
  out[["R_LIBS"]] <- paste(.libPaths(), collapse = .Platform$path.sep)
  for (k in seq_along(env)) {  # later values win
    name <- names(env)[k]
    out <- out[names(out) != name]
    if (!is.na(env[k])) out[[name]] <- env[[k]]
  }
  out
}

# A run of `Rscript <r_args> <args>` with environment `env` (see
# cli_child_env()).  By default the expression is port4me::port4me.
# `quick = TRUE` starts R without its default packages
# (R_DEFAULT_PACKAGES=NULL); port4me needs none of them.
cli_case <- function(args = character(), env = character(),
                     r_args = c("-e", "port4me::port4me"), wd = NULL,
                     quick = FALSE) {
  if (quick) env <- c(R_DEFAULT_PACKAGES = "NULL", env)
  list(args = c(r_args, args), env = env, wd = wd,
       twin = if (identical(r_args, c("-e", "port4me::port4me"))) {
         # the same command line in the form that older R versions need
         # and that upstream's test harness uses
         c("--no-init-file", "-e", "port4me::port4me", "--args", args)
       })
}

# Run the cases (a list of cli_case()s), `jobs` at a time; returns, for
# each, list(status, stdout, stderr, timeout) with stdout and stderr as
# text.  Every case of the plain form `Rscript -e port4me::port4me
# [options]` runs a second time as `Rscript --no-init-file -e
# port4me::port4me --args [options]`, which must give the same status,
# output and errors: so every check of a command line holds for both forms.
cli_run_all <- function(cases, jobs = 4L, timeout = 120) {
  twins <- Filter(function(case) !is.null(case$twin), cases)
  twins <- lapply(twins, function(case) {
    case$args <- case$twin
    case$twin <- NULL
    case
  })
  results <- lapply(cli_run_each(c(cases, twins), jobs, timeout),
                    without_r_warnings)
  first <- stats::setNames(results[seq_along(cases)], names(cases))
  k <- length(cases)
  for (i in seq_along(cases)) {
    if (is.null(cases[[i]]$twin)) next
    k <- k + 1L
    for (field in c("status", "stdout", "stderr")) {
      testthat::expect_identical(
        results[[k]][[field]], first[[i]][[field]],
        info = paste("the --args form differs:\n",
                     describe_run(twins[[k - length(cases)]], results[[k]]),
                     "\nfrom\n", describe_run(cases[[i]], first[[i]])))
    }
  }
  first
}

# One run of Rscript (or of `cmd`) with `args` and `env`.
run_r <- function(args, env = character(), timeout = 120, cmd = NULL) {
  without_r_warnings(cli_run_each(list(list(args = args, env = env,
                                            cmd = cmd)),
                                  jobs = 1L, timeout = timeout)[[1L]])
}

# The exit status of each run comes from a shell that started Rscript and
# waited for it (`sh -c '"$@"; echo $? > file'`), not from processx: processx
# can only report a status that its own waitpid() collected, and records NA
# when anything else in this R process reaped the child first (its NEWS for
# 3.1.0, and src/unix/sigchld.c: "If waitpid errored with ECHILD, then the
# exit status is set to NA"), which happened once with Debian 11's R 4.0.4
# and processx 3.4.5.  The shell is Rscript's only parent, so nothing else
# can collect its status.  A run killed at `timeout` has timeout = TRUE and
# status NA.
cli_run_each <- function(cases, jobs, timeout) {
  unix <- .Platform$OS.type == "unix"
  results <- vector("list", length(cases))
  running <- list()
  queue <- seq_along(cases)
  while (length(queue) > 0L || length(running) > 0L) {
    while (length(running) < jobs && length(queue) > 0L) {
      i <- queue[[1L]]
      queue <- queue[-1L]
      case <- cases[[i]]
      status_file <- tempfile("p4m-status-")
      bin <- if (is.null(case$cmd)) rscript_bin() else case$cmd
      cmd <- if (unix) {
        c("/bin/sh", "-c", 'f=$1; shift; "$@"; echo $? > "$f"', "p4m-run",
          status_file, bin, case$args)
      } else {
        c(bin, case$args)
      }
      proc <- processx::process$new(
        cmd[1L], cmd[-1L], env = cli_child_env(case$env),
        wd = case$wd, stdout = "|", stderr = "|", stdin = NULL,
        cleanup = TRUE
      )
      running[[length(running) + 1L]] <- list(
        i = i, proc = proc, start = Sys.time(), status_file = status_file,
        out = character(), err = character()
      )
    }
    processx::poll(lapply(running, `[[`, "proc"), 50L)
    keep <- logical(length(running))
    for (k in seq_along(running)) {
      r <- running[[k]]
      r$out <- c(r$out, r$proc$read_output())
      r$err <- c(r$err, r$proc$read_error())
      # (a hang guard, not a measure of speed)
      over <- difftime(Sys.time(), r$start, units = "secs") > timeout
      if (over) r$proc$kill()
      if (!r$proc$is_alive()) {
        r$proc$wait()
        r$out <- c(r$out, r$proc$read_all_output())
        r$err <- c(r$err, r$proc$read_all_error())
        status <- if (!unix) r$proc$get_exit_status()
          else if (file.exists(r$status_file))
            as.integer(readLines(r$status_file, warn = FALSE))
          else NA_integer_
        unlink(r$status_file)
        results[[r$i]] <- list(
          status = status,
          stdout = paste(r$out, collapse = ""),
          stderr = paste(r$err, collapse = ""),
          timeout = over
        )
      } else {
        keep[k] <- TRUE
        running[[k]] <- r
      }
    }
    running <- running[keep]
  }
  results
}

# Describe a run, for failure messages.
describe_run <- function(case, res) {
  sprintf("Rscript %s%s\n  status: %s\n  stdout: %s\n  stderr: %s",
          paste(case$args, collapse = " "),
          if (length(case$env)) paste0(" [", paste(names(case$env),
                                                   case$env, sep = "=",
                                                   collapse = " "), "]")
          else "",
          format(res$status), encodeString(res$stdout),
          encodeString(res$stderr))
}

# Before R 4.2, R itself prints "WARNING: unknown option '--user=alice'" and
# an empty line on stdout for each option after the expression that is not
# behind --args (SPEC section 7): R's output, not the package's, so it is
# dropped there (and only there) before the output is compared.
without_r_warnings <- function(res) {
  if (getRversion() >= "4.2.0" || is.null(res$stdout)) return(res)
  lines <- strsplit(res$stdout, "\n", fixed = TRUE)[[1]]
  lines <- lines[!grepl("^(WARNING: unknown option '.*')?$", lines)]
  res$stdout <- if (length(lines)) paste0(lines, "\n", collapse = "") else ""
  res
}

# R before 4.2 answers --help and --version itself unless they follow
# --args (SPEC section 7).
r_own_option <- function(x) {
  if (getRversion() < "4.2.0") c("--args", x) else x
}

# Child processes that the test kills leave their R temporary folders
# behind: give them a TMPDIR of their own, removed when the calling test
# ends (after the children, which are killed by handlers set up later).
local_child_tmpdir <- function(.env = parent.frame()) {
  dir <- tempfile("p4m-children-")
  dir.create(dir)
  withr::defer(unlink(dir, recursive = TRUE, force = TRUE), envir = .env)
  withr::local_envvar(TMPDIR = dir, .local_envir = .env)
  invisible(dir)
}
