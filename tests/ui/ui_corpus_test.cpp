// Corpus statistics in the GUI (dataset issue): batch results opened in the Heads view, which
// shows each head's mean, spread and quantiles over the inputs, lists the inputs where a head is
// most extreme and opens one in the normal views; a summary file of `merge` opens too.
#include <QComboBox>
#include <QDateTime>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <fstream>

#include "core/pipeline/analyzer.h"
#include "core/pipeline/corpus_batch.h"
#include "core/pipeline/corpus_summary.h"
#include "tests/ui/ui_test_support.h"
#include "ui/render/head_statistics.h"
#include "ui/render/heads_renderer.h"
#include "ui/views/heads_view.h"
#include "ui/views/renderer_view.h"

using namespace attnscope;
using namespace attnscope::ui;

namespace {

const char* kTexts[] = {"Once upon a time there was a girl",
                        "The cat sat on the mat",
                        "Lily saw a big red ball in the park and she was very happy",
                        "A dog",
                        "The sun was hot",
                        "One day a little boy went to the shop to buy some bread for his mother",
                        "They played all day",
                        "Tom and Sue ran"};

// A result folder of `batch` on stories260K, made with the core directly.
QString makeResults(const QTemporaryDir& tmp) {
  const std::string jsonl = tmp.filePath("in.jsonl").toStdString();
  std::ofstream f(jsonl);
  int i = 0;
  for (const char* t : kTexts) f << "{\"id\": \"t" << i++ << "\", \"text\": \"" << t << "\"}\n";
  f.close();
  CorpusBatchOptions o;
  o.inputs = jsonl;
  o.out_dir = tmp.filePath("results").toStdString();
  auto analyzer = Analyzer::open(test::builtin_model("stories260K"));
  run_corpus_batch(*analyzer, o);
  return tmp.filePath("results");
}

// What the Heads figure shows for (row, head), and a click on that cell.
double cell(const HeadsView& view, int head, int row) {
  const HeadsRenderer* r = view.renderer();
  return r && row < r->values.rows() && head < r->values.cols() ? r->values(row, head) : std::nan("");
}
void clickCell(HeadsView& view, int head, int row) {
  const QPointF at = view.renderer()->cellCenter(view.canvas()->rect(), row, head);
  QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, at.toPoint());
}

bool waitCorpus(Session& session) {
  QSignalSpy loaded(session.document(), &AnalysisDocument::corpusChanged);
  return loaded.count() > 0 || loaded.wait(30000);
}

}  // namespace

class CorpusTest : public QObject {
  Q_OBJECT
 private slots:
  void headsViewShowsTheCorpusAndItsExtremes();
  void aCorpusRequestedDuringARunIsNotLost();
  void summaryFilesOpenWithoutPerInputResults();
  void aBatchRunsOnTheWorkerAndResumes();
};

