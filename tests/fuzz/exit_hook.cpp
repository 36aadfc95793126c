// Linked into every fuzz executable with `-Wl,--wrap=_Exit` (see fuzz.hpp).
#include <cstdlib>

#include "fuzz.hpp"
#include "scoin/error.hpp"

namespace scoin::fuzz {
bool g_in_target = false;
}  // namespace scoin::fuzz

extern "C" [[noreturn]] void __real__Exit(int status);

// Only scoin's own status 70 is turned into a crash: libFuzzer's crash
// handler, which may run inside the target, ends with _Exit(77). (Its timeout
// handler ends with _Exit(70), so a timeout is reported as a crash too.)
extern "C" [[noreturn]] void __wrap__Exit(int status) {
  if (scoin::fuzz::g_in_target && status == static_cast<int>(scoin::Exit::internal)) {
    scoin::fuzz::g_in_target = false;
    std::fprintf(stderr, "fuzz: _Exit(%d) inside the target (a failed SCOIN_ASSERT?)\n", status);
    std::abort();
  }
  __real__Exit(status);
}
