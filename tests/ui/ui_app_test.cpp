// The real main window driven offscreen: open a model, run a sample, step with the keyboard,
// cancel, and bad models.
#include <fstream>

#include <QAction>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QThread>
#include <QMenuBar>
#include <QTranslator>
#include <QTreeWidget>

#include "tests/ui/ui_test_support.h"
#include "ui/app/app_identity.h"
#include "ui/app/language.h"
#include "ui/app/launch_options.h"
#include "ui/app/main_window.h"
#include "ui/app/message_bar.h"
#include "ui/app/samples.h"
#include "ui/panels/input_panel.h"

using namespace attnscope;
using namespace attnscope::ui;

class AppTest : public QObject {
  Q_OBJECT

 private slots:
  void aboutNamesVersionsAndModelLicences();
  void launchSelectionOutsideTheModelIsReported();
  void runSampleAndStepThroughHeadsWithTheKeyboard();
  void rerunKeepsLayerHeadAndView();
  void cancelKeepsThePreviousResult_data();
  void cancelKeepsThePreviousResult();
  void brokenModelShowsTheCoreErrorInTheWindow();
  void samplesAreThere();
  void welcomePageTriesTheBuiltinModels_data();
  void welcomePageTriesTheBuiltinModels();
  void modelPanelListsTheBuiltinModels();
  void tabsShowTheViewsThatApplyToTheModel();
  void languageChoiceIsSavedAndChineseTranslatesTheWindow();
};

// View > Language saves the choice and says, in both languages, that it applies at the next
// start; with zh_CN installed (as main() does) the window is Chinese, through the embedded .qm
// and the namespace-less contexts lupdate writes.
void AppTest::languageChoiceIsSavedAndChineseTranslatesTheWindow() {
  Session session;
  {
    MainWindow window(&session);
    auto* zh = window.findChild<QAction*>("language-zh_CN");
    QVERIFY(zh);
    zh->trigger();
    QCOMPARE(chosen_language(), QString("zh_CN"));
    QCOMPARE(ui_language(), QString("zh_CN"));
    QVERIFY2(window.messageBar()->text().contains(QString::fromUtf8("语言将在重新启动 Attnscope 后更改")),
             qPrintable(window.messageBar()->text()));
  }
  install_translators(*qApp);
  {
    MainWindow window(&session);
    QCOMPARE(window.menuBar()->actions().at(0)->text(), QString::fromUtf8("文件(&F)"));
    QCOMPARE(window.views()->tabText(0), QString::fromUtf8("矩阵"));
    QCOMPARE(describe(ViewState{}), QString::fromUtf8("L0 · H0"));
    ViewState rollout;
    rollout.method = Method::Rollout;
    QCOMPARE(describe(rollout), QString::fromUtf8("注意力汇聚，各头平均"));
  }
  for (QTranslator* t : qApp->findChildren<QTranslator*>()) {
    QCoreApplication::removeTranslator(t);
    delete t;
  }
  set_ui_language("");
  QCOMPARE(chosen_language(), QString());
  QCOMPARE(QCoreApplication::translate("attnscope::ui::MainWindow", "&File"), QString("&File"));
}

// A first start with nothing else: the welcome page's "Try it" buttons reach a real result in one
// click, with the built-in model, the sample and the view that suit each other.
void AppTest::welcomePageTriesTheBuiltinModels_data() {
  QTest::addColumn<QString>("button");
  QTest::addColumn<QString>("model");
  QTest::addColumn<int>("view");
  QTest::addColumn<QString>("top1");
  QTest::newRow("vit-tiny") << "try-vit-tiny" << "vit-tiny" << int(ViewKind::Image) << "Egyptian cat";
  QTest::newRow("stories260K") << "try-stories260K" << "stories260K" << int(ViewKind::Matrix) << "";
}

void AppTest::welcomePageTriesTheBuiltinModels() {
  QFETCH(QString, button);
  QFETCH(QString, model);
  QFETCH(int, view);
  QFETCH(QString, top1);
  Session session;
  MainWindow window(&session);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  auto* b = window.findChild<QPushButton*>(button);
  QVERIFY(b && b->isVisible());
  QSignalSpy done(&session, &Session::runFinished);
  b->click();
  QVERIFY(done.wait(30000));
  AnalysisDocument* doc = session.document();
  QVERIFY(doc->hasAnalysis());
  QCOMPARE(QFileInfo(doc->modelDir()).fileName(), model);
  QCOMPARE(int(doc->state().view), view);
  QVERIFY(doc->analysis()->warnings.empty());  // e.g. no truncation of the sample
  if (!top1.isEmpty()) QCOMPARE(QString::fromStdString(doc->analysis()->predictions.at(0).label), top1);
}

