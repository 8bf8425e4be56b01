// Inside one head: the captured q, k, v and context (ForwardOptions::capture_internals) and
// explain_head(), checked against the model's own attention rows and context vectors, the
// PyTorch goldens, and scoring functions worked out by hand on a 3-token example.
#include <cmath>
#include <iostream>

#include <gtest/gtest.h>

#include "core/analysis/head_steps.h"
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/model.h"
#include "tests/core/test_checkpoint.h"
#include "tests/support/golden.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::builtin_model;
using attnscope::test::shared;

namespace {

struct Worst {
  double weights_vs_row = 0;      // explained weights vs the captured attention row
  double output_vs_context = 0;   // explained output vs the captured context vector
  double weights_vs_golden = 0;   // explained weights vs the PyTorch golden attention
  double row_sum = 0;             // |Σ weights - 1|
  double masked = 0;              // largest weight on a masked key
  int cases = 0;
};

void track(double& worst, double v) {
  if (!(v <= worst)) worst = v;  // NaN sticks
}

// explain_head() for every captured layer and head of `r`, at every `query_step`-th query and the
// last one (each explanation redoes the head's [S, S] product, so long inputs are sampled).
Worst explain_everything(const ForwardResult& r, const Tensor* golden_attentions, int query_step) {
  Worst w;
  ExplainOptions o;
  o.alternatives.clear();
  for (const LayerInternals& li : r.internals.layers) {
    for (int h = 0; h < li.num_heads; ++h) {
      const ConstMatrixMap row = r.attentions.head(li.layer, h);
      const ConstMatrixMap ctx = li.context.matrix(h);
      std::vector<int> queries;
      for (int i = 0; i < li.seq_len; i += query_step) queries.push_back(i);
      if (queries.back() != li.seq_len - 1) queries.push_back(li.seq_len - 1);
      for (int i : queries) {
        o.head = h;
        o.query = i;
        const HeadSteps s = explain_head(r.internals, li.layer, o);
        double sum = 0;
        for (int j = 0; j < li.seq_len; ++j) {
          const double wj = s.weights[static_cast<size_t>(j)];
          sum += wj;
          track(w.weights_vs_row, std::abs(wj - row(i, j)));
          if (!s.mask[static_cast<size_t>(j)]) track(w.masked, wj);
          if (golden_attentions) {
            const size_t S = static_cast<size_t>(li.seq_len);
            const float g = golden_attentions->data[((static_cast<size_t>(li.layer) * li.num_heads + h) * S + i) * S + j];
            track(w.weights_vs_golden, std::abs(wj - g));
          }
        }
        track(w.row_sum, std::abs(sum - 1));
        for (int c = 0; c < li.head_dim; ++c) track(w.output_vs_context, std::abs(s.output[static_cast<size_t>(c)] - ctx(i, c)));
        ++w.cases;
      }
    }
  }
  return w;
}

// The golden file's input: pixel values (vision) or ids with their types and mask (text).
ForwardInput input_of(const SafetensorsFile& g) {
  if (!g.find("pixel_values")) return test::golden_input(g);
  ForwardInput in;
  in.pixel_values = g.tensor("pixel_values");
  return in;
}

std::vector<int> all_layers(const Model& m) {
  std::vector<int> v;
  for (int l = 0; l < m.info().num_layers; ++l) v.push_back(l);
  return v;
}

// Runs the golden input with every layer's internals captured and explains every query.
Worst explain_golden(const std::string& model, const std::string& golden, int query_step = 1) {
  auto m = load_model(shared("models/" + model));
  SafetensorsFile g(shared("golden/" + model + "/" + golden + ".safetensors").string());
  const ForwardInput in = input_of(g);
  ForwardOptions opt;
  opt.capture_internals = all_layers(*m);
  const ForwardResult r = m->forward(in, opt);
  EXPECT_EQ(r.internals.layers.size(), static_cast<size_t>(m->info().num_layers));
  const Tensor ga = g.tensor("attentions");
  const Worst w = explain_everything(r, &ga, query_step);
  std::cout << "  " << model << "/" << golden << ": " << w.cases << " (layer, head, query) cases; max |diff| weights vs row "
            << w.weights_vs_row << ", output vs context " << w.output_vs_context << ", weights vs golden "
            << w.weights_vs_golden << "\n";
  return w;
}

}  // namespace

