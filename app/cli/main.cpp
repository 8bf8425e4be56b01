// attnscope-cli: the headless tool. Exit codes: 0 ok, 1 internal error, 2 usage, 3 model
// problem, 4 input problem, 5 output problem, 6 Hub unreachable or refused; the message on stderr says what and where.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "core/analysis/cost_model.h"
#include "core/analysis/head_stats.h"
#include "core/analysis/head_steps.h"
#include "core/analysis/induction.h"
#include "core/analysis/query_rollout.h"
#include "core/common/error.h"
#include "core/common/parse.h"
#include "core/export/analysis_export.h"
#include "core/io/atomic_file.h"
#include "core/models/synthetic.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/bench.h"
#include "core/pipeline/derived_maps.h"
#include "core/pipeline/head_ablation.h"
#include "core/pipeline/memory_budget.h"
#include "core/common/text.h"
#include "core/io/bounded_read.h"
#include "core/io/json_file.h"
#include "core/pipeline/install_paths.h"
#include "core/pipeline/model_summary.h"
#include "core/tokenizers/tokenizer.h"
#include "app/cli/corpus_commands.h"
#include "app/cli/compare_command.h"
#include "app/cli/generate_command.h"
#include "app/cli/pull_command.h"
#ifdef ATTNSCOPE_WITH_UI
#include "ui/export/render_command.h"
#include "ui/render/head_statistics.h"
#endif

using namespace attnscope;

namespace {

const std::string kModelHelp =
    "Hugging Face model folder, a repo id in the Hugging Face cache (org/name[@revision], see `pull`), or a built-in "
    "model: builtin:vit-tiny (ViT-Ti/16 ImageNet), builtin:stories260K";

// CLI11's PositiveNumber / NonNegativeNumber print DBL_MAX in full (309 digits) as the range;
// these say what is wanted in a line. Counts above 10^9 are refused too: none of them makes sense.
CLI::Validator number_from(double lo, bool inclusive) {
  const std::string what = inclusive ? "a number from 0 to 1000000000" : "a positive number up to 1000000000";
  return CLI::Validator(
      [lo, inclusive, what](std::string& s) -> std::string {
        char* end = nullptr;
        const long double v = std::strtold(s.c_str(), &end);
        const bool ok = end != s.c_str() && *end == '\0' && std::isfinite(static_cast<double>(v)) &&
                        (inclusive ? v >= lo : v > lo) && v <= 1e9L;
        return ok ? std::string() : "must be " + what + ", got '" + excerpt(s, 40) + "'";
      },
      inclusive ? "NONNEGATIVE" : "POSITIVE");
}
const CLI::Validator kPositive = number_from(0, false);
const CLI::Validator kNonNegative = number_from(0, true);

int exit_code(ErrorKind k) {
  switch (k) {
    case ErrorKind::Usage: return 2;
    case ErrorKind::Model: return 3;
    case ErrorKind::Input: case ErrorKind::Resource: return 4;
    case ErrorKind::Output: return 5;
    case ErrorKind::Network: return 6;
  }
  return 1;
}

std::string read_text_file(const std::string& path) {
  return strip_final_newline(read_file_bounded(path, "--text-file", kMaxInputTextBytes, ErrorKind::Input));
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
  else std::cout << printable(model_summary_text(analyzer->info(), tok));
  return 0;
}

struct TokenizeArgs {
  std::string model, tokenizer, text, text_file;
  bool no_special = false, json = false, jsonl = false;
  int repeat = 0;  // --repeat: time the encoding instead of printing it
};

// Code point offsets, as Hugging Face's bindings report them.
std::vector<size_t> char_index_of_bytes(const std::string& text) {
  std::vector<size_t> at(text.size() + 1, 0);
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    at[i] = chars;  // lead bytes before i
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++chars;
  }
  at[text.size()] = chars;
  return at;
}

nlohmann::json tokenize_json(const Tokenizer& tok, const std::string& text, bool special) {
  Encoding enc;
  if (special) {
    enc = tok.encode(text);
  } else {
    require_utf8(text, "the input text");
    enc.tokens = tok.tokenize(text);
  }
  const auto chars = char_index_of_bytes(text);
  const auto shown = tok.display_tokens(enc.tokens);
  nlohmann::json j = {{"ids", enc.ids()}, {"tokens", nlohmann::json::array()}, {"display", shown},
                      {"offsets", nlohmann::json::array()}, {"char_offsets", nlohmann::json::array()},
                      {"special", nlohmann::json::array()}, {"word_ids", nlohmann::json::array()},
                      {"decoded", tok.decode(enc.ids())}};
  for (const auto& t : enc.tokens) {
    j["tokens"].push_back(t.text);
    j["offsets"].push_back({t.begin, t.end});
    j["char_offsets"].push_back({chars[t.begin], chars[t.end]});
    j["special"].push_back(t.special);
    j["word_ids"].push_back(t.word < 0 ? nlohmann::json() : nlohmann::json(t.word));
  }
  return j;
}

