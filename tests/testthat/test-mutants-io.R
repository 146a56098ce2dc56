# Behaviour of the I/O modules (the .Call layer and the search in
# src/port4me.c, the socket test in src/freeport.c, the claims in
# src/claims.c, the conditions in src/conditions.c) that the other test
# files did not pin down: each test here was written for a change to the C
# code that no other test noticed (tools/mutate), and checks what a user
# sees - a port, TRUE/FALSE, an error's class and message, a debug line.

mio_user <- function(what) paste0("p4m-mio-", what, "-", Sys.getpid())


test_that("the largest port, 65535, can be tested: free, and busy with a listener", {
  # never an error: 65535 is a port like any other
  res <- tryCatch(port4me(test = 65535L), error = identity)
  expect_type(res, "logical")
  skip_if_no_listener()
  s <- tryCatch(listen_on("127.0.0.1", 65535L), error = function(e) NULL)
  skip_if(is.null(s), "port 65535 is held by another process")
  stopped <- FALSE
  on.exit(if (!stopped) s$stop())
  expect_false(port4me(test = 65535L))
  why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                 port4me(test = 65535L)))
  expect_match(why, "port 65535: in use (bind 0.0.0.0: ", fixed = TRUE)
  expect_false(is.na(stop_and_wait(s, 65535L)))
  stopped <- TRUE
  expect_true(port4me(test = 65535L))
  # and a search can end on it
  expect_identical(port4me(user = mio_user("max"), include = "65535",
                           exclude = "0"), 65535L)
})

test_that("port 1, the smallest port, can be tested (never an error)", {
  expect_type(tryCatch(port4me(test = 1L), error = identity), "logical")
})

test_that("EPERM from bind() is 'permission denied': the search moves on", {
  skip_unless_shim()
  user <- mio_user("eperm")
  for (rule in c("127.0.0.1=EPERM", "0.0.0.0=EPERM")) {
    x <- sf_eval(paste0(
      'p0 <- port4me::port4me(user = "', user, '");',
      'nxt <- port4me::port4me(user = "', user, '", exclude = p0);',
      'Sys.setenv(P4M_SHIM_PORT = p0, P4M_SHIM_BIND = "', rule, '");',
      'p1 <- port4me::port4me(user = "', user, '");',
      't1 <- port4me::port4me(test = p0);',
      'Sys.setenv(PORT4ME_DEBUG = "true");',
      'why <- utils::capture.output(invisible(port4me::port4me(test = p0)), type = "message");',
      'list(p0 = p0, nxt = nxt, p1 = p1, t1 = t1, why = why)'
    ))
    v <- x$value
    addr <- sub("=.*", "", rule)
    expect_type(v$p1, "integer")
    expect_identical(v$p1, v$nxt, info = x$info)
    expect_false(identical(v$p1, v$p0), info = x$info)
    expect_identical(v$t1, FALSE, info = x$info)
    expect_identical(v$why, sprintf(paste0(
      "port4me: port %d: permission denied (bind %s: Operation not permitted)"),
      v$p0, addr), info = x$info)
  }
})

# A private folder for claims (XDG_RUNTIME_DIR), removed when `env` ends.
mio_xdg <- function(env = parent.frame()) {
  dir <- tempfile("p4m-mio-xdg-")
  dir.create(dir, mode = "0700")
  withr::defer(unlink(dir, recursive = TRUE), envir = env)
  dir
}

# The claims folder below xdg, made with exactly `mode` (whatever the umask).
mio_claims_folder <- function(xdg, mode) {
  cl <- file.path(xdg, "port4me")
  dir.create(cl, mode = mode)
  Sys.chmod(cl, mode, use_umask = FALSE)
  cl
}

