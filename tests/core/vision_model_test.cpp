// ViT (real vit-tiny-patch16-224), DeiT with distillation token and DINO-style ViTModel
// (random-weight checkpoints) against the PyTorch reference goldens. Each golden is checked from
// the original photo through the whole pipeline (Analyzer) and, separately, from the saved
// preprocessed image straight into the model, so preprocessing and model are tested apart.
#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/image/preprocess.h"
#include "core/io/json_file.h"
#include "core/models/vit.h"
#include "core/analysis/head_stats.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/derived_maps.h"
#include "tests/support/golden.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

constexpr double kAttentionTol = 1e-4;  // golden README: vision attentions ~1e-4
constexpr double kTol = 1e-4;           // hidden states (relative for vit-tiny), random-model logits
constexpr double kVitLogitsTol = 1e-3;

// Every tensor of the golden except pixel_values, compared with the forward result.
void expect_matches_golden(const ForwardResult& f, const SafetensorsFile& g, const std::string& what) {
  const bool real_vit = g.metadata().at("model") == "vit-tiny-patch16-224";
  // The DINOv2 README asks for 2e-5; its rows are not sharp, so hold them to 1e-5.
  const double attention_tol = g.metadata().at("model").starts_with("dinov2") ? 1e-5 : kAttentionTol;
  EXPECT_LE(test::max_abs_diff(f.attentions.data, f.attentions.shape(), g.tensor("attentions"), what), attention_tol) << what;
  EXPECT_LE(test::worst_row_sum_error(f.attentions), 1e-5) << what;
  // vit-tiny's residual stream reaches |490| ("massive activations"): compare relative to the
  // value. Its final LayerNorm output inherits that float32 noise (a float64 run of the reference
  // is itself 7.9e-5 off the golden there), so it gets validate_vision_refs.py's criterion,
  // 1e-4 * max(1, max|golden| / 10) (coffee: 3.1e-4).
  if (real_vit) {
    EXPECT_LE(test::max_rel_diff(f.hidden_states, g.tensor("hidden_states"), what), kTol) << what;
    const Tensor last = g.tensor("last_hidden_state");
    double peak = 0;
    for (float v : last.data) peak = std::max(peak, std::fabs(static_cast<double>(v)));
    EXPECT_LE(test::max_abs_diff(f.last_hidden_state, last, what), kTol * std::max(1.0, peak / 10)) << what;
  } else {
    EXPECT_LE(test::max_abs_diff(f.hidden_states, g.tensor("hidden_states"), what), kTol) << what;
    EXPECT_LE(test::max_abs_diff(f.last_hidden_state, g.tensor("last_hidden_state"), what), kTol) << what;
  }
  if (g.find("logits")) {
    EXPECT_LE(test::max_abs_diff(f.logits, g.tensor("logits"), what), real_vit ? kVitLogitsTol : kTol) << what;
  } else {
    EXPECT_TRUE(f.logits.empty()) << what;
  }

  std::set<std::string> golden_extras, ours;
  for (const auto& t : g.tensors())
    if (t.name != "pixel_values" && t.name != "attentions" && t.name != "hidden_states" && t.name != "last_hidden_state" &&
        t.name != "logits" && t.name != "position_embeddings")
      golden_extras.insert(t.name);
  for (const auto& [name, tensor] : f.extras) {
    ours.insert(name);
    if (g.find(name)) {
      EXPECT_LE(test::max_abs_diff(tensor, g.tensor(name), what + " " + name), kTol) << what << " " << name;
    }
  }
  ours.erase("position_embeddings");
  EXPECT_EQ(ours, golden_extras) << what;  // cls/distillation logits, pooler output
  // Interpolated position rows: present exactly when the golden has them.
  const Tensor* pos = nullptr;
  for (const auto& [name, tensor] : f.extras)
    if (name == "position_embeddings") pos = &tensor;
  ASSERT_EQ(pos != nullptr, g.find("position_embeddings") != nullptr) << what;
  if (pos) {
    EXPECT_LE(test::max_abs_diff(*pos, g.tensor("position_embeddings"), what + " position_embeddings"), 1e-5) << what;
  }
}

