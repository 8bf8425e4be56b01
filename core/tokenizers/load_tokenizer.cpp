// Building a Tokenizer from a tokenizer.json, and the tokenizer.json that Hugging Face's
// converters (transformers' convert_slow_tokenizer) make from the older file forms.

#include <filesystem>
#include <sstream>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/io/json_file.h"
#include "core/tokenizers/decoders.h"
#include "core/tokenizers/json_fields.h"
#include "core/tokenizers/normalizers.h"
#include "core/tokenizers/pre_tokenizers.h"
#include "core/tokenizers/token_models.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/tokenizer_files.h"
#include "core/tokenizers/tokenizer_pipeline.h"

namespace attnscope {

namespace fs = std::filesystem;

namespace {

bool mentions_type(const nlohmann::json& j, const std::string& type) {
  if (j.is_object()) {
    if (auto it = j.find("type"); it != j.end() && *it == type) return true;
    for (const auto& [k, v] : j.items())
      if (mentions_type(v, type)) return true;
  } else if (j.is_array()) {
    for (const auto& v : j)
      if (mentions_type(v, type)) return true;
  }
  return false;
}

// A special token in tokenizer_config.json / special_tokens_map.json: "[MASK]" or {"content": ...}.
std::string token_content(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
  return {};
}

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::from_json(const nlohmann::json& tj, const std::string& label, const nlohmann::json& config) try {
  if (!tj.is_object() || !tj.contains("model") || !tj["model"].is_object()) json_fail(label, "no 'model' object");
  std::unique_ptr<Tokenizer> t(new Tokenizer());
  Pipeline& p = *t->p_;
  p.model = parse_model(json_member(tj, "model", label), label + ": model");
  p.normalizer = parse_normalizer(tj.value("normalizer", nlohmann::json()), label + ": normalizer");
  p.pre = parse_pre_tokenizer(tj.value("pre_tokenizer", nlohmann::json()), label + ": pre_tokenizer");
  const nlohmann::json decoder = tj.value("decoder", nlohmann::json());
  p.decoder = parse_decoder(decoder, label + ": decoder");
  p.display_decoder = parse_decoder(decoder, label + ": decoder", true);
  p.byte_level = mentions_type(decoder, "ByteLevel") || mentions_type(tj.value("pre_tokenizer", nlohmann::json()), "ByteLevel");

  t->id_to_token_ = p.model->id_to_token();
  t->added_ = parse_added_tokens(tj, label);
  include_added(t->id_to_token_, t->added_);
  for (size_t k = 0; k < t->added_.size(); ++k) {
    const AddedToken& a = t->added_[k];
    p.added_by_id.emplace(a.id, k);
    if (!a.normalized) {
      p.raw_added.add(a.content, k);
      continue;
    }
    NormalizedString n(a.content, 0);
    if (p.normalizer) p.normalizer->normalize(n);
    p.normalized_added.add(n.get(), k);
  }
  t->post_ = parse_post_processor(tj.value("post_processor", nlohmann::json()), label);

  // tokenizer_config.json's add_bos_token / add_eos_token, where the template does not add them.
  if (config.is_object()) {
    auto role = [&](const char* flag, const char* token) -> std::optional<std::pair<std::string, int64_t>> {
      auto f = config.find(flag);
      if (f == config.end() || !f->is_boolean() || !f->get<bool>()) return std::nullopt;
      const std::string content = token_content(config.value(token, nlohmann::json()));
      if (content.empty()) return std::nullopt;
      const auto id = t->token_id(content);
      if (!id) json_fail("tokenizer_config.json", std::string(flag) + " is set but " + token + " '" + content + "' is not in the vocabulary");
      return std::make_pair(content, *id);
    };
    auto special = [](const std::pair<std::string, int64_t>& tok, int type) {
      TemplatePiece piece;
      piece.kind = TemplatePiece::Special;
      piece.text = tok.first;
      piece.id = tok.second;
      piece.type_id = type;
      return piece;
    };
    auto has = [](const std::vector<TemplatePiece>& v, int64_t id) {
      for (const auto& piece : v)
        if (piece.kind == TemplatePiece::Special && piece.id == id) return true;
      return false;
    };
    if (auto bos = role("add_bos_token", "bos_token"); bos && !has(t->post_.single, bos->second)) {
      t->post_.single.insert(t->post_.single.begin(), special(*bos, 0));
      if (!t->post_.pair.empty()) t->post_.pair.insert(t->post_.pair.begin(), special(*bos, 0));
    }
    if (auto eos = role("add_eos_token", "eos_token"); eos && !has(t->post_.single, eos->second)) {
      t->post_.single.push_back(special(*eos, 0));
      if (!t->post_.pair.empty()) t->post_.pair.push_back(special(*eos, 1));
    }
  }

  // The template's tokens are emitted as given (HF does not look them up): they get an entry.
  for (const auto* pieces : {&t->post_.single, &t->post_.pair})
    for (const auto& piece : *pieces) {
      if (piece.kind != TemplatePiece::Special) continue;
      if (piece.id < 0 || piece.id >= kMaxTokenId)
        json_fail(label + ": post_processor", "special token '" + piece.text + "' has id " + std::to_string(piece.id) + " outside " + token_id_range());
      if (static_cast<size_t>(piece.id) >= t->id_to_token_.size()) t->id_to_token_.resize(static_cast<size_t>(piece.id) + 1);
      if (t->id_to_token_[static_cast<size_t>(piece.id)].empty()) t->id_to_token_[static_cast<size_t>(piece.id)] = piece.text;
    }

  const std::string type = p.model->type();
  t->kind_ = type;
  if (type == "BPE" && p.byte_level) t->kind_ = "byte-level BPE";
  else if (type == "BPE" && (p.model->byte_fallback() || mentions_type(tj.value("pre_tokenizer", nlohmann::json()), "Metaspace") ||
                             tj.value("normalizer", nlohmann::json()).dump().find("\xE2\x96\x81") != std::string::npos))
    t->kind_ = "SentencePiece BPE";
  return t;
} catch (const nlohmann::json::exception& e) {
  fail(ErrorKind::Model, label + ": unexpected structure: " + e.what());
}

nlohmann::json tokenizer_json_from_vocab_txt(const fs::path& dir) {
  const fs::path vocab_path = dir / "vocab.txt";
  const std::string label = vocab_path.string();
  std::istringstream in(read_file_bounded(vocab_path, label, kMaxTokenizerFileBytes, ErrorKind::Model));
  nlohmann::json vocab = nlohmann::json::object();
  std::string line;
  int64_t id = 0;
  for (; std::getline(in, line); ++id) {  // one token per line, id = line index (BertTokenizer's load_vocab)
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (vocab.contains(line))
      json_fail(label, "token '" + line + "' is listed twice, on lines " + std::to_string(vocab[line].get<int64_t>() + 1) + " and " +
                           std::to_string(id + 1));
    if (id >= kMaxTokenId) json_fail(label, "has more than " + std::to_string(kMaxTokenId) + " lines");
    vocab[line] = id;
  }
  if (vocab.empty()) json_fail(label, "the vocabulary is empty");

  std::error_code ec;
  auto optional_json = [&](const char* name) {
    if (!fs::is_regular_file(dir / name, ec)) return nlohmann::json::object();
    nlohmann::json j = read_json_file(dir / name, name);
    if (!j.is_object()) json_fail(name, "is not a JSON object");
    return j;
  };
  const nlohmann::json config = optional_json("tokenizer_config.json");
  const nlohmann::json special_map = optional_json("special_tokens_map.json");
  const bool lowercase = json_bool(config, "do_lower_case", true, "tokenizer_config.json");
  nlohmann::json normalizer = {{"type", "BertNormalizer"},
                               {"clean_text", true},
                               {"handle_chinese_chars", json_bool(config, "tokenize_chinese_chars", true, "tokenizer_config.json")},
                               {"strip_accents", config.value("strip_accents", nlohmann::json())},
                               {"lowercase", lowercase}};
  if (!normalizer["strip_accents"].is_null() && !normalizer["strip_accents"].is_boolean())
    json_fail("tokenizer_config.json: strip_accents", "expected true, false or null");

  // Tokens matched literally: added_tokens_decoder {"103": {"content": "[MASK]", ...}}, then the
  // five special roles (tokenizer_config.json, special_tokens_map.json, the standard names).
  nlohmann::json added = nlohmann::json::array();
  auto entry = [](const std::string& content, int64_t id, const nlohmann::json& src) {
    return nlohmann::json{{"id", id},
                          {"content", content},
                          {"single_word", src.is_object() ? src.value("single_word", false) : false},
                          {"lstrip", src.is_object() ? src.value("lstrip", false) : false},
                          {"rstrip", src.is_object() ? src.value("rstrip", false) : false},
                          {"normalized", src.is_object() ? src.value("normalized", false) : false},
                          {"special", src.is_object() ? src.value("special", true) : true}};
  };
  auto added_id = [&](const std::string& content) -> std::optional<int64_t> {
    for (const auto& a : added)
      if (a["content"] == content) return a["id"].get<int64_t>();
    if (vocab.contains(content)) return vocab[content].get<int64_t>();
    return std::nullopt;
  };
  if (auto it = config.find("added_tokens_decoder"); it != config.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      const std::string content = token_content(value);
      if (content.empty() || key.empty() || key.size() > 8 || !std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }))
        json_fail("tokenizer_config.json: added_tokens_decoder", "entry '" + key + "' is not an id with a token");
      const int64_t aid = std::stoll(key);
      if (aid >= kMaxTokenId) json_fail("tokenizer_config.json: added_tokens_decoder", "id " + key + " is outside " + token_id_range());
      added.push_back(entry(content, aid, value));
    }
  }
  std::string names[5];
  const std::pair<const char*, const char*> roles[] = {
      {"unk_token", "[UNK]"}, {"sep_token", "[SEP]"}, {"pad_token", "[PAD]"}, {"cls_token", "[CLS]"}, {"mask_token", "[MASK]"}};
  for (size_t r = 0; r < 5; ++r) {
    nlohmann::json src;
    for (const nlohmann::json* m : {&config, &special_map})
      if (auto it = m->find(roles[r].first); it != m->end() && !token_content(*it).empty()) {
        src = *it;
        break;
      }
    names[r] = src.is_null() ? roles[r].second : token_content(src);
    bool known = false;
    for (const auto& a : added) known = known || a["content"] == names[r];
    if (known) continue;
    if (auto aid = added_id(names[r])) added.push_back(entry(names[r], *aid, src));
  }
  const auto cls = added_id(names[3]), sep = added_id(names[1]);
  if (!cls || !sep) json_fail(label, "the template tokens '" + names[3] + "' and '" + names[1] + "' are not both in the vocabulary");
  if (!added_id(names[0])) json_fail(label, "the unknown token '" + names[0] + "' is not in the vocabulary");
  nlohmann::json post = {{"type", "BertProcessing"}, {"cls", {names[3], *cls}}, {"sep", {names[1], *sep}}};
  return nlohmann::json{{"added_tokens", added},
                        {"normalizer", normalizer},
                        {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
                        {"post_processor", post},
                        {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
                        {"model", {{"type", "WordPiece"}, {"unk_token", names[0]}, {"continuing_subword_prefix", "##"},
                                   {"max_input_chars_per_word", 100}, {"vocab", std::move(vocab)}}}};
}

nlohmann::json tokenizer_json_from_vocab_merges(const fs::path& vocab_json, const fs::path& merges_txt, const std::string& type,
                                                bool add_prefix_space) {
  const std::string vocab_label = vocab_json.string();
  nlohmann::json vocab = read_json_file(vocab_json, vocab_label, kMaxTokenizerFileBytes);
  if (!vocab.is_object()) json_fail(vocab_label, "the vocabulary is not a JSON object of token -> id");
  const std::string merges_label = merges_txt.string();
  std::istringstream in(read_file_bounded(merges_txt, merges_label, kMaxTokenizerFileBytes, ErrorKind::Model));
  nlohmann::json merges = nlohmann::json::array();
  std::string line, a, b;
  for (size_t line_no = 1; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    const std::string where = merges_label + ": line " + std::to_string(line_no);
    if (!split_merge_line(line, a, b)) json_fail(where, "('" + excerpt(line, 60) + "') is not \"left right\"");
    if (!vocab.contains(a) || !vocab.contains(b) || !vocab.contains(a + b))
      json_fail(where, "('" + excerpt(a, 40) + "' + '" + excerpt(b, 40) + "') uses or makes a token missing from the vocabulary");
    merges.push_back(line);
  }
  if (merges.empty()) json_fail(merges_label, "no merges");

  auto id_of = [&](const char* token) -> std::optional<int64_t> {
    auto it = vocab.find(token);
    if (it == vocab.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
  };
  auto added_entry = [](const std::string& content, int64_t id, bool lstrip) {
    return nlohmann::json{{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", lstrip},
                          {"rstrip", false}, {"normalized", false}, {"special", true}};
  };
  // The special tokens the slow tokenizer classes define (RobertaTokenizer, GPT2Tokenizer).
  nlohmann::json added = nlohmann::json::array();
  nlohmann::json post = {{"type", "ByteLevel"}, {"add_prefix_space", add_prefix_space}, {"trim_offsets", false}, {"use_regex", true}};
  if (type == "roberta" || type == "bart" || type == "longformer") {
    for (const char* s : {"<s>", "<pad>", "</s>", "<unk>", "<mask>"})
      if (auto id = id_of(s)) added.push_back(added_entry(s, *id, std::string(s) == "<mask>"));
    const auto cls = id_of("<s>"), sep = id_of("</s>");
    if (!cls || !sep) json_fail(vocab_label, "a " + type + " vocabulary needs <s> and </s>");
    post = {{"type", "RobertaProcessing"}, {"cls", {"<s>", *cls}}, {"sep", {"</s>", *sep}}, {"trim_offsets", true}, {"add_prefix_space", add_prefix_space}};
  } else if (auto eot = id_of("<|endoftext|>")) {
    added.push_back(added_entry("<|endoftext|>", *eot, false));
  }
  return nlohmann::json{{"added_tokens", added},
                        {"normalizer", nullptr},
                        {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", add_prefix_space}, {"trim_offsets", true}, {"use_regex", true}}},
                        {"post_processor", post},
                        {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
                        {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", ""},
                                   {"end_of_word_suffix", ""}, {"fuse_unk", false}, {"vocab", std::move(vocab)}, {"merges", std::move(merges)}}}};
}

namespace {

nlohmann::json folder_config(const fs::path& dir) {
  std::error_code ec;
  const auto path = dir / "tokenizer_config.json";
  if (!fs::is_regular_file(path, ec)) return nlohmann::json();
  nlohmann::json cfg = read_json_file(path, "tokenizer_config.json");
  return cfg.is_object() ? cfg : nlohmann::json();
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer_file(const fs::path& path) {
  const std::string label = path.filename().string();
  const nlohmann::json tj = read_json_file(path, label, kMaxTokenizerFileBytes);
  return Tokenizer::from_json(tj, label, folder_config(path.parent_path()));
}

std::unique_ptr<Tokenizer> load_vocab_txt(const fs::path& dir) {
  return Tokenizer::from_json(tokenizer_json_from_vocab_txt(dir), (dir / "vocab.txt").string());
}

std::unique_ptr<Tokenizer> load_vocab_merges(const fs::path& vocab_json, const fs::path& merges_txt, const std::string& model_type,
                                             bool add_prefix_space) {
  return Tokenizer::from_json(tokenizer_json_from_vocab_merges(vocab_json, merges_txt, model_type, add_prefix_space), vocab_json.string());
}

std::unique_ptr<Tokenizer> load_tokenizer(const fs::path& dir, const std::string& model_type) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "tokenizer.json", ec)) return load_tokenizer_file(dir / "tokenizer.json");
  if (fs::is_regular_file(dir / "vocab.txt", ec)) return load_vocab_txt(dir);
  if (fs::is_regular_file(dir / "vocab.json", ec) && fs::is_regular_file(dir / "merges.txt", ec)) {
    const nlohmann::json config = folder_config(dir);
    const bool prefix = config.is_object() && json_bool(config, "add_prefix_space", false, "tokenizer_config.json");
    return load_vocab_merges(dir / "vocab.json", dir / "merges.txt", model_type, prefix);
  }
  fail(ErrorKind::Model, dir.string() + ": no tokenizer files (expected tokenizer.json, vocab.txt, or vocab.json + merges.txt)");
}

}  // namespace attnscope
