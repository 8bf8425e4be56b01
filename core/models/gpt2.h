#pragma once

#include <memory>

#include "core/io/json_file.h"
#include "core/models/checkpoint.h"
#include "core/models/model.h"

namespace attnscope {

std::unique_ptr<Model> load_gpt2(const CheckpointFiles& files, const JsonObject& config);

}  // namespace attnscope