test_that("without debug nothing is written to stderr; with debug, the reasons", {
  xdg <- mio_xdg()
  user <- mio_user("quiet")
  with_env(c(XDG_RUNTIME_DIR = xdg, PORT4ME_DEBUG = NA,
             `_PORT4ME_CHECK_AVAILABLE_PORTS_` = NA), {
    first <- port4me(user = user, list = 2)
    expect_identical(capture_stderr(port4me(test = first[1])), "")
    expect_identical(capture_stderr(port4me(user = user)), "")
    # a claim taken, and a claimed port passed over, silently
    expect_identical(capture_stderr(p <- port4me(user = user, reserve = 60)), "")
    expect_true(file.exists(file.path(xdg, "port4me", p)))
    expect_identical(capture_stderr(q <- port4me(user = user, reserve = 60)), "")
    expect_false(identical(p, q))
    expect_identical(capture_stderr(port4me(test = p)), "")
    # with debug, the claimed port is named, while reserving too
    out <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                   port4me(user = user, reserve = 60)))
    expect_match(out, sprintf(
      "port4me: port %d skipped: claimed until [0-9]{2}:[0-9]{2}:[0-9]{2}", p))
    expect_match(out, sprintf(
      "port4me: port %d skipped: claimed until [0-9]{2}:[0-9]{2}:[0-9]{2}", q))
    # every port counts as free: still silent without debug
    with_env(c(`_PORT4ME_CHECK_AVAILABLE_PORTS_` = "any"), {
      free <- port4me(user = mio_user("quiet-any"), list = 1)
      expect_identical(capture_stderr(port4me(test = free)), "")
      expect_identical(capture_stderr(port4me(user = mio_user("quiet-any"))), "")
      expect_identical(
        capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                port4me(test = free))),
        sprintf("port4me: port %d counts as free (_PORT4ME_CHECK_AVAILABLE_PORTS_=any)",
                free))
    })
  })
})

test_that("no folder for claims at all: a port without reserve, an error with it", {
  # (HOME empty: an unset HOME would be R's idea of the home folder)
  vars <- c(XDG_RUNTIME_DIR = NA, R_USER_CACHE_DIR = NA, XDG_CACHE_HOME = NA,
            HOME = "", PORT4ME_RESERVE = NA)
  user <- mio_user("nofolder")
  expected <- port4me(user = user, list = 1)
  with_env(c(vars, `_PORT4ME_CHECK_AVAILABLE_PORTS_` = "any"), {
    expect_identical(port4me(user = user), expected)
    expect_identical(port4me(user = user, reserve = 0), expected)
    expect_true(port4me(test = expected))
    e <- tryCatch(port4me(user = user, reserve = 1), error = identity)
    expect_s3_class(e, "port4me_system")
    expect_match(conditionMessage(e), "Cannot claim a port: no folder for claims",
                 fixed = TRUE)
  })
})

test_that("the claims folder is made only to reserve; a busy port's claim is dropped", {
  xdg <- mio_xdg()
  cl <- file.path(xdg, "port4me")
  user <- mio_user("folder")
  with_env(c(XDG_RUNTIME_DIR = xdg, PORT4ME_RESERVE = NA), {
    first <- port4me(user = user)
    port4me(user = user, reserve = 0)
    expect_true(is.logical(port4me(test = first)))
    expect_false(dir.exists(cl))
    # reserve = 1, the shortest claim, makes the folder and the claim
    p <- port4me(user = user, reserve = 1)
    expect_true(dir.exists(cl))
    expect_identical(as.character(file.info(cl)$mode), "700")
    expect_true(file.exists(file.path(cl, p)))
    unlink(file.path(cl, p))
    # a port found busy after it was claimed is not left claimed
    skip_if_no_listener()
    busy <- port4me(user = user)
    s <- tryCatch(listen_on("127.0.0.1", busy), error = function(e) NULL)
    skip_if(is.null(s), "cannot listen on the user's first free port")
    on.exit(s$stop(), add = TRUE)
    got <- port4me(user = user, reserve = 1)
    expect_false(identical(got, busy))
    expect_false(file.exists(file.path(cl, busy)))
    expect_true(file.exists(file.path(cl, got)))
  })
})