// The model input: stored in the golden, or (DINOv2 goldens) rebuilt from its 8-bit input PNG as
// the golden README prescribes.
Tensor golden_pixel_values(const SafetensorsFile& g, const std::string& model) {
  if (g.find("pixel_values")) return g.tensor("pixel_values");
  const auto cfg = parse_image_processor_config(read_json_file(shared("models/" + model + "/preprocessor_config.json"), "p"), "p");
  return normalize_image(read_image(shared("golden/" + model + "/" + g.metadata().at("preprocessed_image"))), cfg);
}

struct VisionCase {
  std::string model, golden;
};

std::vector<VisionCase> all_cases() {
  return {{"vit-tiny-patch16-224", "chelsea"}, {"vit-tiny-patch16-224", "coffee"},  {"deit-random", "chelsea"},
          {"deit-random", "coffee"},           {"deit-random", "chelsea_320x240"}, {"dino-random", "chelsea"},
          {"dino-random", "coffee"},           {"dino-random", "chelsea_320x240"}, {"dinov2-random", "chelsea"},
          {"dinov2-random", "coffee_252x126"}, {"dinov2-reg-random", "coffee"},   {"dinov2-reg-random", "chelsea_252x126"}};
}

std::string case_name(const ::testing::TestParamInfo<VisionCase>& info) {
  std::string s = info.param.model + "_" + info.param.golden;
  for (char& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

struct VisionGolden : ::testing::TestWithParam<VisionCase> {};

}  // namespace

TEST_P(VisionGolden, FromTheImageFileThroughTheAnalyzer) {
  ATTNSCOPE_REQUIRE_SHARED();
  const VisionCase& c = GetParam();
  SafetensorsFile g(shared("golden/" + c.model + "/" + c.golden + ".safetensors").string());
  auto analyzer = Analyzer::open(shared("models/" + c.model));
  AnalysisRequest req;
  req.image = shared("samples/images/" + g.metadata().at("image"));  // vit-tiny: *_224.png, others: the original photo
  if (g.metadata().count("resize")) req.image_size = parse_image_size(g.metadata().at("resize"), "resize");
  req.forward.hidden_states = true;
  const Analysis a = analyzer->run(req);
  const std::string what = c.model + "/" + c.golden;
  EXPECT_LE(test::max_abs_diff(a.pixel_values, golden_pixel_values(g, c.model), what), 1e-6) << what;
  expect_matches_golden(a.forward, g, what);
  // One attention row per token: CLS, (distillation), then the patches row-major.
  EXPECT_EQ(static_cast<int>(a.labels.size()), a.seq_len());
  EXPECT_EQ(a.labels[0], "[CLS]");
  EXPECT_EQ(a.seq_len(), a.geometry.prefix_tokens + a.geometry.num_patches());
  EXPECT_EQ(a.labels.back(), "(" + std::to_string(a.geometry.rows - 1) + "," + std::to_string(a.geometry.cols - 1) + ")");
}

TEST_P(VisionGolden, FromTheSavedPreprocessedImageStraightIntoTheModel) {
  ATTNSCOPE_REQUIRE_SHARED();
  const VisionCase& c = GetParam();
  SafetensorsFile g(shared("golden/" + c.model + "/" + c.golden + ".safetensors").string());
  const std::string input = g.metadata().count("preprocessed_image")
                                ? "golden/" + c.model + "/" + g.metadata().at("preprocessed_image")
                                : "samples/images/" + g.metadata().at("image");
  const auto cfg = parse_image_processor_config(read_json_file(shared("models/" + c.model + "/preprocessor_config.json"), "p"), "p");
  ForwardInput in;
  in.pixel_values = normalize_image(read_image(shared(input)), cfg);
  const std::string what = c.model + "/" + c.golden + " from " + input;
  EXPECT_LE(test::max_abs_diff(in.pixel_values, golden_pixel_values(g, c.model), what), 1e-6) << what;
  ForwardOptions opt;
  opt.hidden_states = true;
  const auto model = load_model(shared("models/" + c.model));
  expect_matches_golden(model->forward(in, opt), g, what);
}

INSTANTIATE_TEST_SUITE_P(Vision, VisionGolden, ::testing::ValuesIn(all_cases()), case_name);

// Registers sit between CLS and the patches, are labelled, count as special tokens (so the Heads
// view's special mass includes the sink they absorb) and take a real share of the CLS row.
TEST(VisionModel, Dinov2RegistersArePrefixTokens) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/dinov2-reg-random"));
  EXPECT_EQ(analyzer->model().info().num_prefix_tokens, 5);
  EXPECT_EQ(analyzer->model().info().num_register_tokens, 4);
  AnalysisRequest req;
  req.image = shared("samples/images/coffee.png");
  const Analysis a = analyzer->run(req);
  ASSERT_EQ(a.seq_len(), 5 + 16 * 16);
  EXPECT_EQ(a.labels[0], "[CLS]");
  for (int r = 0; r < 4; ++r) EXPECT_EQ(a.labels[static_cast<size_t>(1 + r)], "[REG" + std::to_string(r) + "]");
  EXPECT_EQ(a.labels[5], "(0,0)");
  const TokenRoles roles = token_roles(a);
  for (int i = 0; i < a.seq_len(); ++i) EXPECT_EQ(roles.special[static_cast<size_t>(i)], i < 5 ? 1 : 0) << i;
  const auto stats = head_statistics(a.forward.attentions, roles);
  ASSERT_FALSE(stats.empty());
  // Special mass of a head = mean over queries of the mass on CLS + registers: recompute it.
  const auto& st = stats.front();
  const float* m = a.forward.attentions.head_data(st.layer, st.head);
  double want = 0;
  for (int q = 0; q < a.seq_len(); ++q)
    for (int k = 0; k < 5; ++k) want += m[static_cast<size_t>(q) * a.seq_len() + k];
  EXPECT_NEAR(st.special_mass, want / a.seq_len(), 1e-5);
  EXPECT_GT(st.special_mass, 0.0);

  auto plain = Analyzer::open(shared("models/dinov2-random"));
  EXPECT_EQ(plain->model().info().num_prefix_tokens, 1);
  EXPECT_EQ(plain->model().info().num_register_tokens, 0);
}

