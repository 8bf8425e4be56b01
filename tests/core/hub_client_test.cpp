// The Hub client against the loopback mirror (tests/hub/hub_mirror.py): huggingface_hub's cache
// layout, resume after a dropped connection, hash checks, gated and missing repos, cancel and
// resume, 429, two downloads at once, pickle-only and unsafe listings, offline use.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/hub/hub_client.h"
#include "core/pipeline/install_paths.h"
#include "tests/support/hub_mirror.h"
#include "tests/support/shared_data.h"

namespace fs = std::filesystem;
using namespace attnscope;

namespace {

const std::string kRepo = "test-org/stories260K";

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

HubOptions options_for(const test::HubMirror& m, const fs::path& cache) {
  HubOptions o;
  o.env.endpoint = m.endpoint();
  o.env.cache_dir = cache;
  o.env.token.clear();
  o.env.offline = false;
  o.backoff_seconds = 0.05;
  return o;
}

int count_lines(const test::HubMirror& m, const std::string& needle, const std::string& also = "") {
  int n = 0;
  for (const auto& l : m.log_lines()) n += l.find(needle) != std::string::npos && l.find(also) != std::string::npos;
  return n;
}

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec))
    out.push_back(it->path());
  return out;
}

class HubClientTest : public ::testing::Test {
 protected:
  void start(const std::string& faults = "", std::vector<std::string> more = {}) {
    std::vector<std::string> repos = {kRepo + "=" + test::builtin_model("stories260K").string() + (faults.empty() ? "" : ":" + faults)};
    repos.insert(repos.end(), more.begin(), more.end());
    cache_ = test::scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    mirror_ = std::make_unique<test::HubMirror>(repos, (cache_.parent_path() / (cache_.filename().string() + ".log")).string());
    ASSERT_TRUE(mirror_->ok()) << "the mirror did not start (python3 tests/hub/hub_mirror.py)";
  }
  fs::path repo_dir() const { return cache_ / "models--test-org--stories260K"; }
  fs::path cache_;
  std::unique_ptr<test::HubMirror> mirror_;
};

}  // namespace

TEST(HubCache, RepoIdsAndFolderNames) {
  EXPECT_TRUE(looks_like_repo_id("openai-community/gpt2"));
  EXPECT_TRUE(looks_like_repo_id("gpt2"));
  EXPECT_TRUE(looks_like_repo_id("Qwen/Qwen2.5-0.5B@refs/pr/3"));
  EXPECT_FALSE(looks_like_repo_id("a/b/c"));
  EXPECT_FALSE(looks_like_repo_id("../x"));
  EXPECT_FALSE(looks_like_repo_id("org/na--me"));
  EXPECT_FALSE(looks_like_repo_id("org/-name"));
  EXPECT_FALSE(looks_like_repo_id("org/name@../../etc"));
  EXPECT_FALSE(looks_like_repo_id("/abs/path"));
  const RepoRef r = parse_repo_ref("google/vit-base-patch16-224@v1.0");
  EXPECT_EQ(r.repo_id, "google/vit-base-patch16-224");
  EXPECT_EQ(r.revision, "v1.0");
  EXPECT_EQ(repo_folder_name("google/vit-base-patch16-224"), "models--google--vit-base-patch16-224");
  EXPECT_EQ(repo_folder_name("gpt2"), "models--gpt2");
  EXPECT_THROW(parse_repo_ref("no//good"), Error);
  EXPECT_TRUE(safe_repo_path("onnx/model.json"));
  for (const char* bad : {"../x", "/etc/passwd", "a/../../b", "a//b", "a\\b", "./a", "a/", ""}) EXPECT_FALSE(safe_repo_path(bad)) << bad;
}

