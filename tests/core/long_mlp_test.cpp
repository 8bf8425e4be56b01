// The decoders' feed-forward on inputs longer than one row chunk (1,024 rows): each row's output
// against the gated MLP computed in the test, in double, from the checkpoint's own matrices, on
// rows either side of the chunk boundaries.
#include <cmath>

#include <gtest/gtest.h>

#include "core/pipeline/analyzer.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::layer_tensor;
using attnscope::test::shared;

TEST(LongMlp, RowChunksGiveEachRowItsOwnFeedForward) {
  ATTNSCOPE_REQUIRE_SHARED();
  struct Case {
    const char* model;
    bool fused;  // Phi-3: gate_up_proj, gate rows first
  };
  for (const Case c : {Case{"phi3-random", true}, Case{"qwen2-random", false}}) {
    SCOPED_TRACE(c.model);
    const auto analyzer = Analyzer::open(shared(std::string("models/") + c.model));
    AnalysisRequest req;
    for (int i = 0; i < 100; ++i) req.text += "Once upon a time there was a little girl named Lily who loved the park. ";
    req.max_tokens = 2100;
    req.forward.layers = {0};
    req.forward.logits = LogitsMode::Last;
    req.forward.taps = {TapRequest{Tap::MlpIn, {1}}, TapRequest{Tap::MlpOut, {1}}};
    const Analysis a = analyzer->run(req);
    const int S = a.seq_len();
    ASSERT_GE(S, 2048);  // two chunks or more (Qwen2's limit is 2048 tokens)
    const Tensor* in = a.forward.find_tapped(Tap::MlpIn, 1);
    const Tensor* out = a.forward.find_tapped(Tap::MlpOut, 1);
    ASSERT_TRUE(in && out);

    const SafetensorsFile file((shared(std::string("models/") + c.model) / "model.safetensors").string());
    const int D = analyzer->info().hidden_size, F = analyzer->info().intermediate_size;
    Tensor gate_up, gate, up;
    if (c.fused) {
      gate_up = layer_tensor(file, "layers.", 1, ".mlp.gate_up_proj.weight");  // [2F, D]
    } else {
      gate = layer_tensor(file, "layers.", 1, ".mlp.gate_proj.weight");  // [F, D]
      up = layer_tensor(file, "layers.", 1, ".mlp.up_proj.weight");
    }
    const Tensor down = layer_tensor(file, "layers.", 1, ".mlp.down_proj.weight");  // [D, F]
    auto g_at = [&](int f, int e) { return c.fused ? gate_up.data[size_t(f) * D + e] : gate.data[size_t(f) * D + e]; };
    auto u_at = [&](int f, int e) { return c.fused ? gate_up.data[size_t(F + f) * D + e] : up.data[size_t(f) * D + e]; };
    double worst = 0, scale = 0;
    for (int i : {0, 1023, 1024, 1025, 2047, S - 1}) {
      const float* x = in->data.data() + size_t(i) * D;
      std::vector<double> h(static_cast<size_t>(F));
      for (int f = 0; f < F; ++f) {
        double g = 0, u = 0;
        for (int e = 0; e < D; ++e) {
          g += double(g_at(f, e)) * x[e];
          u += double(u_at(f, e)) * x[e];
        }
        h[size_t(f)] = g / (1 + std::exp(-g)) * u;  // SiLU(gate) * up
      }
      for (int o = 0; o < D; ++o) {
        double y = 0;
        for (int f = 0; f < F; ++f) y += double(down.data[size_t(o) * F + f]) * h[size_t(f)];
        worst = std::max(worst, std::abs(y - out->data[size_t(i) * D + o]));
        scale = std::max(scale, std::abs(y));
      }
    }
    EXPECT_GT(scale, 0.0);
    EXPECT_LE(worst, 1e-4 * std::max(1.0, scale)) << "scale " << scale;
  }
}
