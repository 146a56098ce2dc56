# Benchmarks of port4me, side by side with other ways of getting a free
# port, and of its command line.  Writes a markdown report, by default
# bench/RESULTS.md.
#
# Run from the top of the repository, with port4me installed:
#   Rscript bench/bench.R [OUTFILE]
# Needs the R packages bench, httpuv and parallelly (on Debian:
# apt-get install -y r-cran-bench r-cran-httpuv r-cran-parallelly).  Times
# the command line with hyperfine when it is installed (apt-get install -y
# hyperfine), and always with system2(); counts the instructions of the
# command line with valgrind (callgrind) when it is installed.
#
# Targets:
# * one port4me() call at least 20 times faster than the faster of
#   httpuv::randomPort() and parallelly::freePort();
# * port4me(list = 64512) under 20 ms;
# * port4me(list = n) allocates nothing but its result;
# * `Rscript -e port4me::port4me` within 5% of a bare `Rscript -e 0`.

args <- commandArgs(trailingOnly = TRUE)
outfile <- if (length(args) >= 1) args[[1]] else file.path("bench", "RESULTS.md")
reps <- as.integer(Sys.getenv("BENCH_REPS", "20"))  # runs of each command line

for (pkg in c("bench", "httpuv", "parallelly", "port4me")) {
  if (!requireNamespace(pkg, quietly = TRUE)) {
    stop("bench/bench.R needs the R package ", pkg, call. = FALSE)
  }
}
library(port4me)

# No port4me settings from outside; children find this port4me
vars <- grep("^_?PORT4ME_", names(Sys.getenv()), value = TRUE)
Sys.unsetenv(vars)
Sys.setenv(R_LIBS = paste(.libPaths(), collapse = .Platform$path.sep))

fmt_time <- function(x) format(bench::as_bench_time(x), digits = 3)
fmt_bytes <- function(x) format(bench::as_bench_bytes(x))
md_table <- function(df) {
  c(paste("|", paste(names(df), collapse = " | "), "|"),
    paste("|", paste(rep("---", ncol(df)), collapse = " | "), "|"),
    apply(df, 1, function(row) paste("|", paste(row, collapse = " | "), "|")))
}
# Warm up: the first call of a lazy-loaded function allocates while it loads
invisible(port4me())
invisible(port4me(list = 1))

## 1. One free port --------------------------------------------------------
message("1. port4me() vs httpuv::randomPort() vs parallelly::freePort()")
set.seed(42)
one <- bench::mark(
  "port4me()" = port4me(),
  "httpuv::randomPort()" = httpuv::randomPort(),
  "parallelly::freePort()" = parallelly::freePort(),
  check = FALSE, min_iterations = 200, max_iterations = 2000
)
one_median <- stats::setNames(as.numeric(one$median), as.character(one$expression))
others <- one_median[c("httpuv::randomPort()", "parallelly::freePort()")]
speedup <- min(others) / one_median[["port4me()"]]

## 2. Lists and memory --------------------------------------------------------
message("2. port4me(list = n)")
lists <- bench::mark(
  "port4me(list = 1)" = port4me(list = 1),
  "port4me(list = 1000)" = port4me(list = 1000),
  "port4me(list = 64512)" = port4me(list = 64512),
  check = FALSE, min_iterations = 50
)
result_size <- c(object.size(port4me(list = 1)),
                 object.size(port4me(list = 1000)),
                 object.size(port4me(list = 64512)))
list_median <- as.numeric(lists$median)
list_mem <- as.numeric(lists$mem_alloc)

## 3. The command line ----------------------------------------------------------
message("3. Rscript -e port4me::port4me vs Rscript -e 0")
load <- if (file.exists("/proc/loadavg")) {
  paste(strsplit(readLines("/proc/loadavg"), " ")[[1]][1:3], collapse = ", ")
} else "unknown"
rscript <- file.path(R.home("bin"), "Rscript")
commands <- list(
  "Rscript -e 0" = c("-e", "0"),
  "Rscript -e port4me::port4me" = c("-e", "port4me::port4me"),
  "Rscript -e 'port4me::port4me()'" = c("-e", shQuote("port4me::port4me()")),
  "Rscript -e 'loadNamespace(\"port4me\")'" =
    c("-e", shQuote("invisible(loadNamespace(\"port4me\"))"))
)
out <- system2(rscript, commands[[2]], stdout = TRUE)
if (!isTRUE(grepl("^[0-9]+$", out)) || length(out) != 1L) {
  stop("`Rscript -e port4me::port4me` did not print a port: ",
       paste(out, collapse = "\n"), call. = FALSE)
}
# Wall-clock time, and the CPU time (user + system) of the child, which
# other load on the machine disturbs less
wall <- cpu <- matrix(NA_real_, nrow = reps, ncol = length(commands),
                      dimnames = list(NULL, names(commands)))
