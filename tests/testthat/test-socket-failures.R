# A socket layer that does not work (SPEC section 5), in real R child
# processes: socket(), bind() and listen() are made to fail by an LD_PRELOAD
# library (socket-shim.c in this directory, compiled here with the system C
# compiler), and the open-files limit is lowered with prlimit(1) for real.
#
# - a family that is not supported (EAFNOSUPPORT, EPROTONOSUPPORT) or refused
#   by policy (EACCES, EPERM from socket()) is skipped: the same port;
# - a loopback address that does not exist (EADDRNOTAVAIL from bind()) is
#   skipped: the same port;
# - anything else is an error of class port4me_system (and port4me_error)
#   whose message names the step and the system's message, right away: never
#   FALSE, never -1, never a search through every port; the command line
#   exits with status 2.
#
# The shim logs every failure it injects (P4M_SHIM_LOG), so each test also
# shows that the failure really happened, and how often.


describe_sf <- function(x) {
  sprintf("status %s\nstdout: %s\nstderr: %s\nshim log (%d lines): %s",
          format(x$res$status), x$res$stdout, x$res$stderr,
          length(x$res$log), paste(utils::head(x$res$log, 5), collapse = " | "))
}

# One expectation set for a port4me_system error.
expect_system_error <- function(r, step, sysmsg, info = "") {
  if (!is.character(r$error)) {
    fail(paste0("no error; got ", paste(deparse(r), collapse = " "), "\n", info))
    return(invisible())
  }
  expect_true(all(c("port4me_system", "port4me_error", "error") %in% r$class),
              info = paste(info, "class:", paste(r$class, collapse = ",")))
  expect_match(r$error, step, fixed = TRUE, info = info)
  expect_match(r$error, sysmsg, fixed = TRUE, info = info)
}

test_that("IPv6 socket() refused or unsupported: the family is skipped, same port", {
  skip_unless_shim()
  for (err in c("EACCES", "EPERM", "EAFNOSUPPORT", "EPROTONOSUPPORT")) {
    # the same child, a few milliseconds apart: rules off, then on
    x <- sf_eval(paste0(
      'Sys.setenv(P4M_SHIM_SOCKET = "");',
      'p0 <- port4me::port4me(user = "alice", tool = "sockfail");',
      'Sys.setenv(P4M_SHIM_SOCKET = "inet6=', err, '");',
      'p1 <- port4me::port4me(user = "alice", tool = "sockfail");',
      't1 <- port4me::port4me(test = p1);',
      'list(p0 = p0, p1 = p1, t1 = t1)'
    ))
    info <- paste(err, describe_sf(x))
    v <- x$value
    expect_type(v$p1, "integer")
    expect_identical(v$p1, v$p0, info = info)
    expect_true(v$p1 >= 1024L && v$p1 <= 65535L, info = info)
    expect_identical(v$t1, TRUE, info = info)
    # the shim refused IPv6 once per port tested (the family is then
    # skipped), and never touched IPv4
    expect_identical(unique(x$res$log), paste("socket inet6", err), info = info)
    expect_gte(length(x$res$log), 2L)
  }
})

test_that("the command line with IPv6 refused gives the same port, --test exits 0", {
  skip_unless_shim()
  args <- c("-e", "port4me::port4me", "--user=alice", "--tool=sockfail")
  off <- sf_run(args)
  on <- sf_run(args, rules = c(P4M_SHIM_SOCKET = "inet6=EACCES"))
  expect_identical(off$status, 0L, info = off$stderr)
  expect_identical(on$status, 0L, info = on$stderr)
  expect_match(on$stdout, "^[0-9]+\n$")
  expect_identical(on$stdout, off$stdout)
  expect_identical(unique(on$log), "socket inet6 EACCES")
  port <- trimws(on$stdout)
  t <- sf_run(c("-e", "port4me::port4me", paste0("--test=", port)),
              rules = c(P4M_SHIM_SOCKET = "inet6=EPERM"))
  expect_identical(t$status, 0L, info = t$stderr)
  expect_identical(t$stdout, "")
})

test_that("IPv4 socket() failing with EMFILE is a port4me_system error at once", {
  skip_unless_shim()
  x <- sf_eval(paste0(
    'list(search = try_p4m(port4me::port4me(user = "alice")),',
    '     nowork = try_p4m(port4me::port4me(user = "alice", must_work = FALSE)),',
    '     test = try_p4m(port4me::port4me(test = 30845L)))'
  ), rules = c(P4M_SHIM_SOCKET = "inet=EMFILE"))
  info <- describe_sf(x)
  v <- x$value
  expect_false(is.null(v), info = info)
  for (what in c("search", "nowork", "test")) {
    expect_system_error(v[[what]], "socket IPv4", "Too many open files",
                        info = paste(what, info))
    expect_null(v[[what]]$value)
  }
  # one port tested per call, then the error: no search through every port
  expect_identical(x$res$log, rep("socket inet EMFILE", 3L), info = info)
})

