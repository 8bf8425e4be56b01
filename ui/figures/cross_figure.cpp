#include "ui/figures/cross_figure.h"

#include "ui/document/analysis_document.h"

namespace attnscope::ui {

std::unique_ptr<CrossAttentionRenderer> cross_figure(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<CrossAttentionRenderer>();
  r->cmap = ColorMap(s.color_map);
  r->mode = s.cross_mode;
  r->argmax = s.cross_argmax;
  r->row_scale = s.normalization != Normalization::Matrix && s.normalization != Normalization::Global;
  const AnalysisPtr& a = doc.result();
  if (!a) return r;
  if (!a->has_decoder()) {
    r->title = QObject::tr("The Cross view is for encoder-decoder models (T5): run one with a target or with generation.");
    return r;
  }
  const AttentionMaps& cross = a->forward.decoder.cross_attentions;
  if (cross.empty()) {
    r->title = QObject::tr("No cross-attention was captured.");
    return r;
  }
  const int layer = cross.has_layer(s.layer) ? s.layer : cross.layers.back();
  // The selection's heads fused as every view fuses them (fusion_for), here without renormalising
  // max and min: the Cross view has always shown them as they are.
  FusionOptions fusion = fusion_for(s);
  fusion.renormalize = false;
  if (s.head_mode == HeadMode::Single) fusion.heads = {std::clamp(s.head, 0, cross.num_heads - 1)};
  r->weights = fuse_heads(cross, layer, fusion);  // [T, S]
  for (const auto& t : a->decoder_labels) r->targets << QString::fromStdString(t);
  for (const auto& t : a->labels) r->sources << QString::fromStdString(t);
  r->selected_target = s.cross_target;
  r->selected_source = s.cross_source;
  QString heads_name = s.head_mode == HeadMode::Single ? QObject::tr("H%1").arg(fusion.heads.front()) : display_name(s.head_mode);
  if (s.head_mode == HeadMode::Subset) {
    QStringList hs;
    for (int h : fusion.heads) hs << QString::number(h);
    heads_name = QObject::tr("mean of H%1").arg(hs.join(","));
  }
  r->title = QObject::tr("cross-attention · L%1 · %2").arg(layer).arg(heads_name);
  if (s.method != Method::Raw) r->title += QObject::tr(" (raw weights: %1 needs one stack)").arg(display_name(s.method));
  r->caption = QObject::tr("%1 decoder positions × %2 source tokens · shaded by %3 · rows sum to 1")
                   .arg(r->targets.size())
                   .arg(r->sources.size())
                   .arg(r->row_scale ? QObject::tr("each row's max") : QObject::tr("the matrix max"));
  return r;
}

}  // namespace attnscope::ui