TEST(HubEnvironmentTest, ReadsTheVariablesAsHuggingFaceHubDoes) {
  const fs::path home = test::scratch_dir("hub_env_home");
  { std::ofstream(home / "token") << "hf_from_file\n"; }
  ::setenv("HF_HOME", home.c_str(), 1);
  ::unsetenv("HF_HUB_CACHE");
  ::unsetenv("HF_TOKEN");
  ::unsetenv("HF_TOKEN_PATH");
  ::setenv("HF_ENDPOINT", "http://mirror.example:8080/", 1);
  ::setenv("HF_HUB_OFFLINE", "yes", 1);
  HubEnvironment e = HubEnvironment::from_env();
  EXPECT_EQ(e.endpoint, "http://mirror.example:8080");
  EXPECT_EQ(e.token, "hf_from_file");
  EXPECT_TRUE(e.offline);
  EXPECT_EQ(e.cache_dir, home / "hub");
  ::setenv("HF_TOKEN", "hf_from_env", 1);
  ::setenv("HF_HUB_CACHE", (home / "elsewhere").c_str(), 1);
  ::setenv("HF_HUB_OFFLINE", "0", 1);
  e = HubEnvironment::from_env();
  EXPECT_EQ(e.token, "hf_from_env");
  EXPECT_EQ(e.cache_dir, home / "elsewhere");
  EXPECT_FALSE(e.offline);
  for (const char* v : {"HF_HOME", "HF_HUB_CACHE", "HF_TOKEN", "HF_ENDPOINT", "HF_HUB_OFFLINE"}) ::unsetenv(v);
}

TEST_F(HubClientTest, PullCreatesHuggingFaceHubsLayoutAndOpensByRepoId) {
  start();
  const HubOptions opt = options_for(*mirror_, cache_);
  const DownloadPlan plan = resolve_download_plan(RepoRef{kRepo, "main"}, opt);
  ASSERT_EQ(plan.files.size(), 6u);  // SOURCE.md is not in the default set
  const DownloadResult r = download_plan(plan, opt, {});
  ASSERT_FALSE(r.cancelled);
  EXPECT_EQ(r.files_downloaded, 6);
  EXPECT_EQ(r.snapshot, repo_dir() / "snapshots" / plan.commit);
  // refs/main holds the commit, without a newline.
  EXPECT_EQ(read_all(repo_dir() / "refs" / "main"), plan.commit);
  for (const auto& f : plan.files) {
    const fs::path link = r.snapshot / f.path;
    ASSERT_TRUE(fs::is_symlink(fs::symlink_status(link))) << link;
    EXPECT_EQ(fs::read_symlink(link).string(), "../../blobs/" + f.etag);
    EXPECT_EQ(read_all(link), read_all(test::builtin_model("stories260K") / f.path)) << f.path;
    EXPECT_TRUE(fs::exists(cache_ / ".locks" / "models--test-org--stories260K" / (f.etag + ".lock")));
    EXPECT_EQ(f.lfs, f.path == "model.safetensors");
  }
  for (const auto& p : files_under(repo_dir())) EXPECT_EQ(p.extension(), p.extension() == ".incomplete" ? "" : p.extension()) << p;
  // A second pull finds everything cached and transfers nothing.
  const size_t requests = mirror_->log_lines().size();
  const DownloadResult again = download_plan(resolve_download_plan(RepoRef{kRepo, "main"}, opt), opt, {});
  EXPECT_EQ(again.files_cached, 6);
  EXPECT_EQ(again.bytes_downloaded, 0u);
  EXPECT_EQ(mirror_->log_lines().size(), requests + 1);  // the listing only
  // The cached repo opens by id, by revision and by commit, without the network.
  EXPECT_EQ(resolve_cached_repo(kRepo, cache_), r.snapshot);
  EXPECT_EQ(resolve_cached_repo(kRepo + "@" + plan.commit, cache_), r.snapshot);
  try {
    resolve_cached_repo("test-org/elsewhere", cache_);
    ADD_FAILURE() << "an absent repo resolved";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Model);
    EXPECT_NE(std::string(e.what()).find("attnscope-cli pull test-org/elsewhere"), std::string::npos) << e.what();
  }
  // Offline, pull_repo answers from the cache.
  HubOptions offline = opt;
  offline.env.offline = true;
  const DownloadResult cached = pull_repo(RepoRef{kRepo, "main"}, offline, {});
  EXPECT_TRUE(cached.from_cache_only);
  EXPECT_EQ(cached.snapshot, r.snapshot);
  try {
    pull_repo(RepoRef{"test-org/other", "main"}, offline, {});
    ADD_FAILURE() << "offline pull of an absent repo succeeded";
  } catch (const HubError& e) {
    EXPECT_EQ(e.failure(), HubFailure::Offline);
  }
}

