# Helpers for the tests that start child processes (test-concurrency.R,
# test-shiny.R, test-recipes.R, the lock holder of helper-claims.R;
# bench/claims-race.R sources this file).

# Skip unless callr is installed and a child R process can load this very
# port4me (an installed copy: tests run from R CMD check or from an installed
# package, not from pkgload::load_all()).
skip_unless_child_port4me <- function() {
  skip_if_not_installed("callr")
  ok <- tryCatch(
    callr::r(function() requireNamespace("port4me", quietly = TRUE),
             libpath = .libPaths()),
    error = function(e) FALSE
  )
  if (!isTRUE(ok)) skip("no installed port4me for child R processes")
}

# Wait until the background process `p` has printed a line matching
# `pattern` on stdout, for at most `timeout` seconds (a hang guard); returns
# the line (NA on timeout or when the process ended first).
hard_wait_line <- function(p, pattern, timeout = 60) {
  deadline <- Sys.time() + timeout
  seen <- character()
  while (Sys.time() < deadline) {
    p$poll_io(200)
    seen <- c(seen, p$read_output_lines())
    hit <- grep(pattern, seen, value = TRUE)
    if (length(hit)) return(hit[[1]])
    if (!p$is_alive()) {
      seen <- c(seen, p$read_output_lines())
      hit <- grep(pattern, seen, value = TRUE)
      return(if (length(hit)) hit[[1]] else NA_character_)
    }
  }
  NA_character_
}
