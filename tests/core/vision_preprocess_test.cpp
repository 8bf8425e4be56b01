// Preprocessing against Pillow's output: the shared *_224.png and golden *_input.png files were
// made by Pillow 9.4 from the original photos, so the resampler must reproduce them, and
// normalising them must reproduce the goldens' pixel_values bit for bit.
#include <cstring>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/image/pillow_resize.h"
#include "core/image/preprocess.h"
#include "core/io/json_file.h"
#include "core/io/safetensors.h"
#include "tests/support/golden.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

struct PixelMatch {
  size_t values = 0, exact = 0, within_one = 0;
};

PixelMatch compare(const RgbImage& got, const RgbImage& want) {
  EXPECT_EQ(got.width, want.width);
  EXPECT_EQ(got.height, want.height);
  PixelMatch m;
  if (got.pixels.size() != want.pixels.size()) return m;
  m.values = got.pixels.size();
  for (size_t i = 0; i < m.values; ++i) {
    const int d = std::abs(int(got.pixels[i]) - int(want.pixels[i]));
    m.exact += d == 0;
    m.within_one += d <= 1;
  }
  return m;
}

ImageProcessorConfig model_config(const std::string& model) {
  return parse_image_processor_config(read_json_file(shared("models/" + model + "/preprocessor_config.json"), "p"),
                                      "preprocessor_config.json");
}

ImageProcessorConfig config_from(const std::string& json) { return parse_image_processor_config(nlohmann::json::parse(json), "test"); }

bool bit_equal(const Tensor& a, const Tensor& b) {
  return a.shape == b.shape && std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

}  // namespace

TEST(VisionResize, ReproducesPillowBilinearFromTheOriginalPhotos) {
  ATTNSCOPE_REQUIRE_SHARED();
  // samples/images/*_224.png = Image.open(f).convert("RGB").resize((224, 224), Image.BILINEAR)
  for (const char* name : {"chelsea", "coffee", "astronaut"}) {
    const RgbImage original = read_image(shared(std::string("samples/images/") + name + ".png"));
    const RgbImage want = read_image(shared(std::string("samples/images/") + name + "_224.png"));
    const PixelMatch m = compare(pillow_resize(original, 224, 224, ResampleFilter::Bilinear), want);
    ASSERT_EQ(m.values, 224u * 224u * 3u) << name;
    EXPECT_GE(m.within_one, m.values * 99 / 100) << name;  // the acceptance bound: 1/255 on >= 99%
    EXPECT_EQ(m.exact, m.values) << name;                   // and in fact bit for bit
  }
}

TEST(VisionPreprocess, DeitAndDinoPipelinesGiveTheGoldenInputs) {
  ATTNSCOPE_REQUIRE_SHARED();
  struct Case {
    const char* model;
    const char* golden;
    const char* image;
    std::optional<ImageSize> size;
  };
  const Case cases[] = {
      {"deit-random", "chelsea", "chelsea", {}},  // bicubic 384x256 + centre crop (80, 16)
      {"deit-random", "coffee", "coffee", {}},
      {"deit-random", "chelsea_320x240", "chelsea", ImageSize{320, 240}},
      {"dino-random", "chelsea", "chelsea", {}},  // bilinear 224x224
      {"dino-random", "coffee", "coffee", {}},
      {"dino-random", "chelsea_320x240", "chelsea", ImageSize{320, 240}},
  };
  for (const Case& c : cases) {
    const std::string g = std::string("golden/") + c.model + "/" + c.golden;
    const auto cfg = model_config(c.model);
    const PreprocessedImage p = preprocess_image(read_image(shared(std::string("samples/images/") + c.image + ".png")), cfg, c.size);
    const RgbImage want = read_image(shared(g + "_input.png"));
    const PixelMatch m = compare(p.input, want);
    EXPECT_EQ(m.exact, m.values) << g;
    EXPECT_GT(m.values, 0u) << g;
    SafetensorsFile golden(shared(g + ".safetensors").string());
    const Tensor pv = golden.tensor("pixel_values");
    EXPECT_TRUE(bit_equal(p.pixel_values, pv)) << g << " max diff " << test::max_abs_diff(p.pixel_values, pv, g);
    // From the saved preprocessed image alone, normalisation gives the same bits.
    EXPECT_TRUE(bit_equal(normalize_image(want, cfg), pv)) << g;
  }
}