TEST_F(HubClientTest, NestedFilesLinkWithOneMoreLevelPerFolder) {
  const fs::path src = test::scratch_dir("hub_nested_src");
  fs::copy(test::builtin_model("stories260K"), src, fs::copy_options::recursive);
  fs::create_directories(src / "extra" / "deep");
  { std::ofstream(src / "extra" / "deep" / "notes.json") << "{\"a\": 1}"; }
  start("", {"test-org/nested=" + src.string()});
  HubOptions opt = options_for(*mirror_, cache_);
  opt.include = {"extra/*", "config.json"};
  const DownloadResult r = pull_repo(RepoRef{"test-org/nested", "main"}, opt, {});
  const fs::path link = r.snapshot / "extra" / "deep" / "notes.json";
  ASSERT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(fs::read_symlink(link).string().rfind("../../../../blobs/", 0), 0u) << fs::read_symlink(link);
  EXPECT_EQ(read_all(link), "{\"a\": 1}");
  EXPECT_FALSE(fs::exists(r.snapshot / "model.safetensors"));  // not included
}

TEST_F(HubClientTest, DroppedConnectionResumesWithARangeRequest) {
  start("drop-once");
  const DownloadResult r = pull_repo(RepoRef{kRepo, "main"}, options_for(*mirror_, cache_), {});
  ASSERT_FALSE(r.cancelled);
  EXPECT_EQ(read_all(r.snapshot / "model.safetensors"), read_all(test::builtin_model("stories260K") / "model.safetensors"));
  EXPECT_EQ(count_lines(*mirror_, "\"dropped\": true"), 1);
  // The second request for the weights asked for the rest, from the middle on.
  int ranged = 0;
  for (const auto& l : mirror_->log_lines())
    if (l.find("/cdn/") != std::string::npos && l.find("\"range\": \"bytes=") != std::string::npos &&
        l.find("\"range\": \"bytes=0-") == std::string::npos)
      ++ranged;
  EXPECT_EQ(ranged, 1);
}

