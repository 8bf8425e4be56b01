// Patch -> original-image rectangles through resize and crop, on a non-square image.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "core/image/geometry.h"
#include "core/image/preprocess.h"

using namespace attnscope;

namespace {

// DeiT's preprocessing: shortest edge 256 (bicubic), centre crop 224.
ImageProcessorConfig deit_config() {
  return parse_image_processor_config(
      nlohmann::json::parse(R"({"size": {"shortest_edge": 256}, "resample": 3, "do_center_crop": true,
                                "crop_size": {"height": 224, "width": 224},
                                "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]})"),
      "deit");
}

}  // namespace

TEST(VisionGeometry, PatchRectanglesThroughResizeAndCrop) {
  // 451 x 300 -> 384 x 256 (int(256 * 451 / 300) = 384), crop at left (384-224)//2 = 80,
  // top (256-224)//2 = 16.
  const PreprocessedImage p = preprocess_image(RgbImage(451, 300), deit_config());
  const ImageTransform& t = p.transform;
  EXPECT_EQ(t.resized_width, 384);
  EXPECT_EQ(t.resized_height, 256);
  EXPECT_EQ(t.crop_left, 80);
  EXPECT_EQ(t.crop_top, 16);
  EXPECT_EQ(t.input_width, 224);
  const ImageGeometry g = make_image_geometry(t, 16, 2);
  EXPECT_EQ(g.rows, 14);
  EXPECT_EQ(g.cols, 14);
  EXPECT_EQ(g.token(0, 0), 2);
  EXPECT_EQ(g.token(13, 13), 2 + 195);

  const double sx = 451.0 / 384.0, sy = 300.0 / 256.0;
  const RectF first = g.patch_rect(0, 0);
  EXPECT_DOUBLE_EQ(first.x, 80 * sx);
  EXPECT_DOUBLE_EQ(first.y, 16 * sy);
  EXPECT_DOUBLE_EQ(first.width, 16 * sx);
  EXPECT_DOUBLE_EQ(first.height, 16 * sy);
  const RectF r = g.patch_rect(3, 9);  // row 3, column 9
  EXPECT_DOUBLE_EQ(r.x, (80 + 9 * 16) * sx);
  EXPECT_DOUBLE_EQ(r.y, (16 + 3 * 16) * sy);
  const RectF box = g.crop_box();
  EXPECT_DOUBLE_EQ(box.x, 80 * sx);
  EXPECT_DOUBLE_EQ(box.width, 224 * sx);
  EXPECT_DOUBLE_EQ(box.height, 224 * sy);
  // Whole patches cover the crop exactly (224 = 14 x 16); the model saw (224 / 384) x (224 / 256) of the photo.
  const RectF patches = g.patches_box();
  const RectF last = g.patch_rect(13, 13);
  EXPECT_DOUBLE_EQ(patches.x, first.x);
  EXPECT_NEAR(patches.x + patches.width, last.x + last.width, 1e-9);
  EXPECT_NEAR(patches.y + patches.height, last.y + last.height, 1e-9);
  EXPECT_NEAR(g.fraction_seen(), (224.0 / 384) * (224.0 / 256), 1e-12);

  const auto rects = g.patch_rects();
  ASSERT_EQ(rects.size(), 196u);
  EXPECT_DOUBLE_EQ(rects[3 * 14 + 9].x, r.x);
  for (int i = 0; i < 196; ++i) {  // every patch's centre maps back to that patch
    const RectF& q = rects[static_cast<size_t>(i)];
    EXPECT_EQ(g.patch_at(q.x + q.width / 2, q.y + q.height / 2), i);
  }
  EXPECT_FALSE(g.patch_at(10, 10));  // left of the crop
  EXPECT_FALSE(g.patch_at(200, 299.5));  // below it
}

TEST(VisionGeometry, PatchRectangleHoldsWhatThePatchSees) {
  // Paint the original exactly where patch (5, 7) maps, run the real preprocessing, and check
  // that the model-input pixels of that patch are the painted ones and its neighbours' are not.
  RgbImage original(451, 300);
  const ImageGeometry g0 = make_image_geometry(preprocess_image(original, deit_config()).transform, 16, 2);
  const RectF r = g0.patch_rect(5, 7);
  for (int y = static_cast<int>(std::ceil(r.y)); y < static_cast<int>(r.y + r.height); ++y)
    for (int x = static_cast<int>(std::ceil(r.x)); x < static_cast<int>(r.x + r.width); ++x) std::fill_n(original.pixel(x, y), 3, 255);
  const PreprocessedImage p = preprocess_image(original, deit_config());
  auto mean_of_patch = [&](int row, int col, int margin) {
    double s = 0;
    int n = 0;
    for (int y = row * 16 + margin; y < (row + 1) * 16 - margin; ++y)
      for (int x = col * 16 + margin; x < (col + 1) * 16 - margin; ++x, ++n) s += p.input.pixel(x, y)[0];
    return s / n;
  };
  EXPECT_GT(mean_of_patch(5, 7, 4), 250);  // interior of the patch (the resampler blurs the edges)
  EXPECT_LT(mean_of_patch(5, 9, 0), 1);
  EXPECT_LT(mean_of_patch(7, 7, 0), 1);
  EXPECT_LT(mean_of_patch(5, 5, 0), 1);
}

TEST(VisionGeometry, PlainResizeAndInputsNotDivisibleByThePatch) {
  // --size 100x70 on a 451x300 image: no crop; 70 // 16 = 4 rows, 100 // 16 = 6 columns.
  const PreprocessedImage p = preprocess_image(RgbImage(451, 300), deit_config(), ImageSize{100, 70});
  const ImageGeometry g = make_image_geometry(p.transform, 16, 1);
  EXPECT_EQ(g.rows, 4);
  EXPECT_EQ(g.cols, 6);
  EXPECT_EQ(g.num_patches(), 24);
  const RectF last = g.patch_rect(3, 5);
  EXPECT_DOUBLE_EQ(last.x, 80 * 451.0 / 100);
  EXPECT_DOUBLE_EQ(last.y, 48 * 300.0 / 70);
  EXPECT_DOUBLE_EQ(last.width, 16 * 451.0 / 100);
  EXPECT_FALSE(g.patch_at(450, 299));  // in the uncovered right/bottom strip
}

TEST(VisionGeometry, ZeroPaddedCropReachesOutsideTheImage) {
  // 20 x 10, no resize, crop 32 x 32: left = (20 - 32) // 2 = -6, top = (10 - 32) // 2 = -11.
  const auto cfg = parse_image_processor_config(
      nlohmann::json::parse(R"({"do_resize": false, "do_center_crop": true, "crop_size": 32})"), "pad");
  const PreprocessedImage p = preprocess_image(RgbImage(20, 10), cfg);
  const ImageGeometry g = make_image_geometry(p.transform, 16, 1);
  const RectF r = g.patch_rect(0, 0);
  EXPECT_DOUBLE_EQ(r.x, -6);
  EXPECT_DOUBLE_EQ(r.y, -11);
  EXPECT_DOUBLE_EQ(r.width, 16);
}
