// Head ablation against the from-scratch PyTorch references (tests/reference/ablation_reference.py),
// which zero the head's rows of W_O in the checkpoint's weights instead of its context.
#include <cmath>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/pipeline/head_ablation.h"
#include "tests/support/python.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

void check_against_torch(const std::string& model, const std::string& family) {
  SCOPED_TRACE(model);
  const auto dir = model == "stories260K" ? test::builtin_model(model) : shared("models/" + model);
  auto analyzer = Analyzer::open(dir);
  AnalysisRequest req;
  req.text = "Once upon a time, there was a little girl named";
  const HeadAblationResult r = head_ablation(*analyzer, req, {});
  ASSERT_FALSE(r.cancelled);
  std::string ids;
  for (int64_t id : analyzer->run(req).encoding.ids()) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  const auto p = test::run_process("/usr/bin/python3", {ATTNSCOPE_SOURCE_DIR "/tests/reference/ablation_reference.py", shared("").string(),
                                                        family, dir.string(), ids, std::to_string(r.target)});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto want = nlohmann::json::parse(p.out);
  EXPECT_NEAR(r.logit, want["logit"].get<double>(), 1e-4);
  EXPECT_NEAR(r.probability, want["probability"].get<double>(), 1e-5);
  ASSERT_EQ(r.layers.size(), want["logit_change"].size());
  double largest = 0;
  for (size_t l = 0; l < r.layers.size(); ++l)
    for (int h = 0; h < r.num_heads; ++h) {
      const size_t k = l * size_t(r.num_heads) + size_t(h);
      const double dl = want["logit_change"][l][size_t(h)].get<double>(), dp = want["probability_change"][l][size_t(h)].get<double>();
      EXPECT_NEAR(r.logit_change.data[k], dl, 1e-4) << "layer " << l << " head " << h;
      EXPECT_NEAR(r.probability_change.data[k], dp, 1e-5) << "layer " << l << " head " << h;
      largest = std::max(largest, std::abs(dl));
    }
  EXPECT_GT(largest, 1e-2) << "no head changes the prediction: the comparison checks nothing";
}

}  // namespace

TEST(HeadAblation, ZeroingAHeadEqualsZeroingItsRowsOfTheOutputProjectionInTorch) {
  ATTNSCOPE_REQUIRE_SHARED();
  REQUIRE_PYTHON("numpy, torch");
  check_against_torch("stories260K", "llama");  // grouped-query attention
  check_against_torch("gpt2-random", "gpt2");
}

TEST(HeadAblation, MeanAblationOfOnePositionChangesNothing) {
  ATTNSCOPE_REQUIRE_SHARED();
  // With one position a head's mean over positions is its output: the prediction stays.
  auto analyzer = Analyzer::open(shared("models/gpt2-random"));
  AnalysisRequest req;
  req.text = "Hello";
  HeadAblationOptions o;
  o.mean = true;
  const HeadAblationResult r = head_ablation(*analyzer, req, o);
  ASSERT_EQ(r.position, 0);
  for (float d : r.logit_change.data) EXPECT_EQ(d, 0.0f);
  o.mean = false;  // while zeroing does change it
  const HeadAblationResult z = head_ablation(*analyzer, req, o);
  float moved = 0;
  for (float d : z.logit_change.data) moved = std::max(moved, std::abs(d));
  EXPECT_GT(moved, 0.0f);
}

TEST(HeadAblation, ClassifiersFollowAClassAndBackbonesSayWhyNot) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto bert = Analyzer::open(shared("models/bert-random"));
  AnalysisRequest req;
  req.text = "a fine film";
  HeadAblationOptions o;
  o.target = 1;
  o.layers = {1};
  const HeadAblationResult r = head_ablation(*bert, req, o);
  EXPECT_EQ(r.target, 1);
  EXPECT_EQ(r.layers, std::vector<int>{1});
  EXPECT_EQ(r.logit_change.shape, (std::vector<int64_t>{1, bert->info().num_heads}));
  EXPECT_EQ(r.position, -1);
  o.target = 99;
  EXPECT_THROW(head_ablation(*bert, req, o), Error);
  o.target.reset();
  o.layers = {7};
  EXPECT_THROW(head_ablation(*bert, req, o), Error);

  auto dino = Analyzer::open(shared("models/dinov2-random"));
  AnalysisRequest image;
  image.image = shared("samples/images/coffee.png");
  EXPECT_THROW(head_ablation(*dino, image, {}), Error);
}