int cmd_tokenize(const TokenizeArgs& args) {
  if (args.model.empty() == args.tokenizer.empty()) fail(ErrorKind::Usage, "give either --model or --tokenizer");
  if (args.text.empty() == args.text_file.empty()) fail(ErrorKind::Usage, "give either --text or --text-file");
  if (args.jsonl && args.text_file.empty()) fail(ErrorKind::Usage, "--jsonl reads its inputs from --text-file");
  std::unique_ptr<Tokenizer> tok;
  if (!args.tokenizer.empty()) {
    tok = load_tokenizer_file(args.tokenizer);
  } else {
    const std::filesystem::path dir = resolve_model_reference(args.model);
    std::string model_type;
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / "config.json", ec)) {
      const JsonObject config(read_json_file(dir / "config.json", "config.json"), "config.json");
      model_type = config.string_or("model_type", "");
    }
    tok = load_tokenizer(dir, model_type);
  }
  const std::string text = args.text_file.empty() ? args.text : read_file_bounded(args.text_file, args.text_file, kMaxInputTextBytes, ErrorKind::Input);
  const bool special = !args.no_special;
  if (args.repeat > 0) {  // a benchmark of the encoding alone (the files are loaded once, before)
    std::vector<double> ms;
    size_t count = 0;
    for (int r = 0; r < args.repeat; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      count = tok->encode(text).tokens.size();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::cout << nlohmann::json{{"runs", args.repeat}, {"tokens", count}, {"chars", char_index_of_bytes(text).back()},
                                {"median_ms", ms[ms.size() / 2]}, {"min_ms", ms.front()}}
                     .dump()
              << "\n";
    return 0;
  }
  if (args.jsonl) {
    std::istringstream in(text);
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      nlohmann::json input;
      try {
        input = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        fail(ErrorKind::Input, args.text_file + ": line " + std::to_string(n) + " is not a JSON string");
      }
      if (!input.is_string()) fail(ErrorKind::Input, args.text_file + ": line " + std::to_string(n) + " is not a JSON string");
      std::cout << tokenize_json(*tok, input.get<std::string>(), special).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    return 0;
  }
  const nlohmann::json j = tokenize_json(*tok, text, special);
  if (args.json) {
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::cout << tok->kind() << ", " << j["ids"].size() << " tokens\n";
  std::cout << "index\tid\ttoken\tshown\tbytes\n";
  for (size_t i = 0; i < j["ids"].size(); ++i)
    std::cout << i << "\t" << j["ids"][i].get<int64_t>() << "\t" << printable(j["tokens"][i].get<std::string>()) << "\t"
              << printable(j["display"][i].get<std::string>()) << "\t" << j["offsets"][i][0].get<size_t>() << "-"
              << j["offsets"][i][1].get<size_t>() << "\n";
  std::cout << "decoded: " << printable(j["decoded"].get<std::string>()) << "\n";
  return 0;
}

struct AttendArgs {
  std::string model, text, text_file, text_b, out, layers;
  std::string target;       // encoder-decoder models: --target (teacher forcing) or --generate N
  int generate = 0;
  std::string image, size;  // image models
  size_t max_tokens = 0;
  int threads = 0;
  bool hidden_states = false, force = false;
  bool attention_f16 = false;  // --attention-f16
  std::string method = "raw", heads;  // derived maps: --method, --heads, --start-layer
  int start_layer = -1;
  double discard_ratio = -1;  // --discard-ratio (rollout)
  std::string flow_rows;      // --rows (flow), e.g. "0"
  std::string memory_budget;  // --memory-budget, e.g. 2G
  std::vector<std::string> taps;  // --tap NAME[:LAYERS]
  std::string keep = "maps";      // --keep maps|query-keys|auto (AnalysisRequest::storage)
  int query = -1;                 // --query N: rollout of that token only
};

// --tap q, --tap resid:0,3-5, --tap hidden:-1 (the embeddings): named capture points (capture.h).
TapRequest parse_tap_option(const std::string& spec, int num_layers) {
  const size_t colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const std::optional<Tap> tap = parse_tap(name);
  if (!tap) fail(ErrorKind::Usage, "--tap: unknown capture point '" + name + "' (known: " + tap_names() + ")");
  TapRequest r{*tap, {}};
  if (colon == std::string::npos) return r;
  std::string list = spec.substr(colon + 1);
  if (*tap == Tap::Hidden && (list == "-1" || list.rfind("-1,", 0) == 0)) {
    r.layers.push_back(-1);
    list = list.size() > 2 ? list.substr(3) : "";
  }
  if (!list.empty())
    for (int l : parse_index_list(list, num_layers, "--tap " + name)) r.layers.push_back(l);
  return r;
}

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
    if (analyzer.info().encoder_decoder) {
      if (args.target.empty() == (args.generate == 0))
        fail(ErrorKind::Usage, "an encoder-decoder model (" + analyzer.info().architecture +
                                   ") needs --target TEXT (teacher forcing) or --generate N, one of the two");
      if (!args.target.empty()) req.target = args.target;
      req.generate = args.generate;
    } else if (!args.target.empty() || args.generate > 0) {
      fail(ErrorKind::Usage, "--target and --generate are for encoder-decoder models (T5); this is " + analyzer.info().model_type);
    }
  } else {
    if (args.image.empty()) fail(ErrorKind::Usage, "an image model needs --image");
    if (!args.text.empty() || !args.text_file.empty()) fail(ErrorKind::Usage, "an image model takes --image, not text");
    req.image = args.image;
    if (!args.size.empty()) req.image_size = parse_image_size(args.size, "--size");
  }
  req.max_tokens = args.max_tokens;
  req.forward.threads = args.threads;
  req.forward.hidden_states = args.hidden_states;
  req.forward.attention_f16 = args.attention_f16;
  if (!args.layers.empty()) req.forward.layers = parse_index_list(args.layers, analyzer.info().num_layers, "--layers");
  if (!args.memory_budget.empty()) req.memory_budget = parse_byte_size(args.memory_budget, "--memory-budget");
  req.storage = args.keep == "auto" ? MapStorage::Auto : args.keep == "query-keys" ? MapStorage::QueryKeys : MapStorage::Maps;
  for (const std::string& t : args.taps) req.forward.taps.push_back(parse_tap_option(t, analyzer.info().num_layers));
  return req;
}

// --method/--heads/--start-layer: checked before the model runs.
void check_method(const AttendArgs& args, const ModelInfo& info) {
  const bool fusion = args.method == "mean" || args.method == "max" || args.method == "min";
  const bool whole_layer = args.method == "raw" || args.method == "value-norm" || args.method == "alti";
  if (whole_layer && !args.heads.empty())
    fail(ErrorKind::Usage, "--heads needs --method mean|max|min|rollout|flow");
  if ((whole_layer || fusion) && args.start_layer >= 0)
    fail(ErrorKind::Usage, "--start-layer needs --method rollout|flow");
  if (args.discard_ratio >= 0 && args.method != "rollout") fail(ErrorKind::Usage, "--discard-ratio needs --method rollout");
  if (!args.flow_rows.empty() && args.method != "flow") fail(ErrorKind::Usage, "--rows needs --method flow");
  if (args.query >= 0 && args.method != "rollout") fail(ErrorKind::Usage, "--query needs --method rollout");
  if (!args.heads.empty()) parse_index_list(args.heads, info.num_heads, "--heads");
  if (args.start_layer >= info.num_layers)
    fail(ErrorKind::Usage, "--start-layer: " + std::to_string(args.start_layer) + " is out of range (valid: 0-" +
                               std::to_string(info.num_layers - 1) + ")");
}

// A run that kept queries and keys (--keep query-keys, or auto past the budget): they are
// written instead of maps, and a rollout is one query's row (--query), made from them.
int write_query_keys_run(const AttendArgs& args, const Analysis& a, TensorBundle& bundle) {
  std::vector<float> row;  // outlives `bundle`, which borrows it
  if (args.method == "rollout") {
    if (args.query < 0)
      fail(ErrorKind::Usage, "this run kept queries and keys, not maps: its rollout is one token's row (add --query N)");
    RolloutOptions o;
    if (!args.heads.empty()) o.fusion.heads = parse_index_list(args.heads, a.model.num_heads, "--heads");
    o.start_layer = std::max(args.start_layer, 0);
    o.discard_ratio = std::max(args.discard_ratio, 0.0);
    row = query_rollout(a.forward.query_keys, args.query, o, stderr_progress());
    bundle.add_view("rollout_row", row.data(), {a.seq_len()});
    bundle.fields["method"] = args.method;
    bundle.fields["query"] = args.query;
    if (args.start_layer >= 0) bundle.fields["start_layer"] = args.start_layer;
  } else if (args.method != "raw") {
    fail(ErrorKind::Usage, "--method " + args.method + " needs the maps, and this run kept queries and keys instead (" +
                               std::to_string(a.seq_len()) + " tokens); capture fewer layers (--layers) or use --method rollout --query N");
  }
  write_bundle(bundle, args.out, args.force);
  std::cerr << a.seq_len() << " tokens, " << a.forward.query_keys.layers.size() << " layers kept as queries and keys ("
            << format_bytes(a.forward.query_keys.bytes()) << ") in " << static_cast<int>(a.seconds * 1000) << " ms -> " << args.out << "\n";
  return 0;
}

