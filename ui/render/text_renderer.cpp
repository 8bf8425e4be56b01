#include "ui/render/text_renderer.h"

#include <QAbstractTextDocumentLayout>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextLayout>

#include "ui/document/display_map.h"

#include <algorithm>
#include <cmath>

namespace attnscope::ui {

namespace {
constexpr double kPad = 12, kTitle = 26, kChipH = 22;

bool dark(QRgb c) { return qGray(c) < 128; }

QRgb highlight(const ColorMap& cmap, double shade, bool masked) { return masked ? kMaskedColor.rgb() : cmap.faded(shade); }
}  // namespace

std::vector<int> utf16_positions(const std::string& s) {
  // Bytes inside a character map to the character's start.
  std::vector<int> out(s.size() + 1, 0);
  int u = 0;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    for (size_t k = 0; k < len && i + k < s.size(); ++k) out[i + k] = u;
    u += len == 4 ? 2 : 1;
    i += len;
  }
  out[s.size()] = u;
  return out;
}

QTextDocument& TextRenderer::document(double width) const {
  if (layout_ && layout_width_ == width) return *layout_;
  layout_width_ = width;
  layout_ = std::make_unique<QTextDocument>();
  bases_.clear();
  QTextDocument* doc = layout_.get();
  doc->setDocumentMargin(0);
  QFont f = doc->defaultFont();
  f.setPointSizeF(12);
  doc->setDefaultFont(f);
  doc->setTextWidth(width);
  QTextCursor cur(doc);
  for (size_t p = 0; p < paragraphs.size(); ++p) {
    if (p) cur.insertBlock();
    const int base = cur.position();
    bases_.push_back(base);
    cur.insertText(paragraphs[p].text);
    for (const Span& s : paragraphs[p].spans) {
      if (s.end <= s.begin) continue;
      QTextCursor c(doc);
      c.setPosition(base + s.begin);
      c.setPosition(base + s.end, QTextCursor::KeepAnchor);
      QTextCharFormat fmt;
      const QRgb rgb = highlight(cmap, s.shade, s.masked);
      fmt.setBackground(QColor::fromRgb(rgb));
      fmt.setForeground(dark(rgb) ? Qt::white : Qt::black);
      if (s.token == query) {
        fmt.setFontWeight(QFont::Bold);
        fmt.setFontUnderline(true);
        fmt.setUnderlineColor(QColor(220, 40, 40));
      }
      c.mergeCharFormat(fmt);
    }
  }
  return *doc;
}

double TextRenderer::chipsHeight(double) const { return chips.empty() ? 0 : kChipH + 8; }

double TextRenderer::textWidth(const QRectF& area) const { return area.width() - 2 * kPad - (bar ? kColorBarWidth + kPad : 0); }

double TextRenderer::heightForWidth(double width) const {
  const QRectF area(0, 0, width, 100);
  const double h = 2 * kPad + kTitle + chipsHeight(width) + document(textWidth(area)).size().height() + (note.isEmpty() ? 0 : 24);
  return std::max(h, bar ? 240.0 : 0.0);
}

QSizeF TextRenderer::naturalSize() const { return QSizeF(720, heightForWidth(720)); }

void TextRenderer::paint(QPainter& p, const QRectF& area) const {
  p.save();
  paint_figure_background(p, area, title, kPad, kTitle - 4);
  double x = area.left() + kPad;
  const double cy = area.top() + kPad + kTitle;
  const QFontMetricsF fm(p.font());
  for (const Chip& c : chips) {
    const double w = fm.horizontalAdvance(c.label) + 12;
    const QRectF r(x, cy, w, kChipH);
    const QRgb rgb = highlight(cmap, c.shade, c.masked);
    p.setBrush(QColor::fromRgb(rgb));
    p.setPen(c.token == query ? QPen(QColor(220, 40, 40), 2) : QPen(QColor(150, 150, 150)));
    p.drawRoundedRect(r, 4, 4);
    p.setPen(dark(rgb) ? Qt::white : Qt::black);
    p.drawText(r, Qt::AlignCenter, c.label);
    x += w + 6;
  }
  const double ty = cy + chipsHeight(area.width());
  QTextDocument& doc = document(textWidth(area));
  p.translate(area.left() + kPad, ty);
  const QRectF clip = p.clipBoundingRect().isEmpty() ? QRectF(0, 0, textWidth(area), area.bottom() - ty) : p.clipBoundingRect();
  doc.drawContents(&p, clip);
  p.translate(-(area.left() + kPad), -ty);
  if (bar)
    paint_color_bar(p, QRectF(area.right() - kPad - kColorBarWidth, cy, kColorBarWidth, std::min(220.0, area.bottom() - cy - kPad)), *bar);
  if (!note.isEmpty()) {
    p.setPen(QColor(120, 120, 120));
    p.drawText(QRectF(area.left() + kPad, ty + doc.size().height() + 4, area.width() - 2 * kPad, 20), Qt::AlignLeft, note);
  }
  p.restore();
}

