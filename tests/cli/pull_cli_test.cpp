// `attnscope-cli pull` end to end against the loopback Hub mirror, then the pulled repo used by
// id with HF_HUB_OFFLINE=1; gated repos, tokens from the environment and from HF_HOME/token.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tests/support/hub_mirror.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

namespace fs = std::filesystem;
using namespace attnscope;

namespace {

// The CLI with a clean Hugging Face environment plus `env` ("NAME=value").
test::ProcessResult cli(const std::vector<std::string>& env, const std::vector<std::string>& args) {
  std::vector<std::string> a = {"-u", "HF_TOKEN", "-u", "HF_HOME", "-u", "HF_HUB_OFFLINE", "-u", "HF_TOKEN_PATH"};
  a.insert(a.end(), env.begin(), env.end());
  a.push_back(ATTNSCOPE_CLI);
  a.insert(a.end(), args.begin(), args.end());
  return test::run_process("/usr/bin/env", a, 120);
}

}  // namespace

TEST(PullCli, PullsIntoTheCacheAndTheRepoIdThenWorksOffline) {
  const fs::path dir = test::scratch_dir("pull_cli");
  test::HubMirror mirror({"test-org/stories260K=" + test::builtin_model("stories260K").string()}, (dir / "mirror.log").string());
  ASSERT_TRUE(mirror.ok());
  const fs::path cache = dir / "hub";
  const std::vector<std::string> env = {"HF_ENDPOINT=" + mirror.endpoint(), "HF_HUB_CACHE=" + cache.string()};

  auto dry = cli(env, {"pull", "test-org/stories260K", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("model.safetensors"), std::string::npos) << dry.out;
  EXPECT_FALSE(fs::exists(cache / "models--test-org--stories260K" / "snapshots"));

  auto r = cli(env, {"pull", "test-org/stories260K"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path snapshot = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(snapshot.parent_path(), cache / "models--test-org--stories260K" / "snapshots");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(snapshot / "model.safetensors")));
  // Without a terminal, progress is plain lines.
  EXPECT_NE(r.err.find("fetching model.safetensors"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);

  std::vector<std::string> offline = env;
  offline.push_back("HF_HUB_OFFLINE=1");
  offline.push_back("HF_ENDPOINT=http://127.0.0.1:1");  // nothing may be asked of the network
  const std::string out = (dir / "x.npz").string();
  auto a = cli(offline, {"attend", "--model", "test-org/stories260K", "--text", "Once upon a time", "--out", out});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_GT(fs::file_size(out), 1000u);

  auto missing = cli(offline, {"attend", "--model", "test-org/absent", "--text", "Once", "--out", (dir / "y.npz").string()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("attnscope-cli pull test-org/absent"), std::string::npos) << missing.err;
  auto offline_pull = cli(offline, {"pull", "test-org/absent"});
  EXPECT_EQ(offline_pull.exit_code, 6);
  EXPECT_NE(offline_pull.err.find("HF_HUB_OFFLINE"), std::string::npos) << offline_pull.err;
}

TEST(PullCli, GatedRepoTakesTheTokenFromTheEnvironmentOrTheTokenFile) {
  const fs::path dir = test::scratch_dir("pull_cli_gated");
  test::HubMirror mirror({"gated-org/stories260K=" + test::builtin_model("stories260K").string() + ":gated"},
                         (dir / "mirror.log").string());
  ASSERT_TRUE(mirror.ok());
  const std::vector<std::string> env = {"HF_ENDPOINT=" + mirror.endpoint(), "HF_HUB_CACHE=" + (dir / "hub").string()};

  auto denied = cli(env, {"pull", "gated-org/stories260K"});
  EXPECT_EQ(denied.exit_code, 6);
  EXPECT_NE(denied.err.find("401"), std::string::npos) << denied.err;
  EXPECT_NE(denied.err.find("accept its licence"), std::string::npos) << denied.err;

  std::vector<std::string> with_env = env;
  with_env.push_back("HF_TOKEN=hf_mirror_token");
  EXPECT_EQ(cli(with_env, {"pull", "gated-org/stories260K", "--include", "config.json"}).exit_code, 0);

  fs::create_directories(dir / "home");
  { std::ofstream(dir / "home" / "token") << "hf_mirror_token\n"; }
  std::vector<std::string> with_file = {"HF_ENDPOINT=" + mirror.endpoint(), "HF_HOME=" + (dir / "home").string()};
  auto r = cli(with_file, {"pull", "gated-org/stories260K"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Without HF_HUB_CACHE the cache is HF_HOME/hub.
  EXPECT_EQ(fs::path(r.out.substr(0, r.out.find('\n'))).parent_path(),
            dir / "home" / "hub" / "models--gated-org--stories260K" / "snapshots");
}

TEST(PullCli, TwoProcessesPullingOneRepoFetchEachBlobOnce) {
  const fs::path dir = test::scratch_dir("pull_cli_two");
  test::HubMirror mirror({"test-org/stories260K=" + test::builtin_model("stories260K").string() + ":slowish"},
                         (dir / "mirror.log").string());
  ASSERT_TRUE(mirror.ok());
  const std::vector<std::string> env = {"HF_ENDPOINT=" + mirror.endpoint(), "HF_HUB_CACHE=" + (dir / "hub").string()};
  test::ProcessResult a, b;
  std::thread ta([&] { a = cli(env, {"pull", "test-org/stories260K"}); });
  std::thread tb([&] { b = cli(env, {"pull", "test-org/stories260K"}); });
  ta.join();
  tb.join();
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
  int cdn = 0;
  for (const auto& l : mirror.log_lines()) cdn += l.find("/cdn/") != std::string::npos;
  EXPECT_EQ(cdn, 1) << "the second process did not wait for the first one's lock";
}
