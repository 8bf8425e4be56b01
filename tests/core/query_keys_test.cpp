// Maps recomputed from the queries and keys a run kept (core/models/query_keys.h) against the maps
// the same run captures, on every architecture: equal bit for bit, by row range, as block
// overviews, and the run itself unchanged.
#include <algorithm>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/memory_budget.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

const char* const kModels[] = {"bert-random",   "distilbert-random", "roberta-random", "gpt2-random",      "llama3-random",
                               "mistral-random", "qwen2-random",      "qwen3-random",   "phi3-random",      "gemma2-random",
                               "gemma3-random",  "t5-random",         "stories260K",    "vit-tiny-patch16-224", "deit-random",
                               "dino-random",    "dinov2-random",     "dinov2-reg-random"};

// Long enough for several of the forward's row blocks (128 rows past 256 tokens) and for the
// 8-token sliding windows of the Mistral and Gemma checkpoints to exclude most keys.
AnalysisRequest long_request(const ModelInfo& info) {
  AnalysisRequest req;
  if (info.modality == Modality::Image) {
    req.image = shared("samples/images/chelsea.png");
    req.image_size = ImageSize{info.patch_size * 18, info.patch_size * 18};  // 324 patches
  } else {
    for (int i = 0; i < 12; ++i)
      req.text += "Once upon a time there was a little girl named Lily who loved to play in the park with her dog. ";
    req.max_tokens = info.max_positions > 0 ? std::min(300, info.max_positions) : 300;
  }
  if (info.encoder_decoder) req.target = "x";
  return req;
}

float max_abs_diff(const float* a, const float* b, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

}  // namespace

TEST(QueryKeys, RecomputedMapsEqualTheCapturedOnesOnEveryArchitecture) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* name : kModels) {
    SCOPED_TRACE(name);
    const auto analyzer = Analyzer::open(shared(std::string("models/") + name));
    AnalysisRequest req = long_request(analyzer->info());
    const Analysis full = analyzer->run(req);
    req.forward.query_keys = true;
    const Analysis kept = analyzer->run(req);
    const AttentionMaps& maps = full.forward.attentions;
    const int S = maps.seq_len, H = maps.num_heads, L = maps.num_layers;
    ASSERT_GT(S, analyzer->info().modality == Modality::Image ? 300 : 250);

    // The run is the same; only what it keeps differs.
    EXPECT_TRUE(kept.forward.attentions.empty());
    EXPECT_EQ(kept.seq_len(), S);
    EXPECT_EQ(kept.forward.attentions.num_heads, H);
    ASSERT_EQ(kept.forward.query_keys.layers.size(), size_t(L));
    EXPECT_EQ(max_abs_diff(kept.forward.last_hidden_state.data.data(), full.forward.last_hidden_state.data.data(),
                           full.forward.last_hidden_state.data.size()), 0.0f);
    EXPECT_EQ(max_abs_diff(kept.forward.logits.data.data(), full.forward.logits.data.data(), full.forward.logits.data.size()), 0.0f);
    if (full.has_decoder()) {  // T5: the decoder's maps are kept as maps
      EXPECT_EQ(kept.forward.decoder.attentions.data, full.forward.decoder.attentions.data);
    }

    // Every head of every layer, recomputed whole: the same bits.
    const AttentionMaps again = recompute_maps(kept.forward.query_keys);
    ASSERT_EQ(again.layers, maps.layers);
    ASSERT_EQ(again.data.size(), maps.data.size());
    EXPECT_EQ(max_abs_diff(again.data.data(), maps.data.data(), maps.data.size()), 0.0f);
    EXPECT_TRUE(again.data == maps.data);

    // A row range that starts and ends inside row blocks.
    const LayerQueryKeys& last = kept.forward.query_keys.layer(L - 1);
    const int r0 = 100, r1 = S - 3;
    std::vector<float> rows(size_t(r1 - r0) * size_t(S));
    attention_rows(last, H - 1, r0, r1, rows.data());
    EXPECT_EQ(max_abs_diff(rows.data(), maps.head_data(L - 1, H - 1) + size_t(r0) * size_t(S), rows.size()), 0.0f);

    // What it costs: q and k, not S^2.
    const auto& info = analyzer->info();
    const int Hkv = info.num_kv_heads > 0 ? info.num_kv_heads : H;
    uint64_t want = uint64_t(L) * uint64_t(S) * uint64_t(info.head_dim) * uint64_t(H + Hkv) * 4;
    if (info.encoder_decoder) want += uint64_t(L) * uint64_t(H) * uint64_t(2 * S - 1) * 4;  // T5's relative bias
    uint64_t masks = 0;
    for (const auto& l : kept.forward.query_keys.layers) masks += l.key_mask.size() * sizeof(int64_t);
    EXPECT_EQ(kept.forward.query_keys.bytes(), want + masks);
  }
}

