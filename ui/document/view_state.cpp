#include "ui/document/view_state.h"

namespace attnscope::ui {

namespace {
template <typename E, size_t N>
bool parse_in(const QString& s, const E (&values)[N], E& out) {
  for (E v : values)
    if (to_string(v).compare(s, Qt::CaseInsensitive) == 0) {
      out = v;
      return true;
    }
  return false;
}
}  // namespace

QString to_string(HeadMode m) {
  switch (m) {
    case HeadMode::Single: return "single";
    case HeadMode::Mean: return "mean";
    case HeadMode::Max: return "max";
    case HeadMode::Min: return "min";
    case HeadMode::Subset: return "subset";
  }
  return {};
}

QString to_string(Method m) {
  switch (m) {
    case Method::Raw: return "raw";
    case Method::Rollout: return "rollout";
    case Method::Flow: return "flow";
  }
  return {};
}

QString to_string(Normalization n) {
  switch (n) {
    case Normalization::Row: return "row";
    case Normalization::Matrix: return "matrix";
    case Normalization::Global: return "global";
    case Normalization::Log: return "log";
    case Normalization::Percentile: return "percentile";
  }
  return {};
}

QString to_string(ColorMapId c) {
  switch (c) {
    case ColorMapId::Viridis: return "viridis";
    case ColorMapId::Magma: return "magma";
    case ColorMapId::Inferno: return "inferno";
    case ColorMapId::Cividis: return "cividis";
    case ColorMapId::Greys: return "greys";
  }
  return {};
}

QString to_string(ViewKind v) {
  switch (v) {
    case ViewKind::Matrix: return "matrix";
    case ViewKind::Lines: return "lines";
    case ViewKind::Overview: return "overview";
    case ViewKind::Text: return "text";
    case ViewKind::Image: return "image";
    case ViewKind::Heads: return "heads";
    case ViewKind::Prediction: return "prediction";
  }
  return {};
}

bool parse(const QString& s, Method& out) {
  static const Method all[] = {Method::Raw, Method::Rollout, Method::Flow};
  return parse_in(s, all, out);
}
bool parse(const QString& s, Normalization& out) {
  static const Normalization all[] = {Normalization::Row, Normalization::Matrix, Normalization::Global, Normalization::Log,
                                      Normalization::Percentile};
  return parse_in(s, all, out);
}
bool parse(const QString& s, ColorMapId& out) {
  static const ColorMapId all[] = {ColorMapId::Viridis, ColorMapId::Magma, ColorMapId::Inferno, ColorMapId::Cividis, ColorMapId::Greys};
  return parse_in(s, all, out);
}
bool parse(const QString& s, ViewKind& out) {
  static const ViewKind all[] = {ViewKind::Matrix, ViewKind::Lines, ViewKind::Overview, ViewKind::Text,
                                 ViewKind::Image,  ViewKind::Heads, ViewKind::Prediction};
  return parse_in(s, all, out);
}
bool parse(const QString& s, HeadMode& out) {
  static const HeadMode all[] = {HeadMode::Single, HeadMode::Mean, HeadMode::Max, HeadMode::Min, HeadMode::Subset};
  return parse_in(s, all, out);
}

QString describe(const ViewState& s) {
  if (s.method == Method::Rollout) return QString("rollout, %1 of heads").arg(s.head_mode == HeadMode::Single ? "mean" : to_string(s.head_mode));
  if (s.method == Method::Flow) return QStringLiteral("attention flow");
  QString head;
  switch (s.head_mode) {
    case HeadMode::Single: head = QString("H%1").arg(s.head); break;
    case HeadMode::Subset: {
      QStringList hs;
      for (int h : s.subset) hs << QString::number(h);
      head = "mean of H" + hs.join(",");
      break;
    }
    default: head = to_string(s.head_mode) + " of heads"; break;
  }
  return QString("L%1 \u00b7 %2").arg(s.layer).arg(head);
}

}  // namespace attnscope::ui
