# How the settings combine (SPEC sections 3, 4 and 6): an argument over its
# variable over the table's default; the _SITE variables and the unsafe
# lists in addition; the user's fallbacks; numbers and flags in variables;
# and which source an empty candidate set names.  Expected ports are the
# SPEC's or come from the transcription in helper-reference.R.

default_cands <- function() setdiff(1024:65535, ref_unsafe())

test_that("the user: the argument, PORT4ME_USER, USER, the account name", {
  local_port4me_env(PORT4ME_USER = "alice", USER = "bob")
  expect_identical(port4me(), 30845L)
  expect_identical(port4me(user = "carol"), 34307L)
  withr::local_envvar(PORT4ME_USER = "")       # empty is unset
  expect_identical(port4me(), 54242L)
  withr::local_envvar(PORT4ME_USER = NA, USER = "")
  me <- Sys.info()[["effective_user"]]
  expect_identical(port4me(list = 3),
                   ref_ports(me, candidates = default_cands(), n = 3))
})

test_that("the account name is found as Python's getpass.getuser() finds it", {
  account <- function(lg, ln, un, windows) {
    withr::with_envvar(c(LOGNAME = lg, LNAME = ln, USERNAME = un),
                       port4me:::account_name(windows = windows))
  }
  me <- Sys.info()[["effective_user"]]
  # Windows: LOGNAME, LNAME, USERNAME, in this order; else the OS's answer
  expect_identical(account("lg", "ln", "un", windows = TRUE), "lg")
  expect_identical(account(NA, "ln", "un", windows = TRUE), "ln")
  expect_identical(account("", NA, "un", windows = TRUE), "un")
  expect_identical(account(NA, NA, NA, windows = TRUE), me)
  # elsewhere the effective user, whatever the variables say
  expect_identical(account("lg", "ln", "un", windows = FALSE), me)
})

test_that("without any name for the user, the error says so", {
  msg <- paste0("No user name: the user is not given, PORT4ME_USER and USER ",
                "are unset and the system does not say who you are")
  any <- c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")
  expect_invalid(call_port4me(user = NULL, env = env_values(any)), msg, "user")
  expect_invalid(call_port4me(user = NULL, account = "",
                              env = env_values(any, USER = "",
                                               PORT4ME_USER = "")),
                 msg, "user")
  expect_identical(call_port4me(user = NULL, account = "carol",
                                env = env_values(any)), 34307L)
})

test_that("the tool: the argument, else PORT4ME_TOOL; empty is no tool", {
  local_port4me_env(PORT4ME_USER = "alice", PORT4ME_TOOL = "rstudio")
  expect_identical(port4me(), 22486L)
  expect_identical(port4me("jupyter-notebook"), 29525L)
  expect_identical(port4me(""), 30845L)
  withr::local_envvar(PORT4ME_TOOL = "")
  expect_identical(port4me(), 30845L)
  expect_identical(port4me(NULL, list = 3), port4me("", list = 3))
})

test_that("include: the argument or PORT4ME_INCLUDE, united with _SITE", {
  local_port4me_env(PORT4ME_USER = "alice",
                    PORT4ME_INCLUDE = "2000-2123,4321,10000-10999")
  expect_identical(port4me(), 10451L)
  expect_identical(port4me(include = "1-1023"), 470L)
  withr::local_envvar(PORT4ME_INCLUDE_SITE = "4321")
  expect_identical(port4me(include = "2000-2009", list = 12),
                   ref_ports("alice", candidates = c(2000:2009, 4321),
                             n = 12))
  # the site variable alone narrows the default
  withr::local_envvar(PORT4ME_INCLUDE = NA, PORT4ME_INCLUDE_SITE = "5000-5004")
  expect_identical(port4me(list = 5),
                   ref_ports("alice", candidates = 5000:5004, n = 5))
  # "0" stands for nothing: the default range
  withr::local_envvar(PORT4ME_INCLUDE = "0", PORT4ME_INCLUDE_SITE = "0")
  expect_identical(port4me(), 30845L)
})

test_that("exclude: the argument or PORT4ME_EXCLUDE; _SITE applies always", {
  local_port4me_env(PORT4ME_USER = "alice", PORT4ME_EXCLUDE = "30845,32310")
  expect_identical(port4me(), 19654L)
  expect_identical(port4me(exclude = "19654"), 30845L)
  expect_identical(port4me(exclude = integer()), 30845L)
  withr::local_envvar(PORT4ME_EXCLUDE_SITE = "30845")
  expect_identical(port4me(exclude = "19654"), 32310L)
  expect_identical(port4me(exclude = "0"), 19654L)
  expect_identical(port4me(), 19654L)
})

