// Figures read back: PNG size and DPI, SVG text, PDF colours through pdftoppm, sidecar round trip,
// batch export.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSvgRenderer>

#include "core/io/safetensors.h"
#include "tests/ui/ui_test_support.h"
#include "ui/app/main_window.h"
#include "ui/export/batch_export.h"
#include "ui/export/figure_writer.h"
#include "ui/export/figures.h"
#include "ui/export/provenance.h"
#include "ui/render/axis_labels.h"
#include "ui/render/matrix_renderer.h"
#include "ui/views/matrix_view.h"

using namespace attnscope;
using namespace attnscope::ui;

class ExportTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void pngSizeIsDpiTimesInches();
  void svgParsesAndHoldsTheTokenLabelsAsText();
  void pdfCellsHaveTheColoursTheWindowShows();
  void sidecarRestoresTheSameView();
  void batchExportWritesEveryHeadAndCanBeCancelled();
  void refusesToOverwriteUnlessAsked();

 private:
  bool runStories(Session& session);
  QString dir_;
};

void ExportTest::initTestCase() { dir_ = QString::fromStdString(test::scratch_dir("export").string()); }

bool ExportTest::runStories(Session& session) {
  if (!test::openModel(session, test::builtinPath("stories260K"))) return false;
  session.runText("The animal didn't cross the street because it was too tired.");
  if (!test::waitIdle(session) || !session.document()->hasAnalysis()) return false;
  ViewState s = session.document()->state();
  s.layer = 2;
  s.head = 3;
  session.document()->setState(s);
  return true;
}

void ExportTest::pngSizeIsDpiTimesInches() {
  Session session;
  QVERIFY(runStories(session));
  for (ViewKind view : {ViewKind::Matrix, ViewKind::Lines, ViewKind::Text, ViewKind::Overview, ViewKind::Heads}) {
    FigureRequest req;
    req.view = view;
    req.state = session.document()->state();
    auto figure = make_figure(*session.document(), req);
    FigureFileOptions o;
    o.size_inches = QSizeF(5.0, 3.5);
    o.dpi = 150;
    const QString path = QDir(dir_).filePath(QString("size_%1.png").arg(to_string(view)));
    write_figure(*figure, path, o);
    const QImage img(path);
    QCOMPARE(img.size(), QSize(750, 525));  // 5 in x 150 dpi, 3.5 in x 150 dpi
    QCOMPARE(img.dotsPerMeterX(), qRound(150 / 0.0254));
    // Not blank: the figure drew something besides the white background.
    int dark = 0;
    for (int y = 0; y < img.height(); y += 5)
      for (int x = 0; x < img.width(); x += 5) dark += qGray(img.pixel(x, y)) < 128;
    QVERIFY2(dark > 20, qPrintable(to_string(view)));
  }
}

void ExportTest::svgParsesAndHoldsTheTokenLabelsAsText() {
  Session session;
  QVERIFY(runStories(session));
  for (ViewKind view : {ViewKind::Matrix, ViewKind::Lines, ViewKind::Text}) {
    FigureRequest req;
    req.view = view;
    req.state = session.document()->state();
    const QString path = QDir(dir_).filePath(QString("text_%1.svg").arg(to_string(view)));
    write_figure(*make_figure(*session.document(), req), path, {});
    QSvgRenderer svg(path);
    QVERIFY2(svg.isValid(), qPrintable(path));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString xml = QString::fromUtf8(f.readAll());
    // All <text> contents in document order.
    QString texts;
    const QRegularExpression element("<text[^>]*>([^<]*)</text>");
    for (auto it = element.globalMatch(xml); it.hasNext();) texts += it.next().captured(1);
    if (view == ViewKind::Text) {
      // The sentence, drawn as runs of text split where the token shading changes.
      QVERIFY2(texts.contains("The animal didn&apos;t cross the street because it was too tired.") ||
                   texts.contains("The animal didn't cross the street because it was too tired."),
               qPrintable(texts.left(300)));
    } else {
      // Token labels as text elements: all of them in the Lines view, the first and the last in
      // the Matrix (whose labels are thinned to what fits). "street" is "␣st" + "re" + "et" here.
      const QStringList labels = session.document()->tokenLabels();
      QStringList want;
      if (view == ViewKind::Lines) want = labels;
      else want = {labels.first(), labels.last()};
      for (const QString& label : want) {
        const QString shown = token_label(label).toHtmlEscaped();
        QVERIFY2(xml.contains(">" + shown + "</text>"), qPrintable(shown));
      }
      QVERIFY(xml.contains(QString::fromUtf8(">\u2423st</text>")));
    }
    QVERIFY(xml.count("<text") >= 20);
  }
}

