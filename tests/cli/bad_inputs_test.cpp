// Every bad input the robustness issue lists, as one table: each row builds a broken model
// folder or an unusual input in a scratch folder, runs attnscope-cli on it, and checks the exit
// code (2 usage, 3 model, 4 input/resource, 5 output) and the words of the message on stderr.
// Rows that must succeed (odd but valid inputs, NaN weights) check their warning or output.
// For every failing row the output file must not exist afterwards: nothing partial is left.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/bad_inputs.h"
#include "tests/support/run_process.h"
#include "tests/support/sanitizers.h"
#include "tests/support/shared_data.h"

using namespace attnscope;
namespace fs = std::filesystem;
using namespace std::string_literals;
using Args = std::vector<std::string>;

namespace {

struct Row {
  std::string name;
  std::function<Args(const fs::path& dir)> make;  // builds the case in `dir`, returns the CLI arguments
  int exit_code;
  std::vector<std::string> messages;              // all must appear on stderr
  std::function<void(const fs::path& dir, const test::ProcessResult&)> check = {};  // more checks
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

fs::path out(const fs::path& dir) { return dir / "out.json"; }

std::string shared_model(const std::string& name) { return test::shared("models/" + name).string(); }

Args attend_text(const std::string& model, const fs::path& dir, const std::string& text = "the cat sat on the mat.") {
  return {"attend", "--model", model, "--text", text, "--out", out(dir).string()};
}

Args attend_file(const std::string& model, const fs::path& dir, const std::string& text) {
  test::write_file(dir / "input.txt", text);
  return {"attend", "--model", model, "--text-file", (dir / "input.txt").string(), "--out", out(dir).string()};
}

Args attend_image(const fs::path& dir, const std::string& name, const std::string& bytes, const Args& extra = {}) {
  test::write_file(dir / name, bytes);
  Args a = {"attend", "--model", shared_model("dino-random"), "--image", (dir / name).string(), "--out", out(dir).string()};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// A damaged copy of stories260K: `damage` edits the folder, then the model runs on a short text.
std::function<Args(const fs::path&)> stories(std::function<void(const fs::path& model)> damage) {
  return [damage](const fs::path& dir) {
    const fs::path m = test::copy_model("stories260K", dir);
    damage(m);
    return attend_text(m.string(), dir);
  };
}

std::function<Args(const fs::path&)> config(std::function<void(nlohmann::json&)> edit) {
  return stories([edit](const fs::path& m) { test::edit_config(m, edit); });
}

std::function<Args(const fs::path&)> weights(std::function<void(nlohmann::json&, std::string&)> edit) {
  return stories([edit](const fs::path& m) { test::edit_safetensors(m / "model.safetensors", edit); });
}

// A sharded copy of stories260K: the index lists every tensor in `shard`, and the weights
// are renamed to model-00001-of-00001.safetensors.
std::function<Args(const fs::path&)> sharded(const std::string& shard) {
  return stories([shard](const fs::path& m) {
    const auto parts = test::read_safetensors_parts(m / "model.safetensors");
    nlohmann::json index = {{"metadata", {{"total_size", parts.data.size()}}}, {"weight_map", nlohmann::json::object()}};
    for (const auto& [name, t] : parts.header.items())
      if (name != "__metadata__") index["weight_map"][name] = shard;
    fs::rename(m / "model.safetensors", m / "model-00001-of-00001.safetensors");
    test::write_file(m / "model.safetensors.index.json", index.dump(2));
  });
}

// A BERT folder with only the slow-tokenizer files: vocab.txt through `edit_vocab`.
std::function<Args(const fs::path&)> bert_vocab(std::function<void(std::string&)> edit_vocab) {
  return [edit_vocab](const fs::path& dir) {
    const fs::path m = test::copy_model("bert-random", dir);
    fs::remove(m / "tokenizer.json");
    std::string vocab = test::read_file(m / "vocab.txt");
    edit_vocab(vocab);
    test::write_file(m / "vocab.txt", vocab);
    return attend_text(m.string(), dir);
  };
}

// A protocol-0 pickle that would create `marker` if anything ever unpickled it.
std::string malicious_pickle(const fs::path& marker) { return "cos\nsystem\n(S'touch " + marker.string() + "'\ntR."; }

void expect_json_output(const fs::path& dir, const std::function<void(const nlohmann::json&)>& check) {
  ASSERT_TRUE(fs::exists(out(dir)));
  check(nlohmann::json::parse(test::read_file(out(dir))));
}

// An odd but valid image ran: the output names its size [width, height] and has the model's
// 14 x 14 grid of patches.
std::function<void(const fs::path&, const test::ProcessResult&)> image_ran(int width, int height) {
  return [width, height](const fs::path& dir, const test::ProcessResult&) {
    expect_json_output(dir, [&](const nlohmann::json& j) {
      EXPECT_EQ(j["image_size"], nlohmann::json::array({width, height}));
      EXPECT_EQ(j["grid"], nlohmann::json::array({14, 14}));
    });
  };
}

// --- round two (a red team's classes) ---------------------------------------------------------

// Peak resident memory allowed for a CLI run, in kB: AddressSanitizer's shadow memory and
// quarantine multiply a process's footprint, so sanitizer builds get four times the bound (still
// far below the gigabytes these rows used to take).
long rss_limit_kb(long mib) { return mib * test::kSanitizerFactor * 1024; }

// 100,000 nested arrays: enough to overflow the stack of any recursive JSON code.
std::string depth_bomb() { return std::string(100000, '[') + std::string(100000, ']'); }

// Inserts `"x_deep": <depth bomb>,` as the first key of the JSON object in `file`, as text.
void bomb_json_file(const fs::path& file) {
  std::string text = test::read_file(file);
  text.insert(text.find('{') + 1, "\"x_deep\": " + depth_bomb() + ", ");
  test::write_file(file, text);
}

// The built-in ViT on a sample photo after `damage` edits a copy of it.
std::function<Args(const fs::path&)> vit(std::function<void(const fs::path& model)> damage) {
  return [damage](const fs::path& dir) {
    const fs::path m = test::copy_model("vit-tiny", dir);
    damage(m);
    return Args{"attend", "--model", m.string(), "--image", (test::source_dir() / "samples/images/chelsea.png").string(), "--out",
                out(dir).string()};
  };
}

std::function<Args(const fs::path&)> tokenizer_json(std::function<void(nlohmann::json&)> edit) {
  return stories([edit](const fs::path& m) {
    auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
    edit(tj);
    test::write_file(m / "tokenizer.json", tj.dump());
  });
}

// No control character reaches the terminal raw: only as \xNN.
void expect_no_raw_escape(const fs::path&, const test::ProcessResult& r) {
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "raw ESC in: " << r.err;
  EXPECT_NE(r.err.find("\\x1B"), std::string::npos) << r.err;
}

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      // --- model folders: config.json -----------------------------------------------------------
      {"ConfigMissing", stories([](const fs::path& m) { fs::remove(m / "config.json"); }), 3,
       {"no config.json (is this a Hugging Face model folder?)"}},
      {"ConfigInvalidJson", stories([](const fs::path& m) { test::write_file(m / "config.json", "{\"model_type\": \"llama\","); }), 3,
       {"config.json: invalid JSON"}},
      {"ConfigNotAnObject", stories([](const fs::path& m) { test::write_file(m / "config.json", "[64, 5]"); }), 3,
       {"config.json: expected a JSON object"}},
      {"ConfigWrongType", config([](nlohmann::json& c) { c["num_hidden_layers"] = "five"; }), 3,
       {"config.json: 'num_hidden_layers' must be an integer in [1, 1024], got \"five\""}},
      {"ConfigNegativeSize", config([](nlohmann::json& c) { c["hidden_size"] = -64; }), 3,
       {"config.json: 'hidden_size' must be an integer in [1, 65536], got -64"}},
      {"ConfigBillionLayers", config([](nlohmann::json& c) { c["num_hidden_layers"] = 1000000000; }), 3,
       {"config.json: 'num_hidden_layers' must be an integer in [1, 1024], got 1000000000"}},
      {"ConfigAbsurdFloatVocab", config([](nlohmann::json& c) { c["vocab_size"] = 1e30; }), 3,
       {"config.json: 'vocab_size' must be an integer in [1, 4194304], got 1e+30"}},
      {"ConfigNoModelType", config([](nlohmann::json& c) { c.erase("model_type"); }), 3,
       {"config.json: no 'model_type' (supported: bert, "}},
      {"ConfigUnknownModelType", config([](nlohmann::json& c) { c["model_type"] = "mamba"; }), 3,
       {"config.json: unsupported model_type 'mamba'"}},
      {"ConfigShapeDisagreesWithWeights", config([](nlohmann::json& c) { c["intermediate_size"] = 200; }), 3,
       {"model.safetensors: tensor 'model.layers.0.mlp.gate_proj.weight' has shape [172,64], expected [200,64]"}},

      // --- model folders: weights -----------------------------------------------------------------
      {"WeightsMissing", stories([](const fs::path& m) { fs::remove(m / "model.safetensors"); }), 3,
       {"no model.safetensors (nor model.safetensors.index.json)"}},
      {"WeightsPickleOnlyAreRefusedNeverUnpickled",
       stories([](const fs::path& m) {
         fs::remove(m / "model.safetensors");
         test::write_file(m / "pytorch_model.bin", malicious_pickle(m / "PWNED"));
       }),
       3, {"only PyTorch pickle weights found", "never loads pickle files", "safe_serialization=True"},
       [](const fs::path& dir, const test::ProcessResult&) { EXPECT_FALSE(fs::exists(dir / "stories260K" / "PWNED")); }},
      {"WeightsZeroBytes", stories([](const fs::path& m) { test::write_file(m / "model.safetensors", ""); }), 3,
       {"model.safetensors: truncated: 0 bytes"}},
      {"WeightsTruncated",
       stories([](const fs::path& m) { fs::resize_file(m / "model.safetensors", fs::file_size(m / "model.safetensors") / 2); }), 3,
       {"model.safetensors: tensor '", "lie outside the data section", "truncated file?"}},
      {"WeightsHeaderLengthPastTheEnd",
       stories([](const fs::path& m) {
         std::string b = test::read_file(m / "model.safetensors");
         b[0] = '\0', b[1] = '\0', b[2] = '\x20', b[3] = '\0';  // 2 MiB header in a 1 MB file
         test::write_file(m / "model.safetensors", b);
       }),
       3, {"model.safetensors: header length 2097152 runs past the end of the file"}},
      {"WeightsHeaderOver100MB",
       stories([](const fs::path& m) {
         std::string b(8, '\0');
         const uint64_t n = (100ull << 20) + 1;
         std::memcpy(b.data(), &n, 8);
         test::write_file(m / "model.safetensors", b + std::string(4096, ' '));
       }),
       3, {"model.safetensors: header length 104857601 bytes exceeds the limit of 104857600 bytes"}},
      {"WeightsHeaderNotJson",
       stories([](const fs::path& m) { test::write_file(m / "model.safetensors", std::string("\x08\0\0\0\0\0\0\0{not js}", 16)); }),
       3, {"model.safetensors: header: invalid JSON"}},
      {"WeightsHeaderNotAnObject",
       stories([](const fs::path& m) { test::write_file(m / "model.safetensors", test::safetensors_bytes({1, 2}, "")); }), 3,
       {"model.safetensors: header is not a JSON object"}},
      {"WeightsOverlappingTensors", weights([](nlohmann::json& h, std::string&) {
         h["model.layers.1.input_layernorm.weight"]["data_offsets"] = h["model.layers.0.input_layernorm.weight"]["data_offsets"];
       }),
       3, {"model.safetensors: tensors '", "overlap in the data section"}},
      {"WeightsOffsetsOutsideTheData", weights([](nlohmann::json& h, std::string& data) {
         auto& t = h["model.norm.weight"];
         t["data_offsets"] = {data.size() - 128, data.size() + 128};
       }),
       3, {"model.safetensors: tensor 'model.norm.weight': data_offsets", "lie outside the data section"}},
      {"WeightsReversedOffsets", weights([](nlohmann::json& h, std::string&) {
         auto& o = h["model.norm.weight"]["data_offsets"];
         o = {o[1], o[0]};
       }),
       3, {"model.safetensors: tensor 'model.norm.weight': data_offsets", "are reversed"}},
      {"WeightsShapeDisagreesWithOffsets", weights([](nlohmann::json& h, std::string&) { h["model.norm.weight"]["shape"] = {65}; }),
       3, {"model.safetensors: tensor 'model.norm.weight': shape [65] of F32 needs 260 bytes, but data_offsets give 256"}},
      {"WeightsNegativeShape", weights([](nlohmann::json& h, std::string&) { h["model.norm.weight"]["shape"] = {-64}; }), 3,
       {"model.safetensors: tensor 'model.norm.weight': shape entries must be non-negative integers"}},
      {"WeightsUnsupportedDtype", weights([](nlohmann::json& h, std::string&) { h["model.norm.weight"]["dtype"] = "F8_E4M3"; }), 3,
       {"model.safetensors: tensor 'model.norm.weight': unsupported dtype 'F8_E4M3' (supported: F64, F32, F16, BF16"}},
      {"WeightsIntegerDtype", weights([](nlohmann::json& h, std::string&) { h["model.norm.weight"]["dtype"] = "I32"; }), 3,
       {"model.safetensors: tensor 'model.norm.weight' has dtype I32, expected F32, F16 or BF16"}},
      {"WeightsNanAndInfWarn",
       weights([](nlohmann::json& h, std::string& data) {
         const size_t at = h["model.norm.weight"]["data_offsets"][0].get<size_t>();
         const float bad[2] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()};
         std::memcpy(data.data() + at, bad, sizeof bad);
       }),
       0, {"warning: weight 'model.norm.weight' contains NaN or Inf"}},
      {"ShardMissing", sharded("model-00002-of-00002.safetensors"), 3,
       {"model.safetensors.index.json: shard 'model-00002-of-00002.safetensors' does not exist in"}},
      {"ShardOutsideTheFolder", sharded("../stories260K/model-00001-of-00001.safetensors"), 3,
       {"model.safetensors.index.json: shard '../stories260K/model-00001-of-00001.safetensors' is not a plain file name inside the "
        "model folder"}},
      {"ShardAbsolutePath", sharded("/etc/passwd"), 3, {"shard '/etc/passwd' is not a plain file name inside the model folder"}},
      {"ShardDotDot", sharded(".."), 3, {"shard '..' is not a plain file name"}},
      {"ShardIndexInvalidJson",
       stories([](const fs::path& m) {
         fs::remove(m / "model.safetensors");
         test::write_file(m / "model.safetensors.index.json", "{\"weight_map\": ");
       }),
       3, {"model.safetensors.index.json: invalid JSON"}},
      {"ShardIndexWithoutWeightMap",
       stories([](const fs::path& m) {
         fs::remove(m / "model.safetensors");
         test::write_file(m / "model.safetensors.index.json", "{\"metadata\": {}}");
       }),
       3, {"model.safetensors.index.json: missing or empty 'weight_map'"}},

