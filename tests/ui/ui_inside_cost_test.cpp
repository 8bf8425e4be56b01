// The Inside and Cost views in the real main window, offscreen: what they plot must be the
// model's own numbers (the captured attention row, the profiled run, the measured sweep).
#include <cmath>

#include <QTabWidget>

#include "tests/ui/ui_test_support.h"
#include "ui/app/main_window.h"
#include "ui/export/figures.h"
#include "ui/figures/cost_figure.h"
#include "ui/figures/inside_figure.h"
#include "ui/panels/input_panel.h"
#include "ui/views/cost_view.h"
#include "ui/views/inside_head_view.h"

using namespace attnscope;
using namespace attnscope::ui;

class InsideCostTest : public QObject {
  Q_OBJECT

 private slots:
  void insideViewPlotsTheMatrixRowAndSharpensWithTemperature();
  void costViewShowsTheLastRunAndMeasuredLengths();
  void chartTipsNameTheValuesUnderTheCursor();
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

// The model's weights as the Inside view draws them: the first series of its softmax chart.
const ChartSeries* weights(QWidget& window) {
  auto* view = window.findChild<InsideHeadView*>();
  const ChartsRenderer* r = view ? view->renderer() : nullptr;
  const Chart* c = r ? r->chart(kInsideWeights) : nullptr;
  return c && !c->series.empty() && c->series.front().kind == ChartSeries::Kind::Bars ? &c->series.front() : nullptr;
}

// The view's picture and the exported figure are one drawing: render both at one size and compare.
bool exportEqualsView(const AnalysisDocument& doc, ViewKind view, const FigureRenderer& shown) {
  FigureRequest req;
  req.view = view;
  req.state = doc.state();
  req.title = false;
  const auto exported = make_figure(doc, req);
  const QSize size(900, 700);
  QImage a(size, QImage::Format_ARGB32), b(size, QImage::Format_ARGB32);
  {
    QPainter p(&a);
    shown.paint(p, QRectF(QPointF(0, 0), size));
  }
  {
    QPainter p(&b);
    exported->paint(p, QRectF(QPointF(0, 0), size));
  }
  return a == b;
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

  const ChartSeries* w = nullptr;
  QTRY_VERIFY((w = weights(window)));
  const int S = doc->seqLen();
  QCOMPARE(w->y.size(), S);
  const ConstMatrixMap row = doc->analysis()->forward.attentions.head(2, 5);
  std::vector<double> w1(static_cast<size_t>(S));
  double worst = 0;
  for (int j = 0; j < S; ++j) {
    QCOMPARE(w->x[j], double(j));
    w1[j] = w->y[j];
    worst = std::max(worst, std::abs(w1[j] - row(6, j)));
  }
  QVERIFY2(worst <= 1e-6, qPrintable(QString("plotted weights differ from the attention row by %1").arg(worst)));
  for (int j = 7; j < S; ++j) QCOMPARE(w1[j], 0.0);  // causal: keys after the query are masked
  // The export draws what the view shows, and builds no widget for it.
  QVERIFY(exportEqualsView(*doc, ViewKind::Inside, *window.findChild<InsideHeadView*>()->renderer()));

  // Temperature T: softmax(s / T) is proportional to softmax(s)^(1/T).
  s = doc->state();
  s.temperature = 0.5;
  doc->setState(s);
  QTRY_VERIFY((w = weights(window)) && w->name.contains("at T"));
  double z = 0;
  for (double w : w1) z += w * w;
  worst = 0;
  double top_t = 0, top_1 = 0;
  for (int j = 0; j < S; ++j) {
    const double wt = w->y[j];
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
  auto* view = window.findChild<CostView*>();
  QVERIFY(view);
  // A hidden view rebuilds once it is shown (on the next turn of the event loop).
  QTRY_VERIFY(view->renderer() && view->renderer()->chart(kCostLayers) &&
              view->renderer()->chart(kCostLayers)->series.size() == std::size(kLayerParts));
  const Chart& layers = *view->renderer()->chart(kCostLayers);
  QCOMPARE(layers.bars, BarLayout::Stacked);
  double plotted = 0;
  for (const ChartSeries& b : layers.series) {
    QCOMPARE(b.kind, ChartSeries::Kind::Bars);
    QCOMPARE(b.y.size(), doc->numLayers());
    for (double v : b.y) plotted += v;
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
  const ChartSeries* points = nullptr;
  QTRY_VERIFY(view->renderer()->chart(kCostCurves, 0) &&
              (points = view->renderer()->chart(kCostCurves, 0)->find("measured time (right axis)")));
  QVERIFY(points->right_axis && points->dots);
  QCOMPARE(points->y.size(), 4);
  for (int k = 0; k < 4; ++k) {
    QCOMPARE(points->x[k], double(8 << k));
    QCOMPARE(points->y[k], sweep->lengths[size_t(k)].profile.total_seconds);
    QVERIFY(points->y[k] > 0);
  }
  QVERIFY(exportEqualsView(*doc, ViewKind::Cost, *view->renderer()));
}

void InsideCostTest::chartTipsNameTheValuesUnderTheCursor() {
  // Across a bar chart of three categories, the tips name each category with every series' value
  // there, in order from left to right, and nothing outside the plot.
  Chart c;
  c.x.categories = {"alpha", "beta", "gamma"};
  c.x.lower = -0.7;
  c.x.upper = 2.7;
  ChartSeries a = ChartSeries::make(ChartSeries::Kind::Bars, "A", Qt::red), b = ChartSeries::make(ChartSeries::Kind::Bars, "B", Qt::blue);
  a.x = b.x = {0, 1, 2};
  a.y = {0.25, 0.5, 0.125};
  b.y = {1.5, 2.5, 3.5};
  c.series = {a, b};
  fit_axis(c, false);
  const QRectF area(0, 0, 500, 300);
  QStringList seen;
  for (int x = 0; x < 500; x += 2) {
    const QString tip = chart_tip(area, c, QPointF(x, 150));
    if (!tip.isEmpty() && (seen.isEmpty() || seen.last() != tip)) seen << tip;
  }
  QCOMPARE(seen, QStringList({"alpha\nA: 0.25\nB: 1.5", "beta\nA: 0.5\nB: 2.5", "gamma\nA: 0.125\nB: 3.5"}));
  QVERIFY(chart_tip(area, c, QPointF(250, 299)).isEmpty());  // under the axis: the tick labels
  // A heat map: the row label, the column and the value.
  Chart h;
  h.heat = ChartHeat{RowMatrix::Constant(2, 3, 0.5f), 1.0};
  h.heat->values(1, 2) = -0.75f;
  h.y.categories = {"q", "k"};
  h.y.reversed = true;
  h.y.lower = h.x.lower = -0.5;
  h.y.upper = 1.5;
  h.x.upper = 2.5;
  h.x.label = "component";
  h.legend = ChartLegend::None;
  QStringList cells;
  for (int y = 0; y < 300; y += 3)
    for (int x = 0; x < 500; x += 3) {
      const QString tip = chart_tip(area, h, QPointF(x, y));
      if (!tip.isEmpty() && !cells.contains(tip)) cells << tip;
    }
  QCOMPARE(cells.size(), 6);
  QVERIFY2(cells.contains("k · component 2: -0.75"), qPrintable(cells.join(" | ")));
}

QTEST_MAIN(InsideCostTest)
#include "ui_inside_cost_test.moc"