TEST(VisionPreprocess, VitTinyNormalisationIsBitExact) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto cfg = model_config("vit-tiny-patch16-224");
  for (const char* name : {"chelsea", "coffee"}) {
    SafetensorsFile golden(shared(std::string("golden/vit-tiny-patch16-224/") + name + ".safetensors").string());
    const RgbImage input = read_image(shared(std::string("samples/images/") + name + "_224.png"));
    const PreprocessedImage p = preprocess_image(input, cfg);  // 224x224 already: no resize
    EXPECT_TRUE(bit_equal(p.pixel_values, golden.tensor("pixel_values"))) << name;
    // From the original photo (Pillow-exact resize) the same.
    const PreprocessedImage q = preprocess_image(read_image(shared(std::string("samples/images/") + name + ".png")), cfg);
    EXPECT_LE(test::max_abs_diff(q.pixel_values, golden.tensor("pixel_values"), name), 1e-6) << name;
  }
}

TEST(VisionPreprocess, ConfigSizesFollowHuggingFace) {
  // {"height", "width"}: exactly that, aspect ratio not kept.
  auto exact = config_from(R"({"size": {"height": 240, "width": 320}})");
  EXPECT_EQ(resize_target(451, 300, exact).width, 320);
  EXPECT_EQ(resize_target(451, 300, exact).height, 240);
  // A bare integer in an old ViT/DeiT config is a square.
  auto square = config_from(R"({"feature_extractor_type": "ViTFeatureExtractor", "size": 224})");
  EXPECT_EQ(resize_target(451, 300, square).width, 224);
  EXPECT_EQ(resize_target(451, 300, square).height, 224);
  // ... but the shortest edge for a CLIP-style processor.
  auto clip = config_from(R"({"image_processor_type": "CLIPImageProcessor", "size": 224})");
  EXPECT_EQ(resize_target(451, 300, clip).width, 336);  // int(224 * 451 / 300) = int(336.74)
  // shortest_edge: long side int(s * long / short), truncated (451x300 -> int(384.853) = 384).
  auto se = config_from(R"({"size": {"shortest_edge": 256}})");
  EXPECT_EQ(resize_target(451, 300, se).width, 384);
  EXPECT_EQ(resize_target(451, 300, se).height, 256);
  EXPECT_EQ(resize_target(300, 451, se).width, 256);  // portrait
  EXPECT_EQ(resize_target(300, 451, se).height, 384);
  EXPECT_EQ(resize_target(299, 1000, se).height, 856);  // 256 * 1000 / 299 = 856.19
  // longest_edge caps the long side: 256 x int(256 * 1000 / 299) = 856 > 500 -> int(500 * 256 / 856) = 149 x 500.
  auto capped = config_from(R"({"size": {"shortest_edge": 256, "longest_edge": 500}})");
  EXPECT_EQ(resize_target(299, 1000, capped).width, 149);
  EXPECT_EQ(resize_target(299, 1000, capped).height, 500);
  // ConvNeXt crop_pct: shortest edge to int(224 / 0.875) = 256, then crop 224 x 224.
  auto pct = config_from(R"({"size": {"shortest_edge": 224}, "crop_pct": 0.875, "resample": 3})");
  EXPECT_EQ(resize_target(451, 300, pct).height, 256);
  RgbImage img(451, 300);
  const PreprocessedImage p = preprocess_image(img, pct);
  EXPECT_EQ(p.input.width, 224);
  EXPECT_EQ(p.input.height, 224);
  EXPECT_EQ(p.transform.crop_left, (384 - 224) / 2);
  EXPECT_EQ(p.transform.crop_top, 16);
  // Without any config entries: bilinear, no crop, rescale 1/255, mean/std 0.5.
  auto defaults = config_from(R"({"size": {"height": 8, "width": 8}})");
  EXPECT_EQ(defaults.resample, ResampleFilter::Bilinear);
  EXPECT_FALSE(defaults.do_center_crop);
  EXPECT_EQ(defaults.image_mean[1], 0.5f);
}

