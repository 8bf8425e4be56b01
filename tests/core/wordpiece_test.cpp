// BERT WordPiece: exact ids against the tokenizer goldens and the bert/distilbert model goldens,
// through both loaders (tokenizer.json, vocab.txt + tokenizer_config.json), and byte spans that
// point back into the original text.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/io/safetensors.h"
#include "core/tokenizers/tokenizer.h"
#include "tests/support/golden.h"
#include "tests/support/sanitizers.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

std::vector<std::string> texts(const Encoding& e) {
  std::vector<std::string> out;
  for (const auto& t : e.tokens) out.push_back(t.text);
  return out;
}

std::string span(const std::string& text, const Token& t) { return text.substr(t.begin, t.end - t.begin); }

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// A vocab.txt (one token per line) and, if given, a tokenizer_config.json in a fresh folder.
std::filesystem::path vocab_folder(const std::string& name, const std::vector<std::string>& tokens, const std::string& config = "") {
  auto dir = attnscope::test::scratch_dir(name);
  std::string vocab;
  for (const auto& t : tokens) vocab += t + "\n";
  write_file(dir / "vocab.txt", vocab);
  if (!config.empty()) write_file(dir / "tokenizer_config.json", config);
  return dir;
}

// Line index of `token` in `tokens`: the id BertTokenizer gives it.
int64_t line_of(const std::vector<std::string>& tokens, const std::string& token) {
  auto it = std::find(tokens.begin(), tokens.end(), token);
  EXPECT_NE(it, tokens.end()) << token;
  return it - tokens.begin();
}

// Every case of a golden JSON: exact token strings and ids.
void check_golden_cases(const Tokenizer& tok, const std::string& golden, const std::string& loader) {
  const nlohmann::json g = read_json_file(shared("golden/tokenizers/" + golden), golden);
  ASSERT_TRUE(g.contains("cases"));
  size_t n = 0;
  for (const auto& c : g["cases"]) {
    const std::string text = c["text"].get<std::string>();
    const Encoding e = tok.encode(text);
    EXPECT_EQ(texts(e), c["tokens"].get<std::vector<std::string>>()) << loader << ": " << text;
    EXPECT_EQ(e.ids(), c["input_ids"].get<std::vector<int64_t>>()) << loader << ": " << text;
    ++n;
  }
  EXPECT_GT(n, 0u) << golden;
}

std::filesystem::path golden_vocab_dir(const std::string& golden) {
  const nlohmann::json g = read_json_file(shared("golden/tokenizers/" + golden), golden);
  return shared(g["vocab"].get<std::string>()).parent_path();
}

// `f` throws Error(Model) whose message mentions every string of `mentions`.
void expect_model_error(const std::function<void()>& f, const std::vector<std::string>& mentions, const std::string& what) {
  try {
    f();
    ADD_FAILURE() << "expected an error for " << what;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Model) << what;
    for (const auto& m : mentions) EXPECT_NE(std::string(e.what()).find(m), std::string::npos) << what << ": " << e.what();
  }
}

std::unique_ptr<Tokenizer> bert_uncased() { return load_tokenizer(shared("tokenizers/bert-base-uncased"), "bert"); }

}  // namespace

TEST(WordPieceGolden, BertBaseUncasedThroughTokenizerJson) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = golden_vocab_dir("bert-base-uncased.json");
  auto tok = load_tokenizer(dir, "bert");
  EXPECT_EQ(tok->kind(), "WordPiece");
  EXPECT_EQ(tok->vocab_size(), 30522);
  check_golden_cases(*tok, "bert-base-uncased.json", "tokenizer.json");
}

TEST(WordPieceGolden, BertBaseUncasedThroughVocabTxt) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = load_vocab_txt(golden_vocab_dir("bert-base-uncased.json"));
  EXPECT_EQ(tok->kind(), "WordPiece");
  check_golden_cases(*tok, "bert-base-uncased.json", "vocab.txt");
}

TEST(WordPieceGolden, ChineseRobertaWwmThroughBothLoaders) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = golden_vocab_dir("hfl-chinese-roberta-wwm-ext.json");
  check_golden_cases(*load_tokenizer(dir, "bert"), "hfl-chinese-roberta-wwm-ext.json", "tokenizer.json");
  check_golden_cases(*load_vocab_txt(dir), "hfl-chinese-roberta-wwm-ext.json", "vocab.txt");
}

