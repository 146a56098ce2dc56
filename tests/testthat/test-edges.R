# Inputs at the edges of what the C core accepts: UTF-8 decoding at its
# boundaries, specification strings at theirs, numbers and flags in
# environment variables at the ends of their ranges, port sets that cross
# the 64-port words of the bitmap, and the debug lines that report them.
# Written for issue 12 (mutation testing): each test checks a value, an
# error (message, class and source) or a debug line that a user sees.

edge_debug <- function(expr) {
  out <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"), expr))
  strsplit(out, "\n", fixed = TRUE)[[1]]
}

# The error of expr: class port4me_invalid, this message and this source.
expect_invalid <- function(expr, message, source, info = NULL) {
  e <- tryCatch({
    expr
    NULL
  }, error = identity)
  expect_s3_class(e, "port4me_invalid")
  expect_identical(conditionMessage(e), message, info = info)
  expect_identical(e$source, source, info = info)
}

bytes <- function(...) rawToChar(as.raw(c(...)))

## ---- UTF-8 decoding ------------------------------------------------------

test_that("UTF-8 sequences at the edges of each length hash by code point", {
  h <- function(x) .Call(port4me:::R_port4me_hash, x)
  cases <- list(
    list(bytes(0x7f), 0x7f),                    # the last ASCII byte
    list(bytes(0xc2, 0x80), 0x80),              # the first 2-byte sequence
    list(bytes(0xc2, 0xb0), 0xb0),              # the degree sign
    list(bytes(0xdf, 0xbf), 0x7ff),             # the last 2-byte sequence
    list(bytes(0xe0, 0xa0, 0x80), 0x800),       # the first 3-byte sequence
    list(bytes(0xe2, 0x82, 0xac), 0x20ac),      # the euro sign
    list(bytes(0xed, 0x9f, 0xbf), 0xd7ff),      # just below the surrogates
    list(bytes(0xee, 0x80, 0x80), 0xe000),      # just above them
    list(bytes(0xef, 0xbf, 0xbd), 0xfffd),
    list(bytes(0xef, 0xbf, 0xbf), 0xffff),      # the last 3-byte sequence
    list(bytes(0xf0, 0x90, 0x80, 0x80), 0x10000),  # the first 4-byte one
    list(bytes(0xf0, 0x9f, 0x98, 0x80), 0x1f600),
    list(bytes(0xf4, 0x80, 0x80, 0x80), 0x100000),
    list(bytes(0xf4, 0x8f, 0xbf, 0xbf), 0x10ffff)  # the last code point
  )
  for (case in cases) {
    info <- paste(sprintf("%02X", as.integer(charToRaw(case[[1]]))),
                  collapse = " ")
    expect_identical(h(case[[1]]), case[[2]], info = info)
    # between ASCII characters: one code point, and nothing else consumed
    expect_identical(h(bytes(0x61, charToRaw(case[[1]]), 0x62)),
                     ((97 * 31 + case[[2]]) * 31 + 98) %% 2^32, info = info)
  }
  # the same as the pure-R transcription of the SPEC
  text <- "\u00b0\u07ff\u0800\ud7ff\ue000\uffff\U00010000\U0010ffff"
  expect_identical(h(text), ref_hash(text))
})

test_that("invalid UTF-8 is an error that names the first bad byte", {
  skip_if_not(isTRUE(l10n_info()[["UTF-8"]]), "not a UTF-8 session")
  local_port4me_env()
  cases <- list(
    list(0x80),                     # a lone continuation byte
    list(0xbf),
    list(0x80, 0x90, 0x80, 0x80),   # continuation bytes are no lead byte
    list(0xc0, 0x80),               # overlong: U+0000 in two bytes
    list(0xc1, 0xbf),               # overlong: U+007F in two bytes
    list(0xc1, 0x80, 0x80, 0x80),
    list(0xc2),                     # truncated at the end
    list(0xc2, 0x41),               # no continuation byte
    list(0xe0, 0x80, 0xaf),         # overlong: '/' in three bytes
    list(0xe0, 0x9f, 0xbf),         # overlong: U+07FF in three bytes
    list(0xe2, 0x82),               # truncated
    list(0xed, 0xa0, 0x80),         # U+D800, a surrogate
    list(0xed, 0xbf, 0xbf),         # U+DFFF, a surrogate
    list(0xf0, 0x8f, 0xbf, 0xbf),   # overlong: U+FFFF in four bytes
    list(0xf0, 0x9f, 0x98),         # truncated
    list(0xf4, 0x90, 0x80, 0x80),   # U+110000, above the last code point
    list(0xf5, 0x80, 0x80, 0x80),
    list(0xf8, 0x90, 0x80, 0x80),
    list(0xff)
  )
  h <- function(x) .Call(port4me:::R_port4me_hash, x)
  for (case in cases) {
    b <- unlist(case)
    info <- paste(sprintf("%02X", b), collapse = " ")
    # after two ASCII bytes and a 2-byte character: the bad byte is byte 5
    user <- bytes(0x61, 0x62, 0xc3, 0xa9, b)
    with_env(c(PORT4ME_USER = user), expect_invalid(
      port4me(list = 1),
      sprintf(paste0("PORT4ME_USER is not valid UTF-8 (invalid byte 0x%02X ",
                     "at byte 5); port4me hashes Unicode code points, so ",
                     "the name must be text"), b[[1]]),
      "PORT4ME_USER", info = info))
    # and followed by valid text
    with_env(c(PORT4ME_USER = bytes(charToRaw(user), 0x63, 0x64)), expect_invalid(
      port4me(list = 1),
      sprintf(paste0("PORT4ME_USER is not valid UTF-8 (invalid byte 0x%02X ",
                     "at byte 5); port4me hashes Unicode code points, so ",
                     "the name must be text"), b[[1]]),
      "PORT4ME_USER", info = info))
    expect_error(h(bytes(b)), class = "port4me_invalid", info = info)
  }
})

