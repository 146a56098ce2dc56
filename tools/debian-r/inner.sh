#!/bin/bash
# tools/debian-r/inner.sh DIR TARBALL NAME MODE -- run by tools/debian-r/run.sh
# INSIDE the Debian root, as root, with NOT_CRAN=true; writes "passed failed
# skipped" to DIR/counts (testthat expectations plus one per other check).
#   MODE suite: installs TARBALL with the root's R into DIR/lib (no compiler
#     warning) and runs the tarball's testthat suite with
#     DIR/testthat-counts.R;
#   MODE check: builds the package again from TARBALL's sources with the
#     root's R (vignettes built), runs R CMD check --as-cran --no-manual on
#     it (must end "Status: OK"; the expectations of its test run are
#     counted from testthat's summary line in tests/testthat.Rout), and
#     compiles every C file of src/ with the root's gcc and clang;
# then, in both modes, the command-line checks below against the installed
# package.
set -u
dir=$1 tarball=$2 name=$3 mode=$4
passed=0 failed=0 skipped=0
trap 'echo "$passed $failed $skipped" >"$dir/counts"' EXIT
ok() { echo "ok     $*"; passed=$((passed + 1)); }
bad() { echo "FAILED $*"; failed=$((failed + 1)); }
# R's temporary directories inside DIR, which run.sh removes: processes that
# the tests kill leave theirs behind.  Mode 1777: one test runs R as nobody.
mkdir -p "$dir/tmp" && chmod 1777 "$dir/tmp"
export TMPDIR=$dir/tmp
unset _PORT4ME_CHECK_AVAILABLE_PORTS_
rversion=$(R --version | head -n 1)
echo "=== $name: $rversion"

case $mode in
suite)
  lib=$dir/lib
  mkdir -p "$lib" && chmod 755 "$lib"
  export R_LIBS=$lib
  install_log=$dir/install.log
  if ! R CMD INSTALL --library="$lib" "$tarball" >"$install_log" 2>&1; then
    cat "$install_log"
    bad "build: R CMD INSTALL"
    exit 1
  fi
  tar -xzf "$tarball" -C "$dir" || { bad "unpacking $tarball"; exit 1; }
  pkgsrc=$dir/port4me

  echo "=== $name: testthat"
  # (testthat 3.0.1 redraws its progress line with \r whatever the output is:
  # keep only the last state of each line)
  # (at most 20 minutes: a hang must not eat CI's time)
  (cd "$dir" && timeout --kill-after=30 1200 \
     Rscript testthat-counts.R "$dir/counts.testthat" "$pkgsrc/tests/testthat") 2>&1 |
    sed -E 's/.*\r//'
  rc=${PIPESTATUS[0]}
  if [ -s "$dir/counts.testthat" ]; then
    read -r tp tf ts <"$dir/counts.testthat"
  else
    tp=0 tf=1 ts=0
    why="exit status $rc"
    [ "$rc" -gt 128 ] && why="$why: killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null))"
    [ "$rc" -eq 124 ] && why="$why: stopped after 20 minutes"
    echo "=== $name: testthat did not finish ($why)"
  fi
  ;;
check)
  mkdir -p "$dir/src" "$dir/check" && chmod 755 "$dir/check"
  tar -xzf "$tarball" -C "$dir/src" || { bad "unpacking $tarball"; exit 1; }
  pkgsrc=$dir/src/port4me
  echo "=== $name: R CMD build"
  if (cd "$dir/check" && R CMD build "$pkgsrc" >"$dir/build.log" 2>&1); then
    ok "R CMD build with $rversion (vignettes built)"
  else
    cat "$dir/build.log"
    bad "R CMD build with $rversion"
    exit 1
  fi
  built=$(ls "$dir"/check/port4me_*.tar.gz)
  echo "=== $name: R CMD check --as-cran --no-manual $(basename "$built")"
  # (at most 40 minutes: a hang must not eat CI's time)
  t0=$(date +%s)
  (cd "$dir/check" && timeout --kill-after=30 2400 \
     R CMD check --as-cran --no-manual "$built" >"$dir/check.log" 2>&1)
  rc=$?
  cat "$dir/check.log"
  echo "=== $name: R CMD check took $(( $(date +%s) - t0 )) s"
  rcheck=$dir/check/port4me.Rcheck
  status=$(grep '^Status:' "$dir/check.log" | tail -n 1)
  if [ "$rc" -eq 0 ] && [ "$status" = "Status: OK" ]; then
    ok "R CMD check --as-cran: Status: OK"
  else
    f=$rcheck/00install.out
    [ -f "$f" ] && { echo "--- $f (end)"; tail -n 40 "$f"; }
    # every failure of the test run, not only the check's last 13 lines
    f=$rcheck/tests/testthat.Rout.fail
    if [ -f "$f" ] && grep -q '^══ Failed tests' "$f"; then
      echo "--- $f (the failed tests)"; sed -n '/^══ Failed tests/,$p' "$f" | head -n 400
    elif [ -f "$f" ]; then
      echo "--- $f (end)"; tail -n 80 "$f"
    fi
    bad "R CMD check --as-cran: ${status:-no status} (exit $rc)"
  fi
  # The check ran the whole suite once: testthat's closing summary
  # "[ FAIL n | WARN n | SKIP n | PASS n ]" (warnings count as failures,
  # as in tools/testthat-counts.R)
  tp=0 tf=1 ts=0
  for f in "$rcheck/tests/testthat.Rout" "$rcheck/tests/testthat.Rout.fail"; do
    [ -f "$f" ] || continue
    line=$(grep -E '^\[ FAIL [0-9]+ \| WARN [0-9]+ \| SKIP [0-9]+ \| PASS [0-9]+ \]' "$f" | tail -n 1)
    [ -n "$line" ] || continue
    read -r tf tw ts tp < <(sed -E 's/[^0-9]+/ /g' <<<"$line")
    tf=$((tf + tw))
  done
  [ "$tp$tf$ts" = 010 ] && echo "=== $name: no testthat summary in $rcheck/tests"
  lib=$rcheck           # the package as the check installed it
  install_log=$rcheck/00install.out
  ;;
