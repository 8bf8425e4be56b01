#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace attnscope {

// Writes a file atomically: the bytes go to a temporary file in the target's folder, which is
// renamed over the target only by commit(). A failure (read-only folder, full disk) throws
// Error(Output) and leaves no partial file behind. Unless `overwrite`, an existing target is
// never replaced, even if it appears while writing.
class AtomicFile {
 public:
  AtomicFile(const std::filesystem::path& target, bool overwrite);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size);
  void write(const std::string& s) { write(s.data(), s.size()); }
  uint64_t written() const { return written_; }
  void commit();

 private:
  void flush();
  [[noreturn]] void fail_errno(const std::string& what);
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool overwrite_;
  int fd_ = -1;
  bool committed_ = false;
  std::vector<char> buffer_;
  uint64_t written_ = 0;
};

// Throws Error(Output) if `target` exists and may not be overwritten.
void check_writable(const std::filesystem::path& target, bool overwrite);

}  // namespace attnscope
