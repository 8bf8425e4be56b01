// BERT, DistilBERT and RoBERTa (random-weight checkpoints) against the PyTorch reference goldens,
// plus masked-LM heads checked against a naive loop written here.
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

ForwardResult run(const Model& m, const ForwardInput& in, bool hidden_states = true, LogitsMode logits = LogitsMode::All) {
  ForwardOptions opt;
  opt.hidden_states = hidden_states;
  opt.logits = logits;
  return m.forward(in, opt);
}

// Every golden file of `model`.
void check_goldens(const std::string& model, size_t expected_files) {
  auto m = load_model(shared("models/" + model));
  const auto files = test::golden_files(model);
  ASSERT_EQ(files.size(), expected_files);
  for (const auto& path : files) test::expect_matches_golden(*m, path);
}

}  // namespace

TEST(EncoderModels, BertMatchesGoldens) {
  ATTNSCOPE_REQUIRE_SHARED();
  check_goldens("bert-random", 5);
}

TEST(EncoderModels, DistilBertMatchesGoldens) {
  ATTNSCOPE_REQUIRE_SHARED();
  check_goldens("distilbert-random", 4);
}

TEST(EncoderModels, RobertaMatchesGoldens) {
  ATTNSCOPE_REQUIRE_SHARED();
  check_goldens("roberta-random", 5);
}

// 04_padded is 01_cat_mat plus padding: padded keys get weight exactly 0 and the real tokens see
// exactly what they saw without padding.
TEST(EncoderModels, PaddingIsInvisibleToRealTokens) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const std::string model : {"bert-random", "distilbert-random", "roberta-random"}) {
    SCOPED_TRACE(model);
    auto m = load_model(shared("models/" + model));
    SafetensorsFile gp(shared("golden/" + model + "/04_padded.safetensors").string());
    SafetensorsFile gc(shared("golden/" + model + "/01_cat_mat.safetensors").string());
    const ForwardInput in = test::golden_input(gp);
    ASSERT_FALSE(in.attention_mask.empty());
    const ForwardResult padded = run(*m, in);
    const ForwardResult plain = run(*m, test::golden_input(gc));
    const int S = padded.attentions.seq_len, n = plain.attentions.seq_len;
    ASSERT_EQ(S, 16);
    ASSERT_EQ(n, 9);
    for (int j = 0; j < S; ++j) EXPECT_EQ(in.attention_mask[j], j < n ? 1 : 0);

    float padded_key_max = 0;
    double real_rows = 0;
    for (int layer = 0; layer < padded.attentions.num_layers; ++layer)
      for (int h = 0; h < padded.attentions.num_heads; ++h) {
        const float* p = padded.attentions.head_data(layer, h);
        for (int i = 0; i < S; ++i)
          for (int j = n; j < S; ++j) padded_key_max = std::max(padded_key_max, std::abs(p[i * S + j]));
        real_rows = std::max(real_rows, test::max_abs_diff_block(p, plain.attentions.head_data(layer, h), S, n, n, n));
      }
    EXPECT_EQ(padded_key_max, 0.0f);
    EXPECT_LE(real_rows, 1e-5);
    EXPECT_LE(test::worst_row_sum_error(padded.attentions), 1e-5);
    const double hidden = test::max_abs_diff_block(padded.last_hidden_state.data.data(), plain.last_hidden_state.data.data(),
                                                   padded.last_hidden_state.dim(1), plain.last_hidden_state.dim(1), n,
                                                   plain.last_hidden_state.dim(1));
    EXPECT_LE(hidden, 1e-5);
    EXPECT_LE(test::max_abs_diff(padded.logits, plain.logits, "logits"), 1e-5);
    std::cout << "  " << model << ": 04_padded vs 01_cat_mat, real-token attention rows " << real_rows
              << ", real-token last_hidden_state " << hidden << ", logits "
              << test::max_abs_diff(padded.logits, plain.logits, "logits") << "\n";
  }
}

