#include "ui/app/language.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include <cstring>

namespace attnscope::ui {

namespace {
const char* kLanguageKey = "ui/language";

// lupdate (Qt 6.4) records the classes of `namespace attnscope::ui { ... }` without their
// namespace ("MainWindow"), while tr() asks for "attnscope::ui::MainWindow": look up both.
class UnqualifiedTranslator : public QTranslator {
 public:
  using QTranslator::QTranslator;
  QString translate(const char* context, const char* source, const char* disambiguation, int n) const override {
    QString t = QTranslator::translate(context, source, disambiguation, n);
    if (t.isEmpty() && context) {
      const char* colon = std::strrchr(context, ':');
      if (colon) t = QTranslator::translate(colon + 1, source, disambiguation, n);
    }
    return t;
  }
};
}  // namespace

QStringList available_languages() { return {"en", "zh_CN"}; }

QString chosen_language() {
  const QString v = QSettings().value(kLanguageKey).toString();
  return available_languages().contains(v) ? v : QString();
}

QString ui_language() {
  const QString chosen = chosen_language();
  if (!chosen.isEmpty()) return chosen;
  // QLocale::system() follows LC_ALL, LC_MESSAGES and LANG as the C library does.
  return QLocale::system().language() == QLocale::Chinese ? QStringLiteral("zh_CN") : QStringLiteral("en");
}

void set_ui_language(const QString& code) {
  QSettings s;
  if (code.isEmpty()) s.remove(kLanguageKey);
  else s.setValue(kLanguageKey, code);
}

void install_translators(QApplication& app) {
  const QString lang = ui_language();
  if (lang == "en") return;
  auto* ours = new UnqualifiedTranslator(&app);
  if (ours->load(QStringLiteral(":/attnscope/i18n/attnscope_%1.qm").arg(lang))) QApplication::installTranslator(ours);
  auto* qt = new QTranslator(&app);
  if (qt->load(QStringLiteral("qtbase_%1").arg(lang), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    QApplication::installTranslator(qt);
  QLocale::setDefault(QLocale(lang));
}

}  // namespace attnscope::ui
