#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/pipeline/install_paths.h"
#include "core/pipeline/model_discovery.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s;
}

// Sets an environment variable for the scope of a test.
struct EnvVar {
  std::string name;
  std::string old;
  bool had;
  EnvVar(const char* n, const std::string& v) : name(n) {
    const char* o = std::getenv(n);
    had = o != nullptr;
    if (had) old = o;
    if (v.empty()) ::unsetenv(n);
    else ::setenv(n, v.c_str(), 1);
  }
  ~EnvVar() {
    if (had) ::setenv(name.c_str(), old.c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};

}  // namespace

TEST(ModelDiscovery, HubCacheFollowsTheEnvironmentInHuggingFaceOrder) {
  EnvVar a("HF_HUB_CACHE", "/x/hub-cache"), b("HF_HOME", "/y/hf-home"), c("HOME", "/home/u");
  EXPECT_EQ(hf_hub_cache_dir(), fs::path("/x/hub-cache"));
  EnvVar a2("HF_HUB_CACHE", "");
  EXPECT_EQ(hf_hub_cache_dir(), fs::path("/y/hf-home/hub"));
  EnvVar b2("HF_HOME", "");
  EXPECT_EQ(hf_hub_cache_dir(), fs::path("/home/u/.cache/huggingface/hub"));
}

TEST(ModelDiscovery, FindsSnapshotsInTheHubCacheAndFoldersOnTheModelPath) {
  const fs::path root = test::scratch_dir("discovery");
  const fs::path snap = root / "hub/models--google--vit-base-patch16-224/snapshots/0123456789abcdef";
  write(snap / "config.json", R"({"model_type":"vit","architectures":["ViTForImageClassification"],"num_hidden_layers":12,"num_attention_heads":12})");
  write(snap / "model.safetensors", std::string(1000, 'x'));
  write(root / "hub/models--broken--thing/snapshots/r1/config.json", "{oops");
  write(root / "mine/tiny-gpt/config.json", R"({"model_type":"gpt2","n_layer":2,"n_head":4})");
  write(root / "mine/tiny-gpt/pytorch_model.bin", "pickle");
  write(root / "mine/not-a-model/readme.txt", "hi");
  EnvVar a("HF_HUB_CACHE", (root / "hub").string()), b("ATTNSCOPE_MODEL_PATH", (root / "mine").string());

  DiscoveryOptions o;
  o.builtin = false;
  const auto found = discover_models(o);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].name, "broken/thing");
  EXPECT_EQ(found[0].problem.rfind("config.json: invalid JSON: ", 0), 0u) << found[0].problem;
  EXPECT_EQ(found[1].name, "google/vit-base-patch16-224");
  EXPECT_EQ(found[1].source, "hf-cache");
  EXPECT_EQ(found[1].layers, 12);
  EXPECT_EQ(found[1].heads, 12);
  EXPECT_EQ(found[1].weights_bytes, 1000u);
  EXPECT_TRUE(found[1].image);
  EXPECT_TRUE(found[1].problem.empty());
  EXPECT_EQ(found[2].name, "tiny-gpt");
  EXPECT_EQ(found[2].source, "ATTNSCOPE_MODEL_PATH");
  EXPECT_EQ(found[2].layers, 2);
  EXPECT_EQ(found[2].problem, "only pickle weights (convert to safetensors)");
}

// Gemma 3 4B+: the shape is in text_config and the preprocessor is the (unused) vision tower's.
TEST(ModelDiscovery, MultimodalDecodersAreListedAsTextModelsWithTheirShape) {
  const fs::path root = test::scratch_dir("discovery-gemma3");
  write(root / "gemma-3-4b-it/config.json",
        R"({"model_type":"gemma3","architectures":["Gemma3ForConditionalGeneration"],"text_config":{"num_hidden_layers":34,"num_attention_heads":8}})");
  write(root / "gemma-3-4b-it/preprocessor_config.json", "{}");
  write(root / "gemma-3-4b-it/model.safetensors", std::string(10, 'x'));
  const ModelEntry e = describe_model_folder(root / "gemma-3-4b-it", "test");
  EXPECT_EQ(e.layers, 34);
  EXPECT_EQ(e.heads, 8);
  EXPECT_FALSE(e.image);
  EXPECT_TRUE(e.problem.empty()) << e.problem;
}

TEST(ModelDiscovery, RecentFoldersComeFirstWithoutDuplicates) {
  ATTNSCOPE_REQUIRE_SHARED();
  EnvVar a("HF_HUB_CACHE", "/nonexistent"), b("ATTNSCOPE_MODEL_PATH", test::shared("models").string());
  DiscoveryOptions o;
  o.builtin = false;
  o.recent = {test::shared("models/stories260K")};
  const auto found = discover_models(o);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].name, "stories260K");
  EXPECT_EQ(found[0].source, "recent");
  EXPECT_EQ(found[0].model_type, "llama");
  size_t stories = 0;
  for (const auto& e : found) stories += e.name == "stories260K";
  EXPECT_EQ(stories, 1u);
  size_t folders = 0;
  for (const auto& e : fs::directory_iterator(test::shared("models")))
    folders += fs::exists(e.path() / "config.json");
  EXPECT_EQ(found.size(), folders);  // every shared checkpoint, stories260K once
}

// The shipped models come first, as "builtin", and a built-in folder opened before is listed once.
TEST(ModelDiscovery, BuiltinModelsComeFirstAndOnce) {
  EnvVar a("HF_HUB_CACHE", "/nonexistent"), b("ATTNSCOPE_MODEL_PATH", "");
  DiscoveryOptions o;
  o.recent = {test::builtin_model("stories260K")};
  const auto found = discover_models(o);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].name, "stories260K");
  EXPECT_EQ(found[0].source, "builtin");
  EXPECT_EQ(found[0].model_type, "llama");
  EXPECT_EQ(found[1].name, "vit-tiny");
  EXPECT_EQ(found[1].source, "builtin");
  EXPECT_TRUE(found[1].image);
  EXPECT_EQ(found[1].layers, 12);
  EXPECT_TRUE(found[1].problem.empty());
}

TEST(InstallPaths, BuiltinReferencesResolveAndUnknownNamesListTheKnownOnes) {
  EXPECT_EQ(fs::canonical(resolve_model_reference("builtin:vit-tiny")), fs::canonical(test::builtin_model("vit-tiny")));
  // A folder that exists is a folder; "some/folder" that does not is read as a repo id (hub_client_test).
  const fs::path here = test::scratch_dir("install_paths_folder");
  EXPECT_EQ(resolve_model_reference(here.string()), here);
  EXPECT_EQ(resolve_model_reference("/no/such/abs/path"), fs::path("/no/such/abs/path"));
  try {
    resolve_model_reference("builtin:gpt5");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Model);
    EXPECT_NE(std::string(e.what()).find("builtin:stories260K, builtin:vit-tiny"), std::string::npos) << e.what();
  }
  EnvVar d("ATTNSCOPE_DATA_DIR", test::scratch_dir("empty-data").string());
  EXPECT_TRUE(builtin_models().empty());
  try {
    resolve_model_reference("builtin:vit-tiny");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ATTNSCOPE_DATA_DIR"), std::string::npos) << e.what();
  }
}
