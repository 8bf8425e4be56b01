// GPT-2 / RoBERTa byte-level BPE: exact Hugging Face ids through both loaders, byte spans,
// display(), error messages, and speed on long inputs.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/io/safetensors.h"
#include "core/tokenizers/tokenizer.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

std::unique_ptr<Tokenizer> from_json_file(const std::string& dir) {
  return Tokenizer::from_json(read_json_file(shared(dir) / "tokenizer.json", "tokenizer.json"), "tokenizer.json");
}

std::unique_ptr<Tokenizer> from_files(const std::string& dir, const std::string& model_type) {
  return load_vocab_merges(shared(dir) / "vocab.json", shared(dir) / "merges.txt", model_type);
}

nlohmann::json golden_cases(const std::string& name) {
  return read_json_file(shared("golden/tokenizers/" + name + ".json"), name).at("cases");
}

// OpenAI's bytes_to_unicode(), written out independently of the tokenizer: printable bytes stand
// for themselves, the other 68 map to U+0100.. in byte order. Returns the UTF-8 of the character.
std::string byte_char(unsigned char byte) {
  int next = 0x100, cp = -1;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    const int c = printable ? b : next++;
    if (b == byte) cp = c;
  }
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// The bytes a byte-level token string stands for: read through the same independent table.
std::string unbyte_level(const std::string& token) {
  std::string out;
  for (size_t i = 0; i < token.size();) {
    for (int b = 0; b < 256; ++b) {
      const std::string c = byte_char(static_cast<unsigned char>(b));
      if (token.compare(i, c.size(), c) == 0) {
        out += static_cast<char>(b);
        i += c.size();
        break;
      }
      if (b == 255) return token;  // not a byte-level string
    }
  }
  return out;
}

// Turns the <0xXX> escapes of display() back into bytes.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 3, "<0x") == 0 && i + 6 <= s.size() && s[i + 5] == '>') {
      out += static_cast<char>(std::stoi(s.substr(i + 3, 2), nullptr, 16));
      i += 6;
    } else {
      out += s[i++];
    }
  }
  return out;
}

void check_golden(const Tokenizer& tok, const std::string& name, size_t expected_cases) {
  EXPECT_EQ(tok.kind(), "byte-level BPE");
  const auto cases = golden_cases(name);
  ASSERT_EQ(cases.size(), expected_cases);
  for (const auto& c : cases) {
    const std::string text = c.at("text").get<std::string>();
    const Encoding e = tok.encode(text);
    EXPECT_EQ(e.ids(), c.at("input_ids").get<std::vector<int64_t>>()) << name << ": " << text;
    std::vector<std::string> entries;  // the golden tokens are vocabulary entries (convert_ids_to_tokens)
    for (int64_t id : e.ids()) entries.push_back(tok.token_text(id));
    EXPECT_EQ(entries, c.at("tokens").get<std::vector<std::string>>()) << name << ": " << text;
  }
}

void write_file(const std::filesystem::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
}

// Expects Error(Model) whose message contains every one of `parts`.
void expect_model_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Model) << e.what();
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << "'" << p << "' not in: " << e.what();
  }
}

// A tiny byte-level vocabulary: the 256 byte characters (id = byte value) plus a few merges.
struct TinyModel {
  nlohmann::json vocab = nlohmann::json::object();
  std::vector<std::pair<std::string, std::string>> merges;
  TinyModel() {
    for (int b = 0; b < 256; ++b) vocab[byte_char(static_cast<unsigned char>(b))] = b;
    merge("h", "e", 256);
    merge("l", "l", 257);
    merge("he", "ll", 258);
    merge(byte_char(' '), "w", 259);
    merge(byte_char(0x0B), "!", 260);                    // VT + "!"
    merge(byte_char(0xC2), byte_char(0x85), 261);        // U+0085 (NEL)
    merge(byte_char(0xC2) + byte_char(0x85), "!", 262);  // NEL + "!"
  }
  void merge(const std::string& a, const std::string& b, int id) {
    vocab[a + b] = id;
    merges.emplace_back(a, b);
  }
  std::string merges_txt() const {
    std::string out = "#version: 0.2\n";
    for (const auto& [a, b] : merges) out += a + " " + b + "\n";
    return out;
  }
  nlohmann::json tokenizer_json() const {
    nlohmann::json m = nlohmann::json::array();
    for (const auto& [a, b] : merges) m.push_back({a, b});
    return {{"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", m}}},
            {"normalizer", nullptr},
            {"pre_tokenizer", {{"type", "Sequence"}, {"pretokenizers", {{{"type", "ByteLevel"}, {"add_prefix_space", false}}}}}},
            {"post_processor", {{"type", "ByteLevel"}}},
            {"added_tokens", nlohmann::json::array()}};
  }
};

}  // namespace

