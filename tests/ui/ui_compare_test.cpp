// Compare in the GUI (issue 20, item 3): a kept reference against the current result, two inputs
// on one model or one input on two models; the comparison comes from the worker and equals the
// core's, the heads list is sorted by divergence and opens a head, the figure draws A, B and A − B
// on the aligned tokens.
#include <QFileInfo>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTreeWidget>

#include "core/analysis/compare.h"
#include "tests/ui/ui_test_support.h"
#include "ui/export/figure_writer.h"
#include "ui/export/figures.h"
#include "ui/figures/compare_figure.h"
#include "ui/render/compare_renderer.h"
#include "ui/views/compare_view.h"
#include "ui/views/renderer_view.h"

using namespace attnscope;
using namespace attnscope::ui;

namespace {


bool waitComparison(AnalysisDocument* d) {
  if (d->comparison()) return true;
  QSignalSpy spy(d, &AnalysisDocument::comparisonChanged);
  while (spy.wait(30000))
    if (d->comparison()) return true;
  return false;
}

const QString kBig = "The trophy didn't fit in the suitcase because it was too big.";
const QString kSmall = "The trophy didn't fit in the suitcase because it was too small.";

}  // namespace

class CompareTest : public QObject {
  Q_OBJECT
 private slots:
  void twoInputsOnOneModel();
  void oneInputOnTwoModels();
};

void CompareTest::twoInputsOnOneModel() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(test::openModel(session, test::sharedPath("models/bert-random")));
  AnalysisDocument* d = session.document();
  CompareView view(d);
  connect(&view, &CompareView::keepRequested, &session, &Session::keepAsReference);
  view.resize(1300, 700);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QVERIFY(test::runTextAndWait(session, kBig));
  QTest::mouseClick(view.findChild<QPushButton*>("keepReference"), Qt::LeftButton);
  QVERIFY(d->reference());
  const AnalysisPtr a = d->reference();
  QVERIFY(test::runTextAndWait(session, kSmall));
  QVERIFY(waitComparison(d));
  const auto c = d->comparison();
  // What the worker computed is the core's comparison of the two results.
  const AttentionComparison want = compare_attentions(a->forward.attentions, d->analysis()->forward.attentions,
                                                      align_tokens(a->encoding.ids(), d->analysis()->encoding.ids()));
  QCOMPARE(c->alignment.pairs, want.alignment.pairs);
  QCOMPARE(c->divergence.data, want.divergence.data);
  QCOMPARE(c->alignment.unpaired_a.size(), size_t(1));  // "big"
  QCOMPARE(c->alignment.unpaired_b.size(), size_t(1));  // "small"

  // The heads list: every head, most divergent first; a click opens it.
  auto* list = view.findChild<QTreeWidget*>("compareHeads");
  QCOMPARE(list->topLevelItemCount(), 4);
  for (int i = 1; i < 4; ++i)
    QVERIFY(list->topLevelItem(i - 1)->data(1, Qt::UserRole).toDouble() >= list->topLevelItem(i)->data(1, Qt::UserRole).toDouble());
  QTreeWidgetItem* last = list->topLevelItem(3);
  const int layer = last->data(0, Qt::UserRole).toInt(), head = last->data(0, Qt::UserRole + 1).toInt();
  list->setCurrentItem(last);
  emit list->itemClicked(last, 0);
  QCOMPARE(d->state().layer, layer);
  QCOMPARE(d->state().head, head);

  // The figure: A and B of that head on the aligned tokens, and A − B.
  auto* r = dynamic_cast<const CompareRenderer*>(view.findChild<RendererView*>("compareFigure")->renderer());
  QVERIFY(r);
  const int K = int(c->alignment.pairs.size());
  QCOMPARE(r->tokens.size(), K);
  QCOMPARE(r->selected_head, head);
  const ConstMatrixMap ma = a->forward.attentions.head(layer, head), mb = d->analysis()->forward.attentions.head(layer, head);
  for (int p = 0; p < K; ++p)
    for (int q = 0; q < K; ++q) {
      const auto [ia, ib] = c->alignment.pairs[size_t(p)];
      const auto [ka, kb] = c->alignment.pairs[size_t(q)];
      QCOMPARE(r->a(p, q), ma(ia, ka));
      QCOMPARE(r->b(p, q), mb(ib, kb));
      QCOMPARE(r->diff(p, q), ma(ia, ka) - mb(ib, kb));
    }
  QVERIFY(r->note.contains("big") && r->note.contains("small"));
  // Exported as on screen, without a widget: a PDF (vector) and a PNG.
  FigureRequest req;
  req.view = ViewKind::Compare;
  req.state = d->state();
  const auto fig = make_figure(*d, req);
  QTemporaryDir tmp;
  const QString out = qEnvironmentVariable("ATTNSCOPE_FIGURE_DIR", tmp.path());
  for (const char* ext : {".pdf", ".png"}) {
    const QString path = out + "/compare" + ext;
    FigureFileOptions o;
    o.overwrite = true;
    o.dpi = 100;
    write_figure(*fig, path, o);
    QVERIFY(QFileInfo(path).size() > 2000);
  }
  // A new run replaces the comparison; clearing the reference ends it.
  QVERIFY(test::runTextAndWait(session, kBig));
  QVERIFY(waitComparison(d));
  QVERIFY(d->comparison() != c);
  QCOMPARE(d->comparison()->alignment.unpaired_a.size(), size_t(0));
  for (float v : d->comparison()->divergence.data) QVERIFY(v < 1e-6);  // the same input again
  session.clearReference();
  QVERIFY(!d->reference() && !d->comparison());
}

void CompareTest::oneInputOnTwoModels() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  AnalysisDocument* d = session.document();
  QVERIFY(test::openModel(session, test::sharedPath("models/qwen2-random")));
  QVERIFY(test::runTextAndWait(session, kBig));
  session.keepAsReference();
  QCOMPARE(d->referenceModel(), QString("qwen2-random"));
  QVERIFY(test::openModel(session, test::sharedPath("models/qwen3-random")));
  QVERIFY(d->reference());  // kept across models
  QVERIFY(test::runTextAndWait(session, kBig));
  QVERIFY(waitComparison(d));
  const auto c = d->comparison();
  QCOMPARE(int(c->alignment.pairs.size()), d->seqLen());  // one tokenizer: every token paired
  QVERIFY(*std::max_element(c->divergence.data.begin(), c->divergence.data.end()) > 0.01f);  // two different models
  auto r = compare_figure(*d, d->state());
  QVERIFY(r->label_a.contains("qwen2-random") && r->label_b.contains("qwen3-random"));
}

QTEST_MAIN(CompareTest)
#include "ui_compare_test.moc"