// Acceptance: text model with grouped-query attention (8 query heads over 4 kv heads).
TEST(HeadSteps, Stories260KEveryHeadAndQueryMatchesTheModel) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* golden : {"01_cat_mat", "03_long"}) {
    const Worst w = explain_golden("stories260K", golden, golden == std::string("03_long") ? 3 : 1);
    EXPECT_GT(w.cases, 0);
    EXPECT_LE(w.weights_vs_row, 1e-6) << golden;
    EXPECT_LE(w.output_vs_context, 1e-5) << golden;
    EXPECT_LE(w.weights_vs_golden, 1e-5) << golden;
    EXPECT_LE(w.row_sum, 1e-5) << golden;  // float32, as the model
    EXPECT_EQ(w.masked, 0.0) << golden;  // causal: keys after the query get exactly 0
  }
}

TEST(HeadSteps, GroupedQueryHeadsReadTheirSharedKeyValueHead) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(builtin_model("stories260K"));
  SafetensorsFile g(shared("golden/stories260K/02_attention.safetensors").string());
  ForwardOptions opt;
  opt.capture_internals = {3};
  const ForwardResult r = m->forward(test::golden_input(g), opt);
  const LayerInternals& li = r.internals.layer(3);
  EXPECT_EQ(li.num_heads, 8);
  EXPECT_EQ(li.num_kv_heads, 4);
  EXPECT_EQ(li.q.shape, (Shape{8, 16, 8}));
  EXPECT_EQ(li.k.shape, (Shape{4, 16, 8}));
  EXPECT_EQ(li.v.shape, (Shape{4, 16, 8}));
  EXPECT_EQ(li.context.shape, (Shape{8, 16, 8}));
  EXPECT_FLOAT_EQ(li.scale_divisor, std::sqrt(8.0f));
  EXPECT_TRUE(li.causal);
  for (int h = 0; h < 8; ++h) {
    ExplainOptions o;
    o.head = h;
    o.query = 15;
    const HeadSteps s = explain_head(li, o);
    EXPECT_EQ(s.kv_head, h / 2);  // golden README: query head h uses key/value head h // 2
    EXPECT_EQ(s.keys, li.k.matrix(h / 2));
    EXPECT_EQ(s.values, li.v.matrix(h / 2));
  }
  // Heads 2 and 3 share kv head 1 but have their own queries, so their rows differ.
  ExplainOptions a, b;
  a.head = 2;
  b.head = 3;
  a.query = b.query = 15;
  EXPECT_NE(explain_head(li, a).weights, explain_head(li, b).weights);
}

// Acceptance: image model (real ViT-Tiny, 197 tokens, no mask).
TEST(HeadSteps, VitTinyEveryHeadAndQueryMatchesTheModel) {
  ATTNSCOPE_REQUIRE_SHARED();
  const Worst w = explain_golden("vit-tiny-patch16-224", "chelsea", 4);
  EXPECT_EQ(w.cases, 12 * 3 * 50);  // queries 0, 4, ..., 192 and 196
  EXPECT_LE(w.weights_vs_row, 1e-6);
  EXPECT_LE(w.output_vs_context, 1e-5);
  EXPECT_LE(w.weights_vs_golden, 1e-5);
  EXPECT_LE(w.row_sum, 1e-5);
}

// The model's own scaling and masks: BERT with padding, DistilBERT's (q / sqrt(d)) . k order,
// GPT-2's causal mask.
TEST(HeadSteps, EncoderAndGpt2ScalingAndMasksMatchTheModel) {
  ATTNSCOPE_REQUIRE_SHARED();
  const std::pair<const char*, const char*> cases[] = {
      {"bert-random", "04_padded"}, {"distilbert-random", "04_padded"}, {"roberta-random", "05_pair"},
      {"gpt2-random", "03_long"}};
  for (const auto& [model, golden] : cases) {
    const Worst w = explain_golden(model, golden);
    EXPECT_LE(w.weights_vs_row, 1e-6) << model;
    EXPECT_LE(w.output_vs_context, 1e-5) << model;
    EXPECT_LE(w.weights_vs_golden, 1e-5) << model;
    EXPECT_EQ(w.masked, 0.0) << model;
  }
}

