#include "core/analysis/cost_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <sstream>

#include "core/common/error.h"

namespace attnscope {

CostShape cost_shape(const ModelInfo& info) {
  CostShape s;
  s.layers = info.num_layers;
  s.hidden = info.hidden_size;
  s.heads = info.num_heads;
  s.kv_heads = info.num_kv_heads > 0 ? info.num_kv_heads : info.num_heads;
  s.head_dim = info.head_dim;
  s.intermediate = info.intermediate_size;
  const Architecture& a = info.arch;
  s.gated_mlp = a.gated_mlp();
  s.rms_norm = a.norm == NormKind::RmsNorm;
  s.rotary = a.positions == PositionKind::Rotary;
  s.norms = a.sandwich_norms ? 4 : 2;
  s.windows = a.window;
  s.parameters = info.parameter_count;
  return s;
}

PartCost LayerCost::total() const {
  PartCost t;
  for (const PartCost& p : parts) {
    t.flops += p.flops;
    t.weight_bytes += p.weight_bytes;
    t.activation_bytes += p.activation_bytes;
  }
  return t;
}

double LayerCost::quadratic_flops() const {
  return (*this)[LayerPart::Scores].flops + (*this)[LayerPart::Softmax].flops + (*this)[LayerPart::WeightedSum].flops;
}

double LayerCost::linear_flops() const { return total().flops - quadratic_flops(); }

LayerCost layer_cost(const CostShape& s, int64_t seq_len, int window) {
  if (seq_len < 1) fail(ErrorKind::Usage, "cost model: the sequence length must be at least 1");
  const double n = static_cast<double>(seq_len), D = static_cast<double>(s.hidden), H = static_cast<double>(s.heads),
               Hkv = static_cast<double>(s.kv_heads), d = static_cast<double>(s.head_dim),
               F = static_cast<double>(s.intermediate);
  constexpr double kBytes = 4;            // float32
  constexpr double kSoftmaxOps = 6;       // scale, max, subtract, exp, sum, normalise
  const double norm_ops = s.rms_norm ? 4 : 8;
  const double keys = window > 0 ? std::min(n, static_cast<double>(window)) : n;  // per query
  const double nk = n * keys;
  const double qkv_out = H * d + 2 * Hkv * d;
  LayerCost c;
  c.seq_len = seq_len;
  c[LayerPart::QkvProjection] = {2 * n * D * qkv_out, kBytes * D * qkv_out, kBytes * n * (D + qkv_out)};
  c[LayerPart::Scores] = {2 * H * nk * d, 0, kBytes * (n * H * d + n * Hkv * d + H * nk)};
  c[LayerPart::Softmax] = {kSoftmaxOps * H * nk, 0, kBytes * 2 * H * nk};
  c[LayerPart::WeightedSum] = {2 * H * nk * d, 0, kBytes * (H * nk + n * Hkv * d + n * H * d)};
  c[LayerPart::OutputProjection] = {2 * n * H * d * D, kBytes * H * d * D, kBytes * n * (H * d + D)};
  if (s.gated_mlp)
    c[LayerPart::Mlp] = {6 * n * D * F + 2 * n * F, kBytes * 3 * D * F, kBytes * (2 * n * D + 8 * n * F)};
  else
    c[LayerPart::Mlp] = {4 * n * D * F + n * F, kBytes * 2 * D * F, kBytes * (2 * n * D + 4 * n * F)};
  const double rope_elems = s.rotary ? n * (H + Hkv) * d : 0;
  const double norms = s.norms;
  c[LayerPart::Other] = {norms * norm_ops * n * D + 2 * n * D + 3 * rope_elems, 0,
                         kBytes * (norms * 2 * n * D + 2 * 3 * n * D + 2 * rope_elems)};
  return c;
}

ModelCost model_cost(const CostShape& s, int64_t n) {
  ModelCost m;
  m.seq_len = n;
  m.all.seq_len = n;
  for (int il = 0; il < s.layers; ++il) {
    m.layers.push_back(layer_cost(s, n, s.window(il)));
    for (size_t p = 0; p < m.all.parts.size(); ++p) {
      m.all.parts[p].flops += m.layers.back().parts[p].flops;
      m.all.parts[p].weight_bytes += m.layers.back().parts[p].weight_bytes;
      m.all.parts[p].activation_bytes += m.layers.back().parts[p].activation_bytes;
    }
  }
  m.total = m.all.total();
  m.quadratic_flops = m.all.quadratic_flops();
  m.linear_flops = m.all.linear_flops();
  const double nn = static_cast<double>(n);
  m.weight_bytes = 4.0 * static_cast<double>(s.parameters);
  m.activation_bytes = 4.0 * nn *
                       (3.0 * s.hidden + 2.0 * s.heads * s.head_dim + 2.0 * s.kv_heads * s.head_dim +
                        (s.gated_mlp ? 2.0 : 1.0) * s.intermediate);
  m.attention_bytes = 4.0 * s.layers * s.heads * nn * nn;
  return m;
}

double quadratic_crossover(const CostShape& s) {
  const LayerCost one = layer_cost(s, 1);  // linear FLOPs = a n, quadratic = b n^2: equal at n = a / b
  return one.quadratic_flops() > 0 ? one.linear_flops() / one.quadratic_flops() : 0.0;
}

namespace {

int64_t min_tokens(const ModelInfo& info) { return info.modality == Modality::Image ? info.num_prefix_tokens + 1 : 1; }

int64_t max_tokens(const ModelInfo& info) {
  return info.modality == Modality::Text && info.max_positions > 0 ? info.max_positions : INT64_MAX;
}

}  // namespace

std::vector<int64_t> sweep_lengths(const ModelInfo& info, int64_t min_len, int64_t max_len) {
  if (max_len <= 0) max_len = info.modality == Modality::Text ? max_tokens(info) : 1024;
  const int64_t lo = std::max(min_len, min_tokens(info)), hi = std::min(max_len, max_tokens(info));
  std::vector<int64_t> out;
  for (int64_t n = 1; n <= hi && n > 0; n *= 2)
    if (n >= lo) out.push_back(n);
  return out;
}

ForwardInput generated_input(const ModelInfo& info, const Tokenizer* tokenizer, int64_t n, uint64_t seed) {
  if (n < min_tokens(info) || n > max_tokens(info))
    fail(ErrorKind::Usage, "a generated input of " + std::to_string(n) + " tokens does not fit " + info.model_type +
                               " (valid: " + std::to_string(min_tokens(info)) + "-" +
                               (max_tokens(info) == INT64_MAX ? std::string("any") : std::to_string(max_tokens(info))) + ")");
  std::mt19937_64 rng(seed);
  ForwardInput in;
  if (info.modality == Modality::Text) {
    int64_t vocab = info.vocab_size;
    if (tokenizer) vocab = std::min(vocab, tokenizer->vocab_size());
    std::vector<int64_t> pool;
    for (int64_t id = 0; id < vocab; ++id)
      if (!tokenizer || !tokenizer->is_special(id)) pool.push_back(id);
    if (pool.empty()) fail(ErrorKind::Usage, "the vocabulary has no ordinary tokens to generate an input from");
    for (int64_t i = 0; i < n; ++i) in.input_ids.push_back(pool[static_cast<size_t>(rng() % pool.size())]);
    return in;
  }
  const int64_t patches = n - info.num_prefix_tokens;
  int64_t rows = 1;
  for (int64_t r = 1; r * r <= patches; ++r)
    if (patches % r == 0) rows = r;
  const int64_t cols = patches / rows, P = info.patch_size;
  in.pixel_values = Tensor({info.num_channels, rows * P, cols * P});
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& v : in.pixel_values.data) v = normal(rng);
  return in;
}

