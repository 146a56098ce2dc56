# Claims (SPEC section 8), in this process: reserve = s claims the returned
# port for s seconds, and every port4me() call of the same account passes
# live claims over.  Time comes from claim files written by hand with
# chosen expiry times (helper-claims.R), never from sleeping.  Each test
# has a fresh claims folder of its own (local_claims_dir()).

test_that("reserve claims the returned port; later calls pass it over", {
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("claims")
  s <- port4me(user = user, list = 5)
  t0 <- unix_now()
  expect_identical(port4me(user = user, reserve = 30), s[1])
  t1 <- unix_now()
  expect_identical(port4me(user = user, reserve = 30), s[2])
  # without reserve, claims are honoured and nothing is claimed
  expect_identical(port4me(user = user), s[3])
  expect_identical(port4me(user = user), s[3])
  # one claim file per port, private: its expiry and this process
  expect_setequal(setdiff(everything_in(dir), ".lock"), as.character(s[1:2]))
  expect_identical(file.mode(dir), as.octmode("700"))
  expect_identical(file.mode(file.path(dir, s[1])), as.octmode("600"))
  claim <- read_claim(dir, s[1])
  expect_match(claim$line, sprintf("^[0-9]+[.][0-9]{3} %d$", Sys.getpid()))
  expect_gte(claim$expiry, t0 + 30)
  expect_lte(claim$expiry, t1 + 30.001)
  # the claims are the account's: any port4me user name and tool passes
  # them over, prepended or not
  other <- test_user("other")
  expect_identical(port4me("tool", user = other, prepend = s[1:2]),
                   port4me("tool", user = other, list = 1))
  # PORT4ME_RESERVE does the same; reserve = 0 overrides it, writes nothing
  with_env(c(PORT4ME_RESERVE = "30"), {
    expect_identical(port4me(user = user), s[3])
    before <- folder_state(dir)
    expect_identical(port4me(user = user, reserve = 0), s[4])
    expect_identical(folder_state(dir), before)
  })
  # test = port: a claim of this very process does not count (it is free
  # for the server this process is about to start); another's does
  expect_true(port4me(test = s[1]))
  expect_true(port4me(test = port4me(user = test_user("self"), reserve = 30)))
  write_claim(dir, s[5], unix_now() + 3600, pid = 1L)
  expect_false(port4me(test = s[5]))
})

test_that("only a live claim counts: expired and far-ahead ones are ignored, and replaced by a reserve call", {
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("expiry")
  s <- port4me(user = user, list = 6)
  t <- floor(unix_now())
  write_claim(dir, s[1], t - 1)               # expired a second ago
  write_claim(dir, s[2], t + 3600)            # live for an hour
  write_claim(dir, s[3], 32503680000)         # 3000-01-01: too far ahead
  write_claim(dir, s[4], t + 86400 + 3600)    # more than a day ahead
  write_claim(dir, s[5], t + 86000)           # within a day: live
  writeLines("soon", file.path(dir, s[6]))    # not a claim
  before <- folder_state(dir)
  expect_identical(vapply(s, function(p) port4me(test = p), NA),
                   c(TRUE, FALSE, TRUE, TRUE, FALSE, TRUE))
  expect_identical(port4me(user = user), s[1])
  expect_identical(port4me(user = user, prepend = s[c(2, 5, 3)]), s[3])
  # the debug line names the claim's end, with a date, and its folder
  why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                 port4me(user = user, prepend = s[2])))
  expect_match(why, sprintf(
    "port %d skipped: claimed until %s (in %s)", s[2],
    format(as.POSIXct(t + 3600, origin = "1970-01-01"), "%Y-%m-%d %H:%M:%S"),
    dir), fixed = TRUE)
  # without reserve nothing was removed or changed
  expect_identical(folder_state(dir), before)

  # a reserve call replaces what is not a live claim on its way, keeps the
  # live ones, and passes over its own earlier claims
  t0 <- unix_now()
  expect_identical(port4me(user = user, prepend = s[3], reserve = 30), s[3])
  expect_identical(port4me(user = user, reserve = 30), s[1])
  expect_identical(port4me(user = user, prepend = s[c(2, 5, 1, 3)],
                           reserve = 30), s[4])
  for (p in s[c(1, 3, 4)]) {
    claim <- read_claim(dir, p)
    expect_identical(claim$pid, Sys.getpid())
    expect_gte(claim$expiry, t0 + 30)
    expect_lt(claim$expiry, 32503680000)
  }
  expect_identical(read_claim(dir, s[2])$expiry, t + 3600)
  expect_identical(read_claim(dir, s[5])$expiry, t + 86000)
})

