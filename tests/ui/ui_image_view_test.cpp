// The Image view's vision features beyond the contour (vision issue): attention flow for the
// query row only, the input size (panel, --size, sidecar round trip) on the real ViT-Ti/16, and
// the dimmed parts outside DeiT's centre crop.
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QPainter>
#include <QTemporaryDir>
#include <QRegularExpression>
#include <QToolTip>


#include "core/analysis/display_norm.h"
#include "core/analysis/flow.h"
#include "core/analysis/rollout.h"
#include "core/pipeline/derived_maps.h"
#include "core/pipeline/install_paths.h"
#include "tests/ui/ui_test_support.h"
#include "ui/app/launch_options.h"
#include "ui/app/main_window.h"
#include "ui/document/map_builder.h"
#include "ui/export/provenance.h"
#include "ui/panels/input_panel.h"
#include "ui/render/image_overlay_renderer.h"
#include "ui/export/figures.h"
#include "ui/render/head_statistics.h"
#include "ui/render/overview_renderer.h"
#include "ui/figures/image_figure.h"
#include "ui/figures/overview_figure.h"
#include "ui/views/image_view.h"
#include "ui/views/matrix_view.h"
#include "ui/views/patch_locator.h"
#include "ui/views/overview_view.h"
#include "ui/views/renderer_view.h"

using namespace attnscope;
using namespace attnscope::ui;

namespace {

QString chelsea() { return QDir(QString::fromStdString((data_dir() / "samples").string())).filePath("images/chelsea.png"); }

bool runChelsea(Session& session, std::optional<ImageSize> size) {
  if (!test::openModel(session, test::builtinPath("vit-tiny"))) return false;
  session.runImage(chelsea(), size);
  return test::waitIdle(session) && session.document()->hasAnalysis();
}

}  // namespace

class ImageViewTest : public QObject {
  Q_OBJECT

 private slots:
  void flowIsSolvedForTheQueryRowOnly();
  void inputSizeRoundTripsThroughTheSidecar();
  void inputPanelShowsTokensAndWarnsOfSquashing();
  void launchSizeOption();
  void partsOutsideTheCentreCropAreDimmed();
  void overviewShowsEachHeadOverThePhoto();
  void zoomedClicksPickThePatchUnderTheCursor();
  void imageModelsShowImageThings();
  void outliersCanBeClippedByValueOrExcluded();
  void lowDpiExportsAreScaledNotCropped();
  void overviewFillsTheWindowAndFollowsTheMethod();
  void matrixHoverLocatesThePatches();
};

void ImageViewTest::flowIsSolvedForTheQueryRowOnly() {
  Session session;
  QVERIFY(runChelsea(session, ImageSize{64, 64}));  // 4 x 4 patches: all-pairs flow is cheap enough to compare with
  AnalysisDocument* d = session.document();
  QCOMPARE(d->seqLen(), 17);
  const AttentionMaps& att = d->analysis()->forward.attentions;
  const FlowResult all = attention_flow(att, FlowOptions{});

  d->setView(ViewKind::Image);
  d->setMethod(Method::Flow);
  QVERIFY(test::waitIdle(session));
  for (const int query : {0, 7}) {
    if (query) {
      d->setQuery(query);  // a clicked patch: its own row is solved
      QVERIFY(test::waitIdle(session));
    }
    const RowMatrix* flow = d->flow();
    QVERIFY2(flow, qPrintable(d->flowStatus()));
    QCOMPARE(flow->rows(), Eigen::Index(1));  // one row, not 17
    QCOMPARE(d->flowRows(d->state()), std::vector<int>{query});
    const RowMatrix shown = selected_weights(*d, d->state());
    QVERIFY((shown.row(query) - all.flow.row(query)).cwiseAbs().maxCoeff() < 1e-6);
    // The Image view draws that row over the patches.
    const auto r = image_figure(*d, d->state());
    QCOMPARE(r->patch_shade.size(), Eigen::Index(16));
    QVERIFY2(r->title.contains("flow"), qPrintable(r->title));
  }
  // The Matrix view needs every row: all pairs, equal to core's.
  d->setView(ViewKind::Matrix);
  QVERIFY(test::waitIdle(session));
  QVERIFY(d->flow());
  QCOMPARE(d->flow()->rows(), Eigen::Index(17));
  QVERIFY((*d->flow() - all.flow).cwiseAbs().maxCoeff() < 1e-6);
}

