#include "ui/document/view_state.h"

#include <cmath>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include "core/common/error.h"

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

bool view_applies(ViewKind view, const ModelInfo& model) {
  switch (view) {
    case ViewKind::Text: case ViewKind::Lines: return model.modality == Modality::Text;
    case ViewKind::Image: return model.modality == Modality::Image;
    case ViewKind::Cross: return model.encoder_decoder;
    case ViewKind::Generation: return model.kv_cache;
    case ViewKind::Compare: return model.modality == Modality::Text && !model.encoder_decoder;
    case ViewKind::Lens: return model.head == HeadKind::LanguageModel && !model.encoder_decoder;
    default: return true;
  }
}

ViewKind applicable_view(ViewKind view, const ModelInfo& model) { return view_applies(view, model) ? view : ViewKind::Matrix; }

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
    case Method::ValueNorm: return "value-norm";
    case Method::NormRollout: return "norm-rollout";
    case Method::Contributions: return "contributions";
    case Method::Alti: return "alti";
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
    case Normalization::ValuePercentile: return "value_percentile";
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
    case ColorMapId::Diverging: return "diverging";
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
    case ViewKind::Inside: return "inside";
    case ViewKind::Cost: return "cost";
    case ViewKind::Cross: return "cross";
    case ViewKind::Generation: return "generation";
    case ViewKind::Compare: return "compare";
    case ViewKind::Lens: return "lens";
  }
  return {};
}

QString to_string(Stack s) { return s == Stack::Decoder ? "decoder" : "encoder"; }
QString to_string(CrossMode m) { return m == CrossMode::Lines ? "lines" : "matrix"; }
QString to_string(SegmentFilter f) {
  switch (f) {
    case SegmentFilter::AtoA: return "A->A";
    case SegmentFilter::AtoB: return "A->B";
    case SegmentFilter::BtoA: return "B->A";
    case SegmentFilter::BtoB: return "B->B";
    default: return "all";
  }
}
bool parse(const QString& s, SegmentFilter& out) {
  static const SegmentFilter all[] = {SegmentFilter::All, SegmentFilter::AtoA, SegmentFilter::AtoB, SegmentFilter::BtoA, SegmentFilter::BtoB};
  return parse_in(s, all, out);
}
QString to_string(Units u) {
  switch (u) {
    case Units::WordsMean: return "words-mean";
    case Units::WordsMax: return "words-max";
    default: return "tokens";
  }
}
bool parse(const QString& s, Units& out) {
  static const Units all[] = {Units::Tokens, Units::WordsMean, Units::WordsMax};
  return parse_in(s, all, out);
}
bool parse(const QString& s, Stack& out) {
  static const Stack all[] = {Stack::Encoder, Stack::Decoder};
  return parse_in(s, all, out);
}
bool parse(const QString& s, CrossMode& out) {
  static const CrossMode all[] = {CrossMode::Matrix, CrossMode::Lines};
  return parse_in(s, all, out);
}

bool parse(const QString& s, Method& out) {
  static const Method all[] = {Method::Raw,         Method::Rollout,       Method::Flow, Method::ValueNorm,
                              Method::NormRollout, Method::Contributions, Method::Alti};
  return parse_in(s, all, out);
}
bool parse(const QString& s, Normalization& out) {
  static const Normalization all[] = {Normalization::Row, Normalization::Matrix, Normalization::Global, Normalization::Log,
                                      Normalization::Percentile, Normalization::ValuePercentile};
  return parse_in(s, all, out);
}
bool parse(const QString& s, ColorMapId& out) {
  static const ColorMapId all[] = {ColorMapId::Viridis, ColorMapId::Magma, ColorMapId::Inferno, ColorMapId::Cividis, ColorMapId::Greys};
  return parse_in(s, all, out);
}
bool parse(const QString& s, ViewKind& out) {
  static const ViewKind all[] = {ViewKind::Matrix, ViewKind::Lines,      ViewKind::Overview, ViewKind::Text, ViewKind::Image,
                                 ViewKind::Heads,  ViewKind::Prediction, ViewKind::Inside,   ViewKind::Cost, ViewKind::Cross,
                                 ViewKind::Generation, ViewKind::Compare, ViewKind::Lens};
  return parse_in(s, all, out);
}
bool parse(const QString& s, HeadMode& out) {
  static const HeadMode all[] = {HeadMode::Single, HeadMode::Mean, HeadMode::Max, HeadMode::Min, HeadMode::Subset};
  return parse_in(s, all, out);
}

