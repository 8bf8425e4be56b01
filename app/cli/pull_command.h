#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace attnscope::cli {

struct PullArgs {
  std::string repo;                  // org/name[@revision]
  std::vector<std::string> include;  // globs; empty: the default set
  std::string cache_dir;             // instead of HF_HUB_CACHE / HF_HOME
  bool dry_run = false;
};

CLI::App* add_pull_command(CLI::App& app, PullArgs& args);
// Downloads into the Hugging Face cache; prints the snapshot folder on stdout and the progress on
// stderr (a bar on a terminal, plain lines otherwise).
int cmd_pull(const PullArgs& args);

}  // namespace attnscope::cli
