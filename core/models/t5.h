#pragma once

#include <memory>

#include "core/io/json_file.h"
#include "core/models/checkpoint.h"
#include "core/models/model.h"

namespace attnscope {

// T5 encoder-decoders, config.json model_type "t5": T5ForConditionalGeneration (v1.0 ReLU,
// v1.1 / FLAN gated-GELU, tied or untied head) and T5EncoderModel (encoder only). The forward
// pass takes ForwardInput::decoder_input_ids (teacher forcing) or ::generate (greedy decoding)
// and fills ForwardResult::decoder; see model.h.
std::unique_ptr<Model> load_t5(const CheckpointFiles& files, const JsonObject& config);

// HF T5Attention._relative_position_bucket of one distance `relative_position` = key - query:
// bidirectional (encoder) or causal (decoder, keys after the query all in bucket 0), exact up to
// num_buckets / 4 (bidirectional) or / 2 (causal), logarithmic up to max_distance, then clamped.
int t5_relative_bucket(int relative_position, bool bidirectional, int num_buckets, int max_distance);

}  // namespace attnscope