// The decoder families: q/k-norm and RoPE are in the captured q, k; the window, the Gemma 2
// soft-cap and query_pre_attn_scalar are redone from the internals.
TEST(HeadSteps, DecoderWindowsSoftCapsAndScalesMatchTheModel) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* model : {"gemma2-random", "gemma3-random", "mistral-random", "qwen3-random", "phi3-random"}) {
    const Worst w = explain_golden(model, test::golden_files(model).front().stem().string().c_str());
    EXPECT_LE(w.weights_vs_row, 1e-6) << model;
    EXPECT_LE(w.output_vs_context, 1e-5) << model;
    EXPECT_LE(w.weights_vs_golden, 1e-5) << model;
    EXPECT_EQ(w.masked, 0.0) << model;
  }
  auto m = load_model(shared("models/gemma2-random"));
  SafetensorsFile g(test::golden_files("gemma2-random").front().string());
  ForwardOptions opt;
  opt.capture_internals = {0};
  const ForwardResult r = m->forward(test::golden_input(g), opt);
  const LayerInternals& li = r.internals.layer(0);
  EXPECT_EQ(li.window, 8);
  EXPECT_FLOAT_EQ(li.softcap, 5.0f);
  EXPECT_FLOAT_EQ(li.scale_divisor, std::sqrt(24.0f));
  ExplainOptions o;
  o.head = 3;
  o.query = 20;
  const HeadSteps s = explain_head(li, o);
  for (int j = 0; j < li.seq_len; ++j) {
    EXPECT_EQ(s.mask[static_cast<size_t>(j)], j <= 20 && j > 12 ? 1 : 0) << j;
    EXPECT_LE(std::abs(s.scaled_scores[static_cast<size_t>(j)]), 5.0);
  }
}

TEST(HeadSteps, PaddingKeysAreMaskedAndDistilBertScalesTheQueryFirst) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/distilbert-random"));
  SafetensorsFile g(shared("golden/distilbert-random/04_padded.safetensors").string());
  const ForwardInput in = test::golden_input(g);
  ForwardOptions opt;
  opt.capture_internals = {1};
  const ForwardResult r = m->forward(in, opt);
  const LayerInternals& li = r.internals.layer(1);
  EXPECT_TRUE(li.scale_query_first);
  EXPECT_FALSE(li.causal);
  ASSERT_EQ(li.key_mask.size(), in.attention_mask.size());
  ExplainOptions o;
  o.head = 1;
  o.query = 2;
  const HeadSteps s = explain_head(li, o);
  int real = 0;
  for (size_t j = 0; j < in.attention_mask.size(); ++j) {
    EXPECT_EQ(s.mask[j], in.attention_mask[j] != 0 ? 1 : 0);
    real += in.attention_mask[j] != 0;
    if (!in.attention_mask[j]) {
      EXPECT_EQ(s.weights[j], 0.0);
    }
    // (q / 8) . k in float32 agrees with q . k / 8 up to rounding.
    EXPECT_NEAR(s.scaled_scores[j], s.raw_scores[j] / 8.0, 1e-5 * std::max(1.0, std::abs(s.raw_scores[j])));
  }
  EXPECT_LT(real, 16);
  EXPECT_LE(s.entropy, std::log(static_cast<double>(real)) + 1e-12);
}

