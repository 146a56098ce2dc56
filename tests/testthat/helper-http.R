# HTTP on the loopback interface, for the tests that start real servers
# (test-shiny.R, test-recipes.R).

# The page at http://127.0.0.1:port<path> as one string, NA while nothing
# answers.
fetch_page <- function(port, path = "/") {
  con <- url(sprintf("http://127.0.0.1:%d%s", port, path))
  on.exit(close(con))
  tryCatch(
    paste(suppressWarnings(readLines(con, warn = FALSE)), collapse = "\n"),
    error = function(e) NA_character_
  )
}

# Fetch the page until it answers, the server process `p` ends, or
# `timeout` seconds have passed; returns the page or NA.
wait_for_page <- function(p, port, path = "/", timeout = 60) {
  page <- NA_character_
  deadline <- Sys.time() + timeout
  while (is.na(page) && p$is_alive() && Sys.time() < deadline) {
    Sys.sleep(0.2)
    page <- fetch_page(port, path)
  }
  page
}

# No port4me settings from outside and no proxy for 127.0.0.1, in this
# process and in the children it starts, until the calling test ends.
local_clean_http_env <- function(.env = parent.frame()) {
  vars <- grep("^_?PORT4ME_", names(Sys.getenv()), value = TRUE)
  withr::local_envvar(c(
    stats::setNames(rep(NA_character_, length(vars)), vars),
    no_proxy = "127.0.0.1,localhost", NO_PROXY = "127.0.0.1,localhost"
  ), .local_envir = .env)
}
