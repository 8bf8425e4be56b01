#include "core/pipeline/corpus_summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/io/bounded_read.h"
#include "core/io/json_file.h"

namespace attnscope {

namespace fs = std::filesystem;

namespace {


struct Result {
  nlohmann::json json;
  fs::path file;
};

// numpy.quantile's default ("linear"): position q (n - 1) between the sorted values.
double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos)), hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

CorpusResults load_corpus_results(const std::vector<fs::path>& dirs, const ProgressFn& progress) {
  std::vector<fs::path> files;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) fail(ErrorKind::Input, dir.string() + ": not a folder of batch results");
    std::vector<fs::path> here;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".json") here.push_back(e.path());
    std::sort(here.begin(), here.end());
    files.insert(files.end(), here.begin(), here.end());
  }
  std::map<std::string, Result> by_id;  // ordered by id: the order of every sum below
  for (size_t i = 0; i < files.size(); ++i) {
    const fs::path& f = files[i];
    if (i % 64 == 0 && !report(progress, static_cast<int>(i), static_cast<int>(files.size()), "reading results")) {
      CorpusResults r;
      r.cancelled = true;
      return r;
    }
    const std::string text = read_file_bounded(f, f.string(), kMaxConfigJsonBytes, ErrorKind::Input);
    nlohmann::json j = parse_json_bounded(text, f.string(), ErrorKind::Input);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("stats") || !j["stats"].is_array() ||
        !j.contains("tokens") || !j["tokens"].is_number_integer())
      fail(ErrorKind::Input, f.string() + ": not a batch result (needs id, tokens and stats)");
    const std::string id = j["id"].get<std::string>();
    auto [it, fresh] = by_id.emplace(id, Result{j, f});
    if (!fresh && it->second.json != j)
      fail(ErrorKind::Input, f.string() + " and " + it->second.file.string() + ": two different results for id \"" + id + "\"");
  }
  if (by_id.empty()) fail(ErrorKind::Input, "no batch results found in the given folders");

  CorpusResults out;
  const nlohmann::json& first = by_id.begin()->second.json;
  out.model = first.value("model", "");
  out.layers = first.value("layers", 0);
  out.heads = first.value("heads", 0);
  for (const auto& [id, r] : by_id) {
    const nlohmann::json& j = r.json;
    if (j.value("model", "") != out.model || j.value("layers", 0) != out.layers || j.value("heads", 0) != out.heads)
      fail(ErrorKind::Input, r.file.string() + ": a result of model \"" + j.value("model", "") + "\", the others are of \"" + out.model + "\"");
    CorpusResult c;
    c.id = id;
    c.line = j.value("line", 0);
    c.tokens = j["tokens"].get<int64_t>();
    c.text = j.value("text", "");
    c.text_b = j.value("text_b", "");
    c.image = j.value("image", "");
    try {
      for (const auto& row : j["stats"]) {
        HeadStats h;
        h.layer = row.at("layer").get<int>();
        h.head = row.at("head").get<int>();
        for (const char* name : kInputStatistics)  // sink_mass: results of an earlier batch have none
          set_head_stat_value(h, name, std::string_view(name) == "sink_mass" ? row.value(name, 0.0) : row.at(name).get<double>());
        c.stats.push_back(h);
      }
    } catch (const nlohmann::json::exception& e) {
      fail(ErrorKind::Input, r.file.string() + ": a stats row is malformed: " + e.what());
    }
    out.inputs.push_back(std::move(c));
  }
  return out;
}

CorpusSummary summarize_corpus(const CorpusResults& results) {
  CorpusSummary s;
  s.model = results.model;
  // (layer, head) -> statistic -> values over the inputs, in id order
  std::map<std::pair<int, int>, std::map<std::string, std::vector<double>>> values;
  std::map<std::pair<int, int>, int64_t> tokens;
  for (const CorpusResult& r : results.inputs) {
    ++s.inputs;
    s.tokens += r.tokens;
    for (const HeadStats& h : r.stats) {
      const std::pair<int, int> key{h.layer, h.head};
      tokens[key] += r.tokens;
      for (const char* name : kInputStatistics) values[key][name].push_back(head_stat_value(h, name));
    }
  }
  for (const auto& [key, stats] : values)
    for (const char* name : kInputStatistics) {
      std::vector<double> v = stats.at(name);
      CorpusStatistic c;
      c.layer = key.first;
      c.head = key.second;
      c.statistic = name;
      c.inputs = static_cast<int64_t>(v.size());
      c.tokens = tokens[key];
      double sum = 0;
      for (double x : v) sum += x;
      c.mean = sum / static_cast<double>(v.size());
      double sq = 0;
      for (double x : v) sq += (x - c.mean) * (x - c.mean);
      c.std = std::sqrt(sq / static_cast<double>(v.size()));
      std::sort(v.begin(), v.end());
      c.min = v.front();
      c.max = v.back();
      c.p05 = quantile(v, 0.05);
      c.p25 = quantile(v, 0.25);
      c.p50 = quantile(v, 0.5);
      c.p75 = quantile(v, 0.75);
      c.p95 = quantile(v, 0.95);
      s.rows.push_back(c);
    }
  return s;
}

CorpusSummary merge_corpus_results(const std::vector<fs::path>& dirs) { return summarize_corpus(load_corpus_results(dirs)); }

