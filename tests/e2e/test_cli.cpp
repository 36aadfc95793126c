// Command-line behaviour shared by every command (DESIGN.md §7).
#include "e2e/harness.hpp"

using e2e::Sandbox;

TEST_CASE("cli: --version prints the version and exits 0") {
  Sandbox s;
  auto r = s.scoin({"--version"});
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("scoin "));
}

TEST_CASE("cli: usage errors exit 64, CLI11's own codes remapped") {
  Sandbox s;
  CHECK(s.scoin({}).code == 64);
  CHECK(s.scoin({"frobnicate"}).code == 64);
  CHECK(s.scoin({"balance", "--no-such-option"}).code == 64);
  CHECK(s.scoin({"keygen"}).code == 64);  // -o is required
  CHECK(s.scoin({"keygen", "-o", "k", "--kdf", "extreme"}).code == 64);
  CHECK(s.scoin({"log", "--type", "mint"}).code == 64);
  CHECK(s.scoin({"log", "--limit", "many"}).code == 64);
  auto help = s.scoin({"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("keygen") != std::string::npos);
}

TEST_CASE("cli: --json errors carry the exit status on stdout too") {
  Sandbox s;
  auto r = s.scoin({"balance", "--json"}, {}, {"SCOIN_LEDGER=" + s.path("nope")});
  CHECK(r.code == 66);
  auto j = r.json();
  CHECK(j["ok"] == false);
  CHECK(j["exit"] == 66);
  CHECK(r.err.starts_with("scoin: error: "));
}

TEST_CASE("log: filters by type, account, date and limit") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"a", "resident", "R-1", ""}, {"b", "merchant", "Gym", ""},
                                       {"c", "charity", "Bank", ""}};
  s.init_ledger(acc, {});
  auto all = s.scoin({"log", "--json"});
  REQUIRE(all.code == 0);
  CHECK(all.json().size() == 4);
  auto last = s.scoin({"log", "--limit", "2", "--json"}).json();
  REQUIRE(last.size() == 2);
  CHECK(last[0]["height"] == 2);
  CHECK(last[1]["height"] == 3);
  // --limit takes the last N that pass the filters, in height order.
  auto heights = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "log");
    args.push_back("--json");
    auto r = s.scoin(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::vector<std::uint64_t> out;
    for (auto& e : r.json()) out.push_back(e["height"].get<std::uint64_t>());
    return out;
  };
  CHECK(heights({"--limit", "10"}) == std::vector<std::uint64_t>{0, 1, 2, 3});
  CHECK(heights({"--limit", "1"}) == std::vector<std::uint64_t>{3});
  CHECK(heights({"--type", "open", "--limit", "2"}) == std::vector<std::uint64_t>{2, 3});
  CHECK(heights({"--type", "genesis", "--limit", "2"}) == std::vector<std::uint64_t>{0});
  CHECK(heights({"--account", "Gym", "--limit", "5"}) == std::vector<std::uint64_t>{2});
  CHECK(heights({"--date", "today", "--limit", "3"}) == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(heights({"--date", "2001-01-01", "--limit", "3"}).empty());
  auto gym = s.scoin({"log", "--account", "Gym", "--json"}).json();
  REQUIRE(gym.size() == 1);
  CHECK(gym[0]["op"]["label"] == "Gym");
  CHECK(s.scoin({"log", "--date", "today", "--json"}).json().size() == 4);
  CHECK(s.scoin({"log", "--date", "2001-01-01", "--json"}).json().size() == 0);
  CHECK(s.scoin({"log", "--date", "2026-02-30"}).code == 64);
  auto text = s.scoin({"log"});
  CHECK(text.out.find("genesis") != std::string::npos);
  CHECK(text.out.find("open merchant 'Gym'") != std::string::npos);
}

TEST_CASE("log: SCOIN_NOW_MS fixes the booking time") {
  Sandbox s;
  s.keygen("admin.key");
  auto r = s.scoin({"init", "--admin-key", "admin.key", "--name", "X"}, {},
                   {"SCOIN_NOW_MS=1795566600123"});
  REQUIRE(r.code == 0);
  auto j = s.scoin({"log", "--json"}).json();
  CHECK(j[0]["appended_at_ms"] == 1795566600123ULL);
  CHECK(j[0]["time"] == "2026-11-25T09:30:00.123+09:00");
  auto bad = s.scoin({"init", "--admin-key", "admin.key", "--name", "X"}, {},
                     {"SCOIN_NOW_MS=soon", "SCOIN_LEDGER=" + s.path("l2")});
  CHECK(bad.code == 64);
}
