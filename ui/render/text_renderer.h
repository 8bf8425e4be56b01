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
    int last_token = -1;  // words merged from pieces: the word's last piece (token is its first)
    double shade = 0, weight = 0;
    bool masked = false;  // the query cannot see it (a later token of a causal model): grey, not weight 0
  };
  struct Paragraph {
    QString text;
    std::vector<Span> spans;
  };
  struct Chip {
    QString label;
    int token = 0;
    double shade = 0, weight = 0;
    bool masked = false;
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
  // The height the whole text needs at `width` (a scrolling view's canvas).
  double heightForWidth(double width) const override;
  void paint(QPainter& painter, const QRectF& area) const override;
  // The token under `pos`, or -1.
  int tokenAt(const QRectF& area, const QPointF& pos) const;
  // Where `token` is drawn (its first line), or an empty rectangle.
  QRectF tokenRect(const QRectF& area, int token) const;
  // The query's weight on `token` as drawn, or NaN if the token is not shown.
  double weightOf(int token) const;
  bool isMasked(int token) const;
  // A word merged from pieces that starts at `token`: its last piece and its text; nullopt for a token alone.
  std::optional<std::pair<int, QString>> mergedWord(int token) const;

 private:
  // The laid-out text at one width, kept between paints, hit tests and tooltips (a long input's
  // layout takes milliseconds).
  QTextDocument& document(double width) const;
  std::pair<double, bool> shown(int token) const;  // (weight, masked) as drawn; NaN if not shown
  mutable std::unique_ptr<QTextDocument> layout_;
  mutable double layout_width_ = -1;
  mutable std::vector<int> bases_;  // the document position where each paragraph starts
  double chipsHeight(double width) const;
  double textWidth(const QRectF& area) const;
};

// UTF-16 index of every byte offset of a UTF-8 string (size + 1 entries), for converting the
// tokenizer's byte spans to QString positions.
std::vector<int> utf16_positions(const std::string& utf8);

}  // namespace attnscope::ui
