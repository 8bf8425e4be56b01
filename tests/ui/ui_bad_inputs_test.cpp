// The window offscreen against a representative set of the bad inputs of tests/cli/bad_inputs_test:
// each one shows its message in the message bar, the app keeps running, and the model and the
// result that were on screen before stay.
#include <sys/stat.h>

#include <functional>

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QLabel>
#include <QTimer>

#include "tests/support/bad_inputs.h"
#include "tests/ui/ui_test_support.h"
#include "ui/app/main_window.h"
#include "ui/app/message_bar.h"
#include "ui/panels/input_panel.h"

using namespace attnscope;
using namespace attnscope::ui;
namespace fs = std::filesystem;
using namespace std::string_literals;

namespace {

struct Case {
  const char* name;
  std::function<QString(const fs::path& dir)> make;  // builds the model folder or the input, returns its path
  QString message;                                    // must appear in the message bar
};

QString path(const fs::path& p) { return QString::fromStdString(p.string()); }

std::function<QString(const fs::path&)> stories(std::function<void(const fs::path&)> damage) {
  return [damage](const fs::path& dir) {
    const fs::path m = test::copy_model("stories260K", dir);
    damage(m);
    return path(m);
  };
}

std::function<QString(const fs::path&)> image(const std::string& name, std::function<std::string()> bytes) {
  return [name, bytes](const fs::path& dir) {
    test::write_file(dir / name, bytes());
    return path(dir / name);
  };
}

void bomb(const fs::path& file) {
  std::string text = test::read_file(file);
  text.insert(text.find('{') + 1, "\"x_deep\": " + std::string(100000, '[') + std::string(100000, ']') + ", ");
  test::write_file(file, text);
}

void edit_tokenizer(const fs::path& m, const std::function<void(nlohmann::json&)>& edit) {
  auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
  edit(tj);
  test::write_file(m / "tokenizer.json", tj.dump());
}

}  // namespace

class BadInputsUiTest : public QObject {
  Q_OBJECT

 private slots:
  void brokenModelFoldersShowTheErrorAndKeepModelAndResult();
  void badTextInputsShowTheErrorAndKeepTheResult();
  void badImagesShowTheErrorAndOddImagesRun();
  void runOverTheMemoryBudgetIsRefusedInTheWindow();
  void fullDiskOnExportShowsTheErrorAndLeavesNoFile();

 private:
  // Opens `model` and runs `run` on it; returns the result the bad inputs must leave on screen.
  static AnalysisPtr openAndRun(Session& session, const QString& model, const std::function<void()>& run) {
    if (!test::openModel(session, model)) return nullptr;
    run();
    if (!test::waitIdle(session)) return nullptr;
    return session.document()->analysis();
  }

  // Expects the message bar to show an error containing `text` and the session idle.
  static void expectError(MainWindow& window, const QString& text) {
    QVERIFY(window.messageBar()->isVisibleTo(&window));
    QCOMPARE(window.messageBar()->severity(), Severity::Error);
    QVERIFY2(window.messageBar()->text().contains(text), qPrintable(window.messageBar()->text() + "\n  expected: " + text));
  }
};

