#pragma once

#include <optional>
#include <vector>

namespace attnscope {

// How the model input was cut from the original image: the whole original (after EXIF
// orientation) is resized to resized_width x resized_height, each axis scaled on its own, then
// the input_width x input_height box at (crop_left, crop_top) of the resized image is taken.
// Without a crop the box is the whole resized image. The crop offsets are negative (and the box
// larger than the resized image) where Hugging Face's center_crop zero-pads a too-small image.
struct ImageTransform {
  int original_width = 0, original_height = 0;
  int resized_width = 0, resized_height = 0;
  int crop_left = 0, crop_top = 0;
  int input_width = 0, input_height = 0;
};

// An axis-aligned rectangle in pixel coordinates: x grows to the right, y downwards, and (0, 0)
// is the top-left corner of the top-left pixel (pixel (i, j) covers [i, i+1) x [j, j+1)).
struct RectF {
  double x = 0, y = 0, width = 0, height = 0;
};

// The patch grid of a ViT-style model over its input image, and the way back to the original.
//
// Patch (row, col) covers input pixels [col*P, (col+1)*P) x [row*P, (row+1)*P); it is attention
// token prefix_tokens + row*cols + col (tokens before it: CLS, then DeiT's distillation token).
// Pixels right of / below the last whole patch (input sizes not divisible by P) belong to no patch.
//
// Mapping to the ORIGINAL image: a point u of the input lies at u + crop offset in the resized
// image, and Pillow's resize maps resized pixel edges linearly onto original pixel edges
// (original = resized * original_size / resized_size, per axis), so
//   x_original = (x_input + crop_left) * original_width / resized_width   (y likewise).
// Rectangles are not clipped: with zero-padding a patch may reach outside the original.
struct ImageGeometry {
  ImageTransform transform;
  int patch_size = 0;
  int rows = 0, cols = 0;
  int prefix_tokens = 0;

  bool empty() const { return rows == 0 || cols == 0; }
  int num_patches() const { return rows * cols; }
  int token(int row, int col) const { return prefix_tokens + row * cols + col; }

  // A rectangle in model-input pixels -> original-image pixels.
  RectF input_to_original(const RectF& r) const;
  RectF patch_rect(int row, int col) const;  // in original-image pixels
  std::vector<RectF> patch_rects() const;    // every patch, row-major (token order)
  RectF crop_box() const;                    // the whole model input, in original-image pixels
  RectF patches_box() const;                 // the whole patches (rows x cols), in original-image pixels
  // The share of the original's area inside the model input (1 without a crop; DeiT's 224 crop
  // of a 3:1 panorama: 0.26).
  double fraction_seen() const;
  // The patch (row-major index) whose rectangle contains the original-image point (x, y).
  std::optional<int> patch_at(double x, double y) const;
};

ImageGeometry make_image_geometry(const ImageTransform& transform, int patch_size, int prefix_tokens);

}  // namespace attnscope
