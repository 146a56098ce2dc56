# The same port in every locale (SPEC section 1): names are hashed by their
# Unicode code points, whether they come as an argument, an option or a
# variable, in a UTF-8 session, in the C/POSIX locale (bytes read as UTF-8)
# and in a latin-1 session (bytes read as latin-1).  Reference values from
# the Python implementation.

ref_names <- list(
  list(name = "bj\u00f8rn", ports = "63143 17135"),
  list(name = "\u00e9", ports = "17549 5509")
)

# A latin-1 locale made with localedef into a temporary folder (used through
# LOCPATH), or NULL.  (localedef leaves an empty folder behind when it
# fails, e.g. without the locale sources of Debian's `locales` package: only
# a compiled LC_CTYPE counts.)
latin1_locale <- function() {
  if (Sys.which("localedef") == "") return(NULL)
  dir <- file.path(tempdir(), "p4m-locales")
  made <- function() file.exists(file.path(dir, "en_US.ISO-8859-1", "LC_CTYPE"))
  if (!made()) {
    dir.create(dir, showWarnings = FALSE)
    res <- processx::run("localedef", c("-i", "en_US", "-f", "ISO-8859-1",
                                        file.path(dir, "en_US.ISO-8859-1")),
                         error_on_status = FALSE)
    if (!made()) return(NULL)
  }
  dir
}

# Why locale `lc` cannot be used by the children of run_in_locale() (bash
# and Rscript), or NULL when it can: set in bash and in R without a word on
# stderr ("setlocale: LC_ALL: cannot change locale", "Setting LC_CTYPE
# failed"), and, when `codeset` is "UTF-8" or "Latin-1", R's l10n_info()
# saying so.
locale_problem <- function(lc, codeset = NULL, locpath = NULL) {
  env <- cli_child_env(c(LC_ALL = lc, LANG = lc, LANGUAGE = NA,
                         LOCPATH = if (is.null(locpath)) NA else locpath))
  script <- sprintf(
    "%s -e 'i <- l10n_info(); cat(isTRUE(i[[\"UTF-8\"]]), isTRUE(i[[\"Latin-1\"]]))'",
    shQuote(rscript_bin()))
  res <- processx::run("bash", c("-c", script), env = env,
                       error_on_status = FALSE)
  err <- trimws(res$stderr)
  if (res$status != 0 || nzchar(err)) {
    first <- strsplit(err, "\n", fixed = TRUE)[[1]][1]  # the rest repeats it
    return(sprintf("locale %s cannot be set: %s", lc,
                   if (nzchar(err)) first else paste("exit status", res$status)))
  }
  got <- strsplit(trimws(res$stdout), " ", fixed = TRUE)[[1]]
  want <- c("UTF-8" = "TRUE FALSE", "Latin-1" = "FALSE TRUE")
  if (!is.null(codeset) && !identical(paste(got, collapse = " "),
                                      want[[codeset]])) {
    return(sprintf("locale %s is not %s in R (l10n_info: UTF-8 %s, Latin-1 %s)",
                   lc, codeset, got[1], got[2]))
  }
  NULL
}

# Skip the test unless locale `lc` works (see locale_problem()).
skip_unless_locale <- function(lc, codeset = NULL, locpath = NULL) {
  problem <- locale_problem(lc, codeset, locpath)
  skip_if(!is.null(problem), problem)
}

# Bytes of a name in an encoding, as \xHH escapes for bash's printf.
printf_bytes <- function(name, encoding) {
  bytes <- charToRaw(iconv(name, "UTF-8", encoding))
  paste0("\\x", as.character(bytes), collapse = "")
}

