// The models of the translation / registers issue in the GUI. T5: the stack selector shows the
// decoder's self-attention in the single-stack views, the Cross view draws the decoder x source
// maps of the core, its hard alignment is the row argmax, clicks select targets and sources, and
// the figure export draws the same renderer. DINOv2 with registers: the Image view shows the
// registers' weights on the patches' scale, or leaves them out.
#include <QFile>

#include "core/common/error.h"
#include "core/common/tensor.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/map_builder.h"
#include "ui/export/figure_writer.h"
#include "ui/export/figures.h"
#include "ui/export/provenance.h"
#include "ui/render/cross_renderer.h"
#include "ui/figures/cross_figure.h"
#include "ui/figures/image_figure.h"
#include "ui/views/cross_view.h"
#include "ui/views/image_view.h"
#include "ui/render/image_overlay_renderer.h"

using namespace attnscope;
using namespace attnscope::ui;

class CrossTest : public QObject {
  Q_OBJECT

 private slots:
  void stackSelectorShowsTheDecoder();
  void crossViewDrawsTheCoreMaps();
  void clicksSelectTargetsAndSources();
  void exportDrawsTheCrossView();
  void generationRunsFromTheSession();
  void imageViewShowsTheRegisters();
  void sidecarRestoresTheSourceAndTarget();
};

namespace {
const char* kSource = "translate English to German: The house is wonderful.";
const char* kTarget = "Das Haus ist wunderbar.";

bool runT5(Session& session, const QString& target, int generate = 0) {
  if (!test::openModel(session, test::sharedPath("models/t5-random"))) return false;
  session.runText(kSource, QString(), target, generate);
  return test::waitIdle(session) && session.document()->hasAnalysis();
}
}  // namespace

void CrossTest::stackSelectorShowsTheDecoder() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(runT5(session, kTarget));
  AnalysisDocument* d = session.document();
  const Analysis& whole = *d->result();
  QVERIFY(whole.has_decoder());
  QCOMPARE(d->seqLen(), 9);  // the encoder's tokens
  QSignalSpy changed(d, &AnalysisDocument::analysisChanged);
  ViewState s = d->state();
  s.stack = Stack::Decoder;
  s.layer = 1;
  s.head = 3;
  d->setState(s);
  QCOMPARE(changed.count(), 1);
  QCOMPARE(d->seqLen(), 5);
  QVERIFY(d->analysis()->model.causal);
  QCOMPARE(d->tokenLabels().size(), 5);
  // The Matrix view's map is the decoder's head, causal triangle masked.
  const DisplayMap m = build_display_map(*d, d->state());
  const ConstMatrixMap want = whole.forward.decoder.attentions.head(1, 3);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) {
      if (j > i) QVERIFY(m.masked(i, j));  // drawn grey, not as 0
      else QCOMPARE(m.values(i, j), want(i, j));
    }
  // Figures of the decoder stack say so in the title and the file name.
  QVERIFY(figure_title(*d, d->state(), ViewKind::Matrix).contains("decoder"));
  QCOMPARE(figure_stem(d->state(), ViewKind::Matrix), QString("matrix_decoder_L01_H03"));
  s.stack = Stack::Encoder;
  d->setState(s);
  QCOMPARE(d->seqLen(), 9);
  QVERIFY(figure_title(*d, d->state(), ViewKind::Matrix).contains("encoder"));
  QCOMPARE(figure_stem(d->state(), ViewKind::Matrix), QString("matrix_L01_H03"));
}