// Shown in titles and figures: translated ("ViewState" context); to_string() stays the stable
// name used in sidecars and on the command line.
QString display_name(HeadMode m) {
  switch (m) {
    case HeadMode::Single: return QCoreApplication::translate("ViewState", "single head");
    case HeadMode::Mean: return QCoreApplication::translate("ViewState", "mean");
    case HeadMode::Max: return QCoreApplication::translate("ViewState", "max");
    case HeadMode::Min: return QCoreApplication::translate("ViewState", "min");
    case HeadMode::Subset: return QCoreApplication::translate("ViewState", "subset");
  }
  return {};
}

QString display_name(Method m) {
  switch (m) {
    case Method::Raw: return QCoreApplication::translate("ViewState", "raw");
    case Method::Rollout: return QCoreApplication::translate("ViewState", "rollout");
    case Method::Flow: return QCoreApplication::translate("ViewState", "attention flow");
    case Method::ValueNorm: return QCoreApplication::translate("ViewState", "value norms");
    case Method::NormRollout: return QCoreApplication::translate("ViewState", "rollout of value norms");
    case Method::Contributions: return QCoreApplication::translate("ViewState", "token contributions (ALTI, per layer)");
    case Method::Alti: return QCoreApplication::translate("ViewState", "ALTI (aggregated)");
  }
  return {};
}

Normalization shown_normalization(const ViewState& s) {
  return s.method == Method::ValueNorm && s.normalization == Normalization::Row ? Normalization::Matrix : s.normalization;
}

QString display_name(Units u) {
  switch (u) {
    case Units::WordsMean: return QCoreApplication::translate("ViewState", "words (mean over pieces)");
    case Units::WordsMax: return QCoreApplication::translate("ViewState", "words (max over pieces)");
    default: return {};
  }
}

QString display_name(Normalization n) {
  switch (n) {
    case Normalization::Row: return QCoreApplication::translate("ViewState", "row scale");
    case Normalization::Matrix: return QCoreApplication::translate("ViewState", "matrix scale");
    case Normalization::Global: return QCoreApplication::translate("ViewState", "global scale");
    case Normalization::Log: return QCoreApplication::translate("ViewState", "log scale");
    case Normalization::Percentile: return QCoreApplication::translate("ViewState", "percentile scale");
    case Normalization::ValuePercentile: return QCoreApplication::translate("ViewState", "value-percentile scale");
  }
  return {};
}

QString describe(const ViewState& s) {
  const QString from = s.start_layer > 0 ? QCoreApplication::translate("ViewState", " from L%1").arg(s.start_layer) : QString();
  if (s.method == Method::Rollout) {
    QString d = QCoreApplication::translate("ViewState", "rollout%1, %2 of heads")
                    .arg(from, display_name(s.head_mode == HeadMode::Single ? HeadMode::Mean : s.head_mode));
    if (s.discard_ratio > 0) d += QCoreApplication::translate("ViewState", ", lowest %1% discarded").arg(100 * s.discard_ratio, 0, 'g', 3);
    return d;
  }
  if (s.method == Method::Flow) return display_name(Method::Flow) + from;
  if (s.method == Method::NormRollout) return display_name(Method::NormRollout) + from;
  if (s.method == Method::Contributions) return QCoreApplication::translate("ViewState", "L%1 \u00b7 contributions (ALTI)").arg(s.layer);
  if (s.method == Method::Alti) return QCoreApplication::translate("ViewState", "ALTI through L%1").arg(s.layer);
  // Fused value norms are the paper's per-layer map, the norm of what all heads write together.
  if (s.method == Method::ValueNorm && s.head_mode != HeadMode::Single)
    return QCoreApplication::translate("ViewState", "L%1 \u00b7 all heads (norm of their sum)").arg(s.layer);
  QString head;
  switch (s.head_mode) {
    case HeadMode::Single: head = QString("H%1").arg(s.head); break;
    case HeadMode::Subset: {
      QStringList hs;
      for (int h : s.subset) hs << QString::number(h);
      head = QCoreApplication::translate("ViewState", "mean of H%1").arg(hs.join(","));
      break;
    }
    default: head = QCoreApplication::translate("ViewState", "%1 of heads").arg(display_name(s.head_mode)); break;
  }
  return QString("L%1 \u00b7 %2").arg(s.layer).arg(head);
}