for (i in 0:reps) {  # run 0 warms up; the commands take turns
  for (j in seq_along(commands)) {
    t0 <- proc.time()
    status <- system2(rscript, commands[[j]], stdout = FALSE, stderr = FALSE)
    t <- proc.time() - t0
    if (!identical(status, 0L)) stop(names(commands)[j], " failed")
    if (i > 0) {
      wall[i, j] <- t[["elapsed"]]
      cpu[i, j] <- t[["user.child"]] + t[["sys.child"]]
    }
  }
}
wall_median <- apply(wall, 2, stats::median)
cpu_median <- apply(cpu, 2, stats::median)
cli_overhead <- c(wall = wall_median[[2]] / wall_median[[1]] - 1,
                  cpu = cpu_median[[2]] / cpu_median[[1]] - 1)

# Where the extra time goes: loading the port4me namespace, and the
# command line itself, timed inside fresh R processes
inside <- t(vapply(seq_len(reps), function(i) {
  out <- system2(rscript, c("-e", shQuote(paste(
    "t0 <- proc.time()[[3]]; invisible(loadNamespace('port4me'));",
    "t1 <- proc.time()[[3]]; invisible(capture.output(port4me::port4me()));",
    "t2 <- proc.time()[[3]]; cat(t1 - t0, t2 - t1)"))), stdout = TRUE)
  as.numeric(strsplit(out, " ")[[1]])
}, numeric(2)))
inside_median <- apply(inside, 2, stats::median)

# Instructions executed, counted by valgrind's callgrind over the whole
# process tree (Rscript starts R): unlike time, the same on every run, so
# this is the measure the 5% target is judged by when valgrind is there.
count_instructions <- function(args) {
  dir <- tempfile("callgrind")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  err <- file.path(dir, "stderr")
  status <- system2("valgrind", c(
    "--tool=callgrind", "--trace-children=yes",
    paste0("--callgrind-out-file=", file.path(dir, "out.%p")), rscript, args
  ), stdout = FALSE, stderr = err)
  if (!identical(status, 0L)) stop("valgrind ", paste(args, collapse = " "), " failed")
  n <- sub(".*Collected : ([0-9]+).*", "\\1",
           grep("Collected :", readLines(err), value = TRUE))
  sum(as.numeric(n))
}
instructions <- NULL
if (nzchar(Sys.which("valgrind"))) {
  instructions <- vapply(commands[1:2], count_instructions, numeric(1))
  cli_overhead <- c(cli_overhead,
                    instructions = instructions[[2]] / instructions[[1]] - 1)
}

hyper <- NULL
if (nzchar(Sys.which("hyperfine"))) {
  csv <- tempfile(fileext = ".csv")
  status <- system2("hyperfine", c(
    "-N", "--warmup", "3", "--runs", reps, "--export-csv", csv,
    "--command-name", shQuote("Rscript -e 0"),
    shQuote(paste(rscript, "-e 0")),
    "--command-name", shQuote("Rscript -e port4me::port4me"),
    shQuote(paste(rscript, "-e port4me::port4me"))
  ), stdout = FALSE, stderr = FALSE)
  if (identical(status, 0L)) hyper <- utils::read.csv(csv)
}

## 4. The report -------------------------------------------------------------------
cpuinfo <- if (file.exists("/proc/cpuinfo")) readLines("/proc/cpuinfo") else ""
cpu <- sub("^model name\\s*:\\s*", "",
           grep("^model name", cpuinfo, value = TRUE)[1])
if (is.na(cpu)) cpu <- "unknown"
pkg_version <- function(p) as.character(utils::packageVersion(p))
ok <- function(x) if (isTRUE(x)) "yes" else "**no**"

