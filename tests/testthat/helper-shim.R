# Small C programs of the tests, compiled here with the system C compiler:
# - socket-shim.c, an LD_PRELOAD library that makes socket(), bind(),
#   listen() and unlinkat() fail on demand, for the tests of SPEC section
#   5's failures (test-socket-failures.R) and of a long search that can be
#   interrupted (test-extreme.R);
# - lock-holder.c, which holds the lock of a claims folder as another
#   port4me process would (test-claims-lock.R).

sf_linux <- function() identical(Sys.info()[["sysname"]], "Linux")

sf_env <- new.env(parent = emptyenv())

# tests/testthat/<name>.c compiled (once per session) as a shared library
# (`shared = TRUE`) or a program; skips only when there is no C compiler.
# A compiler that fails on the file is a test failure.
c_build <- function(name, shared = FALSE) {
  key <- paste(name, shared)
  if (!is.null(sf_env[[key]])) return(sf_env[[key]])
  cc <- Sys.which("cc")
  if (!nzchar(cc)) cc <- Sys.which("gcc")
  if (!nzchar(cc)) skip(paste("no C compiler (cc or gcc) to build", name))
  src <- test_path(paste0(name, ".c"))
  expect_true(file.exists(src), label = paste(name, ".c exists"))
  dir <- tempfile("p4m-c-")
  dir.create(dir)
  out_file <- file.path(dir, if (shared) paste0(name, ".so") else name)
  flags <- if (shared) c("-shared", "-fPIC") else character()
  out <- suppressWarnings(system2(cc, c(flags, "-O2", "-o", shQuote(out_file),
                                        shQuote(src), if (shared) "-ldl"),
                                  stdout = TRUE, stderr = TRUE))
  status <- attr(out, "status")
  expect(is.null(status) && file.exists(out_file),
         paste("compiling", name, "failed:", paste(out, collapse = "\n")))
  sf_env[[key]] <- out_file
  out_file
}

sf_shim <- function() c_build("socket-shim", shared = TRUE)

skip_unless_shim <- function() {
  skip_if_not(sf_linux(), "LD_PRELOAD fault injection is tested on Linux only")
  skip_if_no_cli()
  sf_shim()
}

# Run `Rscript <args>` with the shim preloaded (after any library already in
# LD_PRELOAD, e.g. the sanitizer runtime), the P4M_SHIM_* rules in `rules`,
# and a fresh log file.  Returns list(status, stdout, stderr, log).
sf_run <- function(args, rules = character()) {
  log <- tempfile("p4m-shim-log-")
  on.exit(unlink(log), add = TRUE)
  # (folders of claims that do not exist: no claims, and no file opened
  # for them, so that the sockets are all that is tested)
  env <- c(LC_ALL = "C", LANGUAGE = "en", R_DEFAULT_PACKAGES = "NULL",
           P4M_SHIM_LOG = log, XDG_RUNTIME_DIR = tempfile("p4m-no-claims-"),
           R_USER_CACHE_DIR = tempfile("p4m-no-claims-"),
           TMPDIR = tempfile("p4m-no-claims-"), rules)
  pre <- Sys.getenv("LD_PRELOAD")
  env <- c(env, LD_PRELOAD = paste(c(if (nzchar(pre)) pre, sf_shim()),
                                   collapse = ":"))
  res <- run_r(args, env = env)
  list(status = res$status, stdout = res$stdout, stderr = res$stderr,
       log = if (file.exists(log)) readLines(log) else character())
}

# Evaluate `code` (text) in a child R process as sf_run() does and return
# its value, which the child writes with dput(), with the run and a
# description of it (`info`) for failure messages.  Helpers available in
# the child: try_p4m(expr) gives list(value =) or list(error =, class =,
# errno =, step =).
sf_eval <- function(code, rules = character()) {
  prog <- paste0(
    "try_p4m <- function(expr) tryCatch(list(value = expr), error = ",
    "function(e) list(error = conditionMessage(e), class = class(e), ",
    "errno = e$errno, step = e$step));",
    "dput(local({", code, "}))"
  )
  res <- sf_run(c("-e", prog), rules = rules)
  val <- tryCatch(eval(parse(text = res$stdout)), error = function(e) NULL)
  list(value = val, res = res,
       info = sprintf("status %s\nstdout: %s\nstderr: %s\nshim log: %s",
                      format(res$status), res$stdout, res$stderr,
                      paste(utils::head(res$log, 6), collapse = " | ")))
}
