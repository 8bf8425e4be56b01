#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/models/attention_internals.h"
#include "core/models/attention_maps.h"
#include "core/models/checkpoint.h"
#include "core/models/profile.h"

// Building blocks of the forward passes. Activations are row-major [tokens, features].
namespace attnscope::layers {

// out = (x - mean) / sqrt(var + eps) * w + b, per row (biased variance, as torch.layer_norm).
void layer_norm(const RowMatrix& x, const Weight& w, const Weight& b, float eps, RowMatrix& out);
// out = w * x / sqrt(mean(x^2) + eps), per row (Llama RMSNorm).
void rms_norm(const RowMatrix& x, const Weight& w, float eps, RowMatrix& out);

// out = x W^T + b for a torch.nn.Linear weight W [out_features, in_features]; b may be empty.
void linear(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out);
// out = x W + b for a GPT-2 Conv1D weight W [in_features, out_features]; b may be empty.
void conv1d(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out);

enum class Activation { GeluErf, GeluTanh, Relu, Silu };
// Hugging Face activation names: gelu, gelu_new, gelu_pytorch_tanh, relu, silu/swish.
Activation parse_activation(const std::string& name, const std::string& label);
void activate(RowMatrix& x, Activation a);

// Scaled dot-product self-attention over all heads of one layer.
struct AttentionParams {
  int num_heads = 0;
  int num_kv_heads = 0;    // query head h reads key/value head h / (num_heads / num_kv_heads)
  int head_dim = 0;
  float scale_divisor = 1; // scores = q.k / scale_divisor (usually sqrt(head_dim))
  bool scale_query_first = false;  // DistilBERT order: (q / d) . k
  bool causal = false;     // key > query excluded (weight exactly 0)
  const std::vector<int64_t>* key_mask = nullptr;  // key j excluded where key_mask[j] == 0
  LayerInternals* capture = nullptr;  // if set: receives q, k, v, ctx per head and the scaling above
  AttentionTiming* timing = nullptr;  // if set: the thread time of each part is added (profiling)
};

// The softmax of one row of attention scores, in place, exactly as self_attention computes it
// (float32, vectorised): row [S] holds the scores of keys [0, end) (causal rows: end = query + 1;
// later entries are ignored), each divided by `divisor` first; mask01 [S] (1 real key, 0 padding)
// or null. Keys that are masked or >= end get exactly 0. Bit for bit the same for the same
// allowed keys (end and mask01 together), wherever the row lies in memory.
void softmax_row(float* row, int64_t S, int64_t end, float divisor, const float* mask01);

// q: [S, num_heads*head_dim], k and v: [S, num_kv_heads*head_dim].
// ctx: [S, num_heads*head_dim], the per-head context concatenated (before the output projection).
// probs: unless empty, receives the attention weights [num_heads, S(query), S(key)], row-major,
// as float32 or rounded to float16.
void self_attention(const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, const AttentionParams& p,
                    const AttentionSink& probs, RowMatrix& ctx);

// The attention_mask of a text input as a self_attention key mask: nullptr when empty (every token
// real), else it must hold one value per token, each 0 (padding) or 1. Throws Error(Input).
const std::vector<int64_t>* key_mask(const std::vector<int64_t>& attention_mask, size_t n_tokens);

// Rows `ids` of an embedding table [vocab, dim] into out [ids.size(), dim]; ids are checked.
void embed(const Weight& table, const std::vector<int64_t>& ids, RowMatrix& out, const std::string& what);

// Sets the number of threads used by the matrix products (Eigen, OpenMP and, when the build uses
// it, OpenBLAS) for the current scope.
class ThreadScope {
 public:
  explicit ThreadScope(int threads);
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;
  int threads() const { return threads_; }

 private:
  int threads_;
  int previous_;
  int previous_blas_ = 0;
};

}  // namespace attnscope::layers
