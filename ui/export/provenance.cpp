#include "ui/export/provenance.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "ui/document/analysis_document.h"

namespace attnscope::ui {

QString file_sha256(const QString& path) {
  static QMutex mutex;
  static std::map<QString, std::pair<QDateTime, QString>> cache;
  const QFileInfo info(path);
  const QString key = info.absoluteFilePath();
  {
    QMutexLocker lock(&mutex);
    auto it = cache.find(key);
    if (it != cache.end() && it->second.first == info.lastModified()) return it->second.second;
  }
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  QCryptographicHash h(QCryptographicHash::Sha256);
  h.addData(&f);
  const QString hex = QString::fromLatin1(h.result().toHex());
  QMutexLocker lock(&mutex);
  cache[key] = {info.lastModified(), hex};
  return hex;
}

QString sidecar_path(const QString& figure_path) { return figure_path + ".attnscope.json"; }

QJsonObject provenance_json(const AnalysisDocument& doc, const ViewState& state, const FigureInfo& fig) {
  QJsonObject j;
  j["attnscope"] = QJsonObject{{"version", ATTNSCOPE_VERSION}, {"sidecar_format", 1}};
  j["created"] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
  QJsonObject figure{{"file", QFileInfo(fig.file).fileName()}, {"format", fig.format}, {"view", to_string(fig.view)},
                     {"width_in", fig.width_inches}, {"height_in", fig.height_inches}};
  if (fig.dpi > 0) figure["dpi"] = fig.dpi;
  j["figure"] = figure;

  const ModelInfo& info = doc.result() ? doc.result()->model : doc.analyzer()->info();
  QJsonObject model{{"folder", QFileInfo(doc.modelDir()).absoluteFilePath()},
                    {"model_type", QString::fromStdString(info.model_type)},
                    {"architecture", QString::fromStdString(info.architecture)}};
  QJsonArray weights;
  for (const QString& name : QDir(doc.modelDir()).entryList({"*.safetensors"}, QDir::Files, QDir::Name))
    weights.append(QJsonObject{{"file", name}, {"sha256", file_sha256(QDir(doc.modelDir()).filePath(name))}});
  model["weights"] = weights;
  j["model"] = model;
  if (fig.view == ViewKind::Generation && doc.generation()) {
    const GenerationData& g = *doc.generation();
    QJsonArray ids;
    for (int64_t id : g.generation.generated) ids.append(static_cast<qint64>(id));
    j["generation"] = QJsonObject{{"prompt", g.prompt},
                                  {"max_new_tokens", g.options.max_new_tokens},
                                  {"temperature", g.options.sampling.temperature},
                                  {"top_k", g.options.sampling.top_k},
                                  {"top_p", g.options.sampling.top_p},
                                  {"seed", QString::number(g.options.sampling.seed)},
                                  {"stop_at_eos", g.options.stop_at_eos},
                                  {"generated_ids", ids},
                                  {"stop_reason", QString::fromUtf8(to_string(g.generation.stop))},
                                  {"step", doc.generationStep()}};
  }
  if (fig.view == ViewKind::Compare && doc.reference()) {
    const Analysis& r = *doc.reference();
    j["reference"] = QJsonObject{{"model", doc.referenceModel()},
                                 {"folder", QString::fromStdString(r.model.dir.string())},
                                 {"text", QString::fromStdString(r.text)},
                                 {"tokens", r.seq_len()}};
  }
  if (!doc.result()) {  // a generation alone: no input was run
    QJsonObject view = to_json(state);
    view["view"] = to_string(fig.view);
    j["view"] = view;
    return j;
  }
  const Analysis& a = *doc.result();  // the whole run, whichever stack the view shows

  QJsonObject input;
  QJsonObject pre;
  if (a.model.modality == Modality::Text) {
    input["text"] = QString::fromStdString(a.text);
    if (!a.text_pair.empty()) input["text_pair"] = QString::fromStdString(a.text_pair);
    if (a.has_decoder() && !a.forward.decoder.generated.empty()) {
      input["generate"] = static_cast<int>(a.forward.decoder.generated.size());
    } else if (a.has_decoder()) {
      input["target"] = QString::fromStdString(a.target);
    }
    pre["tokenizer"] = doc.analyzer() && doc.analyzer()->tokenizer() ? QString::fromStdString(doc.analyzer()->tokenizer()->kind()) : QString();
    pre["tokens"] = a.seq_len();
    pre["truncated"] = a.encoding.truncated;
  } else {
    const QString image = QFileInfo(QString::fromStdString(a.image_path.string())).absoluteFilePath();
    input["image"] = image;
    input["image_sha256"] = file_sha256(image);
    if (a.image_size) input["image_size"] = QJsonArray{a.image_size->width, a.image_size->height};  // asked for; else the model's
    const ImageTransform& t = a.geometry.transform;
    pre["original_size"] = QJsonArray{t.original_width, t.original_height};
    pre["resized_size"] = QJsonArray{t.resized_width, t.resized_height};
    pre["crop"] = QJsonArray{t.crop_left, t.crop_top, t.input_width, t.input_height};
    pre["patch_size"] = a.geometry.patch_size;
    pre["grid"] = QJsonArray{a.geometry.rows, a.geometry.cols};
  }
  j["input"] = input;
  j["preprocessing"] = pre;
  QJsonObject view = to_json(state);
  view["view"] = to_string(fig.view);
  if (fig.zoom) view["zoom"] = QJsonArray{fig.zoom->left(), fig.zoom->right(), fig.zoom->top(), fig.zoom->bottom()};
  j["view"] = view;
  return j;
}

void write_sidecar(const AnalysisDocument& doc, const ViewState& state, const FigureInfo& figure, bool overwrite) {
  const QByteArray bytes = QJsonDocument(provenance_json(doc, state, figure)).toJson(QJsonDocument::Indented);
  AtomicFile out(sidecar_path(figure.file).toStdString(), overwrite);
  out.write(bytes.constData(), static_cast<size_t>(bytes.size()));
  out.commit();
}

Sidecar read_sidecar(const QString& path) {
  const std::string label = path.toStdString();
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) fail(ErrorKind::Input, label + ": cannot read: " + f.errorString().toStdString());
  QJsonParseError err;
  const QJsonDocument d = QJsonDocument::fromJson(f.readAll(), &err);
  if (!d.isObject()) fail(ErrorKind::Input, label + ": not a figure sidecar (" + err.errorString().toStdString() + ")");
  Sidecar s;
  s.json = d.object();
  if (!s.json["attnscope"].isObject()) fail(ErrorKind::Input, label + ": not an Attnscope figure sidecar (no \"attnscope\" object)");
  const QJsonObject model = s.json["model"].toObject();
  s.model_dir = model["folder"].toString();
  if (s.model_dir.isEmpty()) fail(ErrorKind::Input, label + ": model.folder is missing");
  const QJsonArray weights = model["weights"].toArray();
  if (!weights.isEmpty()) s.weights_sha256 = weights.first().toObject()["sha256"].toString();
  const QJsonObject input = s.json["input"].toObject();
  s.text = input["text"].toString();
  s.text_pair = input["text_pair"].toString();
  s.image = input["image"].toString();
  s.target = input["target"].toString();
  s.generate = input["generate"].toInt(0);
  if (s.json["generation"].isObject()) {
    const QJsonObject g = s.json["generation"].toObject();
    Sidecar::Generation r;
    r.prompt = g["prompt"].toString();
    r.options.max_new_tokens = std::clamp(g["max_new_tokens"].toInt(20), 1, 100000);
    r.options.sampling.temperature = std::max(0.0, g["temperature"].toDouble(0));
    r.options.sampling.top_k = std::max(0, g["top_k"].toInt(0));
    r.options.sampling.top_p = std::clamp(g["top_p"].toDouble(1), 1e-9, 1.0);
    r.options.sampling.seed = g["seed"].toString().toULongLong();
    r.options.stop_at_eos = g["stop_at_eos"].toBool(true);
    r.options.candidates = 10;
    r.step = g["step"].toInt(0);
    s.generation = r;
  }
  if (input.contains("image_size")) {
    const QJsonArray size = input["image_size"].toArray();
    const int w = size.size() == 2 ? size[0].toInt(0) : 0, h = size.size() == 2 ? size[1].toInt(0) : 0;
    if (w < 1 || h < 1 || w > 8192 || h > 8192)
      fail(ErrorKind::Input, label + ": input.image_size must be [width, height], each in 1-8192");
    s.image_size = ImageSize{w, h};
  }
  if (s.text.isEmpty() && s.image.isEmpty()) fail(ErrorKind::Input, label + ": input has neither text nor image");
  try {
    s.state = view_state_from_json(s.json["view"].toObject());
  } catch (const Error& e) {
    fail(ErrorKind::Input, label + ": " + e.what());
  }
  const QJsonArray zoom = s.json["view"].toObject()["zoom"].toArray();
  if (zoom.size() == 4) s.zoom = QRectF(QPointF(zoom[0].toDouble(), zoom[2].toDouble()), QPointF(zoom[1].toDouble(), zoom[3].toDouble()));
  return s;
}

}  // namespace attnscope::ui