TEST(VisionPreprocess, ModelInputSizeIsTheSizePreprocessingMakes) {
  // What the GUI's token count is computed from before a run: it must be what the run then does.
  const std::vector<ImageProcessorConfig> configs = {
      config_from(R"({"size": {"height": 240, "width": 320}})"),
      config_from(R"({"size": {"shortest_edge": 256}})"),
      config_from(R"({"size": {"shortest_edge": 256}, "do_center_crop": true, "crop_size": {"height": 224, "width": 224}})"),
      config_from(R"({"size": {"shortest_edge": 224}, "crop_pct": 0.875})"),
      config_from(R"({"size": {"shortest_edge": 448}, "crop_pct": 0.875})"),  // >= 384: a plain resize
  };
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{451, 300}, {300, 451}, {64, 64}})
    for (size_t k = 0; k < configs.size(); ++k)
      for (const std::optional<ImageSize> explicit_size : {std::optional<ImageSize>(), std::optional<ImageSize>(ImageSize{96, 48})}) {
        const RgbImage img(w, h);
        const PreprocessedImage p = preprocess_image(img, configs[k], explicit_size);
        const ImageSize s = model_input_size(w, h, configs[k], explicit_size);
        EXPECT_EQ(s.width, p.input.width) << w << "x" << h << " config " << k;
        EXPECT_EQ(s.height, p.input.height) << w << "x" << h << " config " << k;
      }
}

TEST(VisionPreprocess, ConfigErrorsNameTheKey) {
  auto error_of = [](const std::string& json) {
    try {
      config_from(json);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Model);
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(error_of(R"({"size": {"longest_edge": 10}})").find("shortest_edge"), std::string::npos);
  EXPECT_NE(error_of(R"({"size": 224, "resample": 7})").find("unsupported resample filter 7"), std::string::npos);
  EXPECT_NE(error_of(R"({"size": 224, "do_center_crop": true})").find("crop_size"), std::string::npos);
  EXPECT_NE(error_of(R"({"size": 224, "image_std": [0.5, 0, 0.5]})").find("image_std"), std::string::npos);
  EXPECT_NE(error_of(R"({"size": 224, "image_mean": [0.5, 0.5]})").find("image_mean"), std::string::npos);
  EXPECT_NE(error_of(R"({"size": -3})").find("'size'"), std::string::npos);
}

TEST(VisionPreprocess, CenterCropUsesFloorOffsetsAndZeroPadding) {
  // 7 x 5 image, pixel value = 10 * y + x in every channel.
  RgbImage img(7, 5);
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 7; ++x) std::fill_n(img.pixel(x, y), 3, static_cast<uint8_t>(10 * y + x));
  auto crop = config_from(R"({"do_resize": false, "do_center_crop": true, "crop_size": {"height": 2, "width": 4},
                              "do_normalize": false, "do_rescale": false})");
  const PreprocessedImage p = preprocess_image(img, crop);
  // top = (5 - 2) // 2 = 1, left = (7 - 4) // 2 = 1
  EXPECT_EQ(p.transform.crop_top, 1);
  EXPECT_EQ(p.transform.crop_left, 1);
  EXPECT_EQ(p.input.pixel(0, 0)[0], 11);
  EXPECT_EQ(p.input.pixel(3, 1)[0], 24);
  EXPECT_EQ(p.pixel_values.data[0], 11.0f);  // no rescale, no normalisation: the raw value
  // A crop larger than the image: HF pads with zeros; top = (5 - 8) // 2 = -2 (floor), left = (7 - 8) // 2 = -1.
  auto big = config_from(R"({"do_resize": false, "do_center_crop": true, "crop_size": {"height": 8, "width": 8}})");
  const PreprocessedImage q = preprocess_image(img, big);
  EXPECT_EQ(q.transform.crop_top, -2);
  EXPECT_EQ(q.transform.crop_left, -1);
  EXPECT_EQ(q.input.pixel(0, 0)[0], 0);
  EXPECT_EQ(q.input.pixel(1, 2)[0], 0);   // original (0, 0)
  EXPECT_EQ(q.input.pixel(7, 6)[0], 46);  // original (6, 4)
  EXPECT_EQ(q.input.pixel(7, 7)[0], 0);
  EXPECT_FLOAT_EQ(q.pixel_values.data[0], -1.0f);  // (0 - 0.5) / 0.5
}

