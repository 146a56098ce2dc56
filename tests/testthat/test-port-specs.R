# Port sets (SPEC section 3): specification strings (separators, ranges,
# {chrome} and {firefox}, a lone 0), integer and double vectors, the error
# for each bad token and how a value is shown in it, and ranges that cross
# the 64-port words of the C bitmap.

spec_error <- function(source, value, bad, why) {
  sprintf("%s must be ports in 1..65535, not %s: in %s: %s", source,
          ref_show(value), ref_show(bad), why)
}

test_that("white space of every kind and commas separate; they may trail", {
  local_port4me_env()
  for (spec in c("8000\t8001\n8002\r8003\f8004\v8005 8006,8007",
                 ",8000,,8001 , 8002-8004\t\n8005-8007,",
                 " \t8000-8007\n", "8000-8007,")) {
    expect_identical(port4me(user = "alice", include = spec, list = 8),
                     ref_ports("alice", candidates = 8000:8007, n = 8),
                     info = spec)
  }
  # only separators: no port, so the default include set
  withr::local_envvar(PORT4ME_INCLUDE = " ,\t, ")
  expect_identical(port4me(user = "alice"), 30845L)
})

test_that("ranges hold their ends; leading zeros; a lone 0 is nothing", {
  local_port4me_env()
  expect_identical(port4me(user = "alice", include = "5000-5000", list = 2),
                   c(5000L, 5000L))
  expect_identical(port4me(user = "alice", include = "65535-65535"), 65535L)
  expect_identical(port4me(user = "alice", include = "65534-65535", list = 4),
                   ref_ports("alice", candidates = 65534:65535, n = 4))
  expect_identical(port4me(user = "alice", include = "1-65535",
                           exclude = "1-65534"), 65535L)
  expect_identical(port4me(user = "alice", include = "00008000"), 8000L)
  expect_identical(port4me(user = "alice", include = "0", list = 2),
                   c(30845L, 19654L))
  expect_identical(port4me(user = "alice", include = "0 8000,0", list = 2),
                   c(8000L, 8000L))
  expect_identical(port4me(user = "alice", prepend = "0", list = 2),
                   c(30845L, 19654L))
  expect_identical(port4me(user = "alice", exclude = "0", list = 2),
                   c(30845L, 19654L))
})

test_that("{chrome} and {firefox} are tokens of any port set", {
  local_port4me_env(PORT4ME_EXCLUDE_UNSAFE = "0")
  expect_identical(
    port4me(user = "alice", include = "1-1023", exclude = "{firefox}",
            list = 1023),
    ref_ports("alice", candidates = setdiff(1:1023, ref_firefox()), n = 1023))
  expect_identical(
    port4me(user = "alice", include = "{chrome} 10081", list = 100),
    ref_ports("alice", candidates = c(ref_chrome(), 10081), n = 100))
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE_CHROME = "7001-7002")
  expect_identical(port4me(user = "alice", prepend = "{chrome},7000,7001",
                           include = 9000, list = 4),
                   c(7001L, 7002L, 7000L, 9000L))
})

test_that("integer and double vectors give the ports of the same string", {
  local_port4me_env()
  u <- "frank"
  expect_identical(port4me(user = u, include = 2000:2100, list = 20),
                   ref_ports(u, candidates = setdiff(2000:2100, ref_unsafe()),
                             n = 20))
  expect_identical(port4me(user = u, include = c(2000, 2001, 2050, 2050),
                           list = 6),
                   ref_ports(u, candidates = c(2000, 2001, 2050), n = 6))
  expect_identical(port4me(user = u, exclude = c(1024:30000), list = 20),
                   ref_ports(u, candidates = setdiff(30001:65535,
                                                     ref_unsafe()), n = 20))
  expect_identical(port4me(user = u, prepend = c(8080L, 8000L, 8080L),
                           list = 3),
                   port4me(user = u, prepend = "8080, 8000\t8080", list = 3))
  expect_identical(port4me(user = u, include = integer(), list = 3),
                   port4me(user = u, list = 3))
})

