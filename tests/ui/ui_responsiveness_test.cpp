// The document and its views under load (issue 20, item 1): a selection change rebuilds only the
// view that can be seen, hidden views catch up when shown, and a re-run keeps the selected method
// (attention flow starts again for the new result).
#include <QTabWidget>

#include "core/analysis/rollout.h"
#include "tests/ui/synthetic_analysis.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/map_builder.h"
#include "ui/views/prediction_view.h"
#include "ui/app/main_window.h"
#include "ui/views/lazy_refresh.h"

using namespace attnscope;
using namespace attnscope::ui;

class ResponsivenessTest : public QObject {
  Q_OBJECT
 private slots:
  void aSelectionChangeRebuildsOnlyTheVisibleView();
  void flowSurvivesARerun();
  void aRunAskedForWhileAModelOpensIsNotLost();
  void aDearRolloutIsComputedOffTheUiThread();
  void viewsRebuildOnlyForWhatTheyShow();
};

void ResponsivenessTest::aRunAskedForWhileAModelOpensIsNotLost() {
  Session session;
  AnalysisDocument* d = session.document();
  QVERIFY(test::openModel(session, test::builtinPath("vit-tiny")));
  // Open another model and, before it has opened, run a text: the open is not cancelled and the
  // text runs on the new model.
  QSignalSpy opened(d, &AnalysisDocument::analyzerChanged);
  QSignalSpy done(d, &AnalysisDocument::analysisChanged);
  session.openModel(test::builtinPath("stories260K"));
  session.runText("Once upon a time");
  QVERIFY(opened.count() > 0 || opened.wait(30000));
  QTRY_VERIFY_WITH_TIMEOUT(d->hasAnalysis(), 30000);
  QCOMPARE(QString::fromStdString(d->analyzer()->info().model_type), QString("llama"));
  QCOMPARE(QString::fromStdString(d->analysis()->text), QString("Once upon a time"));
  QCOMPARE(d->analysis()->model.model_type, std::string("llama"));
  // A run while another run computes supersedes it: the newer input is what is shown.
  session.runText("the cat sat on the mat.");
  session.runText("Lily saw a big red ball.");
  QVERIFY(test::waitIdle(session));
  QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(d->analysis()->text), QString("Lily saw a big red ball."), 30000);
}

void ResponsivenessTest::aSelectionChangeRebuildsOnlyTheVisibleView() {
  Session session;
  MainWindow window(&session);
  window.resize(1300, 800);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  QVERIFY(test::runTextAndWait(session, "Once upon a time there was a girl named Lily."));
  auto* tabs = window.findChild<QTabWidget*>("views");
  QVERIFY(tabs);
  // Every view with a lazy rebuild, by tab.
  QList<LazyRefresh*> lazies;
  for (int i = 0; i < tabs->count(); ++i)
    if (auto* l = tabs->widget(i)->findChild<LazyRefresh*>("lazyRefresh", Qt::FindDirectChildrenOnly)) lazies << l;
  QVERIFY2(lazies.size() >= 9, qPrintable(QString::number(lazies.size())));
  tabs->setCurrentIndex(0);  // Matrix
  const QWidget* visible = tabs->currentWidget();
  QList<int> before;
  for (auto* l : lazies) before << l->rebuilds();
  AnalysisDocument* d = session.document();
  d->setLayer(2);
  d->setHead(3);
  d->setLayer(3);
  for (int i = 0; i < lazies.size(); ++i) {
    const bool shown = lazies[i]->parent() == visible;
    if (shown) QCOMPARE(lazies[i]->rebuilds(), before[i] + 3);
    else QCOMPARE(lazies[i]->rebuilds(), before[i]);  // hidden: nothing rebuilt
    QCOMPARE(lazies[i]->stale(), !shown);
  }
  // A hidden view catches up once, when it is shown.
  const int lines = 1;  // Lines
  auto* l1 = tabs->widget(lines)->findChild<LazyRefresh*>("lazyRefresh", Qt::FindDirectChildrenOnly);
  QVERIFY(l1);
  const int n = l1->rebuilds();
  tabs->setCurrentIndex(lines);
  QTRY_VERIFY(!l1->stale());
  QTest::qWait(20);
  QCOMPARE(l1->rebuilds(), n + 1);
  QVERIFY(!l1->stale());
}

