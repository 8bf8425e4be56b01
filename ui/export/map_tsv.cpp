#include "ui/export/map_tsv.h"

#include "ui/render/axis_labels.h"

namespace attnscope::ui {

namespace {
// "index:label"; a merged word is named by its first token's index.
QString token_field(const DisplayMap& map, int index) {
  QString t = token_label(map.labels.value(index));
  t.replace('\t', ' ').replace('\n', ' ');
  return QString("%1:%2").arg(map.row_tokens[static_cast<size_t>(index)]).arg(t);
}
}  // namespace

QString display_map_tsv(const DisplayMap& map, int row, int col) {
  if (map.empty()) return {};
  const int rows = static_cast<int>(map.values.rows()), cols = static_cast<int>(map.values.cols());
  const int r0 = row >= 0 ? row : 0, r1 = row >= 0 ? row + 1 : rows;
  const int c0 = col >= 0 ? col : 0, c1 = col >= 0 ? col + 1 : cols;
  QString out = "query\\key";
  for (int c = c0; c < c1; ++c) out += '\t' + token_field(map, c);
  out += '\n';
  for (int r = r0; r < r1; ++r) {
    out += token_field(map, r);
    for (int c = c0; c < c1; ++c) out += '\t' + (map.masked(r, c) ? QString() : QString::number(map.values(r, c), 'g', 7));
    out += '\n';
  }
  return out;
}

}  // namespace attnscope::ui
