// Keys (issue 8): secret key bytes never reach a log or a core dump. Every
// output of the commands that touch keys is searched for the seeds in every
// usual encoding and for the passphrases; the memory of a live scoin process
// holding a decrypted key is searched the way a core dump would see it
// (every mapping but those marked MADV_DONTDUMP). Key and passphrase files
// readable by group or others, symlinks, and Argon2id limits above SENSITIVE
// are refused.
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

#include "e2e/harness.hpp"
#include "scoin/bytes.hpp"
#include "scoin/keyfile.hpp"
#include "scoin/store.hpp"

extern char** environ;

using e2e::Run;
using e2e::Sandbox;
namespace fs = std::filesystem;

namespace {

// What must never be seen: a name for messages and the bytes.
struct Needle {
  std::string name;
  std::string bytes;
};

std::string b64(const std::string& raw, bool url) {
  auto s = scoin::base64_encode(scoin::as_bytes(raw));
  if (url) {
    for (auto& c : s)
      c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return s;
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The seed and the 64-byte secret key (seed ‖ public key) of a key file, and
// the forms they would take in text: hex either case, base64 (standard and
// URL alphabets) alone, and the 40 characters that encode 30 of the seed's
// bytes wherever the seed starts in a longer base64 text (three alignments).
struct KeySecrets {
  std::string seed, sk;
  std::vector<Needle> needles;
};

KeySecrets secrets_of(const Sandbox& s, const std::string& key,
                      const std::string& passphrase = {}) {
  auto loaded = scoin::load_key(s.path(key), [&]() -> scoin::Result<scoin::SecretBuffer> {
    scoin::SecretBuffer b(passphrase.size());
    std::memcpy(b.data(), passphrase.data(), passphrase.size());
    return b;
  });
  INFO(key << ": " << (loaded ? "" : loaded.error().message));
  REQUIRE(loaded.has_value());
  scoin::SecretBuffer seed(32);
  loaded->copy_seed(seed.data());
  KeySecrets k;
  k.seed.assign(reinterpret_cast<const char*>(seed.data()), 32);
  const auto& pk = loaded->public_key();
  k.sk = k.seed + std::string(reinterpret_cast<const char*>(pk.data()), pk.size());
  auto add = [&](const std::string& what, const std::string& bytes) {
    k.needles.push_back({key + " " + what, bytes});
  };
  add("seed", k.seed);
  add("secret key", k.sk);
  auto hex = scoin::to_hex(scoin::as_bytes(k.seed));
  add("seed hex", hex);
  add("seed HEX", upper(hex));
  add("secret key hex", scoin::to_hex(scoin::as_bytes(k.sk)));
  for (bool url : {false, true}) {
    add(url ? "seed base64url" : "seed base64", b64(k.seed, url).substr(0, 43));
    add(url ? "secret key base64url" : "secret key base64", b64(k.sk, url).substr(0, 85));
    for (std::size_t pad = 0; pad < 3; ++pad) {
      // Base64 of PAD zero bytes then the seed: the groups made of seed bytes only.
      auto text = b64(std::string(pad, '\0') + k.seed, url);
      std::size_t first = (pad + 2) / 3, last = (pad + 32) / 3; // groups [first, last)
      add("seed in base64 at offset " + std::to_string(pad) + (url ? " (url)" : ""),
          text.substr(4 * first, 4 * (last - first)));
    }
  }
  return k;
}

// The second line of an unencrypted key file is the secret itself.
Needle key_line(const Sandbox& s, const std::string& key) {
  auto text = s.read(key);
  auto nl = text.find('\n');
  auto line = text.substr(nl + 1);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  return {key + " line 2", line};
}

std::vector<std::string> found_in(const std::string& haystack, const std::vector<Needle>& needles) {
  std::vector<std::string> out;
  for (auto& n : needles) {
    if (!n.bytes.empty() && haystack.find(n.bytes) != std::string::npos) out.push_back(n.name);
  }
  return out;
}

// --- a live process's memory, as a core dump would hold it -------------------

struct Region {
  std::uintptr_t start = 0, end = 0, offset = 0;
  std::string perms, path, line;
  std::uint64_t rss_kb = 0, swap_kb = 0;
  std::vector<std::string> flags;
  bool has(const char* flag) const {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
  }
};

std::vector<Region> read_smaps(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
  std::vector<Region> out;
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    auto space = line.find(' ');
    if (space != std::string::npos && (colon == std::string::npos || colon > space) &&
        line.find('-') < space) {
      Region r;
      r.line = line;
      std::istringstream f(line);
      std::string range, dev, inode;
      f >> range >> r.perms >> std::hex >> r.offset >> std::dec >> dev >> inode;
      std::getline(f >> std::ws, r.path);
      r.start = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
      r.end = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
      out.push_back(r);
      continue;
    }
    if (out.empty()) continue;
    auto& r = out.back();
    std::istringstream f(line.substr(colon + 1));
    if (line.starts_with("Rss:")) f >> r.rss_kb;
    if (line.starts_with("Swap:")) f >> r.swap_kb;
    if (line.starts_with("VmFlags:")) {
      std::string flag;
      while (f >> flag)
        r.flags.push_back(flag);
    }
  }
  return out;
}

struct Hit {
  std::string needle;
  const Region* region;
};

struct Scan {
  std::vector<Region> regions;
  std::vector<Hit> hits;
  std::uint64_t bytes_read = 0;
  std::vector<std::string> skipped; // regions too large to read (sanitizer shadows)
};

// Reads every mapping of `pid` that holds any memory and searches it for
// `needles`. A mapping of a file is read only as far as the file goes.
Scan scan_memory(pid_t pid, const std::vector<Needle>& needles) {
  Scan scan;
  scan.regions = read_smaps(pid);
  int fd = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  std::size_t longest = 0;
  for (auto& n : needles)
    longest = std::max(longest, n.bytes.size());
  constexpr std::size_t k_chunk = 1 << 20, k_page = 4096;
  std::string buf;
  for (auto& r : scan.regions) {
    if (r.rss_kb + r.swap_kb == 0) continue; // nothing in it was ever touched
    if (r.path == "[vvar]" || r.path == "[vsyscall]") continue;
    std::uintptr_t end = r.end;
    if (r.path.starts_with("/")) {
      struct stat st {};
      if (::stat(r.path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        auto file_end = static_cast<std::uintptr_t>(st.st_size) > r.offset
                            ? static_cast<std::uintptr_t>(st.st_size) - r.offset
                            : 0;
        end = std::min<std::uintptr_t>(end, r.start + (file_end + k_page - 1) / k_page * k_page);
      }
    }
    if (end - r.start > (std::uintptr_t{64} << 30)) {
      scan.skipped.push_back(r.line);
      continue;
    }
    std::string carry;
    for (std::uintptr_t at = r.start; at < end; at += k_chunk) {
      std::size_t len = std::min<std::uintptr_t>(k_chunk, end - at);
      buf.assign(carry);
      std::size_t base = buf.size();
      buf.resize(base + len);
      auto n = ::pread(fd, buf.data() + base, len, static_cast<off_t>(at));
      if (n != static_cast<ssize_t>(len)) {
        // Some page in the chunk cannot be read: page by page, unreadable ones left out.
        buf.resize(base);
        for (std::uintptr_t p = at; p < at + len; p += k_page) {
          char page[k_page];
          if (::pread(fd, page, k_page, static_cast<off_t>(p)) == static_cast<ssize_t>(k_page)) {
            buf.append(page, k_page);
          } else {
            buf.append(longest, '\0'); // no match across a hole
          }
        }
      }
      scan.bytes_read += buf.size() - base;
      for (auto& name : found_in(buf, needles))
        scan.hits.push_back({name, &r});
      carry = buf.size() > longest ? buf.substr(buf.size() - longest) : buf;
    }
  }
  ::close(fd);
  // A needle that straddles two chunks can be reported twice; once is enough.
  std::sort(scan.hits.begin(), scan.hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.needle, a.region) < std::tie(b.needle, b.region);
  });
  scan.hits.erase(std::unique(scan.hits.begin(), scan.hits.end(),
                              [](const Hit& a, const Hit& b) {
                                return a.needle == b.needle && a.region == b.region;
                              }),
                  scan.hits.end());
  return scan;
}

// Starts scoin without waiting for it: stdin from /dev/null, stdout to
// `out_fd`, stderr to `err_file`.
pid_t spawn_scoin(const Sandbox& s, const std::vector<std::string>& args, int out_fd,
                  const std::string& err_file) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addchdir_np(&fa, s.dir().c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<std::string> argv_s{e2e::scoin_bin()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s{"SCOIN_LEDGER=" + s.ledger()};
  for (const char* keep : {"PATH", "HOME", "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LANG"}) {
    if (const char* v = std::getenv(keep)) env_s.push_back(std::string(keep) + "=" + v);
  }
  std::vector<char*> envp;
  for (auto& e : env_s)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv_s[0].c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  REQUIRE(rc == 0);
  return pid;
}

// The system call the main thread of `pid` is blocked in, -1 when running.
long blocked_in(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/syscall");
  std::string first;
  if (!(in >> first) || first == "running") return -1;
  try {
    return std::stol(first);
  } catch (...) {
    return -1;
  }
}

// Waits until `pid` sits in system call `sysno` (seen 5 times in a row, 20 ms
// apart) — false if it exited first. No time limit but a generous one: the
// sanitizer build is slow, and this is no timing assertion.
bool wait_until_blocked(pid_t pid, long sysno) {
  int seen = 0;
  for (int i = 0; i < 6000; ++i) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    seen = blocked_in(pid) == sysno ? seen + 1 : 0;
    if (seen >= 5) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void stop(pid_t pid) {
  REQUIRE(::kill(pid, SIGSTOP) == 0);
  for (int i = 0; i < 1000; ++i) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), {});
    auto paren = all.rfind(')');
    if (paren != std::string::npos && paren + 2 < all.size() && all[paren + 2] == 'T') return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("the process did not stop");
}

// The soft core file size limit of `pid` ("Max core file size  0  unlimited  bytes").
std::string core_limit(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("Max core file size")) {
      std::istringstream f(line.substr(18));
      std::string soft;
      f >> soft;
      return soft;
    }
  }
  return "?";
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

