#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace attnscope {

// A Split / Replace pattern of a tokenizer.json: {"String": "..."} matched literally, or
// {"Regex": "..."} in Oniguruma's syntax (what Hugging Face compiles it with), run by ICU.
// `\s` and `\S` are rewritten to the White_Space property, which is what Oniguruma means by
// them and ICU's documented class ([\t\n\f\r\p{Z}]) is not.
class Pattern {
 public:
  struct Piece {
    size_t begin, end;  // bytes
    bool match;
  };
  // `where` names the JSON value in errors ("tokenizer.json: pre_tokenizer.pattern").
  static Pattern from_json(const nlohmann::json& j, const std::string& where);
  static Pattern literal(std::string s);
  static Pattern regex(const std::string& oniguruma, const std::string& where);

  Pattern();
  ~Pattern();
  Pattern(Pattern&&) noexcept;
  Pattern& operator=(Pattern&&) noexcept;

  // The text cut into matches and the stretches between them, in order, covering all of it
  // (HF's find_matches). An empty text gives one empty non-match.
  std::vector<Piece> find_matches(std::string_view text) const;

 private:
  struct Compiled;
  std::string literal_;
  std::shared_ptr<const Compiled> regex_;
};

}  // namespace attnscope