// ---- goldens -------------------------------------------------------------------------------

TEST(ByteLevelBpeGolden, Gpt2TokenizerJson) {
  ATTNSCOPE_REQUIRE_SHARED();
  check_golden(*load_tokenizer(shared("tokenizers/gpt2"), "gpt2"), "gpt2", 19);
}

TEST(ByteLevelBpeGolden, Gpt2VocabAndMerges) {
  ATTNSCOPE_REQUIRE_SHARED();
  check_golden(*from_files("tokenizers/gpt2", "gpt2"), "gpt2", 19);
}

TEST(ByteLevelBpeGolden, RobertaTokenizerJson) {
  ATTNSCOPE_REQUIRE_SHARED();
  check_golden(*load_tokenizer(shared("tokenizers/roberta-base"), "roberta"), "roberta-base", 21);
}

TEST(ByteLevelBpeGolden, RobertaVocabAndMerges) {
  ATTNSCOPE_REQUIRE_SHARED();
  check_golden(*from_files("tokenizers/roberta-base", "roberta"), "roberta-base", 21);
}

TEST(ByteLevelBpeGolden, RobertaFilesAndJsonAgreeOnPairs) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto a = from_json_file("tokenizers/roberta-base");
  auto b = from_files("tokenizers/roberta-base", "roberta");
  const Encoding ea = a->encode_pair("Hello world", "the cat"), eb = b->encode_pair("Hello world", "the cat");
  EXPECT_EQ(ea.ids(), eb.ids());
  // <s> A </s></s> B </s>, with the golden ids of "Hello world" = <s> 31414 232 </s>.
  const std::vector<int64_t> ids = ea.ids();
  ASSERT_EQ(ids.size(), 8u);
  EXPECT_EQ(std::vector<int64_t>(ids.begin(), ids.begin() + 5), (std::vector<int64_t>{0, 31414, 232, 2, 2}));
  EXPECT_EQ(ids.back(), 2);
}