void ImageViewTest::inputSizeRoundTripsThroughTheSidecar() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString figure = dir.filePath("wide.png");
  {
    Session session;
    QVERIFY(runChelsea(session, ImageSize{96, 48}));
    const ImageTransform& t = session.document()->analysis()->geometry.transform;
    QCOMPARE(t.input_width, 96);
    QCOMPARE(t.input_height, 48);
    FigureExportOptions o;
    o.path = figure;
    o.view = ViewKind::Image;
    o.overwrite = true;
    QCOMPARE(session.exports()->exportFigure(o), QString());
  }
  const Sidecar s = read_sidecar(sidecar_path(figure));
  QVERIFY(s.image_size.has_value());
  QCOMPARE(s.image_size->width, 96);
  QCOMPARE(s.image_size->height, 48);

  // Restoring re-runs at that size, and the Input panel shows it.
  Session session;
  MainWindow window(&session);
  QSignalSpy done(&session, &Session::runFinished);
  session.openSidecar(sidecar_path(figure));
  QVERIFY(done.wait(60000));
  QVERIFY(test::waitIdle(session));
  const ImageTransform& t = session.document()->analysis()->geometry.transform;
  QCOMPARE(t.input_width, 96);
  QCOMPARE(t.input_height, 48);
  QCOMPARE(session.document()->seqLen(), 6 * 3 + 1);
  auto* panel = window.findChild<InputPanel*>();
  QVERIFY(panel);
  const auto size = panel->imageSize();
  QVERIFY(size.has_value());
  QCOMPARE(size->width, 96);

  // A run at the model's own size records none, and restores at the model's size.
  const QString plain = dir.filePath("plain.png");
  {
    Session other;
    QVERIFY(runChelsea(other, std::nullopt));
    FigureExportOptions o;
    o.path = plain;
    o.view = ViewKind::Image;
    QCOMPARE(other.exports()->exportFigure(o), QString());
  }
  QVERIFY(!read_sidecar(sidecar_path(plain)).image_size.has_value());
  session.openSidecar(sidecar_path(plain));
  QVERIFY(done.wait(60000));
  QVERIFY(test::waitIdle(session));
  QCOMPARE(session.document()->seqLen(), 197);
  QVERIFY(!panel->imageSize().has_value());
}

void ImageViewTest::inputPanelShowsTokensAndWarnsOfSquashing() {
  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("vit-tiny")));
  InputPanel panel(session.document());
  QVERIFY(panel.setImage(chelsea()));
  auto* info = panel.findChild<QLabel*>("imageSizeInfo");
  auto* box = panel.findChild<QComboBox*>("imageSizeBox");
  QVERIFY(info && box);
  QVERIFY2(info->text().contains("224×224") && info->text().contains("197 tokens"), qPrintable(info->text()));
  box->setEditText("480");
  QVERIFY2(info->text().contains("30×30 patches") && info->text().contains("901 tokens"), qPrintable(info->text()));
  QCOMPARE(panel.imageSize()->height, 480);
  box->setEditText("896 × 224");  // chelsea is 451 × 300: 4.0 against 1.5, squashed 2.7×
  QVERIFY2(info->text().contains("squashes") && info->text().contains("2.7"), qPrintable(info->text()));
  box->setEditText("12x");
  QString why;
  QVERIFY(!panel.imageSize(&why).has_value());
  QVERIFY2(why.contains("WIDTHxHEIGHT"), qPrintable(why));
  QVERIFY(info->text().contains("WIDTHxHEIGHT"));
  box->setCurrentIndex(0);
  QVERIFY(!panel.imageSize().has_value());
}

