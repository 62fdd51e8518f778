#!/usr/bin/env bash
# Executions per second of each fuzz target against a bare parse -> print -> parse target
# (fuzz/bench_bare.c) built with the same flags (the fuzz preset: clang-14, ASan + UBSan,
# libFuzzer, instrumented cJSON), each run on the target's own corpus with the same seed
# and time budget, so the figures say what the target's checks cost over plain cJSON work.
#
#   fuzz/bench.sh [SECONDS]  seconds per target and per baseline (default 15)
#
# stdout: one line per target, "TARGET EXEC_PER_S BARE_EXEC_PER_S" (what scripts/bench's fuzz
# section reads); stderr: the same as a table with run counts and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
[ -f build/fuzz/CMakeCache.txt ] || cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target fuzzers bench_bare >/dev/null

# run BIN CORPUS [OPTIONS]: prints executions per second (from libFuzzer's final stats).
run() {
  local bin=$1 corpus=$2 tmp start end n
  shift 2
  tmp=$(mktemp -d)
  start=$(date +%s.%N)
  ASAN_OPTIONS=detect_leaks=0 "$bin" "$tmp" "$corpus" -max_total_time="$secs" -seed=1 \
    -print_final_stats=1 "$@" >"$tmp.log" 2>&1 || true
  end=$(date +%s.%N)
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp.log")
  awk -v n="${n:-0}" -v s="$start" -v e="$end" 'BEGIN { printf "%d %.0f\n", n, n / (e - s) }'
  rm -rf "$tmp" "$tmp.log"
}

printf '%-14s %10s %12s %16s %8s\n' target runs exec/s bare-cjson-exec/s bare/target >&2
for t in fuzz_response fuzz_request fuzz_schema fuzz_headers; do
  max=$(sed -n 's/^max_len *= *//p' "fuzz/$t.options")
  read -r n eps < <(run "build/fuzz/fuzz/$t" "corpus/$t" -max_len="$max" -dict="fuzz/$t.dict")
  read -r _ beps < <(run build/fuzz/fuzz/bench_bare "corpus/$t" -max_len="$max")
  awk -v t="$t" -v n="$n" -v e="$eps" -v b="$beps" \
    'BEGIN { printf "%-14s %10d %12d %16d %7.2fx\n", t, n, e, b, (e > 0 ? b / e : 0) }' >&2
  echo "$t $eps $beps"
done
