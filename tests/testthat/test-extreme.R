# Valid but extreme input: it must work, give the SPEC's answer (checked
# against the pure-R transcription in helper-reference.R), and be fast.

default_candidates <- function() setdiff(1024:65535, ref_unsafe())

test_that("a 1,000,000-character user or tool name is fast and hashed right", {
  local_port4me_env()
  user <- strrep("a", 1e6)
  t <- system.time(ports <- port4me(user = user, list = 5))[["elapsed"]]
  expect_lt(t, 2)
  expect_identical(ports, ref_ports(user, candidates = default_candidates(),
                                    n = 5))

  # multi-byte characters: 2,000,000 bytes of UTF-8, one code point each
  user <- strrep("\u00e9", 1e6)
  t <- system.time(ports <- port4me(user = user, list = 3))[["elapsed"]]
  expect_lt(t, 2)
  expect_identical(ports, ref_ports(user, candidates = default_candidates(),
                                    n = 3))

  tool <- strrep("t", 1e6)
  expect_identical(port4me(tool, user = "alice", list = 3),
                   ref_ports("alice", tool, candidates = default_candidates(),
                             n = 3))
  # and from the variables
  local_port4me_env(PORT4ME_USER = strrep("b", 1e6))
  expect_identical(port4me(list = 2),
                   ref_ports(strrep("b", 1e6),
                             candidates = default_candidates(), n = 2))
})

test_that("a 1,000,000-character port specification is parsed quickly", {
  local_port4me_env()
  spec <- paste(rep(c("8000", "8001-8002", "0"), length.out = 2e5),
                collapse = ",")
  expect_gt(nchar(spec), 1e6)
  t <- system.time(ports <- port4me(user = "alice", include = spec,
                                    list = 6))[["elapsed"]]
  expect_lt(t, 2)
  expect_identical(ports, ref_ports("alice", candidates = 8000:8002, n = 6))
  # the same string as a prepend: order kept, duplicates dropped
  expect_identical(port4me(user = "alice", prepend = spec, include = 9000,
                           list = 5),
                   c(8000L, 8001L, 8002L, 9000L, 9000L))
})

test_that("names that are not valid UTF-8 are an error; latin1 is hashed by code point", {
  local_port4me_env()
  # marked latin1: the same code points, so the same ports as in UTF-8
  latin1 <- "caf\xe9"
  Encoding(latin1) <- "latin1"
  expect_identical(port4me(user = latin1, list = 3),
                   port4me(user = "caf\u00e9", list = 3))
  expect_identical(port4me(user = latin1, list = 3),
                   ref_ports("caf\u00e9", candidates = default_candidates(),
                             n = 3))
  # marked "bytes": no text, so no code points
  raw_name <- "caf\xe9"
  Encoding(raw_name) <- "bytes"
  expect_error(port4me(user = raw_name, list = 1),
               "^'?user'? is marked as \"bytes\"")
  expect_error(port4me("a\xff", user = "alice", list = 1))

  skip_if_not(isTRUE(l10n_info()[["UTF-8"]]), "not a UTF-8 session")
  # unmarked strings in a UTF-8 session must be UTF-8 (R would otherwise
  # turn the bad byte into "<ff>" and a wrong port would come out)
  for (name in c("al\xffice", "\xc3", "\xed\xa0\x80", strrep("\xfe", 1e6))) {
    expect_error(port4me(user = name, list = 1),
                 paste0("'user' is not valid UTF-8; port4me hashes Unicode ",
                        "code points, so the name must be text"),
                 fixed = TRUE)
    expect_error(port4me(tool = name, user = "alice", list = 1),
                 "'tool' is not valid UTF-8", fixed = TRUE)
  }
  local_port4me_env(PORT4ME_USER = "bo\xffb")
  expect_error(port4me(list = 1),
               paste0("PORT4ME_USER is not valid UTF-8 (invalid byte 0xFF at ",
                      "byte 3); port4me hashes Unicode code points"),
               fixed = TRUE)
  local_port4me_env(USER = "\xe9t\xe9")
  expect_error(port4me(list = 1),
               "USER is not valid UTF-8 (invalid byte 0xE9 at byte 1)",
               fixed = TRUE)
  local_port4me_env(PORT4ME_USER = "alice", PORT4ME_TOOL = "x\xc0y")
  expect_error(port4me(list = 1),
               "PORT4ME_TOOL is not valid UTF-8 (invalid byte 0xC0 at byte 2)",
               fixed = TRUE)
})

test_that("a list longer than the candidate set cycles, across prepend and skip", {
  local_port4me_env()
  for (skip in c(0, 1, 2, 9, 13, 100)) {
    got <- port4me(user = "p4m-hard", prepend = c(7000, 5003, 7000),
                   include = "5000-5009", skip = skip, list = 47)
    expect_identical(got, ref_ports("p4m-hard", prepend = c(7000, 5003),
                                    candidates = 5000:5009, skip = skip,
                                    n = 47),
                     info = paste("skip =", skip))
  }
  # past the two prepended ports, the stream repeats every 10 ports
  expect_identical(
    port4me(user = "p4m-hard", prepend = c(7000, 5003), include = "5000-5009",
            skip = 2 + 1e6 + 3, list = 25),
    ref_ports("p4m-hard", candidates = 5000:5009, skip = 3, n = 25)
  )
  # the whole default cycle, twice over, plus a bit
  n <- length(default_candidates())
  ports <- port4me(user = "p4m-hard", list = 2 * n + 7)
  expect_identical(sort(ports[1:n]), as.integer(default_candidates()))
  expect_identical(ports[(n + 1):(2 * n + 7)], ports[c(1:n, 1:7)])
  # skip is taken modulo the cycle, also for the largest skip
  expect_identical(port4me(user = "p4m-hard", skip = .Machine$integer.max,
                           list = 3),
                   ports[(.Machine$integer.max %% n) + 1:3])
})

