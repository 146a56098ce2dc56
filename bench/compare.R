# Measure how this package, the CRAN package port4me 0.7.1 and the upstream
# Bash and Python implementations behave on the same situations; prints
# the Markdown table that README.md shows.
#
#   Rscript bench/compare.R [--cran-lib=DIR] [--bash=DIR] [--python=DIR]
#
# - This package: the port4me that R finds first in .libPaths() (set R_LIBS
#   to the library you installed it into).
# - CRAN 0.7.1: taken from --cran-lib=DIR, else installed by package name
#   into a temporary library (install.packages("port4me", lib = tmp), with
#   the repository that this R is configured to use); the script checks
#   that the version is 0.7.1.
# - Bash: --bash=DIR is the folder bash/ of upstream's source (the public
#   repository HenrikBengtsson/port4me); only its self-contained
#   incl/port4me.bash is used: the script sources it and calls its function
#   port4me(), as upstream's `port4me` command does, with the settings in
#   PORT4ME_* variables. Bash tests a port with the first of `netstat`,
#   `ss`, `ncat` that it finds; the column "(ss)" forces `ss`
#   (PORT4ME_PORT_COMMAND=ss), which systems without net-tools use.
# - Python: --python=DIR is the folder python/ of upstream's source (it
#   holds the package folder port4me/); run from there as
#   `python3 -m port4me` (PYTHONPATH=DIR), nothing installed. Its version
#   reads no PORT4ME_TEST, so a port test is given to it as --test=PORT.
# Without --bash or --python, those columns are left out.
#
# Every situation is set up with real listeners on loopback addresses
# (httpuv servers in this R process) and given to each implementation in
# the same way, through PORT4ME_* environment variables, in a child
# process with a time limit. Needs the R packages processx, httpuv and
# bench.

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name) {
  hit <- grep(sprintf("^--%s=", name), args, value = TRUE)
  if (length(hit)) sub("^[^=]*=", "", hit[length(hit)]) else NA_character_
}
stopifnot(requireNamespace("processx", quietly = TRUE),
          requireNamespace("httpuv", quietly = TRUE),
          requireNamespace("bench", quietly = TRUE))

this_lib <- dirname(find.package("port4me"))
this_version <- as.character(utils::packageVersion("port4me", lib.loc = this_lib))

cran_lib <- opt("cran-lib")
if (is.na(cran_lib)) {
  cran_lib <- tempfile("port4me-cran-")
  dir.create(cran_lib)
  utils::install.packages("port4me", lib = cran_lib, quiet = TRUE)
}
cran_version <- as.character(utils::packageVersion("port4me", lib.loc = cran_lib))
if (cran_version != "0.7.1") {
  warning("the CRAN package is version ", cran_version, ", not 0.7.1")
}

# The version that a source file states in a line matching `pattern`
# (the version is what follows the match, up to a blank or a quote)
stated_version <- function(file, pattern) {
  line <- grep(pattern, readLines(file), value = TRUE)[1]
  sub("[[:space:]\"].*$", "", sub(paste0(".*", pattern), "", line))
}

bash_lib <- opt("bash")
if (!is.na(bash_lib)) {
  bash_lib <- normalizePath(file.path(bash_lib, "incl", "port4me.bash"),
                            mustWork = TRUE)
  bash_version <- stated_version(bash_lib, "^#'[ ]*Version:[ ]*")
}
python_dir <- opt("python")
if (!is.na(python_dir)) {
  python_dir <- normalizePath(python_dir, mustWork = TRUE)
  python_version <- stated_version(
    file.path(python_dir, "port4me", "__init__.py"), "^__version__ = \"")
  python <- Sys.which("python3")
  if (!nzchar(python)) stop("--python needs python3 on PATH")
}

rscript <- file.path(R.home("bin"), "Rscript")

# The environment of a child: this one's without PORT4ME_* variables,
# plus `env`.
child_env <- function(env = character()) {
  cur <- Sys.getenv()
  keep <- !grepl("^_?PORT4ME_", names(cur))
  out <- stats::setNames(as.character(cur[keep]), names(cur)[keep])
  out[names(env)] <- env
  out
}

