#pragma once

#include <any>
#include <memory>
#include <vector>

#include <QString>

#include "core/common/progress.h"
#include "core/pipeline/analyzer.h"
#include "ui/document/results.h"
#include "ui/document/view_state.h"

namespace attnscope::ui {

// Results derived from the current one that cost more than the UI thread may spend: value norms,
// ALTI contributions, head ablation (L·H runs) and the logit lens. The document holds at most one
// of each for the current result (with a status when there is none); Session computes the one a
// view or method needs on its job runner, `attnscope-cli render` in line. Each kind is one entry
// of derived_kinds(): when it is wanted, how it is made and what the user is told.
enum class Derived { ValueNorms, Contributions, Ablation, Lens };

struct DerivedKind {
  Derived id;
  const char* key;  // the job's name ("value-norm", ...)
  SelectionPart part;  // what a view redraws for when it arrives (with stateChanged)
  // Whether the selection `s` shows it.
  bool (*wanted)(const ViewState& s);
  // Makes it for `analysis`, which `analyzer` made from `request`: a shared_ptr<const T> of the
  // kind's type; an empty std::any if `progress` cancelled. Throws attnscope::Error.
  std::any (*compute)(const attnscope::Analyzer& analyzer, const attnscope::Analysis& analysis,
                      const attnscope::AnalysisRequest& request, const attnscope::ProgressFn& progress);
  // The status while it is being made, when cancelled, and when it failed with `what`.
  QString (*computing)(const attnscope::Analysis& analysis);
  QString (*cancelled)();
  QString (*failed)(const QString& what);
};

const std::vector<DerivedKind>& derived_kinds();
const DerivedKind* derived_kind(const QString& key);  // null if no kind has that job name
const DerivedKind& derived_kind(Derived id);

// The logit lens's k for the Lens view (cells show the first; tooltips all k).
constexpr int kLensTopK = 5;

}  // namespace attnscope::ui
