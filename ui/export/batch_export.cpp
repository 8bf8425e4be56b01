#include "ui/export/batch_export.h"

#include <QDir>
#include <QFileInfo>
#include <QTimer>

#include "core/common/error.h"
#include "ui/document/analysis_document.h"
#include "ui/export/figures.h"
#include "ui/export/provenance.h"

namespace attnscope::ui {

std::vector<BatchItem> batch_items(const AnalysisDocument& doc, BatchScope scope, ViewKind view, const QString& folder,
                                   FigureFormat format, bool overview) {
  std::vector<BatchItem> items;
  if (!doc.hasAnalysis()) return items;
  const QDir dir(folder);
  const ViewState base = doc.state();
  auto add = [&](ViewKind v, const ViewState& s) {
    items.push_back({v, s, dir.filePath(figure_stem(s, v) + "." + to_string(format))});
  };
  const AttentionMaps& att = doc.analysis()->forward.attentions;
  auto single = [&](int layer, int head) {
    ViewState s = base;
    s.method = Method::Raw;
    s.head_mode = HeadMode::Single;
    s.layer = layer;
    s.head = head;
    return s;
  };
  switch (scope) {
    case BatchScope::LayerHeads:
      for (int h = 0; h < att.num_heads; ++h) add(view, single(base.layer, h));
      break;
    case BatchScope::AllHeads:
      for (int l : att.layers)
        for (int h = 0; h < att.num_heads; ++h) add(view, single(l, h));
      break;
    case BatchScope::AllMethods: {
      add(view, single(base.layer, base.head));
      for (HeadMode m : {HeadMode::Mean, HeadMode::Max, HeadMode::Min}) {
        ViewState s = single(base.layer, base.head);
        s.head_mode = m;
        add(view, s);
      }
      ViewState r = base;
      r.method = Method::Rollout;
      if (r.head_mode == HeadMode::Single) r.head_mode = HeadMode::Mean;
      add(view, r);
      ViewState f = r;
      f.method = Method::Flow;
      if (doc.flow(f)) add(view, f);  // only when computed: flow can take minutes
      break;
    }
  }
  if (overview) add(ViewKind::Overview, base);
  return items;
}

namespace {

void write_item(const AnalysisDocument& doc, const BatchItem& item, const FigureFileOptions& options, bool sidecar) {
  FigureRequest req;
  req.view = item.view;
  req.state = item.state;
  req.title = true;
  auto figure = make_figure(doc, req);
  FigureFileOptions o = options;
  o.title = figure_title(doc, item.state, item.view);
  const QSizeF inches = write_figure(*figure, item.path, o);
  if (sidecar) {
    FigureInfo info;
    info.file = item.path;
    info.format = QFileInfo(item.path).suffix().toLower();
    info.view = item.view;
    info.dpi = info.format == "png" ? o.dpi : 0;
    info.width_inches = inches.width();
    info.height_inches = inches.height();
    write_sidecar(doc, item.state, info, o.overwrite);
  }
}

}  // namespace

QStringList write_batch(const AnalysisDocument& doc, const std::vector<BatchItem>& items, const FigureFileOptions& options, bool sidecars) {
  QStringList out;
  for (const BatchItem& item : items) {
    write_item(doc, item, options, sidecars);
    out << item.path;
  }
  return out;
}

BatchExporter::BatchExporter(const AnalysisDocument* document, std::vector<BatchItem> items, FigureFileOptions options, bool sidecars,
                             QObject* parent)
    : QObject(parent), document_(document), items_(std::move(items)), options_(std::move(options)), sidecars_(sidecars) {}

void BatchExporter::start() { QTimer::singleShot(0, this, &BatchExporter::step); }

void BatchExporter::step() {
  if (cancelled_) {
    emit finished(written_, tr("cancelled"));
    return;
  }
  if (next_ >= items_.size()) {
    emit finished(written_, QString());
    return;
  }
  const BatchItem& item = items_[next_];
  try {
    write_item(*document_, item, options_, sidecars_);
  } catch (const Error& e) {
    emit finished(written_, QString::fromStdString(e.what()));
    return;
  }
  written_ << item.path;
  ++next_;
  emit progress(static_cast<int>(next_), static_cast<int>(items_.size()), QFileInfo(item.path).fileName());
  QTimer::singleShot(0, this, &BatchExporter::step);
}

}  // namespace attnscope::ui
