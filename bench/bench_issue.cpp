// Benchmark of `scoin issue --csv` (issue 3): rows/s of the real binary on a
// generated batch into a ledger of many accounts, next to the raw limit
// measured in the same run on the same machine — libsodium Ed25519 signing of
// the same ops on all cores plus LMDB appends of the same entry bytes in one
// transaction — and the binary's peak resident memory.
//
//   bench_issue --scoin build/cli/scoin [--rows 100000] [--accounts 10000] [--dir DIR]
#include <sodium.h>

#include <fstream>
#include <thread>

#include "bench_util.hpp"
#include "scoin/issue.hpp"
#include "scoin/time.hpp"

using namespace scoin;

int main(int argc, char** argv) {
  std::string scoin_bin, dir;
  std::size_t rows = 100'000, accounts = 10'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--scoin") scoin_bin = argv[i + 1];
    if (a == "--rows") rows = std::stoul(argv[i + 1]);
    if (a == "--accounts") accounts = std::stoul(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
  }
  if (scoin_bin.empty()) {
    std::fprintf(stderr, "usage: bench_issue --scoin PATH [--rows N] [--accounts N] [--dir DIR]\n");
    return 64;
  }
  if (dir.empty()) {
    std::string t = "/tmp/scoin-bench-issue-XXXXXX";
    dir = ::mkdtemp(t.data());
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  auto t0 = bench::Clock::now();
  auto fx = bench::make_ledger(dir, accounts);
  std::fprintf(stderr, "ledger with %zu accounts in %.1fs\n", accounts, bench::seconds_since(t0));

  // The batch: labels, amounts with decimals, a few reasons, unique refs.
  {
    std::ofstream csv(dir + "/batch.csv");
    csv << "account,amount,reason,ref,memo\n";
    const char* reasons[] = {"volunteering", "health program", "carbon neutral"};
    for (std::size_t i = 0; i < rows; ++i) {
      csv << fx.labels[(i * 7919) % accounts] << ',' << (1 + i % 50) << '.' << (i % 100 < 10 ? "0" : "")
          << (i % 100) << ',' << reasons[i % 3] << ",batch-2026-11-26/" << i << ",\n";
    }
  }

  // Raw limit, part 1: Ed25519 signatures over ops of the same shape, all cores.
  auto issuer = SecretKey::from_seed(Bytes(32, 2));
  std::vector<Bytes> msgs(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    Op op;
    op.created_at_ms = 1;
    op.signer = issuer.public_key();
    op.nonce = i + 1;
    op.body = IssueBody{fx.accounts[i % accounts], 100 + i, "volunteering",
                        fmt::format("batch-2026-11-26/{}", i), ""};
    msgs[i] = encode_op(op);
  }
  std::vector<Sig64> sigs(rows);
  auto ts = bench::Clock::now();
  parallel_for(rows, cores, [&](std::size_t i) { sigs[i] = issuer.sign(msgs[i]); });
  double sign_s = bench::seconds_since(ts);

  // Raw limit, part 2: the same entry bytes appended to LMDB in one
  // transaction, committed durably.
  double append_s = 0;
  {
    auto env = Env::open(dir + "/raw", Env::Mode::create);
    SCOIN_ASSERT(env.has_value());
    auto ta = bench::Clock::now();
    auto txn = Txn::begin(*env, true);
    for (std::size_t i = 0; i < rows; ++i) {
      Entry e;
      e.height = i;
      e.op = msgs[i];
      e.sig = sigs[i];
      txn->put(env->dbs().entries, be64(i), encode_entry(e), MDB_APPEND);
    }
    SCOIN_ASSERT(txn->commit().has_value());
    append_s = bench::seconds_since(ta);
  }
  double raw_rate = static_cast<double>(rows) / (sign_s + append_s);

  // The check alone (streamed CSV, rows kept compact), then the real run.
  auto check = bench::run({scoin_bin, "--ledger", dir + "/ledger", "issue", "--key",
                           dir + "/issuer.key", "--csv", dir + "/batch.csv", "--dry-run", "--quiet"});
  auto child = bench::run({scoin_bin, "--ledger", dir + "/ledger", "issue", "--key",
                           dir + "/issuer.key", "--csv", dir + "/batch.csv", "--quiet"});
  if (child.code != 0) {
    std::fprintf(stderr, "scoin issue failed with exit %d\n", child.code);
    return 1;
  }
  double rate = static_cast<double>(rows) / child.seconds;
  std::printf("issue --csv: %zu rows into %zu accounts, %u cores\n", rows, accounts, cores);
  std::printf("  raw limit:  sign %.2fs + LMDB append %.2fs = %.0f rows/s\n", sign_s, append_s, raw_rate);
  std::printf("  scoin:      %.2fs = %.0f rows/s  (%.2f of the raw limit; target >= 0.60)\n",
              child.seconds, rate, rate / raw_rate);
  auto mb = [](long kb) { return static_cast<double>(kb) / 1024.0; };
  std::printf("  check (--dry-run): %.2fs, peak anonymous memory %.1f MB\n", check.seconds,
              mb(check.max_anon_kb));
  std::printf("  full run:   peak RSS %.1f MB = anonymous %.1f MB (rows and LMDB's dirty pages of the\n"
              "              one all-or-nothing transaction) + mapped ledger file %.1f MB (page cache)\n",
              mb(child.max_rss_kb), mb(child.max_anon_kb), mb(child.max_file_kb));
  std::printf("{\"bench\":\"issue\",\"rows\":%zu,\"accounts\":%zu,\"cores\":%u,\"raw_rows_per_s\":%.0f,"
              "\"rows_per_s\":%.0f,\"ratio\":%.3f,\"peak_rss_mb\":%.1f,"
              "\"peak_anon_mb\":%.1f,\"check_peak_anon_mb\":%.1f}\n",
              rows, accounts, cores, raw_rate, rate, rate / raw_rate, mb(child.max_rss_kb),
              mb(child.max_anon_kb), mb(check.max_anon_kb));
  return 0;
}
