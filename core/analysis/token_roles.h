#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/common/tensor.h"
#include "core/models/model.h"
#include "core/tokenizers/tokenizer.h"

namespace attnscope {

// Where the patches of an image model sit in the token sequence: `prefix_tokens` tokens (CLS,
// DeiT's distillation token) first, then rows x cols patches in row-major order, each
// patch_size x patch_size pixels of the model input.
struct PatchGrid {
  int prefix_tokens = 0;
  int rows = 0;
  int cols = 0;
  int patch_size = 0;

  int patches() const { return rows * cols; }
  int seq_len() const { return prefix_tokens + rows * cols; }
};

// What the analysis functions need to know about the tokens of one input; filled by the caller
// (text: from the encoding; images: from the patch layout).
struct TokenRoles {
  std::vector<uint8_t> special;       // [S] 1 for [CLS], [SEP], BOS, <s>, </s>, image prefix tokens
  bool causal = false;                // the model only attends to earlier tokens
  std::optional<PatchGrid> patches;   // image models

  int seq_len() const { return static_cast<int>(special.size()); }
};

// Text models: token i is special if the tokenizer marked it so.
TokenRoles text_token_roles(const Encoding& encoding, bool causal);

// Image models: the prefix tokens are special. Throws Error(Usage) if grid.seq_len() != seq_len.
TokenRoles image_token_roles(const PatchGrid& grid, int seq_len);

// The patch grid of an image model run on a height x width input (pixels of the model input).
PatchGrid patch_grid(const ModelInfo& model, int height, int width);

// Row `query` of an [S, S] map restricted to the patch keys, as a rows x cols image: e.g. the
// CLS row of a rollout as a heat map over the image.
RowMatrix patch_map(const RowMatrix& map, int query, const PatchGrid& grid);

}  // namespace attnscope
