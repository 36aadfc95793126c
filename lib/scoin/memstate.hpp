// The rules' state held in memory: for unit tests of the rules and for
// replaying a chain without a replica.
#pragma once

#include <map>
#include <string>

#include "scoin/rules.hpp"

namespace scoin {

class MemState final : public State {
 public:
  std::optional<AccountRec> account(const Key32& key) override {
    auto it = accounts.find(key);
    if (it == accounts.end()) return std::nullopt;
    return it->second;
  }
  void put_account(const Key32& key, const AccountRec& rec) override { accounts[key] = rec; }
  SignerRec signer(const Key32& key) override {
    auto it = signers.find(key);
    return it == signers.end() ? SignerRec{} : it->second;
  }
  void put_signer(const Key32& key, const SignerRec& rec) override { signers[key] = rec; }
  std::optional<Key32> label_owner(std::string_view label) override {
    auto it = labels.find(std::string(label));
    if (it == labels.end()) return std::nullopt;
    return it->second;
  }
  void put_label(std::string_view label, const Key32& key) override {
    labels[std::string(label)] = key;
  }
  std::optional<std::uint64_t> ref_height(ByteView ref_key) override {
    auto it = refs.find(Bytes(ref_key.begin(), ref_key.end()));
    if (it == refs.end()) return std::nullopt;
    return it->second;
  }
  void put_ref(ByteView ref_key, std::uint64_t height) override {
    refs[Bytes(ref_key.begin(), ref_key.end())] = height;
  }
  void put_history(const Key32& key, std::uint64_t height, std::uint64_t balance) override {
    history[{key, height}] = balance;
  }
  void put_op_hash(const Hash32& h, std::uint64_t height) override { ops[h] = height; }
  Totals totals() override { return m_totals; }
  void put_totals(const Totals& t) override { m_totals = t; }

  std::map<Key32, AccountRec> accounts;
  std::map<Key32, SignerRec> signers;
  std::map<std::string, Key32> labels;
  std::map<Bytes, std::uint64_t> refs;
  std::map<std::pair<Key32, std::uint64_t>, std::uint64_t> history;
  std::map<Hash32, std::uint64_t> ops;

 private:
  Totals m_totals;
};

}  // namespace scoin
