// Benchmark of proofs and incremental audits (DESIGN.md §9) with the real
// binary on a generated ledger of --entries entries:
//
//   prove:        `scoin prove H` for random heights against the stored
//                 checkpoint, wall time from exec to exit (each proof then
//                 checked by `scoin verify-proof`), next to the floor of a
//                 command on the same ledger (`scoin balance LABEL`: opening
//                 the replica, reading a row), of the process alone
//                 (`scoin --version`), and `scoin log --limit 1`;
//   since-state:  `verify-chain --trust ADMIN --state S` over the whole
//                 ledger, then --added more entries of the same mix and a new
//                 checkpoint, then `verify-chain ... --since-state` from the
//                 saved state; next to a full audit of a ledger of --added
//                 entries of the same mix (--ref-accounts accounts).
//
//   bench_proofs --scoin build/cli/scoin [--entries 1000000] [--added 10000] [--accounts 10000]
//                [--ref-accounts 1000] [--samples 15] [--repeat 3] [--dir DIR] [--keep]
#include <fstream>
#include <random>
#include <sstream>

#include "bench_util.hpp"

using namespace scoin;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty()           ? 0
         : v.size() % 2 == 1 ? v[v.size() / 2]
                             : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Times {
  std::vector<double> s;
  long max_rss_kb = 0, max_anon_kb = 0;
  void add(const bench::Child& c) {
    s.push_back(c.seconds);
    max_rss_kb = std::max(max_rss_kb, c.max_rss_kb);
    max_anon_kb = std::max(max_anon_kb, c.max_anon_kb);
  }
  double med() const { return median(s); }
  double lo() const { return *std::min_element(s.begin(), s.end()); }
  double hi() const { return *std::max_element(s.begin(), s.end()); }
  std::string text(double scale = 1, const char* unit = "s") const {
    // Peak RSS counts the ledger's mapped pages (page cache); anonymous
    // memory is the process's own (sampled every 2 ms, so shown only for
    // the commands that run long enough to be sampled).
    return fmt::format("median {:.3f}{} (range {:.3f}-{:.3f}{}, {} runs; peak RSS {:.0f} MB{})",
                       med() * scale, unit, lo() * scale, hi() * scale, unit, s.size(),
                       static_cast<double>(max_rss_kb) / 1024,
                       max_anon_kb >= 1024 ? fmt::format(", anonymous {:.0f} MB",
                                                         static_cast<double>(max_anon_kb) / 1024)
                                           : std::string());
  }
};

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The number after `"key":` in a --json output, or -1.
long long json_number(const std::string& text, const std::string& key) {
  auto at = text.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::atoll(text.c_str() + at + key.size() + 3);
}

// The tree size on line 2 of a checkpoint note.
std::uint64_t note_size(const std::string& path) {
  auto text = read_text(path);
  auto nl = text.find('\n');
  return nl == std::string::npos ? 0 : std::strtoull(text.c_str() + nl + 1, nullptr, 10);
}

std::uint64_t tree_rows(const std::string& ledger) {
  auto env = Env::open(ledger, Env::Mode::read_only);
  SCOIN_ASSERT(env.has_value());
  auto txn = Txn::begin(*env, false);
  MDB_stat st{};
  SCOIN_ASSERT(mdb_stat(txn->get(), txn->dbs().tree, &st) == 0);
  return st.ms_entries;
}

