#include <cstring>
#include <fstream>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/io/dtype.h"
#include "core/io/safetensors.h"
#include "tests/support/shared_data.h"

using namespace attnscope;

namespace {

std::string le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(v >> (8 * i));
  return s;
}

std::string file_image(const std::string& header, const std::string& data) { return le64(header.size()) + header + data; }

std::string parse_error(const std::string& image) {
  try {
    parse_safetensors(reinterpret_cast<const uint8_t*>(image.data()), image.size(), "model.safetensors");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Model);
    return e.what();
  }
  return "(no error)";
}

std::string floats(std::initializer_list<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), std::data(v), s.size());
  return s;
}

const std::string kOne = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";

}  // namespace

TEST(Safetensors, ParsesValidHeaderWithMetadataAndOrdersByOffset) {
  const std::string header =
      R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"format":"pt"}})";
  const std::string img = file_image(header, floats({1, 2, 3, 4}));
  auto h = parse_safetensors(reinterpret_cast<const uint8_t*>(img.data()), img.size(), "x");
  ASSERT_EQ(h.tensors.size(), 2u);
  EXPECT_EQ(h.tensors[0].name, "a");
  EXPECT_EQ(h.tensors[1].name, "b");
  EXPECT_EQ(h.tensors[1].offset, 8 + header.size() + 8);
  EXPECT_EQ(h.metadata.at("format"), "pt");
}

TEST(Safetensors, RejectsFileShorterThanTheLengthPrefix) {
  EXPECT_NE(parse_error("abc").find("truncated: 3 bytes"), std::string::npos);
}

TEST(Safetensors, RejectsHeaderLengthPastEndOfFile) {
  std::string img = file_image(kOne, floats({1, 2}));
  img = le64(1000) + img.substr(8);
  EXPECT_NE(parse_error(img).find("header length 1000 runs past the end of the file"), std::string::npos) << parse_error(img);
}

TEST(Safetensors, RejectsHeaderOverTheSizeLimit) {
  const std::string img = le64(kMaxSafetensorsHeader + 1) + "{}";
  EXPECT_NE(parse_error(img).find("exceeds the limit"), std::string::npos);
}

TEST(Safetensors, RejectsTruncatedData) {
  const std::string img = file_image(kOne, floats({1}));  // 4 of 8 bytes
  EXPECT_NE(parse_error(img).find("tensor 'a': data_offsets [0,8] lie outside the data section (4 bytes"), std::string::npos)
      << parse_error(img);
}

TEST(Safetensors, RejectsOverlappingTensors) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  EXPECT_NE(parse_error(file_image(header, floats({1, 2, 3}))).find("'a' and 'b' overlap"), std::string::npos);
}

// An empty tensor sorted between two overlapping ones must not hide the overlap (it did).
TEST(Safetensors, RejectsOverlapBehindAZeroByteTensor) {
  const std::string header =
      R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
      R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
  EXPECT_NE(parse_error(file_image(header, floats({1, 2, 3, 4}))).find("'a' and 'b' overlap"), std::string::npos)
      << parse_error(file_image(header, floats({1, 2, 3, 4})));
  // A tensor inside a longer one that ended two tensors earlier.
  const std::string nested =
      R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
      R"("c":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
  EXPECT_NE(parse_error(file_image(nested, floats({1, 2, 3, 4}))).find("overlap"), std::string::npos);
}

TEST(Safetensors, RejectsJsonNestedTooDeeply) {
  const std::string deep = R"({"__metadata__":{"x":)" + std::string(100000, '[') + std::string(100000, ']') + "}}";
  std::string padded = deep + std::string((8 - deep.size() % 8) % 8, ' ');
  EXPECT_NE(parse_error(file_image(padded, "")).find("nested more than 128 levels deep"), std::string::npos);
}

TEST(Safetensors, RejectsByteCountThatDisagreesWithShape) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})";
  EXPECT_NE(parse_error(file_image(header, floats({1, 2}))).find("shape [3] of F32 needs 12 bytes, but data_offsets give 8"),
            std::string::npos);
}

TEST(Safetensors, RejectsShapeWhoseByteCountOverflows) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})";
  EXPECT_NE(parse_error(file_image(header, floats({1, 2}))).find("more than 2^64"), std::string::npos);
}

TEST(Safetensors, RejectsUnsupportedDtype) {
  const std::string header = R"({"a":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}})";
  EXPECT_NE(parse_error(file_image(header, floats({1, 2}))).find("unsupported dtype 'F8_E4M3'"), std::string::npos);
}

TEST(Safetensors, RejectsInvalidJsonAndWrongTypes) {
  EXPECT_NE(parse_error(file_image("{not json", "")).find("header: invalid JSON"), std::string::npos);
  EXPECT_NE(parse_error(file_image("[1,2]   ", "")).find("not a JSON object"), std::string::npos);
  EXPECT_NE(parse_error(file_image(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", floats({1, 2})))
                .find("non-negative integers"),
            std::string::npos);
  EXPECT_NE(parse_error(file_image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", floats({1, 2}))).find("reversed"),
            std::string::npos);
}

TEST(Safetensors, ConvertsHalfAndBfloat16) {
  EXPECT_EQ(half_to_float(0x3C00), 1.0f);
  EXPECT_EQ(half_to_float(0xC000), -2.0f);
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
  EXPECT_EQ(bfloat16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(bfloat16_to_float(0x4049), 3.140625f);
  EXPECT_EQ(float_to_half(1.0f), 0x3C00);
}

TEST(Safetensors, ReadsRealCheckpoint) {
  SafetensorsFile f((attnscope::test::builtin_model("stories260K") / "model.safetensors").string());
  const TensorInfo* t = f.find("model.embed_tokens.weight");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(shape_to_string(t->shape), "[512,64]");
  EXPECT_EQ(t->dtype, DType::F32);
}
