// Speed and scale (issue 8): synthetic benchmark models, float16 attention capture, the goldens
// at 1 and 2 threads, the benchmark runner and the non-finite weight scan at load time.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>

#include <gtest/gtest.h>

#include "core/analysis/cost_model.h"
#include "core/analysis/fusion.h"
#include "core/common/error.h"
#include "core/models/checkpoint.h"
#include "core/models/synthetic.h"
#include "core/pipeline/bench.h"
#include "tests/core/test_checkpoint.h"
#include "tests/support/golden.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

CheckpointFiles synthetic_files(uint64_t seed) {
  CheckpointFiles f;
  f.dir = "synthetic:test";
  f.synthetic = SyntheticWeights{seed, {"lm_head.weight"}};
  return f;
}

double mean_of(const Weight& w) { return w.vector().cast<double>().mean(); }

double stddev_of(const Weight& w) {
  const double m = mean_of(w);
  return std::sqrt((w.vector().cast<double>().array() - m).square().mean());
}

// Every row of every captured head, converted to float32, sums to 1 within `tol`; the worst error.
double worst_row_sum_error_any(const AttentionMaps& a) {
  double worst = 0;
  RowMatrix scratch;
  for (int layer : a.layers)
    for (int h = 0; h < a.num_heads; ++h) {
      const ConstMatrixMap m = a.head_f32(layer, h, scratch);
      for (Eigen::Index i = 0; i < m.rows(); ++i) worst = std::max(worst, std::fabs(m.row(i).cast<double>().sum() - 1.0));
    }
  return worst;
}

// max |f16 - f32| over all captured values.
double max_f16_error(const AttentionMaps& f16, const AttentionMaps& f32) {
  double worst = 0;
  RowMatrix scratch;
  for (int layer : f32.layers)
    for (int h = 0; h < f32.num_heads; ++h)
      worst = std::max(worst, static_cast<double>((f16.head_f32(layer, h, scratch) - f32.head(layer, h)).cwiseAbs().maxCoeff()));
  return worst;
}

}  // namespace

TEST(SyntheticWeights, DeterministicWithTheInitialiserScale) {
  WeightStore a(synthetic_files(7)), b(synthetic_files(7)), other(synthetic_files(8));
  const Weight w = a.get("encoder.layer.0.dense.weight", {300, 200});
  // Element values depend on (seed, name, index) only: b asks for another tensor first.
  b.get("encoder.layer.0.dense.bias", {300});
  const Weight w2 = b.get("encoder.layer.0.dense.weight", {300, 200});
  EXPECT_TRUE(std::equal(w.data, w.data + w.size(), w2.data));
  const Weight w3 = other.get("encoder.layer.0.dense.weight", {300, 200});
  EXPECT_FALSE(std::equal(w.data, w.data + w.size(), w3.data));
  // Asked again: the same storage; with another shape: refused.
  EXPECT_EQ(a.get("encoder.layer.0.dense.weight", {300, 200}).data, w.data);
  EXPECT_THROW(a.get("encoder.layer.0.dense.weight", {200, 300}), Error);

  // Matrices: uniform with standard deviation 0.02 (60,000 values: the mean's own spread is 8e-5).
  EXPECT_NEAR(mean_of(w), 0.0, 4e-4);
  EXPECT_NEAR(stddev_of(w), 0.02, 0.02 * 0.02);
  EXPECT_LE(w.vector().cwiseAbs().maxCoeff(), 0.02f * std::sqrt(3.0f));
  // Norm scales around 1, biases around 0, both within +-0.02.
  const Weight scale = a.get("encoder.layer.0.LayerNorm.weight", {4096});
  const Weight bias = a.get("encoder.layer.0.LayerNorm.bias", {4096});
  EXPECT_NEAR(mean_of(scale), 1.0, 1e-3);
  EXPECT_LE((scale.vector().array() - 1.0f).abs().maxCoeff(), 0.02f);
  EXPECT_NEAR(mean_of(bias), 0.0, 1e-3);
  EXPECT_LE(bias.vector().cwiseAbs().maxCoeff(), 0.02f);
  EXPECT_GT(bias.vector().cwiseAbs().maxCoeff(), 0.015f);  // spread over the range, not collapsed

  // Absent tensors (tied weights) are absent.
  EXPECT_FALSE(a.has("lm_head.weight"));
  EXPECT_FALSE(a.get_optional("lm_head.weight", {10, 10}));
  EXPECT_EQ(a.parameter_count(), 300 * 200 + 4096 * 2);
  EXPECT_EQ(a.file_bytes(), static_cast<uint64_t>(a.parameter_count()) * 4);
}

