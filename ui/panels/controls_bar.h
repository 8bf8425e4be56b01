#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace attnscope::ui {

class AnalysisDocument;

// Layer, head (single, mean, max, min, subset), method, colour map, normalisation and special-
// token hiding: the selection every view follows, edited here and mirrored from the document.
class ControlsBar : public QWidget {
  Q_OBJECT
 public:
  explicit ControlsBar(AnalysisDocument* document, QWidget* parent = nullptr);

 private:
  void syncFromDocument();
  void rebuildHeadChoices();
  void chooseSubset();

  AnalysisDocument* document_;
  QLabel* stack_label_;
  QComboBox* stack_;  // encoder-decoder models: encoder / decoder / cross-attention
  QSpinBox* layer_;
  QComboBox* head_;
  QComboBox* method_;
  QLabel* start_label_;
  QSpinBox* start_;          // rollout / flow: first layer
  QLabel* discard_label_;
  QDoubleSpinBox* discard_;  // rollout: discard ratio
  QComboBox* cmap_;
  QComboBox* norm_;
  QCheckBox* hide_special_;
  QCheckBox* exclude_first_;
  QLabel* segments_label_;
  QComboBox* segments_;
  QLabel* units_label_;
  QComboBox* units_;
  bool syncing_ = false;
};

}  // namespace attnscope::ui
