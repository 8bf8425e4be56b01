#include "ui/app/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <QDir>
#include <QFileDialog>
#include <QInputDialog>
#include <QLineEdit>
#include <QImageReader>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStandardPaths>

#include "ui/app/app_identity.h"
#include "ui/app/language.h"
#include "ui/app/message_bar.h"
#include "ui/dialogs/batch_export_dialog.h"
#include "ui/dialogs/export_figure_dialog.h"
#include "ui/dialogs/memory_budget_dialog.h"
#include "ui/export/figures.h"
#include "ui/app/samples.h"
#include "ui/app/session.h"
#include "ui/panels/controls_bar.h"
#include "ui/panels/input_panel.h"
#include "ui/panels/model_panel.h"
#include "ui/views/cost_view.h"
#include "ui/views/compare_view.h"
#include "ui/views/cross_view.h"
#include "ui/views/generation_view.h"
#include "ui/views/heads_view.h"
#include "ui/views/inside_head_view.h"
#include "ui/views/image_view.h"
#include "ui/views/lines_view.h"
#include "ui/views/matrix_view.h"
#include "ui/views/overview_view.h"
#include "ui/views/text_view.h"
#include "ui/views/lens_view.h"
#include "ui/views/prediction_view.h"
#include "ui/views/welcome_view.h"
#include "ui/dialogs/download_dialog.h"

namespace attnscope::ui {

MainWindow::MainWindow(Session* session, QWidget* parent) : QMainWindow(parent), session_(session) {
  setWindowTitle(tr("Attnscope"));
  // The numbers under the cursor are read while another window (an editor, a paper) has the focus.
  setAttribute(Qt::WA_AlwaysShowToolTips);
  AnalysisDocument* doc = session_->document();

  auto* central = new QWidget;
  auto* cl = new QVBoxLayout(central);
  cl->setContentsMargins(4, 4, 4, 4);
  message_bar_ = new MessageBar;
  cl->addWidget(message_bar_);
  center_ = new QStackedWidget;
  welcome_ = new WelcomeView(session_);
  tabs_ = new QTabWidget;
  tabs_->setObjectName("views");
  tabs_->setDocumentMode(true);
  matrix_ = new MatrixView(doc);
  auto* heads = new HeadsView(doc);
  connect(heads, &HeadsView::inductionRequested, session_, &Session::computeInduction);
  connect(heads, &HeadsView::corpusInputRequested, session_, &Session::openCorpusInput);
  auto* inside = new InsideHeadView(doc);
  connect(inside, &InsideHeadView::internalsNeeded, session_, &Session::captureInternals);
  auto* cost = new CostView(doc);
  connect(cost, &CostView::measureRequested, session_, [this](int max_length) {
    CostSweepOptions o;
    o.max_seq = max_length;
    session_->measureCost(o);
  });
  auto* generation = new GenerationView(doc);
  connect(generation, &GenerationView::generateRequested, session_, &Session::generate);
  auto* compare = new CompareView(doc);
  connect(compare, &CompareView::keepRequested, session_, &Session::keepAsReference);
  connect(compare, &CompareView::clearRequested, session_, &Session::clearReference);
  const std::pair<ViewKind, std::pair<QWidget*, QString>> views[] = {
      {ViewKind::Matrix, {matrix_, tr("Matrix")}},
      {ViewKind::Lines, {new LinesView(doc), tr("Lines")}},
      {ViewKind::Overview, {new OverviewView(doc), tr("Overview")}},
      {ViewKind::Text, {new TextView(doc), tr("Text")}},
      {ViewKind::Image, {new ImageView(doc), tr("Image")}},
      {ViewKind::Heads, {heads, tr("Heads")}},
      {ViewKind::Prediction, {new PredictionView(doc), tr("Prediction")}},
      {ViewKind::Inside, {inside, tr("Inside the head")}},
      {ViewKind::Cost, {cost, tr("Cost")}},
      {ViewKind::Cross, {new CrossView(doc), tr("Cross-attention")}},
      {ViewKind::Generation, {generation, tr("Generation")}},
      {ViewKind::Compare, {compare, tr("Compare")}},
      {ViewKind::Lens, {new LensView(doc), tr("Lens")}},
  };
  for (const auto& [kind, view] : views) {
    view.first->setProperty("viewKind", int(kind));
    view.first->setFocusPolicy(Qt::StrongFocus);
    tabs_->addTab(view.first, view.second);
  }
  center_->addWidget(welcome_);
  center_->addWidget(tabs_);
  cl->addWidget(center_, 1);
  setCentralWidget(central);

  models_ = new ModelPanel(session_);
  auto* model_dock = new QDockWidget(tr("Models"), this);
  model_dock->setObjectName("modelsDock");
  model_dock->setWidget(models_);
  addDockWidget(Qt::LeftDockWidgetArea, model_dock);
  input_ = new InputPanel(doc);
  auto* input_dock = new QDockWidget(tr("Input"), this);
  input_dock->setObjectName("inputDock");
  input_dock->setWidget(input_);
  addDockWidget(Qt::LeftDockWidgetArea, input_dock);

  controls_ = new ControlsBar(doc);
  auto* toolbar = addToolBar(tr("Selection"));
  toolbar->setObjectName("selectionToolbar");
  toolbar->addWidget(controls_);

  status_ = new QLabel;
  status_->setObjectName("statusText");
  progress_ = new QProgressBar;
  progress_->setObjectName("runProgress");
  progress_->setMaximumWidth(220);
  progress_->setTextVisible(true);
  progress_->hide();
  cancel_ = new QToolButton;
  cancel_->setText(tr("Cancel"));
  cancel_->setToolTip(tr("Stop the run (Esc); the previous result stays"));
  cancel_->hide();
  statusBar()->addWidget(status_, 1);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);

