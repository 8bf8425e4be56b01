#include "ui/export/figure_writer.h"

#include <algorithm>
#include <cmath>

#include <QBuffer>
#include <QFileInfo>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

namespace {
constexpr double kLogicalDpi = 96.0;  // renderers lay out in device-independent pixels
}

std::optional<FigureFormat> figure_format_for(const QString& path) {
  const QString ext = QFileInfo(path).suffix().toLower();
  if (ext == "png") return FigureFormat::Png;
  if (ext == "svg") return FigureFormat::Svg;
  if (ext == "pdf") return FigureFormat::Pdf;
  return std::nullopt;
}

QString to_string(FigureFormat f) {
  switch (f) {
    case FigureFormat::Png: return "png";
    case FigureFormat::Svg: return "svg";
    case FigureFormat::Pdf: return "pdf";
  }
  return {};
}

QSizeF preset_size(FigurePreset preset, QSizeF natural) {
  if (natural.isEmpty()) natural = QSizeF(6.4, 4.8);
  auto at_width = [&](double w) { return QSizeF(w, std::clamp(natural.height() * w / natural.width(), 1.0, 9.5)); };
  switch (preset) {
    case FigurePreset::SingleColumn: return at_width(kSingleColumnInches);
    case FigurePreset::DoubleColumn: return at_width(kDoubleColumnInches);
    case FigurePreset::Slide: return QSizeF(kSlideInches, kSlideInches * 9.0 / 16.0);
    default: return natural;
  }
}

QSizeF preset_size(FigurePreset preset, const FigureRenderer& figure) {
  QSizeF size = preset_size(preset, figure.naturalSize() / kLogicalDpi);
  if (preset == FigurePreset::SingleColumn || preset == FigurePreset::DoubleColumn)
    if (const double h = figure.heightForWidth(size.width() * kLogicalDpi); h > 0) size.setHeight(h / kLogicalDpi);
  return size;
}

bool parse(const QString& name, FigurePreset& out) {
  if (name == "natural") out = FigurePreset::Natural;
  else if (name == "single-column") out = FigurePreset::SingleColumn;
  else if (name == "double-column") out = FigurePreset::DoubleColumn;
  else if (name == "slide") out = FigurePreset::Slide;
  else return false;
  return true;
}

void paint_fitted(const FigureRenderer& figure, QPainter& p, const QRectF& area) {
  const QSizeF natural = figure.naturalSize();
  const double scale = std::min({1.0, area.width() / natural.width(), area.height() / natural.height()});
  if (!figure.fixedLayout() || scale >= 1.0 || natural.isEmpty()) {
    figure.paint(p, area);
    return;
  }
  p.save();
  p.fillRect(area, Qt::white);
  p.translate(area.left() + (area.width() - natural.width() * scale) / 2, area.top());
  p.scale(scale, scale);
  figure.paint(p, QRectF(QPointF(0, 0), natural));
  p.restore();
}

QSizeF write_figure(const FigureRenderer& figure, const QString& path, const FigureFileOptions& o) {
  const auto format = figure_format_for(path);
  if (!format) fail(ErrorKind::Usage, path.toStdString() + ": unknown figure format (use .png, .svg or .pdf)");
  if (o.dpi < 10 || o.dpi > 2400) fail(ErrorKind::Usage, "DPI " + std::to_string(o.dpi) + " is out of range (10-2400)");
  check_writable(path.toStdString(), o.overwrite);
  const QSizeF inches = o.size_inches.isEmpty() ? figure.naturalSize() / kLogicalDpi : o.size_inches;
  const QSizeF logical = inches * kLogicalDpi;
  const QRectF area(QPointF(0, 0), logical);

  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  switch (*format) {
    case FigureFormat::Png: {
      const QSize pixels(qRound(inches.width() * o.dpi), qRound(inches.height() * o.dpi));
      if (static_cast<double>(pixels.width()) * pixels.height() > 400e6)
        fail(ErrorKind::Usage, "a " + std::to_string(pixels.width()) + "x" + std::to_string(pixels.height()) +
                                   " pixel PNG is too large; lower the DPI or the size, or export SVG/PDF");
      QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
      if (image.isNull()) fail(ErrorKind::Output, path.toStdString() + ": out of memory for the image");
      // Paint in logical pixels; fonts scale with it. Qt ignores a device pixel ratio below 1 (the
      // figure came out cropped below 96 DPI), so there the painter is scaled instead.
      const double ratio = o.dpi / kLogicalDpi;
      image.setDevicePixelRatio(std::max(ratio, 1.0));
      image.fill(Qt::white);
      {
        QPainter p(&image);
        if (ratio < 1.0) p.scale(ratio, ratio);
        p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
        paint_fitted(figure, p, area);
      }
      image.setDevicePixelRatio(1.0);
      const int dpm = qRound(o.dpi / 0.0254);
      image.setDotsPerMeterX(dpm);
      image.setDotsPerMeterY(dpm);
      if (!image.save(&buffer, "PNG")) fail(ErrorKind::Output, path.toStdString() + ": PNG encoding failed");
      break;
    }
    case FigureFormat::Svg: {
      QSvgGenerator svg;
      svg.setOutputDevice(&buffer);
      svg.setSize(logical.toSize());
      svg.setViewBox(area);
      svg.setResolution(static_cast<int>(kLogicalDpi));
      svg.setTitle(o.title);
      svg.setDescription(o.description);
      QPainter p(&svg);
      p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
      paint_fitted(figure, p, area);
      break;
    }
    case FigureFormat::Pdf: {
      QPdfWriter pdf(&buffer);
      pdf.setResolution(static_cast<int>(kLogicalDpi));  // painter units = figure pixels; text stays text
      pdf.setPageSize(QPageSize(inches * 72.0, QPageSize::Point, QString(), QPageSize::ExactMatch));
      pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
      pdf.setTitle(o.title);
      pdf.setCreator("Attnscope " ATTNSCOPE_VERSION);
      QPainter p(&pdf);
      // Without this hint Qt stores images (the attention cells, photos) as lossy JPEG.
      p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::LosslessImageRendering);
      paint_fitted(figure, p, area);
      break;
    }
  }
  buffer.close();
  AtomicFile out(path.toStdString(), o.overwrite);
  out.write(bytes.constData(), static_cast<size_t>(bytes.size()));
  out.commit();
  return inches;
}

}  // namespace attnscope::ui