// A pipe whose buffer is already full: a process writing to it blocks.
struct FullPipe {
  int fd[2] = {-1, -1};
  FullPipe() {
    REQUIRE(::pipe2(fd, O_CLOEXEC) == 0);
    REQUIRE(::fcntl(fd[1], F_SETFL, O_NONBLOCK) == 0);
    std::string chunk(4096, '.');
    while (::write(fd[1], chunk.data(), chunk.size()) > 0) {
    }
    REQUIRE(::fcntl(fd[1], F_SETFL, 0) == 0);
  }
  ~FullPipe() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
};

#if defined(__SANITIZE_ADDRESS__)
constexpr bool k_asan = true; // ASan turns mlock into a no-op
#else
constexpr bool k_asan = false;
#endif

// The checks on a scan of a process that holds (`key_alive`) or held a key:
// no secret anywhere a core dump would take; the key itself in guarded
// (MADV_DONTDUMP) memory, locked, while it is alive.
void check_scan(const Scan& scan, const KeySecrets& k, bool key_alive) {
  INFO("read " << scan.bytes_read << " bytes of " << scan.regions.size() << " mappings");
  if (!scan.skipped.empty()) {
    // Sanitizer shadow memory: terabytes reserved, never the program's data.
    WARN(scan.skipped.size() << " mappings over 64 GiB not read, the first: "
                             << scan.skipped.front());
  }
  CHECK(scan.bytes_read > 0);
  bool sk_guarded = false, sk_locked = false;
  for (auto& h : scan.hits) {
    INFO(h.needle << " in " << h.region->line);
    if (h.region->has("dd")) {
      if (h.needle.ends_with(" secret key")) {
        sk_guarded = true;
        sk_locked |= h.region->has("lo");
      }
      continue;
    }
    FAIL_CHECK("found outside guarded memory (a core dump would hold it)");
  }
  if (key_alive) {
    // Proves the scan sees the process's memory, and the key where it belongs.
    CHECK(sk_guarded);
    rlimit lim{};
    ::getrlimit(RLIMIT_MEMLOCK, &lim);
    if (k_asan) {
      WARN("ASan build: mlock is a no-op, not checking that the key's pages are locked");
    } else if (lim.rlim_cur < (1u << 20)) {
      WARN("RLIMIT_MEMLOCK is " << lim.rlim_cur
                                << " bytes: not checking that the key's pages are locked");
    } else {
      CHECK(sk_locked);
    }
  } else {
    CHECK_FALSE(sk_guarded);
  }
  (void)k;
}

} // namespace