test_that("each bad token is an error that says what is wrong with it", {
  local_port4me_env()
  above <- "port above 65535"
  not <- "not a port number or range"
  within <- "a range must lie within 1-65535"
  empty <- "an empty range (start above end)"
  end <- "a range needs an end"
  start <- "a range needs a start (negative ports do not exist)"
  unknown <- "unknown token (known: {chrome}, {firefox})"
  cases <- list(
    c("65536", above), c("4294967297", above), c("99999999999999999999", above),
    c("1-65536", above), c("65536-1", above), c("1-4294967297", above),
    c("0-10", within), c("10-0", within), c("0-0", within),
    c("5-2", empty), c("65535-1", empty),
    c("1-", end), c("1--2", end), c("-5", start), c("-", start),
    c("abc", not), c("8000:8001", not), c("80/0", not), c("1-2-3", not),
    c("1x", not), c("1-2x", not), c("+5", not), c("0x10", not),
    c("{chrome}}", unknown), c("{foobar}", unknown), c("{chrome", unknown),
    c("{firefox}x", unknown)
  )
  for (case in cases) {
    expect_invalid(port4me(user = "alice", include = case[[1]]),
                   spec_error("include", case[[1]], case[[1]], case[[2]]),
                   "include", info = case[[1]])
    # among good tokens: the whole value, and the bad token alone
    value <- paste0("8000 ", case[[1]], ",8001")
    expect_invalid(port4me(user = "alice", exclude = value),
                   spec_error("exclude", value, case[[1]], case[[2]]),
                   "exclude", info = case[[1]])
  }
  withr::local_envvar(PORT4ME_PREPEND = "8000,5-2")
  expect_invalid(port4me(user = "alice"),
                 spec_error("PORT4ME_PREPEND", "8000,5-2", "5-2", empty),
                 "PORT4ME_PREPEND")
  # an argument does not hide a bad site-wide variable
  for (arg in c("prepend", "include", "exclude")) {
    var <- paste0("PORT4ME_", toupper(arg), "_SITE")
    withr::with_envvar(stats::setNames("8000 1-", var), expect_invalid(
      do.call(port4me, stats::setNames(list("alice", 8000), c("user", arg))),
      spec_error(var, "8000 1-", "1-", end), var))
  }
})

test_that("an error in a token's list names the variable that holds it", {
  local_port4me_env()
  nested <- "tokens cannot be nested in a token's list"
  for (b in c("chrome", "firefox")) {
    var <- paste0("PORT4ME_EXCLUDE_UNSAFE_", toupper(b))
    cases <- list(c("1,2-x,3", "2-x", "a range needs an end"),
                  c("{chrome}", "{chrome}", nested),
                  c("7000,{firefox}", "{firefox}", nested))
    for (case in cases) {
      withr::with_envvar(stats::setNames(case[[1]], var), {
        expect_invalid(port4me(user = "alice"),
                       spec_error(var, case[[1]], case[[2]], case[[3]]), var,
                       info = case[[1]])
        # also where an argument holds the token
        withr::with_envvar(c(PORT4ME_EXCLUDE_UNSAFE = "0"), expect_invalid(
          port4me(user = "alice", include = sprintf("8000,{%s}", b)),
          spec_error(var, case[[1]], case[[2]], case[[3]]), var,
          info = case[[1]]))
      })
    }
  }
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{chrome},{edge}")
  expect_invalid(port4me(user = "alice"),
                 spec_error("PORT4ME_EXCLUDE_UNSAFE", "{chrome},{edge}",
                            "{edge}",
                            "unknown token (known: {chrome}, {firefox})"),
                 "PORT4ME_EXCLUDE_UNSAFE")
  # and the next error names its own source, not the last one's
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = NA)
  expect_invalid(port4me(user = "alice", include = "abc"),
                 spec_error("include", "abc", "abc",
                            "not a port number or range"), "include")
})

