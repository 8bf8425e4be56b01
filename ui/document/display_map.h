#pragma once

#include <cmath>
#include <vector>

#include <QColor>

#include <QString>
#include <QStringList>

#include "core/common/tensor.h"
#include "ui/document/view_state.h"

namespace attnscope::ui {

// A matrix ready to colour: the selected attention map after head fusion / rollout / flow,
// special-token hiding and the display normalisation. Shared by the on-screen views and the
// export renderers, so a figure shows exactly what the window shows.
// Cells the model never lets a query see (not weights of 0): a neutral light grey.
inline const QColor kMaskedColor(214, 214, 214);

struct DisplayMap {
  attnscope::RowMatrix values;    // [rows, cols] weights (renormalised if special tokens are hidden);
                                  // row = query token, column = key token
  attnscope::RowMatrix shade;     // [rows, cols] in [0, 1]: what the colour map is applied to; NaN
                                  // where the model's mask excludes the key (causal upper triangle,
                                  // outside a sliding window, or filtered out by segment): drawn in
                                  // kMaskedColor, not as 0
  std::vector<int> row_tokens;    // token index of each row (hiding special tokens drops some); with
                                  //   words merged (ViewState::units), the word's first piece
  std::vector<int> col_tokens;    // token index of each column (the same tokens as the rows)
  std::vector<int> token_ends;    // one past the last token each row (= column) stands for:
                                  //   row_tokens[r] + 1 unless pieces are merged into words
  QStringList labels;             // what each row (= column) is called: the token's label, or the word
  double scale_lower = 0.0;       // what the colour bar's ends stand for, in weight units
  double scale_upper = 1.0;
  bool log_scale = false;
  QString scale_label;            // names the value and the normalisation, for the colour bar
  QString title;                  // "L3 · H5"
  QString unavailable;            // why there is nothing to show (e.g. flow still computing)
  QString pending;                // shown over the map: the derived map asked for is not ready (computing,
                                  // cancelled), so these are the raw weights of the selected heads
  int window = 0;                 // the layer's sliding window (0 = global attention)
  std::vector<float> excluded_mass;  // [rows] with tokens excluded as sinks (ViewState::exclude_first, hidden
                                  //   special tokens): the share of each row's weight they took, before the
                                  //   rest was renormalised (merged words: the mean over the pieces); else empty
  int segment_start = -1;         // sentence pairs: the first row / column of segment B (-1: no pair)
  bool masked(int r, int c) const { return std::isnan(shade(r, c)); }
  // The row that stands for `token` (its word, when merged); -1 if hidden.
  int rowOf(int token) const {
    for (size_t r = 0; r < row_tokens.size(); ++r)
      if (token >= row_tokens[r] && token < token_ends[r]) return static_cast<int>(r);
    return -1;
  }

  bool empty() const { return values.size() == 0; }
};

}  // namespace attnscope::ui