QJsonObject to_json(const ViewState& s) {
  QJsonObject j;
  j["view"] = to_string(s.view);
  j["layer"] = s.layer;
  j["head"] = s.head;
  j["head_mode"] = to_string(s.head_mode);
  QJsonArray subset;
  for (int h : s.subset) subset.append(h);
  j["subset"] = subset;
  j["method"] = to_string(s.method);
  j["start_layer"] = s.start_layer;
  j["discard_ratio"] = s.discard_ratio;
  j["query"] = s.query;
  j["color_map"] = to_string(s.color_map);
  j["normalization"] = to_string(s.normalization);
  j["clip_percent"] = s.clip_percent;
  j["hide_special"] = s.hide_special;
  j["exclude_first"] = s.exclude_first;
  j["threshold"] = s.threshold;
  j["show_threshold"] = s.show_threshold;
  j["overlay_opacity"] = s.overlay_opacity;
  j["smooth_overlay"] = s.smooth_overlay;
  j["show_registers"] = s.show_registers;
  if (!s.excluded_patches.isEmpty()) {
    QJsonArray excluded;
    for (int p : s.excluded_patches) excluded.append(p);
    j["excluded_patches"] = excluded;
  }
  j["statistic"] = s.statistic;
  j["segments"] = to_string(s.segments);
  j["units"] = to_string(s.units);
  j["heads_auto_range"] = s.heads_auto_range;
  j["lines_min_weight"] = s.lines_min_weight;
  j["lines_top_k"] = s.lines_top_k;
  j["temperature"] = s.temperature;
  j["stack"] = to_string(s.stack);
  j["cross_mode"] = to_string(s.cross_mode);
  j["cross_argmax"] = s.cross_argmax;
  j["cross_target"] = s.cross_target;
  j["cross_source"] = s.cross_source;
  return j;
}

namespace {
[[noreturn]] void bad_key(const QString& key, const QString& why) {
  attnscope::fail(attnscope::ErrorKind::Input, ("view." + key + ": " + why).toStdString());
}
template <typename E>
void enum_key(const QJsonObject& j, const char* key, E& out) {
  if (!j.contains(key)) return;
  if (!j[key].isString() || !parse(j[key].toString(), out)) bad_key(key, "unknown value " + QJsonDocument(QJsonArray{j[key]}).toJson(QJsonDocument::Compact));
}
void int_key(const QJsonObject& j, const char* key, int& out, int lo, int hi) {
  if (!j.contains(key)) return;
  const double v = j[key].toDouble(-1e300);
  if (!j[key].isDouble() || v != std::floor(v) || v < lo || v > hi) bad_key(key, "must be an integer in [" + QString::number(lo) + ", " + QString::number(hi) + "]");
  out = static_cast<int>(v);
}
// A list of non-negative indices ("subset": head numbers, "excluded_patches": patch numbers).
void index_list_key(const QJsonObject& j, const char* key, QList<int>& out, const QString& what) {
  if (!j.contains(key)) return;
  if (!j[key].isArray()) bad_key(key, "must be an array of " + what);
  out.clear();
  for (const QJsonValue& v : j[key].toArray()) {
    if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > (1 << 30) || v.toDouble() != std::floor(v.toDouble()))
      bad_key(key, "must hold non-negative " + what);
    out << v.toInt();
  }
}
void real_key(const QJsonObject& j, const char* key, double& out, double lo, double hi) {
  if (!j.contains(key)) return;
  if (!j[key].isDouble() || j[key].toDouble() < lo || j[key].toDouble() > hi)
    bad_key(key, "must be a number in [" + QString::number(lo) + ", " + QString::number(hi) + "]");
  out = j[key].toDouble();
}
void bool_key(const QJsonObject& j, const char* key, bool& out) {
  if (!j.contains(key)) return;
  if (!j[key].isBool()) bad_key(key, "must be true or false");
  out = j[key].toBool();
}
}  // namespace

