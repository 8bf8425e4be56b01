#include "core/models/layers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include <unsupported/Eigen/SpecialFunctions>  // Array::erf()

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef ATTNSCOPE_WITH_OPENBLAS
#include <cblas.h>
#endif

#include "core/common/error.h"

namespace attnscope::layers {

namespace {

using Index = Eigen::Index;
using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

// Runs f(begin, end) over [0, rows) in parallel blocks of whole rows of `cols` elements, at least
// ~64K elements per block: below that a fork and join of the threads costs about what it saves.
template <typename F>
void parallel_rows(Index rows, Index cols, F&& f) {
  const Index per_block = std::max<Index>(1, (Index{1} << 16) / std::max<Index>(cols, 1));
  const Index blocks = (rows + per_block - 1) / per_block;
  if (blocks <= 1) {
    f(Index{0}, rows);
    return;
  }
#pragma omp parallel for schedule(static)
  for (Index blk = 0; blk < blocks; ++blk) f(blk * per_block, std::min(rows, (blk + 1) * per_block));
}

// C[m, n] = A[m, k] B^T (B stored [n, k], a torch.nn.Linear weight) or A B (B stored [k, n], a
// GPT-2 Conv1D weight), plus bias[n] on every row when given. Row-major with leading dimensions.
// OpenBLAS when the build has it (faster than Eigen's own product on AVX-512 CPUs, see
// docs/performance.md), else Eigen. OpenBLAS runs single-threaded: outside a parallel region the
// columns of C are split over the OpenMP threads, each computing its slice, so that one thread
// pool does all the parallel work (OpenBLAS's own threads spin between calls and would compete
// with OpenMP's for the cores).
void gemm(const float* A, Index lda, const float* B, Index ldb, bool b_is_nk, float* C, Index ldc, Index m, Index n, Index k,
          const float* bias) {
#ifdef ATTNSCOPE_WITH_OPENBLAS
  auto slice = [&](Index n0, Index n1) {
    if (bias)
      for (Index r = 0; r < m; ++r) std::copy(bias + n0, bias + n1, C + r * ldc + n0);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, b_is_nk ? CblasTrans : CblasNoTrans, static_cast<int>(m),
                static_cast<int>(n1 - n0), static_cast<int>(k), 1.0f, A, static_cast<int>(lda), b_is_nk ? B + n0 * ldb : B + n0,
                static_cast<int>(ldb), bias ? 1.0f : 0.0f, C + n0, static_cast<int>(ldc));
  };
  Index chunks = 1;
#ifdef _OPENMP
  // Not for small products (under ~0.1 ms: the fork and join cost about what they save) nor
  // slices under 64 columns.
  if (!omp_in_parallel() && static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) >= double(1 << 22))
    chunks = std::max<Index>(1, std::min<Index>(omp_get_max_threads(), n / 64));
#endif
  if (chunks == 1) {
    slice(0, n);
    return;
  }
  auto edge = [&](Index c) { return c == chunks ? n : (n * c / chunks) & ~Index{15}; };  // 64-byte aligned slices
#pragma omp parallel for schedule(static) num_threads(static_cast<int>(chunks))
  for (Index c = 0; c < chunks; ++c) slice(edge(c), edge(c + 1));
#else
  using Stride = Eigen::OuterStride<>;
  const Eigen::Map<const RowMatrix, 0, Stride> a(A, m, k, Stride(lda));
  Eigen::Map<RowMatrix, 0, Stride> c(C, m, n, Stride(ldc));
  if (bias) c.rowwise() = Eigen::Map<const Eigen::RowVectorXf>(bias, n);
  if (b_is_nk) {
    const Eigen::Map<const RowMatrix, 0, Stride> b(B, n, k, Stride(ldb));
    if (bias) c.noalias() += a * b.transpose();
    else c.noalias() = a * b.transpose();
  } else {
    const Eigen::Map<const RowMatrix, 0, Stride> b(B, k, n, Stride(ldb));
    if (bias) c.noalias() += a * b;
    else c.noalias() = a * b;
  }
#endif
}

