#include "core/models/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "core/common/error.h"
#include "core/io/bounded_read.h"
#include "core/io/dtype.h"
#include "core/io/json_file.h"

namespace attnscope {

namespace fs = std::filesystem;

namespace {

const char* const kConvertHint =
    "Attnscope never loads pickle files (pytorch_model.bin, *.pt, *.ckpt): unpickling can run arbitrary code. "
    "Convert the checkpoint to safetensors once, in Python: "
    "`from transformers import AutoModel; m = AutoModel.from_pretrained(DIR); m.save_pretrained(DIR, safe_serialization=True)` "
    "(or use the Hugging Face 'convert to safetensors' space)";

bool has_pickle_weights(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (is_pickle_weights(e.path())) return true;
  return false;
}

}  // namespace

bool is_pickle_weights(const fs::path& file) {
  const std::string ext = file.extension().string();
  const std::string name = file.filename().string();
  // ".bin" alone is not enough: tokenizers and other data use it too (llama2.c's tok512.bin).
  const bool pytorch_bin = ext == ".bin" && name.rfind("pytorch_model", 0) == 0;
  return pytorch_bin || ext == ".pt" || ext == ".pth" || ext == ".ckpt" || ext == ".pkl" || name == "pytorch_model.bin.index.json";
}

CheckpointFiles locate_checkpoint(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) fail(ErrorKind::Model, dir.string() + ": no such folder");
  if (!fs::is_directory(dir, ec)) fail(ErrorKind::Model, dir.string() + ": not a folder (expected a Hugging Face model folder)");
  CheckpointFiles files;
  files.dir = dir;
  files.config = dir / "config.json";
  if (!fs::is_regular_file(files.config, ec)) {
    if (fs::exists(files.config, ec))
      fail(ErrorKind::Model, files.config.string() + " is " + describe_path_kind(files.config) + ", not a regular file");
    fail(ErrorKind::Model, dir.string() + ": no config.json (is this a Hugging Face model folder?)");
  }

  const fs::path single = dir / "model.safetensors";
  const fs::path index = dir / "model.safetensors.index.json";
  if (fs::is_regular_file(single, ec)) {
    files.weights.push_back(single);
  } else if (fs::is_regular_file(index, ec)) {
    const auto json = read_json_file(index, "model.safetensors.index.json");
    auto wm = json.find("weight_map");
    if (!json.is_object() || wm == json.end() || !wm->is_object() || wm->empty())
      fail(ErrorKind::Model, "model.safetensors.index.json: missing or empty 'weight_map'");
    std::set<std::string> shards;
    for (auto it = wm->begin(); it != wm->end(); ++it) {
      if (!it.value().is_string()) fail(ErrorKind::Model, "model.safetensors.index.json: weight_map['" + it.key() + "'] is not a file name");
      shards.insert(it.value().get<std::string>());
    }
    for (const std::string& shard : shards) {
      // A shard is a plain file name inside the folder: no separators, no "..".
      if (shard.empty() || shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos ||
          shard == "." || shard == "..")
        fail(ErrorKind::Model, "model.safetensors.index.json: shard '" + shard + "' is not a plain file name inside the model folder");
      const fs::path p = dir / shard;
      if (!fs::is_regular_file(p, ec))
        fail(ErrorKind::Model, "model.safetensors.index.json: shard '" + shard + "' does not exist in " + dir.string());
      files.weights.push_back(p);
    }
  } else if (fs::exists(single, ec)) {
    fail(ErrorKind::Model, single.string() + " is " + describe_path_kind(single) + ", not a regular file");
  } else if (has_pickle_weights(dir)) {
    fail(ErrorKind::Model, dir.string() + ": only PyTorch pickle weights found, no model.safetensors. " + kConvertHint);
  } else {
    fail(ErrorKind::Model, dir.string() + ": no model.safetensors (nor model.safetensors.index.json)");
  }
  return files;
}

WeightStore::WeightStore(const CheckpointFiles& files) : synthetic_(files.synthetic) {
  for (const auto& path : files.weights) {
    files_.push_back(std::make_unique<SafetensorsFile>(path.string()));
    const SafetensorsFile* f = files_.back().get();
    for (const TensorInfo& t : f->tensors()) {
      auto [it, inserted] = entries_.emplace(t.name, Entry{f, &t});
      if (!inserted)
        fail(ErrorKind::Model, f->label() + ": tensor '" + t.name + "' also appears in " + it->second.file->label());
    }
  }
}