test_that("the no-free-port error counts the claimed ports", {
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("count")
  s <- port4me(user = user, list = 3)
  for (p in s) write_claim(dir, p, unix_now() + 3600)
  msg <- function(...) {
    e <- tryCatch(port4me(user = user, exclude = "0", ...), error = identity)
    expect_s3_class(e, "port4me_no_port")
    conditionMessage(e)
  }
  every <- paste("No free port found: every port of the stream was checked",
                 "(%s) and none is free; %s claimed by other port4me calls",
                 "of yours")
  expect_identical(msg(include = paste(s[1:2], collapse = ",")),
                   sprintf(every, "2 distinct ports", "2 of them are"))
  expect_identical(msg(include = as.character(s[1])),
                   sprintf(every, "1 distinct port", "1 of them is"))
  # with reserve too (the claims of the folder it writes to)
  expect_identical(msg(include = paste(s[1:2], collapse = ","), reserve = 30),
                   sprintf(every, "2 distinct ports", "2 of them are"))
  expect_identical(
    msg(include = paste(s, collapse = ","), max_tries = 2),
    paste("No free port found after checking 2 distinct ports (max_tries = 2);",
          "2 of them are claimed by other port4me calls of yours"))
})

test_that("release = port drops the account's claim: TRUE, then FALSE", {
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("release")
  s <- port4me(user = user, list = 2)
  expect_identical(port4me(user = user, reserve = 30), s[1])
  expect_true(port4me(release = s[1]))
  expect_false(file.exists(file.path(dir, s[1])))
  expect_false(port4me(release = s[1]))
  expect_identical(port4me(user = user), s[1])
  # a claim of any process of the account is the account's to drop
  write_claim(dir, s[2], unix_now() + 3600, pid = 1L)
  expect_true(port4me(release = s[2]))
  expect_identical(setdiff(everything_in(dir), ".lock"), character())
  # no claims folder at all: FALSE, and nothing is created
  dir <- local_claims_dir()
  expect_false(port4me(release = s[1]))
  expect_false(dir.exists(dir))
})

test_that("reserve is at most 86400 seconds (one day)", {
  local_port4me_env()
  dir <- local_claims_dir()
  e <- tryCatch(port4me(reserve = 86401), error = identity)
  expect_s3_class(e, "port4me_invalid")
  expect_identical(e$source, "reserve")
  expect_identical(conditionMessage(e),
                   "reserve must be a whole number of seconds in 0..86400, not 86401")
  e <- tryCatch(with_env(c(PORT4ME_RESERVE = "86401"), port4me()),
                error = identity)
  expect_identical(e$source, "PORT4ME_RESERVE")
  expect_identical(conditionMessage(e), paste(
    "PORT4ME_RESERVE must be a whole number of seconds in 0..86400,",
    "not \"86401\""))
  expect_false(dir.exists(dir))
  # the longest claim
  t0 <- unix_now()
  p <- port4me(user = test_user("day"), reserve = 86400)
  # (at most now + a day, in whole ms: not before t0 + a day - 1 ms)
  expect_gte(read_claim(dir, p)$expiry, t0 + 86400 - 0.001)
  expect_false(identical(port4me(user = test_user("day2"), prepend = p), p))
})

test_that("what is not a claim in the folder never makes a call fail", {
  local_port4me_env()
  dir <- local_claims_dir()
  make_dir(dir)
  # a non-empty folder, an empty file, a symbolic link and a name that is
  # no port
  dir.create(file.path(dir, "40000", "x"), recursive = TRUE)
  file.create(file.path(dir, "40001"))
  target <- tempfile("p4m-target-")
  live <- sprintf("%.3f 1", unix_now() + 3600)
  writeLines(live, target)
  withr::defer(unlink(target))
  file.symlink(target, file.path(dir, "40002"))
  writeLines("x", file.path(dir, "notes"))
  one <- function(port, ...) port4me(include = port, exclude = "0", ...)
  for (p in 40000:40002) {
    expect_identical(one(p), p)
    expect_true(port4me(test = p))
  }
  # with reserve: the folder stays (it cannot be removed) and its port is
  # tested without a claim; the others are replaced by claims
  why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                 got <- one(40000, reserve = 30)))
  expect_identical(got, 40000L)
  expect_match(why, sprintf(paste("port 40000 cannot be claimed: something",
                                  "in %s has its name; it is tested without",
                                  "a claim"), dir), fixed = TRUE)
  expect_true(dir.exists(file.path(dir, "40000", "x")))
  for (p in 40001:40002) {
    expect_identical(one(p, reserve = 30), p)
    expect_identical(read_claim(dir, p)$pid, Sys.getpid())
  }
  # (the link was replaced, never followed)
  expect_false(nzchar(Sys.readlink(file.path(dir, "40002"))))
  expect_identical(readLines(target), live)
})

