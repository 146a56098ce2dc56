# Helpers of the tests of port4me's inputs (settings, port specifications,
# names, the .Call layer, debug output).

# The .Call entry point directly, with plain values as port4me() hands them
# over: user "alice", list = 1, no variable set (not even the testing hook);
# `...` replaces single arguments by name (the arguments of port4me(), and
# `env`, `account`, `from`, `given`).
call_port4me <- function(...) {
  t <- port4me:::the$table
  args <- stats::setNames(vector("list", sum(!is.na(t$arg))),
                          t$arg[!is.na(t$arg)])
  args$user <- "alice"
  args$list <- 1L
  more <- list(env = rep(NA_character_, sum(!is.na(t$var))), account = NULL,
               from = 1L)
  dots <- list(...)
  for (name in names(dots)) {
    if (name %in% names(more)) more[name] <- dots[name]
    else args[name] <- dots[name]
  }
  given <- if ("given" %in% names(dots)) dots$given else unname(args)
  .Call(port4me:::R_port4me, given, more$from, more$env, more$account)
}

# The values of the variables for call_port4me(env = ): `...` by name.
env_values <- function(...) {
  vars <- port4me:::the$table$var
  vars <- vars[!is.na(vars)]
  v <- c(...)
  env <- rep(NA_character_, length(vars))
  env[match(names(v), vars)] <- v
  env
}

# The error of expr: a port4me_invalid condition with exactly this message
# and this source.
expect_invalid <- function(expr, message, source, info = NULL) {
  e <- tryCatch({
    expr
    NULL
  }, error = identity)
  expect_s3_class(e, "port4me_invalid")
  expect_s3_class(e, "port4me_error")
  expect_identical(conditionMessage(e), message, info = info)
  expect_identical(e$source, source, info = info)
}

# The debug output of expr (PORT4ME_DEBUG=true): the port4me_debug messages
# it signals, as one text of lines (without the "port4me: " prefix), for
# grepl() on its content.  Other messages pass through.
debug_text <- function(expr) {
  lines <- character()
  withr::with_envvar(c(PORT4ME_DEBUG = "true"), withCallingHandlers(
    expr,
    port4me_debug = function(m) {
      lines <<- c(lines, sub("^port4me: ", "", sub("\n$", "",
                                                   conditionMessage(m))))
      invokeRestart("muffleMessage")
    }))
  paste(lines, collapse = "\n")
}

# Does the debug text hold this line (whole, fixed text)?
has_line <- function(text, line) {
  line %in% strsplit(text, "\n", fixed = TRUE)[[1L]]
}

# A value as messages show it (NOTES.md): in double quotes, printable ASCII
# as is, '"' and '\' escaped, other bytes as \xhh; the first 40 bytes, then
# "..." after the quotes.
ref_show <- function(s) {
  b <- as.integer(charToRaw(s))
  out <- vapply(utils::head(b, 40), function(c) {
    if (c == 34 || c == 92) paste0("\\", intToUtf8(c))
    else if (c >= 32 && c < 127) intToUtf8(c)
    else sprintf("\\x%02x", c)
  }, "")
  paste0("\"", paste(out, collapse = ""), "\"", if (length(b) > 40) "...")
}

# A string of these bytes (no encoding mark).
bytes <- function(...) rawToChar(as.raw(c(...)))

# A fresh, empty XDG_RUNTIME_DIR (claims go to its port4me) for the calling
# test, removed at its end; claims made there are this test's only.
local_runtime_dir <- function(.env = parent.frame()) {
  dir <- tempfile("p4m-inputs-xdg-")
  dir.create(dir, mode = "0700")
  withr::defer(unlink(dir, recursive = TRUE, force = TRUE), envir = .env)
  withr::local_envvar(XDG_RUNTIME_DIR = dir, .local_envir = .env)
  dir
}

# Run Rscript with these arguments and environment variables (NA unsets;
# no PORT4ME_* variable of this process is passed on); status, stdout and
# stderr.  The exit status is checked by the caller: a lost one (NA) fails.
run_rscript <- function(args, env = character()) {
  cur <- Sys.getenv()
  keep <- !grepl("^_?PORT4ME_", names(cur)) & names(cur) != "R_TESTS"
  vars <- stats::setNames(as.character(cur[keep]), names(cur)[keep])
  vars[["R_LIBS"]] <- paste(.libPaths(), collapse = .Platform$path.sep)
  vars[["R_DEFAULT_PACKAGES"]] <- "NULL"
  vars[names(env)] <- env
  vars <- vars[!is.na(vars)]
  exe <- file.path(R.home("bin"), if (.Platform$OS.type == "windows")
    "Rscript.exe" else "Rscript")
  res <- processx::run(exe, args, env = vars, error_on_status = FALSE,
                       timeout = 120)
  list(status = res$status, stdout = res$stdout, stderr = res$stderr)
}