TEST(VisionModel, VitTinyTopLabelsFromTheOriginalPhotos) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/vit-tiny-patch16-224"));
  const std::pair<const char*, const char*> cases[] = {{"chelsea", "Egyptian cat"}, {"coffee", "espresso"}};
  for (const auto& [name, label] : cases) {
    for (const std::string& file : {std::string(name) + ".png", std::string(name) + "_224.png"}) {
      AnalysisRequest req;
      req.image = shared("samples/images/" + file);
      const Analysis a = analyzer->run(req);
      ASSERT_EQ(a.predictions.size(), 5u) << file;
      EXPECT_EQ(a.predictions[0].label, label) << file;
      EXPECT_GT(a.predictions[0].probability, a.predictions[1].probability) << file;
      EXPECT_EQ(a.geometry.rows, 14);
      EXPECT_EQ(a.image.width, file.find("_224") != std::string::npos ? 224 : (std::string(name) == "chelsea" ? 451 : 600));
    }
  }
}

TEST(VisionModel, InfoDescribesImageModels) {
  ATTNSCOPE_REQUIRE_SHARED();
  struct Want {
    const char* model;
    const char* type;
    int layers, prefix, labels;
    HeadKind head;
  };
  for (const Want& w : {Want{"vit-tiny-patch16-224", "vit", 12, 1, 1000, HeadKind::Classifier},
                        Want{"deit-random", "deit", 4, 2, 10, HeadKind::Classifier},
                        Want{"dino-random", "vit", 4, 1, 0, HeadKind::None}}) {
    const auto m = load_model(shared(std::string("models/") + w.model));
    const ModelInfo& i = m->info();
    EXPECT_EQ(i.model_type, w.type);
    EXPECT_EQ(i.modality, Modality::Image);
    EXPECT_EQ(i.head, w.head) << w.model;
    EXPECT_EQ(i.num_layers, w.layers);
    EXPECT_EQ(i.num_heads, 3);
    EXPECT_EQ(i.hidden_size, 192);
    EXPECT_EQ(i.image_size, 224);
    EXPECT_EQ(i.patch_size, 16);
    EXPECT_EQ(i.num_prefix_tokens, w.prefix);
    EXPECT_EQ(static_cast<int>(i.labels.size()), w.labels) << w.model;
  }
}

