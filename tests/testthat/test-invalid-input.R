# Bad arguments, variables and options (SPEC section 6): every one is a
# port4me_invalid condition, message "<source> must be <rule>, not <value>"
# with one rule text per setting whatever the source, and field `source`.
# Nothing is coerced from another type.  The rules are written out here as
# the SPEC and NOTES.md give them, not read from the package.  (Port
# specifications: test-port-specs.R; names that are not text:
# test-names.R.)

rules <- list(
  skip = c("PORT4ME_SKIP", "--skip", "a whole number in 0..2147483647"),
  list = c("PORT4ME_LIST", "--list", "a whole number in 1..2147483647"),
  test = c("PORT4ME_TEST", "--test", "a port in 1..65535"),
  max_tries = c("PORT4ME_MAX_TRIES", "--max-tries",
                "a whole number in 1..2147483647"),
  reserve = c("PORT4ME_RESERVE", "--reserve",
              "a whole number of seconds in 0..86400"),
  release = c(NA, "--release", "a port in 1..65535"),
  must_work = c("PORT4ME_MUST_WORK", "--must-work", "true or false")
)
# values just outside each count's limits, as R shows them
limits <- list(skip = c("-1", "2147483648"), list = c("0", "2147483648"),
               test = c("0", "65536"), max_tries = c("0", "2147483648"),
               reserve = c("-1", "86401"), release = c("0", "65536"))

must_be <- function(source, rule, value) {
  paste0(source, " must be ", rule, ", not ", value)
}

test_that("counts given as arguments: limits, fractions, NA, and no coercion", {
  local_port4me_env()
  wrong <- list(
    list(1.5, "1.5"), list(NA, "NA"), list(NA_integer_, "NA"),
    list(NA_real_, "NA"), list(NaN, "NA"), list(Inf, "Inf"),
    list(-Inf, "-Inf"), list(1e10, "10000000000"), list("1", "\"1\""),
    list(TRUE, "TRUE"), list(1i, "0+1i"), list(list(1), "a list"),
    list(factor(1), "a factor"),
    list(integer(0), "an integer vector of length 0"),
    list(c(1, 2), "a double vector of length 2"),
    list(as.Date("2024-01-01"), "2024-01-01"),
    list(as.POSIXct("2024-01-01 12:00:00", tz = "UTC"), "2024-01-01 12:00:00"))
  for (arg in names(limits)) {
    rule <- rules[[arg]][[3]]
    cases <- c(wrong, lapply(limits[[arg]], function(v) list(as.numeric(v), v)))
    for (case in cases) {
      expect_invalid(do.call(port4me, stats::setNames(list(case[[1]]), arg)),
                     must_be(arg, rule, case[[2]]), arg,
                     info = paste(arg, case[[2]]))
    }
  }
})

test_that("counts in variables: only digits, within the limits", {
  local_port4me_env(PORT4ME_USER = "alice")
  values <- c("x", "1.5", "1e3", "0x10", "+5", "5 6", " ", "NA", "Inf",
              "\u00e5", "99999999999999999999", strrep("7", 41))
  for (arg in setdiff(names(limits), "release")) {
    var <- rules[[arg]][[1]]
    for (v in c(values, limits[[arg]])) {
      withr::with_envvar(stats::setNames(v, var), expect_invalid(
        port4me(), must_be(var, rules[[arg]][[3]], ref_show(v)),
        var, info = paste(var, v)))
    }
  }
  # the display of a value, written out once
  withr::with_envvar(c(PORT4ME_SKIP = "\u00e5"), expect_invalid(
    port4me(), paste0("PORT4ME_SKIP must be a whole number in ",
                      "0..2147483647, not \"\\xc3\\xa5\""),
    "PORT4ME_SKIP"))
})

test_that("flags: TRUE or FALSE as arguments; the flag words in variables", {
  local_port4me_env(PORT4ME_USER = "alice")
  rule <- rules$must_work[[3]]
  for (case in list(list(NA, "NA"), list(1, "1"), list("yes", "\"yes\""),
                    list(c(TRUE, FALSE), "a logical vector of length 2"),
                    list(logical(0), "a logical vector of length 0"),
                    list(list(TRUE), "a list"),
                    list(factor(TRUE), "a factor"))) {
    expect_invalid(port4me(must_work = case[[1]]),
                   must_be("must_work", rule, case[[2]]), "must_work",
                   info = case[[2]])
  }
  for (var in c("PORT4ME_MUST_WORK", "PORT4ME_DEBUG")) {
    for (v in c("maybe", "2", "on", "T", "tRUE", "y", "true!")) {
      withr::with_envvar(stats::setNames(v, var), expect_invalid(
        port4me(list = 1), must_be(var, rule, sprintf("\"%s\"", v)), var,
        info = paste(var, v)))
    }
  }
})