TEST(QueryKeys, OverviewsAreBlockMaximaAndMeansOfTheMap) {
  ATTNSCOPE_REQUIRE_SHARED();
  for (const char* name : {"gemma2-random", "gpt2-random", "bert-random"}) {
    SCOPED_TRACE(name);
    const auto analyzer = Analyzer::open(shared(std::string("models/") + name));
    AnalysisRequest req = long_request(analyzer->info());
    req.forward.query_keys = true;
    req.forward.layers = {1};
    const Analysis a = analyzer->run(req);
    const LayerQueryKeys& L = a.forward.query_keys.layer(1);
    ASSERT_EQ(a.forward.query_keys.layers.size(), 1u);
    const int S = L.seq_len;
    const int head = L.num_heads() - 1;
    const RowMatrix map = attention_map(L, head);
    for (int cells : {7, 64, S, 10 * S}) {
      SCOPED_TRACE(cells);
      const AttentionOverview mx = attention_overview(L, head, cells, OverviewReduce::Max);
      const AttentionOverview mean = attention_overview(L, head, cells, OverviewReduce::Mean);
      const int b = mx.block, n = static_cast<int>(mx.cells.rows());
      EXPECT_EQ(b, (S + std::min(cells, S * 10) - 1) / cells);
      EXPECT_EQ(n, (S + b - 1) / b);
      EXPECT_LE(n, cells);
      for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
          const int i0 = r * b, j0 = c * b, h = std::min(S, i0 + b) - i0, w = std::min(S, j0 + b) - j0;
          const auto block = map.block(i0, j0, h, w);
          ASSERT_EQ(mx.cells(r, c), block.maxCoeff()) << r << "," << c;
          ASSERT_NEAR(mean.cells(r, c), block.cast<double>().mean(), 1e-6) << r << "," << c;
        }
      // Causal models: every block wholly above the diagonal is exactly 0.
      if (analyzer->info().causal)
        for (int r = 0; r < n; ++r)
          for (int c = r + 1; c < n; ++c)
            if (c * b > std::min(S, (r + 1) * b) - 1) {
              ASSERT_EQ(mx.cells(r, c), 0.0f) << r << "," << c;
            }
    }
  }
}

TEST(QueryKeys, RefusesWhatWasNotKeptAndCancels) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto analyzer = Analyzer::open(shared("models/stories260K"));
  AnalysisRequest req;
  req.text = "Once upon a time";
  req.forward.query_keys = true;
  req.forward.layers = {0, 3};
  const Analysis a = analyzer->run(req);
  const QueryKeyCapture& qk = a.forward.query_keys;
  try {
    qk.layer(1);
    FAIL() << "layer 1 was not kept";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("layer 1 were not kept (kept: 0, 3)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(attention_map(qk.layer(0), 8), Error);
  std::vector<float> out(10);
  EXPECT_THROW(attention_rows(qk.layer(0), 0, 2, 1, out.data()), Error);
  EXPECT_THROW(recompute_maps(qk, {2}), Error);

  int calls = 0;
  const AttentionMaps stopped = recompute_maps(qk, {}, [&](const Progress&) { return ++calls < 1; });
  EXPECT_TRUE(stopped.empty());
  EXPECT_EQ(calls, 1);
  const AttentionMaps one = recompute_maps(qk, {3});
  EXPECT_EQ(one.layers, std::vector<int>{3});
  // Rows sum to 1 and the causal upper triangle is exactly 0.
  const auto m = one.head(3, 5);
  for (int i = 0; i < m.rows(); ++i) {
    EXPECT_NEAR(m.row(i).sum(), 1.0f, 1e-5f);
    for (int j = i + 1; j < m.cols(); ++j) ASSERT_EQ(m(i, j), 0.0f);
  }
}

TEST(QueryKeys, AutoKeepsMapsWhenTheyFitAndQueriesAndKeysWhenOnlyTheyDo) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto analyzer = Analyzer::open(shared("models/gpt2-random"));
  AnalysisRequest req = long_request(analyzer->info());
  req.storage = MapStorage::Auto;
  const Analysis first = analyzer->run(req);  // the default budget: half the RAM
  ASSERT_FALSE(first.forward.attentions.empty());
  EXPECT_TRUE(first.forward.query_keys.empty());

  const int64_t S = first.seq_len();
  ForwardOptions opt = req.forward;
  const uint64_t with_maps = estimate_run_memory(analyzer->info(), S, opt).total();
  opt.query_keys = true;
  const uint64_t with_keys = estimate_run_memory(analyzer->info(), S, opt).total();
  ASSERT_LT(with_keys, with_maps);

  req.memory_budget = with_maps;  // just fits
  EXPECT_FALSE(analyzer->run(req).forward.attentions.empty());
  req.memory_budget = with_maps - 1;
  const Analysis kept = analyzer->run(req);
  EXPECT_TRUE(kept.forward.attentions.empty());
  EXPECT_EQ(kept.forward.query_keys.layers.size(), size_t(analyzer->info().num_layers));
  EXPECT_TRUE(recompute_maps(kept.forward.query_keys).data == first.forward.attentions.data);

  req.memory_budget = with_keys - 1;  // neither fits: refused, naming the budget
  EXPECT_THROW(analyzer->run(req), MemoryBudgetError);
  req.storage = MapStorage::QueryKeys;  // forced, whatever the budget allows
  req.memory_budget = 0;
  EXPECT_TRUE(analyzer->run(req).forward.attentions.empty());
}
