// scoin transfer, redeem, submit and show-op: spending coins and offline
// signing (DESIGN.md §4.1, §4.3, §5).
#include "e2e/harness.hpp"
#include "scoin/codec.hpp"

using e2e::Sandbox;

namespace {

struct Ledger {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""},
                                       {"gym", "merchant", "Gym", ""},
                                       {"cafe", "merchant", "Cafe", ""},
                                       {"bank", "charity", "Food Bank", ""}};
  explicit Ledger(std::vector<std::string> init = {"--decimals", "2"}) {
    s.init_ledger(acc, init);
    s.write("fund.csv", "account,amount,reason,ref\nR-000001,100,v,f-1\nR-000002,50,v,f-2\nGym,10,v,f-3\n");
    auto r = s.scoin({"issue", "--key", "issuer.key", "--csv", "fund.csv"});
    REQUIRE(r.code == 0);
  }
  std::uint64_t balance(const std::string& who) const {
    auto r = s.scoin({"balance", who, "--json"});
    REQUIRE(r.code == 0);
    return r.json()["balance_units"].get<std::uint64_t>();
  }
  std::size_t entries() const { return s.scoin({"log", "--json"}).json().size(); }
  e2e::Run pay(const std::string& key, std::vector<std::string> args) const {
    std::vector<std::string> full{"transfer", "--key", key};
    full.insert(full.end(), args.begin(), args.end());
    return s.scoin(full);
  }
  std::string chain_id() const { return s.scoin({"log", "--json", "--limit", "1"}).json()[0]["op"]["chain_id"]; }
};

// Flips one byte inside the first op of an op file, keeping it valid base64.
std::string flip_byte(const std::string& text, std::size_t at) {
  auto ops = scoin::parse_op_file(text, "f");
  REQUIRE(ops.has_value());
  (*ops)[0].op[at] ^= 0x01;
  return scoin::armor_ops(*ops);
}

}  // namespace

TEST_CASE("transfer: a resident pays a facility; balances and the log agree") {
  Ledger l;
  auto r = l.pay("r1.key", {"--to", "Gym", "--amount", "12.50", "--memo", "monthly pass", "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["total_units"] == 1250);
  CHECK(l.balance("R-000001") == 8750);
  CHECK(l.balance("Gym") == 2250);
  auto log = l.s.scoin({"log", "--type", "transfer", "--json"}).json();
  REQUIRE(log.size() == 1);
  CHECK(log[0]["op"]["signer"] == l.acc[0].address);
  CHECK(log[0]["op"]["to"] == l.acc[2].address);
  CHECK(log[0]["op"]["nonce"] == 1);
  CHECK(log[0]["op"]["memo"] == "monthly pass");
  // Merchants and charities pay anyone, a resident too.
  CHECK(l.pay("gym.key", {"--to", "R-000002", "--amount", "1"}).code == 0);
  CHECK(l.balance("R-000002") == 5100);
}

TEST_CASE("transfer: every refused payment writes nothing and says why") {
  Ledger l;
  const auto before = l.s.ledger_digest();
  struct Case {
    std::vector<std::string> args;
    int code;
    const char* why;
  } cases[] = {
      {{"--to", "Gym", "--amount", "100.01"}, 65, "exceeds_balance"},
      {{"--to", "Gym", "--amount", "0"}, 65, "zero"},
      {{"--to", "Gym", "--amount", "-1"}, 65, "negative"},
      {{"--to", "Gym", "--amount", "1.001"}, 65, "fraction digits"},
      {{"--to", "Gym", "--amount", "92233720368547758.08"}, 65, "2^63-1"},
      {{"--to", "R-404", "--amount", "1"}, 65, "no account with the label"},
      {{"--to", "R-000002", "--amount", "1"}, 65, "kind_not_allowed"},
      {{"--to", "R-000001", "--amount", "1"}, 65, "sending account itself"},
      {{"--to", "Gym", "--amount", "1", "--memo", "tab\there"}, 65, "control character"},
  };
  for (auto& c : cases) {
    auto r = l.pay("r1.key", c.args);
    INFO(c.why << ": " << r.err);
    CHECK(r.code == c.code);
    CHECK(r.err.find(c.why) != std::string::npos);
  }
  // A mistyped address: one character changed.
  auto typo = l.acc[2].address;
  typo[20] = typo[20] == 'q' ? 'p' : 'q';
  auto t = l.pay("r1.key", {"--to", typo, "--amount", "1"});
  CHECK(t.code == 65);
  CHECK(t.err.find("checksum") != std::string::npos);
  // An address that is no account.
  auto stranger = l.s.keygen("stranger.key");
  CHECK(l.pay("r1.key", {"--to", stranger, "--amount", "1"}).code == 65);
  // A key that is no account.
  auto no = l.pay("stranger.key", {"--to", "Gym", "--amount", "1"});
  CHECK(no.code == 65);
  CHECK(no.err.find("signer_not_account") != std::string::npos);
  CHECK(l.s.ledger_digest() == before);
}

TEST_CASE("transfer: residents may pay residents when the genesis allows it") {
  Ledger l({"--decimals", "2", "--allow-resident-transfers"});
  CHECK(l.pay("r1.key", {"--to", "R-000002", "--amount", "3"}).code == 0);
  CHECK(l.balance("R-000002") == 5300);
}

TEST_CASE("transfer: wrong or missing passphrase (77), nothing written") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"gym", "merchant", "Gym", ""}};
  s.init_ledger(acc);
  auto payer = s.keygen("payer.key", "payer pw");
  auto o = s.scoin({"account", "open", "--key", "admin.key", payer, "--kind", "charity", "--label",
                    "Payer", "--passphrase-file", s.admin_pass()});
  REQUIRE(o.code == 0);
  REQUIRE(s.scoin({"issue", "--key", "issuer.key", "--to", "Payer", "--amount", "5", "--reason", "v",
                   "--ref", "p-1"}).code == 0);
  const auto before = s.ledger_digest();
  auto wrong = s.scoin({"transfer", "--key", "payer.key", "--to", "Gym", "--amount", "1",
                        "--passphrase-file", s.pass_file("not it")});
  CHECK(wrong.code == 77);
  auto missing = s.scoin({"transfer", "--key", "payer.key", "--to", "Gym", "--amount", "1", "--no-input"});
  CHECK(missing.code == 77);
  CHECK(s.ledger_digest() == before);
  auto right = s.scoin({"transfer", "--key", "payer.key", "--to", "Gym", "--amount", "1",
                        "--passphrase-file", s.pass_file("payer pw")});
  CHECK(right.code == 0);
}

