# The .Call entry point directly (test-call.R, test-mutants-io.R), with
# plain values as port4me() hands them over: user "alice", list = 1, no
# variable set; `...` replaces single arguments by name.
call_port4me <- function(...) {
  args <- list(tool = NULL, user = "alice", prepend = NULL, include = NULL,
               exclude = NULL, skip = NULL, list = 1L, test = NULL,
               max_tries = NULL, must_work = NULL, reserve = NULL,
               env = rep(NA_character_, port4me:::the$n_c_vars),
               account = NULL)
  given <- list(...)
  args[names(given)] <- given
  do.call(.Call, c(list(port4me:::R_port4me), unname(args)))
}
