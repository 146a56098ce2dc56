# The race that claims (SPEC section 8, `reserve`) are for: N R processes of
# ONE user and tool start at the same moment, each calls port4me() and at
# once listens on the port it got.  Without claims they all see the same
# first free port and most of them fail to listen; with `reserve` each gets
# a port of its own.  Also times port4me() with and without a claim.
# Writes a markdown report, by default bench/CLAIMS.md.
#
# Run from the top of the repository, with port4me installed (and the R
# packages processx and bench):
#   Rscript bench/claims-race.R [OUTFILE]
# ROUNDS (default 10) rounds of N (default 10) processes each way.
#
# The barrier: each child opens a FIFO for reading, which blocks until the
# parent opens it for writing; the kernel then releases every reader at
# once.  The parent opens it only when every child is blocked there
# (Linux: /proc/<pid>/wchan says "wait_for_partner").  Real sockets
# (_PORT4ME_CHECK_AVAILABLE_PORTS_ unset); the children hold their ports
# until the round ends.  Linux/macOS only (mkfifo).

args <- commandArgs(trailingOnly = TRUE)
outfile <- if (length(args) >= 1) args[[1]] else file.path("bench", "CLAIMS.md")
rounds <- as.integer(Sys.getenv("ROUNDS", "10"))
n <- as.integer(Sys.getenv("N", "10"))

for (pkg in c("bench", "processx", "port4me")) {
  if (!requireNamespace(pkg, quietly = TRUE)) {
    stop("bench/claims-race.R needs the R package ", pkg, call. = FALSE)
  }
}
library(port4me)

# No port4me settings from outside; children find this port4me; claims in a
# private folder that is removed at the end
vars <- grep("^_?PORT4ME_", names(Sys.getenv()), value = TRUE)
Sys.unsetenv(vars)
Sys.setenv(R_LIBS = paste(.libPaths(), collapse = .Platform$path.sep))
xdg <- tempfile("p4m-bench-xdg-")
dir.create(xdg, mode = "0700")
Sys.setenv(XDG_RUNTIME_DIR = xdg)

rscript <- file.path(R.home("bin"), "Rscript")
child <- tempfile("p4m-race-child-", fileext = ".R")
writeLines(c(
  "a <- commandArgs(trailingOnly = TRUE)",
  "loadNamespace('port4me')",
  "cat('ready\\n'); flush(stdout())",
  "con <- fifo(a[1], open = 'r', blocking = TRUE); close(con)",
  "t0 <- Sys.time()",
  "port <- port4me::port4me(a[2], user = a[3], reserve = as.numeric(a[4]))",
  "srv <- tryCatch(serverSocket(port), error = function(e) NULL)",
  "cat(if (is.null(srv)) 'lost' else 'bound', port,",
  "    format(as.numeric(t0), nsmall = 4), '\\n')",
  "flush(stdout())",
  "deadline <- Sys.time() + 60",
  "while (Sys.time() < deadline) Sys.sleep(0.1)"
), child)


# the barrier and the line reader of the tests
source(file.path("tests", "testthat", "helper-barrier.R"))
source(file.path("tests", "testthat", "helper-hard-callr.R"))
wait_line <- hard_wait_line


# One round: n processes, one user and tool; a data frame of port, bound,
# and when each passed the barrier.
race <- function(user, tool, reserve) {
  fifo_path <- tempfile("p4m-barrier-")
  stopifnot(system2("mkfifo", shQuote(fifo_path)) == 0L)
  on.exit(unlink(fifo_path), add = TRUE)
  procs <- lapply(seq_len(n), function(i) processx::process$new(
    rscript, c(child, fifo_path, tool, user, reserve),
    env = c("current", R_DEFAULT_PACKAGES = "NULL"),
    stdout = "|", stderr = "|", cleanup = TRUE))
  on.exit(for (p in procs) p$kill(), add = TRUE)
  stopifnot(!anyNA(vapply(procs, wait_line, "", pattern = "^ready")))
  wait_in_open(procs)
  writer <- fifo(fifo_path, open = "w", blocking = TRUE)
  lines <- vapply(procs, wait_line, "", pattern = "^(bound|lost) ")
  close(writer)
  if (anyNA(lines)) {
    stop("a child failed: ", paste(vapply(procs, function(p)
      paste(p$read_all_error(), collapse = ""), ""), collapse = "\n"))
  }
  parts <- strsplit(trimws(lines), " ")
  data.frame(port = as.integer(vapply(parts, `[`, "", 2)),
             bound = vapply(parts, `[`, "", 1) == "bound",
             t = as.numeric(vapply(parts, `[`, "", 3)))
}

tool <- "bench-race"
results <- list()
for (reserve in c(0, 10)) {
  for (r in seq_len(rounds)) {
    user <- sprintf("p4m-bench-race-%d-%d-%d", Sys.getpid(), reserve, r)
    seq <- port4me(tool, user = user, list = 200)
    res <- race(user, tool, reserve)
    stopifnot(all(res$port %in% seq))
    results[[length(results) + 1L]] <- data.frame(
      reserve = reserve, round = r, bound = sum(res$bound),
      distinct = length(unique(res$port)),
      first_n = setequal(res$port, seq[seq_len(n)]),
      spread_ms = 1000 * (max(res$t) - min(res$t)),
      ports = paste(sort(unique(res$port)), collapse = " "))
    cat(sprintf("reserve = %2d, round %2d: %2d of %d bound, %2d distinct ports\n",
                reserve, r, sum(res$bound), n, length(unique(res$port))))
  }
}
results <- do.call(rbind, results)

