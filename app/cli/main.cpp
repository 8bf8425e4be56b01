// attnscope-cli: the headless tool. Exit codes: 0 ok, 1 internal error, 2 usage, 3 model
// problem, 4 input problem, 5 output problem; the message on stderr says what and where.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "core/analysis/head_stats.h"
#include "core/analysis/induction.h"
#include "core/common/error.h"
#include "core/common/parse.h"
#include "core/export/analysis_export.h"
#include "core/io/atomic_file.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/derived_maps.h"
#include "core/pipeline/model_summary.h"
#ifdef ATTNSCOPE_WITH_UI
#include "ui/export/render_command.h"
#endif

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
  return strip_final_newline(ss.str());
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
  std::string image, size;  // image models
  size_t max_tokens = 0;
  int threads = 0;
  bool hidden_states = false, force = false;
  std::string method = "raw", heads;  // derived maps: --method, --heads, --start-layer
  int start_layer = -1;
};

// The input part of `attend` and `stats`: text or image, truncation, threads, captured layers.
AnalysisRequest input_request(const AttendArgs& args, const Analyzer& analyzer) {
  if (args.text.empty() == args.text_file.empty() && !(args.text.empty() && args.text_file.empty()))
    fail(ErrorKind::Usage, "give either --text or --text-file, not both");
  AnalysisRequest req;
  if (analyzer.info().modality == Modality::Text) {
    if (!args.image.empty()) fail(ErrorKind::Usage, "--image is for image models; this is a text model");
    if (args.text.empty() && args.text_file.empty()) fail(ErrorKind::Usage, "a text model needs --text or --text-file");
    req.text = args.text_file.empty() ? args.text : read_text_file(args.text_file);
    if (!args.text_b.empty()) req.text_pair = args.text_b;
  } else {
    if (args.image.empty()) fail(ErrorKind::Usage, "an image model needs --image");
    if (!args.text.empty() || !args.text_file.empty()) fail(ErrorKind::Usage, "an image model takes --image, not text");
    req.image = args.image;
    if (!args.size.empty()) req.image_size = parse_image_size(args.size, "--size");
  }
  req.max_tokens = args.max_tokens;
  req.forward.threads = args.threads;
  req.forward.hidden_states = args.hidden_states;
  if (!args.layers.empty()) req.forward.layers = parse_index_list(args.layers, analyzer.info().num_layers, "--layers");
  return req;
}

// --method/--heads/--start-layer: checked before the model runs.
void check_method(const AttendArgs& args, const ModelInfo& info) {
  const bool fusion = args.method == "mean" || args.method == "max" || args.method == "min";
  if (args.method == "raw" && !args.heads.empty()) fail(ErrorKind::Usage, "--heads needs --method mean|max|min|rollout|flow");
  if ((args.method == "raw" || fusion) && args.start_layer >= 0)
    fail(ErrorKind::Usage, "--start-layer needs --method rollout|flow");
  if (!args.heads.empty()) parse_index_list(args.heads, info.num_heads, "--heads");
  if (args.start_layer >= info.num_layers)
    fail(ErrorKind::Usage, "--start-layer: " + std::to_string(args.start_layer) + " is out of range (valid: 0-" +
                               std::to_string(info.num_layers - 1) + ")");
}

int cmd_attend(const AttendArgs& args) {
  check_writable(args.out, args.force);
  bundle_format_for(args.out);
  auto analyzer = Analyzer::open(args.model);
  const AnalysisRequest req = input_request(args, *analyzer);
  check_method(args, analyzer->info());
  const Analysis a = analyzer->run(req, stderr_progress());
  for (const auto& w : a.warnings) std::cerr << "warning: " << w << "\n";
  TensorBundle bundle = bundle_analysis(a);
  DerivedMapOptions d;
  d.method = parse_map_method(args.method);
  if (!args.heads.empty()) d.heads = parse_index_list(args.heads, a.model.num_heads, "--heads");
  d.start_layer = std::max(args.start_layer, 0);
  d.threads = args.threads;
  const DerivedMaps derived = derived_maps(a, d, stderr_progress());  // outlives `bundle`, which borrows them
  if (!derived.summary.empty()) std::cerr << derived.summary << "\n";
  for (const auto& [name, t] : derived.maps) bundle.add_view(name, t);
  if (!derived.maps.empty()) {
    bundle.fields["method"] = args.method;
    if (!args.heads.empty()) bundle.fields["heads"] = parse_index_list(args.heads, a.model.num_heads, "--heads");
    if (args.start_layer >= 0) bundle.fields["start_layer"] = args.start_layer;
  }
  write_bundle(bundle, args.out, args.force);
  std::cerr << a.seq_len() << " tokens, " << a.forward.attentions.layers.size() << " layers x "
            << a.model.num_heads << " heads captured in " << static_cast<int>(a.seconds * 1000) << " ms -> " << args.out << "\n";
  return 0;
}

