# An LD_PRELOAD shim (socket-shim.c) that makes socket(), bind() and
# listen() fail on demand, for the tests of SPEC section 5's failures
# (test-socket-failures.R) and of a long search that can be interrupted
# (test-extreme.R).

sf_linux <- function() identical(Sys.info()[["sysname"]], "Linux")

sf_env <- new.env(parent = emptyenv())

# The compiled shim (once per session); skips only when there is no C
# compiler.  A compiler that fails on the shim is a test failure.
sf_shim <- function() {
  if (!is.null(sf_env$so)) return(sf_env$so)
  cc <- Sys.which("cc")
  if (!nzchar(cc)) cc <- Sys.which("gcc")
  if (!nzchar(cc)) skip("no C compiler (cc or gcc) to build the LD_PRELOAD shim")
  src <- test_path("socket-shim.c")
  expect_true(file.exists(src), label = "socket-shim.c exists")
  dir <- tempfile("p4m-shim-")
  dir.create(dir)
  so <- file.path(dir, "socket-shim.so")
  out <- suppressWarnings(system2(cc, c("-shared", "-fPIC", "-O2", "-o",
                                        shQuote(so), shQuote(src), "-ldl"),
                                  stdout = TRUE, stderr = TRUE))
  status <- attr(out, "status")
  expect(is.null(status) && file.exists(so),
         paste("compiling the shim failed:", paste(out, collapse = "\n")))
  sf_env$so <- so
  so
}

skip_unless_shim <- function() {
  skip_if_not(sf_linux(), "LD_PRELOAD fault injection is tested on Linux only")
  skip_if_not_installed("processx")
  skip_if_not(file.exists(rscript_bin()), "Rscript is not found")
  skip_if_not(cli_package_installed(),
              "child processes would not load this port4me (not installed)")
  sf_shim()
}

# Run `Rscript <args>` with the shim preloaded (after any library already in
# LD_PRELOAD, e.g. the sanitizer runtime), the P4M_SHIM_* rules in `rules`,
# and a fresh log file.  Returns list(status, stdout, stderr, log).
sf_run <- function(args, rules = character()) {
  log <- tempfile("p4m-shim-log-")
  on.exit(unlink(log), add = TRUE)
  # (a folder of claims that does not exist: no claims, and no file opened
  # for them, so that the sockets are all that is tested)
  env <- c(LC_ALL = "C", LANGUAGE = "en", R_DEFAULT_PACKAGES = "NULL",
           P4M_SHIM_LOG = log, XDG_RUNTIME_DIR = tempfile("p4m-no-claims-"),
           R_USER_CACHE_DIR = tempfile("p4m-no-claims-"),
           rules)
  pre <- Sys.getenv("LD_PRELOAD")
  env <- c(env, LD_PRELOAD = paste(c(if (nzchar(pre)) pre, sf_shim()),
                                   collapse = ":"))
  res <- processx::run(rscript_bin(), args, env = cli_child_env(env),
                       error_on_status = FALSE, timeout = 120)
  res <- without_r_warnings(res)
  list(status = res$status, stdout = res$stdout, stderr = res$stderr,
       log = if (file.exists(log)) readLines(log) else character())
}


# Evaluate `code` (text) in a child R process as sf_run() does and return
# its value, which the child writes with dput(), with the run and a
# description of it (`info`) for failure messages.  Helpers available in
# the child: try_p4m(expr) gives list(value =) or list(error =, class =).
sf_eval <- function(code, rules = character()) {
  prog <- paste0(
    "try_p4m <- function(expr) tryCatch(list(value = expr), error = ",
    "function(e) list(error = conditionMessage(e), class = class(e)));",
    "dput(local({", code, "}))"
  )
  res <- sf_run(c("-e", prog), rules = rules)
  val <- tryCatch(eval(parse(text = res$stdout)), error = function(e) NULL)
  list(value = val, res = res,
       info = sprintf("status %s\nstdout: %s\nstderr: %s\nshim log: %s",
                      format(res$status), res$stdout, res$stderr,
                      paste(utils::head(res$log, 6), collapse = " | ")))
}
