// What the views draw: exact colours of known attention weights, at the right places.
#include <QImage>

#include <qcustomplot.h>

#include "core/io/safetensors.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/map_builder.h"
#include "ui/render/color_map.h"
#include "ui/render/image_overlay_renderer.h"
#include "ui/views/image_view.h"
#include "ui/views/matrix_view.h"

using namespace attnscope;
using namespace attnscope::ui;

class RenderTest : public QObject {
  Q_OBJECT

 private slots:
  void matrixCellsHaveTheColourOfTheirWeight_data();
  void matrixCellsHaveTheColourOfTheirWeight();
  void imageOverlayPutsTheStrongestPatchWhereItIsInTheOriginalPhoto();
  void colorMapQuantisesLikeQCustomPlot();
};

void RenderTest::matrixCellsHaveTheColourOfTheirWeight_data() {
  QTest::addColumn<int>("cmap");
  QTest::addColumn<int>("norm");
  QTest::newRow("viridis, raw weights") << int(ColorMapId::Viridis) << int(Normalization::Row);
  QTest::newRow("magma, matrix max") << int(ColorMapId::Magma) << int(Normalization::Matrix);
}

void RenderTest::matrixCellsHaveTheColourOfTheirWeight() {
  ATTNSCOPE_QREQUIRE_SHARED();
  QFETCH(int, cmap);
  QFETCH(int, norm);
  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  SafetensorsFile golden(test::shared("golden/stories260K/01_cat_mat.safetensors").string());
  session.runText(QString::fromStdString(golden.metadata().at("text")));
  QVERIFY(test::waitIdle(session));
  AnalysisDocument* doc = session.document();
  const int layer = 2, head = 3;
  ViewState s = doc->state();
  s.layer = layer;
  s.head = head;
  s.color_map = ColorMapId(cmap);
  s.normalization = Normalization(norm);
  doc->setState(s);

  MatrixView view(doc);
  view.resize(900, 700);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.plot()->replot();
  const QImage shot = view.plot()->grab().toImage();

  const Tensor g = golden.tensor("attentions");  // [5, 8, 11, 11]
  const int S = 11;
  const RowMatrix ours = doc->analysis()->forward.attentions.head(layer, head);
  const double max = ours.maxCoeff();
  const ColorMap colors{ColorMapId(cmap)};
  int checked = 0;
  for (auto [q, k] : {std::pair{0, 0}, {1, 0}, {1, 1}, {5, 2}, {7, 6}, {10, 3}, {10, 10}, {4, 9}}) {
    const float want = g.data[((static_cast<size_t>(layer) * 8 + head) * S + q) * S + k];
    QVERIFY(std::abs(ours(q, k) - want) < 1e-5);  // the weight is the reference's
    const double shade = norm == int(Normalization::Row) ? ours(q, k) : ours(q, k) / max;
    const QPoint px(qRound(view.plot()->xAxis->coordToPixel(k)), qRound(view.plot()->yAxis->coordToPixel(q)));
    const QRgb got = shot.pixel(px);
    QVERIFY2((got & 0xffffff) == (colors.rgb(shade) & 0xffffff),
             qPrintable(QString("cell (%1,%2) weight %3: pixel %4 vs %5").arg(q).arg(k).arg(ours(q, k)).arg(got, 0, 16).arg(colors.rgb(shade), 0, 16)));
    ++checked;
  }
  QCOMPARE(checked, 8);
  // The causal upper triangle is drawn with the colour of 0.
  const QPoint upper(qRound(view.plot()->xAxis->coordToPixel(9)), qRound(view.plot()->yAxis->coordToPixel(2)));
  QCOMPARE(shot.pixel(upper) & 0xffffff, colors.rgb(0.0) & 0xffffff);
}

