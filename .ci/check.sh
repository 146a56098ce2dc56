#!/usr/bin/env bash
# R CMD check --as-cran --no-manual of a freshly built tarball (vignettes
# built); fails unless the check ends with exactly "Status: OK", i.e. no
# ERROR, WARNING or NOTE.
#
# Usage: .ci/check.sh [--no-tests] [PKGDIR]
#   (default PKGDIR: the repository holding this script)
# A tarball argument is not checked as is: it may have been built without
# vignettes; the package is built again from the sources.  --no-tests is
# passed on to R CMD check (.ci/run uses it: its testthat stage has just run
# the whole suite on the same R, from the same sources).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
src=$here
check_args=()
if [ "${1:-}" = "--no-tests" ]; then check_args+=(--no-tests); shift; fi
if [ $# -ge 1 ] && [ -d "$1" ]; then
  src=$(cd "$1" && pwd)
elif [ $# -ge 1 ]; then
  echo "check.sh: building from $src (not checking the given $1)"
fi

export _R_CHECK_SYSTEM_CLOCK_=0 _R_CHECK_CRAN_INCOMING_REMOTE_=false \
  _R_CHECK_CRAN_INCOMING_=false
export LC_ALL=${LC_ALL:-C.UTF-8} LANG=${LANG:-C.UTF-8}

# --as-cran warns when qpdf (for checking PDF sizes) is missing
if ! command -v qpdf >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get install -y -qq qpdf || { apt-get update -qq && apt-get install -y -qq qpdf; }) >/dev/null 2>&1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/port4me-check.XXXXXX")
if [ -n "${KEEP_CHECK_DIR:-}" ]; then
  echo "check.sh: keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi

# Build from a clean copy, so that objects in src/ are not packed
mkdir -p "$work/src"
tar -C "$src" --exclude=.git --exclude='*.o' --exclude='*.so' \
  --exclude='*.dll' --exclude=port4me.Rcheck -cf - . | tar -C "$work/src" -xf -
cd "$work" || exit 2
if ! R CMD build src > build.log 2>&1; then
  cat build.log
  echo "check.sh: R CMD build failed"
  exit 1
fi
tarball=$(ls port4me_*.tar.gz)

R CMD check --as-cran --no-manual ${check_args[@]+"${check_args[@]}"} "$tarball" > check.log 2>&1
rc=$?
cat check.log
status=$(grep '^Status:' check.log | tail -n 1)
if [ $rc -ne 0 ] || [ "$status" != "Status: OK" ]; then
  for f in port4me.Rcheck/00install.out port4me.Rcheck/tests/testthat.Rout.fail; do
    if [ -f "$f" ]; then echo "--- $f"; tail -n 60 "$f"; fi
  done
  echo "check.sh: expected 'Status: OK', got '${status:-no status}' (exit $rc)"
  exit 1
fi
echo "check.sh: Status: OK"
