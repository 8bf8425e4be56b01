// A run over the memory budget: refused before allocating, the previous result kept, and the
// user's way out (fewer layers, or all of them anyway) runs the same input again.
#include "tests/ui/ui_test_support.h"
#include "core/pipeline/derived_maps.h"
#include "core/pipeline/memory_budget.h"
#include "ui/dialogs/memory_budget_dialog.h"

#include <QRadioButton>
#include <QSpinBox>

using namespace attnscope;
using namespace attnscope::ui;

class MemoryBudgetTest : public QObject {
  Q_OBJECT

 private slots:
  void overBudgetAsksAndRunsFewerLayers();
  void dialogPresetsTheFittingLayers();
};

namespace {

bool run(Session& session, const QString& text) {
  QSignalSpy done(&session, &Session::runFinished);
  session.runText(text);
  return done.wait(30000);
}

}  // namespace

void MemoryBudgetTest::overBudgetAsksAndRunsFewerLayers() {
  Session session;
  session.setMemoryBudget(0);
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  const QString text = "one day a little girl named lily found a needle in her room.";
  QVERIFY(run(session, text));
  AnalysisDocument* doc = session.document();
  const auto before = doc->analysis();
  const int S = doc->seqLen();
  const ModelInfo& info = doc->analyzer()->info();

  // A budget that holds exactly two layers' maps: the estimate is made by the core from the shape.
  ForwardOptions o;
  o.logits = LogitsMode::Last;
  o.layers = {0, 1};
  o.taps.push_back(value_norm_taps(o.layers));  // the values every GUI run keeps, for value norms (the stream it
                                                // keeps only when that fits too)
  const uint64_t two = estimate_run_memory(info, S, o).total();
  session.setMemoryBudget(two);
  ViewState s = doc->state();
  s.layer = 3;
  doc->setState(s);

  QSignalSpy asked(&session, &Session::memoryChoiceNeeded);
  QSignalSpy finished(&session, &Session::runFinished);
  session.runText(text);
  QVERIFY(asked.wait(30000));
  QVERIFY(test::waitIdle(session));
  QCOMPARE(finished.count(), 0);
  QCOMPARE(doc->analysis(), before);  // nothing replaced
  const auto q = asked.at(0).at(0).value<MemoryQuestion>();
  QCOMPARE(q.seq_len, S);
  QCOMPARE(q.budget, quint64(two));
  QVERIFY(q.needed > two);
  QCOMPARE(q.fitting_layers, (std::vector<int>{3, 4}));  // two layers from the selected layer 3 (an even count leans later)
  QVERIFY(q.message.contains("memory budget"));

  // Fewer layers: the same input, only layers 2 and 3 captured.
  QSignalSpy done(&session, &Session::runFinished);
  session.runWithinBudget(q.fitting_layers);
  QVERIFY(done.wait(30000));
  QCOMPARE(doc->seqLen(), S);
  QCOMPARE(doc->analysis()->forward.attentions.layers, (std::vector<int>{3, 4}));
  QCOMPARE(doc->state().layer, 3);
}

void MemoryBudgetTest::dialogPresetsTheFittingLayers() {
  MemoryQuestion q;
  q.seq_len = 4096;
  q.num_layers = 12;
  q.budget = 4ull << 30;
  q.per_layer = 805306368;  // 12 heads x 4096^2 x 4 bytes
  q.fixed = 100 << 20;
  q.needed = q.fixed + 12 * q.per_layer;
  q.fitting_layers = {4, 5, 6, 7};
  q.fitting_bytes = q.fixed + 4 * q.per_layer;
  MemoryBudgetDialog dialog(q);
  QCOMPARE(dialog.layers(), (std::vector<int>{4, 5, 6, 7}));
  auto spins = dialog.findChildren<QSpinBox*>();
  QCOMPARE(spins.size(), 2);
  spins[1]->setValue(5);
  QCOMPARE(dialog.layers(), (std::vector<int>{4, 5}));
  // "Capture all layers anyway" means no layer list.
  auto radios = dialog.findChildren<QRadioButton*>();
  QCOMPARE(radios.size(), 2);
  radios[1]->setChecked(true);
  QVERIFY(dialog.layers().empty());
}

QTEST_MAIN(MemoryBudgetTest)
#include "ui_memory_budget_test.moc"
