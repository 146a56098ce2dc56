# The .Call layer (src/port4me.c) is internal, but it must hold up on its
# own: R checks the types of port4me()'s arguments and C trusts them, while
# C always checks lengths and shapes; whatever is malformed is a plain
# error "port4me: internal error: ..." (a bug, not port4me_invalid), never
# a crash or a port.  And the settings table that everything derives from
# (R_port4me_table) is consistent.  call_port4me() and env_values() are in
# helper-inputs.R.

any_port <- c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")

test_that("the direct call works with plain values", {
  expect_identical(call_port4me(list = 3L), c(30845L, 19654L, 32310L))
  expect_identical(call_port4me(list = NULL, env = env_values(any_port)),
                   30845L)
  expect_identical(call_port4me(user = NULL, account = "alice"), 30845L)
  # the command line's form: a string (or NA) for every row of the table
  t <- port4me:::the$table
  opts <- rep(NA_character_, length(t$kind))
  opts[match(c("user", "skip", "list"), t$arg)] <- c("alice", " 2", "3")
  expect_identical(call_port4me(given = opts, from = 2L),
                   c(32310L, 63992L, 15273L))
})

# The internal error of expr, or what expr gave instead; `what`: the text
# that must follow "internal error: " (the whole message).
internal_error <- function(expr, what, info = NULL) {
  e <- tryCatch(expr, error = identity)
  expect_identical(class(e), c("simpleError", "error", "condition"),
                   info = info)
  if (inherits(e, "error")) {
    expect_identical(conditionMessage(e),
                     paste0("port4me: internal error: ", what), info = info)
  }
}

# Each case (arguments of call_port4me()) and the internal error it must
# give, by message.
internal_errors <- function(by_message) {
  for (what in names(by_message)) {
    for (case in by_message[[what]]) {
      label <- paste(names(case), vapply(case, function(v)
        substr(paste(deparse(v), collapse = ""), 1, 40), ""), sep = " = ",
        collapse = ", ")
      internal_error(do.call(call_port4me, case), what, info = label)
    }
  }
}

test_that("malformed shapes are an internal error, never a crash or a port", {
  t <- port4me:::the$table
  n_args <- sum(!is.na(t$arg))
  n_vars <- sum(!is.na(t$var))
  args <- vector("list", n_args)
  args[match(c("user", "list"), t$arg[!is.na(t$arg)])] <- list("alice", 1L)
  internal_errors(list(
    # the call's own arguments
    "the arguments of the .Call" = list(
      list(from = 1), list(from = 1:2), list(from = "1"), list(from = NULL),
      list(env = 1:n_vars), list(env = NULL)),
    "the given values of the .Call" = list(
      list(given = 1:n_args),
      list(given = as.list(rep(NA_character_, length(t$kind))), from = 2L),
      list(given = rep(NA_character_, length(t$kind) - 1), from = 2L)),
    "fewer arguments than the table has" = list(list(given = args[-1])),
    "more arguments than the table has" = list(list(given = c(args, 1L))),
    "fewer values than variables" = list(
      list(env = rep(NA_character_, n_vars - 1))),
    "more values than variables" = list(
      list(env = rep(NA_character_, n_vars + 1))),
    # values of a shape that R never hands over
    "a string of length other than 1, or NA" = list(
      list(user = NA_character_), list(user = c("a", "b")),
      list(user = character()), list(include = NA_character_),
      list(tool = c("x", "y"))),
    "a flag of length other than 1, or NA" = list(
      list(must_work = NA), list(must_work = logical()),
      list(must_work = c(TRUE, FALSE))),
    "a value of an unexpected type" = list(
      list(user = list("a")), list(user = function() "a"),
      list(skip = list(1)), list(include = sum))
  ))
  internal_error(.Call(port4me:::R_port4me_hash, NA_character_),
                 "hash() needs a single string")
  internal_error(.Call(port4me:::R_port4me_hash, c("a", "b")),
                 "hash() needs a single string")
  internal_error(.Call(port4me:::R_port4me_hash, "\xff"),
                 "hash() needs UTF-8 text")
  internal_error(.Call(port4me:::R_port4me_show, c("a", "b")),
                 "show() needs a single string")
  internal_error(.Call(port4me:::R_port4me_show, NA_character_),
                 "show() needs a single string")
  internal_error(.Call(port4me:::R_port4me_cli, 1L),
                 "the arguments are not strings")
})

