# "Free" (SPEC section 5) with real listeners that the tests start and stop
# themselves (httpuv servers in this process, see helper-listen.R), and the
# search, `test`, PORT4ME_TEST, `max_tries` and `must_work` (SPEC section 4)
# against them.  Each test uses a user name of its own, so that ports held by
# other tests or processes do not matter: expectations come from that user's
# sequence, `port4me(user = u, list = n)`, which checks no socket.

free_user <- function(what) paste0("p4m-free-", what, "-", Sys.getpid())

for (host in c("0.0.0.0", "127.0.0.1", "::1", "::")) {
  test_that(sprintf("a port held on %s is busy; the search moves on", host), {
    skip_if_no_listener()
    user <- free_user(host)
    if (grepl(":", host) && !can_listen_on(host, user)) {
      skip(sprintf("this machine cannot listen on %s (no IPv6)", host))
    }
    seq <- port4me(user = user, list = 50)
    first <- port4me(user = user)
    expect_true(first %in% seq)
    expect_true(port4me(test = first))

    s <- listen_on(host, first)
    stopped <- FALSE
    on.exit(if (!stopped) s$stop())

    # the held port is not free: test=, PORT4ME_TEST, the debug reason
    expect_false(port4me(test = first))
    expect_false(with_env(c(PORT4ME_TEST = first), port4me()))
    why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                   port4me(test = first)))
    expect_match(why, sprintf("port %d: in use", first), fixed = TRUE)

    # the search passes over it to the next free port of the sequence
    second <- port4me(user = user)
    expect_true(second %in% seq)
    expect_gt(match(second, seq), match(first, seq))
    between <- seq[seq_len(match(second, seq) - 1L)]
    between <- between[seq_along(between) > match(first, seq)]
    for (p in between) expect_false(port4me(test = p))
    expect_true(port4me(test = second))
    why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                   port4me(user = user)))
    expect_match(why, sprintf("port %d skipped: in use", first), fixed = TRUE)
    expect_match(why, sprintf("port %d is free", second), fixed = TRUE)

    if (host == "::") {
      # Is httpuv's [::] dual-stack (IPv4 too, the Linux default with
      # net.ipv6.bindv6only = 0) or IPv6 only?  Either way the port is busy:
      # port4me also tests [::] itself.
      v6only <- "/proc/sys/net/ipv6/bindv6only"
      if (file.exists(v6only)) {
        dual <- identical(readLines(v6only, warn = FALSE), "0")
        expect_identical(ipv4_any_bindable(first), !dual)
        expect_match(why, if (dual) "bind 0.0.0.0" else "bind [::]",
                     fixed = TRUE)
      }
    }

    # once the listener stops, the first port is free and returned again
    waited <- stop_and_wait(s, first)
    stopped <- TRUE
    expect_false(is.na(waited))
    expect_true(port4me(test = first))
    expect_identical(port4me(user = user), first)
  })
}

test_that("max_tries and must_work with real busy ports", {
  skip_if_no_listener()
  user <- free_user("tries")
  seq <- port4me(user = user, list = 50)
  held <- port4me(user = user)
  s <- listen_on("127.0.0.1", held)
  on.exit(s$stop())
  other <- port4me(user = user)
  expect_false(port4me(test = held))

  # only the held port is checked
  expect_error(port4me(user = user, prepend = held, max_tries = 1),
               "No free port found after checking 1 distinct port (max_tries = 1)",
               fixed = TRUE, class = "port4me_no_port")
  expect_identical(
    port4me(user = user, prepend = held, max_tries = 1, must_work = FALSE),
    -1L
  )
  # the second port checked is free
  expect_identical(port4me(user = user, prepend = c(held, other),
                           max_tries = 2), other)
  # a candidate set of the held port alone: it is checked once, and the
  # search ends, since every port of the stream has been checked
  why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"), {
    res <- port4me(user = user, include = held, max_tries = 3,
                   must_work = FALSE)
  }))
  expect_identical(res, -1L)
  expect_identical(lengths(regmatches(why, gregexpr(
    sprintf("port %d skipped: in use", held), why, fixed = TRUE))), 1L)
  expect_error(port4me(user = user, include = held, max_tries = 3),
               paste0("No free port found: every port of the stream was ",
                      "checked (1 distinct port) and none is free"),
               fixed = TRUE, class = "port4me_no_port")
  # PORT4ME_MUST_WORK and PORT4ME_MAX_TRIES are the defaults of must_work
  # and max_tries
  expect_identical(with_env(c(PORT4ME_MUST_WORK = "false"),
                            port4me(user = user, include = held)), -1L)
  expect_error(with_env(c(PORT4ME_MUST_WORK = "false"),
                        port4me(user = user, include = held,
                                must_work = TRUE)),
               class = "port4me_no_port")
  expect_identical(with_env(c(PORT4ME_MAX_TRIES = "1"),
                            port4me(user = user, prepend = c(held, other),
                                    must_work = FALSE)), -1L)
  expect_identical(with_env(c(PORT4ME_MAX_TRIES = "1"),
                            port4me(user = user, prepend = c(held, other),
                                    max_tries = 2)), other)
  # _PORT4ME_CHECK_AVAILABLE_PORTS_=any makes every port free
  expect_true(with_env(c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any"),
                       port4me(test = held)))
  expect_identical(
    with_env(c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any"),
             port4me(user = user, prepend = held)),
    held
  )
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
  user <- free_user("priv")
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

  if (identical(unname(Sys.info()[["effective_user"]]), "root")) {
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
  expect_match(err, sprintf("port %d: permission denied", port), fixed = TRUE)
})

test_that("10,000 tests leave the number of open file descriptors alone", {
  skip_if_no_listener()
  fd_dir <- "/proc/self/fd"
  skip_if_not(dir.exists(fd_dir), "/proc/self/fd does not exist here")
  user <- free_user("fds")
  held <- port4me(user = user)
  s <- listen_on("::", held)
  on.exit(s$stop())
  free <- port4me(user = user)
  # (connections that earlier tests left to the garbage collector would
  # otherwise close in between and change the count)
  fds <- function() {
    gc()
    length(list.files(fd_dir))
  }
  before <- fds()
  n_free <- 0L
  for (i in seq_len(5000L)) {
    n_free <- n_free + port4me(test = free) + port4me(test = held)
  }
  expect_identical(n_free, 5000L)  # every test of `free` said free
  found <- vapply(seq_len(100L), function(i) port4me(user = user), 0L)
  expect_identical(found, rep(free, 100L))
  expect_identical(fds(), before)
})
