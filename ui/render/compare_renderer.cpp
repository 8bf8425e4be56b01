#include "ui/render/compare_renderer.h"

#include <algorithm>
#include <cmath>

#include <QFontMetricsF>
#include <QImage>

namespace attnscope::ui {

namespace {

constexpr double kPad = 12, kTitle = 26, kLabelW = 70, kHeader = 18, kNoteH = 18, kGap = 14;

QImage matrix_image(const attnscope::RowMatrix& m, const ColorMap& cmap, double lower, double upper) {
  QImage img(static_cast<int>(m.cols()), static_cast<int>(m.rows()), QImage::Format_RGB32);
  for (int i = 0; i < img.height(); ++i) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(i));
    for (int j = 0; j < img.width(); ++j) line[j] = cmap.rgb(m(i, j), lower, upper);
  }
  return img;
}

}  // namespace

QSizeF CompareRenderer::naturalSize() const { return {1250, 440}; }

double CompareRenderer::sharedUpper() const {
  const double top = std::max(a.size() ? a.maxCoeff() : 0.0f, b.size() ? b.maxCoeff() : 0.0f);
  return top > 0 ? top : 1.0;
}

double CompareRenderer::differenceRange() const {
  const double r = diff.size() ? diff.cwiseAbs().maxCoeff() : 0.0;
  return r > 0 ? r : 1e-6;
}

CompareRenderer::Layout CompareRenderer::layout(const QRectF& area) const {
  Layout l;
  const QRectF inner = area.adjusted(kPad, kPad + kTitle, -kPad, -kPad - kNoteH);
  l.note = QRectF(inner.left(), inner.bottom() + 2, inner.width(), kNoteH);
  const int L = static_cast<int>(divergence.rows()), H = static_cast<int>(divergence.cols());
  const double bar = kColorBarWidth + kGap;
  // A row [grid | A B bar | A-B bar] when the window is wide; else two rows [A B bar] over
  // [A-B bar grid]: whichever gives the larger matrices.
  const double grid_natural = L > 0 && H > 0 ? 34 + 34.0 * H + 4 + bar : 0;
  const double row_side = std::min((inner.width() - std::min(grid_natural, inner.width() * 0.3) - kLabelW - 2 * bar - 2 * kGap) / 3,
                                   inner.height() - kHeader - kLabelW);
  const double two_side = std::min((inner.width() - kLabelW - bar - kGap) / 2, (inner.height() - 2 * (kHeader + kLabelW)) / 2);
  const bool one_row = row_side >= two_side;
  const double side = std::max(40.0, one_row ? row_side : two_side);
  double grid_left = inner.left(), grid_top = inner.top() + kHeader, grid_w = 0, grid_h = inner.height() - kHeader - 16;
  if (one_row) {
    grid_w = std::min(grid_natural, inner.width() * 0.3);
    const double left = inner.left() + grid_w + kGap + kLabelW;
    l.m[0] = QRectF(left, inner.top() + kHeader, side, side);
    l.m[1] = QRectF(left + side + kGap, l.m[0].top(), side, side);
    l.m[2] = QRectF(l.m[1].right() + bar + kGap, l.m[0].top(), side, side);
  } else {
    const double left = inner.left() + kLabelW;
    l.m[0] = QRectF(left, inner.top() + kHeader, side, side);
    l.m[1] = QRectF(left + side + kGap, l.m[0].top(), side, side);
    l.m[2] = QRectF(left, l.m[0].bottom() + kLabelW + kHeader, side, side);
    grid_left = l.m[2].right() + bar + kGap;
    grid_top = l.m[2].top();
    grid_w = inner.right() - grid_left;
    grid_h = side;
  }
  l.grid_cell = L > 0 && H > 0 ? std::clamp(std::min((grid_w - 34 - bar) / H, (grid_h - 16) / L), 4.0, 34.0) : 0;
  l.grid = QRectF(grid_left + 34, grid_top, l.grid_cell * H, l.grid_cell * L);
  l.grid_bar = QRectF(l.grid.right() + 4, l.grid.top(), kColorBarWidth, std::max(l.grid.height(), 120.0));
  l.bar_ab = QRectF(l.m[1].right() + 4, l.m[1].top(), kColorBarWidth, side);
  l.bar_diff = QRectF(l.m[2].right() + 4, l.m[2].top(), kColorBarWidth, side);
  return l;
}

