#pragma once

#include <optional>

#include <QFlags>
#include <QJsonObject>
#include <QList>
#include <QRectF>
#include <QString>

#include "core/models/model.h"

namespace attnscope::ui {

enum class HeadMode { Single, Mean, Max, Min, Subset };
// Raw: the chosen layer's heads as they are (or fused). ValueNorm: Kobayashi et al.'s value-weighted
// norms of the chosen layer's heads (core value_norm.h), or their sum over heads when fused.
// NormRollout: the rollout of the per-layer value norms; Contributions: ALTI's per-layer token
// contributions; Alti: those aggregated from the first layer through the chosen one.
enum class Method { Raw, Rollout, Flow, ValueNorm, NormRollout, Contributions, Alti };
// Whether a method shows one layer (raw weights, value norms, contributions, ALTI through that
// layer) rather than the whole stack from a start layer.
inline bool per_layer(Method m) { return m != Method::Rollout && m != Method::Flow && m != Method::NormRollout; }
// Whether a method has one map per head (the others have one per layer, whatever head is chosen).
inline bool per_head(Method m) { return m == Method::Raw || m == Method::ValueNorm; }
// Percentile: Captum's clip of the top p% of the mass; ValuePercentile: of the top p% of the values.
enum class Normalization { Row, Matrix, Global, Log, Percentile, ValuePercentile };
// Diverging: blue (negative) through white to red (positive), for differences; not a selection choice.
enum class ColorMapId { Viridis, Magma, Inferno, Cividis, Greys, Diverging };
enum class ViewKind { Matrix, Lines, Overview, Text, Image, Heads, Prediction, Inside, Cost, Cross, Generation, Compare, Lens };
// Encoder-decoder models: which self-attention stack the single-stack views show (the Cross view
// shows the cross-attention between them).
enum class Stack { Encoder, Decoder };
enum class CrossMode { Matrix, Lines };
// Sentence pairs: which queries and keys are shown (BertViz's filter); the others are greyed.
enum class SegmentFilter { All, AtoA, AtoB, BtoA, BtoB };
// Text models: one row and column per token, or per word with its sub-word pieces merged
// (core word_merge.h: queries by mean with keys summed, or both by max).
enum class Units { Tokens, WordsMean, WordsMax };

// What every view shows: one selection shared by all of them, owned by the document.
struct ViewState {
  int layer = 0;
  int head = 0;                 // with HeadMode::Single
  HeadMode head_mode = HeadMode::Single;
  QList<int> subset;            // with HeadMode::Subset
  Method method = Method::Raw;
  int start_layer = 0;          // rollout / flow: the first layer propagated through
  double discard_ratio = 0;     // rollout: drop this fraction of each fused map's lowest weights (vit-explain)
  int query = -1;               // query token for the Text/Image views; -1 = the default row
  ColorMapId color_map = ColorMapId::Viridis;
  Normalization normalization = Normalization::Row;
  double clip_percent = 2.0;    // percentile clipping
  bool hide_special = false;    // mask special tokens, renormalising the rest of each row
  bool exclude_first = false;   // text: mask the first token (an attention sink), renormalising the rest
                                //   of each row; the mass it took is drawn beside the matrix
  SegmentFilter segments = SegmentFilter::All;  // sentence pairs: queries of one segment on keys of one segment
  Units units = Units::Tokens;  // text models: tokens, or words merged from their pieces
  double threshold = 0.6;       // mass fraction kept by the Image view's contour
  bool show_threshold = false;
  double overlay_opacity = 0.6;
  bool smooth_overlay = true;
  QList<int> excluded_patches;  // Image view: patches left out (artefacts), the rest renormalised to sum 1
  bool show_registers = true;   // Image view, DINOv2 with registers: draw the registers' weights beside the
                                // photo, on one scale with the patches (off: the patches alone)
  QString statistic = QStringLiteral("entropy");  // Heads view
  bool heads_auto_range = false; // Heads view: colours from the grid's min to max, not the statistic's fixed range
  double lines_min_weight = 0.003;  // Lines view: lines below this weight are not drawn
  int lines_top_k = 0;          // Lines view: only each query's k strongest lines (0 = all)
  double temperature = 1.0;     // Inside view: softmax temperature of the explained head
  Stack stack = Stack::Encoder;
  CrossMode cross_mode = CrossMode::Matrix;  // Cross view: target x source matrix or lines
  bool cross_argmax = false;    // Cross view: draw the hard alignment (argmax of each target row)
  int cross_target = -1;        // Cross view: a chosen decoder position (its row), -1 = none
  int cross_source = -1;        // Cross view: a chosen source token (its column), -1 = none
  ViewKind view = ViewKind::Matrix;

