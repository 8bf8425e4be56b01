#pragma once

#include <memory>

#include <QString>

#include "core/analysis/cost_model.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/corpus_batch.h"
#include "core/pipeline/corpus_summary.h"

namespace attnscope::ui {

// What the document holds, as the workers hand it over: immutable once made, shared by pointer so
// the GUI thread reads it without locks.
using AnalyzerPtr = std::shared_ptr<const attnscope::Analyzer>;
using AnalysisPtr = std::shared_ptr<const attnscope::Analysis>;
using MatrixPtr = std::shared_ptr<const attnscope::RowMatrix>;
using InternalsPtr = std::shared_ptr<const attnscope::AttentionInternals>;
using CostSweepPtr = std::shared_ptr<const attnscope::CostSweep>;

// A corpus as the Heads view shows it: the summary, and the per-input results when they were
// read from result folders (not from a merged summary file), which name the extreme inputs.
struct CorpusData {
  attnscope::CorpusSummary summary;
  attnscope::CorpusResults results;  // empty for a summary file
  QString source;                    // the folders or the file, for titles
};
using CorpusPtr = std::shared_ptr<const CorpusData>;

}  // namespace attnscope::ui
