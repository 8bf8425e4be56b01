#pragma once
// Helpers of the model tests: golden inputs, and small model folders written by a test from an
// existing checkpoint (tensors renamed, dropped or added, config.json edited).

#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/export/tensor_bundle.h"
#include "core/io/json_file.h"
#include "core/io/safetensors.h"
#include "core/models/model.h"
#include "tests/support/golden.h"

namespace attnscope::test {

// input_ids, and token_type_ids / attention_mask when the golden file stores them.
inline ForwardInput golden_input(const SafetensorsFile& g) {
  ForwardInput in;
  in.input_ids = g.ints("input_ids");
  if (g.find("token_type_ids")) in.token_type_ids = g.ints("token_type_ids");
  if (g.find("attention_mask")) in.attention_mask = g.ints("attention_mask");
  return in;
}

// The extra named `name` of a forward result, or an empty tensor.
inline Tensor extra(const ForwardResult& r, const std::string& name) {
  for (const auto& [n, t] : r.extras)
    if (n == name) return t;
  return {};
}

// Runs the golden file's input through `m` (hidden states on; `threads` as ForwardOptions) and
// checks every tensor the golden stores: attentions <= 1e-5, the rest <= 1e-4 (max abs diff), rows
// summing to 1 within 1e-5; a pooler_output the golden lacks must be absent. Prints the differences.
inline ForwardResult expect_matches_golden(const Model& m, const std::filesystem::path& path, int threads = 0) {
  SCOPED_TRACE(path.filename().string());
  SafetensorsFile g(path.string());
  ForwardOptions opt;
  opt.hidden_states = true;
  opt.threads = threads;
  ForwardResult r = m.forward(golden_input(g), opt);
  std::ostringstream report;
  report << "  " << path.parent_path().filename().string() << "/" << path.filename().string() << ": max |diff|";
  const double att = max_abs_diff(r.attentions.data, r.attentions.shape(), g.tensor("attentions"), "attentions");
  EXPECT_LE(att, 1e-5);
  report << " attentions " << att;
  const std::pair<const char*, Tensor> others[] = {{"hidden_states", r.hidden_states},
                                                   {"last_hidden_state", r.last_hidden_state},
                                                   {"pooler_output", extra(r, "pooler_output")},
                                                   {"logits", r.logits}};
  for (const auto& [name, got] : others) {
    if (!g.find(name)) {
      EXPECT_TRUE(got.empty()) << name << " is not in the golden";
      continue;
    }
    const double d = max_abs_diff(got, g.tensor(name), name);
    EXPECT_LE(d, 1e-4) << name;
    report << ", " << name << " " << d;
  }
  const double rows = worst_row_sum_error(r.attentions);
  EXPECT_LE(rows, 1e-5);
  std::cout << report.str() << "; worst row-sum error " << rows << "\n";
  return r;
}

class CheckpointBuilder {
 public:
  using Rename = std::function<std::string(const std::string&)>;  // new name, or "" to drop

  // Every tensor of `model_dir`/model.safetensors (renamed by `rename`) and its config.json.
  explicit CheckpointBuilder(const std::filesystem::path& model_dir, const Rename& rename = {})
      : config(read_json_file(model_dir / "config.json", "config.json")) {
    SafetensorsFile f((model_dir / "model.safetensors").string());
    for (const TensorInfo& t : f.tensors()) {
      const std::string name = rename ? rename(t.name) : t.name;
      if (!name.empty()) add(name, f.tensor(t.name));
    }
  }

  const Tensor& add(const std::string& name, Tensor t) {
    tensors_.push_back(std::move(t));
    bundle_.add_view(name, tensors_.back());
    return tensors_.back();
  }

  // A tensor of normal(mean, stddev) values from a fixed seed.
  const Tensor& add_random(const std::string& name, Shape shape, float mean, float stddev) {
    Tensor t(std::move(shape));
    std::normal_distribution<float> dist(mean, stddev);
    for (float& v : t.data) v = dist(rng_);
    return add(name, std::move(t));
  }

  void write(const std::filesystem::path& dir) const {
    write_safetensors(bundle_, dir / "model.safetensors", true);
    std::ofstream(dir / "config.json") << config.dump(2);
  }

  nlohmann::json config;

 private:
  std::deque<Tensor> tensors_;  // stable addresses for the bundle's views
  TensorBundle bundle_;
  std::mt19937 rng_{20240611};
};

// ModelInfo's parameter count and weight bytes against the model folder's file itself.
inline void expect_sizes_from_file(const ModelInfo& info, const std::filesystem::path& model_dir) {
  SafetensorsFile f((model_dir / "model.safetensors").string());
  int64_t params = 0;
  for (const auto& t : f.tensors()) params += shape_elements(t.shape);
  EXPECT_EQ(info.parameter_count, params);
  EXPECT_EQ(info.weights_bytes, f.file_size());
}

// A model folder `dir` with the weights of `model_dir` (linked, not copied) and `config`.
inline void write_linked_model(const std::filesystem::path& dir, const std::filesystem::path& model_dir,
                               const nlohmann::json& config) {
  std::filesystem::remove(dir / "model.safetensors");
  std::filesystem::create_symlink(std::filesystem::absolute(model_dir / "model.safetensors"), dir / "model.safetensors");
  std::ofstream(dir / "config.json") << config.dump(2);
}

// max |got - want| over the rows [0, rows) and columns [0, cols) of two row-major matrices.
inline double max_abs_diff_block(const float* got, const float* want, int64_t got_stride, int64_t want_stride,
                                 int64_t rows, int64_t cols) {
  double worst = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const double d = std::abs(static_cast<double>(got[r * got_stride + c]) - want[r * want_stride + c]);
      if (!(d <= worst)) worst = d;
    }
  return worst;
}

}  // namespace attnscope::test
