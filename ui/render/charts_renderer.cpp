#include "ui/render/charts_renderer.h"

#include <QAbstractTextDocumentLayout>
#include <QTextDocument>

namespace attnscope::ui {

namespace {

void lay_out(QTextDocument& doc, const QString& html, double width, double point_size) {
  QFont f;
  f.setPointSizeF(point_size);
  doc.setDefaultFont(f);
  doc.setDocumentMargin(2);
  doc.setHtml(html);
  doc.setTextWidth(width);
}

constexpr double kPad = 8;

}  // namespace

double rich_text_height(const QString& html, double width, double point_size) {
  if (html.isEmpty()) return 0;
  QTextDocument doc;
  lay_out(doc, html, width, point_size);
  return doc.size().height();
}

double paint_rich_text(QPainter& p, const QRectF& area, const QString& html, double point_size) {
  if (html.isEmpty()) return 0;
  QTextDocument doc;
  lay_out(doc, html, area.width(), point_size);
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

std::vector<ChartsRenderer::Placed> ChartsRenderer::layout(const QRectF& area) const {
  std::vector<Placed> out;
  double top = area.top() + (title.isEmpty() ? 4 : 30);
  top += rich_text_height(header, area.width() - 2 * kPad) + 4;
  double total = 0;
  for (const Row& r : rows) total += r.stretch;
  const double height = area.bottom() - top - 4;
  for (const Row& r : rows) {
    const double h = height * r.stretch / std::max(total, 1e-9);
    const QRectF box(area.left() + kPad, top, area.width() - 2 * kPad, h);
    const double chart_w = r.note.isEmpty() ? box.width() : box.width() * (1 - note_fraction);
    const double each = chart_w / std::max<size_t>(r.charts.size(), 1);
    Placed placed;
    for (size_t i = 0; i < r.charts.size(); ++i)
      placed.charts.emplace_back(QRectF(box.left() + i * each, box.top(), each - 4, box.height() - 4), &r.charts[i]);
    if (!r.note.isEmpty()) placed.note = QRectF(box.left() + chart_w + 8, box.top(), box.width() - chart_w - 8, box.height() - 4);
    placed.row = &r;
    out.push_back(std::move(placed));
    top += h;
  }
  return out;
}

QString ChartsRenderer::tipAt(const QRectF& area, const QPointF& pos) const {
  for (const Placed& row : layout(area))
    for (const auto& [box, chart] : row.charts)
      if (box.contains(pos)) return chart_tip(box, *chart, pos);
  return {};
}

void ChartsRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  paint_figure_background(p, area, title, kPad, 22);
  const double top = area.top() + (title.isEmpty() ? 4 : 30);
  paint_rich_text(p, QRectF(area.left() + kPad, top, area.width() - 2 * kPad, area.height() / 4), header);
  for (const Placed& row : layout(area)) {
    for (const auto& [box, chart] : row.charts) paint_chart(p, box, *chart);
    if (!row.note.isEmpty()) paint_rich_text(p, row.note, row.row->note);
  }
  p.restore();
}

}  // namespace attnscope::ui
