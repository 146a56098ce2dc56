#!/usr/bin/env bash
# Run port4me's testthat suite under valgrind memcheck (R -d valgrind) and
# fail on any memcheck error in the package's code.
#
#   tools/valgrind.sh [PKGDIR]             # default: the directory above tools/
#   VG_FILTER=bad-input tools/valgrind.sh  # only test files matching a regex
#
# The package is built (-g -O0, from a copy) into a private library.  R itself
# leaks at exit, so leak checking is off; memcheck errors (invalid reads and
# writes, uninitialised values, bad frees) make valgrind exit with status 42.
# Child R processes (callr) are not run under valgrind.  Errors whose stack
# lies wholly inside R or system libraries are also counted; a report names
# the frames, so one in port4me shows "port4me.so" in it.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/install-copy.sh"
pkg=$(cd "${1:-$here/..}" && pwd)
out=${VG_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/port4me-vg.XXXXXX")}
lib="$out/lib"
build="$out/src"
mkdir -p "$lib" "$build"
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not found" >&2; exit 2; }

cat >"$out/Makevars" <<'EOF'
CFLAGS = -g -O0 -Wall
EOF
echo "== building with -g -O0"
install_copy "$pkg" "$build" "$lib" "$out/Makevars" "$out/install.log" || exit 1
echo "== running the tests under valgrind (log: $out/test.log)"
start=$(date +%s)
R_LIBS="$lib${R_LIBS:+:$R_LIBS}" NOT_CRAN=true \
  R --vanilla --quiet \
    -d "valgrind --tool=memcheck --error-exitcode=42 --leak-check=no --track-origins=yes --num-callers=30 --log-file=$out/valgrind.%p.log" \
    -e "options(testthat.progress.max_fails = 100000)
        res <- testthat::test_dir('$build/tests/testthat', package = 'port4me',
                                  load_package = 'installed',
                                  filter = if (nzchar('$filter')) '$filter',
                                  reporter = testthat::SummaryReporter\$new(),
                                  stop_on_failure = FALSE)
        df <- as.data.frame(res)
        cat(sprintf('testthat under valgrind: %d passed, %d failed, %d skipped\n',
                    sum(df\$passed), sum(df\$failed) + sum(df\$error),
                    sum(df\$skipped)))
        if (sum(df\$failed) + sum(df\$error) > 0) quit(status = 1)" \
  >"$out/test.log" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
tail -n 15 "$out/test.log"
echo "   took ${took}s, exit status $rc"

errors=$(grep -h "ERROR SUMMARY" "$out"/valgrind.*.log | sort | uniq -c)
echo "   valgrind: $errors"
if grep -q "ERROR SUMMARY: [1-9]" "$out"/valgrind.*.log; then
  echo "== VALGRIND ERRORS" >&2
  grep -h -B2 -A30 "^==[0-9]*== [A-Z].*\(Invalid\|uninitialised\|Mismatched\|free\)" \
    "$out"/valgrind.*.log | head -n 200 >&2
  exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "== tests failed (exit status $rc)" >&2
  exit 1
fi
echo "== clean: no memcheck error, all tests passed"