      // --- model folders: tokenizer files -----------------------------------------------------------
      {"TokenizerMissing", stories([](const fs::path& m) { fs::remove(m / "tokenizer.json"); }), 3,
       {"no tokenizer files (expected tokenizer.json, vocab.txt, or vocab.json + merges.txt)"}},
      {"TokenizerJsonInvalid", stories([](const fs::path& m) { test::write_file(m / "tokenizer.json", "{\"model\": {\"type\""); }), 3,
       {"tokenizer.json: invalid JSON"}},
      {"TokenizerJsonWithoutModel", stories([](const fs::path& m) { test::write_file(m / "tokenizer.json", "{\"version\": \"1.0\"}"); }),
       3, {"tokenizer.json: no 'model' object"}},
      {"TokenizerJsonDuplicateIds",
       stories([](const fs::path& m) {
         auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
         tj["model"]["vocab"]["\xE2\x96\x81" "duplicate"] = tj["model"]["vocab"]["\xE2\x96\x81" "the"];
         test::write_file(m / "tokenizer.json", tj.dump());
       }),
       3, {"tokenizer.json", "is given to both"}},
      // Hugging Face refuses both files (serde: a missing field, a number for a boolean).
      {"TokenizerJsonTemplateSequenceWithoutId",
       stories([](const fs::path& m) {
         auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
         tj["post_processor"]["pair"][3]["Sequence"].erase("id");
         test::write_file(m / "tokenizer.json", tj.dump());
       }),
       3, {"tokenizer.json: post_processor: a Sequence needs \"id\": \"A\" or \"B\""}},
      {"TokenizerJsonWrongType",
       stories([](const fs::path& m) {
         auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
         tj["added_tokens"][1]["special"] = 210;
         test::write_file(m / "tokenizer.json", tj.dump());
       }),
       3, {"tokenizer.json: unexpected structure: ", "type must be boolean, but is number"}},
      {"VocabTxtDuplicateToken", bert_vocab([](std::string& v) { v += "the\n"; }), 3, {"vocab.txt", "'the'", "lines"}},
      {"VocabTxtEmpty", bert_vocab([](std::string& v) { v.clear(); }), 3, {"vocab.txt", "empty"}},
      {"MergesTxtMalformed",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("gpt2-random", dir);
         fs::remove(m / "tokenizer.json");
         test::write_file(m / "merges.txt", "#version: 0.2\n\xC4\xA0 t\nnot a merge line\n");
         return attend_text(m.string(), dir);
       },
       3, {"merges.txt: line 3"}},