void CorpusTest::headsViewShowsTheCorpusAndItsExtremes() {
  QTemporaryDir tmp;
  const QString dir = makeResults(tmp);
  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  AnalysisDocument* d = session.document();
  HeadsView view(d);
  view.resize(1100, 600);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QSignalSpy loaded(d, &AnalysisDocument::corpusChanged);
  session.openCorpus({dir});
  QVERIFY(loaded.wait(30000));
  QCOMPARE(d->state().view, ViewKind::Heads);  // shown as soon as it is open
  QVERIFY(view.showsCorpus());
  const CorpusSummary& summary = d->corpus()->summary;
  QCOMPARE(summary.inputs, int64_t(std::size(kTexts)));

  // The map holds each head's mean over the inputs, computed here from the result files.
  const CorpusResults results = load_corpus_results({dir.toStdString()});
  auto mean_of = [&](int layer, int head, const char* stat) {
    double sum = 0;
    for (const CorpusResult& r : results.inputs)
      for (const HeadStats& h : r.stats)
        if (h.layer == layer && h.head == head) sum += head_stat_value(h, stat);
    return sum / static_cast<double>(results.inputs.size());
  };
  ViewState s = d->state();
  s.statistic = "entropy";
  d->setState(s);
  QVERIFY(std::abs(cell(view, 5, 3) - mean_of(3, 5, "entropy")) < 1e-12);
  auto* quantity = view.findChild<QComboBox*>("corpusQuantityCombo");
  QVERIFY(quantity && quantity->isVisible());
  quantity->setCurrentIndex(quantity->findData(static_cast<int>(CorpusQuantity::Std)));
  quantity->activated(quantity->currentIndex());
  QCOMPARE(cell(view, 5, 3), find_statistic(summary, 3, 5, "entropy")->std);

  // Clicking a head lists the inputs at both ends, most extreme first.
  clickCell(view, 5, 3);
  QCOMPARE(d->state().layer, 3);
  QCOMPARE(d->state().head, 5);
  QTreeWidget* list = view.extremes();
  QVERIFY(list->isVisible());
  QCOMPARE(list->topLevelItemCount(), 2);
  size_t top = 0, bottom = 0;
  auto value = [&](size_t i) {
    for (const HeadStats& h : results.inputs[i].stats)
      if (h.layer == 3 && h.head == 5) return h.entropy;
    return 0.0;
  };
  for (size_t i = 1; i < results.inputs.size(); ++i) {
    if (value(i) > value(top)) top = i;
    if (value(i) < value(bottom)) bottom = i;
  }
  QCOMPARE(list->topLevelItem(0)->child(0)->text(1), QString::fromStdString(results.inputs[top].id));
  QCOMPARE(list->topLevelItem(1)->child(0)->text(1), QString::fromStdString(results.inputs[bottom].id));
  QCOMPARE(list->topLevelItem(0)->childCount(), 5);

  // A double click runs that input in the normal views, on the chosen head.
  QSignalSpy finished(&session, &Session::runFinished);
  connect(&view, &HeadsView::corpusInputRequested, &session, &Session::openCorpusInput);  // as the main window does
  QTreeWidgetItem* lowest = list->topLevelItem(1)->child(0);
  list->itemDoubleClicked(lowest, 0);
  QVERIFY(finished.wait(30000));
  QCOMPARE(d->analysis()->text, results.inputs[bottom].text);
  QCOMPARE(d->state().view, ViewKind::Matrix);
  QCOMPARE(d->state().layer, 3);
  // Its own statistic is the one listed.
  for (const HeadStats& h : d->headStats())
    if (h.layer == 3 && h.head == 5) QVERIFY(std::abs(h.entropy - value(bottom)) < 1e-12);
  // "this input" shows the run's own statistics again.
  auto* source = view.findChild<QComboBox*>("headsSourceCombo");
  source->setCurrentIndex(0);
  source->activated(0);
  QVERIFY(!view.showsCorpus());
  QVERIFY(!list->isVisible());
}

void CorpusTest::aCorpusRequestedDuringARunIsNotLost() {
  QTemporaryDir tmp;
  const QString dir = makeResults(tmp);
  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  QSignalSpy loaded(session.document(), &AnalysisDocument::corpusChanged);
  session.runText("Once upon a time there was a little girl named Lily who loved to play outside in the sun");
  QVERIFY(session.busy());
  session.openCorpus({dir});  // while the run is under way
  QVERIFY(loaded.count() > 0 || loaded.wait(30000));
  QVERIFY(test::waitIdle(session));
  QVERIFY(session.document()->hasAnalysis());  // the run was not cancelled by it either
  QCOMPARE(session.document()->corpus()->summary.inputs, int64_t(std::size(kTexts)));
}