void BadInputsUiTest::brokenModelFoldersShowTheErrorAndKeepModelAndResult() {
  ATTNSCOPE_QREQUIRE_SHARED();  // some rows damage bert-random
  Session session;
  MainWindow window(&session);
  const AnalysisPtr before = openAndRun(session, test::builtinPath("stories260K"), [&] { session.runText("the cat sat on the mat."); });
  const auto analyzer = session.document()->analyzer();
  QVERIFY(before && analyzer);

  const std::vector<Case> cases = {
      {"config-missing", stories([](const fs::path& m) { fs::remove(m / "config.json"); }), "no config.json"},
      {"config-invalid", stories([](const fs::path& m) { test::write_file(m / "config.json", "{\"model_type\": "); }),
       "config.json: invalid JSON"},
      {"billion-layers", stories([](const fs::path& m) { test::edit_config(m, [](nlohmann::json& c) { c["num_hidden_layers"] = 1000000000; }); }),
       "config.json: 'num_hidden_layers' must be an integer in [1, 1024], got 1000000000"},
      {"weights-missing", stories([](const fs::path& m) { fs::remove(m / "model.safetensors"); }), "no model.safetensors"},
      {"pickle-only",
       stories([](const fs::path& m) {
         fs::remove(m / "model.safetensors");
         test::write_file(m / "pytorch_model.bin", "cos\nsystem\n(S'touch " + (m / "PWNED").string() + "'\ntR.");
       }),
       "never loads pickle files"},
      {"truncated",
       stories([](const fs::path& m) { fs::resize_file(m / "model.safetensors", fs::file_size(m / "model.safetensors") / 2); }),
       "lie outside the data section"},
      {"header-over-100MB",
       stories([](const fs::path& m) {
         std::string b(8, '\0');
         const uint64_t n = (100ull << 20) + 1;
         std::memcpy(b.data(), &n, 8);
         test::write_file(m / "model.safetensors", b + "{}");
       }),
       "header length 104857601 bytes exceeds the limit"},
      {"overlap", stories([](const fs::path& m) {
         test::edit_safetensors(m / "model.safetensors", [](nlohmann::json& h, std::string&) {
           h["model.layers.1.input_layernorm.weight"]["data_offsets"] = h["model.layers.0.input_layernorm.weight"]["data_offsets"];
         });
       }),
       "overlap in the data section"},
      {"dtype", stories([](const fs::path& m) {
         test::edit_safetensors(m / "model.safetensors", [](nlohmann::json& h, std::string&) { h["model.norm.weight"]["dtype"] = "C64"; });
       }),
       "unsupported dtype 'C64'"},
      {"shard-outside", stories([](const fs::path& m) {
         fs::rename(m / "model.safetensors", m / "shard.safetensors");
         test::write_file(m / "model.safetensors.index.json", R"({"weight_map": {"model.norm.weight": "../../shard.safetensors"}})");
       }),
       "shard '../../shard.safetensors' is not a plain file name inside the model folder"},
      {"tokenizer-missing", stories([](const fs::path& m) { fs::remove(m / "tokenizer.json"); }), "no tokenizer files"},
      // Round two: each of these crashed the window (stack overflow), froze it or exhausted memory.
      {"config-depth-bomb", stories([](const fs::path& m) { bomb(m / "config.json"); }),
       "config.json: JSON nested more than 128 levels deep"},
      {"tokenizer-depth-bomb", stories([](const fs::path& m) { bomb(m / "tokenizer.json"); }),
       "tokenizer.json: JSON nested more than 128 levels deep"},
      {"metaspace-empty-replacement", stories([](const fs::path& m) {
         edit_tokenizer(m, [](nlohmann::json& tj) {
           tj["normalizer"] = nullptr;
           tj["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", ""}, {"prepend_scheme", "always"}, {"split", false}};
         });
       }),
       "pre_tokenizer.replacement: expected exactly one character"},
      {"huge-added-token-id", stories([](const fs::path& m) {
         edit_tokenizer(m, [](nlohmann::json& tj) { tj["added_tokens"].push_back({{"id", 99999999}, {"content", "<huge>"}}); });
       }),
       "has id 99999999 outside [0, 2097152)"},
      {"tokenizer-of-another-model", stories([](const fs::path& m) {
         edit_tokenizer(m, [](nlohmann::json& tj) { tj["added_tokens"].push_back({{"id", 600}, {"content", "<extra>"}}); });
       }),
       "tokenizer.json and config.json do not match"},
      {"preprocessor-depth-bomb",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("vit-tiny", dir);
         bomb(m / "preprocessor_config.json");
         return path(m);
       },
       "preprocessor_config.json: JSON nested more than 128 levels deep"},
      {"wordpiece-huge-max-chars",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("bert-random", dir);
         edit_tokenizer(m, [](nlohmann::json& tj) { tj["model"]["max_input_chars_per_word"] = 100000000; });
         return path(m);
       },
       "max_input_chars_per_word: expected an integer in [1, 1000]"},
      {"escape-sequences-in-config", stories([](const fs::path& m) {
         test::edit_config(m, [](nlohmann::json& c) { c["model_type"] = "\x1b[2Jllama"; });
       }),
       "unsupported model_type '\\x1B[2Jllama'"},
      {"vocab-duplicate",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("bert-random", dir);
         fs::remove(m / "tokenizer.json");
         test::write_file(m / "vocab.txt", test::read_file(m / "vocab.txt") + "the\n");
         return path(m);
       },
       "vocab.txt"},
  };
  for (const Case& c : cases) {
    const QString dir = c.make(test::scratch_dir(c.name));
    session.openModel(dir);
    QVERIFY(test::waitIdle(session));
    expectError(window, c.message);
    QVERIFY2(window.messageBar()->text().startsWith("Cannot open the model: "), c.name);
    QCOMPARE(session.document()->analyzer(), analyzer);  // the open model stays
    QCOMPARE(session.document()->analysis(), before);    // and its result
    QVERIFY2(!fs::exists(dir.toStdString() + "/PWNED"), "the pickle ran");
  }

  // NaN weights open with a warning; the model runs.
  const QString nan = stories([](const fs::path& m) {
    test::edit_safetensors(m / "model.safetensors", [](nlohmann::json& h, std::string& data) {
      const float bad = std::numeric_limits<float>::quiet_NaN();
      std::memcpy(data.data() + h["model.norm.weight"]["data_offsets"][0].get<size_t>(), &bad, sizeof bad);
    });
  })(test::scratch_dir("nan"));
  QVERIFY(test::openModel(session, nan));
  QCOMPARE(window.messageBar()->severity(), Severity::Warning);
  QVERIFY2(window.messageBar()->text().contains("weight 'model.norm.weight' contains NaN or Inf"), qPrintable(window.messageBar()->text()));
  session.runText("hello");
  QVERIFY(test::waitIdle(session));
  QVERIFY(session.document()->analysis() != before);
}