TEST(WordPieceGolden, LoadTokenizerFindsVocabTxtWithoutTokenizerJson) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto src = shared("tokenizers/bert-base-uncased");
  const auto dir = attnscope::test::scratch_dir("bert-vocab-only");
  for (const char* f : {"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"})
    std::filesystem::copy_file(src / f, dir / f);
  auto tok = load_tokenizer(dir, "bert");
  EXPECT_EQ(tok->kind(), "WordPiece");
  check_golden_cases(*tok, "bert-base-uncased.json", "vocab.txt via load_tokenizer");
}

TEST(WordPieceModelGolden, BertAndDistilbertInputIdsAndTokenTypes) {
  ATTNSCOPE_REQUIRE_SHARED();
  size_t files = 0;
  for (const std::string model : {"bert-random", "distilbert-random"}) {
    auto tok = load_tokenizer(shared("models/" + model), model == "bert-random" ? "bert" : "distilbert");
    EXPECT_EQ(tok->kind(), "WordPiece");
    for (const auto& path : attnscope::test::golden_files(model)) {
      SafetensorsFile g(path.string());
      const std::string name = model + "/" + path.filename().string();
      const auto& meta = g.metadata();
      auto pair = meta.find("text_pair");
      const Encoding e = pair == meta.end() ? tok->encode(meta.at("text")) : tok->encode_pair(meta.at("text"), pair->second);
      std::vector<int64_t> want = g.ints("input_ids");
      std::vector<int64_t> want_types = g.find("token_type_ids") ? g.ints("token_type_ids") : std::vector<int64_t>(want.size(), 0);
      if (g.find("attention_mask")) {  // 04_padded: the [PAD] tail is fed by the model test
        const auto mask = g.ints("attention_mask");
        const size_t real = static_cast<size_t>(std::count(mask.begin(), mask.end(), 1));
        ASSERT_LT(real, want.size()) << name;
        want.resize(real);
        want_types.resize(real);
      }
      EXPECT_EQ(e.ids(), want) << name;
      EXPECT_EQ(e.type_ids(), want_types) << name;
      if (pair != meta.end()) {
        EXPECT_NE(std::count(want_types.begin(), want_types.end(), 1), 0) << name;
      }
      ++files;
    }
  }
  EXPECT_EQ(files, 9u);  // bert-random 01..05, distilbert-random 01..04
}

TEST(WordPieceOffsets, AccentsMapBackToTheOriginalCharacters) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = bert_uncased();
  const std::string text = "H\xC3\xA9llo \xC4\xB0stanbul Cafe\xCC\x81!";  // "Héllo İstanbul Café!" (é decomposed in Café)
  const Encoding e = tok->encode(text);
  ASSERT_EQ(texts(e), (std::vector<std::string>{"[CLS]", "hello", "istanbul", "cafe", "!", "[SEP]"}));
  EXPECT_EQ(span(text, e.tokens[1]), "H\xC3\xA9llo");
  EXPECT_EQ(span(text, e.tokens[2]), "\xC4\xB0stanbul");  // İ lowercases to i + U+0307, which is stripped
  EXPECT_EQ(span(text, e.tokens[3]), "Cafe");            // the dropped combining accent belongs to no token
  EXPECT_EQ(span(text, e.tokens[4]), "!");
}

TEST(WordPieceOffsets, CjkPunctuationAndSubwords) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = bert_uncased();
  const std::string text = "\xE6\x9D\xB1\xE4\xBA\xAC don't unaffable";  // "東京 don't unaffable"
  const Encoding e = tok->encode(text);
  ASSERT_EQ(texts(e), (std::vector<std::string>{"[CLS]", "\xE6\x9D\xB1", "\xE4\xBA\xAC", "don", "'", "t", "una", "##ffa", "##ble", "[SEP]"}));
  const std::vector<std::string> want = {"", "\xE6\x9D\xB1", "\xE4\xBA\xAC", "don", "'", "t", "una", "ffa", "ble", ""};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(span(text, e.tokens[i]), want[i]) << i;
}