void ResponsivenessTest::flowSurvivesARerun() {
  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  AnalysisDocument* d = session.document();
  QVERIFY(test::runTextAndWait(session, "the cat sat on the mat."));
  QSignalSpy flow(d, &AnalysisDocument::flowChanged);
  d->setMethod(Method::Flow);
  QTRY_VERIFY_WITH_TIMEOUT(d->flow() != nullptr, 60000);
  const int first_len = d->seqLen();
  QCOMPARE(int(d->flow()->rows()), first_len);
  // A new input: the method stays Flow and its map is computed again for the new result.
  QVERIFY(test::runTextAndWait(session, "Once upon a time, there was a little girl named Lily."));
  QCOMPARE(d->state().method, Method::Flow);
  QTRY_VERIFY_WITH_TIMEOUT(d->flow() != nullptr, 60000);
  QVERIFY(d->seqLen() != first_len);
  QCOMPARE(int(d->flow()->rows()), d->seqLen());
}

// 4 layers at 512 tokens (5.4e8 multiply-adds) is over the document's budget for the UI thread: the
// map says the rollout is being computed, the job runner computes it, and then the map is the
// core's rollout, row-stochastic. A smaller input is computed on the spot.
void ResponsivenessTest::aDearRolloutIsComputedOffTheUiThread() {
  Session session;
  AnalysisDocument* d = session.document();
  const auto a = test::synthetic_analysis(4, 2, 512);
  d->setAnalysis(a);
  const RolloutOptions o = rollout_options_for(d->state());
  QVERIFY(d->rolloutIsDear(o));
  QSignalSpy changed(d, &AnalysisDocument::stateChanged);
  d->setMethod(Method::Rollout);
  const DisplayMap waiting = build_display_map(*d);
  QVERIFY(waiting.empty());
  QVERIFY2(waiting.unavailable.contains("Computing the rollout"), qPrintable(waiting.unavailable));
  QTRY_VERIFY_WITH_TIMEOUT(d->rollout(o) != nullptr, 60000);
  const RowMatrix want = attention_rollout(a->forward.attentions, o);
  QCOMPARE((*d->rollout(o) - want).cwiseAbs().maxCoeff(), 0.0f);
  const DisplayMap shown = build_display_map(*d);
  QVERIFY(!shown.empty());
  QVERIFY(((shown.values.rowwise().sum().array() - 1.0f).abs() < 1e-4f).all());
  QVERIFY(changed.count() >= 2);  // the method, then the rollout's arrival

  d->setMethod(Method::Raw);
  d->setAnalysis(test::synthetic_analysis(4, 2, 64));
  QVERIFY(!d->rolloutIsDear(o));
  QVERIFY(d->rollout(o) != nullptr);
}

// The document says which parts of the selection changed; the Prediction view, which shows the
// result at the query position in the colours, keeps its figure when the layer changes.
void ResponsivenessTest::viewsRebuildOnlyForWhatTheyShow() {
  ViewState a, b;
  QCOMPARE(changed_parts(a, b), SelectionParts());
  b.query = 3;
  b.layer = 1;
  QCOMPARE(changed_parts(a, b), SelectionParts(SelectionPart::Query | SelectionPart::Layer));
  b = a;
  b.subset = {1, 2};
  b.overlay_opacity = 0.3;
  QCOMPARE(changed_parts(a, b), SelectionParts(SelectionPart::Heads | SelectionPart::ImageOptions));

  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  QVERIFY(test::runTextAndWait(session, "the cat sat on the mat."));
  AnalysisDocument* d = session.document();
  PredictionView view(d);
  view.resize(600, 400);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QTRY_VERIFY(view.renderer() != nullptr);
  const FigureRenderer* before = view.renderer();
  QSignalSpy edited(d, &AnalysisDocument::selectionEdited);
  d->setLayer(3);
  d->setHead(1);
  QCOMPARE(edited.count(), 2);
  QCOMPARE(edited.at(0).at(0).value<SelectionParts>(), SelectionParts(SelectionPart::Layer));
  QTest::qWait(50);  // LazyRefresh answers on the next turn of the event loop
  QCOMPARE(view.renderer(), before);
  d->setQuery(2);
  QTRY_VERIFY(view.renderer() != before);
  const FigureRenderer* at_query = view.renderer();
  ViewState s = d->state();
  s.color_map = ColorMapId::Magma;
  d->setState(s);
  QTRY_VERIFY(view.renderer() != at_query);
}

QTEST_MAIN(ResponsivenessTest)
#include "ui_responsiveness_test.moc"
