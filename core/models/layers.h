#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/tensor.h"
#include "core/models/attention_internals.h"
#include "core/models/architecture.h"
#include "core/models/attention_maps.h"
#include "core/models/checkpoint.h"
#include "core/models/profile.h"

// Building blocks of the forward passes. Activations are row-major [tokens, features].
namespace attnscope::layers {

// out = (x - mean) / sqrt(var + eps) * w + b, per row (biased variance, as torch.layer_norm).
void layer_norm(const RowMatrix& x, const Weight& w, const Weight& b, float eps, RowMatrix& out);
// out = (offset + w) * x / sqrt(mean(x^2) + eps), per row: Llama RMSNorm (offset 0) and Gemma's
// (offset 1, the stored weight is the difference from 1).
void rms_norm(const RowMatrix& x, const Weight& w, float eps, RowMatrix& out, float offset = 0);
// The same RMSNorm over each head's head_dim features of x [S, n_heads*head_dim], in place, with
// one weight [head_dim] shared by the heads (Qwen 3 and Gemma 3 q_norm / k_norm).
void head_rms_norm(RowMatrix& x, int n_heads, int head_dim, const Weight& w, float eps, float offset);
// cos and sin of the rotary angles pos * inv_freq (float32) for positions 0..S-1, each [S, half]:
// computed once per forward pass and rope kind, then applied to q and k of every layer.
struct RopeTable {
  RowMatrix cos, sin;
  RopeTable(const std::vector<float>& inv_freq, Eigen::Index seq_len);
};
// Rotary embeddings of positions first..first+S-1 on x [S, n_heads*head_dim], in place, in Hugging
// Face's rotate_half convention over the first 2 * half features of each head (the rest, with a
// partial_rotary_factor, pass through). `first` > 0: the tokens after a KV cache of that length.
void rope(RowMatrix& x, int n_heads, int head_dim, const RopeTable& table, Eigen::Index first = 0);

// out = x W^T + b for a torch.nn.Linear weight W [out_features, in_features]; b may be empty.
void linear(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out);
// out = x W + b for a GPT-2 Conv1D weight W [in_features, out_features]; b may be empty.
void conv1d(const RowMatrix& x, const Weight& w, const Weight& b, RowMatrix& out);

enum class Activation { GeluErf, GeluTanh, Relu, Silu };
// Hugging Face activation names: gelu, gelu_new, gelu_pytorch_tanh, relu, silu/swish.
Activation parse_activation(const std::string& name, const std::string& label);
void activate(RowMatrix& x, Activation a);
// The plain (ungated) MLP kind of the architecture descriptor for an activation.
MlpKind plain_mlp(Activation a);

// Scaled dot-product self-attention over all heads of one layer.
struct AttentionParams {
  int num_heads = 0;
  int num_kv_heads = 0;    // query head h reads key/value head h / (num_heads / num_kv_heads)
  int head_dim = 0;
  float scale_divisor = 1; // scores = q.k / scale_divisor (usually sqrt(head_dim))
  bool scale_query_first = false;  // DistilBERT order: (q / d) . k
  bool causal = false;     // key > query excluded (weight exactly 0)
  // Causal only: the queries are the tokens after this many cached keys, so query i sits at key
  // position query_offset + i and there are query_offset + Sq keys.
  int query_offset = 0;
  int window = 0;          // > 0 (causal only): keys <= query - window excluded as well
  float softcap = 0;       // > 0: scores = softcap * tanh(scores / softcap) before the mask (Gemma 2)
  float* scores = nullptr; // if set: receives the scaled, capped scores [num_heads, S, S]; masked -inf
  // T5: a bias by relative position [num_heads, 2S - 1], the bias of key j for query i at
  // j - i + S - 1, added to the scaled scores (self-attention without a KV cache only).
  const float* relative_bias = nullptr;
  const std::vector<int64_t>* key_mask = nullptr;  // key j excluded where key_mask[j] == 0
  LayerInternals* capture = nullptr;  // if set: receives q, k, v, ctx per head and the scaling above
  AttentionTiming* timing = nullptr;  // if set: the thread time of each part is added (profiling)
};

// The softmax of one row of attention scores, in place, exactly as self_attention computes it
// (float32, vectorised): row [S] holds the scores of keys [begin, end) (causal rows: end = query
// + 1; a sliding window: begin = query - window + 1; other entries are ignored), each divided by
// `divisor` and then, if softcap > 0, soft-capped (softcap_score); mask01 [S] (1 real key, 0
// padding) or null. Keys that are masked or outside [begin, end) get exactly 0. Bit for bit the
// same for the same allowed keys (begin, end and mask01 together), wherever the row lies in memory.
void softmax_row(float* row, int64_t S, int64_t begin, int64_t end, float divisor, float softcap, const float* mask01);
// cap * tanh(s / cap), in float32, the same scalar code wherever it is called.
float softcap_score(float s, float cap);

// q: [Sq, num_heads*head_dim], k and v: [Sk, num_kv_heads*head_dim]; Sk = Sq for self-attention
// (query_offset + Sq after a KV cache), the encoder's length for cross-attention (never causal).
// ctx: [Sq, num_heads*head_dim], the per-head context concatenated (before the output projection).
// probs: unless empty, receives the attention weights [num_heads, Sq(query), Sk(key)], row-major,
// as float32 or rounded to float16.
void self_attention(const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, const AttentionParams& p,
                    const AttentionSink& probs, RowMatrix& ctx);

// self_attention's work in row blocks: rows per block for S queries (the recomputation of a map
// from its queries and keys, core/models/query_keys.h, uses the same blocks to get the same bits).
Eigen::Index attention_row_block(Eigen::Index S);
// A key mask as the 1 (real) / 0 (padding) floats the softmax takes; empty without a mask.
std::vector<float> key_mask01(const std::vector<int64_t>* key_mask, Eigen::Index S);
// The keys a row block's products covered: [first, end).
struct KeyRange {
  Eigen::Index first = 0, end = 0;
};
// Head h's attention weights for query rows [i0, i0 + rows), one of self_attention's row blocks,
// into `out` [rows, Sk] (row-major), every key written (the excluded ones 0), the scores into
// p.scores when set: the code self_attention runs. mask01 as key_mask01 (null: every key real).
// `timing`, when set, gets the time of the products (scores) and of the softmax added.
KeyRange attention_weight_rows(const RowMatrix& q, const RowMatrix& k, const AttentionParams& p, const float* mask01, int h,
                               Eigen::Index i0, Eigen::Index rows, float* out, AttentionTiming* timing = nullptr);
// A relative position bias [H, 2S - 1] (AttentionParams::relative_bias) as the [H, S, S] it adds.
Tensor expand_relative_bias(const float* relative, int num_heads, int64_t S);

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
