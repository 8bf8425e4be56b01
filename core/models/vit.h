#pragma once

#include <memory>

#include "core/common/tensor.h"
#include "core/io/json_file.h"
#include "core/models/checkpoint.h"
#include "core/models/model.h"

namespace attnscope {

// Image transformers over 16x16-style patches, config.json model_type "vit" or "deit":
// ViTForImageClassification, ViTModel (incl. DINO exports without the `vit.` prefix and without
// a pooler), DeiTForImageClassificationWithTeacher, DeiTForImageClassification, DeiTModel.
std::unique_ptr<Model> load_vit(const CheckpointFiles& files, const JsonObject& config);

// PyTorch's interpolate(mode="bicubic", align_corners=False) with an explicit output size, of a
// grid [in_h * in_w, channels] stored row-major by grid position -> [out_h * out_w, channels]:
// per axis, output i samples src = (in / out) * (i + 0.5) - 0.5 (unclamped), taps floor(src) - 1
// .. floor(src) + 2 clamped to the grid, Keys cubic weights with A = -0.75. Computed in double.
RowMatrix interpolate_bicubic(const ConstMatrixMap& grid, int in_h, int in_w, int out_h, int out_w);

}  // namespace attnscope