test_that("every entry point leaves R's protection stack as it found it", {
  # (R reports an imbalance after a builtin such as `for` on stderr, which
  # sink(type = "message") takes)
  local_port4me_env()
  out <- capture.output(type = "message", {
    for (i in 1:2) {
      cli <- .Call(port4me:::R_port4me_cli, c("--user=a", "rstudio"))
      table <- .Call(port4me:::R_port4me_table)
      shown <- .Call(port4me:::R_port4me_show, "a\tb")
      hash <- .Call(port4me:::R_port4me_hash, "alice")
      ports <- port4me(user = "alice", list = 2)
      free <- port4me(test = ports[1])
    }
  })
  expect_identical(out, character())
})

test_that("an account that is NA is no account, not the user \"NA\"", {
  no_account <- tryCatch(call_port4me(user = NULL), error = identity)
  na_account <- tryCatch(call_port4me(user = NULL, account = NA_character_),
                         error = identity)
  expect_s3_class(no_account, "port4me_invalid")
  expect_identical(na_account, no_account)
})

test_that("an NA among the command line's strings is the text NA, as R prints it", {
  t <- port4me:::the$table
  v <- .Call(port4me:::R_port4me_cli, c("--user", NA_character_))
  expect_identical(v[[which(t$opt == "--user")]], "NA")
  expect_identical(attr(v, "action"), "run")
})

test_that("a value of the wrong form for its row, or numbers of another length than 1, are an internal error", {
  internal_errors(list(
    "a name that is not a string" = list(list(user = 1), list(tool = TRUE)),
    "ports that are neither a string nor numbers" = list(
      list(include = TRUE)),
    "a flag that is not TRUE or FALSE" = list(
      list(must_work = "x"), list(must_work = 1L)),
    "not one number for a single value" = list(
      list(skip = "1"), list(test = TRUE), list(reserve = "5"),
      list(release = FALSE), list(skip = c(1, 2)), list(skip = numeric()),
      list(skip = integer()), list(list = integer()),
      list(test = c(80L, 81L)), list(list = c(1L, 2L)),
      list(reserve = c(0, 1)))
  ))
})

test_that("the settings table: columns of one length, a rule for every value", {
  t <- port4me:::the$table
  expect_identical(names(t), c("arg", "var", "opt", "kind", "min", "max",
                               "default", "group", "placeholder", "help",
                               "rule"))
  n <- length(t$kind)
  expect_true(all(lengths(t) == n))
  kinds <- c("name", "ports", "count", "port", "seconds", "flag", "hook",
             "path", "action")
  expect_true(all(t$kind %in% kinds))
  value <- t$kind != "action"
  expect_true(all(nzchar(t$rule[value])))
  expect_identical(t$rule[!value], rep("", sum(!value)))
  expect_true(all(t$min <= t$max | t$kind %in% c("name", "hook", "path",
                                                  "action")))
  # the arguments are exactly those of port4me(), in order; names unique
  expect_identical(t$arg[!is.na(t$arg)], names(formals(port4me::port4me)))
  for (col in c("arg", "var", "opt")) {
    expect_false(anyDuplicated(stats::na.omit(t[[col]])) > 0, label = col)
  }
  expect_true(all(startsWith(stats::na.omit(t$opt), "--")))
  expect_true(all(nzchar(t$help)))
  # every row is reachable: an argument, a variable or an option
  expect_true(all(!is.na(t$arg) | !is.na(t$var) | !is.na(t$opt)))
  # R reads the variables of the table, in the table's order
  expect_identical(port4me:::the$vars, t$var[!is.na(t$var)])
})

test_that("every argument reaches its own row of the table", {
  local_port4me_env()
  # a value that R lets through and C refuses: the source is the argument
  bad <- list(user = "", prepend = 0, include = 70000, exclude = -1,
              skip = -1, list = 0, test = 0, max_tries = 0, reserve = -1,
              release = 0)
  for (arg in names(bad)) {
    e <- tryCatch(do.call(port4me, stats::setNames(bad[arg], arg)),
                  error = identity)
    expect_s3_class(e, "port4me_invalid")
    expect_identical(e$source, arg)
  }
  # tool and must_work have no value that C refuses: their effect shows
  expect_identical(port4me("rstudio", user = "alice"), 22486L)
})
