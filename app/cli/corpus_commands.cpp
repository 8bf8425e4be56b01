#include "app/cli/corpus_commands.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/io/atomic_file.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/corpus_batch.h"
#include "core/pipeline/corpus_summary.h"
#include "core/pipeline/memory_budget.h"

namespace attnscope::cli {

CLI::App* add_batch_command(CLI::App& app, BatchArgs& args) {
  auto* c = app.add_subcommand("batch", "Head statistics of every input of a JSONL file, one result file per input; resumable and shardable");
  c->add_option("--model", args.model, "Model folder, repo id in the Hugging Face cache, or builtin:NAME")->required();
  c->add_option("--inputs", args.inputs,
                "JSONL file, one input per line: {\"id\": ..., \"text\": ...} (optionally \"text_b\") or {\"id\": ..., \"image\": PATH}")
      ->required();
  c->add_option("--out", args.out, "Result folder: ID.json per input, errors-I-of-N.jsonl for the bad lines")->required();
  c->add_option("--shard", args.shard, "I/N: take every N-th line, starting at line I+1 (N processes or machines split the file)");
  c->add_option("--limit", args.limit, "Stop after this many new results (a re-run continues)")->check(CLI::PositiveNumber);
  c->add_option("--threads", args.threads, "Forward-pass threads (default: all cores)")->check(CLI::NonNegativeNumber);
  c->add_option("--memory-budget", args.memory_budget, "Refuse inputs whose outputs would exceed this size, e.g. 2G (default: half the RAM)");
  c->add_option("--save", args.save, "attentions: also write each input's attentions, ids and tokens as ID.npz (as `attend` does); none (default)")
      ->check(CLI::IsMember({"attentions", "none"}));
  c->add_option("--save-format", args.save_format, "With --save attentions: npz (default) or safetensors")
      ->check(CLI::IsMember({"npz", "safetensors"}));
  return c;
}

CLI::App* add_merge_command(CLI::App& app, MergeArgs& args) {
  auto* c = app.add_subcommand("merge", "Aggregate batch result folders (any shards) into per-head statistics: mean, std, quantiles");
  c->add_option("dirs", args.dirs, "Result folders of `batch`")->required();
  c->add_option("--out", args.out, "summary.csv or summary.json")->required();
  c->add_flag("--force", args.force, "Overwrite the output file if it exists");
  return c;
}

int cmd_batch(const BatchArgs& args) {
  CorpusBatchOptions o;
  o.inputs = args.inputs;
  o.out_dir = args.out;
  o.limit = args.limit;
  o.threads = args.threads;
  if (args.save == "attentions") o.save_format = args.save_format;
  if (!args.memory_budget.empty()) o.memory_budget = parse_byte_size(args.memory_budget, "--memory-budget");
  if (!args.shard.empty()) {
    const size_t slash = args.shard.find('/');
    try {
      if (slash == std::string::npos) throw std::invalid_argument("no slash");
      size_t used = 0;
      o.shard = std::stoi(args.shard.substr(0, slash), &used);
      if (used != slash) throw std::invalid_argument("trailing");
      const std::string n = args.shard.substr(slash + 1);
      o.shards = std::stoi(n, &used);
      if (used != n.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      fail(ErrorKind::Usage, "--shard: expected I/N, e.g. 0/4, got '" + args.shard + "'");
    }
    if (o.shards < 1 || o.shard < 0 || o.shard >= o.shards)
      fail(ErrorKind::Usage, "--shard " + args.shard + ": need 0 <= I < N");
  }
  auto analyzer = Analyzer::open(args.model);

  const bool tty = ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  ProgressFn progress;
  if (tty)
    progress = [&](const Progress& p) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = p.done > 0 ? p.done / elapsed : 0;
      std::fprintf(stderr, "\rbatch: %d/%d lines  %.1f/s  ETA %s\033[K", p.done, p.total, rate,
                   rate > 0 ? human_duration((p.total - p.done) / rate).c_str() : "?");
      return true;
    };
  const CorpusBatchReport r = run_corpus_batch(*analyzer, o, progress);
  if (tty) std::fprintf(stderr, "\r\033[K");
  std::cerr << "batch: shard " << o.shard << "/" << o.shards << ", " << r.lines << " lines: " << r.done << " done, " << r.skipped
            << " already done, " << r.failed << " failed";
  if (r.failed > 0) std::cerr << " (see " << r.errors_file.string() << ")";
  if (r.limited) std::cerr << "; stopped at --limit " << o.limit << ", run again to go on";
  std::cerr << "\n";
  return r.limited || r.cancelled ? 1 : 0;
}

int cmd_merge(const MergeArgs& args) {
  const std::filesystem::path out(args.out);
  const std::string ext = out.extension().string();
  if (ext != ".csv" && ext != ".json") fail(ErrorKind::Usage, "--out: unknown summary format '" + ext + "' (use .csv or .json)");
  check_writable(out, args.force);
  std::vector<std::filesystem::path> dirs(args.dirs.begin(), args.dirs.end());
  const CorpusSummary s = merge_corpus_results(dirs);
  AtomicFile f(out, args.force);
  f.write(ext == ".csv" ? corpus_summary_csv(s) : corpus_summary_json(s).dump(2) + "\n");
  f.commit();
  std::cerr << "merge: " << s.inputs << " inputs, " << s.tokens << " tokens, " << s.rows.size() << " rows -> " << out.string() << "\n";
  return 0;
}

}  // namespace attnscope::cli
