#include "ui/figures/matrix_figure.h"

#include <algorithm>

#include <qcustomplot.h>

#include "core/common/error.h"
#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"
#include "ui/render/matrix_plot.h"
#include "ui/render/qcp_figure.h"

namespace attnscope::ui {

namespace {

QSizeF matrix_size(int tokens) {
  const double side = std::clamp(260.0 + 16.0 * tokens, 480.0, 1400.0);
  return QSizeF(side + 90, side);
}

}  // namespace

std::unique_ptr<FigureRenderer> matrix_figure(const AnalysisDocument& doc, const ViewState& s, const QString& title,
                                              std::optional<QRectF> zoom) {
  const DisplayMap map = build_display_map(doc, s);
  if (map.empty()) fail(ErrorKind::Usage, map.unavailable.toStdString());
  const QStringList labels = doc.tokenLabels();
  const ColorMap cmap(s.color_map);
  auto setup = [map, labels, cmap, title, zoom](QCustomPlot* plot) {
    MatrixPlot::Options o;
    o.title = title;
    MatrixPlot::setup(plot, map, labels, cmap, o);
    if (zoom) {
      plot->xAxis->setRange(zoom->left(), zoom->right());
      plot->yAxis->setRange(zoom->top(), zoom->bottom());
    }
  };
  auto thin = [map, labels](QCustomPlot* plot) { MatrixPlot::updateTickLabels(plot, map, labels); };
  return std::make_unique<QcpFigure>(setup, matrix_size(static_cast<int>(map.values.rows())), thin);
}

}  // namespace attnscope::ui
