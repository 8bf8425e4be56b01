// The KV cache and generation (core/models/kv_cache.h, core/pipeline/generation.h): what a cached
// run computes must be what one run over the whole sequence computes, on every causal family,
// including sliding windows (Mistral, Gemma; window 8 here) and soft-capping (Gemma 2).
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/models/model.h"
#include "core/pipeline/generation.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

const char* const kCausal[] = {"stories260K",   "gpt2-random",   "qwen2-random",  "qwen3-random", "mistral-random",
                               "llama3-random", "gemma2-random", "gemma3-random", "phi3-random"};

std::vector<int64_t> some_ids(const ModelInfo& mi, int n) {
  std::vector<int64_t> ids;
  for (int i = 0; i < n; ++i) ids.push_back((7 + 131 * int64_t(i) * i) % std::min<int64_t>(mi.vocab_size, 500) + 3);
  return ids;
}

struct CausalModel : ::testing::TestWithParam<const char*> {};

// The sequence in three chunks through one cache: each chunk's maps [H, S_c, past + S_c] and
// hidden states are the rows of the full run's.
TEST_P(CausalModel, ChunkedCacheEqualsOneRun) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto model = load_model(shared(std::string("models/") + GetParam()));
  const ModelInfo& mi = model->info();
  ASSERT_TRUE(mi.kv_cache);
  const std::vector<int64_t> ids = some_ids(mi, 41);
  ForwardOptions o;
  o.hidden_states = true;
  ForwardInput whole;
  whole.input_ids = ids;
  const ForwardResult full = model->forward(whole, o);

  KvCache cache;
  double worst_attn = 0, worst_hidden = 0, worst_logits = 0;
  int past = 0;
  for (int len : {17, 1, 23}) {
    ForwardInput in;
    in.cache = &cache;
    in.input_ids.assign(ids.begin() + past, ids.begin() + past + len);
    const ForwardResult r = model->forward(in, o);
    ASSERT_EQ(cache.length, past + len);
    ASSERT_EQ(r.attentions.seq_len, len);
    ASSERT_EQ(r.attentions.keys(), past + len);
    for (int l : r.attentions.layers)
      for (int h = 0; h < mi.num_heads; ++h) {
        const ConstMatrixMap got = r.attentions.head(l, h), want = full.attentions.head(l, h);
        for (int i = 0; i < len; ++i) {
          for (int j = 0; j < past + len; ++j) worst_attn = std::max(worst_attn, double(std::abs(got(i, j) - want(past + i, j))));
          // Future keys, masked by the causal triangle, are exactly 0 here too.
          for (int j = past + i + 1; j < past + len; ++j) ASSERT_EQ(got(i, j), 0.0f) << "layer " << l << " head " << h;
        }
      }
    for (int l = 0; l <= mi.num_layers; ++l)
      worst_hidden = std::max(worst_hidden, double((r.hidden_states.matrix(l) - full.hidden_states.matrix(l).middleRows(past, len))
                                                       .cwiseAbs()
                                                       .maxCoeff()));
    worst_logits = std::max(worst_logits,
                            double((r.logits.matrix() - full.logits.matrix().middleRows(past, len)).cwiseAbs().maxCoeff()));
    past += len;
  }
  std::cout << "  " << GetParam() << ": max |diff| attentions " << worst_attn << ", hidden " << worst_hidden << ", logits "
            << worst_logits << "\n";
  EXPECT_LT(worst_attn, 1e-5);
  EXPECT_LT(worst_hidden, 1e-4);
  EXPECT_LT(worst_logits, 1e-4);
}

