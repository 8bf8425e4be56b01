#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/models/model.h"

namespace attnscope {

// What one forward pass keeps in memory for the caller, estimated from the model's shape and
// the sequence length before anything is allocated. The attention maps grow with S^2 and are
// what makes a long input impossible; the weights (memory-mapped) are not counted.
struct MemoryEstimate {
  uint64_t attention = 0;  // captured layers x heads x S x S x 4 (x 2 with ForwardOptions::attention_f16);
                           // with ForwardOptions::query_keys, captured layers x S x head_dim x (heads + kv heads) x 4
  uint64_t working = 0;    // while a layer runs: a row block of attention weights per thread (threads x
                           // block x S x 4, layers::attention_row_block) and the layer's activations
                           // (S x (4 D + 2 (heads + kv heads) head_dim + 2 intermediate) x 4)
  uint64_t hidden = 0;     // last_hidden_state S x D x 4, plus (L+1) x S x D x 4 with hidden_states
  uint64_t logits = 0;     // language models: S x V x 4 (LogitsMode::All) or V x 4 (Last)
  uint64_t taps = 0;       // ForwardOptions::taps: each capture point's size (capture.h) x its layers
  uint64_t total() const;
};

MemoryEstimate estimate_run_memory(const ModelInfo& info, int64_t seq_len, const ForwardOptions& options);

// The default budget: half of the machine's physical memory.
uint64_t default_memory_budget();

// The Error(Resource) of check_memory_budget, with the figures a caller needs to offer the ways
// out (the GUI asks whether to capture fewer layers instead).
class MemoryBudgetError : public Error {
 public:
  MemoryBudgetError(const std::string& message, const MemoryEstimate& estimate, uint64_t budget, int64_t seq_len)
      : Error(ErrorKind::Resource, message), estimate(estimate), budget(budget), seq_len(seq_len) {}
  MemoryEstimate estimate;
  uint64_t budget;
  int64_t seq_len;
};

// Throws MemoryBudgetError when `estimate` exceeds `budget` bytes, naming both and the ways out
// (fewer captured layers, a shorter input, a larger budget).
void check_memory_budget(const MemoryEstimate& estimate, uint64_t budget, int64_t seq_len);

// The most consecutive layers, centred on `around` as far as the model allows (an even count
// puts the extra layer after it), whose
// capture keeps the run within `budget` (other options unchanged, but capture points asked on
// every layer are counted on the captured ones: the run with fewer layers asks them so). Empty if
// not even one fits.
std::vector<int> layers_within_budget(const ModelInfo& info, int64_t seq_len, const ForwardOptions& options, uint64_t budget,
                                      int around);

// "512M", "2G", "1.5GiB", "100000" (bytes) -> bytes; K, M, G, T are powers of 1024.
// Throws Error(Usage) naming `option`.
uint64_t parse_byte_size(const std::string& text, const std::string& option);

// 1536 -> "1.5 KiB"; 3 << 30 -> "3.0 GiB".
std::string format_bytes(uint64_t bytes);

}  // namespace attnscope
