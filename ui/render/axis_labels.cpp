#include "ui/render/axis_labels.h"

#include <QObject>

namespace attnscope::ui {

QString layer_label(const attnscope::ModelInfo& model, int layer) {
  const QString l = QString("L%1").arg(layer);
  if (!model.has_sliding_layers()) return l;
  const int w = model.window(layer);
  return w > 0 ? QObject::tr("%1 \u00b7 local %2").arg(l).arg(w) : QObject::tr("%1 \u00b7 global").arg(l);
}

QString head_label(const attnscope::ModelInfo& model, int head) {
  const QString h = QString("H%1").arg(head);
  if (model.num_kv_heads <= 0 || model.num_kv_heads == model.num_heads) return h;
  return QObject::tr("%1 \u00b7 kv%2").arg(h).arg(model.kv_head(head));
}

}  // namespace attnscope::ui