TEST(ByteLevelBpeGolden, Gpt2RandomModelInputIds) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto via_json = load_tokenizer(shared("models/gpt2-random"), "gpt2");
  auto via_files = load_vocab_merges(shared("models/gpt2-random") / "vocab.json", shared("models/gpt2-random") / "merges.txt", "gpt2");
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(shared("golden/gpt2-random"))) {
    SafetensorsFile g(entry.path().string());
    const std::string& text = g.metadata().at("text");
    EXPECT_EQ(via_json->encode(text).ids(), g.ints("input_ids")) << entry.path();
    EXPECT_EQ(via_files->encode(text).ids(), g.ints("input_ids")) << entry.path();
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(ByteLevelBpeGolden, RobertaRandomModelInputIds) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_tokenizer(shared("models/roberta-random"), "roberta");
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(shared("golden/roberta-random"))) {
    SafetensorsFile g(entry.path().string());
    const auto& meta = g.metadata();
    const Encoding e = meta.count("text_pair") ? tok->encode_pair(meta.at("text"), meta.at("text_pair")) : tok->encode(meta.at("text"));
    std::vector<int64_t> want = g.ints("input_ids"), want_types = g.ints("token_type_ids");
    if (g.find("attention_mask")) {  // 04_padded: only the real tokens are the tokenizer's
      const auto mask = g.ints("attention_mask");
      const auto real = static_cast<size_t>(std::count(mask.begin(), mask.end(), 1));
      ASSERT_LT(real, want.size()) << entry.path();
      want.resize(real);
      want_types.resize(real);
    }
    EXPECT_EQ(e.ids(), want) << entry.path();
    EXPECT_EQ(e.type_ids(), want_types) << entry.path();
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

// ---- offsets --------------------------------------------------------------------------------

// Hugging Face's offsets: a token's span is the input characters its bytes come from, so tokens
// that split one character between them all span that whole character.
TEST(ByteLevelBpeOffsets, Gpt2SpansHoldTheTokenBytesOnCharacterBoundaries) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_tokenizer(shared("tokenizers/gpt2"), "gpt2");
  size_t tokens = 0, golden_tokens = 0, shared_spans = 0;
  auto boundary = [](const std::string& s, size_t at) { return at == s.size() || (static_cast<unsigned char>(s[at]) & 0xC0) != 0x80; };
  for (const auto& c : golden_cases("gpt2")) {
    const std::string text = c.at("text").get<std::string>();
    const Encoding e = tok->encode(text);
    golden_tokens += c.at("input_ids").size();
    size_t prev_begin = 0, prev_end = 0;
    std::string joined;
    for (const auto& t : e.tokens) {
      ASSERT_LE(t.begin, t.end);
      ASSERT_LE(t.end, text.size());
      EXPECT_TRUE(boundary(text, t.begin) && boundary(text, t.end)) << text;
      EXPECT_GE(t.begin, prev_begin) << text;
      const std::string span = text.substr(t.begin, t.end - t.begin);
      const std::string bytes = t.special ? t.text : unbyte_level(t.text);
      EXPECT_NE(span.find(bytes), std::string::npos) << text;  // the span holds the token's bytes
      shared_spans += t.begin < prev_end;
      joined += bytes;
      prev_begin = t.begin;
      prev_end = t.end;
      ++tokens;
    }
    EXPECT_EQ(prev_end, text.size()) << text;
    EXPECT_EQ(joined, text);
  }
  EXPECT_EQ(tokens, golden_tokens);
  EXPECT_GT(shared_spans, 0u);  // the goldens have characters split between tokens
}

TEST(ByteLevelBpeOffsets, RobertaTemplateTokensAndMaskLstrip) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_tokenizer(shared("tokenizers/roberta-base"), "roberta");
  const std::string text = "The capital of France is <mask>.";
  const Encoding e = tok->encode(text);
  ASSERT_EQ(e.tokens.size(), 9u);
  const Token& bos = e.tokens.front();
  const Token& eos = e.tokens.back();
  EXPECT_TRUE(bos.special && eos.special);
  EXPECT_EQ(bos.sequence, -1);
  EXPECT_EQ(eos.sequence, -1);
  EXPECT_EQ(bos.begin, bos.end);
  EXPECT_EQ(eos.begin, eos.end);
  const size_t mask_at = text.find("<mask>");
  const Token& is = e.tokens[5];
  const Token& mask = e.tokens[6];
  EXPECT_EQ(is.text, "\xC4\xA0is");  // "Ġis"
  EXPECT_EQ(text.substr(is.begin, is.end - is.begin), "is");  // trim_offsets: the span leaves the space out
  EXPECT_EQ(is.end, mask_at - 1);  // the space before <mask> belongs to no token: lstrip took it
  EXPECT_EQ(mask.id, 50264);
  EXPECT_TRUE(mask.special);
  EXPECT_EQ(mask.sequence, 0);
  EXPECT_EQ(mask.begin, mask_at);
  EXPECT_EQ(mask.end, mask_at + 6);
  EXPECT_EQ(e.tokens[7].begin, mask_at + 6);
  EXPECT_EQ(e.tokens[7].end, text.size());

  // Same through the vocab.json loader, whose <mask> must also strip on the left.
  EXPECT_EQ(from_files("tokenizers/roberta-base", "roberta")->encode(text).ids(), e.ids());
  EXPECT_EQ(from_files("tokenizers/roberta-base", "roberta")->encode(text).tokens[6].begin, mask_at);
}

