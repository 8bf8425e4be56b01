#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tokenizers/normalized_string.h"
#include "core/tokenizers/pattern.h"

namespace attnscope {

// One token a model (or the added vocabulary) produced: byte span in its piece's normalized text.
struct ModelToken {
  int64_t id;
  uint32_t begin, end;
  bool literal = false;  // the token's string is its text, not the vocabulary entry (Unigram's fused <unk>)
};

// A piece of the input on its way through the pipeline (HF's PreTokenizedString split). Pieces
// that are added tokens already carry their token and are left alone by later steps.
struct PreToken {
  NormalizedString text;
  bool done = false;  // has its tokens (an added token)
  std::vector<ModelToken> tokens;
};

// How a Split keeps what it matched (HF's SplitDelimiterBehavior).
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// `s` cut at `matches` (which cover it, as Pattern::find_matches gives them), empty pieces dropped.
std::vector<NormalizedString> split_normalized(const NormalizedString& s, std::vector<Pattern::Piece> matches, SplitBehavior behavior);
// Every character for which `is_match` holds is a match of its own (HF's char-predicate pattern).
template <class Pred>
std::vector<Pattern::Piece> char_matches(const std::string& s, Pred&& is_match) {
  std::vector<Pattern::Piece> out;
  size_t last = 0, i = 0;
  while (i < s.size()) {
    const size_t b = i;
    if (!is_match(next_char(s, i))) continue;
    if (last < b) out.push_back({last, b, false});
    out.push_back({b, i, true});
    last = i;
  }
  if (i > last) out.push_back({last, i, false});
  return out;
}

// A tokenizer.json "pre_tokenizer": Split, ByteLevel, Metaspace, Whitespace, WhitespaceSplit,
// BertPreTokenizer, Punctuation, Digits, CharDelimiterSplit and Sequence.
class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void pre_tokenize(std::vector<PreToken>& pieces) const = 0;
};

std::unique_ptr<PreTokenizer> parse_pre_tokenizer(const nlohmann::json& j, const std::string& where);

// GPT-2's bytes_to_unicode(): the printable bytes stand for themselves, the other 68 map to
// U+0100.. in byte order (space -> U+0120 "Ġ"). byte_of_char returns -1 for other characters.
char32_t byte_level_char(uint8_t b);
int byte_of_char(char32_t c);
// The ByteLevel step's rewrite: each byte of the text becomes its byte-level character.
void to_byte_level(NormalizedString& s);

}  // namespace attnscope
