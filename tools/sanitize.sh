#!/usr/bin/env bash
# Build port4me with AddressSanitizer + UndefinedBehaviorSanitizer into a
# private library and run its testthat suite; fail on any test failure or
# sanitizer report.
#
#   tools/sanitize.sh [PKGDIR]         # default: the directory above tools/
#   SAN_CC=clang tools/sanitize.sh     # gcc (default) or clang
#
# R itself is not instrumented: the sanitizer runtime is put first with
# LD_PRELOAD, and leak detection is off because R does not free everything
# at exit.  Child R processes started by the tests inherit LD_PRELOAD and
# ASAN_OPTIONS, so they run the instrumented package too; every process
# writes its reports to $OUT/asan.* and $OUT/ubsan.*, which are checked too.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/install-copy.sh"
pkg=$(cd "${1:-$here/..}" && pwd)
cc=${SAN_CC:-gcc}
out=${SAN_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/port4me-san.XXXXXX")}
[ -n "${SAN_OUT:-}" ] || trap 'rm -rf "$out"' EXIT
# world-readable, so that the tests that run R as nobody can load the
# instrumented package from here (they skip otherwise)
chmod 755 "$out"
lib="$out/lib"
build="$out/src"
mkdir -p "$lib" "$build"

case "$cc" in
  gcc*)
    runtime="$("$cc" -print-file-name=libasan.so) $("$cc" -print-file-name=libubsan.so)"
    ldextra="" ;;
  clang*)
    # clang's shared runtime holds both sanitizers
    runtime=$("$cc" -print-file-name=libclang_rt.asan-x86_64.so)
    ldextra="-shared-libasan" ;;
  *) echo "sanitize.sh: SAN_CC must be gcc or clang" >&2; exit 2 ;;
esac
for f in $runtime; do
  [ -f "$f" ] || { echo "sanitize.sh: sanitizer runtime $f not found" >&2; exit 2; }
done

flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
cat >"$out/Makevars" <<EOF
CC = $cc $flags $ldextra
CFLAGS = -g -O1 -Wall
LDFLAGS = $flags $ldextra
EOF

echo "== building with $cc $flags"
install_copy "$pkg" "$build" "$lib" "$out/Makevars" "$out/install.log" || exit 1
grep -E -- "-fsanitize" "$out/install.log" | head -n 3

echo "== running the tests (log: $out/test.log)"
start=$(date +%s)
LD_PRELOAD="$runtime" \
ASAN_OPTIONS="detect_leaks=0:log_path=$out/asan:log_exe_name=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$out/ubsan" \
R_LIBS="$lib${R_LIBS:+:$R_LIBS}" NOT_CRAN=true \
  Rscript "$here/testthat-counts.R" "$out/counts" "$build/tests/testthat" \
  >"$out/test.log" 2>&1
rc=$?
echo "   took $(( $(date +%s) - start ))s, R exit status $rc"
tail -n 25 "$out/test.log"
if [ "$rc" -eq 0 ] && [ -s "$out/counts" ]; then
  read -r tp tf ts <"$out/counts"
  [ "$tf" -eq 0 ] || rc=1
else
  tp=0 tf=1 ts=0
  rc=1
fi
summary="sanitize: $tp passed, $tf failed, $ts skipped"

reports=$(cat "$out"/asan.* "$out"/ubsan.* 2>/dev/null;
          grep -E "runtime error|ERROR: AddressSanitizer|SUMMARY: (Address|UndefinedBehavior)Sanitizer" "$out/test.log")
if [ -n "$reports" ]; then
  echo "== SANITIZER REPORTS" >&2
  printf '%s\n' "$reports" | head -n 200 >&2
  echo "$summary"
  exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "== tests failed (exit status $rc)" >&2
  echo "$summary"
  exit 1
fi
echo "== clean: no sanitizer report, all tests passed"
echo "$summary"
