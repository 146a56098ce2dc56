# The command line, `Rscript -e port4me::port4me [options] [tool]` (SPEC
# section 7), run in real Rscript processes (several at a time; see
# helper-cli-run.R).  Each child gets this process's library and none of
# its PORT4ME_* variables.

skip_if_no_cli <- function() {
  skip_if_not_installed("processx")
  skip_if_not(file.exists(rscript_bin()), "Rscript is not found")
  skip_if_not(cli_package_installed(),
              "port4me is not loaded from an installed library")
}

any_free <- c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")

# Run cases and check each with check(k, res, info), k the case's index,
# info naming the case on failure.
run_and_check <- function(cases, check) {
  results <- cli_run_all(cases)
  for (k in seq_along(cases)) {
    info <- describe_run(cases[[k]], results[[k]])
    expect_false(results[[k]]$timeout, info = info)
    check(k, results[[k]], info)
  }
  invisible(results)
}

# cli_main() in this process: list(status, stdout lines, stderr lines).
cli_in_process <- function(args, env = character()) {
  err <- NULL
  out <- utils::capture.output(
    err <- utils::capture.output(
      status <- with_env(c(any_free, env), port4me:::cli_main(args)),
      type = "message"
    )
  )
  list(status = status, stdout = out, stderr = err)
}

test_that("the command line prints the reference values (SPEC section 8)", {
  skip_if_no_cli()
  alice10 <- c(30845, 19654, 32310, 63992, 15273, 31420, 62779, 55372,
               24143, 41300)
  # args, environment, expected stdout lines
  ref <- list(
    list("--user=alice", NULL, 30845),
    list(character(), c(PORT4ME_USER = "alice"), 30845),
    list("--user=bob", NULL, 54242),
    list(c("--user=alice", "--tool=rstudio"), NULL, 22486),
    list(c("--user=alice", "rstudio"), NULL, 22486),
    list("--user=alice", c(PORT4ME_TOOL = "rstudio"), 22486),
    list(c("--user=alice", "--tool="), c(PORT4ME_TOOL = "rstudio"), 30845),
    list(c("--user=alice", "--tool=jupyter-notebook"), NULL, 29525),
    list(c("--user=alice", "jupyter-notebook"), NULL, 29525),
    list(c("--user", "alice", "--tool", "myapp"), NULL, 55578),
    list(c("--user=alice", "--", "demo"), NULL, 32273),
    list(c("--user=alice", "--exclude=30845,32310"), NULL, 19654),
    list("--user=alice", c(PORT4ME_EXCLUDE = "30845,32310"), 19654),
    list(c("--user=alice", "--include=2000-2123,4321,10000-10999"), NULL,
         10451),
    list("--user=alice", c(PORT4ME_INCLUDE = "2000-2123,4321,10000-10999"),
         10451),
    list(c("--user=alice", "--include=1-1023"), NULL, 470),
    list(c("--user=alice", "--include=1-1023", "--exclude=470,403"), NULL,
         859),
    list(c("--user=alice", "--prepend=4321,11001", "--list=5"), NULL,
         c(4321, 11001, 30845, 19654, 32310)),
    list(c("--user=alice", "--list=5"), c(PORT4ME_PREPEND = "4321,11001"),
         c(4321, 11001, 30845, 19654, 32310)),
    list(c("--user=alice", "--prepend=2000-2009", "--include=1-1023"), NULL,
         2000),
    list(c("--user=alice", "--skip=2"), NULL, 32310),
    list(c("--user=alice", "--list=3", "--skip=2"), NULL,
         c(32310, 63992, 15273)),
    list(c("--user=bob", "--list=2", "--skip=1", "--exclude=54242,14723"),
         NULL, c(42139, 55707)),
    list(c("--user=alice", "--list=10"), NULL, alice10),
    list("--user=alice", c(PORT4ME_LIST = "10"), alice10),
    list(c("--list=10", "--user=bob", "--user=alice"), NULL, alice10),
    list(c("--user=bob", "--list=5"), NULL,
         c(54242, 4930, 42139, 14723, 55707)),
    list(c("--user=hrms", "--list=5"), NULL,
         c(5624, 28652, 51790, 17641, 12409))
  )
  cases <- lapply(ref, function(r) cli_case(r[[1]], c(any_free, r[[2]])))
  run_and_check(cases, function(k, res, info) {
    want <- ref[[k]][[3]]
    expect_identical(res$status, 0L, info = info)
    # digits only, one port per line, newline-terminated, nothing else
    expect_identical(res$stdout, paste0(want, "\n", collapse = ""),
                     info = info)
    expect_identical(res$stderr, "", info = info)
  })
})

