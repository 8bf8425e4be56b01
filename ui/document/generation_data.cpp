#include "ui/document/generation_data.h"

#include "core/common/error.h"

namespace attnscope::ui {

std::shared_ptr<const GenerationData> make_generation(const Analyzer& analyzer, const QString& prompt, const GenerationOptions& options,
                                                      const ProgressFn& progress) {
  if (!analyzer.tokenizer()) fail(ErrorKind::Model, "the model has no tokenizer to encode the prompt");
  const Tokenizer& tok = *analyzer.tokenizer();
  auto data = std::make_shared<GenerationData>();
  data->prompt = prompt;
  data->options = options;
  const Encoding enc = tok.encode(prompt.toStdString());
  data->generation = generate(analyzer.model(), enc.ids(), options, progress);
  for (const std::string& l : tok.display_tokens(enc.tokens)) data->labels << QString::fromStdString(l);
  for (int64_t id : data->generation.generated) data->labels << QString::fromStdString(tok.display(id));
  for (const GenerationStep& st : data->generation.steps) {
    QStringList c;
    for (const Prediction& p : st.candidates) c << QString::fromStdString(tok.display(p.id));
    data->candidates.push_back(c);
  }
  return data;
}

}  // namespace attnscope::ui
