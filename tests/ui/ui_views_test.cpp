// The views as a researcher reads them (views issue): long inputs scroll, tooltips give the
// numbers, masked positions are not weights.
#include <QScrollBar>
#include <QToolTip>

#include "core/common/error.h"
#include "tests/ui/synthetic_analysis.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/analysis_document.h"
#include "ui/document/display_map.h"
#include "ui/render/text_renderer.h"
#include "ui/views/renderer_view.h"
#include "ui/views/text_view.h"
#include "ui/views/lines_view.h"
#include "ui/views/heads_view.h"
#include "ui/views/matrix_view.h"
#include "ui/render/heads_renderer.h"
#include "ui/export/figures.h"
#include "ui/export/figure_writer.h"
#include "ui/render/text_renderer.h"
#include "ui/export/export_controller.h"
#include "ui/app/main_window.h"
#include "ui/panels/input_panel.h"
#include "ui/document/map_builder.h"
#include "ui/export/map_tsv.h"
#include "core/analysis/value_norm.h"
#include "core/pipeline/derived_maps.h"
#include "core/pipeline/head_ablation.h"
#include "core/io/safetensors.h"
#include "ui/figures/heads_figure.h"
#include "ui/figures/overview_figure.h"
#include "ui/render/overview_renderer.h"
#include "ui/figures/matrix_figure.h"
#include "ui/render/matrix_renderer.h"
#include "ui/figures/text_figure.h"
#include "ui/render/lens_renderer.h"
#include "ui/views/lens_view.h"
#include "ui/views/overview_view.h"

#include <QDir>
#include <QTemporaryDir>

#include <QCheckBox>
#include "ui/render/lines_renderer.h"

#include <QComboBox>
#include <QSpinBox>

using namespace attnscope;
using namespace attnscope::ui;

class ViewsTest : public QObject {
  Q_OBJECT

 private slots:
  void textViewScrollsToTheQueryAndTellsTheWeight();
  void linesViewOverlaysDistinctHeadsAndFiltersLines();
  void headsViewKeepsAStatisticsOwnRange();
  void sentencePairSurvivesASidecarAndFiltersSegments();
  void flowInProgressShowsTheRawMapWithANote();
  void matrixCopiesTsvAndFindsTokens();
  void wordsMergeTheirPiecesInEveryView();
  void valueNormsAreAMethodOfEveryView();
  void headsViewShowsEachHeadsAblationEffect();
  void contributionsAndNormRolloutAreMethodsOfEveryView();
  void lensViewShowsWhatEachLayerWouldPredict();
  void normRolloutOfALongInputIsComputedOffTheUiThread();
  void firstTokenExcludedAsASinkWithItsMassBeside();
  void singleColumnFiguresDrawNothingOutsideThePage_data();
  void singleColumnFiguresDrawNothingOutsideThePage();
};

namespace {
// The pixel of `widget` at `pos` as drawn.
QRgb pixel_of(QWidget* widget, QPoint pos) { return widget->grab(QRect(pos, QSize(1, 1))).toImage().pixel(0, 0) & 0xffffff; }
}  // namespace

void ViewsTest::textViewScrollsToTheQueryAndTellsTheWeight() {
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_text_analysis(1, 1, 1500, true));
  TextView view(&doc);
  view.resize(640, 320);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QTRY_VERIFY(view.renderer() && view.renderer()->query == 1499);  // the default query: the last token

  // The text is taller than the view: it scrolls, and the last token is in sight.
  QScrollBar* bar = view.verticalScrollBar();
  QVERIFY2(bar->maximum() > 0, "1,500 words fit in 320 px?");
  QVERIFY(bar->value() > 0);
  const QRectF q = view.queryRect();
  QVERIFY(!q.isEmpty());
  const QRect shown(view.canvas()->mapFrom(view.viewport(), QPoint(0, 0)), view.viewport()->size());
  QVERIFY2(shown.contains(q.center().toPoint()), qPrintable(QString("query at y %1, view shows %2-%3").arg(q.center().y()).arg(shown.top()).arg(shown.bottom())));

  // Hovering a token gives its weight from the query, as the document holds it.
  const QRectF k = view.renderer()->tokenRect(view.canvas()->rect(), 1490);
  QVERIFY(!k.isEmpty());
  QHelpEvent help(QEvent::ToolTip, k.center().toPoint(), view.canvas()->mapToGlobal(k.center().toPoint()));
  QApplication::sendEvent(view.canvas(), &help);
  QTRY_VERIFY(QToolTip::isVisible());
  const double w = doc.analysis()->forward.attentions.head(0, 0)(1499, 1490);
  QVERIFY2(QToolTip::text().contains(QString::number(w, 'g', 4)), qPrintable(QToolTip::text()));
  QToolTip::hideText();

  // Scroll to the top and pick token 3: the later tokens are masked (grey), the earlier ones not.
  bar->setValue(0);
  doc.setQuery(3);
  QTRY_COMPARE(view.renderer()->query, 3);
  const QRectF later = view.renderer()->tokenRect(view.canvas()->rect(), 8);
  const QRectF earlier = view.renderer()->tokenRect(view.canvas()->rect(), 1);
  const QPoint corner_later = later.topLeft().toPoint() + QPoint(1, 1), corner_earlier = earlier.topLeft().toPoint() + QPoint(1, 1);
  QCOMPARE(pixel_of(view.canvas(), corner_later), kMaskedColor.rgb() & 0xffffff);
  QVERIFY(pixel_of(view.canvas(), corner_earlier) != (kMaskedColor.rgb() & 0xffffff));
  QVERIFY(view.renderer()->isMasked(8) && !view.renderer()->isMasked(1));
}

