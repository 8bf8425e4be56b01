#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/common/progress.h"

namespace attnscope {

class Analyzer;

// Head statistics over a corpus, one input per line of a JSONL file (`attnscope-cli batch`).
// Each input's result is its own file, written atomically, and depends only on the line and the
// model: a re-run skips what is done, and `--shard I/N` processes split a file with no
// coordination (merge them with corpus_summary.h).

// One JSONL line: {"id": "...", "text": "..."} (optionally "text_b") or {"id": ..., "image": PATH}.
struct CorpusInput {
  int line = 0;  // 1-based line number in the file
  std::string id;
  std::string text;
  std::string text_b;           // second segment of a sentence pair, or empty
  std::filesystem::path image;  // relative paths are taken from the JSONL file's folder
};

// Throws Error(Input) saying what is wrong with the line: not JSON, no string or integer "id", an
// empty id, neither or both of "text" and "image", a non-string field.
CorpusInput parse_corpus_line(std::string_view line, int line_number, const std::filesystem::path& base_dir);

// The result file of an input: its id with every byte outside [A-Za-z0-9._-], and a leading '.',
// written as %XX (so ids never escape the folder, hide, or share a file), then ".json".
std::string corpus_result_name(const std::string& id);

struct CorpusBatchOptions {
  std::filesystem::path inputs;   // the JSONL file
  std::filesystem::path out_dir;  // created if missing
  int shard = 0;                  // this process takes the lines with (line - 1) % shards == shard
  int shards = 1;
  int limit = 0;                  // > 0: stop after this many new results (a time-boxed job); a re-run goes on
  int threads = 0;                // forward-pass threads; 0 = all cores
  uint64_t memory_budget = 0;     // per input (memory_budget.h); 0 = half the RAM
  // Also write each input's attentions (and ids, tokens, offsets: export_analysis) as
  // <name>.npz or <name>.safetensors beside its result; empty = no.
  std::string save_format;
};

struct CorpusBatchReport {
  int lines = 0;    // non-blank lines of this shard
  int done = 0;     // results written by this run
  int skipped = 0;  // results already there (an earlier or interrupted run)
  int failed = 0;   // lines recorded in the errors file
  bool cancelled = false;
  bool limited = false;  // stopped at CorpusBatchOptions::limit with lines left
  std::filesystem::path errors_file;  // errors-<shard>-of-<shards>.jsonl in out_dir
};

// Runs the shard's lines. A bad line (unparsable, refused by the model, an id that an earlier line
// of the file has -- decided from the whole file, so every sharding agrees) goes to the errors file as {"line": N, "id": ..., "error": "..."} and never stops the
// batch; the errors file is rewritten by each run, so a re-run lists each failure once. Progress
// counts the shard's lines; returning false stops between inputs (cancelled, results kept).
// Throws Error(Input) if the JSONL file cannot be read and Error(Output) if out_dir cannot be written.
CorpusBatchReport run_corpus_batch(const Analyzer& analyzer, const CorpusBatchOptions& options, const ProgressFn& progress = {});

}  // namespace attnscope
