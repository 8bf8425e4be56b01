#include "core/models/capture.h"

namespace attnscope {

namespace {
constexpr const char* kNames[kTapCount] = {"attn_in", "v",        "q",      "k",      "attn_scores", "attn_probs",
                                           "ctx",     "attn_out", "resid", "mlp_in", "mlp_out",     "hidden"};
}

const char* to_string(Tap tap) { return kNames[static_cast<int>(tap)]; }

std::optional<Tap> parse_tap(const std::string& name) {
  for (int i = 0; i < kTapCount; ++i)
    if (name == kNames[i]) return static_cast<Tap>(i);
  return std::nullopt;
}

std::string tap_names() {
  std::string s;
  for (const char* n : kNames) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

}  // namespace attnscope