void RenderTest::imageOverlayPutsTheStrongestPatchWhereItIsInTheOriginalPhoto() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(test::openModel(session, test::sharedPath("models/vit-tiny-patch16-224")));
  session.runImage(test::sharedPath("samples/images/chelsea.png"));  // 451 x 300, resized to 224 x 224
  QVERIFY(test::waitIdle(session));
  AnalysisDocument* doc = session.document();
  QVERIFY(doc->hasAnalysis());
  const int layer = 11, head = 1;
  ViewState s = doc->state();
  s.layer = layer;
  s.head = head;
  s.overlay_opacity = 1.0;
  s.smooth_overlay = false;  // one flat cell per patch
  s.normalization = Normalization::Row;
  doc->setState(s);

  // The strongest and a weak patch of the CLS row, from the reference (golden of chelsea_224.png,
  // which equals our resize of chelsea.png).
  SafetensorsFile golden(test::shared("golden/vit-tiny-patch16-224/chelsea.safetensors").string());
  const Tensor g = golden.tensor("attentions");  // [12, 3, 197, 197]
  const float* cls = g.data.data() + (static_cast<size_t>(layer) * 3 + head) * 197 * 197;
  int best = 0;
  for (int p = 1; p < 196; ++p)
    if (cls[1 + p] > cls[1 + best]) best = p;
  const int weak = (best + 98) % 196;

  auto renderer = ImageView::makeRenderer(*doc, doc->state());
  const QRectF area(0, 0, 1000, 760);
  QImage out(area.size().toSize(), QImage::Format_RGB32);
  {
    QPainter p(&out);
    renderer->paint(p, area);
  }
  const QRectF photo = renderer->photoRect(area);
  const double scale = photo.width() / 451.0;
  QVERIFY(std::abs(photo.height() / 300.0 - scale) < 1e-9);
  const ColorMap colors(s.color_map);
  for (int patch : {best, weak}) {
    // Where patch (r, c) lies in the original: its 16-px cell of the 224 x 224 input, scaled back
    // to 451 x 300 (ViT's processor resizes without keeping the aspect ratio, and does not crop).
    const int r = patch / 14, c = patch % 14;
    const double x = (c * 16 + 8) * 451.0 / 224.0, y = (r * 16 + 8) * 300.0 / 224.0;
    const QPoint px(qRound(photo.left() + x * scale), qRound(photo.top() + y * scale));
    const double shade = cls[1 + patch] / cls[1 + best];
    QVERIFY2((out.pixel(px) & 0xffffff) == (colors.rgb(shade) & 0xffffff) ||
                 (out.pixel(px) & 0xffffff) == (colors.rgb(shade + 1.0 / 255) & 0xffffff) ||
                 (out.pixel(px) & 0xffffff) == (colors.rgb(shade - 1.0 / 255) & 0xffffff),
             qPrintable(QString("patch %1 at %2,%3: %4 vs %5").arg(patch).arg(px.x()).arg(px.y()).arg(out.pixel(px), 0, 16).arg(colors.rgb(shade), 0, 16)));
  }
  QCOMPARE(out.pixel(QPoint(qRound(photo.left() + ((best % 14) * 16 + 8) * 451.0 / 224.0 * scale),
                            qRound(photo.top() + ((best / 14) * 16 + 8) * 300.0 / 224.0 * scale))) & 0xffffff,
           colors.rgb(1.0) & 0xffffff);
  // Clicking there selects that patch as the query.
  QCOMPARE(renderer->patchAt(area, QPointF(photo.left() + ((best % 14) * 16 + 8) * 451.0 / 224.0 * scale,
                                          photo.top() + ((best / 14) * 16 + 8) * 300.0 / 224.0 * scale)),
           best);
}

void RenderTest::colorMapQuantisesLikeQCustomPlot() {
  // A QCPColorMap coloured with ColorMap::gradient() gives exactly ColorMap::rgb for every level.
  const ColorMap colors(ColorMapId::Inferno);
  QCPColorGradient g = colors.gradient();
  for (int i = 0; i < 1000; ++i) {
    const double v = i / 999.0;
    QRgb line = 0;
    g.colorize(&v, QCPRange(0, 1), &line, 1);
    QCOMPARE(line & 0xffffff, colors.rgb(v) & 0xffffff);
  }
}

QTEST_MAIN(RenderTest)
#include "ui_render_test.moc"
