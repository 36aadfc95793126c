// The small ledger behind tests/vectors/ledger-v1.json: keys from fixed seeds
// (crypto_sign_seed_keypair), fixed clocks, deterministic Ed25519 signatures,
// so the same bytes come out on every machine. Shared by the generator
// (make_vectors.cpp) and the unit test that checks the committed file.
#pragma once

#include <string>
#include <vector>

#include "scoin/codec.hpp"
#include "scoin/crypto.hpp"
#include "scoin/ledger.hpp"
#include "scoin/memstate.hpp"

namespace scoin::vectors {

struct NamedKey {
  std::string name;
  Bytes seed;
  SecretKey key;
};

struct VectorEntry {
  Op op;
  SignedOp signed_op;
  Entry entry;
  Bytes entry_bytes;
  Hash32 hash;
};

inline Bytes seed_of(std::uint8_t b) { return Bytes(32, b); }

inline std::vector<NamedKey> vector_keys() {
  std::vector<NamedKey> out;
  const char* names[] = {"admin", "issuer", "resident", "merchant", "charity"};
  for (std::uint8_t i = 0; i < 5; ++i) {
    auto seed = seed_of(static_cast<std::uint8_t>(i + 1));
    out.push_back(NamedKey{names[i], seed, SecretKey::from_seed(seed)});
  }
  return out;
}

// Builds the vector ledger, applying every entry through the rules, and
// returns its entries in height order.
inline std::vector<VectorEntry> vector_ledger(const std::vector<NamedKey>& k) {
  const auto& admin = k[0].key;
  const auto& issuer = k[1].key;
  const auto& resident = k[2].key;
  const auto& merchant = k[3].key;
  const auto& charity = k[4].key;
  const std::uint64_t t0 = 1'795'000'000'000;  // 2026-11-18T08:26:40Z
  std::vector<VectorEntry> out;
  MemState state;
  Params params;
  std::uint64_t nonce_admin = 0, nonce_issuer = 0;
  auto add = [&](const SecretKey& signer, std::uint64_t nonce, OpBody body) {
    VectorEntry v;
    v.op.chain_id = out.empty() ? Hash32{} : params.chain_id;
    v.op.created_at_ms = t0 + out.size() * 1000;
    v.op.signer = signer.public_key();
    v.op.nonce = nonce;
    v.op.body = std::move(body);
    v.signed_op = sign_op(v.op, signer);
    v.entry.height = out.size();
    v.entry.prev_hash = out.empty() ? Hash32{} : out.back().hash;
    v.entry.appended_at_ms = v.op.created_at_ms + 250;
    v.entry.op = v.signed_op.op;
    v.entry.sig = v.signed_op.sig;
    v.entry_bytes = encode_entry(v.entry);
    v.hash = entry_hash(v.entry_bytes);
    auto s = apply_op(state, out.empty() ? nullptr : &params, v.op, op_hash(v.entry.op), v.entry.height);
    SCOIN_ASSERT(s == Status::ok);
    if (out.empty()) {
      params.chain_id = v.hash;
      params.genesis = std::get<GenesisBody>(v.op.body);
    }
    out.push_back(std::move(v));
  };
  GenesisBody g;
  g.name = "Test District Rewards";
  g.unit = "SC";
  g.decimals = 2;
  g.krw_per_coin = 200;
  g.utc_offset_min = 540;
  g.flags = 0;
  g.admins = {admin.public_key()};
  g.issuers = {issuer.public_key()};
  add(admin, ++nonce_admin, g);
  add(admin, ++nonce_admin, OpenBody{resident.public_key(), Kind::resident, "R-000001"});
  add(admin, ++nonce_admin, OpenBody{merchant.public_key(), Kind::merchant, "Gym"});
  add(admin, ++nonce_admin, OpenBody{charity.public_key(), Kind::charity, "Food Bank"});
  add(issuer, ++nonce_issuer, IssueBody{resident.public_key(), 10000, "volunteering", "2026-11-18/0001", "park clean-up"});
  add(resident, 1, TransferBody{merchant.public_key(), 2550, "monthly pass"});
  add(merchant, 1, RedeemBody{1000, "settle-2026-11-18", ""});
  add(admin, ++nonce_admin, RoleBody{RoleAction::grant, Role::issuer, charity.public_key()});
  return out;
}

}  // namespace scoin::vectors