void CrossTest::crossViewDrawsTheCoreMaps() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(runT5(session, kTarget));
  AnalysisDocument* d = session.document();
  const AttentionMaps& cross = d->result()->forward.decoder.cross_attentions;
  ViewState s = d->state();
  s.layer = 1;
  s.head = 2;
  s.head_mode = HeadMode::Single;
  auto r = cross_figure(*d, s);
  QCOMPARE(r->weights.rows(), 5);
  QCOMPARE(r->weights.cols(), 9);
  QCOMPARE(r->targets.size(), 5);
  QCOMPARE(r->sources.size(), 9);
  QCOMPARE(r->targets.front(), QString::fromStdString(d->analyzer()->tokenizer()->display(0)));
  QVERIFY((r->weights - cross.head(1, 2)).cwiseAbs().maxCoeff() == 0.0f);
  // The hard alignment is each row's argmax.
  const std::vector<int> a = r->alignment();
  for (int t = 0; t < 5; ++t) {
    Eigen::Index j = 0;
    cross.head(1, 2).row(t).maxCoeff(&j);
    QCOMPARE(a[static_cast<size_t>(t)], static_cast<int>(j));
  }
  // Mean of heads: the average of the four maps, rows still summing to 1.
  s.head_mode = HeadMode::Mean;
  r = cross_figure(*d, s);
  RowMatrix mean = RowMatrix::Zero(5, 9);
  for (int h = 0; h < 4; ++h) mean += cross.head(1, h);
  mean /= 4.0f;
  QVERIFY((r->weights - mean).cwiseAbs().maxCoeff() < 1e-6f);
  for (int t = 0; t < 5; ++t) QVERIFY(std::abs(r->weights.row(t).sum() - 1.0f) < 1e-5f);
}

void CrossTest::clicksSelectTargetsAndSources() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(runT5(session, kTarget));
  AnalysisDocument* d = session.document();
  CrossView view(d);
  view.resize(1000, 700);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  const CrossAttentionRenderer* r = view.renderer();
  QVERIFY(r);
  QWidget* target = nullptr;
  for (QWidget* w : view.findChildren<QWidget*>())
    if (w->inherits("attnscope::ui::RendererView")) target = w;
  QVERIFY(target);
  // Find the centre of cell (target 2, source 5) by hit testing a scan of the canvas.
  QPoint cell, row_label;
  for (int y = 0; y < target->height() && cell.isNull(); y += 2)
    for (int x = 0; x < target->width(); x += 2) {
      const auto hit = r->hitTest(target->rect(), QPointF(x, y));
      if (hit.target == 2 && hit.source == 5 && cell.isNull()) cell = QPoint(x + 4, y + 4);
    }
  QVERIFY(!cell.isNull());
  QCOMPARE(r->hitTest(target->rect(), cell).target, 2);
  QTest::mouseClick(target, Qt::LeftButton, {}, cell);
  QCOMPARE(d->state().cross_target, 2);
  QCOMPARE(d->state().cross_source, -1);
  QCOMPARE(view.renderer()->selected_target, 2);
  // A click on a source label above the grid selects that source instead.
  for (int y = 0; y < target->height() && row_label.isNull(); y += 2)
    for (int x = 0; x < target->width(); x += 2) {
      const auto hit = view.renderer()->hitTest(target->rect(), QPointF(x, y));
      if (hit.target < 0 && hit.source == 4) {
        row_label = QPoint(x, y);
        break;
      }
    }
  QVERIFY(!row_label.isNull());
  QTest::mouseClick(target, Qt::LeftButton, {}, row_label);
  QCOMPARE(d->state().cross_source, 4);
  QCOMPARE(d->state().cross_target, -1);
}

void CrossTest::exportDrawsTheCrossView() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(runT5(session, kTarget));
  AnalysisDocument* d = session.document();
  FigureRequest fr;
  fr.view = ViewKind::Cross;
  fr.state = d->state();
  fr.state.cross_argmax = true;
  auto fig = make_figure(*d, fr);
  const auto* cr = dynamic_cast<const CrossAttentionRenderer*>(fig.get());
  QVERIFY(cr);
  QVERIFY(cr->argmax);
  QVERIFY(cr->title.contains("cross-attention"));
  const QString dir = QString::fromStdString(test::scratch_dir("cross_export").string());
  for (const char* ext : {"png", "svg", "pdf"}) {
    const QString path = dir + "/cross." + ext;
    FigureFileOptions o;
    o.dpi = 96;
    write_figure(*fig, path, o);
    QVERIFY2(QFile(path).size() > 1000, qPrintable(path));
  }
  // The PNG holds the colour map's top colour: the strongest cell of some row (row scale).
  QImage png(dir + "/cross.png");
  QVERIFY(!png.isNull());
  const QRgb top = ColorMap(fr.state.color_map).rgb(1.0);
  bool found = false;
  for (int y = 0; y < png.height() && !found; ++y)
    for (int x = 0; x < png.width() && !found; ++x) found = (png.pixel(x, y) & 0xFFFFFF) == (top & 0xFFFFFF);
  QVERIFY(found);
  // A text-only model has no Cross figure.
  Session bert;
  QVERIFY(test::openModel(bert, test::sharedPath("models/bert-random")));
  bert.runText("hello world");
  QVERIFY(test::waitIdle(bert));
  bool refused = false;
  try {
    make_figure(*bert.document(), fr);
  } catch (const attnscope::Error& e) {
    refused = QString(e.what()).contains("encoder-decoder");
  }
  QVERIFY(refused);
}

