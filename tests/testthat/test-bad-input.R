# A table of bad inputs: every one must be a port4me_invalid condition
# whose message names the argument or environment variable and says what was
# wrong, and whose field `source` is that argument or variable.  Nothing may
# be coerced, crash, hang or return a port.  Each row is
#   (arguments to port4me(), environment variables, expected message, source)
# and the message is matched exactly (fixed = TRUE) unless it starts with "^",
# then as a regular expression.  The source is, unless given, the first
# variable of the row, else its first argument.

bad_rows <- list()
bad <- function(args = list(), env = character(), msg,
                source = if (length(env)) names(env)[[1]] else names(args)[[1]]) {
  bad_rows[[length(bad_rows) + 1L]] <<- list(args = args, env = env, msg = msg,
                                             source = source)
}

## ---- single whole-number arguments: skip, list, test, max_tries --------
counts <- list(
  skip = c(0, 2147483647), list = c(1, 2147483647),
  test = c(1, 65535), max_tries = c(1, 2147483647), reserve = c(0, 2147483647)
)
# value, its description in the message
not_whole <- list(
  list(NA, "NA"), list(NA_integer_, "NA"), list(NA_real_, "NA"),
  list(NaN, "NaN"), list(Inf, "Inf"), list(-Inf, "-Inf"), list(-1, "-1"),
  list(-1L, "-1"), list(1.5, "1.5"), list(list(1), "a list"),
  list(factor(1), "a factor"), list(function() 1, "a function"),
  list(integer(0), "an integer vector of length 0"),
  list(numeric(0), "a double vector of length 0"),
  list(c(1, 2), "a double vector of length 2"),
  list("1", "\"1\""), list(TRUE, "TRUE"), list(1i, "0+1i"),
  list(as.POSIXct("2024-01-01", tz = "UTC"), "2024-01-01")
)
for (arg in names(counts)) {
  rng <- counts[[arg]]
  lead <- sprintf("'%s' must be a single whole number in %s..%s, not ",
                  arg, format(rng[1]), format(rng[2], scientific = FALSE))
  for (v in not_whole) {
    bad(stats::setNames(list(v[[1]]), arg), msg = paste0(lead, v[[2]]))
  }
  # below the minimum, above the maximum
  if (rng[1] > 0) bad(stats::setNames(list(0), arg), msg = paste0(lead, "0"))
  above <- rng[2] + 1
  bad(stats::setNames(list(above), arg),
      msg = paste0(lead, format(above, scientific = FALSE)))
  bad(stats::setNames(list(1e10), arg), msg = paste0(lead, "1e+10"))
}

## ---- user and tool -----------------------------------------------------
for (arg in c("user", "tool")) {
  lead <- sprintf("'%s' must be NULL or a single string, not ", arg)
  for (v in list(list(NA, "NA"), list(NA_character_, "NA"), list(1, "1"),
                 list(TRUE, "TRUE"), list(list("a"), "a list"),
                 list(factor("a"), "a factor"),
                 list(function() "a", "a function"),
                 list(character(0), "a character vector of length 0"),
                 list(c("a", "b"), "a character vector of length 2"))) {
    bad(stats::setNames(list(v[[1]]), arg), msg = paste0(lead, v[[2]]))
  }
}
bad(list(user = ""), msg = "'user' must not be an empty string")

## ---- must_work ---------------------------------------------------------
for (v in list(list(NA, "NA"), list(1, "1"), list("TRUE", "\"TRUE\""),
               list(c(TRUE, FALSE), "a logical vector of length 2"),
               list(logical(0), "a logical vector of length 0"),
               list(list(TRUE), "a list"))) {
  bad(list(must_work = v[[1]]),
      msg = paste0("'must_work' must be TRUE or FALSE, not ", v[[2]]))
}

