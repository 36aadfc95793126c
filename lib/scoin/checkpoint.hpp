// Checkpoints (DESIGN.md §9): the tree size and Merkle root of a ledger as a
// C2SP tlog-checkpoint signed note, so standard transparency tooling can read
// and cosign it:
//
//   scoin/<chain_id hex>
//   <tree size, decimal>
//   <base64 Merkle root>
//
//   — <signer name> <base64(note key hash:4 ‖ Ed25519 signature)>
//
// The signature covers the body: the text up to and including the newline
// after the root (and any extension lines a note may carry). The note key
// hash is the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), as in
// Go's golang.org/x/mod/sumdb/note. Lines from unknown keys are ignored.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scoin/bytes.hpp"
#include "scoin/crypto.hpp"
#include "scoin/error.hpp"

namespace scoin {

inline constexpr std::size_t k_checkpoint_bytes_max = 65536;
inline constexpr std::size_t k_checkpoint_signatures_max = 100;

struct NoteSignature {
  std::string name;
  Bytes blob;  // key hash ‖ signature (4 + 64 bytes for Ed25519; other sizes are kept, never verified)
  bool operator==(const NoteSignature&) const = default;
};

struct Checkpoint {
  Hash32 chain_id{};
  std::uint64_t size = 0;
  Hash32 root{};
  std::string body;  // the signed text, ending in "\n"
  std::vector<NoteSignature> signatures;

  // The whole note: body, a blank line, one line per signature.
  std::string text() const;
};

// The body for a ledger's tree of `size` leaves.
std::string checkpoint_body(const Hash32& chain_id, std::uint64_t size, const Hash32& root);
std::array<std::uint8_t, 4> note_key_hash(std::string_view name, const Key32& public_key);
// A signer name: non-empty, at most 255 bytes, printable, no space or '+'.
bool valid_note_name(std::string_view name);

// Parses a note strictly (65 on anything malformed, naming `source`).
Result<Checkpoint> parse_checkpoint(std::string_view text, std::string_view source);
// Adds `key`'s signature under `name`, unless that key already signed it
// validly under that name; 65 when the note holds the most signatures it may.
Result<void> sign_checkpoint(Checkpoint& cp, std::string_view name, const SecretKey& key);

// The keys in `trusted` with a valid signature on `cp`. A line whose key hash
// matches a trusted key (under that line's name) but whose signature does not
// verify is listed in `bad`.
struct NoteCheck {
  std::vector<Key32> signed_by;
  std::vector<std::string> signer_names;
  std::vector<std::string> bad;  // names on lines with a trusted key's hash and a broken signature
};
NoteCheck check_checkpoint(const Checkpoint& cp, std::span<const Key32> trusted);

// Why a stored checkpoint does not hold for a ledger of `chain_id` whose
// entries make `root` at the checkpoint's size and whose admins there are
// `admins`: another ledger, another root, a broken signature by an admin, or
// none at all. Empty when it holds.
std::vector<std::string> checkpoint_problems(const Checkpoint& cp, const Hash32& chain_id, const Hash32& root,
                                             std::span<const Key32> admins);

// Parses `--trust` addresses (65 for a mistyped one).
Result<std::vector<Key32>> parse_trusted(const std::vector<std::string>& addresses);

}  // namespace scoin
