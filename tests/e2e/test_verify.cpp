// verify-chain against tampered replicas (DESIGN.md §4-§6): each test edits
// the LMDB files behind scoin's back, then asserts exit 1 and a finding at
// the exact height.
#include <filesystem>

#include "e2e/harness.hpp"
#include "e2e/tamper.hpp"
#include "scoin/codec.hpp"
#include "scoin/keyfile.hpp"
#include "scoin/ledger.hpp"

using e2e::Sandbox;
using scoin::Bytes;

namespace {

constexpr std::size_t k_prev_at = 8, k_time_at = 40, k_op_at = 52;

struct Ledger {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""},
                                       {"gym", "merchant", "Gym", ""},
                                       {"bank", "charity", "Food Bank", ""}};
  Ledger() {
    s.init_ledger(acc, {"--decimals", "2"});
    s.write("fund.csv", "account,amount,reason,ref\nR-000001,100,v,f-1\nR-000002,50,v,f-2\nGym,10,v,f-3\n");
    REQUIRE(s.scoin({"issue", "--key", "issuer.key", "--csv", "fund.csv"}).code == 0);
    REQUIRE(s.scoin({"transfer", "--key", "r1.key", "--to", "Gym", "--amount", "20"}).code == 0);
    REQUIRE(s.scoin({"redeem", "--key", "gym.key", "--amount", "5", "--ref", "settle-1"}).code == 0);
    REQUIRE(s.scoin({"transfer", "--key", "r2.key", "--to", "Food Bank", "--amount", "1"}).code == 0);
  }
  // Heights: 0 genesis, 1-4 open, 5-7 issue, 8 transfer, 9 redeem, 10 transfer.
  std::string dir() const { return s.ledger(); }
  e2e::Run verify(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"verify-chain", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return s.scoin(args);
  }
  Bytes entry(std::uint64_t h) const { return tamper::get(dir(), "entries", tamper::height_key(h)); }
  void set_entry(std::uint64_t h, const Bytes& e) const { tamper::put(dir(), "entries", tamper::height_key(h), e); }
  std::string hash_at(std::uint64_t h) const {
    return scoin::to_hex(tamper::get(dir(), "hashes", tamper::height_key(h)));
  }
};

// Runs verify-chain and checks it found the ledger invalid with a finding of
// `check` at `height` (the first finding, in height order, is at `height`).
void expect_finding(const Ledger& l, std::uint64_t height, const std::string& check,
                    std::vector<std::string> extra = {}) {
  auto r = l.verify(extra);
  INFO(r.out << r.err);
  REQUIRE(r.code == 1);
  auto j = r.json();
  CHECK(j["valid"] == false);
  auto& f = j["findings"];
  REQUIRE(f.size() >= 1);
  CHECK(f[0]["height"] == height);
  bool found = false;
  for (auto& x : f) found |= x["height"] == height && x["check"] == check;
  CHECK(found);
  // The human report names the height too.
  std::vector<std::string> args{"verify-chain"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto text = l.s.scoin(args);
  CHECK(text.code == 1);
  CHECK(text.out.find(fmt::format("finding: height {}: {}", height, check)) != std::string::npos);
}

}  // namespace

TEST_CASE("verify-chain: a clean ledger is valid, with its summary") {
  Ledger l;
  auto r = l.verify();
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = r.json();
  CHECK(j["valid"] == true);
  CHECK(j["entries"] == 11);
  CHECK(j["signatures"] == 11);
  CHECK(j["head_height"] == 10);
  CHECK(j["head_hash"] == l.hash_at(10));
  CHECK(j["accounts"] == 4);
  CHECK(j["supply"] == "155.00");
  CHECK(j["issued"] == "160.00");
  CHECK(j["redeemed"] == "5.00");
  CHECK(j["findings"].empty());
  auto chain = j["chain_id"].get<std::string>();
  CHECK(chain == l.hash_at(0));
  CHECK(l.verify({"--expect-chain-id", chain}).code == 0);
  CHECK(l.verify({"--expect-head", "10:" + l.hash_at(10)}).code == 0);
  CHECK(l.verify({"--expect-head", "4:" + l.hash_at(4)}).code == 0);
  auto text = l.s.scoin({"verify-chain"});
  CHECK(text.code == 0);
  CHECK(text.out.find("VALID") != std::string::npos);
}

TEST_CASE("verify-chain: trust anchors: another chain id, another head") {
  Ledger l;
  auto wrong = std::string(64, '0');
  expect_finding(l, 0, "expect_chain_id", {"--expect-chain-id", wrong});
  expect_finding(l, 7, "expect_head", {"--expect-head", "7:" + l.hash_at(6)});
  CHECK(l.verify({"--expect-head", "nonsense"}).code == 64);
}