test_that("--help, -h, --version and --debug", {
  skip_if_no_cli()
  version <- as.character(utils::packageVersion("port4me"))
  cases <- list(
    help = cli_case("--help"),
    h = cli_case("-h"),
    version = cli_case(c("--version", "--user=alice")),
    debug = cli_case(c("--debug", "--user=alice"), any_free),
    debug_list = cli_case(c("--user=alice", "--list=2", "--debug"), any_free)
  )
  res <- cli_run_all(cases)
  names(res) <- names(cases)
  info <- function(k) describe_run(cases[[k]], res[[k]])

  for (k in c("help", "h")) {
    expect_identical(res[[k]]$status, 0L, info = info(k))
    expect_identical(res[[k]]$stderr, "", info = info(k))
    out <- res[[k]]$stdout
    expect_match(out, "Usage:", fixed = TRUE, info = info(k))
    expect_match(out, "Rscript -e port4me::port4me [options] [tool]",
                 fixed = TRUE, info = info(k))
    expect_match(out, "Examples:", fixed = TRUE, info = info(k))
    for (opt in c("--tool=", "--user=", "--prepend=", "--include=",
                  "--exclude=", "--skip=", "--list=", "--test=",
                  "--max-tries=", "--must-work=", "--reserve=", "--help",
                  "--version", "--debug")) {
      expect_match(out, opt, fixed = TRUE, info = info(k))
    }
  }
  expect_identical(res$h$stdout, res$help$stdout)

  expect_identical(res$version$status, 0L, info = info("version"))
  expect_identical(res$version$stdout, paste0(version, "\n"),
                   info = info("version"))
  expect_identical(res$version$stderr, "", info = info("version"))

  # --debug says on stderr what it does; stdout stays digits only
  expect_identical(res$debug$status, 0L, info = info("debug"))
  expect_identical(res$debug$stdout, "30845\n", info = info("debug"))
  expect_match(res$debug$stderr, "port 30845", fixed = TRUE,
               info = info("debug"))
  expect_identical(res$debug_list$stdout, "30845\n19654\n",
                   info = info("debug_list"))
})

# Bad command lines: args, environment, a text the message must contain,
# and whether to run it in a real process too (all run in this process).
# Those run in real processes cover a bad value of every option, every kind
# of bad form, environment errors and the empty candidate set.
cli_bad <- list(
  list("--skip=abc", NULL, "--skip", TRUE),
  list("--skip=-1", NULL, "--skip", FALSE),
  list("--skip=1.5", NULL, "--skip", FALSE),
  list("--skip=", NULL, "--skip", FALSE),
  list("--skip=99999999999", NULL, "--skip", FALSE),
  list(c("--skip", "-1"), NULL, "--skip", TRUE),
  list("--list=0", NULL, "--list", TRUE),
  list("--list=abc", NULL, "--list", FALSE),
  list("--list=", NULL, "--list", FALSE),
  list("--list=2e3", NULL, "--list", FALSE),
  list("--test=0", NULL, "--test", FALSE),
  list("--test=65536", NULL, "--test", TRUE),
  list("--test=http", NULL, "--test", FALSE),
  list("--test=", NULL, "--test", FALSE),
  list("--test= 80", NULL, "--test", FALSE),
  list("--user=", NULL, "--user", TRUE),
  list("--include=abc", NULL, "--include", FALSE),
  list("--include=1-", NULL, "--include", TRUE),
  list("--include=0-10", NULL, "--include", FALSE),
  list("--exclude=5-2", NULL, "--exclude", TRUE),
  list("--exclude=70000", NULL, "--exclude", FALSE),
  list("--exclude={opera}", NULL, "--exclude", FALSE),
  list("--prepend=-5", NULL, "--prepend", TRUE),
  list("--prepend=4321,x", NULL, "--prepend", FALSE),
  list("--bogus", NULL, "--bogus", TRUE),
  list("--bogus=1", NULL, "--bogus", FALSE),
  list("--us=alice", NULL, "--us", FALSE),
  list("-x", NULL, "-x", FALSE),
  list("--help=yes", NULL, "--help", TRUE),
  list("--debug=true", NULL, "--debug", FALSE),
  list("--version=1", NULL, "--version", FALSE),
  list("--list", NULL, "--list", TRUE),
  list("--max-tries=0", NULL, "--max-tries must be a whole number in 1..", TRUE),
  list("--max-tries=x", NULL, "--max-tries", FALSE),
  list("--must-work=maybe", NULL, "--must-work must be true or false", TRUE),
  list("--must-work=", NULL, "--must-work", FALSE),
  list("--reserve=-1", NULL, "--reserve must be a whole number in 0..", TRUE),
  list("--reserve=1.5", NULL, "--reserve", FALSE),
  list("--user=alice", c(PORT4ME_MAX_TRIES = "0"), "PORT4ME_MAX_TRIES", TRUE),
  list("--user=alice", c(PORT4ME_MUST_WORK = "maybe"), "PORT4ME_MUST_WORK",
       FALSE),
  list("--user=alice", c(PORT4ME_RESERVE = "soon"), "PORT4ME_RESERVE", FALSE),
  list(c("--tool", "--user=alice"), NULL, "--tool", FALSE),
  list(c("rstudio", "jupyter"), NULL, "jupyter", TRUE),
  list(c("rstudio", "--tool=jupyter"), NULL, "tool", TRUE),
  # errors in the environment name the variable
  list("--user=alice", c(PORT4ME_SKIP = "abc"), "PORT4ME_SKIP", TRUE),
  list("--user=alice", c(PORT4ME_LIST = "0"), "PORT4ME_LIST", FALSE),
  list(character(), c(PORT4ME_TEST = "x"), "PORT4ME_TEST", FALSE),
  list("--user=alice", c(PORT4ME_EXCLUDE = "1-"), "PORT4ME_EXCLUDE", TRUE),
  list("--user=alice", c(PORT4ME_DEBUG = "maybe"), "PORT4ME_DEBUG", FALSE),
  list("--user=alice", c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "all"),
       "_PORT4ME_CHECK_AVAILABLE_PORTS_", TRUE),
  # the empty candidate set is an error, not a hang
  list(c("--user=alice", "--include=1-1023", "--exclude=1-1023"), NULL,
       "candidate", TRUE),
  list(c("--user=alice", "--include=8080", "--exclude=8080"), NULL,
       "candidate", FALSE),
  list("--user=alice", c(PORT4ME_INCLUDE = "{chrome}"), "candidate", TRUE)
)

