#include "ui/render/figure_renderer.h"

#include <QTextOption>

#include <cmath>

namespace attnscope::ui {

QFont title_font(const QFont& base, const QString& title, double width) {
  QFont bold = base;
  bold.setBold(true);
  const double needed = QFontMetricsF(bold).horizontalAdvance(title);
  if (needed > width && width > 0) bold.setPointSizeF(bold.pointSizeF() * std::max(kTitleMinScale, width / needed * 0.98));
  return bold;
}

void paint_figure_background(QPainter& p, const QRectF& area, const QString& title, double pad, double height) {
  p.fillRect(area, Qt::white);
  if (title.isEmpty()) return;
  const QFont font = p.font();
  const double width = area.width() - 2 * pad;
  const QFont bold = title_font(font, title, width);
  p.setFont(bold);
  p.setPen(Qt::black);
  p.drawText(QRectF(area.left() + pad, area.top() + pad, width, height), Qt::AlignLeft | Qt::AlignVCenter,
             QFontMetricsF(bold).elidedText(title, Qt::ElideRight, width));
  p.setFont(font);
}

void paint_pending_banner(QPainter& p, const QRectF& area, const QString& text) {
  if (text.isEmpty()) return;
  p.save();
  const QFontMetricsF fm(p.font());
  const double w = std::min(area.width() - 16, 520.0);
  const QRectF need = fm.boundingRect(QRectF(0, 0, w - 20, 1000), Qt::TextWordWrap, text);
  const QRectF box(area.center().x() - w / 2, area.top() + 8, w, need.height() + 16);
  p.setPen(QPen(QColor(200, 150, 20), 1));
  p.setBrush(QColor(255, 244, 200));
  p.drawRoundedRect(box, 6, 6);
  p.setPen(Qt::black);
  p.drawText(box.adjusted(10, 8, -10, -8), Qt::AlignCenter | Qt::TextWordWrap, text);
  p.restore();
}

std::vector<double> axis_ticks(double lower, double upper, bool log) {
  std::vector<double> out;
  if (!(upper > lower)) return {lower};
  if (log && lower > 0) {
    for (double d = std::pow(10.0, std::ceil(std::log10(lower) - 1e-9)); d <= upper * (1 + 1e-9); d *= 10) out.push_back(d);
    return out;
  }
  const double raw = (upper - lower) / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / mag >= 5 ? 5 * mag : raw / mag >= 2 ? 2 * mag : mag;
  for (double v = std::ceil(lower / step - 1e-9) * step; v <= upper + step * 1e-6; v += step) out.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

void paint_color_bar(QPainter& p, const QRectF& area, const ColorBar& bar) {
  p.save();
  const double strip_w = 12;
  const QRectF strip(area.left() + 4, area.top() + 8, strip_w, area.height() - 16);
  if (strip.height() < 10) {
    p.restore();
    return;
  }
  // The strip: 256 bands, top = upper end.
  for (int i = 0; i < 256; ++i) {
    const double y0 = strip.bottom() - strip.height() * (i + 1) / 256.0;
    p.fillRect(QRectF(strip.left(), y0, strip.width(), strip.height() / 256.0 + 0.5), QColor::fromRgb(bar.faded ? bar.cmap.faded(i / 255.0) : bar.cmap.level(i)));
  }
  p.setPen(QPen(Qt::black, 0.8));
  p.setBrush(Qt::NoBrush);
  p.drawRect(strip);
  QFont f = p.font();
  f.setPointSizeF(7.5);
  p.setFont(f);
  const QFontMetricsF fm(f);
  auto y_of = [&](double v) {
    double t = bar.log && bar.lower > 0 ? (std::log10(v) - std::log10(bar.lower)) / (std::log10(bar.upper) - std::log10(bar.lower))
                                        : (v - bar.lower) / (bar.upper - bar.lower);
    return strip.bottom() - std::clamp(t, 0.0, 1.0) * strip.height();
  };
  for (double v : axis_ticks(bar.lower, bar.upper, bar.log)) {
    const double y = y_of(v);
    p.drawLine(QPointF(strip.right(), y), QPointF(strip.right() + 3, y));
    p.drawText(QRectF(strip.right() + 5, y - fm.height() / 2, area.width() - strip_w - 24, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(v, 'g', 3));
  }
  // The label, written upwards along the right edge; on two lines when one is too short for it.
  const int lines = fm.horizontalAdvance(bar.label) > strip.height() ? 2 : 1;
  const QRectF box(-strip.height() / 2, -lines * fm.height(), strip.height(), lines * fm.height());
  p.translate(area.right() - 4, strip.center().y());
  p.rotate(-90);
  if (lines == 1) p.drawText(box, Qt::AlignCenter, bar.label);
  else {
    QTextOption option(Qt::AlignCenter);
    option.setWrapMode(QTextOption::WordWrap);
    p.drawText(box, bar.label, option);
  }
  p.restore();
}

}  // namespace attnscope::ui
