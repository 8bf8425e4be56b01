#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/bounded_read.h"

namespace attnscope {

// JSON from a model folder nests at most this deep: parsing, copying, dumping and destroying a
// JSON tree recurse, so a file of 10^5 nested brackets would otherwise overflow the stack.
inline constexpr int kMaxJsonDepth = 128;

// Parses `text` (from the file `label`), refusing nesting deeper than kMaxJsonDepth before the
// deep part is built. Throws Error(kind) naming the file.
nlohmann::json parse_json_bounded(std::string_view text, const std::string& label, ErrorKind kind = ErrorKind::Model);

// Reads and parses a JSON file of a model folder (config.json, tokenizer.json, ...): a regular
// file of at most `max_bytes` (bounded_read.h), nested at most kMaxJsonDepth deep. Throws
// Error(Model) naming the file.
nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& label,
                              uint64_t max_bytes = kMaxConfigJsonBytes);

// A JSON value quoted in a message: its compact text, cut to a short excerpt.
std::string json_excerpt(const nlohmann::json& value);

// Typed access to one JSON object with range checks, so that a hostile or broken config gives
// "config.json: 'num_hidden_layers' must be an integer in [1, 1024], got 1000000000" instead of a
// crash or an absurd allocation. All failures throw Error(Model).
class JsonObject {
 public:
  JsonObject(nlohmann::json json, std::string label);

  const std::string& label() const { return label_; }
  const nlohmann::json& json() const { return json_; }
  bool has(const std::string& key) const;  // present and not null

  int64_t integer(const std::string& key, int64_t lo, int64_t hi) const;
  int64_t integer_or(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) const;
  double number(const std::string& key, double lo, double hi) const;
  double number_or(const std::string& key, double fallback, double lo, double hi) const;
  std::string string(const std::string& key) const;
  std::string string_or(const std::string& key, const std::string& fallback) const;
  bool boolean_or(const std::string& key, bool fallback) const;
  std::vector<double> numbers(const std::string& key, size_t count) const;  // fixed-length array
  std::optional<JsonObject> object(const std::string& key) const;          // nested object, if present

  [[noreturn]] void fail_key(const std::string& key, const std::string& what) const;

 private:
  const nlohmann::json& at(const std::string& key) const;
  nlohmann::json json_;
  std::string label_;
};

}  // namespace attnscope
