#include "core/models/kv_cache.h"

#include <string>

#include "core/common/error.h"

namespace attnscope {

namespace {

void append_rows(RowMatrix& to, const RowMatrix& rows, int length, const char* what, int layer) {
  if (to.rows() != length || (to.rows() > 0 && to.cols() != rows.cols()))
    fail(ErrorKind::Usage, std::string("KV cache ") + what + " of layer " + std::to_string(layer) + " is [" +
                               std::to_string(to.rows()) + ", " + std::to_string(to.cols()) + "], expected [" +
                               std::to_string(length) + ", " + std::to_string(rows.cols()) + "]");
  const Eigen::Index old = to.rows();
  to.conservativeResize(old + rows.rows(), rows.cols());
  to.bottomRows(rows.rows()) = rows;
}

}  // namespace

void KvCache::append(int layer, const RowMatrix& new_k, const RowMatrix& new_v) {
  const size_t l = static_cast<size_t>(layer);
  if (k.size() <= l) {
    k.resize(l + 1);
    v.resize(l + 1);
  }
  append_rows(k[l], new_k, length, "keys", layer);
  append_rows(v[l], new_v, length, "values", layer);
}

}  // namespace attnscope