# Run implementation `impl` with the settings `env` (PORT4ME_* variables);
# returns list(status, out, err, secs, timeout, limit).  R implementations call
# port4me() and print its value (TRUE/FALSE when PORT4ME_TEST is set);
# Bash sources its library and calls port4me; Python runs its command line
# (given PORT4ME_TEST as --test).
run_impl <- function(impl, env = character(), timeout = 30) {
  if (impl %in% c("bash", "bash-ss")) {
    cmd <- "bash"
    cmd_args <- c("-c", 'PORT4ME_DEBUG=${PORT4ME_DEBUG:-false}; source "$1" && port4me',
                  "port4me", bash_lib)
    if (impl == "bash-ss") env <- c(PORT4ME_PORT_COMMAND = "ss", env)
    e <- child_env(env)
  } else if (impl == "python") {
    cmd <- python
    cmd_args <- c("-m", "port4me")
    if ("PORT4ME_TEST" %in% names(env)) {
      cmd_args <- c(cmd_args, paste0("--test=", env[["PORT4ME_TEST"]]))
      env <- env[names(env) != "PORT4ME_TEST"]
    }
    e <- child_env(c(PYTHONPATH = python_dir, env))
  } else {
    lib <- if (impl == "this") this_lib else cran_lib
    cmd <- rscript
    cmd_args <- c("-e", "x <- port4me::port4me(); cat(x, sep = '\\n')")
    e <- child_env(c(R_LIBS = lib, R_LIBS_USER = "NULL",
                     R_DEFAULT_PACKAGES = "NULL", env))
  }
  t0 <- Sys.time()
  res <- processx::run(cmd, cmd_args, env = e, error_on_status = FALSE,
                       timeout = timeout)
  list(status = res$status, out = trimws(res$stdout),
       err = trimws(res$stderr),
       secs = as.numeric(difftime(Sys.time(), t0, units = "secs")),
       timeout = isTRUE(res$timeout), limit = timeout)
}

impls <- c("this", "cran", if (!is.na(bash_lib)) c("bash", "bash-ss"),
           if (!is.na(python_dir)) "python")

# Is `port` free, according to `impl`?  "busy", "free" or what went wrong.
verdict_test <- function(impl, port) {
  r <- run_impl(impl, c(PORT4ME_TEST = port))
  if (impl %in% c("bash", "bash-ss", "python")) {
    if (r$status == 0L) "free" else if (r$status == 1L && !nzchar(r$err)) "busy"
    else paste("error:", short_error(r$err))
  } else {
    if (identical(r$out, "TRUE")) "free" else if (identical(r$out, "FALSE")) "busy"
    else paste("error:", short_error(r$err))
  }
}

# The line of an error output that says what went wrong
short_error <- function(err) {
  msg <- strsplit(err, "\n", fixed = TRUE)[[1]]
  msg <- msg[nzchar(msg)]
  if (!length(msg)) return("(no message)")
  # (a Python traceback ends with the exception and its message)
  msg <- if (startsWith(msg[1], "Traceback")) msg[length(msg)] else msg[1]
  msg <- sub("^Error in .*? : *", "", msg, perl = TRUE)
  substr(sub("^(Error|ERROR): *", "", msg), 1, 100)
}

# What did a search do: "error" (with its first line), "timeout", or the
# port it returned.
verdict_search <- function(r, wrong = NULL) {
  if (r$timeout) return(sprintf("still running at the time limit, %.0f s", r$limit))
  if (r$status != 0L) {
    return(sprintf("error, %.2f s: %s", r$secs, short_error(r$err)))
  }
  if (nzchar(r$err)) {
    return(sprintf("returns %s, %.2f s, with stderr: %s", r$out, r$secs,
                   substr(r$err, 1, 60)))
  }
  sprintf("returns %s, %.2f s", gsub("\n", " ", r$out), r$secs)
}

# A port that nobody uses and that all implementations agree is free
probe_user <- paste0("p4m-compare-", Sys.getpid())
app <- list(call = function(req) list(status = 200L, headers = list(), body = "x"))

results <- list()
add <- function(row, impl, value) {
  results[[row]][[impl]] <<- value
}

## Ports held by another process on each address
for (host in c("127.0.0.1", "0.0.0.0", "::1", "::")) {
  row <- sprintf("sees a port held on %s", if (grepl(":", host)) sprintf("[%s]", host) else host)
  port <- NA
  for (i in 1:20) {
    cand <- port4me::port4me(user = probe_user, tool = host, skip = i - 1L, list = 1)
    if (port4me::port4me(test = cand)) { port <- cand; break }
  }
  server <- tryCatch(httpuv::startServer(host, port, app), error = function(e) NULL)
  if (is.null(server)) {
    for (impl in impls) add(row, impl, "(cannot listen there)")
    next
  }
  for (impl in impls) add(row, impl, verdict_test(impl, port))
  server$stop()
  invisible(httpuv::service(100))
}

## Bad port specifications
for (spec in c("2000-abc", "2000-", "70000")) {
  row <- sprintf("`PORT4ME_INCLUDE=%s`", spec)
  for (impl in impls) {
    add(row, impl, verdict_search(run_impl(impl, c(
      PORT4ME_USER = "alice", PORT4ME_INCLUDE = spec,
      "_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any"))))
  }
}

## No candidate at all
row <- "`PORT4ME_INCLUDE=30845 PORT4ME_EXCLUDE=30845` (no candidate)"
for (impl in impls) {
  add(row, impl, verdict_search(run_impl(impl, c(
    PORT4ME_USER = "alice", PORT4ME_INCLUDE = "30845",
    PORT4ME_EXCLUDE = "30845"), timeout = 30)))
}

## The only candidate is busy
port <- port4me::port4me(user = probe_user, tool = "only")
server <- httpuv::startServer("0.0.0.0", port, app)
row <- "the only candidate is busy (`PORT4ME_INCLUDE=<held port>`)"
for (impl in impls) {
  add(row, impl, verdict_search(run_impl(impl, c(
    PORT4ME_USER = "alice", PORT4ME_INCLUDE = as.character(port)),
    timeout = 30)))
}
server$stop()
invisible(httpuv::service(100))