test_that("a claims folder that cannot be trusted is passed over, never an error", {
  skip_on_os("windows")
  local_port4me_env()
  user <- test_user("trust")
  first <- port4me(user = user, list = 1)
  private <- tempfile("p4m-private-")
  make_dir(private)
  withr::defer(unlink(private, recursive = TRUE))
  # what spoils the folder, and the reason debug gives
  spoilers <- list(
    "it is a symbolic link" = function(dir) file.symlink(private, dir),
    "it is open to group or others" = function(dir) make_dir(dir, "0755"),
    "Not a directory" = function(dir) writeLines("x", dir),
    "it is owned by another user" = if (is_root()) function(dir) {
      make_dir(dir)
      stopifnot(system2("chown", c("nobody", shQuote(dir))) == 0L)
    })
  spoilers <- Filter(Negate(is.null), spoilers)
  for (why in names(spoilers)) {
    dir <- local_claims_dir()
    cache <- tempfile("p4m-cache-")
    withr::local_envvar(R_USER_CACHE_DIR = cache)
    withr::defer(unlink(cache, recursive = TRUE))
    spoilers[[why]](dir)
    state <- function() list(folder_state(dirname(dir)), Sys.readlink(dir))
    before <- state()
    # without reserve: as if there were no folder, and debug says why
    out <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"), {
      expect_identical(port4me(user = user), first, info = why)
      expect_true(port4me(test = first), info = why)
    }))
    expect_match(out, sprintf("claims folder %s passed over: ", dir),
                 fixed = TRUE, info = why)
    expect_match(out, why, fixed = TRUE, info = why)
    # with reserve: the claim goes to the next folder, the cache folder
    expect_identical(port4me(user = user, reserve = 30), first, info = why)
    host <- gsub("[^A-Za-z0-9._-]", "_", Sys.info()[["nodename"]])
    expect_true(file.exists(file.path(cache, "R", "port4me", "claims", host,
                                      first)), info = why)
    expect_true(port4me(release = first))
    # the refused folder was neither repaired nor written to
    expect_identical(state(), before, info = why)
  }
  expect_identical(everything_in(private), character())
})

test_that("a claim file of another owner is not a claim", {
  skip_on_os("windows")
  skip_if_not(is_root(), "needs root to give a file away")
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("foreign")
  first <- port4me(user = user, list = 1)
  write_claim(dir, first, unix_now() + 3600)
  stopifnot(system2("chown", c("nobody", shQuote(file.path(dir, first)))) == 0L)
  expect_true(port4me(test = first))
  expect_identical(port4me(user = user), first)
  expect_identical(file.info(file.path(dir, first))$uname, "nobody")
  # a reserve call replaces it with its own
  expect_identical(port4me(user = user, reserve = 30), first)
  expect_identical(read_claim(dir, first)$pid, Sys.getpid())
  expect_identical(file.info(file.path(dir, first))$uname, "root")
})

test_that("a claim on a port that turns out busy is released at once", {
  skip_if_no_listener()
  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  dir <- local_claims_dir()
  user <- test_user("busy")
  held <- hold_port("127.0.0.1", user = user)
  s <- port4me(user = user, list = 1000)
  nxt <- free_ports(1L, from = s[seq_along(s) > match(held$port, s)])
  out <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                 got <- port4me(user = user, reserve = 30)))
  expect_identical(got, nxt)
  expect_match(out, sprintf("port %d skipped: in use", held$port), fixed = TRUE)
  expect_match(out, sprintf("port %d claimed until ", nxt), fixed = TRUE)
  # only the returned port is claimed
  expect_identical(setdiff(everything_in(dir), ".lock"), as.character(nxt))
  # once free, the busy port is the user's again; the claimed one is not
  held$stop()
  expect_identical(port4me(user = user), free_ports(1L, user = user))
  expect_false(port4me(user = user) == nxt)
})