void CrossTest::generationRunsFromTheSession() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(runT5(session, QString(), 8));
  const Analysis& a = *session.document()->result();
  QCOMPARE(a.forward.decoder.generated.size(), a.forward.decoder.input_ids.size());
  QVERIFY(!a.forward.decoder.generated.empty());
  QCOMPARE(a.decoder_labels.size(), a.forward.decoder.input_ids.size());
}

void CrossTest::imageViewShowsTheRegisters() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(test::openModel(session, test::sharedPath("models/dinov2-reg-random")));
  session.runImage(test::sharedPath("samples/images/coffee.png"));
  QVERIFY(test::waitIdle(session) && session.document()->hasAnalysis());
  AnalysisDocument* d = session.document();
  ViewState s = d->state();
  s.layer = 1;
  s.head = 1;  // the head whose CLS row gives the registers a real share in this checkpoint
  s.head_mode = HeadMode::Single;
  s.query = 0;
  d->setState(s);
  auto r = image_figure(*d, d->state());
  const ConstMatrixMap row = d->analysis()->forward.attentions.head(1, 1);
  QCOMPARE(r->register_weights.size(), size_t(4));
  float top = 0;
  for (int i = 0; i < 4; ++i) {
    QCOMPARE(r->register_weights[static_cast<size_t>(i)], row(0, 1 + i));
    top = std::max(top, row(0, 1 + i));
  }
  QVERIFY(top > 0.01f);
  QVERIFY(r->caption.contains("4"));
  // One scale for both: the brightest of patches and registers reaches the top of the bar.
  double brightest = r->patch_shade.maxCoeff();
  for (double v : r->register_shade) brightest = std::max(brightest, v);
  QVERIFY(std::abs(brightest - 1.0) < 1e-6);
  s.show_registers = false;
  d->setState(s);
  r = image_figure(*d, d->state());
  QVERIFY(r->register_weights.empty());
}

// A figure of the decoder stack still records the source as the input, and the target beside it,
// so reopening the sidecar runs the same thing.
void CrossTest::sidecarRestoresTheSourceAndTarget() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(runT5(session, kTarget));
  AnalysisDocument* d = session.document();
  ViewState s = d->state();
  s.stack = Stack::Decoder;
  d->setState(s);
  QCOMPARE(QString::fromStdString(d->analysis()->text), QString(kTarget));  // the decoder stack's own text
  const QString dir = QString::fromStdString(test::scratch_dir("cross_sidecar").string());
  FigureInfo info;
  info.file = dir + "/decoder.png";
  info.format = "png";
  write_sidecar(*d, d->state(), info, true);
  const Sidecar back = read_sidecar(sidecar_path(info.file));
  QCOMPARE(back.text, QString(kSource));
  QCOMPARE(back.target, QString(kTarget));
  QCOMPARE(back.generate, 0);
  QCOMPARE(back.state.stack, Stack::Decoder);

  Session gen;
  QVERIFY(runT5(gen, QString(), 6));
  info.file = dir + "/gen.png";
  write_sidecar(*gen.document(), gen.document()->state(), info, true);
  const Sidecar g = read_sidecar(sidecar_path(info.file));
  QVERIFY(g.target.isEmpty());
  QCOMPARE(g.generate, static_cast<int>(gen.document()->result()->forward.decoder.generated.size()));
}

QTEST_MAIN(CrossTest)
#include "ui_cross_test.moc"
