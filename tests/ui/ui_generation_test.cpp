// Generation step-through in the GUI (issue 20, item 4) and the keyed job runner it runs on: the
// Generation view asks the session, the tokens come back from the worker into the document, the
// slider walks the steps and the figure shows each step's row; Esc keeps the tokens made so far.
#include <QFileInfo>
#include <QLabel>
#include <QTemporaryDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>

#include <atomic>
#include <thread>

#include "core/common/error.h"
#include "core/pipeline/generation.h"
#include "tests/ui/ui_test_support.h"
#include "ui/export/figure_writer.h"
#include "ui/export/figures.h"
#include "ui/export/provenance.h"
#include "ui/render/generation_renderer.h"
#include "ui/views/generation_view.h"
#include "ui/views/renderer_view.h"
#include "ui/workers/job_runner.h"

using namespace attnscope;
using namespace attnscope::ui;

class GenerationTest : public QObject {
  Q_OBJECT
 private slots:
  void stepsThroughAGreedyGeneration();
  void escapeKeepsTheTokensMadeSoFar();
  void encodersCannotGenerate();
  void aSidecarGeneratesAgainAtTheSameStep();
  void jobsOfOtherKeysQueueAndTheSameKeySupersedes();
};

void GenerationTest::stepsThroughAGreedyGeneration() {
  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  AnalysisDocument* d = session.document();
  GenerationView view(d);
  connect(&view, &GenerationView::generateRequested, &session, &Session::generate);
  view.resize(1100, 500);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  auto* prompt = view.findChild<QLineEdit*>("generationPrompt");
  auto* tokens = view.findChild<QSpinBox*>("generationTokens");
  auto* slider = view.findChild<QSlider*>("generationStep");
  auto* figure = view.findChild<RendererView*>("generationFigure");
  QVERIFY(prompt && tokens && slider && figure);
  prompt->setText("Once upon a time");
  tokens->setValue(12);
  QSignalSpy done(d, &AnalysisDocument::generationChanged);
  QTest::mouseClick(view.findChild<QPushButton*>("generateButton"), Qt::LeftButton);
  QVERIFY(done.wait(30000));
  const auto g = d->generation();
  QVERIFY(g);
  QCOMPARE(g->steps(), 12);
  // The document's tokens are the core's greedy generation from the same prompt.
  const auto analyzer = d->analyzer();
  GenerationOptions o;
  o.max_new_tokens = 12;
  o.candidates = 10;
  const Generation want = generate(analyzer->model(), analyzer->tokenizer()->encode("Once upon a time").ids(), o);
  QCOMPARE(g->generation.generated, want.generated);
  QCOMPARE(g->labels.size(), int(want.prompt_ids.size()) + 12);
  // The last step is shown first; the slider covers the steps.
  QCOMPARE(d->generationStep(), 12);
  QCOMPARE(slider->minimum(), 1);
  QCOMPARE(slider->maximum(), 12);
  auto* r = dynamic_cast<const GenerationRenderer*>(figure->renderer());
  QVERIFY(r);
  QCOMPARE(int(r->weights.size()), g->generation.steps[11].context);

  // Step 3, layer 2, head 5: the figure's weights are that head's row of step 3.
  d->setLayer(2);
  d->setHead(5);
  slider->setValue(3);
  QCOMPARE(d->generationStep(), 3);
  r = dynamic_cast<const GenerationRenderer*>(figure->renderer());
  QVERIFY(r);
  const GenerationStep& st = g->generation.steps[2];
  QCOMPARE(int(r->weights.size()), st.context);
  const float* row = g->generation.row(2, 2, 5);
  double sum = 0;
  for (int j = 0; j < st.context; ++j) {
    QCOMPARE(r->weights[size_t(j)], double(row[j]));
    sum += r->weights[size_t(j)];
  }
  QVERIFY(std::abs(sum - 1) < 1e-5);
  QCOMPARE(r->tokens.size(), st.context + 1);  // the context and the chosen token
  QCOMPARE(r->candidates.size(), 10);
  QVERIFY(r->chosen == 0);  // greedy: the most probable
  QVERIFY(view.findChild<QLabel*>("generationStepLabel")->text().startsWith("3/12"));
  // Keys on the figure step too.
  figure->setFocus();
  QTest::keyClick(figure, Qt::Key_Right);
  QCOMPARE(d->generationStep(), 4);
  QTest::keyClick(figure, Qt::Key_Home);
  QCOMPARE(d->generationStep(), 1);
  QCOMPARE(slider->value(), 1);
  // Exported as on screen, without a widget.
  {
    FigureRequest req;
    req.view = ViewKind::Generation;
    req.state = d->state();
    const auto fig = make_figure(*d, req);
    const auto* gr = dynamic_cast<const GenerationRenderer*>(fig.get());
    QVERIFY(gr);
    r = dynamic_cast<const GenerationRenderer*>(figure->renderer());  // the view's renderer of this step
    QVERIFY(r);
    QCOMPARE(gr->weights, r->weights);
    QTemporaryDir tmp;
    const QString path = qEnvironmentVariable("ATTNSCOPE_FIGURE_DIR", tmp.path()) + "/generation.pdf";
    FigureFileOptions fo;
    fo.overwrite = true;
    write_figure(*fig, path, fo);
    QVERIFY(QFileInfo(path).size() > 2000);
  }
  // Mean of heads: the mean of the eight rows.
  d->setHeadMode(HeadMode::Mean);
  r = dynamic_cast<const GenerationRenderer*>(figure->renderer());
  double mean0 = 0;
  for (int h = 0; h < 8; ++h) mean0 += g->generation.row(0, 2, h)[0] / 8.0;
  QVERIFY(std::abs(r->weights[0] - mean0) < 1e-7);
}

