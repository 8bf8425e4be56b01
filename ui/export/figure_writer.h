#pragma once

#include <optional>

#include <QSizeF>
#include <QString>

namespace attnscope::ui {

class FigureRenderer;
}  // namespace attnscope::ui
class QPainter;
class QRectF;
namespace attnscope::ui {

enum class FigureFormat { Png, Svg, Pdf };
std::optional<FigureFormat> figure_format_for(const QString& path);  // by extension
QString to_string(FigureFormat f);

struct FigureFileOptions {
  QSizeF size_inches;        // empty: the figure's natural size (96 px per inch)
  double dpi = 300;          // PNG resolution; the pixel size is round(size_inches * dpi)
  bool overwrite = false;    // replace an existing file
  QString title;             // document title metadata (SVG, PDF)
  QString description;       // SVG description
};

// Page sizes for papers and slides. A column preset fixes the width and keeps the figure's own
// proportions (its natural size), so that a page holds the content and no blank; the slide is 16:9.
enum class FigurePreset { Natural, SingleColumn, DoubleColumn, Slide };
inline constexpr double kSingleColumnInches = 3.3, kDoubleColumnInches = 6.9, kSlideInches = 10.0;
QSizeF preset_size(FigurePreset preset, QSizeF natural_inches);
QSizeF preset_size(FigurePreset preset, const FigureRenderer& figure);  // heightForWidth where the figure has one
bool parse(const QString& name, FigurePreset& out);  // natural, single-column, double-column, slide

// Paints `figure` into `area`: at that size when the figure lays itself out to any area, or, for a
// figure of fixed layout (FigureRenderer::fixedLayout) smaller than its natural size, at its
// natural size scaled down to fit, so nothing is cut.
void paint_fitted(const FigureRenderer& figure, QPainter& painter, const QRectF& area);

// Draws `figure` into `path` (.png, .svg or .pdf by extension). PNG: raster at the given DPI,
// with that DPI recorded; SVG and PDF: vector paths and real text (PDF embeds the fonts). The file
// is written atomically; throws attnscope::Error(Output) (or Usage for an unknown extension).
// Returns the size used, in inches.
QSizeF write_figure(const FigureRenderer& figure, const QString& path, const FigureFileOptions& options);

}  // namespace attnscope::ui
