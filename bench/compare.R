# Measure how this package, the CRAN package port4me 0.7.1 and the upstream
# Bash implementation behave on the same situations; prints the Markdown
# table that README.md shows.
#
#   Rscript bench/compare.R [--cran-lib=DIR] [--bash=FILE]
#
# - This package: the port4me that R finds first in .libPaths() (set R_LIBS
#   to the library you installed it into).
# - CRAN 0.7.1: taken from --cran-lib=DIR, else installed by package name
#   into a temporary library (install.packages("port4me", lib = tmp), with
#   the repository that this R is configured to use); the script checks
#   that the version is 0.7.1.
# - Bash: --bash=FILE is the `port4me` script of the upstream Bash
#   implementation (folder bash/ of the public repository
#   HenrikBengtsson/port4me, with its incl/ folder beside it). Without it,
#   the Bash columns are left out. Bash tests a port with the first of
#   `netstat`, `ss`, `ncat` that it finds; the column "Bash (ss)" forces
#   `ss` (PORT4ME_PORT_COMMAND=ss), which systems without net-tools use.
# The Python implementation is not run here (it cannot be installed on the
# machine where this was written); README.md describes its behaviour from
# its source.
#
# Every situation is set up with real listeners on loopback addresses
# (httpuv servers in this R process) and given to each implementation in
# the same way, through PORT4ME_* environment variables, in a child
# process with a time limit. Needs the R packages processx and httpuv.

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name) {
  hit <- grep(sprintf("^--%s=", name), args, value = TRUE)
  if (length(hit)) sub("^[^=]*=", "", hit[length(hit)]) else NA_character_
}
stopifnot(requireNamespace("processx", quietly = TRUE),
          requireNamespace("httpuv", quietly = TRUE))

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

bash_script <- opt("bash")
if (!is.na(bash_script)) {
  bash_script <- normalizePath(bash_script, mustWork = TRUE)
  bash_version <- sub("^#'[ ]*Version:[ ]*", "", grep(
    "^#'[ ]*Version:", readLines(file.path(dirname(bash_script), "incl",
                                           "port4me.bash")), value = TRUE))
  bash_version <- sub("[[:space:]].*", "", bash_version[1])
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
# returns list(status, out, err, secs, timeout).  R implementations call
# port4me() and print its value (TRUE/FALSE when PORT4ME_TEST is set);
# Bash runs its script.
run_impl <- function(impl, env = character(), timeout = 30) {
  if (impl %in% c("bash", "bash-ss")) {
    cmd <- "bash"
    cmd_args <- bash_script
    if (impl == "bash-ss") env <- c(PORT4ME_PORT_COMMAND = "ss", env)
    e <- child_env(env)
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
       timeout = isTRUE(res$timeout))
}

impls <- c("this", "cran", if (!is.na(bash_script)) c("bash", "bash-ss"))

# Is `port` free, according to `impl`?  "busy", "free" or what went wrong.
verdict_test <- function(impl, port) {
  r <- run_impl(impl, c(PORT4ME_TEST = port))
  if (impl %in% c("bash", "bash-ss")) {
    if (r$status == 0L) "free" else if (r$status == 1L && !nzchar(r$err)) "busy"
    else paste("error:", r$err)
  } else {
    if (identical(r$out, "TRUE")) "free" else if (identical(r$out, "FALSE")) "busy"
    else paste("error:", r$err)
  }
}

# What did a search do: "error" (with its first line), "timeout", or the
# port it returned.
verdict_search <- function(r, wrong = NULL) {
  if (r$timeout) return(sprintf("still running after %.0f s", r$secs))
  if (r$status != 0L) {
    msg <- strsplit(r$err, "\n", fixed = TRUE)[[1]]
    msg <- msg[nzchar(msg)][1]
    msg <- sub("^Error in .*? : *", "", msg, perl = TRUE)
    msg <- sub("^(Error|ERROR): *", "", msg)
    return(sprintf("error, %.2f s: %s", r$secs, substr(msg, 1, 100)))
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

## Speed of one command-line call (median of 5 runs, wall clock)
row <- "one call from the shell (median of 5, wall clock)"
for (impl in impls) {
  secs <- vapply(1:5, function(i) run_impl(impl, c(PORT4ME_USER = probe_user))$secs, 0)
  add(row, impl, sprintf("%.0f ms", 1000 * stats::median(secs)))
}

## Speed of one call inside R (R implementations only)
row <- "one `port4me()` call inside R (mean of 200 calls)"
for (impl in intersect(impls, c("this", "cran"))) {
  lib <- if (impl == "this") this_lib else cran_lib
  r <- processx::run(rscript, c("-e", paste(
    "f <- port4me::port4me; invisible(f(user = 'x'))",
    "t2 <- system.time(for (i in 1:200) f(user = 'x'))[['elapsed']] / 200",
    "cat(sprintf('%.3f', 1000 * t2))", sep = "; ")),
    env = child_env(c(R_LIBS = lib, R_DEFAULT_PACKAGES = "NULL")))
  add(row, impl, sprintf("%s ms", trimws(r$stdout)))
}
for (impl in setdiff(impls, c("this", "cran"))) add(row, impl, "-")

## Print the table
heads <- c(this = sprintf("this package %s", this_version),
           cran = sprintf("CRAN %s", cran_version),
           bash = if ("bash" %in% impls) sprintf("Bash %s", bash_version),
           "bash-ss" = if ("bash" %in% impls) sprintf("Bash %s (ss)", bash_version))
cat(sprintf("Measured %s on %s, R %s, by `Rscript bench/compare.R`\n\n",
            format(Sys.Date()), utils::sessionInfo()$running,
            paste(R.version$major, R.version$minor, sep = ".")))
cat(sprintf("user `%s`: its code points give port %s, its UTF-8 bytes port %s\n\n",
            user, code_points, bytes_port))
cat("|  |", paste(heads[impls], collapse = " | "), "|\n")
cat("|---|", paste(rep("---", length(impls)), collapse = " | "), "|\n")
for (row in names(results)) {
  cells <- vapply(impls, function(i) gsub("|", "\\|", results[[row]][[i]], fixed = TRUE), "")
  cat("|", row, "|", paste(cells, collapse = " | "), "|\n")
}
