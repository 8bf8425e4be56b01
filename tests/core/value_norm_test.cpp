// Value-weighted attention norms (Kobayashi et al. 2020) against a naive reference written here:
// the values the run captured and W_O read straight from the checkpoint by its Hugging Face name.
#include <cmath>

#include <gtest/gtest.h>

#include "core/analysis/value_norm.h"
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/derived_maps.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;
using attnscope::test::layer_tensor;
using attnscope::test::linear_in_out;

namespace {

struct Case {
  std::string model;
  std::string suffix;   // W_O's name after the layer number: "<prefix>.<layer><suffix>"
  std::string prefix;   // the text just before the layer number
  bool conv1d = false;  // GPT-2 stores [in, out]; torch Linear [out, in]
  bool layer_scale = false;  // DINOv2
};

// W_O of `layer` as [H d, D], from the file, by the checkpoint's own name; DINOv2's layer scale
// multiplies what the block adds, so it is part of each head's output.
std::vector<std::vector<double>> output_weight(const SafetensorsFile& f, const Case& c, int layer) {
  auto m = linear_in_out(layer_tensor(f, c.prefix, layer, c.suffix), c.conv1d);
  if (c.layer_scale) {
    const Tensor lambda = layer_tensor(f, c.prefix, layer, ".layer_scale1.lambda1");
    for (auto& row : m)
      for (size_t o = 0; o < row.size(); ++o) row[o] *= lambda.data.at(o);
  }
  return m;
}

void check(const Case& c) {
  SCOPED_TRACE(c.model);
  const auto dir = shared("models/" + c.model);
  auto analyzer = Analyzer::open(dir);
  AnalysisRequest req;
  if (analyzer->info().modality == Modality::Image) req.image = shared("samples/images/coffee.png");
  else req.text = "The quick brown fox jumps over the lazy dog.";
  if (analyzer->info().encoder_decoder) req.target = "x";
  req.forward.taps.push_back(value_norm_taps({}));
  const Analysis a = analyzer->run(req);
  const auto maps = value_norm_maps(a, analyzer->model());
  ASSERT_EQ(maps.layers, a.forward.attentions.layers);
  const Tensor& heads = maps.heads;
  const Tensor& layer = maps.layer;
  const SafetensorsFile file((dir / "model.safetensors").string());
  const AttentionMaps& att = a.forward.attentions;
  const int H = att.num_heads, S = att.seq_len, Hkv = a.model.num_kv_heads > 0 ? a.model.num_kv_heads : H;
  for (int l = 0; l < a.model.num_layers; ++l) {
    SCOPED_TRACE("layer " + std::to_string(l));
    const auto wo = output_weight(file, c, l);
    ASSERT_FALSE(wo.empty());
    const int d = static_cast<int>(wo.size()) / H, D = static_cast<int>(wo[0].size());
    const Tensor* v = a.forward.find_tapped(Tap::V, l);
    ASSERT_NE(v, nullptr);
    // f[h][j] = v_j^(kv head of h) W_O^h, in double.
    std::vector<std::vector<std::vector<double>>> f(static_cast<size_t>(H), std::vector<std::vector<double>>(static_cast<size_t>(S), std::vector<double>(static_cast<size_t>(D))));
    for (int h = 0; h < H; ++h)
      for (int j = 0; j < S; ++j)
        for (int e = 0; e < D; ++e) {
          double s = 0;
          for (int t = 0; t < d; ++t) s += double(v->data[size_t(j) * size_t(Hkv * d) + size_t((h / (H / Hkv)) * d + t)]) * wo[size_t(h * d + t)][size_t(e)];
          f[size_t(h)][size_t(j)][size_t(e)] = s;
        }
    double scale = 0, head_err = 0, layer_err = 0;
    RowMatrix scratch;
    std::vector<RowMatrix> alpha;
    for (int h = 0; h < H; ++h) alpha.emplace_back(att.head_f32(l, h, scratch));
    for (int i = 0; i < S; ++i)
      for (int j = 0; j < S; ++j) {
        std::vector<double> sum(size_t(D), 0.0);
        for (int h = 0; h < H; ++h) {
          double norm = 0;
          for (int e = 0; e < D; ++e) {
            norm += f[size_t(h)][size_t(j)][size_t(e)] * f[size_t(h)][size_t(j)][size_t(e)];
            sum[size_t(e)] += alpha[size_t(h)](i, j) * f[size_t(h)][size_t(j)][size_t(e)];
          }
          const double want = alpha[size_t(h)](i, j) * std::sqrt(norm);
          scale = std::max(scale, want);
          head_err = std::max(head_err, std::abs(heads.data[((size_t(l) * H + h) * S + i) * S + j] - want));
        }
        double norm = 0;
        for (double x : sum) norm += x * x;
        const float got = layer.data[(size_t(l) * S + i) * S + j];
        layer_err = std::max(layer_err, std::abs(got - std::sqrt(norm)));
        if (a.model.causal && j > i) {
          EXPECT_EQ(got, 0.0f) << i << "," << j;
        }
      }
    ASSERT_GT(scale, 0);
    EXPECT_LE(head_err, 1e-5 * scale);
    EXPECT_LE(layer_err, 1e-5 * scale);
  }
}

}  // namespace

