#include "ui/render/chart.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <QFontMetricsF>
#include <QImage>
#include <QPainterPath>

#include "ui/render/color_map.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

const ChartSeries* Chart::find(const QString& name) const {
  for (const ChartSeries& s : series)
    if (s.name == name) return &s;
  return nullptr;
}

namespace {

QString superscript(int n) {
  static const char16_t digits[] = u"\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";
  QString out = n < 0 ? QString(QChar(0x207b)) : QString();
  for (QChar c : QString::number(std::abs(n))) out += QChar(digits[c.digitValue()]);
  return out;
}

QString tick_text(const ChartAxis& a, double v) {
  if (a.log) return "10" + superscript(static_cast<int>(std::lround(std::log10(v))));
  return QString::number(v, 'g', 4);
}

// Ticks to draw: (value, text). Category axes keep every `step`-th label so that they do not overlap.
std::vector<std::pair<double, QString>> ticks_of(const ChartAxis& a, double room_per_label, double length) {
  std::vector<std::pair<double, QString>> out;
  if (!a.categories.isEmpty()) {
    const int n = static_cast<int>(a.categories.size());
    const int step = std::max(1, static_cast<int>(std::ceil(n * room_per_label / std::max(length, 1.0))));
    for (int i = 0; i < n; i += step) out.emplace_back(i, a.categories[i]);
    return out;
  }
  for (double v : axis_ticks(a.lower, a.upper, a.log)) out.emplace_back(v, tick_text(a, v));
  return out;
}

double fraction(const ChartAxis& a, double v) {
  if (a.log) {
    if (!(v > 0) || !(a.lower > 0)) return std::nan("");
    return (std::log10(v) - std::log10(a.lower)) / (std::log10(a.upper) - std::log10(a.lower));
  }
  return (v - a.lower) / (a.upper - a.lower);
}

void draw_shape(QPainter& p, QPointF c, ChartSeries::Shape shape, const QColor& color, double r = 3.2) {
  p.setPen(QPen(color, 1.4));
  p.setBrush(shape == ChartSeries::Shape::Disc ? QBrush(color) : Qt::NoBrush);
  switch (shape) {
    case ChartSeries::Shape::Disc:
    case ChartSeries::Shape::Circle: p.drawEllipse(c, r, r); break;
    case ChartSeries::Shape::Diamond: p.drawPolygon(QPolygonF{c + QPointF(0, -r - 1), c + QPointF(r + 1, 0), c + QPointF(0, r + 1), c + QPointF(-r - 1, 0)}); break;
    case ChartSeries::Shape::Triangle: p.drawPolygon(QPolygonF{c + QPointF(0, -r - 1), c + QPointF(r + 1, r), c + QPointF(-r - 1, r)}); break;
  }
}

void draw_swatch(QPainter& p, const QRectF& r, const ChartSeries& s) {
  const QPointF mid(r.center());
  if (s.kind == ChartSeries::Kind::Bars) {
    p.fillRect(QRectF(r.left(), r.top() + 2, r.width(), r.height() - 4), s.color);
  } else {
    if (s.kind == ChartSeries::Kind::Line) {
      p.setPen(QPen(s.color, 2, s.style));
      p.drawLine(QPointF(r.left(), mid.y()), QPointF(r.right(), mid.y()));
    }
    if (s.kind == ChartSeries::Kind::Points || s.dots) draw_shape(p, mid, s.shape, s.color, 2.8);
  }
}

}  // namespace

