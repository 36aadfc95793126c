// Shared by the fuzz targets (tests/fuzz/README.md): a check that stops the
// run, and a guard that turns scoin's own assertion exit into a crash.
//
// SCOIN_ASSERT ends the process with std::_Exit(70), which libFuzzer does not
// see as a crash: no reproducer would be saved. The fuzz executables are
// linked with `-Wl,--wrap=_Exit`, and `__wrap__Exit` (exit_hook.cpp) aborts
// instead of exiting 70 while a `TargetScope` is alive, so a broken lib
// invariant is caught like any other crash. Every other _Exit (libFuzzer's
// own) is left alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "scoin/bytes.hpp"

namespace scoin::fuzz {

// True while a fuzz target runs lib code.
extern bool g_in_target;

struct TargetScope {
  TargetScope() { g_in_target = true; }
  ~TargetScope() { g_in_target = false; }
  TargetScope(const TargetScope&) = delete;
  TargetScope& operator=(const TargetScope&) = delete;
};

[[noreturn]] inline void check_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "fuzz property broken: %s (%s:%d)\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace scoin::fuzz

// A property of the code under test; a broken one is a crash, with its
// reproducer saved by libFuzzer.
#define FUZZ_CHECK(expr)                                                   \
  do {                                                                     \
    if (!(expr)) ::scoin::fuzz::check_failed(#expr, __FILE__, __LINE__);   \
  } while (0)
