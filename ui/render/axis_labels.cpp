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

QString token_label(const QString& token) {
  QString s = token;
  s.replace('\n', QString::fromUtf8("\u21b5"));
  s.replace('\t', QString::fromUtf8("\u21e5"));
  if (s.startsWith(' ')) s[0] = QChar(0x2423);  // a leading space ("Ġworld", "▁the")
  if (s.isEmpty()) s = QString::fromUtf8("\u2205");
  if (s.size() > 16) s = s.left(15) + QChar(0x2026);
  return s;
}

}  // namespace attnscope::ui