const WeightStore::Entry* WeightStore::lookup(const std::string& name) const {
  auto it = entries_.find(name);
  if (it != entries_.end()) return &it->second;
  // Old BERT-family exports name LayerNorm parameters gamma/beta.
  auto ends = [&](const std::string& s) { return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
  std::string alt;
  if (ends(".weight")) alt = name.substr(0, name.size() - 7) + ".gamma";
  else if (ends(".bias")) alt = name.substr(0, name.size() - 5) + ".beta";
  if (!alt.empty()) {
    it = entries_.find(alt);
    if (it != entries_.end()) return &it->second;
  }
  return nullptr;
}

bool WeightStore::has(const std::string& name) const {
  if (synthetic_) return synthetic_->absent.count(name) == 0;
  return lookup(name) != nullptr;
}

Weight WeightStore::get(const std::string& name, const Shape& expected) {
  Weight w = get_optional(name, expected);
  if (!w) fail(ErrorKind::Model, label() + ": tensor '" + name + "' is missing (expected shape " + shape_to_string(expected) + ")");
  return w;
}

Weight WeightStore::get_optional(const std::string& name, const Shape& expected) { return fetch(name, expected, false); }

Weight WeightStore::get_matrix(const std::string& name, const Shape& expected) {
  Weight w = fetch(name, expected, true);
  if (!w) fail(ErrorKind::Model, label() + ": tensor '" + name + "' is missing (expected shape " + shape_to_string(expected) + ")");
  return w;
}

Weight WeightStore::fetch(const std::string& name, const Shape& expected, bool compact) {
  if (synthetic_) {
    if (!has(name)) return {};
    Weight w = generate(name, expected);
    if (!compact && w.compact()) fail(ErrorKind::Model, "synthetic BF16 weight '" + name + "' requested as float32");
    return w;
  }
  const Entry* e = lookup(name);
  if (!e) return {};
  const TensorInfo& t = *e->info;
  if (t.shape != expected)
    fail(ErrorKind::Model, e->file->label() + ": tensor '" + name + "' has shape " + shape_to_string(t.shape) +
                               ", expected " + shape_to_string(expected));
  if (!is_float(t.dtype))
    fail(ErrorKind::Model, e->file->label() + ": tensor '" + name + "' has dtype " + dtype_name(t.dtype) +
                               ", expected F32, F16 or BF16");
  Weight w;
  w.shape = t.shape;
  const uint8_t* bytes = e->file->bytes(t);
  if (compact && expected.size() == 2 && (t.dtype == DType::BF16 || t.dtype == DType::F16) &&
      reinterpret_cast<uintptr_t>(bytes) % alignof(uint16_t) == 0) {
    w.half = reinterpret_cast<const uint16_t*>(bytes);
    w.half_is_bf16 = t.dtype == DType::BF16;
  } else if (t.dtype == DType::F32 && reinterpret_cast<uintptr_t>(bytes) % alignof(float) == 0) {
    w.data = reinterpret_cast<const float*>(bytes);
  } else {
    converted_.push_back(e->file->read_floats(t));
    w.data = converted_.back().data();
  }
  unscanned_.emplace_back(name, w);
  return w;
}

const std::vector<std::string>& WeightStore::nonfinite() const {
  if (unscanned_.empty()) return nonfinite_;
  // Blocks of 64K values over all the tensors, so that one parallel loop covers them: x * 0 is
  // 0 for finite x and NaN otherwise, so a block's sum is NaN exactly when the block holds a
  // non-finite value (vectorised, no branch per value).
  constexpr int64_t kBlock = int64_t{1} << 16;
  struct Block {
    size_t tensor;
    int64_t begin, size;
  };
  std::vector<Block> blocks;
  for (size_t t = 0; t < unscanned_.size(); ++t)
    for (int64_t b = 0, n = unscanned_[t].second.size(); b < n; b += kBlock) blocks.push_back({t, b, std::min(kBlock, n - b)});
  std::vector<uint8_t> bad(blocks.size(), 0);
  const int64_t nb = static_cast<int64_t>(blocks.size());
#pragma omp parallel for schedule(static) if (nb > 16)
  for (int64_t i = 0; i < nb; ++i) {
    const Block& b = blocks[static_cast<size_t>(i)];
    const Weight& w = unscanned_[b.tensor].second;
    if (w.compact()) {  // exponent bits all ones: Inf or NaN
      const uint16_t mask = w.half_is_bf16 ? 0x7f80 : 0x7c00;
      uint8_t any = 0;
      for (int64_t j = 0; j < b.size; ++j) any |= (w.half[b.begin + j] & mask) == mask;
      bad[static_cast<size_t>(i)] = any;
      continue;
    }
    const float* d = w.data + b.begin;
    bad[static_cast<size_t>(i)] = std::isnan((Eigen::Map<const Eigen::ArrayXf>(d, b.size) * 0.0f).sum()) ? 1 : 0;
  }
  std::vector<uint8_t> tensor_bad(unscanned_.size(), 0);
  for (size_t i = 0; i < blocks.size(); ++i) tensor_bad[blocks[i].tensor] |= bad[i];
  for (size_t t = 0; t < unscanned_.size(); ++t)
    if (tensor_bad[t]) nonfinite_.push_back(unscanned_[t].first);
  unscanned_.clear();
  return nonfinite_;
}

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace

// Element i of tensor `name` depends only on (seed, name, i): the same model whatever the order
// of the loader's requests or the number of threads.
Weight WeightStore::generate(const std::string& name, const Shape& shape) {
  if (auto it = generated_.find(name); it != generated_.end()) {
    if (it->second.shape != shape)
      fail(ErrorKind::Model, label() + ": tensor '" + name + "' requested with shapes " + shape_to_string(it->second.shape) +
                                 " and " + shape_to_string(shape));
    return it->second;
  }
  const int64_t n = shape_elements(shape);
  const bool rank1 = shape.size() == 1;
  const bool scale = rank1 && name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0;
  // uniform(-a, a) has standard deviation a / sqrt(3).
  const float a = rank1 ? 0.02f : 0.02f * std::sqrt(3.0f), offset = scale ? 1.0f : 0.0f;
  const uint64_t key = fnv1a(name) ^ splitmix64(synthetic_->seed);
  auto value = [&](int64_t i) {
    const uint64_t r = splitmix64(key + static_cast<uint64_t>(i));
    const float u = static_cast<float>(r >> 40) * (2.0f / 16777216.0f) - 1.0f;  // [-1, 1)
    return offset + a * u;
  };
  Weight w;
  w.shape = shape;
  if (synthetic_->bf16 && shape.size() == 2) {
    generated_half_.push_back(std::unique_ptr<uint16_t[]>(new uint16_t[static_cast<size_t>(n)]));
    uint16_t* h = generated_half_.back().get();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) h[i] = float_to_bfloat16(value(i));
    w.half = h;
    generated_.emplace(name, w);
    return w;
  }
  generated_data_.push_back(std::unique_ptr<float[]>(new float[static_cast<size_t>(n)]));
  float* d = generated_data_.back().get();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) d[i] = value(i);
  w.data = d;
  generated_.emplace(name, w);
  return w;
}