  buildMenus();

  connect(models_, &ModelPanel::openRequested, session_, &Session::openModel);
  connect(input_, &InputPanel::runRequested, this, &MainWindow::runCurrentInput);
  connect(input_, &InputPanel::problem, this, [this](const QString& m) { message_bar_->showMessage(m, Severity::Error); });
  connect(welcome_, &WelcomeView::openModelRequested, models_, &ModelPanel::chooseFolder);
  connect(welcome_, &WelcomeView::downloadRequested, this, &MainWindow::downloadModel);
  connect(models_, &ModelPanel::downloadRequested, this, &MainWindow::downloadModel);
  connect(welcome_, &WelcomeView::sampleTextChosen, this, &MainWindow::openSampleText);
  connect(welcome_, &WelcomeView::sampleImageChosen, this, &MainWindow::openSampleImage);
  connect(welcome_, &WelcomeView::launchRequested, this, &MainWindow::applyLaunchOptions);
  connect(cancel_, &QToolButton::clicked, session_, &Session::cancel);
  connect(session_, &Session::message, message_bar_, &MessageBar::showMessage);
  connect(session_, &Session::status, status_, &QLabel::setText);
  connect(session_, &Session::busyChanged, this, [this](bool busy) {
    progress_->setVisible(busy);
    cancel_->setVisible(busy);
    if (busy) progress_->setRange(0, 0);
  });
  connect(session_, &Session::progress, this, [this](int done, int total, const QString& stage) {
    progress_->setRange(0, std::max(total, 1));
    progress_->setValue(done);
    progress_->setFormat(stage.isEmpty() ? QString("%v/%m") : stage);
  });
  connect(doc, &AnalysisDocument::analysisChanged, this, [this, doc] {
    center_->setCurrentWidget(doc->hasAnalysis() || doc->corpus() ? static_cast<QWidget*>(tabs_) : welcome_);
    if (doc->hasAnalysis()) message_bar_->hide();
  });
  connect(doc, &AnalysisDocument::corpusChanged, this, [this, doc] {
    // A corpus is shown in the Heads view even before any model has run.
    if (doc->corpus()) center_->setCurrentWidget(tabs_);
  });
  connect(doc, &AnalysisDocument::analyzerChanged, this, [this, doc] {
    const QString name = doc->modelName();
    setWindowTitle(name.isEmpty() ? tr("Attnscope") : tr("%1 — Attnscope").arg(name));
    if (doc->analyzer()) {
      // Only the views that mean something for this model: no Text tab for a photo.
      const ModelInfo& info = doc->analyzer()->info();
      doc->setView(applicable_view(doc->state().view, info));  // before its tab may disappear
      for (int i = 0; i < tabs_->count(); ++i) {
        const bool applies = view_applies(ViewKind(tabs_->widget(i)->property("viewKind").toInt()), info);
        tabs_->setTabVisible(i, applies);
        if (i < view_actions_.size()) view_actions_[i]->setVisible(applies);
      }
    }
    if (pending_launch_) {
      const LaunchOptions o = *pending_launch_;
      pending_launch_.reset();
      if (o.run) runCurrentInput();
    }
  });
  connect(session_, &Session::runFinished, this, [this] { tabs_->currentWidget()->setFocus(); });
  connect(session_, &Session::memoryChoiceNeeded, this, [this](const MemoryQuestion& q) {
    MemoryBudgetDialog dialog(q, this);
    if (dialog.exec() == QDialog::Accepted) session_->runWithinBudget(dialog.layers());
  });
  connect(session_, &Session::inputRestored, this,
          [this](const QString& text, const QString& pair, const QString& image, const QString& target, int generate) {
            if (!image.isEmpty()) input_->setImage(image);
            else input_->setText(text);
            input_->setTextPair(pair);
            if (!target.isEmpty()) input_->setTarget(target);
            else if (generate > 0) input_->setGenerateTokens(generate);
          });
  connect(session_, &Session::imageSizeRestored, input_, &InputPanel::setImageSize);
  connect(doc, &AnalysisDocument::stateChanged, this, [this, doc] {
    QWidget* w = view(doc->state().view);
    if (w && tabs_->currentWidget() != w) tabs_->setCurrentWidget(w);
  });
  connect(tabs_, &QTabWidget::currentChanged, this, [this, doc](int i) {
    if (i >= 0) doc->setView(ViewKind(tabs_->widget(i)->property("viewKind").toInt()));
  });

  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  if (!settings.contains("window/geometry")) resize(1280, 820);
  ColorMapId cmap;
  if (parse(settings.value("view/colorMap").toString(), cmap)) doc->setColorMap(cmap);
}

