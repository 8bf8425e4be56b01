#include "ui/app/samples.h"

#include <QCoreApplication>
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

// The titles of the shipped samples, listed for the translators; other files keep their names.
[[maybe_unused]] const char* const kSampleTitles[] = {
    QT_TRANSLATE_NOOP("Samples", "01 short"),           QT_TRANSLATE_NOOP("Samples", "02 coreference animal"),
    QT_TRANSLATE_NOOP("Samples", "03 coreference trophy"), QT_TRANSLATE_NOOP("Samples", "04 paragraph"),
    QT_TRANSLATE_NOOP("Samples", "05 chinese attention"), QT_TRANSLATE_NOOP("Samples", "06 chinese coreference"),
    QT_TRANSLATE_NOOP("Samples", "07 masked"),          QT_TRANSLATE_NOOP("Samples", "08 agreement"),
    QT_TRANSLATE_NOOP("Samples", "09 story"),           QT_TRANSLATE_NOOP("Samples", "astronaut"),
    QT_TRANSLATE_NOOP("Samples", "chelsea"),            QT_TRANSLATE_NOOP("Samples", "coffee"),
    QT_TRANSLATE_NOOP("Samples", "rocket")};

QString sample_title(const QString& path) {
  QString base = QFileInfo(path).completeBaseName();
  base.replace('-', ' ');
  return QCoreApplication::translate("Samples", base.toUtf8().constData());
}

}  // namespace attnscope::ui
