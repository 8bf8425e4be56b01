#include "core/io/bounded_read.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/common/text.h"

namespace attnscope {

namespace fs = std::filesystem;

std::string describe_path_kind(const fs::path& path) {
  std::error_code ec;
  const fs::file_status s = fs::status(path, ec);
  switch (s.type()) {
    case fs::file_type::not_found: return "missing";
    case fs::file_type::directory: return "a folder";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::regular: return "a file";
    default: return ec ? "unreadable (" + ec.message() + ")" : "not a regular file";
  }
}

std::string read_file_bounded(const fs::path& path, const std::string& label, uint64_t max_bytes, ErrorKind kind) {
  std::error_code ec;
  const fs::file_status s = fs::status(path, ec);
  const std::string where = label + ": " + path.string();
  if (s.type() == fs::file_type::not_found) fail(kind, where + " does not exist");
  if (s.type() != fs::file_type::regular) fail(kind, where + " is " + describe_path_kind(path) + ", not a regular file");
  const uint64_t size = fs::file_size(path, ec);
  if (ec) fail(kind, where + ": cannot read its size (" + ec.message() + ")");
  if (size > max_bytes)
    fail(kind, where + " is " + human_bytes(size) + ", more than the " + human_bytes(max_bytes) + " allowed for it");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(kind, where + ": cannot open it (" + std::strerror(errno) + ")");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  bytes.resize(static_cast<size_t>(in.gcount()));
  // A file that grew since stat() is read only up to the size that was checked.
  return bytes;
}

}  // namespace attnscope
