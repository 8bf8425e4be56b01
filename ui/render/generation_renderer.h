#pragma once

#include <optional>
#include <vector>

#include <QString>
#include <QStringList>

#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// One step of a generation: the tokens so far as boxes shaded by the weight the new token's
// query gave them, the new token outlined after them, and the most probable next tokens as bars.
class GenerationRenderer : public FigureRenderer {
 public:
  QStringList tokens;             // the context, then the token this step chose
  int prompt_tokens = 0;          // the first ones were the prompt (drawn plain; generated ones bold)
  std::vector<double> weights;    // [tokens.size() - 1]: the step's row over the context
  QStringList candidates;         // most probable first
  std::vector<double> probabilities;
  int chosen = -1;                // index of the chosen token among the candidates, or -1
  QString title, subject;         // subject: e.g. "step 3/20 · layer 2 · head 1"
  ColorMap cmap;
  std::optional<ColorBar> bar;

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  // The token under `pos` (index into tokens), or -1.
  int tokenAt(const QRectF& area, const QPointF& pos) const;
  // The candidate bar under `pos`, or -1.
  int candidateAt(const QRectF& area, const QPointF& pos) const;

 private:
  struct Layout {
    QRectF text, candidates, bar;
    std::vector<QRectF> boxes;  // per token
    std::vector<QRectF> rows;   // per candidate
  };
  Layout layout(const QRectF& area) const;
};

}  // namespace attnscope::ui
