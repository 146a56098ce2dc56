# The recipes of the README, run as a user runs them: a Shiny app that
# takes its port from options(shiny.port = ...) set in ~/.Rprofile, a
# plumber API, the shell function `port4me`, the bash completion file that
# the package ships, and the tool names shared with the Python and Bash
# implementations.

any_free_env <- c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")

# bash, or skip
bash_bin <- function() {
  skip_on_os("windows")
  bash <- Sys.which("bash")
  skip_if(!nzchar(bash), "bash is not found")
  unname(bash)
}

# Run `script` with `bash -c`, in the environment of a command-line child
# (no PORT4ME_* variables of this process, this process's library; see
# helper-cli-run.R) with R's own bin directory first on PATH, plus `env`.
run_bash <- function(script, env = character()) {
  path <- paste(R.home("bin"), Sys.getenv("PATH"), sep = .Platform$path.sep)
  processx::run(bash_bin(), c("-c", script), env = cli_child_env(c(PATH = path, env)),
                error_on_status = FALSE, timeout = 120)
}

# Lines of a text
text_lines <- function(x) strsplit(x, "\n", fixed = TRUE)[[1L]]

test_that("the ~/.Rprofile lines of the README: runApp() without a port uses the user's port", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if_not_installed("shiny")
  skip_if_not_installed("processx")
  skip_unless_child_port4me()
  local_clean_http_env()

  # A user of this test run only
  user <- paste0("p4m-rprofile-", Sys.getpid())
  ports <- port4me("shiny", user = user, list = 2)
  if (!port4me(test = ports[1]) || !port4me(test = ports[2])) {
    skip("the first two ports of the test user's sequence are in use")
  }

  # The README's lines as the user profile of an interactive R (the lines
  # do nothing in Rscript), with a fresh home directory; R reads the
  # profile itself, as for any user
  env <- c(HOME = withr::local_tempdir(), R_PROFILE_USER = local_rprofile(),
           PORT4ME_USER = user)

  marker <- paste0("port4me-rprofile-test-", user)
  code <- c(
    "cat('shiny.port=', getOption('shiny.port'), '\\n', sep = '')",
    sprintf("ui <- shiny::fluidPage(shiny::h1('%s'))", marker),
    "server <- function(input, output, session) NULL",
    "# No `port` argument: runApp() reads getOption('shiny.port'), as",
    "# RStudio's 'Run App' button and other launchers do",
    "shiny::runApp(shiny::shinyApp(ui, server), host = '127.0.0.1', launch.browser = FALSE)"
  )
  input <- withr::local_tempfile()
  writeLines(code, input)
  app <- processx::process$new(r_bin(), r_interactive_args, stdin = input,
                               env = cli_child_env(env), stdout = "|",
                               stderr = "2>&1", cleanup = TRUE)
  on.exit({
    if (app$is_alive()) app$kill()
    app$wait(5000)
  }, add = TRUE)

  line <- hard_wait_line(app, "^shiny[.]port=", timeout = 60)
  if (is.na(line)) {
    stop("the R session did not report its shiny.port option; its output:\n",
         paste(app$read_all_output_lines(), collapse = "\n"))
  }
  expect_identical(line, paste0("shiny.port=", ports[1]))

  # The app answers on that port, over HTTP
  page <- wait_for_page(app, ports[1])
  expect_true(app$is_alive())
  expect_match(page, marker, fixed = TRUE)

  # The caveat of the recipe: the option is set once, when R starts. A
  # second R session started now, with the same ~/.Rprofile, sees the
  # first port taken and sets the option to the user's next port.
  second <- run_r_interactive("cat('shiny.port=', getOption('shiny.port'), '\\n', sep = '')",
                              env = env)
  expect_identical(second$status, 0L, info = second$stderr)
  expect_true(paste0("shiny.port=", ports[2]) %in% text_lines(second$stdout),
              info = second$stdout)
})

