#include "ui/views/generation_view.h"

#include <algorithm>

#include <QDoubleSpinBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QToolTip>
#include <QVBoxLayout>

#include "ui/document/analysis_document.h"
#include "ui/figures/generation_figure.h"
#include "ui/render/generation_renderer.h"
#include "ui/views/renderer_view.h"

namespace attnscope::ui {


GenerationView::GenerationView(AnalysisDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* controls = new QHBoxLayout;
  prompt_ = new QLineEdit;
  prompt_->setObjectName("generationPrompt");
  prompt_->setPlaceholderText(tr("Prompt"));
  prompt_->setToolTip(tr("The text to continue (Enter generates)"));
  tokens_ = new QSpinBox;
  tokens_->setObjectName("generationTokens");
  tokens_->setRange(1, 4096);
  tokens_->setValue(20);
  tokens_->setPrefix(tr("new tokens: "));
  tokens_->setToolTip(tr("Tokens to generate at most; generation stops earlier at an end-of-sequence token"));
  temperature_ = new QDoubleSpinBox;
  temperature_->setObjectName("generationTemperature");
  temperature_->setRange(0, 5);
  temperature_->setSingleStep(0.1);
  temperature_->setDecimals(2);
  temperature_->setSpecialValueText(tr("greedy"));
  temperature_->setPrefix(tr("T "));
  temperature_->setToolTip(tr("Temperature: 0 takes the most probable token (greedy); above 0 samples from softmax(logits / T)"));
  top_k_ = new QSpinBox;
  top_k_->setRange(0, 100000);
  top_k_->setSpecialValueText(tr("top-k off"));
  top_k_->setPrefix(tr("top-k "));
  top_k_->setToolTip(tr("Sample among the k most probable tokens only (sampling only)"));
  top_p_ = new QDoubleSpinBox;
  top_p_->setRange(0.01, 1);
  top_p_->setSingleStep(0.05);
  top_p_->setValue(1);
  top_p_->setPrefix(tr("top-p "));
  top_p_->setToolTip(tr("Sample among the most probable tokens whose probability reaches p (sampling only)"));
  seed_ = new QSpinBox;
  seed_->setRange(0, 1 << 30);
  seed_->setPrefix(tr("seed "));
  seed_->setToolTip(tr("The same seed draws the same tokens"));
  generate_ = new QPushButton(tr("Generate"));
  generate_->setObjectName("generateButton");
  generate_->setToolTip(tr("Generate with a KV cache, one token's work per step (Ctrl+G); Esc stops and keeps the tokens so far"));
  for (QWidget* w : {static_cast<QWidget*>(prompt_), static_cast<QWidget*>(tokens_), static_cast<QWidget*>(temperature_),
                     static_cast<QWidget*>(top_k_), static_cast<QWidget*>(top_p_), static_cast<QWidget*>(seed_),
                     static_cast<QWidget*>(generate_)})
    controls->addWidget(w, w == prompt_ ? 1 : 0);
  layout->addLayout(controls);

  auto* steps = new QHBoxLayout;
  step_ = new QSlider(Qt::Horizontal);
  step_->setObjectName("generationStep");
  step_->setRange(0, 0);
  step_->setPageStep(5);
  step_->setToolTip(tr("Step through the generated tokens (Left / Right, Home / End)"));
  step_label_ = new QLabel;
  step_label_->setObjectName("generationStepLabel");
  step_label_->setMinimumWidth(320);
  steps->addWidget(new QLabel(tr("Step")));
  steps->addWidget(step_, 1);
  steps->addWidget(step_label_);
  layout->addLayout(steps);
  hint_ = new QLabel;
  hint_->setWordWrap(true);
  layout->addWidget(hint_);
  figure_ = new RendererView;
  figure_->setObjectName("generationFigure");
  figure_->setMouseTracking(true);
  figure_->setFocusPolicy(Qt::StrongFocus);
  figure_->installEventFilter(this);
  layout->addWidget(figure_, 1);

  const auto request = [this] { emit generateRequested(prompt_->text(), options()); };
  connect(generate_, &QPushButton::clicked, this, request);
  connect(prompt_, &QLineEdit::returnPressed, this, request);
  auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_G), this);
  shortcut->setContext(Qt::WidgetWithChildrenShortcut);
  connect(shortcut, &QShortcut::activated, this, request);
  connect(step_, &QSlider::valueChanged, document_, &AnalysisDocument::setGenerationStep);
  const auto changed = [this] {
    stale_ = true;
    if (isVisible()) rebuild();
  };
  connect(document_, &AnalysisDocument::generationChanged, this, changed);
  connect(document_, &AnalysisDocument::generationStepChanged, this, changed);
  connect(document_, &AnalysisDocument::stateChanged, this, changed);
  connect(document_, &AnalysisDocument::analyzerChanged, this, &GenerationView::modelChanged);
  connect(document_, &AnalysisDocument::analysisChanged, this, [this] {
    if (prompt_->text().isEmpty()) prompt_->setText(document_->inputText());
  });
  modelChanged();
}

