// attnscope-cli render end to end (built only with the GUI library, which draws the figures).
#include <cstring>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Width and height from a PNG's IHDR chunk.
std::pair<uint32_t, uint32_t> png_size(const std::filesystem::path& p) {
  const std::string b = read(p);
  if (b.size() < 24 || b.compare(1, 3, "PNG") != 0) return {0, 0};
  auto be32 = [&](size_t o) {
    return (uint32_t(uint8_t(b[o])) << 24) | (uint32_t(uint8_t(b[o + 1])) << 16) | (uint32_t(uint8_t(b[o + 2])) << 8) | uint8_t(b[o + 3]);
  };
  return {be32(16), be32(20)};
}

}  // namespace

TEST(RenderCli, AllHeadsOfVitTinyWrites36FiguresAndTheOverview) {
  const auto dir = test::scratch_dir("all-heads");
  auto r = cli({"render", "--model", test::builtin_model("vit-tiny").string(), "--image", (test::source_dir() / "samples/images/chelsea.png").string(),
                "--view", "image", "--all-heads", (dir / "figs").string(), "--dpi", "40"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> contents;
  size_t figures = 0;
  for (int l = 0; l < 12; ++l)
    for (int h = 0; h < 3; ++h) {
      char name[32];
      std::snprintf(name, sizeof name, "image_L%02d_H%02d.png", l, h);
      const auto p = dir / "figs" / name;
      ASSERT_TRUE(std::filesystem::exists(p)) << name;
      EXPECT_GT(std::filesystem::file_size(p), 1000u) << name;
      contents.insert(read(p));
      EXPECT_TRUE(std::filesystem::exists(p.string() + ".attnscope.json")) << name;
      ++figures;
    }
  ASSERT_TRUE(std::filesystem::exists(dir / "figs" / "overview.png"));
  contents.insert(read(dir / "figs" / "overview.png"));
  EXPECT_EQ(figures, 36u);
  EXPECT_EQ(contents.size(), 37u);  // every figure different
}

TEST(RenderCli, FormatsSizeDpiAndSidecar) {
  const auto dir = test::scratch_dir("formats");
  const std::string model = test::builtin_model("stories260K").string();
  const std::string text = "The animal didn't cross the street because it was too tired.";
  auto r = cli({"render", "--model", model, "--text", text, "--view", "matrix", "--layer", "2", "--head", "3", "--out", (dir / "m.png").string(),
                "--dpi", "100", "--width", "4", "--height", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(png_size(dir / "m.png"), (std::pair<uint32_t, uint32_t>{400, 300}));
  const auto side = nlohmann::json::parse(read(dir / "m.png.attnscope.json"));
  EXPECT_EQ(side["view"]["layer"], 2);
  EXPECT_EQ(side["view"]["head"], 3);
  EXPECT_EQ(side["figure"]["dpi"], 100);
  EXPECT_EQ(side["input"]["text"], text);
  EXPECT_EQ(side["model"]["model_type"], "llama");
  EXPECT_EQ(side["model"]["weights"][0]["sha256"].get<std::string>().size(), 64u);

  for (const char* view : {"lines", "text", "overview", "heads"}) {
    const auto svg = dir / (std::string(view) + ".svg");
    r = cli({"render", "--model", model, "--text", text, "--view", view, "--out", svg.string(), "--no-sidecar"});
    ASSERT_EQ(r.exit_code, 0) << view << r.err;
    EXPECT_NE(read(svg).find("<svg"), std::string::npos) << view;
    EXPECT_FALSE(std::filesystem::exists(svg.string() + ".attnscope.json"));
  }
  r = cli({"render", "--model", model, "--text", text, "--method", "rollout", "--head", "mean", "--norm", "log", "--cmap", "magma", "--out",
           (dir / "rollout.pdf").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read(dir / "rollout.pdf").substr(0, 5), "%PDF-");
  r = cli({"render", "--model", model, "--text", text, "--method", "flow", "--out", (dir / "flow.png").string(), "--dpi", "50"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(read(dir / "flow.png.attnscope.json"))["view"]["method"], "flow");
}

TEST(RenderCli, ErrorsHaveExitCodesAndSayWhat) {
  const auto dir = test::scratch_dir("errors");
  const std::string model = test::builtin_model("stories260K").string();
  auto render = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"render", "--model", model, "--text", "hello there"};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  };
  auto r = render({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("give --out FILE or --all-heads DIR"), std::string::npos) << r.err;
  r = render({"--out", (dir / "a.gif").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown figure format"), std::string::npos) << r.err;
  r = render({"--out", (dir / "a.png").string(), "--layer", "9"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--layer: 9 is out of range (valid: 0-4)"), std::string::npos) << r.err;
  r = render({"--out", (dir / "a.png").string(), "--view", "image"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--view image needs an image model"), std::string::npos) << r.err;
  r = render({"--out", (dir / "a.png").string(), "--cmap", "jet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown colour map 'jet'"), std::string::npos) << r.err;
  ASSERT_EQ(render({"--out", (dir / "b.png").string(), "--dpi", "30"}).exit_code, 0);
  r = render({"--out", (dir / "b.png").string(), "--dpi", "30"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("already exists (use --force to overwrite)"), std::string::npos) << r.err;
  EXPECT_EQ(render({"--out", (dir / "b.png").string(), "--dpi", "30", "--force"}).exit_code, 0);
}

// T5: the Cross view and the decoder stack through `render`; the sidecar records the choices.
TEST(RenderCli, CrossAttentionAndDecoderStackOfT5) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("render_t5");
  const std::string m = test::shared("models/t5-random").string();
  const std::vector<std::string> input = {"--model", m, "--text", "translate English to German: The house is wonderful.",
                                          "--target", "Das Haus ist wunderbar."};
  auto args = input;
  args.insert(args.begin(), "render");
  for (const std::string ext : {"pdf", "png", "svg"}) {
    auto a = args;
    a.insert(a.end(), {"--view", "cross", "--layer", "1", "--head", "mean", "--argmax", "--out", (dir / ("cross." + ext)).string()});
    auto r = cli(a);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_GT(std::filesystem::file_size(dir / ("cross." + ext)), 1000u) << ext;
  }
  std::ifstream sidecar(dir / "cross.pdf.attnscope.json");
  ASSERT_TRUE(sidecar) << "no sidecar";
  const auto j = nlohmann::json::parse(sidecar);
  EXPECT_EQ(j["view"]["view"], "cross") << j.dump();
  EXPECT_EQ(j["view"]["cross_argmax"], true) << j.dump();

  auto d = args;
  d.insert(d.end(), {"--view", "matrix", "--stack", "decoder", "--layer", "1", "--out", (dir / "decoder.png").string()});
  auto r = cli(d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "decoder.png"));

  auto bad = args;
  bad.insert(bad.end(), {"--view", "cross", "--layer", "2", "--out", (dir / "bad.png").string()});
  r = cli(bad);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("layer"), std::string::npos) << r.err;
  r = cli({"render", "--model", test::shared("models/bert-random").string(), "--text", "hi", "--view", "cross", "--out",
           (dir / "bert.png").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("encoder-decoder"), std::string::npos) << r.err;
}

TEST(RenderCli, ImageViewOptionsReachTheFigureAndTheSidecar) {
  const auto dir = test::scratch_dir("render_image_options");
  const std::string image = (test::source_dir() / "samples" / "images" / "chelsea.png").string();
  const auto base = std::vector<std::string>{"render", "--model", "builtin:vit-tiny", "--image", image, "--view", "image",
                                             "--layer", "8", "--head", "2", "--query", "63", "--dpi", "60"};
  auto with = base;
  with.insert(with.end(), {"--contour", "0.6", "--opacity", "0.3", "--nearest", "--out", (dir / "c.png").string()});
  auto r = cli(with);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto side = nlohmann::json::parse(read(dir / "c.png.attnscope.json"));
  EXPECT_EQ(side["view"]["show_threshold"], true);
  EXPECT_DOUBLE_EQ(side["view"]["threshold"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(side["view"]["overlay_opacity"].get<double>(), 0.3);
  EXPECT_EQ(side["view"]["smooth_overlay"], false);
  auto without = base;
  without.insert(without.end(), {"--out", (dir / "plain.png").string()});
  ASSERT_EQ(cli(without).exit_code, 0);
  EXPECT_NE(read(dir / "c.png"), read(dir / "plain.png"));
  EXPECT_EQ(nlohmann::json::parse(read(dir / "plain.png.attnscope.json"))["view"]["show_threshold"], false);
  // The input size and flow for the query row (a ViT's all-pairs flow would be refused as too costly).
  const std::vector<std::string> sized = {"render", "--model", "builtin:vit-tiny", "--image", image, "--view", "image", "--dpi", "60",
                                          "--size", "96x48", "--method", "flow", "--out", (dir / "flow.png").string()};
  r = cli(sized);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto flow = nlohmann::json::parse(read(dir / "flow.png.attnscope.json"));
  EXPECT_EQ(flow["input"]["image_size"], nlohmann::json::array({96, 48}));
  EXPECT_EQ(flow["preprocessing"]["grid"], nlohmann::json::array({3, 6}));
  EXPECT_EQ(flow["view"]["method"], "flow");
  EXPECT_FALSE(side["input"].contains("image_size"));
  // One page of one layer's heads (the DINO figure): one row of three cells, wider than tall.
  r = cli({"render", "--model", "builtin:vit-tiny", "--image", image, "--view", "overview", "--layers", "11", "--dpi", "60", "--out",
           (dir / "heads.png").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string png = read(dir / "heads.png");
  ASSERT_GT(png.size(), 24u);
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(png[at])) << 24) | (uint32_t(uint8_t(png[at + 1])) << 16) | (uint32_t(uint8_t(png[at + 2])) << 8) | uint8_t(png[at + 3]);
  };
  EXPECT_GT(be32(16), 2 * be32(20)) << be32(16) << "x" << be32(20);
  // --bare: the overlay at the photo's own size, and the map itself, equal to the captured attention row.
  r = cli({"render", "--model", "builtin:vit-tiny", "--image", image, "--view", "image", "--layer", "8", "--head", "2", "--bare", "--out",
           (dir / "bare.png").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bare = read(dir / "bare.png");
  auto png_size = [](const std::string& p, size_t at) {
    return (uint32_t(uint8_t(p[at])) << 24) | (uint32_t(uint8_t(p[at + 1])) << 16) | (uint32_t(uint8_t(p[at + 2])) << 8) | uint8_t(p[at + 3]);
  };
  EXPECT_EQ(png_size(bare, 16), 451u);
  EXPECT_EQ(png_size(bare, 20), 300u);
  r = cli({"render", "--model", "builtin:vit-tiny", "--image", image, "--view", "image", "--layer", "8", "--head", "2", "--bare", "--out",
           (dir / "map.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string npy = read(dir / "map.npy");
  ASSERT_GT(npy.size(), 10u);
  const size_t header = 10 + (uint8_t(npy[8]) | (uint8_t(npy[9]) << 8));
  EXPECT_NE(npy.substr(0, header).find("'shape': (14, 14)"), std::string::npos) << npy.substr(0, header);
  ASSERT_EQ(npy.size(), header + 196 * 4);
  r = cli({"attend", "--model", "builtin:vit-tiny", "--image", image, "--layers", "8", "--out", (dir / "att.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto att = nlohmann::json::parse(read(dir / "att.json"))["attentions"][0][2][0];  // layer 8, head 2, the CLS row
  for (size_t i = 0; i < 196; ++i) {
    float v;
    std::memcpy(&v, npy.data() + header + 4 * i, 4);
    EXPECT_NEAR(v, att[1 + i].get<double>(), 1e-7) << i;
  }
  r = cli({"render", "--model", "builtin:vit-tiny", "--image", image, "--view", "matrix", "--bare", "--out", (dir / "m.png").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--bare needs --view image"), std::string::npos) << r.err;
  // Excluded patches and the value clip reach the sidecar.
  r = cli({"render", "--model", "builtin:vit-tiny", "--image", image, "--view", "image", "--norm", "value_percentile", "--exclude-patches",
           "0,13,182,195", "--dpi", "60", "--out", (dir / "excluded.png").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ex = nlohmann::json::parse(read(dir / "excluded.png.attnscope.json"));
  EXPECT_EQ(ex["view"]["excluded_patches"], nlohmann::json::array({0, 13, 182, 195}));
  EXPECT_EQ(ex["view"]["normalization"], "value_percentile");
  with.back() = (dir / "bad.png").string();
  with[with.size() - 6] = "1.5";  // --contour out of range
  r = cli(with);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--contour"), std::string::npos) << r.err;
}

// --view generation draws a causal LM's generation at a step, the same tokens as `generate`;
// --view compare draws A against B; both sidecars say what was drawn.
TEST(RenderCli, GenerationAndCompareFigures) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("render-generation");
  const std::string m = test::builtin_model("stories260K").string();
  auto r = cli({"render", "--model", m, "--text", "Once upon a time", "--view", "generation", "--generate", "12", "--step", "5",
                "--out", (dir / "g.pdf").string(), "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir / "g.pdf.attnscope.json");
  const auto side = nlohmann::json::parse(in);
  r = cli({"generate", "--model", m, "--text", "Once upon a time", "--max-new-tokens", "12", "--out", (dir / "g.json").string(),
           "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream gin(dir / "g.json");
  const auto gen = nlohmann::json::parse(gin);
  EXPECT_EQ(side["generation"]["generated_ids"], gen["generated_ids"]);
  EXPECT_EQ(side["generation"]["step"], 5);
  EXPECT_EQ(side["figure"]["view"], "generation");
  EXPECT_GT(std::filesystem::file_size(dir / "g.pdf"), 2000u);
  r = cli({"render", "--model", m, "--text", "Once upon a time", "--view", "generation", "--generate", "4", "--step", "9",
           "--out", (dir / "bad.pdf").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--step"), std::string::npos) << r.err;

  r = cli({"render", "--model", test::shared("models/bert-random").string(), "--text", "The trophy did not fit because it was too big.",
           "--view", "compare", "--compare-text", "The trophy did not fit because it was too small.", "--out",
           (dir / "c.png").string(), "--dpi", "60", "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream cin(dir / "c.png.attnscope.json");
  const auto cside = nlohmann::json::parse(cin);
  EXPECT_EQ(cside["reference"]["text"], "The trophy did not fit because it was too big.");
  EXPECT_EQ(cside["input"]["text"], "The trophy did not fit because it was too small.");
  r = cli({"render", "--model", m, "--text", "x", "--view", "compare", "--out", (dir / "d.png").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--compare-text"), std::string::npos) << r.err;
}

// Inside and Cost are drawn from the run alone (no view widget): render captures Q, K and V of the
// layer for Inside and profiles the run for Cost, so their figures show the numbers, not a
// "capturing…" or "run an input" placeholder.
TEST(RenderCli, InsideAndCostFigures) {
  const auto dir = test::scratch_dir("render-inside");
  const std::string m = test::builtin_model("stories260K").string();
  const std::string text = "Once upon a time, there was a little girl named Lily.";
  auto r = cli({"render", "--model", m, "--text", text, "--view", "inside", "--layer", "2", "--head", "5", "--query", "6", "--out",
                (dir / "inside.svg").string(), "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string inside = read(dir / "inside.svg");
  for (const char* expected : {"3. Softmax", "4. Output", "reads key/value head 2", "(token 6)"})
    EXPECT_NE(inside.find(expected), std::string::npos) << expected;
  EXPECT_EQ(inside.find("Capturing"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(read(dir / "inside.svg.attnscope.json"))["figure"]["view"], "inside");

  r = cli({"render", "--model", m, "--text", text, "--view", "cost", "--out", (dir / "cost.svg").string(), "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cost = read(dir / "cost.svg");
  for (const char* expected : {"Last run: time per layer", "qkv_projection", "measured", "Compute per forward pass"})
    EXPECT_NE(cost.find(expected), std::string::npos) << expected;
  EXPECT_EQ(cost.find("(run an input)"), std::string::npos);
}
