#pragma once

// Reading the parts of a tokenizer.json: every failure is Error(Model) naming the file and the
// JSON path of the value ("tokenizer.json: pre_tokenizer.pretokenizers[0].behavior: ...").

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace attnscope {

[[noreturn]] void json_fail(const std::string& where, const std::string& what);
// j["type"] of a component object.
std::string json_type(const nlohmann::json& j, const std::string& where);
const nlohmann::json& json_member(const nlohmann::json& j, const char* key, const std::string& where);
const nlohmann::json& json_array(const nlohmann::json& j, const char* key, const std::string& where);
std::string json_string(const nlohmann::json& j, const char* key, const std::string& where);
// Absent or null -> fallback.
bool json_bool(const nlohmann::json& j, const char* key, bool fallback, const std::string& where);
std::string json_string_or(const nlohmann::json& j, const char* key, const std::string& fallback, const std::string& where);
int64_t json_int_or(const nlohmann::json& j, const char* key, int64_t fallback, int64_t lo, int64_t hi, const std::string& where);

// The members of a Sequence component (j[key]), each parsed with parse(member, where); null
// members (nullptr) are left out.
template <class T, class Parse>
std::vector<std::unique_ptr<T>> parse_steps(const nlohmann::json& j, const char* key, const std::string& where, Parse&& parse) {
  std::vector<std::unique_ptr<T>> out;
  const auto& steps = json_array(j, key, where);
  for (size_t i = 0; i < steps.size(); ++i)
    if (auto step = parse(steps[i], where + "." + key + "[" + std::to_string(i) + "]")) out.push_back(std::move(step));
  return out;
}

}  // namespace attnscope
