#pragma once

#include <QString>
#include <QStringList>

namespace attnscope::ui {

// The sample texts and photos Attnscope ships: $ATTNSCOPE_SAMPLES_DIR, else data_dir()/samples
// (core/pipeline/install_paths.h).
QString samples_dir();
QStringList sample_texts();   // absolute paths, sorted
QStringList sample_images();  // absolute paths, sorted
QString sample_title(const QString& path);  // "02 coreference animal"

}  // namespace attnscope::ui
