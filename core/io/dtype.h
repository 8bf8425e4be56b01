#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace attnscope {

// Element types of the safetensors format that the tool reads or writes.
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

size_t dtype_size(DType t);
const char* dtype_name(DType t);                         // safetensors spelling: "F32", "BF16", ...
std::optional<DType> dtype_from_name(const std::string& name);
const char* numpy_descr(DType t);                        // "<f4", "<i8", "|b1", ...
bool is_float(DType t);

// float16 / bfloat16 bit patterns to float.
float half_to_float(uint16_t bits);
float bfloat16_to_float(uint16_t bits);
uint16_t float_to_half(float value);
uint16_t float_to_bfloat16(float value);  // round to nearest even, as torch's .to(torch.bfloat16)

}  // namespace attnscope