test_that("a user name from PORT4ME_USER is hashed by code point", {
  skip_if_not(isTRUE(l10n_info()[["UTF-8"]]), "not a UTF-8 session")
  local_port4me_env()
  default <- setdiff(1024:65535, ref_unsafe())
  for (user in c("\u00b0", "\u07ff\u0800", "\U0010ffff", "\ud7ff\ue000")) {
    with_env(c(PORT4ME_USER = user), {
      expect_identical(port4me(list = 3),
                       ref_ports(user, candidates = default, n = 3))
      expect_identical(edge_debug(port4me(list = 1))[3], sprintf(
        "port4me: seed string \"%s\", hash %.0f", user, ref_hash(user)))
    })
  }
})

## ---- specification strings ----------------------------------------------

test_that("every kind of white space separates, and separators may trail", {
  local_port4me_env()
  set <- 8000:8007
  for (spec in c("8000\t8001\n8002\r8003\f8004\v8005 8006,8007",
                 ",8000,,8001 , 8002-8004\t\n8005-8007,",
                 " \t8000-8007\n", "8000-8007,")) {
    expect_identical(port4me(user = "alice", include = spec, list = 8),
                     ref_ports("alice", candidates = set, n = 8),
                     info = spec)
  }
  for (sep in c("\t", "\n", "\r", "\f", "\v", " ", ",")) {
    expect_identical(port4me(user = "alice", include = paste0("8000", sep, "8007"),
                             list = 4),
                     ref_ports("alice", candidates = c(8000, 8007), n = 4),
                     info = sprintf("%02X", utf8ToInt(sep)))
  }
  # only separators: no port, so the default include set
  withr::local_envvar(PORT4ME_INCLUDE = " ,\t, ")
  expect_identical(port4me(user = "alice"), 30845L)
  expect_identical(edge_debug(port4me(user = "alice", list = 1))[4],
                   "port4me: include 1024-65535 (the default)")
})

test_that("single-port ranges and the largest port are ports", {
  local_port4me_env()
  expect_identical(port4me(user = "alice", include = "5000-5000", list = 2),
                   c(5000L, 5000L))
  expect_identical(port4me(user = "alice", include = "65535", list = 2),
                   c(65535L, 65535L))
  expect_identical(port4me(user = "alice", include = "65535-65535"), 65535L)
  expect_identical(port4me(user = "alice", include = "65534-65535", list = 4),
                   ref_ports("alice", candidates = 65534:65535, n = 4))
  expect_identical(port4me(user = "alice", include = "1-65535",
                           exclude = "1-65534"), 65535L)
  expect_identical(port4me(user = "alice", prepend = "65535", list = 2),
                   c(65535L, 30845L))
  expect_identical(port4me(user = "alice", include = "00008000"), 8000L)
})

