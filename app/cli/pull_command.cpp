#include "app/cli/pull_command.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "core/common/text.h"
#include "core/hub/hub_client.h"

namespace attnscope::cli {
namespace {

DownloadProgressFn terminal_progress() {
  return [](const DownloadProgress& p) {
    if (p.stage == "resolving") {
      std::fprintf(stderr, "\rresolving %s\033[K", p.file.c_str());
      return true;
    }
    const int width = 24;
    const double frac = p.total ? static_cast<double>(p.done) / static_cast<double>(p.total) : 0;
    const int fill = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(fill), '#');
    bar.resize(width, '-');
    std::fprintf(stderr, "\r[%s] %s / %s  %s/s  ETA %s  (%zu/%zu) %s%s%s\033[K", bar.c_str(),
                 human_bytes(p.done).c_str(), human_bytes(p.total).c_str(),
                 human_bytes(static_cast<uint64_t>(p.bytes_per_second)).c_str(), human_duration(p.eta_seconds).c_str(), p.file_index + 1,
                 p.file_count, p.file.c_str(), p.note.empty() ? "" : "  ", p.note.c_str());
    return true;
  };
}

DownloadProgressFn line_progress() {
  auto last_file = std::make_shared<std::string>();
  auto last_note = std::make_shared<std::string>();
  return [last_file, last_note](const DownloadProgress& p) {
    if (p.stage == "resolving") {
      std::fprintf(stderr, "resolving %s\n", p.file.c_str());
    } else if (p.stage == "downloading" && p.file != *last_file && p.file_done < p.file_total) {
      *last_file = p.file;
      std::fprintf(stderr, "fetching %s (%s) [%zu/%zu]\n", p.file.c_str(), human_bytes(p.file_total).c_str(),
                   p.file_index + 1, p.file_count);
    } else if (!p.note.empty() && p.note != *last_note) {
      *last_note = p.note;
      std::fprintf(stderr, "%s: %s\n", p.file.c_str(), p.note.c_str());
    }
    return true;
  };
}

}  // namespace

CLI::App* add_pull_command(CLI::App& app, PullArgs& args) {
  auto* c = app.add_subcommand("pull", "Download a model from the Hugging Face Hub into its shared cache (safetensors, configs, tokenizer files)");
  c->add_option("repo", args.repo, "Repo id, org/name or org/name@revision (a branch, tag or commit)")->required();
  c->add_option("--include", args.include,
                "Only files matching this glob (repeatable; '*' crosses '/'). Pickle and code files are never fetched");
  c->add_option("--cache-dir", args.cache_dir, "Cache folder (default: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub)");
  c->add_flag("--dry-run", args.dry_run, "Only list what would be downloaded, with sizes");
  return c;
}

int cmd_pull(const PullArgs& args) {
  const RepoRef ref = parse_repo_ref(args.repo);
  HubOptions opt;
  if (!args.cache_dir.empty()) opt.env.cache_dir = args.cache_dir;
  opt.include = args.include;
  const bool tty = ::isatty(STDERR_FILENO);

  if (args.dry_run) {
    const DownloadPlan plan = resolve_download_plan(ref, opt);
    std::cout << ref.text() << " at commit " << plan.commit << ": " << plan.files.size() << " files, "
              << human_bytes(plan.total_bytes) << " (" << human_bytes(plan.missing_bytes)
              << " to download)\n";
    for (const auto& f : plan.files)
      std::cout << "  " << f.path << "  " << human_bytes(f.size) << (f.cached ? "  (cached)" : "") << "\n";
    for (const auto& s : plan.skipped) std::cout << "  not downloaded: " << s << "\n";
    return 0;
  }

  const DownloadResult r = pull_repo(ref, opt, tty ? terminal_progress() : line_progress());
  if (tty) std::fprintf(stderr, "\r\033[K");
  if (r.cancelled) {
    std::cerr << "attnscope-cli: pull cancelled; partial files are kept and a new pull resumes them\n";
    return 1;
  }
  if (r.from_cache_only)
    std::cerr << ref.text() << ": HF_HUB_OFFLINE is set; the cached snapshot " << r.commit << " is used\n";
  else
    std::cerr << ref.text() << " at " << r.commit << ": " << r.files_downloaded << " files downloaded ("
              << human_bytes(r.bytes_downloaded) << "), " << r.files_cached << " already cached\n";
  std::cout << r.snapshot.string() << "\n";
  return 0;
}

}  // namespace attnscope::cli
