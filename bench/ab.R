# port4me before and after a change (issue 8: R reads the environment, C
# applies the rules; issue 17: one settings table, R hands C a list of the
# arguments): the same calls with both versions, installed side by side and
# run in turns on one machine, so that load from other work touches both
# alike.
#
# Usage, from a git checkout of the package:
#   Rscript bench/ab.R [BEFORE] [OUT]
# BEFORE is the commit to compare with (default d066bce, the last one before
# the settings table of issue 17); the other version is the working tree.
# Writes OUT (default bench/BEFORE-AFTER.md).  ROUNDS (default 3) rounds,
# each version measured once per round, in turns.  Needs git and the bench
# package.
args <- commandArgs(trailingOnly = TRUE)
before <- if (length(args) >= 1) args[[1]] else "d066bce"
outfile <- if (length(args) >= 2) args[[2]] else
  file.path("bench", "BEFORE-AFTER.md")
rounds <- as.integer(Sys.getenv("ROUNDS", "3"))
now_commit <- system2("git", c("rev-parse", "--short", "HEAD"), stdout = TRUE)
dirty <- length(system2("git", c("status", "--porcelain", "--untracked-files=no"),
                        stdout = TRUE)) > 0L
la_start <- sprintf("%.2f", utils::read.table("/proc/loadavg")[1, 1:3])
stopifnot(file.exists("DESCRIPTION"), requireNamespace("bench", quietly = TRUE))

tmp <- tempfile("p4m-ab-")
dir.create(tmp)
on.exit(unlink(tmp, recursive = TRUE), add = TRUE)

# The two versions, each in its own library
install <- function(src, lib) {
  dir.create(lib)
  log <- file.path(tmp, paste0(basename(lib), ".log"))
  status <- system2(file.path(R.home("bin"), "R"),
                    c("CMD", "INSTALL", "--no-docs", "--no-test-load",
                      paste0("--library=", shQuote(lib)), shQuote(src)),
                    stdout = log, stderr = log)
  if (status != 0) stop("installing ", src, " failed:\n",
                        paste(readLines(log), collapse = "\n"))
}
old_src <- file.path(tmp, "before")
dir.create(old_src)
status <- system(sprintf("git archive %s | tar -x -C %s", shQuote(before),
                         shQuote(old_src)))
if (status != 0) stop("git archive ", before, " failed")
libs <- c(before = file.path(tmp, "lib-before"), now = file.path(tmp, "lib-now"))
install(old_src, libs[["before"]])
install(normalizePath("."), libs[["now"]])

# One round: a child R process per version, the calls measured with
# bench::mark().  No claims folder (R_USER_CACHE_DIR names one that does not
# exist), a fixed user, real socket tests.
calls <- c("port4me()", "port4me(list = 1)",
           "port4me(user = \"alice\", list = 64512)")
child <- file.path(tmp, "child.R")
writeLines(c(
  "a <- commandArgs(trailingOnly = TRUE)",
  "library(port4me, lib.loc = a[1])",
  sprintf("x <- bench::mark(%s, min_iterations = 3000, check = FALSE,",
          paste(calls, collapse = ", ")),
  "                 filter_gc = FALSE)",
  "cat(format(as.numeric(x$median) * 1e6, nsmall = 1, digits = 1), '\\n')"
), child)
env <- c(PORT4ME_USER = "benchuser", XDG_RUNTIME_DIR = "",
         R_USER_CACHE_DIR = file.path(tmp, "no-claims"),
         R_DEFAULT_PACKAGES = "NULL")
run_child <- function(lib, script = child) {
  out <- system2(file.path(R.home("bin"), "Rscript"), c(script, lib),
                 stdout = TRUE, env = paste0(names(env), "=", shQuote(env)))
  as.numeric(strsplit(trimws(out[length(out)]), " +")[[1]])
}
res <- list(before = list(), now = list())
for (r in seq_len(rounds)) {
  for (v in names(libs)) res[[v]][[r]] <- run_child(libs[[v]])
}

# Where the time of the new version goes: its pieces, one at a time
parts <- file.path(tmp, "parts.R")
writeLines(c(
  "a <- commandArgs(trailingOnly = TRUE)",
  "library(port4me, lib.loc = a[1])",
  "ns <- asNamespace('port4me')",
  "vars <- ns$the$vars",
  "env <- Sys.getenv(vars, unset = NA_character_, names = FALSE)",
  "f <- ns$R_port4me",
  "none <- vector('list', length(ns$the$args))",
  "one <- none; one[[match('list', ns$the$args)]] <- 1L",
  "i <- match('list', ns$the$args)",
  "x <- bench::mark(",
  "  Sys.getenv(vars, unset = NA_character_, names = FALSE),",
  "  ns$utf8_session(),",
  "  .Call(f, one, 1L, env, NULL),",
  "  .Call(f, none, 1L, env, NULL),",
  "  ns$check_arg(1, i),",
  "  port4me(list = 1),",
  "  min_iterations = 3000, check = FALSE, filter_gc = FALSE)",
  "cat(length(vars), format(as.numeric(x$median) * 1e6, nsmall = 1, digits = 1), '\\n')"
), parts)
p <- run_child(libs[["now"]], parts)

