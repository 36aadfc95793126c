// scoin issue: batch rewards from CSV, safe to re-run (DESIGN.md §4.1, §5, §8).
#include <fstream>

#include "e2e/harness.hpp"

using e2e::Sandbox;

namespace {

struct Ledger {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""},
                                       {"gym", "merchant", "서초구민체육센터", ""}};
  explicit Ledger(std::vector<std::string> init = {"--decimals", "2"}) { s.init_ledger(acc, init); }
  std::uint64_t balance(const std::string& who) const {
    auto r = s.scoin({"balance", who, "--json"});
    REQUIRE(r.code == 0);
    return r.json()["balance_units"].get<std::uint64_t>();
  }
  std::size_t entries() const { return s.scoin({"log", "--json"}).json().size(); }
  e2e::Run issue(std::vector<std::string> args, const std::string& input = {}) const {
    std::vector<std::string> full{"issue", "--key", "issuer.key"};
    full.insert(full.end(), args.begin(), args.end());
    return s.scoin(full, input);
  }
};

}  // namespace

TEST_CASE("issue: one reward from the command line") {
  Ledger l;
  auto r = l.issue({"--to", "R-000001", "--amount", "12.5", "--reason", "volunteering", "--ref",
                    "vol-2026-001", "--memo", "park clean-up", "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = r.json();
  CHECK(j["appended"] == 1);
  CHECK(j["total"] == "12.50");
  CHECK(j["krw_value"] == 2500);
  CHECK(l.balance("R-000001") == 1250);
  auto log = l.s.scoin({"log", "--type", "issue", "--json"}).json();
  REQUIRE(log.size() == 1);
  CHECK(log[0]["op"]["ref"] == "vol-2026-001");
  CHECK(log[0]["op"]["memo"] == "park clean-up");
  CHECK(log[0]["op"]["to"] == l.acc[0].address);
  CHECK(log[0]["op"]["amount"] == "12.50");
  // The same command again is already applied: exit 0, nothing new.
  auto again = l.issue({"--to", "R-000001", "--amount", "12.50", "--reason", "volunteering",
                        "--ref", "vol-2026-001", "--memo", "park clean-up", "--json"});
  CHECK(again.code == 0);
  CHECK(again.json()["already_applied"] == 1);
  CHECK(l.balance("R-000001") == 1250);
  // Bad input from the command line names the option.
  auto bad = l.issue({"--to", "R-000001", "--amount", "1.234", "--reason", "x", "--ref", "r9"});
  CHECK(bad.code == 65);
  CHECK(bad.err.find("--amount:") != std::string::npos);
}

TEST_CASE("issue --csv: a batch lands whole, in CSV order, with one summary") {
  Ledger l;
  const auto before = l.entries();
  l.s.write("r.csv", "ref,account,amount,reason,memo\n"
                     "a-1,R-000001,10,volunteering,\n"
                     "a-2,R-000002,2.25,health,walk\n"
                     "a-3," + l.acc[2].address + ",1,carbon,\n"
                     "a-4,R-000001,0.75,volunteering,\n");
  auto r = l.issue({"--csv", "r.csv", "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = r.json();
  CHECK(j["rows"] == 4);
  CHECK(j["new"] == 4);
  CHECK(j["total_units"] == 1400);
  CHECK(j["first_height"] == before);
  CHECK(j["last_height"] == before + 3);
  REQUIRE(j["by_reason"].size() == 3);
  CHECK(j["by_reason"][0]["reason"] == "volunteering");
  CHECK(j["by_reason"][0]["rows"] == 2);
  CHECK(j["by_reason"][0]["total_units"] == 1075);
  CHECK(l.balance("R-000001") == 1075);
  CHECK(l.balance("R-000002") == 225);
  CHECK(l.balance("서초구민체육센터") == 100);
  auto log = l.s.scoin({"log", "--type", "issue", "--json"}).json();
  REQUIRE(log.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(log[i]["op"]["ref"] == "a-" + std::to_string(i + 1));
  // Nonces follow one another.
  CHECK(log[3]["op"]["nonce"].get<int>() == log[0]["op"]["nonce"].get<int>() + 3);
}

TEST_CASE("issue --csv: every bad row is reported in one run; nothing is written") {
  Ledger l;
  l.issue({"--to", "R-000002", "--amount", "1", "--reason", "r", "--ref", "taken-ref"});
  const auto before = l.s.ledger_digest();
  std::string csv = "account,amount,reason,ref,memo\n";
  csv += "R-000001,1,volunteering,ok-1,\n";                         // 2 good
  csv += "R-999999,1,volunteering,x-3,\n";                          // 3 unknown label
  csv += "R-000001,0,volunteering,x-4,\n";                          // 4 zero
  csv += "R-000001,-5,volunteering,x-5,\n";                         // 5 negative
  csv += "R-000001,1.234,volunteering,x-6,\n";                      // 6 decimals
  csv += "R-000001,99999999999999999999,volunteering,x-7,\n";       // 7 overflow
  csv += "R-000001,ten,volunteering,x-8,\n";                        // 8 non-numeric
  csv += "R-000001,1,,x-9,\n";                                      // 9 empty reason
  csv += "R-000001,1,volunteering,,\n";                             // 10 empty ref
  csv += "R-000001,1," + std::string(65, 'r') + ",x-11,\n";         // 11 long reason
  csv += "R-000001,1,volunteering," + std::string(129, 'f') + ",\n"; // 12 long ref
  csv += "R-000001,1,volunteering,x-13," + std::string(257, 'm') + "\n";  // 13 long memo
  csv += "R-000001,1,vol\tunteering,x-14,\n";                       // 14 control char
  csv += "R-000001,1,vol\xff,x-15,\n";                              // 15 invalid UTF-8
  csv += "R-000001,1,volunteering,x-16,for 900101-1234567\n";       // 16 RRN in memo
  csv += "R-000001,1,800101-2234567,x-17,\n";                       // 17 RRN in reason
  csv += "R-000002,1,volunteering,ok-1,\n";                         // 18 duplicate ref
  csv += "R-000001,1,volunteering\n";                               // 19 column count
  csv += "R-000002,2,r,taken-ref,\n";                               // 20 conflict with ledger
  csv += "sc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq,1,r,x-21,\n";  // 21 address
  l.s.write("bad.csv", csv);
  auto r = l.issue({"--csv", "bad.csv"});
  CHECK(r.code == 65);
  const char* want[] = {"bad.csv:3: account:", "bad.csv:4: amount: zero", "bad.csv:5: amount: negative",
                        "bad.csv:6: amount:", "bad.csv:7: amount:", "bad.csv:8: amount:",
                        "bad.csv:9: reason: empty", "bad.csv:10: ref: empty", "bad.csv:11: reason:",
                        "bad.csv:12: ref:", "bad.csv:13: memo:", "bad.csv:14: reason: control",
                        "bad.csv:15: reason: invalid UTF-8", "bad.csv:16: memo: looks like",
                        "bad.csv:17: reason: looks like", "bad.csv:18: ref: 'ok-1' also on line 2",
                        "bad.csv:19: 3 columns", "bad.csv:20: ref:", "bad.csv:21: account:",
                        "nothing was written"};
  for (auto w : want) {
    INFO(w << "\n" << r.err);
    CHECK(r.err.find(w) != std::string::npos);
  }
  CHECK(r.err.find("bad.csv:2:") == std::string::npos);
  CHECK(l.s.ledger_digest() == before);
  auto j = l.issue({"--csv", "bad.csv", "--json"});
  CHECK(j.code == 65);
  auto f = j.json()["findings"];
  CHECK(f.size() == 19);
  CHECK(f[0]["file"] == "bad.csv");
  CHECK(f[0]["line"] == 3);
  CHECK(f[0]["column"] == "account");
}

TEST_CASE("issue --csv: a header without a required column is refused at once") {
  Ledger l;
  const auto before = l.s.ledger_digest();
  l.s.write("h.csv", "account,amount,reason\nR-000001,1,r\n");
  auto r = l.issue({"--csv", "h.csv"});
  CHECK(r.code == 65);
  CHECK(r.err.find("h.csv:1: header: missing column 'ref'") != std::string::npos);
  l.s.write("e.csv", "");
  auto e = l.issue({"--csv", "e.csv"});
  CHECK(e.code == 65);
  CHECK(e.err.find("empty file") != std::string::npos);
  l.s.write("ho.csv", "account,amount,reason,ref\r\n");
  auto h = l.issue({"--csv", "ho.csv"});
  CHECK(h.code == 65);
  CHECK(h.err.find("no rows after the header") != std::string::npos);
  CHECK(l.issue({"--csv", "missing.csv"}).code == 66);
  CHECK(l.s.ledger_digest() == before);
}

TEST_CASE("issue --csv: BOM, CRLF, quoted commas, quotes and newlines are accepted") {
  Ledger l;
  l.s.write("q.csv", "\xEF\xBB\xBF" "account,amount,reason,ref,memo\r\n"
                     "\"서초구민체육센터\",1,\"carbon, bike\",\"q-\"\"1\"\"\",\"line one\nline two\"\r\n");
  auto r = l.issue({"--csv", "q.csv"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto log = l.s.scoin({"log", "--type", "issue", "--json"}).json();
  REQUIRE(log.size() == 1);
  CHECK(log[0]["op"]["reason"] == "carbon, bike");
  CHECK(log[0]["op"]["ref"] == "q-\"1\"");
  CHECK(log[0]["op"]["memo"] == "line one\nline two");
}

TEST_CASE("issue --csv: a 200 MB line is refused with the limit, without a crash") {
  Ledger l;
  const auto before = l.s.ledger_digest();
  {
    std::ofstream out(l.s.path("huge.csv"), std::ios::binary);
    out << "account,amount,reason,ref,memo\nR-000001,1,r,h-1,";
    std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 200; ++i) out << chunk;
    out << "\n";
  }
  auto r = l.issue({"--csv", "huge.csv"});
  CHECK(r.code == 65);
  CHECK(r.err.find("huge.csv:2: record longer than the limit") != std::string::npos);
  CHECK(l.s.ledger_digest() == before);
}

TEST_CASE("issue --csv: the same batch twice pays once; a rotated issuer key too") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""}};
  auto second = s.keygen("issuer2.key");
  s.init_ledger(acc, {"--issuer", second});
  s.write("b.csv", "account,amount,reason,ref\nR-000001,5,v,b-1\nR-000001,7,v,b-2\n");
  auto first = s.scoin({"issue", "--key", "issuer.key", "--csv", "b.csv"});
  REQUIRE(first.code == 0);
  const auto digest = s.ledger_digest();
  auto again = s.scoin({"issue", "--key", "issuer.key", "--csv", "b.csv", "--json"});
  CHECK(again.code == 0);
  CHECK(again.json()["already_applied"] == 2);
  CHECK(again.json()["appended"] == 0);
  auto rotated = s.scoin({"issue", "--key", "issuer2.key", "--csv", "b.csv", "--json"});
  CHECK(rotated.code == 0);
  CHECK(rotated.json()["already_applied"] == 2);
  CHECK(s.ledger_digest() == digest);
  CHECK(s.scoin({"balance", "R-000001", "--json"}).json()["balance_units"] == 12);
  // A changed amount under an old ref is a conflict: 65, nothing written.
  s.write("c.csv", "account,amount,reason,ref\nR-000001,6,v,b-1\nR-000001,1,v,b-3\n");
  auto conflict = s.scoin({"issue", "--key", "issuer2.key", "--csv", "c.csv"});
  CHECK(conflict.code == 65);
  CHECK(conflict.err.find("c.csv:2: ref: 'b-1' was already used at height") != std::string::npos);
  CHECK(conflict.err.find("conflict") != std::string::npos);
  CHECK(s.ledger_digest() == digest);
}

TEST_CASE("issue: a key without the issuer role is refused (77) before anything") {
  Ledger l;
  const auto before = l.s.ledger_digest();
  l.s.write("r.csv", "account,amount,reason,ref\nR-000001,1,v,n-1\n");
  auto r = l.s.scoin({"issue", "--key", "admin.key", "--csv", "r.csv", "--no-input"});
  CHECK(r.code == 77);
  CHECK(r.err.find("not an issuer") != std::string::npos);
  CHECK(l.s.ledger_digest() == before);
}

TEST_CASE("issue --dry-run: checks and summarises, writes nothing") {
  Ledger l;
  const auto before = l.s.ledger_digest();
  l.s.write("r.csv", "account,amount,reason,ref\nR-000001,1.5,v,d-1\nR-000002,2,h,d-2\n");
  auto r = l.issue({"--csv", "r.csv", "--dry-run", "--json"});
  REQUIRE(r.code == 0);
  auto j = r.json();
  CHECK(j["mode"] == "dry run");
  CHECK(j["new"] == 2);
  CHECK(j["total_units"] == 350);
  CHECK(j["krw_value"] == 700);
  CHECK(l.s.ledger_digest() == before);
  auto text = l.issue({"--csv", "r.csv", "--dry-run"});
  CHECK(text.out.find("2 new") != std::string::npos);
  CHECK(text.out.find("= 700 KRW") != std::string::npos);
}

TEST_CASE("issue --out: signs an op file instead of appending; stdin as input") {
  Ledger l;
  const auto before = l.s.ledger_digest();
  auto r = l.issue({"--csv", "-", "--out", "ops.txt", "--json"},
                   "account,amount,reason,ref\nR-000001,1,v,o-1\nR-000002,2,v,o-2\n");
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto text = l.s.read("ops.txt");
  std::size_t blocks = 0;
  for (auto p = text.find("-----BEGIN SCOIN OP-----"); p != std::string::npos;
       p = text.find("-----BEGIN SCOIN OP-----", p + 1))
    ++blocks;
  CHECK(blocks == 2);
  CHECK(l.s.ledger_digest() == before);
  auto again = l.issue({"--csv", "-", "--out", "ops.txt"}, "account,amount,reason,ref\nR-000001,1,v,o-1\n");
  CHECK(again.code == 73);
}

TEST_CASE("issue --csv: kill -9 mid-batch, then a re-run, pays every row exactly once") {
  Ledger l({"--decimals", "0"});
  const auto base_entries = l.entries();
  const int rows = 20000;
  std::string csv = "account,amount,reason,ref\n";
  std::uint64_t want[2] = {0, 0};
  for (int i = 0; i < rows; ++i) {
    int who = i % 2;
    int amount = 1 + i % 7;
    want[who] += static_cast<std::uint64_t>(amount);
    csv += (who == 0 ? "R-000001," : "R-000002,") + std::to_string(amount) + ",volunteering,k-" +
           std::to_string(i) + "\n";
  }
  l.s.write("big.csv", csv);
  bool saw_nothing = false;
  for (const char* after : {"0.05", "0.2", "0.4", "0.7", "1.0"}) {
    auto killed = e2e::run_program("/usr/bin/timeout",
                                   {"-s", "KILL", after, e2e::scoin_bin(), "issue", "--key",
                                    "issuer.key", "--csv", "big.csv"},
                                   {}, {"SCOIN_LEDGER=" + l.s.ledger()}, l.s.dir());
    auto n = l.entries();
    INFO("killed after " << after << "s: exit " << killed.code << ", entries " << n);
    // All or nothing: the batch is either wholly there or not at all.
    CHECK((n == base_entries || n == base_entries + rows));
    saw_nothing |= n == base_entries;
    if (n != base_entries) break;
  }
  CHECK(saw_nothing);
  auto rerun = l.issue({"--csv", "big.csv", "--json"});
  INFO(rerun.err);
  REQUIRE(rerun.code == 0);
  CHECK(l.entries() == base_entries + rows);
  CHECK(l.balance("R-000001") == want[0]);
  CHECK(l.balance("R-000002") == want[1]);
  auto third = l.issue({"--csv", "big.csv", "--json"});
  CHECK(third.json()["already_applied"] == rows);
  CHECK(l.entries() == base_entries + rows);
}

TEST_CASE("issue: command-line problems name the option; empty values are bad data (65)") {
  Ledger l;
  auto r = l.issue({"--to", "R-404", "--amount", "1", "--reason", "", "--ref", "e-1"});
  CHECK(r.code == 65);
  CHECK(r.err.find("scoin: error: --to: no account with the label 'R-404'") != std::string::npos);
  CHECK(r.err.find("--reason: empty") != std::string::npos);
  CHECK(r.err.find(":0:") == std::string::npos);
  CHECK(l.issue({"--to", "R-000001", "--amount", "1"}).code == 64);
}

TEST_CASE("issue: limits of 2^63-1 are checked before signing, in a dry run too") {
  Ledger l({"--decimals", "0"});
  const auto before = l.s.ledger_digest();
  l.s.write("max.csv", "account,amount,reason,ref\nR-000001,9223372036854775807,v,m-1\nR-000002,1,v,m-2\n");
  auto dry = l.issue({"--csv", "max.csv", "--dry-run"});
  CHECK(dry.code == 65);
  CHECK(dry.err.find("2^63-1") != std::string::npos);
  CHECK(l.issue({"--csv", "max.csv"}).code == 65);
  CHECK(l.s.ledger_digest() == before);
  l.s.write("one.csv", "account,amount,reason,ref\nR-000001,9223372036854775807,v,m-1\n");
  CHECK(l.issue({"--csv", "one.csv"}).code == 0);
  CHECK(l.balance("R-000001") == 9223372036854775807ULL);
}

TEST_CASE("issue --out: nothing to sign when every row is already applied") {
  Ledger l;
  l.s.write("r.csv", "account,amount,reason,ref\nR-000001,1,v,z-1\n");
  REQUIRE(l.issue({"--csv", "r.csv"}).code == 0);
  auto r = l.issue({"--csv", "r.csv", "--out", "ops.txt", "--json"});
  CHECK(r.code == 0);
  CHECK(r.json()["already_applied"] == 1);
  CHECK_FALSE(r.json().contains("out"));
  CHECK_FALSE(l.s.exists("ops.txt"));
}

TEST_CASE("issue --csv: after 1,000 findings it stops and says how many rows went unchecked") {
  Ledger l;
  std::string csv = "account,amount,reason,ref\n";
  for (int i = 0; i < 1500; ++i) csv += "R-000001,0,v,f-" + std::to_string(i) + "\n";
  l.s.write("many.csv", csv);
  auto r = l.issue({"--csv", "many.csv", "--json"});
  CHECK(r.code == 65);
  auto j = r.json();
  CHECK(j["findings"].size() == 1000);
  CHECK(j["rows_unchecked"] == 500);
  CHECK(r.err.find("500 more rows went unchecked") != std::string::npos);
}

TEST_CASE("issue: the ledger-wide supply limit counts what was issued before") {
  Ledger l({"--decimals", "0"});
  REQUIRE(l.issue({"--to", "R-000001", "--amount", "9223372036854775800", "--reason", "v", "--ref", "s-1"}).code == 0);
  const auto before = l.s.ledger_digest();
  auto r = l.issue({"--to", "R-000002", "--amount", "8", "--reason", "v", "--ref", "s-2", "--dry-run"});
  CHECK(r.code == 65);
  CHECK(r.err.find("supply_overflow") != std::string::npos);
  CHECK(l.issue({"--to", "R-000002", "--amount", "7", "--reason", "v", "--ref", "s-3"}).code == 0);
  CHECK(l.s.ledger_digest() != before);
}