std::optional<std::string> WeightStore::find_prefix(const std::vector<std::string>& prefixes, const std::string& probe) const {
  for (const auto& p : prefixes)
    if (has(p + probe)) return p;
  return std::nullopt;
}

RowMatrix Weight::to_f32() const {
  RowMatrix out(rows(), cols());
  rows_f32(0, rows(), out.data());
  return out;
}

void Weight::rows_f32(int64_t r0, int64_t r1, float* out) const {
  const int64_t c = cols(), n = (r1 - r0) * c;
  if (data) {
    std::copy_n(data + r0 * c, n, out);
  } else if (half_is_bf16) {
    const uint16_t* h = half + r0 * c;
    for (int64_t i = 0; i < n; ++i) out[i] = bfloat16_to_float(h[i]);
  } else {
    const Eigen::half* h = reinterpret_cast<const Eigen::half*>(half + r0 * c);
    Eigen::Map<Eigen::ArrayXf>(out, n) = Eigen::Map<const Eigen::Array<Eigen::half, Eigen::Dynamic, 1>>(h, n).cast<float>();
  }
}

int64_t WeightStore::parameter_count() const {
  int64_t n = 0;
  for (const auto& [name, w] : generated_) n += w.size();
  for (const auto& [name, e] : entries_)
    if (is_float(e.info->dtype)) n += shape_elements(e.info->shape);
  return n;
}

uint64_t WeightStore::file_bytes() const {
  if (synthetic_) {
    uint64_t n = 0;
    for (const auto& [name, w] : generated_) n += static_cast<uint64_t>(w.size()) * (w.compact() ? 2 : 4);
    return n;
  }
  uint64_t n = 0;
  for (const auto& f : files_) n += f->file_size();
  return n;
}

std::string WeightStore::label() const {
  if (synthetic_) return "synthetic weights";
  if (files_.size() == 1) return files_[0]->label();
  return "model.safetensors (" + std::to_string(files_.size()) + " shards)";
}

}  // namespace attnscope
