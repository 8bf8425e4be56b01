#include "ui/app/samples.h"

#include <QDir>
#include <QFileInfo>

#include "core/pipeline/install_paths.h"

namespace attnscope::ui {

QString samples_dir() {
  const QString env = qEnvironmentVariable("ATTNSCOPE_SAMPLES_DIR");
  if (!env.isEmpty() && QDir(env).exists()) return env;
  return QString::fromStdString((data_dir() / "samples").string());
}

namespace {
QStringList list(const QString& sub, const QStringList& patterns) {
  QDir d(QDir(samples_dir()).filePath(sub));
  QStringList out;
  for (const QString& f : d.entryList(patterns, QDir::Files, QDir::Name)) out << d.absoluteFilePath(f);
  return out;
}
}  // namespace

QStringList sample_texts() { return list("texts", {"*.txt"}); }
QStringList sample_images() { return list("images", {"*.png", "*.jpg", "*.jpeg"}); }

QString sample_title(const QString& path) {
  QString base = QFileInfo(path).completeBaseName();
  base.replace('-', ' ');
  return base;
}

}  // namespace attnscope::ui
