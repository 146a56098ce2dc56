# port4me before and after a change (issue 8: R reads the environment, C
# applies the rules; issue 17: one settings table): the same calls with both versions,
# installed side by side and run in turns on one machine, so that load from
# other work touches both alike.
#
# Usage, from a git checkout of the package:
#   Rscript bench/ab.R [BEFORE] [OUT]
# BEFORE is the commit to compare with (default d6081a2, the last one where
# C read the environment with getenv()); the other version is the working
# tree.  Writes OUT (default bench/BEFORE-AFTER.md).  Needs git and the bench
# package.
args <- commandArgs(trailingOnly = TRUE)
before <- if (length(args) >= 1) args[[1]] else "d6081a2"
outfile <- if (length(args) >= 2) args[[2]] else
  file.path("bench", "BEFORE-AFTER.md")
rounds <- 3L
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
  "x <- bench::mark(",
  "  Sys.getenv(vars, unset = NA_character_, names = FALSE),",
  "  ns$utf8_session(),",
  "  .Call(f, one, 1L, env, NULL),",
  "  .Call(f, none, 1L, env, NULL),",
  "  min_iterations = 3000, check = FALSE, filter_gc = FALSE)",
  "cat(length(vars), format(as.numeric(x$median) * 1e6, nsmall = 1, digits = 1), '\\n')"
), parts)
p <- run_child(libs[["now"]], parts)

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
  "# port4me before and after the restructuring (issue 8)",
  "",
  sprintf(paste("Written by `Rscript bench/ab.R %s` on %s. The package at",
                "commit %s (C read the environment with `getenv()`) and the",
                "working tree (R reads it with one `Sys.getenv()`), installed",
                "side by side and measured in turns, %d rounds; `bench::mark()`",
                "medians in µs, real socket tests, no claims folder. Load",
                "average at the end: %s."),
          before, format(Sys.Date()), before, rounds,
          paste(la, collapse = ", ")),
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
  ""
)
writeLines(lines, outfile, useBytes = TRUE)
cat(lines, sep = "\n")
