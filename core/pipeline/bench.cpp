#include "core/pipeline/bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "core/analysis/cost_model.h"
#include "core/common/error.h"
#include "core/models/layers.h"
#include "core/pipeline/memory_budget.h"

namespace attnscope {

namespace {

using Clock = std::chrono::steady_clock;

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The input of the benchmark: `seq_len` generated tokens, or a square image.
ForwardInput bench_input(const ModelInfo& info, const BenchOptions& o, int64_t& seq_len, int& image_size) {
  if (info.modality == Modality::Image) {
    image_size = o.image_size > 0 ? o.image_size : info.image_size;
    if (image_size < info.patch_size)
      fail(ErrorKind::Usage, "--image-size " + std::to_string(image_size) + " is smaller than one " +
                                 std::to_string(info.patch_size) + "-pixel patch");
    const int64_t side = image_size / info.patch_size;
    seq_len = info.num_prefix_tokens + side * side;
    ForwardInput in = generated_input(info, nullptr, seq_len, o.seed);
    // generated_input() makes the grid as square as possible, which for a square count is square.
    return in;
  }
  if (o.image_size > 0) fail(ErrorKind::Usage, "--image-size is for image models; this is a text model");
  seq_len = o.seq_len > 0 ? o.seq_len : std::min<int64_t>(128, info.max_positions);
  return generated_input(info, nullptr, seq_len, o.seed);
}

std::string ms(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ms", seconds * 1e3);
  return buf;
}

}  // namespace

uint64_t peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // "VmHWM:  1234 kB"
  return 0;
}

bool reset_peak_resident() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";  // reset the peak resident set size to the current one (Linux >= 4.0)
  f.flush();
  return static_cast<bool>(f);
}

BenchResult run_bench(const Model& model, const BenchOptions& o, const ProgressFn& progress) {
  const ModelInfo& mi = model.info();
  if (o.iters < 1) fail(ErrorKind::Usage, "--iters must be at least 1");
  if (o.warmup < 0) fail(ErrorKind::Usage, "--warmup must not be negative");
  BenchResult r;
  r.model = mi.dir.string();
  r.model_type = mi.model_type;
  const ForwardInput in = bench_input(mi, o, r.seq_len, r.image_size);
  if (mi.modality == Modality::Text && r.seq_len > mi.max_positions)
    fail(ErrorKind::Usage, "--seq " + std::to_string(r.seq_len) + " exceeds the model's limit of " +
                               std::to_string(mi.max_positions) + " tokens");

  ForwardOptions fo;
  fo.layers = o.layers;
  fo.attention_f16 = o.attention_f16;
  fo.query_keys = o.query_keys;
  fo.logits = LogitsMode::None;
  fo.threads = o.threads;
  fo.profile = o.profile;
  r.threads = layers::ThreadScope(o.threads).threads();
  r.flops = model_cost(cost_shape(mi), r.seq_len).total.flops;
  r.weights_bytes = mi.weights_bytes;
  reset_peak_resident();

  std::vector<ForwardProfile> profiles;
  const int total = o.warmup + o.iters;
  for (int i = 0; i < total; ++i) {
    const std::string stage =
        i < o.warmup ? "bench: warm-up" : "bench: pass " + std::to_string(i - o.warmup + 1) + "/" + std::to_string(o.iters);
    const auto t0 = Clock::now();
    ForwardResult res = model.forward(in, fo, [&](const Progress&) { return report(progress, i, total, stage); });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (res.cancelled || !report(progress, i + 1, total, stage)) {
      r.seconds.clear();
      return r;
    }
    r.attention_bytes = o.query_keys ? res.query_keys.bytes() : res.attentions.bytes();
    r.captured_layers = static_cast<int>(o.query_keys ? res.query_keys.layers.size() : res.attentions.layers.size());
    r.attention_f16 = res.attentions.f16;
    r.query_keys = o.query_keys;
    if (i < o.warmup) continue;
    r.seconds.push_back(s);
    if (o.profile) profiles.push_back(std::move(res.profile));
    if (i + 1 == total && o.query_keys && !res.query_keys.empty()) {
      r.peak_rss_bytes = peak_resident_bytes();  // of the passes, before the maps below
      const layers::ThreadScope one(1);
      const auto& kept = res.query_keys.layers;
      for (int n = 0; n < o.head_maps; ++n) {  // layer and head walk on together: n-th of both
        const LayerQueryKeys& L = kept[static_cast<size_t>(n) % kept.size()];
        const auto t = Clock::now();
        const RowMatrix map = attention_map(L, n % L.num_heads());
        r.head_map_seconds.push_back(std::chrono::duration<double>(Clock::now() - t).count());
      }
      r.head_map_median_seconds = median_of(r.head_map_seconds);
    }
  }
  if (!o.query_keys) r.peak_rss_bytes = peak_resident_bytes();
  r.median_seconds = median_of(r.seconds);
  r.min_seconds = *std::min_element(r.seconds.begin(), r.seconds.end());
  r.max_seconds = *std::max_element(r.seconds.begin(), r.seconds.end());
  r.gflops = r.median_seconds > 0 ? r.flops / r.median_seconds * 1e-9 : 0;
  if (o.profile) r.profile = median_profile(profiles);
  return r;
}

