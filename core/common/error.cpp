#include "core/common/error.h"

namespace attnscope {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Usage: return "usage error";
    case ErrorKind::Model: return "model error";
    case ErrorKind::Input: return "input error";
    case ErrorKind::Output: return "output error";
    case ErrorKind::Resource: return "resource limit";
    case ErrorKind::Network: return "network error";
  }
  return "error";
}

}  // namespace attnscope
