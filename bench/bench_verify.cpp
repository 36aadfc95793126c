// Benchmark of `scoin verify-chain` (issue 5): entries/s of the real binary
// on a generated ledger of issues, transfers and redeems, next to the raw
// rate of crypto_sign_verify_detached on all cores over the same entries,
// read from the same replica in the same run; and the binary's peak memory.
//
//   bench_verify --scoin build/cli/scoin [--entries 1000000] [--accounts 10000] [--dir DIR]
#include <sodium.h>

#include <atomic>
#include <thread>

#include "bench_util.hpp"

using namespace scoin;

int main(int argc, char** argv) {
  std::string scoin_bin, dir;
  std::uint64_t entries = 1'000'000;
  std::size_t accounts = 10'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--scoin") scoin_bin = argv[i + 1];
    if (a == "--entries") entries = std::stoull(argv[i + 1]);
    if (a == "--accounts") accounts = std::stoul(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
  }
  if (scoin_bin.empty()) {
    std::fprintf(stderr, "usage: bench_verify --scoin PATH [--entries N] [--accounts N] [--dir DIR]\n");
    return 64;
  }
  if (dir.empty()) {
    std::string t = "/tmp/scoin-bench-verify-XXXXXX";
    dir = ::mkdtemp(t.data());
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::string ledger = dir + "/ledger";
  if (!std::filesystem::exists(ledger + "/data.mdb")) {
    auto t0 = bench::Clock::now();
    bench::generate_ledger(dir, entries, accounts, 10'000, static_cast<std::int64_t>(entries / 10'000 + 10));
    std::fprintf(stderr, "generated %llu entries in %.1fs\n", static_cast<unsigned long long>(entries),
                 bench::seconds_since(t0));
  }

  // The raw limit: every entry's signature verified on all cores, each thread
  // reading its own range of heights straight from the replica.
  auto env = Env::open(ledger, Env::Mode::existing);
  SCOIN_ASSERT(env.has_value());
  std::uint64_t n = 0;
  {
    auto txn = Txn::begin(*env, false);
    n = entry_count(*txn);
  }
  std::atomic<std::uint64_t> bad{0};
  auto tr = bench::Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < cores; ++t) {
    pool.emplace_back([&, t] {
      auto txn = Txn::begin(*env, false);
      Cursor c(*txn, txn->dbs().entries);
      std::uint64_t from = n * t / cores, to = n * (t + 1) / cores;
      auto start = be64(from);
      for (bool ok = c.seek(MDB_SET_RANGE, start); ok; ok = c.seek(MDB_NEXT)) {
        if (get_u64(c.key().data()) >= to) break;
        auto e = view_entry(c.value());
        if (!e || crypto_sign_verify_detached(e->sig.data(), e->op.data(), e->op.size(), e->op.data() + 46) != 0) ++bad;
      }
    });
  }
  for (auto& t : pool) t.join();
  double raw_s = bench::seconds_since(tr);
  SCOIN_ASSERT(bad == 0);
  double raw_rate = static_cast<double>(n) / raw_s;

  auto child = bench::run({scoin_bin, "--ledger", ledger, "verify-chain", "--quiet"});
  if (child.code != 0) {
    std::fprintf(stderr, "scoin verify-chain exited %d\n", child.code);
    return 1;
  }
  double rate = static_cast<double>(n) / child.seconds;
  auto mb = [](long kb) { return static_cast<double>(kb) / 1024.0; };
  std::printf("verify-chain: %llu entries, %zu accounts, %u cores\n", static_cast<unsigned long long>(n), accounts, cores);
  std::printf("  raw limit:  crypto_sign_verify_detached on all cores: %.2fs = %.0f entries/s\n", raw_s, raw_rate);
  std::printf("  scoin:      %.2fs = %.0f entries/s  (%.2f of the raw rate; target >= 0.85)\n", child.seconds,
              rate, rate / raw_rate);
  std::printf("  peak RSS:   %.1f MB (anonymous %.1f MB, mapped ledger pages %.1f MB; target < 256 MB)\n",
              mb(child.max_rss_kb), mb(child.max_anon_kb), mb(child.max_file_kb));
  std::printf("{\"bench\":\"verify\",\"entries\":%llu,\"cores\":%u,\"raw_entries_per_s\":%.0f,\"entries_per_s\":%.0f,"
              "\"ratio\":%.3f,\"peak_rss_mb\":%.1f}\n",
              static_cast<unsigned long long>(n), cores, raw_rate, rate, rate / raw_rate, mb(child.max_rss_kb));
  return 0;
}
