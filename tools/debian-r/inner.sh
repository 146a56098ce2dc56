#!/bin/bash
# tools/debian-r/inner.sh DIR TARBALL -- run by tools/debian-r/run.sh INSIDE the
# Debian 11 root, as root, with NOT_CRAN=true: installs TARBALL with the
# root's R (4.0.4) into DIR/lib, runs the testthat suite of the tarball with
# DIR/testthat-counts.R and the command-line checks below, and writes
# "passed failed skipped" (expectations plus one per check) to DIR/counts.
set -u
dir=$1 tarball=$2
lib=$dir/lib
mkdir -p "$lib" && chmod 755 "$lib"
export R_LIBS=$lib
# R's temporary directories inside DIR, which run.sh removes: processes that
# the tests kill leave theirs behind.  Mode 1777: one test runs R as nobody.
mkdir -p "$dir/tmp" && chmod 1777 "$dir/tmp"
export TMPDIR=$dir/tmp
unset _PORT4ME_CHECK_AVAILABLE_PORTS_
echo "=== oldr: $(R --version | head -n 1)"

if ! R CMD INSTALL --library="$lib" "$tarball" >"$dir/install.log" 2>&1; then
  cat "$dir/install.log"
  echo "=== oldr: R CMD INSTALL FAILED"
  echo "0 1 0" >"$dir/counts"
  exit 1
fi
tar -xzf "$tarball" -C "$dir" || { echo "0 1 0" >"$dir/counts"; exit 1; }
version=$(sed -n 's/^Version: *//p' "$dir/port4me/DESCRIPTION")

echo "=== oldr: testthat"
# (testthat 3.0.1 redraws its progress line with \r whatever the output is:
# keep only the last state of each line)
# (at most 20 minutes: a hang must not eat CI's time)
(cd "$dir" && timeout --kill-after=30 1200 \
   Rscript testthat-counts.R "$dir/counts.testthat" "$dir/port4me/tests/testthat") 2>&1 |
  sed -E 's/.*\r//'
if [ -s "$dir/counts.testthat" ]; then
  read -r passed failed skipped <"$dir/counts.testthat"
else
  passed=0 failed=1 skipped=0
  echo "=== oldr: testthat did not finish"
fi
echo "=== oldr: testthat: $passed passed, $failed failed, $skipped skipped"

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
    echo "ok     cli: $name"
    passed=$((passed + 1))
  else
    echo "FAILED cli: $name"
    echo "       command: $*"
    echo "       want: status $want_status, stdout $(printf %q "$want_out"), stderr ${want_err:-empty}"
    echo "       got:  status $status, stdout $(printf %q "$out"), stderr $(printf %q "$err")"
    failed=$((failed + 1))
  fi
}
# R < 4.2 prints "WARNING: unknown option '--x'" and an empty line on stdout
# for each option after -e that it does not know (before any --args): R's
# output, not the package's, so drop those lines (and only those).
without_r_warnings() {
  local status
  "$@" >"$dir/stdout.raw"; status=$?
  grep -vE "^(WARNING: unknown option '.*')?\$" "$dir/stdout.raw"
  return "$status"
}
any="env _PORT4ME_CHECK_AVAILABLE_PORTS_=any"
nl=$'\n'
echo "=== oldr: build"
# gcc 10 and R 4.0.4's headers (which still define ERROR, LENGTH, ...
# without STRICT_R_HEADERS): the package must compile without a warning
if grep -qiE 'warning:' "$dir/install.log"; then
  echo "FAILED build: R CMD INSTALL printed compiler warnings:"
  grep -iE -A2 'warning:' "$dir/install.log" | sed 's/^/       /'
  failed=$((failed + 1))
else
  echo "ok     build: R CMD INSTALL without compiler warnings"
  passed=$((passed + 1))
fi

echo "=== oldr: command line"
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
  echo "FAILED cli: --args --user=alice (a real free port): got $(printf %q "$port")"
  failed=$((failed + 1))
fi

echo "$passed $failed $skipped" >"$dir/counts"