int TextRenderer::tokenAt(const QRectF& area, const QPointF& pos) const {
  const double cy = area.top() + kPad + kTitle;
  if (!chips.empty() && pos.y() >= cy && pos.y() < cy + kChipH) {
    const QFontMetricsF fm{QFont()};
    double x = area.left() + kPad;
    for (const Chip& c : chips) {
      const double w = fm.horizontalAdvance(c.label) + 12;
      if (pos.x() >= x && pos.x() < x + w) return c.token;
      x += w + 6;
    }
    return -1;
  }
  const double ty = cy + chipsHeight(area.width());
  const QTextDocument& doc = document(textWidth(area));
  const int at = doc.documentLayout()->hitTest(pos - QPointF(area.left() + kPad, ty), Qt::ExactHit);
  if (at < 0) return -1;
  // A paragraph's text may hold newlines (several blocks): positions count from its first character.
  const auto after = std::upper_bound(bases_.begin(), bases_.end(), at);
  if (after == bases_.begin()) return -1;
  const size_t p = static_cast<size_t>(after - bases_.begin()) - 1;
  const int offset = at - bases_[p];
  if (p >= paragraphs.size()) return -1;
  for (const Span& s : paragraphs[p].spans)
    if (offset >= s.begin && offset < s.end) return s.token;
  return -1;
}

QRectF TextRenderer::tokenRect(const QRectF& area, int token) const {
  const double cy = area.top() + kPad + kTitle;
  const QFontMetricsF fm{QFont()};
  double x = area.left() + kPad;
  for (const Chip& c : chips) {
    const double w = fm.horizontalAdvance(c.label) + 12;
    if (c.token == token) return QRectF(x, cy, w, kChipH);
    x += w + 6;
  }
  const double ty = cy + chipsHeight(area.width());
  const QTextDocument& doc = document(textWidth(area));
  for (size_t p = 0; p < paragraphs.size() && p < bases_.size(); ++p)
    for (const Span& sp : paragraphs[p].spans) {
      if (sp.token != token) continue;
      const int begin = bases_[p] + sp.begin, end = bases_[p] + sp.end;
      const QTextBlock block = doc.findBlock(begin);
      if (!block.isValid() || !block.layout()) return {};
      const int in_block = begin - block.position();
      const QTextLine line = block.layout()->lineForTextPosition(in_block);
      if (!line.isValid()) return {};
      const QPointF origin = doc.documentLayout()->blockBoundingRect(block).topLeft() + QPointF(area.left() + kPad, ty);
      const double x0 = line.cursorToX(in_block);
      const double x1 = line.cursorToX(std::min(end - block.position(), line.textStart() + line.textLength()));
      return QRectF(origin.x() + x0, origin.y() + line.y(), std::max(2.0, x1 - x0), line.height());
    }
  return {};
}

std::pair<double, bool> TextRenderer::shown(int token) const {
  for (const Chip& c : chips)
    if (c.token == token) return {c.weight, c.masked};
  for (const Paragraph& para : paragraphs)
    for (const Span& sp : para.spans)
      if (sp.token == token) return {sp.weight, sp.masked};
  return {std::nan(""), false};
}

double TextRenderer::weightOf(int token) const { return shown(token).first; }

bool TextRenderer::isMasked(int token) const { return shown(token).second; }

std::optional<std::pair<int, QString>> TextRenderer::mergedWord(int token) const {
  for (const Paragraph& para : paragraphs)
    for (const Span& sp : para.spans)
      if (sp.token == token && sp.last_token > token) return std::make_pair(sp.last_token, para.text.mid(sp.begin, sp.end - sp.begin).trimmed());
  return std::nullopt;
}

}  // namespace attnscope::ui
