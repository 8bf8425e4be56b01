#pragma once

#include <QString>

#include "core/models/model.h"

namespace attnscope::ui {

// Axis labels of the layer x head views (Heads, Overview), which say what the architecture adds:
// "L3", or "L3 · local 512" / "L3 · global" when the model mixes sliding-window and global layers.
QString layer_label(const attnscope::ModelInfo& model, int layer);
// "H5", or "H5 · kv1" with grouped-query attention: the key/value head this query head reads.
QString head_label(const attnscope::ModelInfo& model, int head);

}  // namespace attnscope::ui