TEST_CASE("secrets: no seed, secret key or passphrase in any output, with or without --json, right "
          "or wrong "
          "passphrase",
          "[e2e][secrets]") {
  Sandbox s;
  const std::string admin_pw = "Admin-Passphrase qu1etly 7731";
  const std::string r1_pw = "Resident-Passphrase m0ss 2204";
  const std::string wrong_pw = "Wrong-Passphrase guess 0042";
  s.write("admin.pass", admin_pw + "\n", 0600);
  s.write("r1.pass", r1_pw + "\n", 0600);
  s.write("wrong.pass", wrong_pw + "\n", 0600);
  std::string transcript;
  std::vector<std::string> failures;
  auto run = [&](const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    auto r = s.scoin(args, {}, std::move(env));
    transcript += r.out + "\n" + r.err + "\n";
    return r;
  };
  auto ok = [&](const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    auto r = run(args, std::move(env));
    std::string line;
    for (auto& a : args)
      line += a + " ";
    INFO(line << "\n" << r.err);
    REQUIRE(r.code == 0);
    return r;
  };
  auto refused = [&](const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    auto r = run(args, std::move(env));
    INFO(r.err);
    CHECK(r.code == 77);
    CHECK(r.err.find("wrong passphrase") != std::string::npos);
  };

  // Keys, encrypted and not, with and without --json.
  auto admin = ok({"keygen", "-o", "admin.key", "--kdf", "interactive", "--passphrase-file",
                   "admin.pass", "--json"})
                   .json()["address"]
                   .get<std::string>();
  auto issuer = ok({"keygen", "-o", "issuer.key", "--unencrypted"}).out;
  issuer.erase(issuer.find_last_not_of('\n') + 1);
  auto r1 =
      ok({"keygen", "-o", "r1.key", "--kdf", "interactive", "--passphrase-file", "r1.pass"}).out;
  r1.erase(r1.find_last_not_of('\n') + 1);
  auto m1 = ok({"keygen", "-o", "m1.key", "--unencrypted", "--json"})
                .json()["address"]
                .get<std::string>();
  for (const char* k : {"admin.key", "issuer.key", "r1.key", "m1.key"}) {
    ok({"key", "show", k});
    ok({"key", "show", k, "--json"});
  }
  // A wrong passphrase, before and after the ledger exists.
  refused(
      {"init", "--admin-key", "admin.key", "--name", "Secrets", "--passphrase-file", "wrong.pass"});
  refused({"init", "--admin-key", "admin.key", "--name", "Secrets", "--passphrase-file",
           "wrong.pass", "--json"});
  ok({"init", "--admin-key", "admin.key", "--name", "Secrets", "--issuer", issuer,
      "--passphrase-file", "admin.pass", "--json"});
  s.write("acc.csv",
          "address,kind,label\n" + r1 + ",resident,R-000001\n" + m1 + ",merchant,M-000001\n");
  refused({"account", "open", "--key", "admin.key", "--csv", "acc.csv", "--passphrase-file",
           "wrong.pass"});
  ok({"account", "open", "--key", "admin.key", "--csv", "acc.csv"},
     {"SCOIN_PASSPHRASE_FILE=" + s.path("admin.pass")});
  ok({"issue", "--key", "issuer.key", "--to", "R-000001", "--amount", "50", "--reason", "v",
      "--ref", "s-1"});
  ok({"issue", "--key", "issuer.key", "--to", "R-000001", "--amount", "50", "--reason", "v",
      "--ref", "s-2", "--json"});
  s.write("iss.csv", "account,amount,reason,ref\nR-000001,5,v,s-3\nM-000001,5,v,s-4\n");
  ok({"issue", "--key", "issuer.key", "--csv", "iss.csv", "--out", "iss.op"});
  ok({"submit", "iss.op", "--json"});
  refused({"transfer", "--key", "r1.key", "--to", "M-000001", "--amount", "1", "--passphrase-file",
           "wrong.pass"});
  refused({"transfer", "--key", "r1.key", "--to", "M-000001", "--amount", "1", "--json"},
          {"SCOIN_PASSPHRASE_FILE=" + s.path("wrong.pass")});
  ok({"transfer", "--key", "r1.key", "--to", "M-000001", "--amount", "3", "--passphrase-file",
      "r1.pass"});
  ok({"transfer", "--key", "r1.key", "--to", "M-000001", "--amount", "3", "--passphrase-file",
      "r1.pass", "--json"});
  ok({"transfer", "--key", "r1.key", "--to", "M-000001", "--amount", "2", "--passphrase-file",
      "r1.pass", "--out", "tr.op"});
  ok({"show-op", "tr.op"});
  ok({"show-op", "tr.op", "--json"});
  ok({"submit", "tr.op"});
  ok({"redeem", "--key", "m1.key", "--amount", "1", "--ref", "red-1", "--json"});
  // The configuration naming the key and the passphrase file.
  s.write("scoin.toml", "key = \"r1.key\"\npassphrase_file = \"r1.pass\"\n");
  ok({"config", "show"});
  ok({"config", "show", "--json"}, {"SCOIN_PASSPHRASE_FILE=" + s.path("admin.pass")});
  ok({"transfer", "--to", "M-000001", "--amount", "1", "--json"});
  fs::remove(s.path("scoin.toml"));
  ok({"log", "--json"});
  ok({"log"});
  ok({"verify-chain", "--json"});
  ok({"export-csv", "transactions", "--date", "today"});
  transcript += s.read("iss.op") + s.read("tr.op");

  std::vector<Needle> needles;
  std::vector<KeySecrets> keys = {secrets_of(s, "admin.key", admin_pw), secrets_of(s, "issuer.key"),
                                  secrets_of(s, "r1.key", r1_pw), secrets_of(s, "m1.key")};
  for (auto& k : keys)
    needles.insert(needles.end(), k.needles.begin(), k.needles.end());
  needles.push_back(key_line(s, "issuer.key"));
  needles.push_back(key_line(s, "m1.key"));
  for (auto& pw : {admin_pw, r1_pw, wrong_pw})
    needles.push_back({"passphrase '" + pw + "'", pw});
  // The search works: each unencrypted key file holds its seed's base64, and
  // the transcript holds the public addresses.
  CHECK_FALSE(found_in(s.read("issuer.key"), keys[1].needles).empty());
  CHECK_FALSE(found_in(s.read("m1.key"), keys[3].needles).empty());
  CHECK(transcript.find(admin) != std::string::npos);
  CHECK(transcript.find(m1) != std::string::npos);
  for (auto& name : found_in(transcript, needles))
    FAIL_CHECK("output holds the " << name);
}