TEST_CASE("transfer --csv: payouts from one account, all or nothing") {
  Ledger l;
  l.s.write("pay.csv", "account,amount,memo\nR-000001,2,a\nR-000002,3,b\nCafe,1,\n");
  auto r = l.pay("gym.key", {"--csv", "pay.csv", "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["payments"] == 3);
  CHECK(l.balance("Gym") == 400);
  const auto before = l.s.ledger_digest();
  l.s.write("bad.csv", "account,amount\nR-000001,1\nR-404,1\nCafe,0\nR-000002,3.999\nR-000001,5\n");
  auto b = l.pay("gym.key", {"--csv", "bad.csv"});
  CHECK(b.code == 65);
  for (auto w : {"bad.csv:3: account:", "bad.csv:4: amount: zero", "bad.csv:5: amount:",
                 "bad.csv:6: amount: 6.00 in all, with the rows before, exceeds the balance of 4.00"}) {
    INFO(w << "\n" << b.err);
    CHECK(b.err.find(w) != std::string::npos);
  }
  CHECK(l.s.ledger_digest() == before);
}

TEST_CASE("redeem: a merchant burns coins for won; idempotent by ref") {
  Ledger l;
  l.pay("r1.key", {"--to", "Gym", "--amount", "40"});
  auto r = l.s.scoin({"redeem", "--key", "gym.key", "--amount", "25.50", "--ref", "settle-2026-11-26", "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["krw_payable"] == 5100);
  CHECK(l.balance("Gym") == 2450);
  auto supply = l.s.scoin({"balance", "--json"}).json();
  CHECK(supply["redeemed"] == "25.50");
  const auto after = l.s.ledger_digest();
  auto again = l.s.scoin({"redeem", "--key", "gym.key", "--amount", "25.50", "--ref", "settle-2026-11-26", "--json"});
  CHECK(again.code == 0);
  CHECK(again.json()["mode"] == "already applied");
  CHECK(l.s.ledger_digest() == after);
  auto conflict = l.s.scoin({"redeem", "--key", "gym.key", "--amount", "1", "--ref", "settle-2026-11-26"});
  CHECK(conflict.code == 65);
  CHECK(conflict.err.find("conflict") != std::string::npos);
  // The same ref for another merchant is its own.
  l.pay("r1.key", {"--to", "Cafe", "--amount", "1"});
  CHECK(l.s.scoin({"redeem", "--key", "cafe.key", "--amount", "1", "--ref", "settle-2026-11-26"}).code == 0);
  auto over = l.s.scoin({"redeem", "--key", "gym.key", "--amount", "100", "--ref", "settle-x"});
  CHECK(over.code == 65);
  CHECK(over.err.find("exceeds_balance") != std::string::npos);
  CHECK(l.s.ledger_digest() != after);
}

TEST_CASE("redeem: refused for residents and charities (65)") {
  Ledger l;
  const auto before = l.s.ledger_digest();
  auto r = l.s.scoin({"redeem", "--key", "r1.key", "--amount", "1", "--ref", "x"});
  CHECK(r.code == 65);
  CHECK(r.err.find("signer_not_merchant") != std::string::npos);
  CHECK(l.s.scoin({"redeem", "--key", "bank.key", "--amount", "1", "--ref", "x"}).code == 65);
  CHECK(l.s.ledger_digest() == before);
}

TEST_CASE("submit: an op file is appended once; a replay is already applied") {
  Ledger l;
  auto w = l.pay("r1.key", {"--to", "Gym", "--amount", "7", "--out", "pay.op"});
  INFO(w.err);
  REQUIRE(w.code == 0);
  CHECK(l.balance("R-000001") == 10000);  // only signed, not appended
  auto show = l.s.scoin({"show-op", "pay.op", "--json"});
  REQUIRE(show.code == 0);
  auto shown = show.json();
  CHECK(shown["ok"] == true);
  CHECK(shown["ops"][0]["signature_valid"] == true);
  CHECK(shown["ops"][0]["standing"] == "would be appended at height " + std::to_string(l.entries()));
  CHECK(shown["ops"][0]["amount"] == "7.00");
  auto sub = l.s.scoin({"submit", "pay.op", "--json"});
  INFO(sub.err);
  REQUIRE(sub.code == 0);
  CHECK(sub.json()["appended"] == 1);
  // Without a replica, show-op decodes and checks the signature only.
  auto bare = e2e::run_program(e2e::scoin_bin(), {"show-op", "pay.op", "--json"}, {}, {}, l.s.dir());
  CHECK(bare.code == 0);
  CHECK(bare.json()["ops"][0]["amount_units"] == 700);
  CHECK(bare.json()["ops"][0]["standing"] == "unknown (no replica given)");
  // A replica given but missing is an error, not silence.
  CHECK(l.s.scoin({"show-op", "pay.op"}, {}, {"SCOIN_LEDGER=" + l.s.path("nope")}).code == 66);
  CHECK(l.balance("R-000001") == 9300);
  const auto after = l.s.ledger_digest();
  auto replay = l.s.scoin({"submit", "pay.op", "--json"});
  CHECK(replay.code == 0);
  CHECK(replay.json()["already_applied"] == 1);
  CHECK(replay.json()["appended"] == 0);
  CHECK(l.s.ledger_digest() == after);
  CHECK(l.balance("R-000001") == 9300);
  auto text = l.s.scoin({"show-op", "pay.op"});
  CHECK(text.out.find("already applied at height") != std::string::npos);
}

TEST_CASE("submit: one flipped byte is a signature error; nothing written") {
  Ledger l;
  REQUIRE(l.pay("r1.key", {"--to", "Gym", "--amount", "7", "--out", "pay.op"}).code == 0);
  const auto before = l.s.ledger_digest();
  auto original = l.s.read("pay.op");
  // The amount's last byte: still a well-formed op, no longer the signed one.
  auto ops = scoin::parse_op_file(original, "f");
  const std::size_t amount_at = 4 + 1 + 1 + 32 + 8 + 32 + 8 + 32 + 7;
  l.s.write("flipped.op", flip_byte(original, amount_at));
  auto r = l.s.scoin({"submit", "flipped.op"});
  CHECK(r.code == 65);
  CHECK(r.err.find("flipped.op:1: signature does not verify") != std::string::npos);
  auto shown = l.s.scoin({"show-op", "flipped.op", "--json"});
  CHECK(shown.code == 65);
  CHECK(shown.json()["ok"] == false);
  CHECK(shown.json()["ops"][0]["signature_valid"] == false);
  // A flipped byte in the signature itself.
  (*ops)[0].sig[5] ^= 0x40;
  l.s.write("badsig.op", scoin::armor_ops(*ops));
  CHECK(l.s.scoin({"submit", "badsig.op"}).code == 65);
  // A flipped base64 character that breaks the armor.
  auto broken = original;
  broken[30] = broken[30] == '!' ? '?' : '!';
  l.s.write("broken.op", broken);
  CHECK(l.s.scoin({"submit", "broken.op"}).code == 65);
  CHECK(l.s.ledger_digest() == before);
}

TEST_CASE("submit: an op signed for another ledger is refused (65)") {
  Ledger l;
  Ledger other;
  // Sign on the other ledger, for the other ledger.
  auto w = other.pay("r1.key", {"--to", other.acc[2].address, "--amount", "1", "--out", "other.op"});
  REQUIRE(w.code == 0);
  l.s.write("other.op", other.s.read("other.op"));
  const auto before = l.s.ledger_digest();
  auto r = l.s.scoin({"submit", "other.op"});
  CHECK(r.code == 65);
  CHECK(r.err.find("signed for another ledger") != std::string::npos);
  CHECK(l.s.ledger_digest() == before);
}

TEST_CASE("submit: two ops where the second is invalid append nothing") {
  Ledger l;
  REQUIRE(l.pay("r1.key", {"--to", "Gym", "--amount", "1", "--out", "a.op"}).code == 0);
  // Signed with the next nonce (2): a payment the payer cannot afford.
  REQUIRE(l.pay("r1.key", {"--to", "Gym", "--amount", "99.50", "--out", "b.op", "--nonce", "2"}).code == 0);
  l.s.write("both.op", l.s.read("a.op") + l.s.read("b.op"));
  const auto before = l.s.ledger_digest();
  auto r = l.s.scoin({"submit", "both.op"});
  CHECK(r.code == 65);
  CHECK(r.err.find("exceeds_balance") != std::string::npos);
  CHECK(l.s.ledger_digest() == before);
  // show-op says so, op by op, before anything is submitted.
  auto shown = l.s.scoin({"show-op", "both.op"});
  CHECK(shown.code == 65);
  CHECK(shown.out.find("would be appended at height") != std::string::npos);
  CHECK(shown.out.find("would be refused: amount exceeds the balance (exceeds_balance)") != std::string::npos);
  CHECK(l.s.ledger_digest() == before);
  // Each file on its own: the first lands.
  CHECK(l.s.scoin({"submit", "a.op"}).code == 0);
  CHECK(l.balance("R-000001") == 9900);
}

TEST_CASE("submit: a stale nonce (taken by another op) is 75") {
  Ledger l;
  REQUIRE(l.pay("r1.key", {"--to", "Gym", "--amount", "1", "--out", "late.op"}).code == 0);
  // Meanwhile the same key pays directly, taking that nonce.
  REQUIRE(l.pay("r1.key", {"--to", "Cafe", "--amount", "2"}).code == 0);
  const auto before = l.s.ledger_digest();
  auto r = l.s.scoin({"submit", "late.op"});
  CHECK(r.code == 75);
  CHECK(r.err.find("stale") != std::string::npos);
  auto shown = l.s.scoin({"show-op", "late.op"});
  CHECK(shown.code == 75);
  CHECK(shown.out.find("stale") != std::string::npos);
  CHECK(l.s.ledger_digest() == before);
  // A nonce that skips ahead is bad data, not stale.
  REQUIRE(l.pay("r1.key", {"--to", "Gym", "--amount", "1", "--out", "ahead.op", "--nonce", "9"}).code == 0);
  auto a = l.s.scoin({"submit", "ahead.op"});
  CHECK(a.code == 65);
  CHECK(a.err.find("skips ahead") != std::string::npos);
}

TEST_CASE("offline signing: no replica, --chain-id --nonce --decimals; submitted on the primary") {
  Ledger l;
  const auto chain = l.chain_id();
  // A signing machine with only the key: no SCOIN_LEDGER at all.
  auto r = e2e::run_program(e2e::scoin_bin(),
                            {"transfer", "--key", "r1.key", "--to", l.acc[2].address, "--amount", "4.25",
                             "--out", "offline.op", "--chain-id", chain, "--nonce", "1", "--decimals", "2"},
                            {}, {}, l.s.dir());
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto redeem = e2e::run_program(e2e::scoin_bin(),
                                 {"redeem", "--key", "gym.key", "--amount", "1", "--ref", "off-1", "--out",
                                  "offline-redeem.op", "--chain-id", chain, "--nonce", "1", "--decimals", "2"},
                                 {}, {}, l.s.dir());
  INFO(redeem.err);
  REQUIRE(redeem.code == 0);
  // Labels need a replica.
  auto label = e2e::run_program(e2e::scoin_bin(),
                                {"transfer", "--key", "r1.key", "--to", "Gym", "--amount", "1", "--out", "x.op",
                                 "--chain-id", chain, "--nonce", "1", "--decimals", "2"},
                                {}, {}, l.s.dir());
  CHECK(label.code == 65);
  // Offline needs --nonce and --decimals.
  auto partial = e2e::run_program(e2e::scoin_bin(),
                                  {"transfer", "--key", "r1.key", "--to", l.acc[2].address, "--amount", "1",
                                   "--out", "y.op", "--chain-id", chain},
                                  {}, {}, l.s.dir());
  CHECK(partial.code == 64);
  auto sub = l.s.scoin({"submit", "offline.op", "offline-redeem.op", "--json"});
  INFO(sub.err);
  REQUIRE(sub.code == 0);
  CHECK(sub.json()["appended"] == 2);
  CHECK(l.balance("R-000001") == 10000 - 425);
  CHECK(l.balance("Gym") == 1000 + 425 - 100);
}

TEST_CASE("issue --out offline, then submit: a rotated machine pays once") {
  Ledger l;
  const auto chain = l.chain_id();
  auto w = e2e::run_program(e2e::scoin_bin(),
                            {"issue", "--key", "issuer.key", "--to", l.acc[1].address, "--amount", "3",
                             "--reason", "v", "--ref", "off-issue-1", "--out", "i.op", "--chain-id", chain,
                             "--nonce", "4", "--decimals", "2"},  // the fund batch used nonces 1-3
                            {}, {}, l.s.dir());
  INFO(w.err);
  REQUIRE(w.code == 0);
  REQUIRE(l.s.scoin({"submit", "i.op"}).code == 0);
  CHECK(l.balance("R-000002") == 5300);
  // The same reward issued again directly is already applied.
  auto again = l.s.scoin({"issue", "--key", "issuer.key", "--to", "R-000002", "--amount", "3", "--reason",
                          "v", "--ref", "off-issue-1", "--json"});
  CHECK(again.code == 0);
  CHECK(again.json()["already_applied"] == 1);
}

TEST_CASE("concurrency: 4 processes paying at once from different accounts, every entry once") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"p0", "merchant", "P0", ""}, {"p1", "merchant", "P1", ""},
                                       {"p2", "merchant", "P2", ""}, {"p3", "merchant", "P3", ""},
                                       {"sink", "charity", "Sink", ""}};
  s.init_ledger(acc);
  std::string csv = "account,amount,reason,ref\n";
  for (int i = 0; i < 4; ++i) csv += "P" + std::to_string(i) + ",1000,v,seed-" + std::to_string(i) + "\n";
  s.write("seed.csv", csv);
  REQUIRE(s.scoin({"issue", "--key", "issuer.key", "--csv", "seed.csv"}).code == 0);
  const auto base = s.scoin({"log", "--json"}).json().size();
  const int rounds = 10;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::vector<std::string>> cmds;
    for (int i = 0; i < 4; ++i) {
      cmds.push_back({"transfer", "--key", "p" + std::to_string(i) + ".key", "--to", "Sink", "--amount",
                      std::to_string(i + 1)});
    }
    auto results = e2e::run_parallel(s, cmds);
    for (auto& r : results) {
      INFO(r.err);
      CHECK(r.code == 0);
    }
  }
  auto log = s.scoin({"log", "--json"}).json();
  REQUIRE(log.size() == base + 4 * rounds);
  // Heights continue, each entry links to the one before, nonces run 1..rounds per payer.
  std::map<std::string, std::vector<int>> nonces;
  for (std::size_t i = 1; i < log.size(); ++i) {
    CHECK(log[i]["height"] == i);
    CHECK(log[i]["prev_hash"] == log[i - 1]["entry_hash"]);
    if (log[i]["op"]["type"] == "transfer") nonces[log[i]["op"]["signer"]].push_back(log[i]["op"]["nonce"]);
  }
  REQUIRE(nonces.size() == 4);
  for (auto& [signer, list] : nonces) {
    REQUIRE(list.size() == rounds);
    for (int k = 0; k < rounds; ++k) CHECK(list[static_cast<std::size_t>(k)] == k + 1);
  }
  // And the audit agrees: one chain, every rule held, every table consistent.
  auto v = s.scoin({"verify-chain", "--json"});
  CHECK(v.code == 0);
  CHECK(v.json()["valid"] == true);
  auto b = s.scoin({"balance", "--json"}).json();
  CHECK(b["supply_units"] == 4000);
  CHECK(s.scoin({"balance", "Sink", "--json"}).json()["balance_units"] == rounds * (1 + 2 + 3 + 4));
  for (int i = 0; i < 4; ++i) {
    CHECK(s.scoin({"balance", "P" + std::to_string(i), "--json"}).json()["balance_units"] ==
          1000 - rounds * (i + 1));
  }
}
