#pragma once

#include <optional>
#include <vector>

#include <QColor>
#include <QPainter>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>

#include "core/common/tensor.h"

namespace attnscope::ui {

// A small chart description painted with QPainter alone: bars (grouped or stacked), lines and
// points on linear or log axes, an optional right axis, vertical markers, and signed heat maps.
// The Inside and Cost figures are made of these, so the screen and every export draw the same
// picture without a plotting widget.
struct ChartAxis {
  QString label;
  bool log = false;
  double lower = 0.0;
  double upper = 1.0;
  bool reversed = false;     // y: the first category at the top
  QStringList categories;    // if set: tick i at value i, labelled categories[i] (thinned to fit)
  bool rotate_labels = false;  // category labels turned 60 degrees, for long token labels
};

struct ChartSeries {
  enum class Kind { Bars, Line, Points };
  enum class Shape { Disc, Circle, Diamond, Triangle };
  Kind kind = Kind::Line;
  QString name;
  QColor color = Qt::black;
  Qt::PenStyle style = Qt::SolidLine;
  Shape shape = Shape::Disc;
  bool right_axis = false;
  bool dots = false;  // a line with its points marked
  QVector<double> x, y;

  static ChartSeries make(Kind kind, const QString& name, const QColor& color, Qt::PenStyle style = Qt::SolidLine) {
    ChartSeries s;
    s.kind = kind;
    s.name = name;
    s.color = color;
    s.style = style;
    return s;
  }
};

// A vertical line at x with its text hanging down from the top, left of the line.
struct ChartMarker {
  double x = 0.0;
  QString text;
  QColor color = Qt::black;
  Qt::PenStyle style = Qt::SolidLine;
};

// A [rows, cols] map of signed values on the diverging map, symmetric about 0: row r at y = r,
// column c at x = c; the colour bar goes to the right.
struct ChartHeat {
  RowMatrix values;
  double limit = 1.0;  // colours span [-limit, limit]
};

enum class ChartLegend { None, TopLeft, BottomRight, Right };
enum class BarLayout { Grouped, Stacked };

struct Chart {
  QString title;
  ChartAxis x, y, y2;
  bool right_axis = false;  // y2 is shown (for series with right_axis)
  std::vector<ChartSeries> series;
  BarLayout bars = BarLayout::Grouped;
  std::vector<ChartMarker> markers;
  std::optional<ChartHeat> heat;
  ChartLegend legend = ChartLegend::TopLeft;
  int legend_columns = 1;

  const ChartSeries* find(const QString& name) const;
  bool empty() const { return series.empty() && !heat; }
};

// Fits an axis to the series on it (bars from 0), widened by `margin` (a factor; on a log axis the
// span in decades).
void fit_axis(Chart& chart, bool right, double margin = 1.05);

void paint_chart(QPainter& painter, const QRectF& area, const Chart& chart);
// A tooltip for `pos` in a chart painted in `area`: the category under it with every series'
// value there, each curve's nearest point, or a heat map's row, column and value. Empty outside
// the plot.
QString chart_tip(const QRectF& area, const Chart& chart, const QPointF& pos);

}  // namespace attnscope::ui