test_that("prepend: the argument or PORT4ME_PREPEND, then _SITE", {
  local_port4me_env(PORT4ME_USER = "alice", PORT4ME_PREPEND = "4321,11001")
  expect_identical(port4me(list = 5), c(4321L, 11001L, 30845L, 19654L, 32310L))
  withr::local_envvar(PORT4ME_PREPEND_SITE = "9000,4321")
  expect_identical(port4me(list = 4), c(4321L, 11001L, 9000L, 30845L))
  expect_identical(port4me(prepend = 8000, list = 4),
                   c(8000L, 9000L, 4321L, 30845L))
})

test_that("the unsafe lists: unset is the default, empty or 0 is none", {
  local_port4me_env(PORT4ME_USER = "alice")
  low <- function(excluded) {
    ref_ports("alice", candidates = setdiff(1:1023, excluded), n = 1023)
  }
  expect_identical(port4me(include = "1-1023", list = 1023),
                   low(ref_unsafe()))
  for (off in c("", "0")) {
    withr::with_envvar(c(PORT4ME_EXCLUDE_UNSAFE = off), expect_identical(
      port4me(include = "1-1023", list = 1023), low(NULL), info = off))
  }
  # an exclude argument does not turn them off
  expect_identical(port4me(include = "1-1023", exclude = "470", list = 1023),
                   low(c(470, ref_unsafe())))
  # one list only; an empty list variable is an empty list
  withr::with_envvar(c(PORT4ME_EXCLUDE_UNSAFE = "{firefox}"), expect_identical(
    port4me(include = "1-1023", list = 1023), low(ref_firefox())))
  withr::with_envvar(c(PORT4ME_EXCLUDE_UNSAFE_FIREFOX = ""), expect_identical(
    port4me(include = "1-1023", list = 1023), low(ref_chrome())))
  withr::with_envvar(c(PORT4ME_EXCLUDE_UNSAFE_CHROME = "30845"),
                     expect_identical(port4me(), 19654L))
  withr::with_envvar(c(PORT4ME_EXCLUDE_UNSAFE = "{chrome},19654",
                       PORT4ME_EXCLUDE_UNSAFE_CHROME = "30845"),
                     expect_identical(port4me(), 32310L))
  # and after those, the defaults again
  expect_identical(port4me(include = "1-1023", list = 1023),
                   low(ref_unsafe()))
})

test_that("skip, list and test: the argument, else the variable", {
  local_port4me_env(PORT4ME_USER = "alice", PORT4ME_SKIP = "2")
  expect_identical(port4me(), 32310L)
  expect_identical(port4me(skip = 0), 30845L)
  withr::local_envvar(PORT4ME_LIST = "3")
  expect_identical(port4me(), c(32310L, 63992L, 15273L))
  expect_identical(port4me(list = 1, skip = 1), 19654L)
  withr::local_envvar(PORT4ME_SKIP = "", PORT4ME_LIST = "")
  expect_identical(port4me(), 30845L)
  withr::local_envvar(PORT4ME_TEST = "4321")
  expect_identical(port4me(), TRUE)
  expect_identical(port4me(test = 80), TRUE)
})

test_that("an argument replaces its variable, which is then not read", {
  local_port4me_env(PORT4ME_SKIP = "x", PORT4ME_LIST = "x",
                    PORT4ME_INCLUDE = "x", PORT4ME_EXCLUDE = "x",
                    PORT4ME_PREPEND = "x", PORT4ME_USER = "\xff",
                    PORT4ME_TOOL = "\xff", PORT4ME_MAX_TRIES = "0",
                    PORT4ME_MUST_WORK = "x", PORT4ME_RESERVE = "x")
  given <- function(...) {
    port4me("", user = "alice", skip = 0, include = "1024-65535",
            exclude = "0", prepend = integer(), max_tries = 1,
            must_work = TRUE, reserve = 0, ...)
  }
  expect_identical(given(list = 2), c(30845L, 19654L))
  withr::local_envvar(PORT4ME_LIST = NA)     # (a search: no list)
  expect_identical(given(), 30845L)
  expect_identical(port4me(user = "alice", test = 65535, include = "x"), TRUE)
})

test_that("the defaults of the table are the SPEC's", {
  t <- port4me:::the$table
  dflt <- function(arg) t$default[[match(arg, t$arg)]]
  expect_identical(dflt("max_tries"), "65535")
  expect_identical(dflt("must_work"), "true")
  expect_identical(dflt("reserve"), "0")
  expect_identical(dflt("skip"), "0")
  expect_identical(dflt("include"), "1024-65535")
  expect_identical(t$default[[match("PORT4ME_EXCLUDE_UNSAFE", t$var)]],
                   "{chrome},{firefox}")
})