// out = x W^T + b for a compact (16-bit) W [n, k]: panels of W's rows are converted into a
// per-thread float32 buffer of about 1 MiB and multiplied there, so the weight is read once, in
// its 16-bit form, and no float32 copy of it exists. The panels run in parallel.
void linear_compact(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out) {
  const Index m = x.rows(), n = w.rows(), k = x.cols();
  out.resize(m, n);
  const Index panel = std::max<Index>(16, ((Index{1} << 18) / std::max<Index>(k, 1)) & ~Index{15});
  const Index panels = (n + panel - 1) / panel;
  const bool parallel = panels > 1 && static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) >= double(1 << 22);
#pragma omp parallel for schedule(dynamic) if (parallel)
  for (Index p = 0; p < panels; ++p) {
    thread_local std::vector<float> buffer;  // [panel, k]
    const Index n0 = p * panel, n1 = std::min(n, n0 + panel);
    buffer.resize(static_cast<size_t>((n1 - n0) * k));
    w.rows_f32(n0, n1, buffer.data());
    gemm(x.data(), k, buffer.data(), k, true, out.data() + n0, n, m, n1 - n0, k, b ? b.data + n0 : nullptr);
  }
}

// out = x W^T + b (b_is_nk) or x W + b.
void affine(const RowMatrix& x, const Weight& w, const Weight& b, bool b_is_nk, RowMatrix& out) {
  if (w.compact()) {
    if (!b_is_nk) fail(ErrorKind::Model, "a 16-bit weight kept compact must be a torch.nn.Linear weight");
    linear_compact(x, w, b, out);
    return;
  }
  const Index n = b_is_nk ? w.rows() : w.cols(), k = x.cols();
  out.resize(x.rows(), n);
  gemm(x.data(), k, w.data, b_is_nk ? k : n, b_is_nk, out.data(), n, x.rows(), n, k, b ? b.data : nullptr);
}

}  // namespace

void layer_norm(const RowMatrix& x, const Weight& w, const Weight& b, float eps, RowMatrix& out) {
  const Index n = x.cols();
  out.resize(x.rows(), n);
  const ConstArrayMap wa(w.data, n), ba(b.data, n);
  // Mean and variance accumulated in double, as two passes.
  parallel_rows(x.rows(), n, [&](Index r0, Index r1) {
    for (Index r = r0; r < r1; ++r) {
      const ConstArrayMap xr(x.data() + r * n, n);
      const double mean = xr.cast<double>().sum() / static_cast<double>(n);
      const double var = (xr.cast<double>() - mean).square().sum() / static_cast<double>(n);
      const float rstd = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(eps)));
      ArrayMap(out.data() + r * n, n) = (xr - static_cast<float>(mean)) * rstd * wa + ba;
    }
  });
}

// One row of an RMSNorm: out = w * x / sqrt(mean(x^2) + eps), the sum of squares in double.
void rms_row(const float* x, float* out, Index n, const Eigen::ArrayXf& w, float eps) {
  const ConstArrayMap xr(x, n);
  const double ss = xr.cast<double>().square().sum();
  const float rs = 1.0f / std::sqrt(static_cast<float>(ss / static_cast<double>(n)) + eps);
  ArrayMap(out, n) = w * (xr * rs);
}

void rms_norm(const RowMatrix& x, const Weight& w, float eps, RowMatrix& out, float offset) {
  const Index n = x.cols();
  out.resize(x.rows(), n);
  const Eigen::ArrayXf wa = ConstArrayMap(w.data, n) + offset;
  parallel_rows(x.rows(), n, [&](Index r0, Index r1) {
    for (Index r = r0; r < r1; ++r) rms_row(x.data() + r * n, out.data() + r * n, n, wa, eps);
  });
}

void head_rms_norm(RowMatrix& x, int n_heads, int head_dim, const Weight& w, float eps, float offset) {
  const Eigen::ArrayXf wa = ConstArrayMap(w.data, head_dim) + offset;
  const Index heads = x.rows() * n_heads;  // rows of head_dim features, in place
  for (Index i = 0; i < heads; ++i) rms_row(x.data() + i * head_dim, x.data() + i * head_dim, head_dim, wa, eps);
}

