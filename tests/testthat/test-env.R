# Environment variables of SPEC sections 3 and 4, and how they combine with
# the arguments.

test_that("PORT4ME_USER, USER and the account name choose the user", {
  local_port4me_env(PORT4ME_USER = "alice", USER = "bob")
  expect_identical(port4me(), 30845L)
  expect_identical(port4me(user = "bob"), 54242L)
  withr::local_envvar(PORT4ME_USER = NA)
  expect_identical(port4me(), 54242L)
  withr::local_envvar(PORT4ME_USER = "", USER = "carol")
  expect_identical(port4me(), 34307L)
  withr::local_envvar(PORT4ME_USER = NA, USER = NA)
  account <- Sys.info()[["user"]]
  expect_identical(port4me(list = 3), port4me(user = account, list = 3))
})

test_that("PORT4ME_TOOL chooses the tool; the argument wins", {
  local_port4me_env(PORT4ME_USER = "alice", PORT4ME_TOOL = "rstudio")
  expect_identical(port4me(), 22486L)
  expect_identical(port4me("jupyter-notebook"), 29525L)
  expect_identical(port4me(""), 30845L)
  withr::local_envvar(PORT4ME_TOOL = "")
  expect_identical(port4me(), 30845L)
})

test_that("PORT4ME_INCLUDE and PORT4ME_INCLUDE_SITE", {
  local_port4me_env(PORT4ME_USER = "alice")
  withr::local_envvar(PORT4ME_INCLUDE = "2000-2123,4321,10000-10999")
  expect_identical(port4me(), 10451L)
  # the argument replaces PORT4ME_INCLUDE
  expect_identical(port4me(include = "1-1023"), 470L)
  # the site variable is united with the user-level value
  withr::local_envvar(PORT4ME_INCLUDE = "1-1023", PORT4ME_INCLUDE_SITE = "4321")
  ports <- port4me(list = 2000)
  expect_setequal(unique(ports), setdiff(c(1:1023, 4321L), ref_unsafe()))
  # ... and with the argument
  ports <- port4me(include = "2000-2009", list = 11)
  expect_setequal(ports, c(2000:2009, 4321L))
  # the site variable alone restricts the candidates
  withr::local_envvar(PORT4ME_INCLUDE = NA, PORT4ME_INCLUDE_SITE = "5000-5004")
  expect_setequal(port4me(list = 5), 5000:5004)
  # "0" means nothing: the default range applies
  withr::local_envvar(PORT4ME_INCLUDE = "0", PORT4ME_INCLUDE_SITE = "0")
  expect_identical(port4me(), 30845L)
})

test_that("PORT4ME_EXCLUDE and PORT4ME_EXCLUDE_SITE", {
  local_port4me_env(PORT4ME_USER = "alice")
  withr::local_envvar(PORT4ME_EXCLUDE = "30845,32310")
  expect_identical(port4me(), 19654L)
  # the argument replaces PORT4ME_EXCLUDE ...
  expect_identical(port4me(exclude = "19654"), 30845L)
  expect_identical(port4me(exclude = integer()), 30845L)
  # ... but the site-wide exclusions still apply
  withr::local_envvar(PORT4ME_EXCLUDE_SITE = "30845")
  expect_identical(port4me(exclude = "19654"), 32310L)
  expect_identical(port4me(exclude = "0"), 19654L)
  expect_identical(port4me(), 19654L)
})

test_that("the browser-unsafe ports are excluded unless turned off", {
  local_port4me_env(PORT4ME_USER = "alice")
  # alice's sequence in 1..1023 starts at 470 when unsafe ports are excluded
  unfiltered <- ref_ports("alice", candidates = 1:1023, n = 1023)
  first_unsafe <- unfiltered[unfiltered %in% ref_unsafe()][1]
  expect_false(first_unsafe %in% port4me(include = "1-1023", list = 1023))
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "0")
  expect_identical(port4me(include = "1-1023", list = 1023), unfiltered)
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "")
  expect_identical(port4me(include = "1-1023", list = 1023), unfiltered)
  # an explicit exclude argument does not turn them off
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = NA)
  expect_false(any(port4me(include = "1-1023", exclude = "403",
                           list = 1023) %in% ref_unsafe()))
})

test_that("{chrome} and {firefox} follow their variables", {
  local_port4me_env(PORT4ME_USER = "alice")
  chrome_only <- setdiff(c(69, 137, 161, 427, 548, 554, 989, 990, 1719, 1720,
                           1723, 3659, 5060, 5061, 6566, 6665:6669, 6697,
                           10080), 0)
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{firefox}")
  ports <- port4me(include = "1-11000", list = 20000)
  expect_true(all(chrome_only %in% ports))
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{chrome}")
  ports <- port4me(include = "1-11000", list = 20000)
  expect_false(any(chrome_only %in% ports))
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE_CHROME = "30845")
  expect_identical(port4me(), 19654L)
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{chrome} {firefox}",
                      PORT4ME_EXCLUDE_UNSAFE_FIREFOX = "19654")
  expect_identical(port4me(), 32310L)
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "{chrome},5000-5010")
  expect_false(any(5000:5010 %in% port4me(include = "5000-5020", list = 20)))
})