void CorpusTest::summaryFilesOpenWithoutPerInputResults() {
  QTemporaryDir tmp;
  const QString dir = makeResults(tmp);
  const CorpusSummary summary = merge_corpus_results({dir.toStdString()});
  for (const char* name : {"s.csv", "s.json"}) {
    const QString file = tmp.filePath(name);
    std::ofstream(file.toStdString()) << (file.endsWith(".csv") ? corpus_summary_csv(summary) : corpus_summary_json(summary).dump());
    Session session;
    AnalysisDocument* d = session.document();
    HeadsView view(d);
    view.resize(900, 600);
    view.show();
    session.openCorpus({file});
    QVERIFY(waitCorpus(session));
    QVERIFY2(d->corpus(), name);
    QVERIFY(view.showsCorpus());
    QVERIFY(d->corpus()->results.inputs.empty());
    QVERIFY(!view.extremes()->isVisible());  // no per-input results to list
    QCOMPARE(d->corpus()->summary.rows.size(), summary.rows.size());
    for (size_t i = 0; i < summary.rows.size(); ++i) {
      const CorpusStatistic &a = d->corpus()->summary.rows[i], &b = summary.rows[i];
      QCOMPARE(a.statistic, b.statistic);
      QCOMPARE(a.mean, b.mean);  // shortest round-trip numbers read back exactly
      QCOMPARE(a.p95, b.p95);
    }
    QVERIFY(std::abs(cell(view, 2, 1) - find_statistic(summary, 1, 2, "entropy")->mean) < 1e-12);
    // No model is open, yet heads and statistics can be chosen.
    clickCell(view, 6, 3);
    QCOMPARE(d->state().layer, 3);
    QCOMPARE(d->state().head, 6);
    auto* statistic = view.findChild<QComboBox*>("statisticCombo");
    const int sink = statistic->findData("sink_mass");
    QVERIFY(sink >= 0);
    statistic->setCurrentIndex(sink);
    statistic->activated(sink);
    QCOMPARE(d->state().statistic, QString("sink_mass"));
    QVERIFY(std::abs(cell(view, 6, 3) - find_statistic(summary, 3, 6, "sink_mass")->mean) < 1e-12);
  }
}

void CorpusTest::aBatchRunsOnTheWorkerAndResumes() {
  QTemporaryDir tmp;
  const QString jsonl = tmp.filePath("in.jsonl");
  {
    std::ofstream f(jsonl.toStdString());
    for (int i = 0; i < 12; ++i) f << "{\"id\": \"s" << i << "\", \"text\": \"" << kTexts[i % std::size(kTexts)] << "\"}\n";
    f << "{\"id\": \"bad\", \"text\": \"\"}\n";
  }
  Session session;
  QSignalSpy messages(&session, &Session::message);
  session.runCorpusBatch(jsonl, tmp.filePath("out"));  // no model open: says so
  QCOMPARE(messages.count(), 1);
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  QSignalSpy progress(&session, &Session::progress);
  session.runCorpusBatch(jsonl, tmp.filePath("out"));
  QVERIFY(waitCorpus(session));
  QCOMPARE(session.document()->corpus()->results.inputs.size(), size_t(12));
  QVERIFY(progress.count() >= 12);  // one step per line at least
  QVERIFY(messages.count() == 2 && messages.last().at(0).toString().contains("1 line"));  // the bad line, as a warning
  QVERIFY(QFileInfo::exists(tmp.filePath("out/s0.json")));
  // Again: nothing is recomputed (the files keep their times), the corpus is the same.
  const QDateTime written = QFileInfo(tmp.filePath("out/s0.json")).lastModified();
  QSignalSpy again(session.document(), &AnalysisDocument::corpusChanged);
  session.runCorpusBatch(jsonl, tmp.filePath("out"));
  QVERIFY(again.wait(30000));
  QCOMPARE(QFileInfo(tmp.filePath("out/s0.json")).lastModified(), written);
  QCOMPARE(session.document()->corpus()->summary.inputs, int64_t(12));
}

QTEST_MAIN(CorpusTest)
#include "ui_corpus_test.moc"
