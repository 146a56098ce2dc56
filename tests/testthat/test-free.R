# "Free" (SPEC section 5) with real listeners that the tests start and stop
# themselves on ports found free first (hold_port(), helper-listen.R), and
# the search, `test`, `max_tries` and `must_work` (SPEC section 4) against
# them.  Each test uses a user name of its own (test_user()), so that ports
# held by other tests or processes do not matter.

# The ports of the user's sequence after `port`.
after <- function(port, user) {
  seq <- port4me(user = user, list = 1000)
  seq[seq_along(seq) > match(port, seq)]
}

for (host in c("0.0.0.0", "127.0.0.1", "::1", "::")) {
  test_that(sprintf("a port held on %s is busy; the search moves on", host), {
    skip_if_no_listener()
    user <- test_user("free")
    held <- hold_port(host, user = user)
    if (is.null(held)) skip(sprintf("cannot listen on %s here (no IPv6?)", host))
    port <- held$port

    # not free: test =, PORT4ME_TEST, and the debug line says why
    expect_false(port4me(test = port))
    expect_false(with_env(c(PORT4ME_TEST = port), port4me()))
    why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                   port4me(test = port)))
    expect_match(why, sprintf("port %d skipped: in use (bind ", port),
                 fixed = TRUE)

    # the search passes over it to the next free port of the sequence
    nxt <- free_ports(1L, from = after(port, user))
    why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                   got <- port4me(user = user)))
    expect_identical(got, nxt)
    expect_match(why, sprintf("port %d skipped: in use", port), fixed = TRUE)
    expect_match(why, sprintf("port %d is free", nxt), fixed = TRUE)

    if (host == "::") {
      # Is httpuv's [::] dual-stack (IPv4 too, the Linux default with
      # net.ipv6.bindv6only = 0) or IPv6 only?  Either way the port is busy:
      # port4me also tests [::] itself.
      v6only <- "/proc/sys/net/ipv6/bindv6only"
      if (file.exists(v6only)) {
        dual <- identical(readLines(v6only, warn = FALSE), "0")
        expect_identical(ipv4_any_bindable(port), !dual)
        expect_match(why, if (dual) "bind 0.0.0.0" else "bind [::]",
                     fixed = TRUE)
      }
    }

    # once the listener stops, the port is free, and the user's again
    held$stop()
    expect_true(port4me(test = port))
    expect_identical(port4me(user = user), free_ports(1L, user = user))
  })
}

test_that("max_tries, must_work and the no-free-port errors with busy ports", {
  skip_if_no_listener()
  user <- test_user("tries")
  a <- hold_port("127.0.0.1", user = user)
  b <- hold_port("127.0.0.1", from = after(a$port, user))
  other <- free_ports(1L, from = after(b$port, user))
  held <- c(a$port, b$port)
  no_port <- function(...) {
    e <- tryCatch(port4me(user = user, ...), error = identity)
    expect_s3_class(e, "port4me_no_port")
    expect_s3_class(e, "port4me_error")
    conditionMessage(e)
  }
  every <- paste("No free port found: every port of the stream was checked",
                 "(%s) and none is free")

  # max_tries counts the ports checked
  expect_identical(no_port(prepend = held[1], max_tries = 1),
                   "No free port found after checking 1 distinct port (max_tries = 1)")
  expect_identical(no_port(prepend = held, max_tries = 2),
                   "No free port found after checking 2 distinct ports (max_tries = 2)")
  expect_identical(with_env(c(PORT4ME_MAX_TRIES = "1"),
                            no_port(prepend = held)),
                   "No free port found after checking 1 distinct port (PORT4ME_MAX_TRIES = 1)")
  expect_identical(port4me(user = user, prepend = c(held[1], other),
                           max_tries = 2), other)
  # must_work = FALSE (or PORT4ME_MUST_WORK=false) gives -1 instead
  expect_identical(port4me(user = user, prepend = held, max_tries = 2,
                           must_work = FALSE), -1L)
  expect_identical(with_env(c(PORT4ME_MUST_WORK = "false"),
                            port4me(user = user, include = held[1])), -1L)

  # the search ends once every port of the stream was checked, each once:
  # a prepended port that is also a candidate is checked once, and one
  # that is not a candidate is a port of the stream too
  why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
    msg <- no_port(include = held[1], prepend = held[1], max_tries = 5)))
  expect_identical(msg, sprintf(every, "1 distinct port"))
  expect_identical(lengths(regmatches(why, gregexpr(
    sprintf("port %d skipped: in use", held[1]), why, fixed = TRUE))), 1L)
  expect_identical(no_port(include = paste(held, collapse = ",")),
                   sprintf(every, "2 distinct ports"))
  expect_identical(no_port(prepend = held[2], include = held[1]),
                   sprintf(every, "2 distinct ports"))
  expect_identical(port4me(user = user, prepend = held[1],
                           include = c(held[1], other)), other)

  # _PORT4ME_CHECK_AVAILABLE_PORTS_=any makes every port free
  with_env(c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any"), {
    expect_true(port4me(test = held[1]))
    expect_identical(port4me(user = user, prepend = held[1]), held[1])
    expect_identical(capture_stderr(port4me(test = held[1])), "")
    # (by content: lines about claims folders may come before it)
    expect_match(
      capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                              port4me(test = held[1]))),
      sprintf("port4me: port %d counts as free (_PORT4ME_CHECK_AVAILABLE_PORTS_=any)",
              held[1]), fixed = TRUE)
  })
})