void BadInputsUiTest::badTextInputsShowTheErrorAndKeepTheResult() {
  Session session;
  MainWindow window(&session);
  const AnalysisPtr before = openAndRun(session, test::builtinPath("stories260K"), [&] { session.runText("the cat sat on the mat."); });
  QVERIFY(before);

  for (const auto& [text, message] : std::vector<std::pair<QString, QString>>{
           {"", "Cannot use this input: the input text is empty"},
           {" \t\n \n", "Cannot use this input: the input text contains only whitespace"}}) {
    session.runText(text);
    QVERIFY(test::waitIdle(session));
    expectError(window, message);
    QCOMPARE(session.document()->analysis(), before);
  }

  // Text files: invalid UTF-8 and a missing file are refused when opened; the editor keeps its text.
  const fs::path dir = test::scratch_dir("text-files");
  test::write_file(dir / "latin1.txt", "caf\xE9 au lait");
  fs::create_directory(dir / "a-folder");
  ::mkfifo((dir / "fifo").c_str(), 0600);  // nobody writes: opening it would freeze the window
  window.inputPanel()->setText("the cat sat on the mat.");
  for (const auto& [file, message] : std::vector<std::pair<fs::path, QString>>{
           {dir / "latin1.txt", "Cannot use this input: latin1.txt is not valid UTF-8 (byte 0xE9 at offset 3)"},
           {dir / "missing.txt", "missing.txt does not exist"},
           {dir / "a-folder", "a-folder is a folder, not a regular file"},
           {dir / "fifo", "fifo is a FIFO, not a regular file"},
           {"/dev/zero", "/dev/zero is a device, not a regular file"}}) {
    QVERIFY(!window.inputPanel()->loadTextFile(path(file)));
    expectError(window, message);
    QCOMPARE(window.inputPanel()->text(), QString("the cat sat on the mat."));
    QCOMPARE(session.document()->analysis(), before);
  }

  // A NUL character is a character: it runs, as the byte token <0x00>.
  session.runText(QString::fromUtf8("a\0b", 3));
  QVERIFY(test::waitIdle(session));
  QVERIFY(session.document()->analysis() != before);
  bool nul = false;
  for (const auto& t : session.document()->analysis()->encoding.tokens) nul = nul || t.text == "<0x00>";
  QVERIFY(nul);

  // 10 MB of text: truncated to the model's 512 positions with a warning.
  session.runText(QString::fromStdString(test::story(10 << 20)));
  QVERIFY(test::waitIdle(session, 120000));
  QCOMPARE(session.document()->seqLen(), 512);
  QCOMPARE(window.messageBar()->severity(), Severity::Warning);
  QVERIFY2(window.messageBar()->text().contains("to 512 tokens (limit 512)"), qPrintable(window.messageBar()->text()));
}

