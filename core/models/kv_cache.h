#pragma once

#include <vector>

#include "core/common/tensor.h"

namespace attnscope {

// The keys and values of the tokens a causal LM has already read, so that the next token costs one
// token's work instead of a run over the whole sequence (ForwardInput::cache).
struct KvCache {
  std::vector<RowMatrix> k, v;  // per layer: [length, num_kv_heads * head_dim]; keys after rotary
  int length = 0;               // tokens cached

  bool empty() const { return length == 0; }
  void clear() {
    k.clear();
    v.clear();
    length = 0;
  }
  // Appends one layer's new keys and values [S, Hkv d] (the caller advances `length` once all
  // layers have run: advance()).
  void append(int layer, const RowMatrix& new_k, const RowMatrix& new_v);
  void advance(int tokens) { length += tokens; }
};

}  // namespace attnscope
