#pragma once

#include <QString>
#include <QStringList>

namespace attnscope::ui {

// The sample texts and photos shipped in samples/: $ATTNSCOPE_SAMPLES_DIR, else the source tree's
// samples/ folder, else ../share/attnscope/samples beside the executable.
QString samples_dir();
QStringList sample_texts();   // absolute paths, sorted
QStringList sample_images();  // absolute paths, sorted
QString sample_title(const QString& path);  // "02 coreference animal"

}  // namespace attnscope::ui