QWidget* MainWindow::view(ViewKind kind) const {
  for (int i = 0; i < tabs_->count(); ++i)
    if (tabs_->widget(i)->property("viewKind").toInt() == int(kind)) return tabs_->widget(i);
  return nullptr;
}

void MainWindow::showView(ViewKind kind) {
  if (QWidget* w = view(kind)) tabs_->setCurrentWidget(w);
}

void MainWindow::buildMenus() {
  AnalysisDocument* doc = session_->document();
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open_model = file->addAction(tr("Open &model folder…"), models_, &ModelPanel::chooseFolder);
  open_model->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  QAction* open_any = file->addAction(tr("&Open…"), this, &MainWindow::openAny);
  QAction* download = file->addAction(tr("&Download model…"), this, &MainWindow::downloadModel);
  download->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
  open_any->setShortcut(QKeySequence::Open);
  open_any->setToolTip(tr("A figure's .attnscope.json (restores its view), an image or a text file"));
  file->addAction(tr("Open &image…"), input_, &InputPanel::chooseImage);
  file->addAction(tr("Open &text file…"), input_, &InputPanel::chooseTextFile);
  QAction* paste = file->addAction(tr("&Paste image"), input_, &InputPanel::pasteImage);
  paste->setShortcut(QKeySequence(tr("Ctrl+Shift+V")));
  QMenu* samples = file->addMenu(tr("&Samples"));
  for (const QString& t : sample_texts()) samples->addAction(sample_title(t), this, [this, t] { openSampleText(t); });
  samples->addSeparator();
  for (const QString& i : sample_images()) samples->addAction(sample_title(i), this, [this, i] { openSampleImage(i); });
  QMenu* recent = file->addMenu(tr("&Recent models"));
  auto fill_recent = [this, recent] {
    recent->clear();
    for (const QString& r : session_->recentModels()) recent->addAction(r, session_, [this, r] { session_->openModel(r); });
    recent->setEnabled(!session_->recentModels().isEmpty());
  };
  connect(session_, &Session::recentModelsChanged, this, fill_recent);
  fill_recent();
  file->addSeparator();
  QAction* export_view = file->addAction(tr("&Export view…"), this, &MainWindow::exportView);
  export_view->setShortcut(QKeySequence(tr("Ctrl+E")));
  QAction* batch = file->addAction(tr("&Batch export…"), this, &MainWindow::batchExport);
  batch->setShortcut(QKeySequence(tr("Ctrl+Shift+B")));
  QAction* data = file->addAction(tr("Export &data…"), this, &MainWindow::exportData);
  data->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
  file->addAction(tr("Export head &statistics…"), this, &MainWindow::exportHeadStats);
  QMenu* corpus = file->addMenu(tr("&Corpus statistics"));
  corpus->setToolTip(tr("Head statistics over many inputs (attnscope-cli batch / merge), shown in the Heads view"));
  corpus->addAction(tr("Open &result folder…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Result folder of attnscope-cli batch"), exportFolder());
    if (!dir.isEmpty()) session_->openCorpus({dir});
  });
  corpus->addAction(tr("Open &summary file…"), this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Summary of attnscope-cli merge"), exportFolder(), tr("Summaries (*.csv *.json)"));
    if (!f.isEmpty()) session_->openCorpus({f});
  });
  corpus->addAction(tr("Run a &batch on a JSONL file…"), this, [this] {
    const QString in = QFileDialog::getOpenFileName(this, tr("Inputs, one JSON object per line"), exportFolder(), tr("JSON lines (*.jsonl *.json);;All files (*)"));
    if (in.isEmpty()) return;
    const QFileInfo fi(in);
    const QString out = QFileDialog::getExistingDirectory(this, tr("Folder for the results (a re-run resumes there)"), fi.absolutePath());
    if (!out.isEmpty()) session_->runCorpusBatch(in, out);
  });
  for (QAction* a : {export_view, batch, data}) a->setEnabled(false);
  connect(session_->document(), &AnalysisDocument::analysisChanged, this, [this, export_view, batch, data] {
    for (QAction* a : {export_view, batch, data}) a->setEnabled(session_->document()->hasAnalysis());
  });
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  QAction* run_action = run->addAction(tr("&Run"), this, &MainWindow::runCurrentInput);
  run_action->setObjectName("runAction");
  run_action->setShortcut(QKeySequence(tr("Ctrl+R")));
  QAction* cancel = run->addAction(tr("&Cancel"), session_, &Session::cancel);
  cancel->setShortcut(QKeySequence(Qt::Key_Escape));
  run->addSeparator();
  QAction* keep = run->addAction(tr("&Keep as reference for Compare"), session_, &Session::keepAsReference);
  keep->setObjectName("keepReferenceAction");
  keep->setShortcut(QKeySequence(tr("Ctrl+Shift+K")));
  run->addAction(tr("C&lear the reference"), session_, &Session::clearReference);
  run->addSeparator();
  run->addAction(tr("&Memory budget…"), this, [this] {
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Memory budget"),
                                               tr("Largest memory a run may hold for its results, e.g. 4G or 512M.\n"
                                                  "Longer runs ask to capture fewer layers. Empty: half the machine's RAM."),
                                               QLineEdit::Normal, session_->memoryBudgetText(), &ok);
    if (ok) session_->setMemoryBudgetText(text);
  });

  QMenu* view_menu = menuBar()->addMenu(tr("&View"));
  for (int i = 0; i < tabs_->count(); ++i) {
    QAction* a = view_menu->addAction(tabs_->tabText(i), this, [this, i] { tabs_->setCurrentIndex(i); });
    a->setShortcut(QKeySequence(QString("Ctrl+%1").arg(i + 1)));
    view_actions_ << a;
  }
  view_menu->addSeparator();
  // Arrow keys step heads and layers while a view has the focus (the text editor keeps them).
  struct Step {
    Qt::Key key;
    QString text;
    std::function<void()> fn;
  };
  const Step steps[] = {{Qt::Key_Right, tr("Next head"), [doc] { doc->stepHead(+1); }},
                        {Qt::Key_Left, tr("Previous head"), [doc] { doc->stepHead(-1); }},
                        {Qt::Key_Down, tr("Next layer"), [doc] { doc->stepLayer(+1); }},
                        {Qt::Key_Up, tr("Previous layer"), [doc] { doc->stepLayer(-1); }}};
  for (const auto& s : steps) {
    auto* a = new QAction(s.text, tabs_);
    a->setShortcut(QKeySequence(s.key));
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(a, &QAction::triggered, this, s.fn);
    tabs_->addAction(a);
    view_menu->addAction(a);
  }
  view_menu->addSeparator();
  view_menu->addAction(findChild<QDockWidget*>("modelsDock")->toggleViewAction());
  view_menu->addAction(findChild<QDockWidget*>("inputDock")->toggleViewAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Attnscope"), this, [this] { QMessageBox::about(this, tr("About Attnscope"), about_text()); });
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

  // Language: names in their own language, so that either can be found in the other.
  QMenu* language = view_menu->addMenu(tr("&Language"));
  auto* group = new QActionGroup(language);
  const std::pair<QString, QString> choices[] = {
      {QString(), tr("System default")}, {"en", QStringLiteral("English")}, {"zh_CN", QString::fromUtf8("简体中文")}};
  for (const auto& [code, name] : choices) {
    QAction* a = language->addAction(name);
    a->setObjectName("language-" + (code.isEmpty() ? QString("system") : code));
    a->setCheckable(true);
    a->setChecked(chosen_language() == code);
    group->addAction(a);
    connect(a, &QAction::triggered, this, [this, code = code] {
      set_ui_language(code);
      // Both languages, since the choice may be one the user does not read yet.
      message_bar_->showMessage(tr("The language changes when Attnscope starts again.") +
                                    (ui_language() == "zh_CN" || code == "zh_CN" ? QString::fromUtf8("  语言将在重新启动 Attnscope 后更改。")
                                                                                 : QString()),
                                Severity::Info);
    });
  }
}

