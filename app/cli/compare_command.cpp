#include "app/cli/compare_command.h"

#include <algorithm>
#include <iostream>
#include <numeric>

#include <CLI/CLI.hpp>

#include "core/analysis/compare.h"
#include "core/common/error.h"
#include "core/common/parse.h"
#include "core/common/text.h"
#include "core/export/tensor_bundle.h"
#include "core/io/atomic_file.h"
#include "core/pipeline/analyzer.h"

namespace attnscope::cli {

CLI::App* add_compare_command(CLI::App& app, CompareArgs& a) {
  auto* c = app.add_subcommand("compare", "Compare the attention of two inputs on one model, or of one input on two models: "
                                          "difference on the aligned tokens and per-head Jensen-Shannon divergence");
  c->add_option("--model", a.model, "Model folder, repo id in the Hugging Face cache, or builtin:NAME")->required();
  c->add_option("--model-b", a.model_b, "A second model with the same tokenizer (default: --model)");
  c->add_option("--text", a.text, "Input A (and B, unless --text-b)")->required();
  c->add_option("--text-b", a.text_b, "Input B (default: --text, with --model-b)");
  c->add_option("--layers", a.layers, "Compare these layers only, e.g. 0,3-5 (default: all)");
  c->add_option("--max-tokens", a.max_tokens, "Truncate each input to this many tokens");
  c->add_option("--threads", a.threads, "Forward-pass threads (default: all cores)")->check(CLI::NonNegativeNumber);
  c->add_option("--out", a.out, "Output file: .safetensors, .npz or .json")->required();
  c->add_flag("--force", a.force, "Overwrite the output file if it exists");
  return c;
}

namespace {

Analysis run_text(const Analyzer& an, const std::string& text, const CompareArgs& args, const char* which) {
  if (an.info().modality != Modality::Text || an.info().encoder_decoder)
    fail(ErrorKind::Usage, std::string("compare runs text encoders and causal LMs; model ") + which + " is " +
                               an.info().model_type + (an.info().encoder_decoder ? " (encoder-decoder)" : " (images)"));
  AnalysisRequest req;
  req.text = text;
  req.max_tokens = args.max_tokens;
  req.forward.threads = args.threads;
  req.forward.logits = LogitsMode::Last;
  if (!args.layers.empty()) req.forward.layers = parse_index_list(args.layers, an.info().num_layers, "--layers");
  Analysis a = an.run(req);
  for (const auto& w : a.warnings) std::cerr << "warning (" << which << "): " << printable(w) << "\n";
  return a;
}

}  // namespace

int cmd_compare(const CompareArgs& args) {
  if (args.model_b.empty() && args.text_b.empty())
    fail(ErrorKind::Usage, "give --text-b (a second input) or --model-b (a second model), or both");
  check_writable(args.out, args.force);
  bundle_format_for(args.out);
  const auto an_a = Analyzer::open(args.model);
  const auto an_b = args.model_b.empty() ? nullptr : Analyzer::open(args.model_b);
  const Analyzer& b_model = an_b ? *an_b : *an_a;
  const std::string text_b = args.text_b.empty() ? args.text : args.text_b;
  const Analysis a = run_text(*an_a, args.text, args, "A");
  const Analysis b = run_text(b_model, text_b, args, "B");
  if (an_b) {
    // Tokens pair by id, so the two tokenizers must agree on the input.
    const std::vector<int64_t> ids_b = an_b->tokenizer()->encode(args.text, args.max_tokens).ids();
    if (ids_b != a.encoding.ids())
      fail(ErrorKind::Usage, "the two models' tokenizers split the input differently (" + std::to_string(a.encoding.tokens.size()) +
                                 " and " + std::to_string(ids_b.size()) + " tokens): compare needs the same tokenizer");
    if (an_b->info().num_heads != an_a->info().num_heads || an_b->info().num_layers != an_a->info().num_layers)
      fail(ErrorKind::Usage, "the models differ in shape (" + std::to_string(an_a->info().num_layers) + " x " +
                                 std::to_string(an_a->info().num_heads) + " and " + std::to_string(an_b->info().num_layers) + " x " +
                                 std::to_string(an_b->info().num_heads) + " layers x heads)");
  }
  const TokenAlignment al = align_tokens(a.encoding.ids(), b.encoding.ids());
  const AttentionComparison c = compare_attentions(a.forward.attentions, b.forward.attentions, al);

  TensorBundle bundle;
  const auto name = [](const Analyzer& an) { return an.info().dir.filename().string(); };
  bundle.fields["model_a"] = name(*an_a);
  bundle.fields["model_b"] = name(b_model);
  bundle.fields["text_a"] = a.text;
  bundle.fields["text_b"] = b.text;
  bundle.fields["tokens_a"] = a.labels;
  bundle.fields["tokens_b"] = b.labels;
  bundle.fields["layers"] = c.layers;
  nlohmann::ordered_json ua = nlohmann::ordered_json::array(), ub = nlohmann::ordered_json::array();
  for (int i : al.unpaired_a) ua.push_back({i, a.labels[static_cast<size_t>(i)]});
  for (int j : al.unpaired_b) ub.push_back({j, b.labels[static_cast<size_t>(j)]});
  bundle.fields["unpaired_a"] = ua;
  bundle.fields["unpaired_b"] = ub;
  bundle.fields["divergence_definition"] =
      "Jensen-Shannon divergence in bits between the rows of aligned query tokens, over the aligned keys plus one outcome "
      "for the weight on unpaired keys; 'divergence' is its mean over the aligned queries";
  std::vector<int64_t> pairs;
  for (const auto& [i, j] : al.pairs) pairs.insert(pairs.end(), {i, j});
  bundle.add_ints("input_ids_a", a.encoding.ids());
  bundle.add_ints("input_ids_b", b.encoding.ids());
  bundle.add_ints("pairs", pairs, {static_cast<int64_t>(al.pairs.size()), 2});
  const AttentionMaps& ma = a.forward.attentions;
  const AttentionMaps& mb = b.forward.attentions;
  bundle.add_view("attentions_a", ma.data.data(), ma.shape());
  bundle.add_view("attentions_b", mb.data.data(), mb.shape());
  bundle.add_ints("attention_layers_a", std::vector<int64_t>(ma.layers.begin(), ma.layers.end()));
  bundle.add_ints("attention_layers_b", std::vector<int64_t>(mb.layers.begin(), mb.layers.end()));
  bundle.add_view("difference", c.difference);
  bundle.add_view("row_divergence", c.row_divergence);
  bundle.add_view("divergence", c.divergence);
  write_bundle(bundle, args.out, args.force);

  std::cerr << a.encoding.tokens.size() << " and " << b.encoding.tokens.size() << " tokens, " << al.pairs.size() << " aligned";
  if (!al.unpaired_a.empty() || !al.unpaired_b.empty())
    std::cerr << " (unpaired: " << al.unpaired_a.size() << " in A, " << al.unpaired_b.size() << " in B)";
  std::cerr << "\nmost divergent heads (JS, bits):";
  std::vector<size_t> order(c.divergence.data.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return c.divergence.data[x] > c.divergence.data[y]; });
  for (size_t k = 0; k < std::min<size_t>(5, order.size()); ++k)
    std::cerr << "  L" << c.layers[order[k] / static_cast<size_t>(c.num_heads)] << "H" << order[k] % static_cast<size_t>(c.num_heads)
              << " " << c.divergence.data[order[k]];
  std::cerr << "\n-> " << args.out << "\n";
  return 0;
}

}  // namespace attnscope::cli
