// GPT-2 (random-weight checkpoint) against the PyTorch reference goldens, plus the options the
// goldens do not exercise checked against naive loops written here.
#include <cmath>
#include <iostream>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/models/model.h"
#include "tests/core/test_checkpoint.h"
#include "tests/support/golden.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

ForwardResult run(const Model& m, const ForwardInput& in, LogitsMode logits = LogitsMode::All) {
  ForwardOptions opt;
  opt.hidden_states = true;
  opt.logits = logits;
  return m.forward(in, opt);
}

SafetensorsFile golden(const std::string& name) {
  return SafetensorsFile(shared("golden/gpt2-random/" + name + ".safetensors").string());
}

// Attention probabilities [head][query][key] of GPT-2 layer `layer` from its input x [S, D] (the
// golden hidden_states[layer]), in double: ln_1, c_attn, causal softmax(q.k / divisor).
std::vector<double> naive_attention(const SafetensorsFile& w, int layer, const Tensor& hidden, int64_t index, double divisor) {
  const std::string p = "transformer.h." + std::to_string(layer) + ".";
  const Tensor ln_w = w.tensor(p + "ln_1.weight"), ln_b = w.tensor(p + "ln_1.bias");
  const Tensor cw = w.tensor(p + "attn.c_attn.weight"), cb = w.tensor(p + "attn.c_attn.bias");
  const int64_t S = hidden.dim(1), D = hidden.dim(2), H = 2, hd = D / H;
  const float* x = hidden.data.data() + index * S * D;
  std::vector<double> qkv(static_cast<size_t>(S * 3 * D));
  for (int64_t s = 0; s < S; ++s) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < D; ++i) mean += x[s * D + i];
    mean /= static_cast<double>(D);
    for (int64_t i = 0; i < D; ++i) var += (x[s * D + i] - mean) * (x[s * D + i] - mean);
    var /= static_cast<double>(D);
    std::vector<double> n(static_cast<size_t>(D));
    for (int64_t i = 0; i < D; ++i) n[i] = (x[s * D + i] - mean) / std::sqrt(var + 1e-5) * ln_w.data[i] + ln_b.data[i];
    for (int64_t o = 0; o < 3 * D; ++o) {
      double acc = cb.data[o];
      for (int64_t i = 0; i < D; ++i) acc += n[i] * cw.data[i * 3 * D + o];  // Conv1D: [in, out]
      qkv[s * 3 * D + o] = acc;
    }
  }
  std::vector<double> a(static_cast<size_t>(H * S * S), 0.0);
  for (int64_t h = 0; h < H; ++h)
    for (int64_t i = 0; i < S; ++i) {
      std::vector<double> e(static_cast<size_t>(i + 1));
      double m = -INFINITY, sum = 0;
      for (int64_t j = 0; j <= i; ++j) {
        double dot = 0;
        for (int64_t d = 0; d < hd; ++d) dot += qkv[i * 3 * D + h * hd + d] * qkv[j * 3 * D + D + h * hd + d];
        e[j] = dot / divisor;
        m = std::max(m, e[j]);
      }
      for (int64_t j = 0; j <= i; ++j) sum += (e[j] = std::exp(e[j] - m));
      for (int64_t j = 0; j <= i; ++j) a[(h * S + i) * S + j] = e[j] / sum;
    }
  return a;
}

double max_diff(const float* got, const std::vector<double>& want) {
  double worst = 0;
  for (size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
  return worst;
}

}  // namespace

TEST(Gpt2, MatchesGoldens) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/gpt2-random"));
  const auto files = test::golden_files("gpt2-random");
  ASSERT_EQ(files.size(), 3u);
  for (const auto& path : files) {
    const ForwardResult r = test::expect_matches_golden(*m, path);
    EXPECT_EQ(test::max_upper_triangle(r.attentions), 0.0f) << path.filename();
  }
}

TEST(Gpt2, ReportsModelInfo) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/gpt2-random"));
  const ModelInfo& i = m->info();
  EXPECT_EQ(i.model_type, "gpt2");
  EXPECT_EQ(i.architecture, "GPT2LMHeadModel");
  EXPECT_EQ(i.modality, Modality::Text);
  EXPECT_EQ(i.head, HeadKind::LanguageModel);
  EXPECT_TRUE(i.causal);
  EXPECT_EQ(i.num_layers, 2);
  EXPECT_EQ(i.num_heads, 2);
  EXPECT_EQ(i.num_kv_heads, 2);
  EXPECT_EQ(i.hidden_size, 128);
  EXPECT_EQ(i.head_dim, 64);
  EXPECT_EQ(i.intermediate_size, 512);  // n_inner null: 4 * n_embd
  EXPECT_EQ(i.vocab_size, 50257);
  EXPECT_FALSE(i.token_types);
  EXPECT_EQ(i.max_positions, 1024);
  EXPECT_TRUE(i.warnings.empty());
  test::expect_sizes_from_file(i, shared("models/gpt2-random"));
}