TEST(ByteLevelBpeOffsets, MultiByteCharactersSplitAcrossTokens) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_tokenizer(shared("tokenizers/gpt2"), "gpt2");
  const std::string text = "I \xF0\x9F\xA4\x96";  // "I 🤖": golden tokens I, ĠðŁ, ¤, ĸ
  const Encoding e = tok->encode(text);
  ASSERT_EQ(e.tokens.size(), 4u);
  EXPECT_EQ(e.tokens[1].begin, 1u);  // space + first two bytes of the emoji: the space and the emoji
  EXPECT_EQ(e.tokens[1].end, 6u);
  EXPECT_EQ(e.tokens[2].begin, 2u);  // a byte of the emoji: the emoji, as Hugging Face reports it
  EXPECT_EQ(e.tokens[2].end, 6u);
  EXPECT_EQ(e.tokens[3].begin, 2u);
  EXPECT_EQ(e.tokens[3].end, 6u);
  // Shown as people read it: each of them shows the emoji it holds part of.
  const auto shown = tok->display_tokens(e.tokens);
  EXPECT_EQ(shown[1], " \xF0\x9F\xA4\x96");
  EXPECT_EQ(shown[2], "\xF0\x9F\xA4\x96 (1/2)");
  EXPECT_EQ(shown[3], "\xF0\x9F\xA4\x96 (2/2)");
  EXPECT_EQ(shown[0], "I");
}

TEST(ByteLevelBpeOffsets, AddPrefixSpace) {
  ATTNSCOPE_REQUIRE_SHARED();
  nlohmann::json tj = read_json_file(shared("tokenizers/gpt2/tokenizer.json"), "tokenizer.json");
  tj["pre_tokenizer"]["add_prefix_space"] = true;
  auto tok = Tokenizer::from_json(tj, "tokenizer.json");
  // Golden: " Hello world" -> [18435, 995]; with the prefix, "Hello world" must give the same.
  const Encoding e = tok->encode("Hello world");
  EXPECT_EQ(e.ids(), (std::vector<int64_t>{18435, 995}));
  ASSERT_EQ(e.tokens.size(), 2u);
  EXPECT_EQ(e.tokens[0].begin, 0u);  // the added space is not in the input
  EXPECT_EQ(e.tokens[0].end, 5u);
  EXPECT_EQ(e.tokens[1].begin, 5u);
  EXPECT_EQ(e.tokens[1].end, 11u);
  // A text that already starts with a space gets no second one.
  EXPECT_EQ(tok->encode(" Hello world").ids(), (std::vector<int64_t>{18435, 995}));
}

// ---- display ----------------------------------------------------------------------------------

