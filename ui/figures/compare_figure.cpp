#include "ui/figures/compare_figure.h"

#include <algorithm>

#include "ui/document/analysis_document.h"

namespace attnscope::ui {

namespace {

QString excerpt(const std::string& text, int n = 48) {
  const QString t = QString::fromStdString(text).simplified();
  return t.size() > n ? t.left(n - 1) + QChar(0x2026) : t;
}

// The selected head's map, or the heads fused as the selection says (fusion_for: mean, max, min or
// a subset's mean, as every other view fuses them), on the aligned tokens.
RowMatrix aligned(const AttentionMaps& maps, int layer, const ViewState& s, const std::vector<int>& index) {
  RowMatrix scratch;
  const RowMatrix full = s.head_mode == HeadMode::Single
                             ? RowMatrix(maps.head_f32(layer, std::clamp(s.head, 0, maps.num_heads - 1), scratch))
                             : fuse_heads(maps, layer, fusion_for(s));
  const int K = static_cast<int>(index.size());
  RowMatrix out(K, K);
  for (int i = 0; i < K; ++i)
    for (int j = 0; j < K; ++j) out(i, j) = full(index[size_t(i)], index[size_t(j)]);
  return out;
}

}  // namespace

std::unique_ptr<CompareRenderer> compare_figure(const AnalysisDocument& d, const ViewState& s) {
  auto r = std::make_unique<CompareRenderer>();
  r->cmap = ColorMap(s.color_map);
  r->title = QObject::tr("Compare");
  const AnalysisPtr& ref = d.reference();
  const AnalysisPtr& cur = d.analysis();
  const auto c = d.comparison();
  if (!ref) {
    r->note = QObject::tr("Keep a result as the reference (A), then run another input, or the same input on another model (B).");
    return r;
  }
  if (!c || c->layers.empty() || !cur || cur == ref) {
    r->note = cur && cur != ref ? QObject::tr("Comparing…") : QObject::tr("Run another input, or open another model and run, to compare with the reference.");
    return r;
  }
  const auto& pairs = c->alignment.pairs;
  std::vector<int> ia, ib;
  for (const auto& [i, j] : pairs) ia.push_back(i), ib.push_back(j);
  for (int j : ib) r->tokens << QString::fromStdString(cur->labels[size_t(j)]);
  const auto it = std::find(c->layers.begin(), c->layers.end(), s.layer);
  const int layer = it == c->layers.end() ? c->layers.front() : s.layer;
  r->a = aligned(ref->forward.attentions, layer, s, ia);
  r->b = aligned(cur->forward.attentions, layer, s, ib);
  r->diff = r->a - r->b;
  const int L = static_cast<int>(c->layers.size()), H = c->num_heads;
  r->divergence = RowMatrix(L, H);
  std::copy(c->divergence.data.begin(), c->divergence.data.end(), r->divergence.data());
  for (int l : c->layers) r->layer_labels << QString("L%1").arg(l);
  r->selected_row = static_cast<int>(it - c->layers.begin());
  r->selected_head = s.head_mode == HeadMode::Single ? s.head : -1;
  if (it == c->layers.end()) r->selected_row = -1;
  ViewState raw = s;
  raw.method = Method::Raw;
  r->subject = describe(raw);
  if (r->selected_row >= 0 && r->selected_head >= 0)
    r->subject += QObject::tr(" \u00b7 JS %1 bits").arg(r->divergence(r->selected_row, r->selected_head), 0, 'f', 3);
  r->label_a = QObject::tr("A: %1 “%2”").arg(d.referenceModel(), excerpt(ref->text));
  r->label_b = QObject::tr("B: %1 “%2”").arg(d.modelName(), excerpt(cur->text));
  QStringList ua, ub;
  for (int i : c->alignment.unpaired_a) ua << QString("“%1” (%2)").arg(QString::fromStdString(ref->labels[size_t(i)])).arg(i);
  for (int j : c->alignment.unpaired_b) ub << QString("“%1” (%2)").arg(QString::fromStdString(cur->labels[size_t(j)])).arg(j);
  r->note = ua.isEmpty() && ub.isEmpty()
                ? QObject::tr("Every token has a partner (%1 aligned).").arg(pairs.size())
                : QObject::tr("%1 tokens aligned; without a partner: A %2; B %3")
                      .arg(pairs.size())
                      .arg(ua.isEmpty() ? QObject::tr("none") : ua.join(", "))
                      .arg(ub.isEmpty() ? QObject::tr("none") : ub.join(", "));
  return r;
}

}  // namespace attnscope::ui
