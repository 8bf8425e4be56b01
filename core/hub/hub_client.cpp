#include "core/hub/hub_client.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/common/text.h"
#include "core/hub/file_digest.h"
#include "core/hub/http_session.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace attnscope {

const char* to_string(HubFailure f) {
  switch (f) {
    case HubFailure::Unauthorized: return "unauthorized";
    case HubFailure::NotFound: return "not found";
    case HubFailure::Offline: return "offline";
    case HubFailure::DiskFull: return "disk full";
    case HubFailure::HashMismatch: return "hash mismatch";
    case HubFailure::PickleOnly: return "pickle only";
    case HubFailure::UnsafeName: return "unsafe file name";
    case HubFailure::Protocol: return "unexpected answer";
    case HubFailure::Network: return "network error";
  }
  return "hub error";
}

namespace {

ErrorKind kind_of(HubFailure f) {
  switch (f) {
    case HubFailure::DiskFull: return ErrorKind::Output;
    case HubFailure::PickleOnly: case HubFailure::UnsafeName: return ErrorKind::Model;
    default: return ErrorKind::Network;
  }
}

}  // namespace

HubError::HubError(HubFailure failure, const std::string& message, long http_status)
    : Error(kind_of(failure), message), failure_(failure), http_status_(http_status) {}

namespace {

struct Cancelled {};

[[noreturn]] void hub_fail(HubFailure f, const std::string& message, long status = 0) { throw HubError(f, message, status); }

bool is_hex(const std::string& s, size_t len) {
  if (s.size() != len) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  return true;
}

// huggingface_hub's _normalize_etag: drop a weak "W/" prefix and the quotes.
std::string normalize_etag(std::string e) {
  if (e.rfind("W/", 0) == 0) e = e.substr(2);
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
  return e;
}

void wait_cancellable(double seconds, const std::function<bool()>& keep_going) {
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < end) {
    if (!keep_going()) throw Cancelled{};
    const Clock::duration left = end - Clock::now();
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(100), left));
  }
}

// The Hub's error answers name the problem in X-Error-Code / X-Error-Message.
[[noreturn]] void fail_http(const HttpOutcome& o, const std::string& what, const RepoRef& ref, const HubOptions& opt) {
  const long status = o.status();
  const HttpResponse* r = o.chain.empty() ? nullptr : &o.chain.back();
  const std::string code = r ? r->header("x-error-code") : "";
  std::string message = r ? r->header("x-error-message") : "";
  if (message.empty() && !o.body.empty() && o.body.size() < 400 && o.body.find('<') == std::string::npos) message = o.body;
  const std::string said = message.empty() ? "" : " (\"" + message + "\")";
  if (status == 401 || status == 403) {
    hub_fail(HubFailure::Unauthorized,
             what + ": the Hub answered " + std::to_string(status) + said + ". " + ref.repo_id +
                 " is gated or private: sign in at " + opt.env.endpoint + "/" + ref.repo_id +
                 " and accept its licence, then give Attnscope a token with read access: set HF_TOKEN, or save it to " +
                 (hf_home_dir() / "token").string() + " (`huggingface-cli login` does this)." +
                 (opt.env.token.empty() ? " No token is set now." : " A token was sent; it has no access to this repo."),
             status);
  }
  if (status == 404) {
    std::string why = "no repo '" + ref.repo_id + "' on " + opt.env.endpoint + " (or it is private and no token with access was sent)";
    if (code == "RevisionNotFound") why = ref.repo_id + " has no branch, tag or commit '" + ref.revision + "'";
    else if (code == "EntryNotFound") why = "the file is not in " + ref.text();
    hub_fail(HubFailure::NotFound, what + ": 404, " + why + said, status);
  }
  hub_fail(o.status() >= 500 || o.status() == 429 ? HubFailure::Network : HubFailure::Protocol,
           what + ": the Hub answered HTTP " + std::to_string(status) + said, status);
}

