# A socket layer that does not work (SPEC section 5), in real R child
# processes: socket(), bind() and listen() are made to fail by an LD_PRELOAD
# library (socket-shim.c, see helper-shim.R), and the open-files limit is
# lowered with prlimit(1) for real.
#
# - a family that is not supported (EAFNOSUPPORT, EPROTONOSUPPORT) or refused
#   by policy (EACCES, EPERM from socket()) is skipped: the same port;
# - a loopback address that does not exist (EADDRNOTAVAIL from bind()) is
#   skipped: the same port;
# - "in use" and "permission denied" from bind() concern that port only;
# - anything else is an error of class port4me_system with fields errno
#   and step, right away: never FALSE, never -1, never a search through
#   every port; the command line exits with status 2.
#
# The shim logs every failure it injects (P4M_SHIM_LOG), so each test also
# shows that the failure really happened, and how often.  The child's
# searches use a user of this run; a port given to `test =` is found free
# first (free_ports()).

# errno values of Linux (asm-generic/errno-base.h, asm-generic/errno.h):
# the shim runs on Linux only
linux_errno <- c(EPERM = 1L, ENOMEM = 12L, EACCES = 13L, ENFILE = 23L,
                 EMFILE = 24L, EAFNOSUPPORT = 97L, EADDRNOTAVAIL = 99L,
                 ENOBUFS = 105L)

# One expectation set for a port4me_system error caught in the child by
# try_p4m() (helper-shim.R).
expect_system_error <- function(r, step, errno, sysmsg, info = "") {
  if (!is.character(r$error)) {
    fail(paste0("no error; got ", paste(deparse(r), collapse = " "), "\n", info))
    return(invisible())
  }
  expect_true(all(c("port4me_system", "port4me_error", "error") %in% r$class),
              info = paste(info, "class:", paste(r$class, collapse = ",")))
  expect_identical(r$step, step, info = info)
  expect_identical(r$errno, linux_errno[[errno]], info = info)
  expect_match(r$error, paste0("(", step, ": ", sysmsg, ")"), fixed = TRUE,
               info = info)
}

test_that("IPv6 socket() refused or unsupported: the family is skipped, same port", {
  skip_unless_shim()
  user <- test_user("sockfail")
  port <- free_ports(1L)
  # one child, a few milliseconds apart: rules off, then each rule
  x <- sf_eval(sprintf(paste0(
    'p0 <- port4me::port4me(user = "%s");',
    'out <- list(p0 = p0);',
    'for (err in c("EACCES", "EPERM", "EAFNOSUPPORT", "EPROTONOSUPPORT")) {',
    '  Sys.setenv(P4M_SHIM_SOCKET = paste0("inet6=", err));',
    '  out[[err]] <- list(p = port4me::port4me(user = "%s"),',
    '                     t = port4me::port4me(test = %dL))',
    '};',
    'out'), user, user, port))
  v <- x$value
  expect_type(v$p0, "integer")
  for (err in c("EACCES", "EPERM", "EAFNOSUPPORT", "EPROTONOSUPPORT")) {
    expect_identical(v[[err]], list(p = v$p0, t = TRUE), info = x$info)
  }
  # the shim refused IPv6 once per port tested (the family is then
  # skipped), and never touched IPv4
  expect_setequal(unique(x$res$log),
                  paste("socket inet6", c("EACCES", "EPERM", "EAFNOSUPPORT",
                                          "EPROTONOSUPPORT")))
  # the command line: the same port, and --test exits 0
  search <- sf_run(c("-e", "port4me::port4me", paste0("--user=", user)),
                   rules = c(P4M_SHIM_SOCKET = "inet6=EACCES"))
  expect_identical(search$status, 0L, info = search$stderr)
  expect_identical(search$stdout, paste0(v$p0, "\n"))
  expect_identical(unique(search$log), "socket inet6 EACCES")
  test <- sf_run(c("-e", "port4me::port4me", paste0("--test=", port)),
                 rules = c(P4M_SHIM_SOCKET = "inet6=EPERM"))
  expect_identical(test$status, 0L, info = test$stderr)
  expect_identical(test$stdout, "")
})