test_that("bad tokens are errors that say what is wrong with them", {
  local_port4me_env()
  msg <- function(token, why) sprintf("'include': invalid token '%s': %s",
                                      token, why)
  above <- "port above 65535"
  not <- "not a port number or range"
  cases <- list(
    c("65536", above), c("4294967297", above), c("4294967296", above),
    c("99999999999999999999", above), c("1-65536", above),
    c("65536-1", above), c("1-4294967297", above),
    c("0-10", "a range must lie within 1-65535"),
    c("10-0", "a range must lie within 1-65535"),
    c("0-0", "a range must lie within 1-65535"),
    c("5-2", "an empty range (start above end)"),
    c("65535-1", "an empty range (start above end)"),
    c("1-", "a range needs an end"), c("8000-", "a range needs an end"),
    c("-5", "a range needs a start (negative ports do not exist)"),
    c("-", "a range needs a start (negative ports do not exist)"),
    c("abc", not), c("8000:8001", not), c("80/0", not), c("8000/", not),
    c("80:", not), c("1-2-3", not), c("1-2x", not), c("1x", not),
    c("1--2", "a range needs an end"),
    c("{chrome}}", "unknown token (known: {chrome}, {firefox})"),
    c("{foobar}", "unknown token (known: {chrome}, {firefox})"),
    c("{unknown}", "unknown token (known: {chrome}, {firefox})"),
    c("{firefox}x", "unknown token (known: {chrome}, {firefox})"),
    c("{chrome", "unknown token (known: {chrome}, {firefox})")
  )
  for (case in cases) {
    expect_invalid(port4me(user = "alice", include = case[[1]]),
                   msg(case[[1]], case[[2]]), "include", info = case[[1]])
    # the bad token is found, and shown alone, among good ones
    expect_invalid(port4me(user = "alice",
                           include = paste0("8000 ", case[[1]], ",8001")),
                   msg(case[[1]], case[[2]]), "include", info = case[[1]])
  }
})

test_that("a bad token is shown with at most 40 characters, in printable ASCII", {
  local_port4me_env()
  msg <- function(token) sprintf(
    "'exclude': invalid token '%s': not a port number or range", token)
  x40 <- strrep("x", 40)
  expect_invalid(port4me(user = "alice", exclude = x40), msg(x40), "exclude")
  expect_invalid(port4me(user = "alice", exclude = paste0(x40, "y")),
                 msg(paste0(x40, "...")), "exclude")
  expect_invalid(port4me(user = "alice", exclude = paste0(x40, "yz,8000")),
                 msg(paste0(x40, "...")), "exclude")
  expect_invalid(port4me(user = "alice", exclude = strrep("9x", 1000)),
                 msg(paste0(strrep("9x", 20), "...")), "exclude")
  expect_invalid(port4me(user = "alice", exclude = strrep("x", 39)),
                 msg(strrep("x", 39)), "exclude")
  # control characters, DEL and non-ASCII bytes are shown as '?'
  expect_invalid(port4me(user = "alice",
                         exclude = paste0("a", bytes(0x01, 0x1f), "!~",
                                          bytes(0x7f), "\u00e9z")),
                 msg("a??!~???z"), "exclude")
})

test_that("{chrome} and {firefox} are each their own list", {
  local_port4me_env()
  # 69, 137 and 161 are on Chrome's list only; 6000 on both
  include <- "69,137,161,6000,7000"
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{chrome}")
  expect_identical(port4me(user = "alice", include = include, list = 2),
                   c(7000L, 7000L))
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{firefox}")
  expect_identical(port4me(user = "alice", include = include, list = 4),
                   ref_ports("alice", candidates = c(69, 137, 161, 7000),
                             n = 4))
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = NA,
                      PORT4ME_EXCLUDE_UNSAFE_CHROME = "7001",
                      PORT4ME_EXCLUDE_UNSAFE_FIREFOX = "7002-7003")
  expect_identical(port4me(user = "alice", include = "7000-7004", list = 4),
                   ref_ports("alice", candidates = c(7000, 7004), n = 4))
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{chrome}")
  expect_identical(port4me(user = "alice", include = "7000-7004", list = 6),
                   ref_ports("alice", candidates = c(7000, 7002:7004), n = 6))
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{firefox} 7004")
  expect_identical(port4me(user = "alice", include = "7000-7004", list = 6),
                   ref_ports("alice", candidates = c(7000, 7001), n = 6))
})

test_that("an error in a token's list names the variable that holds it", {
  local_port4me_env()
  for (var in c("PORT4ME_EXCLUDE_UNSAFE_CHROME",
                "PORT4ME_EXCLUDE_UNSAFE_FIREFOX")) {
    vars <- stats::setNames("1,2-x,3", var)
    with_env(vars, expect_invalid(
      port4me(user = "alice"),
      paste0(var, ": invalid token '2-x': a range needs an end"), var))
    vars[[1]] <- "1,x2"
    with_env(vars, expect_invalid(
      port4me(user = "alice"),
      paste0(var, ": invalid token 'x2': not a port number or range"), var))
    vars[[1]] <- "{chrome}"
    with_env(vars, expect_invalid(
      port4me(user = "alice"),
      paste0(var, ": invalid token '{chrome}': tokens cannot be nested in ",
             "a token's list"), var))
    vars[[1]] <- "7000,{firefox}"
    with_env(vars, expect_invalid(
      port4me(user = "alice"),
      paste0(var, ": invalid token '{firefox}': tokens cannot be nested in ",
             "a token's list"), var))
  }
  # an error in the unsafe variable itself names that variable
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{chrome},{edge}")
  expect_invalid(port4me(user = "alice"), paste0(
    "PORT4ME_EXCLUDE_UNSAFE: invalid token '{edge}': unknown token ",
    "(known: {chrome}, {firefox})"), "PORT4ME_EXCLUDE_UNSAFE")
})

