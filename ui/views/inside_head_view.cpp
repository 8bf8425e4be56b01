#include "ui/views/inside_head_view.h"

#include <cmath>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include "ui/document/analysis_document.h"
#include "ui/figures/inside_figure.h"
#include "ui/render/axis_labels.h"
#include "ui/views/lazy_refresh.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {

InsideHeadView::InsideHeadView(AnalysisDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), canvas_(new RendererView) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(6, 4, 6, 4);
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

  canvas_->setObjectName("insideFigure");
  canvas_->setTips([this](const QRectF& area, const QPointF& pos) { return renderer() ? renderer()->tipAt(area, pos) : QString(); });
  outer->addWidget(canvas_, 1);

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
  for (auto signal : {&AnalysisDocument::analysisChanged, &AnalysisDocument::internalsChanged})
    connect(document_, signal, lazy, &LazyRefresh::request);
  connect(document_, &AnalysisDocument::selectionEdited, lazy, [lazy](SelectionParts parts) {
    if (parts & (SelectionPart::Layer | SelectionPart::Heads | SelectionPart::Method | SelectionPart::Query | SelectionPart::Colors |
                 SelectionPart::Temperature))
      lazy->request();
  });
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
    for (int i = 0; i < labels.size(); ++i) query_->addItem(QString("%1  %2").arg(i).arg(token_label(labels[i])), i);
  }
  query_->setCurrentIndex(document_->effectiveQuery());
  temperature_->setValue(static_cast<int>(std::lround(200 * std::log10(s.temperature))));
  temperature_label_->setText(QString("T = %1").arg(s.temperature, 0, 'f', 2));
  syncing_ = false;
}

const ChartsRenderer* InsideHeadView::renderer() const { return static_cast<const ChartsRenderer*>(canvas_->renderer()); }

void InsideHeadView::refresh() {
  if (!isVisible() && !testAttribute(Qt::WA_DontShowOnScreen)) return;  // the view is filled when shown
  syncControls();
  int missing = -1;
  auto r = inside_figure(*document_, document_->state(), &missing);
  r->title.clear();  // the header says it on screen
  canvas_->setRenderer(std::move(r));
  if (missing < 0) {
    requested_layer_ = -1;
  } else if (requested_layer_ != missing || !document_->internals()) {
    requested_layer_ = missing;
    emit internalsNeeded(missing);
  }
}

}  // namespace attnscope::ui