ViewState view_state_from_json(const QJsonObject& j, const ViewState& base) {
  ViewState s = base;
  enum_key(j, "view", s.view);
  enum_key(j, "head_mode", s.head_mode);
  enum_key(j, "method", s.method);
  enum_key(j, "color_map", s.color_map);
  enum_key(j, "normalization", s.normalization);
  enum_key(j, "stack", s.stack);
  enum_key(j, "cross_mode", s.cross_mode);
  enum_key(j, "segments", s.segments);
  enum_key(j, "units", s.units);
  bool_key(j, "cross_argmax", s.cross_argmax);
  int_key(j, "cross_target", s.cross_target, -1, 1 << 30);
  int_key(j, "cross_source", s.cross_source, -1, 1 << 30);
  int_key(j, "layer", s.layer, 0, 1 << 16);
  int_key(j, "head", s.head, 0, 1 << 16);
  int_key(j, "query", s.query, -1, 1 << 30);
  int_key(j, "start_layer", s.start_layer, 0, 1 << 16);
  real_key(j, "discard_ratio", s.discard_ratio, 0, 0.99);
  index_list_key(j, "subset", s.subset, "head numbers");
  index_list_key(j, "excluded_patches", s.excluded_patches, "patch numbers");
  real_key(j, "clip_percent", s.clip_percent, 0, 50);
  real_key(j, "threshold", s.threshold, 0.01, 1);
  real_key(j, "overlay_opacity", s.overlay_opacity, 0, 1);
  real_key(j, "temperature", s.temperature, 1e-3, 1e3);
  bool_key(j, "hide_special", s.hide_special);
  bool_key(j, "exclude_first", s.exclude_first);
  bool_key(j, "show_threshold", s.show_threshold);
  bool_key(j, "smooth_overlay", s.smooth_overlay);
  bool_key(j, "show_registers", s.show_registers);
  bool_key(j, "heads_auto_range", s.heads_auto_range);
  real_key(j, "lines_min_weight", s.lines_min_weight, 0, 1);
  int_key(j, "lines_top_k", s.lines_top_k, 0, 1 << 30);
  if (j.contains("statistic")) {
    if (!j["statistic"].isString()) bad_key("statistic", "must be a name");
    s.statistic = j["statistic"].toString();
  }
  return s;
}

SelectionParts changed_parts(const ViewState& a, const ViewState& b) {
  SelectionParts p;
  if (a.layer != b.layer || a.stack != b.stack) p |= SelectionPart::Layer;
  if (a.head != b.head || a.head_mode != b.head_mode || a.subset != b.subset) p |= SelectionPart::Heads;
  if (a.method != b.method || a.start_layer != b.start_layer || a.discard_ratio != b.discard_ratio) p |= SelectionPart::Method;
  if (a.query != b.query) p |= SelectionPart::Query;
  if (a.color_map != b.color_map) p |= SelectionPart::Colors;
  if (a.normalization != b.normalization || a.clip_percent != b.clip_percent || a.hide_special != b.hide_special || a.exclude_first != b.exclude_first ||
      a.segments != b.segments || a.units != b.units)
    p |= SelectionPart::Scale;
  if (a.threshold != b.threshold || a.show_threshold != b.show_threshold || a.overlay_opacity != b.overlay_opacity ||
      a.smooth_overlay != b.smooth_overlay || a.excluded_patches != b.excluded_patches || a.show_registers != b.show_registers)
    p |= SelectionPart::ImageOptions;
  if (a.statistic != b.statistic || a.heads_auto_range != b.heads_auto_range) p |= SelectionPart::Statistic;
  if (a.lines_min_weight != b.lines_min_weight || a.lines_top_k != b.lines_top_k) p |= SelectionPart::LinesOptions;
  if (a.temperature != b.temperature) p |= SelectionPart::Temperature;
  if (a.cross_mode != b.cross_mode || a.cross_argmax != b.cross_argmax || a.cross_target != b.cross_target || a.cross_source != b.cross_source)
    p |= SelectionPart::CrossOptions;
  if (a.view != b.view) p |= SelectionPart::View;
  return p;
}

}  // namespace attnscope::ui
