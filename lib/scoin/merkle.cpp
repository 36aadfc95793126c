#include "scoin/merkle.hpp"

#include <bit>
#include <cstring>

#include "scoin/crypto.hpp"
#include "scoin/sha256_ni.hpp"
#include "scoin/store.hpp"

namespace scoin {

namespace {

// The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits.
std::uint64_t split_point(std::uint64_t n) {
  SCOIN_ASSERT(n >= 2);
  return std::uint64_t{1} << (63 - std::countl_zero(n - 1));
}

Result<void> inclusion_path(const SubtreeSource& src, std::uint64_t index, std::uint64_t begin,
                            std::uint64_t end, std::vector<Hash32>& out) {
  if (end - begin == 1) return {};
  const std::uint64_t k = split_point(end - begin);
  const bool left = index < begin + k;
  auto r = left ? inclusion_path(src, index, begin, begin + k, out)
                : inclusion_path(src, index, begin + k, end, out);
  if (!r) return r;
  auto sibling = left ? merkle_range_root(src, begin + k, end) : merkle_range_root(src, begin, begin + k);
  if (!sibling) return std::unexpected(sibling.error());
  out.push_back(*sibling);
  return {};
}

// RFC 6962 SUBPROOF(m, D[begin:end], complete).
Result<void> subproof(const SubtreeSource& src, std::uint64_t m, std::uint64_t begin, std::uint64_t end,
                      bool complete, std::vector<Hash32>& out) {
  const std::uint64_t n = end - begin;
  if (m == n) {
    if (complete) return {};
    auto h = merkle_range_root(src, begin, end);
    if (!h) return std::unexpected(h.error());
    out.push_back(*h);
    return {};
  }
  const std::uint64_t k = split_point(n);
  Result<void> r;
  Result<Hash32> h;
  if (m <= k) {
    r = subproof(src, m, begin, begin + k, complete, out);
    h = merkle_range_root(src, begin + k, end);
  } else {
    r = subproof(src, m - k, begin + k, end, false, out);
    h = merkle_range_root(src, begin, begin + k);
  }
  if (!r) return r;
  if (!h) return std::unexpected(h.error());
  out.push_back(*h);
  return {};
}

}  // namespace

Hash32 merkle_leaf_hash(ByteView data) {
  if (data.size() == 32 && sha256_ni::available()) {
    // One padded block: 0x00 ‖ data ‖ 0x80 ‖ zeros ‖ bit length 264.
    alignas(16) std::uint8_t block[64] = {};
    std::memcpy(block + 1, data.data(), 32);
    block[33] = 0x80;
    block[62] = 0x01;
    block[63] = 0x08;
    return sha256_ni::digest(block, 1);
  }
  const std::uint8_t prefix = 0x00;
  return Sha256().update(ByteView(&prefix, 1)).update(data).final();
}

Hash32 merkle_node_hash(const Hash32& left, const Hash32& right) {
  if (sha256_ni::available()) {
    // Two padded blocks: 0x01 ‖ left ‖ right ‖ 0x80 ‖ zeros ‖ bit length 520.
    alignas(16) std::uint8_t blocks[128] = {};
    blocks[0] = 0x01;
    std::memcpy(blocks + 1, left.data(), 32);
    std::memcpy(blocks + 33, right.data(), 32);
    blocks[65] = 0x80;
    blocks[126] = 0x02;
    blocks[127] = 0x08;
    return sha256_ni::digest(blocks, 2);
  }
  const std::uint8_t prefix = 0x01;
  return Sha256().update(ByteView(&prefix, 1)).update(left).update(right).final();
}

Hash32 merkle_empty_root() { return sha256({}); }

Result<Hash32> merkle_range_root(const SubtreeSource& src, std::uint64_t begin, std::uint64_t end) {
  SCOIN_ASSERT(end > begin);
  const std::uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return src.subtree(static_cast<unsigned>(std::countr_zero(n)), begin / n);
  }
  const std::uint64_t k = split_point(n);
  auto left = merkle_range_root(src, begin, begin + k);
  if (!left) return left;
  auto right = merkle_range_root(src, begin + k, end);
  if (!right) return right;
  return merkle_node_hash(*left, *right);
}

Result<Hash32> merkle_root(const SubtreeSource& src, std::uint64_t size) {
  if (size == 0) return merkle_empty_root();
  return merkle_range_root(src, 0, size);
}

Result<std::vector<Hash32>> merkle_inclusion_proof(const SubtreeSource& src, std::uint64_t index,
                                                   std::uint64_t size) {
  SCOIN_ASSERT(index < size);
  std::vector<Hash32> out;
  if (auto r = inclusion_path(src, index, 0, size, out); !r) return std::unexpected(r.error());
  return out;
}

