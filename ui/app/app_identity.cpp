#include "ui/app/app_identity.h"

#include <QApplication>
#include <QIcon>

// The library is static, so its resources are registered by hand (outside any namespace).
static void init_attnscope_resources() { Q_INIT_RESOURCE(attnscope); }

namespace attnscope::ui {

void apply_app_identity(QApplication& app) {
  init_attnscope_resources();
  QApplication::setOrganizationName("Attnscope");
  QApplication::setApplicationName("attnscope");
  QApplication::setApplicationVersion(ATTNSCOPE_VERSION);
  QApplication::setDesktopFileName("attnscope");  // resources/attnscope.desktop
  QIcon icon;
  for (int size : {16, 32, 48, 64, 128, 256}) icon.addFile(QString(":/attnscope/icons/attnscope-%1.png").arg(size));
  app.setWindowIcon(icon);
}

}  // namespace attnscope::ui
