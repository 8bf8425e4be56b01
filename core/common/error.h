#pragma once

#include <stdexcept>
#include <string>

namespace attnscope {

// What went wrong, from the caller's point of view. The CLI maps these to exit codes
// (Usage 2, Model 3, Input 4, Output 5, Network 6) and the GUI to a message in the window.
enum class ErrorKind {
  Usage,     // the request itself is inconsistent (bad option combination, layer out of range)
  Model,     // the model folder: config, weights, tokenizer files
  Input,     // the text or image to analyse
  Output,    // writing results
  Resource,  // a run that would exceed the memory or compute budget
  Network,   // the Hugging Face Hub: unreachable, refused, or an answer that cannot be used
};

const char* to_string(ErrorKind kind);

// The one exception type the core lets out of its API. The message names the file and the
// object concerned, e.g. "model.safetensors: tensor 'x' has shape [128,64], expected [128,128]".
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void fail(ErrorKind kind, const std::string& message) { throw Error(kind, message); }

}  // namespace attnscope