TEST(SyntheticModels, HaveTheRealModelsShapesAndParameterCounts) {
  const std::vector<std::string> names = synthetic_model_names();
  for (const char* n : {"bert-base", "bert-tiny", "vit-base-16", "vit-tiny-16", "gpt2-small", "llama-small"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  try {
    load_synthetic_model("bert-huge");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("bert-base"), std::string::npos) << e.what();
  }
  // The published parameter counts of the Hugging Face base models (sum of numel() over
  // model.parameters()): BertModel bert-base-uncased, GPT2Model gpt2, ViTModel (with pooler)
  // google/vit-base-patch16-224.
  struct Want {
    const char* name;
    int64_t parameters;
    int layers, heads, hidden, seq_or_image;
  };
  for (const Want& w : {Want{"bert-base", 109482240, 12, 12, 768, 512}, Want{"gpt2-small", 124439808, 12, 12, 768, 1024},
                        Want{"vit-base-16", 86389248, 12, 12, 768, 224}}) {
    SCOPED_TRACE(w.name);
    const auto m = load_synthetic_model(w.name);
    const ModelInfo& i = m->info();
    EXPECT_EQ(i.parameter_count, w.parameters);
    EXPECT_EQ(i.num_layers, w.layers);
    EXPECT_EQ(i.num_heads, w.heads);
    EXPECT_EQ(i.hidden_size, w.hidden);
    EXPECT_EQ(i.modality == Modality::Image ? i.image_size : i.max_positions, w.seq_or_image);
    EXPECT_EQ(i.head, HeadKind::None);  // base models
    EXPECT_EQ(i.dir, "synthetic:" + std::string(w.name));
  }
  // llama-small is 4 GB of weights: its configuration only.
  const auto llama = synthetic_config("llama-small");
  EXPECT_EQ(llama["num_hidden_layers"], 16);
  EXPECT_EQ(llama["hidden_size"], 2048);
  EXPECT_EQ(llama["num_attention_heads"], 32);
  EXPECT_EQ(llama["num_key_value_heads"], 8);
}

TEST(SyntheticModels, SameSeedSameResultsOtherSeedOtherResults) {
  const auto a = load_synthetic_model("bert-tiny"), b = load_synthetic_model("bert-tiny"), c = load_synthetic_model("bert-tiny", 1);
  const ForwardInput in = generated_input(a->info(), nullptr, 64, 3);
  ForwardOptions opt;
  opt.threads = 1;
  const ForwardResult ra = a->forward(in, opt), rb = b->forward(in, opt), rc = c->forward(in, opt);
  EXPECT_EQ(ra.attentions.data, rb.attentions.data);
  EXPECT_EQ(ra.last_hidden_state.data, rb.last_hidden_state.data);
  EXPECT_NE(ra.attentions.data, rc.attentions.data);
  EXPECT_LE(test::worst_row_sum_error(ra.attentions), 1e-5);
  for (float v : ra.last_hidden_state.data) ASSERT_TRUE(std::isfinite(v));
}

// The goldens at 1 and 2 threads: the parallel paths (heads and row blocks in parallel, the
// matrix products threaded) must give the same numbers as the serial ones.
TEST(GoldensAtThreads, TextModels) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* model : {"bert-random", "distilbert-random", "roberta-random", "gpt2-random", "stories260K"}) {
    const auto m = load_model(shared(std::string("models/") + model));
    const auto files = test::golden_files(model);
    ASSERT_FALSE(files.empty()) << model;
    for (int threads : {1, 2}) {
      SCOPED_TRACE(std::string(model) + " at " + std::to_string(threads) + " threads");
      for (const auto& path : files) {
        const ForwardResult r = test::expect_matches_golden(*m, path, threads);
        if (m->info().causal) {
          EXPECT_EQ(test::max_upper_triangle(r.attentions), 0.0f);
        }
      }
    }
  }
}

