# The README's recipes as a user copies them (test-recipes.R): the lines of
# a fenced block of README.md, the files the package ships for them, and
# R and bash started as a user starts them.

# The source tree's README.md, or NULL when the tests do not run from a
# source tree (R CMD check runs them from a copy without it).
readme_file <- function() {
  root <- normalizePath(file.path("..", ".."), mustWork = FALSE)
  readme <- file.path(root, "README.md")
  if (file.exists(readme) && file.exists(file.path(root, "DESCRIPTION"))) {
    readme
  }
}

# The lines of the first fenced code block after the first line of
# README.md that matches `after` (a regular expression), with the fence's
# language ("r", "sh") as attribute "lang"; NULL without a README.
readme_block <- function(after) {
  readme <- readme_file()
  if (is.null(readme)) return(NULL)
  lines <- readLines(readme, encoding = "UTF-8")
  start <- grep(after, lines)
  if (length(start) == 0L) stop("README.md has no line matching ", after)
  fences <- grep("^```", lines)
  fences <- fences[fences > start[1L]][1:2]
  if (anyNA(fences)) stop("README.md has no code block after ", after)
  structure(lines[(fences[1L] + 1L):(fences[2L] - 1L)],
            lang = sub("^```", "", lines[fences[1L]]))
}

# The file `name` that the package installs in inst/examples (the copy
# that the README points users to), or skip
example_file <- function(name) {
  f <- system.file("examples", name, package = "port4me")
  skip_if(!nzchar(f), paste("the example file", name, "is not installed"))
  f
}

# The ~/.Rprofile lines of the README (section "Shiny, RStudio's Run App
# button"), written to a temporary file that is removed when the calling
# test ends; its path. The README's lines must be those of the copy that
# the package installs; without a README (R CMD check) the installed copy
# is used.
local_rprofile <- function(.env = parent.frame()) {
  shipped <- readLines(example_file("Rprofile"))
  lines <- readme_block("^these lines in your `~/[.]Rprofile`")
  if (!is.null(lines)) {
    testthat::expect_identical(attr(lines, "lang"), "r")
    testthat::expect_identical(as.vector(lines), shipped)
  } else {
    lines <- shipped
  }
  # (tempfile() and defer(): withr 2.4.1, on R 4.0.4, names the argument
  # of local_tempfile() otherwise)
  file <- tempfile("p4m-rprofile-")
  withr::defer(unlink(file), envir = .env)
  writeLines(lines, file)
  file
}

# The R script of this R (not the Rscript front end)
r_bin <- function() file.path(R.home("bin"), "R")

# Arguments that start R as an interactive session reading `input` (a
# file of R code) from its standard input, as a user typing it would:
# interactive() is TRUE, and R prints a prompt for each line.
r_interactive_args <- c("--interactive", "--no-save", "--no-restore", "-q")

# Run `code` (lines of R) in an interactive R with the environment of a
# command-line child (cli_child_env(), plus `env`); returns processx's
# result (status, stdout, stderr).
run_r_interactive <- function(code, env = character(), timeout = 120) {
  input <- withr::local_tempfile()
  writeLines(code, input)
  processx::run(r_bin(), r_interactive_args, stdin = input,
                env = cli_child_env(env), error_on_status = FALSE,
                timeout = timeout)
}

# An environment in which no library holds port4me: R_LIBS, R_LIBS_USER
# and R_LIBS_SITE all name an empty folder (removed when the calling test
# ends); or skip when R's own library has port4me.
local_no_port4me_env <- function(.env = parent.frame()) {
  empty <- tempfile("p4m-empty-lib-")
  dir.create(empty)
  withr::defer(unlink(empty, recursive = TRUE), envir = .env)
  env <- c(R_LIBS = empty, R_LIBS_USER = empty, R_LIBS_SITE = empty)
  probe <- processx::run(rscript_bin(), c("-e", paste(
    "cat(requireNamespace('port4me', quietly = TRUE))")),
    env = cli_child_env(env), error_on_status = FALSE)
  if (!identical(probe$stdout, "FALSE")) {
    skip(paste("port4me is installed in R's own library:", probe$stdout,
               probe$stderr))
  }
  env
}

# The completion file as installed, or skip
completion_file <- function() {
  f <- system.file("bash-completion", "port4me", package = "port4me")
  skip_if(!nzchar(f), "the bash completion file is not installed")
  f
}

# The shell recipe of the README (section "A `port4me` command, with tab
# completion"): list(bashrc = the lines for ~/.bashrc, copy = the one-time
# command that copies the completion file). The header of the installed
# completion file shows the same lines (indented by "#   "), and they are
# checked to be the README's; without a README the header's are used.
shell_recipe <- function() {
  header <- readLines(completion_file())
  shown <- sub("^#   ", "", grep("^#   [^ ]", header, value = TRUE))
  testthat::expect_length(shown, 4L)
  from_header <- list(bashrc = shown[c(1L, 3L, 4L)], copy = shown[2L])
  bashrc <- readme_block("^Put these lines in your `~/[.]bashrc`")
  if (is.null(bashrc)) return(from_header)
  copy <- readme_block("^and, once .*copy the completion file")
  testthat::expect_identical(c(attr(bashrc, "lang"), attr(copy, "lang")),
                             c("sh", "sh"))
  recipe <- list(bashrc = as.vector(bashrc), copy = as.vector(copy))
  testthat::expect_identical(recipe, from_header)
  recipe
}