test_that("EMFILE from socket() is a port4me_system error at once: errno, step", {
  skip_unless_shim()
  port <- free_ports(1L)
  x <- sf_eval(sprintf(paste0(
    'errno <- tryCatch(port4me::port4me(), ',
    '                  port4me_system = function(e) e$errno);',
    'list(errno = errno,',
    '     search = try_p4m(port4me::port4me(user = "alice")),',
    '     nowork = try_p4m(port4me::port4me(user = "alice", must_work = FALSE)),',
    '     test = try_p4m(port4me::port4me(test = %dL)))'), port),
    rules = c(P4M_SHIM_SOCKET = "inet=EMFILE"))
  v <- x$value
  expect_false(is.null(v), info = x$info)
  expect_identical(v$errno, 24L, info = x$info)
  for (what in c("search", "nowork", "test")) {
    expect_system_error(v[[what]], "socket IPv4", "EMFILE",
                        "Too many open files", info = paste(what, x$info))
    expect_null(v[[what]]$value)
  }
  expect_match(v$test$error, sprintf(
    "^Cannot test whether port %d is free: the socket test failed ", port))
  # one port tested per call, then the error: no search through every port
  expect_identical(x$res$log, rep("socket inet EMFILE", 4L), info = x$info)

  # the command line: "Error: " and the message on stderr, exit status 2
  t <- sf_run(c("-e", "port4me::port4me", paste0("--test=", port)),
              rules = c(P4M_SHIM_SOCKET = "inet=EMFILE"))
  expect_identical(t$status, 2L, info = t$stderr)
  expect_identical(t$stdout, "")
  expect_identical(t$stderr, paste0("Error: ", v$test$error, "\n"))
  expect_identical(t$log, "socket inet EMFILE")
})

test_that("ENFILE, ENOBUFS, ENOMEM; no usable family at all: port4me_system errors", {
  skip_unless_shim()
  x <- sf_eval(paste0(
    'out <- list();',
    'for (err in c("ENFILE", "ENOBUFS", "ENOMEM")) {',
    '  Sys.setenv(P4M_SHIM_SOCKET = paste0("inet6=", err));',
    '  out[[err]] <- try_p4m(port4me::port4me(user = "alice"))',
    '};',
    'Sys.setenv(P4M_SHIM_SOCKET = "any=EAFNOSUPPORT");',
    'out$none <- try_p4m(port4me::port4me(user = "alice"));',
    'Sys.setenv(P4M_SHIM_SOCKET = "inet=EPERM,inet6=EAFNOSUPPORT");',
    'out$differ <- try_p4m(port4me::port4me(user = "alice"));',
    'out'))
  v <- x$value
  sysmsg <- c(ENFILE = "Too many open files in system",
              ENOBUFS = "No buffer space available",
              ENOMEM = "Cannot allocate memory")
  for (err in names(sysmsg)) {
    expect_system_error(v[[err]], "socket IPv6", err, sysmsg[[err]],
                        info = paste(err, x$info))
  }
  expect_system_error(v$none, "socket IPv4 and IPv6", "EAFNOSUPPORT",
                      "Address family not supported by protocol", info = x$info)
  expect_system_error(v$differ, "socket IPv4 (IPv6 unusable too)", "EPERM",
                      "Operation not permitted", info = x$info)
  # each call stopped at its first failure
  expect_identical(x$res$log, c(
    "socket inet6 ENFILE", "socket inet6 ENOBUFS", "socket inet6 ENOMEM",
    "socket inet EAFNOSUPPORT", "socket inet6 EAFNOSUPPORT",
    "socket inet EPERM", "socket inet6 EAFNOSUPPORT"), info = x$info)
})

