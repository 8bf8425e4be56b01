#include "app/cli/generate_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "core/common/error.h"
#include "core/common/parse.h"
#include "core/common/text.h"
#include "core/export/tensor_bundle.h"
#include "core/io/atomic_file.h"
#include "core/io/bounded_read.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/generation.h"

namespace attnscope::cli {

CLI::App* add_generate_command(CLI::App& app, GenerateArgs& a) {
  auto* c = app.add_subcommand("generate", "Generate after a prompt (causal LMs) and write what each new token was produced from: "
                                           "per-step attention rows and next-token candidates");
  c->add_option("--model", a.model, "Model folder, repo id in the Hugging Face cache, or builtin:NAME")->required();
  c->add_option("--text", a.text, "The prompt");
  c->add_option("--text-file", a.text_file, "Read the prompt from a UTF-8 file");
  c->add_option("--max-new-tokens", a.max_new_tokens, "Tokens to generate at most (default 20)")->check(CLI::Range(1, 100000));
  c->add_option("--temperature", a.temperature, "0 (default) = greedy; > 0 samples from softmax(logits / T)")
      ->check(CLI::Range(0.0, 100.0));
  c->add_option("--top-k", a.top_k, "Sample among the K most probable tokens only (0 = all)")->check(CLI::Range(0, 1 << 30));
  c->add_option("--top-p", a.top_p, "Sample among the most probable tokens whose mass reaches P (1 = all)")
      ->check(CLI::Range(1e-9, 1.0));
  c->add_option("--seed", a.seed, "Seed of the sampler (same seed, same tokens)");
  c->add_option("--candidates", a.candidates, "Next-token candidates recorded per step (default 10)")->check(CLI::Range(0, 1000));
  c->add_option("--layers", a.layers, "Keep the attention rows of these layers only, e.g. 0,3-5 (default: all)");
  c->add_option("--threads", a.threads, "Forward-pass threads (default: all cores)")->check(CLI::NonNegativeNumber);
  c->add_flag("--ignore-eos", a.ignore_eos, "Do not stop at an end-of-sequence token");
  c->add_option("--out", a.out, "Output file: .safetensors, .npz or .json")->required();
  c->add_flag("--force", a.force, "Overwrite the output file if it exists");
  return c;
}

int cmd_generate(const GenerateArgs& args) {
  if (args.text.empty() == args.text_file.empty()) fail(ErrorKind::Usage, "give either --text or --text-file");
  if (args.temperature <= 0 && (args.top_k > 0 || args.top_p < 1))
    fail(ErrorKind::Usage, "--top-k and --top-p need --temperature > 0 (temperature 0 is greedy)");
  check_writable(args.out, args.force);
  bundle_format_for(args.out);
  auto analyzer = Analyzer::open(args.model);
  const ModelInfo& mi = analyzer->info();
  const Tokenizer* tok = analyzer->tokenizer();
  if (!tok) fail(ErrorKind::Model, "'" + args.model + "' has no tokenizer to encode the prompt");
  const std::string text = args.text_file.empty()
                               ? args.text
                               : strip_final_newline(read_file_bounded(args.text_file, "--text-file", kMaxInputTextBytes, ErrorKind::Input));
  const Encoding prompt = tok->encode(text);

  GenerationOptions o;
  o.max_new_tokens = args.max_new_tokens;
  o.sampling.temperature = args.temperature;
  o.sampling.top_k = args.top_k;
  o.sampling.top_p = args.top_p;
  o.sampling.seed = args.seed;
  o.candidates = args.candidates;
  o.stop_at_eos = !args.ignore_eos;
  o.threads = args.threads;
  if (!args.layers.empty()) o.layers = parse_index_list(args.layers, mi.num_layers, "--layers");

  const bool tty = ::isatty(STDERR_FILENO);
  ProgressFn progress;
  if (tty)
    progress = [](const Progress& p) {
      std::fprintf(stderr, "\rgenerate: %s\033[K", p.stage.c_str());
      return true;
    };
  const Generation g = generate(analyzer->model(), prompt.ids(), o, progress);
  if (tty) std::fprintf(stderr, "\r\033[K");

  // Arrays, padded to the longest context (the last step's) with step_mask = 0.
  const int64_t N = static_cast<int64_t>(g.steps.size()), Lc = static_cast<int64_t>(g.layers.size()), H = g.num_heads;
  const int64_t C = N > 0 ? g.steps.back().context : 0;
  const int64_t K = args.candidates;
  Tensor attn({N, Lc, H, C});   // step_attentions [steps, layers, heads, context]
  Tensor token_probs({N});      // probability of each generated token
  Tensor cand_probs({N, K});    // candidate_probs
  std::vector<int64_t> mask(static_cast<size_t>(N * C), 0), context, cand_ids(static_cast<size_t>(N * K), -1);
  nlohmann::json cand_tokens = nlohmann::json::array();
  for (int64_t s = 0; s < N; ++s) {
    const GenerationStep& st = g.steps[static_cast<size_t>(s)];
    context.push_back(st.context);
    std::fill_n(mask.begin() + s * C, st.context, 1);
    for (int64_t l = 0; l < Lc; ++l)
      for (int64_t h = 0; h < H; ++h)
        std::copy_n(g.row(static_cast<size_t>(s), static_cast<int>(l), static_cast<int>(h)), st.context,
                    attn.data.data() + ((s * Lc + l) * H + h) * C);
    token_probs.data[static_cast<size_t>(s)] = st.probability;
    nlohmann::json names = nlohmann::json::array();
    for (size_t k = 0; k < st.candidates.size(); ++k) {
      cand_ids[static_cast<size_t>(s * K) + k] = st.candidates[k].id;
      cand_probs.data[static_cast<size_t>(s * K) + k] = st.candidates[k].probability;
      names.push_back(tok->display(st.candidates[k].id));
    }
    cand_tokens.push_back(names);
  }
  const AttentionMaps& pa = g.prompt_attention;

  TensorBundle b;
  b.fields["model"] = mi.dir.filename().string();
  b.fields["model_type"] = mi.model_type;
  b.fields["text"] = text;
  b.fields["generated_text"] = tok->decode(g.generated);
  b.fields["prompt_tokens"] = tok->display_tokens(prompt.tokens);
  nlohmann::json gen_tokens = nlohmann::json::array();
  for (int64_t id : g.generated) gen_tokens.push_back(tok->display(id));
  b.fields["generated_tokens"] = gen_tokens;
  b.fields["candidate_tokens"] = cand_tokens;
  b.fields["sampling"] = {{"greedy", o.sampling.greedy()},
                          {"temperature", o.sampling.temperature},
                          {"top_k", o.sampling.top_k},
                          {"top_p", o.sampling.top_p},
                          {"seed", o.sampling.seed}};
  b.fields["max_new_tokens"] = o.max_new_tokens;
  b.fields["stop_reason"] = to_string(g.stop);
  b.fields["layers"] = g.layers;
  b.fields["eos_ids"] = mi.eos_ids;
  b.add_ints("input_ids", g.prompt_ids);
  b.add_ints("generated_ids", g.generated);
  b.add_ints("step_context", context);
  b.add_ints("step_mask", mask, {N, C});
  b.add_view("step_attentions", attn);
  b.add_view("token_probs", token_probs);
  b.add_ints("candidate_ids", cand_ids, {N, K});
  b.add_view("candidate_probs", cand_probs);
  if (!pa.empty()) b.add_view("prompt_attentions", pa.data.data(), pa.shape());
  write_bundle(b, args.out, args.force);

  std::cout << printable(b.fields["generated_text"].get<std::string>()) << std::endl;
  std::cerr << prompt.tokens.size() << " prompt tokens, " << N << " generated (" << to_string(g.stop) << ") in "
            << static_cast<int>(g.seconds * 1000) << " ms -> " << args.out << "\n";
  return g.cancelled() ? 1 : 0;
}

}  // namespace attnscope::cli
