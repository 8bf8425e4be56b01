#include "ui/document/map_builder.h"

#include <limits>
#include <numeric>

#include "core/analysis/display_norm.h"
#include "core/analysis/fusion.h"
#include "core/analysis/word_merge.h"
#include "core/common/error.h"
#include "ui/document/analysis_document.h"

namespace attnscope::ui {


bool selected_weights(const AnalysisDocument& doc, const ViewState& s, RowMatrix& out, QString* why) {
  auto unavailable = [&](const QString& reason) {
    if (why) *why = reason;
    out.resize(0, 0);
    return false;
  };
  if (!doc.hasAnalysis()) return unavailable(QObject::tr("No result yet: choose an input and run (Ctrl+R)."));
  const AttentionMaps& att = doc.analysis()->forward.attentions;
  try {
    switch (s.method) {
      case Method::Raw:
        if (!att.has_layer(s.layer)) return unavailable(QObject::tr("Layer %1 was not captured.").arg(s.layer));
        if (s.head_mode == HeadMode::Single) {
          RowMatrix scratch;
          out = att.head_f32(s.layer, s.head, scratch);
        } else {
          out = fuse_heads(att, s.layer, fusion_for(s));
        }
        return true;
      case Method::Rollout: {
        const auto rollout = doc.rollout(rollout_options_for(s));
        if (!rollout) return unavailable(QObject::tr("Computing the rollout… (%1 tokens through %n layer(s); Esc cancels)", nullptr,
                                                     static_cast<int>(att.layers.size()))
                                             .arg(att.seq_len));
        out = *rollout;
        return true;
      }
      case Method::ValueNorm:
      case Method::NormRollout: {
        if (s.method == Method::ValueNorm && !att.has_layer(s.layer)) return unavailable(QObject::tr("Layer %1 was not captured.").arg(s.layer));
        const auto norms = doc.valueNorms();
        if (!norms) return unavailable(doc.derivedNote(Derived::ValueNorms, QObject::tr("Value norms are computed when this method is shown.")));
        if (s.method == Method::NormRollout) {
          const auto rollout = doc.normRollout(s.start_layer);
          if (!rollout) return unavailable(QObject::tr("Computing the rollout of value norms\u2026 (%1 tokens through %n layer(s); Esc cancels)", nullptr,
                                                       static_cast<int>(norms->layers.size()))
                                               .arg(att.seq_len));
          out = *rollout;
        } else {
          out = norms->map(s.layer, s.head_mode == HeadMode::Single ? s.head : -1);
        }
        return true;
      }
      case Method::Contributions:
      case Method::Alti: {
        const auto c = doc.contributions();
        if (!c) return unavailable(doc.derivedNote(Derived::Contributions, QObject::tr("Contributions are computed when this method is shown.")));
        out = c->map(s.layer, s.method == Method::Alti);
        return true;
      }
      case Method::Flow: {
        const RowMatrix* flow = doc.flow(s);
        if (!flow) {
          const QString status = doc.flowKey(s) == doc.flowKey() ? doc.flowStatus() : QString();
          return unavailable(status.isEmpty() ? QObject::tr("Attention flow is computed when this selection is shown.") : status);
        }
        const std::vector<int> rows = doc.flowRows(s);
        if (rows.empty()) {
          out = *flow;
        } else {
          // Only the rows solved; the others stay 0 and are never shown (the Image view reads the query's row).
          const Eigen::Index S = flow->cols();
          out = RowMatrix::Zero(S, S);
          for (size_t i = 0; i < rows.size(); ++i) out.row(rows[i]) = flow->row(static_cast<Eigen::Index>(i));
        }
        return true;
      }
    }
  } catch (const Error& e) {
    return unavailable(QString::fromStdString(e.what()));
  }
  return unavailable(QString());
}

RowMatrix selected_weights(const AnalysisDocument& doc, const ViewState& s, QString* why) {
  RowMatrix out;
  selected_weights(doc, s, out, why);
  return out;
}

DisplayMap build_display_map(const AnalysisDocument& doc) { return build_display_map(doc, doc.state()); }

DisplayMap build_display_map(const AnalysisDocument& doc, const ViewState& s) { return build_display_map(doc, s, DisplayMap()); }

DisplayMap build_display_map(const AnalysisDocument& doc, const ViewState& s, DisplayMap&& recycle) {
  RowMatrix weights = std::move(recycle.values);
  QString why;
  if (!selected_weights(doc, s, weights, &why) || weights.size() == 0) {
    DisplayMap m;
    m.unavailable = why;
    return m;
  }
  return display_map_of(doc, s, std::move(weights), std::move(recycle.shade));
}

DisplayMap build_display_map_or_raw(const AnalysisDocument& doc, const ViewState& s, DisplayMap&& recycle) {
  DisplayMap m = build_display_map(doc, s, std::move(recycle));
  if (!m.empty() || s.method == Method::Raw || !doc.hasAnalysis()) return m;
  ViewState raw = s;
  raw.method = Method::Raw;
  if (raw.head_mode == HeadMode::Single && !doc.analysis()->forward.attentions.has_layer(raw.layer)) return m;
  const QString why = m.unavailable;
  DisplayMap shown = build_display_map(doc, raw);
  if (shown.empty()) return m;
  shown.pending = why + "\n" + QObject::tr("Shown meanwhile: the raw attention of %1.").arg(describe(raw));
  return shown;
}

std::vector<int> token_segments(const Analysis& a) {
  std::vector<int> seg;
  if (a.text_pair.empty()) return seg;
  int current = 0;
  for (const Token& t : a.encoding.tokens) {
    if (t.sequence >= 0) current = t.sequence;
    seg.push_back(current);
  }
  return seg;
}

DisplayMap display_map_of(const AnalysisDocument& doc, const ViewState& s, RowMatrix weights, RowMatrix&& recycle_shade) {
  DisplayMap m;
  if (!doc.hasAnalysis() || weights.size() == 0) return m;
  const int S = static_cast<int>(weights.rows());

  // Hiding special tokens: their columns are masked and every row renormalised over the rest
  // (core mask_tokens); their rows and columns then leave the display. Value norms are lengths,
  // not shares of a row: they only leave.
  // The first token as an attention sink (StreamingLLM; text only) is masked the same way, and the
  // share of each row the masked tokens took is kept for the side bar.
  std::vector<uint8_t> mask(static_cast<size_t>(S), 0);
  if (s.hide_special) {
    const std::vector<bool> special = doc.specialMask();
    for (int i = 0; i < S && i < static_cast<int>(special.size()); ++i) mask[static_cast<size_t>(i)] = special[static_cast<size_t>(i)];
  }
  const bool sink = s.exclude_first && S > 1 && doc.analysis()->model.modality == Modality::Text;
  if (sink) mask[0] = 1;
  std::vector<float> sink_share;  // [S] the masked tokens' share of each row
  if ((s.hide_special || sink) && s.method != Method::ValueNorm) {
    // Only the few masked columns are read: this runs for every map the Overview draws.
    Eigen::VectorXf share = Eigen::VectorXf::Zero(S);  // [S]
    for (int j = 0; j < S; ++j)
      if (mask[static_cast<size_t>(j)]) share += weights.col(j);
    sink_share.assign(share.data(), share.data() + S);
    weights = mask_tokens(weights, mask);
  }
  for (int i = 0; i < S; ++i)
    if (!mask[static_cast<size_t>(i)]) m.row_tokens.push_back(i);
  if (m.row_tokens.empty()) {
    m.unavailable = QObject::tr("Every token is a special token; nothing is left to show.");
    return m;
  }
  int n = static_cast<int>(m.row_tokens.size());
  if (n == S) {
    m.values = std::move(weights);
  } else {
    m.values.resize(n, n);
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) m.values(r, c) = weights(m.row_tokens[static_cast<size_t>(r)], m.row_tokens[static_cast<size_t>(c)]);
  }
  if (!sink_share.empty())
    for (int t : m.row_tokens) m.excluded_mass.push_back(sink_share[static_cast<size_t>(t)]);
  const Analysis& a = *doc.analysis();
  const ModelInfo& model = a.model;
  // One layer's map: the keys its mask excludes are not weights, so they are not coloured as 0.
  const bool layer_mask = per_layer(s.method) && model.causal;
  if (layer_mask) m.window = model.window(s.layer);
  auto excluded = [&](int i, int j) { return j > i || (m.window > 0 && j <= i - m.window); };