test_that("the ~/.Rprofile lines of the README never stop R: a bad variable, no port4me in the library", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if_not_installed("processx")
  skip_unless_child_port4me()
  profile <- local_rprofile()
  # every R below runs `cat(1)` after the profile, and says so
  code <- c("cat('shiny.port=', getOption('shiny.port'), '\\n', sep = '')",
            "cat('ran', 1, '\\n')")
  ran <- function(res) "ran 1 " %in% text_lines(res$stdout)

  # Rscript, as in a batch job: the lines do nothing there, so neither a
  # bad variable nor a missing package can stop it
  bad <- c(R_PROFILE_USER = profile, PORT4ME_INCLUDE = "abc")
  res <- processx::run(rscript_bin(), c("-e", "cat(1)"), env = cli_child_env(bad),
                       error_on_status = FALSE, timeout = 120)
  expect_identical(res$status, 0L, info = res$stderr)
  expect_identical(res$stdout, "1")
  no_lib <- c(R_PROFILE_USER = profile, local_no_port4me_env())
  res <- processx::run(rscript_bin(), c("-e", "cat(1)"), env = cli_child_env(no_lib),
                       error_on_status = FALSE, timeout = 120)
  expect_identical(res$status, 0L, info = res$stderr)
  expect_identical(res$stdout, "1")

  # An interactive R with a bad variable: a warning that says why, the
  # option is not set, and R goes on
  res <- run_r_interactive(code, env = bad)
  expect_identical(res$status, 0L, info = res$stderr)
  expect_true(ran(res), info = res$stdout)
  expect_true("shiny.port=" %in% text_lines(res$stdout), info = res$stdout)
  expect_match(res$stderr, "shiny.port not set: PORT4ME_INCLUDE", fixed = TRUE)

  # An interactive R whose library lacks port4me: nothing happens
  res <- run_r_interactive(code, env = no_lib)
  expect_identical(res$status, 0L, info = res$stderr)
  expect_true(ran(res), info = res$stdout)
  expect_true("shiny.port=" %in% text_lines(res$stdout), info = res$stdout)
  expect_false(grepl("shiny.port not set|Error", res$stderr), info = res$stderr)

  # With valid settings the option is the user's port: alice's "shiny"
  # port when every port counts as free
  res <- run_r_interactive(code, env = c(
    R_PROFILE_USER = profile, PORT4ME_USER = "alice",
    "_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any"))
  expect_identical(res$status, 0L, info = res$stderr)
  expect_true(ran(res), info = res$stdout)
  expect_true("shiny.port=15101" %in% text_lines(res$stdout), info = res$stdout)
  expect_false(grepl("shiny.port not set", res$stderr), info = res$stderr)
})

test_that("plumber::pr_run(port = port4me::port4me(\"plumber\", include = \"1024-49151\")) serves on the user's port", {
  skip_on_cran()
  skip_if_not_installed("plumber")
  skip_unless_child_port4me()
  local_clean_http_env()

  user <- paste0("p4m-plumber-", Sys.getpid())
  # (plumber 1.3 refuses ports above 49151: the README's recipe says so)
  port <- port4me("plumber", user = user, include = "1024-49151", list = 1)
  if (!port4me(test = port)) skip("the test user's first port is in use")

  api <- callr::r_bg(
    function() {
      pr <- plumber::pr()
      pr <- plumber::pr_get(pr, "/hello", function() "hello from plumber")
      plumber::pr_run(pr, port = port4me::port4me("plumber",
                                                   include = "1024-49151"),
                      host = "127.0.0.1", docs = FALSE)
    },
    env = c(callr::rcmd_safe_env(), PORT4ME_USER = user),
    stdout = "|", stderr = "2>&1"
  )
  on.exit({
    if (api$is_alive()) api$kill()
    api$wait(5000)
  }, add = TRUE)

  page <- wait_for_page(api, port, "/hello")
  if (is.na(page)) {
    stop("the plumber API did not answer on port ", port, "; its output:\n",
         paste(api$read_all_output_lines(), collapse = "\n"))
  }
  expect_match(page, "hello from plumber", fixed = TRUE)
  expect_false(port4me(test = port))
})