RopeTable::RopeTable(const std::vector<float>& inv_freq, Index seq_len) {
  const Index half = static_cast<Index>(inv_freq.size());
  cos.resize(seq_len, half);
  sin.resize(seq_len, half);
  for (Index pos = 0; pos < seq_len; ++pos)
    for (Index j = 0; j < half; ++j) {
      const float f = static_cast<float>(pos) * inv_freq[static_cast<size_t>(j)];
      cos(pos, j) = std::cos(f);
      sin(pos, j) = std::sin(f);
    }
}

void rope(RowMatrix& x, int n_heads, int head_dim, const RopeTable& table, Index first) {
  const Index half = table.cos.cols();
  if (first + x.rows() > table.cos.rows())
    fail(ErrorKind::Usage, "rotary table of " + std::to_string(table.cos.rows()) + " positions used up to position " +
                               std::to_string(first + x.rows()));
  for (Index pos = 0; pos < x.rows(); ++pos) {
    const float* c = table.cos.data() + (first + pos) * half;
    const float* s = table.sin.data() + (first + pos) * half;
    float* row = x.data() + pos * x.cols();
    for (int h = 0; h < n_heads; ++h) {
      float* v = row + h * head_dim;
      for (Index j = 0; j < half; ++j) {
        const float a = v[j], b = v[j + half];
        v[j] = a * c[j] - b * s[j];
        v[j + half] = b * c[j] + a * s[j];
      }
    }
  }
}

void linear(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out) { affine(x, w, b, true, out); }

void conv1d(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out) { affine(x, w, b, false, out); }

Activation parse_activation(const std::string& name, const std::string& label) {
  if (name == "gelu") return Activation::GeluErf;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return Activation::GeluTanh;
  if (name == "relu") return Activation::Relu;
  if (name == "silu" || name == "swish") return Activation::Silu;
  fail(ErrorKind::Model, label + ": unsupported activation '" + name + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu)");
}

MlpKind plain_mlp(Activation a) {
  switch (a) {
    case Activation::GeluErf: return MlpKind::Gelu;
    case Activation::Relu: return MlpKind::Relu;
    default: return MlpKind::GeluTanh;  // GELU-tanh (SiLU in a plain MLP costs the same)
  }
}

void activate(RowMatrix& x, Activation a) {
  // Vectorised (Eigen's packet erf, tanh and exp), in parallel blocks of rows.
  parallel_rows(x.rows(), x.cols(), [&](Index r0, Index r1) {
    ArrayMap v(x.data() + r0 * x.cols(), (r1 - r0) * x.cols());
    switch (a) {
      case Activation::GeluErf:
        v = 0.5f * v * (1.0f + (v * 0.70710678118654752f).erf());
        break;
      case Activation::GeluTanh: {
        const float c = std::sqrt(2.0f / 3.14159265358979323846f);
        v = 0.5f * v * (1.0f + (c * (v + 0.044715f * v * v * v)).tanh());
        break;
      }
      case Activation::Relu:
        v = v.max(0.0f);
        break;
      case Activation::Silu:
        v = v / (1.0f + (-v).exp());
        break;
    }
  });
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// [S, n*hd] (heads side by side) -> [n, S, hd].
Tensor split_heads(const RowMatrix& m, int n, int hd) {
  Tensor t({n, m.rows(), hd});
  for (int h = 0; h < n; ++h) t.matrix(h) = m.middleCols(static_cast<Eigen::Index>(h) * hd, hd);
  return t;
}

void capture_internals(const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, const RowMatrix& ctx,
                       const AttentionParams& p, LayerInternals& out) {
  out.num_heads = p.num_heads;
  out.num_kv_heads = p.num_kv_heads;
  out.head_dim = p.head_dim;
  out.seq_len = static_cast<int>(q.rows());
  out.scale_divisor = p.scale_divisor;
  out.scale_query_first = p.scale_query_first;
  out.causal = p.causal;
  out.window = p.window;
  out.softcap = p.softcap;
  out.key_mask.clear();
  if (p.key_mask)
    for (int64_t m : *p.key_mask) out.key_mask.push_back(m != 0 ? 1 : 0);
  out.position_bias = Tensor();
  if (p.relative_bias) out.position_bias = expand_relative_bias(p.relative_bias, p.num_heads, q.rows());
  out.q = split_heads(q, p.num_heads, p.head_dim);
  out.k = split_heads(k, p.num_kv_heads, p.head_dim);
  out.v = split_heads(v, p.num_kv_heads, p.head_dim);
  out.context = split_heads(ctx, p.num_heads, p.head_dim);
}

}  // namespace

