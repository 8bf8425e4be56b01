// `attnscope-cli batch` and `merge` end to end on stories260K: shards under GNU parallel merge to
// the same summary as one run, bad lines land in the errors file with their line numbers, a batch
// killed halfway resumes without redoing or duplicating anything.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "tests/support/csv.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

extern char** environ;

namespace fs = std::filesystem;
using namespace attnscope;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args, double timeout = 300) { return test::run_process(ATTNSCOPE_CLI, args, timeout); }

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kModel = "builtin:stories260K";

// `n` lines of random sentences; every line whose number is in `bad` is broken in one of several
// ways (not JSON, no id, empty text, an image for a text model, an id already used).
std::string corpus(int n, const std::set<int>& bad, unsigned seed, int words = 20) {
  static const char* vocabulary[] = {"the", "cat", "dog", "sat", "ran", "on", "a", "mat", "big", "small", "happy",
                                     "girl", "boy", "tree", "sun", "moon", "went", "home", "and", "saw", "Lily", "ball"};
  std::mt19937 rng(seed);
  std::string out;
  for (int line = 1; line <= n; ++line) {
    std::string text;
    const int len = 2 + static_cast<int>(rng() % static_cast<unsigned>(words));
    for (int w = 0; w < len; ++w) text += std::string(w ? " " : "") + vocabulary[rng() % std::size(vocabulary)];
    nlohmann::json j = {{"id", "s" + std::to_string(line)}, {"text", text}};
    if (bad.count(line)) {
      switch (line % 5) {
        case 0: out += "{\"id\": \"broken\", \"text\": \n"; continue;
        case 1: j.erase("id"); break;
        case 2: j["text"] = ""; break;
        case 3: j.erase("text"), j["image"] = "cat.png"; break;
        case 4: j["id"] = "s1"; break;  // line 1's id
      }
    }
    out += j.dump() + "\n";
    if (line % 17 == 0) out += "\n";  // blank lines are not inputs (and do not count as lines of a shard)
  }
  return out;
}

std::set<int> error_lines(const fs::path& dir) {
  std::set<int> lines;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("errors-", 0) == 0) {
      std::istringstream in(read(e.path()));
      for (std::string l; std::getline(in, l);) {
        const auto j = nlohmann::json::parse(l);
        EXPECT_FALSE(j["error"].get<std::string>().empty());
        EXPECT_TRUE(lines.insert(j["line"].get<int>()).second) << "line " << j["line"] << " recorded twice";
      }
    }
  return lines;
}

int result_count(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".json";
  return n;
}

// The corpus' line numbers after blank lines are inserted (every 17th input is followed by one).
int file_line(int input) { return input + (input - 1) / 17; }

}  // namespace

