// The Merkle tree against the RFC 6962 reference vectors of the Certificate
// Transparency implementation (transparency-dev/merkle, testonly/constants.go
// and reference_test.go): roots of the trees over the first n leaf inputs,
// PATH and PROOF results for known trees. Then every proof of every small
// tree, and the ways a proof can be broken.
#include <catch2/catch.hpp>

#include <bit>
#include <random>

#include "scoin/crypto.hpp"
#include "scoin/merkle.hpp"
#include "scoin/sha256_ni.hpp"

using namespace scoin;

namespace {

Hash32 h(std::string_view hex) {
  auto v = from_hex<32>(hex);
  REQUIRE(v.has_value());
  return *v;
}

std::vector<Hash32> hs(std::initializer_list<std::string_view> hexes) {
  std::vector<Hash32> out;
  for (auto x : hexes) out.push_back(h(x));
  return out;
}

const char* const k_leaf_inputs[] = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                     "606162636465666768696a6b6c6d6e6f"};

const char* const k_roots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<Hash32> reference_leaves(std::size_t n) {
  std::vector<Hash32> out;
  for (std::size_t i = 0; i < n; ++i) {
    auto bytes = from_hex_any(k_leaf_inputs[i]);
    REQUIRE(bytes.has_value());
    out.push_back(merkle_leaf_hash(*bytes));
  }
  return out;
}

std::vector<Hash32> synthetic_leaves(std::size_t n) {
  std::vector<Hash32> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(merkle_leaf_hash(sha256(as_bytes(std::to_string(i)))));
  return out;
}

}  // namespace

TEST_CASE("merkle: roots of the reference trees", "[merkle]") {
  CHECK(merkle_empty_root() == h(k_roots[0]));
  for (std::size_t n = 1; n <= 8; ++n) {
    MemorySubtrees src(reference_leaves(n));
    auto root = merkle_root(src, n);
    REQUIRE(root.has_value());
    CHECK(to_hex(*root) == k_roots[n]);
    // The frontier gets the same root one leaf at a time.
    MerkleFrontier f;
    std::vector<TreeRow> rows;
    for (auto& leaf : reference_leaves(n)) f.push(leaf, rows);
    CHECK(to_hex(f.root()) == k_roots[n]);
  }
}