TEST(WordPieceOffsets, ControlCharactersAreSkippedButSpansStayInTheInput) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = bert_uncased();
  const std::string text("tab\there\0null\xE2\x80\x8Bzero", 20);  // NUL and U+200B are deleted
  ASSERT_EQ(text.size(), 20u);
  const Encoding e = tok->encode(text);
  ASSERT_EQ(texts(e), (std::vector<std::string>{"[CLS]", "tab", "here", "##nu", "##ll", "##zer", "##o", "[SEP]"}));
  EXPECT_EQ(e.tokens[2].begin, 4u);
  EXPECT_EQ(e.tokens[2].end, 8u);
  EXPECT_EQ(e.tokens[3].begin, 9u);  // after the NUL at 8
  EXPECT_EQ(span(text, e.tokens[4]), "ll");
  EXPECT_EQ(e.tokens[5].begin, 16u);  // after U+200B at 13..16
  EXPECT_EQ(span(text, e.tokens[5]), "zer");
  EXPECT_EQ(span(text, e.tokens[6]), "o");
}

TEST(WordPieceOffsets, SpecialTokensLiteralAndFromTheTemplate) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = bert_uncased();
  const std::string text = "[CLS] x [MASK]. [mask]";
  const Encoding e = tok->encode(text);
  ASSERT_EQ(texts(e), (std::vector<std::string>{"[CLS]", "[CLS]", "x", "[MASK]", ".", "[", "mask", "]", "[SEP]"}));
  EXPECT_TRUE(e.tokens[0].special);
  EXPECT_EQ(e.tokens[0].begin, e.tokens[0].end);
  EXPECT_EQ(e.tokens[0].sequence, -1);
  EXPECT_TRUE(e.tokens.back().special);
  EXPECT_EQ(e.tokens.back().begin, e.tokens.back().end);
  EXPECT_TRUE(e.tokens[1].special);
  EXPECT_EQ(span(text, e.tokens[1]), "[CLS]");
  EXPECT_EQ(e.tokens[1].begin, 0u);
  EXPECT_TRUE(e.tokens[3].special);
  EXPECT_EQ(span(text, e.tokens[3]), "[MASK]");
  EXPECT_FALSE(e.tokens[6].special);
  EXPECT_EQ(span(text, e.tokens[6]), "mask");
  EXPECT_EQ(tok->display(e.tokens[3].id), "[MASK]");
  EXPECT_EQ(tok->display(*tok->token_id("##ffa")), "##ffa");
}

TEST(WordPieceOffsets, OverlongWordIsOneUnknownOverTheWholeWord) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = bert_uncased();
  const std::string word100(100, 'a'), word101(101, 'a');
  const Encoding e = tok->encode("x " + word101 + " " + word100);
  ASSERT_GE(e.tokens.size(), 5u);
  EXPECT_EQ(e.tokens[2].text, "[UNK]");
  EXPECT_EQ(e.tokens[2].begin, 2u);
  EXPECT_EQ(e.tokens[2].end, 103u);
  EXPECT_NE(e.tokens[3].text, "[UNK]");  // exactly 100 characters is still segmented
}

TEST(WordPieceErrors, DuplicateTokenInVocabTxtNamesBothLines) {
  auto dir = vocab_folder("dup", {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "foo", "bar", "foo"});
  expect_model_error([&] { load_vocab_txt(dir); }, {"vocab.txt", "'foo'", "lines 5 and 7"}, "a repeated token");
}

TEST(WordPieceErrors, EmptyVocabularies) {
  auto dir = vocab_folder("empty", {});
  expect_model_error([&] { load_tokenizer(dir, "bert"); }, {"vocab.txt", "empty"}, "an empty vocab.txt");
  const nlohmann::json tj = {{"model", {{"type", "WordPiece"}, {"vocab", nlohmann::json::object()}, {"unk_token", "[UNK]"}}},
                             {"normalizer", {{"type", "BertNormalizer"}}},
                             {"pre_tokenizer", {{"type", "BertPreTokenizer"}}}};
  write_file(dir / "tokenizer.json", tj.dump());
  expect_model_error([&] { load_tokenizer(dir, "bert"); }, {"tokenizer.json", "empty"}, "an empty model.vocab");
}