TEST(ByteLevelBpeDisplay, RoundTripsAsciiAccentedEmojiAndChinese) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_tokenizer(shared("tokenizers/gpt2"), "gpt2");
  ASSERT_EQ(tok->token_text(995), "\xC4\xA0world");  // "Ġworld"
  EXPECT_EQ(tok->display(995), " world");
  ASSERT_EQ(tok->token_text(198), "\xC4\x8A");  // "Ċ"
  EXPECT_EQ(tok->display(198), "\n");
  EXPECT_EQ(tok->display(50256), "<|endoftext|>");
  // "ĠðŁ" holds a space and the first two bytes of a four-byte character.
  ASSERT_EQ(tok->token_text(12520), "\xC4\xA0\xC3\xB0\xC5\x81");
  EXPECT_EQ(tok->display(12520), " <0xF0><0x9F>");

  int escaped = 0;
  for (const auto& c : golden_cases("gpt2")) {
    const std::string text = c.at("text").get<std::string>();
    const auto ids = c.at("input_ids").get<std::vector<int64_t>>();
    const auto tokens = c.at("tokens").get<std::vector<std::string>>();
    std::string joined;
    for (size_t i = 0; i < ids.size(); ++i) {
      const std::string d = tok->display(ids[i]);
      joined += d;
      if (tokens[i] == "<|endoftext|>") continue;
      // The golden token's bytes, through the test's own inverse of bytes_to_unicode().
      std::string bytes;
      for (size_t p = 0; p < tokens[i].size();) {
        bool found = false;
        for (int b = 0; b < 256 && !found; ++b) {
          const std::string ch = byte_char(static_cast<unsigned char>(b));
          if (tokens[i].compare(p, ch.size(), ch) == 0) {
            bytes += static_cast<char>(b);
            p += ch.size();
            found = true;
          }
        }
        ASSERT_TRUE(found) << tokens[i];
      }
      bool valid = true;
      try {
        require_utf8(bytes, "token");
      } catch (const Error&) {
        valid = false;
      }
      if (valid) {
        EXPECT_EQ(d, bytes);
      } else {
        EXPECT_NE(d.find("<0x"), std::string::npos) << tokens[i];
        EXPECT_EQ(unescape(d), bytes);
        ++escaped;
      }
    }
    EXPECT_EQ(unescape(joined), text);
  }
  EXPECT_GT(escaped, 5);  // the emoji and Chinese cases split characters
}

// ---- small hand-made models ------------------------------------------------------------------

TEST(ByteLevelBpeTiny, MergesByRankLeftmostFirstThroughBothLoaders) {
  TinyModel m;
  const auto dir = attnscope::test::scratch_dir("tiny");
  write_file(dir / "vocab.json", m.vocab.dump());
  write_file(dir / "merges.txt", m.merges_txt());
  auto files = load_tokenizer(dir, "gpt2");
  auto json = Tokenizer::from_json(m.tokenizer_json(), "tokenizer.json");
  for (const Tokenizer* tok : {files.get(), json.get()}) {
    // "hello" -> h e l l o -> he l l o -> he ll o -> hell o;  " world" -> Ġw o r l d
    EXPECT_EQ(tok->encode("hello world").ids(), (std::vector<int64_t>{258, 'o', 259, 'o', 'r', 'l', 'd'}));
    EXPECT_EQ(tok->encode("lll").ids(), (std::vector<int64_t>{257, 'l'}));  // leftmost pair merges first
    // \s is Unicode White_Space (as in HF and Python's regex): VT and NEL are spaces, so they are
    // pieces of their own and never merge with the "!" after them (with ICU's documented
    // \s = [\t\n\f\r\p{Z}] they would be "other" and merge).
    EXPECT_EQ(tok->encode("a\v!").ids(), (std::vector<int64_t>{'a', 0x0B, '!'}));
    EXPECT_EQ(tok->encode("a\xC2\x85!").ids(), (std::vector<int64_t>{'a', 261, '!'}));
    // ... while an ordinary control character is "other" and joins the punctuation run.
    EXPECT_EQ(tok->encode("a\x01!").ids(), (std::vector<int64_t>{'a', 1, '!'}));
  }
}

TEST(ByteLevelBpeTiny, WhitespaceRunsLeaveTheLastSpaceToTheWord) {
  TinyModel m;
  auto tok = Tokenizer::from_json(m.tokenizer_json(), "tokenizer.json");
  // "a   world": \s+(?!\S) takes two spaces, the third joins " world" -> Ġw.
  const Encoding e = tok->encode("a   world");
  EXPECT_EQ(e.ids(), (std::vector<int64_t>{'a', ' ', ' ', 259, 'o', 'r', 'l', 'd'}));
}

// ---- errors --------------------------------------------------------------------------------------

TEST(ByteLevelBpeErrors, MalformedVocabJson) {
  const auto dir = attnscope::test::scratch_dir("vocab");
  TinyModel m;
  write_file(dir / "merges.txt", m.merges_txt());
  nlohmann::json v = m.vocab;
  v["oops"] = "12";
  write_file(dir / "vocab.json", v.dump());
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"vocab.json", "oops", "non-integer"});
  v = m.vocab;
  v["dup"] = 5;
  write_file(dir / "vocab.json", v.dump());
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"vocab.json", "id 5"});
  write_file(dir / "vocab.json", "{\"a\": 0,");
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"vocab.json", "invalid JSON"});
}

