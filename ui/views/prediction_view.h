#pragma once

#include "ui/document/view_state.h"

#include "ui/views/renderer_view.h"

namespace attnscope::ui {

class AnalysisDocument;
class PredictionRenderer;

// Top-k classes (classifiers) or next-token candidates (language models) of the last run.
class PredictionView : public RendererView {
  Q_OBJECT
 public:
  explicit PredictionView(AnalysisDocument* document, QWidget* parent = nullptr);

 private:
  AnalysisDocument* document_;
};

}  // namespace attnscope::ui
