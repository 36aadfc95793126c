// Inclusion proofs that travel without the ledger (DESIGN.md §9): one entry,
// its Merkle path, and the signed checkpoint it is proved against.
//
//   scoin proof v1
//   entry <base64 entry bytes>
//   path <base64 hash>          (one line per hash, the leaf's sibling first)
//   <blank line>
//   <checkpoint note>
#pragma once

#include <span>
#include <string>
#include <vector>

#include "scoin/checkpoint.hpp"
#include "scoin/codec.hpp"

namespace scoin {

class Txn;

inline constexpr std::size_t k_proof_bytes_max = 256 * 1024;

struct Proof {
  Bytes entry;
  std::vector<Hash32> path;
  Checkpoint checkpoint;
  std::string text() const;
};

// The proof of the entry at `height` against `cp`, which must describe this
// replica's tree (checked by the caller) and cover `height`.
Result<Proof> make_proof(const Txn& txn, std::uint64_t height, const Checkpoint& cp);
Result<Proof> parse_proof(std::string_view text, std::string_view source);

struct ProofCheck {
  bool valid = false;
  std::string problem;  // why not, when not valid
  std::uint64_t height = 0;
  Hash32 entry_hash{};
  std::optional<Entry> entry;
  std::optional<Op> op;
  std::vector<std::string> signer_names;  // trusted keys that signed the checkpoint
};
// Checks everything with no replica: the checkpoint is signed by one of
// `trusted`, the entry parses and its op is signed by its signer for the
// checkpoint's ledger, and the path leads from the entry to the root.
ProofCheck check_proof(const Proof& proof, std::span<const Key32> trusted);

}  // namespace scoin
