// scoin account open|show|list and balance (DESIGN.md §5, §8).
#include "e2e/harness.hpp"

using e2e::Sandbox;

namespace {

std::vector<Sandbox::Account> two_accounts() {
  return {{"r1", "resident", "R-000001", ""}, {"gym", "merchant", "서초구민체육센터", ""}};
}

}  // namespace

TEST_CASE("account open --csv: opens every row in one go; list and show find them") {
  Sandbox s;
  auto acc = two_accounts();
  s.init_ledger(acc);
  auto list = s.scoin({"account", "list", "--json"});
  REQUIRE(list.code == 0);
  auto j = list.json();
  REQUIRE(j.size() == 2);
  CHECK(j[0]["label"] == "R-000001");
  CHECK(j[0]["kind"] == "resident");
  CHECK(j[1]["label"] == "서초구민체육센터");
  CHECK(j[1]["address"] == acc[1].address);
  CHECK(j[1]["balance"] == "0");
  auto by_label = s.scoin({"account", "show", "서초구민체육센터", "--json"});
  auto by_addr = s.scoin({"account", "show", acc[1].address, "--json"});
  REQUIRE(by_label.code == 0);
  CHECK(by_label.out == by_addr.out);
  CHECK(by_label.json()["kind"] == "merchant");
  CHECK(by_label.json()["opened_at"] == 2);
  auto log = s.scoin({"log", "--type", "open", "--json"});
  CHECK(log.json().size() == 2);
}

