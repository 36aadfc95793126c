// Benchmark of appending with the Merkle tree (DESIGN.md §9): what the
// `tree` rows cost on top of an append. In the same run, on copies of the
// same ledger of many accounts:
//
//   append:   --entries pre-signed issues through the library (write_txn,
//             Appender::append_own) in one durable transaction, as
//             `scoin issue --csv` appends them: every rule, every derived
//             row, and the tree rows;
//   tree:     the tree work alone for the same leaves, in the same
//             transaction shape on a scratch copy of the ledger — the
//             frontier restored from the stored subtrees, then per entry the
//             leaf hash of its entry hash, MerkleFrontier::push and the puts
//             into `tree` that Appender::apply_and_write does — committed
//             durably;
//   raw:      the raw limit of bench_issue: the same entry bytes appended
//             to LMDB's entries table in one durable transaction (and the
//             Ed25519 signing of the ops on all cores, timed once).
//
// The tree's share is tree / (append − tree): what appending costs with the
// tree over what it would cost without it.
//
//   bench_append [--entries 100000] [--accounts 10000] [--repeat 3] [--dir DIR]
#include <sodium.h>

#include <thread>

#include "bench_util.hpp"
#include "scoin/issue.hpp"
#include "scoin/merkle.hpp"
#include "scoin/time.hpp"

using namespace scoin;