void BadInputsUiTest::badImagesShowTheErrorAndOddImagesRun() {
  ATTNSCOPE_QREQUIRE_SHARED();
  Session session;
  MainWindow window(&session);
  const AnalysisPtr before =
      openAndRun(session, test::sharedPath("models/dino-random"), [&] { session.runImage(test::sharedPath("samples/images/coffee.png")); });
  QVERIFY(before);

  const std::vector<Case> bad = {
      {"zero", image("empty.png", [] { return std::string(); }), "empty.png: the file is empty"},
      {"text", image("notes.jpg", [] { return std::string("not an image\n"); }), "notes.jpg: not a recognised image file"},
      {"corrupt", image("half.png", [] { const std::string p = test::rgb_png(64, 64); return p.substr(0, p.size() / 2); }),
       "half.png: corrupt PNG image"},
      {"huge", image("huge.png", [] { return test::png(20000, 10000, 8, 0, {std::string(20000, '\0')}); }),
       "huge.png: the image is 20000x10000 = 200 megapixels; at most 100 megapixels are accepted"},
      {"absurd", image("absurd.png", [] { return test::png(0xF34D7B8F, 0xFF7F0000, 8, 0, {std::string(1, '\0')}); }),
       "at most 100 megapixels are accepted"},
  };
  for (const Case& c : bad) {
    session.runImage(c.make(test::scratch_dir(c.name)));
    QVERIFY(test::waitIdle(session));
    expectError(window, "Cannot use this input: ");
    expectError(window, c.message);
    QCOMPARE(session.document()->analysis(), before);
  }

  const std::vector<std::pair<const char*, std::string>> odd = {
      {"grey16.png", test::png(2, 2, 16, 0, {"\x01\x00\x00\x40"s, "\xff\xff\x00\x00"s})},
      {"rgba.png", test::png(2, 1, 8, 6, {"\x10\x20\x30\x00\x40\x50\x60\xff"s})},
      {"palette.png", test::png(3, 1, 8, 3, {"\x00\x01\x02"s}, {{"PLTE", "\xff\x00\x00\x00\xff\x00\x00\x00\xff"s}})},
      {"one.png", test::png(1, 1, 8, 0, {"\x80"})},
  };
  const fs::path dir = test::scratch_dir("odd");
  for (const auto& [name, bytes] : odd) {
    test::write_file(dir / name, bytes);
    const AnalysisPtr previous = session.document()->analysis();
    session.runImage(path(dir / name));
    QVERIFY(test::waitIdle(session));
    QVERIFY2(session.document()->analysis() != previous, name);
    QCOMPARE(session.document()->seqLen(), 1 + 14 * 14);
  }
}

void BadInputsUiTest::runOverTheMemoryBudgetIsRefusedInTheWindow() {
  Session session;
  MainWindow window(&session);
  // stories260K allowed 16M positions: a 1 MB text is ~300k tokens, terabytes of attention.
  const fs::path m = test::copy_model("stories260K", test::scratch_dir("huge-context"));
  test::edit_config(m, [](nlohmann::json& c) { c["max_position_embeddings"] = 1 << 24; });
  const AnalysisPtr before = openAndRun(session, path(m), [&] { session.runText("the cat sat on the mat."); });
  QVERIFY(before);
  // The window asks what to do instead (fewer layers, or all anyway); it is cancelled here.
  QString asked;
  QTimer answer;
  connect(&answer, &QTimer::timeout, [&] {
    if (auto* d = qobject_cast<QDialog*>(QApplication::activeModalWidget())) {
      answer.stop();
      for (const QLabel* l : d->findChildren<QLabel*>()) asked += l->text() + "\n";
      d->reject();
    }
  });
  answer.start(20);
  session.runText(QString::fromStdString(test::story(1 << 20)));
  QVERIFY(test::waitIdle(session, 120000));
  QVERIFY2(asked.contains("TiB") && asked.contains("more than the memory budget") && asked.contains("Nothing has been allocated"),
           qPrintable(asked));
  QCOMPARE(session.document()->analysis(), before);
}

void BadInputsUiTest::fullDiskOnExportShowsTheErrorAndLeavesNoFile() {
  Session session;
  MainWindow window(&session);
  window.show();
  const AnalysisPtr before =
      openAndRun(session, test::builtinPath("stories260K"), [&] { session.runText(QString::fromStdString(test::story(400))); });
  QVERIFY(before);
  QAction* action = nullptr;
  for (QAction* a : window.findChildren<QAction*>())
    if (a->text() == MainWindow::tr("Export &data…")) action = a;
  QVERIFY(action);

  // The file dialog is answered as soon as it opens; a file-size limit then makes the write fail
  // part-way, as a full disk does.
  const fs::path dir = test::scratch_dir("full");
  const QString target = path(dir / "attention.npz");
  QTimer answer;
  connect(&answer, &QTimer::timeout, [&] {
    if (auto* d = qobject_cast<QFileDialog*>(QApplication::activeModalWidget())) {
      answer.stop();
      d->selectFile(target);
      QMetaObject::invokeMethod(d, "accept");  // protected in QFileDialog
    }
  });
  answer.start(20);
  {
    const test::FileSizeLimit limit(64 * 1024);
    action->trigger();
  }
  expectError(window, "Export failed: ");
  expectError(window, "attention.npz: write failed: File too large (nothing was written)");
  QCOMPARE(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 0);
  QCOMPARE(session.document()->analysis(), before);
}

QTEST_MAIN(BadInputsUiTest)
#include "ui_bad_inputs_test.moc"