      // --- text inputs ----------------------------------------------------------------------------
      {"TextEmptyOption", [](const fs::path& dir) { return attend_text(test::builtin_model("stories260K").string(), dir, ""); }, 2,
       {"a text model needs --text or --text-file"}},
      {"TextEmptyFile", [](const fs::path& dir) { return attend_file(test::builtin_model("stories260K").string(), dir, ""); }, 4,
       {"the input text is empty"}},
      {"TextOnlyWhitespace", [](const fs::path& dir) { return attend_file(test::builtin_model("stories260K").string(), dir, " \t\r\n\n  \n"); }, 4,
       {"the input text contains only whitespace"}},
      {"TextInvalidUtf8", [](const fs::path& dir) { return attend_file(test::builtin_model("stories260K").string(), dir, "bad \xC3\x28 utf8"); }, 4,
       {"the input text is not valid UTF-8 (byte 0xC3 at offset 4)"}},
      {"TextOverlongUtf8", [](const fs::path& dir) { return attend_file(test::builtin_model("stories260K").string(), dir, "slash \xC0\xAF"); }, 4,
       {"not valid UTF-8 (byte 0xC0 at offset 6)"}},
      {"TextMissingFile",
       [](const fs::path& dir) {
         return Args{"attend", "--model", test::builtin_model("stories260K").string(), "--text-file", (dir / "nope.txt").string(), "--out", out(dir).string()};
       },
       4, {"--text-file: ", "nope.txt does not exist"}},
      // NUL is a valid character: the SentencePiece vocabulary lacks it, so it becomes the byte token.
      {"TextWithNulBytes", [](const fs::path& dir) { return attend_file(test::builtin_model("stories260K").string(), dir, std::string("a\0b", 3)); }, 0,
       {},
       [](const fs::path& dir, const test::ProcessResult&) {
         expect_json_output(dir, [](const nlohmann::json& j) {
           EXPECT_NE(std::find(j["tokens"].begin(), j["tokens"].end(), "<0x00>"), j["tokens"].end()) << j["tokens"];
           EXPECT_EQ(j["text"].get<std::string>(), std::string("a\0b", 3));
         });
       }},
      {"TextTenMegabytesIsTruncated",
       [](const fs::path& dir) { return attend_file(test::builtin_model("stories260K").string(), dir, test::story(10 << 20)); }, 0,
       {"warning: input truncated to 512 tokens (limit 512); only the beginning of the 10.5 MB text was tokenized"},
       [](const fs::path& dir, const test::ProcessResult&) {
         expect_json_output(dir, [](const nlohmann::json& j) { EXPECT_EQ(j["input_ids"].size(), 512u); });
       }},