TEST(VisionModel, CapturesChosenLayersAndCancels) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/deit-random"));
  AnalysisRequest req;
  req.image = shared("samples/images/coffee.png");
  const Analysis full = analyzer->run(req);
  req.forward.layers = {1, 3};
  const Analysis some = analyzer->run(req);
  ASSERT_EQ(some.forward.attentions.layers, (std::vector<int>{1, 3}));
  for (int layer : {1, 3})
    for (int h = 0; h < 3; ++h) EXPECT_EQ(some.forward.attentions.head(layer, h), full.forward.attentions.head(layer, h));
  EXPECT_EQ(some.forward.logits.data, full.forward.logits.data);
  EXPECT_TRUE(full.forward.hidden_states.empty());  // only on request

  int calls = 0;
  const Analysis c = analyzer->run(req, [&](const Progress& p) {
    ++calls;
    EXPECT_EQ(p.total, 4);
    return p.done < 2;
  });
  EXPECT_TRUE(c.cancelled);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(c.forward.attentions.data.empty());
}

TEST(VisionModel, RejectsMismatchedInputs) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/dino-random"));
  auto kind_of = [&](const AnalysisRequest& req) {
    try {
      analyzer->run(req);
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::Output;  // (no error)
  };
  AnalysisRequest text;
  text.text = "a cat";
  EXPECT_EQ(kind_of(text), ErrorKind::Usage);
  AnalysisRequest missing;
  missing.image = shared("samples/images/no-such-image.png");
  EXPECT_EQ(kind_of(missing), ErrorKind::Input);
  AnalysisRequest tiny;
  tiny.image = shared("samples/images/chelsea.png");
  tiny.image_size = ImageSize{8, 8};  // smaller than one 16 x 16 patch
  EXPECT_EQ(kind_of(tiny), ErrorKind::Input);

  const auto model = load_model(shared("models/dino-random"));
  ForwardInput bad;
  bad.pixel_values = Tensor({1, 32, 32});
  EXPECT_THROW(model->forward(bad, {}), Error);
}

TEST(VisionModel, PositionEmbeddingInterpolationMatchesPytorchBicubic) {
  // 2 x 2 grid -> 3 x 3, one channel, values by hand from the PyTorch formula:
  // per axis src = (2/3)(i + 0.5) - 0.5 = -1/6, 1/2, 7/6; A = -0.75 Keys weights.
  auto weights = [](double t) {
    const double A = -0.75;
    auto near = [&](double x) { return ((A + 2) * x - (A + 3)) * x * x + 1; };
    auto far = [&](double x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; };
    return std::array<double, 4>{far(t + 1), near(t), near(1 - t), far(2 - t)};
  };
  // Axis matrix [3 out, 2 in] with taps clamped to {0, 1}.
  double M[3][2] = {};
  for (int i = 0; i < 3; ++i) {
    const double src = (2.0 / 3.0) * (i + 0.5) - 0.5, i0 = std::floor(src);
    const auto w = weights(src - i0);
    for (int j = 0; j < 4; ++j) M[i][std::clamp(static_cast<int>(i0) - 1 + j, 0, 1)] += w[static_cast<size_t>(j)];
  }
  const float grid[4] = {1.0f, 2.0f, 5.0f, -3.0f};  // row-major [[1, 2], [5, -3]]
  const RowMatrix out = interpolate_bicubic(ConstMatrixMap(grid, 4, 1), 2, 2, 3, 3);
  ASSERT_EQ(out.rows(), 9);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x) {
      double v = 0;
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) v += M[y][a] * M[x][b] * grid[a * 2 + b];
      EXPECT_NEAR(out(y * 3 + x, 0), v, 1e-6) << y << "," << x;
    }
  // Centre sample (t = 0.5 between the two taps of each axis) is the mean of the four values.
  EXPECT_NEAR(out(4, 0), (1 + 2 + 5 - 3) / 4.0, 1e-6);
}