float softcap_score(float s, float cap) { return cap * std::tanh(s / cap); }

Tensor expand_relative_bias(const float* relative, int num_heads, int64_t S) {
  Tensor t({num_heads, S, S});
  for (int h = 0; h < num_heads; ++h) {
    const float* rel = relative + static_cast<size_t>(h) * static_cast<size_t>(2 * S - 1);
    MatrixMap m = t.matrix(h);
    for (int64_t i = 0; i < S; ++i) std::copy_n(rel + (S - 1 - i), S, m.row(i).data());
  }
  return t;
}

void softmax_row(float* row, int64_t S, int64_t begin, int64_t end, float divisor, float softcap, const float* mask01) {
  // Worked on in an aligned per-thread buffer over all S keys, the excluded ones ending as 0:
  // Eigen's vectorised loops peel unaligned leading elements and finish a tail with scalar code,
  // so working in place, or over [begin, end) only, would make the bits of the result depend on
  // where the row lies in memory and on the range. This way a row is the same whether or not its
  // layer is captured, and equals what explain_head() recomputes from a key mask alone.
  thread_local Eigen::ArrayXf buffer;
  if (buffer.size() < S) buffer.resize(S);
  Eigen::Map<Eigen::ArrayXf, Eigen::AlignedMax> r(buffer.data(), S);
  const int64_t n = end - begin;
  r.head(begin).setZero();
  r.segment(begin, n) = ConstArrayMap(row + begin, n) / divisor;
  r.tail(S - end).setZero();
  if (softcap > 0)
    for (int64_t j = begin; j < end; ++j) r[j] = softcap_score(r[j], softcap);
  float m = -std::numeric_limits<float>::infinity();
  if (mask01) {
    for (Index j = begin; j < end; ++j)
      if (mask01[j] != 0.0f) m = std::max(m, r[j]);
  } else {
    m = r.segment(begin, n).maxCoeff();
  }
  if (m == -std::numeric_limits<float>::infinity()) {
    // Every key masked (cannot happen with real tokens present): spread evenly, as the
    // reference's additive float-min mask does.
    r.segment(begin, n).setConstant(1.0f / static_cast<float>(n));
  } else {
    // min(s, m) = s for the allowed keys; for the others it keeps exp finite before they are
    // zeroed (a masked key's score may exceed m).
    r = (r.min(m) - m).exp();
    if (mask01) r.segment(begin, n) *= ConstArrayMap(mask01 + begin, n);
    r.head(begin).setZero();
    r.tail(S - end).setZero();
    r *= 1.0f / r.sum();
  }
  std::copy_n(buffer.data(), S, row);
}

Index attention_row_block(Index S) { return S <= 256 ? S : 128; }

std::vector<float> key_mask01(const std::vector<int64_t>* key_mask, Index S) {
  std::vector<float> mask01;  // 1 real key, 0 padding
  if (key_mask) {
    mask01.resize(static_cast<size_t>(S));
    for (Index j = 0; j < S; ++j) mask01[static_cast<size_t>(j)] = (*key_mask)[static_cast<size_t>(j)] != 0 ? 1.0f : 0.0f;
  }
  return mask01;
}

