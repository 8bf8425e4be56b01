#include "ui/app/session.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include "core/common/error.h"

namespace attnscope::ui {

namespace {
const char* kRecentKey = "models/recent";
constexpr int kMaxRecent = 10;

QString kind_title(int kind) {
  switch (static_cast<ErrorKind>(kind)) {
    case ErrorKind::Model: return Session::tr("Cannot open the model");
    case ErrorKind::Input: return Session::tr("Cannot use this input");
    case ErrorKind::Usage: return Session::tr("Not possible");
    case ErrorKind::Output: return Session::tr("Cannot write");
    case ErrorKind::Resource: return Session::tr("Too large");
  }
  return Session::tr("Error");
}
}  // namespace

Session::Session(QObject* parent) : QObject(parent) {
  recent_ = QSettings().value(kRecentKey).toStringList();
  connect(&controller_, &RunController::busyChanged, this, &Session::busyChanged);
  connect(&controller_, &RunController::progress, this, &Session::progress);
  connect(&controller_, &RunController::modelOpened, this, [this](const AnalyzerPtr& a, const QString& dir) {
    document_.setAnalyzer(a, dir);
    rememberModel(dir);
    if (restore_) runRestore();
    const auto& i = a->info();
    emit status(tr("Opened %1: %2, %3 layers × %4 heads").arg(QFileInfo(dir).fileName(), QString::fromStdString(i.architecture))
                    .arg(i.num_layers)
                    .arg(i.num_heads));
    for (const auto& w : i.warnings) emit message(QString::fromStdString(w), Severity::Warning);
  });
  connect(&controller_, &RunController::finished, this, [this](const AnalysisPtr& a) {
    document_.setInput(pending_text_, pending_image_);
    document_.setAnalysis(a);
    QString s = tr("%n token(s)", nullptr, a->seq_len()) + tr(" · %1 ms").arg(qRound(a->seconds * 1000));
    if (!a->warnings.empty()) s += tr(" · %n warning(s)", nullptr, static_cast<int>(a->warnings.size()));
    emit status(s);
    for (const auto& w : a->warnings) emit message(QString::fromStdString(w), Severity::Warning);
    if (restore_) {
      document_.setState(restore_->state);
      document_.setMatrixZoom(restore_->zoom, true);
      const QStringList weights = QDir(document_.modelDir()).entryList({"*.safetensors"}, QDir::Files, QDir::Name);
      if (!restore_->weights_sha256.isEmpty() && !weights.isEmpty() &&
          file_sha256(QDir(document_.modelDir()).filePath(weights.first())) != restore_->weights_sha256)
        emit message(tr("The weights in %1 differ from those the figure was made with (sha256 changed); the view is restored, "
                        "the numbers may differ.").arg(document_.modelDir()),
                     Severity::Warning);
      restore_.reset();
    }
    emit runFinished();
  });
  connect(&controller_, &RunController::flowFinished, this, [this](const MatrixPtr& flow, const QString& key) {
    document_.setFlow(key, flow);
    emit status(tr("Attention flow computed"));
  });
  connect(&document_, &AnalysisDocument::stateChanged, this, &Session::computeFlowIfNeeded);
  connect(&controller_, &RunController::inductionFinished, this, [this](const std::vector<int>& layers, const std::vector<float>& scores) {
    if (!document_.hasAnalysis()) return;
    document_.setInduction(layers, scores);
    emit status(tr("Induction scores computed"));
  });
  connect(&controller_, &RunController::cancelled, this, [this] {
    if (document_.state().method == Method::Flow && !document_.flow())
      document_.setFlowStatus(tr("Attention flow was cancelled. Choose the flow method again to restart it."));
    emit status(tr("Cancelled; the previous result is still shown"));
  });
  connect(&controller_, &RunController::failed, this, [this](const QString& m, int kind) {
    restore_.reset();
    if (document_.state().method == Method::Flow && !document_.flow()) document_.setFlowStatus(m);
    emit message(kind_title(kind) + ": " + m, Severity::Error);
  });
}

void Session::openModel(const QString& dir) {
  if (dir.isEmpty()) return;
  emit status(tr("Opening %1…").arg(QDir::toNativeSeparators(dir)));
  controller_.openModel(dir);
}

bool Session::canRun(Modality input) {
  if (!document_.analyzer()) {
    emit message(tr("Open a model first (File ▸ Open model folder…)."), Severity::Error);
    return false;
  }
  if (document_.analyzer()->info().modality == input) return true;
  const QString name = QFileInfo(document_.modelDir()).fileName();
  emit message(input == Modality::Text ? tr("%1 is an image model: open an image to run it.").arg(name)
                                       : tr("%1 is a text model: type or open a text to run it.").arg(name),
               Severity::Error);
  return false;
}

void Session::runText(const QString& text, const QString& text_pair) {
  if (!canRun(Modality::Text)) return;
  AnalysisRequest r;
  r.text = text.toStdString();
  if (!text_pair.isEmpty()) r.text_pair = text_pair.toStdString();
  startRun(r, text, QString());
}

void Session::runImage(const QString& path) {
  if (!canRun(Modality::Image)) return;
  AnalysisRequest r;
  r.image = path.toStdString();
  startRun(r, QString(), path);
}

void Session::startRun(const AnalysisRequest& request, const QString& text, const QString& image) {
  pending_text_ = text;
  pending_image_ = image;
  AnalysisRequest r = request;
  r.forward.logits = LogitsMode::Last;  // the GUI shows next-token predictions only
  controller_.run(document_.analyzer(), r);
}

void Session::cancel() { controller_.cancel(); }

void Session::openSidecar(const QString& path) {
  try {
    restore_ = read_sidecar(path);
  } catch (const Error& e) {
    emit message(tr("Cannot restore this figure: %1").arg(QString::fromStdString(e.what())), Severity::Error);
    return;
  }
  if (!QFileInfo(restore_->model_dir).isDir()) {
    emit message(tr("The figure was made with the model in %1, which is not there any more.").arg(restore_->model_dir), Severity::Error);
    restore_.reset();
    return;
  }
  emit inputRestored(restore_->text, restore_->text_pair, restore_->image);
  const bool same = document_.analyzer() && QFileInfo(document_.modelDir()).absoluteFilePath() == QFileInfo(restore_->model_dir).absoluteFilePath();
  if (same) runRestore();
  else openModel(restore_->model_dir);
}

void Session::runRestore() {
  if (!restore_->image.isEmpty()) runImage(restore_->image);
  else runText(restore_->text, restore_->text_pair);
}

void Session::computeInduction() {
  if (!document_.analyzer() || controller_.busy() || !document_.analyzer()->info().causal) return;
  controller_.computeInduction(document_.analyzer());
}

void Session::computeFlowIfNeeded() {
  if (document_.state().method != Method::Flow || !document_.hasAnalysis() || document_.flow() || controller_.busy()) return;
  if (!document_.flowStatus().isEmpty()) return;  // computing, failed or cancelled: the user chooses again
  FlowOptions o;
  o.fusion = fusion_for(document_.state());
  document_.setFlowStatus(tr("Computing attention flow… (progress below; Esc cancels)"));
  controller_.computeFlow(document_.analysis(), o, document_.flowKey());
}

void Session::rememberModel(const QString& dir) {
  const QString abs = QFileInfo(dir).absoluteFilePath();
  recent_.removeAll(abs);
  recent_.prepend(abs);
  while (recent_.size() > kMaxRecent) recent_.removeLast();
  QSettings().setValue(kRecentKey, recent_);
  emit recentModelsChanged();
}

}  // namespace attnscope::ui
