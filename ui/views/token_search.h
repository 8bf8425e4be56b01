#pragma once

#include <functional>

#include <QObject>
#include <QString>

#include "ui/document/display_map.h"

class QWidget;

namespace attnscope::ui {

class AnalysisDocument;

// Finding a token in a view that shows tokens (Matrix, Text): Ctrl+F asks for a token's text or
// index, F3 finds the next; the row found (a token, or a merged word) becomes the document's query.
// The shortcuts belong to the view's window while the view is shown.
class TokenSearch : public QObject {
  Q_OBJECT
 public:
  // `map` gives the rows searched: the view's current display map.
  TokenSearch(AnalysisDocument* document, QWidget* view, std::function<const DisplayMap&()> map);

  void ask();
  // The row of the map found, or -1; `next` goes on after the last one found.
  int find(const QString& text, bool next = false);

 signals:
  void found(int row);

 private:
  AnalysisDocument* document_;
  QWidget* view_;
  std::function<const DisplayMap&()> map_;
  QString last_search_;
  int last_found_ = -1;
};

}  // namespace attnscope::ui
