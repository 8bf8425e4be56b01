// attnscope-cli end to end: the built binary, its output files and its exit codes.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/golden.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

// A copy of a built-in model folder that a test may damage.
std::filesystem::path copy_model(const std::string& name, const std::string& scratch) {
  const auto dir = test::scratch_dir(scratch) / name;
  std::filesystem::copy(builtin_model(name), dir, std::filesystem::copy_options::recursive);
  for (auto& e : std::filesystem::recursive_directory_iterator(dir))
    std::filesystem::permissions(e.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  return dir;
}

void write_file(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(Cli, InfoDescribesTheModel) {
  auto r = cli({"info", "--model", builtin_model("stories260K").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model_type"], "llama");
  EXPECT_EQ(j["layers"], 5);
  EXPECT_EQ(j["heads"], 8);
  EXPECT_EQ(j["kv_heads"], 4);
  EXPECT_EQ(j["hidden_size"], 64);
  EXPECT_EQ(j["vocab_size"], 512);
  EXPECT_EQ(j["max_positions"], 512);
  EXPECT_EQ(j["parameters"], 260032);
  EXPECT_EQ(j["file_bytes"], std::filesystem::file_size((builtin_model("stories260K") / "model.safetensors")));

  auto t = cli({"info", "--model", builtin_model("stories260K").string()});
  EXPECT_EQ(t.exit_code, 0);
  EXPECT_NE(t.out.find("heads           8 (4 key/value heads), head dim 8"), std::string::npos) << t.out;
}

// info prints what the architecture descriptor read from config.json.
TEST(Cli, InfoDescribesTheDecoderArchitecture) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto r = cli({"info", "--model", shared("models/gemma2-random").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto d = nlohmann::json::parse(r.out)["descriptor"];
  EXPECT_EQ(d["windows"], nlohmann::json::parse("[8,0,8,0]"));
  EXPECT_EQ(d["norm"], "RMSNorm, eps 1e-06, scale (1 + w), before and after each block");
  EXPECT_EQ(d["attention"], "2 sliding-window layer(s) (0,2, window 8), 2 global; scores x 0.204124 (query_pre_attn_scalar); soft-cap 5");
  EXPECT_EQ(d["output"], "tied to the embeddings; embeddings x 8; final soft-cap 3");
  auto t = cli({"info", "--model", shared("models/llama3-random").string()});
  EXPECT_NE(t.out.find("positions       rotary, theta 10000, llama3 scaling x4 (low 1, high 4, original 64)"), std::string::npos) << t.out;
  auto bert = cli({"info", "--model", shared("models/bert-random").string(), "--json"});
  EXPECT_FALSE(nlohmann::json::parse(bert.out).contains("descriptor"));
}

TEST(Cli, AttendWritesGoldenAttentionsAndLogits) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("attend");
  for (const char* name : {"01_cat_mat", "03_long"}) {
    SafetensorsFile g(shared(std::string("golden/stories260K/") + name + ".safetensors").string());
    const auto out = dir / (std::string(name) + ".safetensors");
    auto r = cli({"attend", "--model", builtin_model("stories260K").string(), "--text", g.metadata().at("text"), "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    SafetensorsFile f(out.string());
    EXPECT_EQ(f.ints("input_ids"), g.ints("input_ids"));
    EXPECT_LE(test::max_abs_diff(f.tensor("attentions"), g.tensor("attentions"), "attentions"), 1e-5) << name;
    EXPECT_LE(test::max_abs_diff(f.tensor("logits"), g.tensor("logits"), "logits"), 1e-4) << name;
    EXPECT_LE(test::max_abs_diff(f.tensor("last_hidden_state"), g.tensor("last_hidden_state"), "last"), 1e-4) << name;
    EXPECT_EQ(f.metadata().at("model_type"), "llama");
    const auto tokens = nlohmann::json::parse(f.metadata().at("tokens"));
    const auto offsets = nlohmann::json::parse(f.metadata().at("offsets"));
    ASSERT_EQ(tokens.size(), g.ints("input_ids").size());
    EXPECT_EQ(tokens[0], "<s>");
    EXPECT_EQ(offsets[0], nlohmann::json::parse("[0,0]"));
    EXPECT_FALSE(nlohmann::json::parse(f.metadata().at("predictions")).empty());
  }
}

TEST(Cli, AttendReadsTextFileAndWritesEveryFormat) {
  const auto dir = test::scratch_dir("formats");
  write_file(dir / "in.txt", "Attention is all you need.");
  for (const char* ext : {".safetensors", ".npz", ".json"}) {
    const auto out = dir / (std::string("out") + ext);
    auto r = cli({"attend", "--model", builtin_model("stories260K").string(), "--text-file", (dir / "in.txt").string(), "--out",
                  out.string(), "--layers", "0,4"});
    ASSERT_EQ(r.exit_code, 0) << ext << r.err;
    EXPECT_GT(std::filesystem::file_size(out), 1000u) << ext;
  }
  const auto j = nlohmann::json::parse(read_file(dir / "out.json"));
  EXPECT_EQ(j["attention_layers"], nlohmann::json::parse("[0,4]"));
  EXPECT_EQ(j["attentions"].size(), 2u);
  EXPECT_EQ(j["input_ids"].size(), 16u);
  EXPECT_EQ(j["text"], "Attention is all you need.");
}

// --tap writes named capture points: on gemma2-random the embeddings and layer outputs equal the
// golden hidden_states, and an attn_probs tap of a layer not in --layers equals its golden map.
TEST(Cli, AttendWritesNamedCapturePoints) {
  ATTNSCOPE_REQUIRE_SHARED();
  SafetensorsFile g(shared("golden/gemma2-random/01_english.safetensors").string());
  const auto out = test::scratch_dir("attend-taps") / "taps.safetensors";
  auto r = cli({"attend", "--model", shared("models/gemma2-random").string(), "--text", g.metadata().at("text"), "--out",
                out.string(), "--layers", "3", "--tap", "hidden:-1,2", "--tap", "attn_probs:1", "--tap", "q:0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  SafetensorsFile f(out.string());
  const Tensor hs = g.tensor("hidden_states");  // [5, S, 64]
  const int64_t S = hs.dim(1);
  for (auto [name, slot] : {std::pair{"hidden.embeddings", 0}, {"hidden.2", 3}}) {
    const Tensor t = f.tensor(name);
    ASSERT_EQ(shape_to_string(t.shape), shape_to_string({S, 64})) << name;
    double worst = 0;
    for (int64_t i = 0; i < S * 64; ++i) worst = std::max(worst, double(std::abs(t.data[i] - hs.data[slot * S * 64 + i])));
    EXPECT_LE(worst, 1e-4) << name;
  }
  const Tensor probs = f.tensor("attn_probs.1"), gold = g.tensor("attentions");
  ASSERT_EQ(shape_to_string(probs.shape), shape_to_string({4, S, S}));
  double worst = 0;
  for (int64_t i = 0; i < 4 * S * S; ++i) worst = std::max(worst, double(std::abs(probs.data[i] - gold.data[4 * S * S + i])));
  EXPECT_LE(worst, 1e-5);
  EXPECT_EQ(shape_to_string(f.tensor("q.0").shape), shape_to_string({S, 128}));
  EXPECT_EQ(f.find("q.1"), nullptr);

  auto bad = cli({"attend", "--model", shared("models/gemma2-random").string(), "--text", "a", "--out", out.string(),
                  "--force", "--tap", "queries"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown capture point 'queries' (known: attn_in, v, q, k,"), std::string::npos) << bad.err;
}

TEST(Cli, NpzLoadsInNumpyWithoutPickle) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  auto probe = test::run_process("/usr/bin/python3", {"-c", "import numpy"});
  if (probe.exit_code != 0) {
    if (test::shared_required()) FAIL() << "numpy missing for /usr/bin/python3 (install python3-numpy)";
    GTEST_SKIP() << "numpy not installed for /usr/bin/python3";
  }
  const auto dir = test::scratch_dir("numpy");
  const auto out = dir / "a.npz";
  ASSERT_EQ(cli({"attend", "--model", builtin_model("stories260K").string(), "--text", "the cat sat on the mat.", "--out", out.string()})
                .exit_code,
            0);
  auto r = test::run_process("/usr/bin/python3",
                             {"-c",
                              "import numpy as np, sys\n"
                              "z = np.load(sys.argv[1], allow_pickle=False)\n"
                              "a = z['attentions']\n"
                              "assert a.shape == (5, 8, 11, 11) and a.dtype == np.float32, a.shape\n"
                              "assert abs(a.sum(-1) - 1).max() < 1e-5\n"
                              "assert z['input_ids'].tolist()[:3] == [1, 265, 280]\n"
                              "assert list(z['tokens'][:2]) == ['<s>', '\u2581the'], z['tokens']\n"
                              "assert z['offsets'].shape == (11, 2)\n"
                              "assert str(z['model_type']) == 'llama'\n"
                              "print('ok')\n",
                              out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
}

TEST(Cli, ExitCodesAndMessagesForBadModels) {
  const std::string text = "hello";
  auto attend = [&](const std::filesystem::path& model) {
    return cli({"attend", "--model", model.string(), "--text", text, "--out", (test::scratch_dir("o") / "o.npz").string()});
  };
  {  // truncated safetensors
    auto m = copy_model("stories260K", "truncated");
    std::filesystem::resize_file(m / "model.safetensors", std::filesystem::file_size(m / "model.safetensors") / 2);
    auto r = attend(m);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("model.safetensors: tensor '"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("lie outside the data section"), std::string::npos) << r.err;
  }
  {  // header length past the end of the file
    auto m = copy_model("stories260K", "header");
    std::string bytes = read_file(m / "model.safetensors");
    bytes[6] = '\x01';  // header length += 2^48
    write_file(m / "model.safetensors", bytes);
    auto r = attend(m);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("model.safetensors: header length"), std::string::npos) << r.err;
  }
  {  // shape mismatch: config says 128 hidden, weights are 64
    auto m = copy_model("stories260K", "shape");
    auto cfg = nlohmann::json::parse(read_file(m / "config.json"));
    cfg["intermediate_size"] = 200;
    write_file(m / "config.json", cfg.dump());
    auto r = attend(m);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("model.safetensors: tensor 'model.layers.0.mlp.gate_proj.weight' has shape [172,64], expected [200,64]"),
              std::string::npos)
        << r.err;
  }
  {  // unknown model_type
    auto m = copy_model("stories260K", "type");
    auto cfg = nlohmann::json::parse(read_file(m / "config.json"));
    cfg["model_type"] = "mamba";
    write_file(m / "config.json", cfg.dump());
    auto r = attend(m);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("unsupported model_type 'mamba' (supported: "), std::string::npos) << r.err;
  }
  {  // missing tokenizer
    auto m = copy_model("stories260K", "tok");
    std::filesystem::remove(m / "tokenizer.json");
    auto r = attend(m);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("no tokenizer files"), std::string::npos) << r.err;
  }
  {  // pickle only
    auto m = copy_model("stories260K", "pickle");
    std::filesystem::rename(m / "model.safetensors", m / "pytorch_model.bin");
    auto r = attend(m);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("never loads pickle files"), std::string::npos) << r.err;
  }
  {  // not a folder
    auto r = attend("/nonexistent/model");
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("/nonexistent/model: no such folder"), std::string::npos) << r.err;
  }
}

TEST(Cli, ExitCodesForUsageInputAndOutputProblems) {
  const std::string model = builtin_model("stories260K").string();
  const auto dir = test::scratch_dir("codes");
  EXPECT_EQ(cli({}).exit_code, 2);
  EXPECT_EQ(cli({"attend", "--model", model}).exit_code, 2);  // no --out
  auto r = cli({"attend", "--model", model, "--text", "x", "--out", (dir / "a.csv").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown output format '.csv'"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model, "--text", "x", "--out", (dir / "a.npz").string(), "--layers", "7"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--layers: 7 is out of range (valid: 0-4)"), std::string::npos) << r.err;

  r = cli({"attend", "--model", model, "--text", "", "--out", (dir / "b.npz").string()});
  EXPECT_EQ(r.exit_code, 2);  // neither text given
  r = cli({"attend", "--model", model, "--text", "   ", "--out", (dir / "b.npz").string()});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("only whitespace"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model, "--text", "bad \xC3\x28 utf8", "--out", (dir / "b.npz").string()});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("not valid UTF-8 (byte 0xC3 at offset 4)"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model, "--text-file", (dir / "missing.txt").string(), "--out", (dir / "b.npz").string()});
  EXPECT_EQ(r.exit_code, 4);

  ASSERT_EQ(cli({"attend", "--model", model, "--text", "hi", "--out", (dir / "c.npz").string()}).exit_code, 0);
  r = cli({"attend", "--model", model, "--text", "hi", "--out", (dir / "c.npz").string()});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("already exists (use --force to overwrite)"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"attend", "--model", model, "--text", "hi", "--out", (dir / "c.npz").string(), "--force"}).exit_code, 0);
  r = cli({"attend", "--model", model, "--text", "hi", "--out", (dir / "nope" / "c.npz").string()});
  EXPECT_EQ(r.exit_code, 5);
}