TEST(WordPieceErrors, MalformedTokenizerJson) {
  auto dir = attnscope::test::scratch_dir("malformed");
  auto check = [&](const std::string& content, const std::string& what) {
    write_file(dir / "tokenizer.json", content);
    expect_model_error([&] { load_tokenizer(dir, "bert"); }, {"tokenizer.json"}, what);
  };
  const nlohmann::json vocab = {{"[UNK]", 0}, {"[CLS]", 1}, {"[SEP]", 2}, {"a", 3}};
  check("{\"model\": {\"type\": \"WordPiece\", ", "truncated JSON");
  check(nlohmann::json({{"model", {{"type", "WordPiece"}, {"vocab", {{"a", "x"}}}}}}).dump(), "a non-integer id");
  check(nlohmann::json({{"model", {{"type", "WordPiece"}, {"vocab", vocab}, {"unk_token", "<unk>"}}},
                        {"pre_tokenizer", {{"type", "BertPreTokenizer"}}}})
            .dump(),
        "an unknown token missing from the vocabulary");
  check(nlohmann::json({{"model", {{"type", "WordPiece"}, {"vocab", vocab}}}, {"pre_tokenizer", {{"type", "Bogus"}}}}).dump(),
        "an unknown pre-tokenizer");
  check(nlohmann::json({{"model", {{"type", "WordPiece"}, {"vocab", vocab}}},
                        {"normalizer", {{"type", "BertNormalizer"}, {"lowercase", "yes"}}},
                        {"pre_tokenizer", {{"type", "BertPreTokenizer"}}}})
            .dump(),
        "a non-boolean lowercase");
  check(nlohmann::json({{"model", {{"type", "WordPiece"}, {"vocab", vocab}}},
                        {"normalizer", {{"type", 5}}},
                        {"pre_tokenizer", {{"type", "BertPreTokenizer"}}}})
            .dump(),
        "a non-string normalizer type");
}

TEST(WordPieceErrors, BadTokenizerConfig) {
  const std::vector<std::string> vocab = {"[UNK]", "[CLS]", "[SEP]"};
  expect_model_error([&] { load_vocab_txt(vocab_folder("lower", vocab, R"({"do_lower_case": "yes"})")); },
                     {"tokenizer_config.json", "do_lower_case"}, "a non-boolean do_lower_case");
  expect_model_error([&] { load_vocab_txt(vocab_folder("decoder", vocab, R"({"added_tokens_decoder": {"x": "[CLS]"}})")); },
                     {"tokenizer_config.json", "added_tokens_decoder"}, "a non-numeric added token id");
  expect_model_error([&] { load_vocab_txt(vocab_folder("nocls", {"[UNK]", "a"})); }, {"vocab.txt", "[CLS]"},
                     "a vocabulary without [CLS]");
}

// A vocabulary written here; the expected ids are the line numbers the rules lead to.
TEST(WordPieceRules, CasedKeepsCaseAndAccentsUncasedFoldsThem) {
  const std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "H\xC3\xA9llo", "hello", "H", "##\xC3\xA9",
                                          "Z\xC3\xBCrich", "zurich", ",", "h\xC3\xA9llo", "z\xC3\xBCr", "##ich"};
  auto id = [&](const std::string& t) { return line_of(vocab, t); };
  const std::string text = "H\xC3\xA9llo hello Z\xC3\xBCrich, H\xC3\xA9";  // "Héllo hello Zürich, Hé"

  // Cased: exact vocabulary entries; "Hé" -> "H" + "##é".
  auto cased = load_vocab_txt(vocab_folder("cased", vocab, R"({"do_lower_case": false})"));
  EXPECT_EQ(cased->encode(text).ids(), (std::vector<int64_t>{id("[CLS]"), id("H\xC3\xA9llo"), id("hello"), id("Z\xC3\xBCrich"), id(","),
                                                              id("H"), id("##\xC3\xA9"), id("[SEP]")}));

  // Uncased: lowercase + strip accents; "he" has no segmentation ("h" is not listed) -> [UNK].
  auto uncased = load_vocab_txt(vocab_folder("uncased", vocab, R"({"do_lower_case": true})"));
  EXPECT_EQ(uncased->encode(text).ids(),
            (std::vector<int64_t>{id("[CLS]"), id("hello"), id("hello"), id("zurich"), id(","), id("[UNK]"), id("[SEP]")}));

  // Lowercase but keep accents: "héllo", "zür" + "##ich"; "hé" -> [UNK].
  auto lower_only = load_vocab_txt(vocab_folder("lower", vocab, R"({"do_lower_case": true, "strip_accents": false})"));
  const Encoding e = lower_only->encode(text);
  EXPECT_EQ(e.ids(), (std::vector<int64_t>{id("[CLS]"), id("h\xC3\xA9llo"), id("hello"), id("z\xC3\xBCr"), id("##ich"), id(","),
                                             id("[UNK]"), id("[SEP]")}));
  EXPECT_EQ(span(text, e.tokens[3]), "Z\xC3\xBCr");
  EXPECT_EQ(span(text, e.tokens[4]), "ich");

  // No Chinese handling: CJK ideographs stay inside their word.
  auto no_cjk = load_vocab_txt(
      vocab_folder("nocjk", {"[UNK]", "[CLS]", "[SEP]", "a", "##\xE4\xB8\xAD", "\xE4\xB8\xAD"}, R"({"tokenize_chinese_chars": false})"));
  EXPECT_EQ(no_cjk->encode("a\xE4\xB8\xAD").ids(), (std::vector<int64_t>{1, 3, 4, 2}));
  auto cjk = load_vocab_txt(vocab_folder("cjk", {"[UNK]", "[CLS]", "[SEP]", "a", "##\xE4\xB8\xAD", "\xE4\xB8\xAD"}));
  EXPECT_EQ(cjk->encode("a\xE4\xB8\xAD").ids(), (std::vector<int64_t>{1, 3, 5, 2}));
}