struct StatsArgs {
  AttendArgs input;  // --model, the input options, --out, --force
  InductionOptions induction;
};

int cmd_stats(const StatsArgs& args) {
  const AttendArgs& in = args.input;
  const std::string ext = std::filesystem::path(in.out).extension().string();
  if (ext != ".csv" && ext != ".json") fail(ErrorKind::Usage, "--out: unknown statistics format '" + ext + "' (use .csv or .json)");
  check_writable(in.out, in.force);
  auto analyzer = Analyzer::open(in.model);
  const AnalysisRequest req = input_request(in, *analyzer);
  const Analysis a = analyzer->run(req, stderr_progress());
  for (const auto& w : a.warnings) std::cerr << "warning: " << w << "\n";
  std::vector<HeadStats> stats = head_statistics(a.forward.attentions, token_roles(a));
  const bool induction = a.model.causal && analyzer->tokenizer();
  if (induction) {
    InductionOptions o = args.induction;
    o.layers = req.forward.layers;
    o.threads = in.threads;
    const InductionResult r = run_induction(analyzer->model(), *analyzer->tokenizer(), o, stderr_progress());
    set_induction_scores(stats, r.layers, r.scores, r.num_heads);
  }
  AtomicFile out(in.out, in.force);
  if (ext == ".csv") {
    out.write(head_stats_csv(stats));
  } else {
    nlohmann::ordered_json j;
    j["model_type"] = a.model.model_type;
    if (a.model.modality == Modality::Text) j["text"] = a.text;
    else j["image"] = a.image_path.string();
    j["tokens"] = a.labels;
    j["induction"] = induction ? nlohmann::ordered_json{{"block_length", args.induction.block_length},
                                                        {"samples", args.induction.samples},
                                                        {"seed", args.induction.seed}}
                               : nlohmann::ordered_json(nullptr);
    j["heads"] = head_stats_json(stats);
    out.write(j.dump(2) + "\n");
  }
  out.commit();
  std::cerr << stats.size() << " heads over " << a.seq_len() << " tokens -> " << in.out << "\n";
  return 0;
}

#ifdef ATTNSCOPE_WITH_UI
struct RenderArgs {
  AttendArgs input;  // --model, the input options, --out, --force, --threads
  std::string view = "matrix", head = "0", heads, method = "raw", cmap = "viridis", norm = "row", all_heads, format = "png";
  int layer = 0, query = -1;
  double dpi = 300, width = 0, height = 0;
  bool hide_special = false, no_title = false, no_sidecar = false;
};