## ---- the port bitmap --------------------------------------------------

test_that("ranges that cross the 64-port words of the bitmap hold exactly their ports", {
  local_port4me_env(PORT4ME_EXCLUDE_UNSAFE = "0")
  specs <- c("60-200", "63-64", "64-127", "64-126", "100-190", "2-200",
             "60-61", "1000-1001", "65472-65535", "65500-65535", "1-65535",
             "2-63", "127-129", "1-1023", "63-191", "128-255", "65535")
  for (spec in specs) {
    r <- as.integer(strsplit(spec, "-", fixed = TRUE)[[1]])
    set <- seq(r[[1]], r[[length(r)]])
    lines <- edge_debug(port4me(user = "alice", include = spec, list = 1))
    expect_identical(lines[4:7], c(
      sprintf("port4me: include %s (from 'include')", spec),
      "port4me: exclude none",
      "port4me: prepend none",
      sprintf("port4me: %d candidate ports", length(set))), info = spec)
    n <- min(length(set), 300L)
    expect_identical(port4me(user = "alice", include = spec, list = n),
                     ref_ports("alice", candidates = set, n = n), info = spec)
    # as an exclusion, from the full range
    if (length(set) == 65535L) next
    lines <- edge_debug(port4me(user = "alice", include = "1-65535",
                                exclude = spec, list = 1))
    expect_identical(lines[5], sprintf(
      "port4me: exclude %s (from 'exclude')", spec), info = spec)
    expect_identical(lines[7], sprintf("port4me: %d candidate ports",
                                       65535L - length(set)), info = spec)
  }
  # a whole cycle over a set that spans several words, in stream order
  set <- 60:200
  expect_identical(port4me(user = "bob", include = "60-200", list = 2 * 141),
                   ref_ports("bob", candidates = set, n = 2 * 141))
})

## ---- numbers and flags in environment variables -------------------------

test_that("numbers in variables are read at the ends of their ranges", {
  local_port4me_env()
  alice <- port4me(user = "alice", list = 12)
  skip <- function(v) with_env(c(PORT4ME_SKIP = v), port4me(user = "alice"))
  expect_identical(skip("0"), alice[[1]])
  expect_identical(skip("2"), alice[[3]])
  expect_identical(skip("9"), alice[[10]])
  expect_identical(skip("10"), alice[[11]])
  expect_identical(skip("11"), alice[[12]])
  expect_identical(skip(" \t\n\r2 \t\n\r"), alice[[3]])
  expect_identical(skip("\t9"), alice[[10]])
  expect_identical(skip("10\n"), alice[[11]])
  expect_identical(skip("\r2"), alice[[3]])
  expect_identical(skip("0000000011"), alice[[12]])
  expect_identical(skip("2147483647"),
                   port4me(user = "alice", skip = 2147483647))
  # an argument of 0 wins over the variable
  with_env(c(PORT4ME_SKIP = "5"),
           expect_identical(port4me(user = "alice", skip = 0), alice[[1]]))
  with_env(c(PORT4ME_LIST = "5"),
           expect_identical(port4me(user = "alice", list = 1), alice[[1]]))

  bad <- function(var, v, range) with_env(stats::setNames(v, var),
    expect_invalid(port4me(user = "alice"),
                   sprintf("%s must be a whole number in %s, not \"%s\"", var,
                           range, v), var, info = paste(var, v)))
  for (v in c("2147483648", "21474836470", "99999999999999999999", "-1",
              "1.5", "2x", "2:", "2/", "/2", ":2", " ", "1 2", "x"))
    bad("PORT4ME_SKIP", v, "0..2147483647")
  for (v in c("0", "2147483648", "00", "-1"))
    bad("PORT4ME_LIST", v, "1..2147483647")
  for (v in c("0", "65536", "655350", "6553500", "100000", "-1"))
    bad("PORT4ME_TEST", v, "1..65535")
  for (v in c("0", "2147483648"))
    bad("PORT4ME_MAX_TRIES", v, "1..2147483647")
  for (v in c("-1", "2147483648", "1e3"))
    bad("PORT4ME_RESERVE", v, "0..2147483647")

  # the smallest and largest values that are allowed
  with_env(c(PORT4ME_LIST = "1"),
           expect_identical(port4me(user = "alice"), alice[1]))
  with_env(c(PORT4ME_LIST = "12"),
           expect_identical(port4me(user = "alice"), alice))
  with_env(c(PORT4ME_TEST = "1"), expect_true(port4me()))
  with_env(c(PORT4ME_TEST = "65535"), expect_true(port4me()))
  with_env(c(PORT4ME_TEST = " 65535\n"), expect_true(port4me()))
  with_env(c(PORT4ME_MAX_TRIES = "1"),
           expect_identical(port4me(user = "alice"), alice[[1]]))
  with_env(c(PORT4ME_MAX_TRIES = "2147483647"),
           expect_identical(port4me(user = "alice"), alice[[1]]))
})

