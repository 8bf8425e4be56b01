// Level of detail in the Matrix view: at thousands of tokens it draws no more cells than pixels,
// each pooled block holds the maximum (or mean) of exactly the cells it covers, and zooming in
// brings back the exact cells.
#include <utility>

#include <QTest>

#include "tests/ui/synthetic_analysis.h"
#include "ui/document/analysis_document.h"
#include "ui/views/matrix_view.h"

using namespace attnscope;
using namespace attnscope::ui;

class MatrixLodTest : public QObject {
  Q_OBJECT

 private slots:
  void longInputsArePooledToThePixelGrid();
  void zoomingInShowsExactCells();
};

namespace {

constexpr int kSeq = 3000;
constexpr int kSpikeQuery = 1234, kSpikeKey = 2345;

// Row kSpikeQuery gives 0.9 of its mass to key kSpikeKey: one strong cell among 9 million.
std::shared_ptr<Analysis> analysis_with_spike() {
  auto a = test::synthetic_analysis(1, 1, kSeq);
  MatrixMap m = a->forward.attentions.head(0, 0);
  m.row(kSpikeQuery) *= 0.1f / m.row(kSpikeQuery).sum();
  m(kSpikeQuery, kSpikeKey) += 0.9f;
  return a;
}

bool show(MatrixView& view, AnalysisDocument& doc, const std::shared_ptr<Analysis>& a) {
  view.resize(700, 600);
  view.show();
  if (!QTest::qWaitForWindowExposed(&view)) return false;
  doc.setAnalysis(a);
  return true;
}

// The block of cells pooled block (i, j) covers: [c0, c1) x [r0, r1).
struct Block {
  int c0, c1, r0, r1;
};
Block block_of(const PooledCells& p, int i, int j) {
  const int c0 = p.first_col + j * p.block, r0 = p.first_row + i * p.block;
  return {c0, std::min(kSeq, c0 + p.block), r0, std::min(kSeq, r0 + p.block)};
}

// The pooled block holding cell (row, col).
std::pair<int, int> block_holding(const PooledCells& p, int row, int col) {
  return {(row - p.first_row) / p.block, (col - p.first_col) / p.block};
}

}  // namespace

void MatrixLodTest::longInputsArePooledToThePixelGrid() {
  AnalysisDocument doc;
  MatrixView view(&doc);
  const auto a = analysis_with_spike();
  QVERIFY(show(view, doc, a));
  const ConstMatrixMap w = std::as_const(a->forward.attentions).head(0, 0);

  view.repaint();
  const PooledCells* data = &view.renderer()->pooled();
  const QRectF rect = view.renderer()->cellsRect(view.rect());
  const double dpr = view.devicePixelRatioF();
  QVERIFY2(data->values.cols() <= rect.width() * dpr && data->values.rows() <= rect.height() * dpr,
           qPrintable(QString("%1 x %2 cells drawn in a %3 x %4 plot").arg(data->values.cols()).arg(data->values.rows()).arg(rect.width()).arg(rect.height())));
  const int b = view.blockSize();
  QVERIFY(b >= kSeq / rect.width());

  // Maximum pooling: the block holding the spike shows it; every block shows its maximum.
  const auto [si, sj] = block_holding(*data, kSpikeQuery, kSpikeKey);
  const Block sb = block_of(*data, si, sj);
  QVERIFY(sb.c0 <= kSpikeKey && kSpikeKey < sb.c1 && sb.r0 <= kSpikeQuery && kSpikeQuery < sb.r1);
  QCOMPARE(data->values(si, sj), w(kSpikeQuery, kSpikeKey));
  auto check_blocks = [&](bool max) {
    double worst = 0;
    for (int n = 0; n < 300; ++n) {
      const int i = (n * 104729) % data->values.rows(), j = (n * 7919) % data->values.cols();
      const Block bl = block_of(*data, i, j);
      double expect = 0.0;
      for (int r = bl.r0; r < bl.r1; ++r)
        for (int c = bl.c0; c < bl.c1; ++c) expect = max ? std::max(expect, double(w(r, c))) : expect + w(r, c);
      if (!max) expect /= double(bl.r1 - bl.r0) * (bl.c1 - bl.c0);
      worst = std::max(worst, std::abs(data->values(i, j) - expect));
    }
    return worst;
  };
  QVERIFY2(check_blocks(true) <= 1e-6, qPrintable(QString::number(check_blocks(true))));

  // Mean pooling: the spike is averaged with the rest of its block.
  view.setPooling(Pooling::Mean);
  view.repaint();
  data = &view.renderer()->pooled();
  QVERIFY2(check_blocks(false) <= 1e-6, qPrintable(QString::number(check_blocks(false))));
  QVERIFY(data->values(si, sj) < 0.9 / (b * b) + 1e-3);
}

void MatrixLodTest::zoomingInShowsExactCells() {
  AnalysisDocument doc;
  MatrixView view(&doc);
  const auto a = analysis_with_spike();
  QVERIFY(show(view, doc, a));
  const ConstMatrixMap w = std::as_const(a->forward.attentions).head(0, 0);

  view.setVisibleCells(QRectF(QPointF(kSpikeKey - 20.5, kSpikeQuery - 20.5), QPointF(kSpikeKey + 19.5, kSpikeQuery + 19.5)));
  view.repaint();  // as after the user's wheel or drag
  QCOMPARE(view.blockSize(), 1);
  const PooledCells& data = view.renderer()->pooled();
  QCOMPARE(data.values.cols(), 40);
  QCOMPARE(data.values.rows(), 40);
  QCOMPARE(data.first_col, kSpikeKey - 20);
  QCOMPARE(data.first_row, kSpikeQuery - 20);
  double worst = 0;
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 40; ++j) worst = std::max(worst, double(std::abs(data.values(i, j) - w(data.first_row + i, data.first_col + j))));
  QCOMPARE(worst, 0.0);
  QCOMPARE(data.values(20, 20), w(kSpikeQuery, kSpikeKey));
  // The spike is drawn where the view says its cell is.
  const QImage shot = view.grab().toImage();
  const QPoint at = view.cellCenter(kSpikeQuery, kSpikeKey).toPoint();
  QCOMPARE(shot.pixel(at) & 0xffffff, ColorMap(doc.state().color_map).rgb(view.displayMap().shade(kSpikeQuery, kSpikeKey)) & 0xffffff);

  // Double-click resets the zoom: pooled again.
  QTest::mouseDClick(&view, Qt::LeftButton, {}, view.rect().center());
  view.repaint();
  QVERIFY(view.blockSize() > 1);
}

QTEST_MAIN(MatrixLodTest)
#include "ui_matrix_lod_test.moc"
