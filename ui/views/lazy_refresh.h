#pragma once

#include <functional>

#include <QEvent>
#include <QObject>
#include <QTimer>
#include <QWidget>

namespace attnscope::ui {

// A view's rebuild that runs only where it can be seen: request() rebuilds at once when the view is
// visible in its window (the current tab), and otherwise once, when it is next shown. Nine views
// observe one document; this keeps a selection change from rebuilding the eight hidden ones.
class LazyRefresh : public QObject {
  Q_OBJECT
 public:
  LazyRefresh(QWidget* view, std::function<void()> rebuild) : QObject(view), view_(view), rebuild_(std::move(rebuild)) {
    setObjectName("lazyRefresh");
    view_->installEventFilter(this);
  }
  void request() {
    if (view_->isVisibleTo(view_->window())) run();
    else stale_ = true;
  }
  bool stale() const { return stale_; }
  int rebuilds() const { return rebuilds_; }  // how many times it ran (tests)

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    // Once the showing is done: switching tabs also changes the selection's view, whose request()
    // then rebuilds first and this finds nothing left to do.
    if (watched == view_ && stale_ && (event->type() == QEvent::Show || event->type() == QEvent::ShowToParent))
      QTimer::singleShot(0, this, [this] {
        if (stale_) run();
      });
    return false;
  }

 private:
  void run() {
    stale_ = false;
    ++rebuilds_;
    rebuild_();
  }
  QWidget* view_;
  std::function<void()> rebuild_;
  bool stale_ = false;
  int rebuilds_ = 0;
};

}  // namespace attnscope::ui
