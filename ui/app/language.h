#pragma once

#include <QString>
#include <QStringList>

class QApplication;

namespace attnscope::ui {

// The interface language: "en" or "zh_CN" as chosen in View ▸ Language (QSettings
// "ui/language"), else the system locale's (LANG / LC_ALL / LC_MESSAGES), else English.
// Core messages stay English: they name files, tensors and keys; the UI's frame is translated.
QString ui_language();
QString chosen_language();  // "" when following the system
QStringList available_languages();  // "en", "zh_CN"

// Saves the choice ("" = the system's); it takes effect at the next start.
void set_ui_language(const QString& code);

// Installs the translators of ui_language(): Attnscope's (resources/translations, embedded) and
// Qt's own for its standard dialogs, where Debian's qt6-translations-l10n provides them.
void install_translators(QApplication& app);

}  // namespace attnscope::ui
