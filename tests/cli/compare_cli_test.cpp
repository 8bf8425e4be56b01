// attnscope-cli compare against numpy: from two `attend` outputs, an independent computation of
// the aligned tokens' difference and per-head Jensen-Shannon divergence must give the same numbers;
// the alignment must pair equal ids in order and be as long as a longest common subsequence.
#include <gtest/gtest.h>

#include "tests/support/python.h"
#include "tests/support/run_process.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

namespace {

test::ProcessResult cli(const std::vector<std::string>& args) { return test::run_process(ATTNSCOPE_CLI, args); }

const char* kNumpyCompare = R"(
import sys
import numpy as np
a, b, c = (np.load(p, allow_pickle=False) for p in sys.argv[1:4])
ia, ib = a['input_ids'], b['input_ids']
pairs = c['pairs']
# a valid alignment: equal ids, strictly increasing on both sides
assert all(ia[i] == ib[j] for i, j in pairs), 'pairs of different ids'
assert np.all(np.diff(pairs[:, 0]) > 0) and np.all(np.diff(pairs[:, 1]) > 0), 'pairs out of order'
# as long as a longest common subsequence (dynamic programming here)
n, m = len(ia), len(ib)
L = np.zeros((n + 1, m + 1), dtype=np.int64)
for i in range(n - 1, -1, -1):
    for j in range(m - 1, -1, -1):
        L[i, j] = L[i + 1, j + 1] + 1 if ia[i] == ib[j] else max(L[i + 1, j], L[i, j + 1])
assert L[0, 0] == len(pairs), f'alignment of {len(pairs)} pairs, LCS {L[0, 0]}'
unpaired_a = sorted(set(range(n)) - set(pairs[:, 0]))
A = a['attentions'].astype(np.float64)
B = b['attentions'].astype(np.float64)
assert np.array_equal(c['attentions_a'], a['attentions']) and np.array_equal(c['attentions_b'], b['attentions'])
pa, pb = pairs[:, 0], pairs[:, 1]
diff = A[:, :, pa][:, :, :, pa] - B[:, :, pb][:, :, :, pb]
P = A[:, :, pa][:, :, :, pa]
Q = B[:, :, pb][:, :, :, pb]
P = np.concatenate([P, np.clip(1 - P.sum(-1, keepdims=True), 0, None)], -1)
Q = np.concatenate([Q, np.clip(1 - Q.sum(-1, keepdims=True), 0, None)], -1)
P /= P.sum(-1, keepdims=True)
Q /= Q.sum(-1, keepdims=True)
M = (P + Q) / 2
with np.errstate(divide='ignore', invalid='ignore'):
    kl = lambda X: np.where(X > 0, X * np.log2(X / M), 0.0).sum(-1)
    js = 0.5 * kl(P) + 0.5 * kl(Q)
e1 = np.abs(c['difference'] - diff).max()
e2 = np.abs(c['row_divergence'] - js).max()
e3 = np.abs(c['divergence'] - js.mean(-1)).max()
print(f'{len(pairs)} pairs, unpaired in A {unpaired_a}; max |C++ - numpy|: difference {e1:.2e}, row JS {e2:.2e}, head JS {e3:.2e}; '
      f'largest head JS {js.mean(-1).max():.4f}')
assert e1 < 1e-6 and e2 < 1e-5 and e3 < 1e-5
)";

struct Case {
  const char* name;
  std::string model, model_b, text, text_b;
};

class CompareCli : public ::testing::TestWithParam<int> {};

void check(const Case& k) {
  const auto dir = test::scratch_dir(std::string("compare-") + k.name);
  const std::string mb = k.model_b.empty() ? k.model : k.model_b, tb = k.text_b.empty() ? k.text : k.text_b;
  auto r = cli({"attend", "--model", k.model, "--text", k.text, "--out", (dir / "a.npz").string(), "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = cli({"attend", "--model", mb, "--text", tb, "--out", (dir / "b.npz").string(), "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> args = {"compare", "--model", k.model, "--text", k.text, "--out", (dir / "c.npz").string(), "--force"};
  if (!k.model_b.empty()) args.insert(args.end(), {"--model-b", k.model_b});
  if (!k.text_b.empty()) args.insert(args.end(), {"--text-b", k.text_b});
  r = cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::cout << "  " << k.name << ": " << r.err;
  const auto p = test::run_process("/usr/bin/python3", {"-c", kNumpyCompare, (dir / "a.npz").string(), (dir / "b.npz").string(),
                                                        (dir / "c.npz").string()});
  EXPECT_EQ(p.exit_code, 0) << p.out << p.err;
  std::cout << "  " << p.out;
}

TEST(CompareCli, TwoInputsOnBertEqualNumpy) {
  ATTNSCOPE_REQUIRE_SHARED();
  REQUIRE_PYTHON("numpy");
  check({"trophy", shared("models/bert-random").string(), "", "The trophy didn't fit in the suitcase because it was too big.",
         "The trophy didn't fit in the suitcase because it was too small."});
}

TEST(CompareCli, TwoInputsOfDifferentLengthsOnRobertaEqualNumpy) {
  ATTNSCOPE_REQUIRE_SHARED();
  REQUIRE_PYTHON("numpy");
  check({"roberta", shared("models/roberta-random").string(), "", "我们今天去公园散步。",
         "我们明天早上一起去公园散步吧。"});
}

TEST(CompareCli, TwoModelsOnOneInputEqualNumpy) {
  ATTNSCOPE_REQUIRE_SHARED();
  REQUIRE_PYTHON("numpy");
  check({"qwen", shared("models/qwen2-random").string(), shared("models/qwen3-random").string(),
         "The trophy didn't fit in the suitcase.", ""});
}

TEST(CompareCli, SameRunDivergesNowhereAndRefusals) {
  ATTNSCOPE_REQUIRE_SHARED();
  const auto dir = test::scratch_dir("compare-same");
  const std::string m = test::builtin_model("stories260K").string();
  auto r = cli({"compare", "--model", m, "--model-b", m, "--text", "the cat sat on the mat.", "--out", (dir / "c.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("L0H0 0 "), std::string::npos) << r.err;  // every head 0
  r = cli({"compare", "--model", m, "--text", "x", "--out", (dir / "d.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--text-b"), std::string::npos) << r.err;
  r = cli({"compare", "--model", shared("models/qwen2-random").string(), "--model-b", shared("models/llama3-random").string(),
           "--text", "The trophy didn't fit in the suitcase.", "--out", (dir / "e.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("same tokenizer"), std::string::npos) << r.err;
}

}  // namespace
