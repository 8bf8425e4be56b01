// Resource limits and cancellation (the memory budget of a run, cancel at every layer of every
// architecture) and the regression tests of what the fuzzers found (tests/fuzz).
#include <unistd.h>

#include <chrono>
#include <functional>
#include <limits>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/io/json_file.h"
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/memory_budget.h"
#include "core/tokenizers/tokenizer.h"
#include "tests/support/bad_inputs.h"
#include "tests/support/shared_data.h"

using namespace attnscope;

namespace {

// The shape of stories260K: 5 layers, 8 heads, hidden 64, vocabulary 512, language-model head.
ModelInfo llama_like() {
  ModelInfo m;
  m.num_layers = 5;
  m.num_heads = 8;
  m.hidden_size = 64;
  m.vocab_size = 512;
  m.head = HeadKind::LanguageModel;
  return m;
}

std::string error_of(const std::function<void()>& f, ErrorKind kind) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(MemoryBudget, EstimateCountsCapturedMapsHiddenStatesAndLogits) {
  ModelInfo m = llama_like();
  const int64_t S = 100;
  ForwardOptions all;
  MemoryEstimate e = estimate_run_memory(m, S, all);
  EXPECT_EQ(e.attention, 5u * 8 * 100 * 100 * 4);  // layers x heads x S^2 x float
  // The layer being computed: a row block of weights per thread, its activations.
  EXPECT_EQ(e.working, std::max(1u, std::thread::hardware_concurrency()) * 100u * 100 * 4 + 100u * (4 * 64 + 2 * 16 * 8) * 4);
  EXPECT_EQ(e.hidden, 100u * 64 * 4);              // last_hidden_state
  EXPECT_EQ(e.logits, 100u * 512 * 4);             // LogitsMode::All
  EXPECT_EQ(e.total(), e.attention + e.working + e.hidden + e.logits);

  ForwardOptions some;
  some.layers = {0, 4};
  some.hidden_states = true;
  some.logits = LogitsMode::Last;
  e = estimate_run_memory(m, S, some);
  EXPECT_EQ(e.attention, 2u * 8 * 100 * 100 * 4);
  EXPECT_EQ(e.hidden, (5u + 1 + 1) * 100 * 64 * 4);  // L+1 hidden states and the last one
  EXPECT_EQ(e.logits, 512u * 4);

  ForwardOptions keys;
  keys.query_keys = true;
  keys.threads = 3;
  m.num_kv_heads = 2;
  m.intermediate_size = 256;
  e = estimate_run_memory(m, 1000, keys);
  EXPECT_EQ(e.attention, 5u * 1000 * 8 * (8 + 2) * 4);  // layers x S x d x (H + Hkv) x float
  EXPECT_EQ(e.working, 3u * 128 * 1000 * 4 + 1000u * (4 * 64 + 2 * 10 * 8 + 2 * 256) * 4);

  ModelInfo classifier = m;
  classifier.head = HeadKind::Classifier;
  EXPECT_EQ(estimate_run_memory(classifier, S, all).logits, 0u);
}

TEST(MemoryBudget, AbsurdSequencesSaturateInsteadOfWrapping) {
  ModelInfo m = llama_like();
  m.num_layers = 1024;
  m.num_heads = 1024;
  const MemoryEstimate e = estimate_run_memory(m, int64_t{1} << 40, {});
  EXPECT_EQ(e.total(), std::numeric_limits<uint64_t>::max());
  EXPECT_THROW(check_memory_budget(e, uint64_t{1} << 62, int64_t{1} << 40), Error);
}

TEST(MemoryBudget, RefusalNamesEstimateBudgetAndAlternatives) {
  const ModelInfo m = llama_like();
  ForwardOptions two_threads;
  two_threads.threads = 2;
  const MemoryEstimate e = estimate_run_memory(m, 100, two_threads);
  EXPECT_NO_THROW(check_memory_budget(e, e.total(), 100));  // exactly at the budget is fine
  const std::string msg = error_of([&] { check_memory_budget(e, e.total() - 1, 100); }, ErrorKind::Resource);
  // 1,600,000 + (80,000 + 204,800) + 25,600 + 204,800 = 2,115,200 bytes = 2.02 MiB.
  EXPECT_NE(msg.find("this run of 100 tokens would need about 2.0 MiB (attention maps 1.5 MiB, hidden states 25.0 KiB, "
                     "logits 200.0 KiB) but the memory budget is 2.0 MiB"),
            std::string::npos)
      << msg;
  for (const char* way : {"--layers", "--max-tokens", "--memory-budget"}) EXPECT_NE(msg.find(way), std::string::npos) << msg;
}

TEST(MemoryBudget, DefaultIsHalfThePhysicalMemory) {
  const uint64_t ram = static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(::sysconf(_SC_PAGE_SIZE));
  EXPECT_EQ(default_memory_budget(), ram / 2);
}

TEST(MemoryBudget, ParsesSizes) {
  EXPECT_EQ(parse_byte_size("100000", "--memory-budget"), 100000u);
  EXPECT_EQ(parse_byte_size("512M", "--memory-budget"), 512ull << 20);
  EXPECT_EQ(parse_byte_size("2G", "--memory-budget"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("2 gb", "--memory-budget"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("1.5GiB", "--memory-budget"), 3ull << 29);
  EXPECT_EQ(parse_byte_size("64k", "--memory-budget"), 64ull << 10);
  EXPECT_EQ(parse_byte_size("1T", "--memory-budget"), 1ull << 40);
  for (const char* bad : {"", "G", "-1G", "1X", "0", "1.5.2G", "1e3", "2GiBs", "99999999T"})
    EXPECT_NE(error_of([&] { parse_byte_size(bad, "--memory-budget"); }, ErrorKind::Usage).find("--memory-budget: expected a size"),
              std::string::npos)
        << bad;
  EXPECT_EQ(format_bytes(100), "100 bytes");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(3ull << 30), "3.0 GiB");
}

TEST(MemoryBudget, AnalyzerRefusesBeforeTheForwardPassStarts) {
  auto analyzer = Analyzer::open(test::builtin_model("stories260K"));
  AnalysisRequest req;
  req.text = "the cat sat on the mat.";  // 11 tokens
  req.memory_budget = 1000;
  int progress_calls = 0;
  const std::string msg = error_of([&] { analyzer->run(req, [&](const Progress&) { return ++progress_calls > 0; }); }, ErrorKind::Resource);
  EXPECT_EQ(progress_calls, 0) << "the forward pass must not start";
  EXPECT_NE(msg.find("this run of 11 tokens would need about"), std::string::npos) << msg;
  EXPECT_NE(msg.find("but the memory budget is 1000 bytes"), std::string::npos) << msg;
  // The estimate of MemoryBudget.EstimateCounts... is the line: at it the run goes, a byte less not.
  const uint64_t need = estimate_run_memory(analyzer->info(), 11, req.forward).total();
  req.memory_budget = need;
  EXPECT_NO_THROW(analyzer->run(req));
  req.memory_budget = need - 1;
  EXPECT_THROW(analyzer->run(req), Error);
}

// Cancelling at each layer boundary of each architecture gives a cancelled result with no data.
TEST(Cancel, AtEveryLayerOfEveryArchitecture) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* name : {"stories260K", "bert-random", "gpt2-random", "roberta-random", "distilbert-random", "dino-random"}) {
    auto analyzer = Analyzer::open(test::shared(std::string("models/") + name));
    AnalysisRequest req;
    if (analyzer->info().modality == Modality::Text) req.text = "the cat sat on the mat.";
    else req.image = test::shared("samples/images/coffee.png");
    const int layers = analyzer->info().num_layers;
    for (int stop = 1; stop <= layers; ++stop) {
      int calls = 0;
      const Analysis a = analyzer->run(req, [&](const Progress& p) {
        ++calls;
        EXPECT_EQ(p.total, layers) << name;
        return p.done < stop;
      });
      EXPECT_TRUE(a.cancelled) << name << " stop " << stop;
      EXPECT_EQ(calls, stop) << name;
      EXPECT_TRUE(a.forward.attentions.data.empty()) << name;
      EXPECT_TRUE(a.forward.logits.empty()) << name;
      EXPECT_TRUE(a.predictions.empty()) << name;
    }
    EXPECT_FALSE(analyzer->run(req).cancelled) << name << ": still usable after cancelling";
  }
}