void ViewsTest::linesViewOverlaysDistinctHeadsAndFiltersLines() {
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_text_analysis(3, 6, 12, true));
  LinesView view(&doc);
  view.resize(900, 600);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QTRY_VERIFY(view.renderer() && view.renderer()->heads.size() == 1);
  // Compact, as BertViz draws it and as the file has it: not stretched to the window.
  QVERIFY(view.canvas()->width() < 600);

  // Clicking heads 5 and 3 in the strip overlays them with head 0, each in its own hue.
  for (int h : {5, 3}) {
    const QPoint at = view.renderer()->stripCell(view.canvas()->rect(), h).center().toPoint();
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, at);
  }
  QCOMPARE(doc.state().head_mode, HeadMode::Subset);
  QCOMPARE(doc.state().subset, (QList<int>{0, 3, 5}));  // the document keeps heads in order
  QTRY_COMPARE(view.renderer()->heads.size(), size_t(3));
  for (size_t a = 0; a < 3; ++a)
    for (size_t b = a + 1; b < 3; ++b) {
      const QColor ca = view.renderer()->heads[a].color, cb = view.renderer()->heads[b].color;
      QVERIFY2(std::abs(ca.hslHue() - cb.hslHue()) > 25 || std::abs(ca.lightness() - cb.lightness()) > 60,
               qPrintable(QString("%1 vs %2").arg(ca.name(), cb.name())));
    }

  // The strongest two per query: each row of each head draws exactly its two largest weights
  // (the synthetic rows have no ties).
  view.findChild<QSpinBox*>("linesTopK")->setValue(2);
  QCOMPARE(doc.state().lines_top_k, 2);
  QTRY_VERIFY(!view.renderer()->filter.isEmpty() && view.renderer()->heads.size() == 3 && !view.renderer()->heads[0].row_cut.empty());
  QTRY_VERIFY(view.renderer()->heads[0].row_cut[11] > 0.003f);
  const RowMatrix head5 = doc.analysis()->forward.attentions.head(doc.state().layer, 5);
  for (const auto& h : view.renderer()->heads) {
    const RowMatrix w = doc.analysis()->forward.attentions.head(doc.state().layer, h.head);
    for (int i = 0; i < 12; ++i) {
      int drawn = 0;
      for (int j = 0; j < 12; ++j) drawn += w(i, j) >= h.row_cut[static_cast<size_t>(i)] && w(i, j) > 0;
      QCOMPARE(drawn, std::min(i + 1, 2));  // causal: row i has i + 1 keys
      QCOMPARE(h.weights(i, 0), w(i, 0));
    }
  }
  QCOMPARE(view.renderer()->heads[2].head, 5);
  QVERIFY(view.renderer()->heads[2].weights.isApprox(head5));

  // The layer selector in the view moves the document's layer; clicking a shown head takes it out.
  auto* layer = view.findChild<QComboBox*>("linesLayer");
  QCOMPARE(layer->count(), 3);
  layer->setCurrentIndex(2);
  emit layer->activated(2);
  QCOMPARE(doc.state().layer, 2);
  QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, view.renderer()->stripCell(view.canvas()->rect(), 5).center().toPoint());
  QCOMPARE(doc.state().subset, (QList<int>{0, 3}));
}

void ViewsTest::headsViewKeepsAStatisticsOwnRange() {
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_text_analysis(3, 4, 40, true));
  ViewState s = doc.state();
  s.statistic = "previous_token";
  s.layer = 1;
  s.head = 2;
  doc.setState(s);
  HeadsView view(&doc);
  view.resize(900, 600);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QTRY_VERIFY(view.renderer() && view.renderer()->values.size() == 12);
  const auto& values = view.renderer()->values;
  // Random maps score low on previous-token: a fixed 0-1 scale keeps them dark, where the old
  // auto range made the highest of them bright yellow.
  QVERIFY(values.maxCoeff() < 0.5);
  QCOMPARE(view.renderer()->range(), (std::pair{0.0, 1.0}));
  // Entropy's own range is 0 to log(tokens).
  s.statistic = "entropy";
  doc.setState(s);
  QTRY_COMPARE(view.renderer()->range().second, std::log(40.0));
  // Auto: the values' min to max.
  auto* box = view.findChild<QCheckBox*>("headsAutoRange");
  QVERIFY(box && !box->isChecked());
  box->setChecked(true);
  QVERIFY(doc.state().heads_auto_range);
  QTRY_COMPARE(view.renderer()->range().first, view.renderer()->values.minCoeff());
  QCOMPARE(view.renderer()->range().second, view.renderer()->values.maxCoeff());
  // The window outlines the selected head; the exported figure does not, and its title names the statistic.
  QCOMPARE(view.renderer()->selected_row, 1);
  auto figure = make_figure(doc, {ViewKind::Heads, doc.state(), true, std::nullopt});
  auto* heads = dynamic_cast<HeadsRenderer*>(figure.get());
  QVERIFY(heads);
  QCOMPARE(heads->selected_row, -1);
  QVERIFY2(heads->title.contains("entropy"), qPrintable(heads->title));
}

