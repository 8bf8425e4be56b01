// Rendering benchmarks (QBENCHMARK) of the views as the user drives them: switching head in the
// Matrix view at 512, 2,048 and 4,096 tokens, rebuilding the Overview grid of 12 x 12 heads at
// 512 tokens, and updating the Image overlay of vit-tiny (chelsea, and chelsea upscaled to 12
// megapixels). Each measurement includes the view's
// whole response: the display map, the plot or thumbnails, and painting into the widget.
//   build/tests/ui/ui_render_bench                 (offscreen: QT_QPA_PLATFORM=offscreen)
//   build/tests/ui/ui_render_bench -median 9       (median of 9 runs, as docs/performance.md)
// ctest runs it once with -iterations 1 to keep it working; its timings are not checked.
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <qcustomplot.h>

#include "tests/ui/synthetic_analysis.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/analysis_document.h"
#include "ui/views/image_view.h"
#include "ui/views/matrix_view.h"
#include "ui/views/overview_view.h"
#include "ui/views/renderer_view.h"

using namespace attnscope;
using namespace attnscope::ui;

class RenderBench : public QObject {
  Q_OBJECT

 private slots:
  void matrixHeadSwitch_data();
  void matrixHeadSwitch();
  void overviewGrid();
  void imageOverlayHeadSwitch_data();
  void imageOverlayHeadSwitch();
};

namespace {

void nextHead(AnalysisDocument& doc) {
  ViewState s = doc.state();
  s.head = (s.head + 1) % doc.numHeads();
  doc.setState(s);
}

}  // namespace

void RenderBench::matrixHeadSwitch_data() {
  QTest::addColumn<int>("tokens");
  QTest::newRow("512 tokens") << 512;
  QTest::newRow("2048 tokens") << 2048;
  QTest::newRow("4096 tokens") << 4096;
}

void RenderBench::matrixHeadSwitch() {
  QFETCH(int, tokens);
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_analysis(1, 2, tokens, true));
  MatrixView view(&doc);
  view.resize(1100, 800);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  // The document's stateChanged makes the view rebuild its map; repaint() pools the visible cells
  // to the pixel grid and paints them.
  QBENCHMARK {
    nextHead(doc);
    view.repaint();
  }
  QVERIFY(view.renderer() && view.renderer()->map && !view.renderer()->map->empty());
}

void RenderBench::overviewGrid() {
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_analysis(12, 12, 512, false));
  OverviewView view(&doc);
  view.resize(1100, 800);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  // A new colour map redraws all 144 thumbnails from their maps.
  int k = 0;
  QBENCHMARK {
    ViewState s = doc.state();
    s.color_map = (k++ % 2) ? ColorMapId::Viridis : ColorMapId::Magma;
    doc.setState(s);
    view.repaint();
  }
}

void RenderBench::imageOverlayHeadSwitch_data() {
  QTest::addColumn<int>("width");  // 0 = chelsea as it is (451 x 300); else chelsea upscaled to width x 3/4 width
  QTest::newRow("chelsea") << 0;
  QTest::newRow("12 megapixels") << 4000;
}

void RenderBench::imageOverlayHeadSwitch() {
  ATTNSCOPE_QREQUIRE_SHARED();
  QFETCH(int, width);
  QString photo = test::sharedPath("samples/images/chelsea.png");
  QTemporaryDir dir;
  if (width > 0) {
    photo = dir.filePath("big.png");
    QVERIFY(QImage(test::sharedPath("samples/images/chelsea.png")).scaled(width, width * 3 / 4).save(photo, "PNG", 100));
  }
  Session session;
  QVERIFY(test::openModel(session, test::sharedPath("models/vit-tiny-patch16-224")));
  QSignalSpy done(&session, &Session::runFinished);
  session.runImage(photo);
  QVERIFY(done.wait(60000));
  AnalysisDocument& doc = *session.document();
  QVERIFY(doc.hasAnalysis());
  ImageView view(&doc);
  view.resize(1100, 800);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QBENCHMARK {
    nextHead(doc);
    view.canvas()->repaint();
  }
}

QTEST_MAIN(RenderBench)
#include "ui_render_bench.moc"