## ---- port specifications: arguments and their variables ----------------
specs <- list(
  list("abc", "invalid token 'abc': not a port number or range"),
  list("80x", "invalid token '80x': not a port number or range"),
  list("1-", "invalid token '1-': a range needs an end"),
  list("-5", paste0("invalid token '-5': a range needs a start ",
                    "(negative ports do not exist)")),
  list("5-2", "invalid token '5-2': an empty range (start above end)"),
  list("1,,x", "invalid token 'x': not a port number or range"),
  list("99999", "invalid token '99999': port above 65535"),
  list("1-99999", "invalid token '1-99999': port above 65535"),
  list("0-10", "invalid token '0-10': a range must lie within 1-65535"),
  list("1-5-7", "invalid token '1-5-7': not a port number or range"),
  list("{foo}", paste0("invalid token '{foo}': unknown token ",
                       "(known: {chrome}, {firefox})")),
  list("{chrome", paste0("invalid token '{chrome': unknown token ",
                         "(known: {chrome}, {firefox})"))
)
for (arg in c("prepend", "include", "exclude")) {
  var <- paste0("PORT4ME_", toupper(arg))
  for (s in specs) {
    bad(stats::setNames(list(s[[1]]), arg),
        msg = paste0("'", arg, "': ", s[[2]]))
    bad(env = stats::setNames(s[[1]], var), msg = paste0(var, ": ", s[[2]]))
  }
  site <- paste0(var, "_SITE")
  bad(env = stats::setNames("8000,x", site),
      msg = paste0(site, ": invalid token 'x': not a port number or range"))
  # an argument does not hide an invalid site-wide variable
  bad(stats::setNames(list(8000), arg), env = stats::setNames("1-", site),
      msg = paste0(site, ": invalid token '1-': a range needs an end"))

  # vectors of ports
  # (c() of an integer and a double is a double: the integer cases are
  # built from integers only, so that they reach the integer branch)
  for (v in list(list(0, "0"), list(-1, "-1"), list(65536, "65536"),
                 list(1.5, "1.5"), list(-1L, "-1"), list(70000L, "70000"),
                 list(0L, "0"), list(65536L, "65536"),
                 list(.Machine$integer.max, "2147483647"))) {
    bad(stats::setNames(list(c(if (is.integer(v[[1]])) 8000L else 8000,
                               v[[1]])), arg),
        msg = sprintf("'%s'[2] is %s; ports must be whole numbers in 1..65535",
                      arg, v[[2]]))
  }
  for (v in list(NA_real_, NaN, NA_integer_)) {
    bad(stats::setNames(list(v), arg),
        msg = sprintf("'%s'[1] is NA; ports must be whole numbers in 1..65535",
                      arg))
  }
  bad(stats::setNames(list(c(1, Inf)), arg),
      msg = sprintf("^'%s'\\[2\\] is [Ii]nf; ports must be whole numbers", arg))
  # wrong types
  lead <- sprintf(paste0("'%s' must be an integer vector of ports or a ",
                         "single port specification string, not "), arg)
  for (v in list(list(NA, "NA"), list(NA_character_, "NA"),
                 list(TRUE, "TRUE"), list(list(1), "a list"),
                 list(factor(8000), "a factor"),
                 list(function() 8000, "a function"),
                 list(character(0), "a character vector of length 0"),
                 list(c("8000", "8001"), "a character vector of length 2"))) {
    bad(stats::setNames(list(v[[1]]), arg), msg = paste0(lead, v[[2]]))
  }
}
bad(env = c(PORT4ME_EXCLUDE_UNSAFE = "{foo}"),
    msg = paste0("PORT4ME_EXCLUDE_UNSAFE: invalid token '{foo}': unknown ",
                 "token (known: {chrome}, {firefox})"))
bad(env = c(PORT4ME_EXCLUDE_UNSAFE = "1-"),
    msg = "PORT4ME_EXCLUDE_UNSAFE: invalid token '1-': a range needs an end")
for (b in c("chrome", "firefox")) {
  var <- paste0("PORT4ME_EXCLUDE_UNSAFE_", toupper(b))
  bad(env = stats::setNames("1,x", var),
      msg = paste0(var, ": invalid token 'x': not a port number or range"))
  bad(env = stats::setNames(sprintf("{%s}", b), var),
      msg = sprintf(paste0("%s: invalid token '{%s}': tokens cannot be ",
                           "nested in a token's list"), var, b))
}
# a long bad token is shortened in the message
bad(list(include = strrep("9", 1e5)),
    msg = paste0("'include': invalid token '", strrep("9", 40),
                 "...': port above 65535"))
# non-ASCII bytes are shown as '?'
bad(list(exclude = "8000,\u00e5"),
    msg = "'exclude': invalid token '??': not a port number or range")

## ---- no candidate left --------------------------------------------------
no_cand <- paste0(": no candidate ports: every included port is excluded ",
                  "(by the exclude set, PORT4ME_EXCLUDE_SITE or ",
                  "PORT4ME_EXCLUDE_UNSAFE)")
bad(list(include = "8000-8009", exclude = "8000-8009"),
    msg = paste0("'include'", no_cand))
bad(list(include = 6000), msg = paste0("'include'", no_cand))  # an unsafe port
bad(env = c(PORT4ME_INCLUDE = "8000", PORT4ME_EXCLUDE_SITE = "8000"),
    msg = paste0("PORT4ME_INCLUDE", no_cand))
bad(env = c(PORT4ME_INCLUDE_SITE = "8000", PORT4ME_EXCLUDE = "8000"),
    msg = paste0("PORT4ME_INCLUDE_SITE", no_cand))
# the source to blame is the one that excludes everything by itself
bad(list(exclude = 80), env = c(PORT4ME_EXCLUDE_SITE = "1024-65535"),
    msg = paste0("PORT4ME_EXCLUDE_SITE: no candidate ports: the exclusions ",
                 "cover all of the default 1024-65535"))