test_that("a value in an error message is cut at 40 characters, printable ASCII", {
  local_port4me_env()
  shown <- function(v) tryCatch(
    with_env(c(PORT4ME_SKIP = v), port4me(user = "alice")),
    error = function(e) sub("^PORT4ME_SKIP must be a whole number in 0..2147483647, not ",
                            "", conditionMessage(e)))
  x40 <- strrep("x", 40)
  expect_identical(shown(x40), paste0("\"", x40, "\""))
  expect_identical(shown(strrep("x", 39)), paste0("\"", strrep("x", 39), "\""))
  expect_identical(shown(paste0(x40, "y")), paste0("\"", x40, "...\""))
  expect_identical(shown(strrep("9", 41)), paste0("\"", strrep("9", 40), "...\""))
  expect_identical(shown(strrep("ab", 5000)),
                   paste0("\"", strrep("ab", 20), "...\""))
  expect_identical(shown("1 2"), "\"1 2\"")
  expect_identical(shown("a\"b~c"), "\"a?b~c\"")
  expect_identical(shown(paste0("a", bytes(0x01, 0x1f, 0x7f), "b")),
                   "\"a???b\"")
  # non-ASCII bytes (a UTF-8 session passes the variable's bytes as they are)
  skip_if_not(isTRUE(l10n_info()[["UTF-8"]]), "not a UTF-8 session")
  expect_identical(shown("\u00e9!"), "\"??!\"")
  expect_identical(shown(paste0(strrep("\u00e9", 20), "z")),
                   paste0("\"", strrep("?", 40), "...\""))
})

test_that("true and false values of the flag variables", {
  local_port4me_env()
  for (v in c("maybe", "true ", "T", "yes!", "2", "n")) {
    with_env(c(PORT4ME_DEBUG = v), expect_invalid(
      port4me(user = "alice", list = 1),
      sprintf("PORT4ME_DEBUG must be true or false, not \"%s\"", v),
      "PORT4ME_DEBUG", info = v))
    with_env(c(PORT4ME_MUST_WORK = v), expect_invalid(
      port4me(user = "alice", list = 1),
      sprintf("PORT4ME_MUST_WORK must be true or false, not \"%s\"", v),
      "PORT4ME_MUST_WORK", info = v))
  }
  for (v in c("false", "FALSE", "False", "0", "no", "")) {
    expect_identical(capture_stderr(with_env(c(PORT4ME_DEBUG = v),
                                             port4me(user = "alice"))),
                     "", info = v)
  }
})

test_that("_PORT4ME_CHECK_AVAILABLE_PORTS_ takes only \"any\"", {
  local_port4me_env()
  for (v in c("ANY", "any ", "yes", "true", "1")) {
    with_env(c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = v), expect_invalid(
      port4me(user = "alice"),
      sprintf("_PORT4ME_CHECK_AVAILABLE_PORTS_ must be unset, empty or \"any\", not \"%s\"", v),
      "_PORT4ME_CHECK_AVAILABLE_PORTS_", info = v))
  }
})

## ---- list = 1 ------------------------------------------------------------

test_that("list = 1 lists one port and checks none", {
  local_port4me_env()
  lines <- edge_debug(port4me(user = "alice", list = 1))
  expect_length(lines, 8L)
  expect_false(any(grepl("counts as free", lines)))
  lines <- edge_debug(with_env(c(PORT4ME_LIST = "1"), port4me(user = "alice")))
  expect_length(lines, 8L)
  # a search does check the port
  lines <- edge_debug(port4me(user = "alice"))
  expect_identical(lines[[9]], paste0("port4me: port 30845 counts as free ",
                                      "(_PORT4ME_CHECK_AVAILABLE_PORTS_=any)"))
  # and a listed port is listed even when it is busy: a port held here
  withr::local_envvar("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  held <- port4me(user = "p4m-edges-list", include = "20000-60000",
                  must_work = FALSE)
  skip_if(held < 0, "no free port to hold")
  srv <- serverSocket(held)
  withr::defer(close(srv))
  expect_identical(port4me(user = "p4m-edges-list", prepend = held,
                           include = "20000-60000", list = 1), held)
  expect_false(identical(port4me(user = "p4m-edges-list", prepend = held,
                                 include = "20000-60000"), held))
})