*) bad "unknown mode '$mode'"; exit 2 ;;
esac
passed=$((passed + tp)); failed=$((failed + tf)); skipped=$((skipped + ts))
echo "=== $name: testthat: $tp passed, $tf failed, $ts skipped"
[ -d "$lib/port4me" ] || { bad "port4me is not installed in $lib"; exit 1; }
export R_LIBS=$lib
version=$(sed -n 's/^Version: *//p' "$pkgsrc/DESCRIPTION")

## Command-line checks, one count each.
## check NAME STATUS STDOUT STDERR -- COMMAND...
##   STDERR: "" = must be empty, "*" = anything, else an extended regex
check() {
  local name=$1 want_status=$2 want_out=$3 want_err=$4; shift 5
  local out err status ok=1
  out=$("$@" 2>"$dir/stderr"); status=$?
  err=$(cat "$dir/stderr")
  [ "$status" = "$want_status" ] || ok=0
  [ "$out" = "$want_out" ] || ok=0
  case $want_err in
    '*') ;;
    '') [ -z "$err" ] || ok=0 ;;
    *) grep -qE -- "$want_err" <<<"$err" || ok=0 ;;
  esac
  if [ "$ok" = 1 ]; then
    ok "cli: $name"
  else
    bad "cli: $name"
    echo "       command: $*"
    echo "       want: status $want_status, stdout $(printf %q "$want_out"), stderr ${want_err:-empty}"
    echo "       got:  status $status, stdout $(printf %q "$out"), stderr $(printf %q "$err")"
  fi
}
# R < 4.2 prints "WARNING: unknown option '--x'" and an empty line on stdout
# for each option after -e that it does not know (before any --args): R's
# output, not the package's, so drop those lines (and only those).
without_r_warnings() {
  local status
  "$@" >"$dir/stdout.raw"; status=$?
  grep -vE "^(WARNING: unknown option '.*'|ARGUMENT '.*' __ignored__)?\$" "$dir/stdout.raw"
  return "$status"
}
any="env _PORT4ME_CHECK_AVAILABLE_PORTS_=any"
nl=$'\n'
echo "=== $name: build"
# the package must compile without a warning with this R's headers and gcc
# (R 4.0.4's headers still define ERROR, LENGTH, ... without STRICT_R_HEADERS)
if grep -qiE 'warning:' "$install_log"; then
  bad "build: R CMD INSTALL printed compiler warnings:"
  grep -iE -A2 'warning:' "$install_log" | sed 's/^/       /'
else
  ok "build: R CMD INSTALL without compiler warnings"
fi

