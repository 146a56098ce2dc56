# Run R as the unprivileged user nobody (for a root test run), with setpriv,
# on this process's library: first the real folder of the loaded port4me
# (R CMD check hands the tests a library of symbolic links in R's private
# temporary folder, which nobody cannot read), then .libPaths().  The environment is this process's, without
# PORT4ME_* variables and XDG_RUNTIME_DIR, with HOME=/nonexistent (nobody's
# home in /etc/passwd), and `env` (a named character vector; NA unsets) on
# top.  TMPDIR stays this run's: it must be usable by nobody (.ci/run makes
# it mode 1777).
run_as_nobody <- function(args, env = character(), timeout = 120) {
  setpriv <- Sys.which("setpriv")
  out <- tempfile()
  err <- tempfile()
  on.exit(unlink(c(out, err)))
  lib <- dirname(normalizePath(getNamespaceInfo("port4me", "path")))
  vars <- c(R_LIBS = paste(unique(c(lib, .libPaths())), collapse = ":"),
            HOME = "/nonexistent", R_TESTS = NA, XDG_RUNTIME_DIR = NA,
            R_USER_CACHE_DIR = NA, XDG_CACHE_HOME = NA, env)
  full <- cli_child_env(vars)
  # (system2's `env` only adds variables: `env -i` starts from none)
  status <- suppressWarnings(system2(
    "env", c("-i", shQuote(paste0(names(full), "=", full)), shQuote(setpriv),
             "--reuid=nobody", paste0("--regid=", nobody_group()),
             "--clear-groups", shQuote(rscript_bin()), shQuote(args)),
    stdout = out, stderr = err, timeout = timeout))
  list(status = status, stdout = readLines(out, warn = FALSE),
       stderr = readLines(err, warn = FALSE))
}

nobody_group <- function() {
  if (length(suppressWarnings(system2("getent", c("group", "nogroup"),
                                      stdout = TRUE)))) "nogroup" else "nobody"
}

is_root <- function() {
  identical(unname(Sys.info()[["effective_user"]]), "root")
}

# Skip unless this is a root test run that can run R as nobody on the
# port4me under test.
skip_unless_nobody_can_load <- function() {
  skip_on_os("windows")
  if (!is_root()) skip("not running as root")
  if (!nzchar(Sys.which("setpriv"))) skip("running as root, and setpriv is not found")
  probe <- run_as_nobody(c("-e", paste0(
    "library(port4me); cat(Sys.info()[['effective_user']],",
    " getNamespaceInfo('port4me', 'path'), sep = '\\n')")))
  loaded <- normalizePath(getNamespaceInfo("port4me", "path"))
  if (!identical(probe$status, 0L) || !identical(probe$stdout[2], loaded)) {
    skip(paste("running as root, and user nobody cannot load the port4me",
               "under test (are its library and TMPDIR usable by nobody?):",
               paste(c(probe$stdout, probe$stderr), collapse = " ")))
  }
  testthat::expect_identical(probe$stdout[1], "nobody")
}

# A fresh folder that nobody may write to (mode 1777, as /tmp), for
# nobody's TMPDIR, removed when the calling test ends: in the nearest
# folder above tempdir() (tempdir() itself is private) that others may
# enter, every folder above it too (R CMD check puts tempdir() below a
# private folder of its own).
local_shared_tmp <- function(.env = parent.frame()) {
  enterable <- function(p) {
    repeat {
      mode <- file.info(p)$mode
      if (is.na(mode) || (as.integer(mode) %% 2L) == 0L) return(FALSE)
      if (dirname(p) == p) return(TRUE)
      p <- dirname(p)
    }
  }
  parent <- dirname(normalizePath(tempdir()))
  while (!enterable(parent) && dirname(parent) != parent) {
    parent <- dirname(parent)
  }
  dir <- tempfile("p4m-shared-", tmpdir = parent)
  dir.create(dir)
  Sys.chmod(dir, "1777", use_umask = FALSE)
  withr::defer(unlink(dir, recursive = TRUE, force = TRUE), envir = .env)
  dir
}
