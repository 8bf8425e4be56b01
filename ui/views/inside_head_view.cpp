#include "ui/views/inside_head_view.h"

#include <cmath>
#include <numeric>

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "core/analysis/head_steps.h"
#include "core/common/error.h"
#include "ui/document/analysis_document.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/color_map.h"
#include "ui/render/matrix_plot.h"

namespace attnscope::ui {

namespace {

// Blue-white-red for signed values (q, k, v components): sign matters, the colour maps of the
// attention views are for non-negative weights.
QCPColorGradient diverging() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(59, 76, 192));
  g.setColorStopAt(0.5, QColor(245, 245, 245));
  g.setColorStopAt(1.0, QColor(180, 4, 38));
  g.setLevelCount(256);
  return g;
}

void reset(QCustomPlot* p) {
  p->clearPlottables();
  p->clearItems();
  p->plotLayout()->clear();
  auto* rect = new QCPAxisRect(p);
  p->plotLayout()->addElement(0, 0, rect);
  p->xAxis = rect->axis(QCPAxis::atBottom);
  p->yAxis = rect->axis(QCPAxis::atLeft);
  p->xAxis2 = rect->axis(QCPAxis::atTop);
  p->yAxis2 = rect->axis(QCPAxis::atRight);
  p->legend = nullptr;
  p->setAutoAddPlottableToLegend(false);
}

// A legend to the right of the plot, outside the data.
void side_legend(QCustomPlot* p) {
  p->legend = new QCPLegend;
  p->plotLayout()->addElement(0, p->plotLayout()->columnCount(), p->legend);
  p->plotLayout()->setColumnStretchFactor(p->plotLayout()->columnCount() - 1, 0.01);
  p->legend->setLayer("legend");
  QFont f = p->font();
  f.setPointSize(7);
  p->legend->setFont(f);
}

// Token labels on an axis, thinned so at most `max` show.
void token_ticks(QCPAxis* axis, const QStringList& labels, int first_index, int max = 40) {
  QSharedPointer<QCPAxisTickerText> t(new QCPAxisTickerText);
  const int n = static_cast<int>(labels.size());
  const int step = std::max(1, (n + max - 1) / max);
  for (int i = 0; i < n; i += step) t->addTick(first_index + i, MatrixPlot::displayLabel(labels[i]));
  axis->setTicker(t);
  axis->setSubTicks(false);
  axis->grid()->setVisible(false);
  QFont f = axis->tickLabelFont();
  f.setPointSize(7);
  axis->setTickLabelFont(f);
}

// A [rows, cols] heat map of signed values, symmetric range, row 0 at the top.
void heatmap(QCustomPlot* p, const std::vector<std::vector<double>>& rows, const QStringList& row_labels, const QString& x_label) {
  reset(p);
  const int R = static_cast<int>(rows.size()), C = R ? static_cast<int>(rows[0].size()) : 0;
  auto* cm = new QCPColorMap(p->xAxis, p->yAxis);
  cm->data()->setSize(std::max(C, 1), std::max(R, 1));
  cm->data()->setRange(QCPRange(0, std::max(C - 1, 0)), QCPRange(0, std::max(R - 1, 0)));
  double m = 1e-12;
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) {
      cm->data()->setCell(c, r, rows[r][c]);
      m = std::max(m, std::abs(rows[r][c]));
    }
  cm->setGradient(diverging());
  cm->setDataRange(QCPRange(-m, m));
  cm->setInterpolate(false);
  auto* scale = new QCPColorScale(p);
  p->plotLayout()->addElement(0, 1, scale);
  scale->setGradient(diverging());
  scale->setDataRange(QCPRange(-m, m));
  scale->setBarWidth(8);
  token_ticks(p->yAxis, row_labels, 0, 10);
  p->yAxis->setRangeReversed(true);
  p->yAxis->setRange(-0.5, R - 0.5);
  p->xAxis->setRange(-0.5, C - 0.5);
  p->xAxis->setLabel(x_label);
  p->xAxis->grid()->setVisible(false);
}

QString num(double v, int prec = 3) { return QString::number(v, 'g', prec); }
QString tok(const QStringList& labels, int j) {
  return QString::fromUtf8("\u201c%1\u201d").arg(MatrixPlot::displayLabel(labels.value(j)).trimmed().toHtmlEscaped());
}

}  // namespace

