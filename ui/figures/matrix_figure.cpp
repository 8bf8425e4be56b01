#include "ui/figures/matrix_figure.h"

#include "core/common/error.h"
#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"
#include "ui/render/matrix_renderer.h"

namespace attnscope::ui {

std::unique_ptr<FigureRenderer> matrix_figure(const AnalysisDocument& doc, const ViewState& s, const QString& title,
                                              std::optional<QRectF> zoom) {
  auto map = std::make_shared<const DisplayMap>(build_display_map(doc, s));
  if (map->empty()) fail(ErrorKind::Usage, map->unavailable.toStdString());
  auto r = std::make_unique<MatrixRenderer>();
  r->map = std::move(map);
  r->cmap = ColorMap(s.color_map);
  r->title = title;
  r->range = zoom;
  return r;
}

}  // namespace attnscope::ui