TEST(ValueNorm, EqualsTheNaiveReferenceOnEncoders) {
  ATTNSCOPE_REQUIRE_SHARED();
  check({"bert-random", ".attention.output.dense.weight", "layer."});
  check({"distilbert-random", ".attention.out_lin.weight", "layer."});
  check({"roberta-random", ".attention.output.dense.weight", "layer."});
}

TEST(ValueNorm, EqualsTheNaiveReferenceOnDecoders) {
  ATTNSCOPE_REQUIRE_SHARED();
  check({"gpt2-random", ".attn.c_proj.weight", "h.", true});
  check({"llama3-random", ".self_attn.o_proj.weight", "layers."});  // grouped-query attention
  check({"qwen2-random", ".self_attn.o_proj.weight", "layers."});   // value biases
  check({"phi3-random", ".self_attn.o_proj.weight", "layers."});    // fused qkv
  check({"t5-random", ".layer.0.SelfAttention.o.weight", "encoder.block."});
}

TEST(ValueNorm, EqualsTheNaiveReferenceOnVisionModels) {
  ATTNSCOPE_REQUIRE_SHARED();
  check({"vit-tiny-patch16-224", ".attention.output.dense.weight", "layer."});
  check({"dinov2-random", ".attention.output.dense.weight", "layer.", false, true});
}

TEST(ValueNorm, RolloutOfNormMapsIsTheProductOfTheirRowNormalisedResiduals) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/gpt2-random"));
  AnalysisRequest req;
  req.text = "The quick brown fox jumps over the lazy dog.";
  req.forward.taps.push_back(value_norm_taps({}));
  const Analysis a = analyzer->run(req);
  const ValueNormMaps n = value_norm_maps(a, analyzer->model());
  const RowMatrix r = value_norm_rollout(n, a.model.num_layers);
  const int S = a.seq_len();
  // Reference: R = A_{L-1} ... A_0, A = 0.5 N/rowsum(N) + 0.5 I, in double.
  Eigen::MatrixXd want = Eigen::MatrixXd::Identity(S, S);
  for (int l = 0; l < a.model.num_layers; ++l) {
    Eigen::MatrixXd A(S, S);
    const auto N = n.map(l, -1);
    for (int i = 0; i < S; ++i) {
      double sum = 0;
      for (int j = 0; j < S; ++j) sum += N(i, j);
      for (int j = 0; j < S; ++j) A(i, j) = 0.5 * N(i, j) / sum + (i == j ? 0.5 : 0.0);
    }
    want = A * want;
  }
  ASSERT_EQ(r.rows(), S);
  for (int i = 0; i < S; ++i) {
    EXPECT_NEAR(r.row(i).sum(), 1.0f, 1e-5f) << "row " << i;
    for (int j = 0; j < S; ++j) {
      EXPECT_NEAR(r(i, j), want(i, j), 1e-5) << i << "," << j;
      if (j > i) {
        EXPECT_EQ(r(i, j), 0.0f) << "causal: " << i << "," << j;
      }
    }
  }
}

TEST(ValueNorm, SaysWhyGemmaHasNone) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/gemma2-random"));
  AnalysisRequest req;
  req.text = "the cat";
  req.forward.taps.push_back(value_norm_taps({}));
  const Analysis a = analyzer->run(req);
  try {
    value_norm_maps(a, analyzer->model());
    FAIL() << "Gemma's normalised attention output is not a sum over heads";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("post_attention_layernorm"), std::string::npos) << e.what();
  }
}

TEST(ValueNorm, RefusesValuesOfTheWrongShape) {
  AttentionMaps att;
  att.allocate(1, 2, 3, {});
  const RowMatrix wo = RowMatrix::Ones(8, 5);  // 2 heads of 4
  EXPECT_THROW(value_norms(att, 0, Tensor({3, 6}), wo, 2), Error);
  EXPECT_THROW(value_norms(att, 1, Tensor({3, 8}), wo, 2), Error);
  EXPECT_NO_THROW(value_norms(att, 0, Tensor({3, 8}), wo, 2));
}
