// The decoder LLM families on the shared runner (core/models/decoder.cpp) against the PyTorch
// reference goldens of ../shared: Qwen 2 / 3, Mistral, Llama 3, Gemma 2 / 3, Phi-3. Ids come from
// the tokenizer engine, activations from the model; the invariants are checked on every file.
#include <cmath>
#include <cstring>
#include <deque>
#include <iostream>

#include <gtest/gtest.h>

#include "core/analysis/cost_model.h"
#include "core/common/error.h"
#include "core/export/tensor_bundle.h"
#include "core/io/dtype.h"
#include "core/models/checkpoint.h"
#include "core/io/json_file.h"
#include "core/models/model.h"
#include "core/models/synthetic.h"
#include "core/pipeline/analyzer.h"
#include "tests/core/test_checkpoint.h"
#include "tests/support/golden.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

struct Family {
  const char* folder;
  double attention_tolerance;  // golden/README.md: qwen3's own float32 spread is larger
};

const Family kFamilies[] = {
    {"qwen2-random", 1e-5}, {"qwen3-random", 2e-5}, {"mistral-random", 1e-5}, {"llama3-random", 1e-5},
    {"gemma2-random", 1e-5}, {"gemma3-random", 1e-5}, {"phi3-random", 1e-5},
};

// Largest entry outside the sliding window (key <= query - W) of the layers that slide.
float max_outside_window(const ForwardResult& r, const ModelInfo& info, int* checked_layers) {
  float worst = 0;
  *checked_layers = 0;
  const int S = r.attentions.seq_len;
  for (int l : r.attentions.layers) {
    const int W = info.window(l);
    if (W <= 0) continue;
    ++*checked_layers;
    for (int h = 0; h < info.num_heads; ++h) {
      const ConstMatrixMap a = r.attentions.head(l, h);
      for (int i = 0; i < S; ++i)
        for (int j = 0; j <= i - W; ++j) worst = std::max(worst, std::abs(a(i, j)));
    }
  }
  return worst;
}

struct DecoderGolden : ::testing::TestWithParam<Family> {};

}  // namespace

