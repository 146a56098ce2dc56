#!/usr/bin/env bash
# Mutation testing of port4me's C code (src/*.c); see tools/mutate/README.md.
#
#   tools/mutate/run.sh [--sample N] [--seed S] [--jobs J] [--list]
#                       [--only ID]... [--cover] [--resume] [--no-netns]
#                       [PKGDIR]
#
# Derives the mutants from the current sources (mutants.R), builds the
# package once into a base library, then for each mutant recompiles only the
# mutated file and runs, stopping at the first failure: tools/ctest's
# test_claims for src/claims.c and src/claims-posix.c; the core programs of
# tools/ctest (test_settings, test_cli, test_modes) that link the file; the
# fuzz corpora through the libFuzzer harnesses that link it (tools/fuzz);
# then relinks port4me.so into a copy of the installed package, runs
# tools/ctest's socket tests for src/freeport.c, and the testthat suite
# (suite.R: the files that exercise the file first, then fastest first;
# NOT_CRAN=true; with --cover only the files that execute the mutated line
# in a coverage build).  A mutant that survives the C tests but compiles to
# the same machine code as the original is equivalent, not run further.
# Ends with "mutants: K killed, S survived, E equivalent, B stillborn" and
# exits 1 if a mutant not listed in tools/mutate/equivalent.txt survived
# (2 when the tool itself cannot run).  Never writes to PKGDIR.
set -u
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/../.." && pwd)
sample="" seed="" jobs=1 list=0 netns=1 cover=0 resume=0
only=()
usage() { sed -n '4,6p' "$0" | sed 's/^# *//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --sample) sample=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --only) only+=("--only" "${2:?}"); shift 2 ;;
    --list) list=1; shift ;;
    --cover) cover=1; shift ;;
    --resume) resume=1; shift ;;
    --no-netns) netns=0; shift ;;
    -h|--help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) pkg=$(cd "$1" && pwd) || exit 2; shift ;;
  esac
done
for v in "$sample" "$seed" "$jobs"; do
  case $v in ''|*[!0-9]*) [ -z "$v" ] || { echo "not a whole number: $v" >&2; exit 2; } ;; esac
done
[ "$jobs" -ge 1 ] || { echo "--jobs must be at least 1" >&2; exit 2; }

if [ -n "${MUTATE_OUT:-}" ]; then
  work=$MUTATE_OUT; mkdir -p "$work" || exit 2
