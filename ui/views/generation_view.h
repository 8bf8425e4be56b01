#pragma once

#include <memory>

#include <QWidget>

#include "core/pipeline/generation.h"
#include "ui/document/view_state.h"

class QLabel;
class QLineEdit;
class QSpinBox;
class QDoubleSpinBox;
class QSlider;
class QPushButton;

namespace attnscope::ui {

class AnalysisDocument;
class GenerationRenderer;
class RendererView;
struct GenerationData;

// Generation step by step (causal LMs): what the query of each new token's run attended to, in
// the selected layer and head (or heads fused), with the candidates it chose from. The step
// slider (or Left / Right) walks through the tokens; Generate asks the session to generate.
class GenerationView : public QWidget {
  Q_OBJECT
 public:
  explicit GenerationView(AnalysisDocument* document, QWidget* parent = nullptr);
  attnscope::GenerationOptions options() const;

 signals:
  void generateRequested(const QString& prompt, const attnscope::GenerationOptions& options);

 protected:
  void showEvent(QShowEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void rebuild();
  void modelChanged();

  AnalysisDocument* document_;
  QLineEdit* prompt_;
  QSpinBox* tokens_;
  QDoubleSpinBox* temperature_;
  QSpinBox* top_k_;
  QDoubleSpinBox* top_p_;
  QSpinBox* seed_;
  QPushButton* generate_;
  QSlider* step_;
  QLabel* step_label_;
  QLabel* hint_;
  RendererView* figure_;
  bool stale_ = true;  // something it shows changed while hidden
};

}  // namespace attnscope::ui