TEST(GoldensAtThreads, VisionModels) {
  ATTNSCOPE_REQUIRE_SHARED();
  // The random-weight DeiT and DINO goldens (vision tolerance 1e-4), from their stored pixel values.
  for (const char* model : {"deit-random", "dino-random"}) {
    const auto m = load_model(shared(std::string("models/") + model));
    for (const char* golden : {"chelsea", "chelsea_320x240"}) {
      SafetensorsFile g(shared(std::string("golden/") + model + "/" + golden + ".safetensors").string());
      ForwardInput in;
      in.pixel_values = g.tensor("pixel_values");
      for (int threads : {1, 2}) {
        const std::string what = std::string(model) + "/" + golden + " at " + std::to_string(threads) + " threads";
        ForwardOptions opt;
        opt.hidden_states = true;
        opt.threads = threads;
        const ForwardResult r = m->forward(in, opt);
        EXPECT_LE(test::max_abs_diff(r.attentions.data, r.attentions.shape(), g.tensor("attentions"), what), 1e-4) << what;
        EXPECT_LE(test::max_abs_diff(r.hidden_states, g.tensor("hidden_states"), what), 1e-4) << what;
        EXPECT_LE(test::max_abs_diff(r.last_hidden_state, g.tensor("last_hidden_state"), what), 1e-4) << what;
        EXPECT_LE(test::worst_row_sum_error(r.attentions), 1e-5) << what;
      }
    }
  }
}

TEST(AttentionF16, WithinHalfPrecisionOfFloat32RowsSumToOne) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* model : {"bert-random", "gpt2-random"}) {
    SCOPED_TRACE(model);
    const auto m = load_model(shared(std::string("models/") + model));
    SafetensorsFile g(shared(std::string("golden/") + model + "/03_long.safetensors").string());
    const ForwardInput in = test::golden_input(g);
    ForwardOptions opt;
    opt.threads = 1;
    const ForwardResult f32 = m->forward(in, opt);
    opt.attention_f16 = true;
    const ForwardResult f16 = m->forward(in, opt);
    const AttentionMaps& a = f16.attentions;
    ASSERT_TRUE(a.f16);
    EXPECT_TRUE(a.data.empty());
    EXPECT_EQ(a.shape(), f32.attentions.shape());
    EXPECT_EQ(a.bytes() * 2, f32.attentions.bytes());
    EXPECT_THROW(a.head(a.layers[0], 0), Error);  // float32 access refused, not garbage
    // Rounding to nearest float16 (10 stored mantissa bits) moves a normal value v by at most
    // 2^-11 v, so by at most 2^-12 in [0.5, 1], and a subnormal by 2^-25: a row of S values summing
    // to 1 moves by at most 2^-11 + S 2^-25 (plus the float32 row's own 1e-6).
    const double err = max_f16_error(a, f32.attentions);
    EXPECT_LE(err, 1e-3);
    EXPECT_LE(err, std::ldexp(1.0, -12));
    EXPECT_GT(err, 0.0);  // really rounded
    const double row_bound = std::ldexp(1.0, -11) + a.seq_len * std::ldexp(1.0, -25) + 1e-6;
    EXPECT_LE(worst_row_sum_error_any(a), row_bound);
    // The rest of the pass is the same computation.
    EXPECT_EQ(f16.last_hidden_state.data, f32.last_hidden_state.data);
    // Against the golden too, and the causal zeros stay exact.
    Tensor converted(a.shape());
    RowMatrix scratch;
    for (size_t l = 0; l < a.layers.size(); ++l)
      for (int h = 0; h < a.num_heads; ++h)
        converted.matrix(static_cast<int64_t>(l) * a.num_heads + h) = a.head_f32(a.layers[l], h, scratch);
    EXPECT_LE(test::max_abs_diff(converted, g.tensor("attentions"), "attentions"), 1e-3);
    if (m->info().causal) {
      for (size_t i = 0; i < converted.data.size(); ++i) {
        const size_t q = (i / a.seq_len) % a.seq_len, k = i % a.seq_len;
        if (k > q) {
          ASSERT_EQ(converted.data[i], 0.0f);
        }
      }
    }
  }
}

TEST(AttentionF16, ChosenLayersOnlyAndAnalysesReadThemConverted) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto m = load_model(shared("models/bert-random"));
  SafetensorsFile g(shared("golden/bert-random/03_long.safetensors").string());
  ForwardOptions opt;
  opt.layers = {1};
  opt.attention_f16 = true;
  const ForwardResult r = m->forward(test::golden_input(g), opt);
  EXPECT_EQ(r.attentions.layers, std::vector<int>{1});
  EXPECT_EQ(r.attentions.data_f16.size(), static_cast<size_t>(r.attentions.num_heads) * r.attentions.matrix_size());
  opt.attention_f16 = false;
  const ForwardResult full = m->forward(test::golden_input(g), opt);
  FusionOptions mean;
  const RowMatrix fused16 = fuse_heads(r.attentions, 1, mean), fused32 = fuse_heads(full.attentions, 1, mean);
  EXPECT_LE((fused16 - fused32).cwiseAbs().maxCoeff(), 1e-3f);
}

