#include "core/models/checkpoint.h"

#include <cmath>
#include <cstring>
#include <set>

#include "core/common/error.h"
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
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string ext = e.path().extension().string();
    const std::string name = e.path().filename().string();
    if (ext == ".bin" || ext == ".pt" || ext == ".pth" || ext == ".ckpt" || ext == ".pkl" ||
        name == "pytorch_model.bin.index.json")
      return true;
  }
  return false;
}

}  // namespace

CheckpointFiles locate_checkpoint(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) fail(ErrorKind::Model, dir.string() + ": no such folder");
  if (!fs::is_directory(dir, ec)) fail(ErrorKind::Model, dir.string() + ": not a folder (expected a Hugging Face model folder)");
  CheckpointFiles files;
  files.dir = dir;
  files.config = dir / "config.json";
  if (!fs::is_regular_file(files.config, ec))
    fail(ErrorKind::Model, dir.string() + ": no config.json (is this a Hugging Face model folder?)");

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
  } else if (has_pickle_weights(dir)) {
    fail(ErrorKind::Model, dir.string() + ": only PyTorch pickle weights found, no model.safetensors. " + kConvertHint);
  } else {
    fail(ErrorKind::Model, dir.string() + ": no model.safetensors (nor model.safetensors.index.json)");
  }
  return files;
}

WeightStore::WeightStore(const CheckpointFiles& files) {
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

bool WeightStore::has(const std::string& name) const { return lookup(name) != nullptr; }

Weight WeightStore::get(const std::string& name, const Shape& expected) {
  Weight w = get_optional(name, expected);
  if (!w) fail(ErrorKind::Model, label() + ": tensor '" + name + "' is missing (expected shape " + shape_to_string(expected) + ")");
  return w;
}

Weight WeightStore::get_optional(const std::string& name, const Shape& expected) {
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
  if (t.dtype == DType::F32 && reinterpret_cast<uintptr_t>(bytes) % alignof(float) == 0) {
    w.data = reinterpret_cast<const float*>(bytes);
  } else {
    converted_.push_back(e->file->read_floats(t));
    w.data = converted_.back().data();
  }
  for (int64_t i = 0, n = w.size(); i < n; ++i) {
    if (!std::isfinite(w.data[i])) {
      nonfinite_.push_back(name);
      break;
    }
  }
  return w;
}

std::optional<std::string> WeightStore::find_prefix(const std::vector<std::string>& prefixes, const std::string& probe) const {
  for (const auto& p : prefixes)
    if (has(p + probe)) return p;
  return std::nullopt;
}

int64_t WeightStore::parameter_count() const {
  int64_t n = 0;
  for (const auto& [name, e] : entries_)
    if (is_float(e.info->dtype)) n += shape_elements(e.info->shape);
  return n;
}

uint64_t WeightStore::file_bytes() const {
  uint64_t n = 0;
  for (const auto& f : files_) n += f->file_size();
  return n;
}

std::string WeightStore::label() const {
  if (files_.size() == 1) return files_[0]->label();
  return "model.safetensors (" + std::to_string(files_.size()) + " shards)";
}

}  // namespace attnscope