TEST(EncoderModels, ReportsModelInfo) {
  ATTNSCOPE_REQUIRE_SHARED();
  struct Case {
    const char* model;
    const char* architecture;
    int vocab;
    bool token_types;
    int max_positions;
  };
  for (const Case& c : {Case{"bert-random", "BertForSequenceClassification", 30522, true, 512},
                        Case{"distilbert-random", "DistilBertForSequenceClassification", 30522, false, 512},
                        Case{"roberta-random", "RobertaForSequenceClassification", 50265, true, 512}}) {
    SCOPED_TRACE(c.model);
    auto m = load_model(shared(std::string("models/") + c.model));
    const ModelInfo& i = m->info();
    EXPECT_EQ(i.model_type, std::string(c.model).substr(0, std::string(c.model).find('-')));
    EXPECT_EQ(i.architecture, c.architecture);
    EXPECT_EQ(i.modality, Modality::Text);
    EXPECT_EQ(i.head, HeadKind::Classifier);
    EXPECT_FALSE(i.causal);
    EXPECT_EQ(i.num_layers, 2);
    EXPECT_EQ(i.num_heads, 2);
    EXPECT_EQ(i.num_kv_heads, 2);
    EXPECT_EQ(i.hidden_size, 128);
    EXPECT_EQ(i.head_dim, 64);
    EXPECT_EQ(i.intermediate_size, 512);
    EXPECT_EQ(i.vocab_size, c.vocab);
    EXPECT_EQ(i.token_types, c.token_types);
    EXPECT_EQ(i.max_positions, c.max_positions);
    EXPECT_EQ(i.labels, (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
    EXPECT_TRUE(i.warnings.empty());
    test::expect_sizes_from_file(i, shared(std::string("models/") + c.model));
  }
}

// BertModel saved from the base model: no "bert." prefix, legacy LayerNorm gamma/beta names,
// pooler but no classifier.
TEST(EncoderModels, BaseBertWithoutPrefixAndLegacyNamesGivesPoolerOnly) {
  ATTNSCOPE_REQUIRE_SHARED();
  test::CheckpointBuilder b(shared("models/bert-random"), [](const std::string& name) -> std::string {
    if (name.rfind("bert.", 0) != 0) return "";  // the classifier
    std::string n = name.substr(5);
    const auto ends = [&](const std::string& s) { return n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0; };
    if (n.find("LayerNorm") != std::string::npos && ends(".weight")) n = n.substr(0, n.size() - 7) + ".gamma";
    if (n.find("LayerNorm") != std::string::npos && ends(".bias")) n = n.substr(0, n.size() - 5) + ".beta";
    return n;
  });
  b.config["architectures"] = {"BertModel"};
  const auto dir = test::scratch_dir("bert-base");
  b.write(dir);
  auto m = load_model(dir);
  EXPECT_EQ(m->info().head, HeadKind::None);
  EXPECT_EQ(m->info().architecture, "BertModel");
  SafetensorsFile g(shared("golden/bert-random/05_pair.safetensors").string());
  const ForwardResult r = run(*m, test::golden_input(g));
  EXPECT_TRUE(r.logits.empty());
  EXPECT_LE(test::max_abs_diff(r.attentions.data, r.attentions.shape(), g.tensor("attentions"), "attentions"), 1e-5);
  EXPECT_LE(test::max_abs_diff(r.hidden_states, g.tensor("hidden_states"), "hidden_states"), 1e-4);
  EXPECT_LE(test::max_abs_diff(test::extra(r, "pooler_output"), g.tensor("pooler_output"), "pooler_output"), 1e-4);
}

TEST(EncoderModels, UnknownHeadRunsTheEncoderWithAWarning) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("token-cls");
  auto config = read_json_file(shared("models/roberta-random/config.json"), "config.json");
  config["architectures"] = {"RobertaForTokenClassification"};
  test::write_linked_model(dir, shared("models/roberta-random"), config);
  auto m = load_model(dir);
  EXPECT_EQ(m->info().head, HeadKind::None);
  ASSERT_EQ(m->info().warnings.size(), 1u);
  EXPECT_NE(m->info().warnings[0].find("'RobertaForTokenClassification' is not supported"), std::string::npos);
  SafetensorsFile g(shared("golden/roberta-random/03_long.safetensors").string());
  const ForwardResult r = run(*m, test::golden_input(g));
  EXPECT_TRUE(r.logits.empty());
  EXPECT_LE(test::max_abs_diff(r.last_hidden_state, g.tensor("last_hidden_state"), "last_hidden_state"), 1e-4);
}

namespace {

struct MlmCase {
  const char* model;
  const char* architecture;
  const char* encoder_prefix;  // tensors kept from the classifier checkpoint
  const char* dense;
  const char* norm;
  const char* decoder;         // nullptr: tied to the word embeddings
  const char* bias;
  const char* word_embeddings;
  double eps;
};

double gelu_erf(double v) { return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))); }

