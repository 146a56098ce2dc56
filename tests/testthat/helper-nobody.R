# Run R as the unprivileged user nobody (for a root test run), with setpriv,
# on this process's library; the environment is this process's with
# `env` (name=value strings) on top.  nobody's claims would live in HOME,
# not in ours.
run_as_nobody <- function(args, env = character()) {
  setpriv <- Sys.which("setpriv")
  group <- if (length(suppressWarnings(system2(
    "getent", c("group", "nogroup"), stdout = TRUE)))) "nogroup" else "nobody"
  out <- tempfile()
  err <- tempfile()
  on.exit(unlink(c(out, err)))
  env <- c(paste0("R_LIBS=", paste(.libPaths(), collapse = ":")),
           "HOME=/tmp", "R_TESTS=", "PORT4ME_DEBUG=", "PORT4ME_TEST=",
           "PORT4ME_LIST=", "_PORT4ME_CHECK_AVAILABLE_PORTS_=",
           "XDG_RUNTIME_DIR=", env)
  status <- suppressWarnings(system2(
    setpriv, c("--reuid=nobody", paste0("--regid=", group), "--clear-groups",
               shQuote(rscript_bin()), shQuote(args)),
    stdout = out, stderr = err, env = env, timeout = 120))
  list(status = status, stdout = readLines(out, warn = FALSE),
       stderr = readLines(err, warn = FALSE))
}

# Skip unless this is a root test run that can run R as nobody on the
# port4me under test.
skip_unless_nobody_can_load <- function() {
  skip_on_os("windows")
  if (!identical(unname(Sys.info()[["effective_user"]]), "root")) {
    skip("not running as root")
  }
  if (!nzchar(Sys.which("setpriv"))) skip("running as root, and setpriv is not found")
  probe <- run_as_nobody(c("-e", paste0(
    "library(port4me); cat(Sys.info()[['effective_user']],",
    " getNamespaceInfo('port4me', 'path'), sep = '\\n')")))
  loaded <- normalizePath(getNamespaceInfo("port4me", "path"))
  if (!identical(probe$status, 0L) || !identical(probe$stdout[2], loaded)) {
    skip(paste("running as root, and user nobody cannot load the port4me",
               "under test (is its library readable by nobody?):",
               paste(c(probe$stdout, probe$stderr), collapse = " ")))
  }
  testthat::expect_identical(probe$stdout[1], "nobody")
}