void ViewsTest::sentencePairSurvivesASidecarAndFiltersSegments() {
  ATTNSCOPE_QREQUIRE_SHARED();
  const QString a = "the cat sat on the mat", b = "where did the cat sit";
  QTemporaryDir dir;
  const QString figure = QDir(dir.path()).filePath("pair.png");
  {
    Session session;
    QVERIFY(test::openModel(session, test::sharedPath("models/bert-random")));
    QSignalSpy done(session.document(), &AnalysisDocument::analysisChanged);
    session.runText(a, b);
    QVERIFY(done.wait(30000) && test::waitIdle(session));
    FigureExportOptions o;
    o.path = figure;
    o.view = ViewKind::Matrix;
    QCOMPARE(session.exports()->exportFigure(o), QString());
  }
  Session session;
  MainWindow window(&session);
  window.show();
  QSignalSpy finished(&session, &Session::runFinished);
  session.openSidecar(figure + ".attnscope.json");
  QVERIFY(finished.wait(60000));
  QCOMPARE(QString::fromStdString(session.document()->analysis()->text_pair), b);
  // The input panel holds segment B again, so the next run keeps the pair (it used to drop it).
  QCOMPARE(window.inputPanel()->textPair(), b);
  QSignalSpy again(session.document(), &AnalysisDocument::analysisChanged);
  emit window.inputPanel()->runRequested();
  QVERIFY(again.wait(30000) && test::waitIdle(session));
  QCOMPARE(QString::fromStdString(session.document()->analysis()->text_pair), b);

  // Segments: B is marked where it starts, and A -> B greys every pair but A's queries on B's keys.
  AnalysisDocument* doc = session.document();
  const std::vector<int> seg = token_segments(*doc->analysis());
  QCOMPARE(seg.size(), size_t(doc->seqLen()));
  QCOMPARE(seg.front(), 0);  // [CLS]
  QCOMPARE(seg.back(), 1);   // the last [SEP]
  const int first_b = static_cast<int>(std::find(seg.begin(), seg.end(), 1) - seg.begin());
  QCOMPARE(build_display_map(*doc).segment_start, first_b);
  ViewState s = doc->state();
  s.segments = SegmentFilter::AtoB;
  doc->setState(s);
  const DisplayMap m = build_display_map(*doc);
  for (int r = 0; r < doc->seqLen(); ++r)
    for (int c = 0; c < doc->seqLen(); ++c)
      QCOMPARE(m.masked(r, c), !(seg[static_cast<size_t>(r)] == 0 && seg[static_cast<size_t>(c)] == 1));
  QCOMPARE(view_state_from_json(to_json(doc->state())).segments, SegmentFilter::AtoB);  // kept in sidecars
}

void ViewsTest::flowInProgressShowsTheRawMapWithANote() {
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_text_analysis(3, 2, 24, true));
  MatrixView matrix(&doc);
  LinesView lines(&doc);
  matrix.resize(700, 600);
  matrix.show();
  lines.show();
  QVERIFY(QTest::qWaitForWindowExposed(&matrix));
  ViewState s = doc.state();
  s.layer = 1;
  s.head_mode = HeadMode::Mean;
  s.method = Method::Flow;
  doc.setState(s);
  doc.setFlowStatus("Computing attention flow", doc.flowKey());
  // No flow yet: the raw mean of layer 1's heads, with a note, not a blank view.
  QTRY_VERIFY(!matrix.displayMap().empty());
  QVERIFY(matrix.displayMap().pending.contains("Computing attention flow"));
  const RowMatrix mean = (doc.analysis()->forward.attentions.head(1, 0) + doc.analysis()->forward.attentions.head(1, 1)) / 2;
  QVERIFY(matrix.displayMap().values.isApprox(mean, 1e-6f));
  QTRY_VERIFY(lines.renderer() && lines.renderer()->pending.contains("Computing attention flow"));
  // The note is drawn: the banner's pale yellow at the top centre of the cells.
  const QImage shot = matrix.grab().toImage();
  const QPointF top = (matrix.cellCenter(0, 0) + matrix.cellCenter(0, 23)) / 2 + QPointF(0, 14);
  QCOMPARE(QColor(shot.pixel(top.toPoint())).name(), QColor(255, 244, 200).name());
  // Cancelled: still the raw map, and the note says so.
  doc.setFlowStatus("Attention flow was cancelled.", doc.flowKey());
  QTRY_VERIFY(matrix.displayMap().pending.contains("cancelled"));
  QVERIFY(matrix.displayMap().values.isApprox(mean, 1e-6f));
  // An export never carries a stand-in: there is no flow to draw yet.
  bool refused = false;
  try {
    make_figure(doc, FigureRequest{ViewKind::Matrix, doc.state(), true, std::nullopt});
  } catch (const attnscope::Error&) {
    refused = true;
  }
  QVERIFY(refused);
}

