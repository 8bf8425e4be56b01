// .npz = an uncompressed ZIP archive of .npy files; numpy.load reads it without pickle.
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include <limits>

#include <unicode/utf8.h>

#include "core/common/error.h"
#include "core/export/tensor_bundle.h"
#include "core/io/atomic_file.h"

namespace attnscope {

namespace {

struct NpyEntry {
  std::string name;      // inside the archive, "<array>.npy"
  std::string header;    // the .npy header
  const uint8_t* data;   // array bytes
  size_t size;
  std::vector<uint8_t> storage;  // for arrays built here (strings)
};

std::string npy_header(const char* descr, const Shape& shape) {
  std::string dims = "(";
  for (size_t i = 0; i < shape.size(); ++i) dims += std::to_string(shape[i]) + (shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : ""));
  dims += ")";
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + dims + ", }";
  // magic(6) + version(2) + length(2) + dict + padding + '\n' is a multiple of 64 (format 1.0).
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::string h = "\x93NUMPY";
  h += '\x01';
  h += '\x00';
  h += static_cast<char>(dict.size() & 0xff);
  h += static_cast<char>((dict.size() >> 8) & 0xff);
  return h + dict;
}

std::vector<uint32_t> code_points(const std::string& s) {
  std::vector<uint32_t> out;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    out.push_back(c < 0 ? 0xFFFD : static_cast<uint32_t>(c));
  }
  return out;
}

// A numpy '<U' array of the given strings (UTF-32LE, fixed width).
NpyEntry unicode_array(const std::string& name, const std::vector<std::string>& values, bool scalar) {
  std::vector<std::vector<uint32_t>> cps;
  size_t width = 1;
  for (const auto& v : values) {
    cps.push_back(code_points(v));
    width = std::max(width, cps.back().size());
  }
  NpyEntry e;
  e.name = name + ".npy";
  e.header = npy_header(("<U" + std::to_string(width)).c_str(), scalar ? Shape{} : Shape{static_cast<int64_t>(values.size())});
  e.storage.assign(values.size() * width * 4, 0);
  for (size_t i = 0; i < cps.size(); ++i)
    for (size_t j = 0; j < cps[i].size(); ++j)
      for (int b = 0; b < 4; ++b) e.storage[(i * width + j) * 4 + b] = static_cast<uint8_t>(cps[i][j] >> (8 * b));
  e.data = e.storage.data();
  e.size = e.storage.size();
  return e;
}

// Integer list or matrix ([1, 0], [[0, 3], [3, 7]]) -> int64 array, if `v` is one; else false.
bool int_matrix(const nlohmann::ordered_json& v, Shape& shape, std::vector<int64_t>& values) {
  if (!v.is_array() || v.empty()) return false;
  if (!v[0].is_array()) {
    for (const auto& x : v) {
      if (!x.is_number_integer()) return false;
      values.push_back(x.get<int64_t>());
    }
    shape = {static_cast<int64_t>(v.size())};
    return true;
  }
  const size_t cols = v[0].size();
  for (const auto& row : v) {
    if (!row.is_array() || row.size() != cols) return false;
    for (const auto& x : row) {
      if (!x.is_number_integer()) return false;
      values.push_back(x.get<int64_t>());
    }
  }
  shape = {static_cast<int64_t>(v.size()), static_cast<int64_t>(cols)};
  return true;
}

void put16(std::string& s, uint32_t v) { s += static_cast<char>(v & 0xff); s += static_cast<char>((v >> 8) & 0xff); }
void put32(std::string& s, uint32_t v) { put16(s, v & 0xffff); put16(s, v >> 16); }

}  // namespace

void write_npy(const BundleArray& a, const std::filesystem::path& path, bool overwrite) {
  const std::string header = npy_header(numpy_descr(a.dtype), a.shape);
  AtomicFile out(path, overwrite);
  out.write(header.data(), header.size());
  out.write(reinterpret_cast<const char*>(a.data()), a.nbytes);
  out.commit();
}