  const bool words = s.units != Units::Tokens && model.modality == Modality::Text && a.encoding.tokens.size() == static_cast<size_t>(S);
  const QStringList token_labels = doc.tokenLabels();
  std::vector<uint8_t> merged_mask;  // [words, words] 1 where no piece pair is a weight
  if (words) {
    // A shown token starts a row if it starts a word, or if the token before it is hidden.
    const std::vector<int> word_first = word_starts(a.encoding.tokens);
    std::vector<uint8_t> is_first(static_cast<size_t>(S), 0);
    for (int t : word_first) is_first[static_cast<size_t>(t)] = 1;
    std::vector<int> starts;
    for (int r = 0; r < n; ++r) {
      const int t = m.row_tokens[static_cast<size_t>(r)];
      if (r == 0 || is_first[static_cast<size_t>(t)] || m.row_tokens[static_cast<size_t>(r - 1)] != t - 1) starts.push_back(r);
    }
    std::vector<uint8_t> piece_mask;  // [n, n] the layer's mask over the shown tokens
    if (layer_mask) {
      piece_mask.assign(static_cast<size_t>(n) * static_cast<size_t>(n), 0);
      for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c)
          piece_mask[static_cast<size_t>(r) * static_cast<size_t>(n) + static_cast<size_t>(c)] =
              excluded(m.row_tokens[static_cast<size_t>(r)], m.row_tokens[static_cast<size_t>(c)]);
    }
    m.values = merge_pieces(m.values, starts, s.units == Units::WordsMax ? PieceMerge::Max : PieceMerge::Mean, piece_mask, &merged_mask);
    if (!m.excluded_mass.empty()) {  // a word's share: the mean over its pieces, as its row is
      std::vector<float> words_mass;
      for (size_t g = 0; g < starts.size(); ++g) {
        const int b = starts[g], e = g + 1 < starts.size() ? starts[g + 1] : n;
        float sum = 0;
        for (int r = b; r < e; ++r) sum += m.excluded_mass[static_cast<size_t>(r)];
        words_mass.push_back(sum / static_cast<float>(e - b));
      }
      m.excluded_mass = std::move(words_mass);
    }
    std::vector<int> firsts;
    for (size_t g = 0; g < starts.size(); ++g) {
      const int first = m.row_tokens[static_cast<size_t>(starts[g])];
      const int last = m.row_tokens[static_cast<size_t>(g + 1 < starts.size() ? starts[g + 1] : n) - 1];
      firsts.push_back(first);
      m.token_ends.push_back(last + 1);
      const Token& f = a.encoding.tokens[static_cast<size_t>(first)];
      const Token& l = a.encoding.tokens[static_cast<size_t>(last)];
      const std::string& source = f.sequence == 1 ? a.text_pair : a.text;
      // Words are named as written, without the space before them; special tokens by their name.
      QString label = token_labels.value(first);
      if (first != last && !f.special && f.begin < l.end && l.end <= source.size())
        label = QString::fromUtf8(source.data() + f.begin, static_cast<qsizetype>(l.end - f.begin));
      m.labels << (label.trimmed().isEmpty() ? label : label.trimmed());
    }
    m.row_tokens = std::move(firsts);
    n = static_cast<int>(m.row_tokens.size());
  } else {
    for (int t : m.row_tokens) {
      m.token_ends.push_back(t + 1);
      m.labels << token_labels.value(t);
    }
  }
  m.col_tokens = m.row_tokens;

  DisplayOptions o;
  o.clip_percent = s.clip_percent;
  const float vmax = m.values.size() ? m.values.maxCoeff() : 0.0f;
  m.title = describe(s);
  const bool norms = s.method == Method::ValueNorm;
  const Normalization normalization = shown_normalization(s);
  switch (normalization) {
    case Normalization::Row:
      o.scale = DisplayScale::Raw;
      m.scale_lower = 0;
      m.scale_upper = 1;
      m.scale_label = QObject::tr("attention weight");
      break;
    case Normalization::Matrix:
      o.scale = DisplayScale::MatrixMax;
      m.scale_upper = vmax;
      m.scale_label = QObject::tr("attention weight (scaled to matrix max)");
      break;
    case Normalization::Global: {
      o.scale = DisplayScale::MatrixMax;  // divided by the global max below
      m.scale_upper = std::max<double>(doc.globalMax(s), vmax);
      m.scale_label = QObject::tr("attention weight (scaled to max over all heads)");
      break;
    }
    case Normalization::Log:
      o.scale = DisplayScale::Log;
      m.log_scale = true;
      m.scale_upper = vmax;
      m.scale_lower = vmax * std::pow(10.0, -o.log_decades);
      m.scale_label = QObject::tr("attention weight (log scale)");
      break;
    case Normalization::Percentile:
      o.scale = DisplayScale::Percentile;
      m.scale_upper = cumulative_sum_threshold(m.values.data(), static_cast<size_t>(m.values.size()), 100.0 - s.clip_percent);
      m.scale_label = QObject::tr("attention weight (top %1% of mass clipped)").arg(s.clip_percent);
      break;
    case Normalization::ValuePercentile:
      o.scale = DisplayScale::ValuePercentile;
      m.scale_upper = value_percentile(m.values.data(), static_cast<size_t>(m.values.size()), 100.0 - s.clip_percent);
      m.scale_label = QObject::tr("attention weight (top %1% of values clipped)").arg(s.clip_percent);
      break;
  }
  if (norms) m.scale_label = QObject::tr("value-weighted norm \u2016\u03b1 f(x)\u2016 (%1)").arg(display_name(normalization));
  m.shade = std::move(recycle_shade);
  m.shade = m.values;  // no allocation when the size is unchanged
  if (normalization == Normalization::Global && m.scale_upper > 0) m.shade /= static_cast<float>(m.scale_upper);
  else normalize_for_display_in_place(m.shade, o);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  if (words) {
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c)
        if (merged_mask[static_cast<size_t>(r) * static_cast<size_t>(n) + static_cast<size_t>(c)]) m.shade(r, c) = nan;
  } else if (layer_mask) {
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c)
        if (excluded(m.row_tokens[static_cast<size_t>(r)], m.col_tokens[static_cast<size_t>(c)])) m.shade(r, c) = nan;
  }
  if (m.window > 0) m.title += QObject::tr(" \u00b7 sliding window %1").arg(m.window);
  if (words) m.title += QString::fromUtf8(" \u00b7 ") + display_name(s.units);
  if (sink) m.title += QObject::tr(" \u00b7 first token excluded");
  const std::vector<int> seg = token_segments(*doc.analysis());
  if (!seg.empty() && static_cast<int>(seg.size()) == S) {
    for (int c = 1; c < n; ++c)
      if (seg[static_cast<size_t>(m.col_tokens[static_cast<size_t>(c)])] != seg[static_cast<size_t>(m.col_tokens[static_cast<size_t>(c - 1)])])
        m.segment_start = c;
    if (s.segments != SegmentFilter::All) {
      const int from = s.segments == SegmentFilter::BtoA || s.segments == SegmentFilter::BtoB ? 1 : 0;
      const int to = s.segments == SegmentFilter::AtoB || s.segments == SegmentFilter::BtoB ? 1 : 0;
      for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c)
          if (seg[static_cast<size_t>(m.row_tokens[static_cast<size_t>(r)])] != from || seg[static_cast<size_t>(m.col_tokens[static_cast<size_t>(c)])] != to)
            m.shade(r, c) = nan;
      m.title += QString::fromUtf8(" \u00b7 ") + to_string(s.segments).replace("->", QString::fromUtf8("\u2192"));
    }
  }
  return m;
}

}  // namespace attnscope::ui
