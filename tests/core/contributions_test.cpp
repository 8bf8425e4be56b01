// ALTI contributions (core/analysis/contributions.h) against a naive reference written here in
// double: the values and the stream the run captured, W_O, b_O and the post-attention LayerNorm
// read straight from the checkpoint by their Hugging Face names.
#include <cmath>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/derived_maps.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::layer_tensor;
using attnscope::test::linear_in_out;
using attnscope::test::shared;

namespace {

using Vec = std::vector<double>;

struct Case {
  std::string model;
  std::string prefix;       // the text just before the layer number
  std::string w_o;          // W_O's name after the layer number
  bool conv1d = false;      // GPT-2 stores [in, out]
  std::string post_norm;    // post-LN encoders: the LayerNorm's weight after the layer number
  std::string b_o;          // and the output projection's bias
  double eps = 0;
  bool layer_scale = false;  // DINOv2: ".layer_scale1.lambda1" multiplies the block's output
};

Analysis run(Analyzer& analyzer) {
  AnalysisRequest req;
  if (analyzer.info().modality == Modality::Image) req.image = shared("samples/images/coffee.png");
  else req.text = "The quick brown fox jumps over the lazy dog.";
  if (analyzer.info().encoder_decoder) req.target = "x";
  req.forward.taps.push_back(value_norm_taps({}));
  req.forward.hidden_states = true;
  return analyzer.run(req);
}

// c_ij of one layer by the definition, in double.
std::vector<Vec> reference(const Analysis& a, const SafetensorsFile& file, const Case& c, int l) {
  const AttentionMaps& att = a.forward.attentions;
  const int H = att.num_heads, S = att.seq_len, Hkv = a.model.num_kv_heads > 0 ? a.model.num_kv_heads : H;
  auto wo = linear_in_out(layer_tensor(file, c.prefix, l, c.w_o), c.conv1d);  // [H d][D]
  const int d = static_cast<int>(wo.size()) / H, D = static_cast<int>(wo[0].size());
  Vec scale(size_t(D), 1.0);
  if (c.layer_scale) {
    const Tensor lambda = layer_tensor(file, c.prefix, l, ".layer_scale1.lambda1");
    for (int e = 0; e < D; ++e) scale[size_t(e)] = lambda.data.at(size_t(e));
  }
  const Tensor* v = a.forward.find_tapped(Tap::V, l);
  EXPECT_NE(v, nullptr);
  // f[h][j][e] = (v_j^(kv head of h) W_O^h)[e], times the layer scale.
  std::vector<std::vector<Vec>> f(size_t(H), std::vector<Vec>(size_t(S), Vec(size_t(D), 0.0)));
  for (int h = 0; h < H; ++h)
    for (int j = 0; j < S; ++j)
      for (int e = 0; e < D; ++e) {
        double s = 0;
        for (int t = 0; t < d; ++t) s += double(v->data[size_t(j) * size_t(Hkv * d) + size_t((h / (H / Hkv)) * d + t)]) * wo[size_t(h * d + t)][size_t(e)];
        f[size_t(h)][size_t(j)][size_t(e)] = s * scale[size_t(e)];
      }
  Tensor gamma, b_o;
  if (!c.post_norm.empty()) {
    gamma = layer_tensor(file, c.prefix, l, c.post_norm);
    b_o = layer_tensor(file, c.prefix, l, c.b_o);
  }
  const float* x = a.forward.hidden_states.data.data() + size_t(l) * S * D;  // the stream entering layer l
  std::vector<Vec> out(size_t(S), Vec(size_t(S), 0.0));
  for (int i = 0; i < S; ++i) {
    std::vector<Vec> part(size_t(S), Vec(size_t(D), 0.0));
    RowMatrix scratch;
    for (int h = 0; h < H; ++h) {
      const ConstMatrixMap alpha = att.head_f32(l, h, scratch);
      for (int j = 0; j < S; ++j)
        for (int e = 0; e < D; ++e) part[size_t(j)][size_t(e)] += alpha(i, j) * f[size_t(h)][size_t(j)][size_t(e)];
    }
    for (int e = 0; e < D; ++e) part[size_t(i)][size_t(e)] += x[size_t(i) * D + size_t(e)];
    if (!c.post_norm.empty()) {
      Vec u(size_t(D), 0.0);
      for (int j = 0; j < S; ++j)
        for (int e = 0; e < D; ++e) u[size_t(e)] += part[size_t(j)][size_t(e)];
      double mean = 0, var = 0;
      for (int e = 0; e < D; ++e) mean += (u[size_t(e)] += b_o.data[size_t(e)]) / D;
      for (int e = 0; e < D; ++e) var += (u[size_t(e)] - mean) * (u[size_t(e)] - mean) / D;
      const double sigma = std::sqrt(var + c.eps);
      for (auto& p : part) {
        double m = 0;
        for (double q : p) m += q / D;
        for (int e = 0; e < D; ++e) p[size_t(e)] = gamma.data[size_t(e)] * (p[size_t(e)] - m) / sigma;
      }
    }
    Vec y(size_t(D), 0.0);
    for (const auto& p : part)
      for (int e = 0; e < D; ++e) y[size_t(e)] += p[size_t(e)];
    double y1 = 0, total = 0;
    for (double q : y) y1 += std::abs(q);
    for (int j = 0; j < S; ++j) {
      double dist = 0;
      for (int e = 0; e < D; ++e) dist += std::abs(y[size_t(e)] - part[size_t(j)][size_t(e)]);
      total += out[size_t(i)][size_t(j)] = std::max(0.0, y1 - dist);
    }
    for (double& q : out[size_t(i)]) q /= total;
  }
  return out;
}

void check(const Case& c) {
  SCOPED_TRACE(c.model);
  const auto dir = shared("models/" + c.model);
  auto analyzer = Analyzer::open(dir);
  const Analysis a = run(*analyzer);
  const ContributionMaps maps = contribution_maps(a, analyzer->model());
  const int L = a.model.num_layers, S = a.seq_len();
  ASSERT_EQ(static_cast<int>(maps.layers.size()), L);
  const SafetensorsFile file((dir / "model.safetensors").string());
  std::vector<Vec> aggregated;
  for (int l = 0; l < L; ++l) {
    SCOPED_TRACE("layer " + std::to_string(l));
    const auto want = reference(a, file, c, l);
    const ConstMatrixMap got = maps.map(l, false), agg = maps.map(l, true);
    if (aggregated.empty()) {
      aggregated = want;
    } else {  // R_l = C_l R_(l-1)
      std::vector<Vec> next(size_t(S), Vec(size_t(S), 0.0));
      for (int i = 0; i < S; ++i)
        for (int k = 0; k < S; ++k)
          for (int j = 0; j < S; ++j) next[size_t(i)][size_t(j)] += want[size_t(i)][size_t(k)] * aggregated[size_t(k)][size_t(j)];
      aggregated = next;
    }
    double err = 0, agg_err = 0;
    for (int i = 0; i < S; ++i) {
      EXPECT_NEAR(got.row(i).sum(), 1.0, 1e-5) << "row " << i;
      EXPECT_NEAR(agg.row(i).sum(), 1.0, 1e-5) << "row " << i;
      for (int j = 0; j < S; ++j) {
        EXPECT_GE(got(i, j), 0.0f);
        if (a.model.causal && j > i) {
          EXPECT_EQ(got(i, j), 0.0f) << i << "," << j;
          EXPECT_EQ(agg(i, j), 0.0f) << i << "," << j;
        }
        err = std::max(err, std::abs(got(i, j) - want[size_t(i)][size_t(j)]));
        agg_err = std::max(agg_err, std::abs(agg(i, j) - aggregated[size_t(i)][size_t(j)]));
      }
    }
    EXPECT_LE(err, 1e-5);
    EXPECT_LE(agg_err, 1e-5);
  }
}

}  // namespace

