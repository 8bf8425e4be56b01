#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace attnscope {

// "1.2 GB", "16.0 MB", "3.4 kB", "12 bytes" (decimal units).
std::string human_bytes(uint64_t bytes);
// "m:ss" or "h:mm:ss"; "--:--" for a negative or unknown duration.
std::string human_duration(double seconds);

// `v` in its shortest form that reads back to the same double (0.1 -> "0.1"): for CSV cells.
std::string shortest_number(double v);

// `text` safe to print on a terminal or show in a window: C0/C1 control characters other than
// newline and tab (ESC sequences that would rewrite a terminal, NUL, ...) and invalid UTF-8 bytes
// become \xNN. Messages that carry names from files (tensors, tokens, keys) pass through it.
std::string printable(std::string_view text);

// At most `max_chars` bytes of `text` (cut on a UTF-8 boundary), with "… (N bytes)" when cut:
// for quoting values from files in messages without echoing megabytes.
std::string excerpt(std::string_view text, size_t max_chars = 80);

}  // namespace attnscope