void ImageViewTest::launchSizeOption() {
  LaunchParse p = parse_launch_options({"attnscope", "--image", "x.png", "--size", "640x480"});
  QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
  QCOMPARE(p.options.image_size->width, 640);
  p = parse_launch_options({"attnscope", "--image", "x.png", "--size", "448"});
  QCOMPARE(p.options.image_size->height, 448);
  QVERIFY(parse_launch_options({"attnscope", "--image", "x.png", "--size", "0x3"}).error.contains("--size"));
  QVERIFY(parse_launch_options({"attnscope", "--text", "hi", "--size", "448"}).error.contains("--size needs --image"));
}

void ImageViewTest::partsOutsideTheCentreCropAreDimmed() {
  ATTNSCOPE_QREQUIRE_SHARED();
  QTemporaryDir dir;
  // 3:1, as a panorama: DeiT resizes to 768 x 256 and crops 224 x 224, (224 / 768) * (224 / 256) = 26% of it.
  const QString wide = dir.filePath("wide.png");
  QImage photo(900, 300, QImage::Format_RGB888);
  photo.fill(QColor(200, 180, 160));
  QVERIFY(photo.save(wide));
  Session session;
  QVERIFY(test::openModel(session, test::sharedPath("models/deit-random")));
  session.runImage(wide);
  QVERIFY(test::waitIdle(session));
  AnalysisDocument* d = session.document();
  QVERIFY(d->hasAnalysis());
  ViewState s = d->state();
  s.overlay_opacity = 0;  // the photo alone, to read its pixels back
  auto r = image_figure(*d, s);
  QVERIFY2(r->caption.contains("centre crop (26% of the photo)"), qPrintable(r->caption));
  const QSize size = r->naturalSize().toSize();
  QImage out(size, QImage::Format_RGB32);
  out.fill(Qt::white);
  {
    QPainter p(&out);
    r->paint(p, QRectF(QPointF(0, 0), size));
  }
  const QRectF pr = r->photoRect(QRectF(QPointF(0, 0), size));
  const QColor outside = out.pixelColor(QPointF(pr.left() + pr.width() * 0.1, pr.center().y()).toPoint());
  const QColor inside = out.pixelColor(pr.center().toPoint());
  QVERIFY2(std::abs(inside.red() - 200) <= 2, qPrintable(QString::number(inside.red())));
  QVERIFY2(outside.red() < 120, qPrintable(QString::number(outside.red())));  // dimmed
  // Without a crop (the ViT resizes the whole photo) nothing is dimmed and nothing said.
  Session vit;
  QVERIFY(runChelsea(vit, std::nullopt));
  QVERIFY(!image_figure(*vit.document(), vit.document()->state())->caption.contains("crop"));
}

void ImageViewTest::overviewShowsEachHeadOverThePhoto() {
  Session session;
  QVERIFY(runChelsea(session, std::nullopt));
  AnalysisDocument* d = session.document();
  ViewState s = d->state();
  auto r = overview_figure(*d, s);
  QCOMPARE(int(r->thumbnails.size()), 12 * 3);
  // chelsea is 451 x 300 and the ViT resizes all of it: cells in its aspect ratio, not square.
  QVERIFY(std::abs(r->cell_aspect - 451.0 / 300.0) < 0.01);
  QVERIFY(std::abs(double(r->thumbnails[0].width()) / r->thumbnails[0].height() - 451.0 / 300.0) < 0.02);
  QVERIFY2(r->title.contains("[CLS]") && r->caption.contains("each map to its max"), qPrintable(r->title + " | " + r->caption));
  // The photo shows through: with opacity 0 a thumbnail is the photo itself, scaled.
  s.overlay_opacity = 0;
  const QImage bare = overview_figure(*d, s)->thumbnails[5];
  const QImage photo = d->photo().scaled(bare.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation).convertToFormat(QImage::Format_RGB32);
  int worst = 0;
  for (int y = 0; y < bare.height(); y += 7)
    for (int x = 0; x < bare.width(); x += 7) worst = std::max(worst, std::abs(qGreen(bare.pixel(x, y)) - qGreen(photo.pixel(x, y))));
  QVERIFY2(worst <= 2, qPrintable(QString::number(worst)));
  // It follows the Scale box: one scale for every head gives another bar and other thumbnails.
  s.overlay_opacity = 1;
  const QImage own = overview_figure(*d, s)->thumbnails[5];
  s.normalization = Normalization::Global;
  auto g = overview_figure(*d, s);
  QVERIFY(g->bar && g->bar->upper < 1.0 && g->caption.contains("one scale for every map"));
  QVERIFY(g->thumbnails[5] != own);
  // Figures name the photo.
  QVERIFY(figure_title(*d, d->state(), ViewKind::Overview).contains("chelsea.png"));
  // ... and say "rollout" once (describe() names it; "raw" is added only for raw weights).
  ViewState ro = d->state();
  ro.method = Method::Rollout;
  QCOMPARE(figure_title(*d, ro, ViewKind::Image).count("rollout"), 1);
  QVERIFY(figure_title(*d, d->state(), ViewKind::Image).contains(display_name(Method::Raw)));
}

