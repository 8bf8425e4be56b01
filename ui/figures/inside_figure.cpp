#include "ui/figures/inside_figure.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <QCoreApplication>

#include "core/analysis/head_steps.h"
#include "core/common/error.h"
#include "ui/document/analysis_document.h"
#include "ui/render/axis_labels.h"
#include "ui/render/color_map.h"

namespace attnscope::ui {

namespace {

// The strings keep the context they had in the view, so their translations still apply.
struct Tr {
  Q_DECLARE_TR_FUNCTIONS(InsideHeadView)
};
QString num(double v, int prec = 3) { return QString::number(v, 'g', prec); }
QString tok(const QStringList& labels, int j) {
  return QString::fromUtf8("\u201c%1\u201d").arg(token_label(labels.value(j)).trimmed().toHtmlEscaped());
}

QStringList shown(const QStringList& labels) {
  QStringList out;
  for (const QString& l : labels) out << token_label(l);
  return out;
}

// [rows, d] signed values (q, k, v components) on the diverging map, row 0 at the top.
Chart heat_chart(RowMatrix values, const QStringList& row_labels, const QString& x_label) {
  Chart c;
  c.legend = ChartLegend::None;
  const double m = std::max<double>(values.size() ? values.cwiseAbs().maxCoeff() : 0.0, 1e-12);
  c.heat = ChartHeat{std::move(values), m};
  c.x.label = x_label;
  c.x.lower = -0.5;
  c.x.upper = c.heat->values.cols() - 0.5;
  c.y.categories = shown(row_labels);
  c.y.reversed = true;
  c.y.lower = -0.5;
  c.y.upper = c.heat->values.rows() - 0.5;
  return c;
}

// Token columns: one category per key, labels turned.
Chart token_chart(const QStringList& labels) {
  Chart c;
  c.x.categories = shown(labels);
  c.x.rotate_labels = true;
  c.x.lower = -0.7;
  c.x.upper = labels.size() - 0.3;
  c.legend = ChartLegend::Right;
  return c;
}

}  // namespace

std::unique_ptr<ChartsRenderer> inside_figure(const AnalysisDocument& doc, const ViewState& s, int* missing_layer) {
  auto r = std::make_unique<ChartsRenderer>();
  if (missing_layer) *missing_layer = -1;
  if (!doc.hasAnalysis()) {
    r->header = Tr::tr("Run an input to look inside a head.");
    return r;
  }
  if (s.stack == Stack::Decoder) {
    r->header = Tr::tr("Inside the head explains the encoder's heads of an encoder-decoder model: choose the encoder stack.");
    return r;
  }
  const auto internals = doc.internals();
  if (!internals || !internals->has_layer(s.layer)) {
    r->header = Tr::tr("<b>Capturing Q, K and V of layer %1</b> by running the input again…").arg(s.layer);
    if (missing_layer) *missing_layer = s.layer;
    return r;
  }
  const Analysis& a = *doc.analysis();
  const QStringList labels = doc.tokenLabels();
  HeadSteps st;
  try {
    ExplainOptions o;
    o.head = s.head;
    o.query = doc.effectiveQuery(s);
    o.temperature = s.temperature;
    st = explain_head(*internals, s.layer, o);
  } catch (const Error& e) {
    r->header = QString::fromStdString(e.what()).toHtmlEscaped();
    return r;
  }
  const int S = st.seq_len, d = st.head_dim, i = st.query;
  const ColorMap cmap(s.color_map);
  const QString head_note = s.head_mode == HeadMode::Single || s.method != Method::Raw
                                ? QString()
                                : Tr::tr(" (one head at a time: the selection is a fusion of heads, head %1 is shown)").arg(st.head);
  r->header = Tr::tr("<b>Layer %1, head %2</b>%3 reads key/value head %4 · query %5 (token %6) · d<sub>k</sub> = %7 · %8 keys%9")
                  .arg(st.layer)
                  .arg(st.head)
                  .arg(head_note)
                  .arg(st.kv_head)
                  .arg(tok(labels, i))
                  .arg(i)
                  .arg(d)
                  .arg(S)
                  .arg(st.window > 0 ? Tr::tr(" (causal, sliding window of %1 keys: only keys %2–%3 are seen)")
                                           .arg(st.window)
                                           .arg(std::max(0, i - st.window + 1))
                                           .arg(i)
                       : st.causal ? Tr::tr(" (causal: keys after the query are masked)")
                                   : QString());
  r->title = Tr::tr("%1 · inside layer %2, head %3 · query %4 (token %5) · T = %6")
                 .arg(doc.modelName())
                 .arg(st.layer)
                 .arg(st.head)
                 .arg(token_label(labels.value(i)).trimmed())
                 .arg(i)
                 .arg(num(s.temperature));
  r->rows.resize(4);

  // 1. q and K
  {
    RowMatrix rows(S + 1, d);  // [1 + S, d]: q, then one key per token
    for (int c = 0; c < d; ++c) rows(0, c) = st.q[size_t(c)];
    rows.bottomRows(S) = st.keys.topRows(S);
    QStringList row_labels{"q"};
    for (int j = 0; j < S; ++j) row_labels << labels.value(j);
    r->rows[kInsideQueryKeys].charts.push_back(heat_chart(std::move(rows), row_labels, Tr::tr("component of the %1-dimensional head space").arg(d)));
    double qn = 0;
    for (float v : st.q) qn += double(v) * v;
    r->rows[kInsideQueryKeys].note = Tr::tr("<b>1. Query and keys</b><br>q<sub>i</sub> = W<sub>Q</sub> x<sub>i</sub>%1 (top row), "
                                        "k<sub>j</sub> = W<sub>K</sub> x<sub>j</sub> (one row per token).<br>"
                                        "‖q‖ = %2; each head sees its own %3 of the %4 dimensions.")
                                         .arg(a.model.arch.qk_norm ? Tr::tr(", RMS-normalised per head, after the rotary position embedding")
                                              : a.model.arch.positions == PositionKind::Rotary ? Tr::tr(", after the rotary position embedding")
                                                                                              : QString())
                                         .arg(num(std::sqrt(qn)))
                                         .arg(d)
                                         .arg(a.model.hidden_size);
  }
  // 2. scores before and after scaling
  int best = 0;
  for (int j = 0; j < S; ++j)
    if (st.mask[j] && (!st.mask[best] || st.scaled_scores[j] > st.scaled_scores[best])) best = j;
  {
    Chart c = token_chart(labels);
    ChartSeries raw = ChartSeries::make(ChartSeries::Kind::Bars, Tr::tr("q·k (raw)"), QColor(160, 160, 160));
    ChartSeries scaled = ChartSeries::make(ChartSeries::Kind::Bars, st.position_bias.empty() ? Tr::tr("scaled") : Tr::tr("with bias"), cmap.color(0.35));
    for (int j = 0; j < S; ++j) {
      if (!st.mask[j]) continue;
      raw.x << j, raw.y << st.raw_scores[j];
      scaled.x << j, scaled.y << st.scaled_scores[j];
    }
    c.series = {raw, scaled};
    fit_axis(c, false, 1.1);
    if (c.y.lower < 0) c.y.lower *= 1.1;
    r->rows[kInsideScores].charts.push_back(std::move(c));
    const QString divisor = st.scale_divisor == std::sqrt(double(d)) ? QString("√%1 = %2").arg(d).arg(num(st.scale_divisor, 4))
                                                                     : num(st.scale_divisor, 4);
    QString scaled_how = divisor;
    if (st.scale_divisor != std::sqrt(double(d)) && a.model.arch.query_scale > 0)
      scaled_how += Tr::tr(" (√query_pre_attn_scalar, not √d<sub>k</sub>)");
    if (st.softcap > 0) scaled_how += Tr::tr(", then soft-capped: %1 · tanh(s / %1), so no score leaves ±%1").arg(num(st.softcap, 4));
    if (!st.position_bias.empty()) {
      // T5 never divides by √d_k: its initialisation scales q instead, and a learned relative
      // position bias is added to every score.
      r->rows[kInsideScores].note = Tr::tr("<b>2. Scores</b><br>s<sub>j</sub> = q·k<sub>j</sub> + b(j − i); largest at %1: "
                                       "q·k = %2, bias b = %3, s = %4<br>"
                                       "<i>No division by √d<sub>k</sub>:</i> T5 folds that factor into the initialisation of "
                                       "the query weights. b is a learned bias per head and relative-distance bucket "
                                       "(exact for near tokens, logarithmic for far ones), shared by every layer of the stack.")
                                        .arg(tok(labels, best))
                                        .arg(num(st.raw_scores[best]))
                                        .arg(num(st.position_bias[best]))
                                        .arg(num(st.scaled_scores[best]));
    } else {
      r->rows[kInsideScores].note = Tr::tr("<b>2. Scores</b><br>s<sub>j</sub> = q·k<sub>j</sub>%1; largest at %2: %3<br>"
                                       "scaled: s<sub>j</sub> / %4 → %5<br>"
                                       "<i>Why divide:</i> q·k is a sum of %6 products, so it grows with d<sub>k</sub>; "
                                       "unscaled, the softmax would saturate to one key (see “dot” below).")
                                        .arg(st.scale_query_first ? Tr::tr(" (this model divides q first)") : QString())
                                        .arg(tok(labels, best))
                                        .arg(num(st.raw_scores[best]))
                                        .arg(scaled_how)
                                        .arg(num(st.scaled_scores[best]))
                                        .arg(d);
    }
  }
  // 3. softmax weights and the alternatives, at temperature T
  const Weighting model = weigh_scores(ScoreFunction::ScaledDot, st.scaled_scores, st.mask, st.values, s.temperature);
  {
    Chart c = token_chart(labels);
    ChartSeries bars = ChartSeries::make(ChartSeries::Kind::Bars,
                     (st.position_bias.empty() ? Tr::tr("softmax(q·k/√d) — the model%1") : Tr::tr("softmax(q·k + b) — the model%1"))
                         .arg(s.temperature != 1.0 ? Tr::tr(" at T") : QString()),
                     cmap.color(0.35));
    double top = 0;
    for (int j = 0; j < S; ++j) {
      bars.x << j, bars.y << model.weights[j];
      top = std::max(top, model.weights[j]);
    }
    c.series.push_back(bars);
    QString alternatives;
    const QColor colors[] = {QColor(230, 159, 0), QColor(0, 158, 115), QColor(204, 121, 167)};
    const ChartSeries::Shape shapes[] = {ChartSeries::Shape::Circle, ChartSeries::Shape::Diamond, ChartSeries::Shape::Triangle};
    int k = 0;
    for (const Weighting& w : st.alternatives) {
      if (w.function == ScoreFunction::ScaledDot || k >= 3) continue;
      const Weighting at_t = weigh_scores(w.function, w.scores, st.mask, st.values, s.temperature);
      ChartSeries g = ChartSeries::make(ChartSeries::Kind::Points,
                    w.function == ScoreFunction::Dot      ? Tr::tr("dot q·k (unscaled)")
                    : w.function == ScoreFunction::Cosine ? Tr::tr("cosine")
                                                          : Tr::tr("−‖q−k‖²"),
                    colors[k]);
      g.shape = shapes[k];
      for (int j = 0; j < S; ++j) {
        g.x << j, g.y << at_t.weights[j];
        top = std::max(top, at_t.weights[j]);
      }
      alternatives += Tr::tr("%1: H = %2 nats<br>").arg(g.name.toHtmlEscaped(), num(at_t.entropy));
      c.series.push_back(std::move(g));
      ++k;
    }
    c.y.lower = 0;
    c.y.upper = std::min(1.05, top * 1.1 + 1e-3);
    c.y.label = Tr::tr("weight");
    r->rows[kInsideWeights].charts.push_back(std::move(c));
    int allowed = 0;
    for (uint8_t m : st.mask) allowed += m;
    double differs = -1;
    if (a.forward.attentions.has_layer(st.layer)) {
      const ConstMatrixMap row = a.forward.attentions.head(st.layer, st.head);
      differs = 0;
      for (int j = 0; j < S; ++j) differs = std::max(differs, std::abs(st.weights[j] - row(i, j)));
    }
    r->rows[kInsideWeights].note = Tr::tr("<b>3. Softmax</b><br>w<sub>j</sub> = exp(s<sub>j</sub>/T) / Σ<sub>l</sub> exp(s<sub>l</sub>/T), "
                                      "T = %1<br>w(%2) = %3 · entropy %4 nats (uniform over %5 keys: %6)<br>"
                                      "At T = 1 these are the Matrix view's row: max difference %7.<br><br>"
                                      "<b>Other scoring functions</b> on the same q and K:<br>%8")
                                       .arg(num(s.temperature))
                                       .arg(tok(labels, best))
                                       .arg(num(model.weights[best]))
                                       .arg(num(model.entropy))
                                       .arg(allowed)
                                       .arg(num(std::log(std::max(allowed, 1))))
                                       .arg(differs < 0 ? QString("–") : num(differs, 2))
                                       .arg(alternatives);
  }
  // 4. values and the output
  {
    RowMatrix rows(S + 1, d);  // [S + 1, d]: one value per token, then the output
    rows.topRows(S) = st.values.topRows(S);
    for (int c = 0; c < d; ++c) rows(S, c) = static_cast<float>(model.output[size_t(c)]);
    QStringList row_labels = labels.mid(0, S);
    row_labels << QString::fromUtf8("out");
    r->rows[kInsideValues].charts.push_back(heat_chart(std::move(rows), row_labels, Tr::tr("component")));
    std::vector<int> order(static_cast<size_t>(S));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int x, int y) { return model.weights[x] > model.weights[y]; });
    QString terms;
    for (int k = 0; k < std::min(3, S); ++k) terms += QString("%1·v(%2) + ").arg(num(model.weights[order[k]], 2), tok(labels, order[k]));
    double on = 0, diff = 0;
    const Tensor& ctx = internals->layer(st.layer).context;
    for (int c = 0; c < d; ++c) {
      on += model.output[c] * model.output[c];
      diff = std::max(diff, std::abs(st.output[c] - ctx.matrix(st.head)(i, c)));
    }
    r->rows[kInsideValues].note = Tr::tr("<b>4. Output</b><br>v<sub>j</sub> = W<sub>V</sub> x<sub>j</sub> (rows), "
                                     "out = Σ<sub>j</sub> w<sub>j</sub> v<sub>j</sub> = %1… (bottom row), ‖out‖ = %2.<br>"
                                     "At T = 1 this is the model's own context vector for this head (max difference %3); "
                                     "the output projection then mixes all %4 heads.")
                                      .arg(terms)
                                      .arg(num(std::sqrt(on)))
                                      .arg(num(diff, 2))
                                      .arg(a.model.num_heads);
  }
  return r;
}

}  // namespace attnscope::ui
