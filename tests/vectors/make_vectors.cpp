// Writes tests/vectors/ledger-v1.json: `scoin_make_vectors > ledger-v1.json`.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "vector_ledger.hpp"

int main() {
  using namespace scoin;
  using json = nlohmann::ordered_json;
  crypto_init();
  auto keys = vectors::vector_keys();
  auto entries = vectors::vector_ledger(keys);
  json jkeys = json::array();
  for (auto& k : keys) {
    jkeys.push_back(json{{"name", k.name},
                         {"seed", to_hex(k.seed)},
                         {"public_key", to_hex(k.key.public_key())},
                         {"address", encode_address(k.key.public_key())},
                         {"key_id", key_id(k.key.public_key())}});
  }
  json jentries = json::array();
  for (auto& v : entries) {
    jentries.push_back(json{{"height", v.entry.height},
                            {"type", op_type_name(v.op.type())},
                            {"op", to_hex(v.entry.op)},
                            {"op_sha256", to_hex(op_hash(v.entry.op))},
                            {"signature", to_hex(v.entry.sig)},
                            {"prev_hash", to_hex(v.entry.prev_hash)},
                            {"appended_at_ms", v.entry.appended_at_ms},
                            {"entry", to_hex(v.entry_bytes)},
                            {"entry_hash", to_hex(v.hash)}});
  }
  json out{{"description",
            "scoin test vectors, format v1 (DESIGN.md section 4). Keys come from fixed seeds via "
            "crypto_sign_seed_keypair; entry_hash = SHA-256(\"scoin-entry-v1\" 0x00 || entry); "
            "chain_id = entry_hash of height 0."},
           {"chain_id", to_hex(entries[0].hash)},
           {"keys", jkeys},
           {"entries", jentries}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
