#pragma once

class QApplication;

namespace attnscope::ui {

// Names, version, desktop-file id and window icon (resources/attnscope.qrc), set once in main().
void apply_app_identity(QApplication& app);

}  // namespace attnscope::ui
