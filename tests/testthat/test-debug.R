# PORT4ME_DEBUG=true answers "why did I get this port?" (SPEC section 5):
# messages of class port4me_debug, first the inputs and where each came
# from (named as the caller wrote them), then each port passed over and
# why.  Asserted by content (debug_text() and has_line() in
# helper-inputs.R), never by line number.

# Ports as the debug lines write a set: sorted runs, "a-b" or "a".
compact <- function(x) {
  x <- sort(unique(x))
  run <- cumsum(c(1, diff(x) != 1))
  lo <- tapply(x, run, min)
  hi <- tapply(x, run, max)
  paste(ifelse(lo == hi, lo, paste0(lo, "-", hi)), collapse = ",")
}

test_that("messages of class port4me_debug; suppressMessages() silences them", {
  local_port4me_env(PORT4ME_DEBUG = "true")
  msgs <- list()
  withCallingHandlers(port4me(user = "alice"), message = function(m) {
    msgs[[length(msgs) + 1L]] <<- m
    invokeRestart("muffleMessage")
  })
  expect_gt(length(msgs), 8L)
  for (m in msgs) {
    expect_s3_class(m, "port4me_debug")
    expect_match(conditionMessage(m), "^port4me: [^\n]+\n$")
  }
  # this process's stderr: nothing, and (so that the check can fail)
  # something without suppressMessages()
  quiet <- utils::capture.output(
    invisible(suppressMessages(port4me(user = "alice"))), type = "message")
  expect_identical(quiet, character())
  loud <- utils::capture.output(invisible(port4me(user = "alice")),
                                type = "message")
  expect_gt(length(loud), 8L)
  # a whole process's stderr, C's included
  skip_on_cran()
  skip_if_not_installed("processx")
  res <- run_rscript(c("-e", paste(
    "x <- suppressMessages(port4me::port4me(user = 'alice'))",
    "cat(x, '\\n')", sep = "; ")),
    env = c(PORT4ME_DEBUG = "true", "_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any"))
  expect_identical(res$status, 0L)
  expect_identical(res$stdout, "30845 \n")
  expect_identical(res$stderr, "")
})

test_that("the inputs and their sources, by default", {
  local_port4me_env()
  text <- debug_text(port4me(user = "alice"))
  for (line in c(
    "user \"alice\" (from user)", "tool: none",
    sprintf("seed string \"alice\", hash %.0f", ref_hash("alice")),
    "include 1024-65535 (the default)",
    sprintf("exclude %s (from PORT4ME_EXCLUDE_UNSAFE)", compact(ref_unsafe())),
    "prepend none",
    sprintf("%d candidate ports", length(setdiff(1024:65535, ref_unsafe()))),
    "reserve: none (claims are only read)",
    sprintf("claims folder %s/port4me (from XDG_RUNTIME_DIR)",
            Sys.getenv("XDG_RUNTIME_DIR")),
    "port 30845 counts as free (_PORT4ME_CHECK_AVAILABLE_PORTS_=any)")) {
    expect_true(has_line(text, line), info = line)
  }
})

test_that("the inputs and their sources: variables, arguments, the account", {
  local_port4me_env(PORT4ME_USER = "bob", PORT4ME_TOOL = "rstudio",
                    PORT4ME_INCLUDE = "2000-2009,2011",
                    PORT4ME_INCLUDE_SITE = "3000",
                    PORT4ME_EXCLUDE_SITE = "2006",
                    PORT4ME_EXCLUDE_UNSAFE = "0",
                    PORT4ME_PREPEND_SITE = "91")
  text <- debug_text(port4me(exclude = c(2005, 2007), prepend = c(80:82, 90),
                             list = 1))
  for (line in c(
    "user \"bob\" (from PORT4ME_USER)",
    "tool \"rstudio\" (from PORT4ME_TOOL)",
    sprintf("seed string \"bob,rstudio\", hash %.0f", ref_hash("bob,rstudio")),
    paste0("include 2000-2009,2011,3000 (from PORT4ME_INCLUDE and ",
           "PORT4ME_INCLUDE_SITE)"),
    "exclude 2005-2007 (from exclude and PORT4ME_EXCLUDE_SITE)",
    "prepend 80-82,90-91 (from prepend and PORT4ME_PREPEND_SITE)",
    "9 candidate ports")) {
    expect_true(has_line(text, line), info = line)
  }
  expect_true(has_line(debug_text(port4me("shiny", user = "dan", list = 1)),
                       "tool \"shiny\" (from tool)"))
  withr::local_envvar(PORT4ME_USER = "", USER = "carol")
  expect_true(has_line(debug_text(port4me(list = 1)),
                       "user \"carol\" (from USER)"))
  withr::local_envvar(USER = NA)
  me <- Sys.info()[["effective_user"]]
  expect_true(has_line(debug_text(port4me(list = 1)),
                       sprintf("user \"%s\" (from the account name)", me)))
})