TEST(CorpusCli, ShardsUnderGnuParallelMergeToTheSameSummaryAndBadLinesAreRecorded) {
  const fs::path dir = test::scratch_dir("corpus_shards");
  std::set<int> bad;
  for (int i = 2; i <= 200; i += 9) bad.insert(i);
  const fs::path inputs = dir / "inputs.jsonl";
  std::ofstream(inputs) << corpus(200, bad, 7);

  auto whole = cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", (dir / "whole").string(), "--threads", "1"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(result_count(dir / "whole"), 200 - static_cast<int>(bad.size()));
  std::set<int> expected;
  for (int i : bad) expected.insert(file_line(i));
  EXPECT_EQ(error_lines(dir / "whole"), expected);

  // Four shards as four processes, started by GNU parallel, each writing into the same folder.
  auto par = test::run_process("/usr/bin/parallel",
                               {"--will-cite", "-j", "4", ATTNSCOPE_CLI, "batch", "--model", kModel, "--inputs", inputs.string(), "--out",
                                (dir / "shards").string(), "--threads", "1", "--shard", "{}/4", ":::", "0", "1", "2", "3"},
                               300);
  ASSERT_EQ(par.exit_code, 0) << par.out << par.err;
  EXPECT_EQ(error_lines(dir / "shards"), expected);
  for (const char* ext : {".csv", ".json"}) {
    const fs::path a = dir / (std::string("whole") + ext), b = dir / (std::string("shards") + ext);
    ASSERT_EQ(cli({"merge", (dir / "whole").string(), "--out", a.string()}).exit_code, 0);
    ASSERT_EQ(cli({"merge", (dir / "shards").string(), "--out", b.string()}).exit_code, 0);
    EXPECT_EQ(read(a), read(b)) << ext;
  }

  // A result is the `stats` command's answer for that text; the summary aggregates those.
  const auto summary = test::read_csv(dir / "whole.csv");
  ASSERT_EQ(summary.front().front(), "layer");
  std::vector<double> entropy_l2h5;
  for (const auto& e : fs::directory_iterator(dir / "whole")) {
    if (e.path().extension() != ".json") continue;
    const auto j = nlohmann::json::parse(read(e.path()));
    for (const auto& row : j["stats"])
      if (row["layer"] == 2 && row["head"] == 5) entropy_l2h5.push_back(row["entropy"].get<double>());
  }
  std::sort(entropy_l2h5.begin(), entropy_l2h5.end());
  const size_t n = entropy_l2h5.size();
  double mean = 0;
  for (double v : entropy_l2h5) mean += v / static_cast<double>(n);
  const double pos = 0.25 * static_cast<double>(n - 1);
  const double p25 = entropy_l2h5[size_t(pos)] + (pos - std::floor(pos)) * (entropy_l2h5[size_t(pos) + 1] - entropy_l2h5[size_t(pos)]);
  bool found = false;
  for (const auto& r : summary)
    if (r[0] == "2" && r[1] == "5" && r[2] == "entropy") {
      found = true;
      EXPECT_EQ(std::stoll(r[3]), static_cast<long long>(n));
      EXPECT_NEAR(std::stod(r[5]), mean, 1e-12);
      EXPECT_NEAR(std::stod(r[9]), p25, 1e-12);
      EXPECT_EQ(std::stod(r[7]), entropy_l2h5.front());
      EXPECT_EQ(std::stod(r[13]), entropy_l2h5.back());
    }
  EXPECT_TRUE(found);
  // One input checked against `attnscope-cli stats` on its own.
  const auto first = nlohmann::json::parse(read(dir / "whole" / "s1.json"));
  std::istringstream lines(read(inputs));
  std::string line1;
  std::getline(lines, line1);
  const fs::path stats = dir / "s1_stats.json";
  auto st = cli({"stats", "--model", kModel, "--text", nlohmann::json::parse(line1)["text"].get<std::string>(), "--out", stats.string(), "--force"});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  const auto alone = nlohmann::json::parse(read(stats))["heads"];
  ASSERT_EQ(alone.size(), first["stats"].size());
  for (size_t i = 0; i < alone.size(); ++i)
    for (const char* k : {"entropy", "mean_distance", "special_mass", "sink_mass", "previous_token", "self"})
      EXPECT_EQ(alone[i][k].get<double>(), first["stats"][i][k].get<double>()) << k;
}

