#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace attnscope {

// Reads a JSON file (config.json, tokenizer_config.json, ...). Missing files and invalid JSON
// throw Error(kind) naming the file.
nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& label);

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
