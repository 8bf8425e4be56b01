#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace attnscope {

// "org/name@revision" as the user writes it; the revision defaults to "main".
struct RepoRef {
  std::string repo_id;  // "org/name", or a legacy single name such as "gpt2"
  std::string revision = "main";
  std::string text() const { return revision == "main" ? repo_id : repo_id + "@" + revision; }
};

// True if `s` has the shape of a repo id ("name" or "org/name", optionally "@revision"): letters,
// digits, '-', '_', '.', no "--" or "..", no leading or trailing '-' / '.'.
bool looks_like_repo_id(const std::string& s);
// Parses "org/name[@revision]"; throws Error(Usage) naming what is wrong.
RepoRef parse_repo_ref(const std::string& s);

// A 40-digit lowercase hexadecimal commit hash.
bool is_commit_hash(const std::string& s);

// huggingface_hub's layout of one model repo in the cache:
//   {cache}/models--{org}--{name}/blobs/{etag}               the files' bytes, named by their etag
//   {cache}/models--{org}--{name}/blobs/{etag}.incomplete    a download in progress (resumable)
//   {cache}/models--{org}--{name}/snapshots/{commit}/{path}  relative symlinks into blobs/
//   {cache}/models--{org}--{name}/refs/{revision}            the commit a branch or tag pointed to
//   {cache}/.locks/models--{org}--{name}/{etag}.lock         held while one process writes a blob
std::string repo_folder_name(const std::string& repo_id);
std::filesystem::path repo_cache_dir(const std::filesystem::path& cache, const std::string& repo_id);
std::filesystem::path blob_path(const std::filesystem::path& cache, const std::string& repo_id, const std::string& etag);
std::filesystem::path blob_lock_path(const std::filesystem::path& cache, const std::string& repo_id, const std::string& etag);

// The snapshot folder a revision resolves to in the cache (through refs/ unless it is a commit),
// or nothing if it is not there. Never touches the network.
std::optional<std::filesystem::path> cached_snapshot(const std::filesystem::path& cache, const RepoRef& ref);

// `snapshots/{commit}/{path}` -> `../../blobs/{etag}` (one more "../" per folder in `path`),
// replacing whatever was there; creates the folders.
void link_snapshot_file(const std::filesystem::path& cache, const std::string& repo_id, const std::string& commit,
                        const std::string& path, const std::string& etag);
// Writes `refs/{revision}` = commit (no newline, as huggingface_hub writes it) unless the
// revision is the commit itself.
void write_ref(const std::filesystem::path& cache, const std::string& repo_id, const std::string& revision,
               const std::string& commit);

// An exclusive advisory lock (flock) on a lock file, the same kind Python's filelock takes, so a
// download here and one by huggingface_hub never write one blob at once.
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path);  // creates the file and its folders
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool try_lock();  // true when held
  bool held() const { return held_; }

 private:
  int fd_ = -1;
  bool held_ = false;
};

}  // namespace attnscope

namespace attnscope {
// How to call a model folder: "org/name" for a snapshot in the hub cache
// (.../models--org--name/snapshots/<commit>), else the folder's own name.
std::string model_display_name(const std::filesystem::path& dir);

// A file name from a repo listing that is safe to place under snapshots/: relative, '/'-separated,
// no empty, "." or ".." parts, no backslash or control characters.
bool safe_repo_path(const std::string& path);
}  // namespace attnscope