// --- what the fuzzers found ------------------------------------------------------------------

// fuzz_safetensors: reading a zero-element F32 tensor passed a null pointer to memcpy (UBSan).
TEST(FuzzRegression, ZeroElementTensorReadsAsEmpty) {
  const auto dir = test::scratch_dir("zero");
  const nlohmann::json header = {{"z", {{"dtype", "F32"}, {"shape", {0, 4}}, {"data_offsets", {0, 0}}}}};
  test::write_file(dir / "z.safetensors", test::safetensors_bytes(header, ""));
  SafetensorsFile f((dir / "z.safetensors").string());
  EXPECT_TRUE(f.tensor("z").data.empty());
  EXPECT_EQ(shape_to_string(f.tensor("z").shape), "[0,4]");
}

// fuzz_tokenizer_json: a vocabulary entry shaped like a byte token but not hex ("<0xZZ>") made
// display() throw std::invalid_argument out of std::stoi.
TEST(FuzzRegression, SentencePieceDisplaysMalformedByteTokensAsText) {
  ATTNSCOPE_REQUIRE_SHARED();
  nlohmann::json tj = nlohmann::json::parse(test::read_file(test::shared("models/stories260K/tokenizer.json")));
  tj["model"]["vocab"]["<0xZZ>"] = 512;
  tj["model"]["vocab"]["<0x+1>"] = 513;
  tj["model"]["vocab"]["<0x-1>"] = 514;
  const auto tok = Tokenizer::from_json(tj, "tokenizer.json");
  EXPECT_EQ(tok->display(512), "<0xZZ>");
  EXPECT_EQ(tok->display(513), "<0x+1>");
  EXPECT_EQ(tok->display(514), "<0x-1>");
  EXPECT_EQ(tok->display(*tok->token_id("<0x41>")), "A");  // real byte tokens still decode
}