[[noreturn]] void fail_transfer(const HttpOutcome& o, const std::string& what, const std::string& url, int attempts) {
  if (o.unreachable())
    hub_fail(HubFailure::Offline, what + ": cannot reach " + url + " (" + o.curl_message +
                                      "). Check the connection or proxy (HTTPS_PROXY); to use only the cache, set HF_HUB_OFFLINE=1");
  hub_fail(HubFailure::Network, what + ": " + o.curl_message + " (after " + std::to_string(attempts) + " attempts)");
}

// After a failed attempt: the seconds to wait before the next one, or the error to throw when the
// failure is not transient or the attempts are used up (an unreachable host gets two).
double wait_or_fail(const HttpOutcome& o, int attempt, const std::string& what, const std::string& url, const RepoRef& ref,
                    const HubOptions& opt) {
  const int max_attempts = o.unreachable() ? std::min(opt.max_attempts, 2) : opt.max_attempts;
  if (!o.transient() || attempt >= max_attempts) {
    if (o.completed()) fail_http(o, what, ref, opt);
    fail_transfer(o, what, url, attempt);
  }
  return o.retry_wait(attempt, opt.backoff_seconds, opt.max_wait_seconds);
}

// ---------------------------------------------------------------------------------------------
// What a plan takes from a repo.

// Formats that can run code when loaded (or that only other frameworks read): never fetched.
const char* refused_reason(const std::string& path) {
  static const std::pair<const char*, const char*> kRefused[] = {
      {"*.bin", "pickle"},   {"*.pt", "pickle"},      {"*.pth", "pickle"},       {"*.ckpt", "pickle"},
      {"*.pkl", "pickle"},   {"*.pickle", "pickle"},  {"*.h5", "Keras/HDF5"},    {"*.msgpack", "Flax"},
      {"*.onnx", "ONNX"},    {"*.py", "code"},        {"*.pyc", "code"},         {"*.joblib", "pickle"},
  };
  for (const auto& [glob, why] : kRefused)
    if (::fnmatch(glob, path.c_str(), 0) == 0) return why;
  return nullptr;
}

bool is_weights_pickle(const std::string& path) {
  for (const char* g : {"*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl", "*.h5", "*.msgpack"})
    if (::fnmatch(g, path.c_str(), 0) == 0) return true;
  return false;
}

bool selected(const std::string& path, const std::vector<std::string>& include) {
  if (!include.empty()) {
    for (const auto& g : include)
      if (::fnmatch(g.c_str(), path.c_str(), 0) == 0) return true;
    return false;
  }
  if (path.find('/') != std::string::npos) return false;  // Attnscope reads a model folder's top level only
  for (const char* g : {"*.safetensors", "*.json", "*.txt", "*.model", "vocab.*", "merges.txt", "README.md"})
    if (::fnmatch(g, path.c_str(), 0) == 0) return true;
  return false;
}

uint64_t file_size_or_zero(const fs::path& p) {
  std::error_code ec;
  const auto s = fs::file_size(p, ec);
  return ec ? 0 : s;
}

// blobs/{etag} is there, whole: a finished (verified and renamed) download.
bool blob_complete(const fs::path& blob, uint64_t size) {
  std::error_code ec;
  return fs::is_regular_file(blob, ec) && file_size_or_zero(blob) == size;
}

// ---------------------------------------------------------------------------------------------
// Progress: byte counts, speed over a sliding window, and at most ~10 reports a second.