int cmd_render(const RenderArgs& args) {
  using namespace attnscope::ui;
  RenderRequest r;
  r.model = args.input.model;
  auto analyzer_for_input = Analyzer::open(args.input.model);  // the input checks need the modality
  r.input = input_request(args.input, *analyzer_for_input);
  analyzer_for_input.reset();
  if (!parse(QString::fromStdString(args.view), r.view) || r.view == ViewKind::Prediction)
    fail(ErrorKind::Usage, "--view: unknown view '" + args.view + "' (matrix, lines, overview, text, image, heads)");
  ViewState& s = r.state;
  s.view = r.view;
  s.layer = args.layer;
  s.query = args.query;
  s.hide_special = args.hide_special;
  if (args.head == "mean" || args.head == "max" || args.head == "min") {
    parse(QString::fromStdString(args.head), s.head_mode);
  } else {
    s.head = static_cast<int>(parse_index_list(args.head, 1 << 16, "--head").front());
    s.head_mode = HeadMode::Single;
  }
  if (!args.heads.empty()) {
    s.head_mode = HeadMode::Subset;
    for (int h : parse_index_list(args.heads, 1 << 16, "--heads")) s.subset << h;
  }
  if (!parse(QString::fromStdString(args.method), s.method)) fail(ErrorKind::Usage, "--method: raw, rollout or flow");
  if (!parse(QString::fromStdString(args.cmap), s.color_map))
    fail(ErrorKind::Usage, "--cmap: unknown colour map '" + args.cmap + "' (viridis, magma, inferno, cividis, greys)");
  if (!parse(QString::fromStdString(args.norm), s.normalization))
    fail(ErrorKind::Usage, "--norm: unknown scale '" + args.norm + "' (row, matrix, global, log, percentile)");
  r.out = QString::fromStdString(args.input.out);
  r.all_heads_dir = QString::fromStdString(args.all_heads);
  const auto format = figure_format_for("x." + QString::fromStdString(args.format));
  if (!format) fail(ErrorKind::Usage, "--format: png, svg or pdf");
  r.format = *format;
  r.file.dpi = args.dpi;
  r.file.overwrite = args.input.force;
  if ((args.width > 0) != (args.height > 0)) fail(ErrorKind::Usage, "give both --width and --height (inches), or neither");
  if (args.width > 0) r.file.size_inches = QSizeF(args.width, args.height);
  r.title = !args.no_title;
  r.sidecar = !args.no_sidecar;
  const QStringList written = render_figures(r, stderr_progress());
  std::cerr << written.size() << (written.size() == 1 ? " figure -> " : " figures -> ")
            << (written.size() == 1 ? written.front().toStdString() : args.all_heads) << "\n";
  return 0;
}
#endif

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
  ca->add_option("--image", attend.image, "Input image (image models): PNG, JPEG, BMP, TIFF or WebP");
  ca->add_option("--size", attend.size, "Image models: resize straight to WxH, e.g. 320x240, instead of the preprocessor's resize and crop");
  ca->add_option("--out", attend.out, "Output file: .safetensors, .npz or .json")->required();
  ca->add_option("--max-tokens", attend.max_tokens, "Truncate the input to this many tokens")->check(CLI::PositiveNumber);
  ca->add_option("--threads", attend.threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  ca->add_option("--layers", attend.layers, "Capture attention of these layers only, e.g. 0,3,5-7 (default: all)");
  ca->add_flag("--hidden-states", attend.hidden_states, "Also write hidden_states [L+1,S,D]");
  ca->add_flag("--force", attend.force, "Overwrite the output file if it exists");

  auto* ma = ca->add_option("--method", attend.method,
                            "Also write a derived map: mean|max|min (fused [L,S,S]), rollout or flow ([S,S]); default raw")
                  ->check(CLI::IsMember({"raw", "mean", "max", "min", "rollout", "flow"}));
  ca->add_option("--heads", attend.heads, "Heads the derived map combines, e.g. 0,2-3 (default: all)")->needs(ma);
  ca->add_option("--start-layer", attend.start_layer, "First layer of rollout / flow (default 0)")
      ->check(CLI::NonNegativeNumber)
      ->needs(ma);

  StatsArgs stats;
  auto* cs = app.add_subcommand("stats", "Per-head statistics: entropy, attention distance, special-token mass, ...");
  cs->add_option("--model", stats.input.model, "Hugging Face model folder")->required();
  auto* stext = cs->add_option("--text", stats.input.text, "Input text");
  stext->excludes(cs->add_option("--text-file", stats.input.text_file, "Read the input text from a file (UTF-8)"));
  cs->add_option("--text-b", stats.input.text_b, "Second segment of a sentence pair (BERT-style models)");
  cs->add_option("--image", stats.input.image, "Input image (image models)");
  cs->add_option("--size", stats.input.size, "Image models: resize straight to WxH instead of the preprocessor's resize and crop");
  cs->add_option("--out", stats.input.out, "Output file: .csv or .json, one row per (layer, head)")->required();
  cs->add_option("--max-tokens", stats.input.max_tokens, "Truncate the input to this many tokens")->check(CLI::PositiveNumber);
  cs->add_option("--threads", stats.input.threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cs->add_option("--layers", stats.input.layers, "Only these layers, e.g. 0,3,5-7 (default: all)");
  cs->add_option("--induction-length", stats.induction.block_length,
                 "Causal models: length of the random block repeated for the induction score (default 50)")
      ->check(CLI::Range(2, 100000));
  cs->add_option("--induction-samples", stats.induction.samples, "Random sequences averaged (default 4)")->check(CLI::PositiveNumber);
  cs->add_option("--seed", stats.induction.seed, "Seed of the induction sequences (default 0)");
  cs->add_flag("--force", stats.input.force, "Overwrite the output file if it exists");

#ifdef ATTNSCOPE_WITH_UI
  RenderArgs render;
  auto* cr = app.add_subcommand("render", "Draw a view's figure (PNG, SVG, PDF) offscreen with the GUI's renderers");
  cr->add_option("--model", render.input.model, "Hugging Face model folder")->required();
  auto* rtext = cr->add_option("--text", render.input.text, "Input text");
  rtext->excludes(cr->add_option("--text-file", render.input.text_file, "Read the input text from a file (UTF-8)"));
  cr->add_option("--text-b", render.input.text_b, "Second segment of a sentence pair (BERT-style models)");
  cr->add_option("--image", render.input.image, "Input image (image models)");
  cr->add_option("--size", render.input.size, "Image models: resize straight to WxH instead of the preprocessor's resize and crop");
  cr->add_option("--max-tokens", render.input.max_tokens, "Truncate the input to this many tokens")->check(CLI::PositiveNumber);
  cr->add_option("--threads", render.input.threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cr->add_option("--view", render.view, "matrix, lines, overview, text, image or heads (default matrix)");
  cr->add_option("--layer", render.layer, "Layer, from 0 (default 0)")->check(CLI::NonNegativeNumber);
  cr->add_option("--head", render.head, "Head number, or mean, max, min (default 0)");
  cr->add_option("--heads", render.heads, "Mean of these heads, e.g. 0,2-3 (overrides --head)");
  cr->add_option("--method", render.method, "raw, rollout or flow (default raw)");
  cr->add_option("--query", render.query, "Query token of the text and image views (default: CLS / the last token)");
  cr->add_option("--cmap", render.cmap, "viridis, magma, inferno, cividis or greys (default viridis)");
  cr->add_option("--norm", render.norm, "Colour scale: row, matrix, global, log or percentile (default row)");
  cr->add_flag("--hide-special", render.hide_special, "Hide special tokens, renormalising each row");
  cr->add_option("--out", render.input.out, "Figure file: .png, .svg or .pdf");
  cr->add_option("--all-heads", render.all_heads, "Write every layer x head (and overview) into this folder instead");
  cr->add_option("--format", render.format, "With --all-heads: png, svg or pdf (default png)");
  cr->add_option("--dpi", render.dpi, "PNG resolution (default 300)")->check(CLI::Range(10.0, 2400.0));
  cr->add_option("--width", render.width, "Figure width in inches (default: the view's natural size)")->check(CLI::PositiveNumber);
  cr->add_option("--height", render.height, "Figure height in inches")->check(CLI::PositiveNumber);
  cr->add_flag("--no-title", render.no_title, "Leave out the title");
  cr->add_flag("--no-sidecar", render.no_sidecar, "Do not write NAME.attnscope.json beside the figure");
  cr->add_flag("--force", render.input.force, "Overwrite existing files");
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (ci->parsed()) return cmd_info(info);
    if (ca->parsed()) return cmd_attend(attend);
    if (cs->parsed()) return cmd_stats(stats);
#ifdef ATTNSCOPE_WITH_UI
    if (cr->parsed()) return cmd_render(render);
#endif
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