// Greedy generation step by step equals one run over the final sequence: step s's rows are the
// full run's row of the token before it, and its chosen token is that row's argmax.
TEST_P(CausalModel, GenerationStepsEqualOneRun) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto model = load_model(shared(std::string("models/") + GetParam()));
  const ModelInfo& mi = model->info();
  GenerationOptions g;
  g.max_new_tokens = 24;
  g.stop_at_eos = false;
  g.candidates = 5;
  const std::vector<int64_t> prompt = some_ids(mi, 9);
  const Generation gen = generate(*model, prompt, g);
  ASSERT_EQ(gen.steps.size(), 24u);
  ASSERT_EQ(gen.stop, StopReason::MaxNewTokens);
  std::vector<int64_t> seq = gen.sequence();
  seq.pop_back();  // the last token was chosen but never read
  ForwardInput in;
  in.input_ids = seq;
  const ForwardResult full = model->forward(in, ForwardOptions{});
  const int P = static_cast<int>(prompt.size());
  double worst = 0, worst_prob = 0;
  for (size_t s = 0; s < gen.steps.size(); ++s) {
    const GenerationStep& st = gen.steps[s];
    const int q = P + static_cast<int>(s) - 1;  // the query that produced the token
    ASSERT_EQ(st.context, q + 1);
    for (size_t slot = 0; slot < gen.layers.size(); ++slot)
      for (int h = 0; h < mi.num_heads; ++h) {
        const float* row = gen.row(s, static_cast<int>(slot), h);
        const ConstMatrixMap want = full.attentions.head(gen.layers[slot], h);
        for (int j = 0; j < st.context; ++j) worst = std::max(worst, double(std::abs(row[j] - want(q, j))));
      }
    const float* z = full.logits.data.data() + static_cast<size_t>(q) * mi.vocab_size;
    EXPECT_EQ(st.token, std::max_element(z, z + mi.vocab_size) - z) << "step " << s + 1;
    const std::vector<Prediction> want = top_k(z, mi.vocab_size, 5);
    ASSERT_EQ(st.candidates.size(), want.size());
    for (size_t k = 0; k < want.size(); ++k)
      worst_prob = std::max(worst_prob, double(std::abs(st.candidates[k].probability - want[k].probability)));
  }
  // The prompt's own run is the full run's top-left block.
  for (int l : gen.prompt_attention.layers)
    for (int h = 0; h < mi.num_heads; ++h)
      worst = std::max(worst, double((gen.prompt_attention.head(l, h) - full.attentions.head(l, h).topLeftCorner(P, P))
                                         .cwiseAbs()
                                         .maxCoeff()));
  std::cout << "  " << GetParam() << ": steps vs one run, max |diff| attention rows " << worst << ", candidate probabilities "
            << worst_prob << "\n";
  EXPECT_LT(worst, 1e-5);
  EXPECT_LT(worst_prob, 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Shared, CausalModel, ::testing::ValuesIn(kCausal), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});

TEST(Generation, CancelBetweenStepsKeepsTheStepsMade) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto model = load_model(shared("models/stories260K"));
  GenerationOptions g;
  g.max_new_tokens = 10;
  g.stop_at_eos = false;
  int calls = 0;
  const Generation gen = generate(*model, {1, 403, 407}, g, [&](const Progress& p) {
    ++calls;
    return p.done < 3;  // stop before the 4th token
  });
  EXPECT_EQ(gen.stop, StopReason::Cancelled);
  EXPECT_EQ(gen.steps.size(), 3u);
  EXPECT_EQ(gen.generated.size(), 3u);
  EXPECT_GT(calls, 3);
}

TEST(Generation, StopsAfterEosAndRefusesEncoders) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto model = load_model(shared("models/stories260K"));
  ASSERT_EQ(model->info().eos_ids, std::vector<int64_t>{2});  // generation_config.json
  GenerationOptions g;
  g.max_new_tokens = 40;
  g.stop_at_eos = false;
  const std::vector<int64_t> prompt = {1, 403, 407, 261, 378};
  const std::vector<int64_t> all = generate(*model, prompt, g).generated;
  ASSERT_EQ(all.size(), 40u);
  // Stop at the 12th token's id: generation ends at its first occurrence, keeping it.
  g.stop_at_eos = true;
  g.stop_ids = {all[11]};
  const Generation gen = generate(*model, prompt, g);
  ASSERT_EQ(gen.stop, StopReason::Eos);
  const size_t first = static_cast<size_t>(std::find(all.begin(), all.end(), all[11]) - all.begin());
  EXPECT_EQ(gen.generated, std::vector<int64_t>(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(first) + 1));

  const auto bert = load_model(shared("models/bert-random"));
  EXPECT_FALSE(bert->info().kv_cache);
  try {
    generate(*bert, {101, 102}, g);
    FAIL() << "an encoder generated";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("causal language model"), std::string::npos) << e.what();
  }
  KvCache cache;
  ForwardInput in;
  in.input_ids = {101, 102};
  in.cache = &cache;
  EXPECT_THROW(bert->forward(in, ForwardOptions{}), Error);
}

