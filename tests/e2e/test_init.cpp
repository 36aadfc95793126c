// scoin init, and finding the ledger (DESIGN.md §4.1, §6, §7).
#include "e2e/harness.hpp"

using e2e::Sandbox;

TEST_CASE("init: prints the chain id, which is the genesis entry hash") {
  Sandbox s;
  s.keygen("admin.key");
  auto issuer = s.keygen("issuer.key");
  auto r = s.scoin({"init", "--admin-key", "admin.key", "--name", "서초 리워드", "--unit", "SCR",
                    "--decimals", "2", "--krw-per-coin", "150", "--utc-offset", "-03:30",
                    "--allow-resident-transfers", "--issuer", issuer});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto chain_id = r.out.substr(0, r.out.find('\n'));
  CHECK(chain_id.size() == 64);
  auto log = s.scoin({"log", "--json"});
  REQUIRE(log.code == 0);
  auto j = log.json();
  REQUIRE(j.size() == 1);
  CHECK(j[0]["entry_hash"] == chain_id);
  CHECK(j[0]["height"] == 0);
  auto& op = j[0]["op"];
  CHECK(op["type"] == "genesis");
  CHECK(op["name"] == "서초 리워드");
  CHECK(op["unit"] == "SCR");
  CHECK(op["decimals"] == 2);
  CHECK(op["krw_per_coin"] == 150);
  CHECK(op["utc_offset_min"] == -210);
  CHECK(op["flags"] == 1);
  CHECK(op["issuers"][0] == issuer);
  CHECK(op["nonce"] == 1);
  CHECK(j[0]["time"].get<std::string>().ends_with("-03:30"));
}

TEST_CASE("init: an existing replica is refused (73) and left untouched") {
  Sandbox s;
  std::vector<Sandbox::Account> none;
  s.init_ledger(none);
  auto before = s.ledger_digest();
  auto r = s.scoin({"init", "--admin-key", "admin.key", "--name", "Again", "--passphrase-file",
                    s.admin_pass()});
  CHECK(r.code == 73);
  CHECK(r.err.find("already exists") != std::string::npos);
  CHECK(s.ledger_digest() == before);
  auto log = s.scoin({"log", "--json"});
  CHECK(log.json()[0]["op"]["name"] == "Test District");
}

TEST_CASE("init: a mistyped --issuer address is refused (65) and no ledger is created") {
  Sandbox s;
  s.keygen("admin.key");
  auto issuer = s.keygen("issuer.key");
  issuer[20] = issuer[20] == 'q' ? 'p' : 'q';
  auto r = s.scoin({"init", "--admin-key", "admin.key", "--name", "X", "--issuer", issuer});
  CHECK(r.code == 65);
  CHECK(r.err.find("checksum") != std::string::npos);
  CHECK_FALSE(s.exists("ledger"));
  auto dup = s.scoin({"init", "--admin-key", "admin.key", "--name", "X", "--admin",
                      s.scoin({"key", "show", "admin.key", "--json"}).json()["address"].get<std::string>()});
  CHECK(dup.code == 65);
  CHECK_FALSE(s.exists("ledger"));
}

TEST_CASE("init: bad parameters are usage errors (64)") {
  Sandbox s;
  s.keygen("admin.key");
  CHECK(s.scoin({"init", "--admin-key", "admin.key", "--name", "X", "--utc-offset", "+15:00"}).code == 64);
  CHECK(s.scoin({"init", "--admin-key", "admin.key", "--name", "X", "--decimals", "9"}).code == 64);
  CHECK(s.scoin({"init", "--admin-key", "admin.key", "--name", ""}).code == 64);
  CHECK(s.scoin({"init", "--admin-key", "admin.key", "--name", std::string(65, 'n')}).code == 64);
  CHECK(s.scoin({"init", "--admin-key", "admin.key"}).code == 64);
  CHECK_FALSE(s.exists("ledger"));
}

TEST_CASE("ledger: a missing ledger directory is 66, no ledger given is 64") {
  Sandbox s;
  auto r = s.scoin({"balance"}, {}, {"SCOIN_LEDGER=" + s.path("nowhere")});
  CHECK(r.code == 66);
  CHECK(r.err.find("nowhere") != std::string::npos);
  auto empty_dir = s.scoin({"--ledger", s.dir(), "log"});
  CHECK(empty_dir.code == 66);
  auto none = e2e::run_program(e2e::scoin_bin(), {"balance"}, {}, {}, s.dir());
  CHECK(none.code == 64);
  CHECK(none.err.find("SCOIN_LEDGER") != std::string::npos);
}

TEST_CASE("ledger: --ledger beats SCOIN_LEDGER and works before or after the subcommand") {
  Sandbox s;
  std::vector<Sandbox::Account> none;
  s.init_ledger(none);
  auto after = s.scoin({"log", "--ledger", s.ledger(), "--json"}, {}, {"SCOIN_LEDGER=/nonexistent"});
  CHECK(after.code == 0);
  auto before = s.scoin({"--ledger", s.ledger(), "log", "--json"}, {}, {"SCOIN_LEDGER=/nonexistent"});
  CHECK(before.code == 0);
  CHECK(after.out == before.out);
}
