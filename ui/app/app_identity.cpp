#include "ui/app/app_identity.h"

#include <QApplication>
#include <QFile>
#include <QIcon>
#include <QTextStream>

#include <Eigen/Core>
#include <opencv2/core/version.hpp>
#include <qcustomplot.h>

#include "core/pipeline/install_paths.h"

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

QString about_text() {
  QString models;
  for (const BuiltinModel& m : builtin_models()) {
    QFile f(QString::fromStdString((m.dir / "SOURCE.md").string()));
    QString licence = QObject::tr("see its SOURCE.md");
    if (f.open(QIODevice::ReadOnly | QIODevice::Text)) {
      QTextStream in(&f);
      for (QString line = in.readLine(); !line.isNull(); line = in.readLine())
        if (line.startsWith("Licence:")) {
          licence = line.mid(8).trimmed();
          break;
        }
    }
    models += QString("<li><b>%1</b>: %2</li>").arg(QString::fromStdString(m.name).toHtmlEscaped(), licence.toHtmlEscaped());
  }
  return QObject::tr("<h3>Attnscope %1</h3><p>A native attention visualizer: Hugging Face checkpoints on the CPU, offline.</p>"
                     "<p>Built with Qt %2 (running %3), Eigen %4, OpenCV %5, QCustomPlot %6.</p>"
                     "<p>Built-in models:</p><ul>%7</ul>"
                     "<p>Documentation: README.md and docs/ in the source repository, <tt>attnscope-cli --help</tt> for "
                     "the command line; the licences of everything shipped: share/doc/attnscope/copyright.</p>")
      .arg(QStringLiteral(ATTNSCOPE_VERSION), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()),
           QString("%1.%2.%3").arg(EIGEN_WORLD_VERSION).arg(EIGEN_MAJOR_VERSION).arg(EIGEN_MINOR_VERSION), QStringLiteral(CV_VERSION),
           QStringLiteral(QCUSTOMPLOT_VERSION_STR), models.isEmpty() ? QObject::tr("<li>none found</li>") : models);
}

}  // namespace attnscope::ui