elif [ "$resume" = 1 ]; then
  echo "--resume needs MUTATE_OUT, the folder of the run to go on with" >&2; exit 2
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/port4me-mutate.XXXXXX") || exit 2
fi
chmod 755 "$work"  # tools/ctest and a privileged-port test run code as nobody
cleanup() {
  local f
  for f in "$work"/m/*/pgid; do
    [ -f "$f" ] && kill -KILL -- "-$(cat "$f")" 2>/dev/null
  done
  [ -n "${MUTATE_OUT:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export LC_ALL=C.UTF-8 LANG=C.UTF-8
# every test run (baseline and mutants) runs the tests that skip_on_cran()
# would skip, as .ci/run does: a direct run must judge by the same tests
export NOT_CRAN=true
CC=$(R CMD config CC)
CPP="$CC -E -P $(R CMD config --cppflags) -DNDEBUG"

# What the results depend on, besides the tool: the sources, the tests, the
# C tests and the fuzz harnesses and corpora.  --resume goes on only with a
# run of the same.
fingerprint() {
  (cd "$pkg" && find src tests tools/ctest tools/fuzz -type f \
     \( -name '*.[ch]' -o -name '*.R' -o -name '*.sh' -o -name Makefile \
        -o -path '*/corpus/*' -o -path '*/regressions/*' \) -print0 |
     LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}
fp=$(fingerprint)
if [ "$resume" = 1 ]; then
  [ -f "$work/fingerprint" ] && [ -d "$work/results" ] ||
    { echo "--resume: $work holds no run to go on with" >&2; exit 2; }
  [ "$(cat "$work/fingerprint")" = "$fp" ] ||
    { echo "--resume: the sources, tests or fuzz corpora changed since the run in $work" >&2; exit 2; }
  cp "$work/mutants/index.tsv" "$work/index.before" || exit 2
elif [ "$list" = 0 ]; then
  rm -rf "$work/results" "$work/m" "$work/cover" "$work/times"
  echo "$fp" > "$work/fingerprint"
fi

## 1. Derive the mutants
if [ -n "$sample" ] && [ -z "$seed" ]; then seed=$(( $(date +%s) % 1000000 )); fi
args=(--src "$pkg/src" --out "$work/mutants" --cpp "$CPP"
      --equivalent "$here/equivalent.txt" "${only[@]}")
[ -n "$sample" ] && args+=(--sample "$sample" --seed "$seed")
Rscript "$here/mutants.R" "${args[@]}" || exit 2
index=$work/mutants/index.tsv
total=$(cat "$work/mutants/total")
n_sel=$(wc -l < "$index")
n_eq=$(awk -F'\t' '$5 == "equivalent"' "$index" | wc -l)

if [ "$list" = 1 ]; then
  awk -F'\t' '{ split($2, id, ":")
                printf "%s\t%s:%s\t%s%s\n", $2, $3, $4,
                  (id[3] == "stmt_del" ? "deleted: " $6 : $7),
                  ($5 == "equivalent" ? "\t(equivalent)" : "") }' "$index"
  echo "per operator (selected, of them equivalent):"
  awk -F'\t' '{ split($2, id, ":"); n[id[3]]++; if ($5 == "equivalent") e[id[3]]++ }
       END { for (o in n) printf "%s\t%d\t%d\n", o, n[o], e[o] }' "$index" |
    sort -t$'\t' -k2,2nr -k1,1 | awk -F'\t' '{ printf "  %-14s %5d %5d\n", $1, $2, $3 }'
  [ -z "$sample" ] || echo "sample of $n_sel, seed $seed"
  echo "$n_sel of $total mutants ($n_eq listed as equivalent)"
  exit 0
fi
if [ -n "$sample" ]; then
  echo "sample of $n_sel of $total mutants, seed $seed (rerun: tools/mutate/run.sh --sample $sample --seed $seed)"
else
  echo "$n_sel of $total mutants"
fi

n_run=$((n_sel - n_eq))
if [ "$n_run" -eq 0 ]; then
  echo "timeouts: 0 (counted as killed)"
  echo "mutants: 0 killed, 0 survived, $n_eq equivalent, 0 stillborn"
  exit 0
fi

## 2. Build once into a base library; keep the object files
# shellcheck source=../install-copy.sh
. "$here/../install-copy.sh"
mkdir -p "$work/build" "$work/base"
: > "$work/makevars"
echo "=== building the unmutated package"
install_copy "$pkg" "$work/build" "$work/base" "$work/makevars" "$work/install.log" || exit 2
link_cmd=$(grep -E -- "-o port4me\.so " "$work/install.log" | tail -n 1)
[ -n "$link_cmd" ] || { echo "cannot find the link command in the install log" >&2; exit 2; }
compile_cmd() {  # the command R used to compile src/$1
  grep -E -- "-c $1 -o ${1%.c}\.o\$" "$work/install.log" | tail -n 1
}

# Isolation: each run in its own network namespace (as root), so that
# parallel runs, and other users of the machine, cannot take its ports; and
# with its own empty /run (a mount namespace), so that a mutant of the
# claims-folder rule cannot leave a folder in /run/user for every run, and
# test, after it.
iso='ip link set lo up && mount -t tmpfs -o mode=755 tmpfs /run'
if [ "$netns" = 1 ] && [ "$(id -u)" = 0 ] &&
   unshare -n -m sh -c "$iso" 2>/dev/null; then
  isolate=(unshare -n -m sh -c "$iso"' && exec "$@"' sh)
  echo "each test run in its own network namespace, with its own /run"
else
  isolate=()
fi

## 3. Baseline: the unmutated package must pass; time it, order the files
cp -a "$pkg/tests" "$work/tests"
tdir=$work/tests/testthat
mkdir -p "$work/tmp"
if [ "$resume" = 1 ] && [ -f "$work/times" ]; then
  t_suite=$(awk -F'\t' '{ t += $2 } END { printf "%d", t }' "$work/times")
  echo "=== baseline: passed in the run being resumed (the same sources and tests)"
elif [ -n "${MUTATE_TIMES:-}" ]; then
  # a developer's shortcut: the times of an earlier baseline of the same
  # tests (its $MUTATE_OUT/times), whose passing is then taken on trust
  cp "$MUTATE_TIMES" "$work/times" || exit 2
  for t in $(cd "$tdir" && ls test*.R); do   # files new since then: first
    grep -q "^$t	" "$work/times" || sed -i "1i $t	30" "$work/times"
  done
  t_suite=$(awk -F'\t' '{ t += $2 } END { printf "%d", t }' "$work/times")
  echo "=== baseline: not run; times from $MUTATE_TIMES"
else
  echo "=== baseline: the test suite on the unmutated package"
  t0=$(date +%s)
  mkdir -p "$work/home"
  if ! env R_LIBS="$work/base" TMPDIR="$work/tmp" HOME="$work/home" "${isolate[@]}" \
       Rscript "$here/suite.R" baseline "$tdir" "$work/times"; then
    echo "the unmutated package fails its tests: no mutant can be judged" >&2
    exit 2
  fi
  t_suite=$(( $(date +%s) - t0 ))
fi
# The order of the test files: fastest first, except that for a mutant of a
# file below, the test files that exercise that file come first: those
# whose names match the first pattern, then those whose text matches the
# second (fastest first within each).
cut -f1 "$work/times" > "$work/order"
focus() {  # prints "NAMES<TAB>TEXT" (two extended regular expressions)
  case $1 in
    claims.c|claims-posix.c) printf '%s\t%s\n' '^test-claims' 'reserve|release' ;;
    freeport.c) printf '%s\t%s\n' '^test-(free|socket-failures)\.R$' \
                  'hold_port|free_ports|listen_on|sf_run|sf_eval|serverSocket' ;;
    settings.c|value.c|table.c|show.c|spec.c|unsafe.c|error.c)
      printf '%s\t%s\n' '^test-(settings|invalid-input|port-specs)\.R$' '' ;;
    hash.c|portset.c|lcg.c|stream.c)
      printf '%s\t%s\n' '^test-(reference|settings|port-specs)\.R$' '' ;;
    cli.c) printf '%s\t%s\n' '^test-cli\.R$' '' ;;
    report.c) printf '%s\t%s\n' '^test-debug\.R$' '' ;;
    modes.c) printf '%s\t%s\n' '^test-(free|debug)\.R$' 'reserve|release' ;;
    port4me.c|conditions.c)
      printf '%s\t%s\n' '^test-(call-layer|invalid-input)\.R$' '' ;;
  esac
}
for f in $(cut -f3 "$index" | sort -u); do
  names="" text=""
  IFS=$'\t' read -r names text < <(focus "$f")
  [ -n "${names:-}" ] || continue
  {
    grep -E "$names" "$work/order"
    while read -r t; do
      printf '%s\n' "$t" | grep -qE "$names" && continue
      [ -n "$text" ] && grep -qE "$text" "$tdir/$t" && echo "$t"
    done < "$work/order"
  } > "$work/order.$f"
  grep -vxF -f "$work/order.$f" "$work/order" >> "$work/order.$f"
done
timeout_s=${MUTATE_TIMEOUT:-$(( 3 * t_suite + 60 ))}
echo "baseline suite: ${t_suite} s; per-mutant timeout ${timeout_s} s"

# --cover: which test files execute which lines of src/, from a build with
# gcov's counters (-O0, so that a line's count is that line's), each test
# file run alone (its child R processes write their counts too).  A mutant
# is then tested by the files that execute its line: a file that never
# reaches the line runs exactly as on the original code and cannot kill it.
# Leaving a file out can only turn a kill into a survival, never the
# reverse.  A line that gcov does not count (the continuation of a
# statement) goes by the nearest counted line above it (select_files).
#   $work/cover/exec            FILE:LINE of every line gcov counts
#   $work/cover/<test file>     FILE:LINE of the lines that file executes
if [ "$cover" = 1 ] && [ "$resume" = 1 ] && [ -f "$work/cover/exec" ]; then
  echo "=== coverage: from the run being resumed"
elif [ "$cover" = 1 ]; then
  echo "=== coverage: which test files execute which lines"
  t0=$(date +%s)
  cv=$work/cover
  mkdir -p "$cv/build" "$cv/lib" "$cv/home"
  printf 'CFLAGS = -g -O0 --coverage\nLDFLAGS = --coverage\n' > "$cv/makevars"
  install_copy "$pkg" "$cv/build" "$cv/lib" "$cv/makevars" "$cv/install.log" || exit 2
  # (tests run R as nobody too: its counts must be writable by every user,
  # or libgcov complains on the standard error that tests read)
  chmod 777 "$cv/build/src"
  old_umask=$(umask)
  umask 000
  while read -r t; do
    rm -f "$cv/build/src/"*.gcda
    printf '%s\n' "$t" > "$cv/one"
    env R_LIBS="$cv/lib" TMPDIR="$work/tmp" HOME="$cv/home" "${isolate[@]}" \
      Rscript "$here/suite.R" mutant "$tdir" "$cv/one" > "$cv/run.log" 2>&1 ||
      { cat "$cv/run.log"; echo "$t fails in the coverage build" >&2; exit 2; }
    # gcov's text: "COUNT:LINE:source" under a "-:0:Source:FILE" header;
    # COUNT is "-" (no code), "#####" (not run) or a number
    (cd "$cv/build/src" && gcov -t ./*.c 2>/dev/null) |
      awk -F: -v all="$cv/exec.all" '
        { c = $1; gsub(/ /, "", c); l = $2 + 0 }
        l == 0 && $3 == "Source" { f = $4; sub(/^.*\//, "", f); next }
        c == "-" || l == 0 { next }
        { print f ":" l >> all }
        c !~ /^[#=]/ { print f ":" l }' | sort -u > "$cv/$t"
  done < "$work/order"
  umask "$old_umask"
  sort -u "$cv/exec.all" > "$cv/exec"
  echo "coverage of $(wc -l < "$work/order") test files in $(( $(date +%s) - t0 )) s:" \
    "$(sort -u "$cv"/test*.R | wc -l) of $(wc -l < "$cv/exec") counted lines of src/ run"
fi

ct_timeout=0
if awk -F'\t' '$3 == "freeport.c" && $5 == "run"' "$index" | grep -q .; then
  mkdir -p "$work/ct/tools/ctest" "$work/ct/src" "$work/ct/tests/testthat"
  cp "$pkg/tools/ctest/test_freeport.c" "$pkg/tools/ctest/ctest.h" "$work/ct/tools/ctest/"
  # a mutant may compile with a warning; -Werror would call that a kill
  sed 's/ -Werror\b//' "$pkg/tools/ctest/Makefile" > "$work/ct/tools/ctest/Makefile"
  cp "$pkg/src/freeport.h" "$pkg/src/freeport.c" "$pkg/src/portset.h" \
    "$pkg/src/platform.h" "$pkg/src/error.h" "$work/ct/src/"
  cp "$pkg/tests/testthat/socket-shim.c" "$work/ct/tests/testthat/"
  # the socket tests of tools/ctest/run.sh (its claims and settings tests
  # are not about freeport.c)
  cat > "$work/ct/check.sh" <<'CHECK'
cd "$(dirname "$0")/tools/ctest" || exit 2
if [ "$(id -u)" = 0 ]; then
  make -s check-freeport
else
  make -s all && ./test_freeport && ./test_freeport_wrap &&
    ./test_freeport_asan && LD_PRELOAD=./socket-shim.so ./test_freeport --shim
fi
CHECK
  echo "=== baseline: tools/ctest on the unmutated src/freeport.c"
  t0=$(date +%s)
  if ! env TMPDIR="$work/tmp" "${isolate[@]}" bash "$work/ct/check.sh" \
       > "$work/ct.log" 2>&1; then
    cat "$work/ct.log"; echo "tools/ctest fails on the unmutated code" >&2; exit 2
  fi
  t_ct=$(( $(date +%s) - t0 ))
  ct_timeout=${MUTATE_TIMEOUT:-$(( 3 * t_ct + 60 ))}
  echo "baseline tools/ctest: ${t_ct} s; timeout ${ct_timeout} s"
fi

cl_timeout=0
if awk -F'\t' '($3 == "claims.c" || $3 == "claims-posix.c") && $5 == "run"' "$index" | grep -q .; then
  echo "=== baseline: tools/ctest/test_claims on the unmutated claims code"
  t0=$(date +%s)
  if ! { bash "$here/ctest-claims.sh" prepare "$pkg/tools/ctest" \
           "$work/build/src" "$work/cl/obj" &&
         env TMPDIR="$work/tmp" bash "$here/ctest-claims.sh" run \
           "$work/build/src" "$work/cl/obj" "$work/cl/base"; } \
       > "$work/cl.log" 2>&1; then
    cat "$work/cl.log"; echo "test_claims fails on the unmutated code" >&2; exit 2
  fi
  t_cl=$(( $(date +%s) - t0 ))
  cl_timeout=${MUTATE_TIMEOUT:-$(( 3 * t_cl + 30 ))}
  echo "baseline test_claims: ${t_cl} s; timeout ${cl_timeout} s"
fi

# The core programs of tools/ctest (test_settings, test_cli, test_modes),
# each on the src files its Makefile variable names (SETTINGS_SRC, CLI_SRC,
# MODES_SRC): a mutant of a file that one of them links meets it first,
# built from the mutated copy with AddressSanitizer, UBSan and locals
# pattern-initialised (the Makefile's ASAN_FLAGS, without -Werror: a
# warning in a mutant is no test failure).  The unchanged files and the
# tests are compiled once here.
core_progs=()
declare -A core_src=() core_timeout=()
core_mk=$pkg/tools/ctest/Makefile
if [ -f "$core_mk" ]; then
  core_vars=$(printf 'p4m-vars:\n\t@echo "settings $(notdir $(SETTINGS_SRC))"; echo "cli $(notdir $(CLI_SRC))"; echo "modes $(notdir $(MODES_SRC))"; echo "flags $(ASAN_FLAGS)"\n' |
              make -s --no-print-directory -C "$pkg/tools/ctest" -f Makefile -f - p4m-vars) ||
    { echo "cannot read the core sources from $core_mk" >&2; exit 2; }
  read -r -a core_flags < <(printf '%s\n' "$core_vars" | sed -n 's/^flags //p')
  core_flags=(-std=c99 -Wall -Wextra -pedantic -Wstrict-prototypes -g "${core_flags[@]}")
  mutated=" $(awk -F'\t' '$5 == "run" { print $3 }' "$index" | sort -u | tr '\n' ' ')"
  for p in settings cli modes; do
    core_src[$p]=$(printf '%s\n' "$core_vars" | sed -n "s/^$p //p")
    [ -n "${core_src[$p]}" ] && [ -f "$pkg/tools/ctest/test_$p.c" ] ||
      { echo "cannot read the sources of test_$p from $core_mk" >&2; exit 2; }
    for f in ${core_src[$p]}; do
      case $mutated in *" $f "*) core_progs+=("$p"); break ;; esac
    done
  done
fi
# baseline_build DIR CC CFLAGS LDFLAGS MAINDIR NAME SRCS: the program
# DIR/NAME from MAINDIR/NAME.c and the unmutated SRCS (the build's copy),
# their objects kept in DIR/obj for the mutants; CFLAGS and LDFLAGS name
# arrays.  Exits 2 when that fails.
baseline_build() {
  local dir=$1 cc=$2 maindir=$5 name=$6 srcs=$7 f o c objs
  local -n bb_cflags=$3 bb_ldflags=$4
  for f in "$name.c" $srcs; do
    o=$dir/obj/${f%.c}.o
    [ -f "$o" ] && continue
    c=$work/build/src/$f
    [ "$f" = "$name.c" ] && c=$maindir/$f
    "$cc" "${bb_cflags[@]}" -I"$work/build/src" -c "$c" -o "$o" \
      >> "$dir/build.log" 2>&1 || { cat "$dir/build.log"; echo "cannot build $name" >&2; exit 2; }
  done
  objs=("$dir/obj/$name.o")
  for f in $srcs; do objs+=("$dir/obj/${f%.c}.o"); done
  "$cc" "${bb_ldflags[@]}" "${objs[@]}" -lm -o "$dir/$name" >> "$dir/build.log" 2>&1 ||
    { cat "$dir/build.log"; echo "cannot link $name" >&2; exit 2; }
}
if [ "${#core_progs[@]}" -gt 0 ]; then
  echo "=== baseline: tools/ctest's ${core_progs[*]/#/test_} on the unmutated code"
  co=$work/core
  mkdir -p "$co/obj"
  for p in "${core_progs[@]}"; do
    baseline_build "$co" "$CC" core_flags core_flags "$pkg/tools/ctest" "test_$p" \
      "${core_src[$p]}"
    t0=$(date +%s)
    if ! (cd "$co" && env TMPDIR="$work/tmp" "${isolate[@]}" "$co/test_$p") > "$co/run_$p.log" 2>&1; then
      tail -n 30 "$co/run_$p.log"; echo "test_$p fails on the unmutated code" >&2; exit 2
    fi
    secs=$(( $(date +%s) - t0 ))
    core_timeout[$p]=${MUTATE_TIMEOUT:-$(( 3 * secs + 30 ))}
    echo "test_$p: $(tail -n 1 "$co/run_$p.log"); timeout ${core_timeout[$p]} s"
  done
fi

# The fuzz corpora: a mutant of a file that a libFuzzer harness of
# tools/fuzz links (its run.sh says which) meets that harness first, built
# from the mutated copy and run over tools/fuzz/corpus/<target>/ and
# tools/fuzz/regressions/<target>/ once each, no fuzzing.  The unchanged
# objects and the harnesses are compiled once here.
fz_targets=()
declare -A fz_src=() fz_timeout=()
fz_sh=$pkg/tools/fuzz/run.sh
FZ_CC=${CC_FUZZ:-clang}
fz_cflags=(-g -O1 -std=c99 -D_GNU_SOURCE -Wall -Wextra -fno-sanitize-recover=all
           -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined)
fz_ldflags=(-fsanitize=fuzzer,address,undefined)
# (a sanitizer report ends the harness with status 1, not with abort():
# bash would print "Aborted" for every such mutant)
fz_env=(env ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
fz_run_opts=(-runs=1 -timeout=10 -rss_limit_mb=2048)
if [ -f "$fz_sh" ]; then
  # (run.sh's own assignments of targets, core and sources, evaluated
  # with $src standing for the source folder)
  fz_decl=$(sed -n '/^targets=(/,/^)[[:space:]]*$/p' "$fz_sh")
  read -r -a all_t < <(src=SRC; eval "$fz_decl" 2>/dev/null && echo "${targets[@]}")
  while IFS=$'\t' read -r t files; do
    fz_src[$t]=$files
  done < <(src=SRC; eval "$fz_decl" 2>/dev/null &&
           for t in "${targets[@]}"; do
             printf '%s\t%s\n' "$t" "$(echo ${sources[$t]} | sed 's|SRC/||g')"
           done)
  [ "${#all_t[@]}" -gt 0 ] || { echo "cannot read the fuzz targets from $fz_sh" >&2; exit 2; }
  mutated=" $(awk -F'\t' '$5 == "run" { print $3 }' "$index" | sort -u | tr '\n' ' ')"
  for t in "${all_t[@]}"; do
    [ -n "${fz_src[$t]:-}" ] && [ -f "$pkg/tools/fuzz/fuzz_$t.c" ] ||
      { echo "cannot read the sources of fuzz target $t from $fz_sh" >&2; exit 2; }
    for f in ${fz_src[$t]}; do
      case $mutated in *" $f "*) fz_targets+=("$t"); break ;; esac
    done
  done
fi
if [ "${#fz_targets[@]}" -gt 0 ] && ! command -v "$FZ_CC" >/dev/null 2>&1; then
  echo "fuzz replay: SKIPPED, $FZ_CC not found (Debian: clang libclang-rt-14-dev)"
  fz_targets=()
fi
if [ "${#fz_targets[@]}" -gt 0 ]; then
  echo "=== baseline: the fuzz corpora on the unmutated code (${fz_targets[*]})"
  fz=$work/fz
  mkdir -p "$fz/obj"
  for t in "${fz_targets[@]}"; do
    mkdir -p "$fz/in_$t"
    for sub in regressions corpus; do   # (named by their path: none is lost)
      [ -d "$pkg/tools/fuzz/$sub/$t" ] || continue
      (cd "$pkg/tools/fuzz/$sub/$t" && find . -type f ! -name '.*' -print0) |
        while IFS= read -r -d '' f; do
          g=${f#./}; cp "$pkg/tools/fuzz/$sub/$t/$g" "$fz/in_$t/$sub-${g//\//_}"
        done
    done
    baseline_build "$fz" "$FZ_CC" fz_cflags fz_ldflags "$pkg/tools/fuzz" "fuzz_$t" \
      "${fz_src[$t]}"
    inputs=("$fz/in_$t"/*)
    [ -e "${inputs[0]}" ] || { echo "fuzz_$t: no corpus to replay" >&2; exit 2; }
    t0=$(date +%s)
    if ! (cd "$fz" && "${fz_env[@]}" "$fz/fuzz_$t" "${fz_run_opts[@]}" \
            -artifact_prefix="$fz/" "${inputs[@]}") > "$fz/replay_$t.log" 2>&1; then
      tail -n 30 "$fz/replay_$t.log"; echo "fuzz_$t fails its corpus on the unmutated code" >&2; exit 2
    fi
    secs=$(( $(date +%s) - t0 ))
    fz_timeout[$t]=${MUTATE_TIMEOUT:-$(( 3 * secs + 30 ))}
    echo "fuzz_$t: ${#inputs[@]} inputs replayed in ${secs} s; timeout ${fz_timeout[$t]} s"
  done
fi

## 4. The mutants
# run_bounded LIMIT LOG CMD...: run CMD in its own process group, killed
# (with all its children) after LIMIT seconds; returns 124 on timeout.
run_bounded() {
  local limit=$1 log=$2 pid rc; shift 2
  timeout -k 10 "$limit" "$@" > "$log" 2>&1 &
  pid=$!
  echo "$pid" > "$d/pgid"
  wait "$pid"; rc=$?
  kill -KILL -- "-$pid" 2>/dev/null  # anything the tests left behind
  rm -f "$d/pgid"
  [ "$rc" = 137 ] && rc=124
  return "$rc"
}

# run_watched LOG CMD...: run the test suite like run_bounded, and also end
# it when one test file runs over its budget (3 times its baseline time plus
# 30 s): suite.R names the file it is on in $d/progress.
declare -A budget
while IFS=$'\t' read -r f secs; do
  budget[$f]=$(awk -v t="$secs" 'BEGIN { printf "%d", 3 * t + 30 }')
done < "$work/times"
run_watched() {
  local log=$1 pid rc cur="" start=0 now f lim over=0; shift
  timeout -k 10 "$timeout_s" "$@" > "$log" 2>&1 &
  pid=$!
  echo "$pid" > "$d/pgid"
  while :; do
    sleep 1
    state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ] || break
    f=$(cat "$d/progress" 2>/dev/null)
    now=$(date +%s)
    [ "$f" = "$cur" ] || { cur=$f; start=$now; }
    lim=$timeout_s
    [ -z "$cur" ] || lim=${budget[$cur]:-$timeout_s}
    if [ -n "$cur" ] && [ $((now - start)) -gt "$lim" ]; then
      over=1; kill -KILL -- "-$pid" 2>/dev/null; break
    fi
  done
  wait "$pid"; rc=$?
  kill -KILL -- "-$pid" 2>/dev/null
  rm -f "$d/pgid"
  if [ "$over" = 1 ]; then echo "$cur ran over its ${lim} s budget" >> "$log"; return 124; fi
  [ "$rc" = 137 ] && rc=124
  return "$rc"
}

# c_stage LIMIT LOG NAME PATTERN CMD...: a C test of the mutant (in
# run_one): a timeout or a failure sets run_one's status, and its detail to
# NAME and the first line of LOG that matches PATTERN (else the last line).
c_stage() {
  local limit=$1 log=$2 name=$3 pat=$4 rc line; shift 4
  run_bounded "$limit" "$log" "$@"
  rc=$?
  if [ "$rc" = 124 ]; then status=timeout; detail="$name timed out"
  elif [ "$rc" != 0 ]; then
    status=killed
    line=$(grep -m1 -E "$pat" "$log")
    [ -n "$line" ] || line=$(tail -n 1 "$log")
    detail="$name: $(printf '%s' "$line" | cut -c1-150)"
  fi
}

# mutant_build DIR CC CFLAGS LDFLAGS MAIN OUT FILE SRCS LABEL: in run_one,
# compile the mutated FILE once into DIR and link OUT from the object MAIN,
# that object and the unmutated objects of the other SRCS (beside MAIN);
# CFLAGS and LDFLAGS name arrays.  A step that fails makes the mutant
# stillborn (returns 1).
mutant_build() {
  local dir=$1 cc=$2 main=$5 out=$6 file=$7 srcs=$8 label=$9 f objs
  local -n mb_cflags=$3 mb_ldflags=$4
  mkdir -p "$dir"
  if [ ! -f "$dir/${file%.c}.o" ] &&
     ! "$cc" "${mb_cflags[@]}" -I"$d/src" -c "$d/src/$file" \
         -o "$dir/${file%.c}.o" >> "$dir/build.log" 2>&1; then
    status=stillborn; detail="$label: $(grep -m1 error "$dir/build.log")"; return 1
  fi
  objs=("$main")
  for f in $srcs; do
    if [ "$f" = "$file" ]; then objs+=("$dir/${f%.c}.o"); else objs+=("${main%/*}/${f%.c}.o"); fi
  done
  if ! "$cc" "${mb_ldflags[@]}" "${objs[@]}" -lm -o "$out" >> "$dir/build.log" 2>&1; then
    status=stillborn; detail="$label: $(grep -m1 error "$dir/build.log")"; return 1
  fi
}

# fuzz_replay FILE: in run_one, each harness that links FILE, rebuilt with
# the mutated FILE, over its corpus; a failure kills the mutant (a hang is a
# timeout), a mutant that clang cannot compile is stillborn.
fuzz_replay() {
  local file=$1 t inputs
  for t in "${fz_targets[@]}"; do
    case " $(echo ${fz_src[$t]}) " in *" $file "*) ;; *) continue ;; esac
    mutant_build "$d/fz" "$FZ_CC" fz_cflags fz_ldflags "$work/fz/obj/fuzz_$t.o" \
      "$d/fz/fuzz_$t" "$file" "${fz_src[$t]}" "fuzz_$t" || return
    inputs=("$work/fz/in_$t"/*)
    c_stage "${fz_timeout[$t]}" "$d/fz/replay_$t.log" "fuzz_$t replay" \
      'invariant failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' \
      "${fz_env[@]}" "$d/fz/fuzz_$t" "${fz_run_opts[@]}" -artifact_prefix="$d/fz/" "${inputs[@]}"
    if [ "$status" = killed ] && grep -q "ERROR: libFuzzer: timeout" "$d/fz/replay_$t.log"; then
      status=timeout; detail="fuzz_$t replay: an input ran over 10 s"
    fi
    [ "$status" = survived ] || return
  done
}

# core_stage FILE: in run_one, each core program of tools/ctest that links
# FILE, rebuilt with the mutated FILE, run once.
core_stage() {
  local file=$1 p
  for p in "${core_progs[@]}"; do
    case " $(echo ${core_src[$p]}) " in *" $file "*) ;; *) continue ;; esac
    mutant_build "$d/core" "$CC" core_flags core_flags "$work/core/obj/test_$p.o" \
      "$d/core/test_$p" "$file" "${core_src[$p]}" "test_$p" || return
    c_stage "${core_timeout[$p]}" "$d/core/run_$p.log" "test_$p" \
      '^FAIL|runtime error|Sanitizer' \
      env TMPDIR="$d/tmp" "${isolate[@]}" sh -c 'cd "$1" && exec ./"$2"' sh "$d/core" "test_$p"
    [ "$status" = survived ] || return
  done
}

# same_code FILE: in run_one, whether the mutated FILE compiled to the same
# machine code and data as the original (objects compared without their
# debugging information, which holds columns and folder names): nothing can
# tell such a mutant from the package as built (Trivial Compiler
# Equivalence).  Asked after the C tests, whose builds differ (sanitizers,
# -O0/-O1) and may still tell it apart, e.g. by undefined behaviour that
# gcc -O2 assumes away.
same_code() {
  local o=${1%.c}.o
  objcopy --strip-debug "$work/build/src/$o" "$d/base-nodebug.o" &&
    objcopy --strip-debug "$d/src/$o" "$d/mutant-nodebug.o" &&
    cmp -s "$d/base-nodebug.o" "$d/mutant-nodebug.o"
}

# select_files FILE LINE ORDER: with --cover, the test files of ORDER (in
# its order) that execute src/FILE:LINE, or, when gcov does not count that
# line (the continuation of a statement, such as the second half of a
# message), the nearest line above it that gcov counts; all of them when
# there is none.  Sets sel_at to the FILE:LINE it went by.
select_files() {
  local f at
  sel_at=""
  [ "$cover" = 1 ] || { cat "$3"; return; }
  at=$(awk -F: -v f="$1" -v l="$2" '$1 == f && $2 <= l && $2 > best { best = $2 }
         END { if (best) print f ":" best }' "$work/cover/exec")
  [ -n "$at" ] || { cat "$3"; return; }
  sel_at=$at
  while read -r f; do
    grep -qxF "$at" "$work/cover/$f" && printf '%s\n' "$f"
  done < "$3"
}

run_one() {  # run_one N ID FILE LINE: writes $work/results/N
  local n=$1 id=$2 file=$3 line=$4 t0 status detail="" cmd o rc n_all n_sel_t
  d=$work/m/$n
  mkdir -p "$d/src" "$d/lib" "$d/tmp"
  t0=$(date +%s)
  cp "$work/build/src/"*.h "$d/src/"
  cp "$work/mutants/$n/$file" "$d/src/$file"
  for o in "$work/build/src/"*.o; do
    [ "$(basename "$o")" = "${file%.c}.o" ] || ln -s "$o" "$d/src/"
  done
  cmd=$(compile_cmd "$file")
  order=$work/order
  [ -f "$work/order.$file" ] && order=$work/order.$file
  status=survived
  if ! (cd "$d/src" && eval "$cmd") > "$d/build.log" 2>&1; then
    status=stillborn
    detail=$(grep -m1 -E "error" "$d/build.log")
  else
    case $file in
      claims.c|claims-posix.c)
        # the C tests of the claims first: most mutants die there in seconds
        c_stage "$cl_timeout" "$d/cl.log" test_claims \
          '^FAIL|runtime error|Sanitizer|make: \*\*\*' env TMPDIR="$d/tmp" \
          bash "$here/ctest-claims.sh" run "$d/src" "$work/cl/obj" "$d/cl" "$file" ;;
    esac
    # then the core programs of tools/ctest, then the fuzz corpora: fast
    [ "$status" = survived ] && core_stage "$file"
    [ "$status" = survived ] && fuzz_replay "$file"
  fi
  if [ "$status" = survived ] && same_code "$file"; then
    status=equivalent
    detail="the same machine code as the original"
  fi
  if [ "$status" = survived ] &&
     ! (cd "$d/src" && eval "$link_cmd") >> "$d/build.log" 2>&1; then
    status=stillborn
    detail=$(grep -m1 -E "error" "$d/build.log")
  elif [ "$status" = survived ]; then
    cp -a "$work/base/port4me" "$d/lib/"
    cp "$d/src/port4me.so" "$d/lib/port4me/libs/port4me.so"
    if [ "$file" = freeport.c ]; then
      cp -a "$work/ct" "$d/ct"
      cp "$d/src/freeport.c" "$d/ct/src/"
      c_stage "$ct_timeout" "$d/ct.log" tools/ctest \
        '^FAIL|ERROR SUMMARY: [1-9]|runtime error|Sanitizer|\((error|warning)\)|[1-9][0-9]* failed|make: \*\*\*' \
        env TMPDIR="$d/tmp" "${isolate[@]}" bash "$d/ct/check.sh"
    fi
    select_files "$file" "$line" "$order" > "$d/order"
    n_all=$(wc -l < "$order") n_sel_t=$(wc -l < "$d/order")
    if [ "$status" = survived ] && [ "$n_sel_t" = 0 ]; then
      detail="no test file executes src/$sel_at"
    elif [ "$status" = survived ]; then
      [ "$n_sel_t" = "$n_all" ] ||
        detail="ran $n_sel_t of $n_all test files, the others never execute src/$sel_at"
      # (a private HOME: a mutant of the claims-folder rule may write there)
      mkdir -p "$d/home"
      run_watched "$d/suite.log" \
        env R_LIBS="$d/lib" TMPDIR="$d/tmp" HOME="$d/home" MUTATE_PROGRESS="$d/progress" \
        "${isolate[@]}" Rscript "$here/suite.R" mutant "$tdir" "$d/order"
      rc=$?
      if [ "$rc" = 124 ]; then
        status=timeout
        detail=$(grep -m1 "ran over its" "$d/suite.log")
        [ -n "$detail" ] || detail="the test suite ran over ${timeout_s} s"
      elif [ "$rc" != 0 ]; then
        status=killed
        detail=$(grep -m1 "^killed by " "$d/suite.log" | sed 's/^killed by //' | cut -c1-150)
        [ -n "$detail" ] || detail="R failed: $(tail -n 1 "$d/suite.log" | cut -c1-120)"
      fi
    fi
  fi
  local secs=$(( $(date +%s) - t0 ))
  printf '%s\t%s\t%s\t%s\n' "$status" "$secs" "$id" "$detail" > "$work/results/$n"
  printf '[%s/%s] %-45s %-9s %4s s  %s\n' "$n" "$n_sel" "$id" "$status" "$secs" "$detail"
  [ -n "${MUTATE_OUT:-}" ] || rm -rf "$d"
}

mkdir -p "$work/results" "$work/m"
if [ "$resume" = 1 ]; then
  # a result stands for the mutant of the same number and id; one listed
  # in equivalent.txt since then is equivalent; one that did not finish
  # runs again
  awk -F'\t' 'FNR == NR { then[$1] = $2; next } then[$1] == $2 { print $1 }' \
    "$work/index.before" "$index" | sort > "$work/kept"
  (cd "$work/results" && ls | sort | comm -23 - "$work/kept" | xargs -r rm -f)
  for m in "$work"/m/*; do
    [ -d "$m" ] && [ ! -f "$work/results/$(basename "$m")" ] && rm -rf "$m"
  done
  echo "resuming: $(ls "$work/results" | wc -l) of $n_sel mutants have a result"
fi
echo "=== mutants ($jobs at a time)"
while IFS=$'\t' read -r n id file line status _; do
  if [ "$status" = equivalent ]; then
    printf 'equivalent\t0\t%s\t\n' "$id" > "$work/results/$n"
    continue
  fi
  [ -f "$work/results/$n" ] && continue   # (--resume)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run_one "$n" "$id" "$file" "$line" &
done < "$index"
wait

## 5. Summary
count() { cat "$work"/results/* 2>/dev/null | awk -F'\t' -v s="$1" '$1 == s' | wc -l; }
mean() {
  cat "$work"/results/* 2>/dev/null | awk -F'\t' -v s="$1" \
    '$1 == s { t += $2; n++ } END { if (n) printf "%.0f s", t / n; else printf "-" }'
}
k=$(count killed); s=$(count survived); e=$(count equivalent)
b=$(count stillborn); t=$(count timeout)
done_n=$(ls "$work/results" | wc -l)
if [ "$s" -gt 0 ]; then
  echo
  echo "=== survivors (behaviour that no test checks)"
  for r in "$work"/results/*; do
    IFS=$'\t' read -r status secs id _ < "$r"
    [ "$status" = survived ] || continue
    n=$(basename "$r")
    file=$(awk -F'\t' -v n="$n" '$1 == n { print $3 }' "$index")
    echo "--- $id"
    diff -U1 --label "a/src/$file" --label "b/src/$file" \
      "$work/build/src/$file" "$work/mutants/$n/$file" | tail -n +3
  done
fi
echo
echo "time per mutant: killed $(mean killed), survived $(mean survived), stillborn $(mean stillborn), timeout $(mean timeout)"
[ "$done_n" -eq "$n_sel" ] || echo "only $done_n of $n_sel mutants finished"
same=$(cat "$work"/results/* 2>/dev/null |
       awk -F'\t' '$1 == "equivalent" && $4 != ""' | wc -l)
echo "equivalent: $((e - same)) listed in tools/mutate/equivalent.txt, $same the same machine code"
echo "timeouts: $t (counted as killed)"
echo "mutants: $((k + t)) killed, $s survived, $e equivalent, $b stillborn"
[ "$s" -eq 0 ] && [ "$done_n" -eq "$n_sel" ]
