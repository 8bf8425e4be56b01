#include "core/pipeline/install_paths.h"

#include <algorithm>
#include <cstdlib>

#include "core/common/error.h"
#include "core/hub/hub_client.h"

namespace attnscope {

namespace fs = std::filesystem;

fs::path data_dir() {
  if (const char* v = std::getenv("ATTNSCOPE_DATA_DIR"); v && *v) return fs::path(v);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return fs::path("share") / "attnscope";
  return (exe.parent_path().parent_path() / "share" / "attnscope").lexically_normal();
}

std::vector<BuiltinModel> builtin_models() {
  std::vector<BuiltinModel> out;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(data_dir() / "models", ec))
    if (fs::is_regular_file(d.path() / "config.json", ec)) out.push_back({d.path().filename().string(), d.path()});
  std::sort(out.begin(), out.end(), [](const BuiltinModel& a, const BuiltinModel& b) { return a.name < b.name; });
  return out;
}

fs::path resolve_model_reference(const std::string& reference) {
  const std::string prefix = kBuiltinPrefix;
  if (reference.rfind(prefix, 0) != 0) {
    // Not a folder but shaped like "org/name[@revision]": the Hugging Face cache, never the network.
    std::error_code ec;
    if (!fs::exists(reference, ec) && looks_like_repo_id(reference)) return resolve_cached_repo(reference, hf_hub_cache_dir());
    return fs::path(reference);
  }
  const std::string name = reference.substr(prefix.size());
  const auto models = builtin_models();
  for (const auto& m : models)
    if (m.name == name) return m.dir;
  std::string known;
  for (const auto& m : models) known += (known.empty() ? "" : ", ") + prefix + m.name;
  if (known.empty())
    fail(ErrorKind::Model, "'" + reference + "': no built-in models were found in " + (data_dir() / "models").string() +
                               " (set ATTNSCOPE_DATA_DIR to the folder holding models/ and samples/)");
  fail(ErrorKind::Model, "'" + reference + "' is not a built-in model; there are " + known);
}

}  // namespace attnscope
