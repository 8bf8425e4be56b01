// The document's selection, the maps it builds for the views, launch options and the flow job.
#include "core/analysis/fusion.h"
#include "core/analysis/rollout.h"
#include "ui/panels/controls_bar.h"
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include "tests/ui/ui_test_support.h"
#include "ui/app/launch_options.h"
#include "ui/document/map_builder.h"

using namespace attnscope;
using namespace attnscope::ui;

class DocumentTest : public QObject {
  Q_OBJECT

 private slots:
  void selectionIsClampedAndWraps();
  void mapsFollowTheSelection();
  void rolloutFollowsStartLayerAndDiscardRatio();
  void hidingSpecialTokensRenormalisesRows();
  void normalisationsSetTheColourRange();
  void flowIsComputedOnTheWorkerWithProgress();
  void launchOptions();
};

namespace {
// A session with stories260K run on `text`.
bool run(Session& session, const QString& text) {
  if (!test::openModel(session, test::builtinPath("stories260K"))) return false;
  session.runText(text);
  return test::waitIdle(session) && session.document()->hasAnalysis();
}
}  // namespace

void DocumentTest::selectionIsClampedAndWraps() {
  Session session;
  QVERIFY(run(session, "the cat sat on the mat."));
  AnalysisDocument* d = session.document();
  QSignalSpy changed(d, &AnalysisDocument::stateChanged);
  d->setLayer(99);
  QCOMPARE(d->state().layer, 4);
  d->stepLayer(+1);
  QCOMPARE(d->state().layer, 0);  // wraps
  d->setHead(-3);
  QCOMPARE(d->state().head, 0);
  d->stepHead(-1);
  QCOMPARE(d->state().head, 7);
  d->setSubset({7, 2, 2, 42});
  QCOMPARE(d->state().subset, (QList<int>{2, 7}));
  QCOMPARE(d->state().head_mode, HeadMode::Subset);
  d->setSubset({42});  // nothing valid left: falls back to the mean
  QCOMPARE(d->state().head_mode, HeadMode::Mean);
  d->setQuery(50);
  QCOMPARE(d->state().query, -1);
  QCOMPARE(d->effectiveQuery(), 10);  // causal model: the last token
  const int before = changed.count();
  d->setLayer(d->state().layer);  // no change, no signal
  QCOMPARE(changed.count(), before);
}

void DocumentTest::mapsFollowTheSelection() {
  Session session;
  QVERIFY(run(session, "the cat sat on the mat."));
  AnalysisDocument* d = session.document();
  const AttentionMaps& att = d->analysis()->forward.attentions;
  d->setLayer(3);
  d->setHead(6);
  DisplayMap m = build_display_map(*d);
  QCOMPARE(m.values.rows(), 11);
  QVERIFY(m.values.isApprox(att.head(3, 6)));
  QCOMPARE(m.title, QString::fromUtf8("L3 \u00b7 H6"));

  d->setHeadMode(HeadMode::Mean);
  m = build_display_map(*d);
  RowMatrix mean = RowMatrix::Zero(11, 11);
  for (int h = 0; h < 8; ++h) mean += att.head(3, h);
  mean /= 8.0f;
  QVERIFY((m.values - mean).cwiseAbs().maxCoeff() < 1e-6);

  d->setMethod(Method::Rollout);
  m = build_display_map(*d);
  QCOMPARE(m.values.rows(), 11);
  for (int r = 0; r < 11; ++r) QVERIFY(std::abs(m.values.row(r).sum() - 1.0f) < 1e-5);
  for (int r = 0; r < 11; ++r)
    for (int c = r + 1; c < 11; ++c) QCOMPARE(m.values(r, c), 0.0f);
}

void DocumentTest::rolloutFollowsStartLayerAndDiscardRatio() {
  Session session;
  QVERIFY(run(session, "the cat sat on the mat."));
  AnalysisDocument* d = session.document();
  ControlsBar bar(d);
  const AttentionMaps& att = d->analysis()->forward.attentions;
  auto* start = bar.findChild<QSpinBox*>("startLayerSpin");
  auto* discard = bar.findChild<QDoubleSpinBox*>("discardRatioSpin");
  auto* head = bar.findChild<QComboBox*>("headCombo");
  QVERIFY(start && discard && head);
  QVERIFY(start->isHidden());  // raw weights: no start layer
  d->setHead(3);
  d->setMethod(Method::Rollout);
  QVERIFY(!start->isHidden() && !discard->isHidden());
  // The head box says the heads are fused, and how.
  QCOMPARE(head->currentText(), QString("mean of heads"));
  start->setValue(2);
  discard->setValue(0.5);
  QCOMPARE(d->state().start_layer, 2);
  QCOMPARE(d->state().discard_ratio, 0.5);
  RolloutOptions o;
  o.start_layer = 2;
  o.discard_ratio = 0.5;
  const RowMatrix expected = attention_rollout(att, o);
  const DisplayMap m = build_display_map(*d);
  QVERIFY((m.values - expected).cwiseAbs().maxCoeff() < 1e-6);
  RolloutOptions plain;
  QVERIFY((m.values - attention_rollout(att, plain)).cwiseAbs().maxCoeff() > 1e-3);  // the options change the map
  QVERIFY(m.title.contains("from L2") && m.title.contains("50% discarded"));
  // The sidecar keeps them.
  const ViewState back = view_state_from_json(to_json(d->state()));
  QCOMPARE(back.start_layer, 2);
  QCOMPARE(back.discard_ratio, 0.5);
  d->setMethod(Method::Flow);
  QVERIFY(!start->isHidden() && discard->isHidden());
  // A subset is named by its heads, not "subset…".
  d->setSubset({0, 2});
  d->setHeadMode(HeadMode::Subset);
  QCOMPARE(head->currentText(), QString("mean of H0,2"));
  d->setHeadMode(HeadMode::Mean);
  QCOMPARE(head->itemText(head->count() - 1), QString::fromUtf8("subset\u2026"));
}

