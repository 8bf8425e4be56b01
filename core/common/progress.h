#pragma once

#include <functional>
#include <string>

namespace attnscope {

struct Progress {
  int done = 0;       // steps finished
  int total = 0;      // steps in all (0 if unknown)
  std::string stage;  // what is being worked on, e.g. "layer 3/12"
};

// Called between steps of long work. Returning false asks the work to stop; it then returns
// a cancelled status at the next step boundary and discards what it had computed.
using ProgressFn = std::function<bool(const Progress&)>;

// Calls `fn` if set; true means "keep going".
inline bool report(const ProgressFn& fn, int done, int total, const std::string& stage) {
  return !fn || fn(Progress{done, total, stage});
}

}  // namespace attnscope
