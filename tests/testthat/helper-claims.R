# Claims folders, claim files written by hand, and a holder of the lock,
# for the claims tests (test-claims*.R, test-concurrency.R).  A claim is a
# file named after the port in the claims folder, holding
# "<seconds>.<milliseconds> <pid>\n" (its expiry, seconds since the epoch,
# and the process that claimed it; src/claims.h).

# A fresh XDG_RUNTIME_DIR (mode 0700) for the calling test, so that it
# starts without claims; its claims folder is <dir>/port4me.  Returns the
# claims folder (not created).
local_claims_dir <- function(.env = parent.frame()) {
  xdg <- tempfile("p4m-xdg-")
  dir.create(xdg, mode = "0700")
  withr::defer(unlink(xdg, recursive = TRUE, force = TRUE), envir = .env)
  withr::local_envvar(XDG_RUNTIME_DIR = xdg, .local_envir = .env)
  file.path(xdg, "port4me")
}

# Create the folder `dir` with exactly `mode` (whatever the umask).
make_dir <- function(dir, mode = "0700") {
  dir.create(dir, mode = mode, recursive = TRUE, showWarnings = FALSE)
  Sys.chmod(dir, mode, use_umask = FALSE)
  invisible(dir)
}

# Write a claim on `port` in `dir` that expires at `expiry` (seconds since
# the epoch), by process `pid` (1: not this process).
write_claim <- function(dir, port, expiry, pid = 1L) {
  make_dir(dir)
  writeLines(sprintf("%.3f %d", expiry, as.integer(pid)),
             file.path(dir, port))
}

# The claim in dir on port: list(expiry, pid), or NULL when there is none.
read_claim <- function(dir, port) {
  f <- file.path(dir, port)
  if (!file.exists(f)) return(NULL)
  line <- readLines(f, warn = FALSE)
  parts <- strsplit(line, " ", fixed = TRUE)[[1]]
  list(expiry = as.numeric(parts[1]), pid = as.integer(parts[2]),
       line = line)
}

unix_now <- function() as.numeric(Sys.time())

# Every file and folder below dir; character() when there is none.
everything_in <- function(dir) {
  list.files(dir, all.files = TRUE, recursive = TRUE, include.dirs = TRUE,
             no.. = TRUE)
}

# Names, sizes, modes and modification times of everything below dir (and
# of dir itself): what a call that only reads must leave as it was.
folder_state <- function(dir) {
  paths <- c(dir, file.path(dir, everything_in(dir)))
  info <- file.info(paths, extra_cols = FALSE)
  data.frame(path = paths, size = info$size, mode = format(info$mode),
             mtime = format(info$mtime, "%Y-%m-%d %H:%M:%OS6"),
             stringsAsFactors = FALSE)
}

# Hold the lock of the claims folder `dir` (created 0700 if missing) in
# another process (lock-holder.c) until the calling test ends; returns its
# processx handle once it holds the lock.
hold_lock <- function(dir, .env = parent.frame()) {
  skip_if_not(sf_linux(), "the lock holder is tested on Linux only")
  skip_if_not_installed("processx")
  holder <- c_build("lock-holder")
  make_dir(dir)
  p <- processx::process$new(holder, file.path(dir, ".lock"),
                             stdout = "|", stderr = "|", cleanup = TRUE)
  withr::defer({
    p$kill()
    p$wait(10000)
  }, envir = .env)
  line <- hard_wait_line(p, "^locked ", timeout = 60)
  if (is.na(line)) {
    stop("the lock holder did not take the lock: ",
         paste(p$read_all_error(), collapse = ""))
  }
  p
}