void ImageViewTest::zoomedClicksPickThePatchUnderTheCursor() {
  Session session;
  QVERIFY(runChelsea(session, std::nullopt));
  AnalysisDocument* d = session.document();
  ImageView view(d);
  view.resize(900, 700);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  RendererView* canvas = view.canvas();
  const auto* r = static_cast<const ImageOverlayRenderer*>(canvas->renderer());
  const QRectF pr = r->photoRect(canvas->rect());
  // Unzoomed: the patch under the point.
  const QPoint a = (pr.topLeft() + QPointF(pr.width() * 0.3, pr.height() * 0.6)).toPoint();
  const int expected_a = r->patchAt(canvas->rect(), a);  // before the click: it replaces the renderer
  QTest::mouseClick(canvas, Qt::LeftButton, {}, a);
  QVERIFY(expected_a >= 0);
  QCOMPARE(d->state().query, 1 + expected_a);
  // Zoomed 4x about the photo's centre: the same widget point now lies over another patch.
  canvas->zoomAt(pr.center(), 4.0);
  QCOMPARE(canvas->zoom(), 4.0);
  r = static_cast<const ImageOverlayRenderer*>(canvas->renderer());
  // The figure point under the cursor is a quarter as far from the zoom's anchor.
  const QPointF fig = canvas->toFigure(a);
  QVERIFY(std::abs(fig.x() - (pr.center().x() + (a.x() - pr.center().x()) / 4.0)) < 1e-6);
  const int expected_b = r->patchAt(canvas->rect(), fig);
  QVERIFY(expected_b >= 0 && expected_b != expected_a);
  QTest::mouseClick(canvas, Qt::LeftButton, {}, a);
  QCOMPARE(d->state().query, 1 + expected_b);
  // A drag pans instead of picking.
  const QPoint from = pr.center().toPoint();
  QTest::mousePress(canvas, Qt::LeftButton, {}, from);
  QMouseEvent move(QEvent::MouseMove, QPointF(from + QPoint(60, 0)), canvas->mapToGlobal(QPointF(from + QPoint(60, 0))), Qt::NoButton,
                   Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(canvas, &move);
  QVERIFY(canvas->panning());
  QTest::mouseRelease(canvas, Qt::LeftButton, {}, from + QPoint(60, 0));
  QCOMPARE(d->state().query, 1 + expected_b);  // unchanged
  QTest::mouseDClick(canvas, Qt::LeftButton, {}, from);
  QCOMPARE(canvas->zoom(), 1.0);
  // Hovering names the patch and its weight.
  r = static_cast<const ImageOverlayRenderer*>(canvas->renderer());
  const int patch = r->patchAt(canvas->rect(), a);
  QHelpEvent help(QEvent::ToolTip, a, canvas->mapToGlobal(a));
  QApplication::sendEvent(canvas, &help);
  const QString tip = QToolTip::text();
  const int row = patch / 14, col = patch % 14;
  QVERIFY2(tip.contains(QString("patch (%1, %2)").arg(row).arg(col)) && tip.contains(QString::number(r->patch_values(row, col), 'g', 4)),
           qPrintable(tip));
}

void ImageViewTest::imageModelsShowImageThings() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(test::openModel(session, test::sharedPath("models/deit-random")));
  session.runImage(chelsea());
  QVERIFY(test::waitIdle(session));
  AnalysisDocument* d = session.document();
  // The prefix tokens have no patch to click: the Query box picks them.
  ImageView view(d);
  auto* query = view.findChild<QComboBox*>("imageQueryCombo");
  QVERIFY(query);
  QCOMPARE(query->count(), 2);
  QCOMPARE(query->itemText(1), QString("[DIST]"));
  QVERIFY(query->isEnabled());
  query->activated(1);
  QCOMPARE(d->effectiveQuery(), 1);
  QVERIFY(image_figure(*d, d->state())->title.startsWith("[DIST]"));
  // No previous token among patches; distances in pixels.
  QVERIFY(!head_statistic_names(false, true).contains("previous_token"));
  QVERIFY(head_statistic_names(false, false).contains("previous_token"));
  QVERIFY(head_statistic_title("mean_distance", true).contains("pixels"));
  // The Input panel says when its photo is not the one the views show (not run yet, or refused).
  InputPanel panel(d);
  const QString coffee = QDir(QString::fromStdString((data_dir() / "samples").string())).filePath("images/coffee.png");
  QVERIFY(panel.setImage(coffee));
  QString all;
  for (auto* l : panel.findChildren<QLabel*>()) all += l->text() + "\n";
  QVERIFY2(all.contains("Not run yet") && all.contains("chelsea.png"), qPrintable(all));
  QVERIFY(panel.setImage(chelsea()));
  all.clear();
  for (auto* l : panel.findChildren<QLabel*>()) all += l->text() + "\n";
  QVERIFY2(!all.contains("Not run yet"), qPrintable(all));
}