// logits[s][w] = decoder[w] . LayerNorm(gelu(dense(x[s]))) + bias[w], in double, one loop each.
std::vector<double> naive_mlm_logits(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& ln_w,
                                     const Tensor& ln_b, double eps, const Tensor& decoder, const Tensor& bias) {
  const int64_t S = x.dim(0), D = x.dim(1), V = decoder.dim(0);
  std::vector<double> out(static_cast<size_t>(S * V));
  for (int64_t s = 0; s < S; ++s) {
    std::vector<double> h(static_cast<size_t>(D));
    for (int64_t o = 0; o < D; ++o) {
      double acc = b.data[o];
      for (int64_t i = 0; i < D; ++i) acc += static_cast<double>(w.data[o * D + i]) * x.data[s * D + i];
      h[o] = gelu_erf(acc);
    }
    double mean = 0, var = 0;
    for (double v : h) mean += v;
    mean /= static_cast<double>(D);
    for (double v : h) var += (v - mean) * (v - mean);
    var /= static_cast<double>(D);
    for (int64_t o = 0; o < D; ++o) h[o] = (h[o] - mean) / std::sqrt(var + eps) * ln_w.data[o] + ln_b.data[o];
    for (int64_t v = 0; v < V; ++v) {
      double acc = bias.data[v];
      for (int64_t i = 0; i < D; ++i) acc += static_cast<double>(decoder.data[v * D + i]) * h[i];
      out[s * V + v] = acc;
    }
  }
  return out;
}

}  // namespace

// The masked-LM heads have no checkpoint: one is written here with a random head on top of the
// golden-validated encoder, and its logits are compared with naive_mlm_logits() over the golden
// last_hidden_state.
TEST(EncoderModels, MaskedLmHeadsMatchANaiveLoop) {
  ATTNSCOPE_REQUIRE_SHARED();
  const MlmCase cases[] = {
      {"bert-random", "BertForMaskedLM", "bert.", "cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm",
       nullptr, "cls.predictions.bias", "bert.embeddings.word_embeddings.weight", 1e-12},
      {"bert-random", "BertForMaskedLM", "bert.", "cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm",
       "cls.predictions.decoder.weight", "cls.predictions.bias", "bert.embeddings.word_embeddings.weight", 1e-12},
      {"distilbert-random", "DistilBertForMaskedLM", "distilbert.", "vocab_transform", "vocab_layer_norm",
       "vocab_projector.weight", "vocab_projector.bias", "distilbert.embeddings.word_embeddings.weight", 1e-12},
      {"roberta-random", "RobertaForMaskedLM", "roberta.", "lm_head.dense", "lm_head.layer_norm", nullptr, "lm_head.bias",
       "roberta.embeddings.word_embeddings.weight", 1e-5},
  };
  for (const MlmCase& c : cases) {
    SCOPED_TRACE(std::string(c.architecture) + (c.decoder ? " untied" : " tied"));
    const std::string prefix = c.encoder_prefix;
    test::CheckpointBuilder b(shared(std::string("models/") + c.model), [&](const std::string& name) -> std::string {
      return name.rfind(prefix, 0) == 0 && name.find("pooler") == std::string::npos ? name : "";
    });
    const int64_t D = 128;
    const int64_t V = b.config["vocab_size"].get<int64_t>();
    b.config["architectures"] = {c.architecture};
    const Tensor& w = b.add_random(std::string(c.dense) + ".weight", {D, D}, 0.0f, 0.15f);
    const Tensor& bb = b.add_random(std::string(c.dense) + ".bias", {D}, 0.0f, 0.5f);
    const Tensor& ln_w = b.add_random(std::string(c.norm) + ".weight", {D}, 1.0f, 0.2f);
    const Tensor& ln_b = b.add_random(std::string(c.norm) + ".bias", {D}, 0.0f, 0.2f);
    const Tensor& bias = b.add_random(c.bias, {V}, 0.0f, 0.5f);
    const Tensor decoder = c.decoder ? b.add_random(c.decoder, {V, D}, 0.0f, 0.1f)
                                     : SafetensorsFile(shared(std::string("models/") + c.model + "/model.safetensors").string())
                                           .tensor(c.word_embeddings);
    const auto dir = test::scratch_dir(std::string(c.architecture) + (c.decoder ? "-untied" : "-tied"));
    b.write(dir);

    auto m = load_model(dir);
    EXPECT_EQ(m->info().head, HeadKind::LanguageModel);
    SafetensorsFile g(shared(std::string("golden/") + c.model + "/01_cat_mat.safetensors").string());
    const ForwardInput in = test::golden_input(g);
    const ForwardResult all = run(*m, in);
    EXPECT_LE(test::max_abs_diff(all.last_hidden_state, g.tensor("last_hidden_state"), "last_hidden_state"), 1e-4);
    EXPECT_TRUE(test::extra(all, "pooler_output").empty());

    const Tensor x = g.tensor("last_hidden_state");
    const std::vector<double> want = naive_mlm_logits(x, w, bb, ln_w, ln_b, c.eps, decoder, bias);
    ASSERT_EQ(shape_to_string(all.logits.shape), shape_to_string({x.dim(0), V}));
    double worst = 0, largest = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      worst = std::max(worst, std::abs(all.logits.data[i] - want[i]));
      largest = std::max(largest, std::abs(want[i]));
    }
    EXPECT_LE(worst, 1e-4);
    EXPECT_GT(largest, 1.0);  // the head is not degenerate
    std::cout << "  " << c.architecture << (c.decoder ? " (untied)" : " (tied)") << ": logits [" << x.dim(0) << ", " << V
              << "], max |diff| vs naive loop " << worst << " (max |logit| " << largest << ")\n";

    const ForwardResult last = run(*m, in, false, LogitsMode::Last);
    ASSERT_EQ(shape_to_string(last.logits.shape), shape_to_string({1, V}));
    double last_diff = 0;
    for (int64_t v = 0; v < V; ++v)
      last_diff = std::max(last_diff, static_cast<double>(std::abs(last.logits.data[v] - all.logits.data[(x.dim(0) - 1) * V + v])));
    EXPECT_LE(last_diff, 1e-5);
    EXPECT_TRUE(run(*m, in, false, LogitsMode::None).logits.empty());
    // The head on a stored hidden state (Model::unembed, for predictions at any position after a
    // run that kept only the last logits) against the naive loop.
    const RowMatrix z = m->unembed(RowMatrix(last.last_hidden_state.matrix().row(2)));
    double row_diff = 0;
    for (int64_t v = 0; v < V; ++v) row_diff = std::max(row_diff, std::abs(z(0, v) - want[static_cast<size_t>(2 * V + v)]));
    EXPECT_LE(row_diff, 1e-4);
  }
}

