#pragma once

// Shared by the libFuzzer targets. Every target feeds untrusted bytes to a core entry point and
// accepts exactly one outcome besides success: attnscope::Error of the documented kind. Anything
// else -- a crash, a sanitizer report, a leak, another exception type escaping -- is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace attnscope::fuzz {

// Stops the run with a message: libFuzzer reports the input as a crash.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

// Calls `body`; an Error of another kind than `expected` is a finding (the caller's contract).
template <typename F>
void expect_only(ErrorKind expected, F&& body) {
  try {
    body();
  } catch (const Error& e) {
    if (e.kind() != expected) finding(std::string("unexpected error kind ") + to_string(e.kind()) + ": " + e.what());
  }
}

// A scratch folder of this process (in /dev/shm when there is one: files are rewritten per input),
// removed at exit.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : std::filesystem::temp_directory_path();
    const std::filesystem::path d = base / ("attnscope-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(scratch_dir(), ignored);
    });
    return d;
  }();
  return dir;
}

inline void write_file(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) finding("cannot write the scratch file " + p.string());
}

// The input split at NUL bytes into at most `n` parts (the last part keeps any further NULs);
// missing parts are absent from the result.
inline std::vector<std::string_view> split_nul(const uint8_t* data, size_t size, size_t n) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < n) {
    const size_t z = rest.find('\0');
    if (z == std::string_view::npos) break;
    parts.push_back(rest.substr(0, z));
    rest.remove_prefix(z + 1);
  }
  parts.push_back(rest);
  return parts;
}

// The shared models folder (CMake's ATTNSCOPE_SHARED_DIR) for targets that need real tokenizers.
inline std::filesystem::path shared_model(const std::string& name) {
  const std::filesystem::path p = std::filesystem::path(ATTNSCOPE_SHARED_DIR) / "models" / name;
  std::error_code ec;
  if (!std::filesystem::is_directory(p, ec)) finding("shared model folder missing: " + p.string());
  return p;
}

}  // namespace attnscope::fuzz