int cmd_attend(const AttendArgs& args) {
  check_writable(args.out, args.force);
  bundle_format_for(args.out);
  auto analyzer = Analyzer::open(args.model);
  AnalysisRequest req = input_request(args, *analyzer);
  check_method(args, analyzer->info());
  const bool value_norm = args.method == "value-norm", alti = args.method == "alti";
  if (alti && !req.forward.layers.empty()) fail(ErrorKind::Usage, "--method alti aggregates from the first layer: it needs every layer (drop --layers)");
  if (value_norm || alti) req.forward.taps.push_back(value_norm_taps(req.forward.layers));
  if (alti) req.forward.hidden_states = true;  // the stream entering each layer
  const Analysis a = analyzer->run(req, stderr_progress());
  for (const auto& w : a.warnings) std::cerr << "warning: " << printable(w) << "\n";
  if (value_norm || alti) {
    ValueNormMaps norms;  // these outlive `bundle`, which borrows them
    ContributionMaps contributions;
    RowMatrix rollout;
    TensorBundle bundle = bundle_analysis(a);
    std::string what;
    if (alti) {
      contributions = contribution_maps(a, analyzer->model(), stderr_progress());
      add_contributions(bundle, contributions);
      what = "ALTI contributions of " + std::to_string(contributions.layers.size()) + " layers";
    } else {
      norms = value_norm_maps(a, analyzer->model(), stderr_progress());
      add_value_norms(bundle, norms);
      // The rollout goes through every layer: only when all were captured.
      if (static_cast<int>(norms.layers.size()) == a.model.num_layers) {
        rollout = value_norm_rollout(norms, a.model.num_layers, 0, stderr_progress());
        bundle.add_view("value_norm_rollout", rollout.data(), {rollout.rows(), rollout.cols()});
      }
      what = "value norms of " + std::to_string(norms.layers.size()) + " layers x " + std::to_string(a.model.num_heads) + " heads";
    }
    bundle.fields["method"] = args.method;
    write_bundle(bundle, args.out, args.force);
    std::cerr << a.seq_len() << " tokens, " << what << " -> " << args.out << "\n";
    return 0;
  }
  TensorBundle bundle = bundle_analysis(a);
  if (!a.forward.query_keys.empty()) return write_query_keys_run(args, a, bundle);
  DerivedMapOptions d;
  d.method = parse_map_method(args.method);
  if (!args.heads.empty()) d.heads = parse_index_list(args.heads, a.model.num_heads, "--heads");
  d.start_layer = std::max(args.start_layer, 0);
  d.discard_ratio = std::max(args.discard_ratio, 0.0);
  d.threads = args.threads;
  if (!args.flow_rows.empty()) d.rows = parse_index_list(args.flow_rows, a.seq_len(), "--rows");
  const DerivedMaps derived = derived_maps(a, d, stderr_progress());  // outlives `bundle`, which borrows them
  if (!derived.summary.empty()) std::cerr << derived.summary << "\n";
  for (const auto& [name, t] : derived.maps) bundle.add_view(name, t);
  std::vector<float> rollout_row;  // --query: that row of the rollout
  if (args.query >= 0) {
    const auto it = std::find_if(derived.maps.begin(), derived.maps.end(), [](const auto& m) { return m.first == "rollout"; });
    if (it == derived.maps.end()) fail(ErrorKind::Usage, "--query: no rollout was made");
    const Tensor& r = it->second;  // [S, S]
    if (args.query >= a.seq_len()) fail(ErrorKind::Usage, "--query " + std::to_string(args.query) + " is out of range (" + std::to_string(a.seq_len()) + " tokens)");
    rollout_row.assign(r.data.begin() + int64_t(args.query) * a.seq_len(), r.data.begin() + int64_t(args.query + 1) * a.seq_len());
    bundle.add_view("rollout_row", rollout_row.data(), {a.seq_len()});
    bundle.fields["query"] = args.query;
  }
  if (!derived.maps.empty()) {
    bundle.fields["method"] = args.method;
    if (!args.heads.empty()) bundle.fields["heads"] = parse_index_list(args.heads, a.model.num_heads, "--heads");
    if (args.start_layer >= 0) bundle.fields["start_layer"] = args.start_layer;
    if (args.discard_ratio >= 0) bundle.fields["discard_ratio"] = args.discard_ratio;
    if (!d.rows.empty()) bundle.fields["rows"] = d.rows;
  }
  write_bundle(bundle, args.out, args.force);
  std::cerr << a.seq_len() << " tokens, " << a.forward.attentions.layers.size() << " layers x "
            << a.model.num_heads << " heads captured";
  if (a.has_decoder())
    std::cerr << " (encoder); " << a.forward.decoder.input_ids.size() << " decoder positions, "
              << a.forward.decoder.attentions.layers.size() << " decoder and cross-attention layers";
  std::cerr << " in " << static_cast<int>(a.seconds * 1000) << " ms -> " << args.out << "\n";
  return 0;
}

struct AblateArgs {
  AttendArgs input;  // --model, the input, --layers, --out, --force
  std::string mode = "zero";
  int64_t target = -1;
  int position = -1;
};