TEST(Gpt2, LastLogitsAreTheLastRowOfAll) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/gpt2-random"));
  const ForwardInput in = test::golden_input(golden("03_long"));
  const ForwardResult all = run(*m, in);
  const ForwardResult last = run(*m, in, LogitsMode::Last);
  const int64_t S = all.logits.dim(0), V = all.logits.dim(1);
  ASSERT_EQ(shape_to_string(last.logits.shape), "[1,50257]");
  double worst = 0;
  for (int64_t v = 0; v < V; ++v)
    worst = std::max(worst, static_cast<double>(std::abs(last.logits.data[v] - all.logits.data[(S - 1) * V + v])));
  EXPECT_LE(worst, 1e-5);
  EXPECT_TRUE(run(*m, in, LogitsMode::None).logits.empty());
}

TEST(Gpt2, CapturesChosenLayersReportsProgressAndCancels) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/gpt2-random"));
  const ForwardInput in = test::golden_input(golden("02_attention"));
  const ForwardResult full = run(*m, in);
  ForwardOptions opt;
  opt.layers = {0};
  std::vector<int> done;
  const ForwardResult some = m->forward(in, opt, [&](const Progress& p) {
    EXPECT_EQ(p.total, 2);
    done.push_back(p.done);
    return true;
  });
  EXPECT_EQ(done, (std::vector<int>{1, 2}));
  ASSERT_EQ(some.attentions.layers, (std::vector<int>{0}));
  EXPECT_EQ(some.attentions.data.size(), full.attentions.data.size() / 2);
  for (int h = 0; h < 2; ++h) EXPECT_EQ(some.attentions.head(0, h), full.attentions.head(0, h));
  EXPECT_THROW(some.attentions.head(1, 0), Error);

  const ForwardResult c = m->forward(in, {}, [](const Progress& p) { return p.done < 1; });
  EXPECT_TRUE(c.cancelled);
  EXPECT_TRUE(c.attentions.data.empty());
  EXPECT_TRUE(c.logits.empty());
  EXPECT_TRUE(c.last_hidden_state.empty());
}

// GPT2Model as saved from the base model: no "transformer." prefix, old attn.bias / masked_bias
// buffers present (ignored), no lm_head.
TEST(Gpt2, BaseModelWithoutPrefixHasNoLogits) {
  ATTNSCOPE_REQUIRE_SHARED();
  test::CheckpointBuilder b(shared("models/gpt2-random"), [](const std::string& name) { return name.substr(12); });
  for (int il = 0; il < 2; ++il) {
    b.add_random("h." + std::to_string(il) + ".attn.bias", {1, 1, 8, 8}, 0.0f, 1.0f);
    b.add_random("h." + std::to_string(il) + ".attn.masked_bias", {}, -1e4f, 1.0f);
  }
  b.config["architectures"] = {"GPT2Model"};
  const auto dir = test::scratch_dir("gpt2-base");
  b.write(dir);
  auto m = load_model(dir);
  EXPECT_EQ(m->info().head, HeadKind::None);
  SafetensorsFile g = golden("01_cat_mat");
  const ForwardResult r = run(*m, test::golden_input(g));
  EXPECT_TRUE(r.logits.empty());
  EXPECT_LE(test::max_abs_diff(r.attentions.data, r.attentions.shape(), g.tensor("attentions"), "attentions"), 1e-5);
  EXPECT_LE(test::max_abs_diff(r.last_hidden_state, g.tensor("last_hidden_state"), "last_hidden_state"), 1e-4);
}

TEST(Gpt2, UntiedLmHeadMatchesANaiveLoop) {
  ATTNSCOPE_REQUIRE_SHARED();
  test::CheckpointBuilder b(shared("models/gpt2-random"));
  const Tensor& head = b.add_random("lm_head.weight", {50257, 128}, 0.0f, 0.2f);
  b.config["tie_word_embeddings"] = false;
  const auto dir = test::scratch_dir("gpt2-untied");
  b.write(dir);
  auto m = load_model(dir);
  SafetensorsFile g = golden("01_cat_mat");
  const ForwardResult r = run(*m, test::golden_input(g));
  const Tensor x = g.tensor("last_hidden_state");
  const int64_t S = x.dim(0), D = x.dim(1), V = head.dim(0);
  ASSERT_EQ(shape_to_string(r.logits.shape), shape_to_string({S, V}));
  double worst = 0, largest = 0;
  for (int64_t s = 0; s < S; ++s)
    for (int64_t v = 0; v < V; ++v) {
      double want = 0;
      for (int64_t d = 0; d < D; ++d) want += static_cast<double>(x.data[s * D + d]) * head.data[v * D + d];
      worst = std::max(worst, std::abs(r.logits.data[s * V + v] - want));
      largest = std::max(largest, std::abs(want));
    }
  EXPECT_LE(worst, 1e-4);
  EXPECT_GT(largest, 1.0);
  // And not the tied head by accident.
  EXPECT_GT(test::max_abs_diff(r.logits, g.tensor("logits"), "logits"), 0.1);
  std::cout << "  untied lm_head: logits [" << S << ", " << V << "], max |diff| vs naive loop " << worst << "\n";
}