void GenerationTest::escapeKeepsTheTokensMadeSoFar() {
  Session session;
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  AnalysisDocument* d = session.document();
  GenerationOptions o;
  o.max_new_tokens = 400;  // stories260K reads 512 positions
  o.stop_at_eos = false;
  QSignalSpy done(d, &AnalysisDocument::generationChanged);
  // Esc as soon as the worker reports its third token (400 take far longer than one event).
  connect(&session, &Session::progress, &session, [&](int made) {
    if (made >= 3) session.cancel();
  });
  session.generate("Once upon a time", o);
  QVERIFY(session.busy());
  QVERIFY(done.wait(30000));
  QTRY_VERIFY(!session.busy());
  QVERIFY(d->generation());
  QVERIFY(d->generation()->steps() > 0);
  QVERIFY(d->generation()->steps() < 400);
  QCOMPARE(d->generation()->generation.stop, StopReason::Cancelled);
}

void GenerationTest::aSidecarGeneratesAgainAtTheSameStep() {
  QTemporaryDir tmp;
  const QString figure = tmp.filePath("generation.png");
  std::vector<int64_t> tokens;
  {
    Session session;
    QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
    QSignalSpy ran(session.document(), &AnalysisDocument::analysisChanged);
    session.runText("Lily went to the park.");
    QVERIFY(ran.wait(30000));
    QVERIFY(test::waitIdle(session));
    GenerationOptions o;
    o.max_new_tokens = 9;
    o.sampling.temperature = 0.9;
    o.sampling.top_p = 0.95;
    o.sampling.seed = 77;
    QSignalSpy done(session.document(), &AnalysisDocument::generationChanged);
    session.generate("Once upon a time", o);
    QVERIFY(done.wait(30000));
    session.document()->setGenerationStep(4);
    session.document()->setView(ViewKind::Generation);
    FigureInfo info;
    info.file = figure;
    info.format = "png";
    info.view = ViewKind::Generation;
    write_sidecar(*session.document(), session.document()->state(), info, true);
    tokens = session.document()->generation()->generation.generated;
  }
  Session session;
  session.openSidecar(sidecar_path(figure));
  // Opening the model clears any generation first; then the run, then the generation.
  QTRY_VERIFY_WITH_TIMEOUT(session.document()->generation() != nullptr, 60000);
  const auto g = session.document()->generation();
  QVERIFY(g);
  QCOMPARE(g->prompt, QString("Once upon a time"));
  QCOMPARE(g->generation.generated, tokens);  // the same seed: the same tokens
  QCOMPARE(g->options.sampling.seed, uint64_t(77));
  QCOMPARE(session.document()->generationStep(), 4);
  QCOMPARE(session.document()->state().view, ViewKind::Generation);
}