void ViewsTest::matrixCopiesTsvAndFindsTokens() {
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_text_analysis(1, 1, 300, true));
  MatrixView matrix(&doc);
  matrix.resize(700, 600);
  matrix.show();
  QVERIFY(QTest::qWaitForWindowExposed(&matrix));
  QTRY_VERIFY(!matrix.displayMap().empty());
  const RowMatrix w = doc.analysis()->forward.attentions.head(0, 0);
  // The whole matrix: a header of keys and one line per query; masked (causal) cells are empty, not 0.
  const QStringList lines = matrix.tsv(-1, -1).split('\n', Qt::SkipEmptyParts);
  QCOMPARE(lines.size(), 301);
  QCOMPARE(lines[0].split('\t').size(), 301);
  QCOMPARE(lines[0].split('\t')[5], QString("4:w4"));
  const QStringList row7 = lines[8].split('\t');
  QCOMPARE(row7[0], QString("7:w7"));
  double sum = 0;
  for (int k = 0; k < 300; ++k) {
    const QString field = row7[k + 1];
    if (k > 7) QVERIFY2(field.isEmpty(), qPrintable(field));
    else {
      QCOMPARE(field.toFloat(), w(7, k));
      sum += field.toDouble();
    }
  }
  QVERIFY(std::abs(sum - 1.0) < 1e-5);
  // One cell.
  const QStringList cell = matrix.tsv(9, 2).split('\n', Qt::SkipEmptyParts);
  QCOMPARE(cell.size(), 2);
  QCOMPARE(cell[1].split('\t')[1].toFloat(), w(9, 2));

  // Find by text (w25 is the first label containing "w25"), then the next match, then by index.
  QCOMPARE(matrix.findToken("w25"), 25);
  QCOMPARE(doc.state().query, 25);
  QVERIFY(matrix.visibleCells().contains(QPointF(10, 25)));
  QCOMPARE(matrix.findToken("w25", true), 250);
  QCOMPARE(matrix.findToken("123"), 123);
  QCOMPARE(matrix.findToken("nothing like this"), -1);
}

void ViewsTest::wordsMergeTheirPiecesInEveryView() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  MainWindow window(&session);
  window.show();
  QVERIFY(test::openModel(session, test::sharedPath("models/gpt2-random")));
  const QString text = "The zookeepers rehabilitated unbelievably quixotic marmalade enthusiasts.";
  QVERIFY(test::runTextAndWait(session, text));
  AnalysisDocument* doc = session.document();
  const int S = doc->seqLen();
  // The reference: the words as written (GPT-2's pre-tokenizer splits the full stop off).
  QStringList words = text.chopped(1).split(' ');
  words << ".";
  QVERIFY2(S > words.size(), "no word was split into pieces; the test would check nothing");

  auto* units = window.findChild<QComboBox*>("unitsCombo");
  QVERIFY(units && units->isVisible());
  units->setCurrentIndex(units->findData(int(Units::WordsMean)));
  emit units->activated(units->currentIndex());
  QCOMPARE(doc->state().units, Units::WordsMean);
  const DisplayMap m = build_display_map(*doc);
  QCOMPARE(m.labels, words);
  QCOMPARE(m.values.rows(), words.size());
  // Each entry is the mean over the query word's pieces of the weight on the key word's pieces,
  // recomputed here from the head as the model gave it; future words are masked, rows sum to 1.
  RowMatrix scratch;
  const RowMatrix head = doc->analysis()->forward.attentions.head_f32(0, 0, scratch);
  for (int r = 0; r < m.values.rows(); ++r) {
    const int q0 = m.row_tokens[size_t(r)], q1 = m.token_ends[size_t(r)];
    double row_sum = 0;
    for (int c = 0; c < m.values.cols(); ++c) {
      const int k0 = m.col_tokens[size_t(c)], k1 = m.token_ends[size_t(c)];
      double want = 0;
      for (int q = q0; q < q1; ++q)
        for (int k = k0; k < k1; ++k) want += head(q, k);
      want /= q1 - q0;
      QVERIFY2(std::abs(m.values(r, c) - want) < 1e-6, qPrintable(QString("word %1 -> %2: %3, expected %4").arg(r).arg(c).arg(m.values(r, c)).arg(want)));
      QCOMPARE(m.masked(r, c), c > r);
      row_sum += m.values(r, c);
    }
    QVERIFY(std::abs(row_sum - 1) < 1e-5);
  }
  // Max: the largest weight between the two words' pieces.
  ViewState s = doc->state();
  s.units = Units::WordsMax;
  const DisplayMap mx = build_display_map(*doc, s);
  const int last = static_cast<int>(mx.values.rows()) - 1;
  float want_max = 0;
  for (int q = mx.row_tokens[size_t(last)]; q < mx.token_ends[size_t(last)]; ++q)
    for (int k = mx.col_tokens[1]; k < mx.token_ends[1]; ++k) want_max = std::max(want_max, head(q, k));
  QCOMPARE(mx.values(last, 1), want_max);

  // The Text view shades whole words, and a query inside a word is that word's row.
  int inner = -1;  // a piece that does not start its word
  for (int r = 0; r < m.values.rows() && inner < 0; ++r)
    if (m.token_ends[size_t(r)] - m.row_tokens[size_t(r)] > 1) inner = m.row_tokens[size_t(r)] + 1;
  QVERIFY(inner > 0);
  doc->setQuery(inner);
  const auto t = text_figure(*doc, doc->state());
  QCOMPARE(t->paragraphs.size(), size_t(1));
  QCOMPARE(t->paragraphs[0].spans.size(), size_t(words.size()));
  QCOMPARE(t->query, m.row_tokens[size_t(m.rowOf(inner))]);
  QVERIFY(t->subject.contains(words[m.rowOf(inner)]));
  // Ctrl+F in the Text view finds words, by text or by the index of any of their pieces.
  TextView text_view(doc);
  QCOMPARE(text_view.findToken("MARMALADE"), int(words.indexOf("marmalade")));
  QCOMPARE(doc->state().query, m.row_tokens[size_t(words.indexOf("marmalade"))]);
  QCOMPARE(text_view.findToken(QString::number(inner)), m.rowOf(inner));
  QCOMPARE(text_view.findToken("no such word"), -1);
  // Copies and sidecars name the words.
  const QString tsv = display_map_tsv(m);
  QVERIFY2(tsv.startsWith("query\\key\t0:The\t1:zookeepers"), qPrintable(tsv.left(80)));
  QCOMPARE(view_state_from_json(to_json(doc->state())).units, Units::WordsMean);
}