test_that("the command line exits 2 with the step and the system's message", {
  skip_unless_shim()
  rules <- c(P4M_SHIM_SOCKET = "inet=EMFILE")
  t <- sf_run(c("-e", "port4me::port4me", "--test=30845"), rules = rules)
  expect_identical(t$status, 2L, info = t$stderr)
  expect_identical(t$stdout, "")
  expect_match(t$stderr, "Error", fixed = TRUE)
  expect_match(t$stderr, "socket IPv4", fixed = TRUE)
  expect_match(t$stderr, "Too many open files", fixed = TRUE)
  expect_identical(t$log, "socket inet EMFILE")
  s <- sf_run(c("-e", "port4me::port4me", "--user=alice"), rules = rules)
  expect_identical(s$status, 2L, info = s$stderr)
  expect_identical(s$stdout, "")
  expect_match(s$stderr, "Too many open files", fixed = TRUE)
  expect_identical(s$log, "socket inet EMFILE")
})

test_that("ENFILE, ENOBUFS, ENOMEM from socket() are port4me_system errors", {
  skip_unless_shim()
  cases <- c(ENFILE = "Too many open files in system",
             ENOBUFS = "No buffer space available",
             ENOMEM = "Cannot allocate memory")
  for (err in names(cases)) {
    x <- sf_eval('try_p4m(port4me::port4me(user = "alice"))',
                 rules = c(P4M_SHIM_SOCKET = paste0("inet6=", err)))
    info <- paste(err, describe_sf(x))
    expect_system_error(x$value, "socket IPv6", cases[[err]], info = info)
    expect_identical(x$res$log, paste("socket inet6", err), info = info)
  }
})

test_that("no usable address family at all is a port4me_system error", {
  skip_unless_shim()
  x <- sf_eval('try_p4m(port4me::port4me(user = "alice"))',
               rules = c(P4M_SHIM_SOCKET = "any=EAFNOSUPPORT"))
  info <- describe_sf(x)
  expect_system_error(x$value, "socket IPv4 and IPv6",
                      "Address family not supported", info = info)
  expect_identical(x$res$log, c("socket inet EAFNOSUPPORT",
                                "socket inet6 EAFNOSUPPORT"), info = info)
  x <- sf_eval('try_p4m(port4me::port4me(test = 30845L))',
               rules = c(P4M_SHIM_SOCKET = "any=EPERM"))
  expect_system_error(x$value, "socket IPv4 and IPv6",
                      "Operation not permitted", info = describe_sf(x))
})

test_that("out of descriptors for real (prlimit --nofile) is a port4me_system error", {
  skip_unless_shim()
  prlimit <- Sys.which("prlimit")
  skip_if_not(nzchar(prlimit), "prlimit (util-linux) is not installed")
  skip_if_not(dir.exists("/proc/self/fd"), "no /proc/self/fd")
  # R refuses to start with a low open-files limit, so the child lowers its
  # own limit once it runs: `prlimit --pid <itself> --nofile=K:K`.  First it
  # runs both calls once with the shim's EMFILE, so that every R function of
  # their error path is loaded (R reads lazy-loaded functions from files,
  # which takes a descriptor).  Then it lowers the limit to 3 above its
  # lowest free descriptor (the one that listed /proc/self/fd is closed
  # again: its link is gone), fills the free descriptors below the limit with
  # connections to /dev/null, asks again with the shim off (a real EMFILE
  # from the kernel), and closes the connections before printing.
  code <- paste0(
    'Sys.setenv(P4M_SHIM_SOCKET = "inet=EMFILE");',
    'w1 <- try_p4m(port4me::port4me(user = "alice"));',
    'w2 <- try_p4m(port4me::port4me(test = 30845L));',
    'Sys.setenv(P4M_SHIM_SOCKET = "");',
    'fds <- as.integer(list.files("/proc/self/fd"));',
    'open <- fds[nzchar(Sys.readlink(file.path("/proc/self/fd", fds)))];',
    'k <- 0L; while (k %in% open) k <- k + 1L; k <- k + 3L;',
    'st <- system2("', prlimit, '", c("--pid", Sys.getpid(),',
    '              sprintf("--nofile=%d:%d", k, k)));',
    'cons <- list();',
    'repeat { con <- tryCatch(suppressWarnings(file("/dev/null", "r")),',
    '                         error = function(e) NULL);',
    '  if (is.null(con)) break; cons[[length(cons) + 1L]] <- con;',
    '  if (length(cons) > 100L) break };',
    'r <- try_p4m(port4me::port4me(user = "alice"));',
    't <- try_p4m(port4me::port4me(test = 30845L));',
    'for (con in cons) close(con);',
    'list(prlimit = st, k = k, n = length(cons), search = r, test = t)'
  )
  x <- sf_eval(code)
  info <- describe_sf(x)
  v <- x$value
  expect_false(is.null(v), info = info)
  expect_identical(v$prlimit, 0L, info = info)
  # the connections really hit the descriptor limit (not the loop's cap of
  # 101: below k, R's own limit of 128 connections is never reached)
  expect_true(v$n >= 1L && v$n <= v$k, info = paste("connections:", v$n, info))
  expect_system_error(v$search, "socket IPv4", "Too many open files", info = info)
  expect_system_error(v$test, "socket IPv4", "Too many open files", info = info)
  # the shim injected only the two warm-up failures: the rest was real
  expect_identical(x$res$log, rep("socket inet EMFILE", 2L), info = info)
})