test_that("the README's shell function port4me() works", {
  skip_on_cran()
  skip_if_not_installed("processx")
  skip_if_not(cli_package_installed(),
              "port4me is not loaded from an installed library")
  fn <- shell_recipe()$bashrc[1]
  expect_identical(fn, 'port4me() { Rscript --default-packages=NULL -e port4me::port4me --args "$@"; }')

  # Reference values (SPEC section 9), the tool as a bare word and as
  # --tool=, and an exit status passed through
  res <- run_bash(paste(fn,
    "port4me --user=alice --list=3",
    "port4me rstudio --user=alice",
    "port4me --tool=jupyter-notebook --user=alice",
    "port4me --user=alice --include=1-1023 --exclude=470,403",
    sep = "\n"), env = any_free_env)
  expect_identical(res$status, 0L, info = res$stderr)
  expect_identical(text_lines(res$stdout),
                   c("30845", "19654", "32310", "22486", "29525", "859"))
  expect_identical(res$stderr, "")

  # --test: exit status 1 for a port that is held, 0 when every port
  # counts as free
  skip_if_not_installed("httpuv")
  held <- port4me(user = paste0("p4m-shellfn-", Sys.getpid()))
  server <- listen_on("127.0.0.1", held)
  on.exit(server$stop(), add = TRUE)
  test_held <- paste(fn, sprintf('port4me --test=%d; echo "status $?"', held),
                     sep = "\n")
  res <- run_bash(test_held)
  expect_identical(text_lines(res$stdout), "status 1", info = res$stderr)
  res <- run_bash(test_held, env = any_free_env)
  expect_identical(text_lines(res$stdout), "status 0", info = res$stderr)
})

test_that("the tool names of the other implementations give their ports", {
  # Ports measured with the upstream Bash implementation (0.7.0-9001, and
  # again 0.7.0) and the Python implementation (0.6.0-9006), each run from
  # source as `PORT4ME_USER=alice port4me <tool>` with every port counting
  # as free. An R user and a Python or Bash user of one account get the
  # same port for a tool.
  local_port4me_env()
  tools <- c(rstudio = 22486L, "jupyter-notebook" = 29525L,
             "jupyter-lab" = 60611L, shiny = 15101L, plumber = 43742L,
             vscode = 30057L)
  got <- vapply(names(tools), function(t) port4me(t, user = "alice"),
                integer(1))
  expect_identical(got, tools)
})

test_that("a new interactive bash with the README's ~/.bashrc lines starts no R and completes port4me", {
  skip_if_not_installed("processx")
  skip_if_not(cli_package_installed(),
              "port4me is not loaded from an installed library")
  recipe <- shell_recipe()
  home <- withr::local_tempdir()
  rc <- file.path(home, ".bashrc")
  writeLines(recipe$bashrc, rc)
  env <- c(HOME = home, XDG_DATA_HOME = NA, BASH_COMPLETION_USER_DIR = NA)

  # An `Rscript` and an `R` first on PATH that only record that they ran
  bin <- withr::local_tempdir()
  calls <- file.path(home, "R-calls")
  for (exe in c("Rscript", "R")) {
    writeLines(c("#!/bin/sh", sprintf('echo "%s $*" >> %s', exe, shQuote(calls)),
                 "exit 1"), file.path(bin, exe))
    Sys.chmod(file.path(bin, exe), "755")
  }
  fake_path <- paste(bin, Sys.getenv("PATH"), sep = .Platform$path.sep)
  # A new interactive bash (it reads the rc file, as ~/.bashrc), which
  # reports how `port4me` is set up and completes `port4me --in`
  new_shell <- function() {
    processx::run(bash_bin(), c("--rcfile", rc, "-i", "-c", paste(
      "complete -p port4me 2>/dev/null || echo 'no completion'",
      "type -t port4me",
      "COMP_WORDS=(port4me --in); COMP_CWORD=1; COMPREPLY=()",
      "declare -F _port4me_complete >/dev/null && _port4me_complete",
      'echo "completes: ${COMPREPLY[*]}"',
      sep = "\n")), env = cli_child_env(c(env, PATH = fake_path)),
      error_on_status = FALSE, timeout = 60)
  }
  # (bash -i without a terminal says so on stderr; nothing else may appear)
  shell_errors <- function(res) {
    err <- text_lines(res$stderr)
    err[!grepl("^bash: (cannot set terminal process group|no job control)", err)]
  }

  # Before the completion file is copied: the function works, nothing is
  # completed, and nothing complains
  res <- new_shell()
  expect_identical(res$status, 0L, info = res$stderr)
  expect_identical(text_lines(res$stdout),
                   c("no completion", "function", "completes: "))
  expect_identical(shell_errors(res), character())
  expect_false(file.exists(calls))

  # The one-time copy (with the real R) puts the installed file in place
  res <- run_bash(recipe$copy, env = env)
  expect_identical(res$status, 0L, info = res$stderr)
  copied <- file.path(home, ".local", "share", "bash-completion",
                      "completions", "port4me")
  expect_identical(readLines(copied), readLines(completion_file()))

  # After it: a new shell has the completion, and still starts no R
  res <- new_shell()
  expect_identical(res$status, 0L, info = res$stderr)
  expect_identical(text_lines(res$stdout), c(
    "complete -F _port4me_complete port4me", "function", "completes: --include="))
  expect_identical(shell_errors(res), character())
  expect_false(file.exists(calls),
               info = if (file.exists(calls)) paste(readLines(calls), collapse = "\n"))
})

