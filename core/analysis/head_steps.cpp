#include "core/analysis/head_steps.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "core/common/error.h"
#include "core/models/layers.h"

namespace attnscope {

const char* to_string(ScoreFunction f) {
  switch (f) {
    case ScoreFunction::ScaledDot: return "scaled_dot";
    case ScoreFunction::Dot: return "dot";
    case ScoreFunction::Cosine: return "cosine";
    case ScoreFunction::NegSquaredDistance: return "neg_squared_distance";
  }
  return "?";
}

namespace {

void check_temperature(double t) {
  if (!(std::isfinite(t) && t > 0))
    fail(ErrorKind::Usage, "temperature must be a finite number > 0, got " + std::to_string(t));
}

double dot(const float* a, const float* b, Eigen::Index n) {
  double s = 0;
  for (Eigen::Index i = 0; i < n; ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// q . k as the model's float32 matrix product forms it: one fused multiply-add chain over the
// features in order (Eigen's GEMM kernel accumulates each output that way).
float dot_f32(const float* a, const float* b, Eigen::Index n) {
  float acc = 0;
  for (Eigen::Index i = 0; i < n; ++i) acc = std::fma(a[i], b[i], acc);
  return acc;
}

// layers::self_attention's softmax: the same float32 code (layers::softmax_row) on the same
// allowed keys.
std::vector<double> softmax_f32(const std::vector<double>& scores, const std::vector<uint8_t>& allowed, double temperature) {
  const size_t n = scores.size();
  std::vector<float> row(n), mask(n);
  for (size_t j = 0; j < n; ++j) {
    row[j] = static_cast<float>(scores[j]);
    mask[j] = allowed[j] ? 1.0f : 0.0f;
  }
  const int64_t len = static_cast<int64_t>(n);
  layers::softmax_row(row.data(), len, 0, len, static_cast<float>(temperature), 0.0f, mask.data());
  return std::vector<double>(row.begin(), row.end());
}

}  // namespace

std::vector<double> masked_softmax(const std::vector<double>& scores, const std::vector<uint8_t>& allowed,
                                   double temperature) {
  check_temperature(temperature);
  if (allowed.size() != scores.size())
    fail(ErrorKind::Usage, "masked_softmax: " + std::to_string(scores.size()) + " scores but " +
                               std::to_string(allowed.size()) + " mask entries");
  const size_t n = scores.size();
  std::vector<double> w(n, 0.0);
  double m = -std::numeric_limits<double>::infinity();
  for (size_t j = 0; j < n; ++j)
    if (allowed[j]) m = std::max(m, scores[j] / temperature);
  if (m == -std::numeric_limits<double>::infinity()) {
    std::fill(w.begin(), w.end(), n ? 1.0 / static_cast<double>(n) : 0.0);
    return w;
  }
  double sum = 0;
  for (size_t j = 0; j < n; ++j)
    if (allowed[j]) sum += w[j] = std::exp(scores[j] / temperature - m);
  for (double& x : w) x /= sum;
  return w;
}

double entropy_nats(const std::vector<double>& weights) {
  double h = 0;
  for (double w : weights)
    if (w > 0) h -= w * std::log(w);
  return h;
}

std::vector<double> score_keys(const std::vector<float>& q, const RowMatrix& keys, const KeyScoring& scoring) {
  const Eigen::Index S = keys.rows(), d = keys.cols();
  if (static_cast<Eigen::Index>(q.size()) != d)
    fail(ErrorKind::Usage, "score_keys: q has " + std::to_string(q.size()) + " features, the keys " + std::to_string(d));
  const float divisor = static_cast<float>(scoring.scale_divisor);
  std::vector<float> qs = q;  // DistilBERT order: q / D in float32, then the dot product
  if (scoring.function == ScoreFunction::ScaledDot && scoring.scale_query_first)
    for (float& x : qs) x /= divisor;
  const double qq = dot(q.data(), q.data(), d);
  std::vector<double> scores(static_cast<size_t>(S));
  for (Eigen::Index j = 0; j < S; ++j) {
    const float* k = keys.data() + j * d;
    double& s = scores[static_cast<size_t>(j)];
    switch (scoring.function) {
      case ScoreFunction::ScaledDot:
        s = scoring.scale_query_first ? dot_f32(qs.data(), k, d) : dot_f32(q.data(), k, d) / divisor;
        break;
      case ScoreFunction::Dot: s = dot(q.data(), k, d); break;
      case ScoreFunction::Cosine: {
        const double norms = std::sqrt(qq) * std::sqrt(dot(k, k, d));
        s = norms > 0 ? dot(q.data(), k, d) / norms : 0.0;
        break;
      }
      case ScoreFunction::NegSquaredDistance: {
        double dist = 0;
        for (Eigen::Index i = 0; i < d; ++i) {
          const double diff = static_cast<double>(q[static_cast<size_t>(i)]) - k[i];
          dist += diff * diff;
        }
        s = -dist;
        break;
      }
    }
  }
  return scores;
}

Weighting weigh_scores(ScoreFunction function, std::vector<double> scores, const std::vector<uint8_t>& allowed,
                       const RowMatrix& values, double temperature) {
  check_temperature(temperature);
  const size_t S = scores.size();
  if (allowed.size() != S || static_cast<size_t>(values.rows()) != S)
    fail(ErrorKind::Usage, "weigh_scores: " + std::to_string(S) + " scores, " + std::to_string(allowed.size()) +
                               " mask entries and " + std::to_string(values.rows()) + " value rows");
  Weighting w;
  w.function = function;
  w.temperature = temperature;
  w.scores = std::move(scores);
  w.weights = function == ScoreFunction::ScaledDot ? softmax_f32(w.scores, allowed, temperature)
                                                   : masked_softmax(w.scores, allowed, temperature);
  w.entropy = entropy_nats(w.weights);
  w.output.assign(static_cast<size_t>(values.cols()), 0.0);
  for (size_t j = 0; j < S; ++j) {
    const double wj = w.weights[j];
    if (wj == 0) continue;
    for (Eigen::Index i = 0; i < values.cols(); ++i) w.output[static_cast<size_t>(i)] += wj * values(static_cast<Eigen::Index>(j), i);
  }
  return w;
}

Weighting weigh_keys(const std::vector<float>& q, const RowMatrix& keys, const RowMatrix& values,
                     const std::vector<uint8_t>& allowed, const KeyScoring& scoring) {
  return weigh_scores(scoring.function, score_keys(q, keys, scoring), allowed, values, scoring.temperature);
}

HeadSteps explain_head(const LayerInternals& L, const ExplainOptions& o) {
  if (L.q.empty() || L.num_heads <= 0)
    fail(ErrorKind::Usage, "the internals of layer " + std::to_string(L.layer) + " are empty (the layer did not run)");
  if (o.head < 0 || o.head >= L.num_heads)
    fail(ErrorKind::Usage, "head " + std::to_string(o.head) + " is out of range (valid: 0-" + std::to_string(L.num_heads - 1) + ")");
  if (o.query < 0 || o.query >= L.seq_len)
    fail(ErrorKind::Usage, "query token " + std::to_string(o.query) + " is out of range (valid: 0-" +
                               std::to_string(L.seq_len - 1) + ")");
  check_temperature(o.temperature);
  const int S = L.seq_len, d = L.head_dim;
  HeadSteps st;
  st.layer = L.layer;
  st.head = o.head;
  st.kv_head = L.kv_head(o.head);
  st.query = o.query;
  st.seq_len = S;
  st.head_dim = d;
  st.scale_divisor = L.scale_divisor;
  st.scale_query_first = L.scale_query_first;
  st.causal = L.causal;
  st.window = L.window;
  st.softcap = L.softcap;
  const ConstMatrixMap qh = L.q.matrix(o.head);
  st.q.assign(qh.row(o.query).data(), qh.row(o.query).data() + d);
  st.keys = L.k.matrix(st.kv_head);
  st.values = L.v.matrix(st.kv_head);
  st.mask.resize(static_cast<size_t>(S));
  for (int j = 0; j < S; ++j) st.mask[static_cast<size_t>(j)] = L.allowed(o.query, j) ? 1 : 0;

  // The scores exactly as layers::self_attention forms them: the same float32 matrix products of
  // the whole head (one row is needed, but a single-row product would sum in another order), and
  // like there from inside a parallel region, where Eigen runs a product unsplit on one thread
  // (split over threads it could round differently, and at this size it is also much slower).
  RowMatrix raw, scaled;  // [S, S]
#pragma omp parallel num_threads(2)
#pragma omp single
  {
    raw.noalias() = qh * st.keys.transpose();
    if (L.scale_query_first) {
      RowMatrix qs = qh / L.scale_divisor;
      scaled.noalias() = qs * st.keys.transpose();
    } else {
      scaled = raw;
      scaled /= L.scale_divisor;
    }
    if (!L.position_bias.empty()) scaled += L.position_bias.matrix(o.head);  // before any cap, as self_attention
    if (L.softcap > 0) scaled = scaled.unaryExpr([&](float x) { return layers::softcap_score(x, L.softcap); });
  }
  if (!L.position_bias.empty()) {
    const ConstMatrixMap b = L.position_bias.matrix(o.head);
    st.position_bias.assign(b.row(o.query).data(), b.row(o.query).data() + S);
  }
  st.raw_scores.assign(raw.row(o.query).data(), raw.row(o.query).data() + S);
  st.scaled_scores.assign(scaled.row(o.query).data(), scaled.row(o.query).data() + S);

  // A row with every key masked cannot occur with real tokens; the model then spreads the weight
  // evenly over the keys the causal mask leaves (layers::self_attention), and so does this.
  std::vector<uint8_t> softmax_mask = st.mask;
  if (std::none_of(softmax_mask.begin(), softmax_mask.end(), [](uint8_t m) { return m != 0; }))
    for (int j = 0; j < S; ++j) softmax_mask[static_cast<size_t>(j)] = !(L.causal && j > o.query);

  const Weighting real = weigh_scores(ScoreFunction::ScaledDot, st.scaled_scores, softmax_mask, st.values, 1.0);
  st.weights = real.weights;
  st.entropy = real.entropy;
  st.output = real.output;

  st.temperature = o.temperature;
  KeyScoring k;
  k.scale_divisor = L.scale_divisor;
  k.scale_query_first = L.scale_query_first;
  for (ScoreFunction f : o.alternatives) {
    k.function = f;
    std::vector<double> scores = f == ScoreFunction::ScaledDot ? st.scaled_scores : score_keys(st.q, st.keys, k);
    st.alternatives.push_back(weigh_scores(f, std::move(scores), softmax_mask, st.values, o.temperature));
  }
  return st;
}

HeadSteps explain_head(const AttentionInternals& internals, int layer, const ExplainOptions& options) {
  return explain_head(internals.layer(layer), options);
}

namespace {

// A float32 value as the JSON number of its shortest round-trip form (0.1f -> 0.1, not
// 0.10000000149011612).
nlohmann::ordered_json json_float(float v) {
  if (!std::isfinite(v)) return nullptr;
  char buf[32];
  char* end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  *end = '\0';
  return std::strtod(buf, nullptr);
}

nlohmann::ordered_json json_doubles(const std::vector<double>& v) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (double x : v) a.push_back(std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr));
  return a;
}

nlohmann::ordered_json json_floats(const float* v, size_t n) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (size_t i = 0; i < n; ++i) a.push_back(json_float(v[i]));
  return a;
}

nlohmann::ordered_json json_rows(const RowMatrix& m) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) a.push_back(json_floats(m.data() + r * m.cols(), static_cast<size_t>(m.cols())));
  return a;
}

}  // namespace

