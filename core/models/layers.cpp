#include "core/models/layers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/common/error.h"

namespace attnscope::layers {

void layer_norm(const RowMatrix& x, const Weight& w, const Weight& b, float eps, RowMatrix& out) {
  const Eigen::Index n = x.cols();
  out.resize(x.rows(), n);
  const float* wd = w.data;
  const float* bd = b.data;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const float* xr = x.data() + r * n;
    float* o = out.data() + r * n;
    double mean = 0;
    for (Eigen::Index i = 0; i < n; ++i) mean += xr[i];
    mean /= static_cast<double>(n);
    double var = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      double d = xr[i] - mean;
      var += d * d;
    }
    var /= static_cast<double>(n);
    const float rstd = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(eps)));
    const float m = static_cast<float>(mean);
    for (Eigen::Index i = 0; i < n; ++i) o[i] = (xr[i] - m) * rstd * wd[i] + bd[i];
  }
}

void rms_norm(const RowMatrix& x, const Weight& w, float eps, RowMatrix& out) {
  const Eigen::Index n = x.cols();
  out.resize(x.rows(), n);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const float* xr = x.data() + r * n;
    float* o = out.data() + r * n;
    double ss = 0;
    for (Eigen::Index i = 0; i < n; ++i) ss += static_cast<double>(xr[i]) * xr[i];
    const float rs = 1.0f / std::sqrt(static_cast<float>(ss / static_cast<double>(n)) + eps);
    for (Eigen::Index i = 0; i < n; ++i) o[i] = w.data[i] * (xr[i] * rs);
  }
}

void linear(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out) {
  out.resize(x.rows(), w.rows());
  out.noalias() = x * w.matrix().transpose();
  if (b) out.rowwise() += b.row();
}

void conv1d(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out) {
  out.resize(x.rows(), w.cols());
  out.noalias() = x * w.matrix();
  if (b) out.rowwise() += b.row();
}

Activation parse_activation(const std::string& name, const std::string& label) {
  if (name == "gelu") return Activation::GeluErf;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return Activation::GeluTanh;
  if (name == "relu") return Activation::Relu;
  if (name == "silu" || name == "swish") return Activation::Silu;
  fail(ErrorKind::Model, label + ": unsupported activation '" + name + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu)");
}

void activate(RowMatrix& x, Activation a) {
  float* d = x.data();
  const Eigen::Index n = x.size();
  switch (a) {
    case Activation::GeluErf:
      for (Eigen::Index i = 0; i < n; ++i) d[i] = 0.5f * d[i] * (1.0f + std::erf(d[i] * 0.70710678118654752f));
      break;
    case Activation::GeluTanh: {
      const float c = std::sqrt(2.0f / 3.14159265358979323846f);
      for (Eigen::Index i = 0; i < n; ++i) {
        const float v = d[i];
        d[i] = 0.5f * v * (1.0f + std::tanh(c * (v + 0.044715f * v * v * v)));
      }
      break;
    }
    case Activation::Relu:
      for (Eigen::Index i = 0; i < n; ++i) d[i] = std::max(d[i], 0.0f);
      break;
    case Activation::Silu:
      for (Eigen::Index i = 0; i < n; ++i) d[i] = d[i] / (1.0f + std::exp(-d[i]));
      break;
  }
}

void self_attention(const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, const AttentionParams& p,
                    float* probs, RowMatrix& ctx) {
  const Eigen::Index S = q.rows();
  const int hd = p.head_dim;
  const int group = p.num_heads / p.num_kv_heads;
  ctx.resize(S, static_cast<Eigen::Index>(p.num_heads) * hd);
  const bool need_scratch = probs == nullptr;

#pragma omp parallel for schedule(static)
  for (int h = 0; h < p.num_heads; ++h) {
    RowMatrix scratch;
    float* pd;
    if (need_scratch) {
      scratch.resize(S, S);
      pd = scratch.data();
    } else {
      pd = probs + static_cast<size_t>(h) * S * S;
    }
    MatrixMap P(pd, S, S);
    const int kvh = h / group;
    auto qh = q.middleCols(static_cast<Eigen::Index>(h) * hd, hd);
    auto kh = k.middleCols(static_cast<Eigen::Index>(kvh) * hd, hd);
    auto vh = v.middleCols(static_cast<Eigen::Index>(kvh) * hd, hd);
    if (p.scale_query_first) {
      RowMatrix qs = qh / p.scale_divisor;
      P.noalias() = qs * kh.transpose();
    } else {
      P.noalias() = qh * kh.transpose();
      P /= p.scale_divisor;
    }
    for (Eigen::Index i = 0; i < S; ++i) {
      float* row = pd + i * S;
      const Eigen::Index end = p.causal ? i + 1 : S;
      auto allowed = [&](Eigen::Index j) { return !p.key_mask || (*p.key_mask)[j] != 0; };
      float m = -std::numeric_limits<float>::infinity();
      for (Eigen::Index j = 0; j < end; ++j)
        if (allowed(j)) m = std::max(m, row[j]);
      if (m == -std::numeric_limits<float>::infinity()) {
        // Every key masked (cannot happen with real tokens present): spread evenly, as the
        // reference's additive float-min mask does.
        for (Eigen::Index j = 0; j < S; ++j) row[j] = 1.0f / static_cast<float>(end);
        for (Eigen::Index j = end; j < S; ++j) row[j] = 0.0f;
        continue;
      }
      float sum = 0;
      for (Eigen::Index j = 0; j < end; ++j) {
        if (allowed(j)) {
          row[j] = std::exp(row[j] - m);
          sum += row[j];
        } else {
          row[j] = 0.0f;
        }
      }
      const float inv = 1.0f / sum;
      for (Eigen::Index j = 0; j < end; ++j) row[j] *= inv;
      for (Eigen::Index j = end; j < S; ++j) row[j] = 0.0f;
    }
    ctx.middleCols(static_cast<Eigen::Index>(h) * hd, hd).noalias() = P * vh;
  }
}

const std::vector<int64_t>* key_mask(const std::vector<int64_t>& attention_mask, size_t n_tokens) {
  if (attention_mask.empty()) return nullptr;
  if (attention_mask.size() != n_tokens)
    fail(ErrorKind::Input, "attention_mask has " + std::to_string(attention_mask.size()) + " entries for " +
                               std::to_string(n_tokens) + " tokens");
  for (size_t i = 0; i < n_tokens; ++i)
    if (attention_mask[i] != 0 && attention_mask[i] != 1)
      fail(ErrorKind::Input, "attention_mask value " + std::to_string(attention_mask[i]) + " at position " +
                                 std::to_string(i) + " is not 0 or 1");
  return &attention_mask;
}

void embed(const Weight& table, const std::vector<int64_t>& ids, RowMatrix& out, const std::string& what) {
  const int64_t vocab = table.rows(), dim = table.cols();
  out.resize(static_cast<Eigen::Index>(ids.size()), dim);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= vocab)
      fail(ErrorKind::Input, what + " id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                                 " is outside [0, " + std::to_string(vocab) + ")");
    out.row(static_cast<Eigen::Index>(i)) = table.matrix().row(ids[i]);
  }
}

ThreadScope::ThreadScope(int threads) : previous_(Eigen::nbThreads()) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads_ = threads > 0 ? threads : hw;
  Eigen::setNbThreads(threads_);
#ifdef _OPENMP
  omp_set_num_threads(threads_);
#endif
}

ThreadScope::~ThreadScope() {
  Eigen::setNbThreads(previous_);
}

}  // namespace attnscope::layers
