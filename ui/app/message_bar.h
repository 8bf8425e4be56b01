#pragma once

#include <QFrame>

#include "ui/app/session.h"

class QLabel;

namespace attnscope::ui {

// A non-modal bar above the views for errors and warnings: the window stays usable and the
// previous results stay visible underneath.
class MessageBar : public QFrame {
  Q_OBJECT
 public:
  explicit MessageBar(QWidget* parent = nullptr);
  void showMessage(const QString& text, Severity severity);
  QString text() const;
  Severity severity() const { return severity_; }

 private:
  QLabel* label_;
  Severity severity_ = Severity::Info;
};

}  // namespace attnscope::ui