TEST(HeadSteps, CaptureIsOffByDefaultAndChangesNoNumber) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* model : {"stories260K", "bert-random", "gpt2-random", "deit-random"}) {
    SCOPED_TRACE(model);
    auto m = load_model(shared(std::string("models/") + model));
    const auto files = test::golden_files(model);
    ASSERT_FALSE(files.empty());
    SafetensorsFile g(files.front().string());
    const ForwardInput in = input_of(g);
    ForwardOptions off;
    off.hidden_states = true;
    const ForwardResult a = m->forward(in, off);
    EXPECT_TRUE(a.internals.empty());
    EXPECT_TRUE(a.profile.empty());
    EXPECT_EQ(a.profile.total_seconds, 0.0);
    ForwardOptions on = off;
    on.capture_internals = all_layers(*m);
    on.profile = true;
    const ForwardResult b = m->forward(in, on);
    EXPECT_EQ(b.internals.layers.size(), static_cast<size_t>(m->info().num_layers));
    EXPECT_EQ(b.attentions.data, a.attentions.data);  // bit for bit
    EXPECT_EQ(b.hidden_states.data, a.hidden_states.data);
    EXPECT_EQ(b.logits.data, a.logits.data);
    EXPECT_THROW(explain_head(a.internals, 0, ExplainOptions{}), Error);
  }
}

TEST(HeadSteps, RejectsUncapturedLayersAndOutOfRangeRequests) {
  auto m = load_model(builtin_model("stories260K"));
  ForwardInput in;
  in.input_ids = {1, 265, 280, 294};
  ForwardOptions opt;
  opt.capture_internals = {4, 1, 4};
  const ForwardResult r = m->forward(in, opt);
  ASSERT_EQ(r.internals.layers.size(), 2u);
  EXPECT_EQ(r.internals.layers[0].layer, 1);
  EXPECT_EQ(r.internals.layers[1].layer, 4);
  auto usage = [&](int layer, int head, int query, double t) -> std::string {
    ExplainOptions o;
    o.head = head;
    o.query = query;
    o.temperature = t;
    try {
      explain_head(r.internals, layer, o);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Usage);
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(usage(0, 0, 0, 1).find("of layer 0 were not captured (captured: 1, 4"), std::string::npos);
  EXPECT_EQ(usage(1, 8, 0, 1), "head 8 is out of range (valid: 0-7)");
  EXPECT_EQ(usage(1, 0, 4, 1), "query token 4 is out of range (valid: 0-3)");
  EXPECT_NE(usage(1, 0, 0, 0).find("temperature must be a finite number > 0"), std::string::npos);
  opt.capture_internals = {5};
  EXPECT_THROW(m->forward(in, opt), Error);
}

// A 3-token, 2-feature example worked out by hand: q = (3, 4), |q| = 5;
// keys k0 = (1, 0), k1 = (0, 2), k2 = (-4, 3); values v0 = (1, 0), v1 = (0, 1), v2 = (1, 1).
//   q . k        = 3, 8, 0
//   |k|          = 1, 2, 5
//   cosine       = 3/5, 8/10, 0/25            = 0.6, 0.8, 0
//   q - k        = (2, 4), (3, 2), (7, 1)
//   -|q - k|^2   = -20, -13, -50
//   scaled (D=2) = 1.5, 4, 0
TEST(HeadSteps, ScoringFunctionsMatchHandComputedValues) {
  const std::vector<float> q = {3, 4};
  RowMatrix K(3, 2), V(3, 2);
  K << 1, 0, 0, 2, -4, 3;
  V << 1, 0, 0, 1, 1, 1;
  const std::vector<uint8_t> all = {1, 1, 1};
  auto softmax = [](std::vector<double> s, double t) {
    double z = 0;
    for (double& x : s) z += x = std::exp(x / t);
    for (double& x : s) x /= z;
    return s;
  };
  auto entropy = [](const std::vector<double>& w) {
    double h = 0;
    for (double x : w)
      if (x > 0) h -= x * std::log(x);
    return h;
  };
  struct Case {
    ScoreFunction f;
    double t;
    std::vector<double> scores;
  };
  const Case cases[] = {{ScoreFunction::Dot, 1, {3, 8, 0}},
                        {ScoreFunction::Dot, 4, {3, 8, 0}},
                        {ScoreFunction::Cosine, 1, {0.6, 0.8, 0}},
                        {ScoreFunction::Cosine, 0.1, {0.6, 0.8, 0}},
                        {ScoreFunction::NegSquaredDistance, 1, {-20, -13, -50}},
                        {ScoreFunction::NegSquaredDistance, 10, {-20, -13, -50}},
                        {ScoreFunction::ScaledDot, 1, {1.5, 4, 0}}};
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.f)) + " T=" + std::to_string(c.t));
    const double tol = c.f == ScoreFunction::ScaledDot ? 1e-7 : 1e-12;  // the model's softmax is float32
    KeyScoring ks;
    ks.function = c.f;
    ks.temperature = c.t;
    ks.scale_divisor = 2;
    const Weighting w = weigh_keys(q, K, V, all, ks);
    const std::vector<double> want = softmax(c.scores, c.t);
    for (size_t j = 0; j < 3; ++j) {
      EXPECT_NEAR(w.scores[j], c.scores[j], 1e-12);
      EXPECT_NEAR(w.weights[j], want[j], tol);
    }
    EXPECT_NEAR(w.entropy, entropy(want), 10 * tol);
    // output = w0 v0 + w1 v1 + w2 v2 = (w0 + w2, w1 + w2)
    EXPECT_NEAR(w.output[0], want[0] + want[2], tol);
    EXPECT_NEAR(w.output[1], want[1] + want[2], tol);
  }
  // Cosine at T = 1 is nearly uniform, the unscaled dot product nearly one-hot.
  KeyScoring cos_t1;
  cos_t1.function = ScoreFunction::Cosine;
  KeyScoring dot_t1;
  dot_t1.function = ScoreFunction::Dot;
  EXPECT_GT(weigh_keys(q, K, V, all, cos_t1).entropy, 0.95 * std::log(3.0));
  EXPECT_GT(weigh_keys(q, K, V, all, dot_t1).weights[1], 0.99);

  // A mask (a causal query 1: key 2 excluded): softmax over keys 0 and 1 only.
  KeyScoring euc;
  euc.function = ScoreFunction::NegSquaredDistance;
  euc.temperature = 10;
  const Weighting m = weigh_keys(q, K, V, {1, 1, 0}, euc);
  const double w0 = 1 / (1 + std::exp(0.7)), w1 = 1 / (1 + std::exp(-0.7));  // exp(-2) : exp(-1.3)
  EXPECT_NEAR(m.weights[0], w0, 1e-12);
  EXPECT_NEAR(m.weights[1], w1, 1e-12);
  EXPECT_EQ(m.weights[2], 0.0);
  EXPECT_NEAR(m.entropy, -(w0 * std::log(w0) + w1 * std::log(w1)), 1e-12);

  // DistilBERT order: (q / D) . k with q / D rounded to float32; exact here (D = 2).
  KeyScoring qf;
  qf.scale_divisor = 2;
  qf.scale_query_first = true;
  const Weighting f = weigh_keys(q, K, V, all, qf);
  EXPECT_EQ(f.scores, (std::vector<double>{1.5, 4, 0}));

  EXPECT_THROW(weigh_keys(q, K, V, {1, 1}, euc), Error);
  euc.temperature = -1;
  EXPECT_THROW(weigh_keys(q, K, V, all, euc), Error);
}

