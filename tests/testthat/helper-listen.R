# Ports for the tests: every port a test holds, or tests as free, is found
# free first through free_ports(), and held through hold_port().  No test
# assumes that a fixed port is free.

# A user name of this test run only, so that no other process (another test
# run, another worker) asks for the ports of its sequence.
test_user <- local({
  k <- 0L
  function(what = "user") {
    k <<- k + 1L
    sprintf("p4m-%s-%d-%d", what, Sys.getpid(), k)
  }
})

# The first `n` ports of `from` that are free now (a real test, by this
# process), in order; `from` defaults to the first 1000 ports of the
# sequence of `user` (and `tool`), the order in which port4me() tries them.
# An error when fewer are free: a machine where most ports are busy is not
# one these tests can run on.
free_ports <- function(n = 1L, user = test_user("free"), tool = NULL,
                       from = NULL) {
  withr::local_envvar(c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA,
                        PORT4ME_DEBUG = NA, PORT4ME_TEST = NA))
  if (is.null(from)) from <- port4me::port4me(tool, user = user, list = 1000)
  out <- integer()
  for (p in from) {
    if (port4me::port4me(test = p)) out <- c(out, as.integer(p))
    if (length(out) == n) return(out)
  }
  stop(sprintf("only %d of the %d ports wanted are free among %d tried",
               length(out), n, length(from)))
}

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

# Hold a port found free: the first port of `from` (default: the sequence of
# `user` and `tool`) that free_ports() finds free and that a listener on
# `host` can then bind (another process may take a port in between: then
# the next one).  Returns list(port, stop), or NULL when no listener on
# `host` could be started on `tries` free ports (e.g. "::1" without IPv6).
# stop() stops the listener and waits until the port is free again; it runs
# at the latest when the calling test ends.
hold_port <- function(host = "127.0.0.1", user = test_user("held"),
                      tool = NULL, from = NULL, tries = 10L,
                      .env = parent.frame()) {
  if (is.null(from)) from <- port4me::port4me(tool, user = user, list = 1000)
  for (k in seq_len(tries)) {
    if (length(from) == 0L) break
    port <- free_ports(1L, from = from)
    from <- from[seq_along(from) > match(port, from)]
    server <- tryCatch(listen_on(host, port), error = function(e) NULL)
    if (is.null(server)) next
    stopped <- FALSE
    stop <- function() {
      if (stopped) return(invisible())
      stopped <<- TRUE
      stop_and_wait(server, port)
    }
    withr::defer(stop(), envir = .env)
    return(list(port = port, stop = stop))
  }
  NULL
}

# Stop an httpuv server and wait until `port` is free again: httpuv closes
# its socket on its own background thread, so the port can stay busy for a
# moment after $stop() returns.  (The time limit guards against a hang; it
# says nothing about speed.)
stop_and_wait <- function(server, port, timeout = 60) {
  server$stop()
  withr::local_envvar(c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA,
                        PORT4ME_DEBUG = NA))
  deadline <- Sys.time() + timeout
  while (!port4me::port4me(test = port)) {
    if (Sys.time() > deadline) {
      stop(sprintf("port %d is still busy %d s after its listener stopped",
                   port, timeout))
    }
    Sys.sleep(0.01)
  }
  invisible(TRUE)
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

# What code writes as messages (port4me's debug lines are messages) or
# otherwise on stderr while it runs, as one string.
capture_stderr <- function(code) {
  out <- utils::capture.output(invisible(force(code)), type = "message")
  paste(out, collapse = "\n")
}

# The listeners of these tests are httpuv servers.
skip_if_no_listener <- function() {
  skip_on_os("windows")
  skip_if_not_installed("httpuv")
}
