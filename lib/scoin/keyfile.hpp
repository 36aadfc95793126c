// Secret key files (DESIGN.md §3):
//
//   untrusted comment: scoin secret key <key id>
//   base64("SK" version:u8(=1) kdf:2 public_key:32 opslimit:u64 memlimit:u64
//          salt:16 nonce:24 sealed)
//
// kdf "A2": Argon2id(passphrase, salt, opslimit, memlimit) → 32-byte key;
// sealed = XChaCha20-Poly1305(seed) with the 93 bytes before it as associated
// data (48 bytes: seed and tag). kdf 00 00: limits, salt and nonce are zero and
// sealed is the bare 32-byte seed.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "scoin/crypto.hpp"
#include "scoin/error.hpp"

namespace scoin {

enum class KdfLevel { interactive, moderate, sensitive };
Result<KdfLevel> parse_kdf_level(std::string_view s);

struct KeyFileInfo {
  Key32 public_key{};
  bool encrypted = false;
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
};

inline constexpr std::size_t k_key_file_bytes_max = 4096;
inline constexpr std::size_t k_passphrase_bytes_max = 1024;

// Writes `key` to a new file at `path`: created 0600 with O_EXCL|O_NOFOLLOW
// (an existing file or symlink is never overwritten), fsynced. With a
// `passphrase` the seed is sealed under Argon2id at `level`; without one it is
// stored bare. Errors: the path exists or cannot be created (73).
Result<void> write_key_file(const std::string& path, const SecretKey& key,
                            const SecretBuffer* passphrase, KdfLevel level);

// Reads the public part of a key file, no passphrase needed. Refuses a symlink
// or a file readable by group or others (77), a malformed file (65) and a
// missing one (66).
Result<KeyFileInfo> read_key_info(const std::string& path);

// Supplies the passphrase for an encrypted key file when asked; called at
// most once, and only for encrypted files.
using PassphraseSource = std::function<Result<SecretBuffer>()>;

// Loads and unseals a secret key, checking the seed derives the public key in
// the file. Errors as `read_key_info`, plus a wrong passphrase or a key file
// edited after it was written (77), and KDF limits above SENSITIVE (77).
Result<SecretKey> load_key(const std::string& path, const PassphraseSource& passphrase);

// `read_key_info` and `load_key` over key file text already read, for the
// fuzzers: no file, so no permission checks; `name` is used in messages.
// Errors as theirs, less the file's own (66, and 77 for its permissions).
Result<KeyFileInfo> parse_key_info(std::string_view text, const std::string& name);
Result<SecretKey> load_key_text(std::string_view text, const std::string& name,
                                const PassphraseSource& passphrase);

// Reads a passphrase file (first line, without its line end). Refuses a file
// readable by group or others or a symlink (77), a missing file (66), an empty
// passphrase (77).
Result<SecretBuffer> read_passphrase_file(const std::string& path);

}  // namespace scoin