TEST(EncoderModels, CapturesOnlyChosenLayersWithTheSameValues) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/distilbert-random"));
  SafetensorsFile g(shared("golden/distilbert-random/03_long.safetensors").string());
  const ForwardInput in = test::golden_input(g);
  const ForwardResult full = run(*m, in, false);
  ForwardOptions opt;
  opt.layers = {1};
  const ForwardResult some = m->forward(in, opt);
  ASSERT_EQ(some.attentions.layers, (std::vector<int>{1}));
  EXPECT_EQ(some.attentions.data.size(), full.attentions.data.size() / 2);
  for (int h = 0; h < 2; ++h) EXPECT_EQ(some.attentions.head(1, h), full.attentions.head(1, h));
  EXPECT_THROW(some.attentions.head(0, 0), Error);
  EXPECT_EQ(some.logits.data, full.logits.data);
  EXPECT_TRUE(some.hidden_states.empty());
  opt.layers = {2};
  try {
    m->forward(in, opt);
    ADD_FAILURE() << "layer 2 of 2 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
  }
}

TEST(EncoderModels, ProgressPerLayerAndCancel) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/bert-random"));
  SafetensorsFile g(shared("golden/bert-random/01_cat_mat.safetensors").string());
  const ForwardInput in = test::golden_input(g);
  std::vector<int> done;
  const ForwardResult ok = m->forward(in, {}, [&](const Progress& p) {
    EXPECT_EQ(p.total, 2);
    done.push_back(p.done);
    return true;
  });
  EXPECT_FALSE(ok.cancelled);
  EXPECT_EQ(done, (std::vector<int>{1, 2}));
  int calls = 0;
  const ForwardResult r = m->forward(in, {}, [&](const Progress&) {
    ++calls;
    return false;
  });
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(r.attentions.data.empty());
  EXPECT_TRUE(r.logits.empty());
  EXPECT_TRUE(r.last_hidden_state.empty());
  EXPECT_TRUE(r.extras.empty());
}