TEST_F(HubClientTest, WrongBytesAreRejectedAndNothingIsKept) {
  start("wrong-bytes");
  const HubOptions opt = options_for(*mirror_, cache_);
  const DownloadPlan plan = resolve_download_plan(RepoRef{kRepo, "main"}, opt);
  try {
    download_plan(plan, opt, {});
    ADD_FAILURE() << "altered bytes were accepted";
  } catch (const HubError& e) {
    EXPECT_EQ(e.failure(), HubFailure::HashMismatch);
    EXPECT_NE(std::string(e.what()).find("model.safetensors"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots"));
  EXPECT_FALSE(fs::exists(repo_dir() / "refs"));
  for (const auto& f : plan.files)
    if (f.lfs) {
      EXPECT_FALSE(fs::exists(repo_dir() / "blobs" / f.etag));
      EXPECT_FALSE(fs::exists(repo_dir() / "blobs" / (f.etag + ".incomplete")));
    }
}

TEST_F(HubClientTest, GatedRepoNeedsTheToken) {
  start("gated");
  HubOptions opt = options_for(*mirror_, cache_);
  try {
    pull_repo(RepoRef{kRepo, "main"}, opt, {});
    ADD_FAILURE() << "a gated repo downloaded without a token";
  } catch (const HubError& e) {
    EXPECT_EQ(e.failure(), HubFailure::Unauthorized);
    EXPECT_EQ(e.http_status(), 401);
    EXPECT_NE(std::string(e.what()).find("HF_TOKEN"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots"));
  opt.env.token = "hf_mirror_token";
  EXPECT_FALSE(pull_repo(RepoRef{kRepo, "main"}, opt, {}).snapshot.empty());
}

TEST_F(HubClientTest, MissingRepoAndRevisionSay404) {
  start();
  const HubOptions opt = options_for(*mirror_, cache_);
  for (const auto& [ref, says] : {std::pair<RepoRef, std::string>{{"test-org/absent", "main"}, "no repo 'test-org/absent'"},
                                  {{kRepo, "no-such-branch"}, "no branch, tag or commit 'no-such-branch'"}}) {
    try {
      pull_repo(ref, opt, {});
      ADD_FAILURE() << ref.text();
    } catch (const HubError& e) {
      EXPECT_EQ(e.failure(), HubFailure::NotFound);
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(cache_ / "models--test-org--absent" / "snapshots"));
}

TEST_F(HubClientTest, CancelKeepsThePartialBlobAndTheNextPullResumes) {
  start("slow");
  const HubOptions opt = options_for(*mirror_, cache_);
  const DownloadResult r = pull_repo(RepoRef{kRepo, "main"}, opt, [](const DownloadProgress& p) {
    return !(p.file == "model.safetensors" && p.file_done > 100000);
  });
  ASSERT_TRUE(r.cancelled);
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots"));
  EXPECT_FALSE(fs::exists(repo_dir() / "refs"));
  fs::path partial;
  for (const auto& p : files_under(repo_dir() / "blobs"))
    if (p.extension() == ".incomplete") partial = p;
  ASSERT_FALSE(partial.empty()) << "no .incomplete blob kept";
  const uint64_t kept = fs::file_size(partial);
  EXPECT_GT(kept, 100000u);

  mirror_->set_faults(kRepo, "");
  const DownloadPlan rest = resolve_download_plan(RepoRef{kRepo, "main"}, opt);
  const DownloadResult resumed = download_plan(rest, opt, {});
  ASSERT_FALSE(resumed.cancelled);
  EXPECT_EQ(read_all(resumed.snapshot / "model.safetensors"), read_all(test::builtin_model("stories260K") / "model.safetensors"));
  EXPECT_EQ(resumed.bytes_downloaded, rest.missing_bytes - kept);  // the kept part is not fetched again
  EXPECT_EQ(count_lines(*mirror_, "\"range\": \"bytes=" + std::to_string(kept) + "-\"", "/cdn/"), 1);
}

TEST_F(HubClientTest, TooManyRequestsWaitsForRetryAfterThenSucceeds) {
  start("429-once");
  const auto t0 = std::chrono::steady_clock::now();
  const DownloadResult r = pull_repo(RepoRef{kRepo, "main"}, options_for(*mirror_, cache_), {});
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(r.snapshot.empty());
  EXPECT_EQ(count_lines(*mirror_, "\"status\": 429"), 7);  // the listing and each of the 6 files, once
  EXPECT_GE(waited, 7 * 0.9);                                // Retry-After: 1, not the 0.05 s back-off
}

TEST_F(HubClientTest, TwoDownloadsOfOneRepoAtOnceShareTheBlobs) {
  start("slowish");
  const HubOptions opt = options_for(*mirror_, cache_);
  DownloadResult a, b;
  std::string error;
  std::thread ta([&] {
    try {
      a = pull_repo(RepoRef{kRepo, "main"}, opt, {});
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  std::thread tb([&] {
    try {
      b = pull_repo(RepoRef{kRepo, "main"}, opt, {});
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  ta.join();
  tb.join();
  ASSERT_EQ(error, "");
  EXPECT_EQ(a.snapshot, b.snapshot);
  EXPECT_EQ(read_all(a.snapshot / "model.safetensors"), read_all(test::builtin_model("stories260K") / "model.safetensors"));
  EXPECT_EQ(count_lines(*mirror_, "/cdn/"), 1) << "the weights were fetched twice";
}

TEST_F(HubClientTest, PickleOnlyRepoIsRefusedWithTheWayToConvert) {
  const fs::path src = test::scratch_dir("hub_pickle_src");
  fs::copy_file(test::builtin_model("stories260K") / "config.json", src / "config.json");
  { std::ofstream(src / "pytorch_model.bin") << "not really a pickle"; }
  const fs::path both = test::scratch_dir("hub_both_src");
  fs::copy(test::builtin_model("stories260K"), both, fs::copy_options::recursive);
  { std::ofstream(both / "pytorch_model.bin") << "pickle"; }
  { std::ofstream(both / "modeling_evil.py") << "import os"; }
  start("", {"test-org/pickle=" + src.string(), "test-org/both=" + both.string()});
  const HubOptions opt = options_for(*mirror_, cache_);
  try {
    resolve_download_plan(RepoRef{"test-org/pickle", "main"}, opt);
    ADD_FAILURE() << "a pickle-only repo was planned";
  } catch (const HubError& e) {
    EXPECT_EQ(e.failure(), HubFailure::PickleOnly);
    EXPECT_NE(std::string(e.what()).find("safetensors"), std::string::npos) << e.what();
  }
  HubOptions everything = opt;
  everything.include = {"*"};
  const DownloadPlan plan = resolve_download_plan(RepoRef{"test-org/both", "main"}, everything);
  for (const auto& f : plan.files) {
    EXPECT_NE(f.path, "pytorch_model.bin");
    EXPECT_NE(f.path, "modeling_evil.py");
  }
  EXPECT_EQ(plan.skipped, (std::vector<std::string>{"modeling_evil.py (code)", "pytorch_model.bin (pickle)"}));
}

TEST_F(HubClientTest, UnsafeNamesAndImpossibleSizesStopBeforeAnyDownload) {
  start("unsafe-name");
  const HubOptions opt = options_for(*mirror_, cache_);
  try {
    pull_repo(RepoRef{kRepo, "main"}, opt, {});
    ADD_FAILURE() << "a listing with ../escape.json was accepted";
  } catch (const HubError& e) {
    EXPECT_EQ(e.failure(), HubFailure::UnsafeName);
  }
  EXPECT_FALSE(fs::exists(repo_dir()));
  mirror_->set_faults(kRepo, "huge");
  try {
    pull_repo(RepoRef{kRepo, "main"}, opt, {});
    ADD_FAILURE() << "a 1 PB plan was started";
  } catch (const HubError& e) {
    EXPECT_EQ(e.failure(), HubFailure::DiskFull);
    EXPECT_EQ(e.kind(), ErrorKind::Output);
  }
  EXPECT_TRUE(files_under(repo_dir() / "blobs").empty());
}

TEST(HubClientNetwork, AnUnreachableEndpointIsReportedAsOffline) {
  HubOptions opt;
  opt.env.endpoint = "http://127.0.0.1:1";
  opt.env.cache_dir = test::scratch_dir("hub_unreachable");
  opt.env.offline = false;
  opt.backoff_seconds = 0.01;
  try {
    pull_repo(RepoRef{kRepo, "main"}, opt, {});
    ADD_FAILURE() << "no error";
  } catch (const HubError& e) {
    EXPECT_EQ(e.failure(), HubFailure::Offline);
    EXPECT_NE(std::string(e.what()).find("HF_HUB_OFFLINE"), std::string::npos) << e.what();
  }
}

TEST(HubModelReference, ModelArgumentsAcceptACachedRepoId) {
  const fs::path cache = test::scratch_dir("hub_model_ref");
  ::setenv("HF_HUB_CACHE", cache.c_str(), 1);
  try {
    resolve_model_reference("test-org/stories260K");
    ADD_FAILURE() << "an empty cache resolved a repo id";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("attnscope-cli pull test-org/stories260K"), std::string::npos) << e.what();
  }
  // A cache made by hand the way huggingface_hub makes it.
  const std::string commit(40, 'a');
  fs::create_directories(cache / "models--test-org--stories260K" / "refs");
  { std::ofstream(cache / "models--test-org--stories260K" / "refs" / "main") << commit; }
  fs::create_directories(cache / "models--test-org--stories260K" / "snapshots" / commit);
  EXPECT_EQ(resolve_model_reference("test-org/stories260K"), cache / "models--test-org--stories260K" / "snapshots" / commit);
  // An existing folder always wins over the cache.
  EXPECT_EQ(resolve_model_reference(test::builtin_model("stories260K").string()), test::builtin_model("stories260K"));
  ::unsetenv("HF_HUB_CACHE");
}
