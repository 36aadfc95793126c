// Concurrency (issue 8): four writer processes issue and transfer at once —
// two issuers with their own keys, and two processes paying from the same
// resident's key — while readers export, verify and sum balances in a loop.
// Every op lands exactly once, the chain never forks, the supply invariant
// holds, and no reader ever sees part of a batch.
#include <atomic>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "e2e/harness.hpp"

using e2e::Run;
using e2e::Sandbox;

namespace {

constexpr int k_rounds = 10;     // batches per writer
constexpr int k_batch_rows = 50; // ops per batch (all batches the same size)

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(line);
  while (std::getline(in, cur, sep))
    out.push_back(cur);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

// The batch a transactions-export row belongs to: the part of its ref
// (issues) or memo (transfers) before the '-', e.g. "A3" of "A3-17"; empty
// for rows of no batch (genesis, account opening, funding).
struct ExportRow {
  std::string type, ref, memo;
};

// Parses an export of transactions (no field of this test needs quoting).
std::vector<ExportRow> parse_export(const std::string& csv, std::string& problem) {
  std::vector<ExportRow> rows;
  std::istringstream in(csv);
  std::string line;
  if (!std::getline(in, line)) {
    problem = "empty export";
    return rows;
  }
  auto header = split(line, ',');
  auto col = [&](const std::string& name) -> std::size_t {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    problem = "no column " + name;
    return 0;
  };
  const auto type = col("type"), ref = col("ref"), memo = col("memo");
  while (std::getline(in, line)) {
    auto f = split(line, ',');
    if (f.size() != header.size()) {
      problem = "row with " + std::to_string(f.size()) + " fields: " + line;
      continue;
    }
    rows.push_back({f[type], f[ref], f[memo]});
  }
  return rows;
}

std::string batch_of(const std::string& tag) {
  auto dash = tag.find('-');
  return dash == std::string::npos ? std::string() : tag.substr(0, dash);
}

// What a reader saw that it must not have: half a batch, a batch of a writer
// without the ones before it, a failed read, a broken invariant.
struct ReaderLog {
  int runs = 0;
  std::vector<std::string> problems;
};

std::uint64_t units(const nlohmann::json& v) {
  // Decimals 0: amounts are integers, as numbers or as decimal strings.
  return v.is_string() ? std::stoull(v.get<std::string>()) : v.get<std::uint64_t>();
}

} // namespace