## ---- where the values came from (debug) ------------------------------------

test_that("debug names every source that gave a port, and only those", {
  local_port4me_env()
  unsafe <- edge_debug(port4me(user = "alice", list = 1))[5]
  unsafe <- sub(" \\(from PORT4ME_EXCLUDE_UNSAFE\\)$", "", unsafe)
  unsafe <- sub("^port4me: exclude ", "", unsafe)
  ex <- function(...) edge_debug(port4me(user = "alice", list = 1, ...))[5]
  expect_identical(ex(exclude = integer(0)), paste0(
    "port4me: exclude ", unsafe, " (from PORT4ME_EXCLUDE_UNSAFE)"))
  expect_identical(ex(exclude = "0"), paste0(
    "port4me: exclude ", unsafe, " (from PORT4ME_EXCLUDE_UNSAFE)"))
  expect_identical(ex(exclude = " , "), paste0(
    "port4me: exclude ", unsafe, " (from PORT4ME_EXCLUDE_UNSAFE)"))
  expect_identical(ex(exclude = 10080L), paste0(
    "port4me: exclude ", unsafe, " (from 'exclude' and PORT4ME_EXCLUDE_UNSAFE)"))
  expect_identical(ex(exclude = "10080"), paste0(
    "port4me: exclude ", unsafe, " (from 'exclude' and PORT4ME_EXCLUDE_UNSAFE)"))
  with_env(c(PORT4ME_EXCLUDE_SITE = "10081"), expect_identical(
    ex(exclude = "10079"),
    paste0("port4me: exclude ", sub("10080$", "10079-10081", unsafe),
           " (from 'exclude', PORT4ME_EXCLUDE_SITE and ",
           "PORT4ME_EXCLUDE_UNSAFE)")))
  with_env(c(PORT4ME_EXCLUDE_SITE = "10081"), expect_identical(
    ex(exclude = "0"),
    paste0("port4me: exclude ", sub("10080$", "10080-10081", unsafe),
           " (from PORT4ME_EXCLUDE_SITE and PORT4ME_EXCLUDE_UNSAFE)")))
  with_env(c(PORT4ME_EXCLUDE_UNSAFE = "0"),
           expect_identical(ex(), "port4me: exclude none"))
  with_env(c(PORT4ME_EXCLUDE_UNSAFE = "0"),
           expect_identical(ex(exclude = 65535L),
                            "port4me: exclude 65535 (from 'exclude')"))

  inc <- function(...) edge_debug(port4me(user = "alice", list = 1, ...))[4]
  expect_identical(inc(include = integer(0)),
                   "port4me: include 1024-65535 (the default)")
  expect_identical(inc(include = 8000L),
                   "port4me: include 8000 (from 'include')")
  expect_identical(inc(include = "0"),
                   "port4me: include 1024-65535 (the default)")
  expect_identical(inc(include = c(65535L, 65533L)),
                   "port4me: include 65533,65535 (from 'include')")
  with_env(c(PORT4ME_INCLUDE_SITE = "65535"),
           expect_identical(inc(include = "0"),
                            "port4me: include 65535 (from PORT4ME_INCLUDE_SITE)"))

  pre <- function(...) edge_debug(port4me(user = "alice", list = 1, ...))[6]
  expect_identical(pre(prepend = 8000L),
                   "port4me: prepend 8000 (from 'prepend')")
  expect_identical(pre(prepend = c(8000L, 8001L, 8003L, 8002L)),
                   "port4me: prepend 8000-8001,8003,8002 (from 'prepend')")
  expect_identical(pre(prepend = c(65535L, 65534L, 65535L)),
                   "port4me: prepend 65535,65534 (from 'prepend')")
  expect_identical(pre(prepend = "0"), "port4me: prepend none")
})

