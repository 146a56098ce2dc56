#!/usr/bin/env bash
# Windows, as far as a Linux machine can go (issue 9, item 5):
#  1. cross-compile every C file in src/ with MinGW-w64
#     (x86_64-w64-mingw32-gcc -std=c99 -Wall -Wextra -pedantic -Werror);
#     the files that include R's headers are checked against them with
#     -fsyntax-only (R's own headers as -isystem: their warnings are R's);
#  2. build tools/windows/test_freeport_win.c (which #includes src/freeport.c,
#     with fault-injecting Winsock fakes) for Windows and run it under Wine
#     (wine64): a free port is free, ports held on 0.0.0.0, 127.0.0.1, [::],
#     [::1] are in use with WSAEADDRINUSE, texts carry the WSA code, no
#     handle leaks, Winsock failures classified as SPEC section 5 says.
# Installs gcc-mingw-w64-x86-64 and wine64 with apt when they are missing.
# Wine runs Winsock on Linux sockets: this proves the Winsock calls, not
# Windows' bind rules (those are written down in src/freeport.c).
#
# Usage: tools/windows/run.sh [PKGDIR]      (default: the directory above tools/)
# The Wine prefix is kept in ${P4M_WINEPREFIX:-~/.cache/port4me/wine64}
# (outside the clone; created on first use, about 10 s).
# Last line: "windows: N passed, N failed"; exit status 0 only if none failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "${1:-$here/../..}" && pwd)
passed=0 failed=0
t_start=$(date +%s)

pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() {
  echo "windows: total $(( $(date +%s) - t_start )) s"
  echo "windows: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

find_wine() {
  local w
  for w in "$(command -v wine64 2>/dev/null)" /usr/lib/wine/wine64 \
           /usr/lib/x86_64-linux-gnu/wine/wine64 "$(command -v wine 2>/dev/null)"; do
    if [ -n "$w" ] && [ -x "$w" ]; then echo "$w"; return 0; fi
  done
  return 1
}

## 1. Tools
t0=$(date +%s)
CC=x86_64-w64-mingw32-gcc
missing=""
command -v "$CC" >/dev/null 2>&1 || missing="$missing gcc-mingw-w64-x86-64"
find_wine >/dev/null || missing="$missing wine64"
if [ -n "$missing" ]; then
  echo "=== installing:$missing"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! { $sudo apt-get update -qq &&
         $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; }; then
    fail "could not install:$missing"
    finish
  fi
fi
if ! command -v "$CC" >/dev/null 2>&1; then fail "$CC not found"; finish; fi
WINE=$(find_wine) || { fail "wine64 not found"; finish; }
echo "=== tools: $($CC --version | head -1); $("$WINE" --version 2>/dev/null) ($(( $(date +%s) - t0 )) s)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/port4me-windows.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
CFLAGS="-std=c99 -Wall -Wextra -pedantic -Werror"

## 2. Cross-compile every C file of src/
t0=$(date +%s)
rinc=""
if command -v R >/dev/null 2>&1 && [ -f "$(R RHOME)/include/R.h" ]; then
  rinc="$(R RHOME)/include"
elif [ -f /usr/share/R/include/R.h ]; then
  rinc=/usr/share/R/include
fi
echo "=== cross-compiling src/*.c (R headers: ${rinc:-not found})"
for f in "$top"/src/*.c; do
  name=src/$(basename "$f")
  # R-facing: R's headers are among its dependencies (directly or through
  # a header of the package); the others must compile without them
  rfacing=0
  if [ -n "$rinc" ] &&
     $CC -std=c99 -M -isystem "$rinc" -I"$top/src" "$f" 2>/dev/null | tr ' ' '\n' |
       grep -q "^$rinc/"; then
    rfacing=1
  elif [ -z "$rinc" ] && grep -Eq '#[[:space:]]*include[[:space:]]*<(R|Rinternals)\.h>' "$f"; then
    rfacing=1
  fi
  if [ "$rfacing" = 1 ]; then
    if [ -z "$rinc" ]; then fail "$name: R's headers not found"; continue; fi
    if out=$($CC $CFLAGS -isystem "$rinc" -I"$top/src" -fsyntax-only "$f" 2>&1); then
      pass "$name (R-facing, -fsyntax-only)"
    else
      fail "$name (R-facing, -fsyntax-only)"; echo "$out"
    fi
  else
    if out=$($CC $CFLAGS -I"$top/src" -c "$f" -o "$tmp/$(basename "$f" .c).o" 2>&1); then
      pass "$name"
    else
      fail "$name"; echo "$out"
    fi
  fi
done
echo "=== cross-compiling: $(( $(date +%s) - t0 )) s"

## 3. The socket test under Wine
t0=$(date +%s)
exe="$tmp/test_freeport_win.exe"
if out=$($CC $CFLAGS -O2 -I"$top/src" "$here/test_freeport_win.c" \
           -lws2_32 -o "$exe" 2>&1); then
  pass "build test_freeport_win.exe"
else
  fail "build test_freeport_win.exe"; echo "$out"; finish
fi
export WINEPREFIX="${P4M_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/port4me/wine64}"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="   # no Mono/Gecko prompts
mkdir -p "$(dirname "$WINEPREFIX")"
echo "=== running under $WINE (WINEPREFIX=$WINEPREFIX)"
timeout 300 "$WINE" "$exe" >"$tmp/wine.out" 2>"$tmp/wine.err"
rc=$?
grep -v '^wine: \(created\|configuration\|failed to open L"C:\\\\windows\\\\syswow64\)' \
  "$tmp/wine.err" >&2 || true
cat "$tmp/wine.out" | tr -d '\r'
line=$(tr -d '\r' <"$tmp/wine.out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
if [ -n "$line" ]; then
  set -- $line
  passed=$((passed + $1)); failed=$((failed + $3))
  [ "$rc" -eq 0 ] || [ "$3" -ne 0 ] || fail "test_freeport_win.exe exit status $rc"
else
  fail "test_freeport_win.exe did not finish (exit status $rc)"
fi
# let this prefix's wineserver exit on its own (it lingers a few seconds)
ws=$(command -v wineserver 2>/dev/null || true)
[ -n "$ws" ] && timeout 30 "$ws" -w 2>/dev/null
echo "=== Wine: $(( $(date +%s) - t0 )) s"
finish
