#pragma once

#include <opencv2/core.hpp>

namespace attnscope {

// cv::imdecode from OpenCV's imgcodecs library, opened on the first call instead of at start-up.
// Debian's libopencv_imgcodecs brings in GDAL, GDCM, HDF5, poppler and PROJ (about 140 shared
// libraries); linking it cost every process, image or not, 70-100 ms before main().
// Throws Error(Input) naming the library when it cannot be loaded.
cv::Mat imdecode_lazily(const cv::Mat& encoded, int flags);

}  // namespace attnscope
