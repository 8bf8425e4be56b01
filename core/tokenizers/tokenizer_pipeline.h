#pragma once

// The parts of a Tokenizer (tokenizer.cpp runs them, load_tokenizer.cpp builds them).

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenizers/byte_trie.h"
#include "core/tokenizers/decoders.h"
#include "core/tokenizers/normalizers.h"
#include "core/tokenizers/pre_tokenizers.h"
#include "core/tokenizers/token_models.h"
#include "core/tokenizers/tokenizer.h"

namespace attnscope {

// The added tokens as a byte trie, matched leftmost-longest without overlaps (HF matches them
// with Aho-Corasick, LeftmostLongest): the cost follows the text and the longest added token,
// not the number of added tokens.
class AddedMatcher {
 public:
  void add(const std::string& pattern, size_t index) {
    if (pattern.empty()) return;
    first_[static_cast<unsigned char>(pattern[0])] = true;
    trie_.insert(pattern, static_cast<int64_t>(index));  // the first of duplicates wins
  }
  bool empty() const { return trie_.empty(); }

  struct Match {
    size_t begin, end;
    int32_t index;
  };
  // The next match at or after `from`.
  bool find(std::string_view s, size_t from, Match& m) const {
    for (size_t at = from; at < s.size(); ++at) {
      if (!first_[static_cast<unsigned char>(s[at])]) continue;
      uint32_t node = 0;
      int64_t best = -1;
      size_t best_end = at;
      for (size_t j = at; j < s.size() && (node = trie_.child(node, static_cast<unsigned char>(s[j]))) != 0; ++j)
        if (trie_.value(node) >= 0) {
          best = trie_.value(node);
          best_end = j + 1;
        }
      if (best >= 0) {
        m = {at, best_end, static_cast<int32_t>(best)};
        return true;
      }
    }
    return false;
  }

 private:
  ByteTrie trie_;
  std::array<bool, 256> first_{};
};

inline char32_t char_before(std::string_view s, size_t end) {
  size_t b = end - 1;
  while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
  return next_char(s, b);
}

struct Tokenizer::Pipeline {
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre;
  std::unique_ptr<TokenModel> model;
  std::unique_ptr<Decoder> decoder, display_decoder;
  AddedMatcher raw_added, normalized_added;
  std::unordered_map<int64_t, size_t> added_by_id;  // index into Tokenizer::added_; the first wins
  bool byte_level = false;

  // Cuts the added tokens out of every piece without tokens (HF's split_with_indices).
  void split_added(std::vector<PreToken>& pieces, const AddedMatcher& matcher, const std::vector<AddedToken>& added,
                   bool normalize_first) const {
    std::vector<PreToken> out;
    out.reserve(pieces.size());
    for (auto& piece : pieces) {
      if (piece.done) {
        out.push_back(std::move(piece));
        continue;
      }
      NormalizedString& ns = piece.text;
      if (normalize_first && normalizer) normalizer->normalize(ns);
      const std::string& s = ns.get();
      if (matcher.empty() || s.empty()) {
        if (!s.empty()) out.push_back(std::move(piece));
        continue;
      }
      std::vector<std::pair<size_t, size_t>> cuts;  // [b, e) and which added token (-1: none)
      std::vector<int32_t> which;
      size_t start_offset = 0, pos = 0;
      AddedMatcher::Match m{};
      while (pos < s.size() && matcher.find(s, pos, m)) {
        pos = m.end;
        const AddedToken& a = added[static_cast<size_t>(m.index)];
        size_t b = m.begin, e = m.end;
        if (a.single_word) {
          const bool left_ok = b == 0 || !is_rust_alphanumeric(char_before(s, b));
          size_t k = e;
          const bool right_ok = e == s.size() || !is_rust_alphanumeric(next_char(s, k));
          if (!left_ok || !right_ok) continue;
        }
        if (a.lstrip) {
          size_t nb = b;
          while (nb > 0 && is_rust_whitespace(char_before(s, nb))) {
            size_t k = nb - 1;
            while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
            nb = k;
          }
          b = std::max(nb, start_offset);
        }
        if (a.rstrip) {
          while (e < s.size()) {
            size_t k = e;
            if (!is_rust_whitespace(next_char(s, k))) break;
            e = k;
          }
        }
        if (start_offset < b) {
          cuts.emplace_back(start_offset, b);
          which.push_back(-1);
        }
        cuts.emplace_back(b, e);
        which.push_back(m.index);
        start_offset = e;
      }
      if (start_offset < s.size()) {
        cuts.emplace_back(start_offset, s.size());
        which.push_back(-1);
      }
      for (size_t k = 0; k < cuts.size(); ++k) {
        PreToken t;
        t.text = ns.slice(cuts[k].first, cuts[k].second);
        if (which[k] >= 0) {
          t.done = true;
          t.tokens.push_back({added[static_cast<size_t>(which[k])].id, 0, static_cast<uint32_t>(t.text.get().size())});
        }
        out.push_back(std::move(t));
      }
    }
    pieces = std::move(out);
  }
};


}  // namespace attnscope