test_that("bash-completion, where installed, loads the copied completion file by itself", {
  skip_if_not_installed("processx")
  loader <- "/usr/share/bash-completion/bash_completion"
  skip_if_not(file.exists(loader), "the bash-completion package is not installed")
  recipe <- shell_recipe()
  home <- withr::local_tempdir()
  env <- c(HOME = home, XDG_DATA_HOME = NA, BASH_COMPLETION_USER_DIR = NA)
  res <- run_bash(recipe$copy, env = env)
  expect_identical(res$status, 0L, info = res$stderr)
  # Only the function in ~/.bashrc; bash-completion finds the file in the
  # user's completions folder when `port4me` is first completed
  rc <- file.path(home, ".bashrc")
  writeLines(c(sprintf("source %s", loader), recipe$bashrc[1]), rc)
  res <- processx::run(bash_bin(), c("--rcfile", rc, "-i", "-c", paste(
    "complete -p port4me 2>/dev/null || echo 'not yet'",
    "__load_completion port4me",
    "complete -p port4me", sep = "\n")), env = cli_child_env(env),
    error_on_status = FALSE, timeout = 60)
  expect_identical(text_lines(res$stdout),
                   c("not yet", "complete -F _port4me_complete port4me"),
                   info = res$stderr)
})

test_that("bash completes port4me's options and tool names", {
  skip_if_not_installed("processx")
  file <- completion_file()
  # complete WORD... : the completions when the last word is being
  # completed, as bash splits the command line (with `=` a word breaker,
  # bash's default, `--tool=ju` is the three words `--tool`, `=`, `ju`)
  script <- paste(
    sprintf("source %s", shQuote(file)),
    'complete_words() {',
    '  COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()',
    '  _port4me_complete',
    '  echo "${COMP_WORDS[*]}|${COMPREPLY[*]}"',
    '}',
    'complete_words port4me ""',
    'complete_words port4me --',
    'complete_words port4me --in',
    'complete_words port4me --m',
    'complete_words port4me --d',
    'complete_words port4me ju',
    'complete_words port4me --tool =',
    'complete_words port4me --tool = jupyter-n',
    'complete_words port4me --tool=r',
    'complete_words port4me --tool p',
    'complete_words port4me --must-work = f',
    'complete_words port4me shiny ""',
    'complete_words port4me --tool = shiny ""',
    'complete_words port4me --user = alice ""',
    'complete_words port4me --user alice s',
    'complete_words port4me --list = 3 --d',
    'complete_words port4me --nope',
    sep = "\n")
  res <- run_bash(script)
  expect_identical(res$status, 0L, info = res$stderr)
  expect_identical(res$stderr, "")
  tools <- "rstudio jupyter-notebook jupyter-lab shiny plumber vscode"
  opts <- paste("--tool= --user= --prepend= --include= --exclude= --skip=",
                "--list= --test= --max-tries= --must-work= --reserve= --release=",
                "--help --version --debug")
  expect_identical(text_lines(res$stdout), c(
    paste0("port4me |", tools),
    paste0("port4me --|", opts),
    "port4me --in|--include=",
    "port4me --m|--max-tries= --must-work=",
    "port4me --d|--debug",
    "port4me ju|jupyter-notebook jupyter-lab",
    paste0("port4me --tool =|", tools),
    "port4me --tool = jupyter-n|jupyter-notebook",
    "port4me --tool=r|--tool=rstudio",
    "port4me --tool p|plumber",
    "port4me --must-work = f|false",
    "port4me shiny |",
    "port4me --tool = shiny |",
    paste0("port4me --user = alice |", tools),
    "port4me --user alice s|shiny",
    "port4me --list = 3 --d|--debug",
    "port4me --nope|"
  ))
})