class Reporter {
 public:
  Reporter(const DownloadPlan& plan, const DownloadProgressFn& fn) : fn_(fn) {
    p_.file_count = plan.files.size();
    p_.total = plan.total_bytes;
  }
  void start_file(size_t index, const HubFile& f, uint64_t done_before) {
    p_.file_index = index;
    p_.file = f.path;
    p_.file_total = f.size;
    p_.file_done = 0;
    base_ = done_before;
    p_.done = done_before;
  }
  void finish_file(uint64_t done) {
    p_.file_done = p_.file_total;
    p_.done = done;
  }
  bool bytes(uint64_t file_done) {
    p_.file_done = file_done;
    p_.done = base_ + file_done;
    return emit("downloading", false);
  }
  bool emit(const std::string& stage, bool force, const std::string& note = "") {
    if (!fn_) return true;
    const auto now = Clock::now();
    samples_.emplace_back(now, p_.done);
    while (samples_.size() > 2 && now - samples_.front().first > std::chrono::seconds(4)) samples_.pop_front();
    if (!force && stage == last_stage_ && now - last_ < std::chrono::milliseconds(100)) return true;
    last_ = now;
    last_stage_ = stage;
    const double dt = std::chrono::duration<double>(now - samples_.front().first).count();
    p_.bytes_per_second = dt > 0.2 ? static_cast<double>(p_.done - std::min(p_.done, samples_.front().second)) / dt : 0;
    p_.eta_seconds = p_.bytes_per_second > 0 ? static_cast<double>(p_.total - std::min(p_.total, p_.done)) / p_.bytes_per_second : -1;
    p_.stage = stage;
    p_.note = note;
    return fn_(p_);
  }

 private:
  const DownloadProgressFn& fn_;
  DownloadProgress p_;
  uint64_t base_ = 0;
  std::deque<std::pair<Clock::time_point, uint64_t>> samples_;
  Clock::time_point last_{};
  std::string last_stage_;
};

std::string resolve_url(const HttpSession& http, const HubOptions& opt, const std::string& repo_id, const std::string& commit,
                        const std::string& path) {
  std::string p;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    p += http.escape(path.substr(start, slash - start));
    if (slash == std::string::npos) break;
    p += "/";
    start = slash + 1;
  }
  return opt.env.endpoint + "/" + repo_id + "/resolve/" + commit + "/" + p;
}