void DocumentTest::hidingSpecialTokensRenormalisesRows() {
  Session session;
  QVERIFY(run(session, "the cat sat on the mat."));
  AnalysisDocument* d = session.document();
  d->setLayer(1);
  d->setHead(2);
  d->setHideSpecial(true);
  const DisplayMap m = build_display_map(*d);
  QCOMPARE(m.values.rows(), 10);  // <s> is gone
  QCOMPARE(m.row_tokens.front(), 1);
  const RowMatrix raw = d->analysis()->forward.attentions.head(1, 2);
  for (int r = 0; r < 10; ++r) {
    QVERIFY(std::abs(m.values.row(r).sum() - 1.0f) < 1e-5);
    const float rest = 1.0f - raw(r + 1, 0);
    QVERIFY(std::abs(m.values(r, 0) - raw(r + 1, 1) / rest) < 1e-5);  // renormalised over the rest
  }
}

void DocumentTest::normalisationsSetTheColourRange() {
  Session session;
  QVERIFY(run(session, "the cat sat on the mat."));
  AnalysisDocument* d = session.document();
  d->setLayer(0);
  d->setHead(4);
  const float mx = d->analysis()->forward.attentions.head(0, 4).maxCoeff();
  const float gmax = *std::max_element(d->analysis()->forward.attentions.data.begin(), d->analysis()->forward.attentions.data.end());
  d->setNormalization(Normalization::Matrix);
  DisplayMap m = build_display_map(*d);
  QCOMPARE(m.scale_upper, double(mx));
  QVERIFY(std::abs(m.shade.maxCoeff() - 1.0f) < 1e-6);
  d->setNormalization(Normalization::Global);
  m = build_display_map(*d);
  QCOMPARE(m.scale_upper, double(gmax));
  QVERIFY(std::abs(m.shade.maxCoeff() - mx / gmax) < 1e-6);
  d->setNormalization(Normalization::Log);
  m = build_display_map(*d);
  QVERIFY(m.log_scale);
  QVERIFY(std::abs(m.scale_lower - mx * 1e-4) < 1e-9);
  d->setNormalization(Normalization::Percentile);
  m = build_display_map(*d);
  QVERIFY(m.scale_upper <= mx);
  QVERIFY(m.scale_label.contains("2%"));
}

void DocumentTest::flowIsComputedOnTheWorkerWithProgress() {
  Session session;
  QVERIFY(run(session, "the cat sat on the mat."));
  AnalysisDocument* d = session.document();
  QSignalSpy progress(&session, &Session::progress);
  QSignalSpy flow(d, &AnalysisDocument::flowChanged);
  d->setMethod(Method::Flow);
  QVERIFY(build_display_map(*d).empty());  // not there yet
  QVERIFY(test::waitIdle(session));
  QVERIFY(d->flow());
  QVERIFY(progress.count() >= 1);
  QVERIFY(progress.last().at(2).toString().contains("attention flow"));
  const DisplayMap m = build_display_map(*d);
  QCOMPARE(m.values.rows(), 11);
  for (int r = 0; r < 11; ++r) QVERIFY(std::abs(m.values.row(r).sum() - 1.0f) < 1e-5);
}

void DocumentTest::launchOptions() {
  auto parse = [](QStringList args) {
    args.prepend("attnscope");
    return parse_launch_options(args);
  };
  LaunchParse p = parse({"--model", "/m", "--text", "hi", "--run", "--view", "lines", "--layer", "3", "--head", "2"});
  QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
  QCOMPARE(p.options.model, QString("/m"));
  QCOMPARE(p.options.text, QString("hi"));
  QVERIFY(p.options.run);
  QCOMPARE(*p.options.view, ViewKind::Lines);
  QCOMPARE(*p.options.layer, 3);
  QCOMPARE(*p.options.head, 2);
  QVERIFY(parse({"--text", "a", "--image", "b.png"}).error.contains("only one of"));
  QVERIFY(parse({"--view", "bogus"}).error.contains("unknown view 'bogus'"));
  QVERIFY(parse({"--layer", "x"}).error.contains("not a non-negative number"));
  QVERIFY(parse({"--run", "--text", "a"}).error.contains("--run needs --model"));
  QVERIFY(parse({"--model", "/m", "--run"}).error.contains("--run needs an input"));
  p = parse({"--view", "lens", "--method", "alti", "--statistic", "ablation"});
  QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
  QCOMPARE(*p.options.view, ViewKind::Lens);
  QCOMPARE(*p.options.method, Method::Alti);
  QCOMPARE(p.options.statistic, QString("ablation"));
  QVERIFY(!parse({"--view", "lens"}).options.method.has_value());
  QVERIFY(parse({"--method", "attention"}).error.contains("unknown method 'attention'"));
}

QTEST_MAIN(DocumentTest)
#include "ui_document_test.moc"
