#!/usr/bin/env bash
# Takes screenshots of every view of the real app in a virtual X display (Xvfb), for a text model
# and an image model. Usage: scripts/screenshots.sh [BUILD_DIR] [OUT_DIR]
# Needs xvfb, xauth, imagemagick (scripts/install-deps.sh --test) and the shared models in ../shared.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
out=${2:-$here/build/screenshots}
shared=${ATTNSCOPE_SHARED_DIR:-$here/../shared}
app=$build/bin/attnscope
mkdir -p "$out"
export XDG_CONFIG_HOME=$(mktemp -d)  # fresh settings: default layout

shoot() {  # shoot NAME ARGS...: start the app, wait for it to settle, capture the screen
  local name=$1; shift
  "$app" "$@" &
  local pid=$!
  if [[ -n "${KEYS:-}" ]]; then
    sleep 5
    xdotool search --sync --onlyvisible --name Attnscope windowfocus --sync key "$KEYS"
  fi
  sleep "${SETTLE:-6}"
  import -window root "$out/$name.png"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$out/$name.png"
}

run() {
  shoot welcome
  local text=(--model "$shared/models/stories260K" --text-file "$here/samples/texts/02-coreference-animal.txt" --run)
  for v in matrix lines overview text heads prediction inside cost; do
    shoot "text-$v" "${text[@]}" --view "$v" --layer 2 --head 3
  done
  local image=(--model "$shared/models/vit-tiny-patch16-224" --image "$here/samples/images/chelsea.png" --run)
  for v in image overview matrix heads prediction inside; do
    shoot "image-$v" "${image[@]}" --view "$v" --layer 11 --head 1
  done
  # The Cost view after "Measure at increasing lengths" (Ctrl+M) has run.
  KEYS=ctrl+m SETTLE=25 shoot text-cost-measured "${text[@]}" --view cost

  # A long input (about 1,000 tokens on gpt2-random): the Text view scrolled to the query, thinned
  # labels with their indices, compact Lines.
  local long_file; long_file=$(mktemp --suffix=.txt)
  for _ in 1 2 3 4 5 6; do cat "$here/samples/texts/09-story.txt" "$here/samples/texts/04-paragraph.txt"; done > "$long_file"
  local long=(--model "$shared/models/gpt2-random" --text-file "$long_file" --run)
  for v in matrix lines overview text heads prediction inside cost; do
    shoot "long-$v" "${long[@]}" --view "$v"
  done
  # Chinese on roberta-random: byte-level pieces shown as the characters they make.
  local zh=(--model "$shared/models/roberta-random" --text-file "$here/samples/texts/05-chinese-attention.txt" --run)
  for v in matrix lines text heads; do
    shoot "zh-$v" "${zh[@]}" --view "$v"
  done
  # A sentence pair: segment B marked in the matrix.
  shoot pair-matrix --model "$shared/models/bert-random" --text "the cat sat on the mat" --text-b "where did the cat sit" --run --view matrix
  # Figures at one paper column (3.3 in), as PDF rendered back to PNG: nothing may be cut.
  local cli=$build/bin/attnscope-cli
  for v in matrix lines text heads overview inside cost; do
    "$cli" render --model "$shared/models/stories260K" --text-file "$here/samples/texts/02-coreference-animal.txt" --view "$v" \
      --preset single-column --out "$out/column-$v.pdf" --force --no-sidecar
    pdftoppm -r 150 -png -singlefile "$out/column-$v.pdf" "$out/column-$v"
    echo "$out/column-$v.png"
  done
  # Sub-word pieces merged into words (Units: words, mean over pieces).
  for v in matrix lines text; do
    "$cli" render --model "$shared/models/gpt2-random" --text-file "$here/samples/texts/02-coreference-animal.txt" --view "$v" \
      --units words-mean --out "$out/words-$v.png" --force --no-sidecar
    echo "$out/words-$v.png"
  done
  rm -f "$long_file"
}

# Without a display, run again inside a virtual one.
if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1440x900x24" "$0" "$build" "$out"
fi
run