void fit_axis(Chart& chart, bool right, double margin) {
  ChartAxis& axis = right ? chart.y2 : chart.y;
  double lo = INFINITY, hi = -INFINITY;
  std::map<double, double> stacked;
  bool bars = false;
  for (const ChartSeries& s : chart.series) {
    if (s.right_axis != right) continue;
    for (int i = 0; i < s.y.size(); ++i) {
      double v = s.y[i];
      if (s.kind == ChartSeries::Kind::Bars) {
        bars = true;
        if (chart.bars == BarLayout::Stacked) v = stacked[s.x[i]] += v;
      }
      if (axis.log && !(v > 0)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo)) return;
  if (axis.log) {
    const double decades = std::max(std::log10(hi / lo), 0.5) * (margin - 1);
    axis.lower = lo / std::pow(10.0, decades);
    axis.upper = hi * std::pow(10.0, decades);
    return;
  }
  if (bars) lo = std::min(lo, 0.0);
  if (hi <= lo) hi = lo + 1;
  axis.lower = lo;
  axis.upper = lo + (hi - lo) * margin;
}

namespace {

// The widest tick label of an axis (category labels are elided at 90 px).
double tick_label_width(const QFontMetricsF& fm, const ChartAxis& a) {
  double w = 0;
  if (!a.categories.isEmpty())
    for (const QString& t : a.categories) w = std::max(w, std::min(fm.horizontalAdvance(t), 90.0));
  else
    for (double v : axis_ticks(a.lower, a.upper, a.log)) w = std::max(w, fm.horizontalAdvance(tick_text(a, v)));
  return w;
}

QFont chart_font() {
  QFont f;
  f.setPointSizeF(7.5);
  return f;
}

// Where paint_chart() puts the title and the plot for `c` in `area`, with the widths it reserved.
struct ChartLayout {
  double title_h = 0;
  QRectF plot;
  double y2_w = 0, heat_w = 0, x_tick_h = 0, x_label_h = 0;
};

ChartLayout chart_layout(const QRectF& area, const Chart& c) {
  const QFont font = chart_font();
  const QFontMetricsF fm(font);
  QFont legend_font = font;
  legend_font.setPointSizeF(7);
  const QFontMetricsF lfm(legend_font);
  ChartLayout l;
  if (!c.title.isEmpty()) {
    QFont bold = font;
    bold.setPointSizeF(8.5);
    bold.setBold(true);
    l.title_h = QFontMetricsF(bold).height() + 4;
  }
  auto label_width = [&](const ChartAxis& a) { return tick_label_width(fm, a); };
  double legend_w = 0;
  if (c.legend == ChartLegend::Right)
    for (const ChartSeries& s : c.series) legend_w = std::max(legend_w, lfm.horizontalAdvance(s.name) + 46);
  l.heat_w = c.heat ? kColorBarWidth - 20 : 0;
  const double y_w = label_width(c.y) + 6 + (c.y.label.isEmpty() ? 0 : fm.height() + 4);
  l.y2_w = c.right_axis ? label_width(c.y2) + 8 + (c.y2.label.isEmpty() ? 0 : fm.height() + 4) : 0;
  l.x_tick_h = c.x.rotate_labels && !c.x.categories.isEmpty() ? label_width(c.x) * 0.87 + fm.height() * 0.5 + 6 : fm.height() + 4;
  l.x_label_h = c.x.label.isEmpty() ? 0 : fm.height() + 2;
  l.plot = QRectF(area.left() + 4 + y_w, area.top() + 2 + l.title_h + 4, 0, 0);
  l.plot.setRight(area.right() - 8 - legend_w - l.heat_w - l.y2_w);
  l.plot.setBottom(area.bottom() - 2 - l.x_tick_h - l.x_label_h);
  return l;
}

}  // namespace

QString chart_tip(const QRectF& area, const Chart& c, const QPointF& pos) {
  const QRectF plot = chart_layout(area, c).plot;
  if (plot.width() < 20 || plot.height() < 20 || !plot.contains(pos)) return {};
  auto value_at = [](const ChartAxis& a, double t) {
    return a.log ? std::pow(10.0, std::log10(a.lower) + t * (std::log10(a.upper) - std::log10(a.lower))) : a.lower + t * (a.upper - a.lower);
  };
  const double x = value_at(c.x, (pos.x() - plot.left()) / plot.width());
  const double ty = (pos.y() - plot.top()) / plot.height();
  if (c.heat) {
    const int col = static_cast<int>(std::lround(x));
    const int row = static_cast<int>(std::lround(value_at(c.y, c.y.reversed ? ty : 1 - ty)));
    if (row < 0 || col < 0 || row >= c.heat->values.rows() || col >= c.heat->values.cols()) return {};
    return QString("%1 · %2 %3: %4").arg(c.y.categories.value(row)).arg(c.x.label.section(' ', 0, 0)).arg(col).arg(c.heat->values(row, col), 0, 'g', 4);
  }
  // Categories: every series' value at the category under the cursor. Curves: each series' point
  // nearest in x.
  QStringList lines;
  const bool categories = !c.x.categories.isEmpty();
  const double at = categories ? std::round(x) : x;
  if (categories) {
    const int i = static_cast<int>(at);
    if (i < 0 || i >= c.x.categories.size()) return {};
    lines << c.x.categories[i];
  }
  for (const ChartSeries& s : c.series) {
    int best = -1;
    for (int i = 0; i < s.x.size(); ++i)
      if (categories ? s.x[i] == at : (best < 0 || std::abs(std::log(s.x[i] / x)) < std::abs(std::log(s.x[best] / x)))) best = i;
    if (best < 0) continue;
    if (categories) lines << QString("%1: %2").arg(s.name).arg(s.y[best], 0, 'g', 4);
    else lines << QString("%1: %2 at %3").arg(s.name).arg(s.y[best], 0, 'g', 4).arg(s.x[best], 0, 'g', 4);
  }
  return lines.join('\n');
}

void paint_chart(QPainter& p, const QRectF& area, const Chart& c) {
  p.save();
  p.setRenderHint(QPainter::Antialiasing);
  p.setClipRect(area);
  const QFont font = chart_font();
  p.setFont(font);
  const QFontMetricsF fm(font);
  QFont legend_font = font;
  legend_font.setPointSizeF(7);
  const QFontMetricsF lfm(legend_font);
  const ChartLayout layout = chart_layout(area, c);
  if (!c.title.isEmpty()) {
    QFont bold = font;
    bold.setPointSizeF(8.5);
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(Qt::black);
    p.drawText(QRectF(area.left(), area.top() + 2, area.width(), layout.title_h), Qt::AlignHCenter | Qt::AlignVCenter, c.title);
    p.setFont(font);
  }
  auto label_width = [&](const ChartAxis& a) { return tick_label_width(fm, a); };
  const QRectF plot = layout.plot;
  const double y2_w = layout.y2_w, heat_w = layout.heat_w, x_tick_h = layout.x_tick_h, x_label_h = layout.x_label_h;
  if (plot.width() < 20 || plot.height() < 20) {
    p.restore();
    return;
  }
  auto X = [&](double v) { return plot.left() + fraction(c.x, v) * plot.width(); };
  auto Y_on = [&](const ChartAxis& a, double v) {
    const double t = fraction(a, v);
    return a.reversed ? plot.top() + t * plot.height() : plot.bottom() - t * plot.height();
  };
  auto Y = [&](double v) { return Y_on(c.y, v); };

  // Grid and the data, clipped to the plot.
  const auto y_ticks = ticks_of(c.y, fm.height(), plot.height());
  const auto x_ticks = ticks_of(c.x, c.x.rotate_labels ? fm.height() : label_width(c.x) + 8, plot.width());
  p.save();
  p.setClipRect(plot);
  if (c.y.categories.isEmpty() && !c.heat) {
    p.setPen(QPen(QColor(225, 225, 225), 0.8));
    for (const auto& [v, t] : y_ticks) p.drawLine(QPointF(plot.left(), Y(v)), QPointF(plot.right(), Y(v)));
  }
  if (c.heat) {
    const RowMatrix& m = c.heat->values;
    QImage img(static_cast<int>(m.cols()), static_cast<int>(m.rows()), QImage::Format_RGB32);
    const ColorMap cmap(ColorMapId::Diverging);
    for (int r = 0; r < m.rows(); ++r)
      for (int col = 0; col < m.cols(); ++col) img.setPixel(col, r, cmap.rgb(m(r, col), -c.heat->limit, c.heat->limit));
    const QRectF target = QRectF(QPointF(X(-0.5), Y(-0.5)), QPointF(X(m.cols() - 0.5), Y(m.rows() - 0.5))).normalized();
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(target, c.y.reversed ? img : img.mirrored(false, true));
  }
  int bar_series = 0;
  for (const ChartSeries& s : c.series) bar_series += s.kind == ChartSeries::Kind::Bars;
  int bar_index = 0;
  std::map<double, double> stacked;
  for (const ChartSeries& s : c.series) {
    const ChartAxis& ya = s.right_axis ? c.y2 : c.y;
    if (s.kind == ChartSeries::Kind::Bars) {
      const bool grouped = c.bars == BarLayout::Grouped;
      const double slot = 0.8, w = grouped ? slot / std::max(bar_series, 1) : slot;
      for (int i = 0; i < s.x.size(); ++i) {
        const double x0 = s.x[i] - slot / 2 + (grouped ? bar_index * w : 0);
        const double base = grouped ? 0.0 : stacked[s.x[i]];
        const double tip = base + s.y[i];
        if (!grouped) stacked[s.x[i]] = tip;
        const QRectF bar = QRectF(QPointF(X(x0), Y_on(ya, base)), QPointF(X(x0 + w), Y_on(ya, tip))).normalized();
        p.fillRect(bar, s.color);
      }
      ++bar_index;
      continue;
    }
    QPolygonF points;
    for (int i = 0; i < s.x.size(); ++i) {
      const QPointF pt(X(s.x[i]), Y_on(ya, s.y[i]));
      if (std::isfinite(pt.x()) && std::isfinite(pt.y())) points << pt;
    }
    if (s.kind == ChartSeries::Kind::Line) {
      p.setPen(QPen(s.color, 2, s.style));
      p.setBrush(Qt::NoBrush);
      p.drawPolyline(points);
    }
    if (s.kind == ChartSeries::Kind::Points || s.dots)
      for (const QPointF& pt : points) draw_shape(p, pt, s.shape, s.color);
  }
  for (const ChartMarker& m : c.markers) {
    const double x = X(m.x);
    if (!(x >= plot.left() && x <= plot.right())) continue;
    p.setPen(QPen(m.color, 1.5, m.style));
    p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    p.save();
    p.translate(x - 2, plot.top() + 4);
    p.rotate(-90);
    p.setPen(m.color);
    p.setFont(legend_font);
    p.drawText(QRectF(-plot.height(), -lfm.height(), plot.height(), lfm.height()), Qt::AlignRight | Qt::AlignBottom, m.text);
    p.restore();
  }
  p.restore();

  // Axes, ticks and labels.
  p.setPen(QPen(Qt::black, 0.8));
  p.setBrush(Qt::NoBrush);
  p.drawLine(plot.bottomLeft(), plot.bottomRight());
  p.drawLine(plot.bottomLeft(), plot.topLeft());
  if (c.right_axis) p.drawLine(plot.bottomRight(), plot.topRight());
  for (const auto& [v, t] : y_ticks) {
    const double y = Y(v);
    if (y < plot.top() - 1 || y > plot.bottom() + 1) continue;
    p.drawLine(QPointF(plot.left() - 3, y), QPointF(plot.left(), y));
    p.drawText(QRectF(area.left(), y - fm.height() / 2, plot.left() - area.left() - 5, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               fm.elidedText(t, Qt::ElideRight, 90));
  }
  if (c.right_axis)
    for (const auto& [v, t] : ticks_of(c.y2, fm.height(), plot.height())) {
      const double y = Y_on(c.y2, v);
      if (y < plot.top() - 1 || y > plot.bottom() + 1) continue;
      p.drawLine(QPointF(plot.right(), y), QPointF(plot.right() + 3, y));
      p.drawText(QRectF(plot.right() + 5, y - fm.height() / 2, y2_w, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, t);
    }
  for (const auto& [v, t] : x_ticks) {
    const double x = X(v);
    if (x < plot.left() - 1 || x > plot.right() + 1) continue;
    p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3));
    if (c.x.rotate_labels && !c.x.categories.isEmpty()) {
      p.save();
      p.translate(x, plot.bottom() + 5);
      p.rotate(-60);
      p.drawText(QRectF(-92, -fm.height() / 2, 90, fm.height()), Qt::AlignRight | Qt::AlignVCenter, fm.elidedText(t, Qt::ElideRight, 90));
      p.restore();
    } else {
      const double w = fm.horizontalAdvance(t) + 2;
      p.drawText(QRectF(x - w / 2, plot.bottom() + 4, w, fm.height()), Qt::AlignCenter, t);
    }
  }
  if (!c.x.label.isEmpty())
    p.drawText(QRectF(plot.left(), plot.bottom() + x_tick_h, plot.width(), x_label_h), Qt::AlignCenter, c.x.label);
  auto vertical_label = [&](const QString& text, double x, double angle) {
    p.save();
    p.translate(x, plot.center().y());
    p.rotate(angle);
    p.drawText(QRectF(-plot.height() / 2, -fm.height() / 2, plot.height(), fm.height()), Qt::AlignCenter,
               fm.elidedText(text, Qt::ElideRight, plot.height()));
    p.restore();
  };
  if (!c.y.label.isEmpty()) vertical_label(c.y.label, area.left() + 2 + fm.height() / 2, -90);
  if (c.right_axis && !c.y2.label.isEmpty()) vertical_label(c.y2.label, plot.right() + y2_w - fm.height() / 2, 90);
  if (c.heat) {
    ColorBar bar{ColorMap(ColorMapId::Diverging), -c.heat->limit, c.heat->limit, false, QString()};
    paint_color_bar(p, QRectF(plot.right() + y2_w + 2, plot.top() - 8, kColorBarWidth, plot.height() + 16), bar);
  }

  // The legend.
  if (c.legend != ChartLegend::None && !c.series.empty()) {
    p.setFont(legend_font);
    const int n = static_cast<int>(c.series.size());
    const int cols = c.legend == ChartLegend::Right ? 1 : std::clamp(c.legend_columns, 1, n);
    const int rows = (n + cols - 1) / cols;
    double name_w = 0;
    for (const ChartSeries& s : c.series) name_w = std::max(name_w, lfm.horizontalAdvance(s.name));
    const double line_h = lfm.height() + 2, col_w = name_w + 26;
    const QSizeF box(cols * col_w + 6, rows * line_h + 6);
    QPointF at = c.legend == ChartLegend::Right      ? QPointF(plot.right() + y2_w + heat_w + 10, plot.top())
                 : c.legend == ChartLegend::TopLeft ? QPointF(plot.left() + 6, plot.top() + 6)
                                                    : QPointF(plot.right() - 6 - box.width(), plot.bottom() - 6 - box.height());
    const QRectF frame(at, box);
    p.setPen(QPen(QColor(190, 190, 190), 0.8));
    p.setBrush(QColor(255, 255, 255, 225));
    p.drawRect(frame);
    for (int i = 0; i < n; ++i) {
      const double x = frame.left() + 4 + (i / rows) * col_w, y = frame.top() + 3 + (i % rows) * line_h;
      draw_swatch(p, QRectF(x, y, 16, line_h), c.series[size_t(i)]);
      p.setPen(Qt::black);
      p.drawText(QRectF(x + 20, y, name_w + 4, line_h), Qt::AlignLeft | Qt::AlignVCenter, c.series[size_t(i)].name);
    }
  }
  p.restore();
}

}  // namespace attnscope::ui
