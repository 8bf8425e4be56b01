#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <QString>

#include "core/analysis/head_stats.h"
#include "core/pipeline/corpus_summary.h"
#include "ui/render/color_map.h"

namespace attnscope::ui {

// The statistics a Heads view can show, by the names the CLI's stats CSV uses.
// Image models have no previous token (the patch left of a patch is not what "previous" means).
// "ablation" (head ablation's change of the prediction) for models with a classifier or LM head.
QStringList head_statistic_names(bool causal, bool image = false, bool ablation = false);
// With units: the mean distance is in tokens for text, in pixels of the model input for images.
QString head_statistic_title(const QString& name, bool image = false);
// The range a statistic can take, for a fixed colour scale: 0 to 1 for the mass-type scores and the
// normalised entropy, 0 to log(tokens) for the entropy, 0 to tokens - 1 for the mean distance of text
// (`tokens` = 0: unknown, as for a corpus); none where it has no useful bound (image distances).
std::optional<std::pair<double, double>> head_statistic_range(const QString& name, int tokens, bool image = false);
// The statistic `name` of `s` (NaN if not available, e.g. induction not computed).
double head_statistic(const attnscope::HeadStats& s, const QString& name);

// What a corpus' Heads view shows of each head's statistic over the inputs.
enum class CorpusQuantity { Mean, Std, Median, P05, P95 };
QString corpus_quantity_title(CorpusQuantity q);
double corpus_quantity(const attnscope::CorpusStatistic& c, CorpusQuantity q);
// The summary as per-head statistics holding `q` of each (for the Heads figure), with its layers and
// the number of heads.
std::vector<attnscope::HeadStats> corpus_head_stats(const attnscope::CorpusSummary& summary, CorpusQuantity q, std::vector<int>* layers,
                                                    int* heads);

}  // namespace attnscope::ui
