#pragma once

#include <vector>

#include "core/common/tensor.h"
#include "core/tokenizers/tokenizer.h"

namespace attnscope {

// The first token of every word of an encoding, ascending (index 0 always starts one). A token
// starts a word when it is special or follows one, when its Hugging Face word id (the
// pre-tokenized piece it came from) or its segment differs from the previous token's, or when
// its text starts with a word-boundary marker ("▁", "Ġ", a space): SentencePiece-style tokenizers
// without a pre-tokenizer (Llama 2, Gemma) put a whole text in one piece.
std::vector<int> word_starts(const std::vector<Token>& tokens);

// How the pieces of a word are combined into one row / column.
//   Mean  rows (queries) averaged over the word's pieces, columns (keys) summed: the attention
//         a word receives is the total its pieces receive, so rows of a row-stochastic map still
//         sum to 1 (Clark et al., "What Does BERT Look At?", BlackboxNLP 2019, section 4.1)
//   Max   rows and columns both take the largest entry over the pieces: where the word's
//         strongest piece looks and is looked at; rows no longer sum to 1
enum class PieceMerge { Mean, Max };

// Merges the rows and columns of a square map [n, n] into words: `starts` are the first index of
// each group (ascending, starting with 0, each < n). Entries marked in `masked` ([n, n], nonzero
// = not a weight, e.g. a causal model's future keys; may be empty) take no part, and a merged
// entry all of whose pieces are masked is returned as masked in `merged_mask`.
// Returns [words, words]. Throws Error(Usage) for starts that do not fit n.
RowMatrix merge_pieces(const RowMatrix& weights, const std::vector<int>& starts, PieceMerge how,
                       const std::vector<uint8_t>& masked = {}, std::vector<uint8_t>* merged_mask = nullptr);

}  // namespace attnscope