// explain_head() on hand-made internals: 3 tokens, 2 query heads sharing 1 kv head, causal.
TEST(HeadSteps, ExplainsHandMadeInternalsStepByStep) {
  LayerInternals li;
  li.layer = 0;
  li.num_heads = 2;
  li.num_kv_heads = 1;
  li.head_dim = 2;
  li.seq_len = 3;
  li.scale_divisor = 2;
  li.causal = true;
  li.q = Tensor({2, 3, 2});
  li.k = Tensor({1, 3, 2});
  li.v = Tensor({1, 3, 2});
  li.context = Tensor({2, 3, 2});
  li.q.matrix(1) << 0, 0, 3, 4, 0, 0;  // head 1, query 1 = (3, 4)
  li.k.matrix(0) << 1, 0, 0, 2, -4, 3;
  li.v.matrix(0) << 1, 0, 0, 1, 1, 1;
  ExplainOptions o;
  o.head = 1;
  o.query = 1;
  o.temperature = 0.5;
  const HeadSteps s = explain_head(li, o);
  EXPECT_EQ(s.kv_head, 0);
  EXPECT_EQ(s.q, (std::vector<float>{3, 4}));
  EXPECT_EQ(s.mask, (std::vector<uint8_t>{1, 1, 0}));
  EXPECT_EQ(s.raw_scores, (std::vector<double>{3, 8, 0}));
  EXPECT_EQ(s.scaled_scores, (std::vector<double>{1.5, 4, 0}));
  // softmax(1.5, 4) = 1 / (1 + e^2.5), 1 / (1 + e^-2.5); key 2 is in the future.
  const double w0 = 1 / (1 + std::exp(2.5)), w1 = 1 / (1 + std::exp(-2.5));
  EXPECT_NEAR(s.weights[0], w0, 1e-7);  // float32, as the model
  EXPECT_NEAR(s.weights[1], w1, 1e-7);
  EXPECT_EQ(s.weights[2], 0.0);
  EXPECT_NEAR(s.output[0], w0, 1e-7);  // w0 v0 + w1 v1 = (w0, w1)
  EXPECT_NEAR(s.output[1], w1, 1e-7);
  ASSERT_EQ(s.alternatives.size(), 4u);
  EXPECT_EQ(s.alternatives[0].function, ScoreFunction::ScaledDot);
  EXPECT_EQ(s.alternatives[0].temperature, 0.5);
  // The model's scores at T = 0.5: softmax(3, 8) over the allowed keys.
  EXPECT_NEAR(s.alternatives[0].weights[1], 1 / (1 + std::exp(-5.0)), 1e-7);
  EXPECT_EQ(s.alternatives[3].function, ScoreFunction::NegSquaredDistance);
  EXPECT_NEAR(s.alternatives[3].weights[1], 1 / (1 + std::exp(-14.0)), 1e-12);  // (-20, -13) / 0.5
  const nlohmann::ordered_json j = head_steps_json(s);
  EXPECT_EQ(j["kv_head"], 0);
  EXPECT_EQ(j["keys"][2], nlohmann::ordered_json::parse("[-4, 3]"));
  EXPECT_EQ(j["scale_divisor"], 2.0);
  EXPECT_EQ(j["alternatives"][2]["function"], "cosine");
  EXPECT_EQ(j["mask"], nlohmann::ordered_json::parse("[1, 1, 0]"));
}

