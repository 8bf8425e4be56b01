#!/usr/bin/env bash
# Corpus throughput: `attnscope-cli batch` against the same work as a Python loop over the
# from-scratch PyTorch references (scripts/bench_batch_py.py), in one run (docs/performance.md).
#
#   scripts/bench-batch.sh [--build DIR] [--repeats R] [--threads "1 2"] [--texts N] [--images N]
#
# Cases: bert-random (../shared) on N generated sentences of 10-60 words, and vit-tiny on N images
# (the four sample photos in turn). Each run is a whole process on a fresh output folder: model
# load, every input, one result file per input. Attnscope and Python are interleaved R times at
# each thread count (Attnscope --threads T; Python torch.set_num_threads(T) with
# OPENBLAS_NUM_THREADS=1, its best setting on two cores, see the speed issue); the table gives the
# median inputs per second and the ratio Attnscope / Python.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
build="$repo/build"
repeats=3
thread_counts="1 2"
texts=200
images=24
shared="${ATTNSCOPE_SHARED_DIR:-$repo/../shared}"
py=/usr/bin/python3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --threads) thread_counts=$2; shift 2 ;;
    --texts) texts=$2; shift 2 ;;
    --images) images=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--repeats R] [--threads \"1 2\"] [--texts N] [--images N]" >&2; exit 2 ;;
  esac
done
cli="$build/bin/attnscope-cli"
[[ -x "$cli" ]] || { echo "bench-batch: $cli not found" >&2; exit 2; }
"$py" -c "import torch, PIL" 2>/dev/null || { echo "bench-batch: $py needs torch and PIL (apt-get install python3-torch python3-pil)" >&2; exit 2; }
[[ -d "$shared/models/bert-random" ]] || { echo "bench-batch: $shared/models/bert-random not found (set ATTNSCOPE_SHARED_DIR)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" - "$tmp" "$texts" "$images" "$repo/samples/images" <<'PY'
import json, os, random, shutil, sys
out, n_text, n_image, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
random.seed(0)
words = "the cat dog sat ran on a mat big small happy girl boy tree sun moon went home and saw".split()
with open(os.path.join(out, "texts.jsonl"), "w") as f:
    for i in range(n_text):
        f.write(json.dumps({"id": "t%05d" % i, "text": " ".join(random.choice(words) for _ in range(random.randint(10, 60)))}) + "\n")
photos = ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"]
for p in photos:
    shutil.copy(os.path.join(samples, p), os.path.join(out, p))
with open(os.path.join(out, "images.jsonl"), "w") as f:
    for i in range(n_image):
        f.write(json.dumps({"id": "i%05d" % i, "image": photos[i % len(photos)]}) + "\n")
PY

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf "%-12s %7s %8s %14s %14s %7s\n" case threads inputs "attnscope/s" "python/s" ratio
for case in "bert-random texts $texts $shared/models/bert-random" "vit-tiny images $images $shared/models/vit-tiny-patch16-224"; do
  read -r name kind n model <<<"$case"
  for t in $thread_counts; do
    a_rates=() p_rates=()
    for ((r = 0; r < repeats; r++)); do
      rm -rf "$tmp/a" "$tmp/p"
      s=$(now)
      "$cli" batch --model "$model" --inputs "$tmp/$kind.jsonl" --out "$tmp/a" --threads "$t" 2>/dev/null
      a_rates+=("$(awk -v s="$s" -v e="$(now)" -v n="$n" 'BEGIN { print n / (e - s) }')")
      s=$(now)
      OPENBLAS_NUM_THREADS=1 "$py" "$here/bench_batch_py.py" "$shared/reference" "$model" "$tmp/$kind.jsonl" "$tmp/p" --threads "$t" >/dev/null
      p_rates+=("$(awk -v s="$s" -v e="$(now)" -v n="$n" 'BEGIN { print n / (e - s) }')")
    done
    a=$(printf "%s\n" "${a_rates[@]}" | median)
    p=$(printf "%s\n" "${p_rates[@]}" | median)
    printf "%-12s %7s %8s %14.1f %14.1f %7.2f\n" "$name" "$t" "$n" "$a" "$p" "$(awk -v a="$a" -v p="$p" 'BEGIN { print a / p }')"
  done
done
