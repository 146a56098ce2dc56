#!/usr/bin/env bash
# Build and run the standalone C tests of src/freeport.c (the socket test)
# and src/claims.c (port claims) in a private, world-readable copy (the
# root runs also execute the binaries as nobody).
# As root: `make check` and `make check-claims` (all runs); otherwise the
# runs that need no root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/port4me-ctest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/tools/ctest" "$tmp/src" "$tmp/tests/testthat"
cp "$here/Makefile" "$here/ctest.h" "$here/test_freeport.c" \
  "$here/test_claims.c" "$tmp/tools/ctest/"
cp "$top/src/freeport.c" "$top/src/freeport.h" "$top/src/portset.h" "$tmp/src/"
cp "$top"/src/claims*.[ch] "$top"/src/error.[ch] "$top/src/platform.h" "$tmp/src/"
cp "$top/tests/testthat/socket-shim.c" "$tmp/tests/testthat/"
# (the core tests: every pure C file of src/ and the shared harness)
cp "$here/ctest.h" "$here/test_settings.c" "$here/test_cli.c" \
  "$here/test_modes.c" "$tmp/tools/ctest/"
cp "$top"/src/*.[ch] "$tmp/src/"
cd "$tmp/tools/ctest"
if [ "$(id -u)" = 0 ]; then
  make -s check
  # check-claims runs the mingw build of test_claims under wine: in the
  # Wine prefix that tools/windows/run.sh keeps, not in a new one
  export WINEPREFIX="${P4M_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/port4me/wine64}"
  mkdir -p "$(dirname "$WINEPREFIX")"
  make -s check-claims
else
  make -s all && ./test_freeport && ./test_freeport_wrap && ./test_freeport_asan &&
    LD_PRELOAD=./socket-shim.so ./test_freeport --shim
  make -s test_claims test_claims_asan && ./test_claims && ./test_claims_asan
  for t in settings cli modes; do
    make -s "test_$t" "test_${t}_asan" && "./test_$t" && "./test_${t}_asan"
  done
fi
