#include "ui/views/token_search.h"

#include <QInputDialog>
#include <QShortcut>
#include <QToolTip>
#include <QWidget>

#include "ui/document/analysis_document.h"
#include "ui/render/axis_labels.h"

namespace attnscope::ui {

TokenSearch::TokenSearch(AnalysisDocument* document, QWidget* view, std::function<const DisplayMap&()> map)
    : QObject(view), document_(document), view_(view), map_(std::move(map)) {
  auto* find = new QShortcut(QKeySequence::Find, view, this, &TokenSearch::ask, Qt::WindowShortcut);
  find->setObjectName("findToken");
  new QShortcut(QKeySequence::FindNext, view, this, [this] {
    if (!last_search_.isEmpty()) this->find(last_search_, true);
  }, Qt::WindowShortcut);
}

void TokenSearch::ask() {
  bool ok = false;
  const QString text = QInputDialog::getText(view_, tr("Find a token"), tr("Token text, or its index (F3 finds the next):"), QLineEdit::Normal,
                                             last_search_, &ok);
  // A miss is said where the user looks, not only by nothing happening.
  if (ok && !text.isEmpty() && find(text) < 0)
    QToolTip::showText(view_->mapToGlobal(QPoint(24, 24)), tr("No token matches \u201c%1\u201d.").arg(text), view_);
}

int TokenSearch::find(const QString& text, bool next) {
  const DisplayMap& map = map_();
  if (map.empty() || text.isEmpty()) return -1;
  last_search_ = text;
  const int rows = static_cast<int>(map.row_tokens.size());
  const int start = next && last_found_ >= 0 ? last_found_ + 1 : 0;
  bool is_index = false;
  const int index = text.toInt(&is_index);
  int hit = -1;
  for (int i = 0; i < rows && hit < 0; ++i) {
    const int r = (start + i) % rows;
    const QString& label = map.labels.value(r);
    if (is_index ? index >= map.row_tokens[static_cast<size_t>(r)] && index < map.token_ends[static_cast<size_t>(r)]
                 : token_label(label).contains(text, Qt::CaseInsensitive) || label.contains(text, Qt::CaseInsensitive))
      hit = r;
  }
  last_found_ = hit;
  if (hit < 0) return -1;
  emit found(hit);
  document_->setQuery(map.row_tokens[static_cast<size_t>(hit)]);
  return hit;
}

}  // namespace attnscope::ui