  bool operator==(const ViewState&) const = default;
};

// What a change of the selection touched (AnalysisDocument::selectionEdited), so that a view
// rebuilds only for what it shows.
enum class SelectionPart : unsigned {
  Layer = 1u << 0,        // layer, stack
  Heads = 1u << 1,        // head, head mode, subset
  Method = 1u << 2,       // method, start layer, discard ratio; also a derived map arriving
  Query = 1u << 3,
  Colors = 1u << 4,
  Scale = 1u << 5,        // normalisation, clip percentage, hidden special tokens and sink, segment filter, units
  ImageOptions = 1u << 6, // contour, opacity, smoothing, excluded patches, registers
  Statistic = 1u << 7,    // the Heads view's statistic and its colour range
  Temperature = 1u << 8,  // the Inside view's
  CrossOptions = 1u << 9, // the Cross view's mode, argmax and chosen cells
  View = 1u << 10,        // which view is shown
  LinesOptions = 1u << 11, // the Lines view's weight threshold and top k
};
using SelectionParts = QFlags<SelectionPart>;
Q_DECLARE_OPERATORS_FOR_FLAGS(SelectionParts)
SelectionParts changed_parts(const ViewState& before, const ViewState& after);

// Whether a view means something for a model: Text and Lines are for text, Image for images,
// Cross for encoder-decoder models. The window hides the others' tabs.
bool view_applies(ViewKind view, const attnscope::ModelInfo& model);
// `view` if it applies to `model`, else the Matrix view (which applies to every model).
ViewKind applicable_view(ViewKind view, const attnscope::ModelInfo& model);

QString to_string(HeadMode m);
QString to_string(Method m);
QString to_string(Normalization n);
QString to_string(ColorMapId c);
QString to_string(ViewKind v);
QString to_string(Stack s);
QString to_string(CrossMode m);
QString to_string(SegmentFilter f);
bool parse(const QString& s, SegmentFilter& out);
QString to_string(Units u);
bool parse(const QString& s, Units& out);
bool parse(const QString& s, Stack& out);
bool parse(const QString& s, CrossMode& out);
bool parse(const QString& s, Method& out);
bool parse(const QString& s, Normalization& out);
bool parse(const QString& s, ColorMapId& out);
bool parse(const QString& s, ViewKind& out);
bool parse(const QString& s, HeadMode& out);

// "L3 · H5", "L3 · mean of heads", "rollout from L0" -- for titles and the status bar.
// Translated names for titles and figures (to_string() gives the stable names of sidecars).
QString display_name(HeadMode m);
QString display_name(Method m);
QString display_name(Normalization n);
QString display_name(Units u);
// The normalisation a selection is drawn with: value norms are lengths, not probabilities, so
// "row" (0 to 1) shows them against the matrix max.
Normalization shown_normalization(const ViewState& s);  // "words (mean over pieces)"; empty for tokens
QString describe(const ViewState& s);

// The selection as JSON (figure sidecars) and back. from_json() takes missing keys from `base`
// and throws attnscope::Error(Input) for values of the wrong type or out of range.
QJsonObject to_json(const ViewState& s);
ViewState view_state_from_json(const QJsonObject& json, const ViewState& base = {});

}  // namespace attnscope::ui
