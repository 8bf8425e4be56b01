#pragma once
// Start-up measurement for scripts/bench-startup.sh. When ATTNSCOPE_STARTUP_PROBE holds the launch
// time (CLOCK_REALTIME nanoseconds, `date +%s%N` just before exec), the app prints
//   window_ms <t>   once the main window has painted and the event loop is idle (usable),
//   result_ms <t>   with --run, once the first result is shown (or error_ms on an error),
// to stdout and quits. Without the variable nothing is installed.
#include <QObject>

namespace attnscope::ui {

class Session;

class StartupProbe : public QObject {
  Q_OBJECT
 public:
  // Returns the probe (owned by `window`), or nullptr when the variable is not set.
  static StartupProbe* installFromEnvironment(QWidget* window, Session* session, bool wait_for_result);

  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  StartupProbe(QWidget* window, qint64 launch_ns, bool wait_for_result);
  void report(const char* what);

  qint64 launch_ns_;
  bool wait_for_result_;
  bool painted_ = false;
};

}  // namespace attnscope::ui
