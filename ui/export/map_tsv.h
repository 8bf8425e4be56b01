#pragma once

#include <QString>
#include <QStringList>

#include "ui/document/display_map.h"

namespace attnscope::ui {

// The shown weights as tab-separated values for the clipboard (spreadsheets, pandas.read_clipboard):
// a header of key tokens and one line per query token, each labelled "index:token". `row` and `col`
// (display rows and columns, -1 = all) choose one row, one column or one cell. Masked cells are
// empty fields: the model never lets the query see them, so they are not 0.
QString display_map_tsv(const DisplayMap& map, int row = -1, int col = -1);

}  // namespace attnscope::ui