attnscope::GenerationOptions GenerationView::options() const {
  attnscope::GenerationOptions o;
  o.max_new_tokens = tokens_->value();
  o.sampling.temperature = temperature_->value();
  if (!o.sampling.greedy()) {
    o.sampling.top_k = top_k_->value();
    o.sampling.top_p = top_p_->value();
  }
  o.sampling.seed = static_cast<uint64_t>(seed_->value());
  o.candidates = 10;
  return o;
}

void GenerationView::modelChanged() {
  const auto& a = document_->analyzer();
  const bool ok = a && a->info().kv_cache && a->tokenizer();
  generate_->setEnabled(ok);
  prompt_->setEnabled(ok);
  if (!a) hint_->setText(tr("Open a causal language model to generate."));
  else if (!ok) hint_->setText(tr("%1 is not a causal language model: generation needs GPT-2 or a Llama-family model.")
                                   .arg(QString::fromStdString(a->info().model_type)));
  else hint_->clear();
  hint_->setVisible(!hint_->text().isEmpty());
  stale_ = true;
  if (isVisible()) rebuild();
}


void GenerationView::rebuild() {
  stale_ = false;
  const auto data = document_->generation();
  const int n = data ? data->steps() : 0;
  {
    const QSignalBlocker block(step_);
    step_->setRange(data ? 1 : 0, n);
    step_->setValue(document_->generationStep());
  }
  step_->setEnabled(n > 1);
  if (!data) {
    step_label_->setText(document_->analyzer() && document_->analyzer()->info().kv_cache ? tr("Type a prompt and press Generate")
                                                                                       : QString());
    figure_->setRenderer(nullptr);
    return;
  }
  const int step = document_->generationStep();
  if (step >= 1) {
    const auto& st = data->generation.steps[static_cast<size_t>(step - 1)];
    step_label_->setText(tr("%1/%2: “%3”, p = %4%")
                             .arg(step)
                             .arg(n)
                             .arg(data->labels.value(st.context))
                             .arg(st.probability * 100, 0, 'f', 1));
  }
  figure_->setRenderer(generation_figure(*data, step, document_->state()));
}

void GenerationView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) rebuild();
}

bool GenerationView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == figure_ && event->type() == QEvent::ToolTip) {
    const auto* he = static_cast<QHelpEvent*>(event);
    const auto* r = dynamic_cast<const GenerationRenderer*>(figure_->renderer());
    const auto data = document_->generation();
    if (!r || !data) return false;
    const QPointF pos = figure_->toFigure(he->pos());
    const int t = r->tokenAt(figure_->rect(), pos);
    const int c = r->candidateAt(figure_->rect(), pos);
    QString tip;
    if (t >= 0 && static_cast<size_t>(t) < r->weights.size())
      tip = tr("“%1” (token %2%3): weight %4").arg(r->tokens[t]).arg(t).arg(t < r->prompt_tokens ? tr(", prompt") : QString())
                .arg(r->weights[static_cast<size_t>(t)], 0, 'g', 4);
    else if (t >= 0)
      tip = tr("“%1” (token %2): the token this step chose").arg(r->tokens[t]).arg(t);
    else if (c >= 0)
      tip = tr("“%1”: probability %2").arg(r->candidates[c]).arg(r->probabilities[static_cast<size_t>(c)], 0, 'g', 4);
    if (tip.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(he->globalPos(), tip, figure_);
    return true;
  }
  if (watched == figure_ && event->type() == QEvent::KeyPress) {
    const auto* ke = static_cast<QKeyEvent*>(event);
    const int s = document_->generationStep();
    if (ke->key() == Qt::Key_Left) document_->setGenerationStep(s - 1);
    else if (ke->key() == Qt::Key_Right) document_->setGenerationStep(s + 1);
    else if (ke->key() == Qt::Key_Home) document_->setGenerationStep(1);
    else if (ke->key() == Qt::Key_End) document_->setGenerationStep(document_->generation() ? document_->generation()->steps() : 0);
    else return false;
    return true;
  }
  return false;
}

}  // namespace attnscope::ui
