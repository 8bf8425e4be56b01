#pragma once

#include <string>

namespace CLI {
class App;
}

namespace attnscope::cli {

struct CompareArgs {
  std::string model, model_b, text, text_b, out, layers;
  size_t max_tokens = 0;
  int threads = 0;
  bool force = false;
};

CLI::App* add_compare_command(CLI::App& app, CompareArgs& args);
// Two inputs on one model, or one input on two models with the same tokenizer: both attention
// stacks, their difference on the aligned tokens and the per-head Jensen–Shannon divergence
// (core compare.h); the most divergent heads go to stderr.
int cmd_compare(const CompareArgs& args);

}  // namespace attnscope::cli