void ExportTest::pdfCellsHaveTheColoursTheWindowShows() {
  const QString pdftoppm = QStandardPaths::findExecutable("pdftoppm");
  if (pdftoppm.isEmpty()) {
    if (test::shared_required()) QFAIL("pdftoppm missing (poppler-utils)");
    QSKIP("pdftoppm not installed");
  }
  Session session;
  QVERIFY(runStories(session));
  AnalysisDocument* doc = session.document();

  // The window's rendering of the matrix at 800 x 700 ...
  MatrixView view(doc);
  view.resize(800, 700);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  const QImage screen = view.grab().toImage();
  // ... and the PDF of the same figure, 800 x 700 px = 8.333 x 7.292 in, rasterised at 96 dpi.
  FigureRequest req;
  req.view = ViewKind::Matrix;
  req.state = doc->state();
  req.title = false;
  auto figure = make_figure(*doc, req);
  FigureFileOptions o;
  o.size_inches = QSizeF(800 / 96.0, 700 / 96.0);
  const QString pdf = QDir(dir_).filePath("cells.pdf");
  write_figure(*figure, pdf, o);
  QProcess p;
  p.start(pdftoppm, {"-r", "96", "-png", "-singlefile", pdf, QDir(dir_).filePath("cells")});
  QVERIFY(p.waitForFinished(60000));
  QCOMPARE(p.exitCode(), 0);
  const QImage raster(QDir(dir_).filePath("cells.png"));
  QCOMPARE(raster.size(), QSize(800, 700));

  const auto* drawn = dynamic_cast<const MatrixRenderer*>(figure.get());
  QVERIFY(drawn);
  const RowMatrix w = doc->analysis()->forward.attentions.head(2, 3);
  const ColorMap cmap(doc->state().color_map);
  int compared = 0;
  for (auto [q, k] : {std::pair{0, 0}, {3, 2}, {10, 9}, {20, 17}, {33, 33}, {30, 29}, {33, 5}}) {
    const QPoint on_screen = view.cellCenter(q, k).toPoint();
    const QPoint in_pdf = drawn->cellCenter(QRectF(0, 0, 800, 700), q, k).toPoint();
    QCOMPARE(in_pdf, on_screen);  // the same layout
    const QRgb want = screen.pixel(on_screen), got = raster.pixel(in_pdf);
    QCOMPARE(want & 0xffffff, cmap.rgb(w(q, k)) & 0xffffff);
    const int diff = std::abs(qRed(want) - qRed(got)) + std::abs(qGreen(want) - qGreen(got)) + std::abs(qBlue(want) - qBlue(got));
    QVERIFY2(diff <= 3, qPrintable(QString("cell (%1,%2): screen %3, pdf %4").arg(q).arg(k).arg(want, 0, 16).arg(got, 0, 16)));
    ++compared;
  }
  QCOMPARE(compared, 7);
}

