#pragma once

#include <filesystem>
#include <string>

namespace attnscope {

// Lowercase hexadecimal digests of a file's bytes, read in chunks (for multi-gigabyte weights).
// The Hub names an LFS file by its SHA-256 and any other file by its git blob id:
// SHA-1 of "blob {size}\0" followed by the bytes. Throws Error(Output) if the file cannot be read.
std::string sha256_file(const std::filesystem::path& path);
std::string git_blob_sha1_file(const std::filesystem::path& path);

}  // namespace attnscope