# Run the command line and the function in a child in locale `lc`, with a
# name given as bytes in `encoding`; one line "label: output status" each.
run_in_locale <- function(lc, encoding, locpath = NULL, name) {
  bytes <- printf_bytes(name, encoding)
  rscript <- shQuote(rscript_bin())
  fun <- sprintf(paste0(
    "cat(tryCatch(paste(port4me::port4me(user = rawToChar(as.raw(c(%s))), ",
    "list = 2), collapse = ' '), port4me_invalid = function(e) ",
    "paste('invalid', e$source)))"),
    paste0("0x", as.character(charToRaw(iconv(name, "UTF-8", encoding))),
           collapse = ", "))
  script <- paste(
    sprintf("n=$(printf '%s')", bytes),
    # (R < 4.2 warns on stdout about options not behind --args: dropped)
    "t=$(mktemp)",
    "run() { label=$1; shift; \"$@\" >\"$t\" 2>\"$t.err\"; st=$?; out=$(grep -vE \"^(WARNING: unknown option .*)?$\" \"$t\"; cat \"$t.err\"); echo \"$label:\" $out $st; }",
    sprintf("run option %s -e port4me::port4me --user=\"$n\" --list=2", rscript),
    sprintf("run args %s -e port4me::port4me --args --user=\"$n\" --list=2", rscript),
    sprintf("run tool %s -e port4me::port4me --user=alice --tool=\"$n\" --list=2", rscript),
    sprintf("PORT4ME_USER=\"$n\" run variable %s -e port4me::port4me --list=2", rscript),
    sprintf("run function %s -e %s", rscript, shQuote(fun)),
    "rm -f \"$t\" \"$t.err\"",
    sep = "\n")
  env <- cli_child_env(c(LC_ALL = lc, LANG = lc, LANGUAGE = NA,
                         "_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any",
                         LOCPATH = if (is.null(locpath)) NA else locpath))
  res <- processx::run("bash", c("-c", script), env = env,
                       error_on_status = FALSE)
  lines <- strsplit(res$stdout, "\n", fixed = TRUE)[[1]]
  stats::setNames(sub("^[a-z]+: ", "", lines), sub(":.*$", "", lines))
}

locales <- list(
  list(lc = "C", encoding = "UTF-8"),
  list(lc = "POSIX", encoding = "UTF-8"),
  list(lc = "C.UTF-8", encoding = "UTF-8", codeset = "UTF-8"),
  list(lc = "en_US.ISO-8859-1", encoding = "latin1", codeset = "Latin-1",
       latin1 = TRUE)
)

for (loc in locales) {
  test_that(sprintf("names give the same ports in the %s locale", loc$lc), {
    skip_on_os("windows")
    skip_if_not_installed("processx")
    skip_if(Sys.which("bash") == "", "no bash")
    locpath <- NULL
    if (isTRUE(loc$latin1)) {
      locpath <- latin1_locale()
      skip_if(is.null(locpath), "localedef cannot make a latin-1 locale")
    }
    skip_unless_locale(loc$lc, loc$codeset, locpath)
    for (r in ref_names) {
      got <- run_in_locale(loc$lc, loc$encoding, locpath, r$name)
      info <- paste(loc$lc, r$name, paste(names(got), got, collapse = "; "))
      expect_identical(unname(got[["option"]]), paste(r$ports, 0), info = info)
      expect_identical(unname(got[["args"]]), paste(r$ports, 0), info = info)
      expect_identical(unname(got[["variable"]]), paste(r$ports, 0),
                       info = info)
      expect_identical(unname(got[["function"]]), paste(r$ports, 0),
                       info = info)
      tool <- paste(port4me(r$name, user = "alice", list = 2), collapse = " ")
      expect_identical(unname(got[["tool"]]), paste(tool, 0), info = info)
    }
  })
}

# latin-1 bytes are not UTF-8: an error in UTF-8 sessions and in the C
# locale, for the option, the variable and the argument alike
for (lc in c("C.UTF-8", "C")) {
  test_that(sprintf("text that cannot be decoded is an error naming its source (%s)", lc), {
    skip_on_os("windows")
    skip_if_not_installed("processx")
    skip_if(Sys.which("bash") == "", "no bash")
    skip_unless_locale(lc, if (lc == "C.UTF-8") "UTF-8")
    got <- run_in_locale(lc, "latin1", NULL, "bj\u00f8rn")
    info <- paste(lc, paste(names(got), got, collapse = "; "))
    bad <- "not \"bj\\\\xf8rn\": not valid UTF-8 \\(byte 0xF8 at position 3\\)"
    expect_match(got[["option"]], paste0(
      "^Error: --user must be a non-empty string of text, ", bad, ".* 2$"),
      info = info)
    expect_match(got[["args"]], paste0(
      "^Error: --user must be a non-empty string of text, ", bad, ".* 2$"),
      info = info)
    expect_match(got[["tool"]], paste0(
      "^Error: --tool must be a string of text, ", bad, ".* 2$"), info = info)
    expect_match(got[["variable"]], paste0(
      "^Error: PORT4ME_USER must be a non-empty string of text, ", bad,
      ".* 2$"), info = info)
    expect_identical(unname(got[["function"]]), "invalid user 0", info = info)
  })
}