# Instructions per call (callgrind, when valgrind is installed): what the
# CPU executes in user space, which load from other work does not change.
# Each call n times in a child R process under callgrind, less a child
# that makes no call; system calls are not counted (see the strace note).
cg_count <- function(lib, call, n) {
  script <- file.path(tmp, "cg.R")
  writeLines(c("a <- commandArgs(trailingOnly = TRUE)",
               "library(port4me, lib.loc = a[1])",
               sprintf("for (i in seq_len(%d)) %s", n, call)), script)
  out <- file.path(tmp, "cg")
  unlink(out, recursive = TRUE)
  dir.create(out)
  system2("valgrind", c("--tool=callgrind", "--trace-children=yes",
                        paste0("--callgrind-out-file=", out, "/cg.%p"),
                        file.path(R.home("bin"), "Rscript"), script, lib),
          stdout = FALSE, stderr = FALSE,
          env = paste0(names(env), "=", shQuote(env)))
  totals <- vapply(list.files(out, full.names = TRUE), function(f) {
    s <- grep("^summary:", readLines(f), value = TRUE)
    if (length(s)) as.numeric(sub("^summary: *", "", s[[1]])) else 0
  }, 0)
  max(totals)
}
cg <- NULL
if (nzchar(Sys.which("valgrind"))) {
  n_cg <- c(2000L, 2000L, 50L)   # (the long list: ~4 million a call)
  cg <- vapply(names(libs), function(v) {
    ns <- unique(n_cg)   # (one child without calls per count of calls)
    base <- vapply(ns, function(n) cg_count(libs[[v]], "NULL", n), 0)
    vapply(seq_along(calls), function(i)
      (cg_count(libs[[v]], calls[[i]], n_cg[[i]]) -
         base[[match(n_cg[[i]], ns)]]) / n_cg[[i]], 0)
  }, numeric(length(calls)))
}

fmt <- function(v) paste(sprintf("%.1f", v), collapse = ", ")
rows <- vapply(seq_along(calls), function(i) {
  b <- vapply(res$before, `[[`, 0, i)
  n <- vapply(res$now, `[[`, 0, i)
  d <- median(n) - median(b)
  sprintf("| `%s` | %s | %s | %+.1f µs (%+.0f%%) |", calls[[i]], fmt(b),
          fmt(n), d, 100 * d / median(b))
}, "")
la <- sprintf("%.2f", utils::read.table("/proc/loadavg")[1, 1:3])
lines <- c(
  "# port4me before and after a change",
  "",
  sprintf(paste("Written by `Rscript bench/ab.R %s` on %s. The package at",
                "commit %s (before) and the working tree at commit %s%s",
                "(now), installed side by side and measured in turns, %d",
                "rounds (a fresh R process per version and round, one",
                "`bench::mark()` of at least 3000 iterations per call);",
                "each cell is one round's median in µs, and the change is",
                "between the medians of the rounds. Real socket tests, user",
                "`benchuser` from `PORT4ME_USER`, no claims folder, R",
                "without its default packages. Load average at the start:",
                "%s; at the end: %s."),
          before, format(Sys.Date()), before, now_commit,
          if (dirty) " with changes" else "", rounds,
          paste(la_start, collapse = ", "), paste(la, collapse = ", ")),
  "",
  "| call | before | now | change |",
  "| --- | --- | --- | --- |",
  rows,
  "",
  "Where the time of a call goes now (medians in µs, one at a time):",
  "",
  "| piece | µs |",
  "| --- | --- |",
  sprintf("| `Sys.getenv()` of the %d variables | %.1f |", p[[1]], p[[2]]),
  sprintf("| the session's encoding, `utf8_session()` | %.1f |", p[[3]]),
  sprintf("| C, `.Call()` alone, `list = 1` | %.1f |", p[[4]]),
  sprintf("| C, `.Call()` alone, a search (one socket test) | %.1f |", p[[5]]),
  sprintf("| R, `check_arg()` of `list = 1` | %.1f |", p[[6]]),
  sprintf("| the whole `port4me(list = 1)`, in the same process | %.1f |", p[[7]]),
  "",
  if (!is.null(cg)) c(
    sprintf(paste("Instructions per call in user space (callgrind, %s calls",
                  "in a child R process less one that makes none; the same",
                  "whatever the load):"),
            paste(n_cg, collapse = ", ")),
    "",
    "| call | before | now | change |",
    "| --- | --- | --- | --- |",
    sprintf("| `%s` | %.0f | %.0f | %+.1f%% |", calls, cg[, "before"],
            cg[, "now"], 100 * (cg[, "now"] / cg[, "before"] - 1)),
    ""
  )
)
writeLines(lines, outfile, useBytes = TRUE)
cat(lines, sep = "\n")