void ImageViewTest::outliersCanBeClippedByValueOrExcluded() {
  Session session;
  QVERIFY(runChelsea(session, std::nullopt));
  AnalysisDocument* d = session.document();
  ViewState s = d->state();
  s.layer = 9;  // a layer where a corner patch takes a large share of the CLS row
  s.head = 0;
  const float* head = d->analysis()->forward.attentions.head_data(9, 0);
  RowMatrix row(14, 14);
  for (int p = 0; p < 196; ++p) row(p / 14, p % 14) = head[1 + p];
  Eigen::Index top_r, top_c;
  const float top = row.maxCoeff(&top_r, &top_c);
  const int top_patch = static_cast<int>(top_r * 14 + top_c);
  // Clipping the top 2% of the values: the colour range ends at their 98th percentile, so the 4 largest saturate.
  s.normalization = Normalization::ValuePercentile;
  auto r = image_figure(*d, s);
  const float t = value_percentile(row.data(), 196, 98);
  QVERIFY(t < top);
  QCOMPARE(r->bar->upper, double(t));
  QVERIFY2(r->bar->label.contains("values clipped"), qPrintable(r->bar->label));
  QCOMPARE(int((r->patch_shade.array() >= 1.0f).count()), 4);  // ceil of 2% of 196 (numpy's interpolation)
  // Excluding the top patch: it leaves the map, the rest sums to 1 and is shaded against its own max.
  s.normalization = Normalization::Row;
  s.excluded_patches = {top_patch};
  r = image_figure(*d, s);
  QCOMPARE(r->patch_values(top_r, top_c), 0.0f);
  QVERIFY(std::abs(r->patch_values.sum() - 1.0f) < 1e-5);
  const double rest = row.sum() - top;
  QVERIFY(std::abs(r->patch_values(0, 0) - (top_patch == 0 ? 0.0 : row(0, 0) / rest)) < 1e-6);
  QVERIFY2(r->caption.contains("1 patch excluded"), qPrintable(r->caption));
  QCOMPARE(r->excluded, std::vector<int>{top_patch});
  // The sidecar keeps the exclusions.
  QCOMPARE(view_state_from_json(to_json(s)).excluded_patches, QList<int>{top_patch});
}