test_that("debug names the user's source; an empty variable is unset", {
  local_port4me_env(USER = "carol")
  withr::local_envvar(PORT4ME_USER = "")
  expect_identical(edge_debug(port4me(list = 1))[1],
                   "port4me: user \"carol\" (from USER)")
  expect_identical(port4me(), port4me(user = "carol"))
  withr::local_envvar(PORT4ME_TOOL = "", PORT4ME_SKIP = "", PORT4ME_LIST = "",
                      PORT4ME_INCLUDE = "", PORT4ME_EXCLUDE = "",
                      PORT4ME_PREPEND = "", PORT4ME_RESERVE = "",
                      PORT4ME_MAX_TRIES = "", PORT4ME_MUST_WORK = "")
  lines <- edge_debug(port4me())
  expect_identical(lines[c(1:4, 6)], c(
    "port4me: user \"carol\" (from USER)", "port4me: tool none",
    sprintf("port4me: seed string \"carol\", hash %.0f", ref_hash("carol")),
    "port4me: include 1024-65535 (the default)", "port4me: prepend none"))
  expect_identical(port4me(), port4me(user = "carol"))
})

test_that("without any name for the user, the error says so", {
  env <- rep(NA_character_, port4me:::the$n_c_vars)
  env[match("_PORT4ME_CHECK_AVAILABLE_PORTS_", port4me:::the$vars)] <- "any"
  e <- tryCatch(.Call(port4me:::R_port4me, NULL, NULL, NULL, NULL, NULL, NULL,
                      1L, NULL, NULL, NULL, NULL, env, NULL),
                error = identity)
  expect_s3_class(e, "port4me_invalid")
  expect_identical(e$source, "user")
  expect_identical(conditionMessage(e), paste0(
    "'user' is not given, PORT4ME_USER and USER are unset and the operating ",
    "system does not say who you are"))
  env[match("USER", port4me:::the$vars)] <- "carol"
  expect_identical(.Call(port4me:::R_port4me, NULL, NULL, NULL, NULL, NULL,
                         NULL, 1L, NULL, NULL, NULL, NULL, env, ""),
                   port4me(user = "carol", list = 1))
})

test_that("a prepend list of every port is kept whole", {
  local_port4me_env()
  ports <- port4me(user = "alice", prepend = "1-65535", list = 65535)
  expect_identical(ports, 1:65535)
  ports <- port4me(user = "alice", prepend = c(65535:60001, 1:5), list = 5540)
  expect_identical(ports, c(65535:60001, 1:5))
  invisible(gc())
  expect_identical(port4me(user = "alice", prepend = "65535,65534,1-3",
                           list = 4), c(65535L, 65534L, 1L, 2L))
})

## ---- the claims directory and reserve (debug) ---------------------------

# A search (every port free) with these variables and no others, through the
# direct call, so that R's default for an unset HOME does not step in; the
# debug line that names the claims folder.
claims_line <- function(...) {
  vars <- port4me:::the$vars
  env <- rep(NA_character_, port4me:::the$n_c_vars)
  v <- c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any", PORT4ME_DEBUG = "true", ...)
  env[match(names(v), vars)] <- v
  out <- capture_stderr(.Call(port4me:::R_port4me, NULL, "alice", NULL, NULL,
                              NULL, NULL, NULL, NULL, NULL, NULL, NULL, env,
                              NULL))
  grep("^port4me: claims in ", strsplit(out, "\n", fixed = TRUE)[[1]],
       value = TRUE)
}

test_that("debug shows the claims directory of a search", {
  skip_on_os(c("windows", "mac"))
  xdg <- tempfile("p4m-edges-xdg-")
  dir.create(xdg, mode = "0700")
  withr::defer(unlink(xdg, recursive = TRUE))
  line <- function(dir) sprintf("port4me: claims in %s; reserve nothing", dir)
  expect_identical(claims_line(XDG_RUNTIME_DIR = xdg, HOME = "/h"),
                   line(paste0(xdg, "/port4me")))
  # relative folders are passed over
  expect_identical(claims_line(XDG_RUNTIME_DIR = "run/p4m",
                               R_USER_CACHE_DIR = "/c", HOME = "/h"),
                   line("/c/R/port4me/claims"))
  expect_identical(claims_line(R_USER_CACHE_DIR = "/c", XDG_CACHE_HOME = "/x"),
                   line("/c/R/port4me/claims"))
  expect_identical(claims_line(R_USER_CACHE_DIR = "c", XDG_CACHE_HOME = "/x",
                               HOME = "/h"),
                   line("/x/R/port4me/claims"))
  expect_identical(claims_line(XDG_RUNTIME_DIR = "", XDG_CACHE_HOME = "x",
                               HOME = "/h"),
                   line("/h/.cache/R/port4me/claims"))
  expect_identical(claims_line(HOME = "/h"), line("/h/.cache/R/port4me/claims"))
  expect_identical(claims_line(), line("(no folder)"))
  expect_identical(claims_line(HOME = "h", R_USER_CACHE_DIR = "c"),
                   line("(no folder)"))
  # the longest folder that fits, and one byte more
  # (made of short path components, which the system can look up)
  base <- paste0("/", paste(rep(strrep("d", 99), 40), collapse = "/"), "/",
                 strrep("d", 77))
  expect_identical(nchar(base) + nchar("/R/port4me/claims"), 4095L)
  expect_identical(claims_line(R_USER_CACHE_DIR = base),
                   line(paste0(base, "/R/port4me/claims")))
  for (var in c("XDG_RUNTIME_DIR", "R_USER_CACHE_DIR", "XDG_CACHE_HOME",
                "HOME")) {
    for (long in c(paste0(base, "d"), paste0(base, strrep("d", 100)))) {
      e <- tryCatch(claims_line(stats::setNames(
        if (var == "HOME") substring(long, 1, nchar(long) - 6) else
          if (var == "XDG_RUNTIME_DIR") paste0(long, strrep("d", 9)) else long,
        var)), error = identity)
      expect_s3_class(e, "port4me_invalid")
      expect_identical(e$source, var)
      expect_identical(conditionMessage(e),
                       paste(var, "is too long to hold the claims directory"))
    }
  }
})