test_that("no free port: the error says how many distinct ports were checked", {
  skip_if_no_listener()
  user <- mio_user("noport")
  two <- integer()
  servers <- list()
  on.exit(for (s in servers) s$stop(), add = TRUE)
  for (p in port4me(user = user, list = 20)) {
    s <- tryCatch(listen_on("127.0.0.1", p), error = function(e) NULL)
    if (is.null(s)) next
    servers[[length(servers) + 1L]] <- s
    two <- c(two, p)
    if (length(two) == 2L) break
  }
  skip_if(length(two) < 2L, "cannot listen on two ports of the user's stream")
  msg <- function(...) {
    e <- tryCatch(port4me(user = user, ...), error = identity)
    expect_s3_class(e, "port4me_no_port")
    conditionMessage(e)
  }
  every <- "No free port found: every port of the stream was checked (%s) and none is free"
  expect_identical(msg(include = as.character(two[1]), exclude = "0"),
                   sprintf(every, "1 distinct port"))
  expect_identical(msg(include = paste(two, collapse = ","), exclude = "0"),
                   sprintf(every, "2 distinct ports"))
  # a prepended port that is not a candidate is a port of the stream too
  expect_identical(msg(prepend = two[2], include = as.character(two[1]),
                       exclude = "0"),
                   sprintf(every, "2 distinct ports"))
  expect_identical(msg(prepend = two[1], max_tries = 1),
                   "No free port found after checking 1 distinct port (max_tries = 1)")
  expect_identical(msg(prepend = two, max_tries = 2),
                   "No free port found after checking 2 distinct ports (max_tries = 2)")
  expect_identical(port4me(user = user, prepend = two, max_tries = 2,
                           must_work = FALSE), -1L)
})


