#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace attnscope {

// A tokenizer.json "decoder": turns token strings back into text, as Hugging Face's decode_chain
// does (ByteLevel, Metaspace, WordPiece, ByteFallback, Fuse, Strip, Replace, BPEDecoder, Sequence).
class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual std::vector<std::string> decode_chain(std::vector<std::string> tokens) const = 0;
};

// `for_display`: the decoder that shows one token as people read it: Metaspace keeps the leading
// space, and Strip and WordPiece (which only join tokens: "##ing" stays) are left out.
std::unique_ptr<Decoder> parse_decoder(const nlohmann::json& j, const std::string& where, bool for_display = false);

// Readable text of token strings through `decoder` (nullptr: joined as they are). Bytes that do not
// form UTF-8 are shown as <0xXX> rather than replaced, so nothing is hidden.
// "<0x0A>" -> 10; -1 for any other string (SentencePiece's byte-fallback tokens).
int parse_byte_token(const std::string& token);

std::string decode_tokens(const Decoder* decoder, const std::vector<std::string>& tokens);

}  // namespace attnscope