// fuzz_image: a PNG header claiming 4081941391 x 4286513152 pixels overflowed the pixel count
// (signed 64-bit multiplication, UBSan) in the size check.
TEST(FuzzRegression, HugeHeaderDimensionsAreRefusedWithoutOverflow) {
  const std::string p = test::png(0xF34D7B8F, 0xFF7F0000, 8, 0, {std::string(1, '\0')});
  const std::string msg = error_of([&] { decode_image(reinterpret_cast<const uint8_t*>(p.data()), p.size(), "x.png"); }, ErrorKind::Input);
  EXPECT_NE(msg.find("x.png: the image is 4081941391x4286513152 = 17497295458214 megapixels; at most 100 megapixels are accepted"),
            std::string::npos)
      << msg;
}

// README, Security: no code path executes anything (from a model folder or elsewhere).
TEST(Security, NoCodePathStartsAProcessOrLoadsALibrary) {
  // A call of one of these, bare or as std:: / :: (not a member such as QLocale::system()).
  const std::regex exec(
      R"((?:^|[^\w:.]|std::|[^\w]::)(system|popen|fork|vfork|posix_spawnp?|exec[lv]p?e?|dlopen)\s*\(|\bQ(Process|Library|PluginLoader)\b)");
  size_t files = 0;
  for (const char* dir : {"core", "ui", "app"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(test::source_dir() / dir)) {
      if (!e.is_regular_file()) continue;
      const std::string ext = e.path().extension().string();
      if (ext != ".cpp" && ext != ".h") continue;
      ++files;
      std::string text = test::read_file(e.path());
      // The one library opened: OpenCV's image decoders, by the soname fixed at build time.
      if (e.path().filename() == "image_codecs.cpp") {
        const std::string allowed = "dlopen(ATTNSCOPE_IMGCODECS_SONAME,";
        const size_t at = text.find(allowed);
        EXPECT_NE(at, std::string::npos) << "image_codecs.cpp no longer opens the decoders by their soname";
        if (at != std::string::npos) text.erase(at, allowed.size());
      }
      std::smatch m;
      EXPECT_FALSE(std::regex_search(text, m, exec)) << e.path() << ": " << m.str();
    }
  }
  EXPECT_GT(files, 100u);
  // The pattern itself: calls are found, a member function of the same name is not.
  for (const char* call : {"  system(\"rm\");", "std::system(x);", " ::popen(cmd, \"r\");", "if (fork() == 0)", "QProcess p;"})
    EXPECT_TRUE(std::regex_search(std::string(call), exec)) << call;
  EXPECT_FALSE(std::regex_search(std::string("QLocale::system().language()"), exec));
}