void ImageViewTest::lowDpiExportsAreScaledNotCropped() {
  Session session;
  QVERIFY(runChelsea(session, std::nullopt));
  QTemporaryDir dir;
  // The rightmost and lowest ink (colour bar, caption) sit at the same place relative to the size at every DPI.
  auto extent = [](const QImage& img) {
    int right = 0, bottom = 0;
    for (int y = 0; y < img.height(); ++y)
      for (int x = 0; x < img.width(); ++x)
        if (qGray(img.pixel(x, y)) < 200) {
          right = std::max(right, x);
          bottom = std::max(bottom, y);
        }
    return QPointF(double(right) / img.width(), double(bottom) / img.height());
  };
  QPointF reference;
  for (const double dpi : {192.0, 60.0, 30.0}) {
    FigureExportOptions o;
    o.path = dir.filePath(QString("f%1.png").arg(dpi));
    o.view = ViewKind::Image;
    o.dpi = dpi;
    QCOMPARE(session.exports()->exportFigure(o), QString());
    const QPointF e = extent(QImage(o.path));
    if (dpi == 192.0) reference = e;
    QVERIFY2(std::abs(e.x() - reference.x()) < 0.05 && std::abs(e.y() - reference.y()) < 0.05,
             qPrintable(QString("%1 dpi: ink ends at %2, %3 of the figure; %4, %5 at 192 dpi").arg(dpi).arg(e.x()).arg(e.y()).arg(reference.x()).arg(reference.y())));
  }
}

namespace {

// "max 0.0123 at patch (3, 5) · ..." -> (3, 5)
QPoint tipPatch(const QString& tip) {
  const QRegularExpressionMatch m = QRegularExpression(R"(at patch \((\d+), (\d+)\))").match(tip);
  return m.hasMatch() ? QPoint(m.captured(2).toInt(), m.captured(1).toInt()) : QPoint(-1, -1);
}

QPoint argmaxPatch(const RowMatrix& m) {
  Eigen::Index r = 0, c = 0;
  m.maxCoeff(&r, &c);
  return QPoint(static_cast<int>(c), static_cast<int>(r));
}

}  // namespace

