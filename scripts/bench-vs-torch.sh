#!/usr/bin/env bash
# Attnscope against PyTorch on this machine, in one run (docs/performance.md quotes its output).
#
#   scripts/bench-vs-torch.sh [--build DIR] [--iters N] [--repeats R] [--threads "1 2"] [--only NAME] [--process] [--quick]
#
# 1. Forward pass with full attention capture, in process: `attnscope-cli bench --synthetic NAME`
#    against scripts/bench_torch.py (the eager Hugging Face formulation, attention probabilities
#    materialised and kept), same shapes and random weights of the same scale, batch 1, float32,
#    for bert-base 128 & 512 tokens, vit-base-16 224x224, gpt2-small 256, vit-tiny-16 224x224,
#    bert-tiny (2 x 128) 128 tokens and the decoder LLMs qwen2.5-0.5b and gemma3-1b at 128 tokens
#    (float32 weights on both sides), at each thread count T. PyTorch is Debian's python3-torch on
#    OpenBLAS (libopenblas0-pthread), OPENBLAS_CORETYPE unset (its AVX-512 kernels), at its best:
#    every configuration of intra-op threads (torch.set_num_threads) x OpenBLAS threads
#    (OPENBLAS_NUM_THREADS) up to T each is measured, and the fastest is the "pytorch" column, named
#    "intra x blas" (on 2 cores, 2 x 2 oversubscribes them: each intra-op thread calls a threaded
#    OpenBLAS). Every case runs R times, Attnscope and each PyTorch configuration interleaved; each
#    run's figure is the median of N passes after a warm-up; the table gives the median over the R
#    runs and ratio = Attnscope / PyTorch at its best.
# 2. The GEMM peak with the same library and flags (`attnscope-cli bench --gemm`, 2048^3) at
#    each thread count, interleaved with the cases; "of peak" = the case's GFLOP/s / that peak.
# 3. The whole process as a user feels it: `attnscope-cli attend` (load, tokenize, forward,
#    write .safetensors) against the equivalent Python script (import torch, read the
#    safetensors, tokenize, forward, write: the from-scratch references in ../shared/reference),
#    on the small shared models bert-random and stories260K; wall time, median of R.
# --only NAME: only the cases of that synthetic model (e.g. bert-tiny), no whole-process part.
# --process: only the whole-process part.
# --quick: 2 passes x 1 run, for checking that the script works.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
build="$repo/build-perf"
iters=5
repeats=3
thread_counts="1 2"
only=""
shared="${ATTNSCOPE_SHARED_DIR:-$repo/../shared}"
py=/usr/bin/python3

while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --iters) iters=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --threads) thread_counts=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --process) thread_counts=""; shift ;;
    --quick) iters=2; repeats=1; shift ;;
    *) echo "usage: $0 [--build DIR] [--iters N] [--repeats R] [--threads \"1 2\"] [--only NAME] [--process] [--quick]" >&2; exit 2 ;;
  esac
done

