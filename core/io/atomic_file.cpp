#include "core/io/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common/error.h"

namespace attnscope {

namespace fs = std::filesystem;

void check_writable(const fs::path& target, bool overwrite) {
  std::error_code ec;
  if (!overwrite && fs::exists(target, ec))
    fail(ErrorKind::Output, target.string() + ": already exists (use --force to overwrite)");
  if (fs::is_directory(target, ec)) fail(ErrorKind::Output, target.string() + ": is a folder");
}

AtomicFile::AtomicFile(const fs::path& target, bool overwrite) : target_(target), overwrite_(overwrite) {
  check_writable(target, overwrite);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail(ErrorKind::Output, target.string() + ": folder " + dir.string() + " does not exist");
  std::string leaf = target.filename().string();
  leaf.insert(leaf.begin(), '.');
  leaf.append(".tmp-XXXXXX");
  const std::string templ = (dir / leaf).string();
  std::vector<char> name(templ.begin(), templ.end());
  name.push_back('\0');
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) {
    int err = errno;
    fail(ErrorKind::Output, target.string() + ": cannot create a file in " + dir.string() + ": " + std::strerror(err));
  }
  temp_ = name.data();
  ::fchmod(fd_, 0644);
  buffer_.reserve(1 << 20);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFile::fail_errno(const std::string& what) {
  const int err = errno;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
  committed_ = true;  // nothing left to clean up
  fail(ErrorKind::Output, target_.string() + ": " + what + ": " + std::strerror(err) + " (nothing was written)");
}

void AtomicFile::flush() {
  size_t off = 0;
  while (off < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + off, buffer_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("write failed");
    }
    off += static_cast<size_t>(n);
  }
  buffer_.clear();
}

void AtomicFile::write(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  written_ += size;
  if (buffer_.size() + size > buffer_.capacity()) flush();
  if (size >= buffer_.capacity()) {
    buffer_.assign(p, p + size);
    flush();
    return;
  }
  buffer_.insert(buffer_.end(), p, p + size);
}

void AtomicFile::commit() {
  flush();
  if (::fsync(fd_) != 0) fail_errno("cannot flush to disk");
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail_errno("cannot close");
  }
  fd_ = -1;
  if (overwrite_) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail_errno("cannot rename into place");
  } else {
    // link() refuses to replace a file that appeared meanwhile.
    if (::link(temp_.c_str(), target_.c_str()) != 0) {
      if (errno == EEXIST) {
        ::unlink(temp_.c_str());
        committed_ = true;
        fail(ErrorKind::Output, target_.string() + ": already exists (use --force to overwrite)");
      }
      fail_errno("cannot move into place");
    }
    ::unlink(temp_.c_str());
  }
  committed_ = true;
}

}  // namespace attnscope