// Fetches one blob into blobs/{etag}, verified. Returns the bytes transferred.
uint64_t fetch_blob(HttpSession& http, const DownloadPlan& plan, const HubFile& f, const HubOptions& opt, Reporter& rep) {
  const fs::path cache = opt.env.cache_dir;
  const fs::path blob = blob_path(cache, plan.ref.repo_id, f.etag);
  const fs::path part = fs::path(blob.string() + ".incomplete");
  const std::string url = resolve_url(http, opt, plan.ref.repo_id, plan.commit, f.path);
  const std::string what = plan.ref.repo_id + "/" + f.path;
  std::error_code ec;
  fs::create_directories(blob.parent_path(), ec);
  if (ec) hub_fail(HubFailure::DiskFull, blob.parent_path().string() + ": cannot create the folder: " + ec.message());

  FileLock lock(blob_lock_path(cache, plan.ref.repo_id, f.etag));
  while (!lock.try_lock()) {
    if (!rep.emit("waiting", false, "another download is writing " + f.path)) throw Cancelled{};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (blob_complete(blob, f.size)) return 0;  // the other download finished it

  uint64_t transferred = 0;
  for (int attempt = 1;; ++attempt) {
    uint64_t offset = file_size_or_zero(part);
    if (offset > f.size) {
      fs::remove(part, ec);
      offset = 0;
    }
    if (offset == f.size && f.size > 0) break;
    std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(part.c_str(), "ab"), &std::fclose);
    if (!file) {
      const int err = errno;
      hub_fail(err == ENOSPC ? HubFailure::DiskFull : HubFailure::Network, part.string() + ": cannot write: " + std::strerror(err));
    }
    if (!rep.bytes(offset)) throw Cancelled{};
    const HttpOutcome o = http.get_file(url, file.get(), offset, [&](uint64_t n) { return rep.bytes(n); });
    const int flushed = std::fflush(file.get()) == 0 ? 0 : errno;
    file.reset();
    const uint64_t now = file_size_or_zero(part);
    transferred += now - std::min(now, offset);
    if (o.aborted()) throw Cancelled{};
    const int werr = o.write_errno ? o.write_errno : flushed;
    if (werr)
      hub_fail(werr == ENOSPC ? HubFailure::DiskFull : HubFailure::Network,
               part.string() + ": writing failed: " + std::strerror(werr) +
                   (werr == ENOSPC ? " (the partial file is kept; free some space and run the download again to resume)" : ""));
    if (o.completed() && o.status() < 300) {
      if (const HttpResponse* hub = o.hub()) {
        const std::string commit = hub->header("x-repo-commit");
        std::string etag = normalize_etag(hub->header("x-linked-etag"));
        if (etag.empty()) etag = normalize_etag(hub->header("etag"));
        if (!commit.empty() && commit != plan.commit)
          hub_fail(HubFailure::Protocol, what + ": the Hub served commit " + commit + ", the plan is for " + plan.commit);
        if (!hub->header("x-repo-commit").empty() && !etag.empty() && etag != f.etag)
          hub_fail(HubFailure::Protocol, what + ": the Hub's ETag " + etag + " differs from the listing's " + f.etag);
        const std::string linked_size = hub->header("x-linked-size");
        if (!linked_size.empty() && linked_size != std::to_string(f.size))
          hub_fail(HubFailure::Protocol, what + ": the Hub's X-Linked-Size " + linked_size + " differs from the listing's " +
                                             std::to_string(f.size));
      }
      break;
    }
    const double wait = wait_or_fail(o, attempt, what, url, plan.ref, opt);
    const std::string why = o.completed() ? "HTTP " + std::to_string(o.status()) : o.curl_message;
    rep.emit("waiting", true, why + "; retrying in " + std::to_string(static_cast<int>(std::ceil(wait))) + " s");
    wait_cancellable(wait, [&] { return rep.emit("waiting", false, why + "; retrying"); });
  }

  if (!rep.emit("verifying", true)) throw Cancelled{};
  const uint64_t got = file_size_or_zero(part);
  const std::string digest = got == f.size ? (f.lfs ? sha256_file(part) : git_blob_sha1_file(part)) : std::string();
  if (got != f.size || digest != f.etag) {
    fs::remove(part, ec);
    const std::string detail = got != f.size ? "got " + std::to_string(got) + " bytes, the Hub lists " + std::to_string(f.size)
                                             : std::string(f.lfs ? "SHA-256 " : "git blob id ") + digest + ", the Hub lists " + f.etag;
    hub_fail(HubFailure::HashMismatch, what + ": the bytes received are not the listed file (" + detail +
                                           "); they were discarded. Try again; if it repeats, a proxy or mirror is altering the file");
  }
  fs::rename(part, blob, ec);
  if (ec) hub_fail(HubFailure::Network, blob.string() + ": cannot move the verified file into place: " + ec.message());
  return transferred;
}

}  // namespace

