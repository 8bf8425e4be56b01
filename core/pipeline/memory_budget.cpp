#include "core/pipeline/memory_budget.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <thread>

#include "core/common/error.h"
#include "core/models/layers.h"

namespace attnscope {

namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// Products of sizes saturate instead of wrapping: an absurd input must look absurd.
uint64_t mul(std::initializer_list<uint64_t> factors) {
  uint64_t p = 1;
  for (uint64_t f : factors) {
    if (f != 0 && p > kMax / f) return kMax;
    p *= f;
  }
  return p;
}

uint64_t add(uint64_t a, uint64_t b) { return a > kMax - b ? kMax : a + b; }

uint64_t u(int64_t v) { return v > 0 ? static_cast<uint64_t>(v) : 0; }

}  // namespace

uint64_t MemoryEstimate::total() const { return add(add(add(attention, working), add(hidden, logits)), taps); }

MemoryEstimate estimate_run_memory(const ModelInfo& info, int64_t seq_len, const ForwardOptions& options) {
  const uint64_t S = u(seq_len), H = u(info.num_heads), D = u(info.hidden_size), L = u(info.num_layers);
  const uint64_t captured = options.layers.empty() ? L : std::min<uint64_t>(options.layers.size(), L);
  const uint64_t d = u(info.head_dim > 0 ? info.head_dim : (info.num_heads > 0 ? info.hidden_size / info.num_heads : 0));
  const uint64_t Hkv = u(info.num_kv_heads > 0 ? info.num_kv_heads : info.num_heads);
  MemoryEstimate e;
  if (options.query_keys)
    e.attention = mul({captured, S, d, add(H, Hkv), sizeof(float)});
  else
    e.attention = mul({captured, H, S, S, options.attention_f16 ? sizeof(uint16_t) : sizeof(float)});
  const uint64_t threads = options.threads > 0 ? u(options.threads) : std::max(1u, std::thread::hardware_concurrency());
  e.working = add(mul({threads, u(layers::attention_row_block(seq_len)), S, sizeof(float)}),
                  mul({S, add(add(4 * D, 2 * add(H, Hkv) * d), 2 * u(info.intermediate_size)), sizeof(float)}));
  e.hidden = mul({options.hidden_states ? L + 2 : 1, S, D, sizeof(float)});
  if (info.head == HeadKind::LanguageModel) {
    const uint64_t rows = options.logits == LogitsMode::All ? S : options.logits == LogitsMode::Last ? 1 : 0;
    e.logits = mul({rows, u(info.vocab_size), sizeof(float)});
  }
  for (const TapRequest& r : options.taps) {
    uint64_t per_layer = 0;  // floats, as capture.h lists the shapes
    switch (r.tap) {
      case Tap::V: case Tap::K: per_layer = mul({S, Hkv, d}); break;
      case Tap::Q: case Tap::Ctx: per_layer = mul({S, H, d}); break;
      case Tap::AttnScores: case Tap::AttnProbs: per_layer = mul({H, S, S}); break;
      default: per_layer = mul({S, D}); break;
    }
    const uint64_t layers = r.layers.empty() ? L + (r.tap == Tap::Hidden ? 1 : 0) : r.layers.size();
    e.taps = add(e.taps, mul({per_layer, layers, sizeof(float)}));
  }
  return e;
}

uint64_t default_memory_budget() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return uint64_t{4} << 30;  // unknown machine: assume 8 GiB of RAM
  return mul({static_cast<uint64_t>(pages), static_cast<uint64_t>(page)}) / 2;
}

std::string format_bytes(uint64_t bytes) {
  static const char* const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int k = 0;
  while (v >= 1024 && k < 6) {
    v /= 1024;
    ++k;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[k]);
  return buf;
}

void check_memory_budget(const MemoryEstimate& e, uint64_t budget, int64_t seq_len) {
  if (e.total() <= budget) return;
  std::string parts = "attention maps " + format_bytes(e.attention);
  if (e.hidden > 0) parts += ", hidden states " + format_bytes(e.hidden);
  if (e.logits > 0) parts += ", logits " + format_bytes(e.logits);
  if (e.taps > 0) parts += ", captured tensors " + format_bytes(e.taps);
  throw MemoryBudgetError("this run of " + std::to_string(seq_len) + " tokens would need about " + format_bytes(e.total()) + " (" +
                              parts + ") but the memory budget is " + format_bytes(budget) +
                              ". Capture fewer layers (--layers), shorten the input (--max-tokens) or raise the budget "
                              "(--memory-budget)",
                          e, budget, seq_len);
}

std::vector<int> layers_within_budget(const ModelInfo& info, int64_t seq_len, const ForwardOptions& options, uint64_t budget,
                                      int around) {
  const int L = info.num_layers;
  ForwardOptions o = options;
  int fit = 0;  // estimate_run_memory grows with the number of captured layers only
  for (int n = 1; n <= L; ++n) {
    o.layers.assign(static_cast<size_t>(n), 0);
    for (size_t t = 0; t < o.taps.size(); ++t)
      if (options.taps[t].layers.empty()) o.taps[t].layers = o.layers;
    if (estimate_run_memory(info, seq_len, o).total() > budget) break;
    fit = n;
  }
  std::vector<int> layers;
  if (fit == 0) return layers;
  const int first = std::clamp(std::clamp(around, 0, L - 1) - (fit - 1) / 2, 0, L - fit);
  for (int l = first; l < first + fit; ++l) layers.push_back(l);
  return layers;
}

uint64_t parse_byte_size(const std::string& text, const std::string& option) {
  auto bad = [&]() -> uint64_t {
    fail(ErrorKind::Usage, option + ": expected a size such as 512M, 2G or 1.5GiB, got '" + text + "'");
  };
  double value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec != std::errc() || !std::isfinite(value) || value < 0) return bad();
  std::string unit(p, end);
  unit.erase(std::remove_if(unit.begin(), unit.end(), [](unsigned char c) { return std::isspace(c); }), unit.end());
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (unit.size() == 3 && unit.substr(1) == "IB") unit = unit.substr(0, 1);
  else if (unit.size() == 2 && unit[1] == 'B') unit = unit.substr(0, 1);
  const std::string letters = "BKMGT";
  const size_t k = unit.empty() ? 0 : unit.size() == 1 ? letters.find(unit[0]) : std::string::npos;
  if (k == std::string::npos) return bad();
  const double bytes = value * std::pow(1024.0, static_cast<double>(k));
  if (bytes < 1 || bytes >= 1.8e19) return bad();
  return static_cast<uint64_t>(bytes);
}

}  // namespace attnscope