test_that("an include set of a single port works and is fast", {
  local_port4me_env()
  # every port of the stream is that one port; each used to cost a whole
  # generator cycle (65536 steps), so 1e5 ports took about 30 seconds
  t <- system.time(ports <- port4me(user = "alice", include = 4321,
                                    list = 1e5))[["elapsed"]]
  expect_lt(t, 5)
  expect_identical(ports, rep(4321L, 1e5))
  expect_identical(port4me(user = "alice", include = "4321"), 4321L)
  expect_identical(port4me(user = "alice", include = 4321,
                           skip = .Machine$integer.max), 4321L)
  expect_identical(port4me(user = "alice", include = 4321,
                           prepend = c(8001, 8002), list = 5),
                   c(8001L, 8002L, 4321L, 4321L, 4321L))
  expect_identical(port4me(user = "alice", include = 65535, list = 2),
                   c(65535L, 65535L))
  # a browser-unsafe port alone is no candidate, unless the list is off
  expect_error(port4me(user = "alice", include = 1, list = 2),
               "'include': no candidate ports", fixed = TRUE,
               class = "port4me_invalid")
  local_port4me_env(PORT4ME_EXCLUDE_UNSAFE = "0")
  expect_identical(port4me(user = "alice", include = 1, list = 2),
                   c(1L, 1L))
})

test_that("all 65535 ports prepended, with duplicates, then the cycle", {
  local_port4me_env()
  pre <- c(65535:1, 1:65535)
  ports <- port4me(user = "alice", prepend = pre, list = 65535 + 3)
  expect_identical(ports, c(65535:1, 30845L, 19654L, 32310L))
  expect_identical(port4me(user = "alice", prepend = "1-65535", skip = 65534,
                           list = 3),
                   c(65535L, 30845L, 19654L))
})

test_that("a single held port: no free port, quickly, with a clear answer", {
  local_port4me_env()
  user <- paste0("p4m-hard-held-", Sys.getpid())
  # hold a port of this user's own sequence (another may be taken already)
  srv <- NULL
  for (port in port4me(user = user, list = 50)) {
    srv <- tryCatch(serverSocket(port), error = function(e) NULL)
    if (!is.null(srv)) break
  }
  skip_if(is.null(srv), "could not hold any port")
  withr::defer(close(srv))
  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  expect_false(port4me(test = port))
  t <- system.time(
    res <- port4me(user = user, include = port, must_work = FALSE)
  )[["elapsed"]]
  expect_identical(res, -1L)
  expect_lt(t, 15)
  # the one port is checked once, not max_tries times
  expect_error(port4me(user = user, include = port, max_tries = 1000),
               paste0("No free port found: every port of the stream was ",
                      "checked (1 distinct port) and none is free"),
               fixed = TRUE, class = "port4me_no_port")
  # a prepended port that is also a candidate is checked once too
  why <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"), {
    res <- port4me(user = user, prepend = port, include = port,
                   must_work = FALSE)
  }))
  expect_identical(res, -1L)
  expect_identical(lengths(regmatches(why, gregexpr(
    sprintf("port %d skipped: in use", port), why, fixed = TRUE))), 1L)
  # a prepended port is checked like any other
  expect_identical(
    port4me(user = user, prepend = port, include = port, must_work = FALSE),
    -1L
  )
})

test_that("a long search can be interrupted", {
  skip_unless_shim()
  # Every bind() of the child takes 2 ms and finds its port in use, so its
  # search of all 64,495 candidates would take minutes; it is interrupted
  # (SIGINT, as Ctrl-C) after a second and must stop within seconds.
  code <- paste(
    "cat('searching\\n')",
    "t0 <- Sys.time()",
    "res <- tryCatch(port4me::port4me(user = 'alice', must_work = FALSE),",
    "  interrupt = function(e) 'interrupted')",
    "cat(res, format(as.numeric(Sys.time() - t0, units = 'secs')), '\\n')",
    sep = "\n")
  env <- cli_child_env(c(
    "_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA, R_DEFAULT_PACKAGES = "NULL",
    P4M_SHIM_BIND = "any=EADDRINUSE", P4M_SHIM_BIND_DELAY_US = "2000",
    LD_PRELOAD = paste(c(if (nzchar(Sys.getenv("LD_PRELOAD")))
      Sys.getenv("LD_PRELOAD"), sf_shim()), collapse = ":")))
  p <- processx::process$new(rscript_bin(), c("-e", code), env = env,
                             stdout = "|", stderr = "|", cleanup = TRUE)
  withr::defer(p$kill())
  first <- character()
  deadline <- Sys.time() + 30
  while (length(first) == 0L && p$is_alive() && Sys.time() < deadline) {
    p$poll_io(1000)
    first <- p$read_output_lines()
  }
  expect_identical(first, "searching")
  Sys.sleep(1)
  expect_true(p$is_alive())  # still looking
  t0 <- Sys.time()
  p$interrupt()
  p$wait(10000)
  expect_false(p$is_alive())
  expect_lt(as.numeric(difftime(Sys.time(), t0, units = "secs")), 10)
  out <- paste(p$read_all_output_lines(), collapse = " ")
  expect_match(out, "^interrupted [0-9.]+ *$")
})
