#include "ui/render/cross_renderer.h"

#include <algorithm>
#include <cmath>

#include <QFontMetricsF>
#include <QPainterPath>

#include "ui/render/axis_labels.h"

namespace attnscope::ui {

namespace {
constexpr double kPad = 10, kTitle = 22, kCaption = 18, kNaturalCell = 30, kLinesGap = 220, kStripRows = 3, kStripRow = 24;
constexpr double kMaxColumnLabels = 110;  // matrix: height of the rotated source labels

double max_label_width(const QStringList& labels, const QFontMetricsF& fm) {
  double w = 24;
  for (const QString& l : labels) w = std::max(w, fm.horizontalAdvance(token_label(l)));
  return std::min(w + 8, 170.0);
}

// Black or white text, whichever reads on `background`.
QColor text_on(QColor background) { return background.lightnessF() > 0.55 ? Qt::black : Qt::white; }
}  // namespace

std::vector<int> CrossAttentionRenderer::alignment() const {
  std::vector<int> out;
  for (Eigen::Index t = 0; t < weights.rows(); ++t) {
    Eigen::Index j = 0;
    weights.row(t).maxCoeff(&j);
    out.push_back(static_cast<int>(j));
  }
  return out;
}

double CrossAttentionRenderer::shade(int t, int s) const {
  const float v = weights(t, s);
  const float top = row_scale ? weights.row(t).maxCoeff() : weights.maxCoeff();
  return top > 0 ? std::clamp(static_cast<double>(v / top), 0.0, 1.0) : 0.0;
}

CrossAttentionRenderer::Layout CrossAttentionRenderer::layout(const QRectF& area, const QFont& font) const {
  const QFontMetricsF fm(font);
  Layout l;
  const double T = std::max<qsizetype>(targets.size(), 1), S = std::max<qsizetype>(sources.size(), 1);
  const double top = area.top() + kPad + kTitle + kCaption;
  const double strip_h = kStripRows * kStripRow + 8;
  l.label_w = max_label_width(targets, fm);
  if (mode == CrossMode::Matrix) {
    const double cols_h = std::min(kMaxColumnLabels, max_label_width(sources, fm));
    const double avail_w = area.width() - 2 * kPad - l.label_w;
    const double avail_h = area.height() - (top - area.top()) - cols_h - strip_h - kPad;
    l.cell = std::max(4.0, std::min(avail_w / S, avail_h / T));
    l.grid = QRectF(area.left() + kPad + l.label_w, top + cols_h, l.cell * S, l.cell * T);
  } else {
    const double right_w = max_label_width(sources, fm);
    l.label_w = std::max(l.label_w, right_w);
    const double avail_h = area.height() - (top - area.top()) - strip_h - kPad;
    l.cell = std::clamp(avail_h / std::max(T, S), 8.0, 22.0);
    // BertViz's proportions: a gap of a few hundred pixels, not the window's width, so the lines keep their slopes.
    const double gap = std::clamp(area.width() - 2 * kPad - 2 * l.label_w, 80.0, kLinesGap * 1.5);
    l.grid = QRectF(area.left() + kPad + l.label_w, top + 8, gap, l.cell * std::max(T, S));
  }
  l.strip = QRectF(area.left() + kPad, l.grid.bottom() + 10, area.width() - 2 * kPad, strip_h - 10);
  return l;
}

QSizeF CrossAttentionRenderer::naturalSize() const {
  const QFontMetricsF fm{QFont()};
  const double T = std::max<qsizetype>(targets.size(), 1), S = std::max<qsizetype>(sources.size(), 1);
  const double head = 2 * kPad + kTitle + kCaption + kStripRows * kStripRow + 8;
  if (mode == CrossMode::Matrix) {
    const double w = 2 * kPad + max_label_width(targets, fm) + kNaturalCell * S;
    const double h = head + std::min(kMaxColumnLabels, max_label_width(sources, fm)) + kNaturalCell * T;
    return QSizeF(std::clamp(w, 520.0, 1600.0), std::clamp(h, 360.0, 1400.0));
  }
  const double lw = std::max(max_label_width(targets, fm), max_label_width(sources, fm));
  return QSizeF(std::max(2 * kPad + 2 * lw + kLinesGap, 520.0), head + 8 + 20.0 * std::max(T, S));
}

void CrossAttentionRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  paint_figure_background(p, area, title, kPad, kTitle);
  p.setPen(QColor(80, 80, 80));
  p.drawText(QRectF(area.left() + kPad, area.top() + kPad + kTitle, area.width() - 2 * kPad, kCaption),
             Qt::AlignLeft | Qt::AlignVCenter, caption);
  if (weights.rows() == targets.size() && weights.cols() == sources.size() && !targets.isEmpty() && !sources.isEmpty()) {
    const Layout l = layout(area, p.font());
    if (mode == CrossMode::Matrix) paintMatrix(p, l);
    else paintLines(p, l);
    paintStrip(p, l);
  }
  p.restore();
}

