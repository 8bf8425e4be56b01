#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <QString>
#include <QTextDocument>

#include "ui/render/color_map.h"
#include "ui/render/figure_renderer.h"

namespace attnscope::ui {

// The input text with every token's characters shaded by the attention it receives from the
// query token. Tokens are placed through their character spans, so subwords and Chinese
// characters line up with what the tokenizer saw. Special tokens, which have no characters,
// are shown as chips above the text. Text is drawn as text, so vector exports keep it.
class TextRenderer : public FigureRenderer {
 public:
  struct Span {
    int begin = 0, end = 0;  // UTF-16 positions in the paragraph
    int token = 0;
    double shade = 0, weight = 0;
  };
  struct Paragraph {
    QString text;
    std::vector<Span> spans;
  };
  struct Chip {
    QString label;
    int token = 0;
    double shade = 0, weight = 0;
  };
  std::vector<Paragraph> paragraphs;
  std::vector<Chip> chips;
  int query = -1;
  QString title;
  QString subject;  // e.g. "attention from “it” (token 7)" (part of the title)
  QString note;   // e.g. truncation
  ColorMap cmap;
  std::optional<ColorBar> bar;  // drawn at the right

  QSizeF naturalSize() const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  // The token under `pos`, or -1.
  int tokenAt(const QRectF& area, const QPointF& pos) const;
  // The query's weight on `token` as drawn, or NaN if the token is not shown.
  double weightOf(int token) const;

 private:
  struct Layout;
  std::unique_ptr<QTextDocument> document(double width) const;
  double chipsHeight(double width) const;
  double textWidth(const QRectF& area) const;
};

// UTF-16 index of every byte offset of a UTF-8 string (size + 1 entries), for converting the
// tokenizer's byte spans to QString positions.
std::vector<int> utf16_positions(const std::string& utf8);

}  // namespace attnscope::ui
