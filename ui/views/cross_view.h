#pragma once

#include <memory>

#include <QWidget>

#include "ui/document/view_state.h"

class QCheckBox;
class QComboBox;

namespace attnscope::ui {

class AnalysisDocument;
class CrossAttentionRenderer;
class RendererView;

// Cross-attention of an encoder-decoder model (T5): decoder positions x source tokens for the
// selected layer and head (or fusion of heads), as a matrix or as lines, with the hard argmax
// alignment on request. Click a target (row) or a source (column) to highlight what it attends
// to, or what attends to it, in the token strip below; hover a cell for its weight.
class CrossView : public QWidget {
  Q_OBJECT
 public:
  explicit CrossView(AnalysisDocument* document, QWidget* parent = nullptr);
  const CrossAttentionRenderer* renderer() const;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void rebuild();
  AnalysisDocument* document_;
  RendererView* canvas_;
  QComboBox* mode_;
  QCheckBox* argmax_;
  bool syncing_ = false;
};

}  // namespace attnscope::ui
