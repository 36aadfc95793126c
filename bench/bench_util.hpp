// Helpers shared by the benchmarks: a ledger made through the library (fast,
// no CLI round trips), timing, and running the real binary with its peak RSS.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "scoin/keyfile.hpp"
#include "scoin/ledger.hpp"

namespace bench {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Child {
  int code = -1;
  double seconds = 0;
  long max_rss_kb = 0;   // peak resident set: heap plus mapped file pages
  long max_anon_kb = 0;  // peak anonymous memory (RssAnon, sampled every 2 ms)
  long max_file_kb = 0;  // peak file-backed pages (the LMDB map; page cache)
};

// Reads RssAnon and RssFile of `pid` from /proc (kB); false once it is gone
// or while it has not yet exec'd `name` (a forked child still holds a copy of
// the parent's memory).
inline bool sample_rss(pid_t pid, const std::string& name, long& anon_kb, long& file_kb) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/status", static_cast<int>(pid));
  std::FILE* f = std::fopen(path, "r");
  if (f == nullptr) return false;
  char line[256];
  bool ours = false;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    long v = 0;
    char comm[64];
    if (std::sscanf(line, "Name: %63s", comm) == 1) ours = name.compare(0, 15, comm) == 0;
    if (std::sscanf(line, "RssAnon: %ld kB", &v) == 1) anon_kb = v;
    if (std::sscanf(line, "RssFile: %ld kB", &v) == 1) file_kb = v;
  }
  std::fclose(f);
  return ours;
}

// Runs `argv` (argv[0] a path) with `env` added, waiting for it; reports its
// wall time and peak resident set (wait4's ru_maxrss). With `sample_memory`
// false it blocks in wait4 instead of polling every 2 ms, so commands that
// end in a few milliseconds are timed to the microsecond (no anonymous or
// file split then).
inline Child run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                 const std::string& out_path = "/dev/null", bool sample_memory = true) {
  auto start = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    for (auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::FILE* f = std::freopen(out_path.c_str(), "w", stdout);
    (void)f;
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    ::execv(a[0], a.data());
    ::_exit(127);
  }
  int status = 0;
  rusage ru{};
  Child c;
  if (!sample_memory) {
    while (::wait4(pid, &status, 0, &ru) == -1 && errno == EINTR) {
    }
  }
  while (sample_memory) {
    long anon = 0, file = 0;
    if (sample_rss(pid, std::filesystem::path(argv[0]).filename().string(), anon, file)) {
      c.max_anon_kb = std::max(c.max_anon_kb, anon);
      c.max_file_kb = std::max(c.max_file_kb, file);
    }
    pid_t done = ::wait4(pid, &status, WNOHANG, &ru);
    if (done == pid) break;
    ::usleep(2000);
  }
  c.seconds = seconds_since(start);
  c.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  c.max_rss_kb = ru.ru_maxrss;
  return c;
}

struct Fixture {
  std::string dir;
  std::vector<scoin::Key32> accounts;
  std::vector<std::string> labels;
};

// A ledger in `dir`/ledger with an admin and an issuer (their unencrypted key
// files `dir`/admin.key and `dir`/issuer.key) and `n_accounts` accounts, made
// through the library in one transaction.
Fixture make_ledger(const std::string& dir, std::size_t n_accounts, int decimals = 2);

}  // namespace bench

namespace bench {

// A synthetic ledger for the verify and export benchmarks: `n_accounts`
// accounts (residents, every 20th a merchant, every 50th a charity), then
// issues, transfers and redeems up to `n_entries` entries, `per_day` of them
// per ledger-local day, days starting `days_back` days ago. Signed on all
// cores, appended through the library in transactions of one day each; the
// admin's and the issuer's unencrypted key files are written to
// `dir`/admin.key and `dir`/issuer.key. `after_day`, when given, is called
// with the ledger's entry count after each day is committed, with no
// transaction open, so it may run the binary on the ledger (checkpoints and
// audits of a ledger that is still growing).
struct Generated {
  std::string dir;  // the ledger directory
  std::uint64_t entries = 0;
  std::int64_t first_day = 0;  // ledger-local day of the first activity
  std::int64_t last_day = 0;
  int utc_offset_min = 540;
};
Generated generate_ledger(const std::string& dir, std::uint64_t n_entries, std::size_t n_accounts,
                          std::uint64_t per_day, std::int64_t days_back,
                          const std::function<void(std::uint64_t entries)>& after_day = {});

}  // namespace bench