TEST_CASE("secrets: a live scoin process keeps its key only in guarded, locked memory that core "
          "dumps leave out",
          "[e2e][secrets]") {
  Sandbox s;
  const std::string enc_pw = "Issuer-Enc-Passphrase v4lley 5180";
  s.write("enc.pass", enc_pw + "\n", 0600);
  auto enc = s.scoin({"keygen", "-o", "enc.key", "--kdf", "interactive", "--passphrase-file",
                      "enc.pass", "--json"});
  REQUIRE(enc.code == 0);
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""}};
  s.init_ledger(acc, {"--issuer", enc.json()["address"].get<std::string>()});

  // Children inherit a soft core size limit other than 0, so a 0 in theirs
  // is their own doing (restored when the test ends).
  struct CoreLimit {
    rlimit saved{};
    bool raised = false;
    CoreLimit() {
      ::getrlimit(RLIMIT_CORE, &saved);
      rlimit up{saved.rlim_max, saved.rlim_max};
      raised = saved.rlim_max > 0 && ::setrlimit(RLIMIT_CORE, &up) == 0;
    }
    ~CoreLimit() { ::setrlimit(RLIMIT_CORE, &saved); }
  } core;
  if (!core.raised)
    WARN("RLIMIT_CORE's hard limit is 0: not checking that scoin lowers its own to 0");
  struct Key {
    std::string file, passphrase;
  };
  for (const Key& key : {Key{"issuer.key", ""}, Key{"enc.key", enc_pw}}) {
    auto k = secrets_of(s, key.file, key.passphrase);
    auto needles = k.needles;
    if (key.passphrase.empty()) {
      needles.push_back(key_line(s, key.file));
    } else {
      needles.push_back({"passphrase", key.passphrase});
    }
    std::vector<std::string> with_pass;
    if (!key.passphrase.empty()) with_pass = {"--passphrase-file", "enc.pass"};
    const auto err = s.path("child.err");

    SECTION("loaded, waiting for the writer lock: " + key.file) {
      // This test holds LMDB's writer lock, so the child stops right after
      // loading its key, before it signs anything.
      auto env = scoin::Env::open(s.ledger(), scoin::Env::Mode::existing);
      REQUIRE(env.has_value());
      auto txn = scoin::Txn::begin(*env, true);
      REQUIRE(txn.has_value());
      int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
      std::vector<std::string> args{"issue",           "--key", key.file,   "--to", "R-000001",
                                    "--amount",        "1",     "--reason", "v",    "--ref",
                                    "lock-" + key.file};
      args.insert(args.end(), with_pass.begin(), with_pass.end());
      pid_t pid = spawn_scoin(s, args, devnull, err);
      ::close(devnull);
      bool blocked = wait_until_blocked(pid, SYS_futex);
      INFO(s.read("child.err"));
      if (!blocked) kill_and_reap(pid);
      REQUIRE(blocked);
      stop(pid);
      // Holding a key, it would not even dump core.
      if (core.raised) CHECK(core_limit(pid) == "0");
      auto scan = scan_memory(pid, needles);
      kill_and_reap(pid);
      txn->abort();
      check_scan(scan, k, true);
    }

    SECTION("after signing 3,000 ops, printing its summary: " + key.file) {
      // One reason per row makes a summary far larger than a pipe holds; the
      // pipe is full already, so the child blocks printing it, key in hand,
      // after signing and committing everything.
      std::string csv = "account,amount,reason,ref\n";
      for (int i = 0; i < 3000; ++i) {
        csv += "R-000001,1,reason-" + std::to_string(i) + ",sum-" + key.file + "-" +
               std::to_string(i) + "\n";
      }
      s.write("mem.csv", csv);
      auto before = s.scoin({"verify-chain", "--json"}).json()["entries"].get<std::uint64_t>();
      FullPipe pipe;
      std::vector<std::string> args{"issue", "--key", key.file, "--csv", "mem.csv", "--json"};
      args.insert(args.end(), with_pass.begin(), with_pass.end());
      pid_t pid = spawn_scoin(s, args, pipe.fd[1], err);
      bool blocked = wait_until_blocked(pid, SYS_write);
      INFO(s.read("child.err"));
      if (!blocked) kill_and_reap(pid);
      REQUIRE(blocked);
      stop(pid);
      if (core.raised) CHECK(core_limit(pid) == "0");
      auto scan = scan_memory(pid, needles);
      kill_and_reap(pid);
      check_scan(scan, k, true);
      // It had committed: the batch is there.
      CHECK(s.scoin({"verify-chain", "--json"}).json()["entries"] == before + 3000);
    }
  }
}

