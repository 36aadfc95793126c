// Crash safety (issue 8): a batch killed at random moments — while parsing,
// signing or committing — leaves a ledger that verifies, and a re-run pays
// every row exactly once.
#include <fmt/format.h>

#include <random>

#include "e2e/harness.hpp"

using e2e::Sandbox;

TEST_CASE("crash: issue --csv killed -9 at 20 random moments; verify-chain clean; a re-run pays once") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""}, {"r2", "resident", "R-000002", ""}};
  s.init_ledger(acc);
  const int rows = 50000;
  std::string csv = "account,amount,reason,ref\n";
  std::uint64_t want[2] = {0, 0};
  for (int i = 0; i < rows; ++i) {
    int who = i % 3 == 0 ? 1 : 0;
    int amount = 1 + i % 5;
    want[who] += static_cast<std::uint64_t>(amount);
    csv += (who == 0 ? "R-000001," : "R-000002,") + std::to_string(amount) + ",v,crash-" + std::to_string(i) + "\n";
  }
  s.write("big.csv", csv);
  auto entries = [&] { return s.scoin({"verify-chain", "--json"}).json()["entries"].get<std::uint64_t>(); };
  const auto base = entries();
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<int> ms(0, 1500);
  int landed = 0;
  for (int k = 0; k < 20; ++k) {
    auto after = fmt::format("{}.{:03}", 0, ms(rng));
    auto killed = e2e::run_program("/usr/bin/timeout",
                                   {"-s", "KILL", after, e2e::scoin_bin(), "issue", "--key", "issuer.key", "--csv",
                                    "big.csv", "--quiet"},
                                   {}, {"SCOIN_LEDGER=" + s.ledger()}, s.dir());
    auto v = s.scoin({"verify-chain", "--json"});
    INFO("kill " << k << " after " << after << "s (exit " << killed.code << "): " << v.out);
    REQUIRE(v.code == 0);
    auto n = v.json()["entries"].get<std::uint64_t>();
    // All or nothing, and never twice.
    CHECK((n == base || n == base + rows));
    if (n == base + rows) ++landed;
  }
  auto rerun = s.scoin({"issue", "--key", "issuer.key", "--csv", "big.csv", "--json"});
  INFO(rerun.err);
  REQUIRE(rerun.code == 0);
  CHECK(entries() == base + rows);
  CHECK(s.scoin({"balance", "R-000001", "--json"}).json()["balance_units"] == want[0]);
  CHECK(s.scoin({"balance", "R-000002", "--json"}).json()["balance_units"] == want[1]);
  CHECK(s.scoin({"verify-chain"}).code == 0);
  (void)landed;
}