[[noreturn]] void die(const std::string& what, const bench::Child& c, const std::string& out) {
  std::fprintf(stderr, "bench_proofs: %s exited %d\n%s", what.c_str(), c.code,
               read_text(out).c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string scoin_bin, dir;
  std::uint64_t entries = 1'000'000, added = 10'000;
  std::size_t accounts = 10'000, ref_accounts = 1'000;
  int samples = 15, repeat = 3;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--keep") {
      keep = true;
      continue;
    }
    if (i + 1 == argc) break;
    const char* v = argv[++i];
    if (a == "--scoin") scoin_bin = v;
    if (a == "--entries") entries = std::stoull(v);
    if (a == "--added") added = std::stoull(v);
    if (a == "--accounts") accounts = std::stoul(v);
    if (a == "--ref-accounts") ref_accounts = std::stoul(v);
    if (a == "--samples") samples = std::max(1, std::stoi(v));
    if (a == "--repeat") repeat = std::max(1, std::stoi(v));
    if (a == "--dir") dir = v;
  }
  if (scoin_bin.empty() || added == 0 || entries < accounts + 2) {
    std::fprintf(stderr, "usage: bench_proofs --scoin PATH [--entries N] [--added N] [--accounts N]\n"
                         "                    [--ref-accounts N] [--samples N] [--repeat N]\n"
                         "                    [--dir DIR] [--keep]\n");
    return 64;
  }
  if (dir.empty()) {
    std::string t = "/tmp/scoin-bench-proofs-XXXXXX";
    dir = ::mkdtemp(t.data());
  }
  const std::string big = dir + "/big", ledger = big + "/ledger", admin_key = big + "/admin.key";
  const std::string state = dir + "/state", state_saved = dir + "/state-at-checkpoint",
                    out = dir + "/out";
  std::filesystem::remove_all(big);
  std::filesystem::remove(state);
  // `quick`: a command of a few milliseconds, timed without sampling its memory.
  auto scoin = [&](std::vector<std::string> args, const std::string& ledger_dir,
                   bool quick = false) {
    args.insert(args.begin(), {scoin_bin, "--ledger", ledger_dir, "--no-input"});
    return bench::run(args, {}, out, !quick);
  };
  // The admin's address, from `key`'s JSON.
  std::string admin;
  auto admin_address = [&](const std::string& key_file) {
    auto c = bench::run({scoin_bin, "--json", "key", "show", key_file}, {}, out);
    if (c.code != 0) die("scoin key show", c, out);
    auto text = read_text(out);
    auto at = text.find("sc1");
    SCOIN_ASSERT(at != std::string::npos);
    return text.substr(at, text.find('"', at) - at);
  };

  // The big ledger: at --entries, a checkpoint, the proofs and a full audit;
  // then --added more entries and a second checkpoint.
  std::uint64_t paused_at = 0;
  Times prove, log1, balance1, version, full;
  std::mt19937_64 rng(42);
  auto at_size = [&](std::uint64_t made) {
    if (paused_at != 0 || made < entries) return;
    paused_at = made;
    std::fprintf(stderr, "ledger of %llu entries: checkpoint, proofs, full audit\n",
                 static_cast<unsigned long long>(made));
    admin = admin_address(admin_key);
    auto c = scoin({"-q", "checkpoint", "--key", admin_key, "-o", dir + "/checkpoint-1"}, ledger);
    if (c.code != 0) die("scoin checkpoint", c, out);
    SCOIN_ASSERT(note_size(dir + "/checkpoint-1") == made);
    // One unmeasured run of each first: the binary and the upper tree pages in
    // the page cache, as they are on a replica in use.
    scoin({"log", "--limit", "1"}, ledger, true);
    scoin({"-q", "prove", "0"}, ledger, true);
    for (int k = 0; k < samples; ++k) {
      const std::uint64_t h = rng() % made;
      const std::string proof = fmt::format("{}/proof-{}", dir, k);
      c = scoin({"-q", "prove", std::to_string(h), "-o", proof}, ledger, true);
      if (c.code != 0) die(fmt::format("scoin prove {}", h), c, out);
      prove.add(c);
      c = scoin({"log", "--limit", "1"}, ledger, true);
      if (c.code != 0) die("scoin log --limit 1", c, out);
      log1.add(c);
      c = scoin({"balance", "R-000001"}, ledger, true);
      if (c.code != 0) die("scoin balance R-000001", c, out);
      balance1.add(c);
      c = bench::run({scoin_bin, "--version"}, {}, out, false);
      if (c.code != 0) die("scoin --version", c, out);
      version.add(c);
      // Each proof checks with no replica at all.
      c = bench::run({scoin_bin, "verify-proof", proof, "--trust", admin}, {}, out);
      if (c.code != 0) die(fmt::format("scoin verify-proof (height {})", h), c, out);
      std::filesystem::remove(proof);
    }
    for (int r = 0; r < repeat; ++r) {
      std::filesystem::remove(state);
      c = scoin({"--json", "verify-chain", "--trust", admin, "--state", state}, ledger);
      if (c.code != 0) die("scoin verify-chain --state (full)", c, out);
      SCOIN_ASSERT(json_number(read_text(out), "entries") == static_cast<long long>(made));
      full.add(c);
    }
    SCOIN_ASSERT(note_size(state) == made);
    std::filesystem::copy_file(state, state_saved,
                               std::filesystem::copy_options::overwrite_existing);
  };
  auto t0 = bench::Clock::now();
  const std::uint64_t total = entries + added;
  bench::generate_ledger(big, total, accounts, 10'000,
                         static_cast<std::int64_t>(total / 10'000 + 10), at_size);
  SCOIN_ASSERT(paused_at != 0);
  const std::uint64_t size = [&] {
    auto env = Env::open(ledger, Env::Mode::read_only);
    auto txn = Txn::begin(*env, false);
    return entry_count(*txn);
  }();
  const std::uint64_t new_entries = size - paused_at;
  std::fprintf(stderr, "generated %llu entries in %.1fs\n", static_cast<unsigned long long>(size),
               bench::seconds_since(t0));
  const std::uint64_t rows = tree_rows(ledger);

  auto c = scoin({"-q", "checkpoint", "--key", admin_key, "-o", dir + "/checkpoint-2"}, ledger);
  if (c.code != 0) die("scoin checkpoint (second)", c, out);
  SCOIN_ASSERT(note_size(dir + "/checkpoint-2") == size);
  Times since;
  for (int r = 0; r < repeat; ++r) {
    std::filesystem::copy_file(state_saved, state,
                               std::filesystem::copy_options::overwrite_existing);
    c = scoin({"--json", "verify-chain", "--trust", admin, "--state", state, "--since-state"},
              ledger);
    if (c.code != 0) die("scoin verify-chain --since-state", c, out);
    SCOIN_ASSERT(json_number(read_text(out), "entries") == static_cast<long long>(new_entries));
    SCOIN_ASSERT(note_size(state) == size);
    since.add(c);
  }
  // The whole ledger once more, from the advanced state: the same verdict.
  c = scoin({"--json", "verify-chain", "--trust", admin, "--state", state}, ledger);
  if (c.code != 0) die("scoin verify-chain --state (full, after)", c, out);
  Times full_after;
  full_after.add(c);

  // The reference: a ledger of only the added entries' count, audited whole.
  const std::string small = dir + "/small", small_ledger = small + "/ledger";
  std::filesystem::remove_all(small);
  bench::generate_ledger(small, new_entries, ref_accounts, 10'000, 10);
  c = scoin({"-q", "checkpoint", "--key", small + "/admin.key"}, small_ledger);
  if (c.code != 0) die("scoin checkpoint (reference ledger)", c, out);
  Times ref;
  for (int r = 0; r < repeat; ++r) {
    std::filesystem::remove(state);
    c = scoin({"--json", "verify-chain", "--trust", admin, "--state", state}, small_ledger);
    if (c.code != 0) die("scoin verify-chain --state (reference)", c, out);
    SCOIN_ASSERT(json_number(read_text(out), "entries") == static_cast<long long>(new_entries));
    ref.add(c);
  }

  std::printf(
      "proofs: a generated ledger of %llu entries, %zu accounts; %llu tree rows (%.2f per entry)\n",
      static_cast<unsigned long long>(paused_at), accounts, static_cast<unsigned long long>(rows),
      static_cast<double>(rows) / static_cast<double>(size));
  std::printf("  prove H (random H, %d samples):  %s\n", samples, prove.text(1000, " ms").c_str());
  std::printf("  floor: log --limit 1:            %s\n", log1.text(1000, " ms").c_str());
  std::printf("  floor: balance R-000001:         %s\n", balance1.text(1000, " ms").c_str());
  std::printf("  floor: --version (no ledger):    %s\n", version.text(1000, " ms").c_str());
  std::printf("  prove / balance:                 %.2f\n", prove.med() / balance1.med());
  std::printf("since-state: %llu entries added to %llu\n",
              static_cast<unsigned long long>(new_entries),
              static_cast<unsigned long long>(paused_at));
  std::printf("  full audit of %llu entries:   %s\n", static_cast<unsigned long long>(paused_at),
              full.text().c_str());
  std::printf("  --since-state (%llu new):       %s\n",
              static_cast<unsigned long long>(new_entries), since.text().c_str());
  std::printf("  full audit of a ledger of %llu:  %s\n",
              static_cast<unsigned long long>(new_entries), ref.text().c_str());
  std::printf("  full audit of %llu, after:    %s\n", static_cast<unsigned long long>(size),
              full_after.text().c_str());
  std::printf("  since / full:                    %.4f\n", since.med() / full.med());
  std::printf("  since / the small ledger's audit: %.2f (target: about 1)\n",
              since.med() / ref.med());
  std::printf(
      "{\"bench\":\"proofs\",\"entries\":%llu,\"added\":%llu,\"tree_rows\":%llu,\"prove_ms\":%.2f,"
      "\"log_ms\":%.1f,\"balance_ms\":%.2f,\"version_ms\":%.2f,\"full_s\":%.3f,\"since_s\":%.3f,"
      "\"ref_s\":%.3f,\"since_over_full\":%.4f,\"since_over_ref\":%.3f}\n",
      static_cast<unsigned long long>(paused_at), static_cast<unsigned long long>(new_entries),
      static_cast<unsigned long long>(rows), prove.med() * 1000, log1.med() * 1000,
      balance1.med() * 1000, version.med() * 1000, full.med(), since.med(), ref.med(),
      since.med() / full.med(), since.med() / ref.med());
  if (!keep) {
    std::filesystem::remove_all(big);
    std::filesystem::remove_all(small);
  }
  return 0;
}
