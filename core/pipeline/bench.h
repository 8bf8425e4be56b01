#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/progress.h"
#include "core/models/model.h"

namespace attnscope {

// Benchmarks of the forward pass (`attnscope-cli bench`): wall time per pass with attention
// capture, achieved GFLOP/s (the FLOPs of the cost model, core/analysis/cost_model.h), the
// process's peak resident memory and the bytes of attention kept; and a plain matrix product
// to measure the GEMM peak of the machine with the same library and flags.

struct BenchOptions {
  int64_t seq_len = 0;     // text: tokens (0 = 128, cut to the model's limit)
  int image_size = 0;      // images: a square input of this side in pixels (0 = the model's size)
  int iters = 5;           // timed passes
  int warmup = 1;          // untimed passes first (first touches of weights and buffers)
  int threads = 0;         // 0 = all cores
  std::vector<int> layers;        // captured layers, empty = all (ForwardOptions::layers)
  bool attention_f16 = false;     // ForwardOptions::attention_f16
  // Keep queries and keys instead of maps (ForwardOptions::query_keys); after the passes, time
  // recomputing head maps from them on one thread (query_keys.h).
  bool query_keys = false;
  int head_maps = 8;              // with query_keys: maps recomputed, spread over layers and heads
  bool profile = false;           // also return the median profile by layer part
  uint64_t seed = 0;              // of the generated input
};

struct BenchResult {
  std::string model;        // folder or "synthetic:<name>"
  std::string model_type;
  int64_t seq_len = 0;
  int image_size = 0;       // images only
  int threads = 0;
  std::vector<double> seconds;  // each timed pass
  double median_seconds = 0, min_seconds = 0, max_seconds = 0;
  double flops = 0;             // of one pass (all layers; embeddings and heads not counted)
  double gflops = 0;            // flops / median
  uint64_t attention_bytes = 0; // attention kept by one pass (maps, or queries and keys)
  int captured_layers = 0;
  bool attention_f16 = false;
  bool query_keys = false;
  std::vector<double> head_map_seconds;  // BenchOptions::query_keys: each whole head map recomputed
  double head_map_median_seconds = 0;
  uint64_t weights_bytes = 0;   // the model's weights (as float32 when synthetic)
  uint64_t peak_rss_bytes = 0;  // the process's peak resident set since the model was opened
  double open_seconds = 0;      // opening the model (load_model), measured by the caller
  ForwardProfile profile;       // median profile (BenchOptions::profile)
};

// Runs `model` on a generated input (generated_input(), cost_model.h) warmup + iters times with
// logits off. The peak resident set is reset before the warm-up pass where the system allows it
// (Linux: /proc/self/clear_refs), so it covers the weights and the passes, not what came earlier.
// Progress: one step per pass, cancellable (then `seconds` is empty).
BenchResult run_bench(const Model& model, const BenchOptions& options, const ProgressFn& progress = {});

struct GemmBenchResult {
  int64_t m = 0, n = 0, k = 0;
  int threads = 0;
  std::vector<double> seconds;
  double median_seconds = 0;
  double gflops = 0;       // 2 m n k / median
  double best_gflops = 0;  // 2 m n k / min
};

// C[m,n] = A[m,k] B[n,k]^T in float32, the product layers::linear() computes, `iters` times
// after a warm-up.
GemmBenchResult run_gemm_bench(int64_t m, int64_t n, int64_t k, int iters, int threads);

// The process's peak resident set in bytes (VmHWM), and a reset of it where supported.
uint64_t peak_resident_bytes();
bool reset_peak_resident();

nlohmann::ordered_json bench_json(const BenchResult& r);
std::string bench_text(const BenchResult& r);
nlohmann::ordered_json gemm_bench_json(const GemmBenchResult& r);
std::string gemm_bench_text(const GemmBenchResult& r);

}  // namespace attnscope
