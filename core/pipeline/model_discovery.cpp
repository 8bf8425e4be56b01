#include "core/pipeline/model_discovery.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/hub/hub_cache.h"
#include "core/io/json_file.h"
#include "core/models/architecture.h"
#include "core/models/checkpoint.h"
#include "core/pipeline/install_paths.h"

namespace attnscope {

namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool is_model_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "config.json", ec);
}

int int_field(const nlohmann::json& j, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = j.find(k);
    if (it != j.end() && it->is_number_integer()) return it->get<int>();
  }
  return 0;
}

}  // namespace


ModelEntry describe_model_folder(const fs::path& dir, const std::string& source) {
  ModelEntry e;
  e.dir = dir;
  e.source = source;
  e.name = model_display_name(dir);
  try {
    const auto j = read_json_file(dir / "config.json", "config.json");
    if (!j.is_object()) throw Error(ErrorKind::Model, "config.json is not a JSON object");
    e.model_type = j.value("model_type", "");
    if (j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty() && j["architectures"][0].is_string())
      e.architecture = j["architectures"][0].get<std::string>();
    // Multimodal decoders (Gemma 3 4B+) keep the language model's shape in text_config.
    const auto& shape = j.contains("text_config") && j["text_config"].is_object() ? j["text_config"] : j;
    e.layers = int_field(shape, {"num_hidden_layers", "n_layer", "n_layers"});
    e.heads = int_field(shape, {"num_attention_heads", "n_head", "n_heads"});
  } catch (const Error& err) {
    e.problem = err.what();
  } catch (const std::exception&) {  // e.g. "model_type": 3
    e.problem = "config.json has unexpected types";
  }
  std::error_code ec;
  // A multimodal LLM's preprocessor is for its vision tower, which does not run: a text model here.
  e.image = (fs::is_regular_file(dir / "preprocessor_config.json", ec) && !is_decoder_family(e.model_type)) ||
            e.model_type == "vit" || e.model_type == "deit" || e.model_type.starts_with("dinov2");
  bool weights = false, pickle = false;
  for (const auto& f : fs::directory_iterator(dir, ec)) {
    const std::string ext = f.path().extension().string();
    if (ext == ".safetensors") {
      weights = true;
      e.weights_bytes += fs::file_size(f.path(), ec);  // follows HF cache symlinks to blobs
    } else if (is_pickle_weights(f.path())) {
      pickle = true;
    }
  }
  if (!weights && e.problem.empty()) e.problem = pickle ? "only pickle weights (convert to safetensors)" : "no model.safetensors";
  return e;
}

std::vector<ModelEntry> discover_models(const DiscoveryOptions& o) {
  std::vector<ModelEntry> out;
  std::set<fs::path> seen;
  auto add = [&](const fs::path& dir, const std::string& source, const std::string& name = "") {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(dir, ec);
    if (ec) key = dir;
    if (!seen.insert(key).second) return;
    ModelEntry e = describe_model_folder(dir, source);
    if (!name.empty()) e.name = name;
    out.push_back(std::move(e));
  };
  auto scan_folder = [&](const fs::path& root, const std::string& source) {
    std::error_code ec;
    if (is_model_folder(root)) {
      add(root, source);
      return;
    }
    std::vector<fs::path> children;
    for (const auto& d : fs::directory_iterator(root, ec))
      if (d.is_directory(ec) && is_model_folder(d.path())) children.push_back(d.path());
    std::sort(children.begin(), children.end());
    for (const auto& c : children) add(c, source);
  };

  if (o.builtin)
    for (const auto& m : builtin_models()) add(m.dir, "builtin", m.name);
  for (const auto& r : o.recent)
    if (is_model_folder(r)) add(r, "recent");

  if (o.hf_cache) {
    // models--org--name/snapshots/<revision>/ (the newest revision first)
    std::error_code ec;
    const fs::path cache = hf_hub_cache_dir();
    std::vector<fs::path> repos;
    for (const auto& d : fs::directory_iterator(cache, ec))
      if (d.is_directory(ec) && d.path().filename().string().rfind("models--", 0) == 0) repos.push_back(d.path());
    std::sort(repos.begin(), repos.end());
    for (const auto& repo : repos) {
      std::vector<std::pair<fs::file_time_type, fs::path>> snaps;
      for (const auto& s : fs::directory_iterator(repo / "snapshots", ec))
        if (s.is_directory(ec) && is_model_folder(s.path())) snaps.emplace_back(fs::last_write_time(s.path(), ec), s.path());
      std::sort(snaps.rbegin(), snaps.rend());
      for (size_t i = 0; i < snaps.size(); ++i) {
        const std::string rev = snaps[i].second.filename().string().substr(0, 8);
        const std::string name = model_display_name(snaps[i].second);
        add(snaps[i].second, "hf-cache", snaps.size() == 1 ? name : name + "@" + rev);
      }
    }
  }
  if (o.env_path) {
    std::stringstream ss(env("ATTNSCOPE_MODEL_PATH"));
    for (std::string item; std::getline(ss, item, ':');)
      if (!item.empty()) scan_folder(item, "ATTNSCOPE_MODEL_PATH");
  }
  for (const auto& x : o.extra) scan_folder(x, "folder");
  return out;
}

}  // namespace attnscope
