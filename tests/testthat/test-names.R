# Names are text (SPEC section 1): the user and the tool are hashed by
# their Unicode code points, whatever their encoding; text that cannot be
# decoded is an error naming its source and the first bad byte.  The
# expected hashes come from the code points written here and the SPEC's
# formula.  (Sessions in other locales: test-locale.R.)

# The SPEC's hash of these code points.
cp_hash <- function(cps) Reduce(function(h, cp) (31 * h + cp) %% 2^32, cps, 0)

test_that("UTF-8 sequences at the edges of each length: one code point", {
  h <- function(x) .Call(port4me:::R_port4me_hash, x)
  cases <- list(
    list(bytes(0x7f), 0x7f),                       # the last ASCII byte
    list(bytes(0xc2, 0x80), 0x80),                 # the first 2-byte one
    list(bytes(0xdf, 0xbf), 0x7ff),                # the last 2-byte one
    list(bytes(0xe0, 0xa0, 0x80), 0x800),          # the first 3-byte one
    list(bytes(0xed, 0x9f, 0xbf), 0xd7ff),         # below the surrogates
    list(bytes(0xee, 0x80, 0x80), 0xe000),         # above them
    list(bytes(0xef, 0xbf, 0xbf), 0xffff),         # the last 3-byte one
    list(bytes(0xf0, 0x90, 0x80, 0x80), 0x10000),  # the first 4-byte one
    list(bytes(0xf0, 0x9f, 0x98, 0x80), 0x1f600),
    list(bytes(0xf4, 0x8f, 0xbf, 0xbf), 0x10ffff)  # the last code point
  )
  for (case in cases) {
    info <- paste(sprintf("%02X", as.integer(charToRaw(case[[1]]))),
                  collapse = " ")
    expect_identical(h(case[[1]]), case[[2]], info = info)
    # between ASCII letters: one code point, and nothing else consumed
    expect_identical(h(bytes(0x61, charToRaw(case[[1]]), 0x62)),
                     cp_hash(c(0x61, case[[2]], 0x62)), info = info)
  }
  expect_identical(h("j\u00f6rg"), cp_hash(c(106, 246, 114, 103)))
})

test_that("a name from an argument or a variable is hashed by code point", {
  local_port4me_env()
  default <- setdiff(1024:65535, ref_unsafe())
  for (user in c("\u00b0", "\u07ff\u0800", "\U0010ffff", "\ud7ff\ue000",
                 "j\u00f6rg")) {
    expected <- ref_ports(user, candidates = default, n = 3)
    expect_identical(port4me(user = user, list = 3), expected, info = user)
    withr::with_envvar(c(PORT4ME_USER = user), {
      expect_identical(port4me(list = 3), expected, info = user)
      expect_true(has_line(debug_text(port4me(list = 1)), sprintf(
        "seed string \"%s\", hash %.0f", user, cp_hash(utf8ToInt(user)))))
    })
  }
  expect_identical(port4me("\u00e9", user = "alice", list = 2),
                   ref_ports("alice", "\u00e9", candidates = default, n = 2))
})

test_that("latin1 is hashed by its code points; \"bytes\" is refused", {
  local_port4me_env()
  latin1 <- "caf\xe9"
  Encoding(latin1) <- "latin1"
  expect_identical(port4me(user = latin1, list = 3),
                   ref_ports("caf\u00e9", candidates = setdiff(
                     1024:65535, ref_unsafe()), n = 3))
  raw_name <- "caf\xe9"
  Encoding(raw_name) <- "bytes"
  expect_invalid(port4me(user = raw_name),
                 paste0("user must be a non-empty string of text, not ",
                        "\"caf\\xe9\": it is marked as \"bytes\", not text"),
                 "user")
  expect_invalid(port4me(raw_name, user = "alice"),
                 paste0("tool must be a string of text, not \"caf\\xe9\": it ",
                        "is marked as \"bytes\", not text"), "tool")
})

test_that("invalid UTF-8 in a variable names the first bad byte", {
  skip_if_not(isTRUE(l10n_info()[["UTF-8"]]), "not a UTF-8 session")
  local_port4me_env()
  cases <- list(
    c(0x80), c(0xbf),                   # lone continuation bytes
    c(0xc0, 0x80), c(0xc1, 0xbf),       # overlong in two bytes
    c(0xc2), c(0xc2, 0x41),             # truncated; no continuation byte
    c(0xe0, 0x80, 0xaf), c(0xe0, 0x9f, 0xbf),  # overlong in three bytes
    c(0xe2, 0x82),                      # truncated
    c(0xed, 0xa0, 0x80), c(0xed, 0xbf, 0xbf),  # surrogates
    c(0xf0, 0x8f, 0xbf, 0xbf),          # overlong in four bytes
    c(0xf0, 0x9f, 0x98),                # truncated
    c(0xf4, 0x90, 0x80, 0x80), c(0xf5, 0x80, 0x80, 0x80),  # above U+10FFFF
    c(0xf8, 0x90, 0x80, 0x80), c(0xff)
  )
  why <- function(b) sprintf(paste0(": not valid UTF-8 (byte 0x%02X at ",
                                    "position 5); port4me hashes the code ",
                                    "points of names"), b)
  for (b in cases) {
    info <- paste(sprintf("%02X", b), collapse = " ")
    # after two ASCII bytes and a 2-byte character: the bad one is byte 5
    for (name in c(bytes(0x61, 0x62, 0xc3, 0xa9, b),
                   bytes(0x61, 0x62, 0xc3, 0xa9, b, 0x63, 0x64))) {
      withr::with_envvar(c(PORT4ME_USER = name), expect_invalid(
        port4me(list = 1), paste0(
          "PORT4ME_USER must be a non-empty string of text, not ",
          ref_show(name), why(b[[1]])), "PORT4ME_USER", info = info))
    }
  }
  withr::local_envvar(USER = bytes(0x61, 0x62, 0xc3, 0xa9, 0xe9))
  expect_invalid(port4me(list = 1), paste0(
    "USER must be a non-empty string of text, not \"ab\\xc3\\xa9\\xe9\"",
    why(0xe9)), "USER")
  withr::local_envvar(PORT4ME_USER = "alice",
                      PORT4ME_TOOL = bytes(0x61, 0x62, 0xc3, 0xa9, 0xc0))
  expect_invalid(port4me(list = 1), paste0(
    "PORT4ME_TOOL must be a string of text, not \"ab\\xc3\\xa9\\xc0\"",
    why(0xc0)), "PORT4ME_TOOL")
})

test_that("an unmarked argument that is not UTF-8 is refused (not escaped)", {
  skip_if_not(isTRUE(l10n_info()[["UTF-8"]]), "not a UTF-8 session")
  local_port4me_env()
  why <- ": not valid UTF-8; port4me hashes the code points of names"
  for (name in c("al\xffice", "\xc3", "\xed\xa0\x80", strrep("\xfe", 1e6))) {
    expect_invalid(port4me(user = name), paste0(
      "user must be a non-empty string of text, not ", ref_show(name), why),
      "user", info = substr(name, 1, 10))
    expect_invalid(port4me(name, user = "alice"), paste0(
      "tool must be a string of text, not ", ref_show(name), why), "tool",
      info = substr(name, 1, 10))
  }
})