void CrossAttentionRenderer::paintMatrix(QPainter& p, const Layout& l) const {
  const int T = static_cast<int>(targets.size()), S = static_cast<int>(sources.size());
  const double c = l.cell;
  for (int t = 0; t < T; ++t)
    for (int s = 0; s < S; ++s)
      p.fillRect(QRectF(l.grid.left() + s * c, l.grid.top() + t * c, c + 0.5, c + 0.5), QColor::fromRgb(cmap.rgb(shade(t, s))));
  // Labels: targets to the left of their rows, sources rotated above their columns.
  QFont f = p.font();
  if (c < 14) f.setPointSizeF(std::max(5.0, f.pointSizeF() * c / 14));
  p.setFont(f);
  const QFontMetricsF fm(f);
  for (int t = 0; t < T; ++t) {
    QFont lf = f;
    lf.setBold(t == selected_target);
    p.setFont(lf);
    p.setPen(t == selected_target ? QColor(200, 30, 30) : Qt::black);
    p.drawText(QRectF(l.grid.left() - l.label_w, l.grid.top() + t * c, l.label_w - 4, c), Qt::AlignRight | Qt::AlignVCenter,
               fm.elidedText(token_label(targets[t]), Qt::ElideRight, l.label_w - 6));
  }
  for (int s = 0; s < S; ++s) {
    QFont lf = f;
    lf.setBold(s == selected_source);
    p.setFont(lf);
    p.setPen(s == selected_source ? QColor(200, 30, 30) : Qt::black);
    p.save();
    p.translate(l.grid.left() + (s + 0.5) * c, l.grid.top() - 4);
    p.rotate(-60);
    p.drawText(QRectF(0, -c / 2, kMaxColumnLabels, c), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(token_label(sources[s]), Qt::ElideRight, kMaxColumnLabels - 4));
    p.restore();
  }
  p.setFont(QFont(f.family(), f.pointSize()));
  // The chosen row / column outlined.
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(QColor(230, 40, 40), 2));
  if (selected_target >= 0) p.drawRect(QRectF(l.grid.left(), l.grid.top() + selected_target * c, S * c, c));
  if (selected_source >= 0) p.drawRect(QRectF(l.grid.left() + selected_source * c, l.grid.top(), c, T * c));
  if (argmax) {
    const std::vector<int> a = alignment();
    QPainterPath path;
    for (int t = 0; t < T; ++t) {
      const QPointF centre(l.grid.left() + (a[t] + 0.5) * c, l.grid.top() + (t + 0.5) * c);
      if (t == 0) path.moveTo(centre);
      else path.lineTo(centre);
    }
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Qt::white, 3));
    p.drawPath(path);
    p.setPen(QPen(QColor(230, 40, 40), 1.5));
    p.drawPath(path);
    for (int t = 0; t < T; ++t) {
      const QRectF cell(l.grid.left() + a[t] * c, l.grid.top() + t * c, c, c);
      p.setPen(QPen(Qt::white, 2.5));
      p.drawRect(cell.adjusted(1.5, 1.5, -1.5, -1.5));
      p.setPen(QPen(QColor(230, 40, 40), 1.2));
      p.drawRect(cell.adjusted(1.5, 1.5, -1.5, -1.5));
    }
  }
}

void CrossAttentionRenderer::paintLines(QPainter& p, const Layout& l) const {
  const int T = static_cast<int>(targets.size()), S = static_cast<int>(sources.size());
  const double x_left = l.grid.left(), x_right = l.grid.right();
  auto y = [&](int i) { return l.grid.top() + (i + 0.5) * l.cell; };
  p.setRenderHint(QPainter::Antialiasing);
  const std::vector<int> a = argmax ? alignment() : std::vector<int>{};
  const QColor base(0, 114, 178);  // one head colour, as BertViz's first head
  for (int t = 0; t < T; ++t) {
    if (selected_target >= 0 && t != selected_target) continue;
    for (int s = 0; s < S; ++s) {
      if (selected_source >= 0 && s != selected_source) continue;
      const double w = shade(t, s);
      if (w < 0.02) continue;
      QColor col = base;
      col.setAlphaF(std::clamp(w, 0.0, 1.0));
      p.setPen(QPen(col, 1 + 2.5 * w));
      p.drawLine(QPointF(x_left + 4, y(t)), QPointF(x_right - 4, y(s)));
    }
    if (argmax) {
      p.setPen(QPen(QColor(230, 40, 40), 1.6, Qt::DashLine));
      p.drawLine(QPointF(x_left + 4, y(t)), QPointF(x_right - 4, y(a[t])));
    }
  }
  const QFontMetricsF fm(p.font());
  auto label = [&](const QString& text, const QRectF& r, Qt::Alignment align, bool chosen) {
    QFont f = p.font();
    f.setBold(chosen);
    p.setFont(f);
    p.setPen(chosen ? QColor(200, 30, 30) : Qt::black);
    p.drawText(r, align | Qt::AlignVCenter, fm.elidedText(token_label(text), Qt::ElideRight, r.width() - 2));
    f.setBold(false);
    p.setFont(f);
  };
  for (int t = 0; t < T; ++t)
    label(targets[t], QRectF(x_left - l.label_w, y(t) - l.cell / 2, l.label_w - 4, l.cell), Qt::AlignRight, t == selected_target);
  for (int s = 0; s < S; ++s)
    label(sources[s], QRectF(x_right + 4, y(s) - l.cell / 2, l.label_w - 4, l.cell), Qt::AlignLeft, s == selected_source);
}