TEST_CASE("account open: one account from the command line") {
  Sandbox s;
  std::vector<Sandbox::Account> none;
  s.init_ledger(none);
  auto addr = s.keygen("c.key");
  auto r = s.scoin({"account", "open", "--key", "admin.key", addr, "--kind", "charity", "--label",
                    "Food Bank", "--passphrase-file", s.admin_pass()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto b = s.scoin({"balance", "Food Bank", "--json"});
  REQUIRE(b.code == 0);
  CHECK(b.json()["balance_units"] == 0);
  CHECK(b.json()["address"] == addr);
}

TEST_CASE("account open: an address with one character changed fails its checksum (65)") {
  Sandbox s;
  std::vector<Sandbox::Account> none;
  s.init_ledger(none);
  auto addr = s.keygen("c.key");
  auto before = s.ledger_digest();
  auto bad = addr;
  bad[30] = bad[30] == 'x' ? 'y' : 'x';
  auto r = s.scoin({"account", "open", "--key", "admin.key", bad, "--kind", "charity", "--label",
                    "Food Bank", "--passphrase-file", s.admin_pass()});
  CHECK(r.code == 65);
  CHECK(r.err.find("checksum") != std::string::npos);
  CHECK(s.ledger_digest() == before);
  CHECK(s.scoin({"account", "show", bad}).code == 65);
}

TEST_CASE("account: an unknown label is 65 for show and balance") {
  Sandbox s;
  auto acc = two_accounts();
  s.init_ledger(acc);
  auto r = s.scoin({"account", "show", "R-999999"});
  CHECK(r.code == 65);
  CHECK(r.err.find("R-999999") != std::string::npos);
  CHECK(s.scoin({"balance", "R-999999"}).code == 65);
  // A valid address that is no account.
  auto stranger = s.keygen("x.key");
  CHECK(s.scoin({"balance", stranger}).code == 65);
}

TEST_CASE("account open: a duplicate label is refused (65), nothing written") {
  Sandbox s;
  auto acc = two_accounts();
  s.init_ledger(acc);
  auto before = s.ledger_digest();
  auto addr = s.keygen("new.key");
  auto r = s.scoin({"account", "open", "--key", "admin.key", addr, "--kind", "resident", "--label",
                    "R-000001", "--passphrase-file", s.admin_pass()});
  CHECK(r.code == 65);
  CHECK(r.err.find("--label: 'R-000001' is taken") != std::string::npos);
  CHECK(s.ledger_digest() == before);
  // Opening the same key twice is refused too.
  auto again = s.scoin({"account", "open", "--key", "admin.key", acc[0].address, "--kind",
                        "resident", "--label", "R-000777", "--passphrase-file", s.admin_pass()});
  CHECK(again.code == 65);
  CHECK(again.err.find("is already an account") != std::string::npos);
  // Checked before any passphrase is asked for: without one, still 65.
  auto early = s.scoin({"account", "open", "--key", "admin.key", acc[0].address, "--kind",
                        "resident", "--label", "R-000778", "--no-input"});
  CHECK(early.code == 65);
  CHECK(s.ledger_digest() == before);
}

TEST_CASE("account open --csv: every bad row is reported with its line; nothing written") {
  Sandbox s;
  auto acc = two_accounts();
  s.init_ledger(acc);
  auto before = s.ledger_digest();
  std::vector<std::string> fresh;
  for (int i = 0; i < 4; ++i) fresh.push_back(s.keygen("n" + std::to_string(i) + ".key"));
  auto typo = fresh[1];
  typo[12] = typo[12] == 'q' ? 'p' : 'q';
  std::string csv = "label,address,kind\n";                      // columns in any order
  csv += "R-100," + fresh[0] + ",resident\n";                     // line 2: good
  csv += "R-101," + typo + ",resident\n";                         // line 3: checksum
  csv += "R-102," + fresh[2] + ",citizen\n";                      // line 4: kind
  csv += "R-000001," + fresh[3] + ",resident\n";                  // line 5: label taken
  csv += "R-100," + acc[0].address + ",resident\n";               // line 6: exists + dup label
  csv += "900101-1234567," + s.keygen("p.key") + ",resident\n";   // line 7: RRN
  csv += "sc1label," + s.keygen("q.key") + ",resident\n";         // line 8: reserved
  csv += "only,two\n";                                            // line 9: columns
  s.write("bad.csv", csv);
  auto r = s.scoin({"account", "open", "--key", "admin.key", "--csv", "bad.csv",
                    "--passphrase-file", s.admin_pass()});
  CHECK(r.code == 65);
  for (auto want : {"bad.csv:3: address:", "bad.csv:4: kind:", "bad.csv:5: label:",
                    "bad.csv:6: address:", "bad.csv:6: label:", "bad.csv:7: label:",
                    "bad.csv:8: label:", "bad.csv:9:", "nothing was written"}) {
    INFO(want << "\n" << r.err);
    CHECK(r.err.find(want) != std::string::npos);
  }
  CHECK(r.err.find("bad.csv:2:") == std::string::npos);
  CHECK(s.ledger_digest() == before);
  auto j = s.scoin({"account", "open", "--key", "admin.key", "--csv", "bad.csv", "--json",
                    "--passphrase-file", s.admin_pass()});
  CHECK(j.code == 65);
  auto findings = j.json()["findings"];
  REQUIRE(findings.size() >= 8);
  CHECK(findings[0]["line"] == 3);
  CHECK(findings[0]["column"] == "address");
}

TEST_CASE("account open --csv: BOM, CRLF and quoted labels with commas are accepted") {
  Sandbox s;
  std::vector<Sandbox::Account> none;
  s.init_ledger(none);
  auto a = s.keygen("a.key");
  auto b = s.keygen("b.key");
  std::string csv = "\xEF\xBB\xBF" "address,kind,label\r\n" + a + ",merchant,\"Cafe, \"\"Blue\"\"\"\r\n" +
                    b + ",charity,푸드뱅크\r\n";
  s.write("ok.csv", csv);
  auto r = s.scoin({"account", "open", "--key", "admin.key", "--csv", "ok.csv", "--passphrase-file",
                    s.admin_pass()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(s.scoin({"account", "show", "Cafe, \"Blue\"", "--json"}).json()["address"] == a);
  CHECK(s.scoin({"account", "show", "푸드뱅크", "--json"}).json()["kind"] == "charity");
}

TEST_CASE("account open --csv: missing header column, empty and header-only files") {
  Sandbox s;
  std::vector<Sandbox::Account> none;
  s.init_ledger(none);
  auto before = s.ledger_digest();
  s.write("nohdr.csv", "address,label\nsc1x,Y\n");
  auto r = s.scoin({"account", "open", "--key", "admin.key", "--csv", "nohdr.csv",
                    "--passphrase-file", s.admin_pass()});
  CHECK(r.code == 65);
  CHECK(r.err.find("nohdr.csv:1: header: missing column 'kind'") != std::string::npos);
  s.write("empty.csv", "");
  auto e = s.scoin({"account", "open", "--key", "admin.key", "--csv", "empty.csv",
                    "--passphrase-file", s.admin_pass()});
  CHECK(e.code == 65);
  CHECK(e.err.find("empty file") != std::string::npos);
  s.write("hdr.csv", "address,kind,label\n");
  auto h = s.scoin({"account", "open", "--key", "admin.key", "--csv", "hdr.csv",
                    "--passphrase-file", s.admin_pass()});
  CHECK(h.code == 65);
  CHECK(h.err.find("no rows") != std::string::npos);
  auto m = s.scoin({"account", "open", "--key", "admin.key", "--csv", "missing.csv",
                    "--passphrase-file", s.admin_pass()});
  CHECK(m.code == 66);
  CHECK(s.ledger_digest() == before);
}

TEST_CASE("account open: a key without the admin role is refused (77)") {
  Sandbox s;
  std::vector<Sandbox::Account> none;
  s.init_ledger(none);
  auto before = s.ledger_digest();
  auto addr = s.keygen("x.key");
  auto r = s.scoin({"account", "open", "--key", "issuer.key", addr, "--kind", "resident",
                    "--label", "R-1"});
  CHECK(r.code == 77);
  CHECK(r.err.find("signer_not_admin") != std::string::npos);
  CHECK(s.ledger_digest() == before);
}

TEST_CASE("account open: a label that looks like a resident registration number is refused") {
  Sandbox s;
  std::vector<Sandbox::Account> none;
  s.init_ledger(none);
  auto addr = s.keygen("x.key");
  auto r = s.scoin({"account", "open", "--key", "admin.key", addr, "--kind", "resident", "--label",
                    "Kim 9001012345678", "--passphrase-file", s.admin_pass()});
  CHECK(r.code == 65);
  CHECK(r.err.find("registration number") != std::string::npos);
}

TEST_CASE("balance: all accounts and the supply") {
  Sandbox s;
  auto acc = two_accounts();
  s.init_ledger(acc);
  auto r = s.scoin({"balance", "--json"});
  REQUIRE(r.code == 0);
  auto j = r.json();
  CHECK(j["accounts"].size() == 2);
  CHECK(j["supply_units"] == 0);
  CHECK(j["unit"] == "SC");
  auto text = s.scoin({"balance"});
  CHECK(text.out.find("TOTAL") != std::string::npos);
  CHECK(text.out.find("R-000001") != std::string::npos);
}