void CompareRenderer::paint(QPainter& p, const QRectF& area) const {
  paint_figure_background(p, area, subject.isEmpty() ? title : title + " \u00b7 " + subject, kPad, kTitle);
  const Layout l = layout(area);
  p.save();
  QFont f = p.font();
  f.setPointSizeF(8.5);
  p.setFont(f);
  const QFontMetricsF fm(f);
  p.setPen(Qt::black);
  const int L = static_cast<int>(divergence.rows()), H = static_cast<int>(divergence.cols());
  // Divergence grid.
  if (L > 0 && H > 0) {
    const double top = std::max(1e-9, static_cast<double>(divergence.maxCoeff()));
    p.drawText(QRectF(l.grid.left() - 34, l.grid.top() - kHeader, 400, kHeader), Qt::AlignLeft | Qt::AlignVCenter,
               QObject::tr("JS divergence per head"));
    for (int r = 0; r < L; ++r) {
      p.drawText(QRectF(l.grid.left() - 34, l.grid.top() + r * l.grid_cell, 30, l.grid_cell), Qt::AlignRight | Qt::AlignVCenter,
                 layer_labels.value(r));
      for (int h = 0; h < H; ++h) {
        const QRectF c(l.grid.left() + h * l.grid_cell, l.grid.top() + r * l.grid_cell, l.grid_cell, l.grid_cell);
        const QColor col = QColor::fromRgb(cmap.rgb(divergence(r, h), 0, top));
        p.fillRect(c, col);
        if (l.grid_cell >= 30) {
          p.setPen(qGray(col.rgb()) < 128 ? Qt::white : Qt::black);
          p.drawText(c, Qt::AlignCenter, QString::number(divergence(r, h), 'f', 2));
          p.setPen(Qt::black);
        }
      }
    }
    for (int h = 0; h < H; h += std::max(1, static_cast<int>(std::ceil(14 / l.grid_cell))))
      p.drawText(QRectF(l.grid.left() + h * l.grid_cell - 10, l.grid.bottom() + 1, l.grid_cell + 20, 14), Qt::AlignHCenter | Qt::AlignTop,
                 QString("H%1").arg(h));
    if (selected_row >= 0 && selected_head >= 0) {
      p.setPen(QPen(QColor(220, 30, 30), 2));
      p.setBrush(Qt::NoBrush);
      p.drawRect(QRectF(l.grid.left() + selected_head * l.grid_cell, l.grid.top() + selected_row * l.grid_cell, l.grid_cell, l.grid_cell));
      p.setPen(Qt::black);
    }
    paint_color_bar(p, l.grid_bar, ColorBar{cmap, 0, top, false, QObject::tr("JS divergence (bits)")});
  }
  // A, B, A − B.
  const int K = static_cast<int>(tokens.size());
  if (K > 0 && a.rows() == K) {
    const double upper = sharedUpper(), range = differenceRange();
    const ColorMap div(ColorMapId::Diverging);
    const QImage imgs[3] = {matrix_image(a, cmap, 0, upper), matrix_image(b, cmap, 0, upper), matrix_image(diff, div, -range, range)};
    const QString heads[3] = {label_a, label_b, QObject::tr("A \u2212 B")};
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (int k = 0; k < 3; ++k) {
      p.drawImage(l.m[k], imgs[k]);
      p.setPen(QPen(Qt::black, 0.8));
      p.setBrush(Qt::NoBrush);
      p.drawRect(l.m[k]);
      p.drawText(QRectF(l.m[k].left(), l.m[k].top() - kHeader, l.m[k].width(), kHeader), Qt::AlignLeft | Qt::AlignVCenter,
                 fm.elidedText(heads[k], Qt::ElideRight, l.m[k].width()));
    }
    // Token labels: queries left of A, keys under each matrix, thinned to fit.
    const double cell = l.m[0].height() / K;
    const int step = std::max(1, static_cast<int>(std::ceil(fm.height() / cell)));
    for (int i = 0; i < K; i += step) {
      const QString t = fm.elidedText(tokens[i], Qt::ElideRight, kLabelW - 6);
      for (int k = 0; k < 3; ++k) {
        if (k == 0 || (k == 2 && l.m[2].top() > l.m[0].top()))  // query labels left of A (and of A − B below it)
          p.drawText(QRectF(l.m[k].left() - kLabelW, l.m[k].top() + (i + 0.5) * cell - fm.height() / 2, kLabelW - 4, fm.height()),
                     Qt::AlignRight | Qt::AlignVCenter, t);
        p.save();
        p.translate(l.m[k].left() + (i + 0.5) * cell, l.m[k].bottom() + 3);
        p.rotate(90);
        p.drawText(QRectF(0, -fm.height() / 2, kLabelW - 6, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, t);
        p.restore();
      }
    }
    paint_color_bar(p, l.bar_ab, ColorBar{cmap, 0, upper, false, QObject::tr("attention weight (A and B)")});
    paint_color_bar(p, l.bar_diff, ColorBar{div, -range, range, false, QObject::tr("A \u2212 B")});
  } else if (!note.isEmpty() && K == 0) {
    p.drawText(l.m[0].united(l.m[2]), Qt::AlignCenter | Qt::TextWordWrap, note);
  }
  if (K > 0) p.drawText(l.note, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(note, Qt::ElideRight, l.note.width()));
  p.restore();
}

bool CompareRenderer::gridCellAt(const QRectF& area, const QPointF& pos, int* row, int* head) const {
  const Layout l = layout(area);
  if (!l.grid.contains(pos) || l.grid_cell <= 0) return false;
  *row = std::clamp(static_cast<int>((pos.y() - l.grid.top()) / l.grid_cell), 0, static_cast<int>(divergence.rows()) - 1);
  *head = std::clamp(static_cast<int>((pos.x() - l.grid.left()) / l.grid_cell), 0, static_cast<int>(divergence.cols()) - 1);
  return true;
}

bool CompareRenderer::matrixCellAt(const QRectF& area, const QPointF& pos, int* which, int* query, int* key) const {
  const Layout l = layout(area);
  const int K = static_cast<int>(tokens.size());
  for (int k = 0; k < 3 && K > 0; ++k)
    if (l.m[k].contains(pos)) {
      *which = k;
      *query = std::clamp(static_cast<int>((pos.y() - l.m[k].top()) / l.m[k].height() * K), 0, K - 1);
      *key = std::clamp(static_cast<int>((pos.x() - l.m[k].left()) / l.m[k].width() * K), 0, K - 1);
      return true;
    }
  return false;
}

}  // namespace attnscope::ui
