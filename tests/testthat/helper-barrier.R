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

# How many of the processes ran at the same time, at most?  `start` and
# `end` are, for each process, when it passed the barrier and when its call
# returned (seconds since the epoch, one clock).  The largest number of
# intervals that hold one moment (some interval's start): 1 when the calls
# ran one after another, 2 or more when they raced.
race_overlap <- function(start, end) {
  if (anyNA(c(start, end)) || length(start) == 0L) return(0L)
  max(vapply(start, function(t) sum(start <= t & end > t), 0L))
}
