// File helpers with the safety rules of DESIGN.md §3 and §8: private files
// refused when group/other-readable or symlinks, new files never overwrite,
// outputs replaced atomically (temporary file, fsync, rename).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "scoin/crypto.hpp"
#include "scoin/error.hpp"

namespace scoin {

// Reads a secret-bearing file (key or passphrase) into guarded memory. Refuses
// a symlink, a non-regular file, or a file readable or writable by group or
// others (77); a missing file (66); a file over `max_bytes` (65).
Result<SecretBuffer> read_private_file(const std::string& path, std::size_t max_bytes,
                                       std::string_view what);

// Creates `path` with `mode` (O_CREAT|O_EXCL|O_NOFOLLOW), writes `content`,
// fsyncs the file and its folder. Refuses an existing path (73).
Result<void> write_new_file(const std::string& path, std::string_view content, unsigned mode);

// Reads a whole input file, `-` meaning standard input; refuses one over
// `max_bytes` (65) and a missing one (66).
Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes);
// Reads what is left of open descriptor `fd` (named `path` in errors), with
// read_input_file's limit and errors; does not close it.
Result<std::string> read_all(int fd, const std::string& path, std::size_t max_bytes);

// Writes `content` to a temporary file beside `path`, fsyncs it and renames it
// over `path`, so a reader never sees half a file. Only a regular file is
// replaced: a symlink, device or directory at `path` is refused (73). Errors:
// 73, or 74 for a full disk.
Result<void> write_file_atomic(const std::string& path, std::string_view content, unsigned mode);

// What a producer hands its output to, a piece at a time.
using ByteSink = std::function<Result<void>(std::string_view piece)>;

// write_file_atomic for output made a piece at a time: `produce` writes
// through the sink it is given into the temporary file, which replaces
// `path` only when `produce` and every write succeeded (else it is removed
// and the first error returned).
Result<void> write_file_atomic(const std::string& path, unsigned mode,
                               const std::function<Result<void>(const ByteSink&)>& produce);

bool path_exists(const std::string& path);
bool is_directory(const std::string& path);

}  // namespace scoin