InsideHeadView::InsideHeadView(AnalysisDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(6, 4, 6, 4);
  header_ = new QLabel;
  header_->setTextFormat(Qt::RichText);
  header_->setWordWrap(true);
  outer->addWidget(header_);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Query token:")));
  query_ = new QComboBox;
  query_->setObjectName("insideQuery");
  query_->setMinimumContentsLength(14);
  controls->addWidget(query_);
  controls->addSpacing(16);
  controls->addWidget(new QLabel(tr("Temperature:")));
  temperature_ = new QSlider(Qt::Horizontal);
  temperature_->setObjectName("temperatureSlider");
  temperature_->setRange(-200, 200);  // T = 10^(v / 200): 0.1 .. 10
  temperature_->setMaximumWidth(240);
  temperature_->setToolTip(tr("T < 1 sharpens the distributions, T > 1 flattens them; T = 1 is the model"));
  controls->addWidget(temperature_);
  temperature_label_ = new QLabel;
  temperature_label_->setMinimumWidth(70);
  controls->addWidget(temperature_label_);
  auto* reset_t = new QPushButton(tr("T = 1"));
  controls->addWidget(reset_t);
  controls->addStretch();
  outer->addLayout(controls);

  auto* grid = new QGridLayout;
  grid->setColumnStretch(0, 3);
  grid->setColumnStretch(1, 2);
  auto make = [&](QCustomPlot*& plot, QLabel*& formula, int row) {
    plot = new QCustomPlot;
    plot->setMinimumHeight(150);
    plot->setFocusPolicy(Qt::NoFocus);
    formula = new QLabel;
    formula->setTextFormat(Qt::RichText);
    formula->setWordWrap(true);
    formula->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    formula->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(plot, row, 0);
    grid->addWidget(formula, row, 1);
    grid->setRowStretch(row, 1);
  };
  make(qk_plot_, qk_formula_, 0);
  make(score_plot_, score_formula_, 1);
  make(weight_plot_, weight_formula_, 2);
  make(value_plot_, value_formula_, 3);
  qk_plot_->setObjectName("insideQueryKeys");
  score_plot_->setObjectName("insideScores");
  weight_plot_->setObjectName("insideWeights");
  value_plot_->setObjectName("insideValues");
  outer->addLayout(grid, 1);

  connect(query_, qOverload<int>(&QComboBox::activated), this, [this](int i) { document_->setQuery(query_->itemData(i).toInt()); });
  connect(temperature_, &QSlider::valueChanged, this, [this](int v) {
    if (syncing_) return;
    ViewState s = document_->state();
    s.temperature = std::pow(10.0, v / 200.0);
    document_->setState(s);
  });
  connect(reset_t, &QPushButton::clicked, this, [this] {
    ViewState s = document_->state();
    s.temperature = 1.0;
    document_->setState(s);
  });
  auto* lazy = new LazyRefresh(this, [this] { refresh(); });
  for (auto signal : {&AnalysisDocument::analysisChanged, &AnalysisDocument::stateChanged, &AnalysisDocument::internalsChanged})
    connect(document_, signal, lazy, &LazyRefresh::request);
}

void InsideHeadView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refresh();
}

void InsideHeadView::syncControls() {
  syncing_ = true;
  const ViewState& s = document_->state();
  const QStringList labels = document_->tokenLabels();
  if (query_->count() != labels.size()) {
    query_->clear();
    for (int i = 0; i < labels.size(); ++i) query_->addItem(QString("%1  %2").arg(i).arg(MatrixPlot::displayLabel(labels[i])), i);
  }
  query_->setCurrentIndex(document_->effectiveQuery());
  temperature_->setValue(static_cast<int>(std::lround(200 * std::log10(s.temperature))));
  temperature_label_->setText(QString("T = %1").arg(s.temperature, 0, 'f', 2));
  syncing_ = false;
}

