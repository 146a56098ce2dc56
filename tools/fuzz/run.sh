#!/usr/bin/env bash
# Build the libFuzzer harnesses from the package's pure C files (no R) with
# AddressSanitizer and UndefinedBehaviorSanitizer, replay the committed
# regression inputs, then fuzz each target for a bounded time.
#
#   tools/fuzz/run.sh [SECONDS]      # total fuzzing time, default 60
#
# Exits non-zero when a build fails, a regression input fails, or a fuzzer
# finds a crash, a sanitizer report or a broken invariant.  Crashing inputs
# are left in $FUZZ_OUT/artifacts (printed at the end): copy each into
# tools/fuzz/regressions/<target>/ so that it is replayed from then on (and
# add a testthat case when the input can reach R).
#
# Needs clang with libFuzzer (Debian: clang, libclang-rt-<N>-dev).
set -euo pipefail

seconds=${1:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../../src" && pwd)
CC=${CC_FUZZ:-clang}
out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/port4me-fuzz.XXXXXX")}
mkdir -p "$out/artifacts"

if ! command -v "$CC" >/dev/null 2>&1; then
  echo "run.sh: $CC not found (apt-get install clang libclang-rt-dev)" >&2
  exit 2
fi

# (each target with the src files it links; value.c, table.c and error.c
# hold the parsers, the settings table and the error value)
targets=(spec stream claims settings cli)
core="$src/value.c $src/show.c $src/table.c $src/unsafe.c $src/hash.c
  $src/error.c"
declare -A sources=(
  [spec]="$src/spec.c $src/show.c $src/unsafe.c"
  [stream]="$src/stream.c $src/portset.c $src/lcg.c $src/hash.c"
  [claims]="$src/claims.c $src/claims-posix.c $src/error.c"
  [settings]="$src/settings.c $src/spec.c $src/portset.c $core"
  [cli]="$src/cli.c $src/settings.c $src/spec.c $src/portset.c $core"
)
cflags=(-g -O1 -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer -I"$src")

for t in "${targets[@]}"; do
  # shellcheck disable=SC2086
  "$CC" "${cflags[@]}" -o "$out/fuzz_$t" "$here/fuzz_$t.c" ${sources[$t]} -lm
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
per=$(( seconds / ${#targets[@]} ))
[ "$per" -ge 1 ] || per=1
for t in "${targets[@]}"; do
  # 1. every committed regression input and seed must pass
  replay=()
  for d in "$here/regressions/$t" "$here/corpus/$t"; do
    [ -d "$d" ] || continue
    while IFS= read -r -d '' f; do replay+=("$f"); done \
      < <(find "$d" -type f ! -name '.*' -print0)
  done
  if [ "${#replay[@]}" -gt 0 ]; then
    if ! "$out/fuzz_$t" -runs=1 "${replay[@]}" >"$out/replay_$t.log" 2>&1; then
      echo "FAIL: $t: a regression or seed input fails:" >&2
      tail -n 40 "$out/replay_$t.log" >&2
      status=1
      continue
    fi
    echo "ok: $t: ${#replay[@]} regression and seed inputs replayed"
  fi

  # 2. fuzz for a bounded time, on a scratch copy of the seed corpus
  mkdir -p "$out/corpus_$t"
  cp -R "$here/corpus/$t/." "$out/corpus_$t/" 2>/dev/null || true
  if "$out/fuzz_$t" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 \
       -max_len=4096 -print_final_stats=1 \
       -artifact_prefix="$out/artifacts/${t}-" \
       "$out/corpus_$t" >"$out/fuzz_$t.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' \
             "$out/fuzz_$t.log" | grep -o '[0-9]*$' || echo "?")
    echo "ok: $t: fuzzed ${per}s, $runs inputs, no crash"
  else
    echo "FAIL: $t: the fuzzer found a problem:" >&2
    grep -v '^#' "$out/fuzz_$t.log" | tail -n 60 >&2
    status=1
  fi
done

if ls "$out/artifacts/"* >/dev/null 2>&1; then
  echo "crashing inputs (copy them to tools/fuzz/regressions/<target>/):" >&2
  ls -l "$out/artifacts/" >&2
fi
if [ "$status" -eq 0 ] && [ -z "${FUZZ_OUT:-}" ]; then
  rm -rf "$out"   # nothing to keep
else
  echo "fuzz output: $out"
fi
exit "$status"
