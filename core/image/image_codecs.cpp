#include "core/image/image_codecs.h"

#include <dlfcn.h>

#include <string>

#include "core/common/error.h"

namespace attnscope {

namespace {

using Imdecode = cv::Mat (*)(const cv::_InputArray&, int);

// The library is the one the build's headers belong to (its soname comes from CMake), so the
// C++ symbol below has the signature these headers declare.
Imdecode load_imdecode() {
  void* lib = dlopen(ATTNSCOPE_IMGCODECS_SONAME, RTLD_NOW | RTLD_LOCAL);  // never closed: decoders stay loaded
  if (!lib) {
    const char* why = dlerror();
    fail(ErrorKind::Input, std::string("cannot load OpenCV's image decoders (") + (why ? why : ATTNSCOPE_IMGCODECS_SONAME) +
                               "); on Debian install " + ATTNSCOPE_IMGCODECS_SONAME);
  }
  // cv::imdecode(cv::_InputArray const&, int)
  void* symbol = dlsym(lib, "_ZN2cv8imdecodeERKNS_11_InputArrayEi");
  if (!symbol) fail(ErrorKind::Input, std::string(ATTNSCOPE_IMGCODECS_SONAME) + " has no cv::imdecode");
  return reinterpret_cast<Imdecode>(symbol);
}

}  // namespace

cv::Mat imdecode_lazily(const cv::Mat& encoded, int flags) {
  static const Imdecode imdecode = load_imdecode();  // thread-safe, once; a failure is retried next time
  return imdecode(encoded, flags);
}

}  // namespace attnscope
