#include "core/pipeline/generation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/common/error.h"

namespace attnscope {

const char* to_string(StopReason r) {
  switch (r) {
    case StopReason::MaxNewTokens: return "max_new_tokens";
    case StopReason::Eos: return "eos";
    case StopReason::ContextFull: return "context_full";
    case StopReason::Cancelled: return "cancelled";
  }
  return "?";
}

std::vector<int64_t> Generation::sequence() const {
  std::vector<int64_t> ids = prompt_ids;
  ids.insert(ids.end(), generated.begin(), generated.end());
  return ids;
}

const float* Generation::row(size_t s, int slot, int head) const {
  const GenerationStep& st = steps.at(s);
  return st.attention.data() + (static_cast<size_t>(slot) * num_heads + static_cast<size_t>(head)) * st.context;
}

int64_t choose_token(const float* logits, int64_t n, const SamplingOptions& o, std::mt19937_64& rng) {
  if (n <= 0) fail(ErrorKind::Usage, "no logits to choose a token from");
  if (o.greedy()) return std::max_element(logits, logits + n) - logits;  // the first of equal maxima, as argmax
  if (!(o.top_p > 0 && o.top_p <= 1)) fail(ErrorKind::Usage, "top_p must be in (0, 1], got " + std::to_string(o.top_p));
  if (o.top_k < 0) fail(ErrorKind::Usage, "top_k must be 0 (off) or positive");
  // Candidates by scaled logit, descending (ties by id, so the order does not depend on the sort).
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  const auto by_logit = [&](int64_t a, int64_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); };
  size_t keep = static_cast<size_t>(n);
  if (o.top_k > 0 && static_cast<size_t>(o.top_k) < keep) {
    // Hugging Face keeps every token whose logit reaches the k-th largest, ties included.
    std::partial_sort(idx.begin(), idx.begin() + o.top_k, idx.end(), by_logit);
    const float kth = logits[idx[static_cast<size_t>(o.top_k) - 1]];
    keep = static_cast<size_t>(std::partition(idx.begin() + o.top_k, idx.end(), [&](int64_t i) { return logits[i] >= kth; }) -
                               idx.begin());
    std::sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(keep), by_logit);
  } else {
    std::sort(idx.begin(), idx.end(), by_logit);
  }
  const double t = o.temperature;
  const double top = static_cast<double>(logits[idx[0]]) / t;
  std::vector<double> p(keep);  // probabilities of idx[0..keep), descending
  double sum = 0;
  for (size_t i = 0; i < keep; ++i) sum += p[i] = std::exp(static_cast<double>(logits[idx[i]]) / t - top);
  if (o.top_p < 1) {
    // The smallest prefix whose mass reaches top_p (at least one token).
    double mass = 0;
    size_t cut = 0;
    while (cut < keep && mass < o.top_p * sum) mass += p[cut++];
    keep = std::max<size_t>(cut, 1);
    sum = std::accumulate(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(keep), 0.0);
  }
  // A uniform double in [0, 1) from the top 53 bits: the same on every platform and library.
  const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53 * sum;
  double acc = 0;
  for (size_t i = 0; i < keep; ++i) {
    acc += p[i];
    if (u < acc) return idx[i];
  }
  return idx[keep - 1];
}

Generation generate(const Model& model, const std::vector<int64_t>& prompt_ids, const GenerationOptions& o,
                    const ProgressFn& progress) {
  const ModelInfo& mi = model.info();
  if (!mi.kv_cache || mi.head != HeadKind::LanguageModel)
    fail(ErrorKind::Usage, "generation needs a causal language model with its LM head; '" + mi.model_type + "' (" +
                               (mi.architecture.empty() ? std::string("no architecture") : mi.architecture) + ") is not one");
  if (prompt_ids.empty()) fail(ErrorKind::Input, "the prompt has no tokens");
  if (o.max_new_tokens < 1) fail(ErrorKind::Usage, "max_new_tokens must be at least 1");
  if (o.candidates < 0) fail(ErrorKind::Usage, "candidates must not be negative");
  const auto t0 = std::chrono::steady_clock::now();

  Generation g;
  g.prompt_ids = prompt_ids;
  g.num_heads = mi.num_heads;
  g.sampling = o.sampling;
  std::mt19937_64 rng(o.sampling.seed);
  KvCache cache;
  ForwardOptions fo;
  fo.layers = o.layers;
  fo.logits = LogitsMode::Last;
  fo.threads = o.threads;
  const int N = o.max_new_tokens;
  const std::vector<int64_t>& stop_ids = o.stop_ids.empty() ? mi.eos_ids : o.stop_ids;

  ForwardInput in;
  in.cache = &cache;
  in.input_ids = prompt_ids;
  for (int s = 1; s <= N; ++s) {
    const std::string stage = "token " + std::to_string(s) + "/" + std::to_string(N);
    if (!report(progress, s - 1, N, stage)) {
      g.stop = StopReason::Cancelled;
      break;
    }
    if (mi.max_positions > 0 && cache.length + static_cast<int64_t>(in.input_ids.size()) > mi.max_positions) {
      if (s == 1) fail(ErrorKind::Input, std::to_string(in.input_ids.size()) + " prompt tokens exceed the model's " +
                                             std::to_string(mi.max_positions) + " positions");
      g.stop = StopReason::ContextFull;
      break;
    }
    // Cancelling inside a run stops it at the next layer.
    const ProgressFn inner = [&](const Progress&) { return report(progress, s - 1, N, stage); };
    ForwardResult r = model.forward(in, fo, inner);
    if (r.cancelled) {
      g.stop = StopReason::Cancelled;
      break;
    }
    const AttentionMaps& maps = r.attentions;
    if (s == 1) {
      g.layers = maps.layers;
      g.prompt_attention = std::move(r.attentions);
    }
    const AttentionMaps& m = s == 1 ? g.prompt_attention : maps;
    GenerationStep st;
    st.context = m.keys();
    st.attention.resize(m.layers.size() * static_cast<size_t>(g.num_heads) * static_cast<size_t>(st.context));
    RowMatrix scratch;
    float* out = st.attention.data();
    for (int l : m.layers)
      for (int h = 0; h < g.num_heads; ++h, out += st.context) {
        const ConstMatrixMap head = m.head_f32(l, h, scratch);
        std::copy_n(head.data() + static_cast<size_t>(m.seq_len - 1) * st.context, st.context, out);
      }
    const float* z = r.logits.data.data();  // [1, V]
    const int64_t V = r.logits.shape.back();
    st.token = choose_token(z, V, o.sampling, rng);
    st.candidates = top_k(z, V, o.candidates);
    {
      const float mz = *std::max_element(z, z + V);
      double sum = 0;
      for (int64_t i = 0; i < V; ++i) sum += std::exp(static_cast<double>(z[i] - mz));
      st.probability = static_cast<float>(std::exp(static_cast<double>(z[st.token] - mz)) / sum);
    }
    g.generated.push_back(st.token);
    const int64_t token = st.token;
    g.steps.push_back(std::move(st));
    if (o.stop_at_eos && std::find(stop_ids.begin(), stop_ids.end(), token) != stop_ids.end()) {
      g.stop = StopReason::Eos;
      break;
    }
    in.input_ids.assign(1, token);
  }
  g.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return g;
}

}  // namespace attnscope