TEST(Generation, RunsOutOfPositionsWithoutFailing) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto model = load_model(shared("models/stories260K"));  // 512 positions
  std::vector<int64_t> prompt(508, 261);
  prompt[0] = 1;
  GenerationOptions g;
  g.max_new_tokens = 10;
  g.stop_at_eos = false;
  const Generation gen = generate(*model, prompt, g);
  EXPECT_EQ(gen.stop, StopReason::ContextFull);
  EXPECT_EQ(gen.steps.size(), 5u);  // reads 508, 509, ..., 512 tokens
  prompt.resize(513, 261);
  EXPECT_THROW(generate(*model, prompt, g), Error);
}

// The sampler against the distribution it should draw from.
TEST(Sampling, FrequenciesFollowTemperatureTopKAndTopP) {
  const std::vector<float> z = {0.0f, std::log(2.0f), std::log(3.0f), -30.0f};  // p ~ 1/6, 2/6, 3/6, ~0
  const auto frequencies = [&](SamplingOptions o) {
    std::mt19937_64 rng(o.seed);
    std::vector<int> count(z.size(), 0);
    const int n = 60000;
    for (int i = 0; i < n; ++i) ++count[static_cast<size_t>(choose_token(z.data(), 4, o, rng))];
    std::vector<double> f;
    for (int c : count) f.push_back(double(c) / n);
    return f;
  };
  SamplingOptions o;
  o.temperature = 1;
  o.seed = 7;
  auto f = frequencies(o);
  EXPECT_NEAR(f[0], 1.0 / 6, 0.01);
  EXPECT_NEAR(f[1], 2.0 / 6, 0.01);
  EXPECT_NEAR(f[2], 3.0 / 6, 0.01);
  o.temperature = 2;  // p ~ sqrt(1:2:3)
  f = frequencies(o);
  const double s = 1 + std::sqrt(2.0) + std::sqrt(3.0);
  EXPECT_NEAR(f[0], 1 / s, 0.01);
  EXPECT_NEAR(f[2], std::sqrt(3.0) / s, 0.01);
  o.temperature = 1;
  o.top_k = 2;  // 2:3
  f = frequencies(o);
  EXPECT_EQ(f[0], 0.0);
  EXPECT_NEAR(f[1], 0.4, 0.01);
  o.top_k = 0;
  o.top_p = 0.5;  // the top token alone has mass 1/2
  f = frequencies(o);
  EXPECT_EQ(f[2], 1.0);
  o.top_p = 0.6;  // the top two: 2:3
  f = frequencies(o);
  EXPECT_EQ(f[0], 0.0);
  EXPECT_NEAR(f[2], 0.6, 0.01);

  // Greedy: the first of equal maxima, drawing nothing.
  const std::vector<float> tie = {1, 5, 5, 2};
  std::mt19937_64 rng(1), untouched(1);
  EXPECT_EQ(choose_token(tie.data(), 4, SamplingOptions{}, rng), 1);
  EXPECT_EQ(rng(), untouched());
}

TEST(Sampling, SameSeedSameTokensAndTopKOneIsGreedy) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto model = load_model(shared("models/stories260K"));
  const std::vector<int64_t> prompt = {1, 403, 407, 261, 378};
  GenerationOptions g;
  g.max_new_tokens = 30;
  g.stop_at_eos = false;
  const Generation greedy = generate(*model, prompt, g);
  g.sampling.temperature = 1;
  g.sampling.seed = 1;
  const Generation a = generate(*model, prompt, g), b = generate(*model, prompt, g);
  EXPECT_EQ(a.generated, b.generated);
  g.sampling.seed = 2;
  EXPECT_NE(generate(*model, prompt, g).generated, a.generated);
  g.sampling.top_k = 1;
  EXPECT_EQ(generate(*model, prompt, g).generated, greedy.generated);
}

}  // namespace
