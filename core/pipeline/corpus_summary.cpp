#include "core/pipeline/corpus_summary.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/io/json_file.h"

namespace attnscope {

namespace fs = std::filesystem;

namespace {

const char* const kStatistics[] = {"entropy", "entropy_normalized", "mean_distance", "special_mass", "previous_token", "self"};

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

CorpusSummary merge_corpus_results(const std::vector<fs::path>& dirs) {
  std::map<std::string, Result> by_id;  // ordered by id: the order of every sum below
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) fail(ErrorKind::Input, dir.string() + ": not a folder of batch results");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::ifstream in(f);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      nlohmann::json j = parse_json_bounded(text, f.string(), ErrorKind::Input);
      if (!j.is_object() || !j.contains("id") || !j.contains("stats") || !j["stats"].is_array() || !j.contains("tokens"))
        fail(ErrorKind::Input, f.string() + ": not a batch result (needs id, tokens and stats)");
      const std::string id = j["id"].get<std::string>();
      auto [it, fresh] = by_id.emplace(id, Result{j, f});
      if (!fresh && it->second.json != j)
        fail(ErrorKind::Input, f.string() + " and " + it->second.file.string() + ": two different results for id \"" + id + "\"");
    }
  }
  if (by_id.empty()) fail(ErrorKind::Input, "no batch results found in the given folders");

  CorpusSummary s;
  const nlohmann::json& first = by_id.begin()->second.json;
  s.model = first.value("model", "");
  // (layer, head) -> statistic -> values over the inputs, in id order
  std::map<std::pair<int, int>, std::map<std::string, std::vector<double>>> values;
  std::map<std::pair<int, int>, int64_t> tokens;
  for (const auto& [id, r] : by_id) {
    const nlohmann::json& j = r.json;
    if (j.value("model", "") != s.model || j.value("layers", 0) != first.value("layers", 0) || j.value("heads", 0) != first.value("heads", 0))
      fail(ErrorKind::Input, r.file.string() + ": a result of model \"" + j.value("model", "") + "\", the others are of \"" + s.model + "\"");
    const int64_t n = j["tokens"].get<int64_t>();
    ++s.inputs;
    s.tokens += n;
    for (const auto& row : j["stats"]) {
      const std::pair<int, int> key{row.at("layer").get<int>(), row.at("head").get<int>()};
      tokens[key] += n;
      for (const char* name : kStatistics) values[key][name].push_back(row.at(name).get<double>());
    }
  }
  for (const auto& [key, stats] : values)
    for (const char* name : kStatistics) {
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
