#include "ui/app/message_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "core/common/text.h"

namespace attnscope::ui {

MessageBar::MessageBar(QWidget* parent) : QFrame(parent), label_(new QLabel(this)) {
  setObjectName("messageBar");
  setFrameShape(QFrame::StyledPanel);
  auto* l = new QHBoxLayout(this);
  l->setContentsMargins(8, 4, 4, 4);
  label_->setWordWrap(true);
  label_->setTextFormat(Qt::PlainText);  // messages quote names from files: never markup
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  l->addWidget(label_, 1);
  auto* close = new QToolButton(this);
  close->setText(QString::fromUtf8("\u2715"));
  close->setAutoRaise(true);
  close->setToolTip(tr("Dismiss"));
  l->addWidget(close);
  connect(close, &QToolButton::clicked, this, &QWidget::hide);
  hide();
}

void MessageBar::showMessage(const QString& text, Severity severity) {
  severity_ = severity;
  const char* bg = severity == Severity::Error ? "#fde2e1" : severity == Severity::Warning ? "#fff4d6" : "#e3eefc";
  const char* border = severity == Severity::Error ? "#d9534f" : severity == Severity::Warning ? "#e0a800" : "#4a7bd0";
  setStyleSheet(QString("QFrame#messageBar { background: %1; border: 1px solid %2; border-radius: 3px; }").arg(bg, border));
  // Control characters from file names and contents are shown as \xNN (core/common/text.h).
  label_->setText(QString::fromStdString(printable(text.toStdString())));
  show();
}

QString MessageBar::text() const { return label_->text(); }

}  // namespace attnscope::ui
