#pragma once

#include <optional>

#include <QSizeF>
#include <QString>

namespace attnscope::ui {

class FigureRenderer;

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

// Draws `figure` into `path` (.png, .svg or .pdf by extension). PNG: raster at the given DPI,
// with that DPI recorded; SVG and PDF: vector paths and real text (PDF embeds the fonts). The file
// is written atomically; throws attnscope::Error(Output) (or Usage for an unknown extension).
// Returns the size used, in inches.
QSizeF write_figure(const FigureRenderer& figure, const QString& path, const FigureFileOptions& options);

}  // namespace attnscope::ui