test_that(".Call: values outside what R lets through are internal errors naming the argument", {
  internal <- " (an internal error: port4me() checks this)"
  count <- function(lo) sprintf(" must be NULL or a single whole number in %d..2147483647", lo)
  cases <- list(
    list(list(user = NA_character_), "'user' must be NULL or a single string"),
    list(list(user = c("a", "b")), "'user' must be NULL or a single string"),
    list(list(user = 1), "'user' must be NULL or a single string"),
    list(list(user = NULL, account = character()), "account must be NULL or a single string"),
    list(list(tool = 1L), "'tool' must be NULL or a single string"),
    list(list(must_work = "x"), "'must_work' must be NULL, TRUE or FALSE"),
    list(list(must_work = NA), "'must_work' must be NULL, TRUE or FALSE"),
    list(list(must_work = 1), "'must_work' must be NULL, TRUE or FALSE"),
    list(list(must_work = c(TRUE, FALSE)), "'must_work' must be NULL, TRUE or FALSE"),
    list(list(must_work = logical()), "'must_work' must be NULL, TRUE or FALSE"),
    list(list(must_work = structure(TRUE, class = "flag")), "'must_work' must be NULL, TRUE or FALSE"),
    list(list(prepend = factor(1)), "'prepend' must be NULL, a string or an integer vector of ports"),
    list(list(include = TRUE), "'include' must be NULL, a string or an integer vector of ports"),
    list(list(exclude = 8000), "'exclude' must be NULL, a string or an integer vector of ports"),
    list(list(exclude = factor("8000")), "'exclude' must be NULL, a string or an integer vector of ports"),
    list(list(include = c("1", "2")), "'include' must be NULL or a single string"),
    list(list(include = NA_character_), "'include' must be NULL or a single string"),
    list(list(skip = -1), paste0("'skip'", count(0))),
    list(list(skip = NA_real_), paste0("'skip'", count(0))),
    list(list(skip = NaN), paste0("'skip'", count(0))),
    list(list(skip = 1.5), paste0("'skip'", count(0))),
    list(list(skip = 2147483648), paste0("'skip'", count(0))),
    list(list(skip = "1"), paste0("'skip'", count(0))),
    list(list(skip = c(1, 2)), paste0("'skip'", count(0))),
    list(list(skip = numeric()), paste0("'skip'", count(0))),
    list(list(skip = factor(1)), paste0("'skip'", count(0))),
    list(list(list = 0L), paste0("'list'", count(1))),
    list(list(test = 0L), "'test' must be NULL or a single whole number in 1..65535"),
    list(list(test = 65536), "'test' must be NULL or a single whole number in 1..65535"),
    list(list(max_tries = 0), paste0("'max_tries'", count(1))),
    list(list(reserve = -1), paste0("'reserve'", count(0))),
    list(list(env = "x"), "env must be the values of port4me's variables"),
    list(list(env = 1:20), "env must be the values of port4me's variables"),
    list(list(env = NULL), "env must be the values of port4me's variables"),
    list(list(env = rep(NA_character_, port4me:::the$n_c_vars - 1L)),
         "env must be the values of port4me's variables")
  )
  for (case in cases) {
    e <- tryCatch(do.call(call_port4me, case[[1]]), error = identity)
    label <- paste(deparse(case[[1]]), collapse = "")
    expect_s3_class(e, "port4me_invalid")
    expect_identical(conditionMessage(e), paste0(case[[2]], internal),
                     info = label)
  }
  # and the largest and smallest values that are let through work
  expect_identical(call_port4me(skip = 0), 30845L)
  expect_identical(call_port4me(skip = 0L, list = 2L), c(30845L, 19654L))
  expect_identical(call_port4me(skip = 1, list = 1), 19654L)
  expect_type(call_port4me(list = NULL, test = 65535L), "logical")
  expect_type(call_port4me(list = NULL, test = 1), "logical")
  expect_identical(call_port4me(list = 3, include = "65535", exclude = "0"),
                   rep(65535L, 3L))
  expect_identical(call_port4me(list = 3L, prepend = c(1L, 2L)), c(1L, 2L, 30845L))
  expect_identical(call_port4me(list = 2L, include = "30845,19654", exclude = "0"),
                   c(30845L, 19654L))
  expect_identical(call_port4me(list = 1L, exclude = c(30845L, 19654L)), 32310L)
  expect_identical(call_port4me(list = 1L, user = NULL, account = "alice"), 30845L)
  expect_identical(call_port4me(list = 1L, tool = "x", user = "alice"),
                   port4me(tool = "x", user = "alice", list = 1))
})

test_that("the hash of a string (for tests) and the internal lists", {
  h <- function(x) .Call(port4me:::R_port4me_hash, x)
  expect_identical(h(""), 0)
  expect_identical(h("abc"), 96354)
  e <- tryCatch(h(NULL), error = identity)
  expect_s3_class(e, "port4me_invalid")
  expect_identical(conditionMessage(e), paste(
    "x must be a single string of UTF-8 text",
    "(an internal error: port4me() checks this)"))
  e <- tryCatch(h("\xff"), error = identity)
  expect_s3_class(e, "port4me_invalid")
  vars <- .Call(port4me:::R_port4me_vars)
  expect_true(all(nzchar(vars)))
  expect_identical(vars[1:3], c("PORT4ME_USER", "USER", "PORT4ME_TOOL"))
  expect_false(anyDuplicated(vars) > 0)
  lists <- .Call(port4me:::R_port4me_unsafe)
  expect_length(lists, 2L)
  expect_match(lists, "^[0-9]+(,[0-9]+)+$")
  expect_true(all(grepl("(^|,)6000(,|$)", lists)))
})

