# Real TCP listeners, started and stopped by the tests themselves.

# An httpuv server listening on host:port (host "0.0.0.0", "127.0.0.1",
# "::1" or "::"); stop it with $stop().  Errors when the port cannot be
# bound.
listen_on <- function(host, port) {
  app <- list(call = function(req) {
    list(status = 200L, headers = list("Content-Type" = "text/plain"),
         body = "port4me test listener\n")
  })
  httpuv::startServer(host, port, app)
}

# Can this machine listen on host (e.g. "::1" when IPv6 is off)?  A port of
# the given user's sequence is used for the probe.
can_listen_on <- function(host, user) {
  port <- port4me::port4me(user = user, tool = "probe")
  s <- tryCatch(listen_on(host, port), error = function(e) NULL)
  if (is.null(s)) return(FALSE)
  s$stop()
  TRUE
}

# Can a plain IPv4 server (base R, INADDR_ANY) be opened on port now?
ipv4_any_bindable <- function(port) {
  s <- tryCatch(suppressWarnings(serverSocket(port)), error = function(e) NULL)
  if (is.null(s)) return(FALSE)
  close(s)
  TRUE
}

# Evaluate code with environment variables set (a value NA unsets the
# variable; of a name given twice, the last value counts), and restore them
# afterwards.
with_env <- function(vars, code) {
  vars <- vars[!duplicated(names(vars), fromLast = TRUE)]
  old <- Sys.getenv(names(vars), unset = NA, names = TRUE)
  on.exit({
    Sys.unsetenv(names(old)[is.na(old)])
    if (any(!is.na(old))) do.call(Sys.setenv, as.list(old[!is.na(old)]))
  })
  Sys.unsetenv(names(vars)[is.na(vars)])
  if (any(!is.na(vars))) do.call(Sys.setenv, as.list(vars[!is.na(vars)]))
  force(code)
}

# The stderr output that C code (REprintf) writes while evaluating code.
capture_stderr <- function(code) {
  out <- utils::capture.output(invisible(force(code)), type = "message")
  paste(out, collapse = "\n")
}

# Stop an httpuv server and wait (at most `timeout` seconds) until `port`
# is free again: httpuv closes its socket on its own background thread, so
# the port can stay busy for a moment after $stop() returns.  Returns the
# seconds waited, or NA when the port did not become free.
stop_and_wait <- function(server, port, timeout = 5) {
  server$stop()
  t0 <- Sys.time()
  repeat {
    if (port4me::port4me(test = port)) {
      return(as.numeric(difftime(Sys.time(), t0, units = "secs")))
    }
    if (difftime(Sys.time(), t0, units = "secs") > timeout) return(NA_real_)
    Sys.sleep(0.005)
  }
}

# The listeners of these tests are httpuv servers.
skip_if_no_listener <- function() {
  skip_on_os("windows")
  skip_if_not_installed("httpuv")
}
