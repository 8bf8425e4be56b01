// Level of detail in the Matrix view: at thousands of tokens it draws no more cells than pixels,
// each pooled block holds the maximum (or mean) of exactly the cells it covers, and zooming in
// brings back the exact cells.
#include <utility>

#include <QTest>

#include <qcustomplot.h>

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

// The block of cells a pooled colour-map cell covers: [c0, c1) x [r0, r1), from its centre.
struct Block {
  int c0, c1, r0, r1;
};
Block block_of(QCPColorMapData* data, int i, int j, int b) {
  double key = 0, value = 0;
  data->cellToCoord(i, j, &key, &value);
  const int c0 = static_cast<int>(std::lround(key - (b - 1) / 2.0)), r0 = static_cast<int>(std::lround(value - (b - 1) / 2.0));
  return {c0, std::min(kSeq, c0 + b), r0, std::min(kSeq, r0 + b)};
}

}  // namespace

void MatrixLodTest::longInputsArePooledToThePixelGrid() {
  AnalysisDocument doc;
  MatrixView view(&doc);
  const auto a = analysis_with_spike();
  QVERIFY(show(view, doc, a));
  const ConstMatrixMap w = std::as_const(a->forward.attentions).head(0, 0);

  QCPColorMapData* data = view.colorMap()->data();
  const QRect rect = view.plot()->axisRect()->rect();
  const double dpr = view.devicePixelRatioF();
  QVERIFY2(data->keySize() <= rect.width() * dpr && data->valueSize() <= rect.height() * dpr,
           qPrintable(QString("%1 x %2 cells drawn in a %3 x %4 plot").arg(data->keySize()).arg(data->valueSize()).arg(rect.width()).arg(rect.height())));
  const int b = view.blockSize();
  QVERIFY(b >= kSeq / rect.width());

  // Maximum pooling: the block holding the spike shows it; every block shows its maximum.
  int si = 0, sj = 0;
  data->coordToCell(kSpikeKey, kSpikeQuery, &si, &sj);
  const Block sb = block_of(data, si, sj, b);
  QVERIFY(sb.c0 <= kSpikeKey && kSpikeKey < sb.c1 && sb.r0 <= kSpikeQuery && kSpikeQuery < sb.r1);
  QCOMPARE(data->cell(si, sj), double(w(kSpikeQuery, kSpikeKey)));
  auto check_blocks = [&](bool max) {
    double worst = 0;
    for (int n = 0; n < 300; ++n) {
      const int i = (n * 7919) % data->keySize(), j = (n * 104729) % data->valueSize();
      const Block bl = block_of(data, i, j, b);
      double expect = max ? 0.0 : 0.0;
      for (int r = bl.r0; r < bl.r1; ++r)
        for (int c = bl.c0; c < bl.c1; ++c) expect = max ? std::max(expect, double(w(r, c))) : expect + w(r, c);
      if (!max) expect /= double(bl.r1 - bl.r0) * (bl.c1 - bl.c0);
      worst = std::max(worst, std::abs(data->cell(i, j) - expect));
    }
    return worst;
  };
  QVERIFY2(check_blocks(true) <= 1e-6, qPrintable(QString::number(check_blocks(true))));

  // Mean pooling: the spike is averaged with the rest of its block.
  view.setPooling(MatrixPlot::Pooling::Mean);
  data = view.colorMap()->data();
  QVERIFY2(check_blocks(false) <= 1e-6, qPrintable(QString::number(check_blocks(false))));
  QVERIFY(data->cell(si, sj) < 0.9 / (b * b) + 1e-3);
}

void MatrixLodTest::zoomingInShowsExactCells() {
  AnalysisDocument doc;
  MatrixView view(&doc);
  const auto a = analysis_with_spike();
  QVERIFY(show(view, doc, a));
  const ConstMatrixMap w = std::as_const(a->forward.attentions).head(0, 0);

  view.plot()->xAxis->setRange(kSpikeKey - 20.5, kSpikeKey + 19.5);
  view.plot()->yAxis->setRange(kSpikeQuery - 20.5, kSpikeQuery + 19.5);
  view.plot()->replot();  // as after the user's wheel or drag
  QCOMPARE(view.blockSize(), 1);
  QCPColorMapData* data = view.colorMap()->data();
  QCOMPARE(data->keySize(), 40);
  QCOMPARE(data->valueSize(), 40);
  double worst = 0;
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 40; ++j) {
      double key = 0, value = 0;
      data->cellToCoord(i, j, &key, &value);
      worst = std::max(worst, std::abs(data->cell(i, j) - w(static_cast<int>(std::lround(value)), static_cast<int>(std::lround(key)))));
    }
  QCOMPARE(worst, 0.0);
  int si = 0, sj = 0;
  data->coordToCell(kSpikeKey, kSpikeQuery, &si, &sj);
  QCOMPARE(data->cell(si, sj), double(w(kSpikeQuery, kSpikeKey)));

  // Double-click resets the zoom: pooled again.
  QTest::mouseDClick(view.plot(), Qt::LeftButton, {}, view.plot()->axisRect()->center());
  QVERIFY(view.blockSize() > 1);
}

QTEST_MAIN(MatrixLodTest)
#include "ui_matrix_lod_test.moc"
