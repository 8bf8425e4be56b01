#include "ui/document/derived_results.h"

#include <QCoreApplication>

#include "core/common/error.h"
#include "core/pipeline/derived_maps.h"
#include "core/pipeline/head_ablation.h"

namespace attnscope::ui {

namespace {

// A shared_ptr<const T> of `value`, or nothing if it came back empty (cancelled).
template <typename T>
std::any shared_unless(T&& value, bool cancelled) {
  if (cancelled) return {};
  return std::make_shared<const std::decay_t<T>>(std::forward<T>(value));
}

}  // namespace

const std::vector<DerivedKind>& derived_kinds() {
  static const std::vector<DerivedKind> kinds = {
      {Derived::ValueNorms, "value-norm", SelectionPart::Method,
       [](const ViewState& s) { return s.method == Method::ValueNorm || s.method == Method::NormRollout; },
       [](const Analyzer& analyzer, const Analysis& a, const AnalysisRequest&, const ProgressFn& progress) {
         ValueNormMaps m = value_norm_maps(a, analyzer.model(), progress);
         const bool cancelled = m.empty();
         return shared_unless(std::move(m), cancelled);
       },
       [](const Analysis& a) { return QCoreApplication::translate("DerivedResults", "Computing value norms on %n token(s)\u2026 (Esc cancels)", nullptr, a.seq_len()); },
       [] { return QCoreApplication::translate("DerivedResults", "Value norms cancelled; choose the method again to restart them"); },
       [](const QString& what) { return QCoreApplication::translate("DerivedResults", "No value norms: %1").arg(what); }},
      {Derived::Contributions, "contributions", SelectionPart::Method,
       [](const ViewState& s) { return s.method == Method::Contributions || s.method == Method::Alti; },
       [](const Analyzer& analyzer, const Analysis& a, const AnalysisRequest&, const ProgressFn& progress) {
         ContributionMaps m = contribution_maps(a, analyzer.model(), progress);
         const bool cancelled = m.empty();
         return shared_unless(std::move(m), cancelled);
       },
       [](const Analysis& a) { return QCoreApplication::translate("DerivedResults", "Computing token contributions (ALTI) on %n token(s)\u2026 (Esc cancels)", nullptr, a.seq_len()); },
       [] { return QCoreApplication::translate("DerivedResults", "Contributions cancelled; choose the method again to restart them"); },
       [](const QString& what) { return QCoreApplication::translate("DerivedResults", "No contributions: %1").arg(what); }},
      {Derived::Ablation, "ablation", SelectionPart::Statistic,
       [](const ViewState& s) { return s.view == ViewKind::Heads && s.statistic == "ablation"; },
       [](const Analyzer& analyzer, const Analysis&, const AnalysisRequest& request, const ProgressFn& progress) {
         HeadAblationResult r = head_ablation(analyzer, request, {}, progress);
         const bool cancelled = r.cancelled;
         return shared_unless(std::move(r), cancelled);
       },
       [](const Analysis& a) {
         const int runs = a.model.num_layers * a.model.num_heads + 1;
         return QCoreApplication::translate("DerivedResults", "Ablating each head: %n run(s) of the input\u2026 (Esc cancels)", nullptr, runs);
       },
       [] { return QCoreApplication::translate("DerivedResults", "Head ablation cancelled; run again to restart it"); },
       [](const QString& what) { return QCoreApplication::translate("DerivedResults", "No head ablation: %1").arg(what); }},
      {Derived::Lens, "lens", SelectionPart::View,
       [](const ViewState& s) { return s.view == ViewKind::Lens; },
       [](const Analyzer& analyzer, const Analysis& a, const AnalysisRequest&, const ProgressFn& progress) {
         LogitLens lens = analyzer.logit_lens(a, kLensTopK, progress);
         const bool cancelled = lens.layers.empty();
         return shared_unless(std::move(lens), cancelled);
       },
       [](const Analysis& a) {
         const int layers = a.model.num_layers + 1;
         return QCoreApplication::translate("DerivedResults", "Reading every layer through the model's head: %n layer(s)\u2026 (Esc cancels)", nullptr, layers);
       },
       [] { return QCoreApplication::translate("DerivedResults", "Logit lens cancelled; open the view again to restart it"); },
       [](const QString& what) { return QCoreApplication::translate("DerivedResults", "No logit lens: %1").arg(what); }},
  };
  return kinds;
}

const DerivedKind* derived_kind(const QString& key) {
  for (const DerivedKind& k : derived_kinds())
    if (key == QLatin1String(k.key)) return &k;
  return nullptr;
}

const DerivedKind& derived_kind(Derived id) {
  for (const DerivedKind& k : derived_kinds())
    if (k.id == id) return k;
  fail(ErrorKind::Usage, "unknown derived result");
}

}  // namespace attnscope::ui
