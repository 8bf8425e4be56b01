// stories260K (real pretrained Llama) against the PyTorch reference goldens.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/pipeline/analyzer.h"
#include "tests/support/golden.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {

struct LlamaGolden : ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(LlamaGolden, MatchesReferenceThroughTheAnalyzer) {
  ATTNSCOPE_REQUIRE_SHARED();
  SafetensorsFile g(shared(std::string("golden/stories260K/") + GetParam() + ".safetensors").string());
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  AnalysisRequest req;
  req.text = g.metadata().at("text");
  req.forward.hidden_states = true;
  const Analysis a = analyzer->run(req);

  EXPECT_EQ(a.encoding.ids(), g.ints("input_ids"));
  EXPECT_LE(test::max_abs_diff(a.forward.attentions.data, a.forward.attentions.shape(), g.tensor("attentions"), "attentions"), 1e-5);
  EXPECT_LE(test::max_abs_diff(a.forward.hidden_states, g.tensor("hidden_states"), "hidden_states"), 1e-4);
  EXPECT_LE(test::max_abs_diff(a.forward.last_hidden_state, g.tensor("last_hidden_state"), "last_hidden_state"), 1e-4);
  EXPECT_LE(test::max_abs_diff(a.forward.logits, g.tensor("logits"), "logits"), 1e-4);

  EXPECT_LE(test::worst_row_sum_error(a.forward.attentions), 1e-5);
  EXPECT_EQ(test::max_upper_triangle(a.forward.attentions), 0.0f);
}

INSTANTIATE_TEST_SUITE_P(Stories260K, LlamaGolden, ::testing::Values("01_cat_mat", "02_attention", "03_long"));

TEST(Llama, NextTokenPredictionMatchesGoldenArgmax) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  AnalysisRequest req;
  req.text = "the cat sat on the mat.";
  const Analysis a = analyzer->run(req);
  ASSERT_FALSE(a.predictions.empty());
  EXPECT_EQ(a.predictions[0].id, 291);  // '▁The' (golden README)
  EXPECT_EQ(a.predictions[0].label, " The");
  EXPECT_GT(a.predictions[0].probability, a.predictions[1].probability);
}

TEST(Llama, CapturesOnlyChosenLayersWithTheSameValues) {
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  AnalysisRequest req;
  req.text = "Attention is all you need.";
  const Analysis full = analyzer->run(req);
  req.forward.layers = {1, 3};
  const Analysis some = analyzer->run(req);
  ASSERT_EQ(some.forward.attentions.layers, (std::vector<int>{1, 3}));
  EXPECT_EQ(some.forward.attentions.data.size(), full.forward.attentions.data.size() * 2 / 5);
  for (int layer : {1, 3})
    for (int h = 0; h < 8; ++h)
      EXPECT_EQ(some.forward.attentions.head(layer, h), full.forward.attentions.head(layer, h));
  EXPECT_THROW(some.forward.attentions.head(0, 0), Error);
}

TEST(Llama, CancelledRunReturnsCancelledStatusAndNoData) {
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  AnalysisRequest req;
  req.text = "the cat sat on the mat.";
  int calls = 0;
  const Analysis a = analyzer->run(req, [&](const Progress& p) {
    ++calls;
    EXPECT_EQ(p.total, 5);
    return p.done < 2;  // stop after the second layer
  });
  EXPECT_TRUE(a.cancelled);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(a.forward.attentions.data.empty());
  EXPECT_TRUE(a.forward.logits.empty());
}

TEST(Llama, ProgressIsReportedOncePerLayer) {
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  AnalysisRequest req;
  req.text = "hello";
  std::vector<int> done;
  const Analysis a = analyzer->run(req, [&](const Progress& p) {
    done.push_back(p.done);
    return true;
  });
  EXPECT_FALSE(a.cancelled);
  EXPECT_EQ(done, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(Llama, TruncatesLongInputWithWarning) {
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  AnalysisRequest req;
  for (int i = 0; i < 400; ++i) req.text += "the cat sat on the mat. ";
  const Analysis a = analyzer->run(req);
  EXPECT_EQ(a.seq_len(), 512);
  ASSERT_FALSE(a.warnings.empty());
  EXPECT_NE(a.warnings[0].find("input truncated"), std::string::npos) << a.warnings[0];
  EXPECT_NE(a.warnings[0].find("to 512 tokens"), std::string::npos);
  EXPECT_EQ(test::max_upper_triangle(a.forward.attentions), 0.0f);
}

TEST(Llama, RejectsEmptyAndInvalidText) {
  auto analyzer = Analyzer::open(builtin_model("stories260K"));
  auto input_error = [&](const std::string& text) -> std::string {
    AnalysisRequest req;
    req.text = text;
    try {
      analyzer->run(req);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input);
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_EQ(input_error(""), "the input text is empty");
  EXPECT_EQ(input_error(" \n\t "), "the input text contains only whitespace");
  EXPECT_EQ(input_error("ab\xff"), "the input text is not valid UTF-8 (byte 0xFF at offset 2)");
}
