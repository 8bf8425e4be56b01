#include "core/tokenizers/tokenizer_files.h"

#include <algorithm>
#include <cstdint>

#include "core/common/error.h"
#include "core/common/text.h"

namespace attnscope {

namespace {
[[noreturn]] void bad(const std::string& label, const std::string& what) { fail(ErrorKind::Model, label + ": " + what); }
}  // namespace

std::string token_id_range() { return "[0, " + std::to_string(kMaxTokenId) + ")"; }

Vocab parse_vocab_object(const nlohmann::json& vocab, const std::string& label, std::vector<std::string>& id_to_token) {
  if (!vocab.is_object()) bad(label, "the vocabulary is not a JSON object of token -> id");
  if (vocab.empty()) bad(label, "the vocabulary is empty");
  Vocab out;
  out.reserve(vocab.size());
  int64_t max_id = -1;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_integer()) bad(label, "vocabulary entry '" + it.key() + "' has a non-integer id");
    const int64_t id = it.value().get<int64_t>();
    if (id < 0 || id >= kMaxTokenId)
      bad(label, "vocabulary entry '" + excerpt(it.key(), 40) + "' has id " + std::to_string(id) + " outside " + token_id_range());
    out.emplace(it.key(), id);
    max_id = std::max(max_id, id);
  }
  id_to_token.assign(static_cast<size_t>(max_id + 1), std::string());
  std::vector<bool> used(static_cast<size_t>(max_id + 1), false);
  for (const auto& [tok, id] : out) {
    if (used[static_cast<size_t>(id)])
      bad(label, "id " + std::to_string(id) + " is given to both '" + id_to_token[static_cast<size_t>(id)] + "' and '" + tok + "'");
    used[static_cast<size_t>(id)] = true;
    id_to_token[static_cast<size_t>(id)] = tok;
  }
  return out;
}

std::vector<AddedToken> parse_added_tokens(const nlohmann::json& tj, const std::string& label) {
  std::vector<AddedToken> out;
  auto it = tj.find("added_tokens");
  if (it == tj.end() || it->is_null()) return out;
  if (!it->is_array()) bad(label, "'added_tokens' is not an array");
  for (const auto& a : *it) {
    if (!a.is_object() || !a.contains("content") || !a["content"].is_string() || !a.contains("id") || !a["id"].is_number_integer())
      bad(label, "an entry of 'added_tokens' lacks a string 'content' or an integer 'id'");
    AddedToken t;
    t.content = a["content"].get<std::string>();
    t.id = a["id"].get<int64_t>();
    if (t.id < 0 || t.id >= kMaxTokenId)
      bad(label, "added token '" + excerpt(t.content, 40) + "' has id " + std::to_string(t.id) + " outside " + token_id_range());
    t.lstrip = a.value("lstrip", false);
    t.rstrip = a.value("rstrip", false);
    t.special = a.value("special", false);
    t.single_word = a.value("single_word", false);
    t.normalized = a.value("normalized", !t.special);
    if (!t.content.empty()) out.push_back(std::move(t));
  }
  return out;
}

void include_added(std::vector<std::string>& id_to_token, const std::vector<AddedToken>& added) {
  for (const auto& a : added) {
    if (static_cast<size_t>(a.id) >= id_to_token.size()) id_to_token.resize(static_cast<size_t>(a.id) + 1);
    if (id_to_token[static_cast<size_t>(a.id)].empty()) id_to_token[static_cast<size_t>(a.id)] = a.content;
  }
}

namespace {

TemplatePiece special(const std::string& text, int64_t id, int type) {
  TemplatePiece p;
  p.kind = TemplatePiece::Special;
  p.text = text;
  p.id = id;
  p.type_id = type;
  return p;
}

TemplatePiece sequence(bool b, int type) {
  TemplatePiece p;
  p.kind = b ? TemplatePiece::SequenceB : TemplatePiece::SequenceA;
  p.type_id = type;
  return p;
}

// Hugging Face's Piece: both "id" and "type_id" (a u32) are required.
int piece_type_id(const nlohmann::json& piece, const std::string& label) {
  const auto it = piece.find("type_id");
  if (it == piece.end() || !it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > INT32_MAX)
    bad(label, "post_processor: a template item needs a non-negative integer \"type_id\"");
  return static_cast<int>(it->get<int64_t>());
}

// `key` is "single" or "pair".
std::vector<TemplatePiece> parse_template(const nlohmann::json& items, const nlohmann::json& specials, const std::string& label,
                                          const std::string& key) {
  std::vector<TemplatePiece> out;
  if (!items.is_array()) bad(label, "post_processor template is not an array");
  for (const auto& item : items) {
    if (item.contains("Sequence")) {
      const auto& s = item["Sequence"];
      const std::string which = s.is_object() && s.contains("id") && s["id"].is_string() ? s["id"].get<std::string>() : "";
      if (which != "A" && which != "B") bad(label, "post_processor: a Sequence needs \"id\": \"A\" or \"B\"");
      out.push_back(sequence(which == "B", piece_type_id(s, label)));
    } else if (item.contains("SpecialToken")) {
      const auto& s = item["SpecialToken"];
      const std::string name = s.value("id", "");
      const int type_id = piece_type_id(s, label);
      auto sp = specials.find(name);
      if (sp == specials.end() || !sp->contains("ids") || !(*sp)["ids"].is_array())
        bad(label, "post_processor uses special token '" + name + "' without defining it");
      const auto& ids = (*sp)["ids"];
      const auto& toks = sp->value("tokens", nlohmann::json::array());
      for (size_t i = 0; i < ids.size(); ++i) {
        if (!ids[i].is_number_integer()) bad(label, "special token '" + name + "' has a non-integer id");
        out.push_back(special(i < toks.size() && toks[i].is_string() ? toks[i].get<std::string>() : name, ids[i].get<int64_t>(), type_id));
      }
    } else {
      bad(label, "post_processor template has an item that is neither Sequence nor SpecialToken");
    }
  }
  // Truncation (Tokenizer::encode) counts each text once: a repeated or missing $A / $B would
  // give more tokens than the limit, or drop a text. (Hugging Face requires both in "pair", and
  // fails at run time on $B in "single".)
  const auto count = [&](TemplatePiece::Kind k) {
    return std::count_if(out.begin(), out.end(), [k](const TemplatePiece& p) { return p.kind == k; });
  };
  const auto na = count(TemplatePiece::SequenceA), nb = count(TemplatePiece::SequenceB);
  const bool pair = key == "pair";
  if (na != 1 || nb != (pair ? 1 : 0))
    bad(label, "post_processor: the '" + key + "' template must hold " + (pair ? "$A and $B once each" : "$A once and no $B") + " (it has " +
                   std::to_string(na) + " x $A, " + std::to_string(nb) + " x $B)");
  return out;
}

}  // namespace