report <- c(
  "# port4me benchmarks",
  "",
  "Written by `Rscript bench/bench.R`; the numbers are medians.",
  "",
  "## Machine",
  "",
  sprintf("* CPU: %s (%d cores)", cpu, parallel::detectCores()),
  sprintf("* OS: %s", utils::sessionInfo()$running),
  sprintf("* %s", R.version.string),
  sprintf("* port4me %s, bench %s, httpuv %s, parallelly %s",
          pkg_version("port4me"), pkg_version("bench"), pkg_version("httpuv"),
          pkg_version("parallelly")),
  sprintf("* Date: %s", format(Sys.time(), "%Y-%m-%d %H:%M %Z")),
  "",
  "## One free port",
  "",
  "`bench::mark()`, in one R process; each call finds one free port.",
  "",
  md_table(data.frame(
    call = paste0("`", names(one_median), "`"),
    median = fmt_time(one_median),
    "memory allocated" = fmt_bytes(as.numeric(one$mem_alloc)),
    iterations = one$n_itr,
    check.names = FALSE
  )),
  "",
  sprintf(paste("`port4me()` is %.0f times as fast as the faster of",
                "`httpuv::randomPort()` and `parallelly::freePort()`",
                "(target: at least 20 times): %s."), speedup, ok(speedup >= 20)),
  "",
  "## Lists of ports",
  "",
  "`port4me(list = n)` does no socket test. Memory allocated is what R",
  "records (`Rprofmem`), which leaves out vectors small enough for R's",
  "small-vector pool, such as the result of `list = 1`.",
  "",
  md_table(data.frame(
    call = paste0("`", as.character(lists$expression), "`"),
    median = fmt_time(list_median),
    "memory allocated" = fmt_bytes(list_mem),
    "size of the result" = fmt_bytes(result_size),
    check.names = FALSE
  )),
  "",
  sprintf("`port4me(list = 64512)` takes %s (target: under 20 ms): %s.",
          fmt_time(list_median[3]), ok(list_median[3] < 0.020)),
  sprintf(paste("Memory allocated equals the size of the result for",
                "`list = 1000` and `list = 64512`, and is %s for",
                "`list = 1` (target: only the result): %s."),
          fmt_bytes(list_mem[1]),
          ok(all(list_mem[2:3] == result_size[2:3]) &&
               list_mem[1] <= result_size[1])),
  "",
  "## The command line",
  "",
  sprintf(paste("Each command run %d times with `system2()`, the commands",
                "taking turns, after one warm-up run each: wall-clock time,",
                "and CPU time (user + system) of the Rscript process, which",
                "other load on the machine disturbs less. Load average at",
                "the start: %s."), reps, load),
  "",
  md_table(data.frame(
    command = paste0("`", names(wall_median), "`"),
    "wall" = sprintf("%.1f ms", 1000 * wall_median),
    "wall vs `Rscript -e 0`" =
      sprintf("%+.1f%%", 100 * (wall_median / wall_median[[1]] - 1)),
    "CPU" = sprintf("%.1f ms", 1000 * cpu_median),
    "CPU vs `Rscript -e 0`" =
      sprintf("%+.1f%%", 100 * (cpu_median / cpu_median[[1]] - 1)),
    check.names = FALSE
  )),
  ""
)
if (!is.null(hyper)) {
  report <- c(report,
    sprintf("hyperfine %s, `-N --warmup 3 --runs %d`:",
            sub("^hyperfine ", "", system2("hyperfine", "--version", stdout = TRUE)[1]),
            reps),
    "",
    md_table(data.frame(
      command = paste0("`", hyper$command, "`"),
      "wall, median" = sprintf("%.1f ms", 1000 * hyper$median),
      "wall, mean" = sprintf("%.1f ms ± %.1f ms", 1000 * hyper$mean,
                             1000 * hyper$stddev),
      "wall vs `Rscript -e 0`" =
        sprintf("%+.1f%%", 100 * (hyper$median / hyper$median[1] - 1)),
      "CPU, mean" = sprintf("%.1f ms", 1000 * (hyper$user + hyper$system)),
      check.names = FALSE
    )),
    ""
  )
  cli_overhead <- c(cli_overhead,
                    hyperfine = hyper$median[2] / hyper$median[1] - 1)
}
if (!is.null(instructions)) {
  report <- c(report,
    "Instructions executed by the whole process tree, counted by valgrind's",
    "callgrind (repeatable, unlike time on a shared machine):",
    "",
    md_table(data.frame(
      command = paste0("`", names(instructions), "`"),
      instructions = format(instructions, big.mark = ","),
      "vs `Rscript -e 0`" =
        sprintf("%+.2f%%", 100 * (instructions / instructions[[1]] - 1)),
      check.names = FALSE
    )),
    ""
  )
}
report <- c(report,
  sprintf(paste("Inside a fresh R process (median of %d), loading the",
                "port4me namespace takes %.1f ms and the first `port4me()`",
                "call %.1f ms, together %.1f%% of `Rscript -e 0` (wall);",
                "the rest of an `Rscript` run is R's own start-up."),
          reps, 1000 * inside_median[1], 1000 * inside_median[2],
          100 * sum(inside_median) / wall_median[[1]]),
  "",
  sprintf(paste("End to end, `Rscript -e port4me::port4me` compared with",
                "`Rscript -e 0`: %s. Timings vary from run to run by more",
                "than the difference; %s (target: within 5%%): %s."),
          paste(sprintf("%s %+.1f%%", names(cli_overhead),
                        100 * cli_overhead), collapse = ", "),
          if (is.null(instructions)) {
            sprintf("the time port4me adds, measured inside R, is %.1f%%",
                    100 * sum(inside_median) / wall_median[[1]])
          } else {
            sprintf("the instructions port4me adds are %+.2f%%",
                    100 * cli_overhead[["instructions"]])
          },
          ok(if (is.null(instructions)) {
            sum(inside_median) / wall_median[[1]] <= 0.05
          } else {
            cli_overhead[["instructions"]] <= 0.05
          }))
)

report <- c(report, "",
  paste("How these times compare with the package before R read the",
        "environment (issue 8), measured in turns on one machine:",
        "`bench/BEFORE-AFTER.md`, written by `Rscript bench/ab.R`."))

writeLines(report, outfile)
message("Wrote ", outfile)
writeLines(report)