test_that("a value and a token are shown with at most 40 bytes", {
  local_port4me_env()
  not <- "not a port number or range"
  for (value in c(strrep("x", 39), strrep("x", 40), strrep("x", 41),
                  paste0(strrep("x", 40), "yz,8000"), strrep("9x", 1000),
                  paste0("a", bytes(0x01, 0x1f), "!~", bytes(0x7f),
                         "\u00e9z"),
                  "a\"b\\c")) {
    bad <- strsplit(value, ",", fixed = TRUE)[[1]][[1]]
    expect_invalid(port4me(user = "alice", exclude = value),
                   spec_error("exclude", value, bad, not), "exclude",
                   info = value)
  }
  # the value and the bad token, shown alike, written out once
  expect_identical(
    spec_error("exclude", paste0("a", bytes(0x01), "\"\u00e9", strrep("x", 40)),
               paste0("a", bytes(0x01), "\"\u00e9"), not),
    paste0("exclude must be ports in 1..65535, not \"a\\x01\\\"\\xc3\\xa9",
           strrep("x", 35), "\"...: in \"a\\x01\\\"\\xc3\\xa9\": ", not))
})

test_that("integer and double vectors: every element a port in 1..65535", {
  local_port4me_env()
  msg <- function(arg, v) sprintf("%s must be ports in 1..65535, not %s",
                                  arg, v)
  for (arg in c("prepend", "include", "exclude")) {
    cases <- list(list(c(8000, 0), "0 (element 2)"),
                  list(c(8000, -1), "-1 (element 2)"),
                  list(c(8000, 65536), "65536 (element 2)"),
                  list(c(8000, 1.5), "1.5 (element 2)"),
                  list(c(8000, Inf), "Inf (element 2)"),
                  list(c(8000, -Inf), "-Inf (element 2)"),
                  list(c(8000, NA), "NA (element 2)"),
                  list(c(8000, NaN, 1), "NA (element 2)"),
                  list(1e10, "10000000000 (element 1)"),
                  list(c(8000L, 70000L), "70000 (element 2)"),
                  list(c(1L, 0L), "0 (element 2)"),
                  list(c(8000L, NA), "NA (element 2)"),
                  list(.Machine$integer.max, "2147483647 (element 1)"))
    for (case in cases) {
      expect_invalid(do.call(port4me, stats::setNames(list(case[[1]]), arg)),
                     msg(arg, case[[2]]), arg, info = case[[2]])
    }
  }
})

test_that("ranges across the 64-port words of the bitmap hold their ports", {
  local_port4me_env(PORT4ME_EXCLUDE_UNSAFE = "0", PORT4ME_USER = "alice")
  specs <- c("60-200", "63-64", "64-127", "64-126", "100-190", "2-200",
             "60-61", "1000-1001", "65472-65535", "65500-65535", "2-63",
             "127-129", "63-191", "128-255", "65535")
  for (spec in specs) {
    r <- as.integer(strsplit(spec, "-", fixed = TRUE)[[1]])
    set <- seq(r[[1]], r[[length(r)]])
    text <- debug_text(port4me(include = spec, list = 1))
    expect_true(has_line(text, sprintf("include %s (from include)", spec)),
                info = spec)
    expect_true(has_line(text, sprintf("%d candidate port%s", length(set),
                                       if (length(set) == 1) "" else "s")),
                info = spec)
    n <- min(length(set), 300L)
    expect_identical(port4me(include = spec, list = n),
                     ref_ports("alice", candidates = set, n = n), info = spec)
    # as an exclusion, from the full range
    text <- debug_text(port4me(include = "1-65535", exclude = spec, list = 1))
    expect_true(has_line(text, sprintf("exclude %s (from exclude)", spec)),
                info = spec)
    expect_true(has_line(text, sprintf("%d candidate ports",
                                       65535L - length(set))), info = spec)
  }
})