# In a child with the shim (sf_eval()): R code `setup`, which sets p (a
# port), then `call` while unlinkat() fails with EACCES for p's name only;
# p and the result of the call.
with_claim_unremovable <- function(setup, call) {
  sf_eval(paste0(
    'Sys.setenv(XDG_RUNTIME_DIR = tempdir());', setup,
    'Sys.setenv(P4M_SHIM_UNLINKAT = paste0(p, "=EACCES"));',
    'r <- try_p4m(', call, ');',
    # (R removes its temporary folder at exit with rm, which the shim
    # would refuse too)
    'Sys.setenv(P4M_SHIM_UNLINKAT = "");',
    'c(list(p = p), r)'))
}

# The result x of with_claim_unremovable(): a port4me_system error at step
# "remove claim", its message starting with `what` and the port.
expect_claim_not_removed <- function(x, what) {
  v <- x$value
  expect_type(v$p, "integer")
  expect_null(v$value, info = x$info)
  expect_true("port4me_system" %in% v$class, info = x$info)
  expect_identical(v$errno, 13L, info = x$info)   # EACCES
  expect_identical(v$step, "remove claim", info = x$info)
  expect_match(v$error, sprintf(paste0(
    "^%s %d: cannot remove claim '[^']*/port4me/%d': Permission denied$"),
    what, v$p, v$p), info = x$info)
  expect_identical(x$res$log, paste("unlinkat", v$p, "EACCES"), info = x$info)
}

test_that("a busy port's claim that cannot be removed is an error, not a port", {
  skip_unless_shim()
  # The user's first free port is held by a listener, and its claim cannot
  # be removed: the search must stop with port4me_system rather than go on
  # and hand out the next port while the busy one stays claimed.
  user <- test_user("stuck")
  x <- with_claim_unremovable(
    sprintf('p <- port4me::port4me(user = "%s"); srv <- serverSocket(p);',
            user),
    sprintf('port4me::port4me(user = "%s", reserve = 60)', user))
  expect_claim_not_removed(x, "Cannot claim port")
})

test_that("an expired claim that cannot be replaced is an error naming the port", {
  skip_unless_shim()
  # The user's first port has an expired claim of another process, which
  # cannot be removed: the claim cannot be taken, and the search stops.
  user <- test_user("stale")
  x <- with_claim_unremovable(
    sprintf(paste0(
      'd <- file.path(tempdir(), "port4me"); dir.create(d, mode = "0700");',
      'p <- port4me::port4me(user = "%s");',
      'writeLines(sprintf("%%.3f 1", as.numeric(Sys.time()) - 60), ',
      'file.path(d, p));'), user),
    sprintf('port4me::port4me(user = "%s", reserve = 60)', user))
  expect_claim_not_removed(x, "Cannot claim port")
})

test_that("a claim that cannot be removed on release is an error naming the release", {
  skip_unless_shim()
  # The user's claim is taken, then it cannot be removed on release.
  user <- test_user("unreleased")
  x <- with_claim_unremovable(
    sprintf('p <- port4me::port4me(user = "%s", reserve = 60);', user),
    'port4me::port4me(release = p)')
  expect_claim_not_removed(x, "Cannot release port")
})

test_that("claims are silent without debug", {
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("quiet")
  expect_identical(capture_stderr(p <- port4me(user = user, reserve = 30)), "")
  expect_identical(capture_stderr(q <- port4me(user = user, reserve = 30)), "")
  expect_false(identical(p, q))
  expect_identical(capture_stderr(port4me(user = user)), "")
  expect_identical(capture_stderr(port4me(test = p)), "")
  expect_identical(capture_stderr(port4me(release = p)), "")
})

test_that("with reserve and no usable folder, the claim is an error; without, a port", {
  local_port4me_env()
  # no runtime or cache folder, and a temporary folder that cannot hold one
  vars <- c(XDG_RUNTIME_DIR = NA, R_USER_CACHE_DIR = NA, XDG_CACHE_HOME = NA,
            HOME = "/dev/null", TMPDIR = "/dev/null")
  user <- test_user("nofolder")
  first <- port4me(user = user, list = 1)
  with_env(vars, {
    expect_identical(port4me(user = user), first)
    expect_true(port4me(test = first))
    expect_false(port4me(release = first))
    e <- tryCatch(port4me(user = user, reserve = 30), error = identity)
  })
  expect_s3_class(e, "port4me_system")
  expect_identical(e$step, "open claims folder")
  expect_match(conditionMessage(e),
               "^Cannot claim a port: no folder for claims can be used")
})