TEST(Contributions, EqualTheNaiveReferenceOnPostLnEncoders) {
  ATTNSCOPE_REQUIRE_SHARED();
  check({"bert-random", "layer.", ".attention.output.dense.weight", false, ".attention.output.LayerNorm.weight", ".attention.output.dense.bias", 1e-12, false});
  check({"distilbert-random", "layer.", ".attention.out_lin.weight", false, ".sa_layer_norm.weight", ".attention.out_lin.bias", 1e-12, false});
}

TEST(Contributions, EqualTheNaiveReferenceOnPreLnModels) {
  ATTNSCOPE_REQUIRE_SHARED();
  check({"gpt2-random", "h.", ".attn.c_proj.weight", true, "", "", 0, false});
  check({"qwen2-random", "layers.", ".self_attn.o_proj.weight", false, "", "", 0, false});  // grouped-query attention, value biases
  check({"t5-random", "encoder.block.", ".layer.0.SelfAttention.o.weight", false, "", "", 0, false});
  check({"dinov2-random", "layer.", ".attention.output.dense.weight", false, "", "", 0, true});
}

TEST(Contributions, SayWhyTheyNeedTheStreamAndEveryLayer) {
  ATTNSCOPE_REQUIRE_SHARED();
  // contribution_maps() of `a` on `model` throws an Error that says `why`.
  const auto refused = [](const Analysis& a, const Model& model, const std::string& why) {
    EXPECT_THROW(
        try { contribution_maps(a, model); } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
          throw;
        },
        Error);
  };
  auto analyzer = Analyzer::open(shared("models/gpt2-random"));
  AnalysisRequest req;
  req.text = "Hello there";
  req.forward.taps.push_back(value_norm_taps({}));
  refused(analyzer->run(req), analyzer->model(), "hidden states");
  req.forward.hidden_states = true;
  req.forward.layers = {1};
  refused(analyzer->run(req), analyzer->model(), "layer 0 was not captured");
  auto gemma = Analyzer::open(shared("models/gemma2-random"));
  req.forward.layers.clear();
  refused(gemma->run(req), gemma->model(), "post_attention_layernorm");
}
