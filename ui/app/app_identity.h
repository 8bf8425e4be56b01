#pragma once

#include <QString>

class QApplication;

namespace attnscope::ui {

// Names, version, desktop-file id and window icon (resources/attnscope.qrc), set once in main().
void apply_app_identity(QApplication& app);

// Help > About: the version, the libraries it was built with, the licence of each built-in model
// (the "Licence:" line of its SOURCE.md) and where the documentation is. Rich text.
QString about_text();

}  // namespace attnscope::ui
