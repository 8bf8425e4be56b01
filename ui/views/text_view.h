#pragma once

#include "ui/document/view_state.h"

#include "ui/views/renderer_view.h"

namespace attnscope::ui {

class AnalysisDocument;
class TextRenderer;

// The input text shaded by the attention each token receives from the query token (click a
// token to make it the query).
class TextView : public RendererView {
  Q_OBJECT
 public:
  explicit TextView(AnalysisDocument* document, QWidget* parent = nullptr);

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  bool event(QEvent* event) override;  // tooltips: the token under the pointer

 private:
  AnalysisDocument* document_;
};

}  // namespace attnscope::ui