cli="$build/bin/attnscope-cli"
[[ -x "$cli" ]] || { echo "bench-vs-torch: $cli not found (build it: cmake --build $build --target attnscope-cli)" >&2; exit 2; }
"$py" -c "import torch" 2>/dev/null || { echo "bench-vs-torch: $py has no torch (apt-get install python3-torch)" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench-vs-torch: jq is needed (apt-get install jq)" >&2; exit 2; }
unset OPENBLAS_CORETYPE

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { print e - s }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# name, attnscope size option, torch size option
cases=(
  "bert-base 128|--seq 128|--seq 128"
  "bert-base 512|--seq 512|--seq 512"
  "vit-base-16 224|--image-size 224|--image-size 224"
  "gpt2-small 256|--seq 256|--seq 256"
  "vit-tiny-16 224|--image-size 224|--image-size 224"
  "bert-tiny 128|--seq 128|--seq 128"
  "qwen2.5-0.5b 128|--seq 128|--seq 128"
  "gemma3-1b 128|--seq 128|--seq 128"
)

echo "# bench-vs-torch: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $iters passes per run (median), $repeats runs per case (median of runs), Attnscope and PyTorch interleaved"
echo
for t in $thread_counts; do
  configs=()  # PyTorch's "intra blas" thread configurations within t cores
  for ((i = 1; i <= t; ++i)); do for ((b = 1; b <= t; ++b)); do configs+=("$i $b"); done; done
  : > "$tmp/gemm"
  printf '%-16s %7s %12s %12s %9s %7s %9s %8s\n' "case ($t thr)" tokens "attnscope ms" "pytorch ms" "(intra×blas)" ratio "GFLOP/s" "of peak"
  for c in "${cases[@]}"; do
    IFS='|' read -r label aopt topt <<< "$c"
    name=${label% *}
    [[ -z "$only" || "$name" == "$only" ]] || continue
    : > "$tmp/a"; : > "$tmp/g"
    for cfg in "${configs[@]}"; do : > "$tmp/t_${cfg// /x}"; done
    for ((r = 0; r < repeats; ++r)); do
      # shellcheck disable=SC2086
      OPENBLAS_NUM_THREADS=$t "$cli" bench --synthetic "$name" $aopt --iters "$iters" --threads "$t" --json > "$tmp/a.json"
      jq -r .median_seconds "$tmp/a.json" >> "$tmp/a"
      jq -r .gflops "$tmp/a.json" >> "$tmp/g"
      seq=$(jq -r .seq_len "$tmp/a.json")
      for cfg in "${configs[@]}"; do
        read -r intra blas <<< "$cfg"
        # shellcheck disable=SC2086
        OPENBLAS_NUM_THREADS=$blas "$py" "$here/bench_torch.py" "$name" $topt --iters "$iters" --threads "$intra" > "$tmp/t.json"
        jq -r .median_seconds "$tmp/t.json" >> "$tmp/t_${cfg// /x}"
      done
      OPENBLAS_NUM_THREADS=$t "$cli" bench --gemm --iters 3 --threads "$t" --json | jq -r .gflops >> "$tmp/gemm"
    done
    best=""; tt=""
    for cfg in "${configs[@]}"; do
      m=$(median < "$tmp/t_${cfg// /x}")
      if [[ -z "$tt" ]] || awk -v m="$m" -v b="$tt" 'BEGIN { exit !(m < b) }'; then tt=$m; best=${cfg/ /×}; fi
    done
    a=$(median < "$tmp/a"); g=$(median < "$tmp/g"); peak=$(median < "$tmp/gemm")
    awk -v l="$label" -v s="$seq" -v a="$a" -v t="$tt" -v c="$best" -v g="$g" -v p="$peak" \
      'BEGIN { printf "%-16s %7d %12.2f %12.2f %9s %7.2f %9.1f %7.0f%%\n", l, s, a * 1e3, t * 1e3, c, a / t, g, 100 * g / p }'
  done
  echo "GEMM peak ($t thr): $(median < "$tmp/gemm") GFLOP/s (2048^3 float32, median of $(wc -l < "$tmp/gemm") runs)"
  echo
done
[[ -z "$only" ]] || exit 0

# Whole process: attend vs the reference script.
echo "whole process (wall time, median of $repeats; all cores)"
printf '%-14s %14s %14s %7s\n' model "attnscope ms" "python ms" ratio
text="The quick brown fox jumps over the lazy dog near the river bank."
for m in "bert-random|bert_ref.py" "stories260K|llama_ref.py"; do
  IFS='|' read -r model ref <<< "$m"
  dir="$shared/models/$model"
  [[ -d "$dir" && -f "$shared/reference/$ref" ]] || { echo "$model: skipped (no $dir or $shared/reference/$ref)"; continue; }
  : > "$tmp/a"; : > "$tmp/t"
  for ((r = 0; r < repeats; ++r)); do
    s=$(date +%s.%N)
    "$cli" attend --model "$dir" --text "$text" --hidden-states --out "$tmp/a.safetensors" --force 2>/dev/null
    elapsed "$s" >> "$tmp/a"
    s=$(date +%s.%N)
    "$py" "$shared/reference/$ref" "$dir" "$text" "$tmp/t.safetensors" > /dev/null
    elapsed "$s" >> "$tmp/t"
  done
  a=$(median < "$tmp/a"); tt=$(median < "$tmp/t")
  awk -v l="$model" -v a="$a" -v t="$tt" 'BEGIN { printf "%-14s %14.0f %14.0f %7.3f\n", l, a * 1e3, t * 1e3, a / t }'
done