## The C files of src/ with this suite's compilers (check mode), one count
## per file and compiler: the pure C files compiled at the flags below, the
## R-facing ones (R's headers among their dependencies) with -fsyntax-only
## against this R's headers (as -isystem: warnings inside R's headers are R's)
if [ "$mode" = check ]; then
  echo "=== $name: compilers"
  flags="-std=c99 -Wall -Wextra -pedantic -Wstrict-prototypes -Werror"
  rinc=$(Rscript -e 'cat(R.home("include"))')
  mkdir -p "$dir/obj"
  for cc in gcc clang; do
    if ! command -v "$cc" >/dev/null 2>&1; then bad "cc: $cc not found"; continue; fi
    echo "=== $name: $($cc --version | head -n 1): $flags"
    for f in "$pkgsrc"/src/*.c; do
      file=src/$(basename "$f")
      if ! deps=$($cc -std=c99 -M -isystem "$rinc" -I"$pkgsrc/src" "$f" 2>&1); then
        bad "cc: $cc $file (its dependencies cannot be listed)"
        echo "$deps" | sed 's/^/       /'
        continue
      fi
      if tr ' ' '\n' <<<"$deps" | grep -q "^$rinc/"; then
        if out=$($cc $flags -isystem "$rinc" -I"$pkgsrc/src" -fsyntax-only "$f" 2>&1); then
          ok "cc: $cc $file (R-facing, -fsyntax-only)"
        else
          bad "cc: $cc $file (R-facing, -fsyntax-only)"; echo "$out" | sed 's/^/       /'
        fi
      else
        if out=$($cc $flags -O2 -I"$pkgsrc/src" -c "$f" -o "$dir/obj/$cc-$(basename "$f" .c).o" 2>&1); then
          ok "cc: $cc $file"
        else
          bad "cc: $cc $file"; echo "$out" | sed 's/^/       /'
        fi
      fi
    done
  done
fi

echo "=== $name: command line"
check "--args --user=alice --list=3" 0 "30845${nl}19654${nl}32310" "" -- \
  $any Rscript -e port4me::port4me --args --user=alice --list=3
check "--args --user=alice" 0 "30845" "" -- \
  $any Rscript -e port4me::port4me --args --user=alice
check "--args rstudio --user=alice (bare word is the tool)" 0 "22486" "" -- \
  $any Rscript -e port4me::port4me --args rstudio --user=alice
check "--args --user=hrms --list=5 (the generator's fixed point)" 0 \
  "5624${nl}28652${nl}51790${nl}17641${nl}12409" "" -- \
  $any Rscript -e port4me::port4me --args --user=hrms --list=5
check "--no-init-file ... --args --user=alice --exclude=30845,32310" 0 "19654" "" -- \
  $any Rscript --no-init-file -e port4me::port4me --args --user=alice --exclude=30845,32310
check "--args --version" 0 "$version" "" -- \
  Rscript -e port4me::port4me --args --version
check "--args --list=abc is an error, exit 2" 2 "" "Error" -- \
  $any Rscript -e port4me::port4me --args --user=alice --list=abc
check "--args --user=alice rstudio (Rscript puts a 2nd --args before the bare word)" \
  0 "22486" "" -- \
  $any Rscript -e port4me::port4me --args --user=alice rstudio
check "R < 4.2 form without --args: --user=alice --list=3" 0 \
  "30845${nl}19654${nl}32310" "*" -- \
  without_r_warnings $any Rscript -e port4me::port4me --user=alice --list=3
check "R < 4.2 form without --args: --user=alice rstudio" 0 "22486" "*" -- \
  without_r_warnings $any Rscript -e port4me::port4me --user=alice rstudio

## Values with white space, written without --args (issue 21).  R >= 4.2
## hands them over as typed: the same ports as with --args.  R < 4.2's own
## front end splits them at the white space: never another port, always
## exit 2 and a message that says to write --args.
old_r=$(Rscript -e 'cat(getRversion() < "4.2.0")')
split_case() {  # split_case NAME ARG...
  local name=$1 want; shift
  want=$($any Rscript -e port4me::port4me --args "$@" 2>/dev/null)
  if [ "$old_r" = TRUE ]; then
    check "R < 4.2 without --args, a value R splits: $name" 2 "" "--args" -- \
      without_r_warnings $any Rscript -e port4me::port4me "$@"
  else
    check "without --args, a value with white space: $name" 0 "$want" "" -- \
      $any Rscript -e port4me::port4me "$@"
  fi
}
split_case "--user='z&e' --exclude='48217-48231, 22167-23765' --list=10" \
  --user='z&e' --exclude='48217-48231, 22167-23765' --list=10
split_case "--user='a b'" --user='a b' --list=2
split_case "--tool='my app'" --user=alice --tool='my app' --list=2
split_case "--prepend='4321, 4322'" --user=alice --prepend='4321, 4322' --list=3
split_case "--include='2000-2100 3000'" --user=alice --include='2000-2100 3000' --list=2
split_case "--exclude='30845 19654'" --user=alice --exclude='30845 19654' --list=2
split_case "--skip=' 2'" --user=alice --skip=' 2' --list=2
split_case "--list=' 3'" --user=alice --list=' 3'
split_case "--max-tries=' 5'" --user=alice --max-tries=' 5'
split_case "--must-work=' true'" --user=alice --must-work=' true'
split_case "--reserve=' 0'" --user=alice --reserve=' 0'

## --test against a real socket: a free port, then the same port held by
## another R process (serverSocket(), R >= 4.0)
port=$(Rscript -e port4me::port4me --args --user=alice 2>/dev/null)
if [[ $port =~ ^[0-9]+$ ]]; then
  check "--args --test=$port (free)" 0 "" "" -- \
    Rscript -e port4me::port4me --args --test="$port"
  Rscript -e "s <- serverSocket($port); Sys.sleep(60)" >/dev/null 2>&1 &
  holder=$!
  for _ in $(seq 1 50); do   # until the holder listens (at most ~20 s)
    Rscript -e port4me::port4me --args --test="$port" 2>/dev/null
    [ $? = 1 ] && break
    sleep 0.2
  done
  check "--args --test=$port (held by serverSocket)" 1 "" "" -- \
    Rscript -e port4me::port4me --args --test="$port"
  kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
else
  bad "cli: --args --user=alice (a real free port): got $(printf %q "$port")"
fi

[ "$failed" -eq 0 ]
