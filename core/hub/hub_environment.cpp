#include "core/hub/hub_environment.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace attnscope {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// huggingface_hub's _is_true: "1", "ON", "YES", "TRUE", case-insensitive.
bool truthy(std::string v) {
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

}  // namespace

fs::path hf_home_dir() {
  if (std::string v = env("HF_HOME"); !v.empty()) return v;
  if (std::string v = env("XDG_CACHE_HOME"); !v.empty()) return fs::path(v) / "huggingface";
  const std::string home = env("HOME");
  return fs::path(home.empty() ? "/" : home) / ".cache" / "huggingface";
}

fs::path hf_hub_cache_dir() {
  if (std::string v = env("HF_HUB_CACHE"); !v.empty()) return v;
  return hf_home_dir() / "hub";
}

HubEnvironment HubEnvironment::from_env() {
  HubEnvironment e;
  if (std::string v = trim(env("HF_ENDPOINT")); !v.empty()) {
    while (!v.empty() && v.back() == '/') v.pop_back();
    e.endpoint = v;
  }
  e.offline = truthy(env("HF_HUB_OFFLINE"));
  e.cache_dir = hf_hub_cache_dir();
  e.token = trim(env("HF_TOKEN"));
  if (e.token.empty()) {
    std::string path = env("HF_TOKEN_PATH");
    if (path.empty()) path = (hf_home_dir() / "token").string();
    std::ifstream in(path);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      e.token = trim(ss.str());
    }
  }
  return e;
}

}  // namespace attnscope