TEST_CASE("merkle: the reference node hashes are the rows the frontier writes", "[merkle]") {
  // NodeHashes() of the reference: level by level, left to right.
  const std::vector<std::vector<std::string_view>> nodes = {
      {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
       "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
       "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
       "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
       "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
       "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
       "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
      {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
       "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
      {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
      {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"}};
  MerkleFrontier f;
  std::vector<TreeRow> rows;
  for (auto& leaf : reference_leaves(8)) f.push(leaf, rows);
  std::size_t expected_rows = 0;
  for (auto& level : nodes) expected_rows += level.size();
  REQUIRE(rows.size() == expected_rows);
  for (auto& row : rows) {
    REQUIRE(row.level < nodes.size());
    REQUIRE(row.index < nodes[row.level].size());
    CHECK(to_hex(row.hash) == nodes[row.level][row.index]);
  }
}

TEST_CASE("merkle: reference inclusion proofs", "[merkle]") {
  struct Case {
    std::uint64_t index, size;
    std::vector<Hash32> proof;
  };
  const std::vector<Case> cases = {
      {0, 1, {}},
      {0, 2, hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"})},
      {1, 2, hs({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"})},
      {2, 3, hs({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
      {1, 5, hs({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
      {0, 8, hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {5, 8, hs({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
  };
  for (auto& c : cases) {
    auto leaves = reference_leaves(c.size);
    MemorySubtrees src(leaves);
    auto proof = merkle_inclusion_proof(src, c.index, c.size);
    REQUIRE(proof.has_value());
    CHECK(*proof == c.proof);
    CHECK(merkle_verify_inclusion(leaves[c.index], c.index, c.size, c.proof, h(k_roots[c.size])));
  }
}

TEST_CASE("merkle: reference consistency proofs", "[merkle]") {
  struct Case {
    std::uint64_t old_size, new_size;
    std::vector<Hash32> proof;
  };
  const std::vector<Case> cases = {
      {1, 1, {}},
      {1, 8, hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {2, 5, hs({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
      {6, 8, hs({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
  };
  for (auto& c : cases) {
    MemorySubtrees src(reference_leaves(c.new_size));
    auto proof = merkle_consistency_proof(src, c.old_size, c.new_size);
    REQUIRE(proof.has_value());
    CHECK(*proof == c.proof);
    CHECK(merkle_verify_consistency(c.old_size, h(k_roots[c.old_size]), c.new_size, h(k_roots[c.new_size]),
                                    c.proof));
  }
}

TEST_CASE("merkle: every proof of every tree up to 40 leaves verifies, and broken ones do not", "[merkle]") {
  const std::size_t max = 40;
  auto all = synthetic_leaves(max);
  std::vector<Hash32> roots{merkle_empty_root()};
  MerkleFrontier f;
  std::vector<TreeRow> rows;
  for (std::size_t n = 1; n <= max; ++n) {
    f.push(all[n - 1], rows);
    roots.push_back(f.root());
  }
  MemorySubtrees src(all);
  for (std::uint64_t n = 1; n <= max; ++n) {
    auto r = merkle_root(src, n);
    REQUIRE(r.has_value());
    REQUIRE(*r == roots[n]);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto p = merkle_inclusion_proof(src, i, n);
      REQUIRE(p.has_value());
      REQUIRE(merkle_verify_inclusion(all[i], i, n, *p, roots[n]));
      // Another leaf, another index, another size, a cut or lengthened path.
      REQUIRE_FALSE(merkle_verify_inclusion(all[(i + 1) % max], i, n, *p, roots[n]));
      if (n > 1) REQUIRE_FALSE(merkle_verify_inclusion(all[i], (i + 1) % n, n, *p, roots[n]));
      // (The size alone is not bound by a path — a path can fit two sizes —
      // which is why the checkpoint signs the size with the root.)
      REQUIRE_FALSE(merkle_verify_inclusion(all[i], i, n + 1, *p, roots[n + 1 <= max ? n + 1 : n - 1]));
      if (!p->empty()) {
        auto cut = *p;
        cut.pop_back();
        REQUIRE_FALSE(merkle_verify_inclusion(all[i], i, n, cut, roots[n]));
        auto flipped = *p;
        flipped[0][0] ^= 1;
        REQUIRE_FALSE(merkle_verify_inclusion(all[i], i, n, flipped, roots[n]));
      }
      auto longer = *p;
      longer.push_back(roots[n]);
      REQUIRE_FALSE(merkle_verify_inclusion(all[i], i, n, longer, roots[n]));
    }
    for (std::uint64_t m = 1; m <= n; ++m) {
      auto p = merkle_consistency_proof(src, m, n);
      REQUIRE(p.has_value());
      REQUIRE(merkle_verify_consistency(m, roots[m], n, roots[n], *p));
      if (m < n) {
        // A shrunk log, another old root, a broken path.
        REQUIRE_FALSE(merkle_verify_consistency(n, roots[n], m, roots[m], *p));
        REQUIRE_FALSE(merkle_verify_consistency(m, roots[m - 1], n, roots[n], *p));
        auto flipped = *p;
        flipped.back()[31] ^= 0x80;
        REQUIRE_FALSE(merkle_verify_consistency(m, roots[m], n, roots[n], flipped));
        REQUIRE_FALSE(merkle_verify_consistency(m, roots[m], n, roots[n], {}));
      }
    }
  }
  // The empty tree is a prefix of every tree, with the empty root only.
  CHECK(merkle_verify_consistency(0, merkle_empty_root(), 5, roots[5], {}));
  CHECK_FALSE(merkle_verify_consistency(0, roots[1], 5, roots[5], {}));
}

TEST_CASE("merkle: a history rewritten at one leaf fails consistency with the old root", "[merkle]") {
  auto honest = synthetic_leaves(13);
  auto forged = honest;
  forged[4] = merkle_leaf_hash(as_bytes("forged"));
  MemorySubtrees honest_src(honest), forged_src(forged);
  auto old_root = merkle_root(honest_src, 9);
  auto forged_root = merkle_root(forged_src, 13);
  auto forged_proof = merkle_consistency_proof(forged_src, 9, 13);
  REQUIRE(old_root.has_value());
  REQUIRE(forged_root.has_value());
  REQUIRE(forged_proof.has_value());
  CHECK_FALSE(merkle_verify_consistency(9, *old_root, 13, *forged_root, *forged_proof));
}

TEST_CASE("merkle: a frontier restored from stored subtrees goes on identically", "[merkle]") {
  auto all = synthetic_leaves(37);
  MemorySubtrees src(all);
  for (std::uint64_t n : {1u, 2u, 5u, 16u, 21u, 36u}) {
    auto f = MerkleFrontier::load(src, n);
    REQUIRE(f.has_value());
    CHECK(f->size() == n);
    CHECK(f->root() == *merkle_root(src, n));
    std::vector<TreeRow> rows;
    for (std::uint64_t i = n; i < 37; ++i) f->push(all[i], rows);
    CHECK(f->root() == *merkle_root(src, 37));
    for (auto& row : rows) CHECK(row.hash == *src.subtree(row.level, row.index));
  }
}

namespace {

// FIPS 180-4 padding of `msg` into whole blocks.
Bytes padded(const Bytes& msg) {
  Bytes b = msg;
  b.push_back(0x80);
  while (b.size() % 64 != 56) b.push_back(0);
  const std::uint64_t bits = 8 * static_cast<std::uint64_t>(msg.size());
  for (int i = 7; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  return b;
}

}  // namespace

TEST_CASE("sha256_ni: the SHA-NI compression gives libsodium's SHA-256 for every block count", "[merkle]") {
  if (!sha256_ni::available()) {
    WARN("this CPU has no SHA-NI (or SCOIN_SHA256_PORTABLE is set): the tree hashes with libsodium");
    return;
  }
  std::mt19937_64 rng(20261126);
  // Every length up to five blocks, and the FIPS 180-4 "abc" vector.
  for (std::size_t len = 0; len <= 320; ++len) {
    Bytes msg(len);
    for (auto& b : msg) b = static_cast<std::uint8_t>(rng());
    const Bytes blocks = padded(msg);
    std::uint32_t state[8];
    std::copy(std::begin(sha256_ni::k_init), std::end(sha256_ni::k_init), state);
    sha256_ni::compress(state, blocks.data(), blocks.size() / 64);
    Hash32 got;
    sha256_ni::store_digest(state, got.data());
    REQUIRE(got == sha256(msg));
  }
  const Bytes abc = {'a', 'b', 'c'};
  const Bytes block = padded(abc);
  std::uint32_t state[8];
  std::copy(std::begin(sha256_ni::k_init), std::end(sha256_ni::k_init), state);
  sha256_ni::compress(state, block.data(), 1);
  Hash32 got;
  sha256_ni::store_digest(state, got.data());
  CHECK(to_hex(got) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("merkle: leaf and node hashes are SHA-256 of 0x00 ‖ data and 0x01 ‖ left ‖ right", "[merkle]") {
  // Whichever path hashes them (SHA-NI here when the CPU has it), the bytes
  // are those of RFC 6962 §2.1 computed with libsodium.
  std::mt19937_64 rng(9162);
  for (int i = 0; i < 2000; ++i) {
    Hash32 a, b;
    for (auto& x : a) x = static_cast<std::uint8_t>(rng());
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    const std::uint8_t zero = 0, one = 1;
    REQUIRE(merkle_leaf_hash(a) == Sha256().update(ByteView(&zero, 1)).update(a).final());
    REQUIRE(merkle_node_hash(a, b) == Sha256().update(ByteView(&one, 1)).update(a).update(b).final());
  }
}

TEST_CASE("merkle: a tree row holds the subtrees its leaf completes, level 0 first", "[merkle]") {
  auto all = synthetic_leaves(64);
  MemorySubtrees src(all);
  MerkleFrontier f;
  Bytes value;
  for (std::uint64_t leaf = 0; leaf < all.size(); ++leaf) {
    f.push(all[leaf], value);
    REQUIRE(value.size() == tree_value_size(leaf));
    // Leaf 0b…0111 ends subtrees of levels 0, 1, 2 and 3: the stored row's
    // hashes are those subtrees, each at offset 32·level.
    const auto levels = static_cast<unsigned>(1 + std::countr_one(leaf));
    REQUIRE(value.size() == 32 * levels);
    for (unsigned level = 0; level < levels; ++level) {
      auto want = src.subtree(level, leaf >> level);
      REQUIRE(want.has_value());
      REQUIRE(std::equal(want->begin(), want->end(), value.begin() + 32 * level));
    }
  }
  CHECK(tree_value_size(0) == 32);
  CHECK(tree_value_size(6) == 32);
  CHECK(tree_value_size(7) == 128);
  CHECK(tree_value_size((std::uint64_t{1} << 40) - 1) == 32 * 41);
}
