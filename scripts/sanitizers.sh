#!/usr/bin/env bash
# Builds everything with clang under AddressSanitizer + UndefinedBehaviorSanitizer (leak
# detection on) and runs the whole test suite, plus one replay of every fuzz seed.
#   scripts/sanitizers.sh [BUILD_DIR]                  configure, build, ctest (default build-asan)
#   scripts/sanitizers.sh --configure-only [BUILD_DIR]
# -O1 with line tables for readable reports; NDEBUG stays off, so Eigen's bounds asserts are on.
# The libFuzzer targets (ATTNSCOPE_FUZZ) are built in the same tree: scripts/fuzz.sh reuses it.
# Every test runs except the benchmarks (label bench: timings mean nothing under the sanitizers,
# and ui_render_bench alone takes 1.5 minutes); the tests with a wall-clock limit keep well inside
# it (10 MB of WordPiece: 7 s of 30).
set -euo pipefail
cd "$(dirname "$0")/.."

configure_only=0
if [[ "${1:-}" == "--configure-only" ]]; then configure_only=1; shift; fi
build=${1:-build-asan}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" -DATTNSCOPE_SANITIZE=address,undefined -DATTNSCOPE_FUZZ=ON
if [[ $configure_only -eq 1 ]]; then exit 0; fi
cmake --build "$build"

# halt_on_error: a report fails the test that caused it. No leak is suppressed.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j2 -LE bench
