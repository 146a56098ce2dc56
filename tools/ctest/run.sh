#!/usr/bin/env bash
# Build and run the standalone C tests of src/freeport.c in a private,
# world-readable copy (the non-root run executes the binary as nobody).
# As root: `make check` (all runs); otherwise the runs that need no root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/port4me-ctest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/tools/ctest" "$tmp/src" "$tmp/tests/testthat"
cp "$here/Makefile" "$here/test_freeport.c" "$tmp/tools/ctest/"
cp "$top/src/freeport.c" "$top/src/freeport.h" "$top/src/portset.h" "$tmp/src/"
cp "$top/tests/testthat/socket-shim.c" "$tmp/tests/testthat/"
cp "$here/test_settings.c" "$tmp/tools/ctest/"
cp "$top"/src/{settings,hash,spec,portset,unsafe,lcg}.[ch] "$top/src/claims.h" "$tmp/src/"
cd "$tmp/tools/ctest"
if [ "$(id -u)" = 0 ]; then
  make -s check
else
  make -s all && ./test_freeport && ./test_freeport_wrap && ./test_freeport_asan &&
    LD_PRELOAD=./socket-shim.so ./test_freeport --shim
fi