test_that("names: user a non-empty string, tool a string", {
  local_port4me_env()
  wrong <- list(list(NA, "NA"), list(NA_character_, "NA"), list(1, "1"),
                list(TRUE, "TRUE"), list(list("a"), "a list"),
                list(factor("a"), "a factor"),
                list(character(0), "a character vector of length 0"),
                list(c("a", "b"), "a character vector of length 2"))
  for (case in wrong) {
    expect_invalid(port4me(user = case[[1]]),
                   must_be("user", "a non-empty string of text", case[[2]]),
                   "user", info = case[[2]])
    expect_invalid(port4me(case[[1]], user = "alice"),
                   must_be("tool", "a string of text", case[[2]]), "tool",
                   info = case[[2]])
  }
  expect_invalid(port4me(user = ""),
                 must_be("user", "a non-empty string of text", "\"\""), "user")
})

test_that("port sets: an integer or double vector, or one string", {
  local_port4me_env()
  for (arg in c("prepend", "include", "exclude")) {
    for (case in list(list(NA, "NA"), list(NA_character_, "NA"),
                      list(TRUE, "TRUE"), list(list(8000), "a list"),
                      list(factor(8000), "a factor"), list(8000i, "0+8000i"),
                      list(as.Date("2024-01-01"), "2024-01-01"),
                      list(character(0), "a character vector of length 0"),
                      list(c("8000", "8001"),
                           "a character vector of length 2"))) {
      expect_invalid(do.call(port4me, stats::setNames(list(case[[1]]), arg)),
                     must_be(arg, "ports in 1..65535", case[[2]]), arg,
                     info = paste(arg, case[[2]]))
    }
  }
})

test_that("a function, a symbol or an environment is refused like others", {
  local_port4me_env()
  t <- port4me:::the$table
  for (arg in t$arg[!is.na(t$arg)]) {
    for (case in list(list(function() 1, "a function"),
                      list(quote(x), "x"),
                      list(globalenv(), "an environment"))) {
      e <- tryCatch(do.call(port4me, stats::setNames(list(case[[1]]), arg),
                            quote = TRUE),
                    error = identity)
      expect_s3_class(e, "port4me_invalid")
      expect_identical(e$source, arg, info = paste(arg, case[[2]]))
    }
  }
})

test_that("the testing hook takes only \"any\" (or unset, or empty)", {
  local_port4me_env()
  hook <- "_PORT4ME_CHECK_AVAILABLE_PORTS_"
  for (v in c("all", "ANY", "yes", "1", "true", " any", "any ", "anything")) {
    withr::with_envvar(stats::setNames(v, hook), expect_invalid(
      port4me(user = "alice"),
      must_be(hook, "unset, empty or \"any\"", sprintf("\"%s\"", v)), hook,
      info = v))
  }
  withr::with_envvar(stats::setNames("", hook),
                     expect_identical(port4me(user = "alice", list = 1),
                                      30845L))
})

test_that("an error is a classed condition without a call", {
  local_port4me_env()
  e <- tryCatch(port4me(skip = -1), error = identity)
  expect_identical(class(e), c("port4me_invalid", "port4me_error", "error",
                               "condition"))
  expect_null(conditionCall(e))
  expect_identical(e$source, "skip")
})

test_that("the command line gives each rule the same wording after --option", {
  skip_on_cran()
  skip_if_not_installed("processx")
  # one process per setting: the first value outside its limits
  for (arg in names(rules)) {
    opt <- rules[[arg]][[2]]
    value <- if (arg == "must_work") "maybe" else limits[[arg]][[1]]
    res <- run_rscript(c("-e", "port4me::port4me", "--args", "--user=alice",
                         paste0(opt, "=", value)))
    expect_identical(res$status, 2L, info = opt)
    expect_identical(res$stdout, "", info = opt)
    expect_identical(res$stderr, paste0(
      "Error: ", must_be(opt, rules[[arg]][[3]], sprintf("\"%s\"", value)),
      "\n"), info = opt)
  }
})

test_that("--skip=\" 2\" and PORT4ME_SKIP=\" 2\" give the same outcome", {
  skip_on_cran()
  skip_if_not_installed("processx")
  local_port4me_env(PORT4ME_SKIP = " 2")
  expect_identical(port4me(user = "alice", list = 1), 32310L)
  res <- run_rscript(c("-e", "port4me::port4me", "--args", "--user=alice",
                       "--skip= 2", "--list=1"))
  expect_identical(res$status, 0L)
  expect_identical(res$stdout, "32310\n")
})
