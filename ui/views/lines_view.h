#pragma once

#include "ui/document/view_state.h"

#include <QScrollArea>

namespace attnscope::ui {

class AnalysisDocument;
class LinesRenderer;
class RendererView;

// BertViz-style head view. In subset mode each chosen head gets its own colour; otherwise the
// selected head (or fusion) is drawn. Hover a token to isolate its lines; click a query token to
// select it for the Text view.
class LinesView : public QScrollArea {
  Q_OBJECT
 public:
  explicit LinesView(AnalysisDocument* document, QWidget* parent = nullptr);
  const LinesRenderer* renderer() const;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void rebuild();
  AnalysisDocument* document_;
  RendererView* canvas_;
};

}  // namespace attnscope::ui
