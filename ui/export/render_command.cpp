#include "ui/export/render_command.h"

#include <unistd.h>

#include <QGuiApplication>
#include <QBuffer>
#include <QDir>
#include <QFileInfo>

#include "core/common/error.h"
#include "core/export/tensor_bundle.h"
#include "core/io/atomic_file.h"
#include "core/analysis/compare.h"
#include "core/pipeline/derived_maps.h"
#include "core/pipeline/generation.h"
#include "core/pipeline/install_paths.h"
#include "ui/document/analysis_document.h"
#include "ui/export/batch_export.h"
#include "ui/export/figures.h"
#include "ui/export/provenance.h"
#include "ui/render/image_overlay_renderer.h"
#include "ui/figures/image_figure.h"

namespace attnscope::ui {

void ensure_offscreen_application() {
  if (QCoreApplication::instance()) return;
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
    // Qt wants a private runtime folder and warns on stderr without one.
    const QString dir = QDir::temp().filePath(QString("attnscope-runtime-%1").arg(::getuid()));
    if (QDir().mkpath(dir) && QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
      qputenv("XDG_RUNTIME_DIR", dir.toLocal8Bit());
  }
  static int argc = 1;
  static char name[] = "attnscope-cli";
  static char* argv[] = {name, nullptr};
  static QGuiApplication app(argc, argv);
}

namespace {

void check_range(const char* what, int value, int count) {
  if (value < 0 || value >= count)
    fail(ErrorKind::Usage, std::string("--") + what + ": " + std::to_string(value) + " is out of range (valid: 0-" + std::to_string(count - 1) + ")");
}

}  // namespace

QStringList render_figures(const RenderRequest& req, const ProgressFn& progress) {
  ensure_offscreen_application();
  if (req.out.isEmpty() == req.all_heads_dir.isEmpty()) fail(ErrorKind::Usage, "give --out FILE or --all-heads DIR");
  if (!req.out.isEmpty() && !req.bare && !figure_format_for(req.out))
    fail(ErrorKind::Usage, req.out.toStdString() + ": unknown figure format (use .png, .svg or .pdf)");
  if (!req.out.isEmpty()) check_writable(req.out.toStdString(), req.file.overwrite);

  const std::filesystem::path model_dir = resolve_model_reference(req.model);
  std::shared_ptr<const Analyzer> analyzer(Analyzer::open(model_dir).release());
  const ModelInfo& info = analyzer->info();
  const bool decoder_side = req.view == ViewKind::Cross || req.state.stack == Stack::Decoder;
  if (decoder_side && !info.encoder_decoder)
    fail(ErrorKind::Usage, std::string(req.view == ViewKind::Cross ? "--view cross" : "--stack decoder") +
                               " needs an encoder-decoder model (T5); this is " + info.model_type);
  check_range("layer", req.state.layer, decoder_side ? info.num_decoder_layers : info.num_layers);
  if (req.state.head_mode == HeadMode::Single) check_range("head", req.state.head, info.num_heads);
  for (int h : req.state.subset) check_range("heads", h, info.num_heads);
  if (req.state.method != Method::Raw) check_range("start-layer", req.state.start_layer, info.num_layers);
  if (req.view == ViewKind::Image && info.modality != Modality::Image) fail(ErrorKind::Usage, "--view image needs an image model");
  if (req.view == ViewKind::Text && info.modality != Modality::Text) fail(ErrorKind::Usage, "--view text needs a text model");
  if (req.view == ViewKind::Generation && !(info.kv_cache && analyzer->tokenizer()))
    fail(ErrorKind::Usage, "--view generation needs a causal language model; this is " + info.model_type);
  if (req.view == ViewKind::Compare && (info.modality != Modality::Text || info.encoder_decoder))
    fail(ErrorKind::Usage, "--view compare needs a text encoder or causal LM; this is " + info.model_type);

  if (req.view == ViewKind::Inside && req.state.stack == Stack::Decoder) fail(ErrorKind::Usage, "--view inside explains the encoder's heads");

  AnalysisRequest input = req.input;
  if (req.view == ViewKind::Inside) input.forward.capture_internals = {req.state.layer};  // Q, K and V of the layer shown
  if (req.view == ViewKind::Cost) input.forward.profile = true;                            // time per layer and part
  const auto wanted = [&](Derived d) { return derived_kind(d).wanted(req.state); };
  if (wanted(Derived::ValueNorms) || wanted(Derived::Contributions)) input.forward.taps.push_back(value_norm_taps(input.forward.layers));
  if (wanted(Derived::Contributions) || wanted(Derived::Lens)) input.forward.hidden_states = true;
  auto analysis = std::make_shared<Analysis>(analyzer->run(input, progress));
  if (analysis->cancelled) fail(ErrorKind::Usage, "cancelled");
  if (req.state.query >= 0)
    check_range("query", req.state.query,
                req.state.stack == Stack::Decoder ? static_cast<int>(analysis->forward.decoder.input_ids.size()) : analysis->seq_len());

  AnalysisDocument doc;
  doc.setAnalyzer(analyzer, QString::fromStdString(model_dir.string()));
  doc.setAnalysis(analysis);
  doc.setState(req.state);
  if (req.view == ViewKind::Inside)
    doc.setInternals(std::shared_ptr<const AttentionInternals>(analysis, &analysis->forward.internals));
  if (req.view == ViewKind::Generation) {
    GenerationOptions o;
    o.max_new_tokens = req.generation_tokens > 0 ? req.generation_tokens : 20;
    o.threads = req.input.forward.threads;
    const auto g = make_generation(*analyzer, QString::fromStdString(req.input.text), o, progress);
    if (g->generation.cancelled()) fail(ErrorKind::Usage, "cancelled");
    const int steps = g->steps();
    if (req.generation_step > steps)
      fail(ErrorKind::Usage, "--step: " + std::to_string(req.generation_step) + " is past the " + std::to_string(steps) + " generated tokens");
    doc.setGeneration(g);
    doc.setGenerationStep(req.generation_step > 0 ? req.generation_step : steps);
  }
  if (req.view == ViewKind::Compare) {
    // A is the input on the model; B the other text and/or model, run the same way.
    doc.setReference(analysis, doc.modelName());
    std::shared_ptr<const Analyzer> other = analyzer;
    std::filesystem::path other_dir = model_dir;
    if (!req.compare_model.empty()) {
      other_dir = resolve_model_reference(req.compare_model);
      other.reset(Analyzer::open(other_dir).release());
    }
    AnalysisRequest rb = req.input;
    if (!req.compare_text.empty()) rb.text = req.compare_text;
    if (req.compare_model.empty() && req.compare_text.empty()) fail(ErrorKind::Usage, "--view compare needs --compare-text or --compare-model");
    auto b = std::make_shared<Analysis>(other->run(rb, progress));
    if (b->cancelled) fail(ErrorKind::Usage, "cancelled");
    if (other != analyzer) doc.setAnalyzer(other, QString::fromStdString(other_dir.string()));
    doc.setAnalysis(b);
    doc.setState(req.state);
    doc.setComparison(std::make_shared<const AttentionComparison>(
        compare_attentions(analysis->forward.attentions, b->forward.attentions, align_tokens(analysis->encoding.ids(), b->encoding.ids()))));
  }
  // Value norms, contributions, head ablation, the logit lens: what the figure needs, made here in line.
  for (const DerivedKind& kind : derived_kinds()) {
    if (!kind.wanted(doc.state())) continue;
    std::any value = kind.compute(*analyzer, *analysis, req.input, progress);
    if (!value.has_value()) fail(ErrorKind::Usage, "cancelled");
    doc.setDerived(kind.id, std::move(value));
  }
  if (req.state.method == Method::Flow) {
    DerivedMapOptions d;
    d.method = MapMethod::Flow;
    d.heads = fusion_for(req.state).heads;
    d.start_layer = req.state.start_layer;
    d.threads = req.input.forward.threads;
    d.rows = doc.flowRows(doc.state());  // the Image view: only the query's row
    DerivedMaps maps = derived_maps(*analysis, d, progress);
    if (maps.cancelled) fail(ErrorKind::Usage, "cancelled");
    doc.setFlow(doc.flowKey(), std::make_shared<const RowMatrix>(maps.maps.front().second.matrix()));
  }

  if (!req.all_heads_dir.isEmpty()) {
    if (!QDir().mkpath(req.all_heads_dir)) fail(ErrorKind::Output, req.all_heads_dir.toStdString() + ": cannot create the folder");
    const auto items = batch_items(doc, BatchScope::AllHeads, req.view, req.all_heads_dir, req.format, true);
    if (!req.file.overwrite)
      for (const BatchItem& item : items) check_writable(item.path.toStdString(), false);
    return write_batch(doc, items, req.file, req.sidecar);
  }
  if (req.bare) {
    if (req.view != ViewKind::Image) fail(ErrorKind::Usage, "--bare needs --view image");
    auto r = image_figure(doc, doc.state());
    if (r->patch_values.size() == 0) fail(ErrorKind::Usage, "nothing to draw: " + r->title.toStdString());
    if (req.out.endsWith(".npy", Qt::CaseInsensitive)) {
      BundleArray a;
      a.name = "map";
      a.shape = {r->patch_values.rows(), r->patch_values.cols()};
      a.view = reinterpret_cast<const uint8_t*>(r->patch_values.data());
      a.nbytes = static_cast<size_t>(r->patch_values.size()) * sizeof(float);
      write_npy(a, req.out.toStdString(), req.file.overwrite);
    } else {
      if (!req.out.endsWith(".png", Qt::CaseInsensitive)) fail(ErrorKind::Usage, "--bare writes .png (the overlay) or .npy (the map)");
      QByteArray png;
      QBuffer buffer(&png);
      buffer.open(QIODevice::WriteOnly);
      if (!r->bareOverlay().save(&buffer, "PNG")) fail(ErrorKind::Output, req.out.toStdString() + ": cannot encode the overlay");
      AtomicFile out(req.out.toStdString(), req.file.overwrite);
      out.write(png.constData(), static_cast<size_t>(png.size()));
      out.commit();
    }
    return {req.out};
  }
  FigureRequest fr;
  fr.view = req.view;
  fr.state = doc.state();
  fr.title = req.title;
  auto figure = make_figure(doc, fr);
  FigureFileOptions o = req.file;
  if (o.size_inches.isEmpty()) o.size_inches = preset_size(req.preset, *figure);
  o.title = figure_title(doc, fr.state, req.view);
  const QSizeF inches = write_figure(*figure, req.out, o);
  if (req.sidecar) {
    FigureInfo info;
    info.file = req.out;
    info.format = QFileInfo(req.out).suffix().toLower();
    info.view = req.view;
    info.dpi = info.format == "png" ? o.dpi : 0;
    info.width_inches = inches.width();
    info.height_inches = inches.height();
    write_sidecar(doc, fr.state, info, o.overwrite);
  }
  return {req.out};
}

}  // namespace attnscope::ui