void ExportTest::sidecarRestoresTheSameView() {
  QString figure_path;
  ViewState saved;
  std::string text;
  QRectF zoom(4.5, 2.5, 10.0, 8.0);
  {
    Session session;
    QVERIFY(runStories(session));
    AnalysisDocument* doc = session.document();
    ViewState s = doc->state();
    s.layer = 4;
    s.head = 6;
    s.normalization = Normalization::Log;
    s.color_map = ColorMapId::Magma;
    s.hide_special = true;
    s.view = ViewKind::Matrix;
    doc->setState(s);
    doc->setMatrixZoom(zoom);
    saved = doc->state();
    text = doc->analysis()->text;
    FigureExportOptions o;
    o.path = figure_path = QDir(dir_).filePath("restore.pdf");
    o.view = ViewKind::Matrix;
    o.overwrite = true;
    QCOMPARE(session.exports()->exportFigure(o), QString());
  }
  QVERIFY(QFile::exists(sidecar_path(figure_path)));
  Session session;
  MainWindow window(&session);
  QSignalSpy done(&session, &Session::runFinished);
  session.openSidecar(sidecar_path(figure_path));
  QVERIFY(done.wait(60000));
  AnalysisDocument* doc = session.document();
  QVERIFY(doc->hasAnalysis());
  QCOMPARE(doc->analysis()->text, text);
  QCOMPARE(QFileInfo(doc->modelDir()).canonicalFilePath(), QFileInfo(test::builtinPath("stories260K")).canonicalFilePath());
  QCOMPARE(doc->state(), saved);
  QVERIFY(doc->matrixZoom().has_value());
  QCOMPARE(*doc->matrixZoom(), zoom);
  // A malformed sidecar is refused with a message, and nothing changes.
  const QString bad = QDir(dir_).filePath("bad.attnscope.json");
  QFile f(bad);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(R"({"attnscope": {}, "model": {"folder": "/nope"}, "input": {"text": "x"}, "view": {"layer": -4}})");
  f.close();
  QSignalSpy msg(&session, &Session::message);
  session.openSidecar(bad);
  QCOMPARE(msg.count(), 1);
  QVERIFY2(msg.first().at(0).toString().contains("view.layer"), qPrintable(msg.first().at(0).toString()));
  QCOMPARE(doc->state(), saved);
}

void ExportTest::batchExportWritesEveryHeadAndCanBeCancelled() {
  Session session;
  QVERIFY(runStories(session));
  const QString folder = QDir(dir_).filePath("batch");
  QDir().mkpath(folder);
  BatchExporter* batch = session.exports()->startBatch(BatchScope::LayerHeads, ViewKind::Matrix, folder, FigureFormat::Png, 72, true, true, true);
  QSignalSpy finished(batch, &BatchExporter::finished);
  QVERIFY(finished.wait(120000));
  QCOMPARE(finished.first().at(1).toString(), QString());
  const QStringList written = finished.first().at(0).toStringList();
  QCOMPARE(written.size(), 9);  // 8 heads of layer 2 + the overview
  QVERIFY(written.contains(QDir(folder).filePath("matrix_L02_H07.png")));
  QVERIFY(written.contains(QDir(folder).filePath("overview.png")));
  for (const QString& file : written) {
    QVERIFY(QImage(file).width() > 100);
    QVERIFY(QFile::exists(sidecar_path(file)));
  }
  // Every layer x head, cancelled after the first figures: it stops and says so.
  BatchExporter* all = session.exports()->startBatch(BatchScope::AllHeads, ViewKind::Matrix, folder, FigureFormat::Png, 72, false, false, true);
  QSignalSpy progress(all, &BatchExporter::progress);
  QSignalSpy stopped(all, &BatchExporter::finished);
  QVERIFY(progress.wait(60000));
  all->cancel();
  QVERIFY(stopped.wait(60000));
  QCOMPARE(stopped.first().at(1).toString(), QString("cancelled"));
  QVERIFY(stopped.first().at(0).toStringList().size() < 40);
}

void ExportTest::refusesToOverwriteUnlessAsked() {
  Session session;
  QVERIFY(runStories(session));
  FigureExportOptions o;
  o.path = QDir(dir_).filePath("once.svg");
  o.view = ViewKind::Lines;
  QFile::remove(o.path);
  QFile::remove(sidecar_path(o.path));
  QCOMPARE(session.exports()->exportFigure(o), QString());
  const QString again = session.exports()->exportFigure(o);
  QVERIFY2(again.contains("already exists"), qPrintable(again));
  o.overwrite = true;
  QCOMPARE(session.exports()->exportFigure(o), QString());
}

QTEST_MAIN(ExportTest)
#include "ui_export_test.moc"
