#pragma once

#include <memory>

#include "core/common/tensor.h"
#include "core/io/json_file.h"
#include "core/models/checkpoint.h"
#include "core/models/model.h"

namespace attnscope {

// Image transformers over 16x16-style patches, config.json model_type "vit", "deit", "dinov2" or
// "dinov2_with_registers": ViTForImageClassification, ViTModel (incl. DINO exports without the
// `vit.` prefix and without a pooler), DeiTForImageClassificationWithTeacher,
// DeiTForImageClassification, DeiTModel, Dinov2Model, Dinov2ForImageClassification,
// Dinov2WithRegistersModel and its classifier.
std::unique_ptr<Model> load_vit(const CheckpointFiles& files, const JsonObject& config);

// PyTorch's interpolate(mode="bicubic", align_corners=False) with an explicit output size, of a
// grid [in_h * in_w, channels] stored row-major by grid position -> [out_h * out_w, channels]:
// per axis, output i samples src = (in / out) * (i + 0.5) - 0.5 (unclamped), taps floor(src) - 1
// .. floor(src) + 2 clamped to the grid, Keys cubic weights with A = -0.75. Computed in double.
// `antialias` = interpolate(..., antialias=True): Pillow's separable filter with A = -0.5, widened
// by the scale when shrinking, taps outside the grid dropped and the weights renormalised.
RowMatrix interpolate_bicubic(const ConstMatrixMap& grid, int in_h, int in_w, int out_h, int out_w, bool antialias = false);

}  // namespace attnscope
