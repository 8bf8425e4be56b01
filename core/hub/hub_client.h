#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/hub/hub_cache.h"
#include "core/hub/hub_environment.h"

namespace attnscope {

// Why a Hub operation failed, for a message that says what to do.
enum class HubFailure {
  Unauthorized,  // 401/403: a gated or private repo; accept its licence on the Hub and set a token
  NotFound,      // 404: no such repo, revision or file
  Offline,       // HF_HUB_OFFLINE=1, or the host cannot be reached
  DiskFull,      // not enough space for the plan, or a write failed with ENOSPC
  HashMismatch,  // the bytes received are not the file the Hub lists
  PickleOnly,    // the repo's weights exist only in pickle formats, which are never downloaded
  UnsafeName,    // a file name in the listing would escape the snapshot folder
  Protocol,      // an answer that is not what the Hub's API gives (bad JSON, bad hash, ...)
  Network,       // a transfer that failed even after retrying
};
const char* to_string(HubFailure f);

class HubError : public Error {
 public:
  HubError(HubFailure failure, const std::string& message, long http_status = 0);
  HubFailure failure() const { return failure_; }
  long http_status() const { return http_status_; }

 private:
  HubFailure failure_;
  long http_status_;
};

struct HubOptions {
  HubEnvironment env = HubEnvironment::from_env();
  // Globs (fnmatch, '*' crosses '/') a file must match; empty means the default set: weights
  // (*.safetensors), configs and tokenizer files (*.json, *.txt, *.model, vocab.*) and README.md,
  // top-level files only. Pickle and code files (*.bin, *.pt, *.pth, *.ckpt, *.pkl, *.h5,
  // *.msgpack, *.onnx, *.py) are never fetched, whatever the globs say.
  std::vector<std::string> include;
  int max_attempts = 6;            // per request, for transient failures (reset, 5xx, 429)
  double backoff_seconds = 1.0;    // wait before the 2nd attempt, doubled each time
  double max_wait_seconds = 60.0;  // cap on back-off and on a server's Retry-After
  long stall_seconds = 60;         // a transfer with no bytes for this long is retried
};

struct HubFile {
  std::string path;     // rfilename in the repo
  uint64_t size = 0;
  std::string etag;     // the blob's name in the cache: lfs.sha256, else the git blob id
  bool lfs = false;     // verified by SHA-256; other files by their git blob id
  bool cached = false;  // blobs/{etag} already there at planning time
};

struct DownloadPlan {
  RepoRef ref;
  std::string commit;
  std::vector<HubFile> files;       // what will be in the snapshot, in the listing's order
  std::vector<std::string> skipped;  // in the repo, not fetched: "pytorch_model.bin (pickle)"
  uint64_t total_bytes = 0;          // all files of the plan
  uint64_t missing_bytes = 0;        // those not in the cache yet (partial downloads count as missing)
};

struct DownloadProgress {
  std::string stage;          // "resolving", "downloading", "verifying", "waiting", "linking"
  std::string file;           // the file being worked on
  size_t file_index = 0;      // 0-based, of file_count
  size_t file_count = 0;
  uint64_t file_done = 0, file_total = 0;
  uint64_t done = 0, total = 0;  // bytes of the whole plan (cached files count as done)
  double bytes_per_second = 0;   // over the last few seconds
  double eta_seconds = -1;       // -1 when unknown
  std::string note;              // a retry, a wait for another download, ...
};
// Return false to cancel; the download stops within a moment and keeps partial blobs.
using DownloadProgressFn = std::function<bool(const DownloadProgress&)>;

struct DownloadResult {
  std::filesystem::path snapshot;  // snapshots/{commit}
  std::string commit;
  bool cancelled = false;           // nothing was linked into snapshots/; partial blobs are kept
  bool from_cache_only = false;     // offline: the cached snapshot, no request made
  uint64_t bytes_downloaded = 0;
  int files_downloaded = 0, files_cached = 0;
};

// GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true, filtered into a plan.
// Throws HubError; PickleOnly when the only weights are pickles.
DownloadPlan resolve_download_plan(const RepoRef& ref, const HubOptions& options);

// Fetches the plan's missing blobs (resuming .incomplete files, retrying transient failures,
// one process per blob through the lock files), verifies each one's hash and size, then links
// snapshots/{commit}/ and writes refs/{revision}. Nothing is linked unless every file is there.
DownloadResult download_plan(const DownloadPlan& plan, const HubOptions& options, const DownloadProgressFn& progress);

// resolve_download_plan + download_plan; with HF_HUB_OFFLINE=1, the cached snapshot or HubError(Offline).
DownloadResult pull_repo(const RepoRef& ref, const HubOptions& options, const DownloadProgressFn& progress);

// A model argument that is not a folder but a repo id, resolved in the cache without the network.
// Throws Error(Model) with "run `attnscope-cli pull ...`" when the repo is not there.
std::filesystem::path resolve_cached_repo(const std::string& reference, const std::filesystem::path& cache);

}  // namespace attnscope