      // --- round two: JSON depth and size, special files, tokenizer pathologies ----------------------
      {"DepthBombConfigJson", stories([](const fs::path& m) { bomb_json_file(m / "config.json"); }), 3,
       {"config.json: JSON nested more than 128 levels deep"}},
      {"DepthBombInsideRopeScaling",
       stories([](const fs::path& m) {
         std::string text = test::read_file(m / "config.json");
         text.insert(text.find('{') + 1, "\"rope_scaling\": {\"type\": \"linear\", \"factor\": " + depth_bomb() + "}, ");
         test::write_file(m / "config.json", text);
       }),
       3, {"config.json: JSON nested more than 128 levels deep"}},
      {"DepthBombTokenizerJson", stories([](const fs::path& m) { bomb_json_file(m / "tokenizer.json"); }), 3,
       {"tokenizer.json: JSON nested more than 128 levels deep"}},
      {"DepthBombPreprocessorConfig", vit([](const fs::path& m) { bomb_json_file(m / "preprocessor_config.json"); }), 3,
       {"preprocessor_config.json: JSON nested more than 128 levels deep"}},
      {"DepthBombShardIndex",
       [](const fs::path& dir) {
         Args a = sharded("model-00001-of-00001.safetensors")(dir);
         bomb_json_file(dir / "stories260K" / "model.safetensors.index.json");
         return a;
       },
       3, {"model.safetensors.index.json: JSON nested more than 128 levels deep"}},
      {"DepthBombSafetensorsHeader",
       stories([](const fs::path& m) {
         auto parts = test::read_safetensors_parts(m / "model.safetensors");
         std::string h = parts.header.dump();
         h.insert(1, "\"x_deep\": " + depth_bomb() + ", ");
         h.append((8 - h.size() % 8) % 8, ' ');
         const uint64_t n = h.size();
         std::string bytes(8, '\0');
         std::memcpy(bytes.data(), &n, 8);
         test::write_file(m / "model.safetensors", bytes + h + parts.data);
       }),
       3, {"model.safetensors: header: JSON nested more than 128 levels deep"}},
      {"ConfigJsonOverTheSizeCap",
       stories([](const fs::path& m) {
         std::string text = test::read_file(m / "config.json");
         text.insert(text.find('{') + 1, "\"x_pad\": \"" + std::string(17'000'000, 'x') + "\", ");
         test::write_file(m / "config.json", text);
       }),
       3, {"config.json: ", "is 17.0 MB, more than the 16.0 MB allowed for it"},
       [](const fs::path&, const test::ProcessResult& r) { EXPECT_LT(r.max_rss_kb, rss_limit_kb(200)) << "refused before reading"; }},
      {"ConfigJsonIsAFolder",
       stories([](const fs::path& m) {
         fs::remove(m / "config.json");
         fs::create_directory(m / "config.json");
       }),
       3, {"config.json is a folder, not a regular file"}},
      {"WeightsAreAFolder",
       stories([](const fs::path& m) {
         fs::remove(m / "model.safetensors");
         fs::create_directory(m / "model.safetensors");
       }),
       3, {"model.safetensors is a folder, not a regular file"}},
      {"TextFileIsAFolder",
       [](const fs::path& dir) {
         fs::create_directory(dir / "texts");
         return Args{"attend", "--model", "builtin:stories260K", "--text-file", (dir / "texts").string(), "--out", out(dir).string()};
       },
       4, {"--text-file: ", "texts is a folder, not a regular file"}},
      {"TextFileIsDevZero",
       [](const fs::path& dir) {
         return Args{"attend", "--model", "builtin:stories260K", "--text-file", "/dev/zero", "--out", out(dir).string()};
       },
       4, {"--text-file: /dev/zero is a device, not a regular file"},
       [](const fs::path&, const test::ProcessResult& r) { EXPECT_LT(r.max_rss_kb, rss_limit_kb(200)); }},
      {"TextFileIsAFifo",
       [](const fs::path& dir) {
         ::mkfifo((dir / "fifo").c_str(), 0600);  // nobody ever writes: opening it would block forever
         return Args{"attend", "--model", "builtin:stories260K", "--text-file", (dir / "fifo").string(), "--out", out(dir).string()};
       },
       4, {"fifo is a FIFO, not a regular file"}},
      // Memory follows the token limit, not the text: a 40 MB text with --max-tokens 16 is read
      // (40 MB) and only its beginning tokenized; it used to take ~200 bytes per input byte (8 GB).
      {"FortyMegabyteTextWithMaxTokens16",
       [](const fs::path& dir) {
         Args a = attend_file("builtin:stories260K", dir, test::story(40'000'000));
         a.back() = (dir / "out.safetensors").string();
         a.insert(a.end(), {"--max-tokens", "16"});
         return a;
       },
       0, {"warning: input truncated to 16 tokens (limit 16); only the beginning of the 40.0 MB text was tokenized"},
       [](const fs::path&, const test::ProcessResult& r) {
         EXPECT_LT(r.max_rss_kb, rss_limit_kb(400)) << "peak resident memory " << r.max_rss_kb / 1024 << " MiB";
         std::printf("  40 MB text, --max-tokens 16: peak resident memory %ld MiB\n", r.max_rss_kb / 1024);
       }},
      {"MaxTokensBelowTheSpecialTokens",
       [](const fs::path& dir) {
         Args a = attend_text("builtin:stories260K", dir);
         a.insert(a.end(), {"--max-tokens", "1"});
         return a;
       },
       2, {"a token limit of 1 leaves no room for the text: this model adds 1 special token(s), so the limit must be at least 2"}},
      {"ThreadsOutOfRangeSaysSoInOneLine",
       [](const fs::path& dir) {
         Args a = attend_text("builtin:stories260K", dir);
         a.insert(a.end(), {"--threads", "-1"});
         return a;
       },
       2, {"--threads: must be a number from 0 to 1000000000, got '-1'"},
       [](const fs::path&, const test::ProcessResult& r) { EXPECT_LT(r.err.size(), 200u) << r.err; }},
      {"MetaspaceWithEmptyReplacement",
       tokenizer_json([](nlohmann::json& tj) {
         tj["normalizer"] = nullptr;
         tj["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", ""}, {"prepend_scheme", "always"}, {"split", false}};
       }),
       3, {"tokenizer.json: pre_tokenizer.replacement: expected exactly one character, got ''"}},
      {"WordPieceWithAHugeMaxInputCharsPerWord",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("bert-random", dir);
         auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
         tj["model"]["max_input_chars_per_word"] = 100000000;
         test::write_file(m / "tokenizer.json", tj.dump());
         return attend_text(m.string(), dir);
       },
       3, {"tokenizer.json: model.max_input_chars_per_word: expected an integer in [1, 1000], got 100000000"}},
      // A 1,000-character vocabulary entry and 999-letter words that almost match it: every
      // position used to try every shorter candidate, each hashed afresh (cubic); the vocabulary
      // trie walks each position once.
      {"WordPieceLongEntryAndLongWords",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("bert-random", dir);
         auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
         tj["model"]["max_input_chars_per_word"] = 1000;
         auto& vocab = tj["model"]["vocab"];
         const auto id = vocab["[unused0]"];
         vocab.erase("[unused0]");
         vocab[std::string(1000, 'a')] = id;
         test::write_file(m / "tokenizer.json", tj.dump());
         std::string text;
         for (int i = 0; i < 400; ++i) text += std::string(999, 'a') + "b ";
         Args a = attend_file(m.string(), dir, text);
         a.insert(a.end(), {"--max-tokens", "512"});
         return a;
       },
       0, {}},
      {"AddedTokenWithAHugeId",
       tokenizer_json([](nlohmann::json& tj) {
         tj["added_tokens"].push_back({{"id", 99999999}, {"content", "<huge>"}, {"special", true}, {"single_word", false},
                                       {"lstrip", false}, {"rstrip", false}, {"normalized", false}});
       }),
       3, {"tokenizer.json: added token '<huge>' has id 99999999 outside [0, 2097152)"},
       [](const fs::path&, const test::ProcessResult& r) { EXPECT_LT(r.max_rss_kb, rss_limit_kb(200)); }},
      {"TokenizerFromAnotherModel",
       tokenizer_json([](nlohmann::json& tj) {
         tj["added_tokens"].push_back({{"id", 600}, {"content", "<extra>"}, {"special", true}, {"single_word", false},
                                       {"lstrip", false}, {"rstrip", false}, {"normalized", false}});
       }),
       3, {"tokenizer.json and config.json do not match: the tokenizer uses ids up to 600 ('<extra>'), but config.json's vocab_size is 512"}},
      {"ManyAddedTokensOnAMegabyteText",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("stories260K", dir);
         auto tj = nlohmann::json::parse(test::read_file(m / "tokenizer.json"));
         for (int i = 0; i < 60001; ++i)
           tj["added_tokens"].push_back({{"id", 3 + i % 500}, {"content", "<x" + std::to_string(i) + ">"}, {"special", true},
                                         {"single_word", false}, {"lstrip", false}, {"rstrip", false}, {"normalized", false}});
         test::write_file(m / "tokenizer.json", tj.dump());
         std::string text;
         while (text.size() < 1'000'000) text += "Once upon a time <x7> there was a cat. ";
         return attend_file(m.string(), dir, text);
       },
       0, {"warning: input truncated to 512 tokens"}},
      {"ControlCharactersInFileNamesAreEscaped",
       config([](nlohmann::json& c) { c["model_type"] = "\x1b]0;pwned\x07\x1b[2Jllama"; }), 3,
       {"unsupported model_type '\\x1B]0;pwned\\x07\\x1B[2Jllama'"}, expect_no_raw_escape},
      // A two-frame animated WebP (VP8X with the animation flag, ANIM and two ANMF chunks), as
      // ImageMagick writes it: it used to be called corrupt.
      {"ImageAnimatedWebp",
       [](const fs::path& dir) {
         std::string riff = "WEBP";
         auto chunk = [&](const char* type, const std::string& body) {
           std::string len(4, '\0');
           const uint32_t n = static_cast<uint32_t>(body.size());
           std::memcpy(len.data(), &n, 4);
           riff += std::string(type, 4) + len + body + (body.size() % 2 ? std::string(1, '\0') : "");
         };
         chunk("VP8X", std::string("\x02\0\0\0\x1f\0\0\x1f\0\0", 10));  // animation flag, 32 x 32
         chunk("ANIM", std::string("\xff\xff\xff\xff\0\0", 6));
         chunk("ANMF", std::string(16, '\0'));
         chunk("ANMF", std::string(16, '\0'));
         std::string size(4, '\0');
         const uint32_t n = static_cast<uint32_t>(riff.size());
         std::memcpy(size.data(), &n, 4);
         test::write_file(dir / "anim.webp", "RIFF" + size + riff);
         return Args{"attend", "--model", "builtin:vit-tiny", "--image", (dir / "anim.webp").string(), "--out", out(dir).string()};
       },
       4, {"anim.webp: an animated WebP; Attnscope reads still images"}},
      {"RobertaWithOnePosition",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("roberta-random", dir);
         test::edit_config(m, [](nlohmann::json& c) { c["max_position_embeddings"] = 1; });
         return attend_text(m.string(), dir);
       },
       3, {"config.json: 'max_position_embeddings' must be at least 3 for RoBERTa (its positions start after pad_token_id), got 1"},
       [](const fs::path&, const test::ProcessResult& r) { EXPECT_EQ(r.err.find("-1]"), std::string::npos) << r.err; }},
      {"DerivedHeadDimThatIsOdd",
       config([](nlohmann::json& c) {
         c.erase("head_dim");
         c["num_attention_heads"] = 64;
       }),
       3,
       {"config.json: the head dimension, hidden_size / num_attention_heads = 64 / 64 = 1 (no 'head_dim' is set), must be even"}},

      // --- image inputs (dino-random: 224 x 224, patch 16) -----------------------------------------
      {"ImageZeroBytes", [](const fs::path& dir) { return attend_image(dir, "empty.png", ""); }, 4, {"empty.png: the file is empty"}},
      {"ImageNotAnImage", [](const fs::path& dir) { return attend_image(dir, "notes.jpg", "just some text\n"); }, 4,
       {"notes.jpg: not a recognised image file (supported: PNG, JPEG, BMP, TIFF, WebP)"}},
      // A valid PGM: OpenCV could decode it, but only the five formats whose size is checked from
      // the header reach a decoder.
      {"ImageOtherFormatIsNotDecoded", [](const fs::path& dir) { return attend_image(dir, "grey.pgm", "P5\n2 2\n255\n\x10\x20\x30\x40"); }, 4,
       {"grey.pgm: not a recognised image file (supported: PNG, JPEG, BMP, TIFF, WebP)"}},
      {"ImageCorruptPng",
       [](const fs::path& dir) {
         std::string p = test::rgb_png(64, 64);
         return attend_image(dir, "half.png", p.substr(0, p.size() / 2));
       },
       4, {"half.png: corrupt PNG image"}},
      {"ImageHeaderOnly", [](const fs::path& dir) { return attend_image(dir, "stub.png", std::string("\x89PNG\r\n\x1A\n\0\0", 10)); }, 4,
       {"stub.png: corrupt image (the header is incomplete)"}},
      {"ImageOver100Megapixels",
       [](const fs::path& dir) { return attend_image(dir, "huge.png", test::png(20000, 10000, 8, 0, {std::string(20000, '\0')})); }, 4,
       {"huge.png: the image is 20000x10000 = 200 megapixels; at most 100 megapixels are accepted"}},
      {"ImageHeaderClaims4Gx4G",
       [](const fs::path& dir) { return attend_image(dir, "absurd.png", test::png(0xF34D7B8F, 0xFF7F0000, 8, 0, {std::string(1, '\0')})); }, 4,
       {"absurd.png: the image is 4081941391x4286513152 = ", "at most 100 megapixels are accepted"}},
      {"ImageIsAFolder",
       [](const fs::path& dir) {
         fs::create_directory(dir / "folder.png");
         return Args{"attend", "--model", shared_model("dino-random"), "--image", (dir / "folder.png").string(), "--out", out(dir).string()};
       },
       4, {"folder.png: is a folder, not an image file"}},
      {"ImageSixteenBitGrey",
       [](const fs::path& dir) { return attend_image(dir, "grey16.png", test::png(2, 2, 16, 0, {"\x01\x00\x00\x40"s, "\xff\xff\x00\x00"s})); },
       0, {}, image_ran(2, 2)},
      {"ImageSixteenBitRgb",
       [](const fs::path& dir) {
         return attend_image(dir, "rgb16.png", test::png(1, 2, 16, 2, {"\x12\x34\x56\x78\x9a\xbc"s, "\xff\x00\x00\xff\x80\x80"s}));
       },
       0, {}, image_ran(1, 2)},
      {"ImageWithAlpha",
       [](const fs::path& dir) { return attend_image(dir, "rgba.png", test::png(2, 1, 8, 6, {"\x10\x20\x30\x00\x40\x50\x60\xff"s})); }, 0, {},
       image_ran(2, 1)},
      {"ImagePalette",
       [](const fs::path& dir) {
         return attend_image(dir, "palette.png",
                             test::png(3, 1, 8, 3, {"\x00\x01\x02"s},
                                       {{"PLTE", "\xff\x00\x00\x00\xff\x00\x00\x00\xff"s}, {"tRNS", "\x00\x80"s}}));
       },
       0, {}, image_ran(3, 1)},
      {"ImageOnePixel", [](const fs::path& dir) { return attend_image(dir, "one.png", test::png(1, 1, 8, 0, {"\x80"})); }, 0, {},
       image_ran(1, 1)},
      {"ImageResizedBelowOnePatch",
       [](const fs::path& dir) { return attend_image(dir, "one.png", test::png(1, 1, 8, 0, {"\x80"}), {"--size", "8x8"}); }, 4,
       {"one.png: the model input (8x8) is smaller than one patch"}},

      // --- resources ------------------------------------------------------------------------------
      {"MemoryBudgetRefusesWithTheEstimateAndTheWaysOut",
       [](const fs::path& dir) {
         Args a = attend_text(test::builtin_model("stories260K").string(), dir, test::story(300));
         a.insert(a.end(), {"--memory-budget", "1M"});
         return a;
       },
       4, {"would need about", "(attention maps ", "but the memory budget is 1.0 MiB", "Capture fewer layers (--layers)",
           "shorten the input (--max-tokens)", "raise the budget (--memory-budget)"}},
      {"MemoryBudgetMetByCapturingOneLayer",
       [](const fs::path& dir) {
         Args a = attend_text(test::builtin_model("stories260K").string(), dir, test::story(300));
         a.insert(a.end(), {"--memory-budget", "1M", "--layers", "4"});
         return a;
       },
       0, {}},
      // With the default budget (half the RAM), a million-token context is refused before the
      // terabytes of attention are allocated.
      {"MemoryBudgetDefaultRefusesAHugeContext",
       [](const fs::path& dir) {
         const fs::path m = test::copy_model("stories260K", dir);
         test::edit_config(m, [](nlohmann::json& c) { c["max_position_embeddings"] = 1 << 24; });
         return attend_file(m.string(), dir, test::story(1 << 20));
       },
       4, {"would need about", "TiB", "but the memory budget is"}},
      {"MemoryBudgetNotASize",
       [](const fs::path& dir) {
         Args a = attend_text(test::builtin_model("stories260K").string(), dir);
         a.insert(a.end(), {"--memory-budget", "lots"});
         return a;
       },
       2, {"--memory-budget: expected a size such as 512M, 2G or 1.5GiB, got 'lots'"}},

      // --- output ---------------------------------------------------------------------------------
      {"OutputFolderMissing",
       [](const fs::path& dir) {
         return Args{"attend", "--model", test::builtin_model("stories260K").string(), "--text", "hi", "--out", (dir / "no" / "out.json").string()};
       },
       5, {"no/out.json: folder ", "does not exist"}},
      {"OutputExists",
       [](const fs::path& dir) {
         test::write_file(out(dir), "keep me");
         return attend_text(test::builtin_model("stories260K").string(), dir);
       },
       5, {"out.json: already exists (use --force to overwrite)"},
       [](const fs::path& dir, const test::ProcessResult&) { EXPECT_EQ(test::read_file(out(dir)), "keep me"); }},
      {"OutputUnknownFormat",
       [](const fs::path& dir) {
         return Args{"attend", "--model", test::builtin_model("stories260K").string(), "--text", "hi", "--out", (dir / "out.xlsx").string()};
       },
       2, {"unknown output format '.xlsx'"}},
  };
  return table;
}

}  // namespace