CostSweep measure_cost_sweep(const Model& model, const Tokenizer* tokenizer, const CostSweepOptions& o,
                             const ProgressFn& progress) {
  const ModelInfo& mi = model.info();
  if (o.repeats < 1) fail(ErrorKind::Usage, "cost sweep: at least one run per length is needed");
  const std::vector<int64_t> lengths = sweep_lengths(mi, o.min_seq, o.max_seq);
  if (lengths.empty())
    fail(ErrorKind::Usage, "cost sweep: no power-of-two length from " + std::to_string(o.min_seq) + " up to " +
                               (o.max_seq > 0 ? std::to_string(o.max_seq) : std::string("the model's limit")) +
                               " fits the model");
  ForwardOptions fo;
  fo.layers = {0};
  fo.logits = LogitsMode::None;
  fo.threads = o.threads;
  fo.profile = true;
  const int total = static_cast<int>(lengths.size()) * o.repeats + 1;
  int done = 0;
  std::string stage = "cost: warm-up";
  auto run = [&](int64_t n, uint64_t seed) {
    const ForwardInput in = generated_input(mi, tokenizer, n, seed);
    ForwardResult r = model.forward(in, fo, [&](const Progress&) { return report(progress, done, total, stage); });
    if (!r.cancelled) ++done;
    return r;
  };
  CostSweep sweep;
  if (run(lengths.front(), o.seed).cancelled || !report(progress, done, total, stage)) {
    sweep.cancelled = true;
    return sweep;
  }
  for (int64_t n : lengths) {
    std::vector<ForwardProfile> profiles;
    for (int rep = 0; rep < o.repeats; ++rep) {
      stage = "cost: " + std::to_string(n) + " tokens, run " + std::to_string(rep + 1) + "/" + std::to_string(o.repeats);
      ForwardResult r = run(n, o.seed + static_cast<uint64_t>(rep));
      if (r.cancelled || !report(progress, done, total, stage)) {
        CostSweep c;
        c.cancelled = true;
        return c;
      }
      profiles.push_back(std::move(r.profile));
    }
    sweep.lengths.push_back({n, median_profile(profiles)});
  }
  return sweep;
}