void ViewsTest::valueNormsAreAMethodOfEveryView() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  MainWindow window(&session);
  window.show();
  QVERIFY(test::openModel(session, test::sharedPath("models/gpt2-random")));
  QVERIFY(test::runTextAndWait(session, "<|endoftext|>The quick brown fox jumps over the lazy dog."));
  AnalysisDocument* doc = session.document();
  QVERIFY(doc->analysis()->encoding.tokens.front().special);
  auto* method = window.findChild<QComboBox*>("methodCombo");
  QVERIFY(method);
  method->setCurrentIndex(method->findData(int(Method::ValueNorm)));
  emit method->activated(method->currentIndex());
  QCOMPARE(doc->state().method, Method::ValueNorm);
  QTRY_VERIFY_WITH_TIMEOUT(doc->valueNorms() != nullptr, 20000);  // computed on the job runner

  // The map shown is the core's value norms of the selected layer and head, from the run's values.
  const Analysis& a = *doc->analysis();
  ViewState s = doc->state();
  s.layer = 1;
  s.head = 1;
  s.head_mode = HeadMode::Single;
  doc->setState(s);
  const Tensor* v = a.forward.find_tapped(Tap::V, 1);
  QVERIFY(v);
  const ValueNorms want = value_norms(a.forward.attentions, 1, *v, doc->analyzer()->model().attention_output_weight(1), a.model.num_heads);
  DisplayMap m = build_display_map(*doc);
  QCOMPARE(m.values.rows(), a.seq_len());
  for (int i = 0; i < a.seq_len(); ++i)
    for (int j = 0; j < a.seq_len(); ++j) {
      QCOMPARE(m.values(i, j), want.heads.data[(size_t(1) * a.seq_len() + i) * a.seq_len() + j]);
      QCOMPARE(m.masked(i, j), j > i);  // a causal model's future keys stay grey
    }
  QVERIFY(m.scale_label.contains(QString::fromUtf8("\u2016")));
  // Hiding a special token drops it without rescaling the rest: norms are not shares of a row.
  {
    ViewState hide = s;
    hide.hide_special = true;
    const DisplayMap h = build_display_map(*doc, hide);
    QCOMPARE(h.values(3, 2), m.values(4, 3));
  }
  // Fused heads: the norm of their sum.
  s.head_mode = HeadMode::Mean;
  doc->setState(s);
  m = build_display_map(*doc);
  QCOMPARE(m.values(4, 2), want.layer.data[4 * size_t(a.seq_len()) + 2]);
  QVERIFY(describe(doc->state()).contains("norm of their sum"));
  QCOMPARE(view_state_from_json(to_json(doc->state())).method, Method::ValueNorm);

  // A new run keeps the method and computes them again for it.
  QVERIFY(test::runTextAndWait(session, "Another input, a little longer than the first one was."));
  QTRY_VERIFY_WITH_TIMEOUT(doc->valueNorms() != nullptr && doc->valueNorms()->layer.shape[1] == doc->seqLen(), 20000);

  // Gemma's attention output is normalised: the view says why there is nothing.
  QVERIFY(test::openModel(session, test::sharedPath("models/gemma2-random")));
  QVERIFY(test::runTextAndWait(session, "the cat sat"));
  QTRY_VERIFY_WITH_TIMEOUT(doc->derivedStatus(Derived::ValueNorms).contains("post_attention_layernorm"), 20000);
  QVERIFY(build_display_map(*doc).unavailable.contains("post_attention_layernorm"));
}

void ViewsTest::headsViewShowsEachHeadsAblationEffect() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  MainWindow window(&session);
  window.show();
  QVERIFY(test::openModel(session, test::sharedPath("models/gpt2-random")));
  const QString text = "The quick brown fox jumps over the lazy dog";
  QVERIFY(test::runTextAndWait(session, text));
  AnalysisDocument* doc = session.document();
  ViewState s = doc->state();
  s.view = ViewKind::Heads;
  doc->setState(s);
  auto* statistic = window.findChild<QComboBox*>("statisticCombo");
  QVERIFY(statistic);
  QTRY_VERIFY(statistic->findData("ablation") >= 0);  // gpt2-random has an LM head to follow
  statistic->setCurrentIndex(statistic->findData("ablation"));
  emit statistic->activated(statistic->currentIndex());
  QTRY_VERIFY_WITH_TIMEOUT(doc->ablation() != nullptr, 30000);  // L·H + 1 runs on the job runner

  // The grid holds, for each head, what core head_ablation gives on the same input.
  AnalysisRequest req;
  req.text = text.toStdString();
  const HeadAblationResult want = head_ablation(*doc->analyzer(), req, {});
  const auto figure = heads_figure(*doc, doc->state());
  QCOMPARE(figure->values.rows(), Eigen::Index(want.layers.size()));
  for (size_t l = 0; l < want.layers.size(); ++l)
    for (int h = 0; h < want.num_heads; ++h)
      QCOMPARE(figure->values(Eigen::Index(l), h), want.probability_change.data[l * size_t(want.num_heads) + size_t(h)]);
  QVERIFY(figure->scale_label.contains(QString::fromStdString(want.target_label).trimmed()));
  // A signed change: a diverging scale symmetric about 0, as wide as the largest change.
  QVERIFY(figure->fixed_range);
  const double widest = figure->values.cwiseAbs().maxCoeff();
  QCOMPARE(figure->fixed_range->second, widest);
  QCOMPARE(figure->fixed_range->first, -widest);
  QCOMPARE(figure->cmap.id(), ColorMapId::Diverging);
}