TEST_CASE("secrets: keygen leaves no copy of the new key behind in its memory", "[e2e][secrets]") {
  Sandbox s;
  const std::string pw = "Keygen-Passphrase b1rch 6617";
  s.write("k.pass", pw + "\n", 0600);
  for (bool encrypted : {false, true}) {
    auto file = encrypted ? std::string("enc.key") : std::string("bare.key");
    std::vector<std::string> args{"keygen", "-o", file};
    if (encrypted) {
      args.insert(args.end(), {"--kdf", "interactive", "--passphrase-file", "k.pass"});
    } else {
      args.push_back("--unencrypted");
    }
    // keygen prints its address when done; the full pipe holds it there
    // (the key already wiped and freed), with whatever it left in memory.
    FullPipe pipe;
    pid_t pid = spawn_scoin(s, args, pipe.fd[1], s.path("child.err"));
    bool blocked = wait_until_blocked(pid, SYS_write);
    INFO(s.read("child.err"));
    if (!blocked) kill_and_reap(pid);
    REQUIRE(blocked);
    stop(pid);
    // The file is written before the address is printed.
    auto k = secrets_of(s, file, encrypted ? pw : "");
    auto needles = k.needles;
    if (encrypted) {
      needles.push_back({"passphrase", pw});
    } else {
      needles.push_back(key_line(s, file));
    }
    auto scan = scan_memory(pid, needles);
    kill_and_reap(pid);
    INFO(file);
    check_scan(scan, k, false);
  }
}

