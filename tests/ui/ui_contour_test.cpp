// The Image view's mass contour (vision issue, item 1): on the real ViT-Ti/16 and chelsea, the
// patches inside the drawn outline are exactly the mass-threshold set of the row, computed here
// from the raw attention with core/analysis, for the CLS query and a patch query, at the screen's
// size and at the sizes of every figure export (the same renderer paints them all).
#include <QDir>

#include "core/analysis/mass_threshold.h"
#include "core/pipeline/install_paths.h"
#include "tests/ui/ui_test_support.h"
#include "ui/export/figure_writer.h"
#include "ui/render/image_overlay_renderer.h"
#include "ui/figures/image_figure.h"
#include "ui/views/image_view.h"

using namespace attnscope;
using namespace attnscope::ui;

class ContourTest : public QObject {
  Q_OBJECT

 private slots:
  void outlineHoldsExactlyTheThresholdSet();
};

void ContourTest::outlineHoldsExactlyTheThresholdSet() {
  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("vit-tiny")));
  session.runImage(QDir(QString::fromStdString((data_dir() / "samples").string())).filePath("images/chelsea.png"));
  QVERIFY(test::waitIdle(session));
  AnalysisDocument* doc = session.document();
  QVERIFY(doc->hasAnalysis());
  const Analysis& a = *doc->result();
  const int rows = a.geometry.rows, cols = a.geometry.cols, prefix = a.geometry.prefix_tokens;
  QCOMPARE(rows * cols, 196);

  // The case the issue reports (layer 8, head 2, patch (4,6)) and the CLS row, at three fractions.
  for (const int query : {0, prefix + 4 * cols + 6})
    for (const double fraction : {0.6, 0.3, 0.9}) {
      ViewState s = doc->state();
      s.layer = 8;
      s.head = 2;
      s.query = query;
      s.show_threshold = true;
      s.threshold = fraction;
      doc->setState(s);
      const auto r = image_figure(*doc, doc->state());
      QVERIFY(r->threshold_keep.has_value());

      // The threshold set straight from the captured attention row.
      const float* head = a.forward.attentions.head_data(8, 2);
      const int n = a.forward.attentions.seq_len;
      std::vector<float> row(head + static_cast<size_t>(query) * n + prefix, head + static_cast<size_t>(query) * n + n);
      MassThresholdOptions o;
      o.fraction = fraction;
      const MassThreshold expected = mass_threshold(row, o);
      QCOMPARE(*r->threshold_keep, expected.keep);

      for (const QSizeF area : {QSizeF(1000, 760), r->naturalSize(), r->naturalSize() * (300.0 / 96.0), QSizeF(421.5, 333.3)}) {
        const QRectF pr = r->photoRect(QRectF(QPointF(0, 0), area));
        const QPainterPath outline = r->contourPath(pr);
        const double scale = pr.width() / r->photo.width();
        for (int i = 0; i < rows * cols; ++i) {
          const RectF q = a.geometry.patch_rect(i / cols, i % cols);
          const QPointF centre(pr.left() + (q.x + q.width / 2) * scale, pr.top() + (q.y + q.height / 2) * scale);
          QVERIFY2(outline.contains(centre) == (expected.keep[static_cast<size_t>(i)] != 0),
                   qPrintable(QString("query %1, fraction %2, area %3x%4: patch (%5,%6) kept=%7")
                                  .arg(query)
                                  .arg(fraction)
                                  .arg(area.width())
                                  .arg(area.height())
                                  .arg(i / cols)
                                  .arg(i % cols)
                                  .arg(int(expected.keep[static_cast<size_t>(i)]))));
        }
      }
    }
}

QTEST_MAIN(ContourTest)
#include "ui_contour_test.moc"
