// The Inside and Cost views in the real main window, offscreen: what they plot must be the
// model's own numbers (the captured attention row, the profiled run, the measured sweep).
#include <cmath>

#include <QTabWidget>

#include <qcustomplot.h>

#include "tests/ui/ui_test_support.h"
#include "ui/app/main_window.h"
#include "ui/panels/input_panel.h"

using namespace attnscope;
using namespace attnscope::ui;

class InsideCostTest : public QObject {
  Q_OBJECT

 private slots:
  void insideViewPlotsTheMatrixRowAndSharpensWithTemperature();
  void costViewShowsTheLastRunAndMeasuredLengths();
};

namespace {

bool runText(Session& session, MainWindow& window, const QString& text) {
  window.inputPanel()->setText(text);
  QSignalSpy done(&session, &Session::runFinished);
  QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier);
  return done.wait(30000) && session.document()->hasAnalysis();
}

bool showWindow(MainWindow& window) {
  window.resize(1400, 900);
  window.show();
  return QTest::qWaitForWindowExposed(&window);
}

QCPBars* bars(QWidget& window, const char* plot, int index = 0) {
  auto* p = window.findChild<QCustomPlot*>(plot);
  return p && p->plottableCount() > index ? qobject_cast<QCPBars*>(p->plottable(index)) : nullptr;
}

}  // namespace

void InsideCostTest::insideViewPlotsTheMatrixRowAndSharpensWithTemperature() {
  Session session;
  MainWindow window(&session);
  QVERIFY(showWindow(window));
  // stories260K: 8 query heads share 4 key/value heads, so head 5 reads kv head 2.
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  QVERIFY(runText(session, window, "the cat sat on the mat."));
  AnalysisDocument* doc = session.document();
  ViewState s = doc->state();
  s.layer = 2;
  s.head = 5;
  doc->setState(s);
  doc->setQuery(6);

  // Ctrl+8 opens the view, which captures Q, K and V by running the input again.
  QSignalSpy captured(doc, &AnalysisDocument::internalsChanged);
  QTest::keyClick(&window, Qt::Key_8, Qt::ControlModifier);
  QCOMPARE(doc->state().view, ViewKind::Inside);
  QVERIFY(captured.wait(30000));
  QVERIFY(test::waitIdle(session));
  QVERIFY(doc->internals() && doc->internals()->has_layer(2));

  QCPBars* weights = bars(window, "insideWeights");
  QVERIFY(weights);
  const int S = doc->seqLen();
  QCOMPARE(weights->data()->size(), S);
  const ConstMatrixMap row = doc->analysis()->forward.attentions.head(2, 5);
  std::vector<double> w1(static_cast<size_t>(S));
  double worst = 0;
  for (int j = 0; j < S; ++j) {
    w1[j] = (weights->data()->constBegin() + j)->value;
    worst = std::max(worst, std::abs(w1[j] - row(6, j)));
  }
  QVERIFY2(worst <= 1e-6, qPrintable(QString("plotted weights differ from the attention row by %1").arg(worst)));
  for (int j = 7; j < S; ++j) QCOMPARE(w1[j], 0.0);  // causal: keys after the query are masked

  // Temperature T: softmax(s / T) is proportional to softmax(s)^(1/T).
  s = doc->state();
  s.temperature = 0.5;
  doc->setState(s);
  weights = bars(window, "insideWeights");
  QVERIFY(weights);
  double z = 0;
  for (double w : w1) z += w * w;
  worst = 0;
  double top_t = 0, top_1 = 0;
  for (int j = 0; j < S; ++j) {
    const double wt = (weights->data()->constBegin() + j)->value;
    worst = std::max(worst, std::abs(wt - w1[j] * w1[j] / z));
    top_t = std::max(top_t, wt);
    top_1 = std::max(top_1, w1[j]);
  }
  QVERIFY2(worst <= 1e-6, qPrintable(QString("T = 0.5 weights differ from w^2 / sum w^2 by %1").arg(worst)));
  QVERIFY(top_t > top_1);  // sharper
}

void InsideCostTest::costViewShowsTheLastRunAndMeasuredLengths() {
  Session session;
  MainWindow window(&session);
  QVERIFY(showWindow(window));
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  QVERIFY(runText(session, window, "one day a little girl found a box."));
  AnalysisDocument* doc = session.document();
  QTest::keyClick(&window, Qt::Key_9, Qt::ControlModifier);
  QCOMPARE(doc->state().view, ViewKind::Cost);

  // The last run's profile: one stacked bar per part, one value per layer, in milliseconds.
  const ForwardProfile& prof = doc->analysis()->forward.profile;
  QCOMPARE(static_cast<int>(prof.layers.size()), doc->numLayers());
  auto* layers = window.findChild<QCustomPlot*>("costLayers");
  QVERIFY(layers);
  // A hidden view rebuilds once it is shown (on the next turn of the event loop).
  QTRY_COMPARE(layers->plottableCount(), static_cast<int>(std::size(kLayerParts)));
  double plotted = 0;
  for (int p = 0; p < layers->plottableCount(); ++p) {
    auto* b = qobject_cast<QCPBars*>(layers->plottable(p));
    QVERIFY(b);
    QCOMPARE(b->data()->size(), doc->numLayers());
    for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it) plotted += it->value;
  }
  double measured = 0;
  for (const auto& l : prof.layers) {
    QVERIFY(l.total() > 0);
    for (LayerPart part : kLayerParts) measured += l[part];
  }
  QVERIFY(std::abs(plotted - measured * 1e3) <= 1e-9 * std::max(1.0, plotted));

  // Measuring at increasing lengths: real runs at 8, 16, 32 and 64 tokens, plotted as points.
  CostSweepOptions o;
  o.min_seq = 8;
  o.max_seq = 64;
  o.repeats = 1;
  QSignalSpy swept(doc, &AnalysisDocument::costSweepChanged);
  session.measureCost(o);
  QVERIFY(swept.wait(60000));
  QVERIFY(test::waitIdle(session));
  const auto sweep = doc->costSweep();
  QVERIFY(sweep && !sweep->cancelled);
  QCOMPARE(static_cast<int>(sweep->lengths.size()), 4);
  auto* flops = window.findChild<QCustomPlot*>("costFlops");
  QVERIFY(flops);
  QCPGraph* points = nullptr;
  for (int g = 0; g < flops->graphCount(); ++g)
    if (flops->graph(g)->name().startsWith("measured")) points = flops->graph(g);
  QVERIFY(points);
  QCOMPARE(points->data()->size(), 4);
  int k = 0;
  for (auto it = points->data()->constBegin(); it != points->data()->constEnd(); ++it, ++k) {
    QCOMPARE(it->key, double(8 << k));
    QCOMPARE(it->value, sweep->lengths[k].profile.total_seconds);
    QVERIFY(it->value > 0);
  }
}

QTEST_MAIN(InsideCostTest)
#include "ui_inside_cost_test.moc"