test_that("PORT4ME_PREPEND and PORT4ME_PREPEND_SITE", {
  local_port4me_env(PORT4ME_USER = "alice")
  withr::local_envvar(PORT4ME_PREPEND = "4321,11001")
  expect_identical(port4me(list = 5), c(4321L, 11001L, 30845L, 19654L, 32310L))
  withr::local_envvar(PORT4ME_PREPEND_SITE = "9000,4321")
  expect_identical(port4me(list = 4), c(4321L, 11001L, 9000L, 30845L))
  # the argument replaces PORT4ME_PREPEND, the site ports follow it
  expect_identical(port4me(prepend = 8000, list = 4),
                   c(8000L, 9000L, 4321L, 30845L))
})

test_that("PORT4ME_SKIP and PORT4ME_LIST; the arguments win", {
  local_port4me_env(PORT4ME_USER = "alice", PORT4ME_SKIP = "2")
  expect_identical(port4me(), 32310L)
  expect_identical(port4me(skip = 0), 30845L)
  withr::local_envvar(PORT4ME_LIST = "3")
  expect_identical(port4me(), c(32310L, 63992L, 15273L))
  expect_identical(port4me(list = 1, skip = 1), 19654L)
  withr::local_envvar(PORT4ME_SKIP = "", PORT4ME_LIST = "")
  expect_identical(port4me(), 30845L)
})

test_that("PORT4ME_TEST and test = check one port", {
  local_port4me_env(PORT4ME_TEST = "4321")
  expect_identical(port4me(), TRUE)
  expect_identical(port4me(test = 80), TRUE)
})

test_that("_PORT4ME_CHECK_AVAILABLE_PORTS_ must be 'any' or unset", {
  local_port4me_env(`_PORT4ME_CHECK_AVAILABLE_PORTS_` = "all")
  expect_error(port4me(user = "alice"), "_PORT4ME_CHECK_AVAILABLE_PORTS_")
  withr::local_envvar(`_PORT4ME_CHECK_AVAILABLE_PORTS_` = "any")
  expect_identical(port4me(user = "alice"), 30845L)
})

test_that("an empty candidate set is an immediate port4me_invalid error", {
  local_port4me_env(PORT4ME_USER = "alice")
  source_of <- function(expr) {
    tryCatch(expr, port4me_invalid = function(e) e$source)
  }
  expect_error(port4me(include = 4321, exclude = 4321),
               "^'include': no candidate ports", class = "port4me_invalid")
  expect_identical(source_of(port4me(include = "1-100", exclude = "1-100",
                                     list = 1)), "include")
  withr::local_envvar(PORT4ME_EXCLUDE_SITE = "1-65535")
  expect_error(port4me(), "^PORT4ME_EXCLUDE_SITE: no candidate ports",
               class = "port4me_invalid")
  expect_identical(source_of(port4me()), "PORT4ME_EXCLUDE_SITE")
})

test_that("every error is a classed condition from one place", {
  local_port4me_env(PORT4ME_USER = "alice")
  source_of <- function(expr) {
    tryCatch(expr, port4me_invalid = function(e) e$source)
  }
  expect_identical(source_of(port4me(skip = -1)), "skip")
  withr::with_envvar(c(PORT4ME_SKIP = "x"),
                     expect_identical(source_of(port4me()), "PORT4ME_SKIP"))
  e <- tryCatch(port4me(skip = -1), error = function(e) e)
  expect_identical(class(e), c("port4me_invalid", "port4me_error", "error",
                               "condition"))
  expect_null(conditionCall(e))
  expect_identical(e$detail, " must be a single whole number in 0..2147483647, not -1")
  expect_identical(conditionMessage(e), paste0("'skip'", e$detail))
})

test_that("errors name the argument or variable", {
  local_port4me_env(PORT4ME_USER = "alice")
  expect_error(port4me(include = "1-"), "^'include': ")
  expect_error(port4me(exclude = "x"), "^'exclude': ")
  expect_error(port4me(prepend = c(1, 0)), "^'prepend'\\[2\\]")
  withr::local_envvar(PORT4ME_INCLUDE = "5-2")
  expect_error(port4me(), "^PORT4ME_INCLUDE: ")
  withr::local_envvar(PORT4ME_INCLUDE = NA, PORT4ME_EXCLUDE_SITE = "{edge}")
  expect_error(port4me(), "^PORT4ME_EXCLUDE_SITE: .*unknown token")
  withr::local_envvar(PORT4ME_EXCLUDE_SITE = NA,
                      PORT4ME_EXCLUDE_UNSAFE_FIREFOX = "{chrome}")
  expect_error(port4me(), "PORT4ME_EXCLUDE_UNSAFE_FIREFOX")
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE_FIREFOX = NA, PORT4ME_SKIP = "-1")
  expect_error(port4me(), "PORT4ME_SKIP")
  withr::local_envvar(PORT4ME_SKIP = NA, PORT4ME_LIST = "0")
  expect_error(port4me(), "PORT4ME_LIST")
  withr::local_envvar(PORT4ME_LIST = NA, PORT4ME_TEST = "65536")
  expect_error(port4me(), "PORT4ME_TEST")
  withr::local_envvar(PORT4ME_TEST = NA)
  expect_error(port4me(user = ""), "'user'")
})