TEST(CorpusCli, AKilledBatchResumesWithoutRedoingOrDuplicating) {
  const fs::path dir = test::scratch_dir("corpus_resume");
  const fs::path inputs = dir / "inputs.jsonl";
  const int n = 300;
  std::ofstream(inputs) << corpus(n, {5, 300}, 11, 60);
  const std::string out = (dir / "killed").string();
  // Killed with SIGKILL once 20 results are there, whatever the machine's speed.
  const std::vector<std::string> args = {ATTNSCOPE_CLI, "batch", "--model", kModel, "--inputs", inputs.string(), "--out", out, "--threads", "1"};
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, ATTNSCOPE_CLI, nullptr, nullptr, argv.data(), environ), 0);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 60000 && !exited; ++i) {
    if (fs::exists(out) && result_count(out) >= 20) break;
    exited = waitpid(pid, &status, WNOHANG) == pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_FALSE(exited) << "the batch ended before it could be killed";
  ::kill(pid, SIGKILL);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  const int before = result_count(out);
  ASSERT_GE(before, 20);
  ASSERT_LT(before, n - 2);
  std::map<fs::path, fs::file_time_type> written;
  for (const auto& e : fs::directory_iterator(out))
    if (e.path().extension() == ".json") written[e.path()] = fs::last_write_time(e.path());

  auto rest = cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", out, "--threads", "1"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_NE(rest.err.find(std::to_string(n - 2 - before) + " done, " + std::to_string(before) + " already done, 2 failed"), std::string::npos)
      << rest.err;
  EXPECT_EQ(result_count(out), n - 2);
  for (const auto& [path, time] : written) EXPECT_EQ(fs::last_write_time(path), time) << path << " was written again";
  EXPECT_EQ(error_lines(out), (std::set<int>{file_line(5), file_line(300)}));  // each once, though both runs met them

  // Also in steps of --limit, as a time-boxed job would run.
  const std::string stepped = (dir / "stepped").string();
  auto step = cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", stepped, "--limit", "250"});
  EXPECT_EQ(step.exit_code, 1) << step.err;
  EXPECT_EQ(result_count(stepped), 250);
  ASSERT_EQ(cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", stepped, "--limit", "1000"}).exit_code, 0);

  // The same summary as a run that was never interrupted.
  const std::string clean = (dir / "clean").string();
  ASSERT_EQ(cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", clean}).exit_code, 0);
  for (const std::string& d : {out, stepped, clean}) ASSERT_EQ(cli({"merge", d, "--out", d + ".csv"}).exit_code, 0);
  EXPECT_EQ(read(out + ".csv"), read(clean + ".csv"));
  EXPECT_EQ(read(stepped + ".csv"), read(clean + ".csv"));
  // Giving a folder twice counts its inputs once.
  ASSERT_EQ(cli({"merge", clean, clean, "--out", clean + "2.csv"}).exit_code, 0);
  EXPECT_EQ(read(clean + "2.csv"), read(clean + ".csv"));
}

TEST(CorpusCli, IdsStayInsideTheFolderAndMergeRefusesConflicts) {
  const fs::path dir = test::scratch_dir("corpus_ids");
  const fs::path inputs = dir / "inputs.jsonl";
  std::ofstream(inputs) << R"({"id": "../escape", "text": "the cat"})" "\n"
                        << R"({"id": "a/b", "text": "the dog"})" "\n"
                        << R"({"id": 42, "text": "the sun"})" "\n";
  const fs::path out = dir / "r";
  auto r = cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "%2E.%2Fescape.json"));
  EXPECT_TRUE(fs::exists(out / "a%2Fb.json"));
  EXPECT_TRUE(fs::exists(out / "42.json"));
  EXPECT_FALSE(fs::exists(dir / "escape.json"));
  // Another folder holding a different result for one of these ids: merge says so.
  fs::create_directories(dir / "other");
  std::ofstream(dir / "other" / "42.json") << R"({"id": "42", "line": 3, "model": "stories260K", "layers": 5, "heads": 8, "tokens": 9, "stats": []})";
  auto m = cli({"merge", out.string(), (dir / "other").string(), "--out", (dir / "s.csv").string()});
  EXPECT_EQ(m.exit_code, 4) << m.err;
  EXPECT_NE(m.err.find("two different results for id \"42\""), std::string::npos) << m.err;
  EXPECT_FALSE(fs::exists(dir / "s.csv"));
  // Bad shard specs are usage errors.
  for (const char* s : {"4/4", "1", "a/2", "1/0"}) {
    auto bad = cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", out.string(), "--shard", s});
    EXPECT_EQ(bad.exit_code, 2) << s << ": " << bad.err;
  }
}

TEST(CorpusCli, SavedAttentionsAreWhatAttendWrites) {
  const fs::path dir = test::scratch_dir("corpus_save");
  const fs::path inputs = dir / "inputs.jsonl";
  std::ofstream(inputs) << R"({"id": "a", "text": "Once upon a time there was a cat"})" "\n";
  auto r = cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", (dir / "r").string(), "--save", "attentions",
                "--save-format", "safetensors"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir / "r" / "a.json"));
  auto at = cli({"attend", "--model", kModel, "--text", "Once upon a time there was a cat", "--out", (dir / "attend.safetensors").string()});
  ASSERT_EQ(at.exit_code, 0) << at.err;
  SafetensorsFile saved((dir / "r" / "a.safetensors").string()), attend((dir / "attend.safetensors").string());
  for (const char* name : {"attentions", "input_ids"}) {
    const TensorInfo *x = saved.find(name), *y = attend.find(name);
    ASSERT_TRUE(x && y) << name;
    EXPECT_EQ(x->shape, y->shape) << name;
    if (std::string(name) == "input_ids") EXPECT_EQ(saved.read_ints(*x), attend.read_ints(*y));
    else EXPECT_EQ(saved.read_floats(*x), attend.read_floats(*y)) << name;
  }
  // The statistics' file is written after the attentions: a re-run skips the input.
  auto again = cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", (dir / "r").string(), "--save", "attentions"});
  EXPECT_NE(again.err.find("0 done, 1 already done"), std::string::npos) << again.err;
  EXPECT_EQ(cli({"batch", "--model", kModel, "--inputs", inputs.string(), "--out", (dir / "r").string(), "--save", "weights"}).exit_code, 2);
}