void ImageViewTest::overviewFillsTheWindowAndFollowsTheMethod() {
  Session session;
  QVERIFY(runChelsea(session, std::nullopt));
  AnalysisDocument* d = session.document();
  ViewState s = d->state();
  auto r = overview_figure(*d, s);
  QCOMPARE(r->layers, 12);
  QCOMPARE(r->heads, 3);
  // A wide window wraps the 12 layers into blocks side by side; a tall one keeps one column of rows.
  const QRectF wide(0, 0, 1400, 600), tall(0, 0, 600, 1400);
  QVERIFY(r->blocks(wide) > 1);
  QCOMPARE(r->blocks(tall), 1);
  for (const QRectF& area : {wide, tall}) {
    double covered = 0;
    for (int row = 0; row < r->layers; ++row)
      for (int h = 0; h < r->heads; ++h) {
        const QRectF cell = r->cellRect(area, row, h);
        QVERIFY(area.contains(cell));
        QCOMPARE(r->cellAt(area, cell.center()), std::make_pair(row, h));  // clicks find the cell drawn there
        covered += cell.width() * cell.height();
      }
    // The maps fill the window (unwrapped, the wide one would show a strip covering 10% of it).
    QVERIFY2(covered > 0.4 * area.width() * area.height(), qPrintable(QString::number(covered / (area.width() * area.height()))));
  }
  QImage page(wide.size().toSize(), QImage::Format_RGB32);
  {
    QPainter p(&page);
    r->paint(p, wide);
  }
  const QPoint last = r->cellRect(wide, 11, 2).center().toPoint();
  QVERIFY(page.pixel(last) != qRgb(255, 255, 255) && page.pixel(last) != qRgb(235, 235, 235));  // the last thumbnail is drawn

  // Rollout: one map per layer, the rollout after it; the last is the Image view's map, the first is layer 0's Â.
  s.method = Method::Rollout;
  r = overview_figure(*d, s);
  QCOMPARE(r->layers, 12);
  QCOMPARE(r->heads, 1);
  QCOMPARE(int(r->thumbnails.size()), 12);
  QVERIFY2(r->title.contains("Rollout after each layer"), qPrintable(r->title));
  const PatchGrid grid = patch_grid(*d->analysis());
  ViewState image = s;
  image.view = ViewKind::Image;
  QCOMPARE(tipPatch(r->tips.last()), argmaxPatch(image_figure(*d, image)->patch_values));
  const RowMatrix first = add_residual(fuse_heads(d->analysis()->forward.attentions, 0, FusionOptions{}), 0.5);
  QCOMPARE(tipPatch(r->tips.first()), argmaxPatch(patch_map(first, 0, grid)));
  QVERIFY(tipPatch(r->tips.first()) != tipPatch(r->tips.last()));  // the maps do differ along the stack
  QVERIFY(figure_title(*d, s, ViewKind::Overview).contains("rollout after each layer"));
  QCOMPARE(figure_stem(s, ViewKind::Overview), QString("overview_rollout"));  // not written over the heads' overview
  s.start_layer = 6;
  QCOMPARE(overview_figure(*d, s)->layers, 6);

  // Raw with a fusion of heads: the fusion is one more column, which the Image view shows.
  s = d->state();
  s.head_mode = HeadMode::Max;
  s.layer = 8;
  r = overview_figure(*d, s);
  QCOMPARE(r->heads, 4);
  QVERIFY2(r->head_labels.last().contains(display_name(HeadMode::Max)), qPrintable(r->head_labels.last()));
  image = s;
  image.view = ViewKind::Image;
  QCOMPARE(tipPatch(r->tips[8 * 4 + 3]), argmaxPatch(image_figure(*d, image)->patch_values));
  // Excluding the fused map's hottest patch moves every tip's maximum off it.
  const QPoint hot = tipPatch(r->tips[8 * 4 + 3]);
  s.excluded_patches = {hot.y() * grid.cols + hot.x()};
  QVERIFY(tipPatch(overview_figure(*d, s)->tips[8 * 4 + 3]) != hot);

  // Clicking: a head selects it alone; the fused column keeps the fusion and takes the layer.
  d->setState(s);
  OverviewView view(d);
  view.resize(1400, 600);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  const auto* shown = static_cast<const OverviewRenderer*>(view.renderer());
  QCOMPARE(shown->selected_head, 3);
  QTest::mouseClick(&view, Qt::LeftButton, {}, shown->cellRect(view.rect(), 2, 3).center().toPoint());
  QCOMPARE(d->state().layer, 2);
  QCOMPARE(d->state().head_mode, HeadMode::Max);
  shown = static_cast<const OverviewRenderer*>(view.renderer());
  QTest::mouseClick(&view, Qt::LeftButton, {}, shown->cellRect(view.rect(), 10, 1).center().toPoint());
  QCOMPARE(d->state().layer, 10);
  QCOMPARE(d->state().head, 1);
  QCOMPARE(d->state().head_mode, HeadMode::Single);
  // Hovering a cell names it and its largest weight.
  shown = static_cast<const OverviewRenderer*>(view.renderer());
  const QPoint at = shown->cellRect(view.rect(), 10, 1).center().toPoint();
  QHelpEvent help(QEvent::ToolTip, at, view.mapToGlobal(at));
  QApplication::sendEvent(&view, &help);
  QVERIFY2(QToolTip::text().contains("max ") && QToolTip::text().contains("at patch ("), qPrintable(QToolTip::text()));

  // Flow is one map through the stack: the grid keeps the raw heads and says so.
  s = d->state();
  s.method = Method::Flow;
  r = overview_figure(*d, s);
  QCOMPARE(r->heads, 3);
  QVERIFY2(r->caption.contains("flow"), qPrintable(r->caption));

  // At 1025 tokens (512 x 512) the rollout after each layer would cost 2.6e10 multiply-adds on the
  // UI thread: the grid keeps the raw heads and says why.
  {
    Session big;
    QVERIFY(runChelsea(big, ImageSize{512, 512}));
    ViewState bs = big.document()->state();
    bs.method = Method::Rollout;
    auto br = overview_figure(*big.document(), bs);
    QCOMPARE(br->heads, 3);
    QVERIFY2(br->caption.contains("not drawn at 1025 tokens"), qPrintable(br->caption));
  }
  // Text models follow the method too.
  Session text;
  QVERIFY(test::openModel(text, test::builtinPath("stories260K")));
  text.runText("Once upon a time there was a cat");
  QVERIFY(test::waitIdle(text));
  ViewState ts = text.document()->state();
  ts.method = Method::Rollout;
  r = overview_figure(*text.document(), ts);
  QCOMPARE(r->layers, text.document()->analysis()->forward.attentions.num_layers);
  QCOMPARE(r->heads, 1);
  QVERIFY(!r->thumbnails.back().isNull());
}

