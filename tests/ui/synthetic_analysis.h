#pragma once

// An Analysis of a given size without a model, for tests and benchmarks of the views at sizes no
// small checkpoint reaches (thousands of tokens, 12 x 12 heads). Every row is a softmax of
// random scores, so each row sums to 1; causal analyses have zeros above the diagonal.
#include <cmath>
#include <memory>
#include <random>
#include <string>

#include "core/pipeline/analyzer.h"

namespace attnscope::test {

inline std::shared_ptr<Analysis> synthetic_analysis(int layers, int heads, int seq, bool causal = false, uint64_t seed = 1) {
  auto a = std::make_shared<Analysis>();
  a->model.model_type = causal ? "gpt2" : "bert";
  a->model.architecture = "synthetic";
  a->model.causal = causal;
  a->model.num_layers = layers;
  a->model.num_heads = heads;
  a->model.num_kv_heads = heads;
  a->model.hidden_size = 64 * heads;
  a->model.head_dim = 64;
  for (int i = 0; i < seq; ++i) a->labels.push_back("t" + std::to_string(i));
  AttentionMaps& maps = a->forward.attentions;
  maps.allocate(layers, heads, seq, {});
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> score(0.0f, 2.0f);
  for (int l = 0; l < layers; ++l)
    for (int h = 0; h < heads; ++h) {
      MatrixMap m = maps.head(l, h);
      for (int q = 0; q < seq; ++q) {
        const int keys = causal ? q + 1 : seq;
        float sum = 0;
        for (int k = 0; k < keys; ++k) sum += m(q, k) = std::exp(score(rng));
        for (int k = 0; k < keys; ++k) m(q, k) /= sum;
      }
    }
  return a;
}

// The same with a text behind it: token i is the word "w<i>", ten to a line, so the Text view can lay it out.
inline std::shared_ptr<Analysis> synthetic_text_analysis(int layers, int heads, int seq, bool causal = false, uint64_t seed = 1) {
  auto a = synthetic_analysis(layers, heads, seq, causal, seed);
  a->model.modality = Modality::Text;
  for (int i = 0; i < seq; ++i) {
    if (i) a->text += i % 10 == 0 ? '\n' : ' ';  // lines, as in a text file
    Token t;
    t.id = i;
    t.text = "w" + std::to_string(i);
    t.begin = a->text.size();
    a->text += t.text;
    t.end = a->text.size();
    a->encoding.tokens.push_back(t);
    a->labels[static_cast<size_t>(i)] = t.text;
  }
  return a;
}

}  // namespace attnscope::test
