#!/usr/bin/env bash
# The fast first stage for a mutant of src/claims.c (tools/mutate/run.sh):
# tools/ctest/test_claims.c linked with the mutated claims.c, built with
# AddressSanitizer+UBSan (so that a mutant that reads past a buffer dies
# too), with local variables pattern-initialised and, if it passes, again
# zero-initialised (a mutant that deletes an assignment then behaves the
# same on every run, and one of the two values shows the change), and run; as root, test_claims also runs its second-user tests by
# itself.  The parts of `make check-claims` that test no behaviour of this
# platform (valgrind's second look, cppcheck, the mingw build) are left to
# tools/ctest itself; -Werror is dropped, since a warning in a mutant is not
# a test failure.
#
#   ctest-claims.sh prepare TEST_CLAIMS_C SRCDIR OBJ
#       compile test_claims.c once into the object file OBJ
#   ctest-claims.sh run SRCDIR OBJ OUTDIR
#       compile SRCDIR/claims.c, link it with OBJ in OUTDIR, run it
#
# SRCDIR holds claims.c, claims.h and portset.h.  Exit status 0 when every
# check passed; the first failing check is on stdout ("FAIL ...").
set -u
CC=${CC:-gcc}
flags=(-std=c99 -Wall -Wextra -pedantic -g -O1 -fno-omit-frame-pointer
       -ftrivial-auto-var-init=pattern
       -fsanitize=address,undefined -fno-sanitize-recover=all -DP4M_WRAP_IO)
wrap=(-Wl,--wrap=open,--wrap=fstat,--wrap=mkdir,--wrap=nanosleep,--wrap=fcntl,--wrap=openat,--wrap=read,--wrap=unlinkat,--wrap=write,--wrap=close,--wrap=fchmod)
case ${1:-} in
  prepare)
    test_c=$2 src=$3 obj=$4
    "$CC" "${flags[@]}" -I"$src" -c "$test_c" -o "$obj" ;;
  run)
    src=$2 obj=$3 out=$4
    mkdir -p "$out" || exit 2
    chmod 755 "$out"
    "$CC" "${flags[@]}" "${wrap[@]}" -I"$src" "$obj" "$src/claims.c" -o "$out/test_claims" ||
      { echo "make: *** test_claims does not build"; exit 1; }
    (cd "$out" && ./test_claims) || exit 1
    # Passed: once more with locals zero-initialised, so that a mutant that
    # leaves a variable unset is caught whichever of the two values the
    # test needs to see it (a pattern makes an unset flag true, zero false)
    "$CC" "${flags[@]}" -ftrivial-auto-var-init=zero "${wrap[@]}" -I"$src" \
      "$obj" "$src/claims.c" -o "$out/test_claims_zero" ||
      { echo "make: *** test_claims_zero does not build"; exit 1; }
    cd "$out" && ./test_claims_zero ;;
  *) sed -n '11,16p' "$0" >&2; exit 2 ;;
esac