void GenerationTest::encodersCannotGenerate() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  QVERIFY(test::openModel(session, test::sharedPath("models/bert-random")));
  GenerationView view(session.document());
  view.show();
  QVERIFY(!view.findChild<QPushButton*>("generateButton")->isEnabled());
  QSignalSpy messages(&session, &Session::message);
  session.generate("hello", GenerationOptions{});
  QCOMPARE(messages.count(), 1);
  QVERIFY(messages[0][0].toString().contains("causal language model"));
  QVERIFY(!session.busy());
}

void GenerationTest::jobsOfOtherKeysQueueAndTheSameKeySupersedes() {
  JobRunner jobs;
  QStringList finished;
  QList<int> values;
  connect(&jobs, &JobRunner::finished, this, [&](const QString& key, const std::any& r) {
    finished << key;
    values << std::any_cast<int>(r);
  });
  QStringList cancelled;  // (std::any is not a QVariant type, so no QSignalSpy)
  std::any partial;
  connect(&jobs, &JobRunner::cancelled, this, [&](const QString& key, const std::any& r) {
    cancelled << key;
    partial = r;
  });
  std::atomic<bool> release{false};
  // A: blocks until released (checking for cancellation); B queues behind it; A2 supersedes A.
  jobs.submit("a", [&](const ProgressFn& p) -> std::any {
    while (!release.load())
      if (!p({0, 1, "waiting"})) return 1;
    return 1;
  });
  jobs.submit("b", [](const ProgressFn&) -> std::any { return 2; });
  jobs.submit("b", [](const ProgressFn&) -> std::any { return 3; });  // replaces the queued b
  jobs.submit("a", [](const ProgressFn&) -> std::any { return 4; });  // stops the running a
  QVERIFY(jobs.busy());
  QTRY_VERIFY_WITH_TIMEOUT(!jobs.busy(), 10000);
  release = true;
  // The superseded a said nothing; b ran once (its newer request), then the newer a.
  QCOMPARE(finished, (QStringList{"b", "a"}));
  QCOMPARE(values, (QList<int>{3, 4}));
  QCOMPARE(cancelled.count(), 0);
  // A cancelled job hands back what it returned.
  jobs.submit("c", [&](const ProgressFn& p) -> std::any {
    int n = 0;
    while (p({n, 0, ""})) ++n;
    return n;
  });
  QTRY_VERIFY_WITH_TIMEOUT(jobs.busy(), 1000);
  QTest::qWait(20);
  jobs.cancel("c");
  QTRY_COMPARE_WITH_TIMEOUT(cancelled.size(), 1, 10000);
  QCOMPARE(cancelled[0], QString("c"));
  QVERIFY(std::any_cast<int>(partial) > 0);
  // Errors come back typed.
  QSignalSpy failed(&jobs, &JobRunner::failed);
  jobs.submit("d", [](const ProgressFn&) -> std::any { fail(ErrorKind::Input, "bad input"); });
  QVERIFY(failed.wait(10000));
  QCOMPARE(failed[0][1].toString(), QString("bad input"));
  QCOMPARE(failed[0][2].toInt(), int(ErrorKind::Input));
}

QTEST_MAIN(GenerationTest)
#include "ui_generation_test.moc"