test_that("bad options and bad values: the command line in R", {
  # cli_main() is what `Rscript -e port4me::port4me` runs; here in this
  # process, so that every case is cheap
  for (b in cli_bad) {
    info <- paste(c(b[[1]], names(b[[2]]), b[[2]]), collapse = " ")
    res <- cli_in_process(b[[1]], b[[2]])
    expect_identical(res$status, 2L, info = info)
    expect_identical(res$stdout, character(), info = info)
    expect_length(res$stderr, 1L)
    expect_match(res$stderr[1], "^Error: ", info = info)
    expect_match(res$stderr[1], b[[3]], fixed = TRUE, info = info)
  }
})

test_that("bad options and bad values: errors naming them, status 2", {
  skip_if_no_cli()
  bad <- Filter(function(b) b[[4]], cli_bad)
  cases <- lapply(bad, function(b) {
    cli_case(b[[1]], c(any_free, b[[2]]), quick = TRUE)
  })
  run_and_check(cases, function(k, res, info) {
    expect_identical(res$status, 2L, info = info)
    expect_identical(res$stdout, "", info = info)
    # one line: "Error: " and a message naming the option or variable;
    # no R traceback, no "Execution halted"
    expect_match(res$stderr, "^Error: [^\n]*\n$", info = info)
    expect_match(res$stderr, bad[[k]][[3]], fixed = TRUE, info = info)
  })
})

