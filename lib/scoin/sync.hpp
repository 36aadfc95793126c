// Followers, bundles and stored checkpoints (DESIGN.md §9).
//
// A follower takes a primary's entries verbatim — booking times included —
// and re-checks each one with the rules of the append path before storing
// it, so it never trusts its source. A bundle carries entries between hosts:
//
//   "SCBN" version:u8(=1) chain_id:32 first_height:u64 count:u64
//   then `count` times: entry_len:u32 entry
//
// `chain_id` is always the genesis entry hash, even in a bundle that starts
// at height 0.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scoin/checkpoint.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/ledger.hpp"

namespace scoin {

inline constexpr std::size_t k_bundle_header_bytes = 4 + 1 + 32 + 8 + 8;

// Writes the bundle of the entries from `since` (inclusive) to the head
// into `sink`, in pieces of about 256 KiB; returns its size in bytes.
// 65 when `since` is past the head (nothing is written).
Result<std::uint64_t> write_bundle(const Txn& txn, std::uint64_t since, const ByteSink& sink);

struct SyncReport {
  bool created = false;            // a new follower was made
  std::uint64_t size_before = 0;   // entries the follower had
  std::uint64_t size_after = 0;
  std::uint64_t already_had = 0;   // entries of the source the follower had (and matched)
  std::uint64_t checkpoints = 0;   // checkpoints copied from a source replica
  Hash32 chain_id{};
  Hash32 head_hash{};
};

// Appends what the follower in `dir` lacks from `source`: another replica's
// directory (opened read-only) or a bundle file. An empty or missing `dir`
// becomes a follower. Errors: 78 into a primary, 65 a source from another
// chain, a malformed or truncated bundle, a gap or an entry the rules refuse;
// 1 a fork — a source entry that differs from the follower's at a height it
// has, or one that does not continue its head. Nothing is written on error.
Result<SyncReport> sync_replica(const std::string& dir, const std::string& source,
                                std::size_t map_size_max = k_map_size_max_default);

// --- stored checkpoints --------------------------------------------------------

// The checkpoint stored for `size`, if any.
Result<std::optional<Checkpoint>> read_checkpoint(const Txn& txn, std::uint64_t size);
// The newest stored checkpoint whose size is at least `min_size`.
Result<std::optional<Checkpoint>> newest_checkpoint(const Txn& txn, std::uint64_t min_size = 0);
// All stored checkpoints, oldest first.
Result<std::vector<Checkpoint>> all_checkpoints(const Txn& txn);

// Why a checkpoint does not describe this replica's tree: another chain,
// more entries than it has, or another root for that size (a fork).
// Empty when it matches.
std::string checkpoint_mismatch(const Txn& txn, const Checkpoint& cp, bool* fork = nullptr);

// Stores `cp` (merging its signatures into a stored one of the same size and
// body) in a write transaction.
void put_checkpoint(Txn& txn, const Checkpoint& cp);

}  // namespace scoin