void write_npz(const TensorBundle& bundle, const std::filesystem::path& path, bool overwrite) {
  std::vector<NpyEntry> entries;
  for (const auto& a : bundle.arrays)
    entries.push_back(NpyEntry{a.name + ".npy", npy_header(numpy_descr(a.dtype), a.shape), a.data(), a.nbytes, {}});
  for (auto it = bundle.fields.begin(); it != bundle.fields.end(); ++it) {
    const auto& v = it.value();
    Shape shape;
    std::vector<int64_t> ints;
    if (v.is_string()) {
      entries.push_back(unicode_array(it.key(), {v.get<std::string>()}, true));
    } else if (v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const auto& x) { return x.is_string(); })) {
      std::vector<std::string> strings;
      for (const auto& x : v) strings.push_back(x.get<std::string>());
      entries.push_back(unicode_array(it.key(), strings, false));
    } else if (int_matrix(v, shape, ints)) {
      NpyEntry e;
      e.name = it.key() + ".npy";
      e.header = npy_header("<i8", shape);
      e.storage.resize(ints.size() * 8);
      std::memcpy(e.storage.data(), ints.data(), e.storage.size());
      e.data = e.storage.data();
      e.size = e.storage.size();
      entries.push_back(std::move(e));
    } else {
      entries.push_back(unicode_array(it.key(), {v.dump()}, true));
    }
  }

  AtomicFile out(path, overwrite);
  std::string central;
  const uint32_t kDosTime = 0, kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01, for reproducible files
  for (const auto& e : entries) {
    const uint64_t size = e.header.size() + e.size;
    const uint64_t offset = out.written();
    if (size >= std::numeric_limits<uint32_t>::max() || offset >= std::numeric_limits<uint32_t>::max())
      fail(ErrorKind::Output, path.string() + ": array '" + e.name + "' is too large for .npz (4 GB limit); use .safetensors");
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(e.header.data()), static_cast<uInt>(e.header.size()));
    for (size_t done = 0; done < e.size;) {
      const size_t chunk = std::min<size_t>(e.size - done, 1u << 30);
      crc = crc32(crc, e.data + done, static_cast<uInt>(chunk));
      done += chunk;
    }
    std::string local;
    put32(local, 0x04034b50);
    put16(local, 20);  // version needed
    put16(local, 0);   // flags
    put16(local, 0);   // stored
    put16(local, kDosTime);
    put16(local, kDosDate);
    put32(local, static_cast<uint32_t>(crc));
    put32(local, static_cast<uint32_t>(size));
    put32(local, static_cast<uint32_t>(size));
    put16(local, static_cast<uint32_t>(e.name.size()));
    put16(local, 0);
    local += e.name;
    out.write(local);
    out.write(e.header);
    out.write(e.data, e.size);

    put32(central, 0x02014b50);
    put16(central, 20);  // version made by
    put16(central, 20);
    put16(central, 0);
    put16(central, 0);
    put16(central, kDosTime);
    put16(central, kDosDate);
    put32(central, static_cast<uint32_t>(crc));
    put32(central, static_cast<uint32_t>(size));
    put32(central, static_cast<uint32_t>(size));
    put16(central, static_cast<uint32_t>(e.name.size()));
    put16(central, 0);  // extra
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, 0);  // external attributes
    put32(central, static_cast<uint32_t>(offset));
    central += e.name;
  }
  const uint64_t cd_offset = out.written();
  if (cd_offset >= std::numeric_limits<uint32_t>::max())
    fail(ErrorKind::Output, path.string() + ": too large for .npz (4 GB limit); use .safetensors");
  std::string end;
  put32(end, 0x06054b50);
  put16(end, 0);
  put16(end, 0);
  put16(end, static_cast<uint32_t>(entries.size()));
  put16(end, static_cast<uint32_t>(entries.size()));
  put32(end, static_cast<uint32_t>(central.size()));
  put32(end, static_cast<uint32_t>(cd_offset));
  put16(end, 0);
  out.write(central);
  out.write(end);
  out.commit();
}

}  // namespace attnscope
