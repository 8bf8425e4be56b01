#pragma once

#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>

#include "ui/document/view_state.h"
#include "ui/export/figure_writer.h"

namespace attnscope::ui {

class AnalysisDocument;

// Which figures a batch export writes.
enum class BatchScope {
  LayerHeads,  // every head of the selected layer
  AllHeads,    // every layer x head
  AllMethods,  // the selection as raw head, mean / max / min of heads, rollout, flow (if computed)
};

struct BatchItem {
  ViewKind view = ViewKind::Matrix;
  ViewState state;
  QString path;
};

// The figures of a batch, named by selection ("matrix_L03_H05.png"), plus the one-page overview of
// every layer x head when `overview` is set. Flow is included only when it is already computed.
std::vector<BatchItem> batch_items(const AnalysisDocument& document, BatchScope scope, ViewKind view, const QString& folder,
                                   FigureFormat format, bool overview);

// Writes a batch one figure per event-loop turn on the GUI thread (the figures read the document,
// which lives there), so the window stays responsive and the batch can be cancelled between figures.
class BatchExporter : public QObject {
  Q_OBJECT
 public:
  BatchExporter(const AnalysisDocument* document, std::vector<BatchItem> items, FigureFileOptions options, bool sidecars,
                QObject* parent = nullptr);
  void start();
  void cancel() { cancelled_ = true; }

 signals:
  void progress(int done, int total, const QString& file);
  // `written` lists the files made; `error` is empty on success ("cancelled" if cancelled).
  void finished(const QStringList& written, const QString& error);

 private:
  void step();
  const AnalysisDocument* document_;
  std::vector<BatchItem> items_;
  FigureFileOptions options_;
  bool sidecars_;
  size_t next_ = 0;
  bool cancelled_ = false;
  QStringList written_;
};

// Writes every item now (the CLI's render --all-heads); throws attnscope::Error.
QStringList write_batch(const AnalysisDocument& document, const std::vector<BatchItem>& items, const FigureFileOptions& options,
                        bool sidecars);

}  // namespace attnscope::ui