bad(list(exclude = "1024-65535"),
    msg = paste0("'exclude': no candidate ports: the exclusions cover all ",
                 "of the default 1024-65535"))

## ---- numeric variables ----------------------------------------------------
# A value as an error message shows it: bytes outside printable ASCII (and
# '"') as '?'.
shown <- function(v) {
  b <- charToRaw(v)
  keep <- b >= as.raw(0x20) & b < as.raw(0x7f) & b != as.raw(0x22)
  b[!keep] <- charToRaw("?")
  rawToChar(b)
}
env_counts <- list(PORT4ME_SKIP = c(0, 2147483647),
                   PORT4ME_LIST = c(1, 2147483647),
                   PORT4ME_TEST = c(1, 65535),
                   PORT4ME_MAX_TRIES = c(1, 2147483647),
                   PORT4ME_RESERVE = c(0, 2147483647))
garbage <- c("abc", "-1", "1.5", "1e3", "0x10", "5 6", "+5", " ", "\t",
             "99999999999", "\u00e5", "NA", "Inf")
for (var in names(env_counts)) {
  rng <- env_counts[[var]]
  lead <- sprintf("%s must be a whole number in %s..%s, not ", var,
                  format(rng[1]), format(rng[2], scientific = FALSE))
  values <- c(garbage, format(rng[2] + 1, scientific = FALSE))
  if (rng[1] > 0) values <- c(values, "0")
  for (v in values) {
    bad(env = stats::setNames(v, var), msg = paste0(lead, "\"", shown(v), "\""))
  }
}

## ---- switches -------------------------------------------------------------
for (v in c("all", "ANY", "yes", "1", "true", " any", "any ", "anything")) {
  bad(env = c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = v),
      msg = sprintf(paste0("_PORT4ME_CHECK_AVAILABLE_PORTS_ must be unset, ",
                           "empty or \"any\", not \"%s\""), v))
}
for (var in c("PORT4ME_DEBUG", "PORT4ME_MUST_WORK")) {
  for (v in c("maybe", "2", "on", "T", "tRUE", " true")) {
    bad(env = stats::setNames(v, var),
        msg = sprintf("%s must be true or false, not \"%s\"", var, v))
  }
}

## ---- run the table --------------------------------------------------------

`%||%` <- function(x, y) if (is.null(x)) y else x

run_bad_row <- function(row) {
  # the row's variables; every port is free, so a missing error would show
  # up as a returned port (and the test fails on it)
  do.call(local_port4me_env, as.list(row$env))
  args <- row$args
  if (is.null(args$user)) args$user <- "p4m-hard-bad"
  if (is.null(args$list) && !"PORT4ME_LIST" %in% names(row$env) &&
      !"test" %in% names(args) && !"PORT4ME_TEST" %in% names(row$env) &&
      !"max_tries" %in% names(args) && !"must_work" %in% names(args)) {
    args$list <- 2
  }
  # must_work and max_tries only matter when no port is free: make it so
  if ("must_work" %in% names(args) || "max_tries" %in% names(args)) {
    args$include <- args$include %||% "8000"
  }
  tryCatch(list(value = do.call(port4me, args)),
           error = function(e) e)
}

for (i in seq_along(bad_rows)) {
  row <- bad_rows[[i]]
  label <- paste(c(
    if (length(row$args)) paste(names(row$args), vapply(row$args, function(a)
      substr(paste(deparse(a), collapse = ""), 1, 40), ""), sep = " = "),
    if (length(row$env)) paste(names(row$env),
                               encodeString(substr(row$env, 1, 40),
                                            quote = "\""), sep = "=")
  ), collapse = ", ")
  test_that(sprintf("bad input %d is an error naming it: %s", i, label), {
    res <- run_bad_row(row)
    expect_s3_class(res, "port4me_invalid")
    expect_s3_class(res, "port4me_error")
    expect_identical(res$source, row$source)
    if (inherits(res, "error")) {
      msg <- conditionMessage(res)
      if (startsWith(row$msg, "^")) {
        expect_match(msg, row$msg)
      } else {
        expect_identical(msg, row$msg)
      }
    }
  })
}

test_that("an argument replaces its variable, which is then not read", {
  # the documented behaviour: PORT4ME_SKIP etc. are only defaults
  local_port4me_env(PORT4ME_SKIP = "x", PORT4ME_LIST = "x",
                    PORT4ME_INCLUDE = "x", PORT4ME_EXCLUDE = "x",
                    PORT4ME_PREPEND = "x", PORT4ME_USER = "\xff")
  expect_identical(
    port4me(user = "alice", skip = 0, list = 2, include = "1024-65535",
            exclude = "0", prepend = integer()),
    c(30845L, 19654L)
  )
  expect_identical(port4me(user = "alice", test = 65535, include = "x"),
                   TRUE)
})