TEST_CASE(
    "secrets: key and passphrase files open to group or others, or symlinks, are refused (77)",
    "[e2e][secrets]") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""}};
  s.init_ledger(acc);
  const auto issuer_text = s.read("issuer.key");
  auto balance = [&] { return s.scoin({"balance", "R-000001", "--json"}).json()["balance_units"]; };

  // Key files: any permission bit for group or others.
  for (unsigned mode : {0640u, 0604u, 0620u, 0602u, 0660u, 0610u, 0601u}) {
    auto name = fmt::format("k{:o}.key", mode);
    s.write(name, issuer_text, mode);
    auto r = s.scoin({"issue", "--key", name, "--to", "R-000001", "--amount", "1", "--reason", "v",
                      "--ref", "perm-" + name});
    INFO(name << ": " << r.err);
    CHECK(r.code == 77);
    CHECK(r.err.find("group or others") != std::string::npos);
    auto show = s.scoin({"key", "show", name});
    CHECK(show.code == 77);
  }
  REQUIRE(::symlink(s.path("issuer.key").c_str(), s.path("link.key").c_str()) == 0);
  auto link = s.scoin({"issue", "--key", "link.key", "--to", "R-000001", "--amount", "1",
                       "--reason", "v", "--ref", "perm-link"});
  CHECK(link.code == 77);
  CHECK(link.err.find("symlink") != std::string::npos);
  CHECK(s.scoin({"key", "show", "link.key"}).code == 77);
  CHECK(balance() == 0);

  // Passphrase files, by every way of naming one.
  const std::string pw = s.read("pass-admin");
  auto open = [&](const std::string& label, std::vector<std::string> extra,
                  std::vector<std::string> env) {
    std::vector<std::string> args{
        "account", "open",     "--key",   "admin.key", s.keygen(label + ".key"),
        "--kind",  "resident", "--label", label,       "--no-input"};
    args.insert(args.end(), extra.begin(), extra.end());
    return s.scoin(args, {}, std::move(env));
  };
  for (unsigned mode : {0640u, 0604u, 0644u, 0660u, 0620u, 0602u}) {
    auto name = fmt::format("p{:o}.pass", mode);
    s.write(name, pw, mode);
    auto label = fmt::format("R-9{:05o}", mode);
    auto r = open(label, {"--passphrase-file", name}, {});
    INFO(name << ": " << r.err);
    CHECK(r.code == 77);
    CHECK(r.err.find("group or others") != std::string::npos);
  }
  REQUIRE(::symlink(s.path("pass-admin").c_str(), s.path("link.pass").c_str()) == 0);
  ::mkdir(s.path("creds").c_str(), 0700);
  REQUIRE(::symlink(s.path("pass-admin").c_str(), s.path("creds/scoin-passphrase").c_str()) == 0);
  struct Way {
    const char* what;
    std::vector<std::string> extra, env;
  };
  std::vector<Way> ways = {
      {"--passphrase-file", {"--passphrase-file", "link.pass"}, {}},
      {"SCOIN_PASSPHRASE_FILE", {}, {"SCOIN_PASSPHRASE_FILE=" + s.path("link.pass")}},
      {"CREDENTIALS_DIRECTORY", {}, {"CREDENTIALS_DIRECTORY=" + s.path("creds")}},
      {"config", {"--config", "link.toml"}, {}}};
  s.write("link.toml", "passphrase_file = \"link.pass\"\n");
  int n = 0;
  for (auto& w : ways) {
    auto r = open("R-8" + std::to_string(n++), w.extra, w.env);
    INFO(w.what << ": " << r.err);
    CHECK(r.code == 77);
    CHECK(r.err.find("symlink") != std::string::npos);
  }
  // None of them opened an account; the real file, 0600, does.
  auto list = s.scoin({"account", "list", "--json"});
  REQUIRE(list.code == 0);
  CHECK(list.out.find("R-9") == std::string::npos);
  CHECK(list.out.find("R-8") == std::string::npos);
  auto good = open("R-700000", {"--passphrase-file", s.admin_pass()}, {});
  INFO(good.err);
  CHECK(good.code == 0);
}

