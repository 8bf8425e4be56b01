#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/error.h"

namespace attnscope {

// Every file Attnscope reads whole (JSON, vocabularies, input texts) goes through here, so that a
// folder, a FIFO, a device or a giant file is refused from its metadata, before one byte is read
// (README, Security: the table of limits).
inline constexpr uint64_t kMaxConfigJsonBytes = 16'000'000;     // config.json, *_config.json, shard index
inline constexpr uint64_t kMaxTokenizerFileBytes = 64'000'000;  // tokenizer.json, vocab.*, merges.txt
inline constexpr uint64_t kMaxInputTextBytes = 64'000'000;      // --text-file, File > Open text

// Reads `path` whole if it is a regular file (after symbolic links) of at most `max_bytes`.
// Otherwise throws Error(kind) saying what the path is instead ("is a folder", "is a FIFO or
// device, not a regular file", "is 1.2 GB, more than the 64 MB allowed for ..."), naming `label`.
std::string read_file_bounded(const std::filesystem::path& path, const std::string& label, uint64_t max_bytes, ErrorKind kind);

// What a path is, for messages: "a folder", "a FIFO", "a device", "a socket", "missing", "a file".
std::string describe_path_kind(const std::filesystem::path& path);

}  // namespace attnscope
