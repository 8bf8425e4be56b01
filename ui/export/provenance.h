#pragma once

#include <map>
#include <optional>

#include <QJsonObject>
#include <QRectF>
#include <QString>

#include "core/image/preprocess.h"
#include "core/pipeline/generation.h"
#include "ui/document/view_state.h"

namespace attnscope::ui {

class AnalysisDocument;

// NAME.attnscope.json beside an exported figure: what it shows and how to make it again --
// app version, model folder / type / weights sha256, the input (text, or image path + sha256),
// preprocessing, the selection (layer, head, method, scale, colour map, …), the figure's format
// and size, and the date. Opening it restores the same view (Session::openSidecar).
struct FigureInfo {
  QString file;       // the figure's path
  QString format;     // png, svg, pdf
  ViewKind view = ViewKind::Matrix;
  double dpi = 0;
  double width_inches = 0, height_inches = 0;
  std::optional<QRectF> zoom;
};

// sha256 of a file as lowercase hex; cached per path and modification time.
QString file_sha256(const QString& path);

QJsonObject provenance_json(const AnalysisDocument& document, const ViewState& state, const FigureInfo& figure);
QString sidecar_path(const QString& figure_path);  // "fig.png" -> "fig.png.attnscope.json"
// Writes the sidecar of `figure` atomically (overwriting only if `overwrite`).
void write_sidecar(const AnalysisDocument& document, const ViewState& state, const FigureInfo& figure, bool overwrite);

// What restoring a sidecar needs, read back and checked. Throws attnscope::Error(Input) naming
// the file and the key for anything malformed.
struct Sidecar {
  QString model_dir;
  QString weights_sha256;
  QString text, text_pair, image;
  std::optional<attnscope::ImageSize> image_size;  // the run's explicit input size; none = the model's
  QString target;    // encoder-decoder models: teacher forcing ...
  int generate = 0;  // ... or greedy generation of up to this many tokens
  ViewState state;
  std::optional<QRectF> zoom;
  // A Generation figure: what was generated, to generate again (same prompt, settings and seed
  // give the same tokens) and show at the same step.
  struct Generation {
    QString prompt;
    attnscope::GenerationOptions options;
    int step = 0;
  };
  std::optional<Generation> generation;
  QJsonObject json;
};
Sidecar read_sidecar(const QString& path);

}  // namespace attnscope::ui
