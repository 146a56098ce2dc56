# A barrier for processes started together (test-claims.R, and
# bench/claims-race.R, which sources this file): each child opens a FIFO
# for reading and blocks there until the parent opens it for writing, which
# releases all of them at once.

# Wait (at most 10 s) until every process is blocked in opening the FIFO.
# Linux says so in /proc/<pid>/wchan; elsewhere, give them a moment.
wait_in_open <- function(procs, timeout = 10) {
  wchan <- file.path("/proc", vapply(procs, function(p) p$get_pid(), 1),
                     "wchan")
  if (!all(file.exists(wchan))) return(Sys.sleep(0.3))
  deadline <- Sys.time() + timeout
  while (Sys.time() < deadline) {
    w <- vapply(wchan, function(f) {
      tryCatch(readLines(f, warn = FALSE)[1], error = function(e) NA)
    }, "")
    if (all(w %in% "wait_for_partner")) return(invisible(TRUE))
    if (any(is.na(w) | w == "0")) return(Sys.sleep(0.3))  # hidden by the kernel
    Sys.sleep(0.01)
  }
  invisible(FALSE)
}