void MainWindow::runCurrentInput() {
  if (session_->busy()) return;
  if (input_->imageMode()) {
    if (input_->imagePath().isEmpty()) {
      message_bar_->showMessage(tr("Choose an image first (File ▸ Open image…, drag and drop, or paste)."), Severity::Error);
      return;
    }
    QString why;
    const auto size = input_->imageSize(&why);
    if (!why.isEmpty()) {
      message_bar_->showMessage(why, Severity::Error);
      return;
    }
    session_->runImage(input_->imagePath(), size);
  } else {
    session_->runText(input_->text(), input_->textPair(), input_->target(), input_->generateTokens());
  }
}

void MainWindow::openSampleText(const QString& path) {
  if (!input_->loadTextFile(path)) return;
  if (session_->document()->analyzer() && !input_->imageMode()) runCurrentInput();
}

void MainWindow::openSampleImage(const QString& path) {
  if (!input_->setImage(path)) return;
  if (session_->document()->analyzer() && input_->imageMode()) runCurrentInput();
  else if (!input_->imageMode()) message_bar_->showMessage(tr("The open model reads text; open an image model to run this photo."), Severity::Info);
}

void MainWindow::downloadModel() {
  if (auto* open = findChild<DownloadDialog*>()) {
    open->raise();
    open->activateWindow();
    return;
  }
  auto* dialog = new DownloadDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &DownloadDialog::modelDownloaded, this, [this](const QString& repo) {
    models_->refresh();
    session_->openModel(repo);
  });
  dialog->show();
}

