#include "ui/views/heads_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QToolTip>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QCheckBox>
#include <QSignalBlocker>

#include "ui/document/analysis_document.h"
#include "ui/figures/heads_figure.h"
#include "ui/views/lazy_refresh.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

namespace {
constexpr int kExtremes = 5;  // inputs listed at each end
}

HeadsView::HeadsView(AnalysisDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      statistic_(new QComboBox),
      source_(new QComboBox),
      quantity_(new QComboBox),
      auto_range_(new QCheckBox(tr("Auto range"))),
      note_(new QLabel),
      canvas_(new RendererView),
      side_(new QWidget),
      side_title_(new QLabel),
      extremes_(new QTreeWidget) {
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Statistic:")));
  statistic_->setObjectName("statisticCombo");
  top->addWidget(statistic_);
  source_->setObjectName("headsSourceCombo");
  source_->setToolTip(tr("The current input, or a corpus opened with File > Open corpus statistics (results of attnscope-cli batch)"));
  top->addWidget(source_);
  quantity_->setObjectName("corpusQuantityCombo");
  for (CorpusQuantity q : {CorpusQuantity::Mean, CorpusQuantity::Std, CorpusQuantity::Median, CorpusQuantity::P05, CorpusQuantity::P95})
    quantity_->addItem(corpus_quantity_title(q), static_cast<int>(q));
  quantity_->setToolTip(tr("What the colour shows of each head's statistic over the corpus' inputs; the tooltip gives all of them"));
  top->addWidget(quantity_);
  auto_range_->setObjectName("headsAutoRange");
  auto_range_->setToolTip(tr("Colours from the lowest to the highest head shown, instead of the statistic's own range (0 to 1 for the "
                             "mass-type scores), which keeps weak scores dark"));
  top->addWidget(auto_range_);
  top->addWidget(note_, 1);
  l->addLayout(top);

  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(canvas_);
  auto* side = new QVBoxLayout(side_);
  side->setContentsMargins(4, 0, 0, 0);
  side_title_->setWordWrap(true);
  side->addWidget(side_title_);
  extremes_->setObjectName("corpusExtremes");
  extremes_->setColumnCount(3);
  extremes_->setHeaderLabels({tr("value"), tr("id"), tr("input")});
  extremes_->setRootIsDecorated(true);
  extremes_->setToolTip(tr("Double-click an input to run it in the other views"));
  side->addWidget(extremes_, 1);
  split->addWidget(side_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  l->addWidget(split, 1);
  canvas_->setObjectName("headsFigure");

  connect(statistic_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    ViewState s = document_->state();
    s.statistic = statistic_->itemData(i).toString();
    document_->setState(s);
    if (s.statistic == "induction" && !document_->hasInduction() && !showsCorpus()) emit inductionRequested();
  });
  connect(auto_range_, &QCheckBox::toggled, this, [this](bool on) {
    ViewState s = document_->state();
    s.heads_auto_range = on;
    document_->setState(s);
  });
  connect(source_, qOverload<int>(&QComboBox::activated), this, &HeadsView::refresh);
  connect(quantity_, qOverload<int>(&QComboBox::activated), this, &HeadsView::refresh);
  connect(extremes_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    const QVariant index = item->data(0, Qt::UserRole);
    if (index.isValid()) emit corpusInputRequested(index.toInt());
  });
  canvas_->setMouseTracking(true);
  canvas_->installEventFilter(this);
  auto* lazy = new LazyRefresh(this, [this] { refresh(); });
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  // The outlined head, the statistic and the colours; not the query, scale or other views' options.
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Layer | SelectionPart::Heads | SelectionPart::Method | SelectionPart::Colors | SelectionPart::Statistic))
      lazy->request();
  });
  connect(document_, &AnalysisDocument::corpusChanged, this, [this] {
    refresh();
    if (document_->corpus()) {  // just opened: show it
      source_->setCurrentIndex(1);
      refresh();
    }
  });
  refresh();
}