// Hugging Face's tokenizers lowercase character by character (Rust's char::to_lowercase): capital
// sigma is always small sigma, never the final form Python's str.lower gives at a word's end. The
// vocab.txt folder is read as the fast tokenizer transformers converts it to, so the same holds.
TEST(WordPieceRules, SigmaLowercasesPerCharacterAsHuggingFace) {
  const std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                                          "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82",  // οδος
                                          "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83",  // οδοσ
                                          "\xCF\x83",                          // σ
                                          "\xCF\x82",                          // ς
                                          "##\xCF\x82",                        // ##ς
                                          "##\xCF\x83",                        // ##σ
                                          "\xCE\xB1",                          // α
                                          ".",
                                          "##\xCE\xB1"};  // ##α
  auto tok = load_vocab_txt(vocab_folder("sigma", vocab));
  auto id = [&](const std::string& t) { return line_of(vocab, t); };
  // "ΟΔΟΣ ΟΔΟΣ. Σ ΑΣ ΑΣΑ"
  const std::string text =
      "\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 \xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3. \xCE\xA3 \xCE\x91\xCE\xA3 \xCE\x91\xCE\xA3\xCE\x91";
  EXPECT_EQ(tok->encode(text).ids(),
            (std::vector<int64_t>{id("[CLS]"), id("\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83"), id("\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83"), id("."),
                                  id("\xCF\x83"), id("\xCE\xB1"), id("##\xCF\x83"), id("\xCE\xB1"), id("##\xCF\x83"), id("##\xCE\xB1"),
                                  id("[SEP]")}));
}

TEST(WordPieceRules, PairTemplateFromVocabTxt) {
  auto tok = load_vocab_txt(vocab_folder("pair", {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b"}));
  const Encoding e = tok->encode_pair("a", "b b");
  EXPECT_EQ(e.ids(), (std::vector<int64_t>{2, 4, 3, 5, 5, 3}));
  EXPECT_EQ(e.type_ids(), (std::vector<int64_t>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(e.tokens[3].sequence, 1);
  EXPECT_EQ(e.tokens[4].begin, 2u);
}

TEST(WordPiecePerformance, TenMegabytesInSeconds) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto tok = bert_uncased();
  const std::string chunk =
      "Once upon a time, in a small village near the edge of a quiet forest, a curious little girl named Mia found "
      "a shiny key. H\xC3\xA9llo na\xC3\xAFve caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC unaffable 3.14 don't \xE2\x80\x94 ";
  std::string text;
  while (text.size() < 10'000'000) text += chunk;
  text += std::string(1'000'000, 'x') + " end";  // one enormous word: [UNK], found in linear time
  const auto t0 = std::chrono::steady_clock::now();
  const Encoding e = tok->encode(text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(seconds, 30.0 * test::kSanitizerFactor) << "quadratic behaviour would take hours";
  ASSERT_GT(e.tokens.size(), 2'000'000u);
  const Token& unk = e.tokens[e.tokens.size() - 3];
  EXPECT_EQ(unk.text, "[UNK]");
  EXPECT_EQ(unk.end - unk.begin, 1'000'000u);
  EXPECT_EQ(e.tokens[e.tokens.size() - 2].end, text.size());
  std::printf("10 MB: %zu tokens in %.2f s\n", e.tokens.size(), seconds);
}
