#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/hub/hub_environment.h"

namespace attnscope {

// A model folder found on disk, described from its config.json and file sizes only (cheap:
// no weights are mapped), for the model picker.
struct ModelEntry {
  std::filesystem::path dir;
  std::string name;          // "org/name" for Hugging Face cache snapshots, else the folder name
  std::string source;        // "builtin", "hf-cache", "ATTNSCOPE_MODEL_PATH", "recent", "folder"
  std::string model_type;    // config.json model_type ("" if unreadable)
  std::string architecture;  // architectures[0]
  int layers = 0;
  int heads = 0;
  uint64_t weights_bytes = 0;
  bool image = false;        // has preprocessor_config.json / an image model_type
  std::string problem;       // why it cannot be opened, if known (no weights, pickle only, bad JSON)
};

struct DiscoveryOptions {
  // The models Attnscope ships (install_paths.h), listed first under their `builtin:` names.
  bool builtin = true;
  // Hugging Face hub cache: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.
  bool hf_cache = true;
  // Colon-separated folders in $ATTNSCOPE_MODEL_PATH; each is a model folder or holds model folders.
  bool env_path = true;
  std::vector<std::filesystem::path> recent;  // recently used folders, most recent first
  std::vector<std::filesystem::path> extra;   // more folders to scan like ATTNSCOPE_MODEL_PATH entries
};

// Describes one folder (never throws; problems go to ModelEntry::problem).
ModelEntry describe_model_folder(const std::filesystem::path& dir, const std::string& source);

// All model folders found, built-in ones first, then recent ones, without duplicates.
std::vector<ModelEntry> discover_models(const DiscoveryOptions& options);

}  // namespace attnscope
