# The .Call entry point is internal, but it must hold up on its own: R
# checks the arguments of port4me(), and whatever reaches C without those
# checks is an error (never a crash, never a port).  call_port4me() is in
# helper-call.R.

test_that("the direct call works with plain values", {
  env <- rep(NA_character_, port4me:::the$n_c_vars)
  env[match("_PORT4ME_CHECK_AVAILABLE_PORTS_", port4me:::the$vars)] <- "any"
  expect_identical(call_port4me(list = 3L), c(30845L, 19654L, 32310L))
  expect_identical(call_port4me(list = NULL, env = env), 30845L)
  expect_identical(call_port4me(user = NULL, account = "alice"), 30845L)
})

call_cases <- list(
  list(user = ""), list(user = NA_character_), list(user = c("a", "b")),
  list(user = 1), list(user = "al\xffice"), list(tool = "\xff"),
  list(user = NULL, account = "\xfe"),
  list(must_work = "x"), list(must_work = NA), list(must_work = 1),
  list(must_work = c(TRUE, FALSE)),
  list(prepend = factor(1)), list(include = factor("8000")),
  list(include = 0L), list(include = 65536L), list(include = NA_integer_),
  list(include = 8000.5), list(include = c("1", "2")),
  list(include = list(8000)), list(include = TRUE),
  list(skip = -1), list(skip = NA_real_), list(skip = 1.5),
  list(skip = "1"), list(skip = c(1, 2)), list(skip = factor(1)),
  list(list = 0L), list(list = 2^31), list(test = 0L), list(test = 65536),
  list(max_tries = 0), list(reserve = -1),
  list(env = "x"), list(env = 1:20), list(env = NULL),
  list(env = replace(rep(NA_character_, port4me:::the$n_c_vars),
                     match("_PORT4ME_CHECK_AVAILABLE_PORTS_",
                           port4me:::the$vars), "yes")),
  list(env = replace(rep(NA_character_, port4me:::the$n_c_vars),
                     match("PORT4ME_USER", port4me:::the$vars), "\xff"),
       user = NULL)
)

for (case in call_cases) {
  label <- paste(names(case), vapply(case, function(v)
    paste(deparse(v), collapse = ""), ""), sep = " = ", collapse = ", ")
  test_that(paste(".Call with", label, "is an error, not a port"), {
    res <- tryCatch(do.call(call_port4me, case), error = identity)
    expect_s3_class(res, "port4me_error")
  })
}