nlohmann::ordered_json head_steps_json(const HeadSteps& s) {
  nlohmann::ordered_json j;
  j["layer"] = s.layer;
  j["head"] = s.head;
  j["kv_head"] = s.kv_head;
  j["query"] = s.query;
  j["seq_len"] = s.seq_len;
  j["head_dim"] = s.head_dim;
  j["scale_divisor"] = json_float(static_cast<float>(s.scale_divisor));
  j["scale_query_first"] = s.scale_query_first;
  j["causal"] = s.causal;
  j["window"] = s.window;
  j["softcap"] = s.softcap;
  if (!s.position_bias.empty()) j["position_bias"] = json_doubles(s.position_bias);
  j["q"] = json_floats(s.q.data(), s.q.size());
  j["keys"] = json_rows(s.keys);
  j["values"] = json_rows(s.values);
  j["mask"] = s.mask;
  j["raw_scores"] = json_doubles(s.raw_scores);
  j["scaled_scores"] = json_doubles(s.scaled_scores);
  j["weights"] = json_doubles(s.weights);
  j["entropy"] = s.entropy;
  j["output"] = json_doubles(s.output);
  j["temperature"] = s.temperature;
  nlohmann::ordered_json alts = nlohmann::ordered_json::array();
  for (const Weighting& w : s.alternatives) {
    nlohmann::ordered_json a;
    a["function"] = to_string(w.function);
    a["temperature"] = w.temperature;
    a["scores"] = json_doubles(w.scores);
    a["weights"] = json_doubles(w.weights);
    a["entropy"] = w.entropy;
    a["output"] = json_doubles(w.output);
    alts.push_back(std::move(a));
  }
  j["alternatives"] = std::move(alts);
  return j;
}

}  // namespace attnscope