test_that("a long list from few candidates is the cycle repeated, and quick", {
  # two candidates: each generated port costs about 32768 generator steps
  # unless the stream remembers its cycle; a million ports stay instant
  u <- mio_user("cycle")
  two <- port4me(user = u, include = "30000,30001", exclude = "0", list = 2)
  expect_setequal(two, c(30000L, 30001L))
  t0 <- proc.time()[["elapsed"]]
  many <- port4me(user = u, include = "30000,30001", exclude = "0",
                  list = 1000000)
  expect_identical(many, rep(two, 500000L))
  # with skip, and with prepended ports in front
  expect_identical(port4me(user = u, include = "30000,30001", exclude = "0",
                           list = 100001, skip = 999999),
                   rep(two[c(2, 1)], length.out = 100001L))
  expect_identical(port4me(user = u, include = "30000,30001", exclude = "0",
                           prepend = c(5000L, 5001L), list = 200000),
                   c(5000L, 5001L, rep(two, length.out = 199998L)))
  expect_lt(proc.time()[["elapsed"]] - t0, 60)
})

test_that("a claims folder open to others is an error, with or without reserve", {
  skip_on_os("windows")
  xdg <- mio_xdg()
  cl <- mio_claims_folder(xdg, "0755")
  user <- mio_user("badfolder")
  with_env(c(XDG_RUNTIME_DIR = xdg, PORT4ME_RESERVE = NA), {
    for (reserve in list(NULL, 0, 30)) {
      e <- tryCatch(port4me(user = user, reserve = reserve), error = identity)
      expect_s3_class(e, "port4me_system")
      expect_identical(conditionMessage(e), sprintf(paste(
        "Cannot use the folder of port claims: '%s' is open to group or",
        "others (must be mode 0700)"), cl))
    }
    e <- tryCatch(port4me(test = port4me(user = user, list = 1)),
                  error = identity)
    expect_s3_class(e, "port4me_system")
  })
})

test_that("a claim that cannot be removed is an error (search, reserve, test)", {
  skip_on_os("windows")
  xdg <- mio_xdg()
  cl <- mio_claims_folder(xdg, "0700")
  user <- mio_user("stuck")
  with_env(c(XDG_RUNTIME_DIR = xdg, PORT4ME_RESERVE = NA,
             `_PORT4ME_CHECK_AVAILABLE_PORTS_` = "any"), {
    p <- port4me(user = user, list = 1)
    # in place of the claim file, a folder with something in it: no claim,
    # so it is to be removed, which cannot be done
    dir.create(file.path(cl, p, "x"), recursive = TRUE)
    file.create(file.path(cl, ".lock"))
    want <- sprintf(paste0("Cannot read or write a port claim: cannot remove ",
                           "'%s/%d': Directory not empty"), cl, p)
    for (code in list(quote(port4me(user = user)),
                      quote(port4me(user = user, reserve = 30)),
                      quote(port4me(test = p)))) {
      e <- tryCatch(eval(code), error = identity)
      expect_s3_class(e, "port4me_system")
      expect_identical(conditionMessage(e), want, info = deparse(code))
    }
  })
})

test_that("a prepended port that is also a candidate is checked once, and the search goes on", {
  skip_if_no_listener()
  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  user <- mio_user("dup")
  s <- port4me(user = user, list = 2)
  skip_if(!port4me(test = s[1]) || !port4me(test = s[2]),
          "the first two ports of the test user's sequence are in use")
  srv <- listen_on("127.0.0.1", s[1])
  on.exit(srv$stop())
  # the stream is s[1] (prepended), then s[1] and s[2] (generated): the busy
  # s[1] is checked once, and s[2], the second distinct port, is found
  why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"), {
    got <- port4me(user = user, prepend = s[1], include = s)
  }))
  expect_identical(got, s[2])
  expect_identical(lengths(regmatches(why, gregexpr(
    sprintf("port %d skipped: in use", s[1]), why, fixed = TRUE))), 1L)
})

test_that("the internal lists leave R's protection stack as they found it", {
  # (R says "stack imbalance" on stderr when a .Call leaves it unbalanced)
  for (f in list(port4me:::R_port4me_vars, port4me:::R_port4me_unsafe)) {
    out <- capture.output(x <- .Call(f), type = "message")
    expect_identical(out, character())
    expect_type(x, "character")
  }
  out <- capture.output(x <- port4me(user = "alice", list = 2), type = "message")
  expect_identical(out, character())
})