// T5: no 1/sqrt(d), a relative position bias on the scores. Explaining the encoder's heads from
// the captured internals (which carry the bias) must give the model's rows.
TEST(HeadSteps, T5EncoderWithRelativePositionBiasMatchesTheModel) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/t5-random"));
  SafetensorsFile g(shared("golden/t5-random/02_summarize.safetensors").string());
  ForwardInput in;
  in.input_ids = g.ints("input_ids");
  in.decoder_input_ids = g.ints("decoder_input_ids");
  ForwardOptions opt;
  opt.capture_internals = all_layers(*m);
  const ForwardResult r = m->forward(in, opt);
  ASSERT_EQ(r.internals.layers.size(), 2u);
  EXPECT_EQ(r.internals.layers[0].scale_divisor, 1.0f);
  ASSERT_FALSE(r.internals.layers[0].position_bias.empty());
  const Tensor ga = g.tensor("encoder_attentions");
  const Worst w = explain_everything(r, &ga, 1);
  EXPECT_GT(w.cases, 0);
  EXPECT_LE(w.weights_vs_row, 1e-6);
  EXPECT_LE(w.output_vs_context, 1e-5);
  EXPECT_LE(w.weights_vs_golden, 1e-5);
  ExplainOptions o;
  o.query = 3;
  const HeadSteps s = explain_head(r.internals, 1, o);
  ASSERT_EQ(s.position_bias.size(), static_cast<size_t>(r.attentions.seq_len));
  const Tensor bias = g.tensor("encoder_position_bias");  // [H, S, S]
  for (int j = 0; j < r.attentions.seq_len; ++j)
    EXPECT_EQ(s.position_bias[static_cast<size_t>(j)], bias.data[static_cast<size_t>(3 * r.attentions.seq_len + j)]) << j;
}