test_that("a loopback address that does not exist (EADDRNOTAVAIL) is skipped", {
  skip_unless_shim()
  x <- sf_eval(paste0(
    'Sys.setenv(P4M_SHIM_BIND = "");',
    'p0 <- port4me::port4me(user = "alice", tool = "sockfail");',
    'Sys.setenv(P4M_SHIM_BIND = "loopback=EADDRNOTAVAIL");',
    'p1 <- port4me::port4me(user = "alice", tool = "sockfail");',
    'list(p0 = p0, p1 = p1)'
  ))
  info <- describe_sf(x)
  expect_type(x$value$p1, "integer")
  expect_identical(x$value$p1, x$value$p0, info = info)
  p <- x$value$p1
  # both loopback addresses skipped for each port tested, the last being p
  expect_true(all(grepl("^bind (127[.]0[.]0[.]1|\\[::1\\]):[0-9]+ EADDRNOTAVAIL$",
                        x$res$log)), info = info)
  expect_identical(utils::tail(x$res$log, 2L),
                   c(sprintf("bind 127.0.0.1:%d EADDRNOTAVAIL", p),
                     sprintf("bind [::1]:%d EADDRNOTAVAIL", p)), info = info)
  # the wildcard address always exists: EADDRNOTAVAIL there is a failure
  x <- sf_eval('try_p4m(port4me::port4me(user = "alice"))',
               rules = c(P4M_SHIM_BIND = "0.0.0.0=EADDRNOTAVAIL"))
  expect_system_error(x$value, "bind 0.0.0.0", "Cannot assign requested address",
                      info = describe_sf(x))
  expect_length(x$res$log, 1L)
})

test_that("a listen() failure is a port4me_system error naming listen", {
  skip_unless_shim()
  x <- sf_eval('try_p4m(port4me::port4me(user = "alice"))',
               rules = c(P4M_SHIM_LISTEN = "inet=ENOBUFS"))
  info <- describe_sf(x)
  expect_system_error(x$value, "listen 0.0.0.0", "No buffer space available",
                      info = info)
  expect_length(x$res$log, 1L)
  # a refused listen() would refuse every port: an error too, not "denied"
  x <- sf_eval('try_p4m(port4me::port4me(test = 30845L))',
               rules = c(P4M_SHIM_LISTEN = "::1=EACCES"))
  expect_system_error(x$value, "listen [::1]", "Permission denied",
                      info = describe_sf(x))
})

test_that("in use and permission denied on one port still move the search on", {
  skip_unless_shim()
  # The contrast with the failures above: EADDRINUSE and EACCES from bind()
  # say something about that port only.
  for (rule in c("127.0.0.1=EADDRINUSE", "::1=EACCES", "inet6=EADDRINUSE")) {
    x <- sf_eval(paste0(
      'p0 <- port4me::port4me(user = "alice", tool = "sockfail");',
      'nxt <- port4me::port4me(user = "alice", tool = "sockfail", exclude = p0);',
      'Sys.setenv(P4M_SHIM_PORT = p0, P4M_SHIM_BIND = "', rule, '");',
      'p1 <- port4me::port4me(user = "alice", tool = "sockfail");',
      't1 <- port4me::port4me(test = p0);',
      'list(p0 = p0, nxt = nxt, p1 = p1, t1 = t1)'
    ))
    info <- paste(rule, describe_sf(x))
    v <- x$value
    expect_type(v$p1, "integer")
    expect_identical(v$p1, v$nxt, info = info)
    expect_false(identical(v$p1, v$p0), info = info)
    expect_identical(v$t1, FALSE, info = info)
    expect_length(x$res$log, 2L)  # the search, then test = p0
  }
})