test_that("no free port: must_work (default TRUE) and max_tries as given", {
  local_port4me_env()
  dir <- local_runtime_dir()
  user <- paste0("p4m-settings-", Sys.getpid())
  # both candidates claimed (for an hour) by this process: none is free
  claimed <- c(port4me(user = user, include = "8000-8001", reserve = 3600),
               port4me(user = user, include = "8000-8001", reserve = 3600))
  expect_setequal(claimed, 8000:8001)
  none <- function(...) port4me(user = user, include = "8000-8001", ...)
  expect_error(none(), paste0("No free port found: every port of the stream ",
                              "was checked \\(2 distinct ports\\) and none is ",
                              "free"), class = "port4me_no_port")
  expect_identical(none(must_work = FALSE), -1L)
  withr::local_envvar(PORT4ME_MUST_WORK = "false")
  expect_identical(none(), -1L)
  expect_error(none(must_work = TRUE), class = "port4me_no_port")
  withr::local_envvar(PORT4ME_MUST_WORK = NA)
  expect_error(none(max_tries = 1), paste0(
    "^No free port found after checking 1 distinct port \\(max_tries = 1\\)"),
    class = "port4me_no_port")
  withr::with_envvar(c(PORT4ME_MAX_TRIES = "1"), expect_error(none(), paste0(
    "^No free port found after checking 1 distinct port \\(PORT4ME_MAX_TRIES ",
    "= 1\\)"), class = "port4me_no_port"))
})

test_that("reserve defaults to 0: a search writes no claim", {
  local_port4me_env()
  dir <- local_runtime_dir()
  expect_identical(port4me(user = "alice"), 30845L)
  expect_identical(list.files(dir, recursive = TRUE, all.files = TRUE),
                   character())
})

test_that("numbers in variables: white space around them, leading zeros", {
  local_port4me_env(PORT4ME_USER = "alice")
  alice <- ref_ports("alice", candidates = default_cands(), n = 12)
  skip <- function(v) withr::with_envvar(c(PORT4ME_SKIP = v), port4me())
  expect_identical(skip(" \t\n\r2 \t\n\r"), alice[[3]])
  expect_identical(skip("\t9"), alice[[10]])
  expect_identical(skip("10\n"), alice[[11]])
  expect_identical(skip("0000000011"), alice[[12]])
  withr::with_envvar(c(PORT4ME_LIST = " 12 "),
                     expect_identical(port4me(), alice))
  withr::with_envvar(c(PORT4ME_TEST = " 65535\n"), expect_true(port4me()))
  withr::with_envvar(c(PORT4ME_MAX_TRIES = "\t1"),
                     expect_identical(port4me(), alice[[1]]))
  # the largest values pass
  n <- length(default_cands())
  withr::with_envvar(c(PORT4ME_SKIP = "2147483647"), expect_identical(
    port4me(), ref_ports("alice", candidates = default_cands(),
                         skip = 2147483647 %% n)))
  withr::with_envvar(c(PORT4ME_MAX_TRIES = "2147483647"),
                     expect_identical(port4me(), alice[[1]]))
  withr::with_envvar(c(PORT4ME_TEST = "1"), expect_true(port4me()))
})

test_that("an empty variable is an unset one", {
  local_port4me_env(PORT4ME_USER = "alice", PORT4ME_TOOL = "",
                    PORT4ME_SKIP = "", PORT4ME_LIST = "", PORT4ME_TEST = "",
                    PORT4ME_INCLUDE = "", PORT4ME_EXCLUDE = "",
                    PORT4ME_PREPEND = "", PORT4ME_INCLUDE_SITE = "",
                    PORT4ME_EXCLUDE_SITE = "", PORT4ME_PREPEND_SITE = "",
                    PORT4ME_RESERVE = "", PORT4ME_MAX_TRIES = "",
                    PORT4ME_MUST_WORK = "", PORT4ME_DEBUG = "")
  expect_identical(port4me(), 30845L)
})

test_that("flags: true/TRUE/True/1/yes, false/FALSE/False/0/no, white space", {
  local_port4me_env(PORT4ME_USER = "alice")
  for (v in c("true", "TRUE", "True", "1", "yes", " true", "yes\n")) {
    expect_match(debug_text(withr::with_envvar(c(PORT4ME_DEBUG = v),
                                               port4me(list = 1))),
                 "user \"alice\"", fixed = TRUE, info = v)
  }
  for (v in c("false", "FALSE", "False", "0", "no", "", "\tno ")) {
    out <- character()
    withr::with_envvar(c(PORT4ME_DEBUG = v), withCallingHandlers(
      port4me(list = 1),
      message = function(m) out <<- c(out, conditionMessage(m))))
    expect_identical(out, character(), info = v)
  }
})

