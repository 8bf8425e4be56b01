#pragma once

#include <memory>

#include "core/io/json_file.h"
#include "core/models/checkpoint.h"
#include "core/models/model.h"

namespace attnscope {

// The post-LayerNorm encoders of the BERT family, one loader per config.json model_type.
std::unique_ptr<Model> load_bert(const CheckpointFiles& files, const JsonObject& config);
std::unique_ptr<Model> load_distilbert(const CheckpointFiles& files, const JsonObject& config);
std::unique_ptr<Model> load_roberta(const CheckpointFiles& files, const JsonObject& config);

}  // namespace attnscope
