#!/usr/bin/env bash
# The fast first stage for a mutant of src/claims.c or src/claims-posix.c
# (tools/mutate/run.sh): tools/ctest/test_claims.c built as the Makefile's
# test_claims (claims.c + claims-posix.c + claims-win.c + error.c,
# -DP4M_CLAIMS_TESTING and the Makefile's own CLAIMS_WRAP, which wraps the
# system calls that test_claims counts or makes fail), with the mutated
# file in place of the original, and run.  Built with
# AddressSanitizer+UBSan (a mutant that reads past a buffer dies too), with
# local variables pattern-initialised and, if that passes, once more
# zero-initialised (a mutant that leaves a variable unset is caught
# whichever of the two values the test needs to see it: a pattern makes an
# unset flag true, zero false).  As root, test_claims also runs its
# second-user tests by itself, and the pattern build runs once more as
# nobody, as `make check-claims` does (the rules about the user's own
# links and folders read differently when the user is not root).  The parts of `make check-claims` that test
# no behaviour of this platform (valgrind's second look, cppcheck, the
# mingw build) are left to tools/ctest itself; -Werror is dropped, since a
# warning in a mutant is not a test failure.
#
#   ctest-claims.sh prepare CTESTDIR SRCDIR OBJDIR
#       compile CTESTDIR/test_claims.c and the unmutated sources of SRCDIR
#       once into OBJDIR
#   ctest-claims.sh run SRCDIR OBJDIR OUTDIR [FILE]
#       compile SRCDIR/FILE (the mutated one), link it with the objects of
#       OBJDIR in OUTDIR, run it; without FILE, the unmutated build
#
# Exit status 0 when every check passed; the first failing check is on
# stdout ("FAIL ...").
set -u
CC=${CC:-gcc}
srcs=(claims.c claims-posix.c claims-win.c error.c)
flags=(-std=c99 -Wall -Wextra -pedantic -Wstrict-prototypes -g -O1
       -fno-omit-frame-pointer -fsanitize=address,undefined
       -fno-sanitize-recover=all -DP4M_CLAIMS_TESTING)
wrap=()   # CLAIMS_WRAP, read by `prepare` into OBJDIR/wrap
build() {  # build OUT INIT SRCDIR OBJDIR FILE: test_claims with FILE from SRCDIR
  local out=$1 init=$2 src=$3 obj=$4 file=$5 f objs=("$4/test_claims.o")
  for f in "${srcs[@]}"; do
    if [ "$f" = "$file" ]; then
      "$CC" "${flags[@]}" -ftrivial-auto-var-init="$init" -I"$src" \
        "${wrap[@]}" -c "$src/$f" -o "$out.$f.o" || return 1
      objs+=("$out.$f.o")
    else
      objs+=("$obj/${f%.c}.o")
    fi
  done
  "$CC" "${flags[@]}" "${wrap[@]}" "${objs[@]}" -o "$out"
}
as_nobody() {  # as_nobody DIR: as root, DIR/test_claims once more as nobody
  local g=nogroup
  [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 ||
    return 0
  getent group nogroup >/dev/null || g=nobody
  mkdir -p "$1/tmp-nobody" && chmod 1777 "$1/tmp-nobody" || return 1
  echo "as nobody:"
  (cd "$1" && TMPDIR="$1/tmp-nobody" setpriv --reuid=nobody --regid="$g" \
     --clear-groups ./test_claims)
}
case ${1:-} in
  prepare)
    ct=$2 src=$3 obj=$4
    mkdir -p "$obj" || exit 2
    printf 'p4m-wrap:\n\t@echo $(CLAIMS_WRAP)\n' |
      make -s --no-print-directory -C "$ct" -f Makefile -f - p4m-wrap \
        > "$obj/wrap" && read -r -a wrap < "$obj/wrap" &&
      [ "${#wrap[@]}" -gt 0 ] ||
      { echo "cannot read CLAIMS_WRAP from $ct/Makefile" >&2; exit 2; }
    "$CC" "${flags[@]}" "${wrap[@]}" -ftrivial-auto-var-init=pattern \
      -I"$ct" -I"$src" -c "$ct/test_claims.c" -o "$obj/test_claims.o" || exit 1
    for f in "${srcs[@]}"; do
      "$CC" "${flags[@]}" "${wrap[@]}" -ftrivial-auto-var-init=pattern \
        -I"$src" -c "$src/$f" -o "$obj/${f%.c}.o" || exit 1
    done ;;
  run)
    src=$2 obj=$3 out=$4 file=${5:-}
    read -r -a wrap < "$obj/wrap" || exit 2
    mkdir -p "$out" || exit 2
    chmod 755 "$out"
    build "$out/test_claims" pattern "$src" "$obj" "$file" ||
      { echo "make: *** test_claims does not build"; exit 1; }
    (cd "$out" && ./test_claims) || exit 1
    as_nobody "$out" || exit 1
    [ -n "$file" ] || exit 0
    build "$out/test_claims_zero" zero "$src" "$obj" "$file" ||
      { echo "make: *** test_claims_zero does not build"; exit 1; }
    cd "$out" && ./test_claims_zero ;;
  *) sed -n '20,25p' "$0" >&2; exit 2 ;;
esac