void MainWindow::openAny() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open"), last_export_dir_,
      tr("Attnscope figures (*.attnscope.json);;Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;Text (*.txt *.md);;All files (*)"));
  if (path.isEmpty()) return;
  const QString lower = path.toLower();
  if (lower.endsWith(".attnscope.json")) session_->openSidecar(path);
  else if (QImageReader(path).canRead()) input_->setImage(path);
  else input_->loadTextFile(path);
}

QString MainWindow::exportFolder() const {
  if (!last_export_dir_.isEmpty()) return last_export_dir_;
  const QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
  return QDir(pictures).exists() ? pictures : QDir::homePath();
}

void MainWindow::exportView() {
  AnalysisDocument* doc = session_->document();
  if (!doc->hasAnalysis()) return;
  const ViewKind view = doc->state().view;
  // Default size: the view as it is on screen (96 px per inch), so the figure looks like the window.
  QWidget* w = this->view(view);
  const QSizeF inches = w ? QSizeF(w->width(), w->height()) / 96.0 : QSizeF();
  ExportFigureDialog dialog(view, inches, session_->exports()->pageSizesInches(view),
                            QDir(exportFolder()).filePath(figure_stem(doc->state(), view) + ".png"), this);
  if (dialog.exec() != QDialog::Accepted) return;
  FigureExportOptions o = dialog.options();
  if (QFileInfo::exists(o.path)) {
    if (QMessageBox::question(this, tr("Replace?"), tr("%1 exists. Replace it?").arg(QFileInfo(o.path).fileName())) != QMessageBox::Yes) return;
    o.overwrite = true;
  }
  last_export_dir_ = QFileInfo(o.path).absolutePath();
  const QString error = session_->exports()->exportFigure(o);
  if (error.isEmpty()) status_->setText(tr("Exported %1").arg(QDir::toNativeSeparators(o.path)));
  else message_bar_->showMessage(tr("Export failed: %1").arg(error), Severity::Error);
}

