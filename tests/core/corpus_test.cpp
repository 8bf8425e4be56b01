// JSONL lines of `attnscope-cli batch` and the result file names (core/pipeline/corpus_batch.h).
#include <gtest/gtest.h>

#include <set>

#include "core/common/error.h"
#include "core/pipeline/corpus_batch.h"

using namespace attnscope;

TEST(Corpus, LinesAreParsedOrRefusedWithTheirLineNumber) {
  const CorpusInput a = parse_corpus_line(R"({"id": "x1", "text": "hello", "text_b": "world"})", 3, "/data");
  EXPECT_EQ(a.line, 3);
  EXPECT_EQ(a.id, "x1");
  EXPECT_EQ(a.text, "hello");
  EXPECT_EQ(a.text_b, "world");
  EXPECT_EQ(parse_corpus_line(R"({"id": 7, "image": "cats/a.png"})", 1, "/data").image, "/data/cats/a.png");
  EXPECT_EQ(parse_corpus_line(R"({"id": 7, "image": "/abs/a.png"})", 1, "/data").image, "/abs/a.png");
  for (const char* bad : {R"({"id": "x", "text": )", R"([1, 2])", R"({"text": "no id"})", R"({"id": "", "text": "t"})",
                          R"({"id": 1.5, "text": "t"})", R"({"id": "x"})", R"({"id": "x", "text": "t", "image": "a.png"})",
                          R"({"id": "x", "text": 5})", R"({"id": "x", "image": "a.png", "text_b": "t"})"}) {
    try {
      parse_corpus_line(bad, 12, ".");
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input) << bad;
      EXPECT_NE(std::string(e.what()).find("line 12"), std::string::npos) << e.what();
    }
  }
}

TEST(Corpus, ResultNamesStayInTheFolderAndNeverCollide) {
  EXPECT_EQ(corpus_result_name("doc-1_a.b"), "doc-1_a.b.json");
  EXPECT_EQ(corpus_result_name("../x"), "%2E.%2Fx.json");
  EXPECT_EQ(corpus_result_name("a b/é"), "a%20b%2F%C3%A9.json");
  std::set<std::string> names;
  for (const char* id : {"a/b", "a%2Fb", "a%252Fb", ".a", "%2Ea", "a.", "a"}) {
    const std::string n = corpus_result_name(id);
    EXPECT_EQ(n.find('/'), std::string::npos) << id;
    EXPECT_NE(n.front(), '.') << id;
    EXPECT_TRUE(names.insert(n).second) << id << " shares " << n;
  }
}
