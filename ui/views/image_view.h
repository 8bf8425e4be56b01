#pragma once

#include <memory>

#include "ui/document/view_state.h"
#include "ui/render/image_overlay_renderer.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSlider;

namespace attnscope::ui {

class AnalysisDocument;
class RendererView;

// The photo with the selected map (CLS -> patches, or the clicked patch's row) overlaid;
// opacity slider, nearest / smooth upsampling, optional mass-threshold contour. Clicking a
// patch makes it the query; clicking outside the patches goes back to CLS.
class ImageView : public QWidget {
  Q_OBJECT
 public:
  explicit ImageView(AnalysisDocument* document, QWidget* parent = nullptr);
  RendererView* canvas() const { return canvas_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void refresh();
  AnalysisDocument* document_;
  RendererView* canvas_;
  QSlider* opacity_;
  QCheckBox* smooth_;
  QCheckBox* threshold_;
  QCheckBox* registers_;
  QDoubleSpinBox* tau_;
  QComboBox* query_;  // the prefix tokens (CLS, distillation, registers), which have no patch to click
  bool syncing_ = false;
  std::shared_ptr<ImageOverlayRenderer::ScaledPhoto> scaled_photo_ = std::make_shared<ImageOverlayRenderer::ScaledPhoto>();
};

}  // namespace attnscope::ui
