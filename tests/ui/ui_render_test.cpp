// What the views draw: exact colours of known attention weights, at the right places.
#include <QImage>


#include "core/io/safetensors.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/map_builder.h"
#include "ui/render/axis_labels.h"
#include "ui/render/color_map.h"
#include "ui/render/image_overlay_renderer.h"
#include "ui/figures/image_figure.h"
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
  void slidingWindowLayersShowTheirBandAndAreLabelled();
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
  const QImage shot = view.grab().toImage();

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
    const QPoint px = view.cellCenter(q, k).toPoint();
    const QRgb got = shot.pixel(px);
    const QRgb expected = k > q ? kMaskedColor.rgb() : colors.rgb(shade);  // the causal mask, not a weight
    QVERIFY2((got & 0xffffff) == (expected & 0xffffff),
             qPrintable(QString("cell (%1,%2) weight %3: pixel %4 vs %5").arg(q).arg(k).arg(ours(q, k)).arg(got, 0, 16).arg(expected, 0, 16)));
    ++checked;
  }
  QCOMPARE(checked, 8);
  // The causal upper triangle is drawn as masked, distinct from a weight of 0.
  const QPoint upper = view.cellCenter(2, 9).toPoint();
  QCOMPARE(shot.pixel(upper) & 0xffffff, kMaskedColor.rgb() & 0xffffff);
  QVERIFY((colors.rgb(0.0) & 0xffffff) != (kMaskedColor.rgb() & 0xffffff));
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

  auto renderer = image_figure(*doc, doc->state());
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

// gemma2-random: layers 0 and 2 slide (W = 8), 1 and 3 are global; 4 query heads on 2 kv heads.
void RenderTest::slidingWindowLayersShowTheirBandAndAreLabelled() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(test::openModel(session, test::sharedPath("models/gemma2-random")));
  session.runText("The quick brown fox jumps over the lazy dog while a curious child watches from the garden.");
  QVERIFY(test::waitIdle(session));
  AnalysisDocument* doc = session.document();
  const ModelInfo& model = doc->analysis()->model;
  for (int layer : {0, 1}) {
    ViewState s = doc->state();
    s.layer = layer;
    s.head = 2;
    const DisplayMap m = build_display_map(*doc, s);
    const int S = static_cast<int>(m.values.rows());
    QVERIFY(S > 16);
    QCOMPARE(m.window, layer == 0 ? 8 : 0);
    int masked = 0, band_zero = 0;
    for (int i = 0; i < S; ++i)
      for (int j = 0; j < S; ++j) {
        const bool outside = j > i || (layer == 0 && j <= i - 8);
        QCOMPARE(m.masked(i, j), outside);
        if (outside) {
          ++masked;
          QCOMPARE(m.values(i, j), 0.0f);  // the model's weight there is exactly 0
        } else if (m.values(i, j) == 0.0f) {
          ++band_zero;
        }
      }
    QCOMPARE(masked, layer == 0 ? S * (S - 1) / 2 + (S - 8) * (S - 7) / 2 : S * (S - 1) / 2);
    QCOMPARE(band_zero, 0);
    QCOMPARE(m.title.contains("sliding window 8"), layer == 0);
  }
  QCOMPARE(layer_label(model, 0), QString::fromUtf8("L0 \u00b7 local 8"));
  QCOMPARE(layer_label(model, 1), QString::fromUtf8("L1 \u00b7 global"));
  QCOMPARE(head_label(model, 1), QString::fromUtf8("H1 \u00b7 kv0"));
  QCOMPARE(head_label(model, 2), QString::fromUtf8("H2 \u00b7 kv1"));
  Session bert;  // no windows, no grouped heads: the plain labels
  QVERIFY(test::openModel(bert, test::sharedPath("models/bert-random")));
  bert.runText("a b c");
  QVERIFY(test::waitIdle(bert));
  QCOMPARE(layer_label(bert.document()->analysis()->model, 1), QString("L1"));
  QCOMPARE(head_label(bert.document()->analysis()->model, 1), QString("H1"));
}

QTEST_MAIN(RenderTest)
#include "ui_render_test.moc"
