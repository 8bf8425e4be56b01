// The models that ship in resources/models: they open from a fresh clone, and the float16 ViT is
// faithful to the float32 checkpoint it was made from (scripts/make-builtin-models.py).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "core/pipeline/analyzer.h"
#include "core/pipeline/install_paths.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
namespace fs = std::filesystem;

namespace {

Analysis run_image(const Analyzer& a, const fs::path& image) {
  AnalysisRequest req;
  req.image = image;
  return a.run(req);
}

std::vector<fs::path> sample_photos() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(test::source_dir() / "samples" / "images"))
    if (e.path().extension() == ".png" || e.path().extension() == ".jpg") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(BuiltinModels, VitTinyClassifiesTheCatAsAnEgyptianCat) {
  const auto a = Analyzer::open("builtin:vit-tiny");
  EXPECT_EQ(a->info().num_layers, 12);
  const Analysis r = run_image(*a, test::source_dir() / "samples/images/chelsea.png");
  ASSERT_FALSE(r.predictions.empty());
  EXPECT_EQ(r.predictions[0].label, "Egyptian cat");
  EXPECT_GT(r.predictions[0].probability, 0.5f);
  EXPECT_EQ(r.seq_len(), 197);
}

TEST(BuiltinModels, Stories260KContinuesAStory) {
  const auto a = Analyzer::open("builtin:stories260K");
  AnalysisRequest req;
  req.text = "Once upon a time, there was a little";
  const Analysis r = a->run(req);
  ASSERT_FALSE(r.predictions.empty());
  // A trained model is sure of the next word here; random weights spread it over 512 tokens.
  EXPECT_GT(r.predictions[0].probability, 0.1f) << r.predictions[0].label;
  for (int l = 0; l < r.forward.attentions.num_layers; ++l)
    for (int h = 0; h < r.forward.attentions.num_heads; ++h) {
      const auto m = r.forward.attentions.head(l, h);
      for (int i = 0; i < m.rows(); ++i) {
        EXPECT_NEAR(m.row(i).sum(), 1.0, 1e-5);
        for (int j = i + 1; j < m.cols(); ++j) ASSERT_EQ(m(i, j), 0.0f);
      }
    }
}

// README (Models): the float16 copy must give the float32 model's top-1 class on every sample
// photo, with every attention weight within 1e-3.
TEST(BuiltinModels, Float16VitTinyMatchesTheFloat32Checkpoint) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto f16 = Analyzer::open("builtin:vit-tiny");
  const auto f32 = Analyzer::open(test::shared("models/vit-tiny-patch16-224"));
  double worst_attention = 0, worst_probability = 0;
  for (const fs::path& photo : sample_photos()) {
    const Analysis a = run_image(*f16, photo), b = run_image(*f32, photo);
    ASSERT_FALSE(a.predictions.empty());
    EXPECT_EQ(a.predictions[0].id, b.predictions[0].id) << photo << ": " << a.predictions[0].label << " vs " << b.predictions[0].label;
    ASSERT_EQ(a.forward.attentions.data.size(), b.forward.attentions.data.size());
    double d = 0;
    for (size_t i = 0; i < a.forward.attentions.data.size(); ++i)
      d = std::max(d, static_cast<double>(std::fabs(a.forward.attentions.data[i] - b.forward.attentions.data[i])));
    EXPECT_LE(d, 1e-3) << photo;
    const double dp = std::fabs(a.predictions[0].probability - b.predictions[0].probability);
    std::printf("  %s: top-1 %s (f32 %.4f, f16 %.4f), max |attention f16 - f32| %.2e\n", photo.filename().c_str(),
                b.predictions[0].label.c_str(), b.predictions[0].probability, a.predictions[0].probability, d);
    worst_attention = std::max(worst_attention, d);
    worst_probability = std::max(worst_probability, dp);
  }
  std::printf("  worst: attention %.2e, top-1 probability %.2e\n", worst_attention, worst_probability);
}