// bad_inputs_test WeightsMissing: stories260K without model.safetensors was said to hold "only
// PyTorch pickle weights" because of its tokenizer file tok512.bin.
TEST(Pickle, OnlyPytorchCheckpointsCountAsPickleWeights) {
  for (const char* name : {"pytorch_model.bin", "pytorch_model-00001-of-00002.bin", "pytorch_model.bin.index.json", "model.pt",
                           "weights.pth", "last.ckpt", "state.pkl"})
    EXPECT_TRUE(is_pickle_weights(name)) << name;
  for (const char* name : {"tok512.bin", "model.safetensors", "tokenizer.json", "vocab.txt", "merges.txt"})
    EXPECT_FALSE(is_pickle_weights(name)) << name;
}

// fuzz_tokenizer_json: a TemplateProcessing "pair" template whose second Sequence had no "id"
// was read as a second $A, so A's tokens appeared twice and truncating the pair to 5 tokens gave
// 6. Hugging Face refuses such a file (Piece::Sequence needs "id": "A" | "B" and "type_id");
// we also refuse a template that does not hold each of its sequences exactly once, the layout
// truncation relies on.
TEST(FuzzRegression, TemplatesMustHoldEachSequenceOnce) {
  ATTNSCOPE_REQUIRE_SHARED();
  const nlohmann::json tj = nlohmann::json::parse(test::read_file(test::shared("models/stories260K/tokenizer.json")));
  const nlohmann::json bos = {{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}};
  auto seq = [](nlohmann::json fields) { return nlohmann::json{{"Sequence", std::move(fields)}}; };
  const nlohmann::json a = seq({{"id", "A"}, {"type_id", 0}}), b = seq({{"id", "B"}, {"type_id", 1}});
  struct Case {
    const char* what;
    const char* key;      // "single" or "pair"
    nlohmann::json tmpl;  // (a one-element brace list would be a copy under clang, not an array)
    const char* message;
  };
  const std::vector<Case> cases = {
      {"the fuzz finding", "pair", {bos, a, bos, seq({{"type_id", 1}})}, "a Sequence needs \"id\": \"A\" or \"B\""},
      {"unknown sequence", "pair", {bos, a, seq({{"id", "C"}, {"type_id", 1}})}, "a Sequence needs \"id\": \"A\" or \"B\""},
      {"no type id", "single", {bos, seq({{"id", "A"}})}, "needs a non-negative integer \"type_id\""},
      {"negative type id", "single", {bos, seq({{"id", "A"}, {"type_id", -1}})}, "needs a non-negative integer \"type_id\""},
      {"special without type id", "single", {{{"SpecialToken", {{"id", "<s>"}}}}, a}, "needs a non-negative integer \"type_id\""},
      {"A twice", "pair", {bos, a, bos, a, b}, "the 'pair' template must hold $A and $B once each (it has 2 x $A, 1 x $B)"},
      {"no B", "pair", {bos, a, bos}, "the 'pair' template must hold $A and $B once each (it has 1 x $A, 0 x $B)"},
      {"B in single", "single", {bos, a, b}, "the 'single' template must hold $A once and no $B (it has 1 x $A, 1 x $B)"},
      {"no A in single", "single", nlohmann::json::array({bos}), "the 'single' template must hold $A once and no $B (it has 0 x $A, 0 x $B)"},
  };
  for (const Case& c : cases) {
    nlohmann::json broken = tj;
    broken["post_processor"][c.key] = c.tmpl;
    const std::string msg = error_of([&] { Tokenizer::from_json(broken, "tokenizer.json"); }, ErrorKind::Model);
    EXPECT_NE(msg.find(std::string("tokenizer.json: ") + "post_processor"), std::string::npos) << c.what << ": " << msg;
    EXPECT_NE(msg.find(c.message), std::string::npos) << c.what << ": " << msg;
  }
  // The real template still truncates a pair to the limit: "<s> A <s> B" with 2 + 2 text tokens.
  const auto tok = Tokenizer::from_json(tj, "tokenizer.json");
  const Encoding enc = tok->encode_pair("the cat sat on the mat.", "the dog ran.", 6);
  EXPECT_TRUE(enc.truncated);
  EXPECT_EQ(enc.tokens.size(), 6u);
  EXPECT_EQ(tok->encode("the cat sat on the mat.", 5).tokens.size(), 5u);
}

