#include "core/hub/hub_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace fs = std::filesystem;

namespace attnscope {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }

// One part of a repo id, as huggingface_hub's validate_repo_id accepts it.
bool valid_part(const std::string& p) {
  if (p.empty() || p.size() > 96) return false;
  for (char c : p)
    if (!name_char(c)) return false;
  const auto edge = [](char c) { return c == '-' || c == '.'; };
  return !edge(p.front()) && !edge(p.back());
}

bool valid_revision(const std::string& r) {
  if (r.empty() || r.size() > 256 || r.front() == '/' || r.back() == '/') return false;
  for (char c : r)
    if (!name_char(c) && c != '/') return false;
  std::stringstream ss(r);
  for (std::string part; std::getline(ss, part, '/');)
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

std::string read_small_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

}  // namespace

bool is_commit_hash(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  return true;
}

bool looks_like_repo_id(const std::string& s) {
  const size_t at = s.find('@');
  const std::string id = s.substr(0, at);
  if (at != std::string::npos && !valid_revision(s.substr(at + 1))) return false;
  if (id.find("--") != std::string::npos || id.find("..") != std::string::npos) return false;
  if (id.size() >= 4 && id.compare(id.size() - 4, 4, ".git") == 0) return false;
  const size_t slash = id.find('/');
  if (slash == std::string::npos) return valid_part(id);
  return valid_part(id.substr(0, slash)) && valid_part(id.substr(slash + 1));
}

RepoRef parse_repo_ref(const std::string& s) {
  if (!looks_like_repo_id(s))
    fail(ErrorKind::Usage, "'" + s +
                               "' is not a Hugging Face repo id: expected org/name or org/name@revision (letters, digits, "
                               "'-', '_', '.'; no '--' or '..')");
  RepoRef r;
  const size_t at = s.find('@');
  r.repo_id = s.substr(0, at);
  if (at != std::string::npos) r.revision = s.substr(at + 1);
  return r;
}

std::string repo_folder_name(const std::string& repo_id) {
  std::string out = "models--";
  for (char c : repo_id) {
    if (c == '/') out += "--";
    else out += c;
  }
  return out;
}

fs::path repo_cache_dir(const fs::path& cache, const std::string& repo_id) { return cache / repo_folder_name(repo_id); }

fs::path blob_path(const fs::path& cache, const std::string& repo_id, const std::string& etag) {
  return repo_cache_dir(cache, repo_id) / "blobs" / etag;
}

fs::path blob_lock_path(const fs::path& cache, const std::string& repo_id, const std::string& etag) {
  return cache / ".locks" / repo_folder_name(repo_id) / (etag + ".lock");
}

std::optional<fs::path> cached_snapshot(const fs::path& cache, const RepoRef& ref) {
  const fs::path repo = repo_cache_dir(cache, ref.repo_id);
  std::string commit = ref.revision;
  if (!is_commit_hash(commit)) {
    if (!valid_revision(ref.revision)) return std::nullopt;
    commit = read_small_file(repo / "refs" / ref.revision);
    if (!is_commit_hash(commit)) return std::nullopt;
  }
  std::error_code ec;
  const fs::path snap = repo / "snapshots" / commit;
  if (!fs::is_directory(snap, ec)) return std::nullopt;
  return snap;
}

void link_snapshot_file(const fs::path& cache, const std::string& repo_id, const std::string& commit, const std::string& path,
                        const std::string& etag) {
  const fs::path repo = repo_cache_dir(cache, repo_id);
  const fs::path link = repo / "snapshots" / commit / path;
  // huggingface_hub links with os.path.relpath(blob, dirname(link)): lexical, on absolute paths.
  const fs::path target = fs::absolute(repo / "blobs" / etag).lexically_normal().lexically_relative(
      fs::absolute(link.parent_path()).lexically_normal());
  std::error_code ec;
  fs::create_directories(link.parent_path(), ec);
  if (ec) fail(ErrorKind::Output, link.parent_path().string() + ": cannot create the folder: " + ec.message());
  if (fs::is_symlink(fs::symlink_status(link, ec)) && fs::read_symlink(link, ec) == target) return;
  // A new link under a temporary name, renamed over the old one: readers never see no file.
  const fs::path temp = link.parent_path() / ("." + link.filename().string() + ".attnscope-link");
  fs::remove(temp, ec);
  fs::create_symlink(target, temp, ec);
  if (ec) fail(ErrorKind::Output, temp.string() + ": cannot create the link to " + target.string() + ": " + ec.message());
  fs::rename(temp, link, ec);
  if (ec) {
    fs::remove(temp, ec);
    fail(ErrorKind::Output, link.string() + ": cannot replace it with a link: " + ec.message());
  }
}

void write_ref(const fs::path& cache, const std::string& repo_id, const std::string& revision, const std::string& commit) {
  if (revision == commit) return;
  if (!valid_revision(revision)) fail(ErrorKind::Usage, "'" + revision + "' is not a valid revision name");
  const fs::path ref = repo_cache_dir(cache, repo_id) / "refs" / revision;
  std::error_code ec;
  fs::create_directories(ref.parent_path(), ec);
  if (ec) fail(ErrorKind::Output, ref.parent_path().string() + ": cannot create the folder: " + ec.message());
  if (read_small_file(ref) == commit && fs::file_size(ref, ec) == commit.size()) return;
  AtomicFile f(ref, true);
  f.write(commit);
  f.commit();
}

FileLock::FileLock(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail(ErrorKind::Output, path.string() + ": cannot create the lock file");
}

FileLock::~FileLock() {
  if (fd_ >= 0) {
    if (held_) ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

bool FileLock::try_lock() {
  if (!held_) held_ = ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
  return held_;
}

}  // namespace attnscope

namespace attnscope {
std::string model_display_name(const fs::path& dir) {
  const fs::path d = dir.has_filename() ? dir : dir.parent_path();
  const std::string repo = d.parent_path().parent_path().filename().string();
  if (d.parent_path().filename() == "snapshots" && repo.rfind("models--", 0) == 0 && repo.size() > 8) {
    std::string name = repo.substr(8);
    for (size_t p; (p = name.find("--")) != std::string::npos;) name.replace(p, 2, "/");
    return name;
  }
  return d.filename().string();
}

bool safe_repo_path(const std::string& path) {
  if (path.empty() || path.size() > 1024 || path.front() == '/') return false;
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\') return false;
  std::stringstream ss(path);
  int parts = 0;
  for (std::string part; std::getline(ss, part, '/'); ++parts)
    if (part.empty() || part == "." || part == "..") return false;
  return parts > 0 && path.back() != '/';
}
}  // namespace attnscope
