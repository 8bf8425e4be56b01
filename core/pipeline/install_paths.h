#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace attnscope {

// What Attnscope ships beside its programs -- built-in models, sample texts and photos -- lives in
// one data folder: $ATTNSCOPE_DATA_DIR if set, else ../share/attnscope beside the running
// executable. That holds for an installed tree (prefix/bin + prefix/share/attnscope) and for the
// build tree, where CMake links build/share/attnscope to the sources. No build path is compiled in.
std::filesystem::path data_dir();

// The built-in models: data_dir()/models/<name>, each a Hugging Face folder.
struct BuiltinModel {
  std::string name;              // "vit-tiny", "stories260K": what `builtin:NAME` takes
  std::filesystem::path dir;
};
std::vector<BuiltinModel> builtin_models();  // sorted by name; empty if the data folder is missing

inline constexpr const char* kBuiltinPrefix = "builtin:";

// What --model accepts: a folder path, `builtin:NAME`, or a Hugging Face repo id
// `org/name[@revision]` that is not a folder here, found in the hub cache (offline). Throws
// Error(Model) for an unknown built-in name, listing the ones there are, or for a repo id not in
// the cache, saying how to download it.
std::filesystem::path resolve_model_reference(const std::string& reference);

}  // namespace attnscope