# ---- cost of one call --------------------------------------------------
k <- 0L
next_user <- function() {
  k <<- k + 1L
  sprintf("p4m-bench-cost-%d-%d", Sys.getpid(), k)
}
u0 <- next_user()
uc <- next_user()
for (i in 1:10) port4me(user = uc, reserve = 600)   # 10 live claims ahead
Sys.setenv(XDG_RUNTIME_DIR = file.path(xdg, "none"))  # no claims folder
cost_nofolder <- bench::mark(port4me(user = u0), min_iterations = 500)
Sys.setenv(XDG_RUNTIME_DIR = xdg)
cost <- rbind(
  cost_nofolder,
  bench::mark(port4me(user = u0), min_iterations = 500),
  bench::mark(port4me(user = uc), min_iterations = 500),
  bench::mark(port4me(user = next_user(), reserve = 10), min_iterations = 500)
)
cost_rows <- c(
  "`port4me()`, no claims folder",
  "`port4me()`, claims folder, first port not claimed",
  "`port4me()`, the first 10 ports claimed (passes them over)",
  "`port4me(reserve = 10)` (claims one port; a new user each call)"
)
unlink(c(xdg, child), recursive = TRUE)

# ---- report -----------------------------------------------------------
fmt_time <- function(x) format(bench::as_bench_time(x), digits = 3)
md_table <- function(df) {
  c(paste("|", paste(names(df), collapse = " | "), "|"),
    paste("|", paste(rep("---", ncol(df)), collapse = " | "), "|"),
    apply(df, 1, function(row) paste("|", paste(row, collapse = " | "), "|")))
}
cpu <- tryCatch({
  x <- grep("^model name", readLines("/proc/cpuinfo"), value = TRUE)
  sprintf("%s (%d cores)", trimws(sub(".*:", "", x[1])), length(x))
}, error = function(e) "unknown", warning = function(e) "unknown")
os <- tryCatch(sub('^PRETTY_NAME="?(.*?)"?$', "\\1",
                   grep("^PRETTY_NAME=", readLines("/etc/os-release"),
                        value = TRUE)),
               error = function(e) utils::sessionInfo()$running)

per_round <- data.frame(
  round = seq_len(rounds),
  without = results$bound[results$reserve == 0],
  without_d = results$distinct[results$reserve == 0],
  with = results$bound[results$reserve == 10],
  with_d = results$distinct[results$reserve == 10]
)
ports_word <- function(k) ifelse(k == 1, "port", "ports")
tab_round <- data.frame(
  round = per_round$round,
  a = sprintf("%d of %d bound (%d distinct %s)", per_round$without, n,
              per_round$without_d, ports_word(per_round$without_d)),
  b = sprintf("%d of %d bound (%d distinct %s)", per_round$with, n,
              per_round$with_d, ports_word(per_round$with_d))
)
names(tab_round) <- c("round", "without `reserve`", "`reserve = 10`")
tot0 <- sum(per_round$without)
tot1 <- sum(per_round$with)
spread <- stats::median(results$spread_ms)

lines <- c(
  "# port4me claims: processes of one user that start together",
  "",
  "Written by `Rscript bench/claims-race.R`.",
  "",
  "## Machine",
  "",
  paste("* CPU:", cpu),
  paste("* OS:", os),
  paste("*", R.version.string),
  sprintf("* port4me %s, bench %s, processx %s",
          utils::packageVersion("port4me"), utils::packageVersion("bench"),
          utils::packageVersion("processx")),
  paste("* Date:", format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")),
  "",
  "## The race",
  "",
  sprintf(paste(
    "%d R processes of one user and one tool are started, each loads",
    "port4me and waits at a barrier (a FIFO that all of them open for",
    "reading; the parent opens it for writing once every child is blocked",
    "in `open()`, and the kernel releases them all at once). Each then",
    "calls `port4me()` and at once `serverSocket(port)`, and keeps the",
    "port until the round ends. Real socket tests; a new user name each",
    "round. Median time between the first and the last child passing the",
    "barrier: %.1f ms."), n, spread),
  "",
  md_table(tab_round),
  "",
  sprintf(paste(
    "With `reserve = 10`, the %d ports were the first %d ports of the",
    "user's sequence in %d of %d rounds (any other process on the machine",
    "that holds one of them moves the rest along)."), n, n,
    sum(results$first_n[results$reserve == 10]), rounds),
  "",
  "Totals:",
  "",
  md_table(data.frame(
    check.names = FALSE,
    ` ` = c("without `reserve`", "`reserve = 10`"),
    bound = sprintf("%d of %d", c(tot0, tot1), rounds * n),
    `failed to bind` = sprintf("%d of %d", rounds * n - c(tot0, tot1),
                               rounds * n),
    `rounds where all bound` = sprintf("%d of %d", c(
      sum(per_round$without == n), sum(per_round$with == n)), rounds))),
  "",
  "## Cost of one call",
  "",
  paste("`bench::mark()` in one R process, real socket tests, claims in",
        "`$XDG_RUNTIME_DIR/port4me` (a temporary folder on",
        paste0(system2("df", c("--output=fstype", shQuote(dirname(xdg))),
                       stdout = TRUE)[2], "),"),
        "medians."),
  "",
  md_table(data.frame(
    check.names = FALSE,
    call = cost_rows,
    median = fmt_time(cost$median),
    iterations = cost$n_itr)),
  "",
  paste("A claim costs opening and checking the folder, taking the lock",
        "(`fcntl()`), creating and writing the claim file; passing a claimed",
        "port over costs opening the folder and reading the file, and",
        "saves that port's socket test."),
  ""
)
writeLines(lines, outfile)
cat("wrote", outfile, "\n")