// fuzz_tokenizer_json: an added token with "special": 210 made nlohmann's typed accessor throw
// json::type_error out of load_tokenizer() (the SentencePiece and byte-level loaders did not
// convert it). A value of the wrong type anywhere in tokenizer.json is a malformed model file.
TEST(FuzzRegression, WrongJsonTypesInTokenizerJsonAreModelErrors) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* name : {"stories260K", "bert-random", "gpt2-random"}) {
    const auto dir = test::scratch_dir(std::string("wrong-type-") + name);
    nlohmann::json tj = nlohmann::json::parse(test::read_file(test::shared(std::string("models/") + name + "/tokenizer.json")));
    tj["added_tokens"][0]["special"] = 210;
    test::write_file(dir / "tokenizer.json", tj.dump());
    const std::string msg = error_of([&] { load_tokenizer(dir, "llama"); }, ErrorKind::Model);
    EXPECT_NE(msg.find("tokenizer.json: unexpected structure: "), std::string::npos) << name << ": " << msg;
    EXPECT_NE(msg.find("type must be boolean, but is number"), std::string::npos) << name << ": " << msg;
  }
}

// README, Security: JSON from a model folder nests at most 128 levels; the limit is exact, and a
// large flat file is not slowed down by it (the check is one linear SAX pass).
TEST(JsonDepth, OneHundredTwentyEightLevelsPassAndOneMoreIsRefused) {
  auto nested = [](int depth) { return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']'); };
  EXPECT_NO_THROW(parse_json_bounded(nested(kMaxJsonDepth), "ok.json"));
  try {
    parse_json_bounded(nested(kMaxJsonDepth + 1), "deep.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Model);
    EXPECT_EQ(std::string(e.what()), "deep.json: JSON nested more than 128 levels deep");
  }
  std::string flat = "[";
  for (int i = 0; i < 100000; ++i) flat += std::string(i ? "," : "") + "{\"id\":" + std::to_string(i) + "}";
  flat += "]";
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(parse_json_bounded(flat, "flat.json").size(), 100000u);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0) << "quadratic again?";
}
