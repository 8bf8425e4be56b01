#pragma once

// Building broken model folders and unusual inputs for the robustness tests (CLI and GUI):
// copies of the shared models that a test may damage, in-place edits of config.json and of
// safetensors headers, and PNG files written byte by byte (so that the test, not our decoder,
// decides what is in them).
#include <sys/resource.h>
#include <zlib.h>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/shared_data.h"

namespace attnscope::test {

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A writable copy of the model `name` in `parent`: the built-in one if there is one, else the
// shared one (the shared files are read-only, and root would write through them otherwise).
inline std::filesystem::path copy_model(const std::string& name, const std::filesystem::path& parent) {
  namespace fs = std::filesystem;
  const fs::path dir = parent / name;
  fs::create_directories(dir);
  const fs::path source = fs::is_directory(builtin_model(name)) ? builtin_model(name) : shared("models/" + name);
  for (const auto& e : fs::directory_iterator(source)) {
    if (!e.is_regular_file()) continue;
    fs::copy_file(e.path(), dir / e.path().filename(), fs::copy_options::overwrite_existing);
    fs::permissions(dir / e.path().filename(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                                   fs::perms::others_read);
  }
  return dir;
}

// Rewrites `dir`/config.json through `edit`.
inline void edit_config(const std::filesystem::path& dir, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json cfg = nlohmann::json::parse(read_file(dir / "config.json"));
  edit(cfg);
  write_file(dir / "config.json", cfg.dump(2));
}

// A safetensors file split into its JSON header and its data section.
struct SafetensorsParts {
  nlohmann::json header;
  std::string data;
};

inline SafetensorsParts read_safetensors_parts(const std::filesystem::path& p) {
  const std::string bytes = read_file(p);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);  // little-endian, as on every machine this runs on
  return {nlohmann::json::parse(bytes.substr(8, n)), bytes.substr(8 + n)};
}

inline std::string safetensors_bytes(const nlohmann::json& header, const std::string& data) {
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');
  const uint64_t n = h.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  return out + h + data;
}

// Rewrites the safetensors file `p` through `edit` (header and data may both change).
inline void edit_safetensors(const std::filesystem::path& p, const std::function<void(nlohmann::json&, std::string&)>& edit) {
  SafetensorsParts parts = read_safetensors_parts(p);
  edit(parts.header, parts.data);
  write_file(p, safetensors_bytes(parts.header, parts.data));
}

// Repeated story sentences, at least `bytes` long.
inline std::string story(size_t bytes) {
  std::string s;
  while (s.size() < bytes) s += "Once upon a time there was a little cat. ";
  return s;
}

// While alive, files of this process and of the processes it starts cannot grow past `bytes`:
// write() fails part-way with EFBIG (SIGXFSZ is ignored), the same path as a full disk (ENOSPC).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old_;
    small.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &small);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  struct rlimit old_ {};
  void (*old_handler_)(int) = nullptr;
};

// --- PNG files written by hand -----------------------------------------------------------------

inline void put_be32(std::string& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>(v >> s));
}

inline void png_chunk(std::string& out, const char* type, const std::string& data) {
  put_be32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out.append(type, 4);
  out += data;
  put_be32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(out.data() + start), static_cast<uInt>(out.size() - start))));
}

// A PNG with the given IHDR fields; `rows` are the raw scanlines (the filter byte 0 is added).
// `extra` chunks (PLTE, tRNS, ...) go between IHDR and IDAT.
inline std::string png(uint32_t w, uint32_t h, int bit_depth, int color_type, const std::vector<std::string>& rows,
                       const std::vector<std::pair<const char*, std::string>>& extra = {}) {
  std::string out = "\x89PNG\r\n\x1A\n";
  std::string ihdr;
  put_be32(ihdr, w);
  put_be32(ihdr, h);
  ihdr += {static_cast<char>(bit_depth), static_cast<char>(color_type), 0, 0, 0};
  png_chunk(out, "IHDR", ihdr);
  for (const auto& [type, data] : extra) png_chunk(out, type, data);
  std::string raw;
  for (const auto& r : rows) raw += '\0' + r;
  uLongf n = compressBound(static_cast<uLong>(raw.size()));
  std::string z(n, '\0');
  compress(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()));
  z.resize(n);
  png_chunk(out, "IDAT", z);
  png_chunk(out, "IEND", "");
  return out;
}

// A w x h 8-bit RGB PNG with a simple gradient.
inline std::string rgb_png(uint32_t w, uint32_t h) {
  std::vector<std::string> rows;
  for (uint32_t y = 0; y < h; ++y) {
    std::string r;
    for (uint32_t x = 0; x < w; ++x) r += {static_cast<char>(x * 255 / w), static_cast<char>(y * 255 / h), static_cast<char>(128)};
    rows.push_back(r);
  }
  return png(w, h, 8, 2, rows);
}

}  // namespace attnscope::test