// scale_attn_by_inverse_layer_idx divides layer i's scores by i + 1 as well: layer 1's attention
// against a naive computation from the golden input of layer 1 (unchanged: layer 0 divides by 1).
TEST(Gpt2, InverseLayerIndexScalingMatchesANaiveLoop) {
  ATTNSCOPE_REQUIRE_SHARED();
  SafetensorsFile w(shared("models/gpt2-random/model.safetensors").string());
  SafetensorsFile g = golden("03_long");
  const Tensor hidden = g.tensor("hidden_states");
  // The naive loop itself reproduces the golden layer-1 attention without the option.
  const Tensor golden_att = g.tensor("attentions");
  const size_t per_layer = golden_att.data.size() / 2;
  EXPECT_LE(max_diff(golden_att.data.data() + per_layer, naive_attention(w, 1, hidden, 1, 8.0)), 1e-5);

  auto config = read_json_file(shared("models/gpt2-random/config.json"), "config.json");
  config["scale_attn_by_inverse_layer_idx"] = true;
  const auto dir = test::scratch_dir("gpt2-inverse-idx");
  test::write_linked_model(dir, shared("models/gpt2-random"), config);
  auto m = load_model(dir);
  const ForwardResult r = run(*m, test::golden_input(g));
  const double layer0 = test::max_abs_diff_block(r.attentions.head_data(0, 0), golden_att.data.data(), 1, 1, 1,
                                                 static_cast<int64_t>(per_layer));
  const double layer1 = max_diff(r.attentions.head_data(1, 0), naive_attention(w, 1, hidden, 1, 16.0));
  EXPECT_LE(layer0, 1e-5);
  EXPECT_LE(layer1, 1e-5);
  EXPECT_GT(max_diff(r.attentions.head_data(1, 0), naive_attention(w, 1, hidden, 1, 8.0)), 1e-2);  // the option matters
  EXPECT_EQ(test::max_upper_triangle(r.attentions), 0.0f);
  std::cout << "  scale_attn_by_inverse_layer_idx: layer 0 vs golden " << layer0 << ", layer 1 vs naive loop " << layer1 << "\n";
}

TEST(Gpt2, AttentionMaskZeroesMaskedKeys) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/gpt2-random"));
  ForwardInput in = test::golden_input(golden("01_cat_mat"));
  const int S = static_cast<int>(in.input_ids.size());
  in.attention_mask.assign(in.input_ids.size(), 1);
  in.attention_mask[2] = 0;
  const ForwardResult r = run(*m, in);
  float masked = 0;
  for (int layer = 0; layer < 2; ++layer)
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < S; ++i) masked = std::max(masked, std::abs(r.attentions.head_data(layer, h)[i * S + 2]));
  EXPECT_EQ(masked, 0.0f);
  EXPECT_EQ(test::max_upper_triangle(r.attentions), 0.0f);
  EXPECT_LE(test::worst_row_sum_error(r.attentions), 1e-5);
}

TEST(Gpt2, RejectsBadConfigsAndInputs) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("configs");
  auto model_error = [&](const char* key, const nlohmann::json& value) -> std::string {
    auto config = read_json_file(shared("models/gpt2-random/config.json"), "config.json");
    config[key] = value;
    test::write_linked_model(dir, shared("models/gpt2-random"), config);
    try {
      load_model(dir);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Model);
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_EQ(model_error("n_layer", 0), "config.json: 'n_layer' must be an integer in [1, 1024], got 0");
  EXPECT_EQ(model_error("n_head", 3), "config.json: 'n_embd' must be divisible by n_head");
  EXPECT_EQ(model_error("add_cross_attention", true), "config.json: 'add_cross_attention' = true is not supported");
  EXPECT_NE(model_error("activation_function", "swishy").find("unsupported activation 'swishy'"), std::string::npos);
  EXPECT_EQ(model_error("n_positions", 2048),
            "model.safetensors: tensor 'transformer.wpe.weight' has shape [1024,128], expected [2048,128]");

  auto m = load_model(shared("models/gpt2-random"));
  auto input_error = [&](const ForwardInput& in) -> std::string {
    try {
      m->forward(in, {});
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input);
      return e.what();
    }
    return "(no error)";
  };
  ForwardInput in;
  EXPECT_EQ(input_error(in), "no tokens to run");
  in.input_ids.assign(1025, 13);
  EXPECT_EQ(input_error(in), "1025 tokens exceed n_positions (1024)");
  in.input_ids = {13, 50257};
  EXPECT_EQ(input_error(in), "token id 50257 at position 1 is outside [0, 50257)");
}
