# The section of ?port4me that lists every difference from the Python and
# Bash implementations that a user can hit. NEWS.md has the same list; the
# package's side of each is tested in tests/testthat/test-upstream-differences.R.

#' @include port4me.R
#' @name port4me
#' @rdname port4me
#' @section Differences from the Python and Bash implementations:
#' The same user and tool get the same ports from this package as from the
#' Python (0.7.0) and Bash (0.7.1) implementations of port4me, except in
#' these cases (examples as command-line options, every port free):
#' * Repeated `prepend` ports are tried once: `--user=alice
#'   --prepend=5000,6000,5000 --skip=2` gives 30845 here, 5000 from Python's
#'   `--prepend` and from Bash. Python's `PORT4ME_PREPEND` drops repeats too;
#'   Bash drops only a repeat right after itself (`5000,5000,6000`).
#' * An empty `PORT4ME_USER` counts as unset: `PORT4ME_USER= USER=alice`
#'   gives 30845 here and from Bash, 5624 (the empty name) from Python.
#'   `--user=` is an error here and in Bash; Python uses its default user.
#' * No trailing comma is removed from `"<user>,<tool>"`: `--user=alice
#'   --tool=,` gives 52381 here (`alice,,`), 30845 from Python (`alice`),
#'   39757 from Bash (`alice,`); `--tool=x,` gives 30292 here, 58081 from
#'   both; `--user=alice,` gives 39757 here and from Bash, 30845 from Python.
#' * The default user is `PORT4ME_USER`, else `USER`, else the account name:
#'   `LOGNAME=bob USER=alice` gives 30845 here and from Bash, 54242 from
#'   Python (which reads `LOGNAME` first); without `USER`, Bash prints an
#'   error and still gives 5624 (the empty name).
#' * `include`, `exclude` and `prepend` arguments are united with the
#'   `_SITE` variables and the unsafe list: `port4me(user = "alice",
#'   exclude = 30845)` with `PORT4ME_EXCLUDE_SITE=19654` gives 32310 here
#'   and from Bash, 19654 from Python (its argument replaces the variables).
#' * No candidate port (`--user=alice --include=30845 --exclude=30845`) is an
#'   error here; Bash gives the excluded 30845, Python searches forever.
#' * Every candidate busy: the search ends after one cycle here; Python gives
#'   up after 65536 tests, Bash after 65535.
#' * A port held on `[::1]` is busy here; Python (IPv4 only) and Bash with
#'   `netstat` (also for `[::]`) may give it.
#' * Non-ASCII names are hashed by code point in every locale:
#'   `port4me(user = "j\u00f6rg")` gives 33893 here and from Python; Bash
#'   gives 33893 in a UTF-8 locale, 37264 (the UTF-8 bytes) in the C locale.
#' * Port specifications that upstream accepts are errors here: `2000-`
#'   (Python: 2000), `5-2` (both: no port), `70000` (Python: accepted).
#' * Not a difference: `list = 0` (`--list=0`, `PORT4ME_LIST=0`) is an
#'   error here, in Python 0.7.0 and in Bash.
#' * Only here: `reserve` claims and the classed errors; not in Python:
#'   `PORT4ME_DEBUG` (`--debug`).
NULL
