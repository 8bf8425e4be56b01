#pragma once

#include <QPoint>
#include <QPointF>
#include <QStringList>

#include "ui/document/display_map.h"
#include "ui/render/color_map.h"

class QCustomPlot;
class QCPColorMap;

namespace attnscope::ui {

// Configures a QCustomPlot as the attention matrix: key tokens along x, query tokens down y
// (row 0 at the top), one cell per (query, key), token labels on both axes thinned so they never
// overlap, and a colour scale naming the normalisation. Used by MatrixView on screen and by the
// export renderer offscreen, so both draw the same figure.
class MatrixPlot {
 public:
  // How cells smaller than a pixel are shown: each screen pixel stands for a block of cells and
  // shows their maximum (a single strong cell never disappears) or their mean.
  enum class Pooling { Max, Mean };

  struct Options {
    QString title;              // empty: none
    bool show_scale = true;
    int label_point_size = 8;
    Pooling pooling = Pooling::Max;
    bool fill_cells = true;     // false: the caller calls updateCells() once its zoom is set
  };

  // Rebuilds `plot` for `map`. `labels` has one entry per token of the analysis.
  static QCPColorMap* setup(QCustomPlot* plot, const DisplayMap& map, const QStringList& labels, const ColorMap& cmap,
                            const Options& options);
  // Level of detail: fills the colour map with the visible part of `map` at the resolution of
  // the plot's axis rect -- exact cells when each covers at least a pixel, otherwise blocks of
  // b x b cells pooled by `pooling`. Cost: the visible cells, never the whole matrix at full
  // size. Returns b. Call again after zooming, panning or resizing.
  static int updateCells(QCustomPlot* plot, QCPColorMap* colorMap, const DisplayMap& map, Pooling pooling);
  // Re-thins the axis labels for the current zoom and layout; true if the labels changed (the
  // plot then needs another replot, since ticks are laid out before the axis rect's final size
  // is known).
  static bool updateTickLabels(QCustomPlot* plot, const DisplayMap& map, const QStringList& labels);
  // The cell under a widget position, or {-1, -1}.
  static QPoint cellAt(QCustomPlot* plot, const DisplayMap& map, const QPointF& pos);
  static QString displayLabel(const QString& token);  // whitespace made visible, long tokens shortened
};

}  // namespace attnscope::ui