test_that("the smallest and the largest port can be tested", {
  skip_if_no_listener()
  # never an error: 1 and 65535 are ports like any other
  expect_type(port4me(test = 1L), "logical")
  held <- hold_port("127.0.0.1", from = 65535L, tries = 1L)
  skip_if(is.null(held), "port 65535 is not free here")
  expect_false(port4me(test = 65535L))
  why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                 port4me(test = 65535L)))
  expect_match(why, "port 65535 skipped: in use (bind ", fixed = TRUE)
  held$stop()
  expect_true(port4me(test = 65535L))
  # and a search can end on it
  expect_identical(port4me(user = test_user("max"), include = "65535",
                           exclude = "0"), 65535L)
})

test_that("privileged ports are not free for an unprivileged user", {
  skip_on_cran()
  skip_on_os("windows")
  start_file <- "/proc/sys/net/ipv4/ip_unprivileged_port_start"
  start <- if (file.exists(start_file)) {
    as.integer(readLines(start_file, warn = FALSE))
  } else {
    1024L
  }
  if (start <= 1L) {
    skip(sprintf("every user may bind every port here (%s = %d)",
                 start_file, start))
  }
  port <- start - 1L  # the highest privileged port, normally 1023
  user <- test_user("priv")
  code <- sprintf(paste(
    "library(port4me)",
    "Sys.setenv(PORT4ME_EXCLUDE_UNSAFE = '0')",
    "cat('test', port4me(test = %d), '\\n')",
    "cat('find', port4me(user = '%s', prepend = %d, include = '%d',",
    "                    max_tries = 3, must_work = FALSE), '\\n')",
    "cat('unprivileged', port4me(test = port4me(user = '%s')), '\\n')",
    "Sys.setenv(PORT4ME_DEBUG = 'true')",
    "invisible(port4me(test = %d))",
    sep = "\n"), port, user, port, port, user, port)

  if (is_root()) {
    skip_unless_nobody_can_load()
    res <- run_as_nobody(c("-e", code))
    expect_identical(res$status, 0L, info = paste(res$stderr, collapse = "\n"))
    out <- res$stdout
    err <- paste(res$stderr, collapse = "\n")
  } else {
    vars <- c(PORT4ME_DEBUG = NA, PORT4ME_EXCLUDE_UNSAFE = NA)
    out <- with_env(vars, utils::capture.output(
      err <- capture_stderr(eval(parse(text = code), new.env()))
    ))
  }
  expect_identical(trimws(out), c("test FALSE", "find -1", "unprivileged TRUE"))
  expect_match(err, sprintf("port %d skipped: permission denied (bind ", port),
               fixed = TRUE)
})

test_that("many tests leave the number of open file descriptors alone", {
  skip_if_no_listener()
  fd_dir <- "/proc/self/fd"
  skip_if_not(dir.exists(fd_dir), "/proc/self/fd does not exist here")
  user <- test_user("fds")
  held <- hold_port("::", user = user)
  skip_if(is.null(held), "cannot listen on [::] here (no IPv6?)")
  free <- free_ports(1L, from = after(held$port, user))
  # (connections that earlier tests left to the garbage collector would
  # otherwise close in between and change the count)
  fds <- function() {
    gc()
    length(list.files(fd_dir))
  }
  before <- fds()
  n_free <- 0L
  for (i in seq_len(2000L)) {
    n_free <- n_free + port4me(test = free) + port4me(test = held$port)
  }
  expect_identical(n_free, 2000L)  # every test of `free` said free
  found <- vapply(seq_len(100L), function(i) port4me(user = user), 0L)
  expect_identical(found, rep(free, 100L))
  # the error paths too: no free port, a bad argument
  for (i in seq_len(100L)) {
    try(port4me(user = user, include = held$port), silent = TRUE)
    try(port4me(user = user, skip = -1), silent = TRUE)
  }
  expect_identical(fds(), before)
})