void InsideHeadView::refresh() {
  if (!isVisible() && !testAttribute(Qt::WA_DontShowOnScreen)) return;  // the view is filled when shown
  syncControls();
  for (QLabel* f : {qk_formula_, score_formula_, weight_formula_, value_formula_}) f->clear();
  for (QCustomPlot* p : {qk_plot_, score_plot_, weight_plot_, value_plot_}) {
    reset(p);
    p->replot();
  }
  if (!document_->hasAnalysis()) {
    header_->setText(tr("Run an input to look inside a head."));
    return;
  }
  const ViewState& s = document_->state();
  if (s.stack == Stack::Decoder) {
    header_->setText(tr("Inside the head explains the encoder's heads of an encoder-decoder model: choose the encoder stack."));
    return;
  }
  const auto internals = document_->internals();
  if (!internals || !internals->has_layer(s.layer)) {
    header_->setText(tr("<b>Capturing Q, K and V of layer %1</b> by running the input again…").arg(s.layer));
    if (requested_layer_ != s.layer || !internals) {
      requested_layer_ = s.layer;
      emit internalsNeeded(s.layer);
    }
    return;
  }
  requested_layer_ = -1;
  const Analysis& a = *document_->analysis();
  const QStringList labels = document_->tokenLabels();
  HeadSteps st;
  try {
    ExplainOptions o;
    o.head = s.head;
    o.query = document_->effectiveQuery();
    o.temperature = s.temperature;
    st = explain_head(*internals, s.layer, o);
  } catch (const Error& e) {
    header_->setText(QString::fromStdString(e.what()).toHtmlEscaped());
    return;
  }
  const int S = st.seq_len, d = st.head_dim, i = st.query;
  QString head_note = s.head_mode == HeadMode::Single || s.method != Method::Raw
                          ? QString()
                          : tr(" (one head at a time: the selection is a fusion of heads, head %1 is shown)").arg(st.head);
  header_->setText(tr("<b>Layer %1, head %2</b>%3 reads key/value head %4 · query %5 (token %6) · d<sub>k</sub> = %7 · %8 keys%9")
                       .arg(st.layer)
                       .arg(st.head)
                       .arg(head_note)
                       .arg(st.kv_head)
                       .arg(tok(labels, i))
                       .arg(i)
                       .arg(d)
                       .arg(S)
                       .arg(st.window > 0 ? tr(" (causal, sliding window of %1 keys: only keys %2–%3 are seen)")
                                                .arg(st.window)
                                                .arg(std::max(0, i - st.window + 1))
                                                .arg(i)
                            : st.causal ? tr(" (causal: keys after the query are masked)")
                                        : QString()));

  // 1. q and K
  {
    std::vector<std::vector<double>> rows;
    rows.emplace_back(st.q.begin(), st.q.end());
    QStringList row_labels{"q"};
    for (int j = 0; j < S; ++j) {
      rows.emplace_back(st.keys.row(j).data(), st.keys.row(j).data() + d);
      row_labels << labels.value(j);
    }
    heatmap(qk_plot_, rows, row_labels, tr("component of the %1-dimensional head space").arg(d));
    qk_plot_->replot();
    double qn = 0;
    for (float v : st.q) qn += double(v) * v;
    qk_formula_->setText(tr("<b>1. Query and keys</b><br>q<sub>i</sub> = W<sub>Q</sub> x<sub>i</sub>%1 (top row), "
                            "k<sub>j</sub> = W<sub>K</sub> x<sub>j</sub> (one row per token).<br>"
                            "‖q‖ = %2; each head sees its own %3 of the %4 dimensions.")
                             .arg(a.model.arch.qk_norm ? tr(", RMS-normalised per head, after the rotary position embedding")
                                  : a.model.arch.positions == PositionKind::Rotary ? tr(", after the rotary position embedding")
                                                                                  : QString())
                             .arg(num(std::sqrt(qn)))
                             .arg(d)
                             .arg(a.model.hidden_size));
  }
  // 2. scores before and after scaling
  int best = 0;
  for (int j = 0; j < S; ++j)
    if (st.mask[j] && (!st.mask[best] || st.scaled_scores[j] > st.scaled_scores[best])) best = j;
  {
    QCustomPlot* p = score_plot_;
    auto* raw = new QCPBars(p->xAxis, p->yAxis);
    auto* scaled = new QCPBars(p->xAxis, p->yAxis);
    auto* group = new QCPBarsGroup(p);
    raw->setBarsGroup(group);
    scaled->setBarsGroup(group);
    raw->setName(tr("q·k (raw)"));
    scaled->setName(st.position_bias.empty() ? tr("scaled") : tr("with bias"));
    raw->setBrush(QColor(160, 160, 160));
    raw->setPen(Qt::NoPen);
    scaled->setBrush(ColorMap(s.color_map).color(0.35));
    scaled->setPen(Qt::NoPen);
    for (int j = 0; j < S; ++j) {
      if (!st.mask[j]) continue;
      raw->addData(j, st.raw_scores[j]);
      scaled->addData(j, st.scaled_scores[j]);
    }
    token_ticks(p->xAxis, labels, 0);
    p->xAxis->setTickLabelRotation(-60);
    p->xAxis->setRange(-0.7, S - 0.3);
    p->yAxis->rescale();
    p->yAxis->scaleRange(1.1);
    side_legend(p);
    p->legend->addItem(new QCPPlottableLegendItem(p->legend, raw));
    p->legend->addItem(new QCPPlottableLegendItem(p->legend, scaled));
    p->replot();
    const QString divisor = st.scale_divisor == std::sqrt(double(d)) ? QString("√%1 = %2").arg(d).arg(num(st.scale_divisor, 4))
                                                                     : num(st.scale_divisor, 4);
    QString scaled_how = divisor;
    if (st.scale_divisor != std::sqrt(double(d)) && a.model.arch.query_scale > 0)
      scaled_how += tr(" (√query_pre_attn_scalar, not √d<sub>k</sub>)");
    if (st.softcap > 0)
      scaled_how += tr(", then soft-capped: %1 · tanh(s / %1), so no score leaves ±%1").arg(num(st.softcap, 4));
    if (!st.position_bias.empty()) {
      // T5 never divides by √d_k: its initialisation scales q instead, and a learned relative
      // position bias is added to every score.
      score_formula_->setText(tr("<b>2. Scores</b><br>s<sub>j</sub> = q·k<sub>j</sub> + b(j − i); largest at %1: "
                                 "q·k = %2, bias b = %3, s = %4<br>"
                                 "<i>No division by √d<sub>k</sub>:</i> T5 folds that factor into the initialisation of "
                                 "the query weights. b is a learned bias per head and relative-distance bucket "
                                 "(exact for near tokens, logarithmic for far ones), shared by every layer of the stack.")
                                  .arg(tok(labels, best))
                                  .arg(num(st.raw_scores[best]))
                                  .arg(num(st.position_bias[best]))
                                  .arg(num(st.scaled_scores[best])));
    } else {
      score_formula_->setText(tr("<b>2. Scores</b><br>s<sub>j</sub> = q·k<sub>j</sub>%1; largest at %2: %3<br>"
                                 "scaled: s<sub>j</sub> / %4 → %5<br>"
                                 "<i>Why divide:</i> q·k is a sum of %6 products, so it grows with d<sub>k</sub>; "
                                 "unscaled, the softmax would saturate to one key (see “dot” below).")
                                  .arg(st.scale_query_first ? tr(" (this model divides q first)") : QString())
                                  .arg(tok(labels, best))
                                  .arg(num(st.raw_scores[best]))
                                  .arg(scaled_how)
                                  .arg(num(st.scaled_scores[best]))
                                  .arg(d));
    }
  }
  // 3. softmax weights and the alternatives, at temperature T
  {
    QCustomPlot* p = weight_plot_;
    const Weighting model = weigh_scores(ScoreFunction::ScaledDot, st.scaled_scores, st.mask, st.values, s.temperature);
    auto* bars = new QCPBars(p->xAxis, p->yAxis);
    bars->setName((st.position_bias.empty() ? tr("softmax(q·k/√d) — the model%1") : tr("softmax(q·k + b) — the model%1"))
                      .arg(s.temperature != 1.0 ? tr(" at T") : QString()));
    bars->setBrush(ColorMap(s.color_map).color(0.35));
    bars->setPen(Qt::NoPen);
    double top = 0;
    for (int j = 0; j < S; ++j) {
      bars->addData(j, model.weights[j]);
      top = std::max(top, model.weights[j]);
    }
    side_legend(p);
    p->legend->addItem(new QCPPlottableLegendItem(p->legend, bars));
    QString alternatives;
    const QColor colors[] = {QColor(230, 159, 0), QColor(0, 158, 115), QColor(204, 121, 167)};
    int c = 0;
    for (const Weighting& w : st.alternatives) {
      if (w.function == ScoreFunction::ScaledDot) continue;
      const Weighting at_t = weigh_scores(w.function, w.scores, st.mask, st.values, s.temperature);
      auto* g = new QCPGraph(p->xAxis, p->yAxis);
      const QString name = w.function == ScoreFunction::Dot      ? tr("dot q·k (unscaled)")
                           : w.function == ScoreFunction::Cosine ? tr("cosine")
                                                                 : tr("−‖q−k‖²");
      g->setName(name);
      g->setLineStyle(QCPGraph::lsNone);
      g->setScatterStyle(QCPScatterStyle(c == 0 ? QCPScatterStyle::ssCircle : c == 1 ? QCPScatterStyle::ssDiamond : QCPScatterStyle::ssTriangle,
                                         colors[c], 6));
      for (int j = 0; j < S; ++j) {
        g->addData(j, at_t.weights[j]);
        top = std::max(top, at_t.weights[j]);
      }
      p->legend->addItem(new QCPPlottableLegendItem(p->legend, g));
      alternatives += tr("%1: H = %2 nats<br>").arg(name.toHtmlEscaped(), num(at_t.entropy));
      ++c;
    }
    token_ticks(p->xAxis, labels, 0);
    p->xAxis->setTickLabelRotation(-60);
    p->xAxis->setRange(-0.7, S - 0.3);
    p->yAxis->setRange(0, std::min(1.05, top * 1.1 + 1e-3));
    p->yAxis->setLabel(tr("weight"));
    p->replot();
    int allowed = 0;
    for (uint8_t m : st.mask) allowed += m;
    weight_formula_->setText(tr("<b>3. Softmax</b><br>w<sub>j</sub> = exp(s<sub>j</sub>/T) / Σ<sub>l</sub> exp(s<sub>l</sub>/T), "
                                "T = %1<br>w(%2) = %3 · entropy %4 nats (uniform over %5 keys: %6)<br>"
                                "At T = 1 these are the Matrix view's row: max difference %7.<br><br>"
                                "<b>Other scoring functions</b> on the same q and K:<br>%8")
                                 .arg(num(s.temperature))
                                 .arg(tok(labels, best))
                                 .arg(num(model.weights[best]))
                                 .arg(num(model.entropy))
                                 .arg(allowed)
                                 .arg(num(std::log(std::max(allowed, 1))))
                                 .arg([&] {
                                   double m = 0;
                                   const ConstMatrixMap row = a.forward.attentions.has_layer(st.layer)
                                                                  ? a.forward.attentions.head(st.layer, st.head)
                                                                  : ConstMatrixMap(nullptr, 0, 0);
                                   if (row.rows() == 0) return QString("–");
                                   for (int j = 0; j < S; ++j) m = std::max(m, std::abs(st.weights[j] - row(i, j)));
                                   return num(m, 2);
                                 }())
                                 .arg(alternatives));
  }
  // 4. values and the output
  {
    std::vector<std::vector<double>> rows;
    QStringList row_labels;
    for (int j = 0; j < S; ++j) {
      rows.emplace_back(st.values.row(j).data(), st.values.row(j).data() + d);
      row_labels << labels.value(j);
    }
    const Weighting model = weigh_scores(ScoreFunction::ScaledDot, st.scaled_scores, st.mask, st.values, s.temperature);
    rows.push_back(model.output);
    row_labels << QString::fromUtf8("out");
    heatmap(value_plot_, rows, row_labels, tr("component"));
    value_plot_->replot();
    // The largest terms of the sum.
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
    value_formula_->setText(tr("<b>4. Output</b><br>v<sub>j</sub> = W<sub>V</sub> x<sub>j</sub> (rows), "
                               "out = Σ<sub>j</sub> w<sub>j</sub> v<sub>j</sub> = %1… (bottom row), ‖out‖ = %2.<br>"
                               "At T = 1 this is the model's own context vector for this head (max difference %3); "
                               "the output projection then mixes all %4 heads.")
                                .arg(terms)
                                .arg(num(std::sqrt(on)))
                                .arg(num(diff, 2))
                                .arg(a.model.num_heads));
  }
}

}  // namespace attnscope::ui
