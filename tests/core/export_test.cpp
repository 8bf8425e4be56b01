#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/export/tensor_bundle.h"
#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"
#include "tests/support/shared_data.h"

using namespace attnscope;

namespace {

TensorBundle sample_bundle(Tensor& t) {
  t = Tensor({2, 3});
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = 0.5f * static_cast<float>(i) - 1.0f;
  TensorBundle b;
  b.add_view("x", t);
  b.add_ints("ids", {7, -1, 42});
  b.fields["model_type"] = "llama";
  b.fields["tokens"] = {"<s>", "▁the", "é"};
  b.fields["offsets"] = {{0, 0}, {0, 3}, {3, 4}};
  return b;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t count_files(const std::filesystem::path& dir) {
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir); it != std::filesystem::directory_iterator(); ++it) ++n;
  return n;
}

}  // namespace

TEST(Export, SafetensorsRoundTripsArraysAndFields) {
  const auto dir = test::scratch_dir("st");
  Tensor t;
  write_safetensors(sample_bundle(t), dir / "a.safetensors", false);
  SafetensorsFile f((dir / "a.safetensors").string());
  EXPECT_EQ(f.tensor("x").data, t.data);
  EXPECT_EQ(shape_to_string(f.tensor("x").shape), "[2,3]");
  EXPECT_EQ(f.ints("ids"), (std::vector<int64_t>{7, -1, 42}));
  EXPECT_EQ(f.metadata().at("model_type"), "llama");
  EXPECT_EQ(nlohmann::json::parse(f.metadata().at("tokens"))[1], "▁the");
  EXPECT_EQ(nlohmann::json::parse(f.metadata().at("offsets"))[2][1], 4);
}

TEST(Export, NpzIsAZipOfNpyFilesWithUnicodeStringArrays) {
  const auto dir = test::scratch_dir("npz");
  Tensor t;
  write_npz(sample_bundle(t), dir / "a.npz", false);
  const std::string z = slurp(dir / "a.npz");
  EXPECT_EQ(z.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_NE(z.find("x.npy"), std::string::npos);
  EXPECT_NE(z.find("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), std::string::npos);
  EXPECT_NE(z.find("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"), std::string::npos);
  EXPECT_NE(z.find("{'descr': '<U4', 'fortran_order': False, 'shape': (3,), }"), std::string::npos);  // "▁the"
  EXPECT_NE(z.find("{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }"), std::string::npos);  // offsets
  EXPECT_EQ(z.substr(z.size() - 22, 4), std::string("PK\x05\x06", 4));
}

TEST(Export, JsonHoldsFieldsAndNestedArrays) {
  const auto dir = test::scratch_dir("json");
  Tensor t;
  write_json(sample_bundle(t), dir / "a.json", false);
  const auto j = nlohmann::json::parse(slurp(dir / "a.json"));
  EXPECT_EQ(j["model_type"], "llama");
  EXPECT_EQ(j["x"][1][2].get<float>(), t.data[5]);
  EXPECT_EQ(j["ids"], nlohmann::json::parse("[7,-1,42]"));
}

TEST(Export, RefusesToOverwriteUnlessAsked) {
  const auto dir = test::scratch_dir("overwrite");
  Tensor t;
  write_json(sample_bundle(t), dir / "a.json", false);
  try {
    write_json(sample_bundle(t), dir / "a.json", false);
    FAIL() << "overwrote";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_NE(std::string(e.what()).find("already exists (use --force to overwrite)"), std::string::npos);
  }
  write_json(sample_bundle(t), dir / "a.json", true);
  EXPECT_EQ(count_files(dir), 1u);
}

TEST(Export, UnknownExtensionIsAUsageError) {
  try {
    bundle_format_for("out.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("use .safetensors, .npz or .json"), std::string::npos);
  }
}

TEST(Export, ReadOnlyFolderFailsClearlyAndLeavesNothing) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores folder permissions; covered by the full-disk test instead";
  const auto dir = test::scratch_dir("ro");
  ::chmod(dir.c_str(), 0555);
  Tensor t;
  try {
    write_npz(sample_bundle(t), dir / "a.npz", false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_NE(std::string(e.what()).find("Permission denied"), std::string::npos) << e.what();
  }
  ::chmod(dir.c_str(), 0755);
  EXPECT_EQ(count_files(dir), 0u);
}

TEST(Export, MissingFolderFailsClearly) {
  const auto dir = test::scratch_dir("missing");
  Tensor t;
  try {
    write_safetensors(sample_bundle(t), dir / "no-such-folder" / "a.safetensors", false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count_files(dir), 0u);
}

TEST(Export, WriteFailingMidFileLeavesNoPartialFile) {
  // A file-size limit makes write() fail part-way with EFBIG, the same path as a full disk (ENOSPC).
  const auto dir = test::scratch_dir("full");
  Tensor big({1024, 1024});  // 4 MB
  TensorBundle b;
  b.add_view("big", big);
  struct rlimit old {};
  ::getrlimit(RLIMIT_FSIZE, &old);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 64 * 1024;
  ::setrlimit(RLIMIT_FSIZE, &small);
  std::string message;
  try {
    write_safetensors(b, dir / "a.safetensors", false);
  } catch (const Error& e) {
    message = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::Output);
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_NE(message.find("write failed: File too large (nothing was written)"), std::string::npos) << message;
  EXPECT_EQ(count_files(dir), 0u);
}