KeyRange attention_weight_rows(const RowMatrix& q, const RowMatrix& k, const AttentionParams& p, const float* mask01, int h,
                               Index i0, Index rows, float* out, AttentionTiming* timing) {
  const Clock::time_point t0 = timing ? Clock::now() : Clock::time_point{};
  const Index S = q.rows(), Sk = k.rows(), past = p.query_offset;
  const int hd = p.head_dim;
  const Index keys = p.causal ? past + i0 + rows : Sk;
  // A sliding window: no row of the block sees keys before the first row's window.
  const Index first = p.window > 0 ? std::max<Index>(0, past + i0 - p.window + 1) : 0;
  // The per-head products stay with Eigen (single-threaded in here): its kernel sums each dot
  // product in order with fused multiply-adds, which explain_head() reproduces exactly.
  Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>> P(out + first, rows, keys - first, Eigen::OuterStride<>(Sk));
  const int kvh = h / (p.num_heads / p.num_kv_heads);
  auto qh = q.block(i0, static_cast<Index>(h) * hd, rows, hd);
  auto kh = k.block(first, static_cast<Index>(kvh) * hd, keys - first, hd);
  if (p.scale_query_first) {
    const RowMatrix qs = qh / p.scale_divisor;
    P.noalias() = qs * kh.transpose();
  } else {
    P.noalias() = qh * kh.transpose();
  }
  const Clock::time_point t1 = timing ? Clock::now() : Clock::time_point{};
  const float divisor = p.scale_query_first ? 1.0f : p.scale_divisor;
  for (Index r = 0; r < rows; ++r) {
    const Index i = i0 + r, at = past + i;  // query row, its key position
    const Index end = p.causal ? at + 1 : Sk, begin = p.window > 0 ? std::max<Index>(0, at - p.window + 1) : 0;
    float* row = out + r * Sk;
    float row_divisor = divisor;
    if (p.relative_bias) {  // T5 divides by nothing: the bias goes on the raw products
      const float* b = p.relative_bias + static_cast<size_t>(h) * static_cast<size_t>(2 * Sk - 1) + static_cast<size_t>(Sk - 1 - i);
      for (Index j = begin; j < end; ++j) row[j] = row[j] / divisor + b[j];
      row_divisor = 1.0f;
    }
    if (p.scores) {
      float* scores = p.scores + (static_cast<size_t>(h) * S + static_cast<size_t>(i)) * Sk;
      std::fill(scores, scores + Sk, -std::numeric_limits<float>::infinity());
      for (Index j = begin; j < end; ++j)
        if (!mask01 || mask01[j] != 0.0f)
          scores[j] = p.softcap > 0 ? softcap_score(row[j] / row_divisor, p.softcap) : row[j] / row_divisor;
    }
    softmax_row(row, Sk, begin, end, row_divisor, p.softcap, mask01);
  }
  if (timing) {
    timing->scores += seconds_between(t0, t1);
    timing->softmax += seconds_between(t1, Clock::now());
  }
  return {first, keys};
}

