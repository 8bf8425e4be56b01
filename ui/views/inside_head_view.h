#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;

namespace attnscope::ui {

class AnalysisDocument;
class ChartsRenderer;
class RendererView;

// Inside one head (ui/figures/inside_figure): the query token and temperature controls over the
// figure. Q, K and V are captured by running the input again when the view first needs them.
class InsideHeadView : public QWidget {
  Q_OBJECT
 public:
  explicit InsideHeadView(AnalysisDocument* document, QWidget* parent = nullptr);
  const ChartsRenderer* renderer() const;

 signals:
  void internalsNeeded(int layer);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void refresh();
  void syncControls();
  AnalysisDocument* document_;
  QComboBox* query_;
  QSlider* temperature_;
  QLabel* temperature_label_;
  RendererView* canvas_;
  bool syncing_ = false;
  int requested_layer_ = -1;
};

}  // namespace attnscope::ui
