#pragma once

#include <string>

#include <QString>
#include <QStringList>

#include "core/pipeline/analyzer.h"
#include "ui/document/view_state.h"
#include "ui/export/figure_writer.h"

namespace attnscope::ui {

// `attnscope-cli render`: run a model on an input and write a view's figure -- or every layer x
// head's plus the overview -- with the same renderers the GUI draws with, offscreen.
struct RenderRequest {
  std::string model;
  AnalysisRequest input;        // text or image, as for `attend`
  ViewKind view = ViewKind::Matrix;
  ViewState state;              // layer, head / head mode, method, colour map, scale, query, ...
  QString out;                  // the figure (empty with all_heads_dir)
  QString all_heads_dir;        // every layer x head + overview.<format> into this folder
  FigureFormat format = FigureFormat::Png;  // for all_heads_dir
  FigureFileOptions file;       // dpi, size, overwrite
  FigurePreset preset = FigurePreset::Natural;  // the size when file.size_inches is empty
  bool title = true;
  bool sidecar = true;
  bool bare = false;            // Image view: the overlay at the photo's resolution (.png) or the map (.npy), nothing else
  // --view generation (causal LMs): greedy generation of this many tokens after the input text,
  // drawn at step `generation_step` (0 = the last).
  int generation_tokens = 0;
  int generation_step = 0;
  // --view compare: the input is A (the reference); B is `compare_text` (default: the same text)
  // on `compare_model` (default: the same model).
  std::string compare_model;
  std::string compare_text;
};

// Writes the figures and returns their paths. Validates layer/head/query against the model
// (Error(Usage) naming the valid range) instead of clamping. Throws attnscope::Error.
QStringList render_figures(const RenderRequest& request, const ProgressFn& progress = {});

// A QGuiApplication on the offscreen platform (unless QT_QPA_PLATFORM says otherwise), created on
// first use: fonts and painting, no widgets, for drawing figures without a display.
void ensure_offscreen_application();

}  // namespace attnscope::ui