TEST_P(DecoderGolden, MatchesReferenceWithTokenizerIdsAndInvariants) {
  ATTNSCOPE_REQUIRE_SHARED();
  const Family f = GetParam();
  const auto dir = shared(std::string("models/") + f.folder);
  auto analyzer = Analyzer::open(dir.string());
  const ModelInfo& info = analyzer->info();
  const auto files = test::golden_files(f.folder);
  ASSERT_EQ(files.size(), 2u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    SafetensorsFile g(path.string());
    AnalysisRequest req;
    req.text = g.metadata().at("text");
    req.forward.hidden_states = true;
    const Analysis a = analyzer->run(req);
    EXPECT_EQ(a.encoding.ids(), g.ints("input_ids"));
    const ForwardResult& r = a.forward;
    const double att = test::max_abs_diff(r.attentions.data, r.attentions.shape(), g.tensor("attentions"), "attentions");
    const double hid = test::max_abs_diff(r.hidden_states, g.tensor("hidden_states"), "hidden_states");
    const double last = test::max_abs_diff(r.last_hidden_state, g.tensor("last_hidden_state"), "last_hidden_state");
    const double logits = test::max_abs_diff(r.logits, g.tensor("logits"), "logits");
    EXPECT_LE(att, f.attention_tolerance);
    EXPECT_LE(hid, 1e-4);
    EXPECT_LE(last, 1e-4);
    EXPECT_LE(logits, 1e-4);
    EXPECT_LE(test::worst_row_sum_error(r.attentions), 1e-5);
    EXPECT_EQ(test::max_upper_triangle(r.attentions), 0.0f);
    int sliding = 0;
    EXPECT_EQ(max_outside_window(r, info, &sliding), 0.0f);
    std::cout << "  " << f.folder << "/" << path.filename().string() << " (" << r.attentions.seq_len
              << " tokens, " << sliding << " sliding layers): max |diff| attentions " << att << ", hidden_states " << hid
              << ", last_hidden_state " << last << ", logits " << logits << "\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Families, DecoderGolden, ::testing::ValuesIn(kFamilies),
                         [](const auto& info) {
                           std::string n = info.param.folder;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(DecoderModels, DescriptorsReadFromTheConfigs) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto info = [](const char* folder) { return load_model(shared(std::string("models/") + folder))->info(); };
  const ModelInfo g2 = info("gemma2-random");
  EXPECT_EQ(g2.arch.window, (std::vector<int>{8, 0, 8, 0}));
  EXPECT_EQ(g2.arch.norm_offset, 1.0f);
  EXPECT_TRUE(g2.arch.sandwich_norms);
  EXPECT_EQ(g2.arch.mlp, MlpKind::GeGlu);
  EXPECT_FLOAT_EQ(g2.arch.attn_softcap, 5.0f);
  EXPECT_FLOAT_EQ(g2.arch.final_softcap, 3.0f);
  EXPECT_FLOAT_EQ(g2.arch.scale_divisor(), std::sqrt(24.0f));
  EXPECT_FLOAT_EQ(g2.arch.embedding_scale, 8.0f);
  EXPECT_EQ(g2.head_dim, 32);
  const ModelInfo g3 = info("gemma3-random");
  EXPECT_EQ(g3.arch.window, (std::vector<int>{8, 8, 0, 8}));
  EXPECT_TRUE(g3.arch.qk_norm);
  ASSERT_TRUE(g3.arch.local_rope.has_value());
  EXPECT_EQ(g3.arch.local_rope->theta, 10000.0);
  EXPECT_EQ(g3.arch.rope.theta, 1e6);
  EXPECT_EQ(g3.arch.attn_softcap, 0.0f);
  const ModelInfo q2 = info("qwen2-random");
  EXPECT_EQ(q2.arch.window, (std::vector<int>{0, 0}));  // sliding_window 2048 but use_sliding_window false
  EXPECT_TRUE(q2.arch.qkv_bias);
  EXPECT_FALSE(q2.arch.output_bias);
  EXPECT_EQ(info("mistral-random").arch.window, (std::vector<int>{8, 8}));
  // Missing keys take the class defaults; null switches the window off.
  nlohmann::json mc = read_json_file(shared("models/mistral-random/config.json"), "config.json");
  mc["sliding_window"] = nullptr;
  EXPECT_EQ(read_decoder_architecture(JsonObject(mc, "c")).window, (std::vector<int>{0, 0}));
  mc.erase("sliding_window");
  EXPECT_EQ(read_decoder_architecture(JsonObject(mc, "c")).window, (std::vector<int>{4096, 4096}));
  const ModelInfo l3 = info("llama3-random");
  EXPECT_EQ(l3.arch.rope.scaling, RopeScaling::Llama3);
  // golden/README.md: [1, 0.316228, 0.1, ...] -> [1, 0.254648, 0.0254648, 0.00790569, ...]
  const std::vector<float> f = l3.arch.rope.inverse_frequencies(16);
  ASSERT_EQ(f.size(), 8u);
  EXPECT_NEAR(f[0], 1.0, 1e-6);
  EXPECT_NEAR(f[1], 0.254648, 1e-6);
  EXPECT_NEAR(f[2], 0.0254648, 1e-7);
  EXPECT_NEAR(f[3], 0.00790569, 1e-8);
  const ModelInfo p3 = info("phi3-random");
  EXPECT_TRUE(p3.arch.fused_qkv);
  EXPECT_TRUE(p3.arch.fused_gate_up);
  EXPECT_EQ(p3.arch.rope.rotated_dims(16), 8);
  const ModelInfo q3 = info("qwen3-random");
  EXPECT_EQ(q3.head_dim, 32);
  EXPECT_EQ(q3.kv_head(0), 0);
  EXPECT_EQ(q3.kv_head(1), 0);
  EXPECT_EQ(q3.kv_head(3), 1);
}

// Every capture point is announced with the values the other captures hold.
TEST(DecoderModels, NamedCapturePointsAgreeWithTheCaptures) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/gemma2-random"));
  SafetensorsFile g(test::golden_files("gemma2-random").front().string());
  const ForwardInput in = test::golden_input(g);
  ForwardOptions opt;
  opt.hidden_states = true;
  opt.layers = {1};
  opt.capture_internals = {0};
  for (int t = 0; t < kTapCount; ++t) opt.taps.push_back({static_cast<Tap>(t), {0}});
  opt.taps.push_back({Tap::Hidden, {-1}});
  const ForwardResult r = m->forward(in, opt);
  const int64_t S = static_cast<int64_t>(in.input_ids.size());
  ASSERT_EQ(r.tapped.size(), static_cast<size_t>(kTapCount + 1));
  const Tensor* hid = r.find_tapped(Tap::Hidden, 0);
  const Tensor* emb = r.find_tapped(Tap::Hidden, -1);
  ASSERT_TRUE(hid && emb);
  Tensor want({S, 64});
  want.matrix() = r.hidden_states.matrix(1);
  EXPECT_EQ(hid->data, want.data);
  want.matrix() = r.hidden_states.matrix(0);
  EXPECT_EQ(emb->data, want.data);
  const LayerInternals& li = r.internals.layer(0);
  const Tensor* q = r.find_tapped(Tap::Q, 0);
  ASSERT_TRUE(q);
  EXPECT_EQ(shape_to_string(q->shape), "[" + std::to_string(S) + ",128]");
  for (int h = 0; h < 4; ++h)
    EXPECT_EQ(RowMatrix(ConstMatrixMap(q->data.data(), S, 128).middleCols(h * 32, 32)), RowMatrix(li.q.matrix(h)));
  // attn_probs of layer 0 (not in opt.layers) equals the golden; its scores are capped at 5 and
  // -inf exactly where the probabilities are 0 by the mask.
  const Tensor* probs = r.find_tapped(Tap::AttnProbs, 0);
  const Tensor* scores = r.find_tapped(Tap::AttnScores, 0);
  ASSERT_TRUE(probs && scores);
  const Tensor gold = g.tensor("attentions");
  double worst = 0;
  for (int64_t i = 0; i < 4 * S * S; ++i) worst = std::max(worst, double(std::abs(probs->data[i] - gold.data[i])));
  EXPECT_LE(worst, 1e-5);
  float largest = 0;
  int masked = 0;
  for (int64_t h = 0; h < 4; ++h)
    for (int64_t i = 0; i < S; ++i)
      for (int64_t j = 0; j < S; ++j) {
        const float s = scores->data[(h * S + i) * S + j];
        const bool allowed = j <= i && j > i - 8;  // layer 0 slides, W = 8
        if (!allowed) {
          EXPECT_EQ(s, -INFINITY);
          ++masked;
        } else {
          largest = std::max(largest, std::abs(s));
        }
      }
  EXPECT_LE(largest, 5.0f);
  EXPECT_GT(largest, 2.0f);  // the cap is reached for, not idle
  EXPECT_GT(masked, 0);

  ForwardOptions bad;
  bad.taps = {{Tap::Q, {4}}};
  EXPECT_THROW(m->forward(in, bad), Error);
}

TEST(DecoderModels, SlidingLayersCostTheirBand) {
  ATTNSCOPE_REQUIRE_SHARED();
  const ModelInfo mistral = load_model(shared("models/mistral-random"))->info();
  CostShape s = cost_shape(mistral);
  ASSERT_EQ(s.windows, (std::vector<int>{8, 8}));
  const ModelCost banded = model_cost(s, 512);
  s.windows.clear();
  const ModelCost dense = model_cost(s, 512);
  EXPECT_DOUBLE_EQ(banded.all[LayerPart::Scores].flops * 64, dense.all[LayerPart::Scores].flops);
  EXPECT_DOUBLE_EQ(banded.linear_flops, dense.linear_flops);
  EXPECT_DOUBLE_EQ(model_cost(s, 4).quadratic_flops, model_cost(cost_shape(mistral), 4).quadratic_flops);  // n < W
  const CostShape g2 = cost_shape(load_model(shared("models/gemma2-random"))->info());
  EXPECT_EQ(g2.norms, 4);
  EXPECT_TRUE(g2.gated_mlp);
  EXPECT_TRUE(g2.rms_norm);
}

// A BF16 checkpoint keeps its matrices 16-bit (converted panel by panel in the products) and
// computes what the float32 checkpoint of the same rounded values computes.
TEST(DecoderModels, Bf16CheckpointStaysCompactAndMatchesItsFloat32Twin) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto src = shared("models/gemma2-random");
  SafetensorsFile f((src / "model.safetensors").string());
  TensorBundle bf16, f32;
  std::deque<Tensor> keep;  // the float32 twin's values
  for (const TensorInfo& info : f.tensors()) {
    const std::string& name = info.name;
    Tensor t = f.tensor(name);
    if (t.shape.size() == 2) {
      BundleArray a;
      a.name = name;
      a.dtype = DType::BF16;
      a.shape = t.shape;
      a.owned.resize(t.data.size() * 2);
      for (size_t i = 0; i < t.data.size(); ++i) {
        const uint16_t h = float_to_bfloat16(t.data[i]);
        std::memcpy(a.owned.data() + 2 * i, &h, 2);
        t.data[i] = bfloat16_to_float(h);
      }
      a.nbytes = a.owned.size();
      bf16.arrays.push_back(std::move(a));
    } else {
      keep.push_back(t);
      bf16.add_view(name, keep.back());
    }
    keep.push_back(std::move(t));
    f32.add_view(name, keep.back());
  }
  const auto dir16 = test::scratch_dir("gemma2-bf16"), dir32 = test::scratch_dir("gemma2-bf16-as-f32");
  for (const char* file : {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
    std::filesystem::copy_file(src / file, dir16 / file, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(src / file, dir32 / file, std::filesystem::copy_options::overwrite_existing);
  }
  write_safetensors(bf16, dir16 / "model.safetensors", true);
  write_safetensors(f32, dir32 / "model.safetensors", true);

  WeightStore store(locate_checkpoint(dir16));
  EXPECT_TRUE(store.get_matrix("model.layers.0.mlp.down_proj.weight", {64, 192}).compact());
  EXPECT_FALSE(store.get("model.layers.0.mlp.down_proj.weight", {64, 192}).compact());  // converted on request
  EXPECT_FALSE(store.get("model.norm.weight", {64}).compact());

  auto m16 = load_model(dir16), m32 = load_model(dir32);
  EXPECT_LT(m16->info().weights_bytes * 10, m32->info().weights_bytes * 6);
  const ForwardInput in = test::golden_input(SafetensorsFile(test::golden_files("gemma2-random").front().string()));
  ForwardOptions opt;
  opt.hidden_states = true;
  const ForwardResult a = m16->forward(in, opt), b = m32->forward(in, opt);
  ASSERT_EQ(a.attentions.data.size(), b.attentions.data.size());
  double worst_att = 0;
  for (size_t i = 0; i < a.attentions.data.size(); ++i)
    worst_att = std::max(worst_att, double(std::abs(a.attentions.data[i] - b.attentions.data[i])));
  const double logits = test::max_abs_diff(a.logits, b.logits, "logits");
  EXPECT_LE(worst_att, 1e-5);
  EXPECT_LE(logits, 1e-4);
  // And BF16 rounding did change the model: the twins are not the original checkpoint.
  auto orig = load_model(src);
  EXPECT_GT(test::max_abs_diff(orig->forward(in, opt).logits, b.logits, "logits"), 1e-4);
  std::cout << "  BF16 compact vs float32 twin: attentions " << worst_att << ", logits " << logits << "; weights "
            << m16->info().weights_bytes << " vs " << m32->info().weights_bytes << " bytes\n";
}

// SmolLM and TinyLlama are Llama: their real config.json keys (core/models/synthetic.cpp) give the
// descriptor of their model cards. (Their forward pass is the Llama one checked above;
// `attnscope-cli bench --synthetic smollm-135m` runs it at full size.)
TEST(DecoderModels, SmolLmAndTinyLlamaConfigsAreLlama) {
  const Architecture smol = read_decoder_architecture(JsonObject(synthetic_config("smollm-135m"), "smollm"));
  EXPECT_EQ(smol.family, "llama");
  EXPECT_EQ(smol.num_heads, 9);
  EXPECT_EQ(smol.num_kv_heads, 3);
  EXPECT_EQ(smol.head_dim, 64);
  EXPECT_TRUE(smol.tied_output);
  EXPECT_EQ(smol.window, std::vector<int>(30, 0));
  const Architecture tiny = read_decoder_architecture(JsonObject(synthetic_config("tinyllama-1.1b"), "tinyllama"));
  EXPECT_EQ(tiny.num_kv_heads, 4);
  EXPECT_EQ(tiny.head_dim, 64);
  EXPECT_FALSE(tiny.tied_output);
  EXPECT_FLOAT_EQ(tiny.norm_eps, 1e-5f);
  // Config keys the families must refuse rather than misread.
  nlohmann::json bad = synthetic_config("smollm-135m");
  bad["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  EXPECT_THROW(read_decoder_architecture(JsonObject(bad, "bad")), Error);
  bad = synthetic_config("gemma3-1b");
  bad["layer_types"] = {"sliding_attention"};
  EXPECT_THROW(read_decoder_architecture(JsonObject(bad, "bad")), Error);
  // transformers v5's rope_parameters, keyed by layer type (Gemma 3).
  nlohmann::json v5 = synthetic_config("gemma3-1b");
  v5.erase("rope_theta");
  v5.erase("rope_local_base_freq");
  v5["rope_parameters"] = {{"full_attention", {{"rope_type", "linear"}, {"factor", 8.0}, {"rope_theta", 1e6}}},
                           {"sliding_attention", {{"rope_type", "default"}, {"rope_theta", 1e4}}}};
  const Architecture g = read_decoder_architecture(JsonObject(v5, "v5"));
  EXPECT_EQ(g.rope.scaling, RopeScaling::Linear);
  EXPECT_EQ(g.rope.factor, 8.0);
  ASSERT_TRUE(g.local_rope.has_value());
  EXPECT_EQ(g.local_rope->theta, 1e4);
  EXPECT_EQ(g.local_rope->scaling, RopeScaling::None);
  EXPECT_EQ(g.window[5], 0);
  EXPECT_EQ(g.window[4], 512);
}

// Past 256 tokens the attention runs in blocks of query rows, each starting at its first row's
// window: on 700 tokens every row of a sliding layer equals a softmax over exactly the window,
// computed here in double from the tapped q and k.
TEST(DecoderModels, LongInputsKeepTheWindowAcrossBlocks) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto m = load_model(shared("models/mistral-random"));
  ForwardInput in;
  for (int i = 0; i < 700; ++i) in.input_ids.push_back(3 + (i * 37) % 500);
  ForwardOptions opt;
  opt.layers = {1};
  opt.taps = {{Tap::Q, {1}}, {Tap::K, {1}}};
  const ForwardResult r = m->forward(in, opt);
  const Tensor* q = r.find_tapped(Tap::Q, 1);
  const Tensor* k = r.find_tapped(Tap::K, 1);
  ASSERT_TRUE(q && k);
  const int S = 700, d = 16, W = 8;
  double worst = 0;
  for (int h = 0; h < 4; ++h) {
    const ConstMatrixMap a = r.attentions.head(1, h);
    const int kvh = h / 2;
    for (int i = 0; i < S; ++i) {
      std::vector<double> s;
      double mx = -INFINITY, sum = 0;
      for (int j = std::max(0, i - W + 1); j <= i; ++j) {
        double dot = 0;
        for (int c = 0; c < d; ++c) dot += double(q->data[size_t(i) * 64 + h * d + c]) * k->data[size_t(j) * 32 + kvh * d + c];
        s.push_back(dot / 4.0);
        mx = std::max(mx, s.back());
      }
      for (double& x : s) sum += (x = std::exp(x - mx));
      for (int j = 0; j < S; ++j) {
        const int jj = j - std::max(0, i - W + 1);
        const double want = jj >= 0 && j <= i ? s[size_t(jj)] / sum : 0.0;
        if (want == 0.0) {
          EXPECT_EQ(a(i, j), 0.0f);
        }
        worst = std::max(worst, std::abs(a(i, j) - want));
      }
    }
  }
  EXPECT_LE(worst, 1e-5);
}

// Gemma3ForConditionalGeneration (Gemma 3 4B and larger): the text model's config under
// text_config, its tensors under language_model.model. (transformers 4.5x) or
// model.language_model. (v5), a vision tower that is not run.
TEST(DecoderModels, MultimodalGemma3RunsItsLanguageModel) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto src = shared("models/gemma3-random");
  SafetensorsFile g(test::golden_files("gemma3-random").front().string());
  for (const std::string prefix : {"language_model.model.", "model.language_model."}) {
    SCOPED_TRACE(prefix);
    test::CheckpointBuilder b(src, [&](const std::string& name) { return prefix + name.substr(6); });  // drop "model."
    b.add_random("vision_tower.vision_model.embeddings.patch_embedding.weight", {8, 3, 14, 14}, 0.0f, 0.02f);
    const nlohmann::json text = b.config;
    b.config = {{"model_type", "gemma3"}, {"architectures", {"Gemma3ForConditionalGeneration"}}, {"text_config", text},
                {"vision_config", {{"model_type", "siglip_vision_model"}}}};
    const auto dir = test::scratch_dir("gemma3-multimodal");
    b.write(dir);
    auto m = load_model(dir);
    EXPECT_EQ(m->info().model_type, "gemma3");
    EXPECT_EQ(m->info().architecture, "Gemma3ForConditionalGeneration");
    EXPECT_EQ(m->info().arch.window, (std::vector<int>{8, 8, 0, 8}));
    ASSERT_EQ(m->info().warnings.size(), 1u);
    EXPECT_NE(m->info().warnings[0].find("only the language model runs"), std::string::npos);
    const ForwardResult r = test::expect_matches_golden(*m, test::golden_files("gemma3-random").front());
    EXPECT_EQ(test::max_upper_triangle(r.attentions), 0.0f);
  }
  nlohmann::json no_text = {{"model_type", "gemma3"}};
  EXPECT_THROW(read_decoder_architecture(JsonObject(no_text, "config.json")), Error);
}
