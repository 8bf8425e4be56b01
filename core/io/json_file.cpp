#include "core/io/json_file.h"

#include <cmath>

#include "core/common/error.h"
#include "core/common/text.h"

namespace attnscope {

namespace {

// A SAX pass that only measures nesting. nlohmann's SAX parser is iterative, so this is safe on
// any input; the DOM parse that follows (recursive in places) then only sees shallow JSON. Its
// callback-based DOM parser would stop early too, but it rescans an object's parent at every
// object end: quadratic for a file with 60,000 added tokens.
struct DepthProbe : nlohmann::json_sax<nlohmann::json> {
  int depth = 0;
  bool too_deep = false;
  bool open() {
    if (++depth <= kMaxJsonDepth) return true;
    too_deep = true;
    return false;
  }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return open(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return --depth, true; }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return --depth, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

}  // namespace

nlohmann::json parse_json_bounded(std::string_view text, const std::string& label, ErrorKind kind) {
  DepthProbe probe;
  nlohmann::json::sax_parse(text.begin(), text.end(), &probe, nlohmann::json::input_format_t::json, false);
  if (probe.too_deep) fail(kind, label + ": JSON nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    fail(kind, label + ": invalid JSON: " + excerpt(e.what(), 200));
  }
}

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& label, uint64_t max_bytes) {
  return parse_json_bounded(read_file_bounded(path, label, max_bytes, ErrorKind::Model), label);
}

std::string json_excerpt(const nlohmann::json& value) {
  return excerpt(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 60);
}

JsonObject::JsonObject(nlohmann::json json, std::string label) : json_(std::move(json)), label_(std::move(label)) {
  if (!json_.is_object()) fail(ErrorKind::Model, label_ + ": expected a JSON object");
}

bool JsonObject::has(const std::string& key) const {
  auto it = json_.find(key);
  return it != json_.end() && !it->is_null();
}

void JsonObject::fail_key(const std::string& key, const std::string& what) const {
  fail(ErrorKind::Model, label_ + ": '" + key + "' " + what);
}

const nlohmann::json& JsonObject::at(const std::string& key) const {
  auto it = json_.find(key);
  if (it == json_.end() || it->is_null()) fail_key(key, "is missing");
  return *it;
}

int64_t JsonObject::integer(const std::string& key, int64_t lo, int64_t hi) const {
  const auto& v = at(key);
  const std::string range = "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got ";
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi)) fail_key(key, range + json_excerpt(v));
    int64_t n = v.get<int64_t>();
    if (n < lo || n > hi) fail_key(key, range + json_excerpt(v));
    return n;
  }
  if (v.is_number_float()) {  // some exporters write 512.0
    double d = v.get<double>();
    if (std::floor(d) == d && d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) return static_cast<int64_t>(d);
  }
  fail_key(key, range + json_excerpt(v));
}

int64_t JsonObject::integer_or(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) const {
  return has(key) ? integer(key, lo, hi) : fallback;
}

double JsonObject::number(const std::string& key, double lo, double hi) const {
  const auto& v = at(key);
  if (!v.is_number()) fail_key(key, "must be a number, got " + json_excerpt(v));
  double d = v.get<double>();
  if (!std::isfinite(d) || d < lo || d > hi)
    fail_key(key, "must be a number in [" + nlohmann::json(lo).dump() + ", " + nlohmann::json(hi).dump() + "], got " + json_excerpt(v));
  return d;
}

double JsonObject::number_or(const std::string& key, double fallback, double lo, double hi) const {
  return has(key) ? number(key, lo, hi) : fallback;
}

std::string JsonObject::string(const std::string& key) const {
  const auto& v = at(key);
  if (!v.is_string()) fail_key(key, "must be a string, got " + json_excerpt(v));
  return v.get<std::string>();
}

std::string JsonObject::string_or(const std::string& key, const std::string& fallback) const {
  return has(key) ? string(key) : fallback;
}

bool JsonObject::boolean_or(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& v = at(key);
  if (!v.is_boolean()) fail_key(key, "must be true or false, got " + json_excerpt(v));
  return v.get<bool>();
}

std::vector<double> JsonObject::numbers(const std::string& key, size_t count) const {
  const auto& v = at(key);
  if (!v.is_array() || v.size() != count) fail_key(key, "must be an array of " + std::to_string(count) + " numbers");
  std::vector<double> out;
  for (const auto& x : v) {
    if (!x.is_number() || !std::isfinite(x.get<double>())) fail_key(key, "must hold finite numbers, got " + json_excerpt(x));
    out.push_back(x.get<double>());
  }
  return out;
}

std::optional<JsonObject> JsonObject::object(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  const auto& v = at(key);
  if (!v.is_object()) fail_key(key, "must be a JSON object");
  return JsonObject(v, label_ + " '" + key + "'");
}

}  // namespace attnscope