void AppTest::modelPanelListsTheBuiltinModels() {
  Session session;
  MainWindow window(&session);
  auto* list = window.findChild<QTreeWidget*>("modelList");
  QVERIFY(list);
  QVERIFY(list->topLevelItemCount() >= 1);
  QTreeWidgetItem* group = list->topLevelItem(0);
  QCOMPARE(group->text(0), QString("Built-in"));
  QStringList names;
  for (int i = 0; i < group->childCount(); ++i) names << group->child(i)->text(0);
  QCOMPARE(names, QStringList({"stories260K", "vit-tiny"}));
}

void AppTest::runSampleAndStepThroughHeadsWithTheKeyboard() {
  Session session;
  MainWindow window(&session);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));

  // Ctrl+R runs the text in the editor.
  window.inputPanel()->setText("the cat sat on the mat.");
  QSignalSpy done(&session, &Session::runFinished);
  QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier);
  QVERIFY(done.wait(30000));
  AnalysisDocument* doc = session.document();
  QVERIFY(doc->hasAnalysis());
  QCOMPARE(doc->seqLen(), 11);  // <s> ▁the ▁c at ▁s at ▁on ▁the ▁m at .
  QCOMPARE(doc->numLayers(), 5);
  QCOMPARE(doc->numHeads(), 8);
  QCOMPARE(doc->analysis()->predictions.at(0).label, std::string(" The"));

  // Arrow keys in the views: right = next head, down = next layer, wrapping around.
  window.views()->currentWidget()->setFocus();
  QCOMPARE(doc->state().layer, 0);
  QCOMPARE(doc->state().head, 0);
  QTest::keyClick(window.views()->currentWidget(), Qt::Key_Right);
  QCOMPARE(doc->state().head, 1);
  QTest::keyClick(window.views()->currentWidget(), Qt::Key_Down);
  QTest::keyClick(window.views()->currentWidget(), Qt::Key_Down);
  QCOMPARE(doc->state().layer, 2);
  QTest::keyClick(window.views()->currentWidget(), Qt::Key_Left);
  QTest::keyClick(window.views()->currentWidget(), Qt::Key_Left);
  QCOMPARE(doc->state().head, 7);
  QTest::keyClick(window.views()->currentWidget(), Qt::Key_Up);
  QCOMPARE(doc->state().layer, 1);
  QCOMPARE(doc->state().head_mode, HeadMode::Single);

  // Ctrl+3 switches to the Overview; the document follows.
  QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
  QCOMPARE(doc->state().view, ViewKind::Overview);
}

void AppTest::rerunKeepsLayerHeadAndView() {
  Session session;
  MainWindow window(&session);
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  session.runText("Once upon a time");
  QVERIFY(test::waitIdle(session));
  session.document()->setLayer(3);
  session.document()->setHead(5);
  window.showView(ViewKind::Lines);
  const AnalysisPtr first = session.document()->analysis();
  session.runText("Attention is all you need.");
  QVERIFY(test::waitIdle(session));
  QVERIFY(session.document()->analysis() != first);
  QCOMPARE(session.document()->seqLen(), 16);
  QCOMPARE(session.document()->state().layer, 3);
  QCOMPARE(session.document()->state().head, 5);
  QCOMPARE(session.document()->state().view, ViewKind::Lines);
}

void AppTest::cancelKeepsThePreviousResult_data() {
  QTest::addColumn<bool>("worker_done");
  // The worker checks the cancel ticket at every progress step.
  QTest::newRow("cancelled while queued or running") << false;
  // A small run takes milliseconds, so a cancel often arrives after the worker has sent its
  // result but before the window has received it: that result must not be shown either.
  QTest::newRow("cancelled after the worker finished") << true;
}

void AppTest::cancelKeepsThePreviousResult() {
  QFETCH(bool, worker_done);
  Session session;
  MainWindow window(&session);
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  session.runText("the cat sat on the mat.");
  QVERIFY(test::waitIdle(session));
  const AnalysisPtr before = session.document()->analysis();
  QVERIFY(before);

  QSignalSpy status(&session, &Session::status);
  session.runText("a completely different input that must not replace the result");
  if (worker_done) QThread::msleep(500);  // no events processed here: the worker's answer waits in the queue
  QVERIFY(session.busy());
  session.cancel();
  QVERIFY(test::waitIdle(session));
  QCOMPARE(session.document()->analysis(), before);
  QVERIFY(!status.isEmpty());
  QVERIFY(status.last().at(0).toString().contains("Cancelled"));

  // Still usable: the next run completes.
  session.runText("hello");
  QVERIFY(test::waitIdle(session));
  QVERIFY(session.document()->analysis() != before);
  QCOMPARE(session.document()->analysis()->text, std::string("hello"));
}

