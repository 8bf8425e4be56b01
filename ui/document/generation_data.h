#pragma once

#include <vector>

#include <QString>
#include <QStringList>

#include <memory>

#include "core/common/progress.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/generation.h"

namespace attnscope::ui {

// A generation of the open causal LM with what the views show of it, made on the worker.
struct GenerationData {
  attnscope::Generation generation;
  QString prompt;
  attnscope::GenerationOptions options;   // what was asked for
  QStringList labels;                     // display label of every token of generation.sequence()
  std::vector<QStringList> candidates;    // per step: the labels of its candidates
  int promptTokens() const { return static_cast<int>(generation.prompt_ids.size()); }
  int steps() const { return static_cast<int>(generation.steps.size()); }
};

// Tokenizes `prompt`, generates (core generate()) and labels every token and candidate. Throws
// what generate() throws; a cancelled generation comes back with the steps made so far.
std::shared_ptr<const GenerationData> make_generation(const attnscope::Analyzer& analyzer, const QString& prompt,
                                                      const attnscope::GenerationOptions& options,
                                                      const attnscope::ProgressFn& progress = {});

}  // namespace attnscope::ui