const HeadsRenderer* HeadsView::renderer() const { return static_cast<const HeadsRenderer*>(canvas_->renderer()); }

std::pair<int, int> HeadsView::headAt(const QPointF& pos) const {
  const HeadsRenderer* r = renderer();
  const auto [row, head] = r ? r->cellAt(canvas_->rect(), pos) : std::pair{-1, -1};
  if (row < 0) return {-1, -1};
  return {r->layers[static_cast<size_t>(row)], head};
}

bool HeadsView::eventFilter(QObject* watched, QEvent* event) {
  if (watched != canvas_) return QWidget::eventFilter(watched, event);
  if (event->type() == QEvent::ToolTip) {
    // The number under the cursor, with its unit (and for a corpus, its spread).
    auto* help = static_cast<QHelpEvent*>(event);
    const auto [layer, head] = headAt(help->pos());
    if (layer < 0) {
      QToolTip::hideText();
      return true;
    }
    const QString stat = statistic_->currentData().toString();
    const QString name = tr("L%1 H%2 · %3").arg(layer).arg(head).arg(statistic_->currentText());
    if (showsCorpus()) {
      const CorpusStatistic* c = find_statistic(document_->corpus()->summary, layer, head, stat.toStdString());
      if (!c) {
        QToolTip::hideText();
        return true;
      }
      QToolTip::showText(help->globalPos(),
                         name + "\n" +
                             tr("mean %1 ± %2 (std) over %3 inputs\nmedian %4 · 5–95%: %5 – %6\nmin %7 · max %8")
                                 .arg(c->mean, 0, 'g', 4)
                                 .arg(c->std, 0, 'g', 3)
                                 .arg(c->inputs)
                                 .arg(c->p50, 0, 'g', 4)
                                 .arg(c->p05, 0, 'g', 4)
                                 .arg(c->p95, 0, 'g', 4)
                                 .arg(c->min, 0, 'g', 4)
                                 .arg(c->max, 0, 'g', 4),
                         canvas_);
      return true;
    }
    if (stat == "ablation") {  // not a statistic of the maps: the figure holds the numbers
      const HeadsRenderer* r = renderer();
      const auto it = std::find(r->layers.begin(), r->layers.end(), layer);
      const double v = it == r->layers.end() ? std::nan("") : r->values(it - r->layers.begin(), head);
      QToolTip::showText(help->globalPos(), name + ": " + (std::isnan(v) ? tr("not computed") : QString::number(v, 'g', 4)), canvas_);
      return true;
    }
    for (const HeadStats& hs : document_->headStats())
      if (hs.layer == layer && hs.head == head) {
        QToolTip::showText(help->globalPos(), name + ": " + QString::number(head_statistic(hs, stat), 'g', 4), canvas_);
        return true;
      }
    QToolTip::hideText();
    return true;
  }
  if (event->type() == QEvent::MouseButtonPress && static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton) {
    const auto [layer, head] = headAt(static_cast<QMouseEvent*>(event)->position());
    if (layer < 0) return false;
    ViewState s = document_->state();
    s.layer = layer;
    s.head = head;
    s.head_mode = HeadMode::Single;
    s.method = Method::Raw;
    document_->setState(s);  // refresh() lists the extremes of the newly selected head
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

bool HeadsView::showsCorpus() const { return document_->corpus() && source_->currentIndex() == 1; }

void HeadsView::refresh() {
  const CorpusPtr corpus = document_->corpus();
  {
    const QSignalBlocker block(auto_range_);
    auto_range_->setChecked(document_->state().heads_auto_range);
  }
  {
    const QSignalBlocker block(source_);
    const int was = source_->currentIndex();
    source_->clear();
    source_->addItem(tr("this input"));
    if (corpus)
      source_->addItem(tr("corpus: %n input(s)", nullptr, static_cast<int>(corpus->summary.inputs)) +
                       (corpus->summary.model.empty() ? QString() : " · " + QString::fromStdString(corpus->summary.model)));
    source_->setCurrentIndex(corpus && was == 1 ? 1 : 0);
    source_->setVisible(corpus != nullptr);
  }
  const bool from_corpus = showsCorpus();
  quantity_->setVisible(from_corpus);
  side_->setVisible(from_corpus && !corpus->results.inputs.empty());

  const bool causal = !from_corpus && document_->hasAnalysis() && document_->analysis()->model.causal;
  const bool image = !from_corpus && document_->hasAnalysis() && document_->analysis()->model.modality == Modality::Image;
  const bool predicts = !from_corpus && document_->hasAnalysis() && document_->analysis()->model.head != HeadKind::None;
  const QStringList names = head_statistic_names(causal, image, predicts);
  QStringList shown;
  for (int i = 0; i < statistic_->count(); ++i) shown << statistic_->itemText(i);
  QStringList titles;
  for (const QString& n : names) titles << head_statistic_title(n, image);
  if (shown != titles) {
    const QSignalBlocker block(statistic_);
    statistic_->clear();
    for (const QString& n : names) statistic_->addItem(head_statistic_title(n, image), n);
  }
  const ViewState& s = document_->state();
  statistic_->setCurrentIndex(std::max(0, statistic_->findData(s.statistic)));
  const QString stat = statistic_->currentData().toString();
  const bool single = s.method == Method::Raw && s.head_mode == HeadMode::Single;

  if (from_corpus) {
    const auto q = static_cast<CorpusQuantity>(quantity_->currentData().toInt());
    note_->setText(tr("%n input(s), %1 tokens; hover a head for its spread", nullptr, static_cast<int>(corpus->summary.inputs))
                       .arg(corpus->summary.tokens));
    ViewState drawn = s;
    drawn.statistic = stat;
    canvas_->setRenderer(corpus_heads_figure(*document_, drawn, q, tr("Corpus: %1").arg(corpus->source)));
    fillExtremes(single ? s.layer : -1, single ? s.head : -1, stat);
    return;
  }
  if (!document_->hasAnalysis()) {
    note_->clear();
    canvas_->setRenderer(nullptr);
    return;
  }
  note_->setText(stat == "induction" && !document_->hasInduction()
                     ? tr("Induction scores need extra runs on a repeated random sequence; computing…")
                     : QString());
  ViewState drawn = s;
  drawn.statistic = stat;
  canvas_->setRenderer(heads_figure(*document_, drawn));
}

void HeadsView::fillExtremes(int layer, int head, const QString& statistic) {
  extremes_->clear();
  const CorpusPtr corpus = document_->corpus();
  if (!corpus || corpus->results.inputs.empty() || layer < 0) {
    side_title_->setText(tr("Click a head to list the inputs where it is most extreme."));
    return;
  }
  side_title_->setText(tr("L%1 H%2 · %3: the inputs at both ends").arg(layer).arg(head).arg(head_statistic_title(statistic)));
  const CorpusResults& results = corpus->results;
  for (const bool highest : {true, false}) {
    auto* group = new QTreeWidgetItem(extremes_, {highest ? tr("highest") : tr("lowest")});
    for (size_t i : extreme_inputs(results, layer, head, statistic.toStdString(), kExtremes, highest)) {
      const CorpusResult& r = results.inputs[i];
      double value = 0;
      for (const HeadStats& h : r.stats)
        if (h.layer == layer && h.head == head) value = head_statistic(h, statistic);
      const QString input = !r.image.empty() ? QString::fromStdString(r.image) : QString::fromStdString(r.text).simplified();
      auto* item = new QTreeWidgetItem(group, {QString::number(value, 'g', 4), QString::fromStdString(r.id), input});
      item->setData(0, Qt::UserRole, static_cast<int>(i));
      item->setToolTip(2, input.left(600));
    }
  }
  extremes_->expandAll();
  extremes_->resizeColumnToContents(0);
  extremes_->resizeColumnToContents(1);
}

}  // namespace attnscope::ui
