# Many R processes asking for ports at the same time, each holding the port
# it got (a real listening socket), as in login and job scripts.  The ports
# they may get are found free first (free_ports()); a race test shows from
# the children's own clock readings that they ran at the same time, or
# skips saying it could not.

# A child that waits at the barrier (helper-barrier.R), then asks for a
# port, listens on it, and prints "bound|lost <port> <t0> <t1>": when it
# passed the barrier and when port4me() returned.  It holds the port until
# it is killed.
race_child <- function() {
  file <- tempfile("p4m-race-child-", fileext = ".R")
  writeLines(c(
    "a <- commandArgs(trailingOnly = TRUE)",
    "invisible(loadNamespace('port4me'))",
    "cat('ready\\n'); flush(stdout())",
    "con <- fifo(a[1], open = 'r', blocking = TRUE); close(con)",
    "t0 <- as.numeric(Sys.time())",
    "port <- port4me::port4me(a[2], user = a[3], reserve = as.numeric(a[4]))",
    "t1 <- as.numeric(Sys.time())",
    "srv <- tryCatch(serverSocket(port), error = function(e) NULL)",
    "cat(if (is.null(srv)) 'lost' else 'bound', port,",
    "    sprintf('%.6f %.6f', t0, t1), '\\n')",
    "flush(stdout())",
    "deadline <- Sys.time() + 300",
    "while (Sys.time() < deadline) Sys.sleep(0.2)"
  ), file)
  file
}

# One round: n processes of one user and tool released together.  A data
# frame with one row per process: port, bound, t0, t1; attribute
# "barrier": whether every child was seen waiting at the barrier.
race <- function(user, tool, reserve, n) {
  fifo_path <- tempfile("p4m-barrier-")
  stopifnot(system2("mkfifo", shQuote(fifo_path)) == 0L)
  on.exit(unlink(fifo_path), add = TRUE)
  child <- race_child()
  on.exit(unlink(child), add = TRUE)
  env <- cli_child_env(c(R_DEFAULT_PACKAGES = "NULL"))
  procs <- lapply(seq_len(n), function(i) processx::process$new(
    rscript_bin(), c(child, fifo_path, tool, user, reserve), env = env,
    stdout = "|", stderr = "|", cleanup = TRUE))
  on.exit(for (p in procs) p$kill(), add = TRUE)
  ready <- vapply(procs, function(p) !is.na(hard_wait_line(p, "^ready", 120)),
                  logical(1))
  if (!all(ready)) {
    stop("children did not start: ", paste(vapply(procs, function(p)
      paste(p$read_all_error(), collapse = ""), ""), collapse = "\n"))
  }
  barrier <- wait_in_open(procs)
  writer <- fifo(fifo_path, open = "w", blocking = TRUE)
  lines <- vapply(procs, function(p) hard_wait_line(p, "^(bound|lost) ", 120),
                  "")
  close(writer)
  parts <- strsplit(trimws(lines), " +")
  structure(data.frame(
    port = as.integer(vapply(parts, `[`, "", 2L)),
    bound = vapply(parts, `[`, "", 1L) == "bound",
    t0 = as.numeric(vapply(parts, `[`, "", 3L)),
    t1 = as.numeric(vapply(parts, `[`, "", 4L))
  ), barrier = barrier)
}

skip_unless_race <- function() {
  skip_on_cran()
  skip_on_os("windows")
  skip_if_no_cli()
  skip_if_not(nzchar(Sys.which("mkfifo")), "mkfifo is not found")
}

# Rounds of n processes; check(res, ports, info) runs on every round.  The
# test skips when in no round two of the calls ran at the same time (on a
# busy machine the barrier releases them together, but the kernel may run
# them one after another).
race_rounds <- function(reserve, check, n = 6L, rounds = 3L) {
  tool <- "p4m-race"
  overlapped <- 0L
  for (round in seq_len(rounds)) {
    user <- test_user(paste0("race", reserve))
    ports <- free_ports(n + 4L, user = user, tool = tool)
    res <- race(user, tool, reserve, n)
    info <- paste(capture.output(print(res)), collapse = "\n")
    expect_false(anyNA(res$port), info = info)
    check(res, ports, info)
    overlapped <- overlapped + (race_overlap(res$t0, res$t1) >= 2L)
  }
  if (overlapped == 0L) {
    skip(sprintf(paste("in none of %d rounds of %d processes did two calls",
                       "run at the same time (the barrier released them,",
                       "the machine ran them one after another)"), rounds, n))
  }
}

test_that("processes of one user and tool at one moment, with reserve: distinct ports", {
  skip_unless_race()
  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  local_claims_dir()
  local_child_tmpdir()
  race_rounds(reserve = 30, function(res, ports, info) {
    # each got a port of its own, and could listen on it: the first free
    # ports of the sequence
    expect_identical(anyDuplicated(res$port), 0L, info = info)
    expect_true(all(res$bound), info = info)
    expect_setequal(res$port, ports[seq_len(nrow(res))])
  })
})

test_that("processes of one user and tool at one moment, without reserve: nothing written", {
  skip_unless_race()
  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  dir <- local_claims_dir()
  local_child_tmpdir()
  race_rounds(reserve = 0, function(res, ports, info) {
    # how many lose depends on timing (bench/claims-race.R counts them);
    # always: each got one of the first free ports of the sequence, and no
    # claim was written
    expect_true(all(res$port %in% ports), info = info)
    expect_false(dir.exists(dir))
    expect_identical(everything_in(Sys.getenv("R_USER_CACHE_DIR")),
                     character())
  })
})

# A child that asks for a port, holds it, and says which.
hold_a_port <- function(user, tool, hold) {
  port <- port4me::port4me(tool = tool, user = user)
  srv <- tryCatch(serverSocket(port), error = function(e) NULL)
  cat(if (is.null(srv)) "lost" else "holding", port, "\n")
  flush(stdout())
  deadline <- Sys.time() + hold
  while (Sys.time() < deadline) Sys.sleep(0.1)
  invisible(port)
}

start_holder <- function(user, tool = NULL) {
  callr::r_bg(hold_a_port, args = list(user = user, tool = tool, hold = 300),
              libpath = .libPaths())
}

held_port <- function(p, timeout = 120) {
  line <- hard_wait_line(p, "^(holding|lost) ", timeout = timeout)
  if (is.na(line) || !startsWith(line, "holding ")) return(NA_integer_)
  as.integer(sub("^holding ([0-9]+).*", "\\1", line))
}

test_that("processes of one user and tool, one after another, get the next ports", {
  skip_on_cran()
  skip_unless_child_port4me()
  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  local_child_tmpdir()
  tool <- "p4m-tool"
  user <- test_user("seq")
  expected <- free_ports(6L, user = user, tool = tool)
  procs <- list()
  withr::defer(for (p in procs) p$kill())
  got <- integer()
  for (k in 1:5) {
    # each asks only once the one before holds its port
    procs[[k]] <- start_holder(user, tool)
    got[k] <- held_port(procs[[k]])
  }
  expect_identical(got, expected[1:5])
  # a sixth asker, in this process, gets the sixth
  expect_identical(port4me(tool, user = user), expected[6])
  # once all are gone, the first port is the user's again
  for (p in procs) p$kill()
  for (p in procs) p$wait(10000)
  expect_identical(port4me(tool, user = user), expected[1])
})
