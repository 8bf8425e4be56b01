#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz, each for a fixed time, two at a time.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 60 seconds, every target
# The targets are built first (clang, ASan + UBSan + libFuzzer) in $ATTNSCOPE_FUZZ_BUILD
# (default build-asan, shared with scripts/sanitizers.sh). Leak detection is on. Exits non-zero
# if any target finds a crash, leak, sanitizer report, timeout or out-of-memory; the input is
# kept as <build>/fuzz/<target>/findings/crash-* (or leak-*, timeout-*, oom-*) and the log
# beside it. New corpus entries go to <build>/fuzz/<target>/corpus, never to the source tree.
# Needs the shared models (fuzz_tokenize loads their tokenizers).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all=(safetensors config tokenizer_json tokenizer_engine vocab_txt vocab_merges tokenize image json_files)
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=("${all[@]}"); fi
build=${ATTNSCOPE_FUZZ_BUILD:-build-asan}
jobs=${ATTNSCOPE_FUZZ_JOBS:-2}
# One thread per fuzzer: OpenMP hand-offs on tiny images cost more than they save, and two
# fuzzers share two cores.
export OMP_NUM_THREADS=1

if [[ ! -f "$build/CMakeCache.txt" ]]; then scripts/sanitizers.sh --configure-only "$build"; fi
cmake --build "$build" --target fuzzers

run_one() {
  local t=$1 dir="$build/fuzz/$1"
  mkdir -p "$dir/corpus" "$dir/findings"
  local exe="$build/tests/fuzz/fuzz_$t"
  # -timeout: one input may take 10 s (the sanitizers slow decoding and tokenizing ~3x);
  # -rss_limit_mb: the images are capped at 65536 pixels, so 2.5 GB means a runaway allocation.
  if ASAN_OPTIONS=detect_leaks=1 "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
       -artifact_prefix="$dir/findings/" "$dir/corpus" "tests/fuzz/corpus/$t" >"$dir/log.txt" 2>&1; then
    local done_line execs
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/log.txt" | tail -1 || true)
    execs=$(grep -E '^stat::number_of_executed_units' "$dir/log.txt" | awk '{print $2}')
    printf 'fuzz %-15s ok    %s s, %s runs, %s\n' "$t" "$seconds" "$execs" "$(sed -E 's/^#[0-9]+[[:space:]]+DONE[[:space:]]+//' <<<"$done_line")"
  else
    printf 'fuzz %-15s FAILED (see %s)\n' "$t" "$dir/log.txt"
    grep -E 'ERROR: |SUMMARY: |fuzz finding:|runtime error:' "$dir/log.txt" | head -5 | sed 's/^/    /'
    return 1
  fi
}

status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [[ ${#pids[@]} -ge $jobs ]]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
