// The differential corpus: strings generated from a seed, so every run and every machine checks
// the same inputs. Each generator covers a kind of text tokenizers get wrong.
'use strict';

function rng(seed) {  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeCorpus(seed, count) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const pick = (a) => a[int(a.length)];
  const range = (lo, hi) => String.fromCodePoint(lo + int(hi - lo + 1));
  const many = (f, n) => Array.from({ length: n }, f).join('');

  const words = ['the', 'attention', 'transformer', 'head', 'layer', 'token', 'Hello', 'WORLD', 'naïve', 'café', 'résumé',
    'über', 'straße', 'İstanbul', 'ΣΊΣΥΦΟΣ', 'Ωmega', 'ﬁnance', 'Ǆemal', 'ǅ', 'K', 'Å', 'ß', 'ﬀ', 'ǰ', 'ŉ', 'ﬃ', 'ΐ'];
  const scripts = {
    chinese: () => many(() => range(0x4E00, 0x9FFF), 1 + int(8)),
    japanese: () => many(() => pick([range(0x3041, 0x3096), range(0x30A1, 0x30FA), range(0x4E00, 0x9FFF), 'ー', '。', '、']), 1 + int(10)),
    korean: () => many(() => range(0xAC00, 0xD7A3), 1 + int(6)),
    arabic: () => many(() => range(0x0621, 0x064A), 2 + int(7)) + pick(['', '\u064B', '\u0650', ' ٣٤٥', '؟']),
    hindi: () => pick(['नमस्ते', 'हिन्दी', 'क्षत्रिय', 'द्वार']) + many(() => range(0x0905, 0x0939) + pick(['', '\u094D', '\u093F', '\u0902']), int(5)),
    thai: () => many(() => range(0x0E01, 0x0E2E) + pick(['', '\u0E31', '\u0E34', '\u0E48', 'ๆ']), 2 + int(8)),
    emoji: () => pick(['👩‍💻', '👨‍👩‍👧‍👦', '👍🏽', '🏳️‍🌈', '🇯🇵', '❤️', '🙂', '😀😃', '🧑🏿‍🚀', '✌🏻', '#️⃣', '👁‍🗨']),
    combining: () => pick(['e\u0301', 'a\u0308\u0304', 'n\u0303', 'Z\u0335\u0321\u0300', 'o\u0338', 'A\u030A', '\u0301x', 'ᄀ\u1161\u11A8']),
    rtl: () => pick(['\u200F', '\u200E', '\u202B', '\u202C', '\u2067', '\u2069']) + pick(['שלום', 'مرحبا', 'abc']),
    code: () => pick(['def f(x):\n\treturn x**2  # square', 'for (int i = 0; i < n; ++i) { a[i] += b[i]; }', 'const x = {a: 1, "b": [2, 3]};',
      '<div class="x">Hi&amp;bye</div>', 'SELECT * FROM t WHERE id=42;', 'x_1 = y__2 - z___3', '$ ls -la ~/.config | grep "rc"',
      'if a!=b: print(f"{a!r}")', 'std::vector<std::string> v{"a"};', '/* comment */ // line']),
    numbers: () => pick([String(int(1e9)), (r() * 1e4).toFixed(int(6)), '2026-12-03', '03/12/2026', '12:34:56.789', '1,234,567.89',
      '+1 (555) 010-9999', '3.14159e-10', '0x1F', '１２３４５', '٣٤٥', '①②③', '½ ¾', 'Ⅻ', String(int(100)) + '%']),
    whitespace: () => pick([' ', '  ', '\t', '\n', '\r\n', '\n\n\n', ' \t ', '\u00A0', '\u3000', '\u2003', '\v', '\f', '\u0085', '\u2028', '    ']),
    contraction: () => pick(["don't", "DON'T", "I'm", "I'M", "we've", "WE'VE", "they're", "She'll", "he'd", "HE'D", "it's", "IT'S", "'s", "O'Neil", "rock'n'roll", "y'all"]),
    special: () => pick(['<|endoftext|>', '<s>', '</s>', '<mask>', '[MASK]', '[CLS]', '[SEP]', '<bos>', '<eos>', '<unk>', '<pad>',
      '<|begin_of_text|>', '<|im_start|>', '<|im_end|>', '<start_of_turn>', '<end_of_turn>', '<0x0A>', '▁', 'Ġ']),
    word: () => pick(words),
    ascii: () => many(() => String.fromCharCode(32 + int(95)), 1 + int(12)),
    control: () => many(() => String.fromCharCode(int(32)), 1 + int(3)),
  };
  const kinds = Object.keys(scripts);

  const out = [];
  const randomBytes = () => Buffer.from(Array.from({ length: 1 + int(40) }, () => int(256))).toString('utf8');
  const longWord = () => many(() => pick(['a', 'b', 'x', 'é', '中', 'ab', 'the']), 100 + int(400));
  while (out.length < count) {
    const k = out.length % 20;
    if (k === 0) out.push(randomBytes());
    else if (k === 1) out.push(longWord());
    else if (k === 2) out.push(pick(kinds.map((n) => scripts[n]))());
    else {
      const parts = [];
      const n = 1 + int(8);
      for (let i = 0; i < n; ++i) {
        parts.push(scripts[pick(kinds)]());
        if (r() < 0.6) parts.push(r() < 0.8 ? ' ' : scripts.whitespace());
      }
      out.push(parts.join(''));
    }
  }
  return out;
}

module.exports = { makeCorpus };
