# A barrier for processes started together (test-concurrency.R, and
# bench/claims-race.R, which sources this file): each child opens a FIFO
# for reading and blocks there until the parent opens it for writing, which
# releases all of them at once.  Whether they then ran at the same time is
# for the test to show from the times the children report (race_overlap()).

# Wait until every process is blocked in opening the FIFO (Linux says so in
# /proc/<pid>/wchan), at most `timeout` seconds (a hang guard).  TRUE when
# all were seen there; FALSE when that could not be seen (no /proc, the
# kernel hides wchan, or the time ran out): the barrier then still
# releases whoever is waiting, and the caller's overlap check decides.
wait_in_open <- function(procs, timeout = 60) {
  wchan <- file.path("/proc", vapply(procs, function(p) p$get_pid(), 1),
                     "wchan")
  if (!all(file.exists(wchan))) return(FALSE)
  deadline <- Sys.time() + timeout
  while (Sys.time() < deadline) {
    w <- vapply(wchan, function(f) {
      tryCatch(readLines(f, warn = FALSE)[1], error = function(e) NA)
    }, "")
    if (all(w %in% "wait_for_partner")) return(TRUE)
    if (any(is.na(w) | w == "0")) return(FALSE)  # hidden by the kernel
    Sys.sleep(0.01)
  }
  FALSE
}

# Did the processes run at the same time?  `start` and `end` are, for each
# process, when it passed the barrier and when its call returned (seconds
# since the epoch, one clock).  TRUE when some moment lies within every
# interval (the last start is before the first end).
race_overlap <- function(start, end) {
  !anyNA(c(start, end)) && max(start) < min(end)
}