TEST(Bench, TimesPassesAndCountsWhatItKeeps) {
  const auto m = load_synthetic_model("bert-tiny");
  BenchOptions o;
  o.seq_len = 64;
  o.iters = 3;
  o.threads = 1;
  const BenchResult r = run_bench(*m, o);
  ASSERT_EQ(r.seconds.size(), 3u);
  EXPECT_LE(r.min_seconds, r.median_seconds);
  EXPECT_LE(r.median_seconds, r.max_seconds);
  EXPECT_EQ(r.seq_len, 64);
  EXPECT_EQ(r.threads, 1);
  EXPECT_DOUBLE_EQ(r.flops, model_cost(cost_shape(m->info()), 64).total.flops);
  EXPECT_NEAR(r.gflops, r.flops / r.median_seconds * 1e-9, 1e-9 * r.gflops);
  EXPECT_EQ(r.captured_layers, 2);
  EXPECT_EQ(r.attention_bytes, 2u * 2 * 64 * 64 * 4);  // 2 layers x 2 heads x 64^2 x float32
  EXPECT_GE(r.peak_rss_bytes, r.weights_bytes);
  o.attention_f16 = true;
  o.layers = {1};
  o.iters = 1;
  const BenchResult half = run_bench(*m, o);
  EXPECT_EQ(half.attention_bytes, 1u * 2 * 64 * 64 * 2);
  EXPECT_TRUE(half.attention_f16);

  // Images: a square input of the given side.
  const auto vit = load_synthetic_model("vit-tiny-16");
  BenchOptions io;
  io.image_size = 64;
  io.iters = 1;
  const BenchResult ir = run_bench(*vit, io);
  EXPECT_EQ(ir.seq_len, 1 + 4 * 4);
  EXPECT_EQ(ir.image_size, 64);
  io.seq_len = 0;
  io.image_size = 8;  // smaller than a patch
  EXPECT_THROW(run_bench(*vit, io), Error);
}

TEST(Bench, GemmPeakRuns) {
  const GemmBenchResult g = run_gemm_bench(96, 80, 64, 2, 1);
  EXPECT_EQ(g.seconds.size(), 2u);
  EXPECT_GT(g.gflops, 0.0);
  EXPECT_GE(g.best_gflops, g.gflops);
  EXPECT_THROW(run_gemm_bench(0, 1, 1, 1, 1), Error);
}

// The load-time scan for NaN / Inf (vectorised and parallel over blocks): finds a single bad
// value wherever it is in a large tensor, and reports nothing for a clean checkpoint.
TEST(WeightScan, FindsOneNonFiniteValueAnywhereInALargeTensor) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = std::filesystem::temp_directory_path() / ("attnscope_scan_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    test::CheckpointBuilder clean(shared("models/bert-random"));
    clean.write(dir);
    EXPECT_TRUE(load_model(dir)->info().warnings.empty());
  }
  // word_embeddings [30522, 128]: 3.9 M values, 60 blocks of the scan.
  const std::string words = "bert.embeddings.word_embeddings.weight", query = "bert.encoder.layer.1.attention.self.query.weight";
  for (size_t position : {size_t{0}, size_t{2000000}, size_t{30522 * 128 - 1}}) {
    test::CheckpointBuilder b(shared("models/bert-random"), [&](const std::string& n) {
      return n == words || n == query ? "" : n;
    });
    SafetensorsFile f((shared("models/bert-random") / "model.safetensors").string());
    Tensor w = f.tensor(words), q = f.tensor(query);
    w.data[position] = std::numeric_limits<float>::infinity();
    q.data[q.data.size() / 2] = std::numeric_limits<float>::quiet_NaN();
    b.add(words, std::move(w));
    b.add(query, std::move(q));
    b.write(dir);
    const auto warnings = load_model(dir)->info().warnings;
    SCOPED_TRACE(position);
    EXPECT_NE(std::find(warnings.begin(), warnings.end(), "weight '" + words + "' contains NaN or Inf"), warnings.end());
    EXPECT_NE(std::find(warnings.begin(), warnings.end(), "weight '" + query + "' contains NaN or Inf"), warnings.end());
    EXPECT_EQ(warnings.size(), 2u);
  }
  std::filesystem::remove_all(dir);
}
