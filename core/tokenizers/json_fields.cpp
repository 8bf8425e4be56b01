#include "core/tokenizers/json_fields.h"

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace attnscope {

void json_fail(const std::string& where, const std::string& what) { fail(ErrorKind::Model, where + ": " + what); }

std::string json_type(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) json_fail(where, "expected an object, got " + json_excerpt(j));
  auto it = j.find("type");
  if (it == j.end() || !it->is_string()) json_fail(where, "has no string \"type\"");
  return it->get<std::string>();
}

const nlohmann::json& json_member(const nlohmann::json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) json_fail(where, std::string("has no \"") + key + "\"");
  return *it;
}

const nlohmann::json& json_array(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto& v = json_member(j, key, where);
  if (!v.is_array()) json_fail(where + "." + key, "expected an array, got " + json_excerpt(v));
  return v;
}

std::string json_string(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto& v = json_member(j, key, where);
  if (!v.is_string()) json_fail(where + "." + key, "expected a string, got " + json_excerpt(v));
  return v.get<std::string>();
}

bool json_bool(const nlohmann::json& j, const char* key, bool fallback, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) json_fail(where + "." + key, "expected true or false, got " + json_excerpt(*it));
  return it->get<bool>();
}

std::string json_string_or(const nlohmann::json& j, const char* key, const std::string& fallback, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_string()) json_fail(where + "." + key, "expected a string, got " + json_excerpt(*it));
  return it->get<std::string>();
}

int64_t json_int_or(const nlohmann::json& j, const char* key, int64_t fallback, int64_t lo, int64_t hi, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi)
    json_fail(where + "." + key, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + json_excerpt(*it));
  return it->get<int64_t>();
}

}  // namespace attnscope