TEST(ByteLevelBpeErrors, MalformedMergesTxt) {
  const auto dir = attnscope::test::scratch_dir("merges");
  TinyModel m;
  write_file(dir / "vocab.json", m.vocab.dump());
  write_file(dir / "merges.txt", "#version: 0.2\nh e\nl l x\n");
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"merges.txt", "line 3", "l l x"});
  write_file(dir / "merges.txt", "#version: 0.2\nh e\nq z\n");  // "qz" is not a token
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"merges.txt", "line 3", "'q' + 'z'", "missing"});
  write_file(dir / "merges.txt", "#version: 0.2\nhe xyz\n");  // "xyz" is not a token
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"merges.txt", "line 2", "'xyz'"});
  write_file(dir / "merges.txt", "#version: 0.2\n");
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"merges.txt", "no merges"});
  std::filesystem::remove(dir / "vocab.json");
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"no tokenizer files"});
}

TEST(ByteLevelBpeErrors, MalformedTokenizerJson) {
  TinyModel m;
  nlohmann::json tj = m.tokenizer_json();
  tj["model"]["merges"].push_back({"q", "z"});
  expect_model_error([&] { Tokenizer::from_json(tj, "tokenizer.json"); }, {"tokenizer.json", "model.merges[7]", "'q' + 'z'"});
  tj = m.tokenizer_json();
  tj["model"]["merges"][2] = "he ll x";
  expect_model_error([&] { Tokenizer::from_json(tj, "tokenizer.json"); }, {"tokenizer.json", "model.merges[2]"});
  // A Split pattern that does not compile, and an unknown normalizer: errors naming the JSON path.
  tj = m.tokenizer_json();
  tj["pre_tokenizer"]["pretokenizers"].insert(tj["pre_tokenizer"]["pretokenizers"].begin(),
                                              nlohmann::json::object({{"type", "Split"}, {"pattern", {{"Regex", "(\\d"}}}}));
  const auto dir = attnscope::test::scratch_dir("json");
  write_file(dir / "tokenizer.json", tj.dump());
  expect_model_error([&] { load_tokenizer(dir, "gpt2"); }, {"tokenizer.json", "pre_tokenizer.pretokenizers[0].pattern.Regex", "does not compile"});
  tj = m.tokenizer_json();
  tj["normalizer"] = {{"type", "Bogus"}};
  expect_model_error([&] { Tokenizer::from_json(tj, "tokenizer.json"); }, {"tokenizer.json: normalizer", "'Bogus'"});
}

// ---- long inputs ---------------------------------------------------------------------------------

TEST(ByteLevelBpeLong, TenMegabytesMatchRepeatedGoldenIds) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_tokenizer(shared("tokenizers/gpt2"), "gpt2");
  // "line1\nline2\n\n\tindented\r\nwindows\n": ends in "\n" and starts with a letter, so every
  // piece of the repetition is a piece of one copy and the ids are the golden ids repeated.
  std::string unit;
  std::vector<int64_t> unit_ids;
  for (const auto& c : golden_cases("gpt2"))
    if (c.at("text").get<std::string>().rfind("line1\n", 0) == 0) {
      unit = c.at("text").get<std::string>();
      unit_ids = c.at("input_ids").get<std::vector<int64_t>>();
    }
  ASSERT_FALSE(unit.empty());
  std::string text;
  std::vector<int64_t> want;
  while (text.size() < 10'000'000) {
    text += unit;
    want.insert(want.end(), unit_ids.begin(), unit_ids.end());
  }
  const auto t0 = std::chrono::steady_clock::now();
  const Encoding e = tok->encode(text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RecordProperty("seconds", std::to_string(seconds));
  std::printf("10 MB of repeated text: %zu tokens in %.2f s\n", e.tokens.size(), seconds);
  EXPECT_TRUE(e.ids() == want);
  EXPECT_EQ(e.tokens.back().end, text.size());
}

