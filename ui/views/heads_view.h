#pragma once

#include <vector>

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QTreeWidget;

namespace attnscope::ui {

class AnalysisDocument;
class HeadsRenderer;
class RendererView;

// A layers x heads heat map of one head statistic (entropy, distance, special-token mass, …) of
// the current input, or of a corpus (its mean, spread or quantiles over the inputs) once one is
// open. Clicking a cell selects that head; with a corpus of per-input results, a list beside the
// map names the inputs where the head is most extreme, and a double click opens one.
class HeadsView : public QWidget {
  Q_OBJECT
 public:
  explicit HeadsView(AnalysisDocument* document, QWidget* parent = nullptr);
  RendererView* canvas() const { return canvas_; }
  const HeadsRenderer* renderer() const;
  bool showsCorpus() const;
  QTreeWidget* extremes() const { return extremes_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;  // the canvas: tooltips and clicks

 signals:
  void inductionRequested();
  void corpusInputRequested(int index);  // index into the corpus' results

 private:
  void refresh();
  void fillExtremes(int layer, int head, const QString& statistic);
  // (layer, head) under a canvas position, or (-1, -1).
  std::pair<int, int> headAt(const QPointF& pos) const;
  AnalysisDocument* document_;
  QComboBox* statistic_;
  QComboBox* source_;
  QComboBox* quantity_;
  QCheckBox* auto_range_;
  QLabel* note_;
  RendererView* canvas_;
  QWidget* side_;
  QLabel* side_title_;
  QTreeWidget* extremes_;
};

}  // namespace attnscope::ui