void ViewsTest::contributionsAndNormRolloutAreMethodsOfEveryView() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  MainWindow window(&session);
  window.show();
  QVERIFY(test::openModel(session, test::sharedPath("models/gpt2-random")));
  QVERIFY(test::runTextAndWait(session, "The quick brown fox jumps over the lazy dog."));
  AnalysisDocument* doc = session.document();
  const Analysis& a = *doc->analysis();
  const int S = a.seq_len();
  auto* method = window.findChild<QComboBox*>("methodCombo");
  QVERIFY(method);
  auto* head = window.findChild<QComboBox*>("headCombo");
  QVERIFY(head);
  const auto choose = [&](Method m) {
    method->setCurrentIndex(method->findData(int(m)));
    emit method->activated(method->currentIndex());
    QCOMPARE(doc->state().method, m);
  };

  // Contributions: the GUI run kept what ALTI needs (values and stream); the map shown is the
  // layer's contributions as the core computes them from this run, rows summing to 1.
  choose(Method::Contributions);
  QTRY_VERIFY_WITH_TIMEOUT(doc->contributions() != nullptr, 20000);
  QVERIFY(!head->isEnabled());  // one map per layer, made from every head
  const ContributionMaps want = contribution_maps(a, doc->analyzer()->model());
  ViewState s = doc->state();
  s.layer = 1;
  doc->setState(s);
  DisplayMap m = build_display_map(*doc);
  QCOMPARE(m.values.rows(), Eigen::Index(S));
  for (int i = 0; i < S; ++i) {
    QVERIFY(std::abs(m.values.row(i).sum() - 1.0f) < 1e-5f);
    for (int j = 0; j < S; ++j) {
      QCOMPARE(m.values(i, j), want.map(1, false)(i, j));
      QCOMPARE(m.masked(i, j), j > i);
    }
  }
  QVERIFY(describe(doc->state()).contains("ALTI"));
  // ALTI aggregated through the chosen layer: C_1 C_0.
  choose(Method::Alti);
  m = build_display_map(*doc);
  const RowMatrix through_1 = want.map(1, false) * want.map(0, false);
  for (int i = 0; i < S; ++i)
    for (int j = 0; j < S; ++j) QVERIFY(std::abs(m.values(i, j) - through_1(i, j)) < 1e-6f);
  QCOMPARE(view_state_from_json(to_json(doc->state())).method, Method::Alti);
  // The Overview: one map per layer, ALTI as it builds up through the stack.
  const auto overview = overview_figure(*doc, doc->state(), 48);
  QCOMPARE(overview->heads, 1);
  QCOMPARE(overview->layers, a.model.num_layers);
  QCOMPARE(int(overview->thumbnails.size()), a.model.num_layers);
  QVERIFY(overview->title.contains("ALTI"));

  // The rollout of value norms, from the start layer chosen.
  choose(Method::NormRollout);
  QTRY_VERIFY_WITH_TIMEOUT(doc->valueNorms() != nullptr, 20000);
  s = doc->state();
  s.start_layer = 1;
  doc->setState(s);
  m = build_display_map(*doc);
  const RowMatrix rollout = value_norm_rollout(*doc->valueNorms(), a.model.num_layers, 1);
  for (int i = 0; i < S; ++i)
    for (int j = 0; j < S; ++j) QCOMPARE(m.values(i, j), rollout(i, j));
  QVERIFY(describe(doc->state()).contains("from L1"));

  // File ▸ Export data writes what the window derived beside the run's tensors.
  QTemporaryDir dir;
  const QString path = dir.filePath("run.safetensors");
  QCOMPARE(session.exports()->exportData(path, false), QString());
  const SafetensorsFile file(path.toStdString());
  QCOMPARE(file.tensor("contributions").data, want.layer.data);
  QCOMPARE(file.tensor("alti").data, want.aggregated.data);
  QCOMPARE(file.tensor("value_norm_layer").data, doc->valueNorms()->layer.data);
  QCOMPARE(file.tensor("attentions").shape, a.forward.attentions.shape());

  // The Overview redraws when a new run's contributions arrive after it (the selection is unchanged).
  choose(Method::Alti);
  s = doc->state();
  s.view = ViewKind::Overview;
  doc->setState(s);
  auto* overview_view = window.findChild<OverviewView*>();
  QVERIFY(overview_view);
  QVERIFY(test::runTextAndWait(session, "A second input for the overview"));
  QTRY_VERIFY_WITH_TIMEOUT(doc->contributions() != nullptr, 20000);
  QTRY_VERIFY(static_cast<const OverviewRenderer*>(overview_view->renderer())->title.contains("ALTI"));

  // A model they do not apply to says why.
  QVERIFY(test::openModel(session, test::sharedPath("models/gemma2-random")));
  QVERIFY(test::runTextAndWait(session, "the cat sat"));
  choose(Method::Contributions);
  QTRY_VERIFY_WITH_TIMEOUT(doc->derivedStatus(Derived::Contributions).contains("post_attention_layernorm"), 20000);
  QVERIFY(build_display_map(*doc).unavailable.contains("post_attention_layernorm"));
}

