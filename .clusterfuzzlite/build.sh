#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build: compiles libspp, cJSON and each fuzz target with
# $CC $CFLAGS, links them with $LIB_FUZZING_ENGINE, and writes into $OUT for every target:
#   <target>  <target>_seed_corpus.zip  <target>.dict  <target>.options
# Runs by hand too, e.g.:
#   CC=clang-14 CFLAGS="-fsanitize=address,fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   OUT=/tmp/out SRC=/tmp CJSON_SRC=build/asan/_cjson/tree .clusterfuzzlite/build.sh
# The repository is $SPP_ROOT, else the working directory when it holds fuzz/, else this
# script's parent. cJSON's source is $CJSON_SRC (default $SRC/cjson); without it the system
# libcjson is linked (uninstrumented). The test-only target fuzz_planted is never built here.
: "${CC:?}" "${OUT:?}" "${LIB_FUZZING_ENGINE:?}"
CFLAGS=${CFLAGS:-}
SRC=${SRC:-/src}
if [ -n "${SPP_ROOT:-}" ]; then root=$SPP_ROOT
elif [ -f fuzz/fuzz_common.c ]; then root=$PWD
else root=$(cd "$(dirname "$0")/.." && pwd); fi
cd "$root"
cjson=${CJSON_SRC:-$SRC/cjson}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT" "$work/inc/cjson" "$work/obj"

targets=(fuzz_response fuzz_request fuzz_schema fuzz_headers)
json_targets=" fuzz_response fuzz_request fuzz_schema "
cflags=($CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L -Iharness -Ifuzz -I"$work/inc")

# cJSON: instrumented from source when there is one.
cjson_obj=()
cjson_lib=()
if [ -f "$cjson/cJSON.c" ]; then
  cp "$cjson/cJSON.h" "$work/inc/cjson/cJSON.h"
  $CC $CFLAGS -std=c99 -c "$cjson/cJSON.c" -o "$work/obj/cJSON.o"
  cjson_obj=("$work/obj/cJSON.o")
else
  echo "build.sh: no cJSON source at $cjson; linking the system libcjson (not instrumented)" >&2
  cjson_lib=(-lcjson)
fi

# libspp: the sources harness/CMakeLists.txt lists for the library, as an archive (the linker
# then takes only what the targets use: no curl or microhttpd code ends up in them).
mapfile -t lib_srcs < <(sed -n '/^add_library(spp STATIC/,/^)/p' harness/CMakeLists.txt |
  grep -oE '[a-z_0-9]+\.c')
objs=()
for s in "${lib_srcs[@]}"; do
  $CC "${cflags[@]}" -c "harness/$s" -o "$work/obj/${s%.c}.o"
  objs+=("$work/obj/${s%.c}.o")
done
ar rcs "$work/libspp.a" "${objs[@]}"

# The contract as a byte array (the targets open no file).
$CC -O1 fuzz/embed.c -o "$work/embed"
"$work/embed" contracts/tickets.openapi.json "$work/contract_blob.c" spp_fuzz_contract_json
$CC "${cflags[@]}" -c "$work/contract_blob.c" -o "$work/obj/contract_blob.o"
$CC "${cflags[@]}" -c fuzz/fuzz_common.c -o "$work/obj/fuzz_common.o"
$CC "${cflags[@]}" -c fuzz/json_oracle.c -o "$work/obj/json_oracle.o"

pcre=(-Wl,-Bstatic -lpcre2-8 -Wl,-Bdynamic)
[ -f /usr/lib/x86_64-linux-gnu/libpcre2-8.a ] || pcre=(-lpcre2-8)
for t in "${targets[@]}"; do
  extra=()
  # The structure-aware mutator needs libFuzzer's LLVMFuzzerMutate.
  if [[ "$json_targets" == *" $t "* ]] && [ "${FUZZING_ENGINE:-libfuzzer}" = libfuzzer ]; then
    extra=(fuzz/mutator.c fuzz/mutator_opts.c -DSPP_FUZZ_TARGET="\"$t\"")
  fi
  $CC "${cflags[@]}" "fuzz/$t.c" "${extra[@]}" "$work/obj/fuzz_common.o" \
    "$work/obj/json_oracle.o" "$work/obj/contract_blob.o" "$work/libspp.a" "${cjson_obj[@]}" \
    $LIB_FUZZING_ENGINE "${cjson_lib[@]}" "${pcre[@]}" -lm -o "$OUT/$t"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "corpus/$t" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
  cp "fuzz/$t.dict" "$OUT/$t.dict"
  cp "fuzz/$t.options" "$OUT/$t.options"
  echo "build.sh: $OUT/$t"
done