test_that("each set names exactly the sources that gave it ports", {
  local_port4me_env(PORT4ME_USER = "alice")
  unsafe <- compact(ref_unsafe())
  line <- function(text, what) {
    lines <- strsplit(text, "\n", fixed = TRUE)[[1]]
    lines[startsWith(lines, paste0(what, " "))]
  }
  ex <- function(...) line(debug_text(port4me(list = 1, ...)), "exclude")
  for (nothing in list(integer(0), "0", " , ")) {
    expect_identical(ex(exclude = nothing), sprintf(
      "exclude %s (from PORT4ME_EXCLUDE_UNSAFE)", unsafe))
  }
  expect_identical(ex(exclude = 10080L), sprintf(
    "exclude %s (from exclude and PORT4ME_EXCLUDE_UNSAFE)", unsafe))
  withr::with_envvar(c(PORT4ME_EXCLUDE_SITE = "10081"), expect_identical(
    ex(exclude = "10079"),
    sprintf(paste0("exclude %s (from exclude, PORT4ME_EXCLUDE_SITE and ",
                   "PORT4ME_EXCLUDE_UNSAFE)"),
            compact(c(ref_unsafe(), 10079, 10081)))))
  withr::with_envvar(c(PORT4ME_EXCLUDE_UNSAFE = "0"), {
    expect_identical(ex(), "exclude none")
    expect_identical(ex(exclude = 65535L), "exclude 65535 (from exclude)")
  })
  inc <- function(...) line(debug_text(port4me(list = 1, ...)), "include")
  expect_identical(inc(include = "0"), "include 1024-65535 (the default)")
  expect_identical(inc(include = c(65535L, 65533L)),
                   "include 65533,65535 (from include)")
  withr::with_envvar(c(PORT4ME_INCLUDE_SITE = "65535"), expect_identical(
    inc(include = "0"), "include 65535 (from PORT4ME_INCLUDE_SITE)"))
  pre <- function(...) line(debug_text(port4me(list = 1, ...)), "prepend")
  expect_identical(pre(prepend = c(8000L, 8001L, 8003L, 8002L)),
                   "prepend 8000-8001,8003,8002 (from prepend)")
  expect_identical(pre(prepend = c(65535L, 65534L, 65535L)),
                   "prepend 65535,65534 (from prepend)")
  expect_identical(pre(prepend = "0"), "prepend none")
  # one candidate
  expect_true(has_line(debug_text(port4me(include = 8000, list = 1)),
                       "1 candidate port"))
})

test_that("what each mode reports: list the inputs, test and release a port", {
  local_port4me_env(PORT4ME_USER = "alice")
  text <- debug_text(port4me(list = 2))
  expect_true(has_line(text, "prepend none"))
  expect_false(grepl("reserve|claims folder|port [0-9]", text))
  text <- debug_text(port4me(test = 8000))
  expect_true(has_line(text, paste0(
    "port 8000 counts as free (_PORT4ME_CHECK_AVAILABLE_PORTS_=any)")))
  expect_false(grepl("user|include|candidate", text))
  text <- debug_text(port4me(release = 8000))
  expect_false(grepl("user|include|candidate", text))
})

test_that("reserve and claims: how long, and each port passed over", {
  local_port4me_env()
  dir <- local_runtime_dir()
  user <- paste0("p4m-debug-", Sys.getpid())
  withr::with_envvar(c(PORT4ME_RESERVE = "5"), expect_true(has_line(
    debug_text(port4me(user = user, reserve = 0)),
    "reserve: none (claims are only read)")))
  text <- debug_text(p <- port4me(user = user, reserve = 3600))
  expect_true(has_line(text, "reserve: claim the port for 3600 seconds"))
  expect_true(has_line(text, sprintf(
    "claims folder %s/port4me: claims are written here", dir)))
  expect_match(text, sprintf(
    "(^|\n)port %d claimed until [0-9-]+ [0-9:]+(\n|$)", p))
  text <- debug_text(port4me(user = user))
  expect_match(text, sprintf(
    paste0("(^|\n)port %d skipped: claimed until [0-9-]+ [0-9:]+ ",
           "\\(in %s/port4me\\)(\n|$)"), p, dir))
  expect_true(has_line(text, sprintf(
    "claims folder %s/port4me: claims are read here", dir)))
  text <- debug_text(port4me(release = p))
  expect_match(text, sprintf("port %d: claim dropped", p), fixed = TRUE)
})