void ViewsTest::lensViewShowsWhatEachLayerWouldPredict() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  MainWindow window(&session);
  window.resize(1200, 700);
  window.show();
  QVERIFY(test::openModel(session, test::sharedPath("models/stories260K")));
  QVERIFY(test::runTextAndWait(session, "Once upon a time there was a little girl"));
  AnalysisDocument* doc = session.document();
  ViewState s = doc->state();
  s.view = ViewKind::Lens;
  doc->setState(s);
  QTRY_VERIFY_WITH_TIMEOUT(doc->lens() != nullptr, 20000);  // on the job runner
  auto* view = window.findChild<LensView*>();
  QVERIFY(view);
  QTRY_VERIFY(view->renderer() && !view->renderer()->cells.empty());
  const LensRenderer& r = *view->renderer();
  const Analysis& a = *doc->analysis();
  const int S = a.seq_len(), L = a.model.num_layers;
  QCOMPARE(r.row_labels.size(), L + 1);  // the embeddings, then each layer
  QCOMPARE(r.columns.size(), S);
  // Every cell is the core's logit lens of this run (its own computation, made here again).
  const LogitLens want = doc->analyzer()->logit_lens(a, kLensTopK);
  for (int row = 0; row <= L; ++row)
    for (int pos = 0; pos < S; ++pos) {
      QCOMPARE(int(r.cell(row, pos).top.size()), kLensTopK);
      QCOMPARE(r.cell(row, pos).top.front().first, QString::fromStdString(want.at(size_t(row), pos, 0).label));
      QCOMPARE(r.cell(row, pos).top.front().second, double(want.at(size_t(row), pos, 0).probability));
    }
  // After the last layer the lens is the model's own prediction at the last token.
  QCOMPARE(r.cell(L, S - 1).top.front().first, QString::fromStdString(a.predictions.front().label));
  QVERIFY(std::abs(r.cell(L, S - 1).top.front().second - a.predictions.front().probability) < 1e-5);
  // Hover: the cell's top k with probabilities.
  RendererView* canvas = view->canvas();
  QTRY_VERIFY(canvas->width() > 100);
  QPointF centre;
  for (double x = 0; x < canvas->width() && centre.isNull(); x += 2)
    for (double y = 0; y < canvas->height(); y += 2)
      if (const auto at = r.cellAt(canvas->rect(), QPointF(x, y)); at && at->first == L && at->second == 2) {
        centre = QPointF(x + 3, y + 3);
        break;
      }
  QVERIFY(!centre.isNull());
  const QString tip = r.tipAt(canvas->rect(), centre);
  QVERIFY2(tip.contains(QString("%1.").arg(kLensTopK)), qPrintable(tip));
  QVERIFY2(tip.contains(r.cell(L, 2).top[1].first.trimmed()), qPrintable(tip));
  // File ▸ Export data keeps the lens: the top tokens' ids and probabilities per layer and position.
  QTemporaryDir dir;
  const QString path = dir.filePath("lens.safetensors");
  QCOMPARE(session.exports()->exportData(path, false), QString());
  const SafetensorsFile file(path.toStdString());
  const Tensor probs = file.tensor("lens_probabilities");
  QCOMPARE(probs.shape, (Shape{L + 1, S, kLensTopK}));
  QCOMPARE(double(probs.data[(size_t(L) * S + size_t(S - 1)) * kLensTopK]), r.cell(L, S - 1).top.front().second);
  // A click on a column makes it the query every view follows.
  QTest::mouseClick(canvas, Qt::LeftButton, {}, centre.toPoint());
  QCOMPARE(doc->state().query, 2);
  QTRY_COMPARE(view->renderer()->selected_column, 2);

  // Models without a language-model head have no Lens tab.
  QVERIFY(!view_applies(ViewKind::Lens, test::openModel(session, test::sharedPath("models/vit-tiny-patch16-224")) ? doc->analyzer()->info() : ModelInfo()));
}

void ViewsTest::normRolloutOfALongInputIsComputedOffTheUiThread() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  MainWindow window(&session);
  window.show();
  QVERIFY(test::openModel(session, test::sharedPath("models/gpt2-random")));
  QStringList words;
  for (int i = 0; i < 700; ++i) words << (i % 2 ? "cat" : "dog");
  QVERIFY(test::runTextAndWait(session, words.join(' ')));
  AnalysisDocument* doc = session.document();
  QVERIFY(doc->rolloutWork() > AnalysisDocument::kSyncRolloutWork);  // L S^3: too dear for the UI thread
  auto* method = window.findChild<QComboBox*>("methodCombo");
  QVERIFY(method);
  method->setCurrentIndex(method->findData(int(Method::NormRollout)));
  emit method->activated(method->currentIndex());
  QVERIFY(!doc->normRollout(0));  // not made here, whatever has arrived
  QTRY_VERIFY_WITH_TIMEOUT(!build_display_map(*doc).empty(), 60000);  // value norms, then the rollout, on the job runner
  const RowMatrix want = value_norm_rollout(*doc->valueNorms(), doc->analysis()->model.num_layers, 0);
  const DisplayMap m = build_display_map(*doc);
  QCOMPARE(m.values.rows(), want.rows());
  const float diff = (m.values - want).cwiseAbs().maxCoeff();
  QVERIFY2(diff <= 1e-6f, qPrintable(QString::number(diff)));
}

