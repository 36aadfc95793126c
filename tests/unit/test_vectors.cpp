// The committed test vectors (tests/vectors/ledger-v1.json) are what the code
// produces today, byte for byte; and they check out from first principles.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

#include "vectors/vector_ledger.hpp"

using namespace scoin;

TEST_CASE("vectors: the code reproduces tests/vectors/ledger-v1.json") {
  std::ifstream in(SCOIN_VECTORS_DIR "/ledger-v1.json");
  REQUIRE(in.good());
  auto j = nlohmann::json::parse(in);
  auto keys = vectors::vector_keys();
  auto entries = vectors::vector_ledger(keys);
  REQUIRE(j["keys"].size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& jk = j["keys"][i];
    CHECK(jk["seed"] == to_hex(keys[i].seed));
    CHECK(jk["public_key"] == to_hex(keys[i].key.public_key()));
    CHECK(jk["address"] == encode_address(keys[i].key.public_key()));
    CHECK(jk["key_id"] == key_id(keys[i].key.public_key()));
  }
  REQUIRE(j["entries"].size() == entries.size());
  CHECK(j["chain_id"] == to_hex(entries[0].hash));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto& je = j["entries"][i];
    INFO("height " << i);
    CHECK(je["op"] == to_hex(entries[i].entry.op));
    CHECK(je["signature"] == to_hex(entries[i].entry.sig));
    CHECK(je["entry"] == to_hex(entries[i].entry_bytes));
    CHECK(je["entry_hash"] == to_hex(entries[i].hash));
  }
}

TEST_CASE("vectors: each committed entry verifies from its bytes alone") {
  std::ifstream in(SCOIN_VECTORS_DIR "/ledger-v1.json");
  auto j = nlohmann::json::parse(in);
  Hash32 prev{};
  std::uint64_t height = 0;
  for (auto& je : j["entries"]) {
    auto bytes = from_hex_any(je["entry"].get<std::string>());
    REQUIRE(bytes.has_value());
    auto e = decode_entry(*bytes);
    REQUIRE(e.has_value());
    CHECK(e->height == height++);
    CHECK(e->prev_hash == prev);
    auto op = decode_op(e->op);
    REQUIRE(op.has_value());
    CHECK(encode_op(*op) == e->op);
    CHECK(verify_signature(op->signer, e->op, e->sig));
    // SHA-256 over the domain tag and the bytes, recomputed by hand.
    const std::string_view tag("scoin-entry-v1\0", 15);
    Bytes pre;
    pre.reserve(tag.size() + bytes->size());
    pre.insert(pre.end(), tag.begin(), tag.end());
    pre.insert(pre.end(), bytes->begin(), bytes->end());
    prev = sha256(pre);
    CHECK(je["entry_hash"] == to_hex(prev));
    if (e->height > 0) CHECK(to_hex(op->chain_id) == j["chain_id"]);
  }
}
