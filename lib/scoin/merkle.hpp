// The Merkle tree over the ledger's entries (DESIGN.md §9): RFC 6962 §2.1
// hashing, inclusion and consistency proofs, and their verification (the
// algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2).
//
//   leaf = SHA-256(0x00 ‖ entry_hash)        node = SHA-256(0x01 ‖ left ‖ right)
//
// A tree of n leaves splits at the largest power of two below n. Every root of
// a perfect subtree — 2^level leaves starting at index·2^level — is a node the
// tree never changes once its last leaf exists; the replica keeps them in the
// `tree` table, so any root or proof costs O(log n) reads and an append writes
// one row: the subtrees its leaf completes (two hashes on average).
#pragma once

#include <cstdint>
#include <vector>

#include "scoin/bytes.hpp"
#include "scoin/error.hpp"

namespace scoin {

Hash32 merkle_leaf_hash(ByteView data);
Hash32 merkle_node_hash(const Hash32& left, const Hash32& right);
// The root of the empty tree: SHA-256 of nothing.
Hash32 merkle_empty_root();

// Where the roots of perfect subtrees come from: the replica's `tree` table,
// or memory in tests. An error when a row is missing or malformed.
class SubtreeSource {
 public:
  virtual ~SubtreeSource() = default;
  virtual Result<Hash32> subtree(unsigned level, std::uint64_t index) const = 0;
};

// The tree hash of leaves [begin, end), end > begin.
Result<Hash32> merkle_range_root(const SubtreeSource& src, std::uint64_t begin, std::uint64_t end);
// The root of the tree of the first `size` leaves.
Result<Hash32> merkle_root(const SubtreeSource& src, std::uint64_t size);
// RFC 6962 PATH(index, D[size]), the sibling nearest the leaf first.
Result<std::vector<Hash32>> merkle_inclusion_proof(const SubtreeSource& src, std::uint64_t index,
                                                   std::uint64_t size);
// RFC 6962 PROOF(old_size, D[new_size]), 0 < old_size ≤ new_size.
Result<std::vector<Hash32>> merkle_consistency_proof(const SubtreeSource& src, std::uint64_t old_size,
                                                     std::uint64_t new_size);

bool merkle_verify_inclusion(const Hash32& leaf_hash, std::uint64_t index, std::uint64_t size,
                             const std::vector<Hash32>& proof, const Hash32& root);
// True when the tree (old_size, old_root) is a prefix of (new_size, new_root).
// Equal sizes need equal roots and an empty proof; old_size 0 needs the empty
// root and an empty proof.
bool merkle_verify_consistency(std::uint64_t old_size, const Hash32& old_root, std::uint64_t new_size,
                               const Hash32& new_root, const std::vector<Hash32>& proof);

// A perfect subtree one appended leaf completes: (level, index, root) for
// level 0 (the leaf itself) and each level above whose subtree the leaf
// finishes. The `tree` table stores a leaf's together (see tree_value_size).
struct TreeRow {
  unsigned level = 0;
  std::uint64_t index = 0;
  Hash32 hash{};
};

// Builds the tree one leaf at a time, keeping only the roots of the perfect
// subtrees on the right edge (at most 64): the rows each leaf completes and
// the root of the tree so far, with no reads. The append path and
// verify-chain's walk both use it.
class MerkleFrontier {
 public:
  // Appends a leaf (its leaf hash); `rows` receives the subtrees it
  // completes, lowest level first.
  void push(const Hash32& leaf_hash, std::vector<TreeRow>& rows);
  // The same, `row` set to the leaf's `tree` table value: those subtrees'
  // roots, lowest level first (see tree_value_size).
  void push(const Hash32& leaf_hash, Bytes& row);
  std::uint64_t size() const { return m_size; }
  Hash32 root() const;
  // Restores the frontier of a tree of `size` leaves from its stored subtrees.
  static Result<MerkleFrontier> load(const SubtreeSource& src, std::uint64_t size);

 private:
  // Appends a leaf, calling done(level, index, root) for each subtree it
  // completes, lowest level first.
  template <typename Done>
  void push_leaf(const Hash32& leaf_hash, Done done);

  std::uint64_t m_size = 0;
  // m_roots[k] is the root of the k-th perfect subtree from the left, its
  // level m_levels[k]; levels strictly decrease.
  std::vector<Hash32> m_roots;
  std::vector<unsigned> m_levels;
};

// The `tree` table: one row per leaf, in leaf order, so every append is
// LMDB's MDB_APPEND. Key: the leaf index:u64 (the entry's height). Value: the
// roots of the perfect subtrees that leaf completes, lowest level first — its
// leaf hash, then level 1 if the index is odd, and so on: 32 bytes times
// (1 + the number of trailing one bits of the index). A subtree of level L
// and index i is in the row of its last leaf, (i+1)·2^L − 1, at offset 32·L.
// (DESIGN.md §9 keys the table level:u8 ‖ index:u64, one row per subtree;
// scoin-format(5) says why it is keyed by leaf here.)
std::size_t tree_value_size(std::uint64_t leaf);

// Subtree roots from the replica's `tree` table (any transaction).
class Txn;
class TableSubtrees final : public SubtreeSource {
 public:
  explicit TableSubtrees(const Txn& txn) : m_txn(txn) {}
  Result<Hash32> subtree(unsigned level, std::uint64_t index) const override;

 private:
  const Txn& m_txn;
};

// Subtree roots computed from leaf hashes in memory (tests, small trees).
class MemorySubtrees final : public SubtreeSource {
 public:
  explicit MemorySubtrees(std::vector<Hash32> leaf_hashes) : m_leaves(std::move(leaf_hashes)) {}
  Result<Hash32> subtree(unsigned level, std::uint64_t index) const override;

 private:
  std::vector<Hash32> m_leaves;
};

}  // namespace scoin
