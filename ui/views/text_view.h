#pragma once

#include <QScrollArea>

#include "ui/document/display_map.h"
#include "ui/document/view_state.h"

namespace attnscope::ui {

class TokenSearch;

class AnalysisDocument;
class RendererView;
class TextRenderer;

// The input text shaded by the attention each token receives from the query token (click a
// token to make it the query). The text wraps to the view's width and scrolls; a new query or
// result scrolls its token into sight.
class TextView : public QScrollArea {
  Q_OBJECT
 public:
  explicit TextView(AnalysisDocument* document, QWidget* parent = nullptr);
  const TextRenderer* renderer() const;
  RendererView* canvas() const { return canvas_; }
  // Where the query token is drawn, in canvas coordinates (empty if not shown).
  QRectF queryRect() const;
  // Finds a token (or merged word) by text or index and makes it the query (Ctrl+F, F3).
  int findToken(const QString& text, bool next = false);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void rebuild();
  void fitCanvas();
  AnalysisDocument* document_;
  RendererView* canvas_;
  TokenSearch* search_;
  DisplayMap search_map_;  // what Ctrl+F searches: the rows the text is shaded by (tokens or words)
  bool scroll_to_query_ = false;  // until the view is shown at its size
};

}  // namespace attnscope::ui
