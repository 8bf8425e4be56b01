#include "ui/app/launch_options.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include "core/common/error.h"

namespace attnscope::ui {

LaunchParse parse_launch_options(const QStringList& arguments) {
  LaunchParse out;
  QCommandLineParser p;
  p.setApplicationDescription(QCoreApplication::translate("attnscope", "Attnscope: see what a transformer attends to, head by head."));
  p.addHelpOption();
  p.addVersionOption();
  const QCommandLineOption model("model", "Open this Hugging Face model folder, a repo id in the Hugging Face cache (org/name[@revision]), or a built-in model: builtin:vit-tiny, builtin:stories260K.", "DIR");
  const QCommandLineOption text("text", "Input text.", "STR");
  const QCommandLineOption text_b("text-b", "Second segment of a sentence pair (BERT-style models).", "STR");
  const QCommandLineOption text_file("text-file", "Read the input text from a file.", "FILE");
  const QCommandLineOption image("image", "Input image.", "FILE");
  const QCommandLineOption size("size", "Image models: resize the image straight to WIDTHxHEIGHT (or N for NxN) instead of the model's preprocessing.", "WxH");
  const QCommandLineOption target("target", "Encoder-decoder models (T5): the target text, run with teacher forcing.", "STR");
  const QCommandLineOption generate("generate", "Encoder-decoder models (T5): decode greedily up to N tokens instead.", "N");
  const QCommandLineOption run("run", "Run the input as soon as the model is open.");
  const QCommandLineOption view("view", "Show this view: matrix, lines, overview, text, image, heads, prediction, lens, inside, cost, cross, generation, compare.", "NAME");
  const QCommandLineOption method("method", "Show this method: raw, rollout, flow, value-norm, norm-rollout, contributions, alti.", "NAME");
  const QCommandLineOption statistic("statistic", "The Heads view's statistic, e.g. entropy, previous_token, ablation.", "NAME");
  const QCommandLineOption layer("layer", "Select this layer (from 0).", "N");
  const QCommandLineOption head("head", "Select this head (from 0).", "N");
  const QCommandLineOption corpus("corpus", "Open corpus statistics in the Heads view: a result folder of attnscope-cli batch (repeat for several) or a summary file of merge.", "PATH");
  p.addOptions({model, text, text_b, text_file, image, size, target, generate, run, view, layer, head, method, statistic, corpus});
  if (!p.parse(arguments)) {
    out.error = p.errorText();
    return out;
  }
  if (p.isSet("help") || p.isSet("version")) {
    out.exit_now = true;
    if (p.isSet("help")) out.error = p.helpText();
    else out.error = QCoreApplication::applicationName() + " " + QCoreApplication::applicationVersion();
    return out;
  }
  LaunchOptions& o = out.options;
  o.model = p.value(model);
  o.text = p.value(text);
  o.text_b = p.value(text_b);
  o.text_file = p.value(text_file);
  o.image = p.value(image);
  o.run = p.isSet(run);
  o.corpus = p.values(corpus);
  const int inputs = int(p.isSet(text)) + int(p.isSet(text_file)) + int(p.isSet(image));
  if (inputs > 1) {
    out.error = "give only one of --text, --text-file and --image";
    return out;
  }
  if (p.isSet(text_b) && p.isSet(image)) {
    out.error = "--text-b is the second segment of a text pair; it does not go with --image";
    return out;
  }
  if (p.isSet(size)) {
    QString v = p.value(size);
    bool square = false;
    v.toInt(&square);
    try {
      o.image_size = parse_image_size((square ? v + "x" + v : v).toStdString(), "--size");
    } catch (const Error& e) {
      out.error = QString::fromStdString(e.what());
      return out;
    }
    if (!p.isSet(image)) {
      out.error = "--size needs --image";
      return out;
    }
  }
  if (p.isSet(view)) {
    ViewKind v;
    if (!parse(p.value(view), v)) {
      out.error = "--view: unknown view '" + p.value(view) +
                  "' (matrix, lines, overview, text, image, heads, prediction, lens, inside, cost, cross, generation, compare)";
      return out;
    }
    o.view = v;
  }
  if (p.isSet(method)) {
    Method m;
    if (!parse(p.value(method), m)) {
      out.error = "--method: unknown method '" + p.value(method) + "' (raw, rollout, flow, value-norm, norm-rollout, contributions, alti)";
      return out;
    }
    o.method = m;
  }
  o.statistic = p.value(statistic);
  auto number = [&](const QCommandLineOption& opt, std::optional<int>& dst) {
    if (!p.isSet(opt)) return true;
    bool ok = false;
    const int v = p.value(opt).toInt(&ok);
    if (!ok || v < 0) {
      out.error = "--" + opt.names().first() + ": '" + p.value(opt) + "' is not a non-negative number";
      return false;
    }
    dst = v;
    return true;
  };
  if (!number(layer, o.layer) || !number(head, o.head) || !number(generate, o.generate)) return out;
  o.target = p.value(target);
  if (p.isSet(target) && p.isSet(generate)) out.error = "give either --target or --generate, not both";
  if (o.run && inputs == 0) out.error = "--run needs an input (--text, --text-file or --image)";
  if (o.run && o.model.isEmpty()) out.error = "--run needs --model";
  return out;
}

}  // namespace attnscope::ui