test_that("the claims folders come from the path variables (absolute ones)", {
  skip_on_os(c("windows", "mac"))
  # (the direct call: R's own default for an unset HOME does not step in)
  folders <- function(...) {
    env <- env_values("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any",
                      PORT4ME_DEBUG = "true", ...)
    lines <- strsplit(debug_text(call_port4me(list = NULL, env = env)),
                      "\n", fixed = TRUE)[[1]]
    lines <- sub("^claims folder ", "", grep("^claims folder [^:]*$", lines,
                                             value = TRUE))
    # (the host's and the user's own parts, by pattern)
    lines <- sub("/claims/[^/ ]+ ", "/claims/HOST ", lines)
    lines <- sub("/port4me-[0-9]+ ", "/port4me-UID ", lines)
    lines[!startsWith(lines, "/run/user/")]
  }
  tmp <- "/tmp/port4me-UID (from the temporary folder)"
  expect_identical(folders(XDG_RUNTIME_DIR = "/x/", HOME = "/h"), c(
    "/x/port4me (from XDG_RUNTIME_DIR)",
    "/h/.cache/R/port4me/claims/HOST (from HOME)", tmp))
  expect_identical(folders(XDG_RUNTIME_DIR = "run/p4m", R_USER_CACHE_DIR = "/c",
                           XDG_CACHE_HOME = "/x", HOME = "/h"),
                   c("/c/R/port4me/claims/HOST (from R_USER_CACHE_DIR)", tmp))
  expect_identical(folders(R_USER_CACHE_DIR = "c", XDG_CACHE_HOME = "/x",
                           HOME = "/h"),
                   c("/x/R/port4me/claims/HOST (from XDG_CACHE_HOME)", tmp))
  expect_identical(folders(HOME = "h", TMPDIR = "t"), tmp)
  expect_identical(folders(TMPDIR = "/t"),
                   "/t/port4me-UID (from the temporary folder)")
  # a folder too long for a path is passed over
  expect_identical(folders(HOME = paste0("/", strrep("d", 5000))), tmp)
})

test_that("a claim for the longest reserve (86400 s) holds for the next call", {
  local_port4me_env()
  dir <- local_runtime_dir()
  for (k in 1:20) {
    # (claims are the account's: two new ports each time)
    ports <- sprintf("%d-%d", 8000 + 2 * k, 8001 + 2 * k)
    first <- port4me(user = "alice", include = ports, reserve = 86400)
    expect_false(identical(port4me(user = "alice", include = ports,
                                   reserve = 86400), first), info = k)
  }
})

test_that("an empty candidate set names the source that emptied it", {
  local_port4me_env(PORT4ME_USER = "alice")
  every <- paste0(" leaves no candidate ports: every included port is ",
                  "excluded (by the exclude set, PORT4ME_EXCLUDE_SITE or ",
                  "PORT4ME_EXCLUDE_UNSAFE)")
  all <- paste0(" leaves no candidate ports: the exclusions cover all of ",
                "the default 1024-65535")
  expect_invalid(port4me(include = "8000-8009", exclude = "8000-8009"),
                 paste0("include", every), "include")
  expect_invalid(port4me(include = 6000), paste0("include", every), "include")
  expect_invalid(port4me(exclude = "1024-65535"), paste0("exclude", all),
                 "exclude")
  withr::with_envvar(c(PORT4ME_INCLUDE = "8000", PORT4ME_EXCLUDE_SITE = "8000"),
    expect_invalid(port4me(), paste0("PORT4ME_INCLUDE", every),
                   "PORT4ME_INCLUDE"))
  withr::with_envvar(c(PORT4ME_INCLUDE_SITE = "8000", PORT4ME_EXCLUDE = "8000"),
    expect_invalid(port4me(), paste0("PORT4ME_INCLUDE_SITE", every),
                   "PORT4ME_INCLUDE_SITE"))
  # the one that covers the default alone, wherever it stands; else the first
  withr::with_envvar(c(PORT4ME_EXCLUDE_SITE = "1024-65535"),
    expect_invalid(port4me(exclude = 80), paste0("PORT4ME_EXCLUDE_SITE", all),
                   "PORT4ME_EXCLUDE_SITE"))
  withr::local_envvar(PORT4ME_EXCLUDE_SITE = "30001-65535")
  for (prepend in list(NULL, "1024-65535")) {
    expect_invalid(port4me(exclude = "1024-30000", prepend = prepend),
                   paste0("exclude", all), "exclude")
  }
})