void MainWindow::batchExport() {
  AnalysisDocument* doc = session_->document();
  if (!doc->hasAnalysis()) return;
  BatchExportDialog dialog(doc->state().view, doc->state().layer, exportFolder(), this);
  if (dialog.exec() != QDialog::Accepted) return;
  ExportController* ex = session_->exports();
  QDir().mkpath(dialog.folder());
  const QStringList existing = ex->existingBatchFiles(dialog.scope(), dialog.view(), dialog.folder(), dialog.format(), dialog.overview());
  bool overwrite = false;
  if (!existing.isEmpty()) {
    if (QMessageBox::question(this, tr("Replace?"), tr("%n file(s) in the folder would be replaced. Continue?", nullptr, existing.size())) !=
        QMessageBox::Yes)
      return;
    overwrite = true;
  }
  last_export_dir_ = dialog.folder();
  BatchExporter* batch =
      ex->startBatch(dialog.scope(), dialog.view(), dialog.folder(), dialog.format(), dialog.dpi(), dialog.overview(), dialog.sidecars(), overwrite);
  auto* progress = new QProgressDialog(tr("Exporting figures…"), tr("Cancel"), 0, 1, this);
  progress->setObjectName("batchProgress");
  progress->setWindowModality(Qt::WindowModal);
  progress->setMinimumDuration(300);
  connect(progress, &QProgressDialog::canceled, batch, &BatchExporter::cancel);
  connect(batch, &BatchExporter::progress, progress, [progress](int done, int total, const QString& file) {
    progress->setMaximum(total);
    progress->setValue(done);
    progress->setLabelText(file);
  });
  connect(batch, &BatchExporter::finished, this, [this, progress](const QStringList& written, const QString& error) {
    progress->deleteLater();
    if (error.isEmpty()) status_->setText(tr("Exported %n figure(s)", nullptr, written.size()));
    else message_bar_->showMessage(tr("Batch export stopped after %n figure(s): %1", nullptr, written.size()).arg(error),
                                   error == tr("cancelled") ? Severity::Info : Severity::Error);
  });
}

