#include <filesystem>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/tokenizers/byte_level_bpe.h"
#include "core/tokenizers/sentencepiece_bpe.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/wordpiece.h"

namespace attnscope {

namespace fs = std::filesystem;

namespace {

bool is_sentencepiece_style(const nlohmann::json& tj) {
  const auto& model = tj.at("model");
  if (model.value("byte_fallback", false)) return true;
  const auto& pre = tj.value("pre_tokenizer", nlohmann::json());
  return pre.is_object() && pre.value("type", "") == "Metaspace";
}

// GPT-2 style: a ByteLevel pre-tokenizer, alone or inside a Sequence.
bool is_byte_level(const nlohmann::json& tj) {
  const auto& pre = tj.value("pre_tokenizer", nlohmann::json());
  if (!pre.is_object()) return false;
  if (pre.value("type", "") == "ByteLevel") return true;
  if (pre.value("type", "") != "Sequence") return false;
  for (const auto& step : pre.value("pretokenizers", nlohmann::json::array()))
    if (step.is_object() && step.value("type", "") == "ByteLevel") return true;
  return false;
}

// The loaders read optional fields with nlohmann's typed accessors, which throw type_error on a
// value of the wrong type (e.g. "special": 210): a malformed file, as Hugging Face refuses it.
std::unique_ptr<Tokenizer> from_tokenizer_json(const fs::path& path, const std::string& model_type) try {
  const nlohmann::json tj = read_json_file(path, "tokenizer.json", kMaxTokenizerFileBytes);
  const std::string label = "tokenizer.json";
  if (!tj.is_object() || !tj.contains("model") || !tj["model"].is_object())
    fail(ErrorKind::Model, label + ": no 'model' object");
  const std::string type = tj["model"].value("type", tj["model"].contains("merges") ? "BPE" : "");
  if (type == "BPE" && is_sentencepiece_style(tj)) return SentencePieceBpe::from_tokenizer_json(tj, label);
  if (type == "BPE" && is_byte_level(tj)) return ByteLevelBpe::from_tokenizer_json(tj, label);
  if (type == "WordPiece") return WordPiece::from_tokenizer_json(tj, label);
  fail(ErrorKind::Model, label + ": tokenizer model '" + type + "' is not supported for model_type '" + model_type + "'");
} catch (const nlohmann::json::exception& e) {
  fail(ErrorKind::Model, std::string("tokenizer.json: unexpected structure: ") + e.what());
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const fs::path& dir, const std::string& model_type) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "tokenizer.json", ec)) return from_tokenizer_json(dir / "tokenizer.json", model_type);
  if (fs::is_regular_file(dir / "vocab.txt", ec)) return WordPiece::from_vocab_folder(dir);
  if (fs::is_regular_file(dir / "vocab.json", ec) && fs::is_regular_file(dir / "merges.txt", ec))
    return ByteLevelBpe::from_folder(dir, model_type);
  fail(ErrorKind::Model, dir.string() + ": no tokenizer files (expected tokenizer.json, vocab.txt, or vocab.json + merges.txt)");
}

}  // namespace attnscope
