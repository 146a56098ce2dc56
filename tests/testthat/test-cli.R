# The command line, `Rscript -e port4me::port4me [options] [tool]` (SPEC
# section 7), run in real Rscript processes (several at a time; see
# helper-cli-run.R): each case of that form runs twice, also as
# `Rscript --no-init-file -e port4me::port4me --args [options]`, which must
# give the same output and status.  Each child gets this process's library
# and none of its PORT4ME_* variables.  Expected values come from SPEC.md.

any_free <- c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")

# Run cases and check each with check(k, res, info), k the case's name,
# info naming the case on failure.
run_and_check <- function(cases, check) {
  results <- cli_run_all(cases)
  for (k in names(cases)) {
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

test_that("the command line prints the reference values (SPEC section 9)", {
  skip_if_no_cli()
  alice10 <- c(30845, 19654, 32310, 63992, 15273, 31420, 62779, 55372,
               24143, 41300)
  # args, environment, expected stdout lines: every option and the
  # variables of the settings a user sets most
  ref <- list(
    user = list("--user=alice", NULL, 30845),
    user_var = list(character(), c(PORT4ME_USER = "alice"), 30845),
    tool = list(c("--user=alice", "--tool=rstudio"), NULL, 22486),
    bare_tool = list(c("--user=alice", "jupyter-notebook"), NULL, 29525),
    tool_var = list("--user=alice", c(PORT4ME_TOOL = "rstudio"), 22486),
    no_tool = list(c("--user=alice", "--tool="), c(PORT4ME_TOOL = "rstudio"),
                   30845),
    spaced = list(c("--user", "alice", "--tool", "myapp"), NULL, 55578),
    dashdash = list(c("--user=alice", "--", "demo"), NULL, 32273),
    exclude = list(c("--user=alice", "--exclude=30845,32310"), NULL, 19654),
    include = list(c("--user=alice", "--include=2000-2123,4321,10000-10999"),
                   NULL, 10451),
    low = list(c("--user=alice", "--include=1-1023", "--exclude=470,403"),
               NULL, 859),
    prepend = list(c("--user=alice", "--prepend=4321,11001", "--list=5"),
                   NULL, c(4321, 11001, 30845, 19654, 32310)),
    skip = list(c("--user=alice", "--list=3", "--skip=2"), NULL,
                c(32310, 63992, 15273)),
    list_var = list("--user=alice", c(PORT4ME_LIST = "10"), alice10),
    last_wins = list(c("--list=10", "--user=bob", "--user=alice"), NULL,
                     alice10),
    hrms = list(c("--user=hrms", "--list=5"), NULL,
                c(5624, 28652, 51790, 17641, 12409))
  )
  cases <- lapply(ref, function(r) cli_case(r[[1]], c(any_free, r[[2]]),
                                            quick = TRUE))
  run_and_check(cases, function(k, res, info) {
    expect_identical(res$status, 0L, info = info)
    # digits only, one port per line, newline-terminated, nothing else
    expect_identical(res$stdout, paste0(ref[[k]][[3]], "\n", collapse = ""),
                     info = info)
    expect_identical(res$stderr, "", info = info)
  })
})

test_that("--help lists every option; -h; --version; --debug on stderr", {
  skip_if_no_cli()
  cases <- list(
    help = cli_case(r_own_option("--help")),
    h = cli_case("-h"),
    version = cli_case(r_own_option(c("--version", "--user=alice"))),
    debug = cli_case(c("--debug", "--user=alice", "--list=2"), any_free)
  )
  res <- cli_run_all(cases)
  info <- function(k) describe_run(cases[[k]], res[[k]])
  expect_identical(res$help$status, 0L, info = info("help"))
  expect_identical(res$help$stderr, "", info = info("help"))
  expect_identical(res$h, res$help)
  help <- strsplit(res$help$stdout, "\n", fixed = TRUE)[[1]]
  expect_true("Usage: Rscript --default-packages=NULL -e port4me::port4me [options] [tool]"
              %in% help)
  # every option of SPEC section 7, and --release (issue 20), on a line of
  # its own, each once
  opts <- c("--tool=", "--user=", "--prepend=", "--include=", "--exclude=",
            "--skip=", "--list=", "--test=", "--max-tries=", "--must-work=",
            "--reserve=", "--release=", "--help", "--version", "--debug")
  listed <- sub("^  (--[a-z-]+=?).*", "\\1", grep("^  --", help, value = TRUE))
  expect_setequal(listed, opts)
  expect_identical(anyDuplicated(listed), 0L)

  expect_identical(res$version$status, 0L, info = info("version"))
  expect_identical(res$version$stdout,
                   paste0(utils::packageVersion("port4me"), "\n"))
  expect_identical(res$version$stderr, "", info = info("version"))

  # --debug says on stderr what it does; stdout stays digits only
  expect_identical(res$debug$status, 0L, info = info("debug"))
  expect_identical(res$debug$stdout, "30845\n19654\n", info = info("debug"))
  expect_match(res$debug$stderr, 'port4me: user "alice" (from --user)\n',
               fixed = TRUE, info = info("debug"))
})

# Bad command lines: args, environment, the exact message after "Error: ",
# and whether to run it in a real process too (all run in this process).
cli_bad <- list(
  list("--bogus", NULL, 'Unknown option "--bogus"; see --help', TRUE),
  # (no abbreviations of options)
  list("--us=alice", NULL, 'Unknown option "--us=alice"; see --help', FALSE),
  list("--debug=true", NULL, '--debug takes no value, not "true"', TRUE),
  list("--list", NULL, "--list needs a value: --list=<n>", TRUE),
  list(c("--tool", "--user=alice"), NULL,
       "--tool needs a value: --tool=<name>", FALSE),
  list(c("rstudio", "jupyter"), NULL,
       'Only one tool may be given, not "rstudio" and "jupyter"', TRUE),
  list(c("rstudio", "--tool=jupyter"), NULL,
       'The tool is given twice: as "rstudio" and as --tool="jupyter"', TRUE),
  # a bad value of each kind, read by the parsers of the variables
  list(c("--skip", "-1"), NULL,
       '--skip must be a whole number in 0..2147483647, not "-1"', TRUE),
  list("--test=65536", NULL, '--test must be a port in 1..65535, not "65536"',
       TRUE),
  list("--reserve=1.5", NULL, paste(
    '--reserve must be a whole number of seconds in 0..86400, not "1.5"'),
    FALSE),
  list("--must-work=maybe", NULL, '--must-work must be true or false, not "maybe"',
       TRUE),
  list("--user=", NULL, '--user must be a non-empty string of text, not ""',
       TRUE),
  list("--include=1-", NULL, paste0(
    '--include must be ports in 1..65535, not "1-": in "1-": a range ',
    'needs an end'), TRUE),
  list(c("--user=alice", "--include=8080", "--exclude=8080"), NULL, paste(
    "--include leaves no candidate ports: every included port is excluded",
    "(by the exclude set, PORT4ME_EXCLUDE_SITE or PORT4ME_EXCLUDE_UNSAFE)"),
    FALSE),
  # errors in the environment name the variable
  list("--user=alice", c(PORT4ME_SKIP = "abc"),
       'PORT4ME_SKIP must be a whole number in 0..2147483647, not "abc"', TRUE),
  list("--user=alice", c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "all"),
       '_PORT4ME_CHECK_AVAILABLE_PORTS_ must be unset, empty or "any", not "all"',
       FALSE)
)

test_that("bad options and values: the package's one-line error, status 2", {
  # cli_main() is what `Rscript -e port4me::port4me` runs: every case in
  # this process, and the marked ones in real processes too
  for (b in cli_bad) {
    info <- paste(c(b[[1]], names(b[[2]]), b[[2]]), collapse = " ")
    res <- cli_in_process(b[[1]], b[[2]])
    expect_identical(res, list(status = 2L, stdout = character(),
                               stderr = paste0("Error: ", b[[3]])),
                     info = info)
  }
  skip_if_no_cli()
  bad <- Filter(function(b) b[[4]], cli_bad)
  names(bad) <- vapply(bad, function(b) paste(b[[1]], collapse = " "), "")
  cases <- lapply(bad, function(b) {
    cli_case(b[[1]], c(any_free, b[[2]]), quick = TRUE)
  })
  run_and_check(cases, function(k, res, info) {
    # one line: no R traceback, no "Execution halted"
    expect_identical(res$status, 2L, info = info)
    expect_identical(res$stdout, "", info = info)
    expect_identical(res$stderr, paste0("Error: ", bad[[k]][[3]], "\n"),
                     info = info)
  })
})

test_that("a user name that is not UTF-8 in a UTF-8 locale is the package's error", {
  skip_if_no_cli()
  skip_on_os("windows")
  utf8 <- grep("^(C|en_US)[.](utf8|UTF-8)$", system2("locale", "-a",
                                                     stdout = TRUE),
               value = TRUE)
  skip_if(length(utf8) == 0L, "no UTF-8 locale")
  # (the byte 0xE9, "é" in latin-1, made by the shell: R would re-encode it)
  msg <- paste0('Error: --user must be a non-empty string of text, not ',
                '"\\xe9": not valid UTF-8 (byte 0xE9 at position 1); ',
                'port4me hashes the code points of names\n')
  # (before R 4.2 only behind --args: R itself reads options without it)
  for (args in c("--args ", if (getRversion() >= "4.2.0") "")) {
    script <- sprintf(
      '"$0" --default-packages=NULL -e port4me::port4me %s"--user=$(printf "\\351")"',
      args)
    res <- run_r(c("-c", script, rscript_bin()), cmd = "/bin/sh",
                 env = c(LC_ALL = utf8[[1]]))
    expect_identical(res$status, 2L, info = res$stderr)
    expect_identical(res$stdout, "")
    expect_identical(res$stderr, msg)
  }
})

test_that("--test answers through the exit status only; a search passes a held port", {
  skip_if_no_cli()
  skip_if_no_listener()
  user <- test_user("cli")
  held <- hold_port("127.0.0.1", user = user)
  s <- port4me(user = user, list = 1000)
  nxt <- free_ports(1L, from = s[seq_along(s) > match(held$port, s)])
  cases <- list(
    free = cli_case(paste0("--test=", nxt)),
    held = cli_case(paste0("--test=", held$port)),
    held_space = cli_case(c("--test", held$port)),
    held_env = cli_case(character(), c(PORT4ME_TEST = held$port)),
    held_debug = cli_case(c("--debug", paste0("--test=", held$port))),
    # _PORT4ME_CHECK_AVAILABLE_PORTS_=any makes every port free
    held_any = cli_case(paste0("--test=", held$port), any_free),
    # a real search passes over the held port to the next free one
    search = cli_case(c(paste0("--user=", user), "--debug")),
    # --list does not check the ports
    list = cli_case(c(paste0("--user=", user), "--list=3"))
  )
  res <- cli_run_all(cases)
  info <- function(k) describe_run(cases[[k]], res[[k]])
  status <- vapply(res, `[[`, 0L, "status")
  expect_identical(status, c(free = 0L, held = 1L, held_space = 1L,
                             held_env = 1L, held_debug = 1L, held_any = 0L,
                             search = 0L, list = 0L))
  for (k in c("free", "held", "held_space", "held_env", "held_any")) {
    expect_identical(res[[k]]$stdout, "", info = info(k))
    expect_identical(res[[k]]$stderr, "", info = info(k))
  }
  expect_identical(res$held_debug$stdout, "", info = info("held_debug"))
  expect_match(res$held_debug$stderr,
               sprintf("port4me: port %d skipped: in use (bind ", held$port),
               fixed = TRUE, info = info("held_debug"))
  expect_identical(res$search$stdout, paste0(nxt, "\n"), info = info("search"))
  expect_match(res$search$stderr,
               sprintf("port4me: port %d skipped: in use", held$port),
               fixed = TRUE, info = info("search"))
  expect_identical(res$list$stdout, paste0(s[1:3], "\n", collapse = ""),
                   info = info("list"))
})

test_that("what runs the command line, and what keeps its R meaning", {
  skip_if_no_cli()
  script <- tempfile(fileext = ".R")
  on.exit(unlink(script))
  writeLines(c("print(port4me::port4me)", "port4me::port4me"), script)
  e <- function(...) c(rbind("-e", c(...)))
  args <- c("--user=alice", "--list=2")
  cases <- list(
    # the command line, however the expression is written
    spaces = cli_case(args, any_free, r_args = e(" port4me::port4me ")),
    semicolon = cli_case(args, any_free, r_args = e("port4me::port4me;")),
    attached = cli_case(args, any_free,
                        r_args = e("library(port4me)", "port4me")),
    triple = cli_case(args, any_free, r_args = e("port4me:::port4me")),
    after = cli_case(args, any_free,
                     r_args = c("--vanilla", e("x <- 1", "port4me::port4me"))),
    # the fast form of the recipes
    fast = cli_case(args, any_free, r_args = c("--default-packages=NULL",
                                               e("port4me::port4me"))),
    # a call prints the port as an R value; arguments after it are ignored
    call = cli_case(args, c(any_free, PORT4ME_USER = "alice"),
                    r_args = e("port4me::port4me()")),
    # printing the function prints the function
    print = cli_case(args, r_args = e("print(port4me::port4me)")),
    script = cli_case(args, r_args = script)
  )
  res <- cli_run_all(cases)
  info <- function(k) describe_run(cases[[k]], res[[k]])
  for (k in names(res)) {
    expect_identical(res[[k]]$status, 0L, info = info(k))
    expect_identical(res[[k]]$stderr, "", info = info(k))
  }
  for (k in c("spaces", "semicolon", "attached", "triple", "after", "fast")) {
    expect_identical(res[[k]]$stdout, "30845\n19654\n", info = info(k))
  }
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
})

test_that("a reader that closes the pipe early (| head -1) is no error", {
  skip_if_no_cli()
  skip_if(Sys.which("bash") == "", "no bash")
  script <- paste('set -o pipefail; "$0" -e port4me::port4me --args',
                  "--user=alice --list=65535 | head -n 1")
  res <- run_r(c("-c", script, rscript_bin()), cmd = Sys.which("bash"),
               env = any_free)
  expect_identical(res$stdout, "30845\n")
  expect_identical(res$stderr, "")
  expect_identical(res$status, 0L)
})

test_that("upstream's way: --no-init-file, --args, as an unprivileged user", {
  skip_unless_nobody_can_load()
  start_file <- "/proc/sys/net/ipv4/ip_unprivileged_port_start"
  skip_if(file.exists(start_file) &&
            as.integer(readLines(start_file, warn = FALSE)) <= 80L,
          "port 80 is not privileged here")
  cli <- c("--no-init-file", "-e", "port4me::port4me", "--args")
  # port 80 is privileged: not free for nobody (exit 1, no output)
  res <- run_as_nobody(c(cli, "--test=80"))
  expect_identical(res[c("status", "stdout")],
                   list(status = 1L, stdout = character()))
  res <- run_as_nobody(c(cli, "--user=alice", "--tool=rstudio"), any_free)
  expect_identical(res$stdout, "22486")
  res <- run_as_nobody(c(cli, "--user=alice", "--include=1-1023",
                         "--max-tries=5", "--must-work=false"))
  expect_identical(res$stdout, "-1")
  res <- run_as_nobody(c(cli, "--skip=x"))
  expect_identical(res$status, 2L)
  expect_identical(res$stderr,
                   'Error: --skip must be a whole number in 0..2147483647, not "x"')
})

# ---- in this process --------------------------------------------------

test_that("--help wins over everything, then --version; the last value wins", {
  help <- cli_in_process(c("--user=alice", "--list=abc", "--bogus", "--help"))
  expect_identical(help$status, 0L)
  expect_identical(help$stdout, port4me:::cli_help())
  expect_identical(help$stderr, character())
  version <- cli_in_process(c("--list=abc", "--version"))
  expect_identical(version$status, 0L)
  expect_identical(version$stdout,
                   as.character(utils::packageVersion("port4me")))
  last <- cli_in_process(c("--user=bob", "--list=1", "--user=alice",
                           "--list=2"))
  expect_identical(last$stdout, c("30845", "19654"))
})

test_that("--debug reports as messages and leaves PORT4ME_DEBUG as it was", {
  for (before in c(NA, "false")) {
    res <- with_env(c(PORT4ME_DEBUG = before), {
      r <- cli_in_process(c("--debug", "--user=alice"))
      expect_identical(Sys.getenv("PORT4ME_DEBUG", unset = NA), before)
      r
    })
    expect_identical(res$status, 0L)
    expect_identical(res$stdout, "30845")
    expect_true('port4me: user "alice" (from --user)' %in% res$stderr)
  }
  # messages of class port4me_debug: suppressMessages() silences them
  out <- utils::capture.output(type = "message", invisible(suppressMessages(
    cli_in_process(c("--debug", "--user=alice")))))
  expect_identical(out, character())
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
  # Rscript's encoding of spaces and newlines in -e
  expect_identical(args(c(r, "-e", "~+~port4me::port4me~+~", "--args", "x")),
                   "x")
  # only what follows the last expression, when it is the function
  expect_identical(args(c(r, "--vanilla", "-e", "x <- 1", "-e",
                          "port4me::port4me", "--args", "rstudio")),
                   "rstudio")
  for (no in list(c(r, "-e", "1"), c(r, "-e", "port4me::port4me()"),
                  c(r, "-e", "print(port4me::port4me)", "--args", "-e",
                    "port4me::port4me"),
                  c(r, "--file=port4me::port4me"), c(r, "-e"), r,
                  character())) {
    expect_null(args(no), label = paste(no, collapse = " "))
  }
})

test_that("--max-tries and --must-work reach the search", {
  skip_if_no_listener()
  held <- hold_port("127.0.0.1")
  res <- cli_in_process(c("--user=alice", "--must-work=false",
                          "--max-tries=1", paste0("--prepend=", held$port)),
                        c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA))
  expect_identical(res[c("status", "stdout")],
                   list(status = 0L, stdout = "-1"))
  res <- cli_in_process(c("--user=alice", "--max-tries=1",
                          paste0("--prepend=", held$port)),
                        c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA))
  expect_identical(res$status, 2L)
  expect_identical(res$stderr, paste(
    "Error: No free port found after checking 1 distinct port",
    "(--max-tries = 1)"))
})

test_that("printing port4me in R prints the function", {
  out <- utils::capture.output(print(port4me))
  expect_match(out[1], "^function \\(tool = NULL, user = NULL")
  expect_false(any(grepl("port4me_function", out, fixed = TRUE)))
  expect_identical(utils::capture.output(port4me), out)
  expect_s3_class(port4me, "port4me_function")
})
