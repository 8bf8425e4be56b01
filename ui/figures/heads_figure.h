#pragma once

#include <memory>

#include <QString>

#include "ui/document/view_state.h"
#include "ui/render/head_statistics.h"
#include "ui/render/heads_renderer.h"

namespace attnscope::ui {

class AnalysisDocument;

// The Heads view's figure: the selection's statistic for every layer and head of the current
// input, the selected head outlined.
std::unique_ptr<HeadsRenderer> heads_figure(const AnalysisDocument& document, const ViewState& state, const QString& title = {});

// The same over the document's corpus: `quantity` of each head's statistic over its inputs.
std::unique_ptr<HeadsRenderer> corpus_heads_figure(const AnalysisDocument& document, const ViewState& state, CorpusQuantity quantity,
                                                   const QString& title = {});

}  // namespace attnscope::ui
