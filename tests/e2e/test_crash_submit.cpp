// Crash safety of submit (issue 8): 3,000 op files signed offline, submitted
// by a `scoin submit` killed -9 at 20 random moments; after each kill the
// ledger verifies and holds all of the new ops or none, and a re-run applies
// each op exactly once, reporting those already in the chain.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "e2e/harness.hpp"

using e2e::Sandbox;
namespace fs = std::filesystem;

namespace {

// Splits an op file into its blocks, each a complete op file of one op.
std::vector<std::string> op_blocks(const std::string& text) {
  const std::string end = "-----END SCOIN OP-----\n";
  std::vector<std::string> out;
  std::size_t at = 0;
  for (;;) {
    auto begin = text.find("-----BEGIN SCOIN OP-----", at);
    if (begin == std::string::npos) break;
    auto stop = text.find(end, begin);
    REQUIRE(stop != std::string::npos);
    out.push_back(text.substr(begin, stop + end.size() - begin));
    at = stop + end.size();
  }
  return out;
}

} // namespace

TEST_CASE("crash: submit of 3,000 op files killed -9 at 20 random moments; verify-chain clean; a "
          "re-run applies "
          "each op once",
          "[e2e][crash]") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"m1", "merchant", "M-000001", ""}};
  s.init_ledger(acc);
  const auto& r1 = acc[0].address;
  const auto& m1 = acc[1].address;
  // The issuer's first op (nonce 1) funds R-000001 from the replica; the rest
  // is signed as on a machine without one, continuing each signer's nonces.
  auto f = s.scoin({"issue", "--key", "issuer.key", "--to", "R-000001", "--amount", "100000",
                    "--reason", "fund", "--ref", "fund"});
  INFO(f.err);
  REQUIRE(f.code == 0);
  auto v0 = s.scoin({"verify-chain", "--json"});
  REQUIRE(v0.code == 0);
  const auto chain_id = v0.json()["chain_id"].get<std::string>();

  const int issues = 1500, transfers = 1500, total = issues + transfers;
  std::string iss = "account,amount,reason,ref\n", tr = "account,amount,memo\n";
  std::uint64_t to_r1 = 0;
  for (int i = 0; i < issues; ++i) {
    to_r1 += 1 + static_cast<std::uint64_t>(i % 7);
    iss += fmt::format("{},{},volunteering,sub-{}\n", r1, 1 + i % 7, i);
  }
  for (int i = 0; i < transfers; ++i)
    tr += fmt::format("{},1,cafeteria {}\n", m1, i);
  s.write("iss.csv", iss);
  s.write("tr.csv", tr);
  // Offline: no ledger at all, the chain id, nonces and decimals given.
  const std::vector<std::string> offline{"SCOIN_LEDGER=" + s.path("nowhere")};
  auto si = s.scoin({"issue", "--key", "issuer.key", "--csv", "iss.csv", "--out", "iss.op",
                     "--nonce", "2", "--chain-id", chain_id, "--decimals", "0"},
                    {}, offline);
  INFO(si.err);
  REQUIRE(si.code == 0);
  auto st = s.scoin({"transfer", "--key", "r1.key", "--csv", "tr.csv", "--out", "tr.op", "--nonce",
                     "1", "--chain-id", chain_id, "--decimals", "0"},
                    {}, offline);
  INFO(st.err);
  REQUIRE(st.code == 0);
  auto blocks = op_blocks(s.read("iss.op"));
  auto more = op_blocks(s.read("tr.op"));
  REQUIRE(blocks.size() == static_cast<std::size_t>(issues));
  REQUIRE(more.size() == static_cast<std::size_t>(transfers));
  blocks.insert(blocks.end(), more.begin(), more.end());
  fs::create_directories(s.path("ops"));
  std::vector<std::string> submit{"submit", "--json"};
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    auto name = fmt::format("ops/{:04}.op", i);
    s.write(name, blocks[i]);
    submit.push_back(name);
  }

  auto entries = [&] {
    auto v = s.scoin({"verify-chain", "--json"});
    INFO(v.out);
    REQUIRE(v.code == 0);
    return v.json()["entries"].get<std::uint64_t>();
  };
  const auto base = entries();

  // How long a whole submit takes here, on a copy: the kills fall within it.
  fs::create_directories(s.path("probe"));
  fs::copy_file(s.ledger() + "/data.mdb", s.path("probe/data.mdb"));
  auto t0 = std::chrono::steady_clock::now();
  auto probe =
      e2e::run_program(e2e::scoin_bin(), submit, {}, {"SCOIN_LEDGER=" + s.path("probe")}, s.dir());
  auto took_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  INFO(probe.err);
  REQUIRE(probe.code == 0);
  CHECK(probe.json()["appended"] == total);
  fs::remove_all(s.path("probe"));

  // Round k submits the first (k+1)/20 of the files: the ops of the rounds
  // before (applied if their run committed before its kill) and 150 new
  // ones, so every kill has new work to cut short, and every run also meets
  // ops already in the chain.
  std::mt19937 rng(20261127);
  const int rounds = 20, per_round = total / rounds;
  std::uint64_t applied = 0; // ops of the files, in the chain
  int landed = 0;
  for (int k = 0; k < rounds; ++k) {
    const auto files = static_cast<std::uint64_t>(per_round) * static_cast<std::uint64_t>(k + 1);
    std::vector<std::string> args{"-s", "KILL", "", e2e::scoin_bin()};
    args.insert(args.end(), submit.begin(), submit.begin() + 2 + static_cast<long>(files));
    // The run takes about its share of the whole; half as long again, so
    // that some kills come after the commit.
    const long span = std::max<long>(20, static_cast<long>(took_ms) * 3 * (k + 1) / (2 * rounds));
    auto at = std::uniform_int_distribution<long>(1, span)(rng); // timeout's 0 means never
    args[2] = fmt::format("{}.{:03}", at / 1000, at % 1000);
    auto killed =
        e2e::run_program("/usr/bin/timeout", args, {}, {"SCOIN_LEDGER=" + s.ledger()}, s.dir());
    auto n = entries() - base;
    INFO("round " << k << ": killed after " << args[2] << "s of ~" << span << " ms (exit "
                  << killed.code << "): " << n << " of " << files << " ops in the chain");
    // All or nothing, never twice: the earlier ops, or all of them.
    CHECK((n == applied || n == files));
    if (n == files && applied != files) ++landed;
    applied = n;
  }
  // The re-run: whatever landed is reported as already applied, the rest
  // appended, each op once.
  auto rerun = s.scoin(submit);
  INFO(rerun.err);
  REQUIRE(rerun.code == 0);
  auto j = rerun.json();
  CHECK(j["ops"] == total);
  CHECK(j["already_applied"] == applied);
  CHECK(j["appended"] == total - applied);
  CHECK(entries() == base + total);
  auto again = s.scoin(submit);
  REQUIRE(again.code == 0);
  CHECK(again.json()["appended"] == 0);
  CHECK(again.json()["already_applied"] == total);
  CHECK(entries() == base + total);
  CHECK(s.scoin({"balance", "R-000001", "--json"}).json()["balance_units"] ==
        100000 + to_r1 - transfers);
  CHECK(s.scoin({"balance", "M-000001", "--json"}).json()["balance_units"] == transfers);
  CHECK(s.scoin({"verify-chain"}).code == 0);
  // Reported, not asserted (it depends on the machine's speed): how many
  // runs committed before their kill.
  WARN(landed << " of " << rounds << " killed runs had committed (a whole submit took ~" << took_ms
              << " ms)");
}
