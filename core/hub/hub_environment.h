#pragma once

#include <filesystem>
#include <string>

namespace attnscope {

// Where and how to reach the Hugging Face Hub, read from the environment exactly as
// huggingface_hub reads it, so that Attnscope and the Python tools share one cache and one token.
struct HubEnvironment {
  std::string endpoint = "https://huggingface.co";  // HF_ENDPOINT, without a trailing '/'
  std::string token;                                 // HF_TOKEN, else the file HF_TOKEN_PATH / $HF_HOME/token
  bool offline = false;                              // HF_HUB_OFFLINE=1 (also ON / YES / TRUE)
  std::filesystem::path cache_dir;                   // HF_HUB_CACHE, else $HF_HOME/hub

  static HubEnvironment from_env();
};

// $HF_HOME, else ~/.cache/huggingface.
std::filesystem::path hf_home_dir();
// The Hugging Face hub cache folder: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.
std::filesystem::path hf_hub_cache_dir();

}  // namespace attnscope