test_that("out of descriptors for real (prlimit --nofile) is a port4me_system error", {
  skip_unless_shim()
  prlimit <- Sys.which("prlimit")
  skip_if_not(nzchar(prlimit), "prlimit (util-linux) is not installed")
  skip_if_not(dir.exists("/proc/self/fd"), "no /proc/self/fd")
  port <- free_ports(1L)
  # R refuses to start with a low open-files limit, so the child lowers its
  # own limit once it runs: `prlimit --pid <itself> --nofile=K:K`.  First it
  # runs both calls once with the shim's EMFILE, so that every R function of
  # their error path is loaded (R reads lazy-loaded functions from files,
  # which takes a descriptor).  Then it lowers the limit to 3 above its
  # lowest free descriptor, fills the free descriptors below the limit with
  # connections to /dev/null, asks again with the shim off (a real EMFILE
  # from the kernel), and closes the connections before printing.
  code <- sprintf(paste0(
    'Sys.setenv(P4M_SHIM_SOCKET = "inet=EMFILE");',
    'w1 <- try_p4m(port4me::port4me(user = "alice"));',
    'w2 <- try_p4m(port4me::port4me(test = %dL));',
    'Sys.setenv(P4M_SHIM_SOCKET = "");',
    'fds <- as.integer(list.files("/proc/self/fd"));',
    'open <- fds[nzchar(Sys.readlink(file.path("/proc/self/fd", fds)))];',
    'k <- 0L; while (k %%in%% open) k <- k + 1L; k <- k + 3L;',
    'st <- system2("%s", c("--pid", Sys.getpid(),',
    '              sprintf("--nofile=%%d:%%d", k, k)));',
    'cons <- list();',
    'repeat { con <- tryCatch(suppressWarnings(file("/dev/null", "r")),',
    '                         error = function(e) NULL);',
    '  if (is.null(con)) break; cons[[length(cons) + 1L]] <- con;',
    '  if (length(cons) > 100L) break };',
    'r <- try_p4m(port4me::port4me(user = "alice"));',
    't <- try_p4m(port4me::port4me(test = %dL));',
    'for (con in cons) close(con);',
    'list(prlimit = st, k = k, n = length(cons), search = r, test = t)'
  ), port, prlimit, port)
  x <- sf_eval(code)
  v <- x$value
  expect_false(is.null(v), info = x$info)
  expect_identical(v$prlimit, 0L, info = x$info)
  # the connections really hit the descriptor limit (not the loop's cap of
  # 101: below k, R's own limit of 128 connections is never reached)
  expect_true(v$n >= 1L && v$n <= v$k, info = paste("connections:", v$n, x$info))
  expect_system_error(v$search, "socket IPv4", "EMFILE", "Too many open files",
                      info = x$info)
  expect_system_error(v$test, "socket IPv4", "EMFILE", "Too many open files",
                      info = x$info)
  # the shim injected only the two warm-up failures: the rest was real
  expect_identical(x$res$log, rep("socket inet EMFILE", 2L), info = x$info)
})

test_that("a loopback address that does not exist (EADDRNOTAVAIL) is skipped", {
  skip_unless_shim()
  user <- test_user("sockfail")
  x <- sf_eval(sprintf(paste0(
    'p0 <- port4me::port4me(user = "%s");',
    'Sys.setenv(P4M_SHIM_BIND = "loopback=EADDRNOTAVAIL");',
    'p1 <- port4me::port4me(user = "%s");',
    'Sys.setenv(P4M_SHIM_BIND = "0.0.0.0=EADDRNOTAVAIL");',
    'list(p0 = p0, p1 = p1, wild = try_p4m(port4me::port4me(user = "%s")))'),
    user, user, user))
  v <- x$value
  expect_type(v$p1, "integer")
  expect_identical(v$p1, v$p0, info = x$info)
  # both loopback addresses skipped for each port tested, the last being p1;
  # then one failure on the wildcard address
  log <- x$res$log
  expect_true(all(grepl("^bind (127[.]0[.]0[.]1|\\[::1\\]):[0-9]+ EADDRNOTAVAIL$",
                        utils::head(log, -1L))), info = x$info)
  expect_identical(utils::tail(log, 3L),
                   c(sprintf("bind 127.0.0.1:%d EADDRNOTAVAIL", v$p1),
                     sprintf("bind [::1]:%d EADDRNOTAVAIL", v$p1),
                     sprintf("bind 0.0.0.0:%d EADDRNOTAVAIL", v$p0)),
                   info = x$info)
  # the wildcard address always exists: EADDRNOTAVAIL there is a failure
  expect_system_error(v$wild, "bind 0.0.0.0", "EADDRNOTAVAIL",
                      "Cannot assign requested address", info = x$info)
})