// Head ablation: for every head of the chosen layers, the change of one prediction when it is
// taken out; CSV rows or JSON.
int cmd_ablate(const AblateArgs& args) {
  const AttendArgs& in = args.input;
  const std::string ext = std::filesystem::path(in.out).extension().string();
  if (ext != ".csv" && ext != ".json") fail(ErrorKind::Usage, "--out: ablate writes .csv or .json");
  check_writable(in.out, in.force);
  auto analyzer = Analyzer::open(in.model);
  AttendArgs input = in;
  int64_t target = args.target;
  // --target is T5's target text; for the other models it names the class or token followed.
  if (!analyzer->info().encoder_decoder && !input.target.empty()) {
    size_t used = 0;
    try {
      target = std::stoll(input.target, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != input.target.size() || target < 0) fail(ErrorKind::Usage, "--target: a class or token id, not '" + input.target + "'");
    input.target.clear();
  }
  const AnalysisRequest req = input_request(input, *analyzer);
  HeadAblationOptions o;
  o.mean = args.mode == "mean";
  if (target >= 0) o.target = target;
  o.position = args.position;
  o.layers = req.forward.layers;
  const HeadAblationResult r = head_ablation(*analyzer, req, o, stderr_progress());
  if (r.cancelled) fail(ErrorKind::Usage, "cancelled");
  AtomicFile out(in.out, in.force);
  if (ext == ".csv") {
    std::string csv = "layer,head,logit_change,probability_change\n";
    for (size_t i = 0; i < r.layers.size(); ++i)
      for (int h = 0; h < r.num_heads; ++h) {
        const size_t k = i * static_cast<size_t>(r.num_heads) + static_cast<size_t>(h);
        csv += std::to_string(r.layers[i]) + "," + std::to_string(h) + "," + shortest_number(r.logit_change.data[k]) + "," +
               shortest_number(r.probability_change.data[k]) + "\n";
      }
    out.write(csv);
  } else {
    nlohmann::ordered_json j;
    j["model_type"] = analyzer->info().model_type;
    j["mode"] = args.mode;
    j["target"] = r.target;
    j["target_label"] = r.target_label;
    if (r.position >= 0) j["position"] = r.position;
    j["logit"] = r.logit;
    j["probability"] = r.probability;
    j["layers"] = r.layers;
    nlohmann::json logit = nlohmann::json::array(), prob = nlohmann::json::array();
    for (size_t i = 0; i < r.layers.size(); ++i) {
      const auto row = [&](const Tensor& t) {
        return std::vector<float>(t.data.begin() + static_cast<std::ptrdiff_t>(i) * r.num_heads, t.data.begin() + static_cast<std::ptrdiff_t>(i + 1) * r.num_heads);
      };
      logit.push_back(row(r.logit_change));
      prob.push_back(row(r.probability_change));
    }
    j["logit_change"] = std::move(logit);
    j["probability_change"] = std::move(prob);
    out.write(j.dump(1) + "\n");
  }
  out.commit();
  std::cerr << "ablated " << r.layers.size() * static_cast<size_t>(r.num_heads) << " heads (" << args.mode << "), following \""
            << printable(r.target_label) << "\" (p = " << r.probability << ") -> " << in.out << "\n";
  return 0;
}

struct LensArgs {
  AttendArgs input;
  int top_k = 5;
};

// The logit lens as JSON: per layer (-1 = embeddings) and position, the k most probable tokens.
int cmd_lens(const LensArgs& args) {
  const AttendArgs& in = args.input;
  if (std::filesystem::path(in.out).extension() != ".json") fail(ErrorKind::Usage, "--out: lens writes .json");
  check_writable(in.out, in.force);
  auto analyzer = Analyzer::open(in.model);
  AnalysisRequest req = input_request(in, *analyzer);
  req.forward.hidden_states = true;
  req.forward.logits = LogitsMode::None;  // the lens reads the stream through the head itself
  const Analysis a = analyzer->run(req, stderr_progress());
  for (const auto& w : a.warnings) std::cerr << "warning: " << printable(w) << "\n";
  const LogitLens lens = analyzer->logit_lens(a, args.top_k, stderr_progress());
  nlohmann::ordered_json j;
  j["model_type"] = a.model.model_type;
  j["text"] = a.text;
  j["tokens"] = a.labels;
  j["layers"] = lens.layers;
  nlohmann::json layers = nlohmann::json::array();  // [layer][position][rank]
  for (size_t l = 0; l < lens.layers.size(); ++l) {
    nlohmann::json positions = nlohmann::json::array();
    for (int p = 0; p < lens.positions; ++p) {
      nlohmann::json ranks = nlohmann::json::array();
      for (int r = 0; r < lens.top_k; ++r) {
        const Prediction& pr = lens.at(l, p, r);
        ranks.push_back({{"id", pr.id}, {"token", pr.label}, {"probability", pr.probability}, {"logit", pr.logit}});
      }
      positions.push_back(std::move(ranks));
    }
    layers.push_back(std::move(positions));
  }
  j["lens"] = std::move(layers);
  AtomicFile out(in.out, in.force);
  out.write(j.dump(1) + "\n");
  out.commit();
  std::cerr << "logit lens: " << lens.layers.size() << " layers (with the embeddings) x " << lens.positions << " positions, top "
            << lens.top_k << " -> " << in.out << "\n";
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
  for (const auto& w : a.warnings) std::cerr << "warning: " << printable(w) << "\n";
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

struct ExplainArgs {
  AttendArgs input;  // --model, the input options, --out, --force
  int layer = 0;
  ExplainOptions explain;
};

int cmd_explain(const ExplainArgs& args) {
  const AttendArgs& in = args.input;
  if (std::filesystem::path(in.out).extension() != ".json") fail(ErrorKind::Usage, "--out: explain writes .json");
  check_writable(in.out, in.force);
  auto analyzer = Analyzer::open(in.model);
  const ModelInfo& mi = analyzer->info();
  AnalysisRequest req = input_request(in, *analyzer);
  req.forward.layers = parse_index_list(std::to_string(args.layer), mi.num_layers, "--layer");
  req.forward.capture_internals = req.forward.layers;
  if (args.explain.head >= mi.num_heads)
    fail(ErrorKind::Usage, "--head: " + std::to_string(args.explain.head) + " is out of range (valid: 0-" +
                               std::to_string(mi.num_heads - 1) + ")");
  const Analysis a = analyzer->run(req, stderr_progress());
  for (const auto& w : a.warnings) std::cerr << "warning: " << printable(w) << "\n";
  const HeadSteps steps = explain_head(a.forward.internals, args.layer, args.explain);
  nlohmann::ordered_json j;
  j["model_type"] = mi.model_type;
  if (mi.modality == Modality::Text) j["text"] = a.text;
  else j["image"] = a.image_path.string();
  j["tokens"] = a.labels;
  j["query_token"] = a.labels[static_cast<size_t>(steps.query)];
  j.update(head_steps_json(steps));
  AtomicFile out(in.out, in.force);
  out.write(j.dump(2) + "\n");
  out.commit();
  std::cerr << "layer " << steps.layer << " head " << steps.head << " (kv head " << steps.kv_head << "), query "
            << steps.query << " over " << steps.seq_len << " keys: entropy " << steps.entropy << " nats -> " << in.out << "\n";
  return 0;
}

struct CostArgs {
  std::string model, out;
  bool measure = false, force = false;
  CostSweepOptions sweep;
};

int cmd_cost(const CostArgs& args) {
  if (std::filesystem::path(args.out).extension() != ".csv") fail(ErrorKind::Usage, "--out: cost writes .csv");
  check_writable(args.out, args.force);
  auto analyzer = Analyzer::open(args.model);
  const ModelInfo& mi = analyzer->info();
  const std::vector<int64_t> lengths = sweep_lengths(mi, args.sweep.min_seq, args.sweep.max_seq);
  if (lengths.empty()) fail(ErrorKind::Usage, "--max-seq: no power-of-two length from " + std::to_string(args.sweep.min_seq) + " fits");
  if (mi.modality == Modality::Text && args.sweep.max_seq > mi.max_positions)
    std::cerr << "note: --max-seq " << args.sweep.max_seq << " exceeds the model's limit of " << mi.max_positions << " tokens\n";
  CostSweep sweep;
  if (args.measure) sweep = measure_cost_sweep(analyzer->model(), analyzer->tokenizer(), args.sweep, stderr_progress());
  const CostShape shape = cost_shape(mi);
  AtomicFile out(args.out, args.force);
  out.write(cost_csv(shape, lengths, args.measure ? &sweep : nullptr));
  out.commit();
  std::cerr << lengths.size() << " lengths " << lengths.front() << "-" << lengths.back() << (args.measure ? ", measured" : "")
            << "; the n^2 FLOPs overtake the linear ones at n = " << static_cast<int64_t>(quadratic_crossover(shape))
            << " -> " << args.out << "\n";
  return 0;
}

struct BenchArgs {
  std::string model, synthetic, layers;
  BenchOptions bench;
  bool gemm = false, json = false, bf16 = false;
  int64_t gemm_size = 2048;
};

int cmd_bench(const BenchArgs& args) {
  if (args.gemm) {
    if (!args.model.empty() || !args.synthetic.empty()) fail(ErrorKind::Usage, "--gemm takes no model");
    const GemmBenchResult g = run_gemm_bench(args.gemm_size, args.gemm_size, args.gemm_size, args.bench.iters, args.bench.threads);
    std::cout << (args.json ? gemm_bench_json(g).dump(2) + "\n" : gemm_bench_text(g));
    return 0;
  }
  if (args.model.empty() == args.synthetic.empty()) fail(ErrorKind::Usage, "give either --model or --synthetic (or --gemm)");
  if (args.bf16 && args.synthetic.empty()) fail(ErrorKind::Usage, "--bf16 is for --synthetic models (a checkpoint has its own dtype)");
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Model> model = args.synthetic.empty() ? load_model(resolve_model_reference(args.model)) : load_synthetic_model(args.synthetic, 0, args.bf16);
  const double open_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BenchOptions o = args.bench;
  if (!args.layers.empty()) o.layers = parse_index_list(args.layers, model->info().num_layers, "--layers");
  BenchResult r = run_bench(*model, o, stderr_progress());
  r.open_seconds = open_seconds;
  std::cout << (args.json ? bench_json(r).dump(2) + "\n" : bench_text(r));
  return 0;
}

#ifdef ATTNSCOPE_WITH_UI
struct RenderArgs {
  AttendArgs input;  // --model, the input options, --out, --force, --threads
  std::string view = "matrix", head = "0", heads, method = "raw", cmap = "viridis", norm = "row", all_heads, format = "png";
  std::string stack = "encoder", cross_mode = "matrix";  // encoder-decoder models
  bool argmax = false;
  int layer = 0, query = -1;
  double dpi = 300, width = 0, height = 0;
  bool hide_special = false, no_title = false, no_sidecar = false;
  double contour = 0, opacity = 0.6;  // image view
  int start_layer = 0;                // rollout / flow
  double discard_ratio = 0;           // rollout
  bool nearest = false;
  std::string exclude;                // --exclude-patches
  bool bare = false;                  // --bare: the overlay alone at the photo's resolution, or the map as .npy
  int step = 0;                       // --view generation
  std::string compare_text, compare_model;  // --view compare
  std::string statistic = "entropy";  // --view heads
  bool auto_range = false;
  double min_weight = 0.003;          // --view lines
  int top_k = 0;
  std::string segments = "all";       // sentence pairs
  std::string units = "tokens";       // text models: tokens, words-mean, words-max
  bool exclude_first = false;         // text models: the first token as an attention sink
  std::string preset;                 // --preset single-column, ...
};

int cmd_render(const RenderArgs& args) {
  using namespace attnscope::ui;
  RenderRequest r;
  r.model = args.input.model;
  if (!parse(QString::fromStdString(args.view), r.view) || r.view == ViewKind::Prediction)
    fail(ErrorKind::Usage, "--view: unknown view '" + args.view + "' (matrix, lines, overview, text, image, heads, inside, cost, cross, generation, compare)");
  auto analyzer_for_input = Analyzer::open(args.input.model);  // the input checks need the modality
  AttendArgs input = args.input;
  if (r.view == ViewKind::Generation && !analyzer_for_input->info().encoder_decoder) {
    r.generation_tokens = input.generate;  // the new tokens of a causal LM, not T5's decoding
    input.generate = 0;
  }
  r.input = input_request(input, *analyzer_for_input);
  analyzer_for_input.reset();
  r.generation_step = args.step;
  r.compare_text = args.compare_text;
  r.compare_model = args.compare_model;
  ViewState& s = r.state;
  s.view = r.view;
  if (!parse(QString::fromStdString(args.stack), s.stack)) fail(ErrorKind::Usage, "--stack: encoder or decoder");
  if (!parse(QString::fromStdString(args.cross_mode), s.cross_mode)) fail(ErrorKind::Usage, "--cross-mode: matrix or lines");
  s.cross_argmax = args.argmax;
  if (!head_statistic_names(true, false, true).contains(QString::fromStdString(args.statistic)))
    fail(ErrorKind::Usage, "--statistic: unknown statistic '" + args.statistic + "' (" + head_statistic_names(true, false, true).join(", ").toStdString() + ")");
  s.statistic = QString::fromStdString(args.statistic);
  s.heads_auto_range = args.auto_range;
  s.lines_min_weight = args.min_weight;
  s.lines_top_k = args.top_k;
  if (!parse(QString::fromStdString(args.segments), s.segments)) fail(ErrorKind::Usage, "--segments: all, A->A, A->B, B->A or B->B");
  if (!parse(QString::fromStdString(args.units), s.units)) fail(ErrorKind::Usage, "--units: tokens, words-mean or words-max");
  s.exclude_first = args.exclude_first;
  s.layer = args.layer;
  s.query = args.query;
  s.hide_special = args.hide_special;
  s.start_layer = args.start_layer;
  s.discard_ratio = args.discard_ratio;
  s.show_threshold = args.contour > 0;
  if (args.contour > 0) s.threshold = args.contour;
  s.overlay_opacity = args.opacity;
  s.smooth_overlay = !args.nearest;
  if (!args.exclude.empty())
    for (int p : parse_index_list(args.exclude, 1 << 20, "--exclude-patches")) s.excluded_patches << p;
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
  if (!parse(QString::fromStdString(args.method), s.method)) fail(ErrorKind::Usage, "--method: raw, rollout, flow, value-norm, norm-rollout, contributions or alti");
  if (!parse(QString::fromStdString(args.cmap), s.color_map))
    fail(ErrorKind::Usage, "--cmap: unknown colour map '" + args.cmap + "' (viridis, magma, inferno, cividis, greys)");
  if (!parse(QString::fromStdString(args.norm), s.normalization))
    fail(ErrorKind::Usage, "--norm: unknown scale '" + args.norm + "' (row, matrix, global, log, percentile, value_percentile)");
  r.out = QString::fromStdString(args.input.out);
  r.all_heads_dir = QString::fromStdString(args.all_heads);
  const auto format = figure_format_for("x." + QString::fromStdString(args.format));
  if (!format) fail(ErrorKind::Usage, "--format: png, svg or pdf");
  r.format = *format;
  r.file.dpi = args.dpi;
  r.file.overwrite = args.input.force;
  if ((args.width > 0) != (args.height > 0)) fail(ErrorKind::Usage, "give both --width and --height (inches), or neither");
  if (args.width > 0) r.file.size_inches = QSizeF(args.width, args.height);
  if (!args.preset.empty()) {
    if (args.width > 0) fail(ErrorKind::Usage, "give --preset or --width and --height, not both");
    if (!parse(QString::fromStdString(args.preset), r.preset)) fail(ErrorKind::Usage, "--preset: natural, single-column, double-column or slide");
  }
  r.title = !args.no_title;
  r.sidecar = !args.no_sidecar;
  r.bare = args.bare;
  const QStringList written = render_figures(r, stderr_progress());
  std::cerr << written.size() << (written.size() == 1 ? " figure -> " : " figures -> ")
            << (written.size() == 1 ? written.front().toStdString() : args.all_heads) << "\n";
  return 0;
}
#endif

// The options every command that runs an input has: the model, the input, truncation, threads.
void add_input_options(CLI::App* c, AttendArgs& in) {
  c->add_option("--model", in.model, kModelHelp)->required();
  c->add_option("--text", in.text, "Input text")
      ->excludes(c->add_option("--text-file", in.text_file, "Read the input text from a file (UTF-8)"));
  c->add_option("--text-b", in.text_b, "Second segment of a sentence pair (BERT-style models)");
  c->add_option("--target", in.target, "Encoder-decoder models (T5): the target text, run with teacher forcing");
  c->add_option("--generate", in.generate,
                "Encoder-decoder models (T5): decode greedily up to N tokens instead of a target; render --view generation: "
                "N new tokens of a causal LM")
      ->check(kPositive);
  c->add_option("--image", in.image, "Input image (image models): PNG, JPEG, BMP, TIFF or WebP");
  c->add_option("--size", in.size, "Image models: resize straight to WxH, e.g. 320x240, instead of the preprocessor's resize and crop");
  c->add_option("--max-tokens", in.max_tokens, "Truncate the input to this many tokens")->check(kPositive);
  c->add_option("--threads", in.threads, "Threads (default: all cores)")->check(kNonNegative);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"attnscope-cli: run Hugging Face transformers natively and capture their attention"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("attnscope ") + ATTNSCOPE_VERSION);

  InfoArgs info;
  auto* ci = app.add_subcommand("info", "Describe a model folder");
  ci->add_option("--model", info.model, kModelHelp)->required();
  ci->add_flag("--json", info.json, "Print JSON");

  TokenizeArgs tokenize;
  auto* ct = app.add_subcommand("tokenize", "Tokenize a text: ids, tokens, shown text and offsets, as Hugging Face's tokenizers give them");
  ct->add_option("--model", tokenize.model, kModelHelp);
  ct->add_option("--tokenizer", tokenize.tokenizer, "A tokenizer.json file (instead of --model)");
  ct->add_option("--text", tokenize.text, "Input text");
  ct->add_option("--text-file", tokenize.text_file, "Input text file (UTF-8)");
  ct->add_flag("--no-special", tokenize.no_special, "Leave out the template's special tokens ([CLS], <s>, <bos>, ...)");
  ct->add_flag("--json", tokenize.json, "Print JSON: ids, tokens, display, offsets (bytes), char_offsets (code points), special, word_ids, decoded");
  ct->add_flag("--jsonl", tokenize.jsonl, "--text-file holds one JSON string per line; print one JSON object per line");
  ct->add_option("--repeat", tokenize.repeat, "Time the encoding N times instead and print the median (a benchmark)")->check(CLI::Range(1, 10000));

  AttendArgs attend;
  auto* ca = app.add_subcommand("attend", "Run an input and write attentions, hidden states and logits");
  add_input_options(ca, attend);
  ca->add_option("--out", attend.out, "Output file: .safetensors, .npz or .json")->required();
  ca->add_option("--layers", attend.layers, "Capture attention of these layers only, e.g. 0,3,5-7 (default: all)");
  ca->add_flag("--hidden-states", attend.hidden_states, "Also write hidden_states [L+1,S,D]");
  ca->add_option("--tap", attend.taps,
                 "Also write a named capture point, NAME or NAME:LAYERS (e.g. q:0,2 or hidden:-1 for the embeddings), "
                 "as NAME.LAYER; repeatable. Names: " + tap_names());
  ca->add_flag("--attention-f16", attend.attention_f16, "Keep (and write) the attention as float16: half the memory");
  ca->add_flag("--force", attend.force, "Overwrite the output file if it exists");
  ca->add_option("--memory-budget", attend.memory_budget, "Refuse runs whose outputs would exceed this size, e.g. 2G (default: half the RAM)");

  auto* ma = ca->add_option("--method", attend.method,
                            "Also write a derived map: mean|max|min (fused [L,S,S]), rollout or flow ([S,S]), or value-norm "
                            "(Kobayashi et al. 2020: ||a_ij f(x_j)|| per head, value_norm [L,H,S,S], and summed over heads, "
                            "value_norm_layer [L,S,S]), or alti (Ferrando et al. 2022: each token's share in each layer's output, "
                            "contributions [L,S,S], and aggregated across layers, alti [L,S,S]); default raw")
                  ->check(CLI::IsMember({"raw", "mean", "max", "min", "rollout", "flow", "value-norm", "alti"}));
  ca->add_option("--heads", attend.heads, "Heads the derived map combines, e.g. 0,2-3 (default: all)")->needs(ma);
  ca->add_option("--start-layer", attend.start_layer, "First layer of rollout / flow (default 0)")
      ->check(kNonNegative)
      ->needs(ma);
  ca->add_option("--discard-ratio", attend.discard_ratio,
                 "Rollout: drop this fraction of each fused map's lowest weights before propagating (vit-explain), in [0, 0.99]")
      ->check(CLI::Range(0.0, 0.99))
      ->needs(ma);
  ca->add_option("--keep", attend.keep,
                 "What the run keeps of the attention: maps (default), query-keys (each layer's queries and keys, O(S d) instead of "
                 "O(H S^2); written as queries.L / keys.L with the parameters to recompute any map exactly) or auto (the maps "
                 "when they fit the memory budget)")
      ->check(CLI::IsMember({"maps", "query-keys", "auto"}));
  ca->add_option("--query", attend.query, "--method rollout: only this token's row of the rollout ('rollout_row' [S]); the "
                                          "way to a rollout when queries and keys were kept")
      ->check(CLI::NonNegativeNumber);
  ca->add_option("--rows", attend.flow_rows,
                 "Flow: solve only these output tokens, e.g. 0 for the CLS row of a ViT (S max-flow problems instead of S^2); "
                 "'flow' is then [rows, S]")
      ->needs(ma);

  AblateArgs ablate;
  auto* cab = app.add_subcommand("ablate", "Head ablation: the change of one prediction when each head is taken out in turn");
  add_input_options(cab, ablate.input);
  cab->add_option("--mode", ablate.mode, "zero (default) or mean: replace the head's output by its mean over the positions")
      ->check(CLI::IsMember({"zero", "mean"}));
  cab->add_option("--target-id", ablate.target,
                  "Class or token id followed (default: the intact run's top 1); for models other than T5, --target ID says the same")
      ->check(kNonNegative);
  cab->add_option("--position", ablate.position,
                  "Language models: the position predicted from (causal: the next token after it; masked: the token at it; default "
                  "the last)")
      ->check(kNonNegative);
  cab->add_option("--layers", ablate.input.layers, "Only the heads of these layers, e.g. 0,3,5-7 (default: all)");
  cab->add_option("--out", ablate.input.out, "Output file: .csv (layer, head, logit_change, probability_change) or .json")->required();
  cab->add_flag("--force", ablate.input.force, "Overwrite the output file if it exists");

  LensArgs lens;
  auto* cl = app.add_subcommand("lens", "The logit lens: each layer's residual stream read through the final norm and the LM head, "
                                        "top tokens per position, as JSON");
  add_input_options(cl, lens.input);
  cl->add_option("--top-k", lens.top_k, "Tokens kept per layer and position (default 5)")->check(kPositive);
  cl->add_option("--out", lens.input.out, "Output file (.json)")->required();
  cl->add_flag("--force", lens.input.force, "Overwrite the output file if it exists");

  StatsArgs stats;
  auto* cs = app.add_subcommand("stats", "Per-head statistics: entropy, attention distance, special-token mass, ...");
  add_input_options(cs, stats.input);
  cs->add_option("--out", stats.input.out, "Output file: .csv or .json, one row per (layer, head)")->required();
  cs->add_option("--layers", stats.input.layers, "Only these layers, e.g. 0,3,5-7 (default: all)");
  cs->add_option("--induction-length", stats.induction.block_length,
                 "Causal models: length of the random block repeated for the induction score (default 50)")
      ->check(CLI::Range(2, 100000));
  cs->add_option("--induction-samples", stats.induction.samples, "Random sequences averaged (default 4)")->check(kPositive);
  cs->add_option("--seed", stats.induction.seed, "Seed of the induction sequences (default 0)");
  cs->add_flag("--force", stats.input.force, "Overwrite the output file if it exists");
  cs->add_option("--memory-budget", stats.input.memory_budget, "Refuse runs whose outputs would exceed this size, e.g. 2G (default: half the RAM)");

  ExplainArgs explain;
  auto* ce = app.add_subcommand("explain", "One head's attention for one query token, step by step, as JSON");
  add_input_options(ce, explain.input);
  ce->add_option("--layer", explain.layer, "Layer")->required()->check(kNonNegative);
  ce->add_option("--head", explain.explain.head, "Head")->required()->check(kNonNegative);
  ce->add_option("--query", explain.explain.query, "Query token (row of the attention matrix)")->required()->check(kNonNegative);
  ce->add_option("--temperature", explain.explain.temperature, "Temperature of the compared scoring functions (default 1)")
      ->check(kPositive);
  ce->add_option("--out", explain.input.out, "Output file (.json)")->required();
  ce->add_flag("--force", explain.input.force, "Overwrite the output file if it exists");

  CostArgs cost;
  auto* cc = app.add_subcommand("cost", "FLOPs and bytes of each part of a layer against sequence length (and measured times)");
  cc->add_option("--model", cost.model, kModelHelp)->required();
  cc->add_option("--max-seq", cost.sweep.max_seq, "Longest length (powers of two from 8; default: the model's limit, images 1024)")
      ->check(kPositive);
  cc->add_flag("--measure", cost.measure, "Also run the model on generated inputs at each length and write measured times");
  cc->add_option("--repeats", cost.sweep.repeats, "Measured runs per length; the median is written (default 3)")->check(kPositive);
  cc->add_option("--threads", cost.sweep.threads, "Threads (default: all cores)")->check(kNonNegative);
  cc->add_option("--seed", cost.sweep.seed, "Seed of the generated inputs (default 0)");
  cc->add_option("--out", cost.out, "Output file (.csv)")->required();
  cc->add_flag("--force", cost.force, "Overwrite the output file if it exists");

  BenchArgs bench;
  auto* cb = app.add_subcommand("bench", "Time forward passes with attention capture (or the GEMM peak with --gemm)");
  cb->add_option("--model", bench.model, kModelHelp);
  cb->add_option("--synthetic", bench.synthetic, "A random-weight model of a real shape: " + [] {
    std::string names;
    for (const auto& n : synthetic_model_names()) names += (names.empty() ? "" : ", ") + n;
    return names;
  }());
  cb->add_option("--seq", bench.bench.seq_len, "Text models: tokens (default 128)")->check(kPositive);
  cb->add_option("--image-size", bench.bench.image_size, "Image models: square input side in pixels (default: the model's)")
      ->check(kPositive);
  cb->add_option("--iters", bench.bench.iters, "Timed passes (default 5)")->check(kPositive);
  cb->add_option("--warmup", bench.bench.warmup, "Untimed passes before them (default 1)")->check(kNonNegative);
  cb->add_option("--threads", bench.bench.threads, "Threads (default: all cores)")->check(kNonNegative);
  cb->add_option("--layers", bench.layers, "Capture attention of these layers only, e.g. 0,3,5-7 (default: all)");
  cb->add_flag("--attention-f16", bench.bench.attention_f16, "Keep the attention as float16");
  cb->add_flag("--query-keys", bench.bench.query_keys,
               "Keep each layer's queries and keys instead of its maps, then time recomputing whole head maps on 1 thread");
  cb->add_flag("--bf16", bench.bf16, "Synthetic decoder LLMs: generate the matrices as bfloat16, as a BF16 checkpoint stores them");
  cb->add_flag("--profile", bench.bench.profile, "Also print the median time of each part of the layers");
  cb->add_flag("--gemm", bench.gemm, "Measure the float32 matrix-product peak instead (N x N x N, see --gemm-size)");
  cb->add_option("--gemm-size", bench.gemm_size, "Matrix side of --gemm (default 2048)")->check(CLI::Range(16, 16384));
  cb->add_flag("--json", bench.json, "Print JSON");

#ifdef ATTNSCOPE_WITH_UI
  RenderArgs render;
  auto* cr = app.add_subcommand("render", "Draw a view's figure (PNG, SVG, PDF) offscreen with the GUI's renderers");
  add_input_options(cr, render.input);
  cr->add_option("--view", render.view,
                 "matrix, lines, overview, text, image, heads, inside (Q, K and V of --layer's --head, for --query), cost "
                 "(the run's FLOPs, bytes and times per part), cross (T5's cross-attention), generation (causal LMs: "
                 "--generate N tokens after --text, shown at --step) or compare (--text against --compare-text and/or "
                 "--compare-model), or lens (language models: the top token of every layer at every position) (default matrix)");
  cr->add_option("--statistic", render.statistic,
                 "--view heads: entropy, entropy_normalized, mean_distance, special_mass, sink_mass, previous_token, self or "
                 "induction (default entropy)");
  cr->add_flag("--auto-range", render.auto_range,
               "--view heads: colours from the lowest to the highest head, instead of the statistic's own range (0 to 1 for "
               "mass-type scores)");
  cr->add_option("--min-weight", render.min_weight, "--view lines: hide lines below this weight (default 0.003)")
      ->check(CLI::Range(0.0, 1.0));
  cr->add_option("--preset", render.preset,
                 "Page size: single-column (3.3 in wide) or double-column (6.9 in) at the figure's proportions, slide (10 x "
                 "5.63 in) or natural (default: natural, or --width and --height)");
  cr->add_option("--segments", render.segments,
                 "Sentence pairs (--text-b): show only queries of one segment on keys of one segment, A->A, A->B, B->A or B->B "
                 "(default all)");
  cr->add_flag("--exclude-first", render.exclude_first,
               "Text models: drop the first token as an attention sink and renormalise each row over the rest; the matrix "
               "draws the share it took from each row beside the cells");
  cr->add_option("--units", render.units,
                 "Text models: tokens (default), or words merged from their sub-word pieces: words-mean (a word's row is the mean "
                 "of its pieces' rows, its column the sum of their columns; rows still sum to 1) or words-max (the largest "
                 "weight over the pieces)");
  cr->add_option("--top-k", render.top_k, "--view lines: draw only each query's k strongest lines (default: all)")->check(kNonNegative);
  cr->add_option("--step", render.step, "--view generation: the step shown, from 1 (default: the last)")->check(kNonNegative);
  cr->add_option("--compare-text", render.compare_text, "--view compare: input B (default: --text)");
  cr->add_option("--compare-model", render.compare_model, "--view compare: the model B runs on (default: --model; same tokenizer)");
  cr->add_option("--stack", render.stack, "Encoder-decoder models: the self-attention stack the view shows, encoder or decoder (default encoder)");
  cr->add_option("--cross-mode", render.cross_mode, "--view cross: matrix or lines (default matrix)");
  cr->add_flag("--argmax", render.argmax, "--view cross: draw the hard alignment (the argmax of every target row)");
  cr->add_option("--layer", render.layer, "Layer, from 0 (default 0)")->check(kNonNegative);
  cr->add_option("--layers", render.input.layers,
                 "Run and show only these layers, e.g. 11 for a one-page overview of the last layer's heads (default: all)");
  cr->add_option("--head", render.head, "Head number, or mean, max, min (default 0)");
  cr->add_option("--heads", render.heads, "Mean of these heads, e.g. 0,2-3 (overrides --head)");
  cr->add_option("--method", render.method,
                 "raw, rollout, flow, value-norm (Kobayashi et al. 2020: the weight times the length of what the key writes through "
                 "the head; fused heads: the norm of their sum), norm-rollout (the rollout of the layers' value norms, from "
                 "--start-layer), contributions (ALTI, Ferrando et al. 2022: each token's share in --layer's output) or alti "
                 "(those aggregated from the first layer through --layer) (default raw)");
  cr->add_option("--query", render.query, "Query token of the text and image views (default: CLS / the last token)");
  cr->add_option("--cmap", render.cmap, "viridis, magma, inferno, cividis or greys (default viridis)");
  cr->add_option("--norm", render.norm, "Colour scale: row, matrix, global, log, percentile (the top 2% of the mass saturates, as Captum) or value_percentile (the top 2% of the values) (default row)");
  cr->add_flag("--hide-special", render.hide_special, "Hide special tokens, renormalising each row");
  cr->add_option("--start-layer", render.start_layer, "--method rollout / flow: the first layer propagated through (default 0)")
      ->check(kNonNegative);
  cr->add_option("--discard-ratio", render.discard_ratio,
                 "--method rollout: drop this fraction of each fused map's lowest weights first (vit-explain), in [0, 0.99]")
      ->check(CLI::Range(0.0, 0.99));
  cr->add_option("--contour", render.contour,
                 "--view image: outline the fewest patches holding this fraction of the row's patch mass (DINO's masks), e.g. 0.6")
      ->check(CLI::Range(0.01, 1.0));
  cr->add_option("--opacity", render.opacity, "--view image: opacity of the map over the photo, 0 to 1 (default 0.6)")
      ->check(CLI::Range(0.0, 1.0));
  cr->add_flag("--nearest", render.nearest, "--view image: one flat cell per patch instead of smooth (bicubic) upsampling");
  cr->add_option("--exclude-patches", render.exclude,
                 "--view image: leave these patches (row-major numbers, e.g. 0,13,182,195 for a 14x14 grid's corners) out of the "
                 "map and renormalise the rest to sum 1");
  cr->add_flag("--bare", render.bare,
               "--view image: write the photo with the map over it at the photo's own resolution, with no title, colour bar or "
               "caption (--out FILE.png), or the map itself as float32 [rows, cols] (--out FILE.npy)");
  cr->add_option("--out", render.input.out, "Figure file: .png, .svg or .pdf");
  cr->add_option("--all-heads", render.all_heads, "Write every layer x head (and overview) into this folder instead");
  cr->add_option("--format", render.format, "With --all-heads: png, svg or pdf (default png)");
  cr->add_option("--dpi", render.dpi, "PNG resolution (default 300)")->check(CLI::Range(10.0, 2400.0));
  cr->add_option("--width", render.width, "Figure width in inches (default: the view's natural size)")->check(kPositive);
  cr->add_option("--height", render.height, "Figure height in inches")->check(kPositive);
  cr->add_flag("--no-title", render.no_title, "Leave out the title");
  cr->add_flag("--no-sidecar", render.no_sidecar, "Do not write NAME.attnscope.json beside the figure");
  cr->add_flag("--force", render.input.force, "Overwrite existing files");
#endif

  cli::PullArgs pull;
  auto* cp = cli::add_pull_command(app, pull);
  cli::BatchArgs batch;
  cli::CompareArgs compare;
  auto* ccmp = cli::add_compare_command(app, compare);
  cli::GenerateArgs generate;
  auto* cg = cli::add_generate_command(app, generate);
  auto* cbt = cli::add_batch_command(app, batch);
  cli::MergeArgs merge;
  auto* cm = cli::add_merge_command(app, merge);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (ci->parsed()) return cmd_info(info);
    if (cp->parsed()) return cli::cmd_pull(pull);
    if (cbt->parsed()) return cli::cmd_batch(batch);
    if (cg->parsed()) return cli::cmd_generate(generate);
    if (ccmp->parsed()) return cli::cmd_compare(compare);
    if (cm->parsed()) return cli::cmd_merge(merge);
    if (ct->parsed()) return cmd_tokenize(tokenize);
    if (ca->parsed()) return cmd_attend(attend);
    if (cs->parsed()) return cmd_stats(stats);
    if (cl->parsed()) return cmd_lens(lens);
    if (cab->parsed()) return cmd_ablate(ablate);
    if (ce->parsed()) return cmd_explain(explain);
    if (cc->parsed()) return cmd_cost(cost);
    if (cb->parsed()) return cmd_bench(bench);
#ifdef ATTNSCOPE_WITH_UI
    if (cr->parsed()) return cmd_render(render);
#endif
  } catch (const Error& e) {
    std::cerr << "attnscope-cli: " << to_string(e.kind()) << ": " << printable(e.what()) << "\n";
    return exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    std::cerr << "attnscope-cli: out of memory\n";
    return 4;
  } catch (const std::exception& e) {
    std::cerr << "attnscope-cli: internal error: " << printable(e.what()) << "\n";
    return 1;
  }
  return 2;
}
