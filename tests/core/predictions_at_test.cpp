// Predictions at any position, read after the run through the LM head (Model::unembed): the same
// as the logits a run that kept every position computed. (Masked-LM heads: encoder_models_test
// checks unembed against a naive loop.)
#include <cmath>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/pipeline/analyzer.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

void check_model(const std::string& name, const std::string& text) {
  SCOPED_TRACE(name);
  auto analyzer = Analyzer::open(name == "stories260K" ? test::builtin_model(name) : shared("models/" + name));
  AnalysisRequest all;
  all.text = text;
  all.forward.logits = LogitsMode::All;
  const Analysis a = analyzer->run(all);
  AnalysisRequest last = all;
  last.forward.logits = LogitsMode::Last;  // what the GUI keeps
  const Analysis b = analyzer->run(last);
  const int S = a.seq_len();
  ASSERT_EQ(a.forward.logits.shape, (std::vector<int64_t>{S, a.model.vocab_size}));
  const int64_t V = a.forward.logits.shape[1];
  for (int p : {0, S / 2, S - 1}) {
    // The head on the stored hidden state gives the run's logits.
    const RowMatrix z = analyzer->model().unembed(RowMatrix(a.forward.last_hidden_state.matrix().row(p)));
    ASSERT_EQ(z.cols(), V);
    const float* want = a.forward.logits.data.data() + static_cast<size_t>(p) * static_cast<size_t>(V);
    float scale = 0, diff = 0;
    for (int64_t v = 0; v < V; ++v) scale = std::max(scale, std::abs(want[v])), diff = std::max(diff, std::abs(z(0, v) - want[v]));
    EXPECT_LE(diff, 1e-5f * std::max(scale, 1.0f)) << "position " << p;
    // After a run that kept only the last logits, any position's top 5 is the full run's.
    const std::vector<Prediction> expected = top_k(want, V, 5);
    const std::vector<Prediction> got = analyzer->predictions_at(b, p, 5);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].id, expected[i].id) << "position " << p << " rank " << i;
      EXPECT_NEAR(got[i].probability, expected[i].probability, 1e-6);
      EXPECT_FALSE(got[i].label.empty());
    }
  }
  // The last position's are the run's own predictions.
  const std::vector<Prediction> at_last = analyzer->predictions_at(b, S - 1, static_cast<int>(b.predictions.size()));
  for (size_t i = 0; i < at_last.size(); ++i) EXPECT_EQ(at_last[i].id, b.predictions[i].id);
  EXPECT_THROW(analyzer->predictions_at(b, S, 5), Error);
}

}  // namespace

TEST(PredictionsAt, CausalLanguageModels) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* m : {"stories260K", "gpt2-random", "llama3-random", "gemma2-random", "qwen3-random"})
    check_model(m, "Once upon a time there was a little girl");
}

TEST(PredictionsAt, RefusedForClassifiers) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/bert-random"));  // a sequence classifier
  AnalysisRequest req;
  req.text = "the cat sat on the mat";
  const Analysis a = analyzer->run(req);
  EXPECT_THROW(analyzer->predictions_at(a, 2, 5), Error);
}

TEST(PredictionsAt, RefusedWithoutALanguageModelHead) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(test::builtin_model("vit-tiny"));
  EXPECT_THROW(analyzer->model().unembed(RowMatrix::Zero(1, analyzer->info().hidden_size)), Error);
}
