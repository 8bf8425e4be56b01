#include "core/tokenizers/token_models.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/tokenizers/byte_trie.h"
#include "core/tokenizers/json_fields.h"

namespace attnscope {

std::optional<int64_t> TokenModel::id_of(std::string_view token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

namespace {

std::string byte_token(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "<0x%02X>", b);
  return buf;
}

class BpeModel final : public TokenModel {
 public:
  BpeModel(const nlohmann::json& j, const std::string& where) {
    vocab_ = parse_vocab_object(json_member(j, "vocab", where), where + ".vocab", id_to_token_);
    const auto& dropout = j.value("dropout", nlohmann::json());
    if (!dropout.is_null() && !(dropout.is_number() && dropout.get<double>() == 0.0))
      json_fail(where + ".dropout", "dropout makes the ids random and is not supported");
    prefix_ = json_string_or(j, "continuing_subword_prefix", "", where);
    suffix_ = json_string_or(j, "end_of_word_suffix", "", where);
    fuse_unk_ = json_bool(j, "fuse_unk", false, where);
    byte_fallback_ = json_bool(j, "byte_fallback", false, where);
    ignore_merges_ = json_bool(j, "ignore_merges", false, where);
    if (auto unk = json_string_or(j, "unk_token", "", where); !unk.empty()) {
      auto it = vocab_.find(unk);
      if (it == vocab_.end()) json_fail(where + ".unk_token", "'" + unk + "' is not in the vocabulary");
      unk_ = it->second;
    }
    const auto& merges = j.contains("merges") ? json_array(j, "merges", where) : nlohmann::json::array();
    const size_t prefix_len = prefix_.size();
    std::string a, b;
    for (size_t rank = 0; rank < merges.size(); ++rank) {
      const auto& m = merges[rank];
      const std::string at = where + ".merges[" + std::to_string(rank) + "]";
      if (m.is_string()) {
        if (!split_merge_line(m.get<std::string>(), a, b)) json_fail(at, "is not \"left right\"");
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        a = m[0].get<std::string>();
        b = m[1].get<std::string>();
      } else {
        json_fail(at, "is neither \"left right\" nor [left, right]");
      }
      const std::string merged = a + (b.size() >= prefix_len ? b.substr(prefix_len) : std::string());
      auto ia = vocab_.find(a), ib = vocab_.find(b), im = vocab_.find(merged);
      if (ia == vocab_.end() || ib == vocab_.end() || im == vocab_.end())
        json_fail(at, "('" + excerpt(a, 40) + "' + '" + excerpt(b, 40) + "') uses or makes a token missing from the vocabulary");
      merges_.add(static_cast<int32_t>(ia->second), static_cast<int32_t>(ib->second), static_cast<int32_t>(rank),
                  static_cast<int32_t>(im->second));
    }
    for (int b8 = 0; b8 < 256; ++b8) {
      auto it = vocab_.find(byte_token(static_cast<uint8_t>(b8)));
      byte_ids_[static_cast<size_t>(b8)] = it == vocab_.end() ? -1 : static_cast<int32_t>(it->second);
    }
  }

  std::string type() const override { return "BPE"; }
  bool byte_fallback() const override { return byte_fallback_; }

  void tokenize(std::string_view word, std::vector<ModelToken>& out, ModelScratch& scratch) const override {
    if (word.empty()) return;
    if (ignore_merges_)
      if (auto it = vocab_.find(word); it != vocab_.end()) {
        out.push_back({it->second, 0, static_cast<uint32_t>(word.size())});
        return;
      }
    constexpr size_t kMaxCachedWord = 64, kMaxCacheEntries = 1 << 16;
    if (word.size() <= kMaxCachedWord) {
      if (auto it = scratch.cache.find(word); it != scratch.cache.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
        return;
      }
    }
    const size_t first = out.size();
    merge_word(word, out);
    if (word.size() <= kMaxCachedWord) {
      if (scratch.cache.size() >= kMaxCacheEntries) scratch.cache.clear();
      scratch.cache.emplace(std::string(word), std::vector<ModelToken>(out.begin() + static_cast<long>(first), out.end()));
    }
  }

 private:
  void merge_word(std::string_view w, std::vector<ModelToken>& out) const {
    std::vector<int32_t> ids;
    std::vector<uint32_t> lens;  // bytes of the word each initial symbol covers
    ids.reserve(w.size());
    lens.reserve(w.size());
    std::optional<std::pair<int64_t, uint32_t>> unk;  // pending <unk> and its length
    auto push = [&](int64_t id, uint32_t len) {
      ids.push_back(static_cast<int32_t>(id));
      lens.push_back(len);
    };
    std::string s;
    for (size_t i = 0; i < w.size();) {
      const size_t b = i;
      next_char(w, i);
      const auto byte_len = static_cast<uint32_t>(i - b);
      std::string_view piece = w.substr(b, i - b);
      const bool affixed = (b > 0 && !prefix_.empty()) || (i == w.size() && !suffix_.empty());
      if (affixed) {
        s.clear();
        if (b > 0) s += prefix_;
        s += piece;
        if (i == w.size()) s += suffix_;
        piece = s;
      }
      if (auto it = vocab_.find(piece); it != vocab_.end()) {
        if (unk) push(unk->first, unk->second);
        unk.reset();
        push(it->second, byte_len);
        continue;
      }
      if (byte_fallback_) {
        bool all = true;
        for (unsigned char c : piece) all = all && byte_ids_[c] >= 0;
        if (all) {
          for (unsigned char c : piece) push(byte_ids_[c], 1);
          continue;
        }
      }
      if (unk_) {
        if (unk && fuse_unk_) unk->second += byte_len;
        else {
          if (unk) push(unk->first, unk->second);
          unk = std::make_pair(*unk_, byte_len);
        }
      }
    }
    if (unk) push(unk->first, unk->second);
    std::vector<uint32_t> starts(lens.size() + 1, 0);
    for (size_t k = 0; k < lens.size(); ++k) starts[k + 1] = starts[k] + lens[k];
    for (const auto& sym : merges_.apply(ids)) out.push_back({sym.id, starts[sym.first], starts[sym.last]});
  }

  BpeMerges merges_;
  std::string prefix_, suffix_;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  std::optional<int64_t> unk_;
  std::array<int32_t, 256> byte_ids_{};
};

class WordPieceModel final : public TokenModel {
 public:
  WordPieceModel(const nlohmann::json& j, const std::string& where) {
    vocab_ = parse_vocab_object(json_member(j, "vocab", where), where + ".vocab", id_to_token_);
    const std::string unk = json_string_or(j, "unk_token", "[UNK]", where);
    auto it = vocab_.find(unk);
    if (it == vocab_.end()) json_fail(where + ".unk_token", "'" + unk + "' is not in the vocabulary");
    unk_ = it->second;
    prefix_ = json_string_or(j, "continuing_subword_prefix", "##", where);
    // Matching a word costs up to its length times the longest entry: longer words are [UNK].
    max_chars_ = static_cast<size_t>(json_int_or(j, "max_input_chars_per_word", 100, 1, 1000, where));
    for (const auto& [tok, id] : vocab_) trie_.insert(tok, id);
    continuation_ = 0;
    for (unsigned char c : prefix_) {
      continuation_ = trie_.child(continuation_, c);
      if (!continuation_) break;
    }
    has_continuation_ = prefix_.empty() || continuation_ != 0;
  }
  std::string type() const override { return "WordPiece"; }

  void tokenize(std::string_view w, std::vector<ModelToken>& out, ModelScratch&) const override {
    const auto whole = ModelToken{unk_, 0, static_cast<uint32_t>(w.size())};
    size_t chars = 0;
    for (size_t i = 0; i < w.size() && chars <= max_chars_; ++chars) next_char(w, i);
    if (chars > max_chars_) {
      out.push_back(whole);
      return;
    }
    const size_t first = out.size();
    for (size_t start = 0; start < w.size();) {
      uint32_t node = start == 0 ? 0 : continuation_;
      if (start > 0 && !has_continuation_) node = UINT32_MAX;
      int64_t best = -1;
      size_t best_end = start;
      for (size_t k = start; node != UINT32_MAX && k < w.size(); ++k) {
        node = trie_.child(node, static_cast<unsigned char>(w[k]));
        if (!node) break;
        if (trie_.value(node) >= 0) {
          best = trie_.value(node);
          best_end = k + 1;
        }
      }
      if (best < 0) {
        out.resize(first);
        out.push_back(whole);
        return;
      }
      out.push_back({best, static_cast<uint32_t>(start), static_cast<uint32_t>(best_end)});
      start = best_end;
    }
  }

 private:
  ByteTrie trie_;
  uint32_t continuation_ = 0;
  bool has_continuation_ = false;
  int64_t unk_ = 0;
  std::string prefix_;
  size_t max_chars_ = 100;
};

class WordLevelModel final : public TokenModel {
 public:
  WordLevelModel(const nlohmann::json& j, const std::string& where) {
    vocab_ = parse_vocab_object(json_member(j, "vocab", where), where + ".vocab", id_to_token_);
    if (auto unk = json_string_or(j, "unk_token", "", where); !unk.empty()) {
      auto it = vocab_.find(unk);
      if (it == vocab_.end()) json_fail(where + ".unk_token", "'" + unk + "' is not in the vocabulary");
      unk_ = it->second;
    }
  }
  std::string type() const override { return "WordLevel"; }
  void tokenize(std::string_view w, std::vector<ModelToken>& out, ModelScratch&) const override {
    auto it = vocab_.find(w);
    if (it != vocab_.end()) out.push_back({it->second, 0, static_cast<uint32_t>(w.size())});
    else if (unk_) out.push_back({*unk_, 0, static_cast<uint32_t>(w.size())});
    else fail(ErrorKind::Input, "the WordLevel vocabulary has no entry for '" + excerpt(std::string(w), 40) + "' and no unk_token");
  }

 private:
  std::optional<int64_t> unk_;
};

// SentencePiece's unigram model: the segmentation of highest total score (Viterbi over
// characters), an unknown character costing the lowest score minus 10, runs of unknowns fused.
class UnigramModel final : public TokenModel {
 public:
  UnigramModel(const nlohmann::json& j, const std::string& where) {
    const auto& vocab = json_array(j, "vocab", where);
    if (vocab.empty()) json_fail(where + ".vocab", "the vocabulary is empty");
    if (vocab.size() > static_cast<size_t>(kMaxTokenId)) json_fail(where + ".vocab", "has more than " + token_id_range() + " entries");
    scores_.reserve(vocab.size());
    id_to_token_.reserve(vocab.size());
    double min_score = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < vocab.size(); ++i) {
      const auto& e = vocab[i];
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number())
        json_fail(where + ".vocab[" + std::to_string(i) + "]", "expected [piece, score]");
      std::string piece = e[0].get<std::string>();
      const double score = e[1].get<double>();
      vocab_.emplace(piece, static_cast<int64_t>(i));
      trie_.insert(piece, static_cast<int64_t>(i));
      id_to_token_.push_back(std::move(piece));
      scores_.push_back(score);
      min_score = std::min(min_score, score);
    }
    unk_score_ = min_score - 10.0;
    if (auto it = j.find("unk_id"); it != j.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() >= static_cast<int64_t>(vocab.size()))
        json_fail(where + ".unk_id", "is not an index into the vocabulary");
      unk_ = it->get<int64_t>();
    }
    byte_fallback_ = json_bool(j, "byte_fallback", false, where);
    for (int b8 = 0; b8 < 256; ++b8) {
      auto it = vocab_.find(byte_token(static_cast<uint8_t>(b8)));
      byte_ids_[static_cast<size_t>(b8)] = it == vocab_.end() ? -1 : it->second;
    }
  }
  std::string type() const override { return "Unigram"; }
  bool byte_fallback() const override { return byte_fallback_; }

  void tokenize(std::string_view s, std::vector<ModelToken>& out, ModelScratch&) const override {
    struct Node {
      int64_t id = -1;
      double score = 0;
      int64_t from = -1;  // start byte of the best piece ending here; -1 = not reached
    };
    const size_t n = s.size();
    if (n == 0) return;
    std::vector<Node> best(n + 1);
    best[0].from = 0;
    for (size_t at = 0; at < n;) {
      size_t next = at;
      next_char(s, next);
      const size_t mblen = next - at;
      const double base = best[at].score;
      bool single = false;
      uint32_t node = 0;
      for (size_t k = at; k < n; ++k) {
        node = trie_.child(node, static_cast<unsigned char>(s[k]));
        if (!node) break;
        const int64_t id = trie_.value(node);
        if (id < 0) continue;
        Node& t = best[k + 1];
        const double cand = scores_[static_cast<size_t>(id)] + base;
        if (t.from < 0 || cand > t.score) t = Node{id, cand, static_cast<int64_t>(at)};
        if (k + 1 - at == mblen) single = true;
      }
      if (!single) {
        if (!unk_) fail(ErrorKind::Input, "the text has a character outside the Unigram vocabulary, which has no unk_id");
        Node& t = best[next];
        const double cand = unk_score_ + base;
        if (t.from < 0 || cand > t.score) t = Node{*unk_, cand, static_cast<int64_t>(at)};
      }
      at = next;
    }
    // Back from the end; consecutive unknowns become one piece.
    std::vector<std::pair<size_t, size_t>> pieces;
    size_t end = n, unk_end = 0;
    bool in_unk = false;
    while (end > 0) {
      const Node& nd = best[end];
      const auto start = static_cast<size_t>(nd.from);
      if (unk_ && nd.id == *unk_) {
        if (!in_unk) unk_end = end;
        in_unk = true;
      } else {
        if (in_unk) pieces.emplace_back(end, unk_end);
        in_unk = false;
        pieces.emplace_back(start, end);
      }
      end = start;
    }
    if (in_unk) pieces.emplace_back(0, unk_end);
    std::reverse(pieces.begin(), pieces.end());
    for (const auto& [b, e] : pieces) {
      const auto ob = static_cast<uint32_t>(b), oe = static_cast<uint32_t>(e);
      if (auto it = vocab_.find(s.substr(b, e - b)); it != vocab_.end()) {
        out.push_back({it->second, ob, oe});
        continue;
      }
      if (byte_fallback_) {
        bool all = true;
        for (size_t k = b; k < e; ++k) all = all && byte_ids_[static_cast<unsigned char>(s[k])] >= 0;
        if (all) {
          for (size_t k = b; k < e; ++k) out.push_back({byte_ids_[static_cast<unsigned char>(s[k])], ob, oe});
          continue;
        }
      }
      if (!unk_) fail(ErrorKind::Input, "the text has a character outside the Unigram vocabulary, which has no unk_id");
      out.push_back({*unk_, ob, oe, true});
    }
  }

 private:
  ByteTrie trie_;
  std::vector<double> scores_;
  double unk_score_ = 0;
  std::optional<int64_t> unk_;
  bool byte_fallback_ = false;
  std::array<int64_t, 256> byte_ids_{};
};

}  // namespace

std::unique_ptr<TokenModel> parse_model(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) json_fail(where, "expected an object with the tokenizer model");
  std::string type = json_string_or(j, "type", "", where);
  if (type.empty()) {  // older files leave the type out
    if (j.contains("merges")) type = "BPE";
    else if (j.contains("vocab") && j["vocab"].is_array()) type = "Unigram";
    else if (j.contains("continuing_subword_prefix") || j.contains("max_input_chars_per_word")) type = "WordPiece";
    else type = "WordLevel";
  }
  if (type == "BPE") return std::make_unique<BpeModel>(j, where);
  if (type == "WordPiece") return std::make_unique<WordPieceModel>(j, where);
  if (type == "Unigram") return std::make_unique<UnigramModel>(j, where);
  if (type == "WordLevel") return std::make_unique<WordLevelModel>(j, where);
  json_fail(where + ".type", "tokenizer model '" + type + "' is not supported (BPE, WordPiece, Unigram, WordLevel)");
}

}  // namespace attnscope