GemmBenchResult run_gemm_bench(int64_t m, int64_t n, int64_t k, int iters, int threads) {
  if (m < 1 || n < 1 || k < 1 || iters < 1) fail(ErrorKind::Usage, "gemm bench: sizes and --iters must be positive");
  GemmBenchResult r;
  r.m = m;
  r.n = n;
  r.k = k;
  layers::ThreadScope scope(threads);
  r.threads = scope.threads();
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  RowMatrix a(m, k), w(n, k), c(m, n);  // w as a torch.nn.Linear weight [out, in]
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = u(rng);
  for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = u(rng);
  Weight weight;
  weight.data = w.data();
  weight.shape = {n, k};
  for (int i = 0; i <= iters; ++i) {
    const auto t0 = Clock::now();
    layers::linear(a, weight, Weight{}, c);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (i > 0) r.seconds.push_back(s);
  }
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  r.median_seconds = median_of(r.seconds);
  r.gflops = flops / r.median_seconds * 1e-9;
  r.best_gflops = flops / *std::min_element(r.seconds.begin(), r.seconds.end()) * 1e-9;
  return r;
}

nlohmann::ordered_json bench_json(const BenchResult& r) {
  nlohmann::ordered_json j;
  j["model"] = r.model;
  j["model_type"] = r.model_type;
  j["seq_len"] = r.seq_len;
  if (r.image_size > 0) j["image_size"] = r.image_size;
  j["threads"] = r.threads;
  j["iters"] = r.seconds.size();
  j["seconds"] = r.seconds;
  j["median_seconds"] = r.median_seconds;
  j["min_seconds"] = r.min_seconds;
  j["max_seconds"] = r.max_seconds;
  j["flops"] = r.flops;
  j["gflops"] = r.gflops;
  j["captured_layers"] = r.captured_layers;
  j["attention_dtype"] = r.attention_f16 ? "F16" : "F32";
  if (r.query_keys) {
    j["attention_kept_as"] = "query_keys";
    j["head_map_seconds"] = r.head_map_seconds;
    j["head_map_median_seconds"] = r.head_map_median_seconds;
  }
  j["attention_bytes"] = r.attention_bytes;
  j["weights_bytes"] = r.weights_bytes;
  j["peak_rss_bytes"] = r.peak_rss_bytes;
  j["open_seconds"] = r.open_seconds;
  if (!r.profile.empty()) {
    nlohmann::ordered_json parts;
    for (LayerPart p : kLayerParts) parts[to_string(p)] = r.profile.part_seconds(p);
    parts["outside_layers"] = r.profile.outside_seconds;
    j["profile_seconds"] = parts;
  }
  return j;
}

std::string bench_text(const BenchResult& r) {
  std::ostringstream s;
  s << r.model << " (" << r.model_type << "), " << r.seq_len << " tokens";
  if (r.image_size > 0) s << " (" << r.image_size << "x" << r.image_size << " image)";
  s << ", " << r.threads << (r.threads == 1 ? " thread" : " threads") << ", " << r.seconds.size() << " passes\n";
  s << "  forward with attention capture: median " << ms(r.median_seconds) << ", min " << ms(r.min_seconds) << ", max "
    << ms(r.max_seconds) << "\n";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f GFLOP/s (%.2f GFLOP per pass)", r.gflops, r.flops * 1e-9);
  s << "  achieved: " << buf << "\n";
  if (r.query_keys) {
    s << "  attention kept as queries and keys: " << format_bytes(r.attention_bytes) << " (" << r.captured_layers << " layers)\n";
    s << "  a head's whole map recomputed (1 thread): median " << ms(r.head_map_median_seconds) << " of "
      << r.head_map_seconds.size() << "\n";
  } else {
    s << "  attention kept: " << format_bytes(r.attention_bytes) << " (" << r.captured_layers << " layers, "
      << (r.attention_f16 ? "float16" : "float32") << ")\n";
  }
  s << "  weights: " << format_bytes(r.weights_bytes) << ", opened in " << ms(r.open_seconds)
    << "; peak resident: " << format_bytes(r.peak_rss_bytes) << "\n";
  if (!r.profile.empty()) {
    s << "  profile (median, all layers):";
    for (LayerPart p : kLayerParts) s << " " << to_string(p) << " " << ms(r.profile.part_seconds(p)) << ";";
    s << " outside layers " << ms(r.profile.outside_seconds) << "\n";
  }
  return s.str();
}

nlohmann::ordered_json gemm_bench_json(const GemmBenchResult& r) {
  nlohmann::ordered_json j;
  j["gemm"] = {r.m, r.n, r.k};
  j["threads"] = r.threads;
  j["seconds"] = r.seconds;
  j["median_seconds"] = r.median_seconds;
  j["gflops"] = r.gflops;
  j["best_gflops"] = r.best_gflops;
  return j;
}

std::string gemm_bench_text(const GemmBenchResult& r) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "GEMM %lldx%lldx%lld float32, %d %s: median %.2f ms = %.1f GFLOP/s (best %.1f)\n",
                static_cast<long long>(r.m), static_cast<long long>(r.n), static_cast<long long>(r.k), r.threads,
                r.threads == 1 ? "thread" : "threads", r.median_seconds * 1e3, r.gflops, r.best_gflops);
  return buf;
}

}  // namespace attnscope