test_that("--test answers free or held through the exit status only", {
  skip_if_no_cli()
  skip_if_not_installed("httpuv")
  user <- paste0("p4m-cli-", Sys.getpid())
  seq <- port4me(user = user, list = 20)
  free <- port4me(user = user)
  s <- listen_on("127.0.0.1", free)
  on.exit(s$stop())
  held <- free
  expect_false(port4me(test = held))
  cases <- list(
    free = cli_case(paste0("--test=", port4me(user = user))),
    held = cli_case(paste0("--test=", held)),
    held_space = cli_case(c("--test", held)),
    held_debug = cli_case(c("--debug", paste0("--test=", held))),
    held_env = cli_case(character(), c(PORT4ME_TEST = held)),
    # _PORT4ME_CHECK_AVAILABLE_PORTS_=any makes every port free
    held_any = cli_case(paste0("--test=", held), any_free),
    # a real search passes over the held port to the next free one
    next_port = cli_case(paste0("--user=", user)),
    next_debug = cli_case(c(paste0("--user=", user), "--debug")),
    # --list does not check the ports
    list = cli_case(c(paste0("--user=", user), "--list=3"))
  )
  res <- cli_run_all(cases)
  names(res) <- names(cases)
  info <- function(k) describe_run(cases[[k]], res[[k]])

  expect_identical(res$free$status, 0L, info = info("free"))
  for (k in c("held", "held_space", "held_env")) {
    expect_identical(res[[k]]$status, 1L, info = info(k))
  }
  for (k in c("free", "held", "held_space", "held_env")) {
    expect_identical(res[[k]]$stdout, "", info = info(k))
    expect_identical(res[[k]]$stderr, "", info = info(k))
  }
  expect_identical(res$held_debug$status, 1L, info = info("held_debug"))
  expect_identical(res$held_debug$stdout, "", info = info("held_debug"))
  expect_match(res$held_debug$stderr, paste0("port ", held, ".*in use"),
               info = info("held_debug"))
  expect_identical(res$held_any$status, 0L, info = info("held_any"))

  expect_identical(res$next_port$status, 0L, info = info("next_port"))
  expect_match(res$next_port$stdout, "^[0-9]+\n$", info = info("next_port"))
  got <- as.integer(res$next_port$stdout)
  expect_true(got != held)
  expect_true(match(got, seq) > match(held, seq))
  expect_identical(got, port4me(user = user))
  expect_identical(res$next_debug$stdout, res$next_port$stdout,
                   info = info("next_debug"))
  expect_match(res$next_debug$stderr, paste0("port ", held, ".*in use"),
               info = info("next_debug"))
  expect_identical(res$list$stdout, paste0(seq[1:3], "\n", collapse = ""),
                   info = info("list"))
})

test_that("other uses of port4me in Rscript keep their R meaning", {
  skip_if_no_cli()
  script <- tempfile(fileext = ".R")
  on.exit(unlink(script))
  writeLines(c("print(port4me::port4me)", "port4me::port4me"), script)
  cases <- list(
    # a call prints the port as an R value; arguments after it are ignored
    call = cli_case("--list=3", any_free,
                    r_args = c("-e", "port4me::port4me(user = 'alice')")),
    # printing the function prints the function
    print = cli_case("--list=3", r_args = c("-e", "print(port4me::port4me)")),
    script = cli_case("--list=3", r_args = script),
    # the command line after another expression; R options before -e
    after = cli_case(c("--user=alice", "--list=2"), any_free,
                     r_args = c("--vanilla", "-e", "x <- 1", "-e",
                                "port4me::port4me")),
    triple = cli_case("--user=alice", any_free,
                      r_args = c("-e", "port4me:::port4me"))
  )
  res <- cli_run_all(cases)
  names(res) <- names(cases)
  info <- function(k) describe_run(cases[[k]], res[[k]])
  for (k in names(res)) expect_identical(res[[k]]$status, 0L, info = info(k))
  expect_identical(res$call$stdout, "[1] 30845\n", info = info("call"))
  for (k in c("print", "script")) {
    expect_match(res[[k]]$stdout, "^function \\(tool = NULL, user = NULL",
                 info = info(k))
    expect_false(grepl("port4me_function", res[[k]]$stdout, fixed = TRUE),
                 info = info(k))
  }
  # a script prints the function twice, explicitly and by auto-printing
  expect_length(gregexpr("function (tool", res$script$stdout,
                         fixed = TRUE)[[1]], 2L)
  expect_identical(res$after$stdout, "30845\n19654\n", info = info("after"))
  expect_identical(res$triple$stdout, "30845\n", info = info("triple"))
})

test_that("printing port4me in R prints the function", {
  out <- utils::capture.output(print(port4me))
  expect_match(out[1], "^function \\(tool = NULL, user = NULL")
  expect_false(any(grepl("port4me_function", out, fixed = TRUE)))
  expect_identical(utils::capture.output(port4me), out)
  expect_true(is.function(port4me))
  expect_s3_class(port4me, "port4me_function")
})

test_that("the command line runs only for `-e port4me::port4me`", {
  invoked <- port4me:::cli_invoked
  r <- "/usr/lib/R/bin/exec/R"
  expect_true(invoked(c(r, "--no-echo", "--no-restore", "-e",
                        "port4me::port4me")))
  expect_true(invoked(c(r, "--no-echo", "--no-restore", "-e",
                        "port4me::port4me", "--args", "--list=5", "x")))
  expect_true(invoked(c(r, "--no-echo", "--no-restore", "-e", "1", "-e",
                        " port4me::port4me ", "--args", "--args")))
  expect_false(invoked(c(r, "--no-echo", "--no-restore", "-e",
                         "port4me::port4me()")))
  expect_false(invoked(c(r, "--no-echo", "--no-restore", "-e",
                         "print(port4me::port4me)", "--args", "-e",
                         "port4me::port4me")))
  expect_false(invoked(c(r, "--no-echo", "--no-restore",
                         "--file=port4me::port4me")))
  expect_false(invoked(c(r, "--no-echo", "--no-restore", "-e")))
  expect_false(invoked(r))
  expect_false(invoked(character()))
})

