#pragma once

#include <QScrollArea>

namespace attnscope::ui {

class AnalysisDocument;
class RendererView;
class LensRenderer;

// The logit lens (ui/figures/lens_figure): layers x positions, each cell the token the stream
// there would predict. Scrolls when the input is long; hover for the top k, click a column to make
// it the query the other views follow.
class LensView : public QScrollArea {
  Q_OBJECT
 public:
  explicit LensView(AnalysisDocument* document, QWidget* parent = nullptr);
  const LensRenderer* renderer() const;
  RendererView* canvas() const { return canvas_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void refresh();
  AnalysisDocument* document_;
  RendererView* canvas_;
};

}  // namespace attnscope::ui