test_that("debug says for how long a port is reserved", {
  local_port4me_env()
  line <- function(...) edge_debug(port4me(user = "alice", list = 1, ...))[8]
  expect_match(line(reserve = 0), "; reserve nothing$")
  expect_match(line(reserve = 1), "; reserve the port for 1 seconds$")
  expect_match(line(reserve = 30), "; reserve the port for 30 seconds$")
  with_env(c(PORT4ME_RESERVE = "1"),
           expect_match(line(), "; reserve the port for 1 seconds$"))
  with_env(c(PORT4ME_RESERVE = "5"),
           expect_match(line(reserve = 0), "; reserve nothing$"))
  with_env(c(PORT4ME_RESERVE = "0"),
           expect_match(line(), "; reserve nothing$"))
})

## ---- one call after another ------------------------------------------------

test_that("nothing is left over from the call before: an error's source, the claims folder", {
  local_port4me_env()
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE_CHROME = NA, XDG_RUNTIME_DIR = NA,
                      R_USER_CACHE_DIR = NA, XDG_CACHE_HOME = NA, HOME = NA)
  # an error in a token's list, then one in the string itself
  for (k in 1:3) {
    Sys.setenv(PORT4ME_EXCLUDE_UNSAFE_CHROME = "x")
    e1 <- tryCatch(port4me(user = "alice", list = 1), error = identity)
    Sys.unsetenv("PORT4ME_EXCLUDE_UNSAFE_CHROME")
    e2 <- tryCatch(port4me(user = "alice", include = "abc"), error = identity)
    expect_identical(e1$source, "PORT4ME_EXCLUDE_UNSAFE_CHROME")
    expect_identical(e2$source, "include")
    expect_identical(conditionMessage(e2),
                     "'include': invalid token 'abc': not a port number or range")
  }
  # a search with a claims folder, then one without any, then a list
  skip_on_os(c("windows", "mac"))
  for (k in 1:3) {
    expect_identical(claims_line(HOME = "/p4m-edges-h"),
                     "port4me: claims in /p4m-edges-h/.cache/R/port4me/claims; reserve nothing")
    expect_identical(claims_line(),
                     "port4me: claims in (no folder); reserve nothing")
    expect_identical(claims_line(R_USER_CACHE_DIR = "/p4m-edges-c"),
                     "port4me: claims in /p4m-edges-c/R/port4me/claims; reserve nothing")
    lines <- edge_debug(port4me(user = "alice", list = 1))
    expect_identical(lines[[8]], "port4me: claims in (no folder); reserve nothing")
  }
})

test_that("exclusions that cover the default set only together: the error names the first", {
  local_port4me_env(PORT4ME_EXCLUDE_SITE = "30001-65535")
  for (prepend in list(NULL, "1024-65535")) {
    e <- tryCatch(port4me(user = "alice", exclude = "1024-30000",
                          prepend = prepend), error = identity)
    expect_s3_class(e, "port4me_invalid")
    expect_identical(e$source, "exclude")
    expect_identical(conditionMessage(e), paste0(
      "'exclude': no candidate ports: the exclusions cover all of the ",
      "default 1024-65535"))
  }
  # one that covers it alone is named, wherever it stands
  withr::local_envvar(PORT4ME_EXCLUDE_SITE = "1-65535")
  e <- tryCatch(port4me(user = "alice", exclude = "1024-30000"),
                error = identity)
  expect_identical(e$source, "PORT4ME_EXCLUDE_SITE")
})