class BadInputs : public testing::TestWithParam<Row> {};

TEST_P(BadInputs, ExitCodeAndMessage) {
  const Row& row = GetParam();
  const fs::path dir = test::scratch_dir(row.name);
  // Rows on the built-in stories260K run anywhere; rows on shared models need ../shared.
  Args args;
  try {
    args = row.make(dir);
  } catch (const fs::filesystem_error&) {
    ATTNSCOPE_REQUIRE_SHARED();
    throw;
  }
  for (const auto& a : args)
    if (a.find(test::shared_dir().string()) != std::string::npos) ATTNSCOPE_REQUIRE_SHARED();
  const auto t0 = std::chrono::steady_clock::now();
  const test::ProcessResult r = test::run_process(ATTNSCOPE_CLI, args, 110, /*measure_memory=*/true);
  EXPECT_FALSE(r.timed_out) << "no input may freeze the tool";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.exit_code, row.exit_code) << r.err;
  for (const auto& m : row.messages) EXPECT_NE(r.err.find(m), std::string::npos) << "expected \"" << m << "\" in:\n" << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  EXPECT_LT(seconds, 120) << "no input may freeze the tool";
  if (row.exit_code != 0) {
    if (row.name != "OutputExists") {
      EXPECT_FALSE(fs::exists(out(dir))) << "a failed run left " << out(dir);
    }
    for (const auto& e : fs::directory_iterator(dir))
      EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "temporary file left: " << e.path();
  }
  if (row.check) row.check(dir, r);
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputs, testing::ValuesIn(rows()), [](const testing::TestParamInfo<Row>& p) { return p.param.name; });