PostProcessor make_template(const std::vector<std::pair<std::string, int64_t>>& before_a,
                            const std::vector<std::pair<std::string, int64_t>>& after_a,
                            const std::vector<std::pair<std::string, int64_t>>& after_b, int type_b) {
  PostProcessor pp;
  for (const auto& [t, id] : before_a) pp.single.push_back(special(t, id, 0));
  pp.single.push_back(sequence(false, 0));
  for (const auto& [t, id] : after_a) pp.single.push_back(special(t, id, 0));
  pp.pair = pp.single;
  pp.pair.push_back(sequence(true, type_b));
  for (const auto& [t, id] : after_b) pp.pair.push_back(special(t, id, type_b));
  return pp;
}

PostProcessor parse_post_processor(const nlohmann::json& post, const std::string& label) {
  PostProcessor pp;
  if (post.is_null()) {
    pp.single.push_back(sequence(false, 0));
    pp.pair = {sequence(false, 0), sequence(true, 1)};
    return pp;
  }
  if (!post.is_object() || !post.contains("type") || !post["type"].is_string()) bad(label, "'post_processor' has no type");
  const std::string type = post["type"].get<std::string>();
  auto token_of = [&](const char* key) -> std::pair<std::string, int64_t> {
    const auto& v = post.value(key, nlohmann::json());
    if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_number_integer())
      bad(label, std::string("post_processor '") + key + "' must be [token, id]");
    return {v[0].get<std::string>(), v[1].get<int64_t>()};
  };
  if (type == "TemplateProcessing") {
    const auto specials = post.value("special_tokens", nlohmann::json::object());
    pp.single = parse_template(post.value("single", nlohmann::json::array()), specials, label, "single");
    if (post.contains("pair")) pp.pair = parse_template(post["pair"], specials, label, "pair");  // absent: no pairs
  } else if (type == "BertProcessing") {
    auto cls = token_of("cls"), sep = token_of("sep");
    pp = make_template({cls}, {sep}, {sep}, 1);
  } else if (type == "RobertaProcessing") {
    auto cls = token_of("cls"), sep = token_of("sep");
    pp = make_template({cls}, {sep}, {sep}, 0);
    // <s> A </s></s> B </s>
    pp.pair.insert(pp.pair.begin() + static_cast<long>(pp.single.size()), special(sep.first, sep.second, 0));
    for (auto& p : pp.pair) p.type_id = 0;
  } else if (type == "ByteLevel") {
    pp = parse_post_processor(nlohmann::json(), label);
  } else if (type == "Sequence") {
    // e.g. [ByteLevel, TemplateProcessing]: the last one that adds tokens decides.
    pp = parse_post_processor(nlohmann::json(), label);
    bool trim = false, prefix = false;
    for (const auto& p : post.value("processors", nlohmann::json::array())) {
      PostProcessor step = parse_post_processor(p, label);
      trim = trim || step.trim_offsets;
      prefix = prefix || step.trim_add_prefix_space;
      if (p.value("type", "") != "ByteLevel") pp = std::move(step);
    }
    pp.trim_offsets = trim;
    pp.trim_add_prefix_space = prefix;
    return pp;
  } else {
    bad(label, "unsupported post_processor type '" + type + "'");
  }
  if (type == "ByteLevel" || type == "RobertaProcessing") {
    pp.trim_offsets = post.value("trim_offsets", true);
    pp.trim_add_prefix_space = post.value("add_prefix_space", true);
  }
  return pp;
}

}  // namespace attnscope