TEST(VisionResize, NearestAndConstantImages) {
  // Nearest: source index floor((i + 0.5) * in / out), e.g. 5 -> 3: 0.8333, 2.5, 4.1667 -> 0, 2, 4;
  // 3 -> 7: (i + 0.5) * 3/7 -> 0, 0, 1, 1, 1, 2, 2.
  RgbImage row(5, 1);
  for (int x = 0; x < 5; ++x) std::fill_n(row.pixel(x, 0), 3, static_cast<uint8_t>(100 + x));
  const RgbImage down = pillow_resize(row, 3, 1, ResampleFilter::Nearest);
  EXPECT_EQ(down.pixel(0, 0)[0], 100);
  EXPECT_EQ(down.pixel(1, 0)[0], 102);
  EXPECT_EQ(down.pixel(2, 0)[0], 104);
  RgbImage three(3, 1);
  for (int x = 0; x < 3; ++x) std::fill_n(three.pixel(x, 0), 3, static_cast<uint8_t>(x));
  const RgbImage up = pillow_resize(three, 7, 1, ResampleFilter::Nearest);
  const int want[] = {0, 0, 1, 1, 1, 2, 2};
  for (int x = 0; x < 7; ++x) EXPECT_EQ(up.pixel(x, 0)[0], want[x]) << x;

  // A flat image stays flat under every filter, up and down (weights are normalised to 1).
  RgbImage flat(37, 23);
  for (size_t i = 0; i < flat.pixels.size(); i += 3) flat.pixels[i] = 200, flat.pixels[i + 1] = 7, flat.pixels[i + 2] = 255;
  for (int f = 0; f <= 5; ++f)
    for (auto [w, h] : {std::pair{11, 5}, std::pair{100, 61}, std::pair{37, 9}}) {
      const RgbImage r = pillow_resize(flat, w, h, static_cast<ResampleFilter>(f));
      ASSERT_EQ(r.width, w);
      ASSERT_EQ(r.height, h);
      for (size_t i = 0; i < r.pixels.size(); i += 3)
        ASSERT_TRUE(r.pixels[i] == 200 && r.pixels[i + 1] == 7 && r.pixels[i + 2] == 255) << to_string(static_cast<ResampleFilter>(f));
    }
}

TEST(VisionResize, BilinearDownscaleByTwoAveragesWithAntialiasing) {
  // 4 -> 2 pixels wide, bilinear: scale 2 widens the triangle filter to support 2; output 0 has
  // centre 1.0 and reads inputs 0..2 with weights tri(-0.25) = 0.75, tri(0.25) = 0.75,
  // tri(0.75) = 0.25 (normalised by 1.75); output 1 (centre 3.0) reads 1..3 with 0.25, 0.75, 0.75.
  RgbImage row(4, 1);
  const int v[] = {0, 70, 140, 210};
  for (int x = 0; x < 4; ++x) std::fill_n(row.pixel(x, 0), 3, static_cast<uint8_t>(v[x]));
  const RgbImage r = pillow_resize(row, 2, 1, ResampleFilter::Bilinear);
  const double o0 = (0.75 * 0 + 0.75 * 70 + 0.25 * 140) / 1.75, o1 = (0.25 * 70 + 0.75 * 140 + 0.75 * 210) / 1.75;
  EXPECT_EQ(r.pixel(0, 0)[0], static_cast<int>(o0 + 0.5));  // 50
  EXPECT_EQ(r.pixel(1, 0)[0], static_cast<int>(o1 + 0.5));  // 160
}

TEST(VisionPreprocess, ParsesSizeOptions) {
  const ImageSize s = parse_image_size("320x240", "--size");
  EXPECT_EQ(s.width, 320);
  EXPECT_EQ(s.height, 240);
  EXPECT_EQ(parse_image_size("16X32", "--size").height, 32);
  for (const char* bad : {"320", "x240", "320x", "0x10", "10x-3", "abcxdef", "100000x10", "12x12x12"}) {
    try {
      parse_image_size(bad, "--size");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Usage);
      EXPECT_NE(std::string(e.what()).find("--size: expected WIDTHxHEIGHT"), std::string::npos) << e.what();
    }
  }
}

TEST(VisionPreprocess, MissingConfigFallsBackWithAWarning) {
  const auto dir = test::scratch_dir("no-preprocessor");
  std::vector<std::string> warnings;
  const auto cfg = load_image_processor_config(dir, 384, warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("no preprocessor_config.json"), std::string::npos);
  EXPECT_EQ(cfg.size.width, 384);
  EXPECT_EQ(cfg.size.height, 384);
  EXPECT_FLOAT_EQ(cfg.image_mean[0], 0.485f);
  EXPECT_FLOAT_EQ(cfg.image_std[2], 0.225f);
}
