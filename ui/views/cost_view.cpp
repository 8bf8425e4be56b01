#include "ui/views/cost_view.h"

#include <cmath>

#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "core/analysis/cost_model.h"
#include "ui/document/analysis_document.h"
#include "ui/views/lazy_refresh.h"
#include "ui/render/lines_renderer.h"

namespace attnscope::ui {

namespace {

// The log-log plots rise to the upper right, so their legends go bottom right.
void reset(QCustomPlot* p, const QString& title, Qt::Alignment legend_corner = Qt::AlignTop | Qt::AlignLeft) {
  p->clearPlottables();
  p->clearItems();
  p->plotLayout()->clear();
  p->plotLayout()->addElement(0, 0, new QCPTextElement(p, title, QFont(p->font().family(), 10, QFont::Bold)));
  auto* rect = new QCPAxisRect(p);
  p->plotLayout()->addElement(1, 0, rect);
  p->xAxis = rect->axis(QCPAxis::atBottom);
  p->yAxis = rect->axis(QCPAxis::atLeft);
  p->xAxis2 = rect->axis(QCPAxis::atTop);
  p->yAxis2 = rect->axis(QCPAxis::atRight);
  p->setAutoAddPlottableToLegend(false);
  p->legend = new QCPLegend;
  rect->insetLayout()->addElement(p->legend, legend_corner);
  p->legend->setLayer("legend");
  QFont f = p->font();
  f.setPointSize(7);
  p->legend->setFont(f);
}

void log_axis(QCPAxis* a, const QString& label) {
  a->setScaleType(QCPAxis::stLogarithmic);
  a->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  a->setNumberFormat("eb");
  a->setNumberPrecision(0);
  a->setLabel(label);
}

QCPGraph* curve(QCustomPlot* p, QCPAxis* y, const QString& name, const QColor& color, Qt::PenStyle style, const QVector<double>& x,
                const QVector<double>& v) {
  auto* g = new QCPGraph(p->xAxis, y);
  g->setName(name);
  g->setPen(QPen(color, 2, style));
  g->setData(x, v, true);
  p->legend->addItem(new QCPPlottableLegendItem(p->legend, g));
  return g;
}

void marker(QCustomPlot* p, double x, const QString& text, const QColor& color, Qt::PenStyle style) {
  auto* line = new QCPItemStraightLine(p);
  line->point1->setCoords(x, 1);
  line->point2->setCoords(x, 10);
  line->setPen(QPen(color, 1.5, style));
  auto* label = new QCPItemText(p);
  label->position->setTypeX(QCPItemPosition::ptPlotCoords);
  label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  // Rotated a quarter turn anticlockwise about its anchor: the text hangs down from the top of
  // the plot, left of the line.
  label->position->setCoords(x, 0.02);
  label->setPositionAlignment(Qt::AlignBottom | Qt::AlignRight);
  label->setRotation(-90);
  label->setText(text);
  label->setColor(color);
  QFont f = p->font();
  f.setPointSize(7);
  label->setFont(f);
}

QString si(double v, const char* unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P"};
  int k = 0;
  while (std::abs(v) >= 1000 && k < 5) {
    v /= 1000;
    ++k;
  }
  return QString::number(v, 'g', 3) + " " + prefixes[k] + unit;
}

}  // namespace

CostView::CostView(AnalysisDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(6, 4, 6, 4);
  summary_ = new QLabel;
  summary_->setTextFormat(Qt::RichText);
  summary_->setWordWrap(true);
  outer->addWidget(summary_);
  auto* controls = new QHBoxLayout;
  measure_ = new QPushButton(tr("Measure at increasing lengths"));
  measure_->setObjectName("measureCost");
  measure_->setShortcut(QKeySequence(tr("Ctrl+M")));
  measure_->setToolTip(tr("Runs the model on generated inputs of 8, 16, 32, … tokens (3 runs each, median); Esc cancels (Ctrl+M)"));
  max_length_ = new QSpinBox;
  max_length_->setRange(8, 1 << 16);
  max_length_->setPrefix(tr("up to "));
  max_length_->setSuffix(tr(" tokens"));
  controls->addWidget(measure_);
  controls->addWidget(max_length_);
  controls->addStretch();
  outer->addLayout(controls);
  auto* grid = new QGridLayout;
  layers_plot_ = new QCustomPlot;
  flops_plot_ = new QCustomPlot;
  memory_plot_ = new QCustomPlot;
  layers_plot_->setObjectName("costLayers");
  flops_plot_->setObjectName("costFlops");
  memory_plot_->setObjectName("costMemory");
  for (QCustomPlot* p : {layers_plot_, flops_plot_, memory_plot_}) {
    p->setMinimumHeight(220);
    p->setFocusPolicy(Qt::NoFocus);
  }
  grid->addWidget(layers_plot_, 0, 0, 1, 2);
  grid->addWidget(flops_plot_, 1, 0);
  grid->addWidget(memory_plot_, 1, 1);
  grid->setRowStretch(0, 2);
  grid->setRowStretch(1, 3);
  outer->addLayout(grid, 1);
  connect(measure_, &QPushButton::clicked, this, [this] { emit measureRequested(max_length_->value()); });
  auto* lazy = new LazyRefresh(this, [this] { refresh(); });
  for (auto signal : {&AnalysisDocument::analysisChanged, &AnalysisDocument::analyzerChanged, &AnalysisDocument::costSweepChanged})
    connect(document_, signal, lazy, &LazyRefresh::request);
  refresh();
}

void CostView::refresh() {
  const auto& analyzer = document_->analyzer();
  measure_->setEnabled(analyzer != nullptr);
  if (!analyzer) {
    summary_->setText(tr("Open a model to see what its attention costs."));
    for (QCustomPlot* p : {layers_plot_, flops_plot_, memory_plot_}) {
      p->clearPlottables();
      p->replot();
    }
    return;
  }
  const ModelInfo& info = analyzer->info();
  const CostShape shape = cost_shape(info);
  const int limit = info.max_positions > 0 ? info.max_positions : 1024;
  if (max_length_->maximum() != limit) {
    max_length_->setMaximum(limit);
    max_length_->setValue(std::min(limit, 512));
  }
  const double crossover = quadratic_crossover(shape);
  const int n_now = document_->hasAnalysis() ? document_->seqLen() : 0;

  // 1. The last run, per layer and part.
  reset(layers_plot_, tr("Last run: time per layer, by part"));
  const ForwardProfile* prof = document_->hasAnalysis() && !document_->analysis()->forward.profile.empty()
                                   ? &document_->analysis()->forward.profile
                                   : nullptr;
  if (prof) {
    QCPBars* below = nullptr;
    int color = 0;
    for (LayerPart part : kLayerParts) {
      auto* bars = new QCPBars(layers_plot_->xAxis, layers_plot_->yAxis);
      bars->setName(to_string(part));
      bars->setPen(Qt::NoPen);
      bars->setBrush(LinesRenderer::headColor(color++));
      for (size_t l = 0; l < prof->layers.size(); ++l) bars->addData(static_cast<double>(l), prof->layers[l][part] * 1e3);
      if (below) bars->moveAbove(below);
      below = bars;
      layers_plot_->legend->addItem(new QCPPlottableLegendItem(layers_plot_->legend, bars));
    }
    layers_plot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    layers_plot_->legend->setWrap(4);
    layers_plot_->xAxis->setLabel(tr("layer"));
    layers_plot_->yAxis->setLabel(tr("ms"));
    layers_plot_->xAxis->setRange(-0.6, prof->layers.size() - 0.4);
    layers_plot_->yAxis->rescale();
    layers_plot_->yAxis->setRangeLower(0);
    layers_plot_->yAxis->scaleRange(1.35, layers_plot_->yAxis->range().lower);
  }
  layers_plot_->replot();

  // 2. FLOPs (analytic) and measured time against n.
  QVector<double> x, total, quad, lin, mem, weights, acts, maps;
  for (double n = 1; n <= std::max<double>(limit, crossover * 2); n *= 1.25) {
    const ModelCost c = model_cost(shape, static_cast<int64_t>(std::lround(n)));
    x << n;
    total << c.quadratic_flops + c.linear_flops;
    quad << c.quadratic_flops;
    lin << c.linear_flops;
    mem << c.memory_bytes();
    weights << c.weight_bytes;
    acts << c.activation_bytes;
    maps << c.attention_bytes;
  }
  reset(flops_plot_, tr("Compute per forward pass"), Qt::AlignBottom | Qt::AlignRight);
  log_axis(flops_plot_->xAxis, tr("sequence length n (tokens)"));
  log_axis(flops_plot_->yAxis, tr("FLOPs"));
  curve(flops_plot_, flops_plot_->yAxis, tr("total"), Qt::black, Qt::SolidLine, x, total);
  curve(flops_plot_, flops_plot_->yAxis, tr("linear part (projections, MLP)"), QColor(0, 114, 178), Qt::DashLine, x, lin);
  curve(flops_plot_, flops_plot_->yAxis, tr("n² part (scores, softmax, weighted sum)"), QColor(213, 94, 0), Qt::DashLine, x, quad);
  flops_plot_->xAxis->setRange(1, x.back());
  flops_plot_->yAxis->rescale();
  const auto sweep = document_->costSweep();
  if (sweep && !sweep->lengths.empty()) {
    log_axis(flops_plot_->yAxis2, tr("measured seconds"));
    flops_plot_->yAxis2->setVisible(true);
    QVector<double> mx, ms;
    for (const MeasuredLength& m : sweep->lengths) {
      mx << m.seq_len;
      ms << m.profile.total_seconds;
    }
    auto* g = curve(flops_plot_, flops_plot_->yAxis2, tr("measured time (right axis)"), QColor(0, 158, 115), Qt::SolidLine, mx, ms);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    flops_plot_->yAxis2->rescale();
    flops_plot_->yAxis2->scaleRange(1.5, std::sqrt(flops_plot_->yAxis2->range().lower * flops_plot_->yAxis2->range().upper));
  }
  marker(flops_plot_, crossover, tr("n² = linear at n = %1").arg(std::lround(crossover)), QColor(213, 94, 0), Qt::DotLine);
  if (n_now > 0) marker(flops_plot_, n_now, tr("this input, n = %1").arg(n_now), QColor(220, 40, 40), Qt::SolidLine);
  flops_plot_->replot();

  // 3. Memory held against n.
  reset(memory_plot_, tr("Memory held (all layers' attention captured)"), Qt::AlignBottom | Qt::AlignRight);
  log_axis(memory_plot_->xAxis, tr("sequence length n (tokens)"));
  log_axis(memory_plot_->yAxis, tr("bytes"));
  curve(memory_plot_, memory_plot_->yAxis, tr("total"), Qt::black, Qt::SolidLine, x, mem);
  curve(memory_plot_, memory_plot_->yAxis, tr("weights"), QColor(0, 114, 178), Qt::DashLine, x, weights);
  curve(memory_plot_, memory_plot_->yAxis, tr("activations"), QColor(86, 180, 233), Qt::DashLine, x, acts);
  curve(memory_plot_, memory_plot_->yAxis, tr("attention maps (4 L H n²)"), QColor(213, 94, 0), Qt::DashLine, x, maps);
  memory_plot_->xAxis->setRange(1, x.back());
  memory_plot_->yAxis->rescale();
  if (n_now > 0) marker(memory_plot_, n_now, tr("this input"), QColor(220, 40, 40), Qt::SolidLine);
  memory_plot_->replot();

  QString text = tr("<b>%1</b>: %2 layers × %3 heads, d<sub>k</sub> = %4, hidden %5. Per layer the linear part costs about "
                    "%6·n FLOPs and the attention part %7·n²; the n² part overtakes at <b>n ≈ %8</b> tokens.")
                     .arg(QString::fromStdString(info.architecture))
                     .arg(info.num_layers)
                     .arg(info.num_heads)
                     .arg(info.head_dim)
                     .arg(info.hidden_size)
                     .arg(si(layer_cost(shape, 1).linear_flops(), ""))
                     .arg(si(layer_cost(shape, 1).quadratic_flops(), ""))
                     .arg(std::lround(crossover));
  int sliding = 0, window = 0;
  for (int l = 0; l < info.num_layers; ++l)
    if (info.window(l) > 0) ++sliding, window = info.window(l);
  if (sliding > 0)
    text += tr(" That is a global layer: %1 of the %2 layers slide with a window of %3 keys, so past n = %3 their "
               "attention grows as %3·n, not n².")
                .arg(sliding)
                .arg(info.num_layers)
                .arg(window);
  if (n_now > 0) {
    const ModelCost c = model_cost(shape, n_now);
    text += tr(" This input (n = %1): %2FLOPs, of which %3% in the n² part; memory %4B")
                .arg(n_now)
                .arg(si(c.quadratic_flops + c.linear_flops, ""))
                .arg(100.0 * c.quadratic_flops / (c.quadratic_flops + c.linear_flops), 0, 'f', 1)
                .arg(si(c.memory_bytes(), ""));
    if (prof) text += tr("; measured %1 ms.").arg(prof->total_seconds * 1e3, 0, 'f', 1);
    else text += ".";
  }
  summary_->setText(text);
}

}  // namespace attnscope::ui