void ImageViewTest::matrixHoverLocatesThePatches() {
  Session session;
  QVERIFY(runChelsea(session, std::nullopt));
  AnalysisDocument* d = session.document();
  MatrixView view(d);
  view.resize(900, 800);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  PatchLocator* locator = view.patchLocator();
  QVERIFY(locator->hasPhoto());
  QVERIFY(!locator->isVisible());
  auto hover = [&](int query, int key) {
    const QPointF pos = view.cellCenter(query, key);
    QMouseEvent move(QEvent::MouseMove, pos, view.mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(&view, &move);
    return pos.toPoint();
  };
  // CLS row, key patch (3, 5): the key is outlined, the CLS query has no place.
  hover(0, 1 + 3 * 14 + 5);
  QVERIFY(locator->isVisible());
  QCOMPARE(locator->keyPatch(), 3 * 14 + 5);
  QCOMPARE(locator->queryPatch(), -1);
  // The outline is drawn around that patch of the picture: its left edge is the key colour.
  const QImage grab = locator->grab().toImage();
  const QRectF box = locator->patchRect(3 * 14 + 5);
  const QColor edge = grab.pixelColor(QPoint(qRound(box.left() - 1.5), qRound(box.center().y())));
  QVERIFY2(edge.red() > 200 && edge.green() < 120 && edge.blue() < 100, qPrintable(edge.name()));
  // The patch in the picture sits where the patch lies in the photo: same relative position.
  const RectF pr = d->analysis()->geometry.patch_rect(3, 5), pb = d->analysis()->geometry.patches_box();
  QVERIFY(std::abs((box.left() - 4) / (locator->width() - 8) - (pr.x - pb.x) / pb.width) < 0.01);
  // A patch query with a patch key: both marked.
  hover(1 + 2 * 14 + 2, 1 + 13 * 14 + 13);
  QCOMPARE(locator->queryPatch(), 2 * 14 + 2);
  QCOMPARE(locator->keyPatch(), 13 * 14 + 13);
  // The picture never covers the hovered cell: near its corner it moves to the other side.
  const QPoint corner = hover(196, 196);
  QVERIFY(locator->isVisible());
  QVERIFY(!locator->geometry().contains(corner));
  const QPoint middle = hover(98, 98);
  QVERIFY(!locator->geometry().contains(middle));
  // Leaving the matrix hides it.
  QEvent leave(QEvent::Leave);
  QApplication::sendEvent(&view, &leave);
  QVERIFY(!locator->isVisible());

  // A text model has no photo: no picture.
  Session text;
  QVERIFY(test::openModel(text, test::builtinPath("stories260K")));
  text.runText("Once upon a time");
  QVERIFY(test::waitIdle(text));
  MatrixView tv(text.document());
  tv.resize(600, 500);
  tv.show();
  QVERIFY(QTest::qWaitForWindowExposed(&tv));
  QVERIFY(!tv.patchLocator()->hasPhoto());
  const QPointF pos = tv.cellCenter(2, 0);
  QMouseEvent move(QEvent::MouseMove, pos, tv.mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(&tv, &move);
  QVERIFY(!tv.patchLocator()->isVisible());
}

QTEST_MAIN(ImageViewTest)
#include "ui_image_view_test.moc"
