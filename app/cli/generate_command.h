#pragma once

#include <string>

namespace CLI {
class App;
}

namespace attnscope::cli {

struct GenerateArgs {
  std::string model, text, text_file, out, layers;
  int max_new_tokens = 20;
  double temperature = 0;
  int top_k = 0;
  double top_p = 1;
  uint64_t seed = 0;
  int candidates = 10;
  int threads = 0;
  bool ignore_eos = false;
  bool force = false;
};

CLI::App* add_generate_command(CLI::App& app, GenerateArgs& args);
// Generates after a prompt with a KV cache (core generation.h) and writes ids, tokens, the
// per-step attention rows and the candidates; the continuation goes to stdout.
int cmd_generate(const GenerateArgs& args);

}  // namespace attnscope::cli