std::vector<QRectF> CrossAttentionRenderer::stripBoxes(const Layout& l, const QFont& font) const {
  const QFontMetricsF fm(font);
  const QStringList& tokens = stripShowsTargets() ? targets : sources;
  std::vector<QRectF> boxes;
  const double head_w = 70;  // "source:" / "target:"
  double x = l.strip.left() + head_w, y = l.strip.top();
  for (const QString& t : tokens) {
    const double w = std::min(fm.horizontalAdvance(token_label(t)) + 8, 160.0);
    if (x + w > l.strip.right() && x > l.strip.left() + head_w) {
      x = l.strip.left() + head_w;
      y += kStripRow;
    }
    boxes.emplace_back(x, y, w, kStripRow - 4);
    x += w + 2;
  }
  return boxes;
}

void CrossAttentionRenderer::paintStrip(QPainter& p, const Layout& l) const {
  const bool by_source = stripShowsTargets();
  const QStringList& tokens = by_source ? targets : sources;
  const std::vector<QRectF> boxes = stripBoxes(l, p.font());
  p.setPen(QColor(80, 80, 80));
  p.drawText(QRectF(l.strip.left(), l.strip.top(), 68, kStripRow - 4), Qt::AlignLeft | Qt::AlignVCenter,
             by_source ? QObject::tr("target:") : QObject::tr("source:"));
  const double top = weights.maxCoeff();
  for (int i = 0; i < static_cast<int>(tokens.size()); ++i) {
    const QRectF& b = boxes[static_cast<size_t>(i)];
    if (b.bottom() > l.strip.bottom() + 2) break;  // more than the strip holds
    double w = 0;
    if (by_source) w = top > 0 ? weights(i, selected_source) / top : 0;
    else if (selected_target >= 0) w = shade(selected_target, i);
    const QColor bg = selected_target >= 0 || by_source ? QColor::fromRgb(cmap.rgb(w)) : QColor(240, 240, 240);
    p.fillRect(b, bg);
    p.setPen(selected_target >= 0 || by_source ? text_on(bg) : Qt::black);
    p.drawText(b, Qt::AlignCenter, QFontMetricsF(p.font()).elidedText(token_label(tokens[i]), Qt::ElideRight, b.width() - 4));
  }
}

CrossAttentionRenderer::Hit CrossAttentionRenderer::hitTest(const QRectF& area, const QPointF& pos) const {
  Hit h;
  if (targets.isEmpty() || sources.isEmpty()) return h;
  const Layout l = layout(area, QFont());
  const int T = static_cast<int>(targets.size()), S = static_cast<int>(sources.size());
  if (mode == CrossMode::Matrix) {
    const int col = static_cast<int>(std::floor((pos.x() - l.grid.left()) / l.cell));
    const int row = static_cast<int>(std::floor((pos.y() - l.grid.top()) / l.cell));
    const bool in_cols = col >= 0 && col < S, in_rows = row >= 0 && row < T;
    if (in_cols && in_rows) return {row, col};
    if (in_rows && pos.x() < l.grid.left() && pos.x() >= l.grid.left() - l.label_w) return {row, -1};
    if (in_cols && pos.y() < l.grid.top() && pos.y() >= l.grid.top() - kMaxColumnLabels) return {-1, col};
  } else {
    const int row = static_cast<int>(std::floor((pos.y() - l.grid.top()) / l.cell));
    if (pos.x() < l.grid.left() && row >= 0 && row < T) return {row, -1};
    if (pos.x() > l.grid.right() && row >= 0 && row < S) return {-1, row};
  }
  const std::vector<QRectF> boxes = stripBoxes(l, QFont());
  for (int i = 0; i < static_cast<int>(boxes.size()); ++i)
    if (boxes[static_cast<size_t>(i)].contains(pos)) return stripShowsTargets() ? Hit{i, -1} : Hit{-1, i};
  return h;
}

}  // namespace attnscope::ui
