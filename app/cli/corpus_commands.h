#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace attnscope::cli {

struct BatchArgs {
  std::string model;
  std::string inputs;  // JSONL
  std::string out;     // result folder
  std::string shard;   // "I/N"
  int limit = 0;
  int threads = 0;
  std::string memory_budget;
  std::string save = "none";      // attentions | none
  std::string save_format = "npz";
};

struct MergeArgs {
  std::vector<std::string> dirs;
  std::string out;  // .csv or .json
  bool force = false;
};

CLI::App* add_batch_command(CLI::App& app, BatchArgs& args);
CLI::App* add_merge_command(CLI::App& app, MergeArgs& args);
// Head statistics of every line of a JSONL file, one result file per input (core corpus_batch.h);
// progress with an ETA on a terminal. Exit 0 when every line of the shard was handled (bad lines
// are in the errors file, counted on stderr), 1 when --limit stopped it early.
int cmd_batch(const BatchArgs& args);
// Aggregates result folders into one summary (core corpus_summary.h).
int cmd_merge(const MergeArgs& args);

}  // namespace attnscope::cli
