#!/usr/bin/env bash
# Executions per second of each fuzz target against a bare parse -> print -> parse target
# (fuzz/bench_bare.c) built with the same flags (the fuzz preset: clang-14, ASan + UBSan,
# libFuzzer, instrumented cJSON), each run for the same fixed number of runs on the target's
# own corpus with the same seed, max_len and rss limit (from fuzz/TARGET.options), so the
# figures say what the target's checks and its mutator cost over plain cJSON work.
#
#   fuzz/bench.sh [RUNS]  runs per target and per baseline (default: per target, below)
#
# Executions per second are per second of the fuzzer's own CPU time (user + system), counted
# from libFuzzer's "INITED" line (the seed corpus has run) to the process's exit, and the seed
# inputs are left out of the count: start-up (ASan's shadow memory, reading the corpus) does
# not weigh on the short baseline runs, and other jobs on a shared machine do not slow the
# figures down (on an idle machine CPU and wall seconds agree; the table shows both).
#
# stdout: one line per target, "TARGET EXEC_PER_S BARE_EXEC_PER_S" (what scripts/bench's fuzz
# section reads); stderr: the same as a table with run counts, seconds and the ratio.
set -euo pipefail
export LC_ALL=C # "." in $EPOCHREALTIME and in what awk reads
cd "$(dirname "$0")/.."
only_runs=${1:-}
[ -f build/fuzz/CMakeCache.txt ] || cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target fuzzers bench_bare >/dev/null

# Runs per target: the target's run takes roughly 5-20 s of one core (the JSON targets'
# structure-aware mutator grows inputs towards max_len, so each of their runs costs the most).
default_runs() {
  case $1 in
    fuzz_response) echo 1500 ;;
    fuzz_request) echo 10000 ;;
    fuzz_schema) echo 4000 ;;
    *) echo 300000 ;;
  esac
}

# run BIN CORPUS RUNS [OPTIONS]: prints "LOOP_RUNS WALL_S CPU_S EXEC_PER_CPU_S" for the
# fuzzing loop: the process's CPU time (user + system) from its "INITED" line to its exit.
run() {
  local bin=$1 corpus=$2 runs=$3 tmp n n0
  shift 3
  tmp=$(mktemp -d)
  (
    ASAN_OPTIONS=detect_leaks=0 "$bin" "$tmp" "$corpus" -runs="$runs" -seed=1 \
      -print_final_stats=1 -artifact_prefix="$tmp." "$@" 2>&1 &
    echo $! >"$tmp.pid"
    rc=0
    wait $! || rc=$?
    echo "$rc" >"$tmp.rc"
    times >"$tmp.times" # second line: the children's user and system time
  ) | while IFS= read -r line; do
    case $line in
      *INITED*)
        if [ ! -f "$tmp.t0" ]; then
          # utime, stime: fields 14, 15 (zero if the process is gone: start-up then counts)
          st=(0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
          read -r -a st 2>/dev/null <"/proc/$(cat "$tmp.pid")/stat" || true
          echo "$EPOCHREALTIME $(((st[13] + st[14]) * 1000 / $(getconf CLK_TCK)))" >"$tmp.t0"
        fi
        ;;
    esac
    printf '%s\n' "$line"
  done >"$tmp.log"
  local t1=$EPOCHREALTIME
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp.log")
  n0=$(sed -n 's/^#\([0-9]*\)[[:space:]]*INITED .*/\1/p' "$tmp.log" | head -1)
  if [ "${n:-0}" -lt "$runs" ]; then
    echo "bench: $(basename "$bin") on $corpus stopped after ${n:-0} of $runs runs" \
      "(exit $(cat "$tmp.rc")); log kept: $tmp.log, any crash input beside it" >&2
  else
    rm -f "$tmp.log"
  fi
  # "XmY.ZZZs" -> seconds, for the children's line of `times`. A run cut short reports 0/s.
  awk -v n="${n:-0}" -v n0="${n0:-0}" -v runs="$runs" -v e="$t1" \
    -v init="$(cat "$tmp.t0" 2>/dev/null)" '
    function secs(t) { split(t, p, "m"); sub("s", "", p[2]); return p[1] * 60 + p[2] }
    NR == 2 { cpu = secs($1) + secs($2) }
    END {
      split(init, i, " "); wall = (i[1] ? e - i[1] : 0); cpu -= i[2] / 1000; l = n - n0
      printf "%d %.2f %.2f %.0f\n", l, wall, cpu, (n >= runs && cpu > 0 ? l / cpu : 0)
    }' "$tmp.times"
  rm -rf "$tmp" "$tmp.t0" "$tmp.pid" "$tmp.rc" "$tmp.times"
}

printf '%-14s %8s %7s %7s %10s %7s %7s %11s %12s\n' target runs wall-s cpu-s exec/s \
  bare-w bare-c bare-exec/s target/bare >&2
for t in fuzz_response fuzz_request fuzz_schema fuzz_headers; do
  runs=${only_runs:-$(default_runs "$t")}
  max=$(sed -n 's/^max_len *= *//p' "fuzz/$t.options")
  rss=$(sed -n 's/^rss_limit_mb *= *//p' "fuzz/$t.options")
  read -r n wall cpu eps < <(run "build/fuzz/fuzz/$t" "corpus/$t" "$runs" -max_len="$max" \
    -rss_limit_mb="${rss:-2048}" -dict="fuzz/$t.dict")
  read -r _ bwall bcpu beps < <(run build/fuzz/fuzz/bench_bare "corpus/$t" "$runs" \
    -max_len="$max" -rss_limit_mb="${rss:-2048}")
  awk -v t="$t" -v n="$n" -v w="$wall" -v c="$cpu" -v e="$eps" -v bw="$bwall" -v bc="$bcpu" \
    -v b="$beps" 'BEGIN { printf "%-14s %8d %7.1f %7.1f %10d %7.1f %7.1f %11d %11.2fx\n",
                          t, n, w, c, e, bw, bc, b, (b > 0 ? e / b : 0) }' >&2
  echo "$t $eps $beps"
done