void AppTest::tabsShowTheViewsThatApplyToTheModel() {
  Session session;
  MainWindow window(&session);
  auto* tabs = window.findChild<QTabWidget*>("views");
  QVERIFY(tabs);
  const auto visible = [tabs](ViewKind kind) {
    for (int i = 0; i < tabs->count(); ++i)
      if (tabs->widget(i)->property("viewKind").toInt() == int(kind)) return tabs->isTabVisible(i);
    return false;
  };
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  session.document()->setView(ViewKind::Text);
  QVERIFY(visible(ViewKind::Text) && visible(ViewKind::Lines) && visible(ViewKind::Matrix));
  QVERIFY(!visible(ViewKind::Image));
  QVERIFY(!visible(ViewKind::Cross));  // a decoder-only model has no cross-attention
  // A photo model: no Text or Lines tab, and the Text view that was open gives way to Matrix.
  QVERIFY(test::openModel(session, test::builtinPath("vit-tiny")));
  QVERIFY(visible(ViewKind::Image) && visible(ViewKind::Matrix) && visible(ViewKind::Heads));
  QVERIFY(!visible(ViewKind::Text));
  QVERIFY(!visible(ViewKind::Lines));
  QCOMPARE(session.document()->state().view, ViewKind::Matrix);
}

void AppTest::brokenModelShowsTheCoreErrorInTheWindow() {
  Session session;
  MainWindow window(&session);
  QVERIFY(test::openModel(session, test::builtinPath("stories260K")));
  session.runText("the cat");
  QVERIFY(test::waitIdle(session));
  const AnalysisPtr before = session.document()->analysis();

  const auto dir = test::scratch_dir("broken");
  std::ofstream(dir / "config.json") << R"({"model_type": "mamba"})";
  std::ofstream(dir / "model.safetensors") << "x";
  session.openModel(QString::fromStdString(dir.string()));
  QVERIFY(test::waitIdle(session));
  QVERIFY(window.messageBar()->isVisibleTo(&window));
  QCOMPARE(window.messageBar()->severity(), Severity::Error);
  QVERIFY2(window.messageBar()->text().contains("unsupported model_type 'mamba'"), qPrintable(window.messageBar()->text()));
  auto* status = window.findChild<QLabel*>("statusText");
  QVERIFY2(status && !status->text().startsWith("Opening"), qPrintable(status ? status->text() : QString()));  // not stale
  // The open model and its result are untouched.
  QCOMPARE(session.document()->analysis(), before);

  // A bad input too: the message names the problem, the result stays.
  session.runText("   ");
  QVERIFY(test::waitIdle(session));
  QVERIFY(window.messageBar()->text().contains("only whitespace"));
  QCOMPARE(session.document()->analysis(), before);
}

void AppTest::samplesAreThere() {
  QVERIFY(sample_texts().size() >= 6);
  QVERIFY(sample_images().size() >= 4);
  bool chinese = false;
  for (const QString& t : sample_texts()) {
    QFile f(t);
    QVERIFY(f.open(QIODevice::ReadOnly));
    chinese = chinese || QString::fromUtf8(f.readAll()).contains(QChar(0x6CE8));  // 注
  }
  QVERIFY(chinese);
}

void AppTest::aboutNamesVersionsAndModelLicences() {
  const QString about = about_text();
  QVERIFY2(about.contains(QStringLiteral(ATTNSCOPE_VERSION)) && about.contains(QStringLiteral("Qt " QT_VERSION_STR)), qPrintable(about));
  // The licences come from the built-in models' SOURCE.md files.
  QVERIFY2(about.contains("<b>stories260K</b>: MIT") && about.contains("<b>vit-tiny</b>: Apache-2.0"), qPrintable(about));
  QVERIFY(about.contains("Eigen 3.") && about.contains("OpenCV 4."));
  Session session;
  MainWindow w(&session);
  QStringList menus;
  for (QAction* a : w.menuBar()->actions()) menus << a->text();
  QVERIFY2(menus.contains("&Help"), qPrintable(menus.join(" ")));
}

void AppTest::launchSelectionOutsideTheModelIsReported() {
  Session session;
  MainWindow w(&session);
  w.show();
  LaunchOptions o;
  o.model = test::builtinPath("stories260K");
  o.text = "Once upon a time";
  o.run = true;
  o.layer = 9;  // stories260K: 5 layers x 8 heads
  o.head = 7;
  QSignalSpy finished(&session, &Session::runFinished);
  w.applyLaunchOptions(o);
  QVERIFY(finished.wait(30000));
  QCOMPARE(session.document()->state().layer, 4);
  QCOMPARE(session.document()->state().head, 7);
  auto* bar = w.findChild<MessageBar*>();
  QVERIFY(bar && bar->isVisible());
  QVERIFY2(bar->text().contains("--layer 9: the model has 5 layers, layer 4 is shown") && !bar->text().contains("--head"),
           qPrintable(bar->text()));
}

QTEST_MAIN(AppTest)
#include "ui_app_test.moc"
