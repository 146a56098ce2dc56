# Valid but extreme input: it must work and give the SPEC's answer, checked
# against the transcription in helper-reference.R.  No assertion on time:
# speed belongs in bench/.  (An interrupted long search is a runtime
# test: its timing cannot be made deterministic here.)

default_candidates <- function() setdiff(1024:65535, ref_unsafe())

test_that("names of 1,000,000 characters are hashed right", {
  local_port4me_env()
  user <- strrep("a", 1e6)
  expect_identical(port4me(user = user, list = 5),
                   ref_ports(user, candidates = default_candidates(), n = 5))
  # 2,000,000 bytes of UTF-8, one code point per two bytes
  user <- strrep("\u00e9", 1e6)
  expect_identical(port4me(user = user, list = 3),
                   ref_ports(user, candidates = default_candidates(), n = 3))
  tool <- strrep("t", 1e6)
  expect_identical(port4me(tool, user = "alice", list = 3),
                   ref_ports("alice", tool, candidates = default_candidates(),
                             n = 3))
  withr::local_envvar(PORT4ME_USER = strrep("b", 1e6))
  expect_identical(port4me(list = 2),
                   ref_ports(strrep("b", 1e6),
                             candidates = default_candidates(), n = 2))
})

test_that("a port specification of 1,000,000 characters", {
  local_port4me_env()
  spec <- paste(rep(c("8000", "8001-8002", "0"), length.out = 2e5),
                collapse = ",")
  expect_gt(nchar(spec), 1e6)
  expect_identical(port4me(user = "alice", include = spec, list = 6),
                   ref_ports("alice", candidates = 8000:8002, n = 6))
  # as a prepend: order kept, duplicates dropped
  expect_identical(port4me(user = "alice", prepend = spec, include = 9000,
                           list = 5),
                   c(8000L, 8001L, 8002L, 9000L, 9000L))
})

test_that("a list longer than the candidate set cycles (prepend, skip)", {
  local_port4me_env()
  for (skip in c(0, 1, 2, 9, 13, 100)) {
    expect_identical(
      port4me(user = "p4m-hard", prepend = c(7000, 5003, 7000),
              include = "5000-5009", skip = skip, list = 47),
      ref_ports("p4m-hard", prepend = c(7000, 5003), candidates = 5000:5009,
                skip = skip, n = 47), info = paste("skip =", skip))
  }
  # past the two prepended ports, the stream repeats every 10 ports
  expect_identical(
    port4me(user = "p4m-hard", prepend = c(7000, 5003), include = "5000-5009",
            skip = 2 + 1e6 + 3, list = 25),
    ref_ports("p4m-hard", candidates = 5000:5009, skip = 3, n = 25))
  # the whole default cycle, twice over, plus a bit
  n <- length(default_candidates())
  ports <- port4me(user = "p4m-hard", list = 2 * n + 7)
  expect_identical(sort(ports[1:n]), as.integer(default_candidates()))
  expect_identical(ports[(n + 1):(2 * n + 7)], ports[c(1:n, 1:7)])
})

test_that("an include set of a single port", {
  local_port4me_env()
  expect_identical(port4me(user = "alice", include = 4321, list = 1e5),
                   rep(4321L, 1e5))
  expect_identical(port4me(user = "alice", include = 4321,
                           skip = .Machine$integer.max), 4321L)
  expect_identical(port4me(user = "alice", include = 4321,
                           prepend = c(8001, 8002), list = 5),
                   c(8001L, 8002L, 4321L, 4321L, 4321L))
  # a browser-unsafe port alone is no candidate, unless the list is off
  expect_invalid(port4me(user = "alice", include = 1),
                 paste0("include leaves no candidate ports: every included ",
                        "port is excluded (by the exclude set, ",
                        "PORT4ME_EXCLUDE_SITE or PORT4ME_EXCLUDE_UNSAFE)"),
                 "include")
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "0")
  expect_identical(port4me(user = "alice", include = 1, list = 2), c(1L, 1L))
})

test_that("a single busy port, prepended too, is checked once", {
  local_port4me_env()
  dir <- local_runtime_dir()
  user <- paste0("p4m-extreme-", Sys.getpid())
  port <- port4me(user = user, include = 4321, reserve = 3600)
  expect_identical(port, 4321L)
  for (prepend in list(NULL, port)) {
    text <- debug_text(res <- port4me(user = user, prepend = prepend,
                                      include = port, must_work = FALSE,
                                      max_tries = 1000))
    expect_identical(res, -1L)
    expect_identical(lengths(regmatches(text, gregexpr(
      "port 4321 skipped: claimed", text, fixed = TRUE))), 1L)
  }
  expect_error(port4me(user = user, include = port, max_tries = 1000),
               paste0("^No free port found: every port of the stream was ",
                      "checked \\(1 distinct port\\) and none is free"),
               class = "port4me_no_port")
})

test_that("all 65535 ports prepended, with duplicates, then the cycle", {
  local_port4me_env()
  ports <- port4me(user = "alice", prepend = c(65535:1, 1:65535),
                   list = 65535 + 3)
  expect_identical(ports, c(65535:1, 30845L, 19654L, 32310L))
  expect_identical(port4me(user = "alice", prepend = "1-65535", skip = 65534,
                           list = 3),
                   c(65535L, 30845L, 19654L))
})