TEST(ByteLevelBpeLong, ManyDistinctWordsGiveTheSameIdsAsLineByLine) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_tokenizer(shared("tokenizers/gpt2"), "gpt2");
  // Pseudo-random words: far more distinct ones than the word cache holds. Lines end in "\n" and
  // start with a letter, so tokenizing the whole text equals tokenizing line by line.
  uint64_t state = 12345;
  auto next = [&] { return (state = state * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
  std::vector<std::string> lines;
  size_t total = 0;
  while (total < 3'000'000) {
    std::string line;
    for (int w = 0; w < 12; ++w) {
      if (w) line += ' ';
      const size_t len = 1 + next() % 12;
      for (size_t k = 0; k < len; ++k) line += static_cast<char>('a' + next() % 26);
      if (next() % 7 == 0) line += ", ";
    }
    line += ".\n";
    total += line.size();
    lines.push_back(std::move(line));
  }
  std::string text;
  for (const auto& l : lines) text += l;
  const auto t0 = std::chrono::steady_clock::now();
  const Encoding whole = tok->encode(text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("3 MB of random words: %zu tokens in %.2f s\n", whole.tokens.size(), seconds);
  // Every 97th line, found in the whole encoding by its byte offset.
  size_t pos = 0, at = 0;
  const std::vector<int64_t> got = whole.ids();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i % 97 == 0) {
      const std::vector<int64_t> line_ids = tok->encode(lines[i]).ids();
      while (at < whole.tokens.size() && whole.tokens[at].begin < pos) ++at;
      ASSERT_LE(at + line_ids.size(), got.size());
      EXPECT_EQ(std::vector<int64_t>(got.begin() + static_cast<long>(at), got.begin() + static_cast<long>(at + line_ids.size())), line_ids)
          << "line " << i;
    }
    pos += lines[i].size();
  }
  EXPECT_EQ(whole.tokens.back().end, text.size());
}

TEST(ByteLevelBpeLong, MegabyteRunsOfOneCharacterClass) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_tokenizer(shared("tokenizers/gpt2"), "gpt2");
  // One regex match each (or nearly): must neither overflow ICU's backtracking stack nor go quadratic.
  const std::string spaces(1'000'000, ' '), letters(1'000'000, 'x'), digits(1'000'000, '7'), marks(1'000'000, '!');
  const std::string text = spaces + "a" + letters + " " + digits + " " + marks + "\n";
  const Encoding e = tok->encode(text);
  // GPT-2 has no multi-space token: all spaces but the one joining "a" are 220 ("Ġ").
  ASSERT_GT(e.tokens.size(), spaces.size());
  for (size_t i = 0; i + 1 < spaces.size(); i += 99'991) EXPECT_EQ(e.tokens[i].id, 220) << i;
  size_t pos = 0;
  for (const auto& t : e.tokens) {
    ASSERT_EQ(t.begin, pos);
    pos = t.end;
  }
  EXPECT_EQ(pos, text.size());
}

// <mask> has lstrip: all whitespace on its left is swallowed -- Unicode White_Space too (HF strips
// with Rust's char::is_whitespace) -- so these spellings encode the same.
TEST(ByteLevelBpeOffsets, MaskSwallowsUnicodeWhitespaceOnItsLeft) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = attnscope::load_tokenizer(attnscope::test::shared("tokenizers/roberta-base"), "roberta");
  const auto want = tok->encode("The capital of France is<mask>.").ids();
  for (const char* text : {"The capital of France is <mask>.", "The capital of France is\u00a0<mask>.",
                           "The capital of France is\u3000 \u2028<mask>.", "The capital of France is\u202f<mask>."})
    EXPECT_EQ(tok->encode(text).ids(), want) << text;
  EXPECT_NE(tok->encode("The capital of France is x<mask>.").ids(), want);
}
