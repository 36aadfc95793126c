// Errors that cross module boundaries: I/O, parsing, storage and key handling.
//
// A ledger *outcome* (a rule that an op breaks) is a `Status` (rules.hpp), not
// an `Error`; an `Error` is what stops a command, carrying the exit status of
// DESIGN.md §7 and a message that names the file, line and field at fault.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <expected>
#include <string>

#include <fmt/format.h>

namespace scoin {

// Exit statuses of DESIGN.md §7 (sysexits.h numbering).
enum class Exit : int {
  ok = 0,
  invalid = 1,        // verify-chain found the ledger invalid
  usage = 64,         // command line usage error
  data = 65,          // bad input data; nothing written
  no_input = 66,      // missing ledger or input file
  internal = 70,      // internal error (an assertion)
  cant_create = 73,   // cannot create an output file
  io = 74,            // storage error (LMDB, disk full)
  stale = 75,         // stale op: its nonce was used by another op
  key_refused = 77,   // wrong passphrase, unsafe permissions, missing role
  config = 78,        // configuration error
};

struct Error {
  Exit exit = Exit::internal;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

// Builds an `std::unexpected<Error>` with a formatted message.
template <typename... Args>
[[nodiscard]] std::unexpected<Error> fail(Exit exit, fmt::format_string<Args...> format,
                                          Args&&... args) {
  return std::unexpected(Error{exit, fmt::format(format, std::forward<Args>(args)...)});
}

[[noreturn]] void assert_failed(const char* expr, const char* file, int line);

}  // namespace scoin

// Assertions stay on in release builds: a broken invariant in a tool that moves
// public money must stop the program (exit 70), never carry on.
#define SCOIN_ASSERT(expr)                                      \
  do {                                                          \
    if (!(expr)) ::scoin::assert_failed(#expr, __FILE__, __LINE__); \
  } while (0)