CorpusSummary read_corpus_summary(const fs::path& file) {
  const std::string text = read_file_bounded(file, file.string(), kMaxTokenizerFileBytes, ErrorKind::Input);
  CorpusSummary s;
  auto bad = [&](const std::string& what) { fail(ErrorKind::Input, file.string() + ": not a summary of `attnscope-cli merge`: " + what); };
  if (file.extension() == ".json") {
    const nlohmann::json j = parse_json_bounded(text, file.string(), ErrorKind::Input);
    if (!j.is_object() || !j.contains("rows") || !j["rows"].is_array()) bad("no \"rows\"");
    s.model = j.value("model", "");
    s.inputs = j.value("inputs", int64_t{0});
    s.tokens = j.value("tokens", int64_t{0});
    try {
      for (const auto& r : j["rows"])
        s.rows.push_back(CorpusStatistic{r.at("layer").get<int>(), r.at("head").get<int>(), r.at("statistic").get<std::string>(),
                                         r.at("inputs").get<int64_t>(), r.at("tokens").get<int64_t>(), r.at("mean").get<double>(),
                                         r.at("std").get<double>(), r.at("min").get<double>(), r.at("p05").get<double>(),
                                         r.at("p25").get<double>(), r.at("p50").get<double>(), r.at("p75").get<double>(),
                                         r.at("p95").get<double>(), r.at("max").get<double>()});
    } catch (const nlohmann::json::exception& e) {
      bad(e.what());
    }
  } else {
    std::istringstream lines(text);
    std::string line;
    if (!std::getline(lines, line) || line.rfind("layer,head,statistic,inputs,tokens,mean,std,min,", 0) != 0) bad("unexpected header");
    for (int n = 2; std::getline(lines, line); ++n) {
      if (line.empty()) continue;
      std::vector<std::string> cells;
      std::istringstream cs(line);
      for (std::string c; std::getline(cs, c, ',');) cells.push_back(c);
      if (cells.size() != 14) bad("line " + std::to_string(n) + " has " + std::to_string(cells.size()) + " cells, expected 14");
      try {
        CorpusStatistic c{std::stoi(cells[0]), std::stoi(cells[1]), cells[2], std::stoll(cells[3]), std::stoll(cells[4])};
        double* fields[] = {&c.mean, &c.std, &c.min, &c.p05, &c.p25, &c.p50, &c.p75, &c.p95, &c.max};
        for (size_t k = 0; k < 9; ++k) *fields[k] = std::stod(cells[5 + k]);
        s.rows.push_back(c);
      } catch (const std::exception&) {
        bad("line " + std::to_string(n) + " has a cell that is not a number");
      }
    }
    // The CSV has no header fields for the corpus: the counts of any statistic are the corpus'.
    if (!s.rows.empty()) s.inputs = s.rows.front().inputs;
  }
  if (s.rows.empty()) bad("no rows");
  if (s.tokens == 0 && !s.rows.empty()) s.tokens = s.rows.front().tokens;
  return s;
}

std::vector<size_t> extreme_inputs(const CorpusResults& results, int layer, int head, const std::string& statistic, size_t k,
                                   bool highest) {
  std::vector<std::pair<double, size_t>> v;
  for (size_t i = 0; i < results.inputs.size(); ++i)
    for (const HeadStats& h : results.inputs[i].stats)
      if (h.layer == layer && h.head == head) {
        const double x = head_stat_value(h, statistic);
        if (!std::isnan(x)) v.emplace_back(highest ? -x : x, i);
      }
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<size_t> out;
  for (size_t i = 0; i < v.size() && i < k; ++i) out.push_back(v[i].second);
  return out;
}

const CorpusStatistic* find_statistic(const CorpusSummary& summary, int layer, int head, const std::string& statistic) {
  for (const CorpusStatistic& c : summary.rows)
    if (c.layer == layer && c.head == head && c.statistic == statistic) return &c;
  return nullptr;
}

std::string corpus_summary_csv(const CorpusSummary& s) {
  std::string out = "layer,head,statistic,inputs,tokens,mean,std,min,p05,p25,p50,p75,p95,max\n";
  for (const CorpusStatistic& c : s.rows) {
    out += std::to_string(c.layer) + "," + std::to_string(c.head) + "," + c.statistic + "," + std::to_string(c.inputs) + "," +
           std::to_string(c.tokens);
    for (double v : {c.mean, c.std, c.min, c.p05, c.p25, c.p50, c.p75, c.p95, c.max}) {
      out += ",";
      out += shortest_number(v);
    }
    out += "\n";
  }
  return out;
}

nlohmann::ordered_json corpus_summary_json(const CorpusSummary& s) {
  nlohmann::ordered_json j;
  j["model"] = s.model;
  j["inputs"] = s.inputs;
  j["tokens"] = s.tokens;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const CorpusStatistic& c : s.rows)
    rows.push_back({{"layer", c.layer}, {"head", c.head}, {"statistic", c.statistic}, {"inputs", c.inputs}, {"tokens", c.tokens},
                    {"mean", c.mean}, {"std", c.std}, {"min", c.min}, {"p05", c.p05}, {"p25", c.p25}, {"p50", c.p50},
                    {"p75", c.p75}, {"p95", c.p95}, {"max", c.max}});
  j["rows"] = rows;
  return j;
}

}  // namespace attnscope
