#pragma once

#include <filesystem>

#include "core/export/tensor_bundle.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/derived_maps.h"

namespace attnscope {

// The names and layout every export uses (CLI `attend`, the GUI's raw-data export), batch
// dimension dropped:
//   input_ids          I64 [S]          text models
//   token_type_ids     I64 [S]          models with segment embeddings (BERT, RoBERTa)
//   attentions         F32 [L, H, S, S] [layer][head][query][key]; only the captured layers (F16 when kept as float16)
//   attention_layers   I64 [L]          which model layers `attentions` holds (always written)
//   hidden_states      F32 [L+1, S, D]  when captured
//   last_hidden_state  F32 [S, D]
//   logits             F32 [S, V] (LMs) or [C] (classifiers), when the model has a head
//   + extras such as pooler_output, cls_logits, position_embeddings
//   pixel_values       F32 [3, H, W]    image models: the normalised model input
//   patch_boxes        F32 [P, 4]       image models: (x, y, width, height) of every patch in
//                                       original-image pixels, row-major patch order
// Encoder-decoder models (T5) write the encoder's arrays as encoder_attentions,
// encoder_hidden_states, encoder_last_hidden_state, and the decoder's as
//   decoder_input_ids  I64 [T]          starting with the decoder start (pad) id
//   labels             I64 [T]          teacher forcing: the target's ids (fields target,
//                                       target_tokens, target_offsets)
//   generated_ids      I64 [T]          greedy generation: argmax of logits[t]
//   decoder_attentions F32 [L, H, T, T] causal; decoder_attention_layers I64 [L]
//   cross_attentions   F32 [L, H, T, S] decoder position x source token
//   decoder_hidden_states [L+1, T, D], decoder_last_hidden_state [T, D]; logits [T, V];
//   field decoder_tokens: the display label of every decoder position.
// Fields: model_type, architecture, text (and text_pair), tokens (vocabulary strings),
// offsets ([S, 2] character offsets into the text, as Python indexes str; [0, 0] for added
// special tokens), sequence_ids, special_tokens_mask, predictions, warnings.
// Image models instead: image (path), image_size / resized_size / input_size ([width, height]),
// crop ([left, top, width, height] in resized pixels), crop_box ([x, y, width, height] of the
// model input in original pixels), patch_size, grid ([rows, cols]), prefix_tokens, tokens
// (row labels: [CLS], [DIST], (row,col)); predictions holds the top-5 labels of classifiers.
TensorBundle bundle_analysis(const Analysis& analysis);

// Maps derived from a run, beside it under the names `attend --method` writes (the CLI and the
// GUI's raw-data export alike); the bundle borrows them, so they must outlive it:
//   value_norm F32 [L, H, S, S], value_norm_layer F32 [L, S, S]   (value_norm_maps)
//   contributions F32 [L, S, S], alti F32 [L, S, S]               (contribution_maps)
void add_value_norms(TensorBundle& bundle, const ValueNormMaps& norms);
void add_contributions(TensorBundle& bundle, const ContributionMaps& contributions);

// Writes `analysis` in the format given by the extension (.safetensors, .npz, .json).
void export_analysis(const Analysis& analysis, const std::filesystem::path& path, bool overwrite);

// Converts a UTF-8 byte offset in `text` to a code point offset.
size_t char_offset(const std::string& text, size_t byte_offset);

}  // namespace attnscope