test_that("--help wins over everything, then --version; last value wins", {
  help <- cli_in_process(c("--user=alice", "--list=abc", "--bogus", "--help"))
  expect_identical(help$status, 0L)
  expect_identical(help$stdout, port4me:::cli_help)
  expect_identical(help$stderr, character())
  version <- cli_in_process(c("--list=abc", "--version"))
  expect_identical(version$status, 0L)
  expect_identical(version$stdout,
                   as.character(utils::packageVersion("port4me")))
  last <- cli_in_process(c("--user=bob", "--list=1", "--user=alice",
                           "--list=2"))
  expect_identical(last$stdout, c("30845", "19654"))
})

test_that("--debug reports on stderr and leaves PORT4ME_DEBUG as it was", {
  for (before in c(NA, "false")) {
    with_env(c(any_free, PORT4ME_DEBUG = before), {
      err <- NULL
      out <- utils::capture.output(
        err <- utils::capture.output(
          status <- port4me:::cli_main(c("--debug", "--user=alice")),
          type = "message"
        )
      )
      expect_identical(Sys.getenv("PORT4ME_DEBUG", unset = NA), before)
    })
    expect_identical(status, 0L)
    expect_identical(out, "30845")
    expect_match(paste(err, collapse = "\n"), "port 30845", fixed = TRUE)
  }
})

test_that("the options are read wherever R puts them", {
  args <- port4me:::cli_args
  r <- c("/usr/lib/R/bin/exec/R", "--no-echo", "--no-restore")
  # R >= 4.2: "--args" after the expression, and again where it was written
  expect_identical(args(c(r, "-e", "port4me::port4me", "--args",
                          "--user=alice", "x")), c("--user=alice", "x"))
  expect_identical(args(c(r, "--no-init-file", "-e", "port4me::port4me",
                          "--args", "--args", "--user=alice")),
                   "--user=alice")
  # R < 4.2: no "--args"; the options follow the expression among R's own
  expect_identical(args(c(r, "-e", "port4me::port4me", "--user=alice",
                          "--list=3")), c("--user=alice", "--list=3"))
  expect_identical(args(c(r, "-e", "port4me::port4me")), character())
  # only what follows this expression
  expect_identical(args(c(r, "--vanilla", "-e", "x <- 1", "-e",
                          "port4me::port4me", "--args", "rstudio")),
                   "rstudio")
  expect_identical(args(c(r, "-e", "1")), character())
})

test_that("a reader that closes the pipe early is no error", {
  skip_if_no_cli()
  skip_if(Sys.which("bash") == "", "no bash")
  cmd <- sprintf(paste("set -o pipefail; %s -e port4me::port4me",
                       "--user=alice --list=65535 | head -n 1"),
                 shQuote(rscript_bin()))
  res <- processx::run("bash", c("-c", cmd), error_on_status = FALSE,
                       env = cli_child_env(any_free))
  expect_identical(res$stdout, "30845\n")
  expect_identical(res$stderr, "")
  expect_identical(res$status, 0L)
})

test_that("--max-tries, --must-work and --reserve reach port4me()", {
  expect_identical(port4me:::cli_arguments(list(
    "max-tries" = "7", "must-work" = "false", reserve = "0", user = "a")),
    list(user = "a", max_tries = 7L, must_work = FALSE, reserve = 0L))
  # a must_work = FALSE search that finds nothing prints -1
  skip_if_no_listener()
  held <- port4me(user = paste0("p4m-cli-mw-", Sys.getpid()))
  s <- listen_on("127.0.0.1", held)
  on.exit(s$stop())
  res <- cli_in_process(c("--user=alice", "--must-work=false",
                          "--max-tries=1", paste0("--prepend=", held)),
                        c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA))
  expect_identical(res$status, 0L)
  expect_identical(res$stdout, "-1")
  res <- cli_in_process(c("--user=alice", "--max-tries=1",
                          paste0("--prepend=", held)),
                        c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA))
  expect_identical(res$status, 2L)
  expect_match(res$stderr, "^Error: No free port found after checking 1 ")
})
