#include "ui/render/generation_renderer.h"

#include <algorithm>

#include <QFontMetricsF>

namespace attnscope::ui {

namespace {

constexpr double kPad = 12, kTitle = 26, kBoxPadX = 3, kBoxGap = 2, kLineGap = 4, kCandidateRow = 22;

QFont token_font(bool bold) {
  QFont f;
  f.setPointSizeF(10.5);
  f.setBold(bold);
  return f;
}

// Tokens with their spaces made visible at the edges, so " the" and "the" differ.
QString shown(const QString& t) {
  QString s = t;
  s.replace('\n', QChar(0x21B5));
  if (s.isEmpty()) return QStringLiteral("\u2205");
  if (s.trimmed().isEmpty()) return QString(s.size(), QChar(0x2423));  // spaces alone: one open box each
  return s;
}

}  // namespace

QSizeF GenerationRenderer::naturalSize() const {
  // As tall as the wrapped tokens, the candidates or the colour bar need at 900 px wide.
  const Layout l = layout(QRectF(0, 0, 900, 100000));
  double bottom = 270;  // the colour bar
  if (!l.boxes.empty()) bottom = std::max(bottom, l.boxes.back().bottom() + kPad);
  if (!l.rows.empty()) bottom = std::max(bottom, l.rows.back().bottom() + kPad);
  return {900, bottom + kPad};
}

GenerationRenderer::Layout GenerationRenderer::layout(const QRectF& area) const {
  Layout l;
  const QRectF inner = area.adjusted(kPad, kPad + kTitle, -kPad, -kPad);
  const double cand_w = candidates.isEmpty() ? 0 : std::min(300.0, inner.width() * 0.34);
  const double bar_w = bar ? kColorBarWidth : 0;
  l.candidates = QRectF(inner.right() - cand_w, inner.top(), cand_w, inner.height());
  l.bar = QRectF(l.candidates.left() - bar_w - (bar ? kPad : 0), inner.top(), bar_w, std::min(inner.height(), 220.0));
  l.text = QRectF(inner.left(), inner.top(), std::max(50.0, l.bar.left() - kPad - inner.left()), inner.height());
  double x = l.text.left(), y = l.text.top();
  for (int i = 0; i < tokens.size(); ++i) {
    const QFontMetricsF fm(token_font(i >= prompt_tokens));
    const double w = fm.horizontalAdvance(shown(tokens[i])) + 2 * kBoxPadX, h = fm.height() + 4;
    if (x > l.text.left() && x + w > l.text.right()) {
      x = l.text.left();
      y += h + kLineGap;
    }
    l.boxes.emplace_back(x, y, std::min(w, l.text.width()), h);
    x += w + kBoxGap;
  }
  for (int k = 0; k < candidates.size(); ++k)
    l.rows.emplace_back(l.candidates.left(), l.candidates.top() + 20 + k * kCandidateRow, l.candidates.width(), kCandidateRow - 3);
  return l;
}

void GenerationRenderer::paint(QPainter& p, const QRectF& area) const {
  paint_figure_background(p, area, subject.isEmpty() ? title : title + " — " + subject, kPad, kTitle);
  const Layout l = layout(area);
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  const double top = weights.empty() ? 1.0 : std::max(1e-12, *std::max_element(weights.begin(), weights.end()));
  for (int i = 0; i < tokens.size(); ++i) {
    const QRectF r = l.boxes[static_cast<size_t>(i)];
    const bool in_context = static_cast<size_t>(i) < weights.size();
    QColor fill = Qt::white;
    if (in_context) fill = cmap.color(weights[static_cast<size_t>(i)] / top);
    p.fillRect(r, fill);
    p.setFont(token_font(i >= prompt_tokens));
    p.setPen(qGray(fill.rgb()) < 128 ? Qt::white : Qt::black);
    p.drawText(r, Qt::AlignCenter, shown(tokens[i]));
    if (!in_context) {  // the token this step chose
      QPen pen(QColor(200, 30, 30), 2, Qt::DashLine);
      p.setPen(pen);
      p.setBrush(Qt::NoBrush);
      p.drawRect(r.adjusted(1, 1, -1, -1));
    }
  }
  if (bar) paint_color_bar(p, l.bar, *bar);
  if (!candidates.isEmpty()) {
    QFont f;
    f.setPointSizeF(9.5);
    f.setBold(true);
    p.setFont(f);
    p.setPen(Qt::black);
    p.drawText(QRectF(l.candidates.left(), l.candidates.top(), l.candidates.width(), 18), Qt::AlignLeft | Qt::AlignVCenter,
               QObject::tr("Next-token candidates"));
    f.setBold(false);
    const double pmax = std::max(1e-12, *std::max_element(probabilities.begin(), probabilities.end()));
    for (int k = 0; k < candidates.size(); ++k) {
      const QRectF r = l.rows[static_cast<size_t>(k)];
      const double label_w = r.width() * 0.38, num_w = 52;
      const QRectF bar_area(r.left() + label_w, r.top() + 2, r.width() - label_w - num_w, r.height() - 4);
      const double pk = probabilities[static_cast<size_t>(k)];
      p.fillRect(QRectF(bar_area.left(), bar_area.top(), bar_area.width() * pk / pmax, bar_area.height()),
                 k == chosen ? QColor(200, 30, 30) : QColor(90, 120, 170));
      f.setBold(k == chosen);
      p.setFont(f);
      p.setPen(Qt::black);
      p.drawText(QRectF(r.left(), r.top(), label_w - 4, r.height()), Qt::AlignRight | Qt::AlignVCenter,
                 QFontMetricsF(f).elidedText(shown(candidates[k]), Qt::ElideRight, label_w - 4));
      p.drawText(QRectF(r.right() - num_w, r.top(), num_w, r.height()), Qt::AlignRight | Qt::AlignVCenter,
                 QString::number(pk * 100, 'f', pk >= 0.1 ? 1 : 2) + "%");
    }
  }
  p.restore();
}

int GenerationRenderer::tokenAt(const QRectF& area, const QPointF& pos) const {
  const Layout l = layout(area);
  for (size_t i = 0; i < l.boxes.size(); ++i)
    if (l.boxes[i].contains(pos)) return static_cast<int>(i);
  return -1;
}

int GenerationRenderer::candidateAt(const QRectF& area, const QPointF& pos) const {
  const Layout l = layout(area);
  for (size_t k = 0; k < l.rows.size(); ++k)
    if (l.rows[k].contains(pos)) return static_cast<int>(k);
  return -1;
}

}  // namespace attnscope::ui