Result<std::vector<Hash32>> merkle_consistency_proof(const SubtreeSource& src, std::uint64_t old_size,
                                                     std::uint64_t new_size) {
  SCOIN_ASSERT(old_size > 0 && old_size <= new_size);
  std::vector<Hash32> out;
  if (auto r = subproof(src, old_size, 0, new_size, true, out); !r) return std::unexpected(r.error());
  return out;
}

bool merkle_verify_inclusion(const Hash32& leaf_hash, std::uint64_t index, std::uint64_t size,
                             const std::vector<Hash32>& proof, const Hash32& root) {
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash32 r = leaf_hash;
  for (const auto& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = merkle_node_hash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = merkle_node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool merkle_verify_consistency(std::uint64_t old_size, const Hash32& old_root, std::uint64_t new_size,
                               const Hash32& new_root, const std::vector<Hash32>& proof) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty() && old_root == merkle_empty_root();
  if (proof.empty()) return false;
  // RFC 9162 §2.1.4.2.
  std::vector<Hash32> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash32 fr = path[0];
  Hash32 sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash32& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = merkle_node_hash(c, fr);
      sr = merkle_node_hash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = merkle_node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

template <typename Done>
void MerkleFrontier::push_leaf(const Hash32& leaf_hash, Done done) {
  unsigned level = 0;
  Hash32 h = leaf_hash;
  done(0u, m_size, h);
  while (!m_levels.empty() && m_levels.back() == level) {
    h = merkle_node_hash(m_roots.back(), h);
    m_roots.pop_back();
    m_levels.pop_back();
    ++level;
    // The leaf at m_size ends a subtree of 2^level leaves: index m_size >> level.
    done(level, m_size >> level, h);
  }
  m_roots.push_back(h);
  m_levels.push_back(level);
  ++m_size;
}

void MerkleFrontier::push(const Hash32& leaf_hash, std::vector<TreeRow>& rows) {
  push_leaf(leaf_hash, [&](unsigned level, std::uint64_t index, const Hash32& h) {
    rows.push_back(TreeRow{level, index, h});
  });
}

void MerkleFrontier::push(const Hash32& leaf_hash, Bytes& row) {
  row.clear();
  push_leaf(leaf_hash, [&](unsigned, std::uint64_t, const Hash32& h) { row.insert(row.end(), h.begin(), h.end()); });
}

Hash32 MerkleFrontier::root() const {
  if (m_roots.empty()) return merkle_empty_root();
  Hash32 r = m_roots.back();
  for (std::size_t k = m_roots.size() - 1; k-- > 0;) r = merkle_node_hash(m_roots[k], r);
  return r;
}

Result<MerkleFrontier> MerkleFrontier::load(const SubtreeSource& src, std::uint64_t size) {
  MerkleFrontier f;
  std::uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    const std::uint64_t span = std::uint64_t{1} << level;
    if ((size & span) == 0) continue;
    auto h = src.subtree(static_cast<unsigned>(level), begin >> level);
    if (!h) return std::unexpected(h.error());
    f.m_roots.push_back(*h);
    f.m_levels.push_back(static_cast<unsigned>(level));
    begin += span;
  }
  f.m_size = size;
  return f;
}

std::size_t tree_value_size(std::uint64_t leaf) {
  return 32 * (1 + static_cast<std::size_t>(std::countr_one(leaf)));
}

Result<Hash32> TableSubtrees::subtree(unsigned level, std::uint64_t index) const {
  SCOIN_ASSERT(level < 64);
  if (level > 0 && (index >> (64 - level)) != 0) {
    return fail(Exit::internal, "no subtree at level {} index {}", level, index);
  }
  const std::uint64_t last = ((index + 1) << level) - 1;  // wraps to 2^64 − 1 only past every height
  auto v = m_txn.get(m_txn.dbs().tree, be64(last));
  if (!v || v->size() != tree_value_size(last) || v->size() < 32 * (level + std::size_t{1})) {
    return fail(Exit::io, "the replica's tree table has no valid row for leaf {} (run verify-chain)", last);
  }
  Hash32 h;
  std::memcpy(h.data(), v->data() + 32 * level, 32);
  return h;
}

Result<Hash32> MemorySubtrees::subtree(unsigned level, std::uint64_t index) const {
  SCOIN_ASSERT(level < 64);
  const std::uint64_t span = std::uint64_t{1} << level;
  if (index >= m_leaves.size() / span) return fail(Exit::internal, "no subtree {} {}", level, index);
  if (level == 0) return m_leaves[index];
  auto l = subtree(level - 1, 2 * index);
  if (!l) return l;
  auto r = subtree(level - 1, 2 * index + 1);
  if (!r) return r;
  return merkle_node_hash(*l, *r);
}

}  // namespace scoin
