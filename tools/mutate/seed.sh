#!/usr/bin/env bash
# The seed of the mutant sample that .ci/run draws, derived from the code it
# tests, so that two runs on the same commit draw the same mutants:
#
#   tools/mutate/seed.sh [PKGDIR]    # prints "SEED<TAB>where it came from"
#
# In a git checkout: the first 7 hex digits of `git rev-parse HEAD` read as
# an integer (0 to 268435455; R's set.seed() takes it as it is).  Without
# git (a tarball, or a folder inside another repository's tree): the first
# 7 hex digits of a SHA-256 over the names and contents of src/*.c and
# src/*.h (the files the mutants come from; object files left by a build
# do not count), in C-locale order: the same sources give the same seed.
set -u
pkg=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
pkg=$(cd "$pkg" && pwd -P) || exit 2
# (the checkout's own commit: not that of a repository it merely lies in)
if [ "$(git -C "$pkg" rev-parse --show-toplevel 2>/dev/null)" = "$pkg" ] &&
   head=$(git -C "$pkg" rev-parse --verify -q HEAD) && [ -n "$head" ]; then
  hex=${head:0:7} from="commit $hex"
else
  hex=$(cd "$pkg" && find src -type f \( -name '*.c' -o -name '*.h' \) -print0 | LC_ALL=C sort -z |
        xargs -0 sha256sum | sha256sum | cut -c1-7) || exit 2
  from="SHA-256 of src/ $hex"
fi
case $hex in ''|*[!0-9a-f]*) echo "seed.sh: cannot derive a seed in $pkg" >&2; exit 2 ;; esac
printf '%d\t%s\n' "$((16#$hex))" "$from"
