#include "ui/render/charts_renderer.h"

#include <QAbstractTextDocumentLayout>
#include <QTextDocument>

namespace attnscope::ui {

double paint_rich_text(QPainter& p, const QRectF& area, const QString& html, double point_size) {
  if (html.isEmpty()) return 0;
  QTextDocument doc;
  QFont f = p.font();
  f.setPointSizeF(point_size);
  doc.setDefaultFont(f);
  doc.setDocumentMargin(2);
  doc.setHtml(html);
  doc.setTextWidth(area.width());
  p.save();
  p.translate(area.topLeft());
  const QRectF clip(0, 0, area.width(), area.height());
  p.setClipRect(clip, Qt::IntersectClip);
  QAbstractTextDocumentLayout::PaintContext ctx;
  ctx.palette.setColor(QPalette::Text, Qt::black);
  ctx.clip = clip;
  doc.documentLayout()->draw(&p, ctx);
  p.restore();
  return doc.size().height();
}

const Chart* ChartsRenderer::chart(size_t row, size_t column) const {
  return row < rows.size() && column < rows[row].charts.size() ? &rows[row].charts[column] : nullptr;
}

void ChartsRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  const double pad = 8;
  paint_figure_background(p, area, title, pad, 22);
  double top = area.top() + (title.isEmpty() ? 4 : 30);
  const QRectF header_box(area.left() + pad, top, area.width() - 2 * pad, area.height() / 4);
  top += paint_rich_text(p, header_box, header) + 4;
  double total = 0;
  for (const Row& r : rows) total += r.stretch;
  const double height = area.bottom() - top - 4;
  for (const Row& r : rows) {
    const double h = height * r.stretch / std::max(total, 1e-9);
    const QRectF box(area.left() + pad, top, area.width() - 2 * pad, h);
    const double chart_w = r.note.isEmpty() ? box.width() : box.width() * (1 - note_fraction);
    const double each = chart_w / std::max<size_t>(r.charts.size(), 1);
    for (size_t i = 0; i < r.charts.size(); ++i) paint_chart(p, QRectF(box.left() + i * each, box.top(), each - 4, box.height() - 4), r.charts[i]);
    if (!r.note.isEmpty()) paint_rich_text(p, QRectF(box.left() + chart_w + 8, box.top(), box.width() - chart_w - 8, box.height() - 4), r.note);
    top += h;
  }
  p.restore();
}

}  // namespace attnscope::ui