namespace {

// A fresh copy of the ledger at `from` in `to` (its data file only: the lock
// file is made again on open).
void copy_ledger(const std::string& from, const std::string& to) {
  std::filesystem::remove_all(to);
  std::filesystem::create_directories(to);
  std::filesystem::copy_file(from + "/data.mdb", to + "/data.mdb");
}

// The number of rows in `dbi`.
std::uint64_t mdb_stat_entries(const Txn& txn, MDB_dbi dbi) {
  MDB_stat st{};
  SCOIN_ASSERT(mdb_stat(txn.get(), dbi, &st) == 0);
  return st.ms_entries;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty()           ? 0
         : v.size() % 2 == 1 ? v[v.size() / 2]
                             : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Run {
  double append_s = 0;        // the library append, commit included
  double tree_s = 0;          // the tree work alone, commit included
  double tree_commit_s = 0;   // of which the commit
  double hash_s = 0;          // the tree's hashing alone (leaf hashes and pushes, no puts)
  double fixed_commit_s = 0;  // a write transaction of one row, committed durably
  double raw_s = 0;           // the entry bytes into LMDB, commit included
  std::uint64_t tree_rows = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::size_t entries = 100'000, accounts = 10'000;
  int repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--entries") entries = std::stoul(argv[i + 1]);
    if (a == "--accounts") accounts = std::stoul(argv[i + 1]);
    if (a == "--repeat") repeat = std::max(1, std::stoi(argv[i + 1]));
    if (a == "--dir") dir = argv[i + 1];
  }
  if (entries == 0 || accounts == 0) {
    std::fprintf(stderr,
                 "usage: bench_append [--entries N] [--accounts N] [--repeat N] [--dir DIR]\n");
    return 64;
  }
  if (dir.empty()) {
    std::string t = "/tmp/scoin-bench-append-XXXXXX";
    dir = ::mkdtemp(t.data());
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  auto t0 = bench::Clock::now();
  std::filesystem::remove_all(dir + "/base");
  auto fx = bench::make_ledger(dir + "/base", accounts);
  const std::string base = dir + "/base/ledger";
  std::fprintf(stderr, "ledger with %zu accounts in %.1fs\n", accounts, bench::seconds_since(t0));

  Params params;
  std::uint64_t base_size = 0;
  {
    auto env = Env::open(base, Env::Mode::existing);
    SCOIN_ASSERT(env.has_value());
    auto txn = Txn::begin(*env, false);
    params = *load_params(*txn);
    base_size = entry_count(*txn);
  }

  // The batch, signed once (the issuer has signed nothing yet: nonces from 1).
  auto issuer = SecretKey::from_seed(Bytes(32, 2));
  const char* reasons[] = {"volunteering", "health program", "carbon neutral"};
  std::vector<Op> ops(entries);
  std::vector<SignedOp> signed_ops(entries);
  const std::uint64_t created_at_ms = system_now_ms() - 1000;
  for (std::size_t i = 0; i < entries; ++i) {
    Op& op = ops[i];
    op.chain_id = params.chain_id;
    op.created_at_ms = created_at_ms;
    op.signer = issuer.public_key();
    op.nonce = i + 1;
    op.body = IssueBody{fx.accounts[(i * 7919) % accounts], 100 + i % 5000, reasons[i % 3],
                        fmt::format("batch-2026-12-01/{}", i), ""};
  }
  auto ts = bench::Clock::now();
  parallel_for(entries, cores, [&](std::size_t i) { signed_ops[i] = sign_op(ops[i], issuer); });
  const double sign_s = bench::seconds_since(ts);

  std::vector<Run> runs;
  std::uint64_t tree_rows_appended = 0;
  for (int rep = 0; rep < repeat; ++rep) {
    Run run;
    // (a) The library append, with every derived row and the tree rows.
    const std::string ledger = dir + "/append";
    copy_ledger(base, ledger);
    std::vector<Hash32> hashes(entries);
    std::vector<Bytes> entry_bytes(entries);
    {
      auto env = Env::open(ledger, Env::Mode::existing);
      SCOIN_ASSERT(env.has_value());
      std::uint64_t rows_before = 0;
      {
        auto txn = Txn::begin(*env, false);
        rows_before = mdb_stat_entries(*txn, txn->dbs().tree);
      }
      auto ta = bench::Clock::now();
      auto r = write_txn<int>(*env, &params, [&](Appender& app) -> Result<int> {
        for (std::size_t i = 0; i < entries; ++i)
          SCOIN_ASSERT(app.append_own(signed_ops[i], ops[i]) == Status::ok);
        return 0;
      });
      run.append_s = bench::seconds_since(ta);
      SCOIN_ASSERT(r.has_value());
      // The leaves and the entry bytes the other two runs write.
      auto txn = Txn::begin(*env, false);
      SCOIN_ASSERT(entry_count(*txn) == base_size + entries);
      for (std::size_t i = 0; i < entries; ++i) {
        auto h = txn->get(txn->dbs().hashes, be64(base_size + i));
        auto e = txn->get(txn->dbs().entries, be64(base_size + i));
        SCOIN_ASSERT(h && h->size() == 32 && e);
        std::copy(h->begin(), h->end(), hashes[i].begin());
        entry_bytes[i].assign(e->begin(), e->end());
      }
      tree_rows_appended = mdb_stat_entries(*txn, txn->dbs().tree) - rows_before;
    }

    // (b) The tree alone: the same leaves, the same rows, the same
    // transaction shape, on a scratch copy of the same ledger.
    {
      const std::string scratch = dir + "/tree";
      copy_ledger(base, scratch);
      auto env = Env::open(scratch, Env::Mode::existing);
      SCOIN_ASSERT(env.has_value());
      Bytes value;
      {
        // The breakdown: the hashing alone (leaf hashes and pushes, no puts).
        auto read = Txn::begin(*env, false);
        auto f = MerkleFrontier::load(TableSubtrees(*read), base_size);
        SCOIN_ASSERT(f.has_value());
        auto th = bench::Clock::now();
        for (std::size_t i = 0; i < entries; ++i) f->push(merkle_leaf_hash(hashes[i]), value);
        run.hash_s = bench::seconds_since(th);
        SCOIN_ASSERT(f->size() == base_size + entries);
      }
      auto tt = bench::Clock::now();
      auto txn = Txn::begin(*env, true);
      SCOIN_ASSERT(txn.has_value());
      auto frontier = MerkleFrontier::load(TableSubtrees(*txn), base_size);
      SCOIN_ASSERT(frontier.has_value());
      for (std::size_t i = 0; i < entries; ++i) {
        frontier->push(merkle_leaf_hash(hashes[i]), value);
        txn->put(txn->dbs().tree, be64(base_size + i), value, MDB_APPEND);
        ++run.tree_rows;
      }
      SCOIN_ASSERT(txn->rc() == 0);
      auto tc = bench::Clock::now();
      SCOIN_ASSERT(txn->commit().has_value());
      run.tree_commit_s = bench::seconds_since(tc);
      run.tree_s = bench::seconds_since(tt);
      // Pair assertion: the same rows as the library wrote, the same root.
      auto check = Txn::begin(*env, false);
      auto root = merkle_root(TableSubtrees(*check), base_size + entries);
      SCOIN_ASSERT(root.has_value() && *root == frontier->root());
      SCOIN_ASSERT(run.tree_rows == tree_rows_appended);
      // What any durable commit costs (one row rewritten): the append commits
      // once anyway, so if this were large the tree's commit would overstate
      // the tree (on the development machine it is under a millisecond).
      auto tf = bench::Clock::now();
      auto one = Txn::begin(*env, true);
      auto first = one->get(one->dbs().tree, be64(base_size));
      SCOIN_ASSERT(first.has_value());
      const Bytes again(first->begin(), first->end());
      one->put(one->dbs().tree, be64(base_size), again);
      SCOIN_ASSERT(one->commit().has_value());
      run.fixed_commit_s = bench::seconds_since(tf);
    }

    // (c) The raw limit: the same entry bytes into LMDB, nothing derived.
    {
      const std::string raw = dir + "/raw";
      std::filesystem::remove_all(raw);
      auto env = Env::open(raw, Env::Mode::create);
      SCOIN_ASSERT(env.has_value());
      auto tr = bench::Clock::now();
      auto txn = Txn::begin(*env, true);
      for (std::size_t i = 0; i < entries; ++i)
        txn->put(env->dbs().entries, be64(i), entry_bytes[i], MDB_APPEND);
      SCOIN_ASSERT(txn->commit().has_value());
      run.raw_s = bench::seconds_since(tr);
    }
    std::fprintf(stderr, "run %d: append %.3fs, tree alone %.3fs\n", rep + 1, run.append_s,
                 run.tree_s);
    runs.push_back(run);
  }

  auto pick = [&](auto field) {
    std::vector<double> v;
    for (auto& r : runs)
      v.push_back(field(r));
    return v;
  };
  auto range = [](const std::vector<double>& v) {
    return std::pair{*std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end())};
  };
  auto share = pick([](const Run& r) { return r.tree_s / (r.append_s - r.tree_s); });
  auto append_rate = pick([&](const Run& r) { return static_cast<double>(entries) / r.append_s; });
  auto raw_rate = pick([&](const Run& r) { return static_cast<double>(entries) / r.raw_s; });
  auto vs_raw = pick([](const Run& r) { return r.raw_s / r.append_s; });
  auto vs_issue_raw =
      pick([&](const Run& r) { return (sign_s + r.raw_s) / (sign_s + r.append_s); });
  const auto [s_lo, s_hi] = range(share);
  const auto [v_lo, v_hi] = range(vs_raw);
  const auto [i_lo, i_hi] = range(vs_issue_raw);

  std::printf("append: %zu pre-signed issues onto a ledger of %zu accounts, one transaction, %d "
              "runs, %u cores\n",
              entries, accounts, repeat, cores);
  std::printf("  tree rows:  %llu written (%.2f per entry)\n",
              static_cast<unsigned long long>(tree_rows_appended),
              static_cast<double>(tree_rows_appended) / static_cast<double>(entries));
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const Run& r = runs[k];
    std::printf("  run %zu:      append %.3fs (%.0f entries/s); tree alone %.3fs (hashing %.3fs, "
                "puts %.3fs, commit %.3fs; a one-row commit %.3fs); raw LMDB append %.3fs; "
                "the tree adds %.1f%%\n",
                k + 1, r.append_s, static_cast<double>(entries) / r.append_s, r.tree_s, r.hash_s,
                r.tree_s - r.hash_s - r.tree_commit_s, r.tree_commit_s, r.fixed_commit_s, r.raw_s,
                100 * share[k]);
  }
  std::printf("  the tree adds %.1f%% (range %.1f-%.1f%%; target < 10%%)\n", 100 * median(share),
              100 * s_lo, 100 * s_hi);
  std::printf("  vs raw:     library append %.0f entries/s, raw LMDB append %.0f entries/s: "
              "%.2f of the raw rate (range %.2f-%.2f)\n",
              median(append_rate), median(raw_rate), median(vs_raw), v_lo, v_hi);
  std::printf("  bench_issue's raw limit (signing on all cores %.2fs + raw append): signing + "
              "library append is %.2f of it (range %.2f-%.2f)\n",
              sign_s, median(vs_issue_raw), i_lo, i_hi);
  std::printf("{\"bench\":\"append\",\"entries\":%zu,\"accounts\":%zu,\"cores\":%u,\"runs\":%d,"
              "\"append_s\":%.3f,\"tree_s\":%.3f,\"raw_s\":%.3f,\"sign_s\":%.3f,"
              "\"tree_share\":%.4f,\"tree_share_min\":%.4f,\"tree_share_max\":%.4f,"
              "\"ratio_vs_raw\":%.3f,\"ratio_vs_issue_raw\":%.3f}\n",
              entries, accounts, cores, repeat,
              median(pick([](const Run& r) { return r.append_s; })),
              median(pick([](const Run& r) { return r.tree_s; })),
              median(pick([](const Run& r) { return r.raw_s; })), sign_s, median(share), s_lo,
              s_hi, median(vs_raw), median(vs_issue_raw));
  std::filesystem::remove_all(dir + "/append");
  std::filesystem::remove_all(dir + "/tree");
  std::filesystem::remove_all(dir + "/raw");
  return 0;
}
