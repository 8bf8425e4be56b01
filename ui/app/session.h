#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

#include "ui/document/analysis_document.h"
#include "ui/export/export_controller.h"
#include "ui/export/provenance.h"
#include "ui/workers/run_controller.h"

namespace attnscope::ui {

// Severity of a message shown in the window's message bar.
enum class Severity { Info, Warning, Error };

// The application logic behind the window: opening models, running inputs on the worker
// thread, cancelling, remembering recent models. Owns the document; the window only forwards
// user actions here and shows what the signals report.
class Session : public QObject {
  Q_OBJECT
 public:
  explicit Session(QObject* parent = nullptr);

  AnalysisDocument* document() { return &document_; }
  const AnalysisDocument* document() const { return &document_; }
  bool busy() const { return controller_.busy(); }
  ExportController* exports() { return &exports_; }
  QStringList recentModels() const { return recent_; }

 public slots:
  void openModel(const QString& dir);
  // Runs the text (and optional second segment) or the image through the open model.
  void runText(const QString& text, const QString& text_pair = QString());
  void runImage(const QString& path);
  void cancel();
  // Induction scores of the open causal model (runs it on generated repeated sequences).
  void computeInduction();
  // Restores the view a figure's NAME.attnscope.json describes: opens its model, runs its input
  // and applies its selection and zoom.
  void openSidecar(const QString& path);

 signals:
  void message(const QString& text, attnscope::ui::Severity severity);
  void status(const QString& text);
  void busyChanged(bool busy);
  void progress(int done, int total, const QString& stage);
  void runFinished();
  void recentModelsChanged();
  // The input a restored sidecar runs, for the input panel to show.
  void inputRestored(const QString& text, const QString& text_pair, const QString& image);

 private:
  void startRun(const attnscope::AnalysisRequest& request, const QString& text, const QString& image);
  void computeFlowIfNeeded();
  bool canRun(attnscope::Modality input);  // a model of that modality is open, else a message
  void rememberModel(const QString& dir);

  void runRestore();

  AnalysisDocument document_;
  RunController controller_;
  ExportController exports_{&document_};
  std::optional<Sidecar> restore_;  // a sidecar being restored
  QStringList recent_;
  QString pending_text_, pending_image_;
};

}  // namespace attnscope::ui