# The completion's options are the fixed list `opts` in _port4me_complete()
# (inst/bash-completion/port4me); they must be those that --help lists.
test_that("the completion offers exactly the options of the command line's --help", {
  skip_if_not_installed("processx")
  skip_if_not(cli_package_installed(),
              "port4me is not loaded from an installed library")
  file <- completion_file()
  res <- run_bash(paste(
    sprintf("source %s", shQuote(file)),
    'COMP_WORDS=(port4me --); COMP_CWORD=1; _port4me_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
    sep = "\n"))
  offered <- text_lines(res$stdout)
  help <- run_bash("Rscript --default-packages=NULL -e port4me::port4me --args --help")
  expect_identical(help$status, 0L)
  # Options as --help lists them: "--name=<value>" or "--name"
  opts <- regmatches(help$stdout,
                     gregexpr("(?m)^  --[a-z-]+=?", help$stdout, perl = TRUE))
  opts <- sub("^  ", "", opts[[1L]])
  expect_setequal(offered, opts)
})

test_that("the Slurm job script starts the server on the user's port and prints the SSH tunnel", {
  skip_on_cran()
  skip_if_not_installed("processx")
  skip_if_not(cli_package_installed(),
              "port4me is not loaded from an installed library")
  script <- example_file("jupyter-lab.sbatch")
  # The README shows the installed script without its "##" comments
  shown <- readme_block("^The job script below")
  if (!is.null(shown)) {
    code <- readLines(script)
    expect_identical(as.vector(shown), code[!grepl("^##", code) & nzchar(code)])
  }

  user <- paste0("p4m-slurm-", Sys.getpid())
  port <- port4me("jupyter-lab", user = user, list = 1)
  if (!port4me(test = port)) skip("the test user's first port is in use")

  # Jupyter is not what is tested here, and is not installed: a `jupyter`
  # first on PATH prints the command line it was given instead of serving
  bin <- withr::local_tempdir()
  writeLines(c("#!/bin/sh", 'echo "jupyter $*"'), file.path(bin, "jupyter"))
  Sys.chmod(file.path(bin, "jupyter"), "755")
  node <- processx::run("hostname")$stdout
  node <- sub("\n$", "", node)

  path <- paste(bin, R.home("bin"), Sys.getenv("PATH"),
                sep = .Platform$path.sep)
  res <- processx::run(bash_bin(), script, error_on_status = FALSE,
                       timeout = 60, env = cli_child_env(c(
                         PATH = path, USER = user, SLURM_SUBMIT_HOST = "login1"
                       )))
  expect_identical(res$status, 0L, info = res$stderr)
  expect_identical(text_lines(res$stdout), c(
    "On your laptop, run:",
    sprintf("  ssh -N -L %d:%s:%d %s@login1", port, node, port, user),
    sprintf("and open http://localhost:%d/lab with the token printed below.", port),
    sprintf("jupyter lab --no-browser --ip=%s --port=%d", node, port)
  ))
})

