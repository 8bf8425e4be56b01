// Token labels of a run: what the views write on their axes.
#include <gtest/gtest.h>

#include "core/pipeline/analyzer.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
using attnscope::test::shared;

TEST(AnalyzerLabels, UnknownTokensSayWhichCharactersTheyStandFor) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/bert-random"));
  AnalysisRequest req;
  req.text = "I like \xF0\x9F\x90\xB1 and cats";  // the cat emoji is not in BERT's vocabulary
  req.text_pair = std::string("\xE2\x98\x83 snow");   // nor the snowman
  const Analysis a = analyzer->run(req);
  std::vector<std::string> unknown;
  for (size_t i = 0; i < a.encoding.tokens.size(); ++i) {
    const Token& t = a.encoding.tokens[i];
    if (t.text != "[UNK]") continue;
    const std::string& source = t.sequence == 1 ? a.text_pair : a.text;
    EXPECT_EQ(a.labels[i], "[UNK](" + source.substr(t.begin, t.end - t.begin) + ")");
    unknown.push_back(a.labels[i]);
  }
  EXPECT_EQ(unknown, (std::vector<std::string>{"[UNK](\xF0\x9F\x90\xB1)", "[UNK](\xE2\x98\x83)"}));
  // Special tokens the template adds cover no text and keep their names.
  EXPECT_EQ(a.labels.front(), "[CLS]");
  EXPECT_EQ(a.labels.back(), "[SEP]");
}

TEST(AnalyzerLabels, SpecialTokensWrittenInTheTextKeepTheirName) {
  ATTNSCOPE_REQUIRE_SHARED();
  auto analyzer = Analyzer::open(shared("models/bert-random"));
  AnalysisRequest req;
  req.text = "the [MASK] sat";
  const Analysis a = analyzer->run(req);
  ASSERT_EQ(a.labels.size(), 5u);
  EXPECT_EQ(a.labels[2], "[MASK]");
}
