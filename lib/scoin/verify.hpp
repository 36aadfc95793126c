// verify-chain: a full audit of a replica that trusts nothing in it but the
// bytes of `entries` (DESIGN.md §4, §5, §6).
//
// Every entry is checked (height sequence, prev_hash link, canonical
// decoding, chain id, Ed25519 signature, non-decreasing booking time) and
// replayed through the same rules as the append path (rules.hpp). The
// accounts, signers, labels and totals replayed in memory must equal those
// tables row for row; then the supply invariant.
//
// The tables with a row per entry (hashes, ops, refs, history) are checked as
// sets: the walk adds every row it expects to a digest — the sum, modulo
// 2^128, of a keyed SipHash of each row under a key drawn fresh for this run,
// so whoever edited the files cannot aim at it — and then each table is read
// once in key order into a digest of its own. Equal digests and counts mean
// equal tables; when they differ, a second walk looks every expected row up
// to name the heights at fault, and a scan names the rows no entry made.
//
// So memory stays proportional to the accounts, not the entries (ref
// uniqueness uses a Bloom filter of 10 to 20 bits per ref, each hit confirmed
// in the refs table), the walk has no random reads, and the mapped file pages are
// released as it goes. Signatures are verified on all cores meanwhile;
// findings come out in height order.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scoin/ledger.hpp"

namespace scoin {

struct VerifyFinding {
  std::uint64_t height = 0;
  std::optional<Hash32> entry_hash;  // of the entry at `height`, when it could be computed
  std::string check;                 // what failed: "prev_hash", "signature", "rule", "hashes", ...
  std::string message;               // a sentence; rule findings name the status
  std::string expected;              // hex for hashes; empty when not meaningful
  std::string actual;
};

struct VerifyOptions {
  bool all = false;  // list every finding instead of stopping at the first broken link
  std::optional<Hash32> expect_chain_id;
  std::optional<std::pair<std::uint64_t, Hash32>> expect_head;
  std::optional<std::uint64_t> from;  // verify signatures from this height (state is always replayed from 0)
  std::optional<std::uint64_t> to;    // stop after this height
  unsigned threads = 0;               // signature threads; 0: all cores
  std::size_t findings_max = 100'000;
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // Tree sizes whose recomputed Merkle roots the report should carry (an
  // auditor's saved checkpoint, the stored ones).
  std::vector<std::uint64_t> root_sizes;
  // --since-state: the entries before this saved checkpoint (size, root)
  // were verified by an earlier run; only the ones after it are walked.
  std::optional<std::pair<std::uint64_t, Hash32>> since;
};

struct VerifyReport {
  bool valid = false;
  std::uint64_t entries = 0;         // entries walked
  std::uint64_t signatures = 0;      // signatures verified
  bool stopped_at_broken_link = false;
  bool findings_truncated = false;
  std::optional<std::uint64_t> head_height;
  Hash32 head_hash{};
  Hash32 chain_id{};
  std::uint64_t tree_size = 0;       // entries walked into the Merkle tree
  Hash32 tree_root{};                // its root (DESIGN §9)
  std::map<std::uint64_t, Hash32> roots;  // recomputed roots at options.root_sizes
  std::uint64_t checkpoints = 0;     // stored checkpoints checked
  std::uint64_t accounts = 0;
  Totals totals;
  std::uint64_t supply = 0;          // Σ balances replayed
  double seconds = 0;
  std::vector<VerifyFinding> findings;  // in height order
};

// Verifies the replica in `env` as one read snapshot. An Error only when the
// replica cannot be read at all; everything wrong inside it is a finding.
Result<VerifyReport> verify_chain(Env& env, const VerifyOptions& options);

// The walk of `options.since`: only the entries after the saved checkpoint,
// checked against the state the replica's tables held at that size (rolled
// back from the head through the history table and the new entries). The
// stored tree at that size must give the saved root, and the link from the
// first new entry to the old ones is proved by an inclusion proof under it.
Result<VerifyReport> verify_chain_since(Env& env, const VerifyOptions& options);

}  // namespace scoin
