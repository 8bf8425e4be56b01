#include "ui/figures/prediction_figure.h"

#include "ui/document/analysis_document.h"
#include "ui/render/color_map.h"
#include "ui/render/axis_labels.h"
#include "core/common/error.h"

namespace attnscope::ui {

std::unique_ptr<PredictionRenderer> prediction_figure(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<PredictionRenderer>();
  r->bar_color = ColorMap(s.color_map).color(0.25);
  if (!doc.hasAnalysis()) {
    r->caption = QObject::tr("Run a model to see its predictions.");
    return r;
  }
  const Analysis& a = *doc.analysis();
  const bool lm = a.model.head == HeadKind::LanguageModel;
  std::vector<Prediction> predictions = a.predictions;
  if (lm) {
    // At the query token: a causal LM's next token after it, a masked LM's token at it (by
    // default the first [MASK]). Read through the model's head from the run's last hidden state.
    int position = doc.effectiveQuery(s);
    if (!a.model.causal && s.query < 0)
      for (size_t i = 0; i < a.encoding.tokens.size(); ++i)
        // A special token ([MASK], <mask>), so that a word such as "MASKED" in a cased text is not taken for one.
        if (const Token& t = a.encoding.tokens[i]; t.special && (t.text.find("MASK") != std::string::npos || t.text.find("<mask>") != std::string::npos)) {
          position = static_cast<int>(i);
          break;
        }
    const AnalyzerPtr& analyzer = doc.analyzer();
    // T5: the stored hidden state is the encoder's, which its head does not read; the run's own candidates stay.
    const bool same_model = analyzer && analyzer->info().dir == a.model.dir && !a.model.encoder_decoder && !a.forward.last_hidden_state.empty();
    const QString at = token_label(doc.tokenLabels().value(position)).trimmed();
    if (same_model && position >= 0 && position < a.seq_len()) {
      try {
        predictions = analyzer->predictions_at(a, position, 10);
        r->caption = a.model.causal ? QObject::tr("Next token after \u201c%1\u201d (token %2)").arg(at).arg(position)
                                    : QObject::tr("Token at \u201c%1\u201d (token %2)").arg(at).arg(position);
      } catch (const Error& e) {
        r->caption = QString::fromStdString(e.what());
      }
    } else {
      QString last = a.labels.empty() ? QString() : QString::fromStdString(a.labels.back());
      r->caption = QObject::tr("Next token after \u201c%1\u201d").arg(token_label(last).trimmed());
    }
  } else {
    r->caption = QObject::tr("Top classes");
  }
  for (const auto& p : predictions) {
    QString label = QString::fromStdString(p.label);
    if (lm) label = "\u201c" + label + "\u201d";
    r->bars.push_back({label, p.probability});
  }
  return r;
}

}  // namespace attnscope::ui