void MainWindow::exportData() {
  if (!session_->document()->hasAnalysis()) return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export data"), QDir(exportFolder()).filePath("attention.npz"),
                                                    tr("NumPy (*.npz);;safetensors (*.safetensors);;JSON (*.json)"));
  if (path.isEmpty()) return;  // the file dialog has asked before replacing a file
  last_export_dir_ = QFileInfo(path).absolutePath();
  const QString error = session_->exports()->exportData(path, true);
  if (error.isEmpty()) status_->setText(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
  else message_bar_->showMessage(tr("Export failed: %1").arg(error), Severity::Error);
}

void MainWindow::exportHeadStats() {
  if (!session_->document()->hasAnalysis()) return;
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export head statistics"), QDir(exportFolder()).filePath("head-stats.csv"), tr("CSV (*.csv);;JSON (*.json)"));
  if (path.isEmpty()) return;
  last_export_dir_ = QFileInfo(path).absolutePath();
  const QString error = session_->exports()->exportHeadStats(path, true);
  if (error.isEmpty()) status_->setText(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
  else message_bar_->showMessage(tr("Export failed: %1").arg(error), Severity::Error);
}

void MainWindow::applyLaunchOptions(const LaunchOptions& o) {
  AnalysisDocument* doc = session_->document();
  if (!o.text.isEmpty()) input_->setText(o.text);
  if (!o.text_file.isEmpty()) input_->loadTextFile(o.text_file);
  if (!o.text_b.isEmpty()) input_->setTextPair(o.text_b);
  if (!o.image.isEmpty()) input_->setImage(o.image);
  if (o.image_size) input_->setImageSize(o.image_size);
  if (!o.target.isEmpty()) input_->setTarget(o.target);
  if (o.generate) input_->setGenerateTokens(*o.generate);
  ViewState s = doc->state();
  if (o.view) s.view = *o.view;
  if (o.layer) s.layer = *o.layer;
  if (o.head) {
    s.head = *o.head;
    s.head_mode = HeadMode::Single;
  }
  if (o.method) s.method = *o.method;
  if (!o.statistic.isEmpty()) s.statistic = o.statistic;
  // Applied now and again once a result exists (the clamps need the model's shape).
  doc->setState(s);
  if (o.layer || o.head || o.view || o.method || !o.statistic.isEmpty()) {
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(doc, &AnalysisDocument::analysisChanged, this, [this, doc, s, o, connection] {
      if (!doc->hasAnalysis()) return;  // the model's opening clears the result: wait for the run's
      doc->setState(s);
      QObject::disconnect(*connection);
      // The document clamps what the model does not have; say so rather than show another head.
      QStringList clamped;
      if (o.layer && *o.layer >= doc->numLayers())
        clamped << tr("--layer %1: the model has %2 layers, layer %3 is shown").arg(*o.layer).arg(doc->numLayers()).arg(doc->state().layer);
      if (o.head && *o.head >= doc->numHeads())
        clamped << tr("--head %1: the model has %2 heads, head %3 is shown").arg(*o.head).arg(doc->numHeads()).arg(doc->state().head);
      if (!clamped.isEmpty()) message_bar_->showMessage(clamped.join("; "), Severity::Warning);
    });
  }
  if (o.view) showView(*o.view);
  if (!o.model.isEmpty()) {
    pending_launch_ = o;
    session_->openModel(o.model);
  }
  if (!o.corpus.isEmpty()) session_->openCorpus(o.corpus);  // after the model's open and run, which it waits for
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  settings.setValue("view/colorMap", to_string(session_->document()->state().color_map));
  QMainWindow::closeEvent(event);
}

}  // namespace attnscope::ui