test_that("the README's install command works for a user who is not root, and installs the vignette", {
  skip_on_cran()
  skip_on_os("windows")
  # Run from the tests of a source tree (as .ci/run does), not of R CMD check:
  # the one command of the section "Install and run"
  cmd <- readme_block("^## Install and run")
  skip_if(is.null(cmd), "README.md is not found (tests not run from the source tree)")
  root <- dirname(readme_file())
  expect_identical(attr(cmd, "lang"), "sh")
  expect_length(cmd, 1L)

  # A world-readable copy of the source tree, and an empty home directory
  base <- tempfile("p4m-readme-", tmpdir = "/tmp")
  dir.create(base)
  on.exit(unlink(base, recursive = TRUE), add = TRUE)
  src <- file.path(base, "src")
  home <- file.path(base, "home")
  tmp <- file.path(base, "tmp")   # where the command's mktemp -d goes
  dir.create(src)
  dir.create(home)
  dir.create(tmp)
  entries <- setdiff(list.files(root, all.files = TRUE, no.. = TRUE), ".git")
  expect_true(all(file.copy(file.path(root, entries), src, recursive = TRUE)))
  unlink(list.files(file.path(src, "src"), "[.](o|so)$", full.names = TRUE))
  system2("chmod", c("-R", "a+rX", shQuote(base)))

  env <- c("PATH" = paste(R.home("bin"), "/usr/local/bin:/usr/bin:/bin", sep = ":"),
           HOME = home, LANG = "C.UTF-8", TMPDIR = tmp)
  script <- paste("cd", shQuote(src), "&&", cmd)
  if (identical(unname(Sys.info()[["effective_user"]]), "root")) {
    setpriv <- Sys.which("setpriv")
    skip_if(!nzchar(setpriv), "running as root, and setpriv is not found")
    group <- if (length(suppressWarnings(system2(
      "getent", c("group", "nogroup"), stdout = TRUE)))) "nogroup" else "nobody"
    system2("chown", c("nobody", shQuote(home), shQuote(tmp)))
    user <- "nobody"
    env <- c(env, USER = user)
    res <- processx::run(setpriv, c("--reuid=nobody", paste0("--regid=", group),
                                    "--clear-groups", "env", "-i",
                                    paste0(names(env), "=", env),
                                    "bash", "-c", script),
                         error_on_status = FALSE, timeout = 600)
  } else {
    user <- Sys.getenv("USER")
    res <- processx::run("env", c("-i", paste0(names(env), "=", env),
                                  paste0("USER=", user), "bash", "-c", script),
                         error_on_status = FALSE, timeout = 600)
  }
  info <- paste(res$stdout, res$stderr, sep = "\n")
  expect_identical(res$status, 0L, info = info)
  # and left nothing in the temporary folder
  expect_identical(list.files(tmp, all.files = TRUE, no.. = TRUE), character(),
                   info = info)

  # It printed the user's port, as this process computes it
  out <- text_lines(res$stdout)
  withr::local_envvar(c(PORT4ME_USER = NA, PORT4ME_TOOL = NA,
                        PORT4ME_INCLUDE = NA, PORT4ME_EXCLUDE = NA,
                        PORT4ME_PREPEND = NA, PORT4ME_SKIP = NA,
                        "_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA))
  expect_identical(out[length(out)], as.character(port4me(user = user)),
                   info = info)

  # into the user's own library, with the vignette when it can be built
  installed <- list.files(home, "^DESCRIPTION$", recursive = TRUE,
                          full.names = TRUE)
  installed <- installed[basename(dirname(installed)) == "port4me"]
  expect_length(installed, 1L)
  if (requireNamespace("knitr", quietly = TRUE) &&
      requireNamespace("rmarkdown", quietly = TRUE) &&
      rmarkdown::pandoc_available()) {
    expect_true(file.exists(file.path(dirname(installed), "doc", "port4me.html")))
  }
})
