#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/head_stats.h"
#include "core/common/progress.h"

namespace attnscope {

// Per-head statistics of a corpus, aggregated from the result folders of `attnscope-cli batch`
// (corpus_batch.h), whatever the sharding: results are ordered by input id before anything is
// summed, so the summary of one run and of N shards is the same, byte for byte.
struct CorpusStatistic {
  int layer = 0;
  int head = 0;
  std::string statistic;  // entropy, entropy_normalized, mean_distance, special_mass, sink_mass, previous_token, self
  int64_t inputs = 0;
  int64_t tokens = 0;     // summed over the inputs
  double mean = 0, std = 0;  // std: population standard deviation over the inputs
  double min = 0, p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0, max = 0;  // quantiles: linear interpolation (numpy's default)
};

struct CorpusSummary {
  std::string model;      // as the results name it
  int64_t inputs = 0;
  int64_t tokens = 0;
  std::vector<CorpusStatistic> rows;  // layer, head, then statistic, in that order
};

// One input's result file, read back.
struct CorpusResult {
  std::string id;
  int line = 0;
  int64_t tokens = 0;
  std::string text, text_b, image;  // the input, to open it again (empty in results of older versions)
  std::vector<HeadStats> stats;     // layer-major
};

struct CorpusResults {
  std::string model;
  int layers = 0, heads = 0;
  std::vector<CorpusResult> inputs;  // ordered by id
  bool cancelled = false;
};

// Reads every result file of `dirs`. The same input found twice (a folder given twice, a shard
// re-run elsewhere) counts once if both copies agree. Throws Error(Input) for an unreadable or
// malformed result, two results of one id that differ, results of different models, or no
// result. Progress counts the files; stopping returns cancelled = true.
CorpusResults load_corpus_results(const std::vector<std::filesystem::path>& dirs, const ProgressFn& progress = {});
CorpusSummary summarize_corpus(const CorpusResults& results);
// summarize_corpus(load_corpus_results(dirs)).
CorpusSummary merge_corpus_results(const std::vector<std::filesystem::path>& dirs);
// A summary `merge` wrote (.csv or .json). Throws Error(Input) naming the file and what is wrong.
CorpusSummary read_corpus_summary(const std::filesystem::path& file);

// Indices into results.inputs of the `k` inputs where (layer, head)'s `statistic` is highest (or
// lowest), most extreme first; ties in id order.
std::vector<size_t> extreme_inputs(const CorpusResults& results, int layer, int head, const std::string& statistic, size_t k,
                                   bool highest);
// The row of (layer, head, statistic), or null.
const CorpusStatistic* find_statistic(const CorpusSummary& summary, int layer, int head, const std::string& statistic);

std::string corpus_summary_csv(const CorpusSummary& summary);
nlohmann::ordered_json corpus_summary_json(const CorpusSummary& summary);

}  // namespace attnscope
