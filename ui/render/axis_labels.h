#pragma once

#include <QString>

#include "core/models/model.h"

namespace attnscope::ui {

// Axis labels of the layer x head views (Heads, Overview), which say what the architecture adds:
// "L3", or "L3 · local 512" / "L3 · global" when the model mixes sliding-window and global layers.
QString layer_label(const attnscope::ModelInfo& model, int layer);
// "H5", or "H5 · kv1" with grouped-query attention: the key/value head this query head reads.
QString head_label(const attnscope::ModelInfo& model, int head);
// A token as an axis shows it: whitespace made visible (␣ for a leading space, ↵ for a newline),
// ∅ for an empty token, long tokens shortened.
QString token_label(const QString& token);

}  // namespace attnscope::ui