TEST_CASE("verify-chain: a flipped byte in an entry's op") {
  Ledger l;
  auto e = l.entry(8);  // the transfer
  e[k_op_at + 4 + 1 + 1 + 32 + 8 + 32 + 8 + 32 + 7] ^= 0x01;  // its amount's last byte
  l.set_entry(8, e);
  expect_finding(l, 8, "signature");
  auto all = l.verify({"--all"}).json();
  CHECK(all["stopped_at_broken_link"] == false);
  bool link = false;
  for (auto& f : all["findings"]) link |= f["height"] == 9 && f["check"] == "prev_hash";
  CHECK(link);
}

TEST_CASE("verify-chain: a flipped byte in a signature") {
  Ledger l;
  auto e = l.entry(6);
  e[e.size() - 10] ^= 0x80;
  l.set_entry(6, e);
  expect_finding(l, 6, "signature");
}

TEST_CASE("verify-chain: a flipped byte in prev_hash") {
  Ledger l;
  auto e = l.entry(5);
  e[k_prev_at + 3] ^= 0x01;
  l.set_entry(5, e);
  expect_finding(l, 5, "prev_hash");
  // By default the walk stops at the first broken link.
  auto j = l.verify().json();
  CHECK(j["stopped_at_broken_link"] == true);
  CHECK(j["entries"] == 6);
}

TEST_CASE("verify-chain: a flipped byte in appended_at_ms") {
  Ledger l;
  auto e = l.entry(9);
  e[k_time_at + 7] ^= 0x01;
  l.set_entry(9, e);
  expect_finding(l, 9, "hashes");
}

TEST_CASE("verify-chain: an entry deleted from the middle") {
  Ledger l;
  tamper::del(l.dir(), "entries", tamper::height_key(6));
  expect_finding(l, 6, "height");
}

TEST_CASE("verify-chain: two entries swapped") {
  Ledger l;
  auto a = l.entry(7), b = l.entry(8);
  l.set_entry(7, b);
  l.set_entry(8, a);
  expect_finding(l, 7, "entry_height");
}

TEST_CASE("verify-chain: the last entry removed is caught only with --expect-head") {
  Ledger l;
  // A replica rolled back to before the last entry: the way an operator
  // would hide one, every table consistent.
  std::filesystem::copy(l.s.ledger(), l.s.path("before"));
  REQUIRE(l.s.scoin({"transfer", "--key", "r1.key", "--to", "Gym", "--amount", "1"}).code == 0);
  auto head = l.verify().json();
  REQUIRE(head["head_height"] == 11);
  const auto anchor = "11:" + head["head_hash"].get<std::string>();
  std::filesystem::remove_all(l.s.ledger());
  std::filesystem::rename(l.s.path("before"), l.s.ledger());
  CHECK(l.verify().code == 0);
  expect_finding(l, 11, "expect_head", {"--expect-head", anchor});
}

TEST_CASE("verify-chain: a hashes row changed") {
  Ledger l;
  auto h = tamper::get(l.dir(), "hashes", tamper::height_key(3));
  h[0] ^= 0xff;
  tamper::put(l.dir(), "hashes", tamper::height_key(3), h);
  expect_finding(l, 3, "hashes");
}

TEST_CASE("verify-chain: an accounts balance changed") {
  Ledger l;
  auto key = scoin::decode_address(l.acc[2].address).value();  // Gym: last changed at height 9
  Bytes k(key.begin(), key.end());
  auto rec = scoin::decode_account(tamper::get(l.dir(), "accounts", k)).value();
  rec.balance += 100000;
  tamper::put(l.dir(), "accounts", k, scoin::encode_account(rec));
  expect_finding(l, 9, "accounts");
  auto j = l.verify().json();
  CHECK(j["findings"][0]["expected"] == "2500");
  CHECK(j["findings"][0]["actual"] == "102500");
}

TEST_CASE("verify-chain: a refs row deleted") {
  Ledger l;
  tamper::del(l.dir(), "refs", scoin::issue_ref_key("f-2"));
  expect_finding(l, 6, "refs");
}

TEST_CASE("verify-chain: history and ops rows changed or added") {
  Ledger l;
  auto key = scoin::decode_address(l.acc[0].address).value();
  Bytes hk;
  scoin::Writer w(hk);
  w.raw(key);
  w.u64(8);
  tamper::put(l.dir(), "history", hk, tamper::height_key(999));
  expect_finding(l, 8, "history");
  Ledger m;
  Bytes bogus(32, 0x42);
  tamper::put(m.dir(), "ops", bogus, tamper::height_key(4));
  expect_finding(m, 4, "ops");
}