namespace {

std::string number(double v) {
  char buf[32];
  if (v == std::floor(v) && std::abs(v) < 9e15) return std::to_string(static_cast<int64_t>(v));
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void csv_row(std::ostringstream& out, int64_t n, const std::string& layer, const std::string& part, const PartCost* cost,
             const double* held, const double* seconds) {
  out << n << ',' << layer << ',' << part << ',';
  if (cost) out << number(cost->flops) << ',' << number(cost->weight_bytes) << ',' << number(cost->activation_bytes);
  else out << ",,";
  out << ',' << (held ? number(*held) : "") << ',' << (seconds ? number(*seconds) : "") << '\n';
}

}  // namespace

std::string cost_csv(const CostShape& shape, const std::vector<int64_t>& lengths, const CostSweep* measured) {
  std::ostringstream out;
  out << "seq_len,layer,part,flops,weight_bytes,activation_bytes,held_bytes,measured_seconds\n";
  for (int64_t n : lengths) {
    const ModelCost m = model_cost(shape, n);
    const ForwardProfile* prof = nullptr;
    if (measured)
      for (const auto& ml : measured->lengths)
        if (ml.seq_len == n) prof = &ml.profile;
    for (LayerPart p : kLayerParts) {
      const PartCost& c = m.all[p];
      const double s = prof ? prof->part_seconds(p) : 0;
      csv_row(out, n, "all", to_string(p), &c, nullptr, prof ? &s : nullptr);
    }
    double layer_seconds = 0;
    if (prof)
      for (const auto& l : prof->layers) layer_seconds += l.total();
    csv_row(out, n, "all", "total", &m.total, nullptr, prof ? &layer_seconds : nullptr);
    if (prof) csv_row(out, n, "all", "outside_layers", nullptr, nullptr, &prof->outside_seconds);
    const double memory = m.memory_bytes();
    csv_row(out, n, "all", "weights", nullptr, &m.weight_bytes, nullptr);
    csv_row(out, n, "all", "activations", nullptr, &m.activation_bytes, nullptr);
    csv_row(out, n, "all", "attention_maps", nullptr, &m.attention_bytes, nullptr);
    csv_row(out, n, "all", "memory", nullptr, &memory, nullptr);
    if (!prof) continue;
    for (size_t l = 0; l < prof->layers.size() && l < m.layers.size(); ++l) {
      const std::string li = std::to_string(l);
      const LayerCost& lc = m.layers[l];
      for (LayerPart p : kLayerParts) {
        const double t = prof->layers[l][p];
        csv_row(out, n, li, to_string(p), &lc[p], nullptr, &t);
      }
      const double t = prof->layers[l].total();
      const PartCost layer_total = lc.total();
      csv_row(out, n, li, "total", &layer_total, nullptr, &t);
    }
  }
  return out.str();
}

}  // namespace attnscope