test_that("a listen() failure is a port4me_system error naming listen", {
  skip_unless_shim()
  port <- free_ports(1L)
  x <- sf_eval(sprintf(paste0(
    'Sys.setenv(P4M_SHIM_LISTEN = "inet=ENOBUFS");',
    'a <- try_p4m(port4me::port4me(user = "alice"));',
    # a refused listen() would refuse every port: an error too, not "denied"
    'Sys.setenv(P4M_SHIM_LISTEN = "::1=EACCES");',
    'list(a = a, b = try_p4m(port4me::port4me(test = %dL)))'), port))
  expect_system_error(x$value$a, "listen 0.0.0.0", "ENOBUFS",
                      "No buffer space available", info = x$info)
  expect_system_error(x$value$b, "listen [::1]", "EACCES",
                      "Permission denied", info = x$info)
  expect_length(x$res$log, 2L)
})

test_that("in use and permission denied on one port move the search on", {
  skip_unless_shim()
  # The contrast with the failures above: EADDRINUSE, EACCES and EPERM from
  # bind() say something about that port only.
  user <- test_user("sockfail")
  rules <- c("127.0.0.1=EADDRINUSE", "::1=EACCES", "inet6=EADDRINUSE",
             "127.0.0.1=EPERM", "0.0.0.0=EPERM")
  x <- sf_eval(sprintf(paste0(
    'p0 <- port4me::port4me(user = "%s");',
    'nxt <- port4me::port4me(user = "%s", exclude = p0);',
    'Sys.setenv(P4M_SHIM_PORT = p0);',
    'out <- list(p0 = p0, nxt = nxt);',
    'for (rule in c(%s)) {',
    '  Sys.setenv(P4M_SHIM_BIND = rule, PORT4ME_DEBUG = "");',
    '  p1 <- port4me::port4me(user = "%s");',
    '  t1 <- port4me::port4me(test = p0);',
    '  Sys.setenv(PORT4ME_DEBUG = "true");',
    '  why <- utils::capture.output(invisible(port4me::port4me(test = p0)),',
    '                               type = "message");',
    '  out[[rule]] <- list(p1 = p1, t1 = t1, why = why)',
    '};',
    'out'), user, user, paste0('"', rules, '"', collapse = ", "), user))
  v <- x$value
  expect_false(identical(v$nxt, v$p0), info = x$info)
  reason <- c(EADDRINUSE = "in use", EACCES = "permission denied",
              EPERM = "permission denied")
  sysmsg <- c(EADDRINUSE = "Address already in use",
              EACCES = "Permission denied", EPERM = "Operation not permitted")
  for (rule in rules) {
    err <- sub(".*=", "", rule)
    addr <- sub("=.*", "", rule)
    addr <- switch(addr, "::1" = "[::1]", inet6 = "[::]", addr)
    expect_identical(v[[rule]]$p1, v$nxt, info = paste(rule, x$info))
    expect_identical(v[[rule]]$t1, FALSE, info = rule)
    expect_identical(v[[rule]]$why, sprintf(
      "port4me: port %d skipped: %s (bind %s: %s)", v$p0, reason[[err]],
      addr, sysmsg[[err]]), info = rule)
  }
  # the search, then test = p0 twice, for each rule
  expect_length(x$res$log, 3L * length(rules))
})