namespace {

std::string model_error(const std::filesystem::path& dir) {
  try {
    load_model(dir);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Model) << e.what();
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(EncoderModels, RejectsUnsupportedOrAbsurdConfigs) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("configs");
  struct Case {
    const char* model;
    const char* key;
    nlohmann::json value;
    const char* message;
  };
  const Case cases[] = {
      {"bert-random", "position_embedding_type", "relative_key",
       "config.json: 'position_embedding_type' 'relative_key' is not supported (only absolute position embeddings)"},
      {"bert-random", "is_decoder", true, "config.json: 'is_decoder' = true is not supported (encoders only)"},
      {"roberta-random", "add_cross_attention", true, "config.json: 'add_cross_attention' = true is not supported"},
      {"bert-random", "num_hidden_layers", 1000000000, "config.json: 'num_hidden_layers' must be an integer in [1, 1024], got 1000000000"},
      {"distilbert-random", "dim", -5, "config.json: 'dim' must be an integer in [1, 65536], got -5"},
      {"bert-random", "num_attention_heads", 3, "config.json: 'hidden_size' must be divisible by num_attention_heads"},
      {"bert-random", "hidden_act", "quick_gelu", "config.json 'hidden_act': unsupported activation 'quick_gelu'"},
      {"roberta-random", "pad_token_id", 600, "config.json: 'pad_token_id' must be an integer in [0, 512], got 600"},
      {"bert-random", "num_hidden_layers", 3,
       "model.safetensors: tensor 'bert.encoder.layer.2.attention.self.query.weight' is missing (expected shape [128,128])"},
      {"distilbert-random", "hidden_dim", 256,
       "model.safetensors: tensor 'distilbert.transformer.layer.0.ffn.lin1.weight' has shape [512,128], expected [256,128]"},
      {"bert-random", "type_vocab_size", 3,
       "model.safetensors: tensor 'bert.embeddings.token_type_embeddings.weight' has shape [2,128], expected [3,128]"},
      {"roberta-random", "num_labels", 3, "model.safetensors: tensor 'classifier.out_proj.weight' has shape [2,128], expected [3,128]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.model) + " " + c.key);
    auto config = read_json_file(shared(std::string("models/") + c.model + "/config.json"), "config.json");
    config[c.key] = c.value;
    test::write_linked_model(dir, shared(std::string("models/") + c.model), config);
    EXPECT_NE(model_error(dir).find(c.message), std::string::npos) << model_error(dir);
  }
}

TEST(EncoderModels, BertClassifierNeedsThePooler) {
  ATTNSCOPE_REQUIRE_SHARED();
  test::CheckpointBuilder b(shared("models/bert-random"),
                            [](const std::string& name) { return name.find("pooler") == std::string::npos ? name : ""; });
  const auto dir = test::scratch_dir("no-pooler");
  b.write(dir);
  EXPECT_EQ(model_error(dir),
            "model.safetensors: tensor 'bert.pooler.dense.weight' is missing (the classifier reads the pooler output)");
}

TEST(EncoderModels, RejectsBadInputs) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto bert = load_model(shared("models/bert-random"));
  auto roberta = load_model(shared("models/roberta-random"));
  auto input_error = [](const Model& m, const ForwardInput& in) -> std::string {
    try {
      m.forward(in, {});
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
      return e.what();
    }
    return "(no error)";
  };
  ForwardInput in;
  EXPECT_EQ(input_error(*bert, in), "no tokens to run");
  in.input_ids.assign(513, 1000);
  EXPECT_EQ(input_error(*bert, in), "513 tokens exceed the model's limit of 512 positions");
  // RoBERTa's positions start at padding_idx + 1 = 2: 512 tokens fill its 514-row table.
  EXPECT_EQ(input_error(*roberta, in), "513 tokens exceed the model's limit of 512 positions");
  in.input_ids.assign(512, 1000);
  EXPECT_FALSE(roberta->forward(in, {}).last_hidden_state.empty());
  in.input_ids = {101, 30522, 102};
  EXPECT_EQ(input_error(*bert, in), "token id 30522 at position 1 is outside [0, 30522)");
  in.input_ids = {101, 2000, 102};
  in.token_type_ids = {0, 2, 0};
  EXPECT_EQ(input_error(*bert, in), "token type id 2 at position 1 is outside [0, 2)");
  in.token_type_ids = {0, 0};
  EXPECT_EQ(input_error(*bert, in), "token_type_ids has 2 entries for 3 tokens");
  in.token_type_ids.clear();
  in.attention_mask = {1, 1};
  EXPECT_EQ(input_error(*bert, in), "attention_mask has 2 entries for 3 tokens");
  in.attention_mask = {1, 2, 1};
  EXPECT_EQ(input_error(*bert, in), "attention_mask value 2 at position 1 is not 0 or 1");
}
