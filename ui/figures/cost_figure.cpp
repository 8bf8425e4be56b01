#include "ui/figures/cost_figure.h"

#include <algorithm>
#include <cmath>

#include <QCoreApplication>

#include "core/analysis/cost_model.h"
#include "ui/document/analysis_document.h"
#include "ui/render/lines_renderer.h"

namespace attnscope::ui {

namespace {

// The strings keep the context they had in the view, so their translations still apply.
struct Tr {
  Q_DECLARE_TR_FUNCTIONS(CostView)
};

QString si(double v, const char* unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P"};
  int k = 0;
  while (std::abs(v) >= 1000 && k < 5) {
    v /= 1000;
    ++k;
  }
  return QString::number(v, 'g', 3) + " " + prefixes[k] + unit;
}

// A log-log plot against sequence length; the curves rise to the upper right, so the legend goes
// bottom right.
Chart log_log(const QString& title, const QString& y_label, double max_n) {
  Chart c;
  c.title = title;
  c.legend = ChartLegend::BottomRight;
  c.x.log = c.y.log = true;
  c.x.label = Tr::tr("sequence length n (tokens)");
  c.x.lower = 1;
  c.x.upper = max_n;
  c.y.label = y_label;
  return c;
}

ChartSeries curve(const QString& name, const QColor& color, Qt::PenStyle style, const QVector<double>& x, const QVector<double>& y) {
  ChartSeries s = ChartSeries::make(ChartSeries::Kind::Line, name, color, style);
  s.x = x;
  s.y = y;
  return s;
}

}  // namespace

int cost_length_limit(const ModelInfo& model) { return model.max_positions > 0 ? model.max_positions : 1024; }

std::unique_ptr<ChartsRenderer> cost_figure(const AnalysisDocument& doc) {
  auto r = std::make_unique<ChartsRenderer>();
  r->natural = QSizeF(1100, 800);
  r->note_fraction = 0;
  const auto& analyzer = doc.analyzer();
  if (!analyzer) {
    r->header = Tr::tr("Open a model to see what its attention costs.");
    return r;
  }
  const ModelInfo& info = analyzer->info();
  const CostShape shape = cost_shape(info);
  const int limit = cost_length_limit(info);
  const double crossover = quadratic_crossover(shape);
  const int n_now = doc.hasAnalysis() ? doc.seqLen() : 0;
  r->title = Tr::tr("%1 · cost").arg(doc.modelName());
  r->rows.resize(2);
  r->rows[kCostLayers].stretch = 2;
  r->rows[kCostCurves].stretch = 3;

  // 1. The last run, per layer and part.
  Chart layers;
  layers.title = Tr::tr("Last run: time per layer, by part (one run, not a median: the first layers may include warm-up)");
  layers.bars = BarLayout::Stacked;
  layers.legend_columns = 4;
  layers.x.label = Tr::tr("layer");
  layers.y.label = Tr::tr("ms");
  const ForwardProfile* prof = doc.hasAnalysis() && !doc.analysis()->forward.profile.empty() ? &doc.analysis()->forward.profile : nullptr;
  if (prof) {
    int color = 0;
    for (LayerPart part : kLayerParts) {
      ChartSeries bars = ChartSeries::make(ChartSeries::Kind::Bars, to_string(part), LinesRenderer::overlayColor(color++));
      for (size_t l = 0; l < prof->layers.size(); ++l) bars.x << static_cast<double>(l), bars.y << prof->layers[l][part] * 1e3;
      layers.series.push_back(std::move(bars));
    }
    layers.x.lower = -0.6;
    layers.x.upper = prof->layers.size() - 0.4;
    for (size_t l = 0; l < prof->layers.size(); ++l) layers.x.categories << QString::number(l);
    fit_axis(layers, false, 1.35);  // room above the bars for the legend
  } else {
    layers.title += Tr::tr(" (run an input)");
    layers.legend = ChartLegend::None;
  }
  r->rows[kCostLayers].charts.push_back(std::move(layers));

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
  Chart flops = log_log(Tr::tr("Compute per forward pass"), Tr::tr("FLOPs"), x.back());
  flops.series = {curve(Tr::tr("total"), Qt::black, Qt::SolidLine, x, total),
                  curve(Tr::tr("linear part (projections, MLP)"), QColor(0, 114, 178), Qt::DashLine, x, lin),
                  curve(Tr::tr("n² part (scores, softmax, weighted sum)"), QColor(213, 94, 0), Qt::DashLine, x, quad)};
  fit_axis(flops, false, 1.0);
  const auto sweep = doc.costSweep();
  if (sweep && !sweep->lengths.empty()) {
    QVector<double> mx, ms;
    for (const MeasuredLength& m : sweep->lengths) mx << m.seq_len, ms << m.profile.total_seconds;
    ChartSeries measured = curve(Tr::tr("measured time (right axis)"), QColor(0, 158, 115), Qt::SolidLine, mx, ms);
    measured.right_axis = measured.dots = true;
    flops.series.push_back(std::move(measured));
    flops.right_axis = true;
    flops.y2.log = true;
    flops.y2.label = Tr::tr("measured seconds");
    fit_axis(flops, true, 1.5);
  }
  flops.markers.push_back({crossover, Tr::tr("n² = linear at n = %1").arg(std::lround(crossover)), QColor(213, 94, 0), Qt::DotLine});
  if (n_now > 0) flops.markers.push_back({double(n_now), Tr::tr("this input, n = %1").arg(n_now), QColor(220, 40, 40), Qt::SolidLine});

  // 3. Memory held against n.
  Chart memory = log_log(Tr::tr("Memory held (all layers' attention captured)"), Tr::tr("bytes"), x.back());
  memory.series = {curve(Tr::tr("total"), Qt::black, Qt::SolidLine, x, mem), curve(Tr::tr("weights"), QColor(0, 114, 178), Qt::DashLine, x, weights),
                   curve(Tr::tr("activations"), QColor(86, 180, 233), Qt::DashLine, x, acts),
                   curve(Tr::tr("attention maps (4 L H n²)"), QColor(213, 94, 0), Qt::DashLine, x, maps)};
  fit_axis(memory, false, 1.0);
  if (n_now > 0) memory.markers.push_back({double(n_now), Tr::tr("this input"), QColor(220, 40, 40), Qt::SolidLine});
  r->rows[kCostCurves].charts = {std::move(flops), std::move(memory)};

  QString text = Tr::tr("<b>%1</b>: %2 layers × %3 heads, d<sub>k</sub> = %4, hidden %5. Per layer the linear part costs about "
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
    text += Tr::tr(" That is a global layer: %1 of the %2 layers slide with a window of %3 keys, so past n = %3 their "
               "attention grows as %3·n, not n².")
                .arg(sliding)
                .arg(info.num_layers)
                .arg(window);
  if (n_now > 0) {
    const ModelCost c = model_cost(shape, n_now);
    text += Tr::tr(" This input (n = %1): %2FLOPs, of which %3% in the n² part; memory %4B")
                .arg(n_now)
                .arg(si(c.quadratic_flops + c.linear_flops, ""))
                .arg(100.0 * c.quadratic_flops / (c.quadratic_flops + c.linear_flops), 0, 'f', 1)
                .arg(si(c.memory_bytes(), ""));
    if (prof) text += Tr::tr("; measured %1 ms.").arg(prof->total_seconds * 1e3, 0, 'f', 1);
    else text += ".";
  }
  r->header = text;
  return r;
}

}  // namespace attnscope::ui