DownloadPlan resolve_download_plan(const RepoRef& ref, const HubOptions& opt) {
  if (opt.env.offline)
    hub_fail(HubFailure::Offline, "HF_HUB_OFFLINE is set: the Hub is not contacted, so " + ref.text() + " cannot be downloaded");
  HttpSession http(opt.env.token, opt.stall_seconds);
  const std::string url = opt.env.endpoint + "/api/models/" + ref.repo_id + "/revision/" + http.escape(ref.revision) + "?blobs=true";
  const std::string what = ref.text();
  HttpOutcome o;
  for (int attempt = 1;; ++attempt) {
    o = http.get_text(url, 64u << 20);
    if (o.completed() && o.status() == 200) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(wait_or_fail(o, attempt, what, url, ref, opt)));
  }

  nlohmann::json j;
  try {
    j = nlohmann::json::parse(o.body);
  } catch (const std::exception& e) {
    hub_fail(HubFailure::Protocol, url + ": the answer is not JSON (" + std::string(e.what()) + ")");
  }
  DownloadPlan plan;
  plan.ref = ref;
  if (!j.is_object() || !j.contains("sha") || !j["sha"].is_string() || !is_commit_hash(j["sha"].get<std::string>()))
    hub_fail(HubFailure::Protocol, url + ": the answer has no commit hash 'sha'");
  plan.commit = j["sha"].get<std::string>();
  if (!j.contains("siblings") || !j["siblings"].is_array()) hub_fail(HubFailure::Protocol, url + ": the answer has no file list 'siblings'");

  bool any_safetensors = false, any_pickle_weights = false;
  const fs::path cache = opt.env.cache_dir;
  for (const auto& s : j["siblings"]) {
    if (!s.is_object() || !s.contains("rfilename") || !s["rfilename"].is_string())
      hub_fail(HubFailure::Protocol, url + ": a 'siblings' entry has no 'rfilename'");
    const std::string name = s["rfilename"].get<std::string>();
    if (!safe_repo_path(name))
      hub_fail(HubFailure::UnsafeName, ref.text() + ": the file name '" + name +
                                           "' would land outside the snapshot folder (absolute, '..', or a backslash); nothing was downloaded");
    if (::fnmatch("*.safetensors", name.c_str(), 0) == 0) any_safetensors = true;
    if (is_weights_pickle(name)) any_pickle_weights = true;
    if (const char* why = refused_reason(name)) {
      plan.skipped.push_back(name + " (" + why + ")");
      continue;
    }
    if (!selected(name, opt.include)) continue;
    HubFile f;
    f.path = name;
    const bool lfs = s.contains("lfs") && s["lfs"].is_object();
    f.lfs = lfs;
    const auto& size_src = lfs && s["lfs"].contains("size") ? s["lfs"]["size"] : (s.contains("size") ? s["size"] : nlohmann::json());
    if (!size_src.is_number_unsigned() && !size_src.is_number_integer())
      hub_fail(HubFailure::Protocol, url + ": '" + name + "' has no size (was ?blobs=true ignored?)");
    f.size = size_src.get<uint64_t>();
    f.etag = lfs ? s["lfs"].value("sha256", "") : s.value("blobId", "");
    if (!is_hex(f.etag, lfs ? 64 : 40))
      hub_fail(HubFailure::Protocol, url + ": '" + name + "' has no valid " + (lfs ? "lfs.sha256" : "blobId"));
    f.cached = blob_complete(blob_path(cache, ref.repo_id, f.etag), f.size);
    plan.total_bytes += f.size;
    if (!f.cached) plan.missing_bytes += f.size;
    plan.files.push_back(std::move(f));
  }
  if (!any_safetensors && any_pickle_weights)
    hub_fail(HubFailure::PickleOnly,
             ref.text() + " publishes its weights only in pickle formats (" + plan.skipped.front() +
                 "...). Attnscope never downloads them: unpickling can run arbitrary code. Convert them once to safetensors: "
                 "the Hub's converter (https://huggingface.co/spaces/safetensors/convert) opens a pull request with "
                 "model.safetensors that you can pull as " + ref.repo_id + "@refs/pr/N; or in Python, "
                 "AutoModel.from_pretrained(...).save_pretrained(DIR, safe_serialization=True), and open DIR");
  if (plan.files.empty())
    hub_fail(HubFailure::NotFound, ref.text() + ": no file of the repo matches " +
                                       (opt.include.empty() ? std::string("the default set (weights, configs, tokenizer files)") : "--include"));
  return plan;
}

