#include "ui/export/figures.h"

#include <QCoreApplication>
#include <QFileInfo>

#include "core/common/error.h"
#include "ui/document/analysis_document.h"
#include "ui/figures/compare_figure.h"
#include "ui/figures/cost_figure.h"
#include "ui/figures/lens_figure.h"
#include "ui/figures/cross_figure.h"
#include "ui/figures/generation_figure.h"
#include "ui/figures/heads_figure.h"
#include "ui/render/head_statistics.h"
#include "ui/figures/image_figure.h"
#include "ui/figures/inside_figure.h"
#include "ui/figures/lines_figure.h"
#include "ui/figures/matrix_figure.h"
#include "ui/figures/overview_figure.h"
#include "ui/figures/prediction_figure.h"
#include "ui/figures/text_figure.h"
#include "ui/render/axis_labels.h"

namespace attnscope::ui {

QString figure_title(const AnalysisDocument& doc, const ViewState& s, ViewKind view) {
  QString t = doc.modelName();
  const QString dot = QString::fromUtf8(" \u00b7 ");
  // Which photo: a figure of an image model is read beside others of other photos.
  if (doc.hasAnalysis() && !doc.analysis()->image_path.empty())
    t += dot + QString::fromStdString(doc.analysis()->image_path.filename().string());
  if (view == ViewKind::Overview)
    return t + dot +
           (s.method == Method::Rollout     ? QCoreApplication::translate("Figures", "rollout after each layer")
            : s.method == Method::ValueNorm ? QCoreApplication::translate("Figures", "value norms of all heads")
                                            : QCoreApplication::translate("Figures", "all heads")) +
           dot + display_name(shown_normalization(s));
  if (view == ViewKind::Heads)
    return t + dot + head_statistic_title(s.statistic, doc.hasAnalysis() && doc.analysis()->model.modality == Modality::Image);
  if (view == ViewKind::Cost) return t + dot + QCoreApplication::translate("Figures", "cost");
  if (view == ViewKind::Prediction) return t + dot + QCoreApplication::translate("Figures", "predictions");
  if (view == ViewKind::Lens) return t + dot + QCoreApplication::translate("Figures", "logit lens");
  QString layer = describe(s);
  // Encoder-decoder models: say which self-attention stack the figure shows.
  if (doc.result() && doc.result()->has_decoder() && view != ViewKind::Cross)
    layer = (s.stack == Stack::Decoder ? QCoreApplication::translate("Figures", "decoder")
                                       : QCoreApplication::translate("Figures", "encoder")) +
            dot + layer;
  const int window = doc.hasAnalysis() && per_layer(s.method) ? doc.analysis()->model.window(s.layer) : 0;
  if (window > 0) layer += dot + QCoreApplication::translate("Figures", "sliding window %1").arg(window);
  const bool merged = s.units != Units::Tokens && doc.hasAnalysis() && doc.analysis()->model.modality == Modality::Text &&
                      (view == ViewKind::Matrix || view == ViewKind::Lines || view == ViewKind::Text);
  if (merged) layer += dot + display_name(s.units);
  if (s.exclude_first && doc.hasAnalysis() && doc.analysis()->model.modality == Modality::Text &&
      (view == ViewKind::Matrix || view == ViewKind::Lines || view == ViewKind::Text))
    layer += dot + QCoreApplication::translate("Figures", "first token excluded");
  // describe() names rollout and flow already ("rollout, mean of heads"); raw weights are named here.
  const bool named = !per_layer(s.method) || s.method == Method::Contributions || s.method == Method::Alti;
  return t + dot + layer + (named ? QString() : dot + display_name(s.method)) + dot + display_name(shown_normalization(s));
}

QString figure_stem(const ViewState& s, ViewKind view) {
  QString head;
  switch (s.head_mode) {
    case HeadMode::Single: head = QString("H%1").arg(s.head, 2, 10, QChar('0')); break;
    case HeadMode::Subset: {
      QStringList hs;
      for (int h : s.subset) hs << QString::number(h);
      head = "H" + hs.join("-");
      break;
    }
    default: head = to_string(s.head_mode); break;
  }
  // The decoder stack of an encoder-decoder model gets its own names ("matrix_decoder_L01_H02").
  const QString name = s.stack == Stack::Decoder && view != ViewKind::Cross ? to_string(view) + "_decoder" : to_string(view);
  if (view == ViewKind::Overview && s.method == Method::Rollout) return name + "_rollout";  // its own grid: one map per layer
  if (view == ViewKind::Overview || view == ViewKind::Heads || view == ViewKind::Prediction || view == ViewKind::Cost ||
      view == ViewKind::Lens)
    return name;
  // Words merged from pieces: "matrix_L01_H02_words-mean", beside the token figure rather than over it.
  const QString units = s.units == Units::Tokens ? QString() : "_" + to_string(s.units);
  if (!per_layer(s.method)) return QString("%1_%2_%3").arg(name, to_string(s.method), head) + units;
  const QString method = s.method == Method::Raw ? QString() : "_" + to_string(s.method);
  if (!per_head(s.method)) return QString("%1_L%2").arg(name).arg(s.layer, 2, 10, QChar('0')) + method + units;
  return QString("%1_L%2_%3").arg(name).arg(s.layer, 2, 10, QChar('0')).arg(head) + method + units;
}

std::unique_ptr<FigureRenderer> make_figure(const AnalysisDocument& doc, const FigureRequest& req) {
  // A generation stands on its own: it needs no run of an input.
  if (!doc.hasAnalysis() && !(req.view == ViewKind::Generation && doc.generation()))
    fail(ErrorKind::Usage, "nothing to export yet: run an input first");
  const ViewState& s = req.state;
  const QString title = req.title ? figure_title(doc, s, req.view) : QString();
  switch (req.view) {
    case ViewKind::Matrix: return matrix_figure(doc, s, title, req.zoom);
    case ViewKind::Heads: {
      auto r = heads_figure(doc, s, title);
      r->selected_row = r->selected_head = -1;  // the outline is the window's selection, not part of the figure
      return r;
    }
    case ViewKind::Cross: {
      auto r = cross_figure(doc, s);
      if (r->weights.size() == 0) fail(ErrorKind::Usage, r->title.isEmpty() ? "no cross-attention to draw" : r->title.toStdString());
      if (req.title) r->title = doc.modelName() + QString::fromUtf8(" \u00b7 ") + r->title;
      else r->title.clear();
      return r;
    }
    case ViewKind::Lines: {
      auto r = lines_figure(doc, s);
      r->title = title;
      return r;
    }
    case ViewKind::Overview: {
      auto r = overview_figure(doc, s, 128);
      r->selected_layer = r->selected_head = -1;
      r->title = title;
      return r;
    }
    case ViewKind::Text: {
      auto r = text_figure(doc, s);
      if (req.title) r->title = title + QString::fromUtf8(" \u00b7 ") + r->subject;
      else r->title.clear();
      return r;
    }
    case ViewKind::Image: {
      auto r = image_figure(doc, s);
      if (req.title) r->title = title + QString::fromUtf8(" \u00b7 ") + r->subject;
      else r->title.clear();
      return r;
    }
    case ViewKind::Inside: {
      int missing = -1;
      auto r = inside_figure(doc, s, &missing);
      if (missing >= 0)
        fail(ErrorKind::Usage, "the Inside figure needs Q, K and V of layer " + std::to_string(missing) +
                                   ": open the Inside view first (it captures them), or use attnscope-cli render --view inside");
      if (!req.title) r->title.clear();
      return r;
    }
    case ViewKind::Cost: {
      auto r = cost_figure(doc);
      if (!req.title) r->title.clear();
      return r;
    }
    case ViewKind::Compare: {
      auto r = compare_figure(doc, s);
      if (r->tokens.isEmpty()) fail(ErrorKind::Usage, "nothing to compare: keep a reference result and run another input");
      if (req.title) r->title = doc.modelName() + QString::fromUtf8(" \u00b7 ") + r->title;
      else r->title.clear();
      return r;
    }
    case ViewKind::Generation: {
      if (!doc.generation()) fail(ErrorKind::Usage, "nothing has been generated yet");
      auto r = generation_figure(*doc.generation(), doc.generationStep(), s);
      if (req.title) r->title = doc.modelName() + QString::fromUtf8(" \u00b7 ") + r->title;
      else r->title.clear();
      return r;
    }
    case ViewKind::Lens: {
      auto r = lens_figure(doc, s);
      if (r->cells.empty()) fail(ErrorKind::Usage, r->note.toStdString());
      r->title = title;
      return r;
    }
    case ViewKind::Prediction: {
      auto r = prediction_figure(doc, s);
      r->title = title;  // the caption ("Next token after …") stays under it
      return r;
    }
  }
  fail(ErrorKind::Usage, "unknown view");
}

}  // namespace attnscope::ui