TEST_CASE("verify-chain: an entry replaced by a validly signed entry from another ledger") {
  Ledger l;
  Ledger other;
  l.set_entry(8, other.entry(8));
  expect_finding(l, 8, "chain_id");
}

TEST_CASE("verify-chain: an entry re-signed by a key without the role") {
  Ledger l;
  // Height 6 is an issue; re-sign it as R-000002, who holds no issuer role.
  auto bytes = l.entry(6);
  auto e = scoin::decode_entry(bytes).value();
  auto op = scoin::decode_op(e.op).value();
  auto key = scoin::load_key(l.s.path("r2.key"), [] { return scoin::Result<scoin::SecretBuffer>(scoin::SecretBuffer(1)); }).value();
  op.signer = key.public_key();
  op.nonce = 1;
  auto s = scoin::sign_op(op, key);
  e.op = s.op;
  e.sig = s.sig;
  l.set_entry(6, scoin::encode_entry(e));
  auto r = l.verify({"--all"});
  REQUIRE(r.code == 1);
  bool role = false;
  auto j = r.json();
  for (auto& f : j["findings"]) {
    role |= f["height"] == 6 && f["check"] == "rule" &&
            f["message"].get<std::string>().find("signer_not_issuer") != std::string::npos;
  }
  CHECK(role);
  expect_finding(l, 6, "rule");
}

TEST_CASE("verify-chain: raw bytes appended by another program") {
  Ledger l;
  tamper::put(l.dir(), "entries", tamper::height_key(11), Bytes{0xde, 0xad, 0xbe, 0xef});
  expect_finding(l, 11, "entry");
}

TEST_CASE("verify-chain: --all lists every finding; --to stops before the damage") {
  Ledger l;
  auto e = l.entry(9);
  e[e.size() - 1] ^= 1;
  l.set_entry(9, e);
  auto h = tamper::get(l.dir(), "hashes", tamper::height_key(2));
  h[5] ^= 1;
  tamper::put(l.dir(), "hashes", tamper::height_key(2), h);
  auto all = l.verify({"--all"});
  REQUIRE(all.code == 1);
  auto f = all.json()["findings"];
  REQUIRE(f.size() >= 3);
  // In height order.
  for (std::size_t i = 1; i < f.size(); ++i) CHECK(f[i - 1]["height"] <= f[i]["height"]);
  CHECK(f[0]["height"] == 2);
  // A range that ends before height 9 but includes 2 finds only the hashes row.
  auto to = l.verify({"--to", "8"});
  REQUIRE(to.code == 1);
  CHECK(to.json()["findings"].size() == 1);
  CHECK(to.json()["findings"][0]["height"] == 2);
  CHECK(l.verify({"--from", "3", "--to", "8"}).code == 1);  // state is replayed from 0
  CHECK(l.verify({"--from", "9", "--to", "8"}).code == 64);
}

TEST_CASE("verify-chain: needs no key, and a missing ledger is 66") {
  Ledger l;
  CHECK(l.s.scoin({"verify-chain", "--no-input"}).code == 0);
  CHECK(l.s.scoin({"verify-chain"}, {}, {"SCOIN_LEDGER=" + l.s.path("nope")}).code == 66);
}

TEST_CASE("verify-chain: --to at the head still compares the end state; --expect-head beyond --to is 64") {
  Ledger l;
  auto key = scoin::decode_address(l.acc[3].address).value();  // Food Bank, last changed at 10
  Bytes k(key.begin(), key.end());
  auto rec = scoin::decode_account(tamper::get(l.dir(), "accounts", k)).value();
  rec.balance = 7;
  tamper::put(l.dir(), "accounts", k, scoin::encode_account(rec));
  expect_finding(l, 10, "accounts", {"--to", "10"});
  CHECK(l.verify({"--to", "9"}).code == 0);  // the end state is not compared mid-chain
  CHECK(l.verify({"--to", "5", "--expect-head", "7:" + l.hash_at(7)}).code == 64);
}

TEST_CASE("verify-chain: an extra history row for a key that no entry paid is located") {
  Ledger l;
  auto admin = l.s.scoin({"key", "show", "admin.key", "--json"}).json()["address"].get<std::string>();
  auto key = scoin::decode_address(admin).value();
  Bytes hk;
  scoin::Writer w(hk);
  w.raw(key);
  w.u64(0);
  tamper::put(l.dir(), "history", hk, tamper::height_key(5));
  expect_finding(l, 0, "history");
}
