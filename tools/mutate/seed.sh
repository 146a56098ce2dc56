#!/usr/bin/env bash
# The seed of the mutant sample that .ci/run draws, derived from the code
# that is mutated, so that two runs on the same sources draw the same
# mutants:
#
#   tools/mutate/seed.sh [PKGDIR]    # prints "SEED<TAB>where it came from"
#
# The first 7 hex digits of a SHA-256 over the names and contents of
# src/*.c and src/*.h (the files the mutants come from; object files left by
# a build do not count), in C-locale order, read as an integer (0 to
# 268435455; R's set.seed() takes it as it is).  A git checkout, a tarball
# and a folder inside another repository's tree give the same seed for the
# same sources; a commit that changes only tests, tools or documents keeps
# the sample, so a survivor it drew is shown killed (or listed as
# equivalent) by the next run rather than replaced by 10 other mutants.
set -u
pkg=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
pkg=$(cd "$pkg" && pwd -P) || exit 2
[ -d "$pkg/src" ] || { echo "seed.sh: no src/ in $pkg" >&2; exit 2; }
hex=$(cd "$pkg" && find src -type f \( -name '*.c' -o -name '*.h' \) -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-7) || exit 2
case $hex in ''|*[!0-9a-f]*) echo "seed.sh: cannot derive a seed in $pkg" >&2; exit 2 ;; esac
printf '%d\t%s\n' "$((16#$hex))" "SHA-256 of src/*.[ch]: $hex"
