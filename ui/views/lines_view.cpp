#include "ui/views/lines_view.h"

#include <algorithm>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolTip>

#include "ui/document/analysis_document.h"
#include "ui/figures/lines_figure.h"
#include "ui/render/axis_labels.h"
#include "ui/render/lines_renderer.h"
#include "ui/views/lazy_refresh.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

LinesView::LinesView(AnalysisDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), layer_(new QComboBox), min_weight_(new QDoubleSpinBox), top_k_(new QSpinBox),
      scroll_(new QScrollArea), canvas_(new RendererView) {
  auto* top = new QHBoxLayout;
  top->setContentsMargins(6, 4, 6, 0);
  top->addWidget(new QLabel(tr("Layer")));
  layer_->setObjectName("linesLayer");
  top->addWidget(layer_);
  top->addSpacing(12);
  top->addWidget(new QLabel(tr("Hide lines below")));
  min_weight_->setObjectName("linesMinWeight");
  min_weight_->setRange(0.0, 1.0);
  min_weight_->setDecimals(3);
  min_weight_->setSingleStep(0.01);
  min_weight_->setToolTip(tr("Lines of a smaller attention weight are not drawn"));
  top->addWidget(min_weight_);
  top->addSpacing(12);
  top->addWidget(new QLabel(tr("Strongest per query")));
  top_k_->setObjectName("linesTopK");
  top_k_->setRange(0, 1 << 20);
  top_k_->setSpecialValueText(tr("all"));
  top_k_->setToolTip(tr("Draw only each query token's k strongest lines"));
  top->addWidget(top_k_);
  top->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(scroll_);
  scroll_->setWidget(canvas_);
  scroll_->setWidgetResizable(false);
  scroll_->setBackgroundRole(QPalette::Base);
  canvas_->setMouseTracking(true);
  canvas_->installEventFilter(this);

  connect(layer_, qOverload<int>(&QComboBox::activated), document_, [this](int i) { document_->setLayer(i); });
  connect(min_weight_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double v) {
    ViewState s = document_->state();
    s.lines_min_weight = v;
    document_->setState(s);
  });
  connect(top_k_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int k) {
    ViewState s = document_->state();
    s.lines_top_k = k;
    document_->setState(s);
  });
  auto* lazy = new LazyRefresh(this, [this] { rebuild(); });
  connect(document_, &AnalysisDocument::analysisChanged, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Layer | SelectionPart::Heads | SelectionPart::Method | SelectionPart::Colors | SelectionPart::Scale |
                 SelectionPart::LinesOptions))
      lazy->request();
  });
  rebuild();
}

const LinesRenderer* LinesView::renderer() const { return static_cast<const LinesRenderer*>(canvas_->renderer()); }

void LinesView::syncControls() {
  const QSignalBlocker b1(layer_), b2(min_weight_), b3(top_k_);
  const ViewState& s = document_->state();
  if (layer_->count() != document_->numLayers()) {
    layer_->clear();
    for (int l = 0; l < document_->numLayers(); ++l) layer_->addItem(tr("L%1").arg(l));
  }
  layer_->setCurrentIndex(s.layer);
  layer_->setEnabled(per_layer(s.method));
  min_weight_->setValue(s.lines_min_weight);
  top_k_->setValue(s.lines_top_k);
}

void LinesView::rebuild() {
  syncControls();
  auto r = lines_figure(*document_, document_->state());
  const QSizeF size = r->naturalSize();
  canvas_->resize(static_cast<int>(std::ceil(size.width())), static_cast<int>(std::ceil(size.height())));
  canvas_->setRenderer(std::move(r));
}

void LinesView::toggleHead(int head) {
  const ViewState& s = document_->state();
  QList<int> shown;
  if (s.head_mode == HeadMode::Subset) shown = s.subset;
  else if (s.head_mode == HeadMode::Single) shown = {s.head};
  if (shown.contains(head)) shown.removeAll(head);
  else shown.append(head);
  if (shown.isEmpty()) return;  // one head stays shown
  if (shown.size() == 1) document_->setHead(shown.front());
  else document_->setSubset(shown);
}

QString LinesView::tipFor(int side, int index) const {
  const LinesRenderer* r = renderer();
  const auto& tokens = side == 0 ? r->row_tokens : r->col_tokens;
  if (index < 0 || index >= static_cast<int>(tokens.size())) return {};
  QString tip = document_->tokenTip(tokens[static_cast<size_t>(index)]);
  constexpr int kListed = 5;
  for (const auto& h : r->heads) {
    const int n = static_cast<int>(h.weights.rows());
    if (index >= n) continue;
    std::vector<std::pair<float, int>> ranked;
    for (int j = 0; j < n; ++j) {
      const float w = side == 0 ? h.weights(index, j) : h.weights(j, index);
      if (w > 0) ranked.push_back({w, j});
    }
    const auto k = std::min<size_t>(kListed, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<long>(k), ranked.end(), std::greater<>());
    QStringList items;
    for (size_t i = 0; i < k; ++i) {
      const int other = ranked[i].second;
      const int t = (side == 0 ? r->col_tokens : r->row_tokens)[static_cast<size_t>(other)];
      items << QString("%1 %2 (%3)").arg(token_label(r->labels.value(other)).trimmed()).arg(ranked[i].first, 0, 'f', 3).arg(t);
    }
    tip += "\n" + (side == 0 ? tr("%1 attends most to: %2") : tr("%1 is attended most by: %2")).arg(h.name, items.join(", "));
  }
  return tip;
}

bool LinesView::eventFilter(QObject* watched, QEvent* event) {
  if (watched != canvas_) return false;
  auto* r = const_cast<LinesRenderer*>(renderer());
  if (!r) return false;
  if (event->type() == QEvent::MouseMove) {
    const auto [side, index] = r->tokenAt(canvas_->rect(), static_cast<QMouseEvent*>(event)->position());
    if (side != r->hover_side || index != r->hover_index) {
      r->hover_side = side;
      r->hover_index = index;
      canvas_->update();
    }
  } else if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const auto [side, index] = r->tokenAt(canvas_->rect(), help->pos());
    const int head = r->stripHeadAt(canvas_->rect(), help->pos());
    const QString tip = head >= 0 ? tr("Head %1: click to add it to the overlay or take it out").arg(head) : tipFor(side, index);
    if (tip.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(help->globalPos(), tip, canvas_);
    return true;
  } else if (event->type() == QEvent::Leave) {
    r->hover_side = r->hover_index = -1;
    canvas_->update();
  } else if (event->type() == QEvent::MouseButtonPress) {
    const QPointF pos = static_cast<QMouseEvent*>(event)->position();
    if (const int head = r->stripHeadAt(canvas_->rect(), pos); head >= 0) {
      toggleHead(head);
      return true;
    }
    const auto [side, index] = r->tokenAt(canvas_->rect(), pos);
    if (side == 0 && index >= 0 && index < static_cast<int>(r->row_tokens.size())) document_->setQuery(r->row_tokens[static_cast<size_t>(index)]);
  }
  return false;
}

}  // namespace attnscope::ui
