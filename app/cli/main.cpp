// attnscope-cli: the headless tool. Exit codes: 0 ok, 1 internal error, 2 usage, 3 model
// problem, 4 input problem, 5 output problem; the message on stderr says what and where.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "core/common/error.h"
#include "core/common/parse.h"
#include "core/export/analysis_export.h"
#include "core/io/atomic_file.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/model_summary.h"

using namespace attnscope;

namespace {

int exit_code(ErrorKind k) {
  switch (k) {
    case ErrorKind::Usage: return 2;
    case ErrorKind::Model: return 3;
    case ErrorKind::Input: case ErrorKind::Resource: return 4;
    case ErrorKind::Output: return 5;
  }
  return 1;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::Input, path + ": cannot read the text file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ProgressFn stderr_progress() {
  if (!::isatty(STDERR_FILENO)) return {};
  return [](const Progress& p) {
    std::fprintf(stderr, "\r%s", p.stage.c_str());
    if (p.done == p.total) std::fprintf(stderr, "\r\033[K");
    return true;
  };
}

struct InfoArgs {
  std::string model;
  bool json = false;
};

int cmd_info(const InfoArgs& args) {
  auto analyzer = Analyzer::open(args.model);
  const std::string tok = analyzer->tokenizer() ? analyzer->tokenizer()->kind() : "";
  if (args.json) std::cout << model_summary_json(analyzer->info(), tok).dump(2) << "\n";
  else std::cout << model_summary_text(analyzer->info(), tok);
  return 0;
}

struct AttendArgs {
  std::string model, text, text_file, text_b, out, layers;
  size_t max_tokens = 0;
  int threads = 0;
  bool hidden_states = false, force = false;
};

int cmd_attend(const AttendArgs& args) {
  if (args.text.empty() == args.text_file.empty() && !(args.text.empty() && args.text_file.empty()))
    fail(ErrorKind::Usage, "give either --text or --text-file, not both");
  check_writable(args.out, args.force);
  bundle_format_for(args.out);
  auto analyzer = Analyzer::open(args.model);
  AnalysisRequest req;
  if (analyzer->info().modality == Modality::Text) {
    if (args.text.empty() && args.text_file.empty()) fail(ErrorKind::Usage, "a text model needs --text or --text-file");
    req.text = args.text_file.empty() ? args.text : read_text_file(args.text_file);
    if (!args.text_b.empty()) req.text_pair = args.text_b;
  }
  req.max_tokens = args.max_tokens;
  req.forward.threads = args.threads;
  req.forward.hidden_states = args.hidden_states;
  if (!args.layers.empty()) req.forward.layers = parse_index_list(args.layers, analyzer->info().num_layers, "--layers");
  const Analysis a = analyzer->run(req, stderr_progress());
  for (const auto& w : a.warnings) std::cerr << "warning: " << w << "\n";
  export_analysis(a, args.out, args.force);
  std::cerr << a.encoding.tokens.size() << " tokens, " << a.forward.attentions.layers.size() << " layers x "
            << a.model.num_heads << " heads captured in " << static_cast<int>(a.seconds * 1000) << " ms -> " << args.out << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"attnscope-cli: run Hugging Face transformers natively and capture their attention"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("attnscope ") + ATTNSCOPE_VERSION);

  InfoArgs info;
  auto* ci = app.add_subcommand("info", "Describe a model folder");
  ci->add_option("--model", info.model, "Hugging Face model folder")->required();
  ci->add_flag("--json", info.json, "Print JSON");

  AttendArgs attend;
  auto* ca = app.add_subcommand("attend", "Run an input and write attentions, hidden states and logits");
  ca->add_option("--model", attend.model, "Hugging Face model folder")->required();
  auto* text = ca->add_option("--text", attend.text, "Input text");
  auto* text_file = ca->add_option("--text-file", attend.text_file, "Read the input text from a file (UTF-8)");
  text->excludes(text_file);
  ca->add_option("--text-b", attend.text_b, "Second segment of a sentence pair (BERT-style models)");
  ca->add_option("--out", attend.out, "Output file: .safetensors, .npz or .json")->required();
  ca->add_option("--max-tokens", attend.max_tokens, "Truncate the input to this many tokens")->check(CLI::PositiveNumber);
  ca->add_option("--threads", attend.threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  ca->add_option("--layers", attend.layers, "Capture attention of these layers only, e.g. 0,3,5-7 (default: all)");
  ca->add_flag("--hidden-states", attend.hidden_states, "Also write hidden_states [L+1,S,D]");
  ca->add_flag("--force", attend.force, "Overwrite the output file if it exists");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (ci->parsed()) return cmd_info(info);
    if (ca->parsed()) return cmd_attend(attend);
  } catch (const Error& e) {
    std::cerr << "attnscope-cli: " << to_string(e.kind()) << ": " << e.what() << "\n";
    return exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    std::cerr << "attnscope-cli: out of memory\n";
    return 4;
  } catch (const std::exception& e) {
    std::cerr << "attnscope-cli: internal error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