TEST_CASE("concurrency: 4 writers issuing and transferring at once, readers exporting and "
          "verifying: every op "
          "once, no fork, the invariant holds, no reader sees half a batch",
          "[e2e][concurrency]") {
  Sandbox s;
  auto issuer2 = s.keygen("issuer2.key");
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""},
                                       {"m1", "merchant", "M-Cafe", ""},
                                       {"m2", "merchant", "M-Gym", ""}};
  s.init_ledger(acc, {"--issuer", issuer2});
  const std::uint64_t fund = 1000000;
  auto f = s.scoin({"issue", "--key", "issuer.key", "--to", "R-000001", "--amount",
                    std::to_string(fund), "--reason", "fund", "--ref", "fund"});
  INFO(f.err);
  REQUIRE(f.code == 0);
  auto v0 = s.scoin({"verify-chain", "--json"});
  REQUIRE(v0.code == 0);
  const auto base = v0.json()["entries"].get<std::uint64_t>();

  // Writers: A (issuer.key) and B (issuer2.key) issue to R-000002 and
  // R-000001 with refs A<k>-<i> / B<k>-<i>; C and D both sign with r1.key
  // and pay M-Cafe / M-Gym with memos C<k>-<i> / D<k>-<i>. Each runs its
  // batches one after the other.
  struct Writer {
    std::string name, key;
    bool issue;
    std::string to;
  };
  const std::vector<Writer> writers = {{"A", "issuer.key", true, "R-000002"},
                                       {"B", "issuer2.key", true, "R-000001"},
                                       {"C", "r1.key", false, "M-Cafe"},
                                       {"D", "r1.key", false, "M-Gym"}};
  std::map<std::string, std::uint64_t> owed; // label → units the batches give it
  std::uint64_t r1_pays = 0, issued = 0;
  for (auto& w : writers) {
    for (int k = 0; k < k_rounds; ++k) {
      std::string csv = w.issue ? "account,amount,reason,ref\n" : "account,amount,memo\n";
      for (int i = 0; i < k_batch_rows; ++i) {
        auto tag = w.name + std::to_string(k) + "-" + std::to_string(i);
        std::uint64_t amount = 1 + static_cast<std::uint64_t>(i % 4);
        csv +=
            w.to + "," + std::to_string(amount) + (w.issue ? ",volunteering," : ",") + tag + "\n";
        owed[w.to] += amount;
        (w.issue ? issued : r1_pays) += amount;
      }
      s.write(w.name + std::to_string(k) + ".csv", csv);
    }
  }

  const std::vector<std::string> env{"SCOIN_LEDGER=" + s.ledger()};
  auto scoin = [&](const std::vector<std::string>& args) {
    return e2e::run_program(e2e::scoin_bin(), args, {}, env, s.dir());
  };
  std::vector<std::vector<Run>> wrote(writers.size());
  std::atomic<int> writers_left{static_cast<int>(writers.size())};
  std::vector<std::thread> threads;
  // Catch's assertions are not thread-safe: the threads only run programs
  // and record what they saw; everything is checked after they are joined.
  for (std::size_t n = 0; n < writers.size(); ++n) {
    threads.emplace_back([&, n] {
      const auto& w = writers[n];
      for (int k = 0; k < k_rounds; ++k) {
        auto file = w.name + std::to_string(k) + ".csv";
        wrote[n].push_back(
            scoin({w.issue ? "issue" : "transfer", "--key", w.key, "--csv", file, "--json"}));
      }
      --writers_left;
    });
  }
  // Readers: each loops until the writers are done (and runs at least twice).
  std::vector<ReaderLog> readers(3);
  auto reader = [&](std::size_t n, auto&& check) {
    return std::thread([&, n, check] {
      auto& log = readers[n];
      while (writers_left > 0 || log.runs < 2) {
        try {
          check(log);
        } catch (const std::exception& e) {
          log.problems.push_back(std::string("unreadable output: ") + e.what());
        }
        ++log.runs;
      }
    });
  };
  const std::set<std::string> writer_names = {"A", "B", "C", "D"};
  threads.push_back(reader(0, [&](ReaderLog& log) {
    auto x = scoin({"export-csv", "transactions", "--from", "2000-01-01", "--to", "2099-12-31"});
    if (x.code != 0)
      return log.problems.push_back("export-csv exit " + std::to_string(x.code) + ": " + x.err);
    std::string problem;
    auto rows = parse_export(x.out, problem);
    if (!problem.empty()) log.problems.push_back(problem);
    std::map<std::string, int> per_batch;
    for (auto& r : rows) {
      auto b = batch_of(r.type == "issue" ? r.ref : r.memo);
      if (!b.empty() && writer_names.count(b.substr(0, 1))) ++per_batch[b];
    }
    for (auto& [b, count] : per_batch) {
      if (count != k_batch_rows) {
        log.problems.push_back("export holds " + std::to_string(count) + " of batch " + b);
      }
      // A writer's batches land in order: batch k means batches 0..k-1 too.
      auto k = std::stoi(b.substr(1));
      if (k > 0 && !per_batch.count(b.substr(0, 1) + std::to_string(k - 1))) {
        log.problems.push_back("export holds batch " + b + " without the one before");
      }
    }
  }));
  threads.push_back(reader(1, [&](ReaderLog& log) {
    auto v = scoin({"verify-chain", "--json"});
    if (v.code != 0)
      return log.problems.push_back("verify-chain exit " + std::to_string(v.code) + ": " + v.out);
    auto n = nlohmann::json::parse(v.out)["entries"].get<std::uint64_t>();
    if (n < base || (n - base) % k_batch_rows != 0) {
      log.problems.push_back("verify-chain saw " + std::to_string(n) +
                             " entries: not whole batches");
    }
  }));
  threads.push_back(reader(2, [&](ReaderLog& log) {
    auto b = scoin({"balance", "--json"});
    if (b.code != 0)
      return log.problems.push_back("balance exit " + std::to_string(b.code) + ": " + b.err);
    auto j = nlohmann::json::parse(b.out);
    std::uint64_t sum = 0;
    for (auto& a : j["accounts"])
      sum += a["balance_units"].get<std::uint64_t>();
    auto supply = j["supply_units"].get<std::uint64_t>();
    if (sum != supply || units(j["issued"]) - units(j["redeemed"]) != supply) {
      log.problems.push_back("invariant broken: balances " + std::to_string(sum) + ", supply " +
                             std::to_string(supply) + ", issued " + j["issued"].dump());
    }
  }));
  for (auto& t : threads)
    t.join();

  // Every writer's every batch went through: a second writer waits for
  // LMDB's lock, it is not an error (and the same key's nonces never clash).
  for (std::size_t n = 0; n < writers.size(); ++n) {
    for (int k = 0; k < k_rounds; ++k) {
      INFO("writer " << writers[n].name << " batch " << k << ": " << wrote[n][k].err);
      CHECK(wrote[n][k].code == 0);
    }
  }
  for (std::size_t n = 0; n < readers.size(); ++n) {
    INFO("reader " << n << " ran " << readers[n].runs << " times");
    CHECK(readers[n].runs >= 2);
    for (auto& p : readers[n].problems)
      FAIL_CHECK("reader " << n << ": " << p);
  }

  // Exactly once: the entry count, and each ref and memo once.
  const std::uint64_t ops = writers.size() * k_rounds * k_batch_rows;
  auto v = s.scoin({"verify-chain", "--json"});
  INFO(v.out);
  REQUIRE(v.code == 0);
  CHECK(v.json()["entries"] == base + ops);
  auto x = s.scoin({"export-csv", "transactions", "--from", "2000-01-01", "--to", "2099-12-31"});
  REQUIRE(x.code == 0);
  std::string problem;
  auto rows = parse_export(x.out, problem);
  CHECK(problem.empty());
  std::map<std::string, int> seen;
  for (auto& r : rows) {
    auto tag = r.type == "issue" ? r.ref : r.memo;
    if (writer_names.count(batch_of(tag).substr(0, 1))) ++seen[tag];
  }
  CHECK(seen.size() == ops);
  for (auto& [tag, count] : seen) {
    INFO(tag);
    CHECK(count == 1);
  }
  // Balances and the supply invariant.
  auto bal = [&](const std::string& label) {
    return s.scoin({"balance", label, "--json"}).json()["balance_units"].get<std::uint64_t>();
  };
  CHECK(bal("R-000001") == fund + owed["R-000001"] - r1_pays);
  CHECK(bal("R-000002") == owed["R-000002"]);
  CHECK(bal("M-Cafe") == owed["M-Cafe"]);
  CHECK(bal("M-Gym") == owed["M-Gym"]);
  auto all = s.scoin({"balance", "--json"}).json();
  std::uint64_t sum = 0;
  for (auto& a : all["accounts"])
    sum += a["balance_units"].get<std::uint64_t>();
  CHECK(sum == all["supply_units"].get<std::uint64_t>());
  CHECK(units(all["issued"]) == fund + issued);
  CHECK(units(all["issued"]) - units(all["redeemed"]) == sum);
}