DownloadResult download_plan(const DownloadPlan& plan, const HubOptions& opt, const DownloadProgressFn& progress) {
  DownloadResult result;
  result.commit = plan.commit;
  const fs::path cache = opt.env.cache_dir;
  const fs::path repo = repo_cache_dir(cache, plan.ref.repo_id);

  // Free space: what is missing, less what partial files already hold.
  uint64_t needed = 0;
  for (const auto& f : plan.files) {
    const fs::path blob = blob_path(cache, plan.ref.repo_id, f.etag);
    if (blob_complete(blob, f.size)) continue;
    needed += f.size - std::min(f.size, file_size_or_zero(fs::path(blob.string() + ".incomplete")));
  }
  std::error_code ec;
  fs::create_directories(repo / "blobs", ec);
  if (ec) hub_fail(HubFailure::DiskFull, (repo / "blobs").string() + ": cannot create the folder: " + ec.message());
  const auto space = fs::space(repo / "blobs", ec);
  if (!ec && space.available < needed + (16u << 20))
    hub_fail(HubFailure::DiskFull, plan.ref.text() + " needs " + human_bytes(needed) + ", but " + cache.string() + " has " +
                                       human_bytes(space.available) + " free; free some space or set HF_HUB_CACHE to a larger disk");

  Reporter rep(plan, progress);
  try {
    HttpSession http(opt.env.token, opt.stall_seconds);
    uint64_t done = 0;
    for (size_t i = 0; i < plan.files.size(); ++i) {
      const HubFile& f = plan.files[i];
      rep.start_file(i, f, done);
      const fs::path blob = blob_path(cache, plan.ref.repo_id, f.etag);
      if (blob_complete(blob, f.size)) {
        ++result.files_cached;
      } else {
        if (!rep.emit("downloading", true)) throw Cancelled{};  // every file's start is reported
        result.bytes_downloaded += fetch_blob(http, plan, f, opt, rep);
        ++result.files_downloaded;
      }
      done += f.size;
      rep.finish_file(done);
      if (!rep.emit("downloading", true)) throw Cancelled{};
    }
  } catch (const Cancelled&) {
    result.cancelled = true;
    return result;
  }
  rep.emit("linking", true);
  for (const auto& f : plan.files) link_snapshot_file(cache, plan.ref.repo_id, plan.commit, f.path, f.etag);
  write_ref(cache, plan.ref.repo_id, plan.ref.revision, plan.commit);
  result.snapshot = repo / "snapshots" / plan.commit;
  return result;
}

DownloadResult pull_repo(const RepoRef& ref, const HubOptions& opt, const DownloadProgressFn& progress) {
  if (opt.env.offline) {
    if (auto snap = cached_snapshot(opt.env.cache_dir, ref)) {
      DownloadResult r;
      r.snapshot = *snap;
      r.commit = snap->filename().string();
      r.from_cache_only = true;
      return r;
    }
    hub_fail(HubFailure::Offline, "HF_HUB_OFFLINE is set and " + ref.text() + " is not in the cache " + opt.env.cache_dir.string() +
                                      "; unset HF_HUB_OFFLINE to download it");
  }
  if (progress) {
    DownloadProgress p;
    p.stage = "resolving";
    p.file = ref.text();
    if (!progress(p)) {
      DownloadResult r;
      r.cancelled = true;
      return r;
    }
  }
  return download_plan(resolve_download_plan(ref, opt), opt, progress);
}

fs::path resolve_cached_repo(const std::string& reference, const fs::path& cache) {
  const RepoRef ref = parse_repo_ref(reference);
  if (auto snap = cached_snapshot(cache, ref)) return *snap;
  std::error_code ec;
  const bool known = fs::is_directory(repo_cache_dir(cache, ref.repo_id), ec);
  fail(ErrorKind::Model, "'" + reference + "' is not a model folder, and " +
                             (known ? ref.repo_id + " has no snapshot of '" + ref.revision + "'"
                                    : ref.repo_id + " is not") +
                             " in the Hugging Face cache (" + cache.string() + "). Download it with `attnscope-cli pull " +
                             ref.text() + "` or File > Download model… in the app");
}

}  // namespace attnscope
