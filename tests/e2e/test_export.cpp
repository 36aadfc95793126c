// scoin export-csv: settlements and transaction lists for cron jobs
// (DESIGN.md §4.2, §8).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "e2e/harness.hpp"
#include "scoin/crypto.hpp"
#include "scoin/csv.hpp"

using e2e::Sandbox;

namespace {

// 2026-11-20 and 2026-11-21 in the ledger's +09:00: unix milliseconds.
constexpr std::uint64_t k_day20_start = 1795100400000;  // 2026-11-20T00:00:00+09:00
constexpr std::uint64_t k_day = 86'400'000;

std::string at(std::uint64_t ms) { return "SCOIN_NOW_MS=" + std::to_string(ms); }

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  auto r = scoin::CsvReader::from_string(text, "export");
  std::vector<std::vector<std::string>> rows;
  scoin::CsvRecord rec;
  for (;;) {
    auto got = r.next(rec);
    REQUIRE(got.has_value());
    if (!*got) break;
    REQUIRE(rec.error.empty());
    rows.push_back(rec.fields);
  }
  return rows;
}

// A ledger with activity booked on known days, around the midnight between
// the 20th and the 21st.
struct Ledger {
  Sandbox s;
  std::vector<Sandbox::Account> acc;
  Ledger() {
    auto admin = s.keygen("admin.key");
    auto issuer = s.keygen("issuer.key");
    run({"init", "--admin-key", "admin.key", "--name", "T", "--decimals", "2", "--issuer", issuer},
        k_day20_start + 10 * 3600'000);
    std::string csv = "address,kind,label\n";
    for (auto [name, kind, label] : std::vector<std::array<std::string, 3>>{
             {"r1", "resident", "R-000001"},
             {"gym", "merchant", "Gym, \"Seocho\""},
             {"cafe", "merchant", "Cafe, annex"},
             {"bank", "charity", "Food Bank"}}) {
      csv += s.keygen(name + ".key") + "," + kind + "," + scoin::csv_quote(label) + "\n";
    }
    s.write("accounts.csv", csv);
    run({"account", "open", "--key", "admin.key", "--csv", "accounts.csv"}, k_day20_start + 11 * 3600'000);
    // The 20th: rewards; the gym earns a little too.
    s.write("r.csv", "account,amount,reason,ref,memo\nR-000001,100,v,d20-1,\"a, b\"\n\"Gym, \"\"Seocho\"\"\",5,v,d20-2,\n");
    run({"issue", "--key", "issuer.key", "--csv", "r.csv"}, k_day20_start + 12 * 3600'000);
    // One second before midnight, then midnight exactly (ledger-local).
    run({"transfer", "--key", "r1.key", "--to", "Gym, \"Seocho\"", "--amount", "10", "--memo", "late"},
        k_day20_start + k_day - 1000);
    // Labels cannot hold line feeds (DESIGN.md §4); memos can.
    run({"transfer", "--key", "r1.key", "--to", "Cafe, annex", "--amount", "4.50", "--memo", "mid\nnight"},
        k_day20_start + k_day);
    run({"redeem", "--key", "gym.key", "--amount", "12.25", "--ref", "s-21"}, k_day20_start + k_day + 3600'000);
    run({"transfer", "--key", "gym.key", "--to", "R-000001", "--amount", "0.50"}, k_day20_start + k_day + 7200'000);
  }
  void run(std::vector<std::string> args, std::uint64_t ms) {
    auto r = s.scoin(args, {}, {at(ms)});
    INFO(r.err);
    REQUIRE(r.code == 0);
  }
  e2e::Run xport(std::vector<std::string> args, std::uint64_t now = k_day20_start + 5 * k_day) const {
    std::vector<std::string> full{"export-csv"};
    full.insert(full.end(), args.begin(), args.end());
    return s.scoin(full, {}, {at(now)});
  }
};

}  // namespace

TEST_CASE("export-csv transactions: one row per entry of the day, entries at 23:59:59 and 00:00 apart") {
  Ledger l;
  auto d20 = l.xport({"transactions", "--date", "2026-11-20"});
  INFO(d20.err);
  REQUIRE(d20.code == 0);
  auto rows = parse_csv(d20.out);
  REQUIRE(rows.size() == 1 + 1 + 4 + 2 + 1);  // header, genesis, 4 opens, 2 issues, the 23:59:59 transfer
  CHECK(rows[0] == std::vector<std::string>{"height", "time", "type", "from", "from_label", "to", "to_label",
                                            "amount", "unit", "reason", "ref", "memo", "entry_hash"});
  CHECK(rows.back()[1] == "2026-11-20T23:59:59.000+09:00");
  CHECK(rows.back()[2] == "transfer");
  CHECK(rows.back()[6] == "Gym, \"Seocho\"");
  CHECK(rows.back()[7] == "10.00");
  CHECK(rows.back()[8] == "SC");
  CHECK(rows[6][11] == "a, b");
  auto d21 = l.xport({"transactions", "--date", "2026-11-21"});
  auto rows21 = parse_csv(d21.out);
  REQUIRE(rows21.size() == 1 + 3);
  CHECK(rows21[1][1] == "2026-11-21T00:00:00.000+09:00");
  CHECK(rows21[1][6] == "Cafe, annex");
  CHECK(rows21[1][11] == "mid\nnight");
  CHECK(rows21[2][2] == "redeem");
  CHECK(rows21[2][10] == "s-21");
  // Heights continue from one day to the next, in order.
  CHECK(std::stoull(rows21[1][0]) == std::stoull(rows.back()[0]) + 1);
  // A range covers both.
  auto both = parse_csv(l.xport({"transactions", "--from", "2026-11-20", "--to", "2026-11-21"}).out);
  CHECK(both.size() == rows.size() + rows21.size() - 1);
  // Exact bytes: RFC 4180 quoting, \n line ends, no BOM.
  CHECK(d21.out.find("\"Cafe, annex\"") != std::string::npos);
  CHECK(d21.out.find("\"mid\nnight\"") != std::string::npos);
  CHECK(d21.out.find('\r') == std::string::npos);
}

TEST_CASE("export-csv settlements: per merchant, opening to closing, a TOTAL row, integer KRW") {
  Ledger l;
  auto r = l.xport({"settlements", "--date", "2026-11-21"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto rows = parse_csv(r.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<std::string>{"date", "account", "label", "opening", "received", "sent", "redeemed",
                                            "closing", "unit", "krw_payable"});
  // In the order the accounts were opened: the gym, then the cafe.
  CHECK(rows[1] == std::vector<std::string>{"2026-11-21", l.s.scoin({"account", "show", "Gym, \"Seocho\"", "--json"}).json()["address"],
                                            "Gym, \"Seocho\"", "15.00", "0.00", "0.50", "12.25", "2.25", "SC", "2450"});
  CHECK(rows[2][2] == "Cafe, annex");
  CHECK(rows[2][3] == "0.00");
  CHECK(rows[2][4] == "4.50");
  CHECK(rows[2][7] == "4.50");
  CHECK(rows[3] == std::vector<std::string>{"", "TOTAL", "", "15.00", "4.50", "0.50", "12.25", "6.75", "SC", "2450"});
  // The 20th: the gym received 5 by issue and 10 by transfer.
  auto d20 = parse_csv(l.xport({"settlements", "--date", "2026-11-20"}).out);
  REQUIRE(d20.size() == 3);
  CHECK(d20[1][3] == "0.00");
  CHECK(d20[1][4] == "15.00");
  CHECK(d20[1][7] == "15.00");
}

TEST_CASE("export-csv: a day with no entries gives a header (and TOTAL 0 for settlements)") {
  Ledger l;
  auto t = l.xport({"transactions", "--date", "2026-11-25"});
  REQUIRE(t.code == 0);
  CHECK(parse_csv(t.out).size() == 1);
  auto s = parse_csv(l.xport({"settlements", "--date", "2026-11-25"}).out);
  REQUIRE(s.size() == 2);
  CHECK(s[1] == std::vector<std::string>{"", "TOTAL", "", "0.00", "0.00", "0.00", "0.00", "0.00", "SC", "0"});
  // Before the genesis, too.
  CHECK(parse_csv(l.xport({"transactions", "--date", "2020-01-01"}).out).size() == 1);
}

TEST_CASE("export-csv: settlements default to yesterday, ledger-local") {
  Ledger l;
  // At 2026-11-22T08:00+09:00 (still the 21st in UTC), yesterday is the 21st.
  auto r = l.xport({"settlements"}, k_day20_start + 2 * k_day + 8 * 3600'000);
  REQUIRE(r.code == 0);
  CHECK(parse_csv(r.out)[1][0] == "2026-11-21");
}

TEST_CASE("export-csv: invalid dates are usage errors (64)") {
  Ledger l;
  for (auto bad : {"2026-02-30", "yesterday2", "2026-13-01", "26-11-21", ""}) {
    auto r = l.xport({"settlements", "--date", bad});
    INFO(bad << ": " << r.err);
    CHECK(r.code == 64);
    CHECK(r.err.find("--date") != std::string::npos);
  }
  CHECK(l.xport({"transactions"}).code == 64);
  CHECK(l.xport({"transactions", "--from", "2026-11-21", "--to", "2026-11-20"}).code == 64);
  CHECK(l.xport({"settlements", "--at-height", "3"}).code == 64);
  CHECK(l.xport({"payroll", "--date", "today"}).code == 64);
  CHECK(l.xport({"settlements", "--date", "today", "--manifest"}).code == 64);
}

TEST_CASE("export-csv: two exports of a past day are byte-identical, whatever came after") {
  Ledger l;
  auto first = l.xport({"settlements", "--date", "2026-11-21"});
  auto tx1 = l.xport({"transactions", "--date", "2026-11-21"});
  l.run({"transfer", "--key", "r1.key", "--to", "Food Bank", "--amount", "1"}, k_day20_start + 3 * k_day);
  auto second = l.xport({"settlements", "--date", "2026-11-21"}, k_day20_start + 9 * k_day);
  auto tx2 = l.xport({"transactions", "--date", "2026-11-21"}, k_day20_start + 9 * k_day);
  CHECK(first.out == second.out);
  CHECK(tx1.out == tx2.out);
  CHECK(!first.out.empty());
}

TEST_CASE("export-csv -o: a dated file and its manifest, written whole") {
  Ledger l;
  auto r = l.xport({"settlements", "--date", "2026-11-21", "-o", "out/settlements-%Y%m%d.csv", "--manifest", "--json"});
  CHECK(r.code == 73);  // the folder does not exist
  std::filesystem::create_directory(l.s.path("out"));
  r = l.xport({"settlements", "--date", "2026-11-21", "-o", "out/settlements-%Y%m%d.csv", "--manifest", "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(l.s.exists("out/settlements-20261121.csv"));
  auto csv = l.s.read("out/settlements-20261121.csv");
  CHECK(csv == l.xport({"settlements", "--date", "2026-11-21"}).out);
  auto m = nlohmann::json::parse(l.s.read("out/settlements-20261121.csv.manifest.json"));
  CHECK(m["kind"] == "settlements");
  CHECK(m["date"] == "2026-11-21");
  CHECK(m["complete"] == true);
  CHECK(m["rows"] == 2);
  CHECK(m["chain_id"].get<std::string>().size() == 64);
  CHECK(m["head_hash"] == r.json()["head_hash"]);
  CHECK(m["first_height"] == 8);  // heights 0-7 are the 20th's
  CHECK(m["last_height"] == 10);
  CHECK(m["sha256"] == scoin::to_hex(scoin::sha256(scoin::as_bytes(csv))));
  // Today is not over while the clock is inside it and the head too.
  auto today = l.xport({"transactions", "--date", "2026-11-21", "-o", "out/today.csv", "--manifest"},
                       k_day20_start + k_day + 10 * 3600'000);
  REQUIRE(today.code == 0);
  CHECK(nlohmann::json::parse(l.s.read("out/today.csv.manifest.json"))["complete"] == false);
  // Nothing else was left in the folder.
  std::size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(l.s.path("out"))) {
    ++files;
    CHECK(e.path().filename().string().rfind(".scoin-tmp", 0) == std::string::npos);
  }
  CHECK(files == 4);
}

TEST_CASE("export-csv -o: an unwritable folder or a directory as the output is 73, no partial file") {
  Ledger l;
  std::filesystem::create_directory(l.s.path("dir"));
  auto d = l.xport({"transactions", "--date", "2026-11-20", "-o", "dir"});
  CHECK(d.code == 73);
  l.s.write("plain", "x");
  auto notdir = l.xport({"transactions", "--date", "2026-11-20", "-o", "plain/out.csv"});
  CHECK(notdir.code == 73);
  if (::geteuid() != 0) {  // root writes anywhere; the folder's mode stops only others
    std::filesystem::create_directory(l.s.path("ro"));
    std::filesystem::permissions(l.s.path("ro"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    auto ro = l.xport({"transactions", "--date", "2026-11-20", "-o", "ro/out.csv"});
    CHECK(ro.code == 73);
    CHECK(std::filesystem::is_empty(l.s.path("ro")));
  }
  // A read-only file system: even root cannot write there.
  if (std::filesystem::exists("/proc/self")) {
    auto proc = l.xport({"transactions", "--date", "2026-11-20", "-o", "/proc/self/scoin.csv"});
    CHECK(proc.code == 73);
  }
  CHECK(std::filesystem::is_empty(l.s.path("dir")));
  // A symlink (like /dev/stdout) is never replaced; '-' is standard output.
  std::filesystem::create_symlink(l.s.path("target.csv"), l.s.path("link.csv"));
  auto link = l.xport({"transactions", "--date", "2026-11-20", "-o", "link.csv"});
  CHECK(link.code == 73);
  CHECK(std::filesystem::is_symlink(l.s.path("link.csv")));
  CHECK_FALSE(std::filesystem::exists(l.s.path("target.csv")));
  auto dash = l.xport({"transactions", "--date", "2026-11-20", "-o", "-"});
  CHECK(dash.code == 0);
  CHECK(dash.out.starts_with("height,time,"));
}

TEST_CASE("export-csv balances: at the end of a day or after a height, from history") {
  Ledger l;
  auto end20 = parse_csv(l.xport({"balances", "--at-date", "2026-11-20"}).out);
  REQUIRE(end20.size() == 5);
  CHECK(end20[0] == std::vector<std::string>{"account", "kind", "label", "balance", "unit"});
  CHECK(end20[1][2] == "R-000001");
  CHECK(end20[1][3] == "90.00");
  CHECK(end20[2][3] == "15.00");
  auto now = parse_csv(l.xport({"balances"}).out);
  CHECK(now[1][3] == "86.00");  // 100 - 10 - 4.50 + 0.50
  CHECK(now[2][3] == "2.25");
  auto h4 = parse_csv(l.xport({"balances", "--at-height", "4"}).out);  // the accounts opened, nothing issued
  CHECK(h4.size() == 5);
  CHECK(h4[1][3] == "0.00");
  auto h5 = parse_csv(l.xport({"balances", "--at-height", "5"}).out);
  CHECK(h5[1][3] == "100.00");
  CHECK(l.xport({"balances", "--at-height", "999"}).code == 65);
  CHECK(l.xport({"balances", "--at-date", "2020-01-01"}).code == 65);
}

TEST_CASE("export-csv: an export during a batch issue reads a consistent snapshot") {
  Ledger l;
  std::string csv = "account,amount,reason,ref\n";
  const int rows = 20000;
  for (int i = 0; i < rows; ++i) csv += "R-000001,1,v,snap-" + std::to_string(i) + "\n";
  l.s.write("big.csv", csv);
  const auto now = at(k_day20_start + 4 * k_day);
  std::vector<std::vector<std::string>> cmds{{"issue", "--key", "issuer.key", "--csv", "big.csv"}};
  for (int i = 0; i < 6; ++i) cmds.push_back({"export-csv", "transactions", "--date", "2026-11-24"});
  // run_parallel has no per-command environment: the day comes from the clock
  // set for all of them.
  std::vector<e2e::Run> results;
  {
    std::vector<std::thread> threads;
    results.resize(cmds.size());
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      threads.emplace_back([&, i] {
        results[i] = e2e::run_program(e2e::scoin_bin(), cmds[i], {}, {"SCOIN_LEDGER=" + l.s.ledger(), now}, l.s.dir());
      });
    }
    for (auto& t : threads) t.join();
  }
  REQUIRE(results[0].code == 0);
  for (std::size_t i = 1; i < results.size(); ++i) {
    REQUIRE(results[i].code == 0);
    auto n = parse_csv(results[i].out).size() - 1;
    INFO("export " << i << " saw " << n << " rows");
    CHECK((n == 0 || n == static_cast<std::size_t>(rows)));
  }
  CHECK(parse_csv(l.xport({"transactions", "--date", "2026-11-24"}).out).size() == rows + 1u);
}

TEST_CASE("export-csv: the crontab example runs as written") {
  Ledger l;
  std::ifstream in(SCOIN_SOURCE_DIR "/examples/cron/crontab");
  REQUIRE(in.good());
  std::string line, ledger_line;
  std::vector<std::string> commands;
  while (std::getline(in, line)) {
    if (line.rfind("SCOIN_LEDGER=", 0) == 0) ledger_line = line;
    if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    std::istringstream fields(line);
    std::string f;
    for (int i = 0; i < 5; ++i) fields >> f;  // m h dom mon dow
    std::string cmd;
    std::getline(fields, cmd);
    commands.push_back(cmd);
  }
  REQUIRE_FALSE(ledger_line.empty());
  REQUIRE(commands.size() >= 1);
  for (auto cmd : commands) {
    // As cron would: \% is a literal %; then point it at this sandbox.
    for (std::size_t p; (p = cmd.find("\\%")) != std::string::npos;) cmd.replace(p, 2, "%");
    for (std::size_t p; (p = cmd.find("/srv/scoin")) != std::string::npos;) cmd.replace(p, 10, l.s.dir());
    auto first = cmd.find_first_not_of(' ');
    REQUIRE(cmd.compare(first, 6, "scoin ") == 0);
    cmd.replace(first, 5, e2e::scoin_bin());
    std::filesystem::create_directories(l.s.path("settlements"));
    std::filesystem::create_directories(l.s.path("transactions"));
    auto r = e2e::run_program("/bin/sh", {"-c", cmd}, {}, {"SCOIN_LEDGER=" + l.s.ledger(), at(k_day20_start + k_day + 3 * 3600'000 + k_day)}, l.s.dir());
    INFO(cmd << "\n" << r.err);
    CHECK(r.code == 0);
  }
  CHECK(l.s.exists("settlements/settlements-20261121.csv"));
  CHECK(l.s.exists("settlements/settlements-20261121.csv.manifest.json"));
  CHECK(l.s.exists("transactions/transactions-20261121.csv"));
}

TEST_CASE("export-csv: a key opened as an account later does not change a past day's export") {
  Ledger l;
  auto before = l.xport({"transactions", "--date", "2026-11-20"});
  REQUIRE(before.code == 0);
  // The issuer's key becomes an account on the 23rd: its label must not
  // appear in the rows of the issues it signed on the 20th.
  auto issuer = l.s.scoin({"key", "show", "issuer.key", "--json"}).json()["address"].get<std::string>();
  l.run({"account", "open", "--key", "admin.key", issuer, "--kind", "charity", "--label", "Issuer Fund"},
        k_day20_start + 3 * k_day);
  auto after = l.xport({"transactions", "--date", "2026-11-20"}, k_day20_start + 9 * k_day);
  CHECK(after.out == before.out);
  CHECK(after.out.find("Issuer Fund") == std::string::npos);
  auto d23 = l.xport({"transactions", "--date", "2026-11-23"}, k_day20_start + 9 * k_day);
  CHECK(d23.out.find("Issuer Fund") != std::string::npos);
}
