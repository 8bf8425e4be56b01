#include "core/pipeline/corpus_batch.h"

#include <cctype>
#include <fstream>
#include <map>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/analysis/head_stats.h"
#include "core/common/error.h"
#include "core/export/analysis_export.h"
#include "core/io/atomic_file.h"
#include "core/io/bounded_read.h"
#include "core/io/json_file.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/derived_maps.h"

namespace attnscope {

namespace fs = std::filesystem;

CorpusInput parse_corpus_line(std::string_view line, int line_number, const fs::path& base_dir) {
  const std::string where = "line " + std::to_string(line_number);
  const nlohmann::json j = parse_json_bounded(line, where, ErrorKind::Input);
  if (!j.is_object()) fail(ErrorKind::Input, where + ": expected a JSON object, got " + json_excerpt(j));
  CorpusInput in;
  in.line = line_number;
  const auto id = j.find("id");
  if (id == j.end()) fail(ErrorKind::Input, where + ": no \"id\"");
  if (id->is_string()) in.id = id->get<std::string>();
  else if (id->is_number_integer()) in.id = std::to_string(id->get<int64_t>());
  else fail(ErrorKind::Input, where + ": \"id\" must be a string or an integer, got " + json_excerpt(*id));
  if (in.id.empty()) fail(ErrorKind::Input, where + ": \"id\" is empty");
  auto text_field = [&](const char* key, std::string& out) {
    const auto it = j.find(key);
    if (it == j.end()) return false;
    if (!it->is_string()) fail(ErrorKind::Input, where + ": \"" + key + "\" must be a string, got " + json_excerpt(*it));
    out = it->get<std::string>();
    return true;
  };
  std::string image;
  const bool has_text = text_field("text", in.text), has_image = text_field("image", image);
  text_field("text_b", in.text_b);
  if (has_text == has_image) fail(ErrorKind::Input, where + ": give exactly one of \"text\" and \"image\"");
  if (has_image) in.image = fs::path(image).is_absolute() ? fs::path(image) : base_dir / image;
  if (!in.text_b.empty() && has_image) fail(ErrorKind::Input, where + ": \"text_b\" goes with \"text\", not \"image\"");
  return in;
}

std::string corpus_result_name(const std::string& id) {
  static const char* hex = "0123456789ABCDEF";
  std::string name;
  for (unsigned char c : id) {
    if (std::isalnum(c) || c == '_' || c == '-' || (c == '.' && !name.empty())) {
      name += static_cast<char>(c);
    } else {
      name += '%';
      name += hex[c >> 4];
      name += hex[c & 15];
    }
  }
  return name + ".json";
}

namespace {

// The line a result file was written for, or 0 if it is unreadable (an interrupted write never
// leaves one: AtomicFile renames only complete files).
int result_line(const fs::path& file) {
  nlohmann::json j;
  try {
    j = parse_json_bounded(read_file_bounded(file, file.string(), kMaxConfigJsonBytes, ErrorKind::Input), file.string(), ErrorKind::Input);
  } catch (const Error&) {
    return 0;
  }
  return j.is_object() && j.contains("line") && j["line"].is_number_integer() ? j["line"].get<int>() : 0;
}

std::string model_name(const ModelInfo& info) {
  const std::string dir = info.dir.filename().string();
  return dir.empty() ? info.model_type : dir;
}

nlohmann::ordered_json analyse(const Analyzer& analyzer, const CorpusInput& in, const CorpusBatchOptions& o, const fs::path& target) {
  const ModelInfo& info = analyzer.info();
  AnalysisRequest req;
  if (info.modality == Modality::Image) {
    if (in.image.empty()) fail(ErrorKind::Input, "an image model needs \"image\", not \"text\"");
    req.image = in.image;
  } else {
    if (!in.image.empty()) fail(ErrorKind::Input, "a text model needs \"text\", not \"image\"");
    req.text = in.text;
    if (!in.text_b.empty()) req.text_pair = in.text_b;
  }
  req.forward.threads = o.threads;
  req.forward.logits = LogitsMode::None;
  req.memory_budget = o.memory_budget;
  const Analysis a = analyzer.run(req);
  // Before the result that marks the input done; a file left by an interrupted run is replaced.
  if (!o.save_format.empty()) export_analysis(a, fs::path(target).replace_extension("." + o.save_format), /*overwrite=*/true);
  const std::vector<HeadStats> stats = head_statistics(a.forward.attentions, token_roles(a));
  nlohmann::ordered_json r;
  r["id"] = in.id;
  r["line"] = in.line;
  r["model"] = model_name(info);
  r["layers"] = info.num_layers;
  r["heads"] = info.num_heads;
  r["tokens"] = a.seq_len();
  if (!in.text.empty()) r["text"] = in.text;  // to open the input again from its result (Heads view, corpus mode)
  if (!in.text_b.empty()) r["text_b"] = in.text_b;
  if (!in.image.empty()) r["image"] = in.image.string();
  r["stats"] = head_stats_json(stats);
  for (auto& row : r["stats"]) row.erase("induction");  // a property of the model, not of the input
  return r;
}

}  // namespace

CorpusBatchReport run_corpus_batch(const Analyzer& analyzer, const CorpusBatchOptions& o, const ProgressFn& progress) {
  if (!o.save_format.empty() && o.save_format != "npz" && o.save_format != "safetensors")
    fail(ErrorKind::Usage, "save format '" + o.save_format + "': use npz or safetensors");
  if (o.shards < 1 || o.shard < 0 || o.shard >= o.shards)
    fail(ErrorKind::Usage, "shard " + std::to_string(o.shard) + "/" + std::to_string(o.shards) + ": need 0 <= I < N");
  // Every shard reads the whole file (ids are decided from all of it): a regular file, not a FIFO.
  std::error_code ec;
  if (!fs::is_regular_file(o.inputs, ec))
    fail(ErrorKind::Input, o.inputs.string() + ": is " + describe_path_kind(o.inputs) + ", not a regular JSONL file");
  std::ifstream file(o.inputs);
  if (!file) fail(ErrorKind::Input, o.inputs.string() + ": cannot be read");
  std::vector<std::pair<int, std::string>> lines;  // this shard's non-blank lines
  // The first line of each id, over the whole file: a repeated id is an error of its later lines
  // in every shard, whichever process happens to get there first.
  std::map<std::string, int> owner;
  const fs::path base = o.inputs.parent_path();
  std::string line;
  for (int n = 1; std::getline(file, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      owner.emplace(parse_corpus_line(line, n, base).id, n);
    } catch (const Error&) {
      // reported by the shard that owns the line
    }
    if ((n - 1) % o.shards == o.shard) lines.emplace_back(n, line);
  }
  if (file.bad()) fail(ErrorKind::Input, o.inputs.string() + ": read error");

  fs::create_directories(o.out_dir, ec);
  if (ec) fail(ErrorKind::Output, o.out_dir.string() + ": cannot create the folder: " + ec.message());
  CorpusBatchReport rep;
  rep.lines = static_cast<int>(lines.size());
  rep.errors_file = o.out_dir / ("errors-" + std::to_string(o.shard) + "-of-" + std::to_string(o.shards) + ".jsonl");
  std::ofstream errors(rep.errors_file, std::ios::trunc);
  if (!errors) fail(ErrorKind::Output, rep.errors_file.string() + ": cannot be written");

  for (size_t i = 0; i < lines.size(); ++i) {
    if (!report(progress, static_cast<int>(i), rep.lines, "line " + std::to_string(lines[i].first))) {
      rep.cancelled = true;
      return rep;
    }
    if (o.limit > 0 && rep.done >= o.limit) {
      rep.limited = true;
      return rep;
    }
    const int n = lines[i].first;
    std::string id;
    fs::path target;
    auto taken = [&](const std::string& what) {
      fail(ErrorKind::Input, "id \"" + what + "\" is already the id of line " + std::to_string(result_line(target)));
    };
    try {
      const CorpusInput in = parse_corpus_line(lines[i].second, n, base);
      id = in.id;
      if (owner.at(in.id) != n)
        fail(ErrorKind::Input, "id \"" + in.id + "\" is already the id of line " + std::to_string(owner.at(in.id)));
      target = o.out_dir / corpus_result_name(in.id);
      if (fs::exists(target)) {
        if (result_line(target) == n) {
          ++rep.skipped;
          continue;
        }
        taken(in.id);
      }
      const std::string json = analyse(analyzer, in, o, target).dump() + "\n";
      try {
        AtomicFile out(target, /*overwrite=*/false);
        out.write(json);
        out.commit();
      } catch (const Error&) {
        if (!fs::exists(target)) throw;
        taken(in.id);  // another shard wrote the same id meanwhile
      }
      ++rep.done;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::Output) throw;  // a full disk stops the batch: every later line would fail too
      nlohmann::ordered_json err = {{"line", n}};
      err["id"] = id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(id);
      err["error"] = e.what();
      err["kind"] = to_string(e.kind());
      errors << err.dump() << "\n" << std::flush;
      ++rep.failed;
    }
  }
  report(progress, rep.lines, rep.lines, "done");
  return rep;
}

}  // namespace attnscope
