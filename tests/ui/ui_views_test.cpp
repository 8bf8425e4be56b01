// The views as a researcher reads them (views issue): long inputs scroll, tooltips give the
// numbers, masked positions are not weights.
#include <QScrollBar>
#include <QToolTip>

#include "tests/ui/synthetic_analysis.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/analysis_document.h"
#include "ui/document/display_map.h"
#include "ui/render/text_renderer.h"
#include "ui/views/renderer_view.h"
#include "ui/views/text_view.h"

using namespace attnscope;
using namespace attnscope::ui;

class ViewsTest : public QObject {
  Q_OBJECT

 private slots:
  void textViewScrollsToTheQueryAndTellsTheWeight();
};

namespace {
// The pixel of `widget` at `pos` as drawn.
QRgb pixel_of(QWidget* widget, QPoint pos) { return widget->grab(QRect(pos, QSize(1, 1))).toImage().pixel(0, 0) & 0xffffff; }
}  // namespace

void ViewsTest::textViewScrollsToTheQueryAndTellsTheWeight() {
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_text_analysis(1, 1, 1500, true));
  TextView view(&doc);
  view.resize(640, 320);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QTRY_VERIFY(view.renderer() && view.renderer()->query == 1499);  // the default query: the last token

  // The text is taller than the view: it scrolls, and the last token is in sight.
  QScrollBar* bar = view.verticalScrollBar();
  QVERIFY2(bar->maximum() > 0, "1,500 words fit in 320 px?");
  QVERIFY(bar->value() > 0);
  const QRectF q = view.queryRect();
  QVERIFY(!q.isEmpty());
  const QRect shown(view.canvas()->mapFrom(view.viewport(), QPoint(0, 0)), view.viewport()->size());
  QVERIFY2(shown.contains(q.center().toPoint()), qPrintable(QString("query at y %1, view shows %2-%3").arg(q.center().y()).arg(shown.top()).arg(shown.bottom())));

  // Hovering a token gives its weight from the query, as the document holds it.
  const QRectF k = view.renderer()->tokenRect(view.canvas()->rect(), 1490);
  QVERIFY(!k.isEmpty());
  QHelpEvent help(QEvent::ToolTip, k.center().toPoint(), view.canvas()->mapToGlobal(k.center().toPoint()));
  QApplication::sendEvent(view.canvas(), &help);
  QTRY_VERIFY(QToolTip::isVisible());
  const double w = doc.analysis()->forward.attentions.head(0, 0)(1499, 1490);
  QVERIFY2(QToolTip::text().contains(QString::number(w, 'g', 4)), qPrintable(QToolTip::text()));
  QToolTip::hideText();

  // Scroll to the top and pick token 3: the later tokens are masked (grey), the earlier ones not.
  bar->setValue(0);
  doc.setQuery(3);
  QTRY_COMPARE(view.renderer()->query, 3);
  const QRectF later = view.renderer()->tokenRect(view.canvas()->rect(), 8);
  const QRectF earlier = view.renderer()->tokenRect(view.canvas()->rect(), 1);
  const QPoint corner_later = later.topLeft().toPoint() + QPoint(1, 1), corner_earlier = earlier.topLeft().toPoint() + QPoint(1, 1);
  QCOMPARE(pixel_of(view.canvas(), corner_later), kMaskedColor.rgb() & 0xffffff);
  QVERIFY(pixel_of(view.canvas(), corner_earlier) != (kMaskedColor.rgb() & 0xffffff));
  QVERIFY(view.renderer()->isMasked(8) && !view.renderer()->isMasked(1));
}

QTEST_MAIN(ViewsTest)
#include "ui_views_test.moc"