// --- output failures that need the environment changed ---------------------------------------

namespace {

// The CLI run as an unprivileged user when the tests run as root (root ignores permissions).
test::ProcessResult cli_unprivileged(const Args& args) {
  if (::geteuid() != 0) return test::run_process(ATTNSCOPE_CLI, args);
  Args a = {"--reuid=65534", "--regid=65534", "--clear-groups", "--", ATTNSCOPE_CLI};
  a.insert(a.end(), args.begin(), args.end());
  return test::run_process("/usr/bin/setpriv", a);
}

size_t count_entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST(BadOutputs, ReadOnlyFolderFailsClearlyAndLeavesNothing) {
  if (::geteuid() == 0 && !fs::exists("/usr/bin/setpriv")) FAIL() << "running as root needs /usr/bin/setpriv (util-linux)";
  const fs::path dir = test::scratch_dir("readonly");
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const auto r = cli_unprivileged({"attend", "--model", test::builtin_model("stories260K").string(), "--text", "the cat sat on the mat.", "--out",
                                   (dir / "ro" / "out.npz").string()});
  fs::permissions(dir / "ro", fs::perms::owner_all, fs::perm_options::add);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("out.npz: cannot create a file in "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_EQ(count_entries(dir / "ro"), 0u);
}

TEST(BadOutputs, FullDiskFailsClearlyAndLeavesNoPartialFile) {
  const fs::path dir = test::scratch_dir("full");
  test::ProcessResult r;
  {
    const test::FileSizeLimit limit(64 * 1024);  // inherited by the CLI process
    r = test::run_process(ATTNSCOPE_CLI, {"attend", "--model", test::builtin_model("stories260K").string(), "--text", test::story(200), "--out",
                                          (dir / "out.safetensors").string()});
  }
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("out.safetensors: write failed: File too large (nothing was written)"), std::string::npos) << r.err;
  EXPECT_EQ(count_entries(dir), 0u);
}
