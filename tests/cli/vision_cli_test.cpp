// attnscope-cli with image models: info, attend --image [--size], outputs against the goldens.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/golden.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

nlohmann::json field(const SafetensorsFile& f, const std::string& name) { return nlohmann::json::parse(f.metadata().at(name)); }

std::string model(const std::string& name) { return shared("models/" + name).string(); }
std::string image(const std::string& name) { return shared("samples/images/" + name).string(); }

}  // namespace

TEST(VisionCli, InfoReportsImageSizePatchAndLabels) {
  ATTNSCOPE_REQUIRE_SHARED();
  struct Want {
    const char* model;
    int labels, prefix;
  };
  for (const Want& w : {Want{"vit-tiny-patch16-224", 1000, 1}, Want{"deit-random", 10, 2}, Want{"dino-random", 0, 1}}) {
    auto r = cli({"info", "--model", model(w.model), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["modality"], "image") << w.model;
    EXPECT_EQ(j["image_size"], 224) << w.model;
    EXPECT_EQ(j["patch_size"], 16) << w.model;
    EXPECT_EQ(j["num_labels"], w.labels) << w.model;
    EXPECT_EQ(j["prefix_tokens"], w.prefix) << w.model;
  }
  auto t = cli({"info", "--model", model("vit-tiny-patch16-224")});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("image size      224 x 224"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("patch size      16"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("labels          1000 (tench"), std::string::npos) << t.out;
}

TEST(VisionCli, AttendVitTinyMatchesTheGoldenAndNamesTheTopLabels) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("vision-attend");
  const std::pair<const char*, const char*> cases[] = {{"chelsea", "Egyptian cat"}, {"coffee", "espresso"}};
  for (const auto& [name, label] : cases) {
    SafetensorsFile g(shared(std::string("golden/vit-tiny-patch16-224/") + name + ".safetensors").string());
    const auto out = dir / (std::string(name) + ".safetensors");
    auto r = cli({"attend", "--model", model("vit-tiny-patch16-224"), "--image", image(std::string(name) + "_224.png"), "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("197 tokens, 12 layers x 3 heads"), std::string::npos) << r.err;
    SafetensorsFile f(out.string());
    EXPECT_LE(test::max_abs_diff(f.tensor("pixel_values"), g.tensor("pixel_values"), "pixel_values"), 1e-6) << name;
    EXPECT_LE(test::max_abs_diff(f.tensor("attentions"), g.tensor("attentions"), "attentions"), 1e-4) << name;
    EXPECT_LE(test::max_abs_diff(f.tensor("logits"), g.tensor("logits"), "logits"), 1e-3) << name;
    EXPECT_FALSE(f.find("hidden_states"));  // only with --hidden-states
    EXPECT_EQ(field(f, "grid"), nlohmann::json::parse("[14,14]"));
    EXPECT_EQ(field(f, "patch_size"), 16);
    EXPECT_EQ(field(f, "crop_box"), nlohmann::json::parse("[0.0,0.0,224.0,224.0]"));
    const auto preds = field(f, "predictions");
    ASSERT_EQ(preds.size(), 5u);
    EXPECT_EQ(preds[0]["label"], label);
    EXPECT_EQ(f.tensor("patch_boxes").shape, (Shape{196, 4}));
  }
}

TEST(VisionCli, AttendDeitFromTheOriginalPhotoReportsTheCropBox) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto out = test::scratch_dir("vision-deit") / "chelsea.safetensors";
  auto r = cli({"attend", "--model", model("deit-random"), "--image", image("chelsea.png"), "--out", out.string(), "--hidden-states"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  SafetensorsFile f(out.string());
  SafetensorsFile g(shared("golden/deit-random/chelsea.safetensors").string());
  EXPECT_LE(test::max_abs_diff(f.tensor("pixel_values"), g.tensor("pixel_values"), "pixel_values"), 1e-6);
  for (const char* t : {"attentions", "hidden_states", "last_hidden_state", "logits", "cls_logits", "distillation_logits"})
    EXPECT_LE(test::max_abs_diff(f.tensor(t), g.tensor(t), t), 1e-4) << t;
  // 451x300 -> shortest edge 256: 384x256, centre crop 224 at (80, 16); back in original pixels
  // x scales by 451/384 and y by 300/256.
  EXPECT_EQ(field(f, "image_size"), nlohmann::json::parse("[451,300]"));
  EXPECT_EQ(field(f, "resized_size"), nlohmann::json::parse("[384,256]"));
  EXPECT_EQ(field(f, "crop"), nlohmann::json::parse("[80,16,224,224]"));
  const auto box = field(f, "crop_box");
  EXPECT_DOUBLE_EQ(box[0].get<double>(), 80 * 451.0 / 384);
  EXPECT_DOUBLE_EQ(box[1].get<double>(), 16 * 300.0 / 256);
  EXPECT_DOUBLE_EQ(box[2].get<double>(), 224 * 451.0 / 384);
  EXPECT_DOUBLE_EQ(box[3].get<double>(), 224 * 300.0 / 256);
  EXPECT_EQ(field(f, "prefix_tokens"), 2);
  const auto tokens = field(f, "tokens");
  ASSERT_EQ(tokens.size(), 198u);
  EXPECT_EQ(tokens[1], "[DIST]");
  EXPECT_EQ(tokens[2], "(0,0)");
  const Tensor boxes = f.tensor("patch_boxes");
  ASSERT_EQ(boxes.shape, (Shape{196, 4}));
  EXPECT_FLOAT_EQ(boxes.data[(14 + 2) * 4 + 0], static_cast<float>((80 + 2 * 16) * 451.0 / 384));  // patch (1, 2): x
  EXPECT_FLOAT_EQ(boxes.data[(14 + 2) * 4 + 1], static_cast<float>((16 + 1 * 16) * 300.0 / 256));  // y
}

TEST(VisionCli, AttendDinoAtAnotherSizeInterpolatesPositions) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("vision-dino");
  SafetensorsFile g(shared("golden/dino-random/chelsea_320x240.safetensors").string());
  const auto out = dir / "dino.safetensors";
  auto r = cli({"attend", "--model", model("dino-random"), "--image", image("chelsea.png"), "--size", "320x240", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("301 tokens, 4 layers x 3 heads"), std::string::npos) << r.err;
  SafetensorsFile f(out.string());
  EXPECT_LE(test::max_abs_diff(f.tensor("pixel_values"), g.tensor("pixel_values"), "pixel_values"), 1e-6);
  for (const char* t : {"attentions", "last_hidden_state", "position_embeddings"})
    EXPECT_LE(test::max_abs_diff(f.tensor(t), g.tensor(t), t), 1e-4) << t;
  EXPECT_FALSE(f.find("logits"));
  EXPECT_EQ(field(f, "grid"), nlohmann::json::parse("[15,20]"));
  EXPECT_EQ(field(f, "input_size"), nlohmann::json::parse("[320,240]"));
  EXPECT_EQ(field(f, "crop_box"), nlohmann::json::parse("[0.0,0.0,451.0,300.0]"));
  EXPECT_FALSE(f.metadata().count("predictions"));

  // JSON output carries the same metadata.
  const auto js = dir / "dino.json";
  ASSERT_EQ(cli({"attend", "--model", model("dino-random"), "--image", image("coffee.png"), "--out", js.string(), "--layers", "3"}).exit_code, 0);
  std::ifstream in(js);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["grid"], nlohmann::json::parse("[14,14]"));
  EXPECT_EQ(j["attentions"].size(), 1u);
  EXPECT_EQ(j["pixel_values"].size(), 3u);
}

TEST(VisionCli, UsageAndInputErrors) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("vision-errors");
  const std::string out = (dir / "o.safetensors").string();
  auto r = cli({"attend", "--model", model("dino-random"), "--out", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("an image model needs --image"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model("dino-random"), "--text", "a cat", "--image", image("coffee.png"), "--out", out});
  EXPECT_EQ(r.exit_code, 2);
  r = cli({"attend", "--model", model("stories260K"), "--image", image("coffee.png"), "--out", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--image is for image models"), std::string::npos) << r.err;
  r = cli({"attend", "--model", model("dino-random"), "--image", image("coffee.png"), "--size", "320by240", "--out", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--size: expected WIDTHxHEIGHT"), std::string::npos) << r.err;

  r = cli({"attend", "--model", model("dino-random"), "--image", (dir / "missing.png").string(), "--out", out});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("missing.png: no such file"), std::string::npos) << r.err;
  {
    std::ofstream bad(dir / "fake.jpg");
    bad << "this is not a JPEG";
  }
  r = cli({"attend", "--model", model("dino-random"), "--image", (dir / "fake.jpg").string(), "--out", out});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("fake.jpg: not a recognised image file"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

// Debian's OpenCV image decoders bring ~140 libraries (GDAL, HDF5, ...) that cost every process
// 70-100 ms to load; the programs open them on the first image instead (core/image/image_codecs.h).
TEST(VisionCli, ImageDecodersAreLoadedOnlyWhenAnImageIsRead) {
  std::vector<std::string> programs = {ATTNSCOPE_CLI};
#ifdef ATTNSCOPE_GUI
  programs.push_back(ATTNSCOPE_GUI);
#endif
  for (const auto& program : programs) {
    const auto r = test::run_process("/usr/bin/ldd", {program});  // what the loader maps before main()
    ASSERT_EQ(r.exit_code, 0) << program << ": " << r.err;
    ASSERT_NE(r.out.find("libopencv_core"), std::string::npos) << "not the dependency list expected:\n" << r.out;
    EXPECT_EQ(r.out.find("libopencv_imgcodecs"), std::string::npos) << program << " links the image decoders:\n" << r.out;
    EXPECT_EQ(r.out.find("libgdal"), std::string::npos) << program << ":\n" << r.out;
  }
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("lazy_decoders");
  const auto out = dir / "chelsea.safetensors";
  const auto r = cli({"attend", "--model", model("vit-tiny-patch16-224"), "--image", image("chelsea.png"), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(field(SafetensorsFile(out.string()), "predictions")[0]["label"], "Egyptian cat");
}
