// The logit lens: after the last layer it is the model's own prediction; after the others it
// equals a reference written here from the checkpoint's final norm and embedding matrix.
#include <cmath>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/memory_budget.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

Analysis run_with_hidden(const Analyzer& analyzer, const std::string& text) {
  AnalysisRequest req;
  req.text = text;
  req.forward.hidden_states = true;
  req.forward.logits = LogitsMode::All;
  return analyzer.run(req);
}

// The top 5 of softmax(norm(h) E^T) in double: LayerNorm (GPT-2) or RMSNorm (Llama).
std::vector<std::pair<int64_t, double>> reference_top5(const float* h, int64_t D, const Tensor& embed, const Tensor& w, const Tensor* b,
                                                       double eps) {
  std::vector<double> x(h, h + D);
  if (b) {
    double mean = 0, var = 0;
    for (double v : x) mean += v;
    mean /= double(D);
    for (double v : x) var += (v - mean) * (v - mean);
    var /= double(D);
    for (int64_t i = 0; i < D; ++i) x[size_t(i)] = (x[size_t(i)] - mean) / std::sqrt(var + eps) * w.data[size_t(i)] + b->data[size_t(i)];
  } else {
    double ms = 0;
    for (double v : x) ms += v * v;
    ms /= double(D);
    for (int64_t i = 0; i < D; ++i) x[size_t(i)] = x[size_t(i)] / std::sqrt(ms + eps) * w.data[size_t(i)];
  }
  const int64_t V = embed.shape[0];
  std::vector<double> z(static_cast<size_t>(V));
  double m = -1e300;
  for (int64_t v = 0; v < V; ++v) {
    double s = 0;
    for (int64_t i = 0; i < D; ++i) s += x[size_t(i)] * embed.data[size_t(v * D + i)];
    z[size_t(v)] = s;
    m = std::max(m, s);
  }
  double sum = 0;
  for (double s : z) sum += std::exp(s - m);
  std::vector<std::pair<int64_t, double>> all;
  for (int64_t v = 0; v < V; ++v) all.push_back({v, std::exp(z[size_t(v)] - m) / sum});
  std::partial_sort(all.begin(), all.begin() + 5, all.end(), [](auto& a, auto& c) { return a.second > c.second; });
  all.resize(5);
  return all;
}

void check_against_reference(const std::string& model, const std::string& embed_name, const std::string& norm, const std::string& bias,
                             double eps) {
  SCOPED_TRACE(model);
  const auto dir = shared("models/" + model);
  auto analyzer = Analyzer::open(dir);
  const Analysis a = run_with_hidden(*analyzer, "The quick brown fox jumps over the lazy dog.");
  const LogitLens lens = analyzer->logit_lens(a, 5);
  const SafetensorsFile f((dir / "model.safetensors").string());
  const Tensor embed = f.tensor(embed_name), w = f.tensor(norm);
  const Tensor b = bias.empty() ? Tensor() : f.tensor(bias);
  const Tensor& hs = a.forward.hidden_states;
  const int64_t D = hs.shape[2];
  ASSERT_EQ(lens.layers.size(), size_t(hs.shape[0]));
  for (size_t l = 0; l < lens.layers.size(); ++l)
    for (int p : {0, lens.positions / 2, lens.positions - 1}) {
      const auto want = reference_top5(hs.data.data() + (l * size_t(lens.positions) + size_t(p)) * size_t(D), D, embed, w,
                                       bias.empty() ? nullptr : &b, eps);
      for (int r = 0; r < 5; ++r) {
        EXPECT_EQ(lens.at(l, p, r).id, want[size_t(r)].first) << "layer " << lens.layers[l] << " position " << p << " rank " << r;
        EXPECT_NEAR(lens.at(l, p, r).probability, want[size_t(r)].second, 1e-5) << "layer " << lens.layers[l] << " position " << p;
      }
    }
}

}  // namespace

TEST(LogitLens, AfterTheLastLayerItIsTheModelsPrediction) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const std::string name : {"stories260K", "gpt2-random", "llama3-random", "gemma2-random", "qwen3-random", "phi3-random"}) {
    SCOPED_TRACE(name);
    auto analyzer = Analyzer::open(name == "stories260K" ? test::builtin_model(name) : shared("models/" + name));
    const Analysis a = run_with_hidden(*analyzer, "Once upon a time, there was a [MASK] girl named Lily.");
    const LogitLens lens = analyzer->logit_lens(a, 5);
    ASSERT_EQ(lens.layers.front(), -1);
    ASSERT_EQ(lens.layers.back(), a.model.num_layers - 1);
    ASSERT_EQ(lens.positions, a.seq_len());
    const int64_t V = a.forward.logits.shape[1];
    for (int p = 0; p < a.seq_len(); ++p) {
      const std::vector<Prediction> want = top_k(a.forward.logits.data.data() + size_t(p) * size_t(V), V, 5);
      for (int r = 0; r < 5; ++r) {
        EXPECT_EQ(lens.at(lens.layers.size() - 1, p, r).id, want[size_t(r)].id) << "position " << p << " rank " << r;
        EXPECT_NEAR(lens.at(lens.layers.size() - 1, p, r).probability, want[size_t(r)].probability, 1e-5);
      }
    }
  }
}

TEST(LogitLens, EveryLayerEqualsTheReferenceOfTheFinalNormAndEmbeddings) {
  ATTNSCOPE_REQUIRE_SHARED();
  check_against_reference("gpt2-random", "transformer.wte.weight", "transformer.ln_f.weight", "transformer.ln_f.bias", 1e-5);
  check_against_reference("llama3-random", "model.embed_tokens.weight", "model.norm.weight", "", 1e-5);
}

TEST(LogitLens, SaysWhyItCannot) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto gpt2 = Analyzer::open(shared("models/gpt2-random"));
  AnalysisRequest req;
  req.text = "no hidden states kept";
  EXPECT_THROW(gpt2->logit_lens(gpt2->run(req), 5), Error);
  auto t5 = Analyzer::open(shared("models/t5-random"));
  req.target = "x";
  req.forward.hidden_states = true;
  EXPECT_THROW(t5->logit_lens(t5->run(req), 5), Error);
}

TEST(LogitLens, ARunKeepsTheStreamWhenItIsCheapAndFitsTheBudget) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/stories260K"));
  AnalysisRequest req;
  req.text = "Once upon a time there was a little girl";
  req.stream_if_cheap = true;
  const Analysis a = analyzer->run(req);
  const int L = a.model.num_layers, S = a.seq_len(), D = a.model.hidden_size;
  ASSERT_EQ(a.forward.hidden_states.shape, (Shape{L + 1, S, D}));  // a few kB: kept, so the lens works
  EXPECT_EQ(analyzer->logit_lens(a, 3).layers.size(), size_t(L + 1));

  // A budget that holds the run but not the stream as well: the run goes ahead without it.
  const uint64_t without = estimate_run_memory(a.model, S, req.forward).total();
  ForwardOptions with = req.forward;
  with.hidden_states = true;
  ASSERT_GT(estimate_run_memory(a.model, S, with).total(), without);
  req.memory_budget = without;
  const Analysis tight = analyzer->run(req);
  EXPECT_FALSE(tight.cancelled);
  EXPECT_TRUE(tight.forward.hidden_states.data.empty());
  EXPECT_THROW(analyzer->logit_lens(tight, 3), Error);
}
