# The lock of a claims folder (issue 20): a call without reserve never
# takes it, nor writes anything; a call with reserve waits for it at most
# a bounded time, and Ctrl-C (SIGINT) ends the wait and leaves the lock
# usable.  Another process holds the lock with lock-holder.c (an fcntl()
# lock, as port4me takes it), stopped with SIGSTOP where a stopped holder
# is the case.  Time limits here are hang guards only: nothing asserts how
# fast anything is.

# The descriptors of process pid that are open on `file`.
fds_on <- function(pid, file) {
  fd <- list.files(file.path("/proc", pid, "fd"), full.names = TRUE)
  links <- suppressWarnings(Sys.readlink(fd))
  fd[!is.na(links) & links == normalizePath(file, mustWork = FALSE)]
}

# Wait (a hang guard of `timeout` seconds) until process pid has `file`
# open: a writer opens the folder's ".lock" and then tries to lock it.
wait_for_open <- function(pid, file, timeout = 60) {
  deadline <- Sys.time() + timeout
  while (Sys.time() < deadline) {
    if (length(fds_on(pid, file))) return(TRUE)
    Sys.sleep(0.02)
  }
  FALSE
}

test_that("without reserve, a stopped process holding the lock does not hold up a call", {
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("stopped")
  s <- port4me(user = user, list = 3)
  write_claim(dir, s[1], unix_now() + 3600)
  write_claim(dir, s[2], unix_now() - 60)  # expired: only a writer removes it
  holder <- hold_lock(dir)
  holder$suspend()
  before <- folder_state(dir)
  # in this process: returns, and the result is that of the claims read
  expect_identical(port4me(user = user), s[2])
  expect_false(port4me(test = s[1]))
  expect_true(port4me(test = s[2]))
  # the command line, in another process (with a hang guard)
  skip_if_no_cli()
  any <- c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")
  res <- cli_run_all(list(
    search = cli_case(paste0("--user=", user), any, quick = TRUE),
    free = cli_case(paste0("--test=", s[2]), any, quick = TRUE),
    claimed = cli_case(paste0("--test=", s[1]), any, quick = TRUE)
  ), timeout = 120)
  for (r in res) expect_false(r$timeout)
  expect_identical(res[[1]]$stdout, paste0(s[2], "\n"),
                   info = res[[1]]$stderr)
  expect_identical(res[[2]]$status, 0L, info = res[[2]]$stderr)
  expect_identical(res[[3]]$status, 1L, info = res[[3]]$stderr)
  # nothing was written, removed or locked meanwhile
  expect_identical(folder_state(dir), before)
  expect_true(holder$is_alive())
})

test_that("a plain call makes no write, unlink, lock or mkdir (strace)", {
  skip_on_cran()
  skip_if_no_cli()
  strace <- Sys.which("strace")
  skip_if_not(nzchar(strace), "strace is not installed")
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("strace")
  s <- port4me(user = user, list = 2)
  write_claim(dir, s[1], unix_now() + 3600)
  write_claim(dir, s[2], unix_now() - 60)
  holder <- hold_lock(dir)
  holder$suspend()
  before <- folder_state(dir)
  log <- tempfile("p4m-strace-")
  on.exit(unlink(log), add = TRUE)
  calls <- c("openat", "open", "creat", "mkdir", "mkdirat", "unlink",
             "unlinkat", "rmdir", "rename", "renameat", "renameat2", "link",
             "linkat", "symlink", "symlinkat", "fcntl", "flock", "write",
             "pwrite64", "writev", "ftruncate", "truncate", "utimensat",
             "utimes", "fchmod", "fchmodat", "chmod", "fchown", "fchownat",
             "chown", "lchown")
  # the package is loaded first; the markers on stderr delimit the calls
  code <- sprintf(paste0(
    'invisible(loadNamespace("port4me"));',
    'cat("P4M-MARK-1\\n", file = stderr());',
    'p <- port4me::port4me(user = "%s");',
    't <- port4me::port4me(test = %d);',
    'cat("P4M-MARK-2\\n", file = stderr());',
    'cat(p, t, "\\n")'), user, s[1])
  res <- processx::run(strace, c("-f", "-qq", "-o", log, "-e",
                                 paste0("trace=", paste(calls, collapse = ",")),
                                 rscript_bin(), "-e", code),
                       env = cli_child_env(c(
                         R_DEFAULT_PACKAGES = "NULL",
                         "_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")),
                       error_on_status = FALSE, timeout = 120)
  trace <- readLines(log)
  if (!any(grepl("P4M-MARK-1", trace, fixed = TRUE))) {
    skip(paste("strace cannot trace here:", res$stderr))
  }
  expect_identical(res$stdout, paste(s[2], "FALSE", "\n"), info = res$stderr)
  from <- grep("P4M-MARK-1", trace, fixed = TRUE)
  to <- grep("P4M-MARK-2", trace, fixed = TRUE)
  between <- trace[seq(from + 1L, to - 1L)]
  info <- paste(between, collapse = "\n")
  # the claims were read (the claim files opened, read only) ...
  expect_true(any(grepl(sprintf('openat\\([0-9]+, "%d", O_RDONLY', s[1]),
                        between)), info = info)
  expect_true(any(grepl(sprintf('openat\\([0-9]+, "%d", O_RDONLY', s[2]),
                        between)), info = info)
  # ... and nothing else happened: every call traced is an open for reading
  opens <- grepl("^[0-9]+ +open(at)?\\(", between)
  expect_true(all(opens), info = info)
  expect_false(any(grepl("O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", between[opens])),
               info = info)
  expect_false(any(grepl('"\\.lock"', between)), info = info)
  expect_identical(folder_state(dir), before)
})

