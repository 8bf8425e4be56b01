#include "ui/app/startup_probe.h"

#include <cstdio>
#include <ctime>

#include <QApplication>
#include <QEvent>
#include <QTimer>
#include <QWidget>

#include "ui/app/session.h"

namespace attnscope::ui {

namespace {
qint64 now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<qint64>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
}  // namespace

StartupProbe* StartupProbe::installFromEnvironment(QWidget* window, Session* session, bool wait_for_result) {
  bool ok = false;
  const qint64 launch = qEnvironmentVariable("ATTNSCOPE_STARTUP_PROBE").toLongLong(&ok);
  if (!ok || launch <= 0) return nullptr;
  auto* probe = new StartupProbe(window, launch, wait_for_result);
  if (wait_for_result) {
    connect(session, &Session::runFinished, probe, [probe] {
      probe->report("result_ms");
      QApplication::quit();
    });
    connect(session, &Session::message, probe, [probe](const QString&, Severity severity) {
      if (severity != Severity::Error) return;
      probe->report("error_ms");
      QApplication::exit(1);
    });
  }
  return probe;
}

StartupProbe::StartupProbe(QWidget* window, qint64 launch_ns, bool wait_for_result)
    : QObject(window), launch_ns_(launch_ns), wait_for_result_(wait_for_result) {
  window->installEventFilter(this);
}

bool StartupProbe::eventFilter(QObject*, QEvent* event) {
  if (event->type() == QEvent::Paint && !painted_) {
    painted_ = true;
    // Posted behind everything the first paint queued: runs when the window can take input.
    QTimer::singleShot(0, this, [this] {
      report("window_ms");
      if (!wait_for_result_) QApplication::quit();
    });
  }
  return false;
}

void StartupProbe::report(const char* what) {
  std::printf("%s %.1f\n", what, static_cast<double>(now_ns() - launch_ns_) / 1e6);
  std::fflush(stdout);
}

}  // namespace attnscope::ui