## Non-ASCII user name: code points (as Python) or UTF-8 bytes?
user <- "j\u00f6rg"
code_points <- port4me::port4me(user = user, list = 1)  # this package: code points
utf8_hash <- 0
for (b in as.integer(charToRaw(enc2utf8(user)))) utf8_hash <- (31 * utf8_hash + b) %% 2^32
# The first port of a hash (SPEC sections 2-3, default candidates)
unsafe <- c(1719, 1720, 1723, 2049, 3659, 4045, 5060, 5061, 6000, 6566,
            6665:6669, 6697, 10080)
first_port <- function(hash) {
  s <- hash %% 65537
  repeat {
    nxt <- (75 * s + 74) %% 65537
    if (nxt == s) { s <- s + 1; nxt <- (75 * s + 74) %% 65537 }
    s <- nxt
    if (s >= 1024 && s <= 65535 && !(s %in% unsafe)) return(s)
  }
}
bytes_port <- first_port(utf8_hash)
what <- function(out) {
  if (identical(out, as.character(code_points))) sprintf("%s (code points)", out)
  else if (identical(out, as.character(bytes_port))) sprintf("%s (UTF-8 bytes)", out)
  else out
}
for (locale in c("C.UTF-8", "C")) {
  row <- sprintf("user `%s` (UTF-8), locale %s: first port", user, locale)
  for (impl in impls) {
    r <- run_impl(impl, c(PORT4ME_USER = user, PORT4ME_LIST = "1",
                          LC_ALL = locale, LANG = locale,
                          "_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any"))
    add(row, impl, if (r$status == 0L) what(r$out) else verdict_search(r))
  }
}

## Speed of one command-line call: the wall-clock time from starting the
## child process to its end, as processx sees it (median of 10 runs)
row <- "one call from the shell (wall clock, median of 10 runs)"
for (impl in impls) {
  secs <- vapply(1:10, function(i) run_impl(impl, c(PORT4ME_USER = probe_user))$secs, 0)
  add(row, impl, sprintf("%.0f ms", 1000 * stats::median(secs)))
}

## Speed of one call inside the language, with a real socket test: each
## call timed on its own, the median of at least 200 (R: bench::mark(), as
## bench/bench.R measures it; Python: time.perf_counter_ns() around each
## of 200 calls)
row <- "one call inside R or Python (median of 200 or more calls, each timed)"
for (impl in intersect(impls, c("this", "cran"))) {
  lib <- if (impl == "this") this_lib else cran_lib
  r <- processx::run(rscript, c("-e", paste(
    "f <- port4me::port4me; invisible(f(user = 'x'))",
    "m <- bench::mark(f(user = 'x'), min_iterations = 200, check = FALSE)",
    "cat(format(m$median))", sep = "; ")),
    env = child_env(c(R_LIBS = lib, R_DEFAULT_PACKAGES = "NULL")))
  add(row, impl, trimws(r$stdout))
}
if ("python" %in% impls) {
  r <- processx::run(python, c("-c", paste(
    "import statistics, time, port4me", "port4me.port4me(user='x')",
    "t = []",
    "for i in range(200):",
    "    t0 = time.perf_counter_ns(); port4me.port4me(user='x'); t.append(time.perf_counter_ns() - t0)",
    "print('%.1f' % (statistics.median(t) / 1000))", sep = "\n")),
    env = child_env(c(PYTHONPATH = python_dir)))
  add(row, "python", paste0(trimws(r$stdout), "\u00b5s"))
}
for (impl in setdiff(impls, c("this", "cran", "python"))) add(row, impl, "-")

## Print the table
heads <- c(this = sprintf("this package %s", this_version),
           cran = sprintf("CRAN %s", cran_version),
           bash = if ("bash" %in% impls) sprintf("Bash %s", bash_version),
           "bash-ss" = if ("bash" %in% impls) sprintf("Bash %s (ss)", bash_version),
           python = if ("python" %in% impls) sprintf("Python %s", python_version))
cat(sprintf("Measured %s on %s, R %s, by `Rscript bench/compare.R`; load average at the end: %s\n\n",
            format(Sys.Date()), utils::sessionInfo()$running,
            paste(R.version$major, R.version$minor, sep = "."),
            if (file.exists("/proc/loadavg")) paste(strsplit(readLines(
              "/proc/loadavg", warn = FALSE), " ")[[1]][1:3], collapse = " ") else "?"))
cat(sprintf("user `%s`: its code points give port %s, its UTF-8 bytes port %s\n\n",
            user, code_points, bytes_port))
cat("|  |", paste(heads[impls], collapse = " | "), "|\n")
cat("|---|", paste(rep("---", length(impls)), collapse = " | "), "|\n")
for (row in names(results)) {
  cells <- vapply(impls, function(i) gsub("|", "\\|", results[[row]][[i]], fixed = TRUE), "")
  cat("|", row, "|", paste(cells, collapse = " | "), "|\n")
}
