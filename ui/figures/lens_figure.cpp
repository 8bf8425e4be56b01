#include "ui/figures/lens_figure.h"

#include "ui/document/analysis_document.h"

namespace attnscope::ui {

std::unique_ptr<LensRenderer> lens_figure(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<LensRenderer>();
  r->cmap = ColorMap(s.color_map);
  const auto lens = doc.lens();
  if (!doc.hasAnalysis()) {
    r->note = QObject::tr("Run a language model to see what each layer would predict.");
    return r;
  }
  if (!lens) {
    r->note = doc.derivedNote(Derived::Lens, QObject::tr("The logit lens is computed when this view is shown."));
    return r;
  }
  const Analysis& a = *doc.analysis();
  r->caption = a.model.causal ? QObject::tr("Logit lens: the next token each layer's stream would predict, through the final norm and the head")
                              : QObject::tr("Logit lens: the token each layer's stream would fill in, through the MLM head");
  for (int l : lens->layers) r->row_labels << (l < 0 ? QObject::tr("embeddings") : QObject::tr("after L%1").arg(l));
  r->columns = doc.tokenLabels().mid(0, lens->positions);
  while (r->columns.size() < lens->positions) r->columns << QString::number(r->columns.size());
  r->cells.resize(lens->layers.size() * static_cast<size_t>(lens->positions));
  for (size_t li = 0; li < lens->layers.size(); ++li)
    for (int pos = 0; pos < lens->positions; ++pos) {
      auto& cell = r->cells[li * static_cast<size_t>(lens->positions) + static_cast<size_t>(pos)];
      for (int k = 0; k < lens->top_k; ++k) {
        const Prediction& p = lens->at(li, pos, k);
        cell.top.emplace_back(QString::fromStdString(p.label), p.probability);
      }
    }
  r->selected_column = doc.effectiveQuery(s);
  return r;
}

}  // namespace attnscope::ui
