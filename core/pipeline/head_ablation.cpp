#include "core/pipeline/head_ablation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace attnscope {

namespace {

// log of softmax(z)[t], in double.
double log_probability(const float* z, int64_t n, int64_t t) {
  const float m = *std::max_element(z, z + n);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(z[i]) - m);
  return static_cast<double>(z[t]) - m - std::log(sum);
}

}  // namespace

HeadAblationResult head_ablation(const Analyzer& analyzer, const AnalysisRequest& request, const HeadAblationOptions& options,
                                 const ProgressFn& progress) {
  const ModelInfo& info = analyzer.info();
  if (info.head == HeadKind::None)
    fail(ErrorKind::Usage, info.model_type + " has no classifier or language-model head: there is no prediction whose change to measure");
  const int L = info.num_layers, H = info.num_heads;
  HeadAblationResult out;
  out.num_heads = H;
  out.layers = options.layers;
  if (out.layers.empty())
    for (int l = 0; l < L; ++l) out.layers.push_back(l);
  for (int l : out.layers)
    if (l < 0 || l >= L) fail(ErrorKind::Usage, "ablation: layer " + std::to_string(l) + " is out of range (the model has " + std::to_string(L) + " layers)");

  AnalysisRequest run = request;
  run.forward.layers = {0};  // the maps are not what is measured: capture as little as possible
  run.forward.logits = LogitsMode::All;
  run.forward.hidden_states = false;
  run.forward.taps.clear();
  run.forward.capture_internals.clear();
  run.forward.profile = false;
  run.forward.ablate.clear();

  // The logits followed: [C] for classifiers, row `position` of [S, V] for LMs.
  auto followed = [&](const Analysis& a, int64_t& n) -> const float* {
    const Tensor& z = a.forward.logits;
    if (z.shape.size() == 1) {
      n = z.shape[0];
      return z.data.data();
    }
    if (z.shape.size() != 2) fail(ErrorKind::Usage, "ablation: the run gave no logits to follow");
    const int64_t rows = z.shape[0];
    const int64_t p = options.position < 0 ? rows - 1 : options.position;
    if (p >= rows) fail(ErrorKind::Usage, "ablation: position " + std::to_string(p) + " is outside the run (" + std::to_string(rows) + " positions)");
    out.position = static_cast<int>(p);
    n = z.shape[1];
    return z.data.data() + static_cast<size_t>(p * n);
  };

  const int total = static_cast<int>(out.layers.size()) * H + 1;
  const Analysis intact = analyzer.run(run);
  int64_t n = 0;
  const float* z = followed(intact, n);
  out.target = options.target.value_or(std::max_element(z, z + n) - z);
  if (out.target < 0 || out.target >= n)
    fail(ErrorKind::Usage, "ablation: target " + std::to_string(out.target) + " is out of range (" + std::to_string(n) + " classes or tokens)");
  if (info.head == HeadKind::Classifier)
    out.target_label = static_cast<size_t>(out.target) < info.labels.size() ? info.labels[static_cast<size_t>(out.target)] : "class " + std::to_string(out.target);
  else
    out.target_label = analyzer.tokenizer() ? analyzer.tokenizer()->display(out.target) : std::to_string(out.target);
  out.logit = z[out.target];
  out.probability = static_cast<float>(std::exp(log_probability(z, n, out.target)));
  if (progress && !progress(Progress{1, total, "intact run"})) {
    out.cancelled = true;
    return out;
  }

  const int rows = static_cast<int>(out.layers.size());
  out.logit_change = Tensor({rows, H});
  out.probability_change = Tensor({rows, H});
  for (int r = 0; r < rows; ++r)
    for (int h = 0; h < H; ++h) {
      AnalysisRequest ablated = run;
      ablated.forward.ablate = {HeadAblation{out.layers[static_cast<size_t>(r)], h, options.mean}};
      const Analysis a = analyzer.run(ablated);
      int64_t m = 0;
      const float* y = followed(a, m);
      out.logit_change.data[static_cast<size_t>(r * H + h)] = y[out.target] - out.logit;
      out.probability_change.data[static_cast<size_t>(r * H + h)] = static_cast<float>(std::exp(log_probability(y, m, out.target))) - out.probability;
      if (progress && !progress(Progress{2 + r * H + h, total, "layer " + std::to_string(out.layers[static_cast<size_t>(r)]) + " head " + std::to_string(h)})) {
        out.cancelled = true;
        return out;
      }
    }
  return out;
}

}  // namespace attnscope
