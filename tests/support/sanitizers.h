#pragma once

// Sanitized builds (clang ASan + UBSan, scripts/sanitizers.sh) run several times slower and use
// several times the memory. Bounds that exist to catch quadratic time or unbounded memory (not
// to measure speed) are multiplied by kSanitizerFactor there; they still catch what they are for.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATTNSCOPE_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ATTNSCOPE_TEST_ASAN 1
#endif

namespace attnscope::test {
#ifdef ATTNSCOPE_TEST_ASAN
inline constexpr int kSanitizerFactor = 4;
#else
inline constexpr int kSanitizerFactor = 1;
#endif
}  // namespace attnscope::test