TEST_CASE("secrets: a key file asking for Argon2id limits above SENSITIVE (or below the minimum) "
          "is refused (77) "
          "before any passphrase is asked for",
          "[e2e][secrets]") {
  Sandbox s;
  std::vector<Sandbox::Account> acc;
  s.init_ledger(acc);
  auto text = s.read("admin.key");
  auto nl = text.find('\n');
  auto blob = *scoin::base64_decode(text.substr(nl + 1, text.size() - nl - 2));
  s.write("one.csv", "address,kind,label\n" + s.keygen("r.key") + ",resident,R-000050\n");
  struct Case {
    const char* name;
    std::size_t at; // opslimit at 37, memlimit at 45
    std::uint64_t value;
  } cases[] = {
      {"ops-over.key", 37, std::uint64_t{crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE} + 1},
      {"ops-huge.key", 37, UINT64_MAX},
      {"mem-over.key", 45, std::uint64_t{crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE} + 1},
      {"mem-huge.key", 45, std::uint64_t{1} << 62},
      {"ops-zero.key", 37, 0},
      {"mem-tiny.key", 45, 1024},
  };
  for (auto& c : cases) {
    auto edited = blob;
    scoin::put_u64(edited.data() + c.at, c.value);
    s.write(c.name, text.substr(0, nl + 1) + scoin::base64_encode(edited) + "\n", 0600);
    // No passphrase anywhere and no prompt allowed: had it asked, the error
    // would say so.
    auto r = s.scoin({"account", "open", "--key", c.name, "--csv", "one.csv", "--no-input"});
    INFO(c.name << ": " << r.err);
    CHECK(r.code == 77);
    CHECK(r.err.find("KDF limits") != std::string::npos);
    CHECK(r.err.find("passphrase") == std::string::npos);
    // With the right passphrase it is still refused, before deriving anything.
    auto p = s.scoin({"account", "open", "--key", c.name, "--csv", "one.csv", "--passphrase-file",
                      s.admin_pass()});
    CHECK(p.code == 77);
    CHECK(p.err.find("KDF limits") != std::string::npos);
  }
  // The file as it was opens the account: the refusals were the limits'.
  auto good = s.scoin({"account", "open", "--key", "admin.key", "--csv", "one.csv",
                       "--passphrase-file", s.admin_pass()});
  INFO(good.err);
  CHECK(good.code == 0);
}