void ViewsTest::firstTokenExcludedAsASinkWithItsMassBeside() {
  AnalysisDocument doc;
  doc.setAnalysis(test::synthetic_text_analysis(1, 1, 12, true));
  const DisplayMap before = build_display_map(doc);
  ViewState s = doc.state();
  s.exclude_first = true;
  doc.setState(s);
  const DisplayMap m = build_display_map(doc);
  // The first token leaves; each row is renormalised over the rest and keeps the share it gave.
  QCOMPARE(m.values.rows(), before.values.rows() - 1);
  QCOMPARE(m.row_tokens.front(), 1);
  QCOMPARE(m.excluded_mass.size(), size_t(m.values.rows()));
  for (int r = 0; r < m.values.rows(); ++r) {
    const int q = m.row_tokens[size_t(r)];
    QCOMPARE(m.excluded_mass[size_t(r)], before.values(q, 0));
    const float rest = 1.0f - before.values(q, 0);
    for (int c = 0; c < m.values.cols(); ++c) {
      const int k = m.col_tokens[size_t(c)];
      QVERIFY(std::abs(m.values(r, c) - before.values(q, k) / rest) < 1e-5f);
      QCOMPARE(m.masked(r, c), k > q);  // still a causal map: the future stays grey
    }
  }
  QVERIFY(m.title.contains("first token excluded"));
  QCOMPARE(view_state_from_json(to_json(doc.state())).exclude_first, true);

  // The matrix draws the shares in a bar beside the cells: black where a row gave everything.
  auto r = std::make_unique<MatrixRenderer>();
  r->map = std::make_shared<const DisplayMap>(m);
  const QRectF area(0, 0, 600, 500);
  const QRectF cells = r->cellsRect(area);
  QImage img(600, 500, QImage::Format_RGB32);
  img.fill(Qt::white);
  {
    QPainter p(&img);
    r->paint(p, area);
  }
  int darkest = 0, lightest = 0;
  for (int row = 0; row < m.values.rows(); ++row) {
    if (m.excluded_mass[size_t(row)] > m.excluded_mass[size_t(darkest)]) darkest = row;
    if (m.excluded_mass[size_t(row)] < m.excluded_mass[size_t(lightest)]) lightest = row;
  }
  auto bar_grey = [&](int row) {
    const double y = cells.top() + (row + 0.5) / m.values.rows() * cells.height();
    return qGray(img.pixel(int(cells.right() + 4 + kSinkBarWidth / 2), int(y)));
  };
  QVERIFY2(bar_grey(darkest) < bar_grey(lightest),
           qPrintable(QString("bar grey %1 at share %2, %3 at share %4").arg(bar_grey(darkest)).arg(m.excluded_mass[size_t(darkest)])
                          .arg(bar_grey(lightest)).arg(m.excluded_mass[size_t(lightest)])));
  QVERIFY(std::abs(bar_grey(darkest) - 255 * (1 - m.excluded_mass[size_t(darkest)])) <= 2);
}

void ViewsTest::singleColumnFiguresDrawNothingOutsideThePage_data() {
  QTest::addColumn<int>("view");
  for (ViewKind v : {ViewKind::Matrix, ViewKind::Lines, ViewKind::Text, ViewKind::Heads, ViewKind::Overview, ViewKind::Prediction})
    QTest::newRow(qPrintable(to_string(v))) << int(v);
}

void ViewsTest::singleColumnFiguresDrawNothingOutsideThePage() {
  ATTNSCOPE_QREQUIRE_SHARED();
  QFETCH(int, view);
  static Session* session = nullptr;  // one run for every row
  if (!session) {
    session = new Session;
    QVERIFY(test::openModel(*session, test::builtinPath("stories260K")));
    QVERIFY(test::runTextAndWait(*session, "Once upon a time there was a little girl named Lily. She loved to play outside in the park."));
  }
  const AnalysisDocument& doc = *session->document();
  FigureRequest req{ViewKind(view), doc.state(), true, std::nullopt};
  const auto figure = make_figure(doc, req);
  const QSizeF page = preset_size(FigurePreset::SingleColumn, *figure) * 96.0;
  QCOMPARE(page.width(), 3.3 * 96.0);
  // Paint the page inside a larger canvas with nothing clipping it: whatever lands outside the
  // page would be cut from the file.
  constexpr int kMargin = 60;
  const QColor outside(255, 0, 255);
  QImage canvas(QSize(qCeil(page.width()) + 2 * kMargin, qCeil(page.height()) + 2 * kMargin), QImage::Format_RGB32);
  canvas.fill(outside);
  {
    QPainter p(&canvas);
    p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    paint_fitted(*figure, p, QRectF(QPointF(kMargin, kMargin), page));
  }
  const QRect inside(QPoint(kMargin, kMargin), QSize(qFloor(page.width()), qFloor(page.height())));
  int spilled = 0;
  QPoint first;
  for (int y = 0; y < canvas.height(); ++y)
    for (int x = 0; x < canvas.width(); ++x)
      if (!inside.adjusted(-1, -1, 1, 1).contains(x, y) && canvas.pixelColor(x, y) != outside) {
        if (!spilled++) first = QPoint(x, y);
      }
  QVERIFY2(spilled == 0, qPrintable(QString("%1 pixels drawn outside the %2 x %3 px page, the first at (%4, %5)")
                                        .arg(spilled).arg(page.width()).arg(page.height()).arg(first.x() - kMargin).arg(first.y() - kMargin)));
  // The title is not cut: it fits the page at the size it is drawn in.
  if (auto* text = dynamic_cast<const TextRenderer*>(figure.get())) {
    const QFont font = title_font(QFont(), text->title, page.width() - 24);
    QVERIFY(QFontMetricsF(font).horizontalAdvance(text->title) <= page.width() - 24);
    QVERIFY(font.pointSizeF() >= QFont().pointSizeF() * kTitleMinScale);
  }
}

QTEST_MAIN(ViewsTest)
#include "ui_views_test.moc"