test_that("a reserve call waits for the lock a bounded time, then fails clearly", {
  local_port4me_env()
  dir <- local_claims_dir()
  holder <- hold_lock(dir)
  holder$suspend()
  # (the cache folder would do, but a writer that cannot have a lock stops:
  # two writers must never claim in two folders)
  cache <- tempfile("p4m-cache-")
  withr::defer(unlink(cache, recursive = TRUE))
  e <- with_env(c(R_USER_CACHE_DIR = cache),
                tryCatch(port4me(user = test_user("wait"), reserve = 5),
                         error = identity))
  expect_s3_class(e, "port4me_system")
  expect_identical(e$step, "lock claims folder")
  expect_identical(e$errno, 110L)   # ETIMEDOUT (Linux)
  expect_identical(conditionMessage(e), sprintf(paste0(
    "Cannot claim a port: cannot lock claims folder '%s': Connection timed ",
    "out (another process has held its lock for 10 s)"), dir))
  expect_false(file.exists(cache))
  expect_identical(everything_in(dir), ".lock")
})

test_that("SIGINT during a lock wait ends the call, and the lock stays usable", {
  skip_on_cran()
  skip_if_no_cli()
  skip_if_not(dir.exists("/proc/self/fd"), "no /proc/<pid>/fd to watch")
  local_port4me_env()
  dir <- local_claims_dir()
  lock <- file.path(dir, ".lock")
  user <- test_user("sigint")
  first <- port4me(user = user, list = 1)
  holder <- hold_lock(dir)
  env <- cli_child_env(c(R_DEFAULT_PACKAGES = "NULL",
                         "_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any"))

  # 1. the command line: SIGINT once it waits (it has .lock open while the
  # holder keeps the lock), and it ends
  cli <- processx::process$new(
    rscript_bin(), c("-e", "port4me::port4me", "--args", paste0("--user=", user),
                     "--reserve=5"),
    env = env, stdout = "|", stderr = "|", cleanup = TRUE)
  withr::defer(cli$kill())
  expect_true(wait_for_open(cli$get_pid(), lock))
  cli$interrupt()
  cli$wait(60000)   # (a hang guard)
  expect_false(cli$is_alive())
  expect_identical(cli$read_all_output(), "")
  err <- cli$read_all_error()
  # it ended for the interrupt, not at the end of the 10 s wait
  expect_false(grepl("cannot lock", err, fixed = TRUE), info = err)
  expect_false(identical(cli$get_exit_status(), 0L))
  expect_true(holder$is_alive())

  # 2. an R session that catches the interrupt and goes on: it holds
  # nothing of the folder afterwards, so that another process can lock it
  code <- sprintf(paste0(
    'r <- tryCatch(port4me::port4me(user = "%s", reserve = 5),',
    '              interrupt = function(e) "interrupted");',
    'cat(r, "\\n"); flush(stdout());',
    'invisible(readLines(file("stdin"), n = 1L))'), user)
  session <- processx::process$new(rscript_bin(), c("-e", code), env = env,
                                   stdin = "|", stdout = "|", stderr = "|",
                                   cleanup = TRUE)
  withr::defer(session$kill())
  expect_true(wait_for_open(session$get_pid(), lock))
  session$interrupt()
  expect_identical(hard_wait_line(session, "^interrupted", timeout = 60),
                   "interrupted ")
  expect_identical(fds_on(session$get_pid(), lock), character())
  holder$kill()
  holder$wait(10000)
  # the lock is free for the next reserve call, with the session still alive
  expect_true(session$is_alive())
  expect_identical(port4me(user = user, reserve = 5), first)
  expect_identical(read_claim(dir, first)$pid, Sys.getpid())
  session$write_input("\n")
  session$wait(60000)
})
