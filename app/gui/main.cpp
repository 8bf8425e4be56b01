// attnscope: the desktop app. Everything lives in attnscope::ui; this only starts it.
#include <cstdio>

#include <QApplication>

#include "ui/app/app_identity.h"
#include "ui/app/language.h"
#include "ui/app/launch_options.h"
#include "ui/app/main_window.h"
#include "ui/app/session.h"
#include "ui/app/startup_probe.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  attnscope::ui::apply_app_identity(app);
  attnscope::ui::install_translators(app);

  const attnscope::ui::LaunchParse launch = attnscope::ui::parse_launch_options(QApplication::arguments());
  if (launch.exit_now) {
    std::fprintf(stdout, "%s\n", qPrintable(launch.error));
    return 0;
  }
  if (!launch.error.isEmpty()) {
    std::fprintf(stderr, "attnscope: %s\n", qPrintable(launch.error));
    return 2;
  }
  attnscope::ui::Session session;
  attnscope::ui::MainWindow window(&session);
  attnscope::ui::StartupProbe::installFromEnvironment(&window, &session, launch.options.run);
  window.show();
  window.applyLaunchOptions(launch.options);
  return QApplication::exec();
}
