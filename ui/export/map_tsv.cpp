#include "ui/export/map_tsv.h"

#include "ui/render/axis_labels.h"

namespace attnscope::ui {

namespace {
QString token_field(const QStringList& labels, int token) {
  QString t = token_label(labels.value(token));
  t.replace('\t', ' ').replace('\n', ' ');
  return QString("%1:%2").arg(token).arg(t);
}
}  // namespace

QString display_map_tsv(const DisplayMap& map, const QStringList& labels, int row, int col) {
  if (map.empty()) return {};
  const int rows = static_cast<int>(map.values.rows()), cols = static_cast<int>(map.values.cols());
  const int r0 = row >= 0 ? row : 0, r1 = row >= 0 ? row + 1 : rows;
  const int c0 = col >= 0 ? col : 0, c1 = col >= 0 ? col + 1 : cols;
  QString out = "query\\key";
  for (int c = c0; c < c1; ++c) out += '\t' + token_field(labels, map.col_tokens[static_cast<size_t>(c)]);
  out += '\n';
  for (int r = r0; r < r1; ++r) {
    out += token_field(labels, map.row_tokens[static_cast<size_t>(r)]);
    for (int c = c0; c < c1; ++c) out += '\t' + (map.masked(r, c) ? QString() : QString::number(map.values(r, c), 'g', 7));
    out += '\n';
  }
  return out;
}

}  // namespace attnscope::ui