void self_attention(const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, const AttentionParams& p,
                    const AttentionSink& probs, RowMatrix& ctx) {
  const Index S = q.rows(), Sk = k.rows();  // queries, keys
  const Index past = p.query_offset;         // keys before the first query (a KV cache)
  if (p.causal ? Sk != past + S : past != 0)
    fail(ErrorKind::Usage, "causal attention needs as many keys as cached tokens and queries (got " + std::to_string(Sk) +
                               " keys for " + std::to_string(past) + " + " + std::to_string(S) + ")");
  if (p.relative_bias && Sk != S) fail(ErrorKind::Usage, "a position bias needs as many keys as queries (no KV cache, no cross-attention)");
  const int hd = p.head_dim;
  const int group = p.num_heads / p.num_kv_heads;
  ctx.resize(S, static_cast<Index>(p.num_heads) * hd);
  // Work items: (head, block of query rows). A block's scores [rows, keys] stay in cache through
  // the softmax and the weighted sum; causal blocks stop at their last row's keys, skipping the
  // masked upper triangle (about half the work). Nothing holds more than a block of rows unless
  // the maps are captured.
  const Index block = attention_row_block(S);
  const Index blocks = (S + block - 1) / block;
  const Index items = static_cast<Index>(p.num_heads) * blocks;
  const std::vector<float> mask01 = key_mask01(p.key_mask, Sk);
  const float* mask = p.key_mask ? mask01.data() : nullptr;
#ifdef _OPENMP
  const size_t n_threads = static_cast<size_t>(omp_get_max_threads());
#else
  const size_t n_threads = 1;
#endif
  std::vector<RowMatrix> scratch(n_threads);  // weights of a block when not captured
  // Profiling only: thread time of each part, summed over the work items.
  const bool timed = p.timing != nullptr;
  double t_scores = 0, t_softmax = 0, t_sum = 0;
  // Tiny layers (e.g. stories260K: 8 heads of 8 over 34 tokens, ~0.1 MFLOP) run on the calling
  // thread: a fork and join costs more than the work, and on a loaded machine a descheduled
  // worker stalls the whole layer at the barrier.
  const bool parallel = static_cast<double>(p.num_heads) * static_cast<double>(S) * static_cast<double>(Sk) * hd >= double(1 << 18);

#pragma omp parallel for schedule(dynamic) reduction(+ : t_scores, t_softmax, t_sum) if (parallel)
  for (Index item = 0; item < items; ++item) {
    const int h = static_cast<int>(item / blocks);
    const Index i0 = (item % blocks) * block, rows = std::min(block, S - i0);
#ifdef _OPENMP
    const size_t thread = static_cast<size_t>(omp_get_thread_num());
#else
    const size_t thread = 0;
#endif
    const size_t offset = (static_cast<size_t>(h) * S + static_cast<size_t>(i0)) * Sk;  // of row i0 of head h
    float* pd;
    if (probs.f32) {
      pd = probs.f32 + offset;
    } else {
      RowMatrix& mine = scratch[thread];
      if (mine.rows() < block || mine.cols() < Sk) mine.resize(block, Sk);
      pd = mine.data();
    }
    AttentionTiming spent;
    const KeyRange seen = attention_weight_rows(q, k, p, mask, h, i0, rows, pd, timed ? &spent : nullptr);
    const Clock::time_point t1 = timed ? Clock::now() : Clock::time_point{};
    if (probs.f16) {  // rounded to nearest, the block's rows straight from the scratch
      const Index n = rows * Sk;
      Eigen::Map<Eigen::Matrix<Eigen::half, Eigen::Dynamic, 1>>(probs.f16 + offset, n) =
          Eigen::Map<const Eigen::VectorXf>(pd, n).cast<Eigen::half>();
    }
    Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>> P(pd + seen.first, rows, seen.end - seen.first, Eigen::OuterStride<>(Sk));
    auto vh = v.block(seen.first, static_cast<Index>(h / group) * hd, seen.end - seen.first, hd);
    ctx.block(i0, static_cast<Index>(h) * hd, rows, hd).noalias() = P * vh;
    if (timed) {
      t_scores += spent.scores;
      t_softmax += spent.softmax;
      t_sum += seconds_between(t1, Clock::now());
    }
  }
  if (timed) {
    p.timing->scores += t_scores;
    p.timing->softmax += t_softmax;
    p.timing->weighted_sum += t_sum;
  }
  if (p.capture) {
    const Clock::time_point t0 = timed ? Clock::now() : Clock::time_point{};
    capture_internals(q, k, v, ctx, p, *p.capture);
    if (timed) p.timing->capture += seconds_between(t0, Clock::now());
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
    table.rows_f32(ids[i], ids[i] + 1, out.data() + static_cast<Eigen::Index>(i) * dim);
  }
}

ThreadScope::ThreadScope(int threads) : previous_(Eigen::nbThreads()) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads_ = threads > 0 ? threads : hw;
  Eigen::setNbThreads(threads_);
#ifdef _OPENMP
  omp_set_num_threads(threads_);
#endif
#ifdef ATTNSCOPE_WITH_OPENBLAS
  previous_blas_ = openblas_get_num_threads();
  openblas_set_num_threads(1);  // gemm() splits the products over the OpenMP threads itself
#endif
}

ThreadScope::~ThreadScope() {
  Eigen::setNbThreads(previous_);
#ifdef ATTNSCOPE_WITH_OPENBLAS
  openblas_set_num_threads(previous_blas_);
#endif
}

}  // namespace attnscope::layers
